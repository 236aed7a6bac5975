"""Step 2a of the builder: a statistical model of England and Wales force-year offence counts.

A log-linear negative-binomial model, fitted to every published figure on force-year totals:

    offences(force, year) ~ NegativeBinomial(mean mu, size k),   variance mu + mu**2 / k
    log mu = log children(force, year) + a + year(year) + region(region) + force(force)

with the force's resident population aged 0-17 in that year as the exposure (a log offset), a year
effect, a region effect shrunk towards 0 and a force effect shrunk towards its region (normal
priors with standard deviations :data:`REGION_SD` and :data:`FORCE_SD`). A published figure over
several force-years (a region in a year, a force over six years, the national total) is a sum:
its likelihood is the negative binomial with the sum's mean and variance. Partial-period counts,
"at least" figures and "almost" figures are censored: the probability that the sum falls in what
the figure allows. Figures that overlap are made disjoint first (a region total minus its
published forces; a national total minus its published regions), so no count is used twice.

The fit is the posterior mode (scipy's L-BFGS-B, analytic gradient); its uncertainty the Laplace
approximation (the inverse Hessian at the mode). :meth:`Estimate.mean` is each force-year's
predictive mean (the seed of the integer fit); :meth:`Estimate.draws` samples the predictive
distribution: parameters from the Laplace normal, then a negative-binomial count.

Over 400 lines: the likelihood (sums, censored figures, their disjoint parts), its analytic
gradient and the Laplace draws share one parameter layout and are read together.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse
from scipy.optimize import minimize
from scipy.special import digamma, gammaln
from scipy.stats import nbinom

from tui.data.build.force_years import Cell, Force, Grid
from tui.data.schema import EW

REGION_SD = 0.3
"""Prior standard deviation of a region's log rate around the national one."""
FORCE_SD = 0.4
"""Prior standard deviation of a force's log rate around its region's."""
DRIFT_SD = 0.2
"""Prior standard deviation of the yearly step of a force's own drift: each force's log rate
moves away from the national trend as a random walk (its first year's deviation too), so a
modelled year leans on the force's published neighbouring years more than on its distant ones."""
DISPERSION_PRIOR = (math.log(20.0), 1.0)
"""Normal prior on log k (the negative binomial's size): weak, centred on a year-to-year spread
of about 20% around the mean for a force of a hundred offences."""
WEAK_SD = 5.0
"""Prior standard deviation of the intercept and the year effects (almost flat)."""

POPULATION_FILES = ("populations.csv",)
"""Per force and year: ``force, year, mid_year, population_all_ages, population_0_17``
(``data/populations.csv``); a force-year missing from it takes its force's nearest year."""


def child_population(
    data_dir: Path, forces: list[Force], years: Iterable[str]
) -> dict[Cell, float]:
    """Resident population aged 0-17 per force and financial year (mid-year of its first year:
    2019/20 reads mid-2019), the exposure of the model. Without a population file (or for a
    force it lacks) the force's all-ages population from ``forces.csv``, times the national
    share of children (0.21), for every year."""
    table: dict[str, dict[int, float]] = {}
    for name in POPULATION_FILES:
        path = data_dir / name
        if path.is_file():
            with path.open(newline="", encoding="utf-8") as handle:
                for row in csv.DictReader(handle):
                    if row.get("population_0_17"):
                        mid = int(row.get("mid_year") or row["year"][:4])
                        table.setdefault(row["force"], {})[mid] = float(row["population_0_17"])
            break
    exposure: dict[Cell, float] = {}
    for force in forces:
        known = table.get(force.name, {})
        for year in years:
            mid = int(year[:4])
            if known:
                nearest = min(known, key=lambda y: (abs(y - mid), y))
                exposure[(force.name, year)] = known[nearest]
            else:
                exposure[(force.name, year)] = 0.21 * force.population
    return exposure


@dataclass(frozen=True)
class Observation:
    """A published figure as the model sees it: the count of ``cells`` lies in [low, high]."""

    cells: tuple[int, ...]
    low: int
    high: float
    """``inf`` for a lower bound."""

    @property
    def exact(self) -> bool:
        return self.low == self.high


def _count_bounds(figure) -> tuple[int, float]:
    low, high, strict = figure.bounds()
    lo = math.floor(low) + 1 if strict else math.ceil(low - 1e-9)
    hi = high if math.isinf(high) else math.floor(high + 1e-9)
    return max(lo, 0), hi


