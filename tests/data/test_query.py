"""The query engine on a small hand-made dataset whose answers are known."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from tui.data.engine.populations import ALL_AGES, population_table
from tui.data.engine.query import chart_data, matched, member_counts, rows_page, summary
from tui.data.engine.table import CHANGE, RATE, SHARE, SHARE_RECORDED
from tui.data.features.navigation import drill_dimensions, initial_selection, with_jurisdiction
from tui.data.loading import load_dataset
from tui.data.selection import Selection

EW = (("jurisdiction", ("England and Wales",)),)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory):
    path: Path = tmp_path_factory.mktemp("q") / "small.csv"
    pl.DataFrame(
        {
            "year": ["2017/18"] * 4 + ["2018/19"] * 4,
            "force": ["Kent", "Kent", "Essex", "Essex"] * 2,
            "platform": ["Instagram", "Not recorded"] * 4,
            "offences": [10, 5, 20, 5, 30, 5, 20, 15],
        }
    ).write_csv(path)
    return load_dataset(path)


def row(frame: pl.DataFrame, key: str, member: str) -> dict:
    return frame.filter(pl.col(key).cast(pl.String) == member).to_dicts()[0]


def test_shares_where_recorded_exclude_not_recorded(small) -> None:
    result = summary(small, Selection("platform", "offences"))
    assert result.totals["offences"] == 110
    insta = row(result.frame, "platform", "Instagram")
    assert insta["offences"] == 80 and insta[SHARE] == pytest.approx(80 / 110)
    assert insta[SHARE_RECORDED] == pytest.approx(1.0)
    assert row(result.frame, "platform", "Not recorded")[SHARE_RECORDED] is None
    assert result.recorded_total == 80 and result.has_not_recorded


def test_year_on_year_change_by_group_and_by_year(small) -> None:
    by_force = summary(small, Selection("force", "offences"))
    assert by_force.change_label == "2018/19 vs 2017/18"
    assert row(by_force.frame, "force", "Kent")[CHANGE] == pytest.approx(35 / 15 - 1)
    assert row(by_force.frame, "force", "Essex")[CHANGE] == pytest.approx(35 / 25 - 1)
    assert by_force.totals[CHANGE] == pytest.approx(70 / 40 - 1)
    by_year = summary(small, Selection("year", "offences"))
    assert row(by_year.frame, "year", "2017/18")[CHANGE] is None
    assert row(by_year.frame, "year", "2018/19")[CHANGE] == pytest.approx(70 / 40 - 1)
    only_latest = Selection("year", "offences").with_filter("year", ("2018/19",))
    assert row(summary(small, only_latest).frame, "year", "2018/19")[CHANGE] == pytest.approx(0.75)


def test_rate_per_100k_uses_each_years_population(small) -> None:
    """Each year divided by its own mid-year population: Kent 2017/18 by mid-2017, 2018/19 by
    mid-2018 (``data/populations.csv``), over the years added up."""
    people = {(f, y): population(f, y) for f in ("Kent", "Essex") for y in ("2017/18", "2018/19")}
    by_force = summary(small, Selection("force", "offences"))
    kent = people[("Kent", "2017/18")] + people[("Kent", "2018/19")]
    assert row(by_force.frame, "force", "Kent")[RATE] == pytest.approx(50 / kent * 100_000)
    assert by_force.rate_label == "per 100,000 residents per year (ONS mid-year estimates)"
    essex_only = Selection("platform", "offences").with_filter("force", ("Essex",))
    essex = people[("Essex", "2017/18")] + people[("Essex", "2018/19")]
    assert summary(small, essex_only).totals[RATE] == pytest.approx(60 / essex * 100_000)


def population(force: str, year: str) -> int:
    table = population_table()
    return int(table.filter((pl.col("force") == force) & (pl.col("year") == year))[ALL_AGES][0])


def test_filters_counts_rows_and_pages(small) -> None:
    selection = Selection("force", "offences").with_filter("platform", ("Instagram",))
    assert matched(small, selection) == (4, 80)
    counts = member_counts(small, selection, "platform")
    assert counts == {"Instagram": 80, "Not recorded": 30}
    assert member_counts(small, selection, "force") == {"Essex": 40, "Kent": 40}
    page = rows_page(small, selection, 1, 2)
    assert page.height == 2 and set(page["platform"].cast(pl.String)) == {"Instagram"}
    nothing = selection.with_filter("force", ())
    assert matched(small, nothing) == (0, 0)
    assert summary(small, nothing).frame.height == 0


def test_sorting(small) -> None:
    base = Selection("force", "offences")
    assert summary(small, base).frame["force"].cast(pl.String).to_list() == ["Essex", "Kent"]
    by_name = base.with_sort("force", descending=True)
    assert summary(small, by_name).frame["force"].cast(pl.String).to_list() == ["Kent", "Essex"]
    by_change = base.with_sort(CHANGE, descending=True)
    assert summary(small, by_change).frame["force"].cast(pl.String).to_list() == ["Kent", "Essex"]


def test_charts(small, dataset) -> None:
    selection = Selection("force", "offences")
    line = chart_data(small, selection, "line")
    assert line.kind == "line" and line.categories == ("2017/18", "2018/19")
    assert dict(line.series)["Kent"] == (15.0, 35.0)
    stacked = chart_data(small, selection, "stacked")
    assert dict(stacked.series)["Not recorded"] == (20.0, 10.0)
    line = chart_data(dataset, Selection("year", "offences", filters=EW), "line")
    assert line.series[0][1][:2] == (3217.0, 4625.0)


def test_a_line_over_one_year_says_why_it_shows_bars(small) -> None:
    one_year = Selection("force", "offences").with_filter("year", ("2017/18",))
    chart = chart_data(small, one_year, "line")
    assert chart.kind == "bar"
    assert "two or more years" in chart.note


def test_bars_follow_the_table_rows_and_order_with_no_other_bucket(dataset) -> None:
    for selection in (
        Selection("force", "offences"),
        Selection("force", "offences").with_sort("force", descending=False),
        Selection("platform", "offences"),
    ):
        table = summary(dataset, selection).frame
        chart = chart_data(dataset, selection, "bar")
        assert list(chart.categories) == table[selection.group_by].cast(pl.String).to_list()
        assert list(chart.series[0][1]) == [float(v) for v in table["offences"]]
        assert not any(c.startswith("Other (") for c in chart.categories)
        assert chart.not_shown == 0


def test_stacked_bars_from_any_grouping(dataset) -> None:
    for dimension in dataset.dimensions:
        chart = chart_data(dataset, Selection(dimension, "offences"), "stacked")
        assert chart.kind == "stacked", dimension
        table = summary(dataset, Selection(dimension, "offences")).frame
        assert list(chart.categories) == table[dimension].cast(pl.String).to_list()
        totals = [sum(values) for values in zip(*(v for _, v in chart.series), strict=True)]
        assert totals == [float(v) for v in table["offences"]]


def test_a_line_by_group_follows_the_table_order_and_counts_the_rest(dataset) -> None:
    selection = Selection("force", "offences")
    line = chart_data(dataset, selection, "line")
    table = summary(dataset, selection).frame["force"].cast(pl.String).to_list()
    names = [name for name, _ in line.series]
    assert names == table[: len(names)]
    assert line.not_shown == len(table) - len(names) > 0


def test_drill_down_moves_through_the_hierarchies(dataset) -> None:
    dims = drill_dimensions(dataset, "offences")
    assert "platform" not in dims and "sex" in dims
    top = Selection("nation", "offences", filters=EW)
    region = top.drilled("England", dims)
    assert region.group_by == "region" and region.members("nation") == ("England",)
    force = region.drilled("West Midlands", dims)
    assert force.group_by == "force" and force.drill_path == (
        ("nation", "England"),
        ("region", "West Midlands"),
    )
    year = force.drilled("West Mercia", dims)
    assert year.group_by == "year"
    age = year.drilled("2017/18", dims)
    assert summary(dataset, age).totals["offences"] == 73
    sex = age.drilled("0-11", dims)
    assert sex.group_by == "sex"
    assert sex.drilled("Girls", dims) is None
    instances = drill_dimensions(dataset, "instances")
    assert "age_band" not in instances
    owner = year.with_measure("instances").drilled("2017/18", instances)
    platform = owner.drilled("Meta", instances)
    assert platform.group_by == "platform"
    assert platform.drilled("Instagram", instances) is None
    assert set(summary(dataset, platform).frame["platform"].cast(pl.String)) == {
        "Facebook",
        "Messenger",
        "Instagram",
        "WhatsApp",
    }
    skip_filtered = Selection("region", "offences").with_filter("force", ("Kent",))
    assert skip_filtered.next_level(dims) == "year"


def test_toggle_and_clear() -> None:
    members = ("a", "b", "c")
    selection = Selection("x", "n").toggled("x", "b", members)  # nothing ticked: keep only b
    assert selection.members("x") == ("b",)
    assert selection.toggled("x", "a", members).members("x") == ("a", "b")
    assert selection.toggled("x", "b", members).members("x") is None  # none ticked: all kept
    every = selection.toggled("x", "a", members).toggled("x", "c", members)
    assert every.members("x") is None
    assert selection.cleared().filters == ()


def test_up_undoes_a_drill_step_without_history(dataset) -> None:
    dims = dataset.dimensions
    start = Selection("nation", "offences").with_filter("year", ("2018/19",))
    region = start.drilled("England", dims)
    force = region.drilled("London", dims)
    assert force.up() == region
    assert force.up().up() == start
    assert start.up() is None


def test_shortened_names_stay_distinct() -> None:
    from tui.data.output.format import shorten

    names = ["Avon and Somerset", "Avon and Somerville", "Kent", "Metropolitan Police"]
    short = shorten(names, 12)
    assert all(len(s) <= 12 for s in short)
    assert len(set(short)) == len(short)
    assert short[2] == "Kent" and short[3] == "Metropolita…"
    assert short[0].endswith("erset") and "…" in short[0]


def test_sort_by_name_ignores_case(tmp_path: Path) -> None:
    path = tmp_path / "names.csv"
    pl.DataFrame(
        {"force": ["dyfed", "Avon", "Cleveland", "bedford"], "offences": [1, 2, 3, 4]}
    ).write_csv(path)
    names = load_dataset(path)
    by_name = Selection("force", "offences").with_sort("force", descending=False)
    sorted_names = summary(names, by_name).frame["force"].cast(pl.String).to_list()
    assert sorted_names == ["Avon", "bedford", "Cleveland", "dyfed"]


def test_the_default_order_is_marked_on_a_column() -> None:
    from tui.data.engine.table import natural_sort

    assert natural_sort("year", "offences") == ("year", False)
    assert natural_sort("force", "offences") == ("offences", True)


def test_all_uk_by_jurisdiction_divides_each_by_its_own_population(dataset) -> None:
    """Grouped by jurisdiction, each rate once used the whole UK population (Scotland 1.01)."""
    year = initial_selection(dataset).with_filter("year", ("2023/24",))
    by_jurisdiction = with_jurisdiction(dataset, year, "uk").grouped_by("jurisdiction")
    rates = dict(summary(dataset, by_jurisdiction).frame.select("jurisdiction", RATE).iter_rows())
    for key, jurisdiction in (("scotland", "Scotland"), ("ew", "England and Wales")):
        alone = summary(dataset, with_jurisdiction(dataset, year, key)).totals[RATE]
        assert rates[jurisdiction] == pytest.approx(alone)
    year_2022 = with_jurisdiction(dataset, year.with_filter("year", ("2022/23",)), "uk")
    by_2022 = summary(dataset, year_2022.grouped_by("jurisdiction")).frame
    scotland = row(by_2022, "jurisdiction", "Scotland")
    people = population("Police Scotland", "2022/23")
    assert scotland[RATE] == pytest.approx(scotland["offences"] / people * 100_000)
    assert rates["Scotland"] is None  # no NRS mid-2023 estimate held: no rate, none borrowed


@pytest.mark.parametrize("dimension", ["age_band", "sex"])
def test_a_rate_by_age_band_or_sex_says_what_it_divides_by(dataset, dimension: str) -> None:
    result = summary(dataset, initial_selection(dataset).grouped_by(dimension))
    assert "all ages and sexes" in (result.rate_label or "")
    force = summary(dataset, initial_selection(dataset).grouped_by("force"))
    assert "all ages" not in (force.rate_label or "")
