"""The grouped summary table: one row per member and a totals row; Enter drills down."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable

from tui.data import format as fmt
from tui.data.query import Summary
from tui.widgets.messages import DrillRequested

TOTAL_KEY = "__total__"
EMPTY_KEY = "__empty__"
MAX_ROWS = 2_000
"""Rows shown at most; a larger grouping is summarised by a note (the export has them all)."""


class SummaryTable(DataTable):
    """Shows a :class:`Summary`; numbers right-aligned with thousands separators."""

    DEFAULT_CSS = """
    SummaryTable { height: 1fr; }
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)  # type: ignore[arg-type]
        self.sort_column: str | None = None
        self.descending = True

    def show(
        self, result: Summary, sort_column: str | None, descending: bool, cursor: int = 0
    ) -> None:
        """Replace the contents with ``result``, marking the sorted column in its header."""
        self.clear(columns=True)
        titles = fmt.column_titles(result, compact=True)
        for column, title in titles.items():
            arrow = (" ▼" if descending else " ▲") if column == sort_column else ""
            justify = "left" if column == result.key else "right"
            self.add_column(Text(title + arrow, justify=justify), key=column)
        columns = list(titles)
        if result.frame.height == 0:
            self.add_row(
                Text("Nothing matches these filters: press x to clear them", style="italic"),
                *[""] * (len(columns) - 1),
                key=EMPTY_KEY,
            )
            return
        for values in result.frame.head(MAX_ROWS).select(columns).iter_rows():
            member = str(values[0])
            cells = [
                Text(fmt.member_cell(result, c, member, v), justify="right")
                for c, v in zip(columns[1:], values[1:], strict=True)
            ]
            self.add_row(member, *cells, key=member)
        if result.frame.height > MAX_ROWS:
            hidden = result.frame.height - MAX_ROWS
            self.add_row(
                Text(f"… {hidden:,} more rows (export to see all)", style="italic"),
                *[""] * (len(columns) - 1),
                key="__more__",
            )
        totals = [
            Text(fmt.cell(c, result.totals.get(c)), justify="right", style="bold")
            for c in columns[1:]
        ]
        self.add_row(Text("Total", style="bold"), *totals, key=TOTAL_KEY)
        self.move_cursor(row=min(cursor, self.row_count - 1))

    @property
    def current_member(self) -> str | None:
        """The member under the cursor, or ``None`` on the totals/empty row."""
        if self.row_count == 0:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        return None if key in (TOTAL_KEY, EMPTY_KEY, "__more__") else key

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a member row asks to drill into it."""
        event.stop()
        member = self.current_member
        if member is not None:
            self.post_message(DrillRequested(member))
