"""Rates per 100,000 residents and per 10,000 children aged 0-17, each year divided by its own
mid-year population (:mod:`.populations`), numerator and denominator over the same force-years.

A rate adds up the force-years under a number that have a complete figure (a missing force-year
leaves both the count and the population) and divides by those force-years' populations added
up: over several years that is a rate per person-year, *per year*. A force-year with a figure but
no population held (a force outside the list, a year with no estimate) leaves the rate missing,
and :func:`rate_note` says which; no other year's population is ever borrowed.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import polars as pl

from tui.data.dataset import Dataset
from tui.data.engine import stats
from tui.data.engine.cells import cells
from tui.data.engine.coverage import COMPLETE, MEMBER, UNIT, VALUE, force_year_data
from tui.data.engine.naming import joined
from tui.data.engine.populations import (
    ALL_AGES,
    CHILDREN,
    CHILDREN_LABEL,
    RESIDENTS_LABEL,
    population_table,
    publishers,
)
from tui.data.schema import FORCE, JURISDICTION, YEAR
from tui.data.selection import Selection

GEOGRAPHY = ("nation", "region", "force")
PER_RESIDENTS, PER_CHILDREN = 100_000, 10_000
SHOWN = 6
"""Forces named at most where no population is held."""


@dataclass(frozen=True)
class Rates:
    """One number's two rates, the count and populations they divide, and their intervals."""

    counted: int
    """The count over the force-years with a complete figure (the rates' numerator)."""
    residents: int | None
    children: int | None
    unknown: tuple[tuple[str, str], ...] = ()
    """Force-years with a figure but no population held: no rate."""
    held: bool = True
    """Whether a population is held for any of its force-years."""

    @property
    def per_residents(self) -> float | None:
        return self.counted / self.residents * PER_RESIDENTS if self.residents else None

    @property
    def per_children(self) -> float | None:
        return self.counted / self.children * PER_CHILDREN if self.children else None

    def interval(self, per_children: bool = False) -> tuple[float | None, float | None]:
        """The exact 95% interval of the rate (the count's, divided by the population)."""
        people = self.children if per_children else self.residents
        if not people:
            return None, None
        low, high = stats.poisson_interval(self.counted)
        scale = (PER_CHILDREN if per_children else PER_RESIDENTS) / people
        return low * scale, high * scale


def with_populations(grid: pl.DataFrame) -> pl.DataFrame:
    """The grid's complete force-years with their populations (missing where none is held)."""
    return (
        grid.filter(pl.col(COMPLETE))
        .join(_populations(), on=[UNIT, YEAR], how="left")
        .select(MEMBER, UNIT, YEAR, VALUE, "_all", "_children")
    )


@lru_cache(maxsize=1)
def _populations() -> pl.DataFrame:
    """The population table keyed as a grid is: unit (force), year, all ages, children."""
    return population_table().select(
        pl.col(FORCE).alias(UNIT),
        YEAR,
        pl.col(ALL_AGES).alias("_all"),
        pl.col(CHILDREN).alias("_children"),
    )


def rates_by_member(grid: pl.DataFrame) -> dict[str, Rates]:
    """Per member of ``grid``, its rates."""
    counted = with_populations(grid)
    unknown = pl.col("_all").is_null() | pl.col("_children").is_null()
    sums = counted.group_by(MEMBER).agg(
        pl.col(VALUE).sum().alias("_counted"),
        pl.col("_all").sum(),
        pl.col("_children").sum(),
        unknown.any().alias("_unknown"),
    )
    gaps: dict[str, list[tuple[str, str]]] = {}
    for member, force, year in counted.filter(unknown).select(MEMBER, UNIT, YEAR).iter_rows():
        gaps.setdefault(str(member), []).append((str(force), str(year)))
    return {
        str(m): Rates(int(n or 0), None, None, tuple(gaps[str(m)]))
        if missing
        else Rates(int(n or 0), int(people), int(children))
        for m, n, people, children, missing in sums.iter_rows()
    }


def rates_of(grid: pl.DataFrame) -> Rates:
    """The rates of every force-year in ``grid`` together."""
    return _rates(with_populations(grid))


def _rates(rows: pl.DataFrame) -> Rates:
    counted = int(rows[VALUE].sum() or 0)
    unknown = rows.filter(pl.col("_all").is_null() | pl.col("_children").is_null())
    gaps = tuple((str(u), str(y)) for u, y in unknown.select(UNIT, YEAR).iter_rows())
    if gaps or rows.height == 0:
        return Rates(counted, None, None, gaps, held=unknown.height < rows.height)
    return Rates(counted, int(rows["_all"].sum()), int(rows["_children"].sum()))


def rates_apply(dataset: Dataset) -> bool:
    """Whether the data can have rates at all: forces and financial years to look up."""
    return force_year_data(dataset)


def rate_labels(dataset: Dataset, selection: Selection, several_years: bool) -> tuple[str, str]:
    """What the two rates mean: ``per 100,000 residents per year (ONS mid-year estimates)``,
    ``per 10,000 children aged 0-17 ...``; a breakdown by victim says the population is not
    split by it."""
    jurisdictions: list[str] = []
    if JURISDICTION in dataset.dimensions:  # those the selection counts, not merely allows
        counted = cells(dataset, selection).select(pl.col(JURISDICTION).cast(pl.String).unique())
        jurisdictions = counted.collect()[JURISDICTION].to_list()
    source = f"({publishers(jurisdictions)} mid-year estimates)"
    per_year = " per year" if several_years else ""
    victims = {selection.group_by, *dict(selection.filters)} & {"age_band", "sex"}
    residents = f"{RESIDENTS_LABEL}{per_year} {source}"
    children = f"{CHILDREN_LABEL}{per_year} {source}"
    if victims:  # the population is not split by age or sex
        residents += " (residents of all ages and sexes, not only children in the group)"
        children += " (all children aged 0-17, not only those in the group)"
    return residents, children


def rate_note(dataset: Dataset, unknown: tuple[tuple[str, str], ...]) -> str | None:
    """Why a rate is missing: no forces and years to look populations up by, or the force-years
    with a figure but no population held."""
    if not rates_apply(dataset):
        return "no rate: the data has no force and financial year to look a population up by"
    if not unknown:
        return None
    by_force: dict[str, list[str]] = {}
    for force, year in unknown:
        by_force.setdefault(force, []).append(year)
    named = [f"{force} {joined(years)}" for force, years in by_force.items()]
    more = f"; and {len(named) - SHOWN} more forces" if len(named) > SHOWN else ""
    return f"no rate: no population estimate is held for {'; '.join(named[:SHOWN])}{more}"
