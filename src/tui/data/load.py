"""Turn any supported file into a :class:`Dataset`, or fail with one clear :class:`DataError` line.

The steps live in :mod:`tui.data.loading` (sniff → read → header → crosstab → numbers → names →
totals → validate), each adding a line to a :class:`LoadReport` when it changed something. The
rows are read in one lazy polars pass that aggregates them into the dimension cube (raw spellings,
counts parsed); everything after that works on the small cube. The rows themselves stay lazy.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from tui.data.dataset import MEMBER, RAW, ROWS, DataError, Dataset, RowStore
from tui.data.loading.crosstab import unpivot_years
from tui.data.loading.header import canonical_names, classify
from tui.data.loading.names import ForceNames, member, member_spellings, tidy
from tui.data.loading.numbers import Parsed, parse_count
from tui.data.loading.read import FORMATS, READ_ERRORS, ROW, Table, first_line, read
from tui.data.loading.report import LoadReport, shorten
from tui.data.loading.totals import is_footnote, is_total_label
from tui.data.schema import (
    FORCE,
    HOME_OFFICE_OFFENCE_CODE,
    MEASURE,
    NOT_RECORDED,
    NSPCC_DIMENSIONS,
    PLATFORM_OWNERS,
    YEAR,
    canonical_column,
    member_order,
)
from tui.data.sidecar import embedded_metadata, find_metadata

__all__ = ["FORMATS", "READ_ERRORS", "default_dataset_path", "load_dataset", "repo_data_dir"]

UNKNOWN_AREA = "–"
"""Region, nation or owner of a force or platform the reference lists do not know."""
STREAMING = "streaming"


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
    sheet: str | None = None,
) -> Dataset:
    """Read a file into a dataset; ``None`` opens the embedded dataset; ``sheet`` picks a sheet."""
    path = Path(path) if path is not None else default_dataset_path()
    if metadata_path is None:
        metadata_path = find_metadata(path)
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


@dataclass
class _Layout:
    """The frame with canonical names and what its columns are."""

    frame: pl.LazyFrame
    numbered: pl.LazyFrame
    """The same with each row's number in the file (:data:`ROW`), for messages."""
    dimensions: list[str]
    candidates: list[str]
    original: dict[str, str]
    """Canonical → original column name (for messages)."""
    crosstab: bool
    european: bool
    file: str


def _shape(frame: pl.LazyFrame, report: LoadReport) -> tuple[pl.LazyFrame, dict[str, str], bool]:
    """Blank rows out, a cross-tab unpivoted, canonical names: (frame, original → canonical,
    whether it was a cross-tab). :data:`ROW`, if present, is carried along."""
    schema = frame.collect_schema().names()
    keep = [ROW] if ROW in schema else []
    columns = [c for c in schema if c != ROW]
    frame = frame.filter(~pl.all_horizontal(pl.col(columns).is_null()))
    canonical = [canonical_column(c) for c in columns]
    crosstab = False
    if YEAR not in canonical and MEASURE not in canonical:
        frame, kept = unpivot_years(frame, keep, report)
        if kept:
            crosstab = True
            columns = [*kept, YEAR, MEASURE]
    renamed = canonical_names(columns, report.file)
    return frame.rename({k: v for k, v in renamed.items() if k != v}), renamed, crosstab


def _layout(table: Table, report: LoadReport) -> _Layout:
    """The shaped frame (and its numbered twin), dimensions told from counts."""
    frame, renamed, crosstab = _shape(table.frame, report)
    numbered, _, _ = _shape(table.numbered, LoadReport(report.file))
    dimensions, candidates = classify(frame, list(renamed.values()), table.european, report)
    return _Layout(
        frame,
        numbered,
        dimensions,
        candidates,
        {v: k for k, v in renamed.items()},
        crosstab,
        table.european,
        report.file,
    )


def _parsers(layout: _Layout, full: set[str]) -> dict[str, Parsed]:
    schema = layout.frame.collect_schema()
    return {
        m: parse_count(m, schema[m], layout.european, full=m in full) for m in layout.candidates
    }


