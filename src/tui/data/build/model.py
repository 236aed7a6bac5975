"""Step 2 of the builder, the model: integer counts per force and year (:func:`force_totals`),
then per age band, sex and platform (:func:`age_split`, :func:`sex_split`,
:func:`platform_split`), each as close as it can be to a documented seed while every target
figure holds. The seeds and the jurisdictions' age bands, sexes and platforms are here too; the
range program (:mod:`tui.data.build.range_fit`) states the same figures on the same variables.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Callable, Hashable, Sequence
from pathlib import Path

from tui.data.build.estimate import Estimate, fit
from tui.data.build.fit import Problem, add_figure
from tui.data.build.force_years import Cell, Grid
from tui.data.build.sanity import INSTANCES_PER_OFFENCE
from tui.data.figures.targets import Figure
from tui.data.figures.years import carried_forward
from tui.data.schema import EW, NI, NOT_RECORDED, NOT_SPLIT, PLATFORMS, SCOTLAND

AGE_BANDS_BY_JURISDICTION = {
    EW: ("0-11", "12-15", NOT_RECORDED),
    NI: ("0-11", "12-15", NOT_RECORDED),
    SCOTLAND: ("Under 13", "13-15"),
}
"""Scotland publishes under-13 (its offence has separate sections for children under 13)."""
AGE_SEED = {"0-11": 0.14, "12-15": 0.57, NOT_RECORDED: 0.29, "Under 13": 0.53, "13-15": 0.47}
SEXES = ("Girls", "Boys", NOT_RECORDED)
SEX_SEED = {"Girls": 0.74, "Boys": 0.16, NOT_RECORDED: 0.10}
SEXES_BY_JURISDICTION = {EW: SEXES, SCOTLAND: SEXES, NI: ("Girls", "Boys")}

MODEL_PLATFORMS = tuple(p for p in PLATFORMS if p != NOT_SPLIT)
RECORDED_PLATFORMS = tuple(p for p in MODEL_PLATFORMS if p != NOT_RECORDED)
UNRECORDED_INSTANCES_PER_OFFENCE = 0.35
PLATFORM_SEEDS = "platform_seeds.csv"
"""Seeds per year: instances with a known platform per offence (published 2017/18, 2018/19 and the
UK 2023/24 and 2024/25 counts; the years between interpolated) and the share of each platform
among them (the published national shares, rounded; the fit then meets every published share).
A year with no row takes the row of the nearest year before it (else the first)."""


class PlatformSeeds:
    """The platform seeds of ``data/platform_seeds.csv``, per year (:data:`PLATFORM_SEEDS`)."""

    def __init__(self, path: Path) -> None:
        with path.open(newline="", encoding="utf-8") as handle:
            self.rows = {
                row["year"]: (
                    float(row["recorded_instances_per_offence"]),
                    tuple(float(row[p]) for p in RECORDED_PLATFORMS),
                )
                for row in csv.DictReader(handle)
            }
        if not self.rows:
            raise ValueError(f"{path.name}: no seed rows")

    def of(self, year: str) -> tuple[float, tuple[float, ...]]:
        """(recorded instances per offence, platform shares) for ``year``."""
        earlier = [y for y in self.rows if y <= year]
        return self.rows[max(earlier) if earlier else min(self.rows)]


def _published_totals(grid: Grid) -> tuple[dict[str, int], dict[tuple[str, str], int]]:
    """The published whole-year totals: the UK's per year, and Scotland's and Northern
    Ireland's per (jurisdiction, year)."""
    uk: dict[str, int] = {}
    others: dict[tuple[str, str], int] = {}
    for figure in grid.targets_of("offences", None):
        spec = figure.spec
        assert spec is not None
        if (
            spec.forces is None
            and len(spec.years) == 1
            and figure.unit == "count"
            and not figure.partial
        ):
            if len(spec.jurisdictions) == 3:
                uk[spec.years[0]] = int(figure.value)
            elif spec.jurisdictions[0] != EW:
                others[(spec.jurisdictions[0], spec.years[0])] = int(figure.value)
    return uk, others


