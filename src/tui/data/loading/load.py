"""Turn any supported file into a :class:`Dataset`, or fail with one clear :class:`DataError` line.

The steps live in :mod:`tui.data.loading` (sniff → read → header → crosstab → numbers → names →
totals → validate), each adding a line to a :class:`LoadReport` when it changed something. The
rows are read in one lazy polars pass that aggregates them into the dimension cube (raw spellings,
counts parsed); everything after that works on the small cube. The rows themselves stay lazy.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import polars as pl

import tui.data.loading.cache as cache
from tui.data.dataset import ROWS, DataError, Dataset, RowStore
from tui.data.loading.cube import aggregate, as_enums, members_cube, parsers_for, regroup
from tui.data.loading.geography import attach_geography, derive
from tui.data.loading.layout import layout_of
from tui.data.loading.names import force_names, note_spellings, spellings_of
from tui.data.loading.paths import check_data_file, repo_data_dir, shown_name
from tui.data.loading.read import FORMATS, READ_ERRORS, Table, first_line, read
from tui.data.loading.report import LoadReport, shorten
from tui.data.loading.sidecar import embedded_metadata, find_metadata
from tui.data.loading.totals import cells_predicate, non_data_cells
from tui.data.loading.validate import note_cells, validate
from tui.data.schema import (
    FORCE,
    HOME_OFFICE_OFFENCE_CODE,
    NSPCC_DIMENSIONS,
    PLATFORM_OWNERS,
    bound_columns,
)

MAX_METADATA_BYTES = 1024 * 1024
MAX_NAME_CHARS = 300
"""A member (force, platform, year...) longer than this is not a name: the file is refused."""
__all__ = [
    "FORMATS",
    "READ_ERRORS",
    "default_dataset_path",
    "is_kept",
    "kept_dataset",
    "load_dataset",
    "repo_data_dir",
]


def default_dataset_path() -> Path:
    """Path of the embedded dataset."""
    return repo_data_dir() / "offences.csv"


def load_dataset(
    path: Path | str | None = None,
    *,
    metadata_path: Path | None = None,
    forces_path: Path | None = None,
    sheet: str | None = None,
) -> Dataset:
    """Read a file into a dataset; ``None`` opens the embedded dataset; ``sheet`` picks a sheet."""
    path = Path(path) if path is not None else default_dataset_path()
    check_data_file(path)  # before anything opens it: a FIFO named .parquet would block
    if metadata_path is None:
        metadata_path = find_metadata(path)
    key = _cache_key(path, sheet, metadata_path, forces_path)
    kept = cache.read(key) if key else None
    if kept is not None:
        return kept
    dataset = _read_dataset(path, metadata_path, forces_path, sheet)
    if key:
        cache.write(key, dataset)
    return dataset


def is_kept(path: Path, sheet: str | None = None) -> bool:
    """Whether this unchanged file was read before and opens without reading its rows."""
    key = _cache_key(path, sheet, find_metadata(path), None)
    return key is not None and cache.has(key)


def kept_dataset(path: Path, sheet: str | None = None) -> Dataset | None:
    """The dataset read earlier from this unchanged file (:mod:`.cache`), if kept."""
    check_data_file(path)
    key = _cache_key(path, sheet, find_metadata(path), None)
    return cache.read(key) if key else None


def _cache_key(
    path: Path, sheet: str | None, metadata_path: Path | None, forces_path: Path | None
) -> str | None:
    """What a dataset read from ``path`` depends on: the file, its metadata, the reference tables
    (``None`` when nothing is kept)."""
    if cache.cache_dir() is None:
        return None
    reference = repo_data_dir()
    companions = (
        metadata_path,
        forces_path or reference / "forces.csv",
        reference / "forces.csv",
        reference / "member_spellings.csv",
    )
    return cache.dataset_key(path, sheet, companions)


def _read_dataset(
    path: Path, metadata_path: Path | None, forces_path: Path | None, sheet: str | None
) -> Dataset:
    """Read every row of ``path`` into a dataset (see the module docstring)."""
    metadata = _read_metadata(metadata_path) if metadata_path else embedded_metadata(path)
    report = LoadReport(path.name)
    try:
        table = read(path, report, sheet)
        return _build(path, table, report, metadata, forces_path or repo_data_dir() / "forces.csv")
    except READ_ERRORS as error:  # corrupt data surfaces only when read
        raise DataError(one_line(f"{path.name}: cannot read: {first_line(error)}")) from None
    except DataError as error:  # cell values quoted in a message may hold line breaks
        raise DataError(one_line(str(error))) from None


def one_line(text: str) -> str:
    """Control characters (line breaks, tabs...) shown as escapes, so a message stays one line."""
    return re.sub(r"[\x00-\x1f\x7f\u2028\u2029\x85]", lambda m: repr(m.group())[1:-1], text)


def _build(
    path: Path, table: Table, report: LoadReport, metadata: dict[str, Any], forces_path: Path
) -> Dataset:
    layout = layout_of(table, report)
    dimensions = layout.dimensions
    parsers = parsers_for(layout, set())
    raw_cube = aggregate(layout, parsers, set())
    messy = {m for m in layout.candidates if raw_cube[f"{m}:bad"].sum()}
    if messy:  # clean only the columns that need it
        parsers = parsers_for(layout, messy)
        raw_cube = aggregate(layout, parsers, messy)
    if raw_cube.height == 0:
        raise DataError(f"{path.name}: no data rows")
    _refuse_long_names(path, raw_cube, dimensions)
    forces = force_names(forces_path) if FORCE in dimensions else None
    spellings = spellings_of(raw_cube, dimensions, forces, table.escaped)
    dropped = non_data_cells(raw_cube, layout, spellings, report)
    keep = ~cells_predicate(dropped, dimensions) if dropped.height else pl.lit(True)
    raw_cube = (
        raw_cube.filter(~cells_predicate(dropped, dimensions)) if dropped.height else raw_cube
    )
    if raw_cube.height == 0:
        raise DataError(f"{path.name}: no data rows")
    measures = validate(raw_cube, layout, parsers, keep, report)
    bounds = bound_columns(measures)  # a modelled cell's range: kept in the cube, not a measure
    counted = [m for m in measures if m not in bounds]
    note_cells(raw_cube, measures, layout.crosstab, report)
    note_spellings(spellings, dimensions, layout.crosstab, report)
    cube = members_cube(raw_cube, spellings, dimensions, measures)
    sources: dict[str, str] = {}
    geography = None
    if forces is not None:
        geography = attach_geography(cube, dimensions, spellings, sources, forces_path, report)
        cube = geography[0]
        geography = geography[1]
    if "platform" in dimensions and "platform_owner" not in dimensions:
        cube = derive(cube, spellings, sources, "platform", "platform_owner", PLATFORM_OWNERS)
    order = [d for d in NSPCC_DIMENSIONS if d in cube.columns]
    dimensions = order + [d for d in dimensions if d not in order]
    cube = regroup(cube, dimensions, measures)
    if int(cube[ROWS].sum()) > cube.height:
        report.add("validate", "rows with the same dimension values are summed")
    _note_offences(cube, dimensions, report)
    rows = layout.frame.filter(keep).select(
        *layout.dimensions, *(parsers[m].value.alias(m) for m in measures)
    )
    return Dataset(
        cube=as_enums(cube, dimensions),
        rows=RowStore(rows, in_memory=table.in_memory),
        dimensions=tuple(dimensions),
        measures=tuple(counted),
        name=str(metadata.get("title") or path.name),
        path=path,
        metadata=metadata,
        geography=geography,
        notes=report.notes,
        spellings=spellings,
        sources=sources,
        skipped_rows=report.skipped_rows,
    )


def _note_offences(cube: pl.DataFrame, dimensions: list[str], report: LoadReport) -> None:
    """A Home Office file without code 88A says which offences it holds."""
    if "offence_code" not in dimensions:
        return
    codes = sorted(set(cube["offence_code"].to_list()))
    if len(codes) > 1 and HOME_OFFICE_OFFENCE_CODE not in codes:
        report.add(
            "validate",
            f"no offence code {HOME_OFFICE_OFFENCE_CODE} (sexual grooming, which counts sexual "
            f"communication with a child) in this file; it holds {shorten(codes, 10)}: "
            "grouped by offence code so you can pick one",
        )


def _refuse_long_names(path: Path, cube: pl.DataFrame, dimensions: list[str]) -> None:
    """A cell of a dimension longer than :data:`MAX_NAME_CHARS` is no force, year or platform."""
    for dimension in dimensions:
        if cube.schema[dimension] not in (pl.String, pl.Categorical):
            continue
        longest = cube.select(pl.col(dimension).cast(pl.String).str.len_chars().max()).item()
        if longest is not None and longest > MAX_NAME_CHARS:
            raise DataError(
                f"{shown_name(path)}: a {dimension} of {longest:,} characters is not a name "
                f"(at most {MAX_NAME_CHARS})"
            )


def _read_metadata(path: Path) -> dict[str, Any]:
    try:
        if path.stat().st_size > MAX_METADATA_BYTES:
            raise DataError(f"{path.name}: metadata larger than 1 MB: not read")
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise DataError(f"{path.name}: cannot read metadata: {first_line(error)}") from None