def _aggregate(layout: _Layout, parsers: dict[str, Parsed], full: set[str]) -> pl.DataFrame:
    """The raw cube: per distinct combination of raw dimension values, per candidate measure, the
    sum and number of values, the smallest value, and how many cells were bad, blank, suppressed
    or footnoted (on the fast path for plain integers, bad and blank come from counts alone)."""
    aggregations = [pl.len().alias(ROWS)]
    derived = []
    for m, parsed in parsers.items():
        aggregations += [
            parsed.value.sum().alias(m),
            parsed.value.count().alias(f"{m}:n"),
            parsed.value.min().alias(f"{m}:min"),
        ]
        if m in full:
            aggregations += [
                parsed.bad.sum().alias(f"{m}:bad"),
                parsed.blank.sum().alias(f"{m}:blank"),
                parsed.suppressed.sum().alias(f"{m}:suppressed"),
                parsed.footnoted.sum().alias(f"{m}:footnoted"),
            ]
        else:  # a cell is blank (null) or a plain integer, or else bad
            aggregations.append(pl.col(m).count().alias(f"{m}:cells"))
            derived += [
                (pl.col(f"{m}:cells") - pl.col(f"{m}:n")).cast(pl.UInt32).alias(f"{m}:bad"),
                (pl.col(ROWS) - pl.col(f"{m}:cells")).cast(pl.UInt32).alias(f"{m}:blank"),
                pl.lit(0, pl.UInt32).alias(f"{m}:suppressed"),
                pl.lit(0, pl.UInt32).alias(f"{m}:footnoted"),
            ]
    cube = layout.frame.group_by(layout.dimensions).agg(aggregations).collect(engine=STREAMING)
    return cube.with_columns(derived) if derived else cube


def _build(
    path: Path, table: Table, report: LoadReport, metadata: dict[str, Any], forces_path: Path
) -> Dataset:
    layout = _layout(table, report)
    dimensions = layout.dimensions
    parsers = _parsers(layout, set())
    raw_cube = _aggregate(layout, parsers, set())
    messy = {m for m in layout.candidates if raw_cube[f"{m}:bad"].sum()}
    if messy:  # clean only the columns that need it
        parsers = _parsers(layout, messy)
        raw_cube = _aggregate(layout, parsers, messy)
    if raw_cube.height == 0:
        raise DataError(f"{path.name}: no data rows")
    forces = _force_names(forces_path) if FORCE in dimensions else None
    spellings = _spellings(raw_cube, dimensions, forces, table.escaped)
    dropped = _non_data_cells(raw_cube, layout, spellings, report)
    keep = ~_cells_predicate(dropped, dimensions) if dropped.height else pl.lit(True)
    raw_cube = (
        raw_cube.filter(~_cells_predicate(dropped, dimensions)) if dropped.height else raw_cube
    )
    if raw_cube.height == 0:
        raise DataError(f"{path.name}: no data rows")
    measures = _validate(raw_cube, layout, parsers, keep, report)
    _note_cells(raw_cube, measures, layout.crosstab, report)
    _note_spellings(spellings, dimensions, layout.crosstab, report)
    cube = _members_cube(raw_cube, spellings, dimensions, measures)
    sources: dict[str, str] = {}
    geography = None
    if forces is not None:
        geography = _attach_geography(cube, dimensions, spellings, sources, forces_path, report)
        cube = geography[0]
        geography = geography[1]
    if "platform" in dimensions and "platform_owner" not in dimensions:
        cube = _derive(cube, spellings, sources, "platform", "platform_owner", PLATFORM_OWNERS)
    order = [d for d in NSPCC_DIMENSIONS if d in cube.columns]
    dimensions = order + [d for d in dimensions if d not in order]
    cube = _regroup(cube, dimensions, measures)
    if int(cube[ROWS].sum()) > cube.height:
        report.add("validate", "rows with the same dimension values are summed")
    _note_offences(cube, dimensions, report)
    rows = layout.frame.filter(keep).select(
        *layout.dimensions, *(parsers[m].value.alias(m) for m in measures)
    )
    return Dataset(
        cube=_as_enums(cube, dimensions),
        rows=RowStore(rows, in_memory=table.in_memory),
        dimensions=tuple(dimensions),
        measures=tuple(measures),
        name=str(metadata.get("title") or path.name),
        path=path,
        metadata=metadata,
        geography=geography,
        notes=report.notes,
        spellings=spellings,
        sources=sources,
        skipped_rows=report.skipped_rows,
    )


def _force_names(forces_path: Path) -> ForceNames | None:
    if not forces_path.is_file():
        return None
    reference = pl.read_csv(forces_path)["force"].to_list()
    return ForceNames(reference, forces_path.with_name("force_aliases.csv"))


