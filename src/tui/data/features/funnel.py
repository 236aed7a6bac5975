"""Funnel plot of force rates (Spiegelhalter 2005): each force's rate per 100k against its
population, around the national rate, with 95% and 99.8% exact Poisson control limits.

A force outside the 99.8% funnel differs from the national rate by more than chance would
plausibly explain; one inside the 95% funnel is indistinguishable from it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from tui.data.dataset import Dataset
from tui.data.engine import stats
from tui.data.engine.charts import ChartData
from tui.data.engine.coverage import kept_years
from tui.data.engine.provenance import MODELLED
from tui.data.engine.query import summary
from tui.data.engine.rates import GEOGRAPHY
from tui.data.engine.registry import register_chart_kind
from tui.data.features.force_map import kept_forces, load_grid
from tui.data.schema import EW, FORCE, JURISDICTION
from tui.data.selection import Selection

PER = stats.PER
CURVE_POINTS = 48
INSIDE, ABOVE, BELOW = "inside", "above", "below"


@dataclass(frozen=True)
class FunnelPoint:
    """One force: its population, count and rate, and where it falls against the limits."""

    force: str
    population: int
    """The average population over the years counted (their person-years over the years)."""
    count: int
    rate: float
    """Per 100,000 residents per year: the engine's rate (each year over its own population)."""
    beyond_95: str
    """``inside``, ``above`` or ``below`` the 95% limits."""
    beyond_998: str
    """``inside``, ``above`` or ``below`` the 99.8% limits."""
    selected: bool
    """Whether the selection's geographic filters keep this force."""
    modelled: bool = False
    """Whether the count is modelled: drawn hollow, and not counted as an outlier."""


@dataclass(frozen=True)
class Funnel:
    """The points, the national rate and the limit curves (rates per 100k per year)."""

    points: tuple[FunnelPoint, ...]
    national_rate: float
    populations: tuple[float, ...]
    """Populations along the curves' x axis."""
    limits: dict[float, tuple[tuple[float, ...], tuple[float, ...]]]
    """Per level (0.95, 0.998): the lower and upper limit at each of :attr:`populations`."""
    years: int
    measure: str
    national_modelled: bool = False
    """Whether the national rate rests on a modelled England and Wales total (then no force is
    judged against it: its limits are drawn, but an estimate is no yardstick)."""
    left_out: tuple[tuple[str, str], ...] = ()
    """Partial forces (a year with no figure) left out, with what each lacks."""

    @property
    def outliers(self) -> tuple[FunnelPoint, ...]:
        """Forces with a published count outside the 99.8% limits (a modelled count is an
        estimate: where it falls says nothing about the force); none around a modelled rate."""
        if self.national_modelled:
            return ()
        return tuple(p for p in self.points if p.beyond_998 != INSIDE and not p.modelled)

    @property
    def published(self) -> int:
        """How many forces have a published (or derived) count."""
        return sum(not p.modelled for p in self.points)


def _position(rate: float, low: float, high: float) -> str:
    return ABOVE if rate > high else BELOW if rate < low else INSIDE


def _limits(national: float, population: float, years: int, level: float) -> tuple[float, float]:
    """Control limits of a rate per 100k per year for a force of ``population``."""
    per_person_year = national / PER
    exposure = population * years
    low, high = stats.funnel_limits(per_person_year, exposure, (level,)).limits[level]
    return low * PER, high * PER