def carried_totals(grid: Grid) -> dict[tuple[str, str], str]:
    """The Scotland and Northern Ireland years with no published total: (jurisdiction, year) ->
    the year whose total is carried forward (:func:`tui.data.figures.targets.carried_forward`)."""
    return carried_forward(_published_totals(grid)[1], grid.years)


def jurisdiction_totals(grid: Grid) -> dict[tuple[str, str], int]:
    """Totals per jurisdiction and year: Scotland's and Northern Ireland's published or carried
    forward (:func:`carried_totals`), England and Wales's the published UK total minus theirs
    (none in a year with no UK total)."""
    uk, totals = _published_totals(grid)
    for (jurisdiction, year), source_year in carried_forward(totals, grid.years).items():
        totals[(jurisdiction, year)] = totals[(jurisdiction, source_year)]
    for year in grid.years:
        if year in uk and (SCOTLAND, year) in totals and (NI, year) in totals:
            totals[(EW, year)] = uk[year] - totals[(SCOTLAND, year)] - totals[(NI, year)]
    return totals


SPREAD_PIECES = 8
"""Every step is fitted with a penalty that grows with the square of the deviation from the seed,
so what the published figures force away from the seeds is shared out: a plain absolute deviation
put all of it on one variable (the Metropolitan Police at 0 offences in 2022/23, Greater
Manchester with no victim under 16 in three years, a force with 0 Snapchat instances)."""
BOX = 2
"""Each step solves the continuous relaxation first, then looks for integers within 2 of it
(:attr:`tui.data.build.fit.Problem.box`): fast, deterministic, and never a far corner."""


def force_totals(grid: Grid, estimate: Estimate | None = None) -> dict[Cell, int]:
    """Offences per force-year: every published total, the rest fitted near the statistical
    model's predictive mean (:mod:`tui.data.estimate`; fitted here unless given), a deviation
    weighed against the predictive variance."""
    national = jurisdiction_totals(grid)
    if estimate is None:
        estimate = fit_estimate(grid)
    mean, variance = estimate.mean(), estimate.variance()
    problem = Problem(pieces=SPREAD_PIECES, box=BOX)
    for cell in grid.cells:
        jurisdiction = grid.jurisdiction(cell)
        if jurisdiction == EW:
            problem.variable(cell, mean[cell], variance[cell])
        else:
            problem.variable(cell, national[(jurisdiction, cell[1])])
    for (jurisdiction, year), total in sorted(national.items()):
        terms = {
            problem.index[c]: 1.0
            for c in grid.cells
            if c[1] == year and grid.jurisdiction(c) == jurisdiction
        }
        problem.constrain(terms, total, total, f"{jurisdiction} {year} total {total}")
    for figure in grid.targets_of("offences", None):
        add_figure(problem, figure, lambda f: ([problem.index[c] for c in grid.covered(f)], []))
    return problem.solve()


def fit_estimate(grid: Grid) -> Estimate:
    """The statistical model fitted to the grid's published figures."""
    exposure = grid.exposure
    if exposure is None:
        exposure = {c: 0.21 * grid.by_name[c[0]].population for c in grid.cells}
    return fit(grid, exposure, jurisdiction_totals(grid))


def _split(
    grid: Grid,
    totals: dict[Cell, int],
    dimension: str,
    members_of: dict[str, tuple[str, ...]],
    seed: dict[str, float],
) -> dict[Cell, dict[str, int]]:
    """Offences per member of ``dimension`` in each force-year, fitted to its published figures."""
    problem = Problem(pieces=SPREAD_PIECES, box=BOX)
    for cell in grid.cells:
        members = members_of[grid.jurisdiction(cell)]
        weight = sum(seed[m] for m in members)
        for member in members:
            problem.variable((cell, member), totals[cell] * seed[member] / weight)
        terms = {problem.index[(cell, m)]: 1.0 for m in members}
        problem.constrain(terms, totals[cell], totals[cell], f"{cell} total")

    def variables(figure: Figure) -> tuple[list[int], list[int]]:
        return figure_variables(
            problem, grid, figure, lambda cell: members_of[grid.jurisdiction(cell)]
        )

    for figure in grid.targets_of("offences", dimension):
        add_figure(problem, figure, variables)
    solution = problem.solve()
    return {
        cell: {m: solution[(cell, m)] for m in members_of[grid.jurisdiction(cell)]}
        for cell in grid.cells
    }


