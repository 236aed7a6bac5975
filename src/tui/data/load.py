"""Turn any supported file into a :class:`Dataset`, or fail with one clear :class:`DataError` line."""

from __future__ import annotations

import io
import tomllib
from pathlib import Path
from typing import Any

import polars as pl

from tui.data.dataset import DataError, Dataset
from tui.data.schema import (
    FORCE,
    FORCE_NAME_ALIASES,
    MEASURE,
    NOT_RECORDED,
    NSPCC_DIMENSIONS,
    YEAR,
    canonical_column,
    member_order,
)

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
INTEGER_TYPES = (pl.Int8, pl.Int16, pl.Int32, pl.Int64, pl.UInt8, pl.UInt16, pl.UInt32, pl.UInt64)


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
        sidecar = path.with_suffix(".toml")
        metadata_path = sidecar if sidecar.is_file() else None
    metadata = _read_metadata(metadata_path) if metadata_path else {}
    raw = read_table(path)
    frame, dimensions, measures, notes = normalise(raw, path.name)
    forces_path = forces_path or repo_data_dir() / "forces.csv"
    frame, dimensions, geography = _attach_geography(frame, dimensions, forces_path)
    frame = _as_enums(frame, dimensions)
    return Dataset(
        frame=frame,
        dimensions=tuple(dimensions),
        measures=tuple(measures),
        name=str(metadata.get("title") or path.name),
        path=path,
        metadata=metadata,
        geography=geography,
        notes=tuple(notes),
    )


