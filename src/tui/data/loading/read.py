"""Read a file into a lazy frame of its columns as written, plus each row's number in the file.

CSV is read by polars straight from the file (lazily); files in a legacy encoding (cp1252, UTF-16)
are transcoded in memory first. Spreadsheets (``.xlsx``, ``.ods``) are read by fastexcel: the
sheet(s) whose header the loader recognises, title rows above it skipped, same-layout sheets
concatenated.

Before any reader sees a file it is checked, so that no file can take the machine down: a regular
file (not a FIFO or device), text without NUL bytes or a line over 1 MB, in-memory formats within
their size, a workbook that unpacks to at most :data:`MAX_UNPACKED_BYTES` with at most Excel's
1,048,576 rows a sheet.

Just over 400 lines: each reader sits beside the guard it needs, so that no reader is called
unguarded.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from tui.data.dataset import DataError
from tui.data.loading.header import looks_like_header_cell
from tui.data.loading.paths import check_data_file, shown_name
from tui.data.loading.report import LoadReport, shorten
from tui.data.loading.sniff import (
    MAX_COLUMNS,
    MAX_DOCUMENT_BYTES,
    MAX_IN_MEMORY_BYTES,
    TITLE_LINES,
    check_text,
    sniff,
)
from tui.data.schema import canonical_column

if TYPE_CHECKING:
    import fastexcel

FORMATS = {
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".json": "json",
    ".ndjson": "ndjson",
    ".jsonl": "ndjson",
    ".xlsx": "excel",
    ".xlsm": "excel",
    ".xls": "excel",
    ".ods": "excel",
}
"""File extensions the loader reads, and the reader each one uses."""
ROW = "__row__"
"""Internal column: the row's number as a spreadsheet program would show it."""
WRAPPER_KEYS = ("data", "rows", "records", "results")
READ_ERRORS = (pl.exceptions.PolarsError, pl.exceptions.PanicException, OSError)
"""What reading a damaged file can raise: polars errors, polars panics (a ``BaseException``), I/O."""
MAX_UNPACKED_BYTES = 768 * 1024 * 1024
"""What a workbook may unpack to (its XML), at most: a legitimate full Excel sheet fits."""
MAX_SHEET_ROWS = 1_048_576
"""Excel's own limit of rows in a sheet."""
MAX_LEGACY_WORKBOOK_BYTES = 128 * 1024 * 1024
"""An ``.xls`` (not a zip: no unpacked size to check) is refused above this size."""
SHEET_XML = re.compile(r"xl/worksheets/[^/]+\.xml")
ROW_TAG = re.compile(
    rb"<(?:(?P<table>table:table)|(?:\w+:)?row|table:table-row)(?=[\s>/])(?P<attributes>[^>]*)>"
)
"""An Excel sheet's ``<row>``, an OpenDocument ``<table:table-row>``, or the start of a table."""
PREFIXED_ROW = re.compile(rb"<\w+:row[\s>/]")
"""An Excel sheet's row tag with a namespace prefix."""
REPEATED = re.compile(rb'number-rows-repeated="(\d{1,12})"')
TAG_MARGIN = 4096
"""Bytes kept from one block to the next, so that a tag cut by a block's end is read whole."""
MB = 1024 * 1024
MAX_CELL_BYTES = 64 * 1024


@dataclass(frozen=True)
class Table:
    """What was read: lazy frames of the original columns, and how to read them on."""

    frame: pl.LazyFrame
    numbered: pl.LazyFrame
    """The same with :data:`ROW` (slower to scan: read only to name rows in messages)."""
    european: bool = False
    in_memory: bool = True
    """Whether the frame is already in memory (else it re-reads the file)."""
    escaped: bool = False
    """Text cells may carry the formula-injection escape of a CSV/TSV export (see
    ``tui.data.loading.formula_escape``); it is undone on the members, never on the rows."""


