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

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._parts: tuple[str, int, int, int, str, bool, bool] | None = None
        self._member: str | None = None
        self._detail = ""

    def show(
        self,
        name: str,
        rows: int,
        total_rows: int,
        total: int,
        measure: str,
        modelled: bool,
        published_only: bool = False,
    ) -> None:
        """Render the status line; ``published_only``: the view blanks modelled numbers."""
        self._parts = (name, rows, total_rows, total, measure, modelled, published_only)
        self._render_line()

    def show_member(self, member: str | None, detail: str = "") -> None:
        """Name the highlighted row in full (the table may have cut it), with ``detail`` about its
        number (where it comes from)."""
        self._member = member
        self._detail = detail
        self._render_line()

    def _render_line(self) -> None:
        if self._parts is None:
            return
        name, rows, total_rows, total, measure, modelled, published_only = self._parts
        text = Text(no_wrap=True, overflow="ellipsis")
        if published_only:
            text.append(" PUBLISHED ONLY ", style="bold white on dark_green")
            text.append(" ")
        elif modelled:
            text.append(" MODELLED DATA ", style="bold black on yellow")
            text.append(" ")
        if self._member:
            text.append(f"▸ {self._member}", style="bold")
            text.append(" · ")
        if self._detail:
            text.append(self._detail)
            text.append(" · ")
        text.append(f"{count(rows)} of {count(total_rows)} rows · {count(total)} {measure} · ")
        text.append(name, style="dim")
        self.update(text)
