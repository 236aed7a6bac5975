"""Step 4 of the builder: the range every modelled number could take.

For a modelled number (a force-year, a region's total, an age band within a force-year...), the
fit picks one value near its seed; the published figures allow others. The range is the smallest
and largest value that every *targeted published figure* allows at once, with every other
modelled number free (not conditional on the fit's choices): the same constraints as the fit,
as one linear program (continuous counts, every target as in the fit), minimised and maximised
with HiGHS, then rounded outward to whole numbers. Where publication fixes a number, low = high.

Beyond the published figures the program knows only that counts are not negative, that a
force-year's age bands and sexes add up to its total, and that platform instances per offence
stay within :data:`tui.data.build.sanity.INSTANCES_PER_OFFENCE`. It does *not* use the
carried-forward totals of Scotland and Northern Ireland (:func:`tui.data.figures.targets.carried_forward`),
which no source publishes: a number that no published figure bounds from above has no upper end (``None``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable, Sequence

import numpy as np
import polars as pl
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_array, lil_array

from tui.data.build.fit import Problem, add_figure
from tui.data.build.force_years import Cell, Grid
from tui.data.build.model import (
    AGE_BANDS_BY_JURISDICTION,
    MODEL_PLATFORMS,
    SEXES_BY_JURISDICTION,
    add_ratio,
    figure_variables,
)
from tui.data.build.sanity import INSTANCES_PER_OFFENCE
from tui.data.figures.targets import Figure

TOTAL, INSTANCES = "offences", "instances"
BREAKDOWNS = {"age_band": AGE_BANDS_BY_JURISDICTION, "sex": SEXES_BY_JURISDICTION}
Range = tuple[int, int | None]
UNBOUNDED = 3
"""scipy.optimize.milp's status for a program with no finite optimum."""


def key(kind: str, cell: Cell, member: str | None = None) -> Hashable:
    """The variable of a force-year's total (``kind`` offences), or of one member of its age
    band, sex or platform (``kind`` age_band, sex, instances)."""
    return (kind, cell, member)


def _with_totals(grid: Grid) -> Problem:
    """A program with one variable per force-year total, bound by every offence-total target."""
    problem = Problem()
    for cell in grid.cells:
        problem.variable(key(TOTAL, cell), 0.0)

    def totals(figure: Figure) -> tuple[list[int], list[int]]:
        return [problem.index[key(TOTAL, c)] for c in grid.covered(figure)], []

    for figure in grid.targets_of("offences", None):
        add_figure(problem, figure, totals)
    return problem


def offence_constraints(grid: Grid) -> Problem:
    """Force-year totals, their age bands and sexes, and every offence target on them."""
    problem = _with_totals(grid)
    for dimension, members_of in BREAKDOWNS.items():
        for force_year in grid.cells:
            members = members_of[grid.jurisdiction(force_year)]
            terms = {problem.variable(key(dimension, force_year, m), 0.0): 1.0 for m in members}
            terms[problem.index[key(TOTAL, force_year)]] = -1.0
            problem.constrain(terms, 0.0, 0.0, f"{force_year} {dimension} sum")
        for figure in grid.targets_of("offences", dimension):
            add_figure(problem, figure, _breakdown(problem, grid, dimension))
    return problem


def _breakdown(problem: Problem, grid: Grid, dimension: str) -> Callable:
    """(counted, base) variables of a figure on the age band or sex of its force-years."""
    members_of = BREAKDOWNS[dimension]

    def variables(figure: Figure) -> tuple[list[int], list[int]]:
        return figure_variables(
            problem,
            grid,
            figure,
            lambda cell: members_of[grid.jurisdiction(cell)],
            key=lambda cell, member: key(dimension, cell, member),
        )

    return variables


def instance_constraints(grid: Grid) -> Problem:
    """Force-year totals and platform instances, every instance target and the offence totals'
    targets, instances per offence within :data:`INSTANCES_PER_OFFENCE`. (The age and sex
    figures are left out: they bound the totals no further than the offence figures do.)"""
    problem = _with_totals(grid)
    low, high = INSTANCES_PER_OFFENCE
    for cell in grid.cells:
        total = problem.index[key(TOTAL, cell)]
        platforms = {problem.variable(key(INSTANCES, cell, p), 0.0): 1.0 for p in MODEL_PLATFORMS}
        problem.constrain({**platforms, total: -low}, 0.0, np.inf, f"{cell} instances per offence")
        problem.constrain(
            {**platforms, total: -high}, -np.inf, 0.0, f"{cell} instances per offence"
        )

    def instances(figure: Figure, years: tuple[str, ...] | None = None) -> tuple[list, list]:
        return figure_variables(
            problem,
            grid,
            figure,
            lambda _: MODEL_PLATFORMS,
            years,
            key=lambda cell, member: key(INSTANCES, cell, member),
        )

    for figure in grid.targets_of("instances", "platform"):
        if figure.measure.startswith("ratio_"):
            add_ratio(problem, grid, figure, instances)
        else:
            add_figure(problem, figure, instances)
    return problem


