"""Step 2c of the builder: reconciled draws of the age band, sex and platform breakdowns below
each drawn force-year total (:mod:`tui.data.build.draws` draws the totals).

Shares are drawn around the fitted ones (Dirichlet-multinomial, :data:`CONCENTRATION`), platform
instances per offence around the fitted ratio; each draw is then reconciled to every published
breakdown figure by iterated proportional scaling (each figure in turn, the entropy-nearest
scaling that meets it; the force-year totals and the 0.3-3 instances per offence restored after
each pass) until every figure holds to within :data:`TOLERANCE`, and rounded within each
force-year by largest remainders, so a force-year's age bands and sexes add up to its drawn total
exactly. After rounding a cell may differ by one from the reconciled draw: a published share or
count over many cells may then be missed by the rounding of its cells. Every draw is kept.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

from tui.data.build.fit import Problem, add_figure
from tui.data.build.force_years import Cell, Grid

CONCENTRATION = {"age_band": 30.0, "sex": 30.0, "platform": 15.0}
"""Dirichlet concentration of a force-year's shares around the fitted ones (an assumption: a
share of 57% varies by about 9 points between force-years; platform mixes by about 12)."""
INSTANCE_RATIO_CV = 0.25
"""Relative spread of a force-year's platform instances per offence around the fitted ratio."""
TOLERANCE = 0.01
"""A reconciled breakdown draw meets every figure to within this many offences or instances
(before it is rounded to whole numbers)."""
SWEEPS = 2000
"""Passes over the figures before a breakdown draw that still misses one stops the build."""


def _largest_remainder(values: np.ndarray, totals: np.ndarray) -> np.ndarray:
    """Round each row of ``values`` (last axis) to integers adding up to ``totals``."""
    whole = np.floor(values + 1e-9)
    short = (totals - whole.sum(axis=-1)).round().astype(int)
    order = np.argsort(-(values - whole), axis=-1, kind="stable")
    rank = np.argsort(order, axis=-1, kind="stable")
    return whole + (rank < short[..., None])


class Breakdown:
    """One breakdown's variables (force-year by member) and its published figures as rows."""

    def __init__(self, grid: Grid, problem: Problem, members: Callable[[Cell], Sequence[str]]):
        self.grid = grid
        self.members = members
        self.width = max(len(members(c)) for c in grid.cells)
        self.slot = {}
        for f, cell in enumerate(grid.cells):
            for j, member in enumerate(members(cell)):
                self.slot[problem.index[(cell, member)]] = f * self.width + j
        self.rows = []
        for terms, low, high, label in problem.rows:
            if label.endswith((" total", " instances per offence")):
                continue
            index = np.array([self.slot[i] for i in terms])
            coefficient = np.array(list(terms.values()))
            self.rows.append((index, coefficient, low, high, label))
        mask = np.zeros((len(grid.cells), self.width), dtype=bool)
        for f, cell in enumerate(grid.cells):
            mask[f, : len(members(cell))] = True
        self.mask = mask


