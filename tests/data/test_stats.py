"""Value tests of the statistics against published tables and worked examples."""

from __future__ import annotations

import pytest

from tui.data.engine import stats

# Garwood exact 95% limits for a Poisson count, as tabulated (e.g. Ulm 1990, Am J Epidemiol
# 131:373; the PHE/APHO "Byar" tables): count -> (lower, upper).
PUBLISHED_GARWOOD = {
    0: (0.0, 3.689),
    1: (0.0253, 5.572),
    2: (0.242, 7.225),
    5: (1.624, 11.668),
    10: (4.795, 18.390),
    100: (81.364, 121.627),
}


@pytest.mark.parametrize(("count", "expected"), PUBLISHED_GARWOOD.items())
def test_garwood_interval_matches_published_table(count, expected):
    lower, upper = stats.poisson_interval(count)
    assert lower == pytest.approx(expected[0], abs=6e-4)
    assert upper == pytest.approx(expected[1], abs=6e-4)


def test_interval_of_zero_starts_at_zero_and_upper_is_minus_log_tail():
    # P(X = 0 | U) = exp(-U) = 0.025, so U = -ln(0.025)
    lower, upper = stats.poisson_interval(0)
    assert lower == 0.0
    assert upper == pytest.approx(3.6888794541, rel=1e-9)


def test_interval_of_large_count_is_close_to_normal_approximation():
    lower, upper = stats.poisson_interval(40_000)
    assert lower == pytest.approx(40_000 - 1.96 * 200, rel=1e-3)
    assert upper == pytest.approx(40_000 + 1.96 * 200, rel=1e-3)


def test_intervals_widen_with_level_and_contain_the_count():
    for count in (1, 7, 264, 5_000):
        narrow = stats.poisson_interval(count, 0.95)
        wide = stats.poisson_interval(count, 0.998)
        assert wide[0] < narrow[0] < count < narrow[1] < wide[1]


def test_rate_interval_scales_the_count_interval():
    lower, upper = stats.rate_interval(10, population=500_000, years=2)
    assert lower == pytest.approx(4.795 / 10, abs=1e-4)
    assert upper == pytest.approx(18.390 / 10, abs=1e-4)


def test_negative_count_is_refused():
    with pytest.raises(ValueError):
        stats.poisson_interval(-1)


@pytest.mark.parametrize(
    ("current", "previous", "p_value"),
    [
        (5, 0, 0.0625),  # 2 * (1/2)^5
        (6, 0, 0.03125),  # 2 * (1/2)^6
        (20, 10, 0.0987371467),  # 2 * P(Bin(30, 1/2) <= 10)
        (3, 5, 0.7265625),  # 2 * (1 + 8 + 28 + 56) / 256
        (100, 100, 1.0),
        (0, 0, 1.0),
    ],
)
def test_change_p_value_is_the_exact_binomial_test(current, previous, p_value):
    assert stats.change_p_value(current, previous) == pytest.approx(p_value, rel=1e-9)


def test_change_of_a_few_dozen_on_hundreds_is_not_significant_but_ten_percent_on_thousands_is():
    assert stats.change_significant(264, 230) is False
    assert stats.change_significant(1_100, 1_000) is True
    assert stats.change_significant(264, None) is None


def test_change_test_is_symmetric():
    assert stats.change_p_value(40_500, 40_000) == pytest.approx(
        stats.change_p_value(40_000, 40_500)
    )


def test_poisson_quantile_is_smallest_with_cdf_at_least_p():
    # Poisson(10): F(3) = 0.010336, F(4) = 0.029253, F(16) = 0.972958, F(17) = 0.985722
    assert stats.poisson_cdf(3, 10) == pytest.approx(0.010336, abs=1e-6)
    assert stats.poisson_cdf(4, 10) == pytest.approx(0.029253, abs=1e-6)
    assert stats.poisson_quantile(0.025, 10) == 4
    assert stats.poisson_quantile(0.975, 10) == 17
    assert stats.poisson_sf(4, 10) == pytest.approx(1 - 0.010336, abs=1e-6)


def test_funnel_limits_worked_example():
    """Target 1 per 100 residents, a force of 1,000 residents: expected count 10.

    Lower 95%: r = 4, alpha = (0.029253 - 0.025) / (0.029253 - 0.010336) = 0.22482,
    limit = (4 - 0.22482) / 1000 = 0.0037752.
    Upper 95%: r = 17, alpha = (0.985722 - 0.975) / (0.985722 - 0.972958) = 0.84002,
    limit = (17 - 0.84002) / 1000 = 0.0161600.
    """
    limits = stats.funnel_limits(0.01, 1_000).limits
    assert limits[0.95][0] == pytest.approx(0.0037752, abs=2e-7)
    assert limits[0.95][1] == pytest.approx(0.0161600, abs=2e-7)
    low998, high998 = limits[0.998]
    assert low998 < limits[0.95][0] and high998 > limits[0.95][1]


def test_funnel_narrows_towards_the_target_as_population_grows():
    target = 2.0 / 100_000
    widths = [
        stats.funnel_limits(target, population).limits[0.95]
        for population in (50_000, 500_000, 5_000_000, 50_000_000)
    ]
    spans = [high - low for low, high in widths]
    assert spans == sorted(spans, reverse=True)
    low, high = widths[-1]
    # at an expected count of 1,000 the exact limits are close to target +/- 1.96 sqrt(target/n)
    half = 1.96 * (target / 50_000_000) ** 0.5
    assert low == pytest.approx(target - half, rel=2e-3)
    assert high == pytest.approx(target + half, rel=2e-3)


def test_huge_counts_stay_finite_and_fast():
    for count in (10_001, 10**9, 10**18):
        lower, upper = stats.poisson_interval(count)
        assert lower < count < upper
        assert upper - lower == pytest.approx(2 * 1.959964 * count**0.5, rel=1e-3, abs=2)
    assert stats.change_p_value(10**12 + 10**7, 10**12) < 1e-10
    assert stats.change_p_value(10**12 + 10, 10**12) > 0.9
    low, high = stats.funnel_limits(1e-4, 1e12).limits[0.95]
    assert low < 1e-4 < high


def test_approximation_meets_the_exact_method_at_the_switch():
    exact = stats.poisson_interval(stats.EXACT_UP_TO)
    approximate = stats.poisson_interval(stats.EXACT_UP_TO + 1)
    assert approximate[0] - exact[0] == pytest.approx(1, abs=0.01)
    assert approximate[1] - exact[1] == pytest.approx(1, abs=0.01)
