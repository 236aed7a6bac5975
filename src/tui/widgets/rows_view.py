"""The filtered underlying rows, virtual: only the visible rows are ever rendered."""

from __future__ import annotations

import polars as pl
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static
from textual_fastdatatable import DataTable


class RowsView(Vertical):
    """A virtual table of the selection's rows (textual-fastdatatable over an Arrow table)."""

    DEFAULT_CSS = """
    RowsView { height: 1fr; }
    RowsView #rows-caption { height: 1; color: $text-muted; padding: 0 1; }
    RowsView DataTable { height: 1fr; }
    """

    def compose(self) -> ComposeResult:
        yield Static("", id="rows-caption")

    async def show(self, frame: pl.DataFrame, total_rows: int) -> None:
        """Replace the table with ``frame`` (string dimensions, integer measures)."""
        await self.query(DataTable).remove()
        caption = f"{frame.height:,} of {total_rows:,} rows match · PageUp/PageDown, Home/End"
        self.query_one("#rows-caption", Static).update(caption)
        plain = frame.with_columns(pl.col(pl.Enum).cast(pl.String))
        table = DataTable(data=plain.to_arrow(), cursor_type="row", null_rep="–")
        await self.mount(table)

    def focus_table(self) -> None:
        """Focus the rows table, if there is one."""
        for table in self.query(DataTable):
            table.focus()
