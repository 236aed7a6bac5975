"""Year-on-year change, compared like with like, and whether it is more than chance.

A change between two years adds up, in each year, only the units (forces; cells for data without
forces) with a complete figure in *both* years: a force missing from one year is left out of the
other too, and the change says so (``change over the 42 forces with a figure in both years``).
With no unit in both years there is no change, and the reason says which year lacks a figure. A
change over fewer units than the row holds, or across a flagged figure (:mod:`.flags`), is not
tested (Hampshire's 18 in 2020/21 is in Kent and Hampshire's 2020/21); nor, in
:mod:`.summarise`, is one that compares a modelled count or a partial row.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from itertools import pairwise

import polars as pl

from tui.data.dataset import Dataset
from tui.data.engine import stats
from tui.data.engine.cells import selection_keeps
from tui.data.engine.coverage import (
    CELLS,
    COMPLETE,
    FORCE_YEARS,
    MEMBER,
    UNIT,
    VALUE,
    force_year_data,
    unit_grid,
    unit_noun,
    whole_of,
)
from tui.data.engine.flags import FlaggedYears
from tui.data.engine.naming import joined
from tui.data.engine.registry import Marks
from tui.data.engine.table import CHANGE, CHANGE_SIGNIFICANT
from tui.data.schema import MODELLED, YEAR
from tui.data.selection import Selection

SHOWN_UNITS = 3
"""Units named in a change's basis at most; more are counted."""


@dataclass(frozen=True)
class Compared:
    """One change: its value, whether it is more than chance, and how it was computed."""

    change: float | None = None
    significant: bool | None = None
    basis: str = ""
    """How the change was computed when not over every unit, or why there is none."""
    over: str = ""
    """Whose figures it compares when not every unit's: ``the 42 forces with a figure in both
    years``."""
    no_data: bool = False
    """No unit has a figure in both years."""
    subset: bool = False
    """Over fewer units than the row holds: not tested."""
    doubtful: bool = False
    """Across a flagged figure: not tested."""

    @property
    def untested(self) -> bool:
        return self.subset or self.doubtful


@dataclass(frozen=True)
class Changes:
    """The change column of a summary, and what the totals row shows."""

    frame: pl.DataFrame | None = None
    """The grouped dimension, ``change`` and ``change_significant``."""
    label: str | None = None
    total: Compared = field(default_factory=Compared)
    by_member: dict[str, Compared] = field(default_factory=dict)

    @property
    def no_data(self) -> frozenset[str]:
        return frozenset(m for m, c in self.by_member.items() if c.no_data)

    @property
    def untested(self) -> frozenset[str]:
        return frozenset(m for m, c in self.by_member.items() if c.untested)

    @property
    def over(self) -> dict[str | None, str]:
        found: dict[str | None, str] = {m: c.over for m, c in self.by_member.items() if c.over}
        if self.total.over:
            found[None] = self.total.over
        return found

    @property
    def basis(self) -> dict[str | None, str]:
        found: dict[str | None, str] = {m: c.basis for m, c in self.by_member.items() if c.basis}
        if self.total.basis:
            found[None] = self.total.basis
        return found


def year_comparison(dataset: Dataset, selection: Selection) -> tuple[str, str] | None:
    """(previous, latest) year the change column compares when not grouping by year."""
    if YEAR not in dataset.dimensions:
        return None
    years = dataset.members(YEAR)
    chosen = selection.members(YEAR) or years
    picked = [y for y in years if y in chosen]
    if not picked:
        return None
    latest = years.index(picked[-1])
    if latest == 0:
        return None
    return years[latest - 1], years[latest]


