"""Honest uncertainty for counts of offences: exact Poisson intervals, a test of year-on-year
change and funnel-plot control limits. Pure Python on exact Poisson and binomial probabilities.

* :func:`poisson_interval` — Garwood (1936) exact 95% interval for a Poisson count; a rate's
  interval is the count's divided by the population (:func:`rate_interval`).
* :func:`change_p_value` — exact conditional test of two Poisson counts (Przyborowski & Wilenski
  1940): given ``n = previous + current``, ``current`` is Binomial(n, 1/2) when the underlying rate
  did not change, so the two-sided binomial test of ``current`` out of ``n`` tests the change.
* :func:`funnel_limits` — Spiegelhalter (2005) funnel-plot control limits for a rate: exact Poisson
  quantiles of the expected count, interpolated between integers (his appendix A.1.1).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from statistics import NormalDist

LEVEL = 0.95
"""Confidence level of the intervals shown."""
SIGNIFICANCE = 0.05
"""A change is called statistically distinguishable from no change below this p-value."""
FUNNEL_LEVELS = (0.95, 0.998)
"""Funnel control limits: about 2 and 3 standard deviations (Spiegelhalter 2005)."""
PER = 100_000
EXACT_UP_TO = 10_000
"""Above this count (or expected count) the exact methods give way to approximations that agree
with them to better than 1 part in 10 million (Wilson-Hilferty for Garwood limits, the normal
approximation for the binomial test and funnel limits), so huge files stay fast and finite."""
_EPSILON = 1e-15
_TINY = 1e-300

INTERVAL_METHOD = (
    "95% intervals: exact Poisson (Garwood 1936) on each count, divided by population for rates"
)
CHANGE_METHOD = (
    "Year-on-year change: exact conditional test of two Poisson counts (binomial test of the "
    "latest year's count out of both years', Przyborowski & Wilenski 1940), two-sided, p < 0.05"
)
FUNNEL_METHOD = (
    "Funnel plot: national rate with 95% and 99.8% exact Poisson control limits "
    "(Spiegelhalter 2005)"
)


def _gamma_series(a: float, x: float) -> float:
    """Regularised lower incomplete gamma P(a, x) by its series (for x < a + 1)."""
    term = total = 1.0 / a
    n = a
    for _ in range(_iterations(a)):
        n += 1
        term *= x / n
        total += term
        if term < total * _EPSILON:
            break
    return total * math.exp(-x + a * math.log(x) - math.lgamma(a))


def _gamma_fraction(a: float, x: float) -> float:
    """Regularised upper incomplete gamma Q(a, x) by its continued fraction (for x >= a + 1)."""
    b = x + 1 - a
    c = 1 / _TINY
    d = 1 / b
    h = d
    for i in range(1, _iterations(a)):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = _TINY if abs(d) < _TINY else d
        c = b + an / c
        c = _TINY if abs(c) < _TINY else c
        d = 1 / d
        delta = d * c
        h *= delta
        if abs(delta - 1) < _EPSILON:
            break
    return math.exp(-x + a * math.log(x) - math.lgamma(a)) * h


def _iterations(a: float) -> int:
    return 1_000 + int(50 * math.sqrt(a))


def poisson_cdf(k: int, mean: float) -> float:
    """P(X <= k) for X ~ Poisson(mean)."""
    if k < 0:
        return 0.0
    if mean <= 0:
        return 1.0
    a = k + 1
    if mean < a + 1:
        return 1.0 - _gamma_series(a, mean)
    return _gamma_fraction(a, mean)


def poisson_sf(k: int, mean: float) -> float:
    """P(X >= k) for X ~ Poisson(mean)."""
    if k <= 0:
        return 1.0
    if mean <= 0:
        return 0.0
    if mean < k + 1:
        return _gamma_series(k, mean)
    return 1.0 - _gamma_fraction(k, mean)


def _pmf(k: int, mean: float) -> float:
    return math.exp(-mean + k * math.log(mean) - math.lgamma(k + 1)) if mean > 0 else float(k == 0)


def _solve_cdf(k: int, target: float, guess: float, low: float, high: float) -> float:
    """The mean m in [low, high] with P(X <= k | m) = target: Newton steps from ``guess`` (the
    slope is -P(X = k | m)), kept inside a shrinking bracket, bisecting when a step leaves it."""
    m = min(max(guess, low), high)
    for _ in range(100):
        excess = poisson_cdf(k, m) - target
        if excess > 0:
            low = m
        else:
            high = m
        slope = _pmf(k, m)
        step = m + excess / slope if slope > 0 else (low + high) / 2
        following = step if low < step < high else (low + high) / 2
        if abs(following - m) <= 1e-13 * max(1.0, m) or high - low <= 1e-13 * max(1.0, high):
            return following
        m = following
    return m


@lru_cache(maxsize=4096)
def poisson_interval(count: int, level: float = LEVEL) -> tuple[float, float]:
    """Garwood's exact interval for the mean of a Poisson count.

    The lower limit L solves P(X >= count | L) = (1 - level) / 2 (0 for a count of 0); the upper U
    solves P(X <= count | U) = (1 - level) / 2 — equivalently chi-squared quantiles
    chi2((1-level)/2, 2k)/2 and chi2((1+level)/2, 2k+2)/2.
    """
    if count < 0:
        raise ValueError(f"a count cannot be negative: {count}")
    tail = (1 - level) / 2
    if count > EXACT_UP_TO:
        return _wilson_hilferty(count, level)
    guess_low, guess_high = _wilson_hilferty(max(count, 1), level)
    span = 20 * math.sqrt(count + 1) + 20
    upper = _solve_cdf(count, tail, guess_high, float(count), count + span)
    if count == 0:
        return 0.0, upper
    lower = _solve_cdf(count - 1, 1 - tail, guess_low, 0.0, float(count))
    return lower, upper


def _wilson_hilferty(count: int, level: float) -> tuple[float, float]:
    """Garwood's limits through the Wilson-Hilferty cube-root approximation of chi-squared."""
    z = NormalDist().inv_cdf((1 + level) / 2)
    following = count + 1
    lower = count * (1 - 1 / (9 * count) - z / (3 * math.sqrt(count))) ** 3
    upper = following * (1 - 1 / (9 * following) + z / (3 * math.sqrt(following))) ** 3
    return lower, upper


