"""A modelled count's interval where the reader looks, driven by keys at 120x40 and 80x24: the
table's Likely 95% column beside the ○, the status line's 95% and 80% intervals and range, the
chart's whiskers; every number read through the engine, none typed in."""

from __future__ import annotations

import re

import pytest

from tests.app.helpers import SIZE, cell_for, engine_result, markers, press, settle, text_of
from tui.app import ExplorerApp
from tui.data.output import format as fmt
from tui.data.schema import MODELLED
from tui.widgets.chart import WHISKER_NOTE, Chart
from tui.widgets.summary_table import SummaryTable

SIZES = [SIZE, (80, 24)]
YEAR = ("year", ("2021/22",))


async def _by_force(app: ExplorerApp, pilot) -> str:
    """Group by force in one year; the first modelled force whose interval has a width."""
    app.group_by("force")
    await settle(pilot)
    app.selection = app.selection.with_filter(*YEAR)
    await settle(pilot)
    result = engine_result(app)
    for member in result.frame["force"].cast(str).to_list():
        shown = result.interval_of(member)
        if result.status_of(member) == MODELLED and shown and shown.low95 < shown.high95:
            return member
    raise AssertionError("the test needs a modelled force with an interval")


@pytest.mark.parametrize("size", SIZES)
async def test_a_modelled_row_shows_its_interval_and_the_status_line_all(dataset, size) -> None:
    app = ExplorerApp(dataset)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        force = await _by_force(app, pilot)
        result = engine_result(app)
        shown, allowed = result.interval_of(force), result.range_of(force)
        assert shown is not None and allowed is not None
        index = result.frame["force"].cast(str).to_list().index(force)
        assert markers(app)[index] == "○"
        assert cell_for(app, force, fmt.INTERVAL) == f"{shown.low95:,}–{shown.high95:,}"
        table = app.query_one(SummaryTable)
        table.move_cursor(row=index)
        await settle(pilot)
        status = text_of(app, "#status")
        assert f"likely {shown.low95:,}–{shown.high95:,} (95%)" in status
        if size == SIZE:  # a narrow status line cuts from the end
            assert f"80% {shown.low80:,}–{shown.high80:,}" in status
            assert f"range {allowed.low:,}–{allowed.high:,}" in status
            assert "Likely 95%" in text_of(app, "#note")
        assert table.virtual_size.width <= table.scrollable_content_region.width


async def test_a_published_row_has_no_interval(dataset) -> None:
    app = ExplorerApp(dataset)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _by_force(app, pilot)
        result = engine_result(app)
        published = next(
            m for m in result.frame["force"].cast(str).to_list() if result.status_of(m) != MODELLED
        )
        assert cell_for(app, published, fmt.INTERVAL) == ""


async def test_a_narrow_table_keeps_the_mark_of_every_modelled_row(dataset) -> None:
    """80x24 with the filter panel open: the interval column may go behind ›, the ○ never."""
    app = ExplorerApp(dataset)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await _by_force(app, pilot)
        await press(pilot, "f")
        result = engine_result(app)
        members = result.frame["force"].cast(str).to_list()
        shown = markers(app)
        for index, member in enumerate(members[: len(shown) - 1]):
            if result.status_of(member) == MODELLED:
                assert shown[index] == "○"


async def test_the_chart_draws_each_modelled_bars_interval_as_a_whisker(dataset) -> None:
    app = ExplorerApp(dataset)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        force = await _by_force(app, pilot)
        chart = app.query_one(Chart)
        data = chart.data
        assert data is not None
        whiskers = {c: (low, high) for _, c, low, high in data.intervals}
        shown = engine_result(app).interval_of(force)
        assert shown is not None
        assert whiskers[force] == (shown.low95, shown.high95)
        assert all(engine_result(app).status_of(c) == MODELLED for c in whiskers)
        drawn = str(chart.render())
        assert WHISKER_NOTE in drawn and "├─" in drawn


@pytest.mark.parametrize("size", SIZES)
async def test_a_whisker_never_hides_where_its_bar_ends(dataset, size) -> None:
    """A bar ends at its count, whisker or not: the solid part of each bar (its cells up to the
    whisker's line) grows with the count, so a wide interval never makes a larger count look
    smaller (Greater Manchester's bar drawn shorter than the Met's)."""
    app = ExplorerApp(dataset)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        app.group_by("force")
        await settle(pilot)
        chart = app.query_one(Chart)
        data = chart.data
        assert data is not None and data.intervals
        lines = [line for line in chart.render().plain.splitlines() if "█" in line]
        bars = [line[line.index("┤█") + 1 :] for line in lines if "┤█" in line]
        solid = [len(re.match("[█├]*", bar).group()) for bar in bars]  # the bar, its low cap in it
        counts = [sum(column) for column in zip(*(v for _, v in data.series), strict=True)]
        ordered = [s for _, s in sorted(zip(counts, solid, strict=False), reverse=True)]
        for i, longer in enumerate(ordered):  # a cell's rounding apart at most
            assert all(longer >= shorter - 1 for shorter in ordered[i + 1 :]), ordered
