"""Map tiles and funnel points, computed from a file whose counts we know."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from tui.data.engine import stats
from tui.data.engine.populations import population_table
from tui.data.engine.query import summary
from tui.data.features.force_map import band_of, class_breaks, force_map, neighbour
from tui.data.features.funnel import ABOVE, BELOW, INSIDE, funnel, outliers_note
from tui.data.features.navigation import initial_selection
from tui.data.loading import load_dataset

COUNTS = {"Kent": 400, "Essex": 90, "Surrey": 60, "Dyfed-Powys": 25, "Cumbria": 0}


@pytest.fixture(scope="module")
def known(tmp_path_factory: pytest.TempPathFactory):
    path: Path = tmp_path_factory.mktemp("funnel") / "forces.csv"
    rows = ["force,year,offences"] + [f"{f},2023/24,{n}" for f, n in COUNTS.items()]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return load_dataset(path)


def test_class_breaks_are_quantiles_without_repeats():
    assert class_breaks([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]) == (3, 5, 7, 9)
    assert class_breaks([5, 5, 5]) == ()
    assert class_breaks([1, 1, 1, 1, 9]) == (1,)
    assert [band_of(v, (3, 5)) for v in (0, 3, 4, 5, 6)] == [0, 0, 1, 1, 2]


def test_map_has_every_force_and_tells_no_data_from_zero(known):
    selection = initial_selection(known)
    result = force_map(known, selection)
    assert result is not None and len(result.tiles) == 43
    assert result.measure == "rate"
    cumbria, kent, devon = (result.tile(f) for f in ("Cumbria", "Kent", "Devon and Cornwall"))
    assert cumbria.count == 0 and cumbria.value == 0 and cumbria.band == 0
    assert devon.count is None and devon.value is None and devon.band is None
    assert kent.band == max(t.band for t in result.tiles if t.band is not None)
    assert (kent.low, kent.high) == pytest.approx(stats.poisson_interval(400))
    assert result.breaks == tuple(sorted(result.breaks))


def test_map_measure_and_force_filter(known):
    selection = initial_selection(known).with_filter("force", ("Kent", "Essex"))
    counts = force_map(known, selection, "count")
    assert counts.measure == "count" and counts.tile("Kent").value == 400
    assert counts.tile("Kent").selected and not counts.tile("Surrey").selected
    assert counts.tile("Surrey").count == 60  # faded, but its figure is still known
    # one year only: no change to map, so the map falls back to counts rather than "no data"
    assert force_map(known, selection, "change").measure == "count"


def test_arrow_keys_move_to_geographic_neighbours(known):
    tiles = force_map(known, initial_selection(known)).tiles
    by_name = {t.force: t for t in tiles}
    met = by_name["Metropolitan Police"]
    assert neighbour(tiles, met, "right").force == "City of London"
    assert neighbour(tiles, met, "up").force == "Hertfordshire"
    assert neighbour(tiles, met, "down").force == "Sussex"
    assert neighbour(tiles, by_name["Northumbria"], "up").force == "Northumbria"
    assert neighbour(tiles, by_name["Gwent"], "left").force == "South Wales"


def test_funnel_national_rate_limits_and_outliers(known):
    result = funnel(known, initial_selection(known))
    assert result is not None
    table = population_table().filter(pl.col("year") == "2023/24")  # each year its own
    population = dict(table.select("force", "population_all_ages").iter_rows())
    shown = [f for f in COUNTS]
    national = sum(COUNTS.values()) / sum(population[f] for f in shown) * 100_000
    assert result.national_rate == pytest.approx(national)
    points = {p.force: p for p in result.points}
    assert points["Kent"].rate == pytest.approx(400 / population["Kent"] * 100_000)
    _, high = stats.funnel_limits(national / 100_000, population["Kent"]).limits[0.998]
    expected = ABOVE if points["Kent"].rate > high * 100_000 else INSIDE
    assert points["Kent"].beyond_998 == expected == ABOVE
    assert points["Cumbria"].beyond_998 == BELOW
    assert set(result.outliers) >= {points["Kent"], points["Cumbria"]}
    lows, highs = result.limits[0.95]
    outer_lows, outer_highs = result.limits[0.998]
    assert all(a <= b for a, b in zip(outer_lows, lows, strict=True))
    assert all(a >= b for a, b in zip(outer_highs, highs, strict=True))
    # the funnel narrows as population grows
    assert highs[0] - lows[0] > highs[-1] - lows[-1]


def test_funnel_needs_populations(tmp_path: Path):
    path = tmp_path / "no_forces.csv"
    path.write_text("platform,offences\nSnapchat,5\n", encoding="utf-8")
    dataset = load_dataset(path)
    assert funnel(dataset, initial_selection(dataset)) is None
    assert force_map(dataset, initial_selection(dataset)) is None


def test_funnel_is_a_chart_kind_of_the_one_engine(known, tmp_path: Path):
    from tui.data.engine.query import chart_data
    from tui.data.features.funnel import FUNNEL_SERIES

    chart = chart_data(known, initial_selection(known), "funnel")
    assert chart.kind == "funnel" and [n for n, _ in chart.series] == list(FUNNEL_SERIES)
    populations = dict(chart.series)["population"]
    assert list(populations) == sorted(populations)
    assert "outside 99.8%" in chart.note
    path = tmp_path / "platforms.csv"
    path.write_text("platform,offences\nSnapchat,5\n", encoding="utf-8")
    plain = load_dataset(path)
    fallback = chart_data(plain, initial_selection(plain), "funnel")
    assert fallback.kind == "bar" and "populations" in fallback.note


def test_a_partial_force_is_left_out_of_the_funnel_by_name(dataset):
    """All years: the forces with a year missing (Hampshire 2021/22...) have no place in it."""
    everything = funnel(dataset, initial_selection(dataset))
    assert everything is not None
    left_out = dict(everything.left_out)
    assert left_out["Hampshire"] == "Hampshire: no figure for 2021/22"
    assert "Hampshire" not in {p.force for p in everything.points}
    assert "partial, left out: " in outliers_note(everything)


def test_the_funnel_and_the_map_give_the_tables_rate(dataset):
    """One rate per force and selection: the table's, the map's and the funnel's."""
    selection = initial_selection(dataset).with_filter("year", ("2019/20", "2020/21"))
    table = summary(dataset, selection.grouped_by("force"))
    rates = dict(table.frame.select(pl.col("force").cast(pl.String), "rate_per_100k").iter_rows())
    mapped = force_map(dataset, selection)
    points = {p.force: p for p in funnel(dataset, selection).points}
    for tile in mapped.tiles:
        assert tile.rate == pytest.approx(rates[tile.force])
        if tile.force in points:
            assert points[tile.force].rate == pytest.approx(rates[tile.force])
    assert mapped.tile("Gwent").partial and "Gwent" not in points  # no 2020/21 figure


def test_no_force_is_judged_against_a_modelled_national_rate(dataset):
    """All years: England and Wales's 2024/25 total is modelled, so the national rate is an
    estimate and no published force is called an outlier; in 2019/20 the total is published."""
    everything = funnel(dataset, initial_selection(dataset))
    assert everything is not None and everything.national_modelled
    assert everything.outliers == ()
    assert "national rate modelled" in outliers_note(everything)
    one_year = funnel(dataset, initial_selection(dataset).with_filter("year", ("2019/20",)))
    assert one_year is not None and not one_year.national_modelled
    assert one_year.outliers and "published forces outside 99.8%" in outliers_note(one_year)
