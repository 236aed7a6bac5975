"""The chart as a reader sees it: table order, values on bars, whole ticks, honest cuts."""

from __future__ import annotations

import re

import pytest

from tests.app.helpers import SIZE, press, settle, table_rows
from tui.app import ExplorerApp
from tui.widgets.chart import Chart, nice_ticks, tick_label


def chart_text(app: ExplorerApp) -> str:
    return app.query_one(Chart).render().plain  # type: ignore[union-attr]


@pytest.mark.parametrize("size", [SIZE, (80, 24)])
async def test_bars_follow_the_table_with_values_and_an_honest_cut(dataset, size) -> None:
    app = ExplorerApp(dataset)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        app.group_by("force")
        await settle(pilot)
        await pilot.pause()
        text = chart_text(app)
        chart = app.query_one(Chart)
        rows = table_rows(app)[:-1]
        shown = chart.shown
        assert 3 <= shown < len(rows)
        assert f"{len(rows) - shown} more not shown" in text
        assert "Other" not in text
        bar_lines = [line for line in text.splitlines() if "┤" in line and "█" in line]
        assert len(bar_lines) == shown
        for line, row in zip(bar_lines, rows, strict=False):
            assert line.split("┤")[0].strip().rstrip("…")[:6] == row[0][:6]
            assert row[1] in line  # the value, with its thousands separator
        ticks = text.splitlines()[-1].split()
        assert all(re.fullmatch(r"\d{1,3}(,\d{3})*", t) for t in ticks), ticks


async def test_a_line_over_one_year_says_why_it_shows_bars(dataset) -> None:
    app = ExplorerApp(dataset)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.selection = app.selection.with_filter("year", ("2018/19",))
        await settle(pilot)
        await press(pilot, "k")
        assert app.chart_kind == "line"
        assert app.results is not None and app.results.chart.kind == "bar"
        assert "needs two or more years" in chart_text(app)
        await press(pilot, "k")  # and k moves on to the next kind
        assert app.results.chart.kind == "stacked"


async def test_stacked_by_platform_has_one_legend_and_no_other_bucket(dataset) -> None:
    app = ExplorerApp(dataset)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.group_by("age_band")
        await settle(pilot)
        app.set_chart("stacked")
        await settle(pilot)
        text = chart_text(app)
        assert "by age band and platform owner" in text
        assert "Other (" not in text


def test_ticks_are_round_and_whole_for_counts() -> None:
    assert nice_ticks(5450.2, 4) == [0, 2000, 4000]
    assert nice_ticks(7, 8) == [0, 1, 2, 3, 4, 5, 6, 7]
    assert nice_ticks(3, 8) == [0, 1, 2, 3]
    assert nice_ticks(6.4, 4, whole=False) == [0, 2.5, 5.0]
    assert tick_label(2000, 1000) == "2,000" and tick_label(2.5, 2.5) == "2.5"


BRAILLE = re.compile("[\u2801-\u28ff]")


def y_ticks(text: str) -> list[float]:
    """The numbers left of the plot's y axis (``1,000┤``), top to bottom."""
    found = [line.split("┤")[0].strip() for line in text.splitlines() if "┤" in line]
    return [float(t.replace(",", "")) for t in found if re.fullmatch(r"[\d,.]+", t)]


@pytest.mark.parametrize("size", [SIZE, (80, 24)])
@pytest.mark.parametrize(
    ("kind", "group"),
    [("bar", "force"), ("line", "nation"), ("stacked", "force"), ("funnel", "force")],
)
async def test_every_chart_kind_shows_its_data_at_both_sizes(dataset, size, kind, group) -> None:
    """At 80x24 the line chart once had a y axis from 0 to 1 and no line, the data ~400-1,300."""
    app = ExplorerApp(dataset)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        app.group_by(group)
        await settle(pilot)
        while app.chart_kind != kind:
            await press(pilot, "k")
        await pilot.pause()
        data = app.results.chart
        assert data.kind == kind
        text = chart_text(app)
        chart = app.query_one(Chart)
        values = [v for _, series in data.series for v in series]
        if kind in ("bar", "stacked"):
            assert chart.shown >= 3
            for index in range(chart.shown):
                total = sum(series[index] for _, series in data.series)
                assert f"{int(total):,}" in text, (index, total)
        elif kind == "line":
            ticks = y_ticks(text)
            assert ticks[0] >= max(values) > ticks[-1] == 0  # the axis holds every value
            plot_rows = [line for line in text.splitlines() if "│" in line or "┤" in line]
            above_zero = [line for line in plot_rows if not line.strip().startswith("0┤")]
            assert any(BRAILLE.search(line) for line in above_zero)  # the line is drawn
            drawn = sum(len(BRAILLE.findall(line)) for line in plot_rows)
            assert drawn >= len(data.categories)
        else:
            assert sum(text.count(m) for m in "●○◆◇") >= 10  # the points (hollow: modelled)
            assert max(y_ticks(text)) > 0
