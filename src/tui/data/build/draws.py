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
2. **Breakdowns** (age band, sex, platform) below each drawn force-year: shares drawn around the
   fitted ones (Dirichlet-multinomial, :data:`CONCENTRATION`), platform instances per offence
   around the fitted ratio, then reconciled to every published breakdown figure by iterated
   proportional scaling (each figure in turn, the entropy-nearest scaling that meets it; the
   force-year totals and the 0.3-3 instances per offence rescaled after each pass), rounded
   within each force-year, and crossed (age by sex) as the point fit is.

Every draw kept meets every target figure (a breakdown share to within one unit of rounding), so
published and derived numbers are the same in every draw, and no draw leaves what the published
figures allow. A draw whose breakdown no rounding within reach fits to every figure is left out
whole (all its cells); the builder stops if fewer than :data:`KEPT` of the draws remain.

(Over 400 lines: the two reconciliations, their rounding and the table they fill belong together;
a later split would put the breakdowns in a module of their own.)
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping, Sequence

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_array, hstack, identity, vstack

from tui.data.build.estimate import Estimate
from tui.data.build.fit import Problem, add_figure
from tui.data.build.force_years import Cell, Grid
from tui.data.schema import EW

DRAWS = 300
"""Draws kept per modelled number: the 95% interval's ends are the 10th smallest and largest."""
SEED = 2026
"""The random generator's seed: the same draws on every rebuild."""
CONCENTRATION = {"age_band": 30.0, "sex": 30.0, "platform": 15.0}
"""Dirichlet concentration of a force-year's shares around the fitted ones (an assumption: a
share of 57% varies by about 9 points between force-years; platform mixes by about 12)."""
INSTANCE_RATIO_CV = 0.25
"""Relative spread of a force-year's platform instances per offence around the fitted ratio."""
PIECES, SPREAD = 6, 0.5
"""The projection's penalty: d**2 / variance, in pieces of half a standard deviation."""
SETTLE_STEPS = 12
"""Single- or two-unit moves tried per draw before the small integer program of its box."""
KEPT = 0.9
"""A draw whose breakdown no rounding within reach meets every figure with is left out (all its
cells, every measure); at least this share of the draws must be kept."""
SHARE_MARGIN = 0.4
"""Breakdown draws aim this far inside a share's printed tolerance, so rounding keeps it."""


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
    sweeps: int = 300,
) -> np.ndarray:
    """Scale the draws ``x`` (draw, force-year, member) until every figure row holds: each row in
    turn, the entropy-nearest multiplicative scaling that meets its nearer end; after each pass
    the force-year totals (offences: ``totals``) or the instances per offence (``ratio``: low,
    high, offences per draw and force-year) are restored."""
    count = x.shape[0]
    flat = x.reshape(count, -1)
    for _ in range(sweeps):
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
            aim_low, aim_high = np.full(count, low), np.full(count, high)
            if (coefficient < 0).any():  # a share: aim inside it, so rounding keeps it
                inside = SHARE_MARGIN * 0.005 * flat[:, index].sum(axis=1)
                aim_low, aim_high = aim_low + inside, aim_high - inside
            under = values < aim_low - 1e-9
            over = values > aim_high + 1e-9
            if not (under.any() or over.any()):
                continue
            moved = True
            target = np.where(under, aim_low, np.where(over, aim_high, values))
            lam = _exponent(flat[:, index], coefficient, target)
            flat[:, index] *= np.exp(lam[:, None] * coefficient[None, :])
        if not moved:
            break
    return flat.reshape(x.shape)


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


SHARE_ROUNDING = 1.0
"""A share's row is in counts (counted - share x base): whole-number draws meet it to within one
unit (a force's two-year share of 30 instances moves by 3 points a unit, more than the printed
share's own rounding); counts are met exactly."""


def _slack(coefficient: np.ndarray) -> float:
    return SHARE_ROUNDING if (coefficient < 0).any() else 1e-6


def _rows_hold(breakdown: Breakdown, x: np.ndarray) -> np.ndarray:
    """(draws,) whether every figure row holds in each draw of ``x`` (draw, force-year, member)."""
    flat = x.reshape(x.shape[0], -1)
    ok = np.ones(x.shape[0], dtype=bool)
    for index, coefficient, low, high, _ in breakdown.rows:
        values = flat[:, index] @ coefficient
        slack = _slack(coefficient)
        ok &= (values >= low - slack) & (values <= high + slack)
    return ok


