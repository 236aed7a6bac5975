"""Step 2b of the builder: reconciled draws, from which every modelled number gets its interval.

1. **Force-year totals.** :data:`DRAWS` draws of every England and Wales force-year from the
   statistical model's predictive distribution (:mod:`tui.data.build.estimate`); a jurisdiction-year
   whose total is carried forward (no source publishes it) is drawn too, around the carried value,
   with the spread of that jurisdiction's published year-on-year changes. Each draw is then
   reconciled to every published figure at once: the nearest point that meets them all, the
   distance weighed by each force-year's predictive variance (a linear program with a
   piecewise-quadratic penalty, HiGHS: a continuous projection, which for a normal draw is an
   exact draw given the published sums), rounded to whole numbers that still meet every figure
   (largest remainders within each jurisdiction-year; where that breaks a figure, the nearest
   integers within 1 of the projection that meet them, a small program of that box only).
2. **Breakdowns** (age band, sex, platform) below each drawn force-year
   (:mod:`tui.data.build.breakdown_draws`): reconciled to every published breakdown figure, then
   rounded within each force-year.

Every draw is kept (leaving out the draws that round badly would bias the intervals). Force-year
totals meet every published figure in every draw, so published and derived totals are the same in
every draw and no draw leaves what the published figures allow. A breakdown draw meets every
published figure before rounding; after rounding a breakdown cell may differ by one, so a
published share or count over many cells may be missed by the rounding of its cells (only the
point estimate, ``data/offences.csv``, reproduces every breakdown figure exactly).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_array, hstack, identity, vstack

from tui.data.build.breakdown_draws import (
    CONCENTRATION,
    cross,
    instance_draws,
    platform_problem,
    split_draws,
    split_problem,
)
from tui.data.build.estimate import Estimate
from tui.data.build.fit import Problem, add_figure
from tui.data.build.force_years import Cell, Grid
from tui.data.schema import EW

DRAWS = 300
"""Draws per modelled number (all kept): the 95% interval's ends are the 8th smallest and largest."""
SEED = 2026
"""The random generator's seed: the same draws on every rebuild."""
PIECES, SPREAD = 6, 0.5
"""The projection's penalty: d**2 / variance, in pieces of half a standard deviation."""


def carried_spread(grid: Grid, national: Mapping[tuple[str, str], int], carried: Mapping) -> dict:
    """Standard deviation of the log year-on-year change of each carried-forward jurisdiction's
    published totals (at least 0.05), times the square root of the years carried."""
    spread = {}
    for (jurisdiction, year), source in carried.items():
        years = sorted(y for j, y in national if j == jurisdiction and (j, y) not in carried)
        logs = [math.log(national[(jurisdiction, y)]) for y in years]
        steps = [b - a for a, b in itertools.pairwise(logs)]
        mean = sum(steps) / len(steps) if steps else 0.0
        sd = math.sqrt(sum((s - mean) ** 2 for s in steps) / max(len(steps) - 1, 1))
        gap = sorted({y for _, y in national}).index(year) - sorted({y for _, y in national}).index(
            source
        )
        spread[(jurisdiction, year)] = max(sd, 0.05) * math.sqrt(max(gap, 1))
    return spread


