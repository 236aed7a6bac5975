"""Spreadsheet formula injection in CSV/TSV: the OWASP escape on export, undone exactly on load.

A text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be
evaluated as a formula by a spreadsheet that opens the file, so an export writes it with a leading
``'``. To keep the escape reversible, a cell that already begins with ``'`` followed by one of those
characters gets one more ``'``. Loading removes exactly one leading ``'`` from such cells.
"""

from __future__ import annotations

import polars as pl

ESCAPED = r"^('*[=+\-@\t\r])"
"""A cell that needs the escape: optional quotes, then a character that starts a formula."""
UNESCAPED = r"^'('*[=+\-@\t\r])"
"""A cell that carries the escape."""


def escape_text_cells(frame: pl.DataFrame) -> pl.DataFrame:
    """Every text column with formula-like cells prefixed by ``'``."""
    text = [
        c
        for c, t in frame.schema.items()
        if t in (pl.String, pl.Categorical) or isinstance(t, pl.Enum)
    ]
    return frame.with_columns(pl.col(text).cast(pl.String).str.replace(ESCAPED, "'$1"))


def unescape_text(column: pl.Expr) -> pl.Expr:
    """A text column with the export's escape undone."""
    return column.str.replace(UNESCAPED, "$1")