def change_columns(
    dataset: Dataset,
    selection: Selection,
    flagged: FlaggedYears,
    held: pl.DataFrame | None = None,
) -> Changes:
    """Year-on-year change per group and overall, like with like (see the module's note); the
    year filter is widened to the year before. ``held``: the selection's own grid
    (:func:`unit_grid` of its grouping and years), read again when it holds both years (of
    force-years: a grid of cells holds only the cells of the years kept)."""
    held = held if force_year_data(dataset) else None
    if YEAR not in dataset.dimensions:
        return Changes()
    key = selection.group_by
    noun = "forces" if unit_noun(dataset) == FORCE_YEARS else CELLS
    if key == YEAR:
        years = dataset.members(YEAR)
        grid = unit_grid(dataset, selection, YEAR, years)
        by_member = {years[0]: Compared()}
        for previous, latest in pairwise(years):
            compared = compare(grid, previous, latest, flagged, noun)
            if not selection_keeps(selection, YEAR, latest):  # not shown: no "no data" for it
                compared = replace(compared, no_data=False)
            by_member[latest] = compared
        frame = _frame(dataset, key, by_member)
        return Changes(frame, "vs previous year", Compared(), by_member)
    compared_years = year_comparison(dataset, selection)
    if compared_years is None:
        return Changes()
    previous, latest = compared_years
    if held is not None and set(compared_years) <= set(held[YEAR].unique().to_list()):
        grid = held.filter(pl.col(YEAR).is_in(compared_years))
    else:
        grid = unit_grid(dataset, selection, key, compared_years)
    by_member = compare_members(grid, previous, latest, flagged, noun)
    whole = (
        whole_of(grid, key)
        if force_year_data(dataset)
        else unit_grid(dataset, selection, None, compared_years)
    )
    total = compare(whole, previous, latest, flagged, noun)
    return Changes(_frame(dataset, key, by_member), f"{latest} vs {previous}", total, by_member)


def _frame(dataset: Dataset, key: str, by_member: dict[str, Compared]) -> pl.DataFrame:
    members = list(by_member)
    return pl.DataFrame(
        {
            key: pl.Series(members, dtype=pl.String).cast(dataset.dtype(key)),
            CHANGE: [by_member[m].change for m in members],
            CHANGE_SIGNIFICANT: [by_member[m].significant for m in members],
        },
        schema_overrides={CHANGE: pl.Float64, CHANGE_SIGNIFICANT: pl.Boolean},
    )


def compare(
    grid: pl.DataFrame, previous: str, latest: str, flagged: FlaggedYears, noun: str = "forces"
) -> Compared:
    """The change from ``previous`` to ``latest`` over the units of ``grid`` complete in both."""
    rows = grid.filter(pl.col(YEAR).is_in([previous, latest]))
    units = list(dict.fromkeys(rows[UNIT].to_list()))
    complete = rows.filter(pl.col(COMPLETE))
    before = dict(complete.filter(pl.col(YEAR) == previous).select(UNIT, VALUE).iter_rows())
    after = dict(complete.filter(pl.col(YEAR) == latest).select(UNIT, VALUE).iter_rows())
    common = [u for u in units if u in before and u in after]
    lacking = _lacking(units, before, previous) + _lacking(units, after, latest)
    if not common:
        reason = "; ".join(lacking) if lacking else f"no figure in {previous} or {latest}"
        return Compared(basis=f"no change: {reason}", no_data=True)
    old, new = sum(before[u] for u in common), sum(after[u] for u in common)
    change = new / old - 1 if old else None
    subset = len(common) < len(units)
    doubtful = [f"{u} {y}" for u in common for y in (previous, latest) if (u, y) in flagged]
    reasons = []
    over = f"{_named(common, noun)} with a figure in both years" if subset else ""
    if subset:
        reasons.append(f"over {over} ({'; '.join(lacking)})")
    if doubtful:
        reasons.append(f"across the flagged {joined(doubtful)}")
    basis = f"change {', '.join(reasons)}: not tested" if reasons else ""
    untested = subset or bool(doubtful)
    significant = None if untested or change is None else stats.change_significant(new, old)
    return Compared(change, significant, basis, over, subset=subset, doubtful=bool(doubtful))


