"""The filtered underlying rows, one page at a time: only the rows on screen leave polars."""

from __future__ import annotations

import polars as pl
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static

from tui.data.labels import safe_text

PAGE_ROWS = 100
CELL_CHARS = 28
"""Text cells longer than this are cut (with …) in the rows view."""


class RowsPageRequested(Message):
    """The user paged: show the rows starting at ``offset``."""

    def __init__(self, offset: int) -> None:
        super().__init__()
        self.offset = offset


class GoToRowRequested(Message):
    """The user wants to jump to a row number (the app asks which)."""


class RowsTable(DataTable):
    """A page of rows; PageUp/PageDown move a page, Home/End jump to the first/last page (the line
    above the rows names these keys, so the footer keeps the app's own)."""

    BINDINGS = [
        Binding(
            "pagedown", "page(1)", "Next page", show=False, tooltip="Rows view: next page of rows"
        ),
        Binding(
            "pageup",
            "page(-1)",
            "Previous page",
            show=False,
            tooltip="Rows view: previous page of rows",
        ),
        Binding(
            "home", "jump(0)", "First page", show=False, tooltip="Rows view: first page of rows"
        ),
        Binding("end", "jump(1)", "Last page", show=False, tooltip="Rows view: last page of rows"),
        Binding(
            "ctrl+g",
            "go_to_row",
            "Go to row",
            show=False,
            tooltip="Rows view: jump to a row number",
        ),
    ]

    def __init__(self, **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)  # type: ignore[arg-type]
        self.first_row = 0
        self.total = 0

    def action_page(self, step: int) -> None:
        """Ask for the next (or previous) page."""
        target = self.first_row + step * PAGE_ROWS
        if 0 <= target < self.total:
            self.post_message(RowsPageRequested(target))

    def action_go_to_row(self) -> None:
        """Ask the app to prompt for a row number."""
        self.post_message(GoToRowRequested())

    def action_jump(self, to_end: int) -> None:
        """Ask for the first or the last page."""
        target = (max(self.total - 1, 0) // PAGE_ROWS) * PAGE_ROWS if to_end else 0
        if target != self.first_row:
            self.post_message(RowsPageRequested(target))


class RowsView(Vertical):
    """Caption and one page of the selection's rows."""

    DEFAULT_CSS = """
    RowsView { height: 1fr; }
    RowsView #rows-caption { height: 1; color: $text-muted; padding: 0 1; }
    RowsView RowsTable { height: 1fr; }
    """

    def compose(self) -> ComposeResult:
        yield Static("", id="rows-caption")
        yield RowsTable(id="rows-table")

    def show(self, page: pl.DataFrame, offset: int, total: int, cursor: int = 0) -> None:
        """Display ``page`` (rows ``offset``.. of ``total`` matching rows), cursor on row ``cursor``."""
        table = self.query_one(RowsTable)
        table.first_row, table.total = offset, total
        table.clear(columns=True)
        for column, dtype in page.schema.items():
            justify = "right" if dtype.is_numeric() else "left"
            table.add_column(Text(column, justify=justify), key=column)
        for number, values in enumerate(page.iter_rows(), start=offset + 1):
            cells = [
                Text(f"{v:,}", justify="right")
                if isinstance(v, int)
                else Text(shortened(safe_text(v)))
                for v in values
            ]
            table.add_row(*cells, label=Text(f"{number:,}", style="dim"))
        table.show_row_labels = True
        if page.height:
            table.move_cursor(row=min(cursor, page.height - 1))
        last = offset + page.height
        pages = max((total + PAGE_ROWS - 1) // PAGE_ROWS, 1)
        caption = (
            f"rows {offset + 1:,}–{last:,} of {total:,} matching (page {offset // PAGE_ROWS + 1:,}"
            f" of {pages:,}) · PgUp/PgDn · Home/End · ctrl+g: go to row · r/Esc: summary"
            if total
            else "No rows match these filters (x clears them)"
        )
        self.query_one("#rows-caption", Static).update(caption)


def shortened(value: object) -> str:
    """A cell's text, cut to :data:`CELL_CHARS` so a long label (the offence's full name) leaves
    room for the columns after it."""
    text = str(value)
    return text if len(text) <= CELL_CHARS else text[: CELL_CHARS - 1] + "…"
