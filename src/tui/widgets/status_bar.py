"""Dataset name, rows matched of total, the measure total, and the modelled-data marker."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from tui.data.output.format import count, fit_parts


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
        """The line, dropping whole parts from its end (the dataset's name, then the counts)
        rather than cutting one mid-word when the screen is narrow."""
        if self._parts is None:
            return
        width = self.content_size.width
        for extras in (2, 1, 0):
            text = self._line(extras)
            if not width or text.cell_len <= width:
                break
        else:  # the detail alone is too long: shortened at a word
            room = width - (text.cell_len - len(self._detail))
            text = self._line(0, fit_parts([self._detail], room))
        self.update(text)

    def on_resize(self) -> None:
        self._render_line()

    def _line(self, extras: int, detail: str | None = None) -> Text:
        """The line with its last ``extras`` parts (counts, dataset name) kept (and ``detail``
        for the highlighted row's own)."""
        detail = self._detail if detail is None else detail
        assert self._parts is not None
        name, rows, total_rows, total, measure, modelled, published_only = self._parts
        text = Text(no_wrap=True, overflow="ellipsis")
        if published_only:
            text.append(" PUBLISHED ONLY ", style="bold white on dark_green")
            text.append(" ")
        elif modelled:
            text.append(" MODELLED DATA ", style="bold black on yellow")
            text.append(" ")
        pieces: list[tuple[str, str]] = []
        if self._member:
            pieces.append((f"▸ {self._member}", "bold"))
        if detail:
            pieces.append((detail, ""))
        if extras >= 1:
            pieces.append(
                (f"{count(rows)} of {count(total_rows)} rows · {count(total)} {measure}", "")
            )
        if extras >= 2:
            pieces.append((name, "dim"))
        for index, (piece, style) in enumerate(pieces):
            text.append(" · " if index else "")
            text.append(piece, style=style)
        return text
