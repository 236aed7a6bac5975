"""Dataset name, rows matched of total, the measure total, and the modelled-data marker."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from tui.data.format import count


class StatusBar(Static):
    """The line above the footer."""

    DEFAULT_CSS = """
    StatusBar { height: 1; padding: 0 1; background: $panel; }
    """

    def show(
        self, name: str, rows: int, total_rows: int, total: int, measure: str, modelled: bool
    ) -> None:
        """Render the status line."""
        text = Text()
        if modelled:
            text.append(" MODELLED DATA ", style="bold black on yellow")
            text.append(" ")
        text.append(f"{count(rows)} of {count(total_rows)} rows · {count(total)} {measure} · ")
        text.append(name, style="dim")
        self.update(text)
