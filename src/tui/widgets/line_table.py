"""A DataTable whose cells are each one line of text, laid out directly.

DataTable lays every cell out through Rich's console (padding, styles, wrapping), about 30 times
as long as building the line's segments directly; and it does it for every visible cell on every
change (a resize, a row added, the cursor moved). The tables here hold one line of text per cell,
so that work was most of the time of every repaint.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual._types import SegmentLines
from textual.widgets import DataTable


class LineTable(DataTable):
    """A DataTable for one-line text cells (anything else is laid out as DataTable does)."""

    def _render_cell(
        self,
        row_index: int,
        column_index: int,
        base_style: Style,
        width: int,
        cursor: bool = False,
        hover: bool = False,
    ) -> SegmentLines:
        """One cell as its line of segments: padding, the text cropped and justified, the
        table's styles (cursor, zebra stripes) applied; cached as DataTable caches its cells."""
        if row_index < 0 or column_index < 0:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        row_key = self._row_locations.get_key(row_index)
        column_key = self._column_locations.get_key(column_index)
        cache_key = (
            row_key,
            column_key,
            base_style,
            cursor,
            hover,
            self._show_hover_cursor,
            self._update_count,
            self._pseudo_class_state,
        )
        if cache_key in self._cell_render_cache:
            return self._cell_render_cache[cache_key]
        cell = self._get_row_renderables(row_index).cells[column_index]
        if not isinstance(cell, Text) or row_key is None or self.rows[row_key].height != 1:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        component, post = self._get_styles_to_render_cell(
            False,
            False,
            row_index < self.fixed_rows or column_index < self.fixed_columns,
            hover,
            cursor,
            self.show_cursor,
            self._show_hover_cursor,
            self.cursor_foreground_priority == "css",
            self.cursor_background_priority == "css",
        )
        inner = max(width - 2 * self.cell_padding, 0)
        text = cell.copy()
        text.truncate(inner, overflow="crop")
        room = inner - text.cell_len
        left = room if cell.justify == "right" else room // 2 if cell.justify == "center" else 0
        segments = [
            Segment(" " * (self.cell_padding + left)),
            *text.render(self.app.console),
            Segment(" " * (room - left + self.cell_padding)),
        ]
        style = base_style + Style.from_meta({"row": row_index, "column": column_index})
        lines = [list(Segment.apply_style(segments, style + component, post))]
        self._cell_render_cache[cache_key] = lines
        return lines
