"""What every number holds: the force-years (or, for data without forces and years, the cells)
under it, which of them have a figure and which are missing.

A force-year is *expected* when the selection keeps its force and its year: every force the place
filters keep that has a figure in any year, times every year kept. It is *missing* when it has no
figure at all (the embedded dataset leaves out a force-year no source gives; a user's file has no
row for it, or only blank or suppressed cells) or when one of its cells under the selection is
blank or suppressed. A number over a missing force-year is *partial*: the sum of what there is,
never the whole. Missing is not zero.

:func:`unit_grid` is the one table behind coverage, like-with-like changes (:mod:`.change`) and
rates (:mod:`.rates`): one row per member, unit (force, or a cell) and year, with the value and
whether it is complete.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import polars as pl

from tui.data.dataset import Dataset
from tui.data.engine.cells import CACHE_SIZE, cells
from tui.data.engine.naming import joined
from tui.data.figures.files import read_missing
from tui.data.loading.paths import repo_data_dir
from tui.data.schema import FORCE, PLACE, YEAR
from tui.data.selection import Selection

MEMBER, UNIT, VALUE, COMPLETE = "_member", "_unit", "_value", "_complete"
ALL = ""
"""The member of every row of an ungrouped grid."""
FORCE_YEARS, CELLS = "force-years", "cells"
SHOWN_MISSING = 12
"""Missing units named at most in one line; the rest are counted."""
PLACE_DIMENSIONS = PLACE - {YEAR}


@dataclass(frozen=True)
class Coverage:
    """How many of the units under a number have a figure, and which are missing."""

    present: int
    expected: int
    unit: str
    """``force-years`` or ``cells``."""
    missing: tuple[tuple[str, str], ...] = ()
    """(force, year) of each missing force-year; for cells, (the cell's name, "")."""

    @property
    def partial(self) -> bool:
        """Whether some unit under the number has no figure: the number is not the whole."""
        return bool(self.missing)

    @property
    def text(self) -> str:
        """``42 of 43 force-years``."""
        return f"{self.present:,} of {self.expected:,} {self.unit}"

    @property
    def missing_text(self) -> str:
        """``Hampshire 2021/22; Lincolnshire 2024/25`` (empty when complete)."""
        return "; ".join(_label(unit, year) for unit, year in self.missing)

    def describe(self, shown: int = SHOWN_MISSING) -> str:
        """What is missing, for a reader: ``Hampshire: no figure for 2021/22`` (one force),
        ``2 force-years missing: Hampshire 2021/22, Lincolnshire 2024/25``; empty when
        complete."""
        if not self.missing:
            return ""
        units = list(dict.fromkeys(unit for unit, _ in self.missing))
        if len(units) == 1 and self.unit == FORCE_YEARS:
            years = [year for _, year in self.missing]
            return f"{units[0]}: no figure for {joined(years)}"
        names = [_label(unit, year) for unit, year in self.missing[:shown]]
        more = len(self.missing) - len(names)
        listed = ", ".join(names) + (f" and {more} more" if more else "")
        count = len(self.missing)
        noun = self.unit if count > 1 else self.unit[:-1]
        return f"{count} {noun} missing: {listed}"


def _label(unit: str, year: str) -> str:
    return f"{unit} {year}".strip()


def force_year_data(dataset: Dataset) -> bool:
    """Whether coverage counts force-years (else cells)."""
    return FORCE in dataset.dimensions and YEAR in dataset.dimensions


def kept_years(dataset: Dataset, selection: Selection) -> tuple[str, ...]:
    """The years the selection keeps, in order (none without a year dimension)."""
    if YEAR not in dataset.dimensions:
        return ()
    chosen = selection.members(YEAR)
    return tuple(y for y in dataset.members(YEAR) if chosen is None or y in chosen)


def unit_grid(
    dataset: Dataset, selection: Selection, group: str | None, years: tuple[str, ...]
) -> pl.DataFrame:
    """One row per member of ``group`` (``None``: every row is :data:`ALL`), unit and year in
    ``years`` that the selection expects, with the value (missing where there is no figure) and
    whether it is complete (a figure, and no blank or suppressed cell under it). Cached by what
    it depends on (the filters and the measure, not the sort or the view)."""
    return _grid(dataset, Selection(YEAR, selection.measure, selection.filters), group, years)


@lru_cache(maxsize=CACHE_SIZE)
def _grid(
    dataset: Dataset, selection: Selection, group: str | None, years: tuple[str, ...]
) -> pl.DataFrame:
    if force_year_data(dataset):
        grid = _force_year_grid(dataset, selection, group, years)
        return grid.with_columns(pl.col(YEAR).alias(MEMBER)) if group == YEAR else grid
    return _cell_grid(dataset, selection, group, years)


def _force_year_grid(
    dataset: Dataset, selection: Selection, group: str | None, years: tuple[str, ...]
) -> pl.DataFrame:
    measure = selection.measure
    grouped = group is not None and group != YEAR
    place = selection.with_filter(YEAR, None)
    for dimension, _ in selection.filters:
        if dimension not in PLACE_DIMENSIONS:
            place = place.with_filter(dimension, None)
    member = pl.col(group).cast(pl.String) if grouped else pl.lit(ALL)
    rows = cells(dataset, place).select(  # blank rows too: a force with only blanks is expected
        member.alias(MEMBER),
        pl.col(FORCE).cast(pl.String).alias(UNIT),
        pl.col(YEAR).cast(pl.String),
        pl.col(measure).is_not_null().alias("_figure"),
    )
    figures = rows.filter("_figure")
    if grouped and group not in PLACE_DIMENSIONS:  # a breakdown: its members, every force
        members = (
            cells(dataset, selection.with_filter(YEAR, None))
            .select(pl.col(group).cast(pl.String).alias(MEMBER))
            .unique()
        )
        expected = members.join(rows.select(UNIT).unique(), how="cross")
        present = members.join(figures.select(UNIT, YEAR).unique(), how="cross")
    else:
        expected = rows.select(MEMBER, UNIT).unique()
        present = figures.select(MEMBER, UNIT, YEAR).unique()
    grid = expected.join(pl.LazyFrame({YEAR: list(years)}, schema={YEAR: pl.String}), how="cross")
    window = selection.with_filter(YEAR, list(years)) if years else selection
    values = (
        cells(dataset, window)
        .group_by(member.alias(MEMBER), pl.col(FORCE).cast(pl.String).alias(UNIT), YEAR)
        .agg(
            pl.col(measure).sum().alias(VALUE),
            pl.col(measure).is_null().any().alias("_blank"),
        )
        .with_columns(pl.col(YEAR).cast(pl.String))
    )
    joined_grid = grid.join(
        present.with_columns(pl.lit(True).alias("_present")),
        on=[MEMBER, UNIT, YEAR],
        how="left",
    ).join(values, on=[MEMBER, UNIT, YEAR], how="left")
    has_figure = pl.col("_present").fill_null(False)
    return (
        joined_grid.select(
            MEMBER,
            UNIT,
            YEAR,
            pl.when(has_figure).then(pl.col(VALUE).fill_null(0)).otherwise(None).alias(VALUE),
            (has_figure & ~pl.col("_blank").fill_null(False)).alias(COMPLETE),
        )
        .sort(MEMBER, UNIT, YEAR)
        .collect()
    )


def _cell_grid(
    dataset: Dataset, selection: Selection, group: str | None, years: tuple[str, ...]
) -> pl.DataFrame:
    """Without forces and years, every cell the selection keeps is a unit: missing when blank or
    suppressed, named by the dimensions that tell the cells apart (other than the year and the
    grouped one); the year, when there is one, is a column of its own."""
    measure = selection.measure
    dated = YEAR in dataset.dimensions
    window = selection.with_filter(YEAR, list(years)) if dated and years else selection
    kept = cells(dataset, window).collect()
    derived = {d for d, source in dataset.sources.items() if source != d}  # region from force
    named = [
        d
        for d in dataset.dimensions
        if d not in (group, YEAR, *derived) and kept.height and kept[d].n_unique() > 1
    ]
    if named:
        name = pl.concat_str([pl.col(d).cast(pl.String) for d in named], separator=" ")
    elif group and not dated:
        name = pl.col(group).cast(pl.String)
    else:  # the year alone names the cell
        name = pl.lit("")
    member = pl.col(group).cast(pl.String) if group is not None else pl.lit(ALL)
    return kept.select(
        member.alias(MEMBER),
        name.alias(UNIT),
        (pl.col(YEAR).cast(pl.String) if dated else pl.lit("")).alias(YEAR),
        pl.col(measure).alias(VALUE),
        pl.col(measure).is_not_null().alias(COMPLETE),
    )


def whole_of(grid: pl.DataFrame, group: str | None) -> pl.DataFrame:
    """The grid of the whole selection from one grouped by ``group`` (as :func:`unit_grid` with
    ``None`` gives it, without reading the cells again): a place or the year splits the units
    between members; a breakdown splits each unit's value, complete only where every part is."""
    if group is None or group in PLACE:
        return grid.with_columns(pl.lit(ALL).alias(MEMBER))
    return (
        grid.group_by(UNIT, YEAR, maintain_order=True)
        .agg(
            pl.when(pl.col(VALUE).is_not_null().any()).then(pl.col(VALUE).sum()).alias(VALUE),
            pl.col(COMPLETE).all(),
        )
        .select(pl.lit(ALL).alias(MEMBER), UNIT, YEAR, VALUE, COMPLETE)
    )


COMPLETE_STATE, PARTIAL_STATE, NO_FIGURE = "complete", "partial", "missing"


def states_by_year(grid: pl.DataFrame) -> dict[tuple[str, str], str]:
    """Per (member, year) of ``grid``: complete, partial (some unit has no figure) or missing
    (none has): a chart's point over years."""
    summed = grid.group_by(MEMBER, YEAR).agg(
        pl.col(COMPLETE).all().alias("_all"), pl.col(VALUE).is_not_null().any().alias("_any")
    )
    return {
        (str(m), str(y)): COMPLETE_STATE if every else PARTIAL_STATE if some else NO_FIGURE
        for m, y, every, some in summed.iter_rows()
    }


def coverage_by_member(grid: pl.DataFrame, unit: str) -> dict[str, Coverage]:
    """Per member of ``grid``, its coverage."""
    units = grid.unique([MEMBER, UNIT, YEAR], keep="first")
    counts = units.group_by(MEMBER).agg(pl.len().alias("_n"), pl.col(COMPLETE).sum().alias("_k"))
    missing: dict[str, list[tuple[str, str]]] = {}
    gaps = units.filter(~pl.col(COMPLETE)).sort(YEAR, UNIT).select(MEMBER, UNIT, YEAR)
    for member, name, year in gaps.iter_rows():
        missing.setdefault(str(member), []).append((str(name), str(year)))
    return {
        str(m): Coverage(int(k), int(n), unit, tuple(missing.get(str(m), ())))
        for m, n, k in counts.select(MEMBER, "_n", "_k").iter_rows()
    }


def coverage_of(rows: pl.DataFrame, unit: str) -> Coverage:
    """The coverage of the units in ``rows`` (each unit-year once)."""
    units = rows.unique([UNIT, YEAR], keep="first", maintain_order=True)
    gaps = units.filter(~pl.col(COMPLETE)).sort(YEAR, UNIT)
    return Coverage(
        present=units.height - gaps.height,
        expected=units.height,
        unit=unit,
        missing=tuple((str(u), str(y)) for u, y in gaps.select(UNIT, YEAR).iter_rows()),
    )


def unit_noun(dataset: Dataset) -> str:
    return FORCE_YEARS if force_year_data(dataset) else CELLS


@lru_cache(maxsize=1)
def not_provided() -> dict[tuple[str, str], str]:
    """Why the embedded dataset has no figure for a force-year (``data/missing_force_years.csv``):
    ``the force did not provide a figure``, the part of its basis before the evidence."""
    return {key: basis.split(":")[0] for key, basis in read_missing(repo_data_dir()).items()}


def reason_for(coverage: Coverage, embedded: bool) -> str:
    """Why the missing force-years have no figure, when the data says one reason for all (the
    embedded dataset: ``the force did not provide a figure``)."""
    if not embedded or not coverage.missing:
        return ""
    reasons = {not_provided().get(m, "") for m in coverage.missing}
    if len(reasons) != 1 or not (reason := reasons.pop()):
        return ""
    forces = {force for force, _ in coverage.missing}
    return reason.replace("the force did", "the forces did") if len(forces) > 1 else reason