class TotalsProjection:
    """Every target on force-year totals as one linear program, reused for every draw."""

    def __init__(
        self,
        grid: Grid,
        national: Mapping[tuple[str, str], int],
        variance: Mapping[Cell, float],
    ) -> None:
        self.grid = grid
        problem = Problem()
        for cell in grid.cells:
            problem.variable(cell, 0.0)
        self.national_rows: dict[tuple[str, str], int] = {}
        for (jurisdiction, year), total in sorted(national.items()):
            terms = {
                problem.index[c]: 1.0
                for c in grid.cells
                if c[1] == year and grid.jurisdiction(c) == jurisdiction
            }
            self.national_rows[(jurisdiction, year)] = len(problem.rows)
            problem.constrain(terms, total, total, f"{jurisdiction} {year}")
        for figure in grid.targets_of("offences", None):
            add_figure(problem, figure, lambda f: ([problem.index[c] for c in grid.covered(f)], []))
        self.problem = problem
        n, m = len(grid.cells), len(problem.rows)
        self.n = n
        self.matrix = _matrix(problem.rows, n)
        self.low = np.array([r[1] for r in problem.rows], dtype=float)
        self.high = np.array([r[2] for r in problem.rows], dtype=float)
        scale = np.array([max(variance.get(c, 1.0), 1.0) for c in grid.cells])
        self.scale = scale
        width = np.maximum(SPREAD * np.sqrt(scale), 0.5)
        pieces = hstack([identity(n, format="csr")] * PIECES, format="csr")
        deviation = vstack(
            [
                hstack([identity(n, format="csr"), -pieces]),
                hstack([-identity(n, format="csr"), -pieces]),
            ],
            format="csr",
        )
        self.full = vstack(
            [hstack([self.matrix, csr_array((m, PIECES * n))]), deviation], format="csr"
        )
        self.cost = np.concatenate(
            [np.zeros(n)] + [(2 * k + 1) * width / scale for k in range(PIECES)]
        )
        upper = [np.full(n, np.inf)] + [width] * (PIECES - 1) + [np.full(n, np.inf)]
        self.bounds = Bounds(np.zeros(n * (PIECES + 1)), np.concatenate(upper))
        self.m = m

    def project(self, draw: np.ndarray, totals: Mapping[tuple[str, str], float]) -> np.ndarray:
        """The point nearest ``draw`` (continuous) that meets every target, with the
        jurisdiction-year ``totals`` of this draw."""
        low, high = self.low.copy(), self.high.copy()
        for key, total in totals.items():
            row = self.national_rows[key]
            low[row] = high[row] = total
        rows_low = np.concatenate([low, np.full(2 * self.n, -np.inf)])
        rows_high = np.concatenate([high, draw, -draw])
        result = milp(
            self.cost,
            constraints=LinearConstraint(self.full, rows_low, rows_high),
            bounds=self.bounds,
            options={"presolve": True},
        )
        if result.x is None:
            raise ValueError(f"a draw cannot be reconciled: {result.message}")
        return result.x[: self.n]

    def round(self, x: np.ndarray, totals: Mapping[tuple[str, str], float]) -> np.ndarray:
        """Whole numbers near ``x`` that meet every target: largest remainders within each
        jurisdiction-year, else the nearest integers within 1 of ``x`` that do."""
        low, high = self.low.copy(), self.high.copy()
        for key, total in totals.items():
            low[self.national_rows[key]] = high[self.national_rows[key]] = total
        whole = np.floor(x + 1e-9)
        for _key, row in self.national_rows.items():
            members = self.matrix.indices[self.matrix.indptr[row] : self.matrix.indptr[row + 1]]
            short = round(low[row] - whole[members].sum())
            if short > 0:
                remainder = x[members] - whole[members]
                order = np.lexsort((members, -remainder))
                whole[members[order[:short]]] += 1
        values = self.matrix @ whole
        if np.all(values >= low - 1e-6) and np.all(values <= high + 1e-6):
            return whole
        size = self.n
        integrality = np.concatenate([np.ones(size), np.zeros(2 * size)])
        box = Bounds(
            np.concatenate([np.maximum(np.floor(x) - 1, 0), np.zeros(2 * size)]),
            np.concatenate([np.ceil(x) + 1, np.full(2 * size, np.inf)]),
        )
        eye = identity(size, format="csr")
        constraints = [
            LinearConstraint(hstack([self.matrix, csr_array((self.m, 2 * size))]), low, high),
            LinearConstraint(hstack([eye, -eye, eye]), x, x),
        ]
        weight = 1 / np.sqrt(self.scale)
        result = milp(
            np.concatenate([np.zeros(size), weight, weight]),
            constraints=constraints,
            integrality=integrality,
            bounds=box,
        )
        if result.x is None:
            raise ValueError(f"a reconciled draw has no whole numbers: {result.message}")
        return np.rint(result.x[:size])


