"""A small modal list to pick one of a few options (group-by dimension, measure); typing a name's
first letters jumps to it."""

from __future__ import annotations

from time import monotonic

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui.data.labels import safe_text

TYPING_PAUSE = 1.0
"""Seconds after which typed letters start a new name rather than continue the last one."""


class PickerScreen(ModalScreen[str | None]):
    """Returns the chosen option's id, or ``None`` on Esc. Typed letters highlight the option
    named by them, else the shortest that starts with them (then one that contains them)."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]
    DEFAULT_CSS = """
    PickerScreen { align: center middle; }
    PickerScreen > Vertical { width: 44; height: auto; max-height: 80%; border: thick $primary; background: $surface; padding: 0 1; }
    PickerScreen OptionList { height: auto; max-height: 20; }
    """

    def __init__(
        self, title: str, options: list[tuple[str, str]], current: str | None = None
    ) -> None:
        super().__init__()
        self.title_text = title
        self.options = options
        self.current = current
        self.typed = ""
        self.typed_at = 0.0

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(safe_text(self.title_text), markup=False)
            yield OptionList(
                *(Option(safe_text(text), id=key) for key, text in self.options), markup=False
            )

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        keys = [key for key, _ in self.options]
        if self.current in keys:
            options.highlighted = keys.index(self.current)
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def on_key(self, event: events.Key) -> None:
        """Type-to-jump: letters typed within a second of each other name one option."""
        character = event.character
        if not character or not character.isprintable() or (character == " " and not self.typed):
            return
        now = monotonic()
        self.typed = (self.typed if now - self.typed_at < TYPING_PAUSE else "") + character
        self.typed_at = now
        wanted = self.typed.casefold()
        labels = [text.casefold() for _, text in self.options]
        starting = [i for i, t in enumerate(labels) if t.startswith(wanted)]
        # the name typed whole first ("platform": Platform, not Platform owner), then the shortest
        found = min(starting, key=lambda i: (labels[i] != wanted, len(labels[i])), default=None)
        if found is None:
            found = next((i for i, t in enumerate(labels) if wanted in t), None)
        if found is not None:
            self.query_one(OptionList).highlighted = found
        event.stop()
        event.prevent_default()
