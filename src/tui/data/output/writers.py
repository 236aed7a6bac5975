"""One writer per export format (CSV, TSV, Parquet, JSON, NDJSON, Excel), each writing an
:class:`ExportContent` to a (staged) path."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from tui.data.dataset import DataError
from tui.data.engine.table import (
    CHANGE,
    HIGH,
    LOW,
    RATE,
    RATE_CHILDREN,
    RATE_CHILDREN_HIGH,
    RATE_CHILDREN_LOW,
    RATE_HIGH,
    RATE_LOW,
    SHARE,
    SHARE_RECORDED,
)
from tui.data.loading.formula_escape import escape_text_cells
from tui.data.loading.sidecar import PARQUET_KEY
from tui.data.output.format import cell

XLSX_CREATED = dt.datetime(2017, 4, 3)
"""Fixed workbook creation date, so the same selection gives the same bytes."""
XLSX_MAX_ROWS = 1_048_575
"""Rows an Excel sheet holds below its header."""
XLSX_FORMATS = {
    SHARE: "0.0%",
    SHARE_RECORDED: "0.0%",
    CHANGE: "+0.0%;-0.0%;0.0%",
    RATE: "#,##0.00",
    LOW: "#,##0.0",
    HIGH: "#,##0.0",
    RATE_LOW: "#,##0.00",
    RATE_HIGH: "#,##0.00",
    RATE_CHILDREN: "#,##0.00",
    RATE_CHILDREN_LOW: "#,##0.00",
    RATE_CHILDREN_HIGH: "#,##0.00",
}
XLSX_TABLE = "selection"


@dataclass(frozen=True)
class ExportContent:
    """The table an export writes and everything said about it."""

    frame: pl.DataFrame
    """Members only (summary) or the filtered rows."""
    totals: dict[str, Any] = field(default_factory=dict)
    """The summary's total per column (empty for rows): Excel writes it below the table."""
    titles: dict[str, str] = field(default_factory=dict)
    """Readable header of each column (Excel)."""
    columns: dict[str, dict[str, Any]] = field(default_factory=dict)
    """What each column means: meaning, unit, base, years compared."""
    about: list[tuple[str, str]] = field(default_factory=list)
    """Source, filters and the like, as (label, text) lines for Excel's Notes sheet."""
    excel: bool = False
    """CSV/TSV with a UTF-8 byte-order mark, for Excel."""
    metadata: str = ""
    """The record (TOML) Parquet keeps in its key-value metadata."""
    provenance: dict[str, Any] = field(default_factory=dict)
    """Legend of the ``provenance`` column and the sources of its published figures."""


def _write_delimited(content: ExportContent, path: Path, separator: str) -> None:
    escape_text_cells(content.frame).write_csv(
        path, separator=separator, line_terminator="\n", include_bom=content.excel
    )


