"""Turn any supported file into a :class:`Dataset`, or fail with one clear :class:`DataError` line.

Everything runs as one lazy polars pipeline: Parquet is scanned, never loaded whole; the rows are
checked and aggregated into the dimension cube in a pass; the rows themselves stay lazy.
"""

from __future__ import annotations

import io
import tomllib
from pathlib import Path
from typing import Any

import fastexcel
import polars as pl

from tui.data.dataset import MEMBER, RAW, ROWS, DataError, Dataset, RowStore
from tui.data.formula_escape import unescape_text
from tui.data.schema import (
    FORCE,
    FORCE_NAME_ALIASES,
    MEASURE,
    NOT_RECORDED,
    NSPCC_DIMENSIONS,
    UNKNOWN_SPELLINGS,
    canonical_column,
    member_order,
)
from tui.data.sidecar import embedded_metadata, find_metadata

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
}
"""File extensions the loader reads, and the reader each one uses."""

KNOWN_DIMENSIONS = frozenset(
    (
        *NSPCC_DIMENSIONS,
        "financial_quarter",
        "offence_description",
        "offence_group",
        "offence_subgroup",
        "offence_code",
    )
)
ROW_INDEX = "__row__"
READ_ERRORS = (pl.exceptions.PolarsError, pl.exceptions.PanicException, OSError)
"""What reading a damaged file can raise: polars errors, polars panics (a ``BaseException``), I/O."""
TEXT_TYPES = (pl.String, pl.Categorical)


def repo_data_dir() -> Path:
    """The folder holding the embedded dataset (installed package data, else the source tree)."""
    packaged = Path(__file__).resolve().parent.parent / "_data"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "data"


def default_dataset_path() -> Path:
    """Path of the embedded dataset."""
    return repo_data_dir() / "offences.csv"


def load_dataset(
    path: Path | str | None = None,
    *,
    metadata_path: Path | None = None,
    forces_path: Path | None = None,
) -> Dataset:
    """Read a file into a dataset; ``None`` opens the embedded dataset."""
    path = Path(path) if path is not None else default_dataset_path()
    if metadata_path is None:
        metadata_path = find_metadata(path)
    metadata = _read_metadata(metadata_path) if metadata_path else embedded_metadata(path)
    raw = read_table(path)
    try:
        rows, dimensions, measures, notes = normalise(raw, path.name)
        raw_cube = _aggregate(rows, dimensions, measures).collect()
    except READ_ERRORS as error:  # corrupt data surfaces only when read
        raise DataError(f"{path.name}: cannot read: {_first_line(error)}") from None
    if raw_cube.height == 0:
        raise DataError(f"{path.name}: no data rows")
    spellings = {
        d: raw_cube.select(pl.col(d).alias(RAW), _member(d).alias(MEMBER)).unique(
            maintain_order=True
        )
        for d in dimensions
    }
    read_as_unknown = sorted(
        {
            str(raw)
            for pairs in spellings.values()
            for raw, member in pairs.iter_rows()
            if member == NOT_RECORDED
            and raw is not None
            and str(raw).strip() not in ("", NOT_RECORDED)
        }
    )
    if read_as_unknown:
        notes.append(f"read as '{NOT_RECORDED}': {', '.join(repr(v) for v in read_as_unknown)}")
    cube = _reaggregate(raw_cube.with_columns(_member(d) for d in dimensions), dimensions, measures)
    sources: dict[str, str] = {}
    geography = None
    if FORCE in dimensions:
        cube, dimensions, geography = _attach_geography(
            cube,
            dimensions,
            measures,
            spellings,
            sources,
            forces_path or repo_data_dir() / "forces.csv",
        )
    if int(cube[ROWS].sum()) > cube.height:
        notes.append("rows with the same dimension values are summed")
    return Dataset(
        cube=_as_enums(cube, dimensions),
        rows=RowStore(rows, in_memory=FORMATS[path.suffix.lower()] != "parquet"),
        dimensions=tuple(dimensions),
        measures=tuple(measures),
        name=str(metadata.get("title") or path.name),
        path=path,
        metadata=metadata,
        geography=geography,
        notes=tuple(notes),
        spellings=spellings,
        sources=sources,
    )