def rate_interval(
    count: int, population: float, years: int = 1, per: int = PER, level: float = LEVEL
) -> tuple[float, float]:
    """The exact interval of a rate per ``per`` residents per year: the count's, scaled."""
    scale = per / (population * years)
    lower, upper = poisson_interval(count, level)
    return lower * scale, upper * scale


def _log_binomial_half(n: int, k: int) -> float:
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1) - n * math.log(2)


def change_p_value(current: int, previous: int) -> float:
    """Two-sided p-value of the exact conditional test that two Poisson counts share one mean.

    Conditional on their sum n, ``current`` ~ Binomial(n, 1/2) under no change; the distribution is
    symmetric, so the two-sided p-value is twice the smaller tail (at most 1).
    """
    if current < 0 or previous < 0:
        raise ValueError("counts cannot be negative")
    n = current + previous
    smaller = min(current, previous)
    if n == 0 or 2 * smaller == n:
        return 1.0
    if n > 100 * EXACT_UP_TO:
        z = (n / 2 - smaller - 0.5) / (math.sqrt(n) / 2)
        return min(1.0, 2 * NormalDist().cdf(-z))
    # the tail P(X <= smaller), summed downwards from its largest term
    term = math.exp(_log_binomial_half(n, smaller))
    tail = 0.0
    for i in range(smaller, -1, -1):
        tail += term
        if term < tail * _EPSILON:
            break
        term *= i / (n - i + 1)
    return min(1.0, 2 * tail)


def change_significant(
    current: int | None, previous: int | None, alpha: float = SIGNIFICANCE
) -> bool | None:
    """Whether the change from ``previous`` to ``current`` is distinguishable from chance.

    ``None`` when either count is missing (no comparison to make).
    """
    if current is None or previous is None:
        return None
    return change_p_value(int(current), int(previous)) < alpha


def poisson_quantile(p: float, mean: float) -> int:
    """The smallest integer r with P(X <= r) >= p for X ~ Poisson(mean)."""
    r = max(0, int(mean + math.sqrt(mean) * _normal_quantile(p)) - 1)
    while r > 0 and poisson_cdf(r - 1, mean) >= p:
        r -= 1
    while poisson_cdf(r, mean) < p:
        r += 1
    return r


def _normal_quantile(p: float) -> float:
    """A starting guess only (Abramowitz & Stegun 26.2.23, error < 4.5e-4)."""
    q = min(p, 1 - p)
    t = math.sqrt(-2 * math.log(q))
    z = t - (2.515517 + 0.802853 * t + 0.010328 * t * t) / (
        1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t**3
    )
    return z if p > 0.5 else -z


def funnel_limit(p: float, target_rate: float, exposure: float) -> float:
    """The ``p`` control limit of an observed rate (events per unit of ``exposure``).

    Spiegelhalter (2005), appendix A.1.1: with r the ``p`` quantile of Poisson(target * exposure)
    and alpha = (F(r) - p) / (F(r) - F(r - 1)), the limit is (r - alpha) / exposure.
    """
    mean = target_rate * exposure
    if mean <= 0:
        return 0.0
    if mean > 10 * EXACT_UP_TO:
        return max(0.0, target_rate + NormalDist().inv_cdf(p) * math.sqrt(target_rate / exposure))
    r = poisson_quantile(p, mean)
    at, below = poisson_cdf(r, mean), poisson_cdf(r - 1, mean)
    alpha = (at - p) / (at - below) if at > below else 0.0
    return max(0.0, r - alpha) / exposure


@dataclass(frozen=True)
class FunnelLimits:
    """Lower and upper control limits of a rate at one exposure, for each level."""

    exposure: float
    limits: dict[float, tuple[float, float]]


def funnel_limits(
    target_rate: float, exposure: float, levels: tuple[float, ...] = FUNNEL_LEVELS
) -> FunnelLimits:
    """The two-sided control limits around ``target_rate`` for a unit of this ``exposure``."""
    return FunnelLimits(
        exposure,
        {
            level: (
                funnel_limit((1 - level) / 2, target_rate, exposure),
                funnel_limit((1 + level) / 2, target_rate, exposure),
            )
            for level in levels
        },
    )