class Extremes:
    """Minimises and maximises sums of a program's variables, one small LP each (HiGHS)."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        size, rows = len(problem.keys), len(problem.rows)
        matrix = lil_array((rows, size))
        low, high = np.empty(rows), np.empty(rows)
        for r, (terms, lo, hi, _) in enumerate(problem.rows):
            for column, coefficient in terms.items():
                matrix[r, column] = coefficient
            low[r], high[r] = lo, hi
        self.constraint = LinearConstraint(csr_array(matrix), low, high)
        self.bounds = Bounds(np.zeros(size), np.full(size, np.inf))
        self.size = size

    def of(self, keys: Iterable[Hashable]) -> Range:
        """(low, high) of the sum of these variables, rounded outward; high ``None``: unbounded."""
        cost = np.zeros(self.size)
        for k in keys:
            cost[self.problem.index[k]] = 1.0
        low, high = self._optimum(cost), self._optimum(-cost)
        assert low is not None
        return math.floor(low + 1e-6), None if high is None else math.ceil(-high - 1e-6)

    def _optimum(self, cost: np.ndarray) -> float | None:
        """The least value of ``cost @ x``; ``None`` if it has none (unbounded below)."""
        result = milp(
            cost, constraints=self.constraint, bounds=self.bounds, options={"presolve": False}
        )
        if result.status == UNBOUNDED:
            return None
        if result.x is None:
            raise ValueError(f"range program failed: {result.message}")
        return float(cost @ result.x)


SCOPE_TYPES = ("force", "region", "nation", "jurisdiction")
RANGE_SCHEMA = {
    "jurisdiction": pl.String,
    "scope_type": pl.String,
    "scope": pl.String,
    "year": pl.String,
    "measure": pl.String,
    "low": pl.Int64,
    "high": pl.Int64,
    "value": pl.Int64,
}
"""The columns of ``data/ranges.csv``."""


def scope_ranges(
    grid: Grid, frame: pl.DataFrame, fixed: set[frozenset[Cell]]
) -> list[tuple[str, str, str, str, str, int, int | None, int]]:
    """One row per force-year and per region, nation and jurisdiction total in each year, for
    offences and instances: (jurisdiction, scope_type, scope, year, measure, low, high, value).

    ``fixed``: the sets of force-years whose offence total a target gives exactly (low = high).
    """
    values = {
        (r["force"], r["year"]): (r["offences"], r["instances"])
        for r in frame.group_by("force", "year")
        .agg(pl.col("offences").sum(), pl.col("instances").sum())
        .iter_rows(named=True)
    }
    programs = {
        TOTAL: Extremes(offence_constraints(grid)),
        INSTANCES: Extremes(instance_constraints(grid)),
    }
    rows = []
    known: dict[tuple[frozenset[Cell], str], Range] = {}  # Wales is a region and a nation
    for scope_type, scope, jurisdiction, year, cells in _scopes(grid):
        for measure, column in ((TOTAL, 0), (INSTANCES, 1)):
            value = sum(values[c][column] for c in cells)
            chosen = (frozenset(cells), measure)
            if measure == TOTAL and chosen[0] in fixed:
                known[chosen] = (value, value)
            elif chosen not in known:
                known[chosen] = programs[measure].of(
                    key(TOTAL, c) if measure == TOTAL else key(INSTANCES, c, p)
                    for c in cells
                    for p in ((None,) if measure == TOTAL else MODEL_PLATFORMS)
                )
            low, high = known[chosen]
            if not low <= value <= (math.inf if high is None else high):
                raise ValueError(
                    f"{scope} {year} {measure}: {value} outside its range {low}-{high}"
                )
            rows.append((jurisdiction, scope_type, scope, year, measure, low, high, value))
    return rows


def _scopes(grid: Grid) -> Iterable[tuple[str, str, str, str, list[Cell]]]:
    """(scope_type, scope, jurisdiction, year, force-years) for every scope-year, in a fixed order."""
    for year in grid.years:
        groups: dict[tuple[str, str, str], list[Cell]] = {}
        for cell in grid.cells:
            if cell[1] != year:
                continue
            force = grid.by_name[cell[0]]
            jurisdiction = force.jurisdiction
            for scope_type, scope in zip(
                SCOPE_TYPES, (force.name, force.region, force.nation, jurisdiction), strict=True
            ):
                groups.setdefault((jurisdiction, scope_type, scope), []).append(cell)
        for (jurisdiction, scope_type, scope), cells in sorted(
            groups.items(), key=lambda item: (SCOPE_TYPES.index(item[0][1]), item[0])
        ):
            yield scope_type, scope, jurisdiction, year, cells


def cell_ranges(frame: pl.DataFrame, rows: Sequence[tuple]) -> pl.DataFrame:
    """``frame`` with offences_low/high and instances_low/high per cell: a simple valid bound,
    0 to the largest total its force-year can have (its own measure), or the value where the
    force-year can only be 0."""
    tops = {
        (r[2], r[3], r[4]): r[6] for r in rows if r[1] == "force"
    }  # (force, year, measure) -> high
    out = frame
    for measure in (TOTAL, INSTANCES):
        top = pl.Series(
            [tops[(f, y, measure)] for f, y in zip(frame["force"], frame["year"], strict=True)],
            dtype=pl.Int64,
        )
        blank = pl.col(measure).is_null()
        out = out.with_columns(
            pl.when(blank).then(None).otherwise(pl.lit(0, pl.Int64)).alias(f"{measure}_low"),
            pl.when(blank).then(None).otherwise(top).alias(f"{measure}_high"),
        )
    return out