def observations(
    grid: Grid, cells: list[Cell], national: Mapping[tuple[str, str], int]
) -> list[Observation]:
    """Every published offence-total figure on England and Wales force-years, made disjoint:
    published force-years are taken out of the sums that hold them, and an exact sum that holds
    another exact sum whole is given what is left once that one is taken out."""
    index = {c: i for i, c in enumerate(cells)}
    raw: set[tuple[tuple[int, ...], int, float]] = set()
    for figure in grid.targets_of("offences", None):
        covered = grid.covered(figure)
        if not covered or any(c not in index for c in covered):
            continue
        low, high = _count_bounds(figure)
        raw.add((tuple(sorted(index[c] for c in covered)), low, high))
    for (jurisdiction, year), total in national.items():
        if jurisdiction == EW:
            members = tuple(sorted(i for c, i in index.items() if c[1] == year))
            if members:
                raw.add((members, total, total))
    published = {s[0]: lo for s, lo, hi in raw if len(s) == 1 and lo == hi}
    exact: list[tuple[frozenset[int], int]] = [
        (frozenset({i}), value) for i, value in published.items()
    ]
    bounds: list[Observation] = []
    for members, low, high in sorted(raw, key=lambda r: (len(r[0]), r)):
        known = sum(published.get(i, 0) for i in members)
        free = frozenset(i for i in members if i not in published)
        if not free:
            continue
        if low != high:
            lo = max(low - known, 0)
            hi = high - known
            if lo > 0 or not math.isinf(hi):
                bounds.append(Observation(tuple(sorted(free)), lo, hi))
            continue
        value = low - known
        inner = sorted(
            (s for s in exact if len(s[0]) > 1 and s[0] < free),
            key=lambda s: (-len(s[0]), sorted(s[0])),
        )
        taken: set[int] = set()
        for subset, subtotal in inner:
            if not subset & taken:
                taken |= subset
                value -= subtotal
        rest = free - taken
        if rest and value >= 0:
            exact.append((rest, value))
    unique = {(tuple(sorted(s)), v) for s, v in exact}
    found = [Observation(s, v, v) for s, v in sorted(unique)]
    return found + sorted(set(bounds), key=lambda o: (o.cells, o.low, o.high))