def read(path: Path, report: LoadReport, sheet: str | None = None) -> Table:
    """Open ``path`` by its extension; every failure is one :class:`DataError` line."""
    name = shown_name(path)
    check_data_file(path)
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        known = ", ".join(sorted(FORMATS))
        raise DataError(f"{name}: unknown file type '{path.suffix or '(none)'}' (known: {known})")
    try:
        size = path.stat().st_size
    except OSError as error:
        raise DataError(f"{name}: cannot read: {error.strerror}") from None
    if size == 0:
        raise DataError(f"{name}: file is empty")
    if sheet is not None and kind != "excel":
        raise DataError(f"{name}: --sheet applies to spreadsheets (.xlsx, .ods) only")
    try:
        _check_size_and_content(path, kind, size)
        if kind in ("csv", "tsv"):
            table = _read_delimited(path, "\t" if kind == "tsv" else None, report)
        elif kind == "excel":
            table = _read_workbook(path, sheet, report)
        elif kind == "parquet":
            scan = pl.scan_parquet(path)
            table = Table(scan, scan.with_row_index(ROW, offset=2), in_memory=False)
        elif kind == "json":
            table = _in_memory(_unwrap(pl.read_json(path), report), offset=1)
        else:
            table = _in_memory(pl.read_ndjson(path), offset=1)
        schema = table.frame.collect_schema()
    except DataError:
        raise
    except PermissionError:
        raise DataError(f"{name}: permission denied") from None
    except (Exception, pl.exceptions.PanicException) as error:  # any failure means unreadable
        raise DataError(f"{name}: cannot read as {kind}: {first_line(error)}") from None
    if len(schema) == 0:
        raise DataError(f"{name}: no columns")
    if len(schema) > MAX_COLUMNS:
        raise DataError(f"{name}: {len(schema):,} columns; at most {MAX_COLUMNS:,} are read")
    if table.in_memory:
        _refuse_long_cells(name, table.frame)
    return table


def _refuse_long_cells(name: str, frame: pl.LazyFrame) -> None:
    """A text cell over :data:`MAX_CELL_BYTES` (a quoted cell can span lines) is no count, name
    or year: refused before anything parses it (one streaming pass over the text columns; for a
    CSV read from disk only when :func:`check_text` saw a long quoted stretch, and never for
    Parquet, whose names the loader checks once they are grouped)."""
    try:
        longest = frame.select(pl.col(pl.String).str.len_bytes().max()).collect(engine="streaming")
    except READ_ERRORS:
        return  # a damaged file: reading it on says why
    for column, size in zip(
        longest.columns, longest.row(0) if longest.height else (), strict=False
    ):
        if size is not None and size > MAX_CELL_BYTES:
            raise DataError(
                f"{name}: a cell of {size:,} bytes in column '{column[:40]}' "
                f"(at most {MAX_CELL_BYTES // 1024} KB: not a table of counts)"
            )


def _check_size_and_content(path: Path, kind: str, size: int) -> None:
    """Refuse, before reading, what would take unbounded time or memory (module docstring)."""
    name = shown_name(path)
    if kind == "ndjson":
        check_text(path)
    if kind == "json":
        if size > MAX_DOCUMENT_BYTES:
            raise DataError(
                f"{name}: a JSON document of {size / MB:,.0f} MB; at most "
                f"{MAX_DOCUMENT_BYTES // MB} MB are read (NDJSON, a record a line, reads more)"
            )
        check_text(path, lines=False)
    if kind == "ndjson" and size > MAX_IN_MEMORY_BYTES:
        raise DataError(
            f"{name}: {size / MB:,.0f} MB of NDJSON; at most {MAX_IN_MEMORY_BYTES // MB} MB are "
            "read (CSV is read in pieces and has no such limit)"
        )
    if kind == "excel":
        check_workbook(path, size)


def check_workbook(path: Path, size: int) -> None:
    """Refuse a workbook that unpacks to more than :data:`MAX_UNPACKED_BYTES` or holds a sheet of
    more than :data:`MAX_SHEET_ROWS` rows (a zip bomb), reading its sheets once in pieces."""
    name = shown_name(path)
    if not zipfile.is_zipfile(path):
        if size > MAX_LEGACY_WORKBOOK_BYTES:
            raise DataError(
                f"{name}: a workbook of {size / MB:,.0f} MB; at most "
                f"{MAX_LEGACY_WORKBOOK_BYTES // MB} MB are read"
            )
        return  # an .xls, or not a workbook at all: the reader says which
    with zipfile.ZipFile(path) as archive:
        entries = archive.infolist()
        unpacked = sum(entry.file_size for entry in entries)
        if unpacked > MAX_UNPACKED_BYTES:
            raise DataError(
                f"{name}: unpacks to {unpacked / MB:,.0f} MB; at most "
                f"{MAX_UNPACKED_BYTES // MB} MB are read (not a table of counts)"
            )
        sheets = [
            e for e in entries if SHEET_XML.fullmatch(e.filename) or e.filename == "content.xml"
        ]
        for entry in sheets:
            counted = _most_rows if entry.filename == "content.xml" else _excel_rows
            if counted(archive, entry) > MAX_SHEET_ROWS:
                raise DataError(
                    f"{name}: a sheet of more than {MAX_SHEET_ROWS:,} rows, the most Excel "
                    "and LibreOffice write (rows repeated or listed past it: not a workbook)"
                )


