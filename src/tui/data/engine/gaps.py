"""The force-years a sum over years leaves out (no figure at all: missing, not zero), and how a
sentence words them."""

from __future__ import annotations

import polars as pl

from tui.data.dataset import Dataset
from tui.data.engine.cells import cells
from tui.data.engine.naming import joined
from tui.data.schema import FORCE, YEAR
from tui.data.selection import Selection

PLACE_DIMENSIONS = ("jurisdiction", "offence", "nation", "region", FORCE)


def missing_force_years(
    dataset: Dataset, selection: Selection, years: list[str]
) -> list[tuple[str, str]]:
    """(force, year) pairs in ``years`` with no figure at all for a force the selection's place
    filters keep (Hampshire 2021/22, Lincolnshire 2024/25): missing, not zero."""
    if FORCE not in dataset.dimensions or YEAR not in dataset.dimensions or not years:
        return []
    place = selection.with_filter(YEAR, None)
    for dimension, _ in selection.filters:
        if dimension not in PLACE_DIMENSIONS:
            place = place.with_filter(dimension, None)
    present = (
        cells(dataset, place)
        .filter(pl.col(selection.measure).is_not_null())
        .select(pl.col(FORCE).cast(pl.String), pl.col(YEAR).cast(pl.String))
        .unique()
        .collect()
    )
    counted = set(present.iter_rows())
    kept = set(present[FORCE].to_list())
    forces = [f for f in dataset.members(FORCE) if f in kept]
    return [(f, y) for y in years for f in forces if (f, y) not in counted]


def gaps_of(
    missing: list[tuple[str, str]], single_force: bool, one_year: bool = False
) -> tuple[str, ...]:
    """The missing force-years, worded: ``with no figure for 2021/22`` for one force, else
    ``with no figure for Hampshire in 2021/22`` (``with no figure for Hampshire`` when the
    sentence is about that one year)."""
    by_force: dict[str, list[str]] = {}
    for force, year in missing:
        by_force.setdefault(force, []).append(year)
    if not by_force:
        return ()
    if single_force:
        return (f"with no figure for {joined(next(iter(by_force.values())))}",)
    if one_year:  # the year is the period's, already said
        return (f"with no figure for {joined(list(by_force))}",)
    named = [f"{force} in {joined(years)}" for force, years in by_force.items()]
    return (f"with no figure for {joined(named)}",)