def _spellings(
    raw_cube: pl.DataFrame, dimensions: list[str], forces: ForceNames | None, escaped: bool
) -> dict[str, pl.DataFrame]:
    """Per dimension, (raw, member) for each raw value in the file."""
    table = member_spellings(repo_data_dir() / "member_spellings.csv")
    spellings = {}
    for dimension in dimensions:
        raws = raw_cube.select(pl.col(dimension).alias(RAW)).unique(maintain_order=True)
        members = [member(dimension, r, table, forces, escaped) for r in raws[RAW].to_list()]
        spellings[dimension] = raws.with_columns(pl.Series(MEMBER, members, dtype=pl.String))
    return spellings


def _non_data_cells(
    raw_cube: pl.DataFrame, layout: _Layout, spellings: dict[str, pl.DataFrame], report: LoadReport
) -> pl.DataFrame:
    """Cube cells holding total rows or footnote lines; reported with their row numbers."""
    dimensions = layout.dimensions
    main = layout.candidates[0]
    areas = _area_names()
    first = next((d for d in dimensions if d != YEAR), dimensions[0])
    labels: dict[int, str] = {}
    footnotes: list[str] = []
    blank_key = [d for d in dimensions if d != YEAR]
    recorded = raw_cube.with_row_index("_cell")
    is_blank = pl.all_horizontal(
        pl.col(d).cast(pl.String).str.strip_chars().fill_null("") == "" for d in blank_key
    )
    for cell in recorded.iter_rows(named=True):
        texts = {d: tidy(str(cell[d])) for d in dimensions if cell[d] is not None}
        total = next(
            (t for d, t in texts.items() if d != YEAR and is_total_label(d, t, areas)), None
        )
        if total is not None:
            labels[cell["_cell"]] = total
            continue
        others_blank = all(cell[d] is None for d in dimensions if d not in (first, YEAR))
        values = any(cell[f"{m}:n"] or cell[f"{m}:bad"] for m in layout.candidates)
        lone = texts.get(first)
        if lone and others_blank and is_footnote(lone, values):
            labels[cell["_cell"]] = lone
            footnotes.append(lone)
    blank = recorded.filter(is_blank & ~pl.col("_cell").is_in(list(labels)))
    for cell in blank.iter_rows(named=True):
        same_year = pl.col(YEAR) == cell[YEAR] if YEAR in dimensions else pl.lit(True)
        others = recorded.filter(same_year & ~pl.col("_cell").is_in([*labels, cell["_cell"]]))
        if others[ROWS].sum() < 2 or not cell[main] or cell[main] != others[main].sum():
            continue
        this = _cells_predicate(recorded.filter(pl.col("_cell") == cell["_cell"]), dimensions)
        above = layout.numbered.filter(same_year).select(
            pl.col(ROW).filter(this).min().alias("total"), pl.col(ROW).filter(~this).max()
        )
        positions = above.collect().row(0)
        if cell[ROWS] == 1 and positions[0] is not None and positions[0] > (positions[1] or 0):
            labels[cell["_cell"]] = ""  # one blank-keyed row under the rows it sums
    if not labels:
        return raw_cube.clear()
    dropped = recorded.filter(pl.col("_cell").is_in(list(labels)))
    rows = (
        layout.numbered.filter(_cells_predicate(dropped, dimensions))
        .select(ROW, *dimensions)
        .unique(ROW)
        .sort(ROW)
        .collect()
    )
    cell_label = {
        tuple(c[d] for d in dimensions): labels[c["_cell"]] for c in dropped.iter_rows(named=True)
    }
    total_rows, note_rows = [], []
    for row in rows.iter_rows(named=True):
        label = cell_label.get(tuple(row[d] for d in dimensions), "")
        (note_rows if label in footnotes else total_rows).append((row[ROW], label))
    report.skipped_rows += len(total_rows) + len(note_rows)
    if total_rows:
        count = len(total_rows)
        numbers = ", ".join(str(r) for r, _ in total_rows[:6]) + (", ..." if count > 6 else "")
        shown = ", ".join(f'"{t}"' for t in dict.fromkeys(t for _, t in total_rows))
        plural = "s" if count > 1 else ""
        report.add("totals", f"{count} total row{plural} skipped (row{plural} {numbers}: {shown})")
    if note_rows:
        texts = " | ".join(dict.fromkeys(t for _, t in note_rows))
        report.add("totals", f"{len(note_rows)} footnote line(s) under the table skipped: {texts}")
    return dropped.drop("_cell")


def _area_names() -> frozenset[str]:
    """Region and nation names that are not also force names (subtotals in a force column)."""
    path = repo_data_dir() / "forces.csv"
    if not path.is_file():
        return frozenset()
    reference = pl.read_csv(path)
    forces = {f.lower() for f in reference["force"]}
    areas = {a.lower() for a in [*reference["region"], *reference["nation"]]}
    return frozenset(areas - forces)