class Estimate:
    """The fitted model over the England and Wales force-years of a grid."""

    def __init__(
        self,
        cells: list[Cell],
        design: sparse.csr_array,
        offset: np.ndarray,
        theta: np.ndarray,
        covariance: np.ndarray,
        names: list[str],
    ) -> None:
        self.cells = cells
        self.index = {c: i for i, c in enumerate(cells)}
        self.design = design
        self.offset = offset
        self.theta = theta
        self.covariance = covariance
        self.names = names

    @property
    def size(self) -> float:
        """The negative binomial's size k."""
        return float(math.exp(self.theta[-1]))

    def _log_mean_spread(self) -> tuple[np.ndarray, np.ndarray]:
        eta = self.design @ self.theta[:-1] + self.offset
        part = self.design @ self.covariance[:-1, :-1]
        variance = np.asarray((part * self.design.toarray()).sum(axis=1)).ravel()
        return eta, np.maximum(variance, 0.0)

    def mean(self) -> dict[Cell, float]:
        """Predictive mean of each force-year (log-normal mean of the rate)."""
        eta, variance = self._log_mean_spread()
        return dict(zip(self.cells, np.exp(eta + variance / 2).tolist(), strict=True))

    def variance(self) -> dict[Cell, float]:
        """Predictive variance of each force-year's count: the rate's spread plus the negative
        binomial's (mu + mu**2 / k)."""
        eta, spread = self._log_mean_spread()
        mu = np.exp(eta + spread / 2)
        rate_var = (np.exp(spread) - 1) * np.exp(2 * eta + spread)
        total = mu + (mu**2 + rate_var) / self.size + rate_var
        return dict(zip(self.cells, total.tolist(), strict=True))

    def draws(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """``n`` draws (rows) of every force-year's count (columns) from the predictive
        distribution: parameters from the Laplace normal, then gamma-Poisson counts."""
        root = _cholesky(self.covariance)
        thetas = self.theta + rng.standard_normal((n, len(self.theta))) @ root.T
        eta = thetas[:, :-1] @ self.design.T.toarray() + self.offset
        size = np.exp(thetas[:, -1:])
        rates = rng.gamma(size, np.exp(eta) / size)
        return rng.poisson(rates).astype(float)


def _cholesky(matrix: np.ndarray) -> np.ndarray:
    values, vectors = np.linalg.eigh((matrix + matrix.T) / 2)
    return vectors * np.sqrt(np.maximum(values, 0.0))


def _nb_logp(y: np.ndarray, m: np.ndarray, k: np.ndarray) -> np.ndarray:
    return (
        gammaln(y + k)
        - gammaln(k)
        - gammaln(y + 1)
        + k * np.log(k / (k + m))
        + y * np.log(m / (k + m))
    )


def _interval_logp(low: np.ndarray, high: np.ndarray, m: np.ndarray, k: np.ndarray) -> np.ndarray:
    p = k / (k + m)
    upper = np.where(np.isinf(high), 1.0, nbinom.cdf(np.where(np.isinf(high), 0, high), k, p))
    lower = np.where(low > 0, nbinom.cdf(low - 1, k, p), 0.0)
    return np.log(np.maximum(upper - lower, 1e-300))


def fit(
    grid: Grid, exposure: Mapping[Cell, float], national: Mapping[tuple[str, str], int]
) -> Estimate:
    """Fit the model to the published figures of ``grid`` (``national``: the jurisdiction-year
    totals, published or derived)."""
    cells = [c for c in grid.cells if grid.jurisdiction(c) == EW]
    years = sorted({c[1] for c in cells})
    regions = sorted({grid.by_name[c[0]].region for c in cells})
    forces = sorted({c[0] for c in cells})
    names = (
        ["intercept"]
        + [f"year {y}" for y in years[1:]]
        + [f"region {r}" for r in regions]
        + [f"force {f}" for f in forces]
        + [f"drift {f} {y}" for f, y in cells]
    )
    rows, cols = [], []
    for i, (force, year) in enumerate(cells):
        columns = [0, 1 + len(years) - 1 + regions.index(grid.by_name[force].region)]
        columns.append(len(years) + len(regions) + forces.index(force))
        if year != years[0]:
            columns.append(years.index(year))
        columns.append(len(years) + len(regions) + len(forces) + i)
        for j in columns:
            rows.append(i)
            cols.append(j)
    width = len(names)
    design = sparse.csr_array((np.ones(len(rows)), (rows, cols)), shape=(len(cells), width))
    offset = np.log(np.array([exposure[c] for c in cells]))
    found = observations(grid, cells, national)
    groups = sparse.csr_array(
        (
            np.ones(sum(len(o.cells) for o in found)),
            (
                [r for r, o in enumerate(found) for _ in o.cells],
                [i for o in found for i in o.cells],
            ),
        ),
        shape=(len(found), len(cells)),
    )
    exact = np.array([o.exact for o in found])
    low = np.array([o.low for o in found], dtype=float)
    high = np.array([o.high for o in found], dtype=float)
    prior_sd = np.full(width + 1, WEAK_SD)
    prior_mean = np.zeros(width + 1)
    first_region = len(years)
    first_drift = first_region + len(regions) + len(forces)
    prior_sd[first_region : first_region + len(regions)] = REGION_SD
    prior_sd[first_region + len(regions) : first_drift] = FORCE_SD
    prior_mean[-1], prior_sd[-1] = DISPERSION_PRIOR
    steps = _random_walk(cells, first_drift, width + 1) / DRIFT_SD
    fixed = np.where(np.arange(width + 1) < first_drift, 1 / prior_sd**2, 0.0)
    precision = sparse.csr_array(sparse.diags_array(fixed) + steps.T @ steps)

    def negative_log_posterior(theta: np.ndarray) -> tuple[float, np.ndarray]:
        eta = design @ theta[:-1] + offset
        mu = np.exp(eta)
        k = math.exp(theta[-1])
        m = groups @ mu
        q = groups @ (mu * mu)
        size = k * m * m / q
        value = 0.0
        d_m = np.zeros(len(found))
        d_size = np.zeros(len(found))
        if exact.any():
            y, mm, kk = low[exact], m[exact], size[exact]
            value += float(_nb_logp(y, mm, kk).sum())
            d_m[exact] = y / mm - (y + kk) / (kk + mm)
            d_size[exact] = (
                digamma(y + kk) - digamma(kk) + np.log(kk / (kk + mm)) + (mm - y) / (kk + mm)
            )
        censored = ~exact
        if censored.any():
            lo, hi, mm, kk = low[censored], high[censored], m[censored], size[censored]
            value += float(_interval_logp(lo, hi, mm, kk).sum())
            hm, hk = 1e-4 * mm, 1e-4 * kk
            d_m[censored] = (
                _interval_logp(lo, hi, mm + hm, kk) - _interval_logp(lo, hi, mm - hm, kk)
            ) / (2 * hm)
            d_size[censored] = (
                _interval_logp(lo, hi, mm, kk + hk) - _interval_logp(lo, hi, mm, kk - hk)
            ) / (2 * hk)
        # size = k m^2 / q: d size / d mu_i = 2 k m (q - m mu_i) / q^2
        per_cell = groups.T @ (d_m + d_size * 2 * k * m / q) - mu * (
            groups.T @ (d_size * 2 * k * m * m / (q * q))
        )
        d_eta = per_cell * mu
        gradient = np.empty_like(theta)
        gradient[:-1] = design.T @ d_eta
        gradient[-1] = float(d_size @ size)
        pulled = precision @ (theta - prior_mean)
        value -= 0.5 * float((theta - prior_mean) @ pulled)
        gradient -= pulled
        return -value, -gradient

    start = np.zeros(width + 1)
    start[-1] = DISPERSION_PRIOR[0]
    totals = {y: national.get((EW, y)) for y in years}
    pop = {y: sum(exposure[c] for c in cells if c[1] == y) for y in years}
    if totals[years[0]]:
        start[0] = math.log(totals[years[0]] / pop[years[0]])
        for j, y in enumerate(years[1:], start=1):
            if totals[y]:
                start[j] = math.log(totals[y] / pop[y]) - start[0]
    result = minimize(
        negative_log_posterior,
        start,
        jac=True,
        method="L-BFGS-B",
        options={"maxiter": 5000, "maxfun": 10000, "ftol": 1e-12, "gtol": 1e-7},
    )
    theta = result.x
    information = _information(theta, design, offset, groups, exact, low, high)
    information[:-1, :-1] += precision.toarray()[:-1, :-1]
    step = np.zeros_like(theta)
    step[-1] = 1e-4
    information[-1, -1] = (
        negative_log_posterior(theta + step)[1][-1] - negative_log_posterior(theta - step)[1][-1]
    ) / 2e-4
    covariance = _inverse(information)
    return Estimate(cells, design, offset, theta, covariance, names)


def _random_walk(cells: list[Cell], first: int, width: int) -> sparse.csr_array:
    """Rows of first differences of each force's drift over its years (its first year against
    0): the random walk's steps."""
    rows, cols, values = [], [], []
    previous: dict[str, int] = {}
    ordered = sorted(range(len(cells)), key=lambda i: cells[i])
    for row, i in enumerate(ordered):
        force = cells[i][0]
        rows.append(row)
        cols.append(first + i)
        values.append(1.0)
        if force in previous:
            rows.append(row)
            cols.append(first + previous[force])
            values.append(-1.0)
        previous[force] = i
    return sparse.csr_array((values, (rows, cols)), shape=(len(cells), width))


def _information(
    theta: np.ndarray,
    design: sparse.csr_array,
    offset: np.ndarray,
    groups: sparse.csr_array,
    exact: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
) -> np.ndarray:
    """The likelihood's expected information on the linear parameters (Fisher scoring's: each
    figure's sum M informs the log rates of its cells in proportion to their means, by 1/Var
    for an exact count and by the curvature of its probability for a censored one)."""
    mu = np.exp(design @ theta[:-1] + offset)
    k = math.exp(theta[-1])
    m = groups @ mu
    size = k * m * m / (groups @ (mu * mu))
    curvature = np.empty(len(m))
    curvature[exact] = 1 / (m[exact] + m[exact] ** 2 / size[exact])
    censored = ~exact
    if censored.any():
        lo, hi, mm, kk = low[censored], high[censored], m[censored], size[censored]
        h = 1e-3 * mm
        second = (
            _interval_logp(lo, hi, mm + h, kk)
            - 2 * _interval_logp(lo, hi, mm, kk)
            + _interval_logp(lo, hi, mm - h, kk)
        ) / (h * h)
        curvature[censored] = np.maximum(-second, 0.0)
    slopes = sparse.csr_array(groups * mu) @ design
    weighted = (slopes.T * curvature) @ slopes
    full = np.zeros((len(theta), len(theta)))
    full[:-1, :-1] = weighted.toarray() if sparse.issparse(weighted) else weighted
    return full


def _inverse(information: np.ndarray) -> np.ndarray:
    """The covariance of the Laplace approximation: the inverse of a symmetric, floored
    information matrix."""
    values, vectors = np.linalg.eigh((information + information.T) / 2)
    return (vectors / np.maximum(values, 1e-8)) @ vectors.T
