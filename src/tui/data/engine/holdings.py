"""What each row of a summary holds: its coverage (:mod:`.coverage`), its two rates
(:mod:`.rates`) and the flags of the figures under it (:mod:`.flags`), all read off the same grid
of force-years, so that a row and the same selection filtered to it always agree."""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from tui.data.dataset import Dataset
from tui.data.engine.coverage import (
    MEMBER,
    UNIT,
    VALUE,
    Coverage,
    coverage_by_member,
    coverage_of,
    force_year_data,
    kept_years,
    unit_grid,
    unit_noun,
    whole_of,
)
from tui.data.engine.flags import FlaggedYears, flagged_force_years
from tui.data.engine.rates import (
    Rates,
    rate_labels,
    rate_note,
    rates_apply,
    rates_by_member,
    rates_of,
)
from tui.data.engine.table import (
    COVERAGE,
    FLAG,
    MISSING,
    RATE,
    RATE_CHILDREN,
    RATE_CHILDREN_HIGH,
    RATE_CHILDREN_LOW,
    RATE_HIGH,
    RATE_LOW,
)
from tui.data.schema import YEAR
from tui.data.selection import Selection


@dataclass(frozen=True)
class Holdings:
    """Per member (and for the total, key ``None``) its coverage, rates and flags (those of a
    row whose every force-year is flagged)."""

    coverage: dict[str | None, Coverage]
    rates: dict[str | None, Rates] = field(default_factory=dict)
    flags: dict[str | None, tuple[str, ...]] = field(default_factory=dict)
    flagged: FlaggedYears = field(default_factory=dict)
    rate_label: str | None = None
    rate_children_label: str | None = None
    rate_note: str | None = None
    grid: pl.DataFrame | None = None
    """The grid every number above was read from (:func:`tui.data.engine.coverage.unit_grid`
    of the selection's grouping and years): the change reads its two years from it."""

    def absent(self) -> list[str]:
        """Members the selection expects that have no figure at all (shown with no number)."""
        return [
            m for m, c in self.coverage.items() if m is not None and c.expected and not c.present
        ]

    def partial(self, member: str | None) -> bool:
        known = self.coverage.get(member)
        return known is not None and known.partial


def holdings(dataset: Dataset, selection: Selection) -> Holdings:
    """Coverage, rates and flags of every member of the selection's grouping and of its total."""
    key = selection.group_by
    years = kept_years(dataset, selection)
    grid = unit_grid(dataset, selection, key, years)
    whole = (
        whole_of(grid, key)
        if force_year_data(dataset)
        else unit_grid(dataset, selection, None, years)
    )
    noun = unit_noun(dataset)
    coverage: dict[str | None, Coverage] = dict(coverage_by_member(grid, noun))
    coverage[None] = coverage_of(whole, noun)
    flagged = flagged_force_years(dataset, selection.measure)
    flags: dict[str | None, tuple[str, ...]] = {}
    if flagged:  # only the members holding a flagged figure can carry a flag
        marked = grid.filter(pl.struct(UNIT, YEAR).is_in([{UNIT: u, YEAR: y} for u, y in flagged]))
        for member in marked[MEMBER].unique().to_list():
            flags[str(member)] = _flags(grid.filter(pl.col(MEMBER) == member), flagged)
        flags[None] = _flags(whole, flagged)
    if not rates_apply(dataset):
        note = rate_note(dataset, ())
        return Holdings(coverage, flags=flags, flagged=flagged, rate_note=note, grid=grid)
    overall = rates_of(whole)
    if not overall.held:  # say for which force-years none is held
        note = rate_note(dataset, overall.unknown)
        return Holdings(coverage, flags=flags, flagged=flagged, rate_note=note, grid=grid)
    rates: dict[str | None, Rates] = dict(rates_by_member(grid))
    rates[None] = overall
    residents, children = rate_labels(dataset, selection, len(years) > 1 or key == YEAR)
    return Holdings(
        coverage,
        rates,
        flags,
        flagged,
        residents,
        children,
        rate_note(dataset, rates[None].unknown),
        grid,
    )


def _flags(rows: pl.DataFrame, flagged: FlaggedYears) -> tuple[str, ...]:
    """The flags a row carries: those of its figures when every force-year it counts is
    flagged (Hampshire 2020/21 alone, or broken down by age band); a sum over other force-years
    too is another number, and carries none."""
    if not flagged:
        return ()
    counted = rows.filter(pl.col(VALUE).is_not_null()).select(UNIT, YEAR).unique()
    units = [(str(u), str(y)) for u, y in counted.iter_rows()]
    if not units or any(unit not in flagged for unit in units):
        return ()
    if len(units) == 1:
        return (flagged[units[0]],)
    return tuple(f"{u} {y}: {flagged[(u, y)]}" for u, y in sorted(units, key=lambda p: p[::-1]))


def holding_columns(
    frame: pl.DataFrame, key: str, held: Holdings
) -> tuple[pl.DataFrame, dict[str, object]]:
    """The summary's rate, coverage and flag columns for every member, and the totals'."""
    members = frame[key].cast(pl.String).to_list()
    columns = {name: [] for name in _COLUMNS}
    for member in members:
        for name, value in _row(held, member).items():
            columns[name].append(value)
    series = [pl.Series(name, values, dtype=_COLUMNS[name]) for name, values in columns.items()]
    return frame.with_columns(series), _row(held, None)


_COLUMNS = {
    RATE: pl.Float64,
    RATE_LOW: pl.Float64,
    RATE_HIGH: pl.Float64,
    RATE_CHILDREN: pl.Float64,
    RATE_CHILDREN_LOW: pl.Float64,
    RATE_CHILDREN_HIGH: pl.Float64,
    MISSING: pl.String,
    COVERAGE: pl.String,
    FLAG: pl.String,
}


def _row(held: Holdings, member: str | None) -> dict[str, object]:
    rates = held.rates.get(member)
    coverage = held.coverage.get(member)
    low, high = rates.interval() if rates else (None, None)
    child_low, child_high = rates.interval(per_children=True) if rates else (None, None)
    return {
        RATE: rates.per_residents if rates else None,
        RATE_LOW: low,
        RATE_HIGH: high,
        RATE_CHILDREN: rates.per_children if rates else None,
        RATE_CHILDREN_LOW: child_low,
        RATE_CHILDREN_HIGH: child_high,
        MISSING: coverage.missing_text if coverage else "",
        COVERAGE: coverage.text if coverage else "",
        FLAG: "; ".join(held.flags.get(member, ())),
    }