def _excel_rows(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> int:
    """The ``<row>`` tags of an Excel sheet, one row each, counted in pieces (a byte count, many
    times faster than matching each tag; stops past the limit)."""
    rows = 0
    tail = b""
    with archive.open(entry) as part:
        while block := part.read(MB):
            data = tail + block  # a tag cut between blocks is whole here, and counted once
            rows += data.count(b"<row ") + data.count(b"<row>")
            if b":row" in data:  # a writer that prefixes its tags (<x:row>)
                rows += len(PREFIXED_ROW.findall(data))
            if rows > MAX_SHEET_ROWS:
                break
            tail = data[-4:]  # shorter than "<row ": nothing in it was counted whole
    return rows


def _most_rows(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> int:
    """The most rows an OpenDocument table holds, with their ``number-rows-repeated`` counts
    (read in pieces; stops past the limit)."""
    rows = most = 0
    tail = b""
    with archive.open(entry) as part:
        while True:
            block = part.read(MB)
            data = tail + block
            cut = max(0, len(data) - TAG_MARGIN) if block else len(data)
            for match in ROW_TAG.finditer(data):
                if match.start() >= cut:  # a tag the block may have cut: read it next time
                    break
                if match.group("table"):
                    rows = 0
                    continue
                repeated = REPEATED.search(match.group("attributes"))
                rows += int(repeated.group(1)) if repeated else 1
                most = max(most, rows)
            if not block or most > MAX_SHEET_ROWS:
                return most
            tail = data[cut:]


def _in_memory(frame: pl.DataFrame, offset: int, **options: bool) -> Table:
    numbered = frame.with_row_index(ROW, offset=offset).lazy()
    return Table(numbered.drop(ROW), numbered, **options)


def workbook_sheets(path: Path) -> list[str]:
    """The sheet names of a spreadsheet (empty for other files or an unreadable workbook)."""
    try:
        if FORMATS.get(path.suffix.lower()) != "excel" or not path.is_file():
            return []
        import fastexcel  # only spreadsheets need it (imported when one is opened)

        return list(fastexcel.read_excel(path).sheet_names)
    except Exception:  # unreadable, unreachable: the loader will say why
        return []


def first_line(error: BaseException) -> str:
    """The first line of an error's message."""
    if isinstance(error, pl.exceptions.PanicException):
        return "the file is damaged (its data could not be decoded)"
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


def _read_delimited(path: Path, separator: str | None, report: LoadReport) -> Table:
    sniffed = sniff(path, separator)
    long_quote = check_text(path)
    options = dict(
        separator=sniffed.separator,
        skip_rows=sniffed.header_line,
        infer_schema=False,
        truncate_ragged_lines=True,
        raise_if_empty=False,
    )
    offset = sniffed.header_line + 2
    if sniffed.header_line:
        report.add("read", f"{sniffed.header_line} title line(s) above the header skipped")
    if sniffed.encoding == "utf-8":
        frame = pl.scan_csv(path, encoding="utf8-lossy", **options)  # type: ignore[arg-type]
        if long_quote:  # a quoted cell may span megabytes of short lines: measure the cells
            _refuse_long_cells(shown_name(path), frame)
        return Table(
            frame,
            frame.with_row_index(ROW, offset=offset),
            european=sniffed.european,
            in_memory=False,
            escaped=True,
        )
    size = path.stat().st_size
    if size > MAX_IN_MEMORY_BYTES:
        raise DataError(
            f"{shown_name(path)}: {size / MB:,.0f} MB in {sniffed.encoding}; at most "
            f"{MAX_IN_MEMORY_BYTES // MB} MB are transcoded (save it as UTF-8 to read more)"
        )
    text = path.read_bytes().decode(sniffed.encoding, errors="replace").lstrip("\ufeff")
    report.add("read", f"read as {sniffed.encoding}")
    frame = pl.read_csv(io.BytesIO(text.encode("utf-8")), **options)  # type: ignore[arg-type]
    return _in_memory(frame, offset, european=sniffed.european, escaped=True)


def _unwrap(frame: pl.DataFrame, report: LoadReport) -> pl.DataFrame:
    """``{"data": [...]}`` (or ``rows``, ``records``, ``results``) as the records inside."""
    if frame.width == 1 and frame.height == 1 and frame.columns[0] in WRAPPER_KEYS:
        column = frame.columns[0]
        dtype = frame.schema[column]
        if isinstance(dtype, pl.List) and isinstance(dtype.inner, pl.Struct):
            report.add("read", f"records read from the '{column}' list")
            return frame.explode(column).unnest(column)
    return frame


def _header_row(rows: pl.DataFrame) -> int | None:
    """The first of the top rows that holds at least two cells, one a known column name or year."""
    for index, row in enumerate(rows.head(TITLE_LINES).iter_rows()):
        cells = [c for c in row if c is not None and str(c).strip()]
        if len(cells) >= 2 and any(looks_like_header_cell(c) for c in cells):
            return index
    return None


def _sheet_table(reader: fastexcel.ExcelReader, sheet: str, forced: bool) -> pl.DataFrame | None:
    """A sheet's data under its header (columns named by it), or ``None`` if it has no header."""
    cells = reader.load_sheet(sheet, header_row=None, dtypes="string").to_polars()
    if cells.height == 0 or cells.width == 0:
        return None
    header = _header_row(cells)
    if header is None:
        if not forced:
            return None
        header = 0
    names: list[str] = []
    keep: list[str] = []
    for column, value in zip(cells.columns, cells.row(header), strict=True):
        text = " ".join(str(value).split()) if value is not None else ""
        if not text:
            if cells[column].slice(header + 1).null_count() == cells.height - header - 1:
                continue  # an empty column beside the table
            text = f"column {len(names) + 1}"
        while text in names:
            text += "_"
        names.append(text)
        keep.append(column)
    body = cells.select(keep).slice(header + 1).rename(dict(zip(keep, names, strict=True)))
    return body.with_row_index(ROW, offset=header + 2)


def _read_workbook(path: Path, sheet: str | None, report: LoadReport) -> Table:
    import fastexcel  # only spreadsheets need it (imported when one is opened)

    reader = fastexcel.read_excel(path)
    sheets = reader.sheet_names
    tables = reader.table_names() if path.suffix.lower() == ".xlsx" else []
    if sheet is None and tables:  # an Excel table object (what exports write)
        name = tables[0]
        frame = reader.load_table(name, dtypes="string").to_polars()
        report.add("read", f"Excel table '{name}' read")
        return _in_memory(frame, offset=2)
    if sheet is not None and sheet not in sheets:
        raise DataError(f"{path.name}: no sheet '{sheet}' (sheets: {shorten(sheets, 10)})")
    tables = {}
    for name in [sheet] if sheet else sheets:
        table = _sheet_table(reader, name, forced=sheet is not None)
        if table is not None and table.height:
            tables[name] = table
    if not tables:
        first = _sheet_table(reader, sheets[0], forced=True) if sheets else None
        if first is None:
            raise DataError(f"{path.name}: no sheet holds a table")
        tables = {sheets[0]: first}
    layouts = {n: tuple(canonical_column(c) for c in t.columns) for n, t in tables.items()}
    first_name = next(iter(tables))
    same = [n for n in tables if layouts[n] == layouts[first_name]]
    others = [n for n in tables if n not in same]
    frames = [
        tables[n].rename(dict(zip(tables[n].columns, tables[first_name].columns, strict=True)))
        for n in same
    ]
    note = f"sheet{'s' if len(same) > 1 else ''} read: {shorten(same, 8)}"
    if len(same) > 1:
        note += " (same layout, concatenated)"
    skipped = [n for n in sheets if n not in same]
    if skipped:
        note += f"; not read: {shorten(skipped, 8)}"
        if others:
            note += " (use --sheet NAME to choose)"
    report.add("read", note)
    numbered = pl.concat(frames, how="vertical").lazy()
    return Table(numbered.drop(ROW), numbered)