def _cells_predicate(cells: pl.DataFrame, dimensions: list[str]) -> pl.Expr:
    """Rows whose raw dimension values are those of one of ``cells``."""
    matches = []
    for cell in cells.select(dimensions).iter_rows(named=True):
        matches.append(
            pl.all_horizontal(
                pl.col(d).is_null() if v is None else (pl.col(d) == v).fill_null(False)
                for d, v in cell.items()
            )
        )
    return pl.any_horizontal(matches)


def _validate(
    raw_cube: pl.DataFrame,
    layout: _Layout,
    parsers: dict[str, Parsed],
    keep: pl.Expr,
    report: LoadReport,
) -> list[str]:
    """Measures whose every cell is a non-negative whole number (or missing, in a cross-tab or
    as a suppression marker); the first must be, others are noted and left out."""
    measures = []
    for index, column in enumerate(layout.candidates):
        parsed = parsers[column]
        problems = {
            "bad": (int(raw_cube[f"{column}:bad"].sum()), parsed.bad),
            "missing": (
                0 if layout.crosstab else int(raw_cube[f"{column}:blank"].sum()),
                parsed.blank,
            ),
            "negative": (
                int((raw_cube[f"{column}:min"] < 0).sum()),
                parsed.value < 0,
            ),
        }
        problem = next((kind for kind, (count, _) in problems.items() if count), None)
        if problem is None:
            measures.append(column)
        elif index == 0:
            raise DataError(_describe(layout, parsed, column, problem, problems[problem][1], keep))
        else:
            report.add(
                "validate",
                f"column '{layout.original.get(column, column)}' ignored: not whole-number counts",
            )
    return measures


def _describe(
    layout: _Layout, parsed: Parsed, column: str, problem: str, condition: pl.Expr, keep: pl.Expr
) -> str:
    """One line naming the file's column and the first offending row (numbered as in the file)."""
    first = (
        layout.numbered.filter(condition & keep)
        .select(ROW, pl.col(column).cast(pl.String).alias("raw"), parsed.value.alias("value"))
        .sort(ROW)
        .head(1)
        .collect()
        .row(0, named=True)
    )
    where = f"column '{layout.original.get(column, column)}', row {first[ROW]}"
    if layout.crosstab and column == MEASURE:
        where = f"row {first[ROW]}"
    if problem == "bad":
        return f"{layout.file}: {where}: '{first['raw']}' is not a whole-number count"
    if problem == "missing":
        return f"{layout.file}: {where}: missing count"
    return f"{layout.file}: {where}: negative count {first['value']}"


def _note_cells(
    raw_cube: pl.DataFrame, measures: list[str], crosstab: bool, report: LoadReport
) -> None:
    for column in measures:
        suppressed = int(raw_cube[f"{column}:suppressed"].sum())
        footnoted = int(raw_cube[f"{column}:footnoted"].sum())
        blank = int(raw_cube[f"{column}:blank"].sum()) if crosstab else 0
        if suppressed:
            report.add(
                "numbers",
                f"{suppressed} suppressed cell(s) (*, .., [c], [x], -) read as missing, not zero",
            )
        if blank:
            report.add("numbers", f"{blank} blank cell(s) read as missing, not zero")
        if footnoted:
            report.add(
                "numbers",
                f"{footnoted} count(s) carry a footnote marker (e.g. 102*): read as the number",
            )


def _note_spellings(
    spellings: dict[str, pl.DataFrame], dimensions: list[str], crosstab: bool, report: LoadReport
) -> None:
    unknown: list[str] = []
    merged: dict[str, list[str]] = {}
    for dimension in dimensions:
        for raw, meant in spellings[dimension].iter_rows():
            if raw is None:
                continue
            text = str(raw).strip()
            if meant == NOT_RECORDED:
                if text not in ("", NOT_RECORDED):
                    unknown.append(str(raw))
            elif tidy(text) != meant and not (crosstab and dimension == YEAR):
                merged.setdefault(meant, []).append(repr(text))
    if unknown:
        report.add(
            "names", f"read as '{NOT_RECORDED}': {', '.join(repr(v) for v in sorted(set(unknown)))}"
        )
    if merged:
        parts = [f"{', '.join(raws)} → {meant}" for meant, raws in merged.items()]
        report.add("names", f"merged spellings: {shorten(parts, 8)}")