def _member(dimension: str) -> pl.Expr:
    """The member a raw value means: trimmed text; blanks, nulls and "Unknown"-like values as
    *Not recorded* (see ``UNKNOWN_SPELLINGS``)."""
    text = pl.col(dimension).cast(pl.String).str.strip_chars()
    unknown = (
        text.is_null() | (text == "") | text.str.to_lowercase().is_in(sorted(UNKNOWN_SPELLINGS))
    )
    return pl.when(unknown).then(pl.lit(NOT_RECORDED)).otherwise(text).alias(dimension)


def _reaggregate(cube: pl.DataFrame, dimensions: list[str], measures: list[str]) -> pl.DataFrame:
    """Merge cube cells whose dimension values became equal."""
    return cube.group_by(dimensions).agg(*(pl.col(m).sum() for m in measures), pl.col(ROWS).sum())


def _read_metadata(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise DataError(f"{path.name}: cannot read metadata: {_first_line(error)}") from None


def _first_line(error: BaseException) -> str:
    if isinstance(error, pl.exceptions.PanicException):
        return "the file is damaged (its data could not be decoded)"
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


def read_table(path: Path) -> pl.LazyFrame:
    """Open a file by its extension as a lazy frame; every failure is one :class:`DataError`."""
    name = path.name
    if not path.exists():
        raise DataError(f"{name}: no such file")
    if path.is_dir():
        raise DataError(f"{name}: is a directory, not a data file")
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
    try:
        frame = _READERS[kind](path)
        schema = frame.collect_schema()
    except DataError:
        raise
    except PermissionError:
        raise DataError(f"{name}: permission denied") from None
    except (Exception, pl.exceptions.PanicException) as error:  # any failure means unreadable
        raise DataError(f"{name}: cannot read as {kind}: {_first_line(error)}") from None
    if not schema.names():
        raise DataError(f"{name}: no columns")
    return frame


def _decode(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _read_delimited(path: Path, separator: str | None) -> pl.LazyFrame:
    text = _decode(path)
    if not text.strip():
        raise DataError(f"{path.name}: file is empty")
    if separator is None:
        header = text.split("\n", 1)[0]
        separator = max((",", ";", "\t", "|"), key=header.count)
    return (
        pl.read_csv(
            io.StringIO(text),
            separator=separator,
            infer_schema_length=0,
            truncate_ragged_lines=True,
            null_values=[""],
        )
        .lazy()
        .with_columns(unescape_text(pl.all()))
    )


_READERS = {
    "csv": lambda p: _read_delimited(p, None),
    "tsv": lambda p: _read_delimited(p, "\t"),
    "parquet": pl.scan_parquet,
    "json": lambda p: pl.read_json(p).lazy(),
    "ndjson": lambda p: pl.read_ndjson(p).lazy(),
    "excel": lambda p: _read_excel(p).lazy(),
}


def _read_excel(path: Path) -> pl.DataFrame:
    """The first Excel table object if the workbook has one (an export's total sits outside it),
    else the first sheet."""
    tables = fastexcel.read_excel(path).table_names()
    if tables:
        return pl.read_excel(path, table_name=tables[0])
    return pl.read_excel(path, engine="calamine")


def _row_label(index: int) -> str:
    """Spreadsheet-style row number of a 0-based data row (the header is row 1)."""
    return f"row {index + 2}"


def _cleaned_text(column: str) -> pl.Expr:
    """A text column with blanks, thousands separators and a trailing ``.0`` removed."""
    text = (
        pl.col(column)
        .cast(pl.String)
        .str.strip_chars()
        .str.replace_all(r"[,\s_]", "")
        .str.replace(r"\.0+$", "")
    )
    return pl.when(text == "").then(None).otherwise(text)


def _count_expressions(column: str, dtype: pl.DataType) -> tuple[pl.Expr, pl.Expr]:
    """(value as Int64, "this cell is not a whole number") for a would-be measure column."""
    if dtype.is_integer():
        return pl.col(column).cast(pl.Int64), pl.lit(False)
    if dtype.is_float():
        value = pl.col(column)
        bad = value.is_not_null() & (value.is_nan() | (value != value.floor()))
        return value.cast(pl.Int64, strict=False), bad
    if dtype in TEXT_TYPES:
        text = _cleaned_text(column)
        value = text.cast(pl.Int64, strict=False)
        return value, text.is_not_null() & value.is_null()
    return pl.lit(None, pl.Int64), pl.col(column).is_not_null()


def normalise(raw: pl.LazyFrame, name: str) -> tuple[pl.LazyFrame, list[str], list[str], list[str]]:
    """Canonical column names, dimensions as read, validated Int64 measures; blank rows dropped.

    Still lazy: nothing but the checks has read the data yet.
    """
    renamed: dict[str, str] = {}
    for column in raw.collect_schema().names():
        canonical = canonical_column(column)
        if canonical in renamed.values():
            original = next(k for k, v in renamed.items() if v == canonical)
            raise DataError(f"{name}: columns '{original}' and '{column}' both mean '{canonical}'")
        renamed[column] = canonical
    renamed_frame = raw.rename(renamed)
    blank = pl.all_horizontal(pl.all().is_null())
    frame = renamed_frame.filter(~blank)
    schema = frame.collect_schema()
    columns = schema.names()
    dimensions = _dimensions(frame, schema, columns)
    candidates = [c for c in columns if c not in dimensions]
    if MEASURE in candidates:
        candidates.remove(MEASURE)
        candidates.insert(0, MEASURE)
    if not candidates:
        raise DataError(
            f"{name}: no measure column: need one column of whole-number counts such as 'offences'"
        )
    if not dimensions:
        raise DataError(
            f"{name}: no dimension column: need at least one text column such as 'force'"
        )
    measures, notes = _valid_measures(frame, renamed_frame, blank, schema, candidates, name)
    rows = frame.select(
        *dimensions, *(_count_expressions(m, schema[m])[0].alias(m) for m in measures)
    )
    return rows, dimensions, measures, notes


def _dimensions(frame: pl.LazyFrame, schema: pl.Schema, columns: list[str]) -> list[str]:
    """Known dimension names, non-numeric types, and text columns holding anything non-numeric."""
    text = [
        c for c in columns if c not in KNOWN_DIMENSIONS and c != MEASURE and schema[c] in TEXT_TYPES
    ]
    verdict: dict[str, bool] = {}
    if text:
        checks = frame.select(
            *(
                (
                    (
                        _cleaned_text(c).is_not_null()
                        & _cleaned_text(c).cast(pl.Float64, strict=False).is_null()
                    ).any()
                    | _cleaned_text(c).is_null().all()
                ).alias(c)
                for c in text
            )
        ).collect()
        verdict = {c: bool(checks[c][0]) for c in text}
    return [
        c
        for c in columns
        if c != MEASURE
        and (
            c in KNOWN_DIMENSIONS
            or verdict.get(c, False)
            or (schema[c] not in TEXT_TYPES and not schema[c].is_numeric())
        )
    ]


def _valid_measures(
    frame: pl.LazyFrame,
    unfiltered: pl.LazyFrame,
    blank: pl.Expr,
    schema: pl.Schema,
    candidates: list[str],
    name: str,
) -> tuple[list[str], list[str]]:
    """Measures whose every cell is a non-negative whole number; the first must be, others are noted."""
    checks = []
    for column in candidates:
        value, bad = _count_expressions(column, schema[column])
        checks += [
            bad.any().alias(f"{column}:bad"),
            (value.is_null() & ~bad).any().alias(f"{column}:missing"),
            (value < 0).any().alias(f"{column}:negative"),
        ]
    verdicts = frame.select(checks).collect().row(0, named=True)
    measures, notes = [], []
    for index, column in enumerate(candidates):
        problem = next(
            (kind for kind in ("bad", "missing", "negative") if verdicts[f"{column}:{kind}"]), None
        )
        if problem is None:
            measures.append(column)
        elif index == 0:
            raise DataError(_describe_problem(unfiltered, blank, schema, column, problem, name))
        else:
            notes.append(f"column '{column}' ignored: not whole-number counts")
    return measures, notes


def _describe_problem(
    unfiltered: pl.LazyFrame,
    blank: pl.Expr,
    schema: pl.Schema,
    column: str,
    problem: str,
    name: str,
) -> str:
    """One line naming the file, the column and the first offending row (numbered as in the file)."""
    value, bad = _count_expressions(column, schema[column])
    condition = {"bad": bad, "missing": value.is_null() & ~bad, "negative": value < 0}[problem]
    first = (
        unfiltered.with_row_index(ROW_INDEX)
        .filter(condition & ~blank)
        .select(ROW_INDEX, pl.col(column).cast(pl.String).alias("raw"), value.alias("value"))
        .head(1)
        .collect()
        .row(0, named=True)
    )
    where = f"{name}: column '{column}', {_row_label(first[ROW_INDEX])}"
    if problem == "bad":
        return f"{where}: '{first['raw']}' is not a whole-number count"
    if problem == "missing":
        return f"{where}: missing count"
    return f"{where}: negative count {first['value']}"


def _aggregate(rows: pl.LazyFrame, dimensions: list[str], measures: list[str]) -> pl.LazyFrame:
    """The cube: measures summed per distinct combination of dimension members, with row counts."""
    return rows.group_by(dimensions).agg(*(pl.col(m).sum() for m in measures), pl.len().alias(ROWS))


def _attach_geography(
    cube: pl.DataFrame,
    dimensions: list[str],
    measures: list[str],
    spellings: dict[str, pl.DataFrame],
    sources: dict[str, str],
    forces_path: Path,
) -> tuple[pl.DataFrame, list[str], pl.DataFrame | None]:
    """Match force names to the reference list; add region/nation and populations where all match.

    Updates ``spellings`` (and ``sources`` for the region/nation read from the force column).
    """
    if not forces_path.is_file():
        return cube, dimensions, None
    reference = pl.read_csv(forces_path, schema_overrides={"population_2018_approx": pl.Int64})
    canonical = {name.lower(): name for name in reference["force"]}
    canonical.update(FORCE_NAME_ALIASES)
    renames = {v: canonical.get(v.lower(), v) for v in cube[FORCE].unique().to_list()}
    names = set(renames.values()) - {NOT_RECORDED}
    if not names or not names <= set(reference["force"]):
        return cube, dimensions, None
    geography = reference.rename({"population_2018_approx": "population"}).filter(
        pl.col(FORCE).is_in(sorted(names))
    )
    rename = pl.col(MEMBER).replace_strict(renames, return_dtype=pl.String)
    spellings[FORCE] = spellings[FORCE].with_columns(rename)
    added = [d for d in ("nation", "region") if d not in dimensions]
    cube = cube.with_columns(pl.col(FORCE).replace_strict(renames, return_dtype=pl.String))
    for dimension in added:
        lookup = dict(zip(geography[FORCE], geography[dimension], strict=True))
        lookup[NOT_RECORDED] = NOT_RECORDED
        spellings[dimension] = spellings[FORCE].with_columns(
            pl.col(MEMBER).replace_strict(lookup, return_dtype=pl.String)
        )
        sources[dimension] = FORCE
        cube = cube.with_columns(
            pl.col(FORCE).replace_strict(lookup, return_dtype=pl.String).alias(dimension)
        )
    order = [d for d in NSPCC_DIMENSIONS if d in [*dimensions, *added]]
    dimensions = order + [d for d in dimensions if d not in order]
    return _reaggregate(cube, dimensions, measures), dimensions, geography


def _as_enums(cube: pl.DataFrame, dimensions: list[str]) -> pl.DataFrame:
    """Dimensions as ``pl.Enum`` in display order (domain order, years ascending, else A-Z)."""
    casts = []
    for dimension in dimensions:
        present = cube[dimension].unique().to_list()
        fixed = member_order(dimension)
        if fixed and set(present) <= set(fixed):
            members = [m for m in fixed if m in present]
        else:
            members = sorted(m for m in present if m != NOT_RECORDED)
            if NOT_RECORDED in present:
                members.append(NOT_RECORDED)
        casts.append(pl.col(dimension).cast(pl.Enum(members)))
    measures = [c for c in cube.columns if c not in dimensions]
    return cube.with_columns(casts).select(*dimensions, *measures).sort(dimensions)
