"""The grouped summary table: one row per member and a totals row; Enter drills down."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable

from tui.data.engine.table import Summary, natural_sort
from tui.data.labels import safe_text
from tui.data.output import format as fmt
from tui.data.schema import PROVENANCE
from tui.widgets.line_table import LineTable
from tui.widgets.messages import DrillRequested

TOTAL_KEY = "__total__"
EMPTY_KEY = "__empty__"
MAX_ROWS = 2_000
"""Rows shown at most; a larger grouping is summarised by a note (the export has them all)."""
NAME_WIDTH, NARROW_NAME_WIDTH = 24, 16
"""Names longer than this are cut with … (kept distinct); the status line has the full name."""
WIDE_TABLE = 80
CELL_PADDING = 2
"""DataTable pads each cell by one on either side."""
SCROLLBAR = 2
MARKER = 3
"""Room kept for the › column that says more columns are to the right."""
NOTHING = "Nothing matches these filters: press x to clear them"


class SummaryTable(LineTable):
    """Shows a :class:`Summary`; numbers right-aligned with thousands separators.

    Only whole columns are shown: when they do not all fit, Left/Right move along them
    (the header marks the hidden side with ‹ or ›), so no header is ever cut mid-word.
    """

    BINDINGS = [
        Binding("home", "scroll_top", "First row", show=False, tooltip="First row"),
        Binding("end", "scroll_bottom", "Last row", show=False, tooltip="Last row (the total)"),
        Binding(
            "right",
            "shift_columns(1)",
            "Next column",
            show=False,
            tooltip="Show the columns to the right (when not all fit)",
        ),
        Binding(
            "left",
            "shift_columns(-1)",
            "Previous column",
            show=False,
            tooltip="Show the columns to the left",
        ),
    ]
    DEFAULT_CSS = """
    SummaryTable { height: 1fr; }
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)  # type: ignore[arg-type]
        self._shown: tuple[Summary, str, bool] | None = None
        self.first_column = 0
        """Index of the first value column shown (the name column is always shown)."""
        self.hidden_columns = 0
        self._reveal = False
        """Bring the sorted column into view at the next render (the sort column changed)."""
        self._built: tuple[object, ...] | None = None
        """What the table was last built from (a rebuild repaints every cell: done only when
        what it shows changes)."""

    def show(
        self, result: Summary, sort_column: str | None, descending: bool, cursor: int = 0
    ) -> None:
        """Replace the contents with ``result``, marking the sorted column in its header.

        ``sort_column`` ``None`` is the natural order: the name column for ordered dimensions
        (years, age bands), otherwise the measure, largest first.
        """
        if sort_column is None:
            sort_column, descending = natural_sort(result.key, result.measure)
        self._reveal = self._shown is None or self._shown[1] != sort_column
        self._shown = (result, sort_column, descending)
        self._render(cursor)

    def on_resize(self) -> None:
        if self._shown is not None:
            self._render(self.cursor_row)

    def action_shift_columns(self, step: int) -> None:
        """Show the next (or previous) value column when they do not all fit."""
        if self._shown is None or (step > 0 and not self.hidden_columns):
            return
        first = max(self.first_column + step, 0)
        if first != self.first_column:
            self.first_column = first
            self._render(self.cursor_row)

    def _render(self, cursor: int) -> None:
        assert self._shown is not None
        result, sort_column, descending = self._shown
        titles = fmt.column_titles(result, compact=True)
        columns = list(titles)
        headers = {
            c: t + ((" ▼" if descending else " ▲") if c == sort_column else "")
            for c, t in titles.items()
        }
        frame = result.frame.head(MAX_ROWS)
        members = [str(v) for v in frame[result.key]]
        width = self.size.width
        names = fmt.shorten(
            [safe_text(m) for m in members],
            NAME_WIDTH if width >= WIDE_TABLE else NARROW_NAME_WIDTH,
        )
        rows = list(frame.iter_rows(named=True))
        short = width < WIDE_TABLE  # a narrow table writes an interval's thousands as k
        cells = {c: [fmt.row_cell(result, c, row, short) for row in rows] for c in columns[1:]}
        totals = {c: fmt.row_cell(result, c, result.totals, short) for c in columns[1:]}
        widths = {
            c: max(len(headers[c]), len(totals[c]), *(len(v) for v in cells[c])) + CELL_PADDING
            for c in columns[1:]
        }
        name_width = max(len(headers[result.key]) + 2, *(len(n) for n in names), 5) + CELL_PADDING
        marked = result.marked  # a mark beside each name; legend below
        marks = [result.mark_of(m) for m in [None, *members]] if marked else []
        marker_width = max(len(m) for m in marks) + CELL_PADDING if marked else 0
        room = width - name_width - SCROLLBAR - marker_width
        if not self.first_column and sum(widths.values()) <= room:
            shown = columns[1:]  # everything fits: no room kept for a › column
        else:
            shown = self._fit(columns[1:], widths, room - MARKER)
            if self._reveal and sort_column in columns[1:] and sort_column not in shown:
                self.first_column = columns[1:].index(sort_column)  # sorted by it: show it
                shown = self._fit(columns[1:], widths, room - MARKER)
        self._reveal = False
        self.hidden_columns = len(columns) - 1 - len(shown)
        built = (id(result), sort_column, descending, self.first_column, tuple(shown), *names)
        if built == self._built:  # a resize that shows the same columns: nothing to rebuild
            self.move_cursor(row=min(cursor, self.row_count - 1))
            return
        self._built = built
        self.clear(columns=True)
        # every column's width given, so the table does not measure each cell again
        left = "‹ " if self.first_column else ""
        hidden = result.frame.height - MAX_ROWS
        more_rows = f"… {hidden:,} more rows (export to see all)"
        longest = [left + headers[result.key], *names, "Total"]
        if frame.height == 0 or hidden > 0:
            longest.append(NOTHING if hidden <= 0 else more_rows)
        self.add_column(
            Text(left + headers[result.key]), key=result.key, width=max(map(len, longest))
        )
        if marked:
            self.add_column("", key=PROVENANCE, width=marker_width - CELL_PADDING)
        for column in shown:
            self.add_column(
                Text(headers[column], justify="right"),
                key=column,
                width=widths[column] - CELL_PADDING,
            )
        more = columns.index(shown[-1]) < len(columns) - 1 if shown else False
        if more:
            self.add_column(Text("›", style="bold"), key="__more_columns__", width=1)
        blanks = [""] * (len(shown) + more + marked)
        if frame.height == 0:
            self.add_row(Text(NOTHING, style="italic"), *blanks, key=EMPTY_KEY)
            return
        for index, (member, name) in enumerate(zip(members, names, strict=True)):
            values = [Text(cells[c][index], justify="right") for c in shown]
            self.add_row(
                Text(name), *_marker(result, member), *values, *([""] if more else []), key=member
            )
        if hidden > 0:
            self.add_row(
                Text(more_rows, style="italic"),
                *blanks,
                key="__more__",
            )
        total_cells = [Text(totals[c], justify="right", style="bold") for c in shown]
        self.add_row(
            Text("Total", style="bold"),
            *_marker(result, None),
            *total_cells,
            *([""] if more else []),
            key=TOTAL_KEY,
        )
        self.move_cursor(row=min(cursor, self.row_count - 1))

    def _fit(self, columns: list[str], widths: dict[str, int], room: int) -> list[str]:
        """The value columns from :attr:`first_column` on that fit whole in ``room`` cells."""
        self.first_column = min(self.first_column, max(len(columns) - 1, 0))
        while True:
            shown: list[str] = []
            used = 0
            for column in columns[self.first_column :]:
                if used + widths[column] > room and shown:
                    break
                shown.append(column)
                used += widths[column]
            # at the right end: show as many columns as fit, ending with the last one
            earlier = columns[self.first_column - 1] if self.first_column else None
            if shown and shown[-1] == columns[-1] and earlier and used + widths[earlier] <= room:
                self.first_column -= 1
                continue
            return shown

    @property
    def current_row_key(self) -> str | None:
        """The key of the row under the cursor (a member, or the totals row's key)."""
        if self.row_count == 0:
            return None
        return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value

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


def _marker(result: Summary, member: str | None) -> list[Text]:
    """The mark of a row (● ◐ ○ ◔, ! when flagged); none when no row of the table has one."""
    return [Text(result.mark_of(member))] if result.marked else []
