"""The builder's reconciled draws (data/draws.parquet): every draw kept, force-years that add up
in every draw, published force-years the same in every draw, and a rounding that moves no
breakdown cell by more than one from its reconciled value."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import polars as pl
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from tui.data.build.breakdown_draws import _largest_remainder, reconcile_breakdown
from tui.data.build.draws import DRAWS
from tui.data.build.sanity import INSTANCES_PER_OFFENCE
from tui.data.engine.intervals import DRAWS_COLUMN, DRAWS_FILE, MEASURE_COLUMN


@given(
    arrays(
        np.float64,
        st.tuples(st.integers(1, 4), st.integers(1, 6)),
        elements=st.floats(0, 1000, allow_nan=False),
    )
)
def test_largest_remainders_keep_each_total_and_move_no_cell_by_one(values) -> None:
    totals = np.rint(values.sum(axis=-1))
    whole = _largest_remainder(values, totals)
    assert np.array_equal(whole.sum(axis=-1), totals)
    assert np.all(np.abs(whole - values) < 1 + 1e-6)
    assert np.all(whole == np.rint(whole))


@given(st.integers(0, 2**32 - 1))
def test_a_reconciled_breakdown_meets_its_figures_before_rounding(seed: int) -> None:
    """Two force-years of three members: a count over both (members 0) and a share of the
    first (member 1 at 40-45% of its recorded members), with each force-year's total kept."""
    rng = np.random.default_rng(seed)
    totals = rng.integers(20, 200, size=(5, 2)).astype(float)
    x = rng.gamma(1.0, size=(5, 2, 3)) + 1e-3
    x *= (totals / x.sum(axis=-1))[..., None]
    count_low = 0.2 * totals.sum(axis=1).min()
    rows = [
        (np.array([0, 3]), np.array([1.0, 1.0]), count_low, count_low, "count"),
        # share: 1 * member1 - 0.40 * (member0 + member1 + member2) >= 0, and <= 0.05 * ...
        (np.array([0, 1, 2]), np.array([-0.40, 0.60, -0.40]), 0.0, np.inf, "share low"),
        (np.array([0, 1, 2]), np.array([-0.45, 0.55, -0.45]), -np.inf, 0.0, "share high"),
    ]
    breakdown = SimpleNamespace(rows=rows)
    try:
        found = reconcile_breakdown(breakdown, x.copy(), totals)  # type: ignore[arg-type]
    except ValueError:  # the figures cannot all hold with these totals
        assert np.any(count_low > totals.sum(axis=1))
        return
    flat = found.reshape(5, -1)
    for index, coefficient, low, high, _ in rows:
        values = flat[:, index] @ coefficient
        assert np.all(values >= low - 0.01) and np.all(values <= high + 0.01)
    assert np.allclose(found.sum(axis=-1), totals)


def _stored(data_dir) -> pl.DataFrame:
    return pl.read_parquet(data_dir / DRAWS_FILE)


def test_every_draw_is_kept_in_a_small_file(data_dir) -> None:
    path = data_dir / DRAWS_FILE
    table = _stored(data_dir)
    assert table.schema[DRAWS_COLUMN].size == DRAWS  # type: ignore[union-attr]
    assert table.schema[DRAWS_COLUMN].inner in (pl.Int16, pl.Int32)  # type: ignore[union-attr]
    assert path.stat().st_size < 5_000_000


def test_force_years_add_up_and_stay_in_range_in_every_draw(data_dir, dataset) -> None:
    """Per force-year and draw: offences within what the published figures allow
    (data/ranges.csv), a published count the same in every draw, and platform instances
    within 0.3-3 per offence."""
    table = _stored(data_dir)
    values = np.stack(table[DRAWS_COLUMN].to_numpy())
    keys = table.select(
        pl.col("jurisdiction", "force", "year").cast(pl.String), pl.col(MEASURE_COLUMN)
    ).with_row_index("row")
    ranges = pl.read_csv(data_dir / "ranges.csv").filter(pl.col("scope_type") == "force")
    bounds = {
        (r["scope"], r["year"], r["measure"]): (r["low"], r["high"])
        for r in ranges.iter_rows(named=True)
    }
    groups = keys.group_by("force", "year", MEASURE_COLUMN).agg(pl.col("row"))
    sums = {
        (force, year, measure): values[rows].sum(axis=0)
        for force, year, measure, rows in groups.iter_rows()
    }
    checked = 0
    for (force, year, measure), drawn in sums.items():
        low, high = bounds[(force, year, measure)]
        assert low <= drawn.min() and drawn.max() <= high, (force, year, measure)
        if low == high:
            assert np.all(drawn == low)
        if measure == "offences":
            instances = sums[(force, year, "instances")]
            least, most = INSTANCES_PER_OFFENCE
            assert np.all(instances >= np.ceil(least * drawn))
            assert np.all(instances <= np.floor(most * drawn))
        checked += 1
    assert checked > 700