def reconcile_breakdown(
    breakdown: Breakdown,
    x: np.ndarray,
    totals: np.ndarray | None,
    ratio: tuple[float, float, np.ndarray] | None = None,
) -> np.ndarray:
    """Scale the draws ``x`` (draw, force-year, member) until every figure row holds to within
    :data:`TOLERANCE`: each row in turn, the entropy-nearest multiplicative scaling that meets
    its nearer end; after each pass the force-year totals (offences: ``totals``) or the
    instances per offence (``ratio``: low, high, offences per draw and force-year) are restored.
    A :class:`ValueError` if :data:`SWEEPS` passes leave a figure unmet."""
    count = x.shape[0]
    flat = x.reshape(count, -1)
    for _ in range(SWEEPS):
        if totals is not None:
            sums = flat.reshape(x.shape).sum(axis=-1)
            flat *= np.repeat(
                np.where(sums > 0, totals / np.where(sums > 0, sums, 1), 0), x.shape[-1], axis=1
            )
        if ratio is not None:
            low, high, offences = ratio
            sums = flat.reshape(x.shape).sum(axis=-1)
            target = np.clip(sums, low * offences, high * offences)
            flat *= np.repeat(
                np.where(sums > 0, target / np.where(sums > 0, sums, 1), 1), x.shape[-1], axis=1
            )
        moved = False
        for index, coefficient, low, high, _ in breakdown.rows:
            values = flat[:, index] @ coefficient
            off = np.flatnonzero((values < low - TOLERANCE / 2) | (values > high + TOLERANCE / 2))
            if off.size == 0:
                continue
            moved = True
            target = np.clip(values[off], low, high)
            part = flat[np.ix_(off, index)]
            if np.all(coefficient == coefficient[0]):  # a count: one common scale
                factor = target / np.maximum(values[off], 1e-300)
                part *= np.where(values[off] > 0, factor, 1.0)[:, None]
            else:
                lam = _exponent(part, coefficient, target)
                part *= np.exp(lam[:, None] * coefficient[None, :])
            flat[np.ix_(off, index)] = part
        if not moved:  # no row needed scaling since the totals were restored: all hold
            return flat.reshape(x.shape)
    worst = _worst_miss(breakdown, flat, totals, ratio, x.shape)
    raise ValueError(
        f"the breakdown draws miss a published figure by {worst:.3g} after reconciling"
    )


def _worst_miss(
    breakdown: Breakdown,
    flat: np.ndarray,
    totals: np.ndarray | None,
    ratio: tuple[float, float, np.ndarray] | None,
    shape: tuple[int, ...],
) -> float:
    """How far (in counts) the worst draw is from meeting a figure row, its force-year total or
    its instances per offence."""
    worst = 0.0
    for index, coefficient, low, high, _ in breakdown.rows:
        values = flat[:, index] @ coefficient
        worst = max(
            worst, float(np.max(np.maximum(low - values, 0) + np.maximum(values - high, 0)))
        )
    sums = flat.reshape(shape).sum(axis=-1)
    if totals is not None:
        worst = max(worst, float(np.abs(sums - totals).max()))
    if ratio is not None:
        low, high, offences = ratio
        worst = max(
            worst,
            float(
                np.max(np.maximum(low * offences - sums, 0) + np.maximum(sums - high * offences, 0))
            ),
        )
    return worst


