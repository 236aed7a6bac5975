"""What the published figures allow: the range of a modelled number.

The builder stores, for every modelled cell, the smallest and largest value that all targeted
published figures allow (``offences_low``, ``offences_high``, ``instances_low``,
``instances_high`` beside the counts in ``data/offences.csv``), and the exact range of every
scope-year total (force, region, nation, jurisdiction) in ``data/ranges.csv``. A number the query
engine shows is then:

* one scope-year (no breakdown): that scope's exact range;
* any other sum of force-years: per year, the scope-year's exact range where the year's
  force-years are one scope, else the sum of the force-year ranges; summed over the years, a
  *bound* (the exact range of the sum lies inside it);
* under a breakdown (age band, sex, platform): the sum of the cells' ranges, a bound too.

A sum whose parts are all fixed is exact whatever its shape.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

import polars as pl

from tui.data.dataset import Dataset
from tui.data.loading.paths import repo_data_dir
from tui.data.schema import FORCE, JURISDICTION, YEAR

RANGES_FILE = "ranges.csv"
RANGE_LOW, RANGE_HIGH, RANGE_KIND = "range_low", "range_high", "range_kind"
EXACT, BOUND = "exact", "bound"
SCOPE_TYPES = ("force", "region", "nation", "jurisdiction")

Cell = tuple[str, str, str]
"""(jurisdiction, force, year): one force-year."""


@dataclass(frozen=True)
class Range:
    """The smallest and largest value the published figures allow; a *bound* contains the exact
    range (it adds up the ranges of parts that are not independent)."""

    low: int
    high: int
    kind: str = EXACT

    @property
    def fixed(self) -> bool:
        """Whether the published figures fix the number (a range of one value)."""
        return self.low == self.high


class RangeBook:
    """The scope-year ranges of ``data/ranges.csv``, keyed by the force-years each covers."""

    def __init__(self, dataset: Dataset, table: pl.DataFrame) -> None:
        self.scopes: dict[str, dict[frozenset[Cell], tuple[int, int]]] = defaultdict(dict)
        self.force_years: dict[str, dict[Cell, tuple[int, int]]] = defaultdict(dict)
        geography = [c for c in SCOPE_TYPES if c in dataset.dimensions]
        for measure in dataset.measures:
            places = (
                dataset.cube.filter(pl.col(measure).is_not_null())
                .select(*(pl.col(c).cast(pl.String) for c in {*geography, YEAR}))
                .unique()
            )
            members: dict[tuple[str, str, str], set[Cell]] = defaultdict(set)
            for place in places.iter_rows(named=True):
                cell = (place[JURISDICTION], place[FORCE], place[YEAR])
                for scope_type in geography:
                    members[(scope_type, place[scope_type], place[YEAR])].add(cell)
            chosen = table.filter(pl.col("measure") == measure)
            for jurisdiction, scope_type, scope, year, low, high in chosen.select(
                "jurisdiction", "scope_type", "scope", "year", "low", "high"
            ).iter_rows():
                cells = frozenset(
                    c for c in members.get((scope_type, scope, year), ()) if c[0] == jurisdiction
                )
                if not cells:
                    continue
                self.scopes[measure][cells] = (int(low), int(high))
                if scope_type == FORCE:
                    self.force_years[measure][(jurisdiction, scope, year)] = (int(low), int(high))

    def of(self, cells: frozenset[Cell], measure: str) -> Range | None:
        """The range of ``measure`` summed over the force-years ``cells`` (``None`` when a part
        has no range)."""
        scopes = self.scopes[measure]
        if cells in scopes:
            return Range(*scopes[cells], EXACT)
        by_year: dict[str, set[Cell]] = defaultdict(set)
        for cell in cells:
            by_year[cell[2]].add(cell)
        low = high = 0
        for year_cells in by_year.values():
            part = scopes.get(frozenset(year_cells))
            if part is None:
                parts = [self.force_years[measure].get(c) for c in year_cells]
                if any(p is None for p in parts):
                    return None
                part = (sum(p[0] for p in parts if p), sum(p[1] for p in parts if p))
            low += part[0]
            high += part[1]
        return Range(low, high, EXACT if low == high else BOUND)


@lru_cache(maxsize=8)
def range_book(dataset: Dataset) -> RangeBook | None:
    """The scope-year ranges beside a dataset built from the published figures (``None`` for any
    other file, or before the builder has written them)."""
    if dataset.metadata.get("provenance") != "figures" or FORCE not in dataset.dimensions:
        return None
    folder = dataset.path.parent if dataset.path else repo_data_dir()
    path = folder / RANGES_FILE
    if not path.is_file():
        return None
    table = pl.read_csv(path, schema_overrides={"year": pl.String, "scope": pl.String})
    return RangeBook(dataset, table)
