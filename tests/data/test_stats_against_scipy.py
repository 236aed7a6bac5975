"""The hand-written statistics (:mod:`tui.data.engine.stats`: its own incomplete gamma, interval
solver, binomial tails and Poisson quantiles) against ``scipy.stats`` over grids of counts.

They are kept hand-written for start-up (scipy.stats takes 0.7-0.9 s to import here; the explorer's
first screen takes about 0.3 s): these tests are their reason to be trusted.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as scipy_stats

from tui.data.engine import stats

SMALL = list(range(0, 201))
LARGER = [250, 333, 500, 777, 1_000, 2_500, 3_217, 5_000, 7_263, 9_999, 10_000]
BEYOND_EXACT = [10_001, 25_000, 100_000, 1_000_000]
LEVELS = (0.8, 0.95, 0.998)


def garwood(count: int, level: float) -> tuple[float, float]:
    """Garwood's interval from scipy's chi-squared quantiles."""
    tail = (1 - level) / 2
    lower = 0.0 if count == 0 else scipy_stats.chi2.ppf(tail, 2 * count) / 2
    return lower, scipy_stats.chi2.ppf(1 - tail, 2 * count + 2) / 2


@pytest.mark.parametrize("level", LEVELS)
def test_exact_intervals_agree_with_scipy_over_every_count_to_200_and_beyond(level: float) -> None:
    for count in SMALL + LARGER:
        ours, theirs = stats.poisson_interval(count, level), garwood(count, level)
        assert ours[0] == pytest.approx(theirs[0], rel=1e-9, abs=1e-12), (count, level)
        assert ours[1] == pytest.approx(theirs[1], rel=1e-9), (count, level)


@pytest.mark.parametrize("count", BEYOND_EXACT)
def test_the_approximation_above_ten_thousand_is_within_one_part_in_ten_million(count: int) -> None:
    ours, theirs = stats.poisson_interval(count), garwood(count, stats.LEVEL)
    assert ours == pytest.approx(theirs, rel=1e-7)


@settings(max_examples=200, deadline=None)
@given(count=st.integers(0, 10_000), level=st.sampled_from(LEVELS))
def test_exact_intervals_agree_with_scipy_for_any_count(count: int, level: float) -> None:
    assert stats.poisson_interval(count, level) == pytest.approx(
        garwood(count, level), rel=1e-9, abs=1e-12
    )


MEANS = (0.01, 0.5, 1.0, 3.7, 10.0, 49.5, 100.0, 264.0, 1_000.0, 6_192.0)


def test_poisson_tails_agree_with_scipy() -> None:
    for mean in MEANS:
        for k in sorted({0, 1, 2, 5, int(mean), int(mean) + 1, int(mean * 1.3) + 3}):
            assert stats.poisson_cdf(k, mean) == pytest.approx(
                scipy_stats.poisson.cdf(k, mean), rel=1e-10, abs=1e-250
            ), (k, mean)
            assert stats.poisson_sf(k, mean) == pytest.approx(
                scipy_stats.poisson.sf(k - 1, mean), rel=1e-10, abs=1e-250
            ), (k, mean)


@pytest.mark.parametrize("p", [0.001, 0.025, 0.5, 0.975, 0.999])
def test_poisson_quantiles_agree_with_scipy(p: float) -> None:
    for mean in MEANS:
        assert stats.poisson_quantile(p, mean) == int(scipy_stats.poisson.ppf(p, mean)), mean


PAIRS = [(a, b) for a in (0, 1, 3, 10, 37, 122, 264) for b in (0, 2, 9, 40, 140, 230)] + [
    (230, 264),
    (3_217, 4_625),
    (6_192, 6_393),
    (50_000, 50_400),
]


def test_change_p_values_agree_with_scipys_exact_binomial_test() -> None:
    """Given both years' total, no change makes the latest year's count Binomial(n, 1/2):
    scipy's two-sided exact test gives the same p-value."""
    for current, previous in PAIRS:
        n = current + previous
        expected = 1.0 if n == 0 else scipy_stats.binomtest(current, n, 0.5).pvalue
        assert stats.change_p_value(current, previous) == pytest.approx(
            expected, rel=1e-9, abs=1e-250
        ), (current, previous)


@settings(max_examples=200, deadline=None)
@given(current=st.integers(0, 3_000), previous=st.integers(0, 3_000))
def test_change_p_values_agree_with_scipy_for_any_pair(current: int, previous: int) -> None:
    n = current + previous
    expected = 1.0 if n == 0 else scipy_stats.binomtest(current, n, 0.5).pvalue
    assert stats.change_p_value(current, previous) == pytest.approx(expected, rel=1e-9, abs=1e-250)


def spiegelhalter(p: float, rate: float, exposure: float) -> float:
    """Spiegelhalter's interpolated control limit, from scipy's Poisson distribution."""
    mean = rate * exposure
    r = scipy_stats.poisson.ppf(p, mean)
    at, below = scipy_stats.poisson.cdf(r, mean), scipy_stats.poisson.cdf(r - 1, mean)
    alpha = (at - p) / (at - below) if at > below else 0.0
    return max(0.0, r - alpha) / exposure


@pytest.mark.parametrize("p", [0.001, 0.025, 0.975, 0.999])
def test_funnel_limits_agree_with_scipy(p: float) -> None:
    rate = 9.4 / 100_000
    for population in (8_000, 150_000, 1_000_000, 2_900_000, 20_000_000):
        exposure = population * 7
        assert stats.funnel_limit(p, rate, exposure) == pytest.approx(
            spiegelhalter(p, rate, exposure), rel=1e-9
        ), population
        assert math.isfinite(stats.funnel_limit(p, rate, exposure))
