"""Step 2 of the builder: integer counts that meet every target figure at once.

Each step is one small integer program (scipy's HiGHS solver, deterministic): integer counts that
stay as close as possible to a documented seed (weighted absolute deviation, or a piecewise-linear
squared deviation that shares a forced change out) while every target figure holds (counts
exactly, lower bounds strictly, shares within their rounding). With ``box`` the continuous
relaxation is solved first and the integers are searched near it. Run with ``elastic=True``, a
step instead reports which targets cannot hold together, which is how the conflicts listed in
``data/figure_rules.toml`` were found.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import lil_array

from tui.data.figures.targets import Figure

MIP_GAP = 0.05
"""Stop once the fit is within 5% of the best possible closeness to the seeds (it is exact on
every target either way): keeps a rebuild to seconds."""

BOX_GAP = 0.3
"""Within the box around the relaxation, stop once within 30% of the best closeness bound: the
box already keeps every count within 2 of the exact continuous optimum, and proving a tighter
gap over 3,500 platform variables took minutes."""

PIECE_WIDTH = 0.1
"""Width of each piece of the spreading penalty, as a share of the seed."""

STRICT_MARGIN = 1e-4
"""How far above a lower bound a share must be ("more than 70%")."""


class Infeasible(ValueError):
    """The targets cannot all hold; the message names the ones that break."""


@dataclass
class Problem:
    """Integer variables with seeds, and linear constraints labelled by what they enforce."""

    keys: list[Hashable] = field(default_factory=list)
    seeds: list[float] = field(default_factory=list)
    scales: list[float | None] = field(default_factory=list)
    """Per variable, the variance its deviation is measured against (``None``: the seed's own,
    a Poisson-like d**2/seed)."""
    rows: list[tuple[dict[int, float], float, float, str]] = field(default_factory=list)
    index: dict[Hashable, int] = field(default_factory=dict)
    pieces: int = 1
    """1: weighted absolute deviation from the seeds; more: a piecewise-linear d**2/seed, which
    shares a deviation out over many variables instead of putting it all on one."""
    box: int | None = None
    """Solve the continuous relaxation first (the penalty is convex, so that is its exact
    optimum), then search integers only within ``box`` of it: the integer solution cannot wander
    off to a far corner that happens to meet every target (platform instances once did: 62,174 in
    one year against about 4,000 in the others). ``None``: search the whole space."""

    def variable(self, key: Hashable, seed: float, scale: float | None = None) -> int:
        """A new non-negative integer variable near ``seed``; ``scale``: the variance a
        deviation is weighed against (a model's predictive variance), else the seed."""
        self.index[key] = len(self.keys)
        self.keys.append(key)
        self.seeds.append(max(seed, 0.0))
        self.scales.append(scale)
        return self.index[key]

    def solve(self, elastic: bool = False) -> dict[Hashable, int]:
        """The integer solution; :class:`Infeasible` naming the broken targets if none exists."""
        if self.box is None or elastic:
            return self._solve(elastic)
        relaxed = self._solve(relaxed=True)
        near = [(max(0.0, math.floor(v) - self.box), math.ceil(v) + self.box) for v in relaxed]
        try:
            return self._solve(near=near)
        except Infeasible:
            return self._solve()

    def constrain(self, terms: dict[int, float], low: float, high: float, label: str) -> None:
        """``low <= sum(coefficient * variable) <= high``."""
        if terms:
            self.rows.append((terms, low, high, label))
        elif low > 0 or high < 0:
            raise Infeasible(f"{label}: no cell of the dataset covers it")

    def _solve(
        self,
        elastic: bool = False,
        relaxed: bool = False,
        near: list[tuple[float, float]] | None = None,
    ) -> Any:
        """One HiGHS run: integers (within ``near`` if given), or the continuous relaxation's
        values (``relaxed``)."""
        n, m = len(self.keys), len(self.rows)
        pieces = self.pieces
        slack = 2 * m if elastic else 0
        size = n + pieces * n + slack
        scales = [s + 1.0 if v is None else v for s, v in zip(self.seeds, self.scales, strict=True)]
        widths = [
            max(1.0, s * PIECE_WIDTH if v is None else math.sqrt(v) / 2)
            for s, v in zip(self.seeds, self.scales, strict=True)
        ]
        if pieces == 1:
            slopes = [[1.0 / math.sqrt(v)] for v in scales]
        else:  # slope of d**2 / scale in the middle of each piece: deviations are shared out
            slopes = [
                [(2 * k + 1) * w / v for k in range(pieces)]
                for v, w in zip(scales, widths, strict=True)
            ]
        cost = np.concatenate([np.zeros(n), np.array(slopes).T.ravel(), np.full(slack, 1e4)])
        matrix = lil_array((m + 2 * n, size))
        low, high = np.empty(m + 2 * n), np.empty(m + 2 * n)
        for r, (terms, lo, hi, _) in enumerate(self.rows):
            for column, coefficient in terms.items():
                matrix[r, column] = coefficient
            if elastic:
                matrix[r, size - slack + 2 * r] = 1.0
                matrix[r, size - slack + 2 * r + 1] = -1.0
            low[r], high[r] = lo, hi
        for i, seed in enumerate(self.seeds):  # sum of pieces_i >= |x_i - seed_i|
            for k, sign in enumerate((1.0, -1.0)):
                row = m + 2 * i + k
                matrix[row, i] = -sign
                for piece in range(pieces):
                    matrix[row, n + piece * n + i] = 1.0
                low[row], high[row] = -sign * seed, np.inf
        integrality = np.concatenate(
            [np.full(n, 0 if relaxed else 1), np.zeros(pieces * n + slack)]
        )
        lower, upper = np.zeros(size), np.full(size, np.inf)
        for piece in range(pieces - 1):  # the last piece is unbounded
            upper[n + piece * n : n + (piece + 1) * n] = widths
        if near is not None:
            lower[:n], upper[:n] = zip(*near, strict=True)
        result = milp(
            cost,
            constraints=LinearConstraint(matrix.tocsr(), low, high),
            integrality=integrality,
            bounds=Bounds(lower, upper),
            options={"presolve": True, "mip_rel_gap": MIP_GAP if near is None else BOX_GAP},
        )
        if result.x is not None and relaxed:
            return result.x[:n]
        if result.x is None:
            if near is not None:
                raise Infeasible("no integer solution near the relaxation")
            if elastic:
                raise Infeasible(f"solver failed: {result.message}")
            broken = self._broken()
            raise Infeasible("targets cannot all hold: " + "; ".join(broken))
        values = np.rint(result.x[:n]).astype(int)
        if elastic:
            stretched = [
                self.rows[r][3]
                for r in range(m)
                if result.x[size - slack + 2 * r] + result.x[size - slack + 2 * r + 1] > 1e-6
            ]
            if stretched:
                raise Infeasible("targets cannot all hold: " + "; ".join(stretched))
        return {key: int(v) for key, v in zip(self.keys, values, strict=True)}

    def _broken(self) -> list[str]:
        try:
            self.solve(elastic=True)
        except Infeasible as error:
            return [str(error)]
        return ["(no single culprit found)"]


def add_figure(
    problem: Problem,
    figure: Figure,
    variables: Callable[[Figure], tuple[list[int], list[int]]],
) -> None:
    """Constrain a figure: ``variables`` gives (counted, base) variable lists for it.

    For a count, ``counted`` is summed; for a share, it is divided by ``base`` (the recorded total).
    """
    counted, base = variables(figure)
    low, high, strict = figure.bounds()
    label = f"{figure.id} {figure.scope} {figure.year} {figure.measure} {figure.describe_value()}"
    spec = figure.spec
    assert spec is not None
    if spec.share:
        terms = _terms(counted, 1.0)
        low_terms, high_terms = dict(terms), dict(terms)
        floor = low + STRICT_MARGIN if strict else low + 1e-9
        for i in base:
            low_terms[i] = low_terms.get(i, 0.0) - floor
            high_terms[i] = high_terms.get(i, 0.0) - (high - 1e-9)
        problem.constrain(low_terms, 0.0, np.inf, label)
        if not math.isinf(high):
            problem.constrain(high_terms, -np.inf, 0.0, label)
        return
    terms = _terms(counted, 1.0)
    if strict:
        problem.constrain(terms, math.floor(low) + 1, np.inf, label)
    else:
        top = high if math.isinf(high) else math.floor(high + 1e-9)  # "at least": no top
        problem.constrain(terms, math.ceil(low - 1e-9), top, label)


def _terms(variables: Iterable[int], coefficient: float) -> dict[int, float]:
    terms: dict[int, float] = {}
    for i in variables:
        terms[i] = terms.get(i, 0.0) + coefficient
    return terms