def _matrix(rows: Sequence[tuple[dict[int, float], float, float, str]], n: int) -> csr_array:
    data, cols, pointers = [], [], [0]
    for terms, _, _, _ in rows:
        for column, coefficient in sorted(terms.items()):
            cols.append(column)
            data.append(coefficient)
        pointers.append(len(cols))
    return csr_array((data, cols, pointers), shape=(len(rows), n))


def total_draws(
    grid: Grid,
    estimate: Estimate,
    national: Mapping[tuple[str, str], int],
    carried: Mapping[tuple[str, str], str],
    rng: np.random.Generator,
    count: int = DRAWS,
) -> np.ndarray:
    """Reconciled whole-number draws (rows) of every force-year of ``grid`` (columns, in
    ``grid.cells`` order)."""
    variance = estimate.variance()
    projection = TotalsProjection(grid, national, variance)
    raw = estimate.draws(count, rng)
    spread = carried_spread(grid, national, carried)
    jurisdiction_draws = {
        key: national[key] * np.exp(sd * rng.standard_normal(count) - sd * sd / 2)
        for key, sd in sorted(spread.items())
    }
    uk_years = sorted({y for j, y in carried})
    out = np.empty((count, len(grid.cells)))
    column = {c: i for i, c in enumerate(grid.cells)}
    for d in range(count):
        draw = np.zeros(len(grid.cells))
        for j, cell in enumerate(estimate.cells):
            draw[column[cell]] = raw[d, j]
        totals: dict[tuple[str, str], float] = {}
        for year in uk_years:
            moved = 0.0
            for key, values in jurisdiction_draws.items():
                if key[1] == year:
                    value = float(np.rint(values[d]))
                    totals[key] = value
                    moved += value - national[key]
            if (EW, year) in national:
                totals[(EW, year)] = national[(EW, year)] - moved
        for cell in grid.cells:
            jurisdiction = grid.jurisdiction(cell)
            if jurisdiction != EW:
                draw[column[cell]] = totals.get(
                    (jurisdiction, cell[1]), national[(jurisdiction, cell[1])]
                )
        x = projection.project(draw, totals)
        out[d] = projection.round(x, totals)
    return out


def cell_draws(
    grid: Grid,
    estimate: Estimate,
    national: Mapping[tuple[str, str], int],
    carried: Mapping[tuple[str, str], str],
    fitted: Mapping[str, Mapping],
    count: int = DRAWS,
) -> np.ndarray:
    """Reconciled draws (cells, draws) of every cell of the tidy table, in the builder's row
    order (per force-year: age band by sex, then platforms). ``fitted``: the point fit's
    ``totals``, ``age_band``, ``sex`` and ``platform`` (per force-year, per member)."""
    from tui.data.build.model import (
        AGE_BANDS_BY_JURISDICTION,
        MODEL_PLATFORMS,
        SEXES_BY_JURISDICTION,
    )
    from tui.data.build.sanity import INSTANCES_PER_OFFENCE

    rng = np.random.default_rng(SEED)
    totals = total_draws(grid, estimate, national, carried, rng, count)
    parts = {}
    for dimension, members_of in (
        ("age_band", AGE_BANDS_BY_JURISDICTION),
        ("sex", SEXES_BY_JURISDICTION),
    ):
        parts[dimension] = split_draws(
            grid,
            split_problem(grid, dimension, members_of),
            lambda cell, m=members_of: m[grid.jurisdiction(cell)],
            fitted[dimension],
            totals,
            CONCENTRATION[dimension],
            rng,
        )
    instances = instance_draws(
        grid,
        platform_problem(grid, MODEL_PLATFORMS),
        MODEL_PLATFORMS,
        fitted["platform"],
        fitted["totals"],
        totals,
        INSTANCES_PER_OFFENCE,
        rng,
    )
    blocks = []
    for f, cell in enumerate(grid.cells):
        jurisdiction = grid.jurisdiction(cell)
        ages = len(AGE_BANDS_BY_JURISDICTION[jurisdiction])
        sexes = len(SEXES_BY_JURISDICTION[jurisdiction])
        table = cross(parts["age_band"][:, f, :ages], parts["sex"][:, f, :sexes])
        blocks.append(table.reshape(count, -1))
        blocks.append(instances[:, f, :])
    return np.concatenate(blocks, axis=1).T