def _repair(breakdown: Breakdown, x: np.ndarray, exact: np.ndarray, fixed_rows: bool) -> None:
    """Whole-number draws that rounding moved off an exact count: one unit at a time, moved
    within its force-year (offences) or added or taken (instances), where the continuous draw
    ``exact`` was furthest from the rounded one."""
    count, width = x.shape[0], x.shape[-1]
    flat, near = x.reshape(count, -1), exact.reshape(count, -1)
    valid = breakdown.mask.reshape(-1)
    locked = np.zeros(flat.shape[1], dtype=bool)
    for index, _coefficient, low, high, _ in breakdown.rows:
        if low == high:
            locked[index] = True
    for _ in range(20):
        moved = False
        for index, coefficient, low, high, _ in breakdown.rows:
            if not np.all(coefficient == 1.0):
                continue
            inside = np.zeros(flat.shape[1], dtype=bool)
            inside[index] = True
            siblings = (valid & ~inside).reshape(-1, width)
            values = flat[:, index].sum(axis=1)
            for d in np.flatnonzero((values < low - 1e-6) | (values > high + 1e-6)):
                step = 1.0 if values[d] < low else -1.0
                need = round(abs((low if step > 0 else high) - values[d]))
                for _ in range(need):
                    row = flat[d].reshape(-1, width)
                    gap = (near[d, index] - flat[d, index]) * step
                    if step < 0:
                        gap = np.where(flat[d, index] >= 1, gap, -np.inf)
                    if fixed_rows:
                        give = siblings & ((row >= 1) if step > 0 else True)
                        free = give & ~locked.reshape(-1, width)
                        usable = free if free[index // width].any() else give
                        gap = np.where(usable[index // width].any(axis=1), gap, -np.inf)
                    pick = int(np.argmax(gap))
                    if not np.isfinite(gap[pick]):
                        break
                    flat[d, index[pick]] += step
                    if fixed_rows:
                        r = index[pick] // width
                        room = (near[d].reshape(-1, width)[r] - row[r]) * -step
                        allowed = siblings[r] & ((row[r] >= 1) if step > 0 else True)
                        free = allowed & ~locked.reshape(-1, width)[r]
                        j = int(np.argmax(np.where(free if free.any() else allowed, room, -np.inf)))
                        flat[d, r * width + j] -= step
                    moved = True
        if not moved:
            return


def _settle(breakdown: Breakdown, x: np.ndarray, fixed_rows: bool) -> None:
    """The draws rounding left off a figure: the single-unit move (within a force-year for
    offences, one unit added or taken for instances) that most reduces how far the draw is from
    meeting every figure, repeated until it meets them all."""
    count, width = x.shape[0], x.shape[-1]
    flat = x.reshape(count, -1)
    slots = flat.shape[1]
    rows = np.zeros((len(breakdown.rows), slots))
    low = np.array([r[2] for r in breakdown.rows], dtype=float)
    high = np.array([r[3] for r in breakdown.rows], dtype=float)
    for k, (index, coefficient, _, _, _) in enumerate(breakdown.rows):
        np.add.at(rows[k], index, coefficient)
    valid = np.flatnonzero(breakdown.mask.reshape(-1))
    if fixed_rows:
        pairs = np.array(
            [(a, b) for a in valid for b in valid if a != b and a // width == b // width]
        )
        delta = rows[:, pairs[:, 0]] - rows[:, pairs[:, 1]]
        giver = pairs[:, 1]
    else:
        delta = np.concatenate([rows[:, valid], -rows[:, valid]], axis=1)
        giver = np.concatenate([np.full(len(valid), -1), valid])

    def distance(values: np.ndarray) -> np.ndarray:
        return (np.maximum(low[:, None] - values, 0) + np.maximum(values - high[:, None], 0)).sum(
            axis=0
        )

    for d in range(count):
        values = rows @ flat[d]
        now = distance(values[:, None])[0]
        for _ in range(SETTLE_STEPS):
            if now <= 1e-6:
                break
            possible = (giver < 0) | (flat[d, np.maximum(giver, 0)] >= 1)
            after = np.where(possible, distance(values[:, None] + delta), np.inf)
            best = int(np.argmin(after))
            chosen = [best]
            if after[best] >= now - 1e-9 and not fixed_rows:
                break
            if after[best] >= now - 1e-9:  # no single move helps: try two (one fixes the
                # broken figure, the other restores a figure the first one breaks)
                broken = (values < low - 1e-6) | (values > high + 1e-6)
                first = np.flatnonzero(possible & (np.abs(delta[broken]).sum(axis=0) > 0))[:32]
                if first.size == 0:
                    break
                both = values[:, None, None] + delta[:, first, None] + delta[:, None, :]
                total = np.stack([distance(both[:, k, :]) for k in range(first.size)])
                total = np.where(possible[None, :], total, np.inf)
                k, j = np.unravel_index(int(np.argmin(total)), total.shape)
                if total[k, j] >= now - 1e-9:
                    break
                chosen = [int(first[k]), int(j)]
            for move in chosen:
                if fixed_rows:
                    flat[d, pairs[move, 0]] += 1
                    flat[d, pairs[move, 1]] -= 1
                elif move < len(valid):
                    flat[d, valid[move]] += 1
                else:
                    flat[d, valid[move - len(valid)]] -= 1
                values = values + delta[:, move]
            now = distance(values[:, None])[0]


def _box_fix(
    breakdown: Breakdown,
    whole: np.ndarray,
    x: np.ndarray,
    totals: np.ndarray,
    per_offence: tuple[float, float] | None,
) -> None:
    """The few draws single-unit moves cannot settle: the nearest whole numbers within 2 of the
    rounded draw, in the force-years of the figures it breaks, that meet every figure and keep
    its force-year totals (offences) or instances per offence (instances); a small integer
    program of that box, for those draws only."""
    count, _, width = whole.shape
    flat, near = whole.reshape(count, -1), x.reshape(count, -1)
    mask = breakdown.mask.reshape(-1)
    for d in np.flatnonzero(~_rows_hold(breakdown, whole)):
        values = flat[d]
        rows_of = {
            r
            for index, coefficient, low, high, _ in breakdown.rows
            if not low - _slack(coefficient)
            <= values[index] @ coefficient
            <= high + _slack(coefficient)
            for r in (index // width).tolist()
        }
        free = np.array(
            [r * width + j for r in sorted(rows_of) for j in range(width) if mask[r * width + j]]
        )
        place = {slot: k for k, slot in enumerate(free.tolist())}
        size = len(free)
        lines, low, high = [], [], []
        for index, coefficient, lo, hi, _ in breakdown.rows:
            inside = np.array([i in place for i in index.tolist()])
            if not inside.any():
                continue
            line = np.zeros(size)
            for slot, c in zip(index[inside], coefficient[inside], strict=True):
                line[place[int(slot)]] += c
            fixed = float(values[index[~inside]] @ coefficient[~inside])
            lines.append(line)
            low.append(lo - fixed)
            high.append(hi - fixed)
        for r in sorted(rows_of):
            line = np.zeros(size)
            for j in range(width):
                if (r * width + j) in place:
                    line[place[r * width + j]] = 1.0
            lines.append(line)
            if per_offence is None:
                low.append(totals[d, r])
                high.append(totals[d, r])
            else:
                low.append(math.floor(per_offence[0] * totals[d, r]))
                high.append(math.ceil(per_offence[1] * totals[d, r]))
        start = values[free]
        eye = np.eye(size)
        result = milp(
            np.concatenate([np.zeros(size), np.ones(2 * size)]),
            constraints=[
                LinearConstraint(
                    np.hstack([np.array(lines), np.zeros((len(lines), 2 * size))]), low, high
                ),
                LinearConstraint(np.hstack([eye, -eye, eye]), near[d, free], near[d, free]),
            ],
            integrality=np.concatenate([np.ones(size), np.zeros(2 * size)]),
            bounds=Bounds(
                np.concatenate([np.maximum(start - 2, 0), np.zeros(2 * size)]),
                np.concatenate([start + 2, np.full(2 * size, np.inf)]),
            ),
        )
        if result.x is not None:
            flat[d, free] = np.rint(result.x[:size])


def breakdown_mask(breakdown: Breakdown, slot: int) -> bool:
    width = breakdown.width
    return bool(breakdown.mask[slot // width, slot % width])


def split_draws(
    grid: Grid,
    problem: Problem,
    members: Callable[[Cell], Sequence[str]],
    point: Mapping[Cell, Mapping[str, int]],
    totals: np.ndarray,
    concentration: float,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Whole-number draws (draw, force-year, member) of an offence breakdown below the drawn
    force-year ``totals`` (draw, force-year), reconciled to its published figures, and which
    draws meet them all."""
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
    whole = _largest_remainder(np.where(breakdown.mask[None], x, 0.0), totals)
    _repair(breakdown, whole, x, fixed_rows=True)
    _settle(breakdown, whole, fixed_rows=True)
    _box_fix(breakdown, whole, x, totals, None)
    return whole, _rows_hold(breakdown, whole)


def instance_draws(
    grid: Grid,
    problem: Problem,
    platforms: Sequence[str],
    point: Mapping[Cell, Mapping[str, int]],
    point_totals: Mapping[Cell, int],
    totals: np.ndarray,
    per_offence: tuple[float, float],
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Whole-number draws (draw, force-year, platform) of platform instances below the drawn
    force-year offence ``totals``, reconciled to every published platform figure."""
    breakdown = Breakdown(grid, problem, lambda _: platforms)
    fitted = np.array([[point[c][p] for p in platforms] for c in grid.cells], dtype=float)
    offences = np.array([point_totals[c] for c in grid.cells], dtype=float)
    overall = fitted.sum() / max(offences.sum(), 1)
    ratio = np.where(
        offences > 0, fitted.sum(axis=1) / np.where(offences > 0, offences, 1), overall
    )
    shares = (fitted + 0.5) / (fitted + 0.5).sum(axis=1, keepdims=True)
    shape = 1 / INSTANCE_RATIO_CV**2
    level = totals * ratio[None] * rng.gamma(shape, 1 / shape, totals.shape)
    gamma = rng.gamma(CONCENTRATION["platform"] * shares[None].repeat(totals.shape[0], 0) + 1e-9)
    x = gamma / gamma.sum(axis=-1, keepdims=True) * level[..., None]
    low, high = per_offence
    x = reconcile_breakdown(breakdown, x, None, (low, high, totals))
    whole = np.rint(x)
    _repair(breakdown, whole, x, fixed_rows=False)
    _settle(breakdown, whole, fixed_rows=False)
    _box_fix(breakdown, whole, x, totals, per_offence)
    return whole, _rows_hold(breakdown, whole)


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


def _split_problem(grid: Grid, dimension: str, members_of: Mapping) -> Problem:
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


def _platform_problem(grid: Grid, platforms: Sequence[str]) -> Problem:
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
    kept = np.ones(count, dtype=bool)
    parts = {}
    for dimension, members_of in (
        ("age_band", AGE_BANDS_BY_JURISDICTION),
        ("sex", SEXES_BY_JURISDICTION),
    ):
        parts[dimension], ok = split_draws(
            grid,
            _split_problem(grid, dimension, members_of),
            lambda cell, m=members_of: m[grid.jurisdiction(cell)],
            fitted[dimension],
            totals,
            CONCENTRATION[dimension],
            rng,
        )
        kept &= ok
    instances, ok = instance_draws(
        grid,
        _platform_problem(grid, MODEL_PLATFORMS),
        MODEL_PLATFORMS,
        fitted["platform"],
        fitted["totals"],
        totals,
        INSTANCES_PER_OFFENCE,
        rng,
    )
    kept &= ok
    if kept.mean() < KEPT:
        raise ValueError(
            f"only {kept.sum()} of {count} draws of the breakdowns meet every published figure"
        )
    count = int(kept.sum())
    totals = totals[kept]
    parts = {name: values[kept] for name, values in parts.items()}
    instances = instances[kept]
    blocks = []
    for f, cell in enumerate(grid.cells):
        jurisdiction = grid.jurisdiction(cell)
        ages = len(AGE_BANDS_BY_JURISDICTION[jurisdiction])
        sexes = len(SEXES_BY_JURISDICTION[jurisdiction])
        table = cross(parts["age_band"][:, f, :ages], parts["sex"][:, f, :sexes])
        blocks.append(table.reshape(count, -1))
        blocks.append(instances[:, f, :])
    return np.concatenate(blocks, axis=1).T
