"""The help screen: every key binding of the app and its widgets, generated from the bindings."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from tui.keys import key_label


class HelpScreen(ModalScreen[None]):
    """Lists every binding by area; Esc or ? closes it."""

    BINDINGS = [Binding("escape,question_mark,q", "dismiss", "Close")]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 90%; max-width: 100; height: 90%; border: thick $primary; background: $surface; padding: 0 1; }
    HelpScreen DataTable { height: auto; }
    HelpScreen .help-title { text-style: bold; margin-top: 1; }
    """

    def __init__(self, sections: list[tuple[str, list[Binding]]]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(
                "Keys  (Esc closes; ctrl+p opens the command palette)", classes="help-title"
            )
            for title, bindings in self.sections:
                yield Static(title, classes="help-title")
                table: DataTable = DataTable(show_cursor=False, zebra_stripes=True)
                table.add_columns("Key", "Action")
                for binding in bindings:
                    table.add_row(key_label(binding.key), binding.tooltip or binding.description)
                yield table
