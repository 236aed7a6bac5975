"""What the app claims about modelled numbers, driven by keys on a copy of the dataset with the
builder's ranges (:mod:`tests.ranged`): the range beside each count, no test of a change that
compares a modelled count, the published-only view, the funnel and the map."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from tests.app.helpers import (
    SIZE,
    cell_for,
    engine_result,
    markers,
    press,
    settle,
    table_rows,
    text_of,
)
from tests.ranged import ranged_copy
from tui.app import ExplorerApp
from tui.data.dataset import Dataset
from tui.data.engine.provenance import MODELLED
from tui.data.features.navigation import initial_selection
from tui.data.loading import load_dataset
from tui.data.output.views import load_views
from tui.screens.force_map import ForceMapScreen
from tui.widgets.chart import Chart
from tui.widgets.force_map import MODELLED_FILL, ForceMapView
from tui.widgets.summary_table import SummaryTable

SIZES = [SIZE, (80, 24)]


@pytest.fixture(scope="module")
def ranged(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    return load_dataset(ranged_copy(tmp_path_factory.mktemp("ranged")))


def _modelled_members(app: ExplorerApp) -> list[str]:
    result = engine_result(app)
    assert result.provenance is not None
    found = [m for m, p in result.provenance.items() if p.status == MODELLED]
    assert found, "the test needs a modelled row"
    return found


@pytest.mark.parametrize("size", SIZES)
async def test_each_row_shows_its_range_and_the_status_line_the_highlighted_one(
    ranged, size
) -> None:
    app = ExplorerApp(ranged)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        app.group_by("force")
        await settle(pilot)
        app.selection = app.selection.with_filter("year", ("2018/19",))  # none missing or flagged
        await settle(pilot)
        result = engine_result(app)
        first = str(result.frame["force"][0])
        low, high, kind = (result.frame[c][0] for c in ("range_low", "range_high", "range_kind"))
        assert markers(app)[0] == "○" and low < result.frame["offences"][0] < high
        expected = f"{low:,}–{high:,}"
        assert cell_for(app, first, "range") == ("≤" if kind == "bound" else "") + expected
        assert expected in text_of(app, "#status")
        assert "Range: what published figures allow (≤ bound)" in text_of(app, "#note")
        table = app.query_one(SummaryTable)
        assert table.virtual_size.width <= table.scrollable_content_region.width


async def test_a_change_between_modelled_counts_is_marked_not_tested(ranged) -> None:
    app = ExplorerApp(ranged)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.group_by("force")
        await settle(pilot)
        force = _modelled_members(app)[0]
        app.sort_by("change")  # brings the change column into view
        await settle(pilot)
        change = cell_for(app, force, "change")
        assert change.startswith("○") and "~" not in change
        assert "○ change: not tested" in text_of(app, "#note")


async def test_a_ranking_by_rate_with_modelled_rows_says_so(ranged) -> None:
    app = ExplorerApp(ranged)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.group_by("force")
        await settle(pilot)
        assert "rate ranking" not in text_of(app, "#note")
        app.sort_by("rate_per_100k")
        await settle(pilot)
        modelled = len(_modelled_members(app))
        assert f"rate ranking has {modelled} modelled rows (○)" in text_of(app, "#note")


@pytest.mark.parametrize("size", SIZES)
async def test_P_blanks_every_modelled_number_and_says_so(ranged, size, isolated_views) -> None:
    app = ExplorerApp(ranged)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        app.group_by("force")
        await settle(pilot)
        force = _modelled_members(app)[0]
        await press(pilot, "P")
        assert app.selection.published_only
        assert "PUBLISHED ONLY" in text_of(app, "#status")
        assert "PUBLISHED ONLY" in text_of(app, "#note")
        row = next(r for r in table_rows(app) if r[0] == force)
        assert set(row[1:]) <= {"–", ""}
        published = [r for r in table_rows(app)[:-1] if any(c[:1].isdigit() for c in r[1:])]
        shown = engine_result(app)
        for row in published:  # what is left is published or derived
            assert shown.provenance_of(row[0]).status != MODELLED
        chart = app.query_one(Chart).data
        assert chart is not None and force not in chart.categories
        await press(pilot, "w")
        await pilot.press(*"quotable", "enter")
        await settle(pilot)
        assert load_views(isolated_views)["quotable"].selection.published_only
        await press(pilot, "P")
        assert not app.selection.published_only
        assert next(r for r in table_rows(app) if r[0] == force)[1] != "–"


async def test_P_on_a_users_file_says_there_is_nothing_to_blank(tmp_path: Path) -> None:
    path = tmp_path / "own.csv"
    pl.DataFrame({"force": ["Kent", "Essex"], "offences": [3, 4]}).write_csv(path)
    app = ExplorerApp(load_dataset(path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "P")
        assert not app.selection.published_only
        assert any("nothing to blank" in n.message for n in app._notifications)


async def test_the_funnel_draws_modelled_forces_hollow_and_counts_published_ones(
    ranged,
) -> None:
    app = ExplorerApp(ranged, chart="funnel")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        chart = app.query_one(Chart)
        assert chart.data is not None and chart.data.kind == "funnel"
        modelled = sum(dict(chart.data.series)["modelled"])
        published = len(chart.data.categories) - modelled
        assert modelled
        note = chart.data.note
        assert published  # all years: England and Wales's 2024/25 total is modelled
        assert "national rate modelled (its total is): no force judged against it" in note
        assert f"({int(modelled)} modelled, hollow, not counted)" in chart.data.note
        drawn = chart.render().plain
        assert "○" in drawn and "○ modelled" in drawn


@pytest.mark.parametrize("size", SIZES)
async def test_the_map_marks_modelled_tiles_and_counts_them(ranged, size) -> None:
    app = ExplorerApp(ranged)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await press(pilot, "M")
        assert isinstance(app.screen, ForceMapScreen)
        view = app.screen.query_one(ForceMapView)
        modelled = [t for t in view.data.tiles if t.modelled and t.value is not None]
        assert modelled
        coloured = sum(t.value is not None and t.selected for t in view.data.tiles)
        drawn = view.render().plain
        assert f"{MODELLED_FILL * 3} modelled ({len(modelled)} of {coloured})" in drawn
        view.highlighted = modelled[0].force
        await settle(pilot)
        status = str(app.screen.query_one("#map-status").render())
        assert "○ modelled" in status
        allowed = modelled[0].allowed
        assert allowed is not None and f"{allowed.low:,}–{allowed.high:,}" in status


async def test_a_users_file_with_a_provenance_column_gets_its_marks_and_no_range(
    tmp_path: Path,
) -> None:
    path = tmp_path / "foi.csv"
    path.write_text(
        "force,year,provenance,offences\n"
        "Kent,2022/23,published,230\n"
        "Kent,2023/24,published,264\n"
        "Essex,2022/23,published,100\n"
        "Essex,2023/24,modelled,160\n",
        encoding="utf-8",
    )
    app = ExplorerApp(load_dataset(path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.group_by("force")
        await settle(pilot)
        app.filter_to("year", "2023/24")
        await settle(pilot)
        assert dict(zip((r[0] for r in table_rows(app)), markers(app), strict=True)) == {
            "Essex": "○",
            "Kent": "●",
            "Total": "○",
        }
        assert "range" not in app.query_one(SummaryTable).columns
        assert cell_for(app, "Essex", "change").startswith("○")  # 100 -> 160: not tested
        assert cell_for(app, "Kent", "change") == "~+14.8%"
        await press(pilot, "P")
        assert next(r for r in table_rows(app) if r[0] == "Essex")[1] == "–"
        assert next(r for r in table_rows(app) if r[0] == "Kent")[1] == "264"


async def test_starting_on_a_saved_published_only_view_blanks_from_the_first_screen(
    ranged,
) -> None:
    """The first screen is drawn before the marks are read, except for a published-only view,
    which cannot know what to blank without them (it said the data has no marks)."""
    selection = initial_selection(ranged).grouped_by("force").with_published_only(True)
    app = ExplorerApp(ranged, selection)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert not [n for n in app._notifications if n.severity == "error"]
        force = _modelled_members(app)[0]
        assert next(r for r in table_rows(app) if r[0] == force)[1] == "–"
        assert "PUBLISHED ONLY" in text_of(app, "#status")
