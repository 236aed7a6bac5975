"""The help screen: every key binding of the app and its widgets, generated from the bindings;
a description longer than the screen wraps at a word, never cut."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.keys import key_label


class HelpScreen(ModalScreen[None]):
    """Lists every binding by area; Esc or ? closes it."""

    BINDINGS = [Binding("escape,question_mark,q", "dismiss", "Close")]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 90%; max-width: 100; height: 90%; border: thick $primary; background: $surface; padding: 0 1; }
    HelpScreen .help-keys { height: auto; }
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
                yield Static(keys_table(bindings), classes="help-keys")


def keys_table(bindings: list[Binding]) -> Table:
    """Key and action, the action wrapping at words within the screen's width."""
    table = Table(box=None, show_edge=False, pad_edge=False)
    table.add_column("Key", style="bold", no_wrap=True)
    table.add_column("Action", overflow="fold", ratio=1)
    for binding in bindings:
        table.add_row(key_label(binding.key), binding.tooltip or binding.description)
    return table