def _read_metadata(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise DataError(f"{path.name}: cannot read metadata: {_first_line(error)}") from None


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


def read_table(path: Path) -> pl.DataFrame:
    """Read a file by its extension, with every failure turned into one :class:`DataError`."""
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
    except DataError:
        raise
    except PermissionError:
        raise DataError(f"{name}: permission denied") from None
    except (
        Exception
    ) as error:  # polars, fastexcel and the OS raise many kinds; all mean "unreadable"
        raise DataError(f"{name}: cannot read as {kind}: {_first_line(error)}") from None
    frame = frame.filter(~pl.all_horizontal(pl.all().is_null())) if frame.width else frame
    if frame.width == 0 or frame.height == 0:
        raise DataError(f"{name}: no data rows")
    return frame


def _decode(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _read_delimited(path: Path, separator: str | None) -> pl.DataFrame:
    text = _decode(path)
    if not text.strip():
        raise DataError(f"{path.name}: file is empty")
    if separator is None:
        header = text.split("\n", 1)[0]
        separator = max((",", ";", "\t", "|"), key=header.count)
    return pl.read_csv(
        io.StringIO(text),
        separator=separator,
        infer_schema_length=0,
        truncate_ragged_lines=True,
        null_values=[""],
    )


_READERS = {
    "csv": lambda p: _read_delimited(p, None),
    "tsv": lambda p: _read_delimited(p, "\t"),
    "parquet": pl.read_parquet,
    "json": pl.read_json,
    "ndjson": pl.read_ndjson,
    "excel": lambda p: pl.read_excel(p, engine="calamine"),
}


def _row_label(index: int) -> str:
    return f"row {index + 2}"


def normalise(raw: pl.DataFrame, name: str) -> tuple[pl.DataFrame, list[str], list[str], list[str]]:
    """Canonical column names, string dimensions and validated integer measures."""
    renamed: dict[str, str] = {}
    for column in raw.columns:
        canonical = canonical_column(column)
        if canonical in renamed.values():
            original = next(k for k, v in renamed.items() if v == canonical)
            raise DataError(f"{name}: columns '{original}' and '{column}' both mean '{canonical}'")
        renamed[column] = canonical
    frame = raw.rename(renamed)
    dimensions = [
        c for c in frame.columns if c != MEASURE and (c in KNOWN_DIMENSIONS or _is_text(frame, c))
    ]
    candidates = [c for c in frame.columns if c not in dimensions]
    if MEASURE in candidates:
        candidates.remove(MEASURE)
        candidates.insert(0, MEASURE)
    notes: list[str] = []
    if not candidates:
        raise DataError(
            f"{name}: no measure column: need one column of whole-number counts such as 'offences'"
        )
    measures: list[str] = []
    columns: list[pl.Series] = []
    for index, column in enumerate(candidates):
        try:
            columns.append(_as_count(frame[column], name))
            measures.append(column)
        except DataError:
            if index == 0:
                raise
            notes.append(f"column '{column}' ignored: not whole-number counts")
    if not dimensions:
        raise DataError(
            f"{name}: no dimension column: need at least one text column such as 'force'"
        )
    frame = frame.select(
        *(
            pl.col(d)
            .cast(pl.String)
            .str.strip_chars()
            .fill_null(NOT_RECORDED)
            .replace("", NOT_RECORDED)
            for d in dimensions
        ),
        *columns,
    )
    return frame, dimensions, measures, notes


def _is_text(frame: pl.DataFrame, column: str) -> bool:
    series = frame[column]
    if series.dtype in (pl.String, pl.Categorical) or isinstance(series.dtype, pl.Enum):
        values = series.drop_nulls().str.strip_chars().str.replace_all(r"[,\s_]", "")
        values = values.filter(values != "")
        return values.len() == 0 or values.cast(pl.Float64, strict=False).null_count() > 0
    return not series.dtype.is_numeric()


def _as_count(series: pl.Series, name: str) -> pl.Series:
    """A column of non-negative whole numbers as Int64, or a DataError naming the first bad row."""
    column = series.name
    if series.dtype in INTEGER_TYPES:
        counts = series.cast(pl.Int64)
        bad = None
    elif series.dtype.is_float():
        counts = series.cast(pl.Int64, strict=False)
        bad = series.is_not_null() & (series.is_nan() | (series != series.floor()))
    else:
        text = series.cast(pl.String).str.strip_chars().str.replace_all(r"[,\s_]", "")
        text = text.str.replace(r"\.0+$", "")
        counts = text.cast(pl.Int64, strict=False)
        bad = text.is_not_null() & counts.is_null()
    if bad is not None and bad.any():
        index = int(bad.arg_true()[0])
        raise DataError(
            f"{name}: column '{column}', {_row_label(index)}: "
            f"'{series[index]}' is not a whole-number count"
        )
    if counts.null_count():
        index = int(counts.is_null().arg_true()[0])
        raise DataError(f"{name}: column '{column}', {_row_label(index)}: missing count")
    negative = counts < 0
    if negative.any():
        index = int(negative.arg_true()[0])
        raise DataError(
            f"{name}: column '{column}', {_row_label(index)}: negative count {counts[index]}"
        )
    return counts.alias(column)


def _attach_geography(
    frame: pl.DataFrame, dimensions: list[str], forces_path: Path
) -> tuple[pl.DataFrame, list[str], pl.DataFrame | None]:
    """Match force names to the reference list; add region/nation and populations where all match."""
    if FORCE not in dimensions or not forces_path.is_file():
        return frame, dimensions, None
    reference = pl.read_csv(forces_path, schema_overrides={"population_2018_approx": pl.Int64})
    canonical = {name.lower(): name for name in reference["force"]}
    canonical.update(FORCE_NAME_ALIASES)
    spellings = frame[FORCE].unique().to_list()
    renames = {v: canonical.get(v.lower(), v) for v in spellings}
    frame = frame.with_columns(pl.col(FORCE).replace_strict(renames, return_dtype=pl.String))
    names = set(renames.values()) - {NOT_RECORDED}
    if not names or not names <= set(reference["force"]):
        return frame, dimensions, None
    geography = reference.rename({"population_2018_approx": "population"}).filter(
        pl.col(FORCE).is_in(sorted(names))
    )
    added = [d for d in ("nation", "region") if d not in dimensions]
    if added:
        frame = frame.join(geography.select(FORCE, *added), on=FORCE, how="left").with_columns(
            pl.col(d).fill_null(NOT_RECORDED) for d in added
        )
        dimensions = [*added, *dimensions]
    order = [d for d in NSPCC_DIMENSIONS if d in dimensions]
    rest = [d for d in dimensions if d not in order]
    dimensions = order + rest
    measures = [c for c in frame.columns if c not in dimensions]
    return frame.select(*dimensions, *measures), dimensions, geography


def _as_enums(frame: pl.DataFrame, dimensions: list[str]) -> pl.DataFrame:
    """Dimensions as ``pl.Enum`` in display order: domain order, years ascending, else A-Z."""
    casts = []
    for dimension in dimensions:
        present = frame[dimension].unique().to_list()
        fixed = member_order(dimension)
        if fixed and set(present) <= set(fixed):
            members = [m for m in fixed if m in present]
        else:
            members = sorted(
                (m for m in present if m != NOT_RECORDED), key=lambda m: (dimension != YEAR, m)
            )
            if NOT_RECORDED in present:
                members.append(NOT_RECORDED)
        casts.append(pl.col(dimension).cast(pl.Enum(members)))
    return frame.with_columns(casts)