def figure_variables(
    problem: Problem,
    grid: Grid,
    figure: Figure,
    members_of: Callable[[Cell], Sequence[str]],
    years: tuple[str, ...] | None = None,
    key: Callable[[Cell, str], Hashable] = lambda cell, member: (cell, member),
) -> tuple[list[int], list[int]]:
    """(counted, base) variables of a figure over the force-years it covers (in ``years`` only,
    if given): the members it counts, and every recorded member (the base of a share).
    ``key`` names a cell's member variable in ``problem``."""
    spec = figure.spec
    assert spec is not None
    counted, base = [], []
    for cell in grid.covered(figure):
        if years is not None and cell[1] not in years:
            continue
        for member in members_of(cell):
            i = problem.index[key(cell, member)]
            if member != NOT_RECORDED:
                base.append(i)
            if member in spec.members or (spec.recorded_only and member != NOT_RECORDED):
                counted.append(i)
    return counted, base


def age_split(grid: Grid, totals: dict[Cell, int]) -> dict[Cell, dict[str, int]]:
    """Offences per age band in each force-year."""
    return _split(grid, totals, "age_band", AGE_BANDS_BY_JURISDICTION, AGE_SEED)


def sex_split(grid: Grid, totals: dict[Cell, int]) -> dict[Cell, dict[str, int]]:
    """Offences per victim sex in each force-year."""
    return _split(grid, totals, "sex", SEXES_BY_JURISDICTION, SEX_SEED)


def platform_split(
    grid: Grid, totals: dict[Cell, int], seeds: PlatformSeeds
) -> dict[Cell, dict[str, int]]:
    """Platform instances in each force-year, fitted to every published platform figure, near
    the year's ``seeds``."""
    problem = Problem(pieces=SPREAD_PIECES, box=BOX)
    low, high = INSTANCES_PER_OFFENCE
    for cell in grid.cells:
        per_offence, mix = seeds.of(cell[1])
        recorded = totals[cell] * per_offence
        for platform, share in zip(RECORDED_PLATFORMS, mix, strict=True):
            problem.variable((cell, platform), recorded * share)
        problem.variable((cell, NOT_RECORDED), totals[cell] * UNRECORDED_INSTANCES_PER_OFFENCE)
        terms = {problem.index[(cell, p)]: 1.0 for p in MODEL_PLATFORMS}
        floor, ceiling = math.floor(low * totals[cell]), math.ceil(high * totals[cell])
        problem.constrain(terms, floor, ceiling, f"{cell} instances per offence")

    def variables(figure: Figure, years: tuple[str, ...] | None = None) -> tuple[list, list]:
        return figure_variables(problem, grid, figure, lambda _: MODEL_PLATFORMS, years)

    for figure in grid.targets_of("instances", "platform"):
        if figure.measure.startswith("ratio_"):
            add_ratio(problem, grid, figure, variables)
        else:
            add_figure(problem, figure, variables)
    solution = problem.solve()
    return {cell: {p: solution[(cell, p)] for p in MODEL_PLATFORMS} for cell in grid.cells}


def add_ratio(problem: Problem, grid: Grid, figure: Figure, variables: Callable) -> None:
    """A year's count more than ``value`` times the year before ("more than double")."""
    spec = figure.spec
    assert spec is not None
    year = spec.years[0]
    previous = grid.years[grid.years.index(year) - 1]
    shifted = Figure(
        **{
            **figure.__dict__,
            "spec": spec.__class__(
                spec.jurisdictions,
                spec.forces,
                (previous, year),
                spec.measure,
                spec.dimension,
                spec.members,
            ),
        }
    )
    now, _ = variables(shifted, (year,))
    before, _ = variables(shifted, (previous,))
    terms = {i: 1.0 for i in now}
    for i in before:
        terms[i] = terms.get(i, 0.0) - figure.value
    problem.constrain(terms, 1.0, float("inf"), f"{figure.id} {figure.measure}")
