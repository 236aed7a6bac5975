"""The search line (``/``): a reader's question in their own words, read as it is typed.

``kent 23``, ``wales 2022/23 app``, ``ew ni 23``, ``23 rate``: the line under the box says what
the table will show (and any word not understood) at every key; Enter shows it, Esc leaves the
table as it was. The reading itself is :func:`tui.data.features.search.read_query`.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from tui.data.dataset import Dataset
from tui.data.features.search import Reading, read_query
from tui.data.selection import Selection

PLACEHOLDER = "kent 23 · wales 2022/23 app · ew ni 23 · 23 rate · 12-15 2023"
HINT = "Enter shows it · Esc cancels · places, years (23 = 2023/24), age bands, apps, rate, change"


class SearchScreen(ModalScreen[Reading | None]):
    """Returns what the typed words were read as, or ``None`` (Esc, or nothing typed)."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]
    DEFAULT_CSS = """
    SearchScreen { align: center top; }
    SearchScreen > Vertical { width: 100%; max-width: 100; height: auto; margin-top: 1; border: thick $primary; background: $surface; padding: 0 1; }
    SearchScreen #reading { color: $text; }
    SearchScreen #search-hint { color: $text-muted; }
    """

    def __init__(self, dataset: Dataset, current: Selection, text: str = "") -> None:
        super().__init__()
        self.dataset = dataset
        self.current = current
        self.text = text
        self.reading: Reading | None = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Input(value=self.text, placeholder=PLACEHOLDER, id="search-line")
            yield Static("", id="reading", markup=False)
            yield Static(HINT, id="search-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self._read(self.text)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._read(event.value)

    def _read(self, text: str) -> None:
        """Read ``text`` and say what the table would show."""
        self.reading = read_query(self.dataset, text, self.current) if text.strip() else None
        shown = f"→ {self.reading.describe()}" if self.reading else "→ type a question"
        self.query_one("#reading", Static).update(shown)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._read(event.value)
        self.dismiss(self.reading)