def _write_xlsx(content: ExportContent, path: Path) -> None:
    """One sheet with the table (frozen header, widths from the shown text, number formats), the
    total below it in bold after a blank row, and a Notes sheet. Text is always a string cell."""
    frame = content.frame
    if frame.height > XLSX_MAX_ROWS:
        raise DataError(
            f"{frame.height:,} rows do not fit an Excel sheet ({XLSX_MAX_ROWS:,}); "
            "export CSV or Parquet instead"
        )
    import xlsxwriter  # only Excel exports need it (imported when one is written)

    workbook = xlsxwriter.Workbook(
        str(path),
        {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False},
    )
    workbook.set_properties({"created": XLSX_CREATED})
    sheet = workbook.add_worksheet(XLSX_TABLE)
    number_formats = {c: XLSX_FORMATS.get(c) for c in frame.columns}
    number_formats.update({c: "#,##0" for c, t in frame.schema.items() if t.is_integer()})
    plain = {
        c: workbook.add_format({"num_format": f} if f else {}) for c, f in number_formats.items()
    }
    bold = {
        c: workbook.add_format({"bold": True, **({"num_format": f} if f else {})})
        for c, f in number_formats.items()
    }
    headers = _unique([content.titles.get(c, c) for c in frame.columns])
    widths = [len(h) + 3 for h in headers]  # room for the filter button
    for col, column in enumerate(frame.columns):
        for row, value in enumerate(frame[column], start=1):
            _write_cell(sheet, row, col, value, plain[column])
            widths[col] = max(widths[col], len(_shown(column, value)) + 1)
    last = max(frame.height, 1)
    sheet.add_table(
        0,
        0,
        last,
        len(frame.columns) - 1,
        {"name": XLSX_TABLE, "columns": [{"header": h} for h in headers]},
    )
    if content.totals:
        total_row = last + 2
        for col, column in enumerate(frame.columns):
            value = content.totals.get(column)
            _write_cell(sheet, total_row, col, value, bold[column])
            widths[col] = max(widths[col], len(_shown(column, value)) + 1)
    for col, width in enumerate(widths):
        sheet.set_column(col, col, min(width, 60))
    sheet.freeze_panes(1, 0)
    _write_notes(workbook, content)
    workbook.close()


def _unique(headers: list[str]) -> list[str]:
    """Headers made unique (an Excel table needs that) by numbering repeats."""
    seen: dict[str, int] = {}
    unique = []
    for header in headers:
        seen[header] = seen.get(header, 0) + 1
        unique.append(header if seen[header] == 1 else f"{header} {seen[header]}")
    return unique


def _shown(column: str, value: object) -> str:
    """The text Excel shows for a value with the column's number format."""
    if value is None:
        return ""
    return cell(column, value) if isinstance(value, int | float) else str(value)


def _write_cell(sheet: Any, row: int, col: int, value: object, fmt: Any) -> None:
    if value is None:
        sheet.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        sheet.write_boolean(row, col, value, fmt)
    elif isinstance(value, int | float):
        sheet.write_number(row, col, value, fmt)
    else:
        sheet.write_string(row, col, str(value), fmt)


def _write_notes(workbook: Any, content: ExportContent) -> None:
    """The Notes sheet: source, selection, and what each column means."""
    sheet = workbook.add_worksheet("Notes")
    bold = workbook.add_format({"bold": True})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    sheet.write_string(0, 0, "About this export", bold)
    row = 1
    for name, text in content.about:
        sheet.write_string(row, 0, name, bold)
        sheet.write_string(row, 1, text, wrap)
        row += 1
    row += 1
    keys = ("header", "meaning", "unit", "base", "years_compared")
    titles = ("Column", "Header", "Meaning", "Unit", "Base", "Years compared", "Details")
    for col, title in enumerate(titles):
        sheet.write_string(row, col, title, bold)
    for column, note in content.columns.items():
        row += 1
        sheet.write_string(row, 0, column)
        for col, key in enumerate(keys, start=1):
            value = note.get(key)
            if value is not None:
                _write_cell(sheet, row, col, value, wrap)
        details = "; ".join(f"{k}: {v}" for k, v in note.items() if k not in keys)
        if details:
            sheet.write_string(row, len(keys) + 1, details, wrap)
    for col, width in enumerate((22, 26, 60, 30, 26, 22, 40)):
        sheet.set_column(col, col, width)


def _write_parquet(content: ExportContent, path: Path) -> None:
    content.frame.write_parquet(path, metadata={PARQUET_KEY: content.metadata})


WRITERS: dict[str, Callable[[ExportContent, Path], None]] = {
    "csv": lambda c, p: _write_delimited(c, p, ","),
    "tsv": lambda c, p: _write_delimited(c, p, "\t"),
    "parquet": _write_parquet,
    "json": lambda c, p: c.frame.write_json(p),
    "ndjson": lambda c, p: c.frame.write_ndjson(p),
    "xlsx": _write_xlsx,
}