def _members_cube(
    raw_cube: pl.DataFrame,
    spellings: dict[str, pl.DataFrame],
    dimensions: list[str],
    measures: list[str],
) -> pl.DataFrame:
    """The cube by member (raw spellings merged); a measure with no value in a cell is missing."""
    cube = raw_cube.select(*dimensions, ROWS, *measures, *(pl.col(f"{m}:n") for m in measures))
    for dimension in dimensions:
        pairs = spellings[dimension]
        cube = (
            cube.join(
                pairs.rename({RAW: dimension, MEMBER: f"_{dimension}"}),
                on=dimension,
                how="left",
                nulls_equal=True,
            )
            .drop(dimension)
            .rename({f"_{dimension}": dimension})
        )
    return _regroup(cube, dimensions, measures, counts=True)


def _regroup(
    cube: pl.DataFrame, dimensions: list[str], measures: list[str], counts: bool = False
) -> pl.DataFrame:
    """Merge cube cells whose dimension values became equal (missing stays missing)."""
    if not counts:
        cube = cube.with_columns(
            pl.col(m).is_not_null().cast(pl.Int64).alias(f"{m}:n") for m in measures
        )
    merged = cube.group_by(dimensions).agg(
        *(pl.col(m).sum() for m in measures),
        *(pl.col(f"{m}:n").sum() for m in measures),
        pl.col(ROWS).sum(),
    )
    return merged.select(
        *dimensions,
        *(pl.when(pl.col(f"{m}:n") > 0).then(pl.col(m)).alias(m) for m in measures),
        ROWS,
    )


def _attach_geography(
    cube: pl.DataFrame,
    dimensions: list[str],
    spellings: dict[str, pl.DataFrame],
    sources: dict[str, str],
    forces_path: Path,
    report: LoadReport,
) -> tuple[pl.DataFrame, pl.DataFrame | None]:
    """Region and nation for forces in the reference list; unknown forces keep their rows with
    region/nation ``–`` and no population (so no rate), and are named in the report."""
    reference = pl.read_csv(forces_path, schema_overrides={"population_2018_approx": pl.Int64})
    names = set(cube[FORCE].unique().to_list()) - {NOT_RECORDED}
    known = names & set(reference[FORCE])
    unknown = sorted(names - known)
    if unknown:
        forces = _force_names(forces_path)
        described = []
        for name in unknown:
            closest = forces.closest(name) if forces else None
            described.append(repr(name) + (f" (closest: {closest})" if closest else ""))
        report.add(
            "names",
            f"force(s) not recognised (no region, nation or rate for them): {shorten(described, 8)}",
        )
    if not known:
        return cube, None
    geography = reference.rename({"population_2018_approx": "population"}).filter(
        pl.col(FORCE).is_in(sorted(known))
    )
    for dimension in ("nation", "region"):
        if dimension in dimensions:
            continue
        lookup = dict(zip(geography[FORCE], geography[dimension], strict=True))
        cube = _derive(cube, spellings, sources, FORCE, dimension, lookup)
    return cube, geography


def _derive(
    cube: pl.DataFrame,
    spellings: dict[str, pl.DataFrame],
    sources: dict[str, str],
    parent: str,
    child: str,
    lookup: dict[str, str],
) -> pl.DataFrame:
    """Add ``child`` (region from force, owner from platform) read through ``lookup``."""
    mapping = {**lookup, NOT_RECORDED: NOT_RECORDED}
    expression = pl.col(MEMBER).replace_strict(
        mapping, default=UNKNOWN_AREA, return_dtype=pl.String
    )
    spellings[child] = spellings[parent].with_columns(expression)
    sources[child] = sources.get(parent, parent)
    return cube.with_columns(
        pl.col(parent)
        .replace_strict(mapping, default=UNKNOWN_AREA, return_dtype=pl.String)
        .alias(child)
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


def _as_enums(cube: pl.DataFrame, dimensions: list[str]) -> pl.DataFrame:
    """Dimensions as ``pl.Enum`` in display order (domain order, years ascending, else A-Z)."""
    casts = []
    for dimension in dimensions:
        present = cube[dimension].unique().to_list()
        fixed = member_order(dimension)
        if fixed and set(present) <= set(fixed):
            members = [m for m in fixed if m in present]
        else:
            members = sorted(m for m in present if m not in (NOT_RECORDED, UNKNOWN_AREA))
            members += [m for m in (UNKNOWN_AREA, NOT_RECORDED) if m in present]
        casts.append(pl.col(dimension).cast(pl.Enum(members)))
    measures = [c for c in cube.columns if c not in dimensions]
    return cube.with_columns(casts).select(*dimensions, *measures).sort(dimensions)


def _read_metadata(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise DataError(f"{path.name}: cannot read metadata: {first_line(error)}") from None