def _exponent(values: np.ndarray, coefficient: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Per draw, the lambda with sum(a * x * exp(lambda * a)) = target (Newton, safeguarded)."""
    lam = np.zeros(values.shape[0])
    low, high = np.full_like(lam, -50.0), np.full_like(lam, 50.0)
    for _ in range(60):
        scaled = values * np.exp(np.clip(lam[:, None] * coefficient[None, :], -50, 50))
        f = scaled @ coefficient - target
        slope = scaled @ (coefficient * coefficient)
        done = np.abs(f) <= 1e-9 * np.maximum(np.abs(target), 1)
        if done.all():
            break
        low = np.where(f < 0, lam, low)
        high = np.where(f > 0, lam, high)
        step = lam - f / np.where(slope > 0, slope, 1)
        inside = (step > low) & (step < high) & (slope > 0)
        lam = np.where(done, lam, np.where(inside, step, (low + high) / 2))
    return lam


def split_draws(
    grid: Grid,
    problem: Problem,
    members: Callable[[Cell], Sequence[str]],
    point: Mapping[Cell, Mapping[str, int]],
    totals: np.ndarray,
    concentration: float,
    rng: np.random.Generator,
) -> np.ndarray:
    """Whole-number draws (draw, force-year, member) of an offence breakdown below the drawn
    force-year ``totals`` (draw, force-year): reconciled to its published figures, then rounded
    within each force-year (largest remainders), so each force-year still adds up."""
    breakdown = Breakdown(grid, problem, members)
    cells = totals.shape[1]
    shares = np.zeros((cells, breakdown.width))
    for f, cell in enumerate(grid.cells):
        names = members(cell)
        fitted = np.array([point[cell][m] for m in names], dtype=float)
        if fitted.sum() <= 0:
            fitted = np.ones(len(names))
        shares[f, : len(names)] = (fitted + 0.5) / (fitted + 0.5).sum()
    # Dirichlet-multinomial spread as one continuous Dirichlet: 1 + c' = T (1 + c) / (T + c)
    effective = np.maximum(totals * (1 + concentration) / (totals + concentration) - 1, 0.5)
    gamma = rng.gamma(effective[..., None] * shares[None] + 1e-9)
    gamma *= breakdown.mask[None]
    x = gamma / gamma.sum(axis=-1, keepdims=True) * totals[..., None]
    x = reconcile_breakdown(breakdown, x, totals)
    return _largest_remainder(np.where(breakdown.mask[None], x, 0.0), totals)


def instance_draws(
    grid: Grid,
    problem: Problem,
    platforms: Sequence[str],
    point: Mapping[Cell, Mapping[str, int]],
    point_totals: Mapping[Cell, int],
    totals: np.ndarray,
    per_offence: tuple[float, float],
    rng: np.random.Generator,
) -> np.ndarray:
    """Whole-number draws (draw, force-year, platform) of platform instances below the drawn
    force-year offence ``totals``: reconciled to every published platform figure, then each
    force-year's instances rounded (within 0.3-3 per offence) and shared out by largest
    remainders."""
    breakdown = Breakdown(grid, problem, lambda _: platforms)
    fitted = np.array([[point[c][p] for p in platforms] for c in grid.cells], dtype=float)
    offences = np.array([point_totals[c] for c in grid.cells], dtype=float)
    overall = fitted.sum() / max(offences.sum(), 1)
    ratio = np.clip(
        np.where(offences > 0, fitted.sum(axis=1) / np.where(offences > 0, offences, 1), overall),
        *per_offence,
    )
    shares = (fitted + 0.5) / (fitted + 0.5).sum(axis=1, keepdims=True)
    shape = 1 / INSTANCE_RATIO_CV**2
    level = totals * ratio[None] * rng.gamma(shape, 1 / shape, totals.shape)
    gamma = rng.gamma(CONCENTRATION["platform"] * shares[None].repeat(totals.shape[0], 0) + 1e-9)
    x = gamma / gamma.sum(axis=-1, keepdims=True) * level[..., None]
    low, high = per_offence
    x = reconcile_breakdown(breakdown, x, None, (low, high, totals))
    whole_totals = np.clip(np.rint(x.sum(axis=-1)), np.ceil(low * totals), np.floor(high * totals))
    return _largest_remainder(x, whole_totals)


def cross(rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """(draw, row, column) tables with the given margins, each row spread over the remaining
    column room by largest remainders (the point fit's :func:`tui.data.build.fill_table`, for
    every draw at once)."""
    room = columns.astype(float).copy()
    table = np.zeros((*rows.shape, columns.shape[-1]))
    for j in range(rows.shape[-1]):
        left = room.sum(axis=-1, keepdims=True)
        quotas = np.where(left > 0, rows[:, j, None] * room / np.where(left > 0, left, 1), 0.0)
        part = _largest_remainder(quotas, rows[:, j])
        part = np.minimum(part, room)
        table[:, j] = part
        room -= part
    return table


def split_problem(grid: Grid, dimension: str, members_of: Mapping) -> Problem:
    from tui.data.build.model import figure_variables

    problem = Problem()
    for cell in grid.cells:
        for member in members_of[grid.jurisdiction(cell)]:
            problem.variable((cell, member), 0.0)

    def variables(figure):
        return figure_variables(
            problem, grid, figure, lambda cell: members_of[grid.jurisdiction(cell)]
        )

    for figure in grid.targets_of("offences", dimension):
        add_figure(problem, figure, variables)
    return problem


def platform_problem(grid: Grid, platforms: Sequence[str]) -> Problem:
    from tui.data.build.model import add_ratio, figure_variables

    problem = Problem()
    for cell in grid.cells:
        for platform in platforms:
            problem.variable((cell, platform), 0.0)

    def variables(figure, years=None):
        return figure_variables(problem, grid, figure, lambda _: platforms, years)

    for figure in grid.targets_of("instances", "platform"):
        if figure.measure.startswith("ratio_"):
            add_ratio(problem, grid, figure, variables)
        else:
            add_figure(problem, figure, variables)
    return problem