def compare_members(
    grid: pl.DataFrame, previous: str, latest: str, flagged: FlaggedYears, noun: str
) -> dict[str, Compared]:
    """:func:`compare` for every member of ``grid`` at once: a member whose units all have a
    figure in both years, none flagged, is compared in one pass; the others (few) one by one,
    for the words that say why."""
    doubtful = [(u, y) for u, y in flagged if y in (previous, latest)]
    marked = pl.DataFrame(
        {UNIT: [u for u, _ in doubtful], YEAR: [y for _, y in doubtful]},
        schema={UNIT: pl.String, YEAR: pl.String},
    ).with_columns(pl.lit(True).alias("_flagged"))
    rows = grid.filter(pl.col(YEAR).is_in([previous, latest])).join(
        marked, on=[UNIT, YEAR], how="left"
    )
    year = pl.col(YEAR)
    sums = rows.group_by(MEMBER, maintain_order=True).agg(
        pl.col(VALUE).filter(year == previous).sum().alias("_old"),
        pl.col(VALUE).filter(year == latest).sum().alias("_new"),
        (pl.col(COMPLETE).all() & pl.col("_flagged").is_null().all()).alias("_plain"),
    )
    found: dict[str, Compared] = {}
    for member, old, new, plain in sums.iter_rows():
        if plain and old:  # every unit in both years, nothing flagged: the whole, tested
            found[str(member)] = Compared(new / old - 1, stats.change_significant(new, old))
        else:
            found[str(member)] = compare(
                rows.filter(pl.col(MEMBER) == member), previous, latest, flagged, noun
            )
    return found


def _lacking(units: list[str], figures: dict, year: str) -> list[str]:
    """``Hampshire has no 2021/22 figure``, for the units without a complete figure in ``year``."""
    absent = [u for u in units if u not in figures]
    if not absent:
        return []
    shown = absent[:SHOWN_UNITS]
    more = len(absent) - len(shown)
    names = joined(shown) if not more else f"{', '.join(shown)} and {more} more"
    return [f"{names} {'has' if len(absent) == 1 else 'have'} no {year} figure"]


def _named(common: list[str], noun: str) -> str:
    """``Kent, the only force``, ``Kent and Surrey``, ``the 42 forces``."""
    if len(common) == 1:
        return f"{common[0]}, the only {noun.removesuffix('s')}"
    if len(common) <= SHOWN_UNITS:
        return f"{joined(common)}, the {noun}"
    return f"the {len(common)} {noun}"


def ratio_change(current: int | None, previous: int | None) -> float | None:
    if current is None or not previous:
        return None
    return current / previous - 1


def more_than_chance(current: int | None, previous: int | None) -> bool | None:
    """Whether a change is more than chance; ``None`` where no change is shown."""
    if current is None or not previous:
        return None
    return stats.change_significant(current, previous)


def untested_changes(
    dataset: Dataset, selection: Selection, members: list[str], book: Marks
) -> tuple[frozenset[str], bool]:
    """The members (and whether the total) whose change compares a modelled count: a model's
    guess is no measurement, so such a change gets no significance test."""
    if YEAR not in dataset.dimensions:
        return frozenset(), False
    key, measure = selection.group_by, selection.measure
    base = selection.with_filter(YEAR, None)

    def modelled(chosen: Selection, year: str) -> bool:
        return book.of(chosen.with_filter(YEAR, (year,)).filters, measure).status == MODELLED

    if key == YEAR:
        years = dataset.members(YEAR)
        status = {year: modelled(base, year) for year in years}
        return frozenset(
            y for i, y in enumerate(years) if i and (status[y] or status[years[i - 1]])
        ), False
    compared = year_comparison(dataset, selection)
    if compared is None:
        return frozenset(), False
    untested = frozenset(
        m for m in members if any(modelled(base.with_filter(key, (m,)), y) for y in compared)
    )
    return untested, any(modelled(base, y) for y in compared)