def funnel(dataset: Dataset, selection: Selection) -> Funnel | None:
    """The funnel of every force of England and Wales under the selection's non-geographic
    filters (``None`` without force populations or offences). Each force's rate is the
    engine's (each year's count over that year's population); a partial force (a year with no
    figure) has no place in it and is left out, by name."""
    if dataset.geography is None or FORCE not in dataset.dimensions:
        return None
    everywhere = selection
    for dimension in GEOGRAPHY:
        everywhere = everywhere.with_filter(dimension, None)
    result = summary(dataset, everywhere.grouped_by(FORCE))
    years = len(kept_years(dataset, selection)) or 1
    # England and Wales only (the forces on the map): Scotland and Northern Ireland count
    # other offences, so they belong in no national rate with these
    mapped = set(load_grid()["force"].to_list())
    forces = [str(f) for f in result.frame[FORCE] if str(f) in mapped]
    partial = tuple(f for f in forces if result.is_partial(f))
    rated = {
        f: rates
        for f in forces
        if f not in partial and (rates := result.rates.get(f)) and rates.residents
    }
    exposure = sum(r.residents or 0 for r in rated.values())
    if not rated or not exposure:
        return None
    national = sum(r.counted for r in rated.values()) / exposure * PER
    kept = kept_forces(dataset, selection)
    modelled = {f for f in rated if (p := result.provenance_of(f)) and p.status == MODELLED}
    points = []
    for force, rates in sorted(rated.items()):
        population = (rates.residents or 0) / years  # the average over the years counted
        rate = rates.per_residents or 0.0
        low95, high95 = _limits(national, population, years, 0.95)
        low998, high998 = _limits(national, population, years, 0.998)
        points.append(
            FunnelPoint(
                force,
                round(population),
                rates.counted,
                rate,
                _position(rate, low95, high95),
                _position(rate, low998, high998),
                force in kept,
                force in modelled,
            )
        )
    smallest = min(p.population for p in points) * 0.8
    largest = max(p.population for p in points) * 1.1
    step = math.log(largest / smallest) / (CURVE_POINTS - 1)
    xs = tuple(smallest * math.exp(i * step) for i in range(CURVE_POINTS))
    limits = {}
    for level in stats.FUNNEL_LEVELS:
        pairs = [_limits(national, x, years, level) for x in xs]
        limits[level] = (tuple(p[0] for p in pairs), tuple(p[1] for p in pairs))
    national_modelled = _modelled_total(dataset, everywhere)
    return Funnel(
        tuple(points),
        national,
        xs,
        limits,
        years,
        result.measure,
        national_modelled,
        tuple((f, result.coverage_of(f).describe()) for f in partial),  # type: ignore[union-attr]
    )


def _modelled_total(dataset: Dataset, everywhere: Selection) -> bool:
    """Whether England and Wales's total for the selection's years is modelled."""
    scope = everywhere
    if JURISDICTION in dataset.dimensions and EW in dataset.members(JURISDICTION):
        scope = scope.with_filter(JURISDICTION, (EW,))
    total = summary(dataset, scope.grouped_by(FORCE)).total_provenance
    return total is not None and total.status == MODELLED


def outliers_note(result: Funnel) -> str:
    """How many forces with a published count fall outside the 99.8% limits; modelled forces
    (drawn hollow) are not counted."""
    published, outside = result.published, len(result.outliers)
    modelled = len(result.points) - published
    hollow = f" ({modelled} modelled, hollow, not counted)" if modelled else ""
    if result.left_out:
        names = ", ".join(force for force, _ in result.left_out)
        hollow += f"; partial, left out: {names}"
    if not published:
        return f"no published force counts: nothing to test{hollow}"
    if result.national_modelled:
        return f"national rate modelled (its total is): no force judged against it{hollow}"
    forces = "force" if published == 1 else "forces"
    if not outside:
        return f"all {published} published {forces} within 99.8%{hollow}"
    return f"{outside} of {published} published {forces} outside 99.8%{hollow}"


FUNNEL_SERIES = (
    "population",
    "rate",
    "national",
    "95% low",
    "95% high",
    "99.8% low",
    "99.8% high",
    "modelled",
)
"""The series of a funnel :class:`ChartData`, one value per force in order of population."""


def funnel_chart(dataset: Dataset, selection: Selection) -> ChartData | None:
    """The funnel as chart data: forces by population, their rates and the limits at each."""
    result = funnel(dataset, selection)
    if result is None:
        return None
    points = sorted(result.points, key=lambda p: (p.population, p.force))
    columns: dict[str, list[float]] = {name: [] for name in FUNNEL_SERIES}
    for point in points:
        low95, high95 = _limits(result.national_rate, point.population, result.years, 0.95)
        low998, high998 = _limits(result.national_rate, point.population, result.years, 0.998)
        for name, value in zip(
            FUNNEL_SERIES,
            (
                point.population,
                point.rate,
                result.national_rate,
                low95,
                high95,
                low998,
                high998,
                point.modelled,
            ),
            strict=True,
        ):
            columns[name].append(float(value))
    note = outliers_note(result)
    per_year = "/yr" if result.years > 1 else ""
    return ChartData(
        "funnel",
        f"Funnel: rate per 100k{per_year} by population",
        tuple(p.force for p in points),
        tuple((name, tuple(values)) for name, values in columns.items()),
        note=note,
    )


register_chart_kind(
    "funnel", funnel_chart, "A funnel plot needs forces with known populations: showing bars"
)
