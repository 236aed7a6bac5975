"""The explorer driven by keys, as a user would; each test checks the numbers on screen."""

from __future__ import annotations

import gc
from pathlib import Path

import polars as pl
import pytest

from tests.app.helpers import SIZE, markers, press, row_for, settle, table_rows, text_of
from tests.conftest import FIXTURES
from tui.app import ExplorerApp
from tui.data.load import load_dataset
from tui.screens.help import HelpScreen
from tui.widgets.chart import Chart
from tui.widgets.filter_panel import FilterPanel, MemberList
from tui.widgets.summary_table import SummaryTable


@pytest.fixture
def app(dataset) -> ExplorerApp:
    return ExplorerApp(dataset)


async def test_opens_on_the_national_summary(app: ExplorerApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert row_for(app, "England")[:3] == ["England", "38,951", "92.8%"]
        assert row_for(app, "Wales")[1] == "3,035"
        assert row_for(app, "Total")[1:5] == ["41,986", "100.0%", "100.0%", "~+3.2%"]
        status = text_of(app, "#status")
        assert (
            "MODELLED DATA" in status
            and "3,078 of 6,754 rows" in status
            and "41,986 offences" in status
        )
        assert "▸ England · ○ modelled" in status  # where the highlighted row's number comes from
        assert text_of(app, "#breadcrumb").startswith("All  ·  by Nation")
        note = text_of(app, "#note")
        assert "YoY: 2024/25 vs 2023/24" in note and "● published" in note
        assert "Counting: Sexual communication with a child (s.15A" in note
        await press(pilot, "J")  # Scotland counts its own offence
        assert app.selection.members("jurisdiction") == ("Scotland",)
        assert row_for(app, "Total")[1] == "4,919"
        assert "Communicating indecently with a child" in text_of(app, "#note")
        await press(pilot, "J", "J")  # Northern Ireland, then all UK
        assert row_for(app, "Total")[1] == "48,284"
        await press(pilot, "x")  # clearing keeps the jurisdiction: offences are never mixed
        assert app.selection.members("jurisdiction") == (
            "England and Wales",
            "Scotland",
            "Northern Ireland",
        )


async def test_group_by_year_with_the_picker(app: ExplorerApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("g")
        await pilot.pause()
        await press(pilot, "home", "down", "down", "enter")  # Year is the third dimension
        assert [r[:2] for r in table_rows(app)][:3] == [
            ["2017/18", "3,217"],
            ["2018/19", "4,625"],
            ["2019/20", "5,119"],
        ]
        assert row_for(app, "Total")[1] == "41,986"
        assert row_for(app, "2018/19")[4] == "+43.8%"
        assert markers(app)[:3] == ["●", "◐", "◐"]


async def test_drill_down_and_back_up_restores_the_view(app: ExplorerApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "down", "enter")  # Wales
        assert app.selection.group_by == "region"
        assert [r[:2] for r in table_rows(app)] == [["Wales", "3,035"], ["Total", "3,035"]]
        await press(pilot, "enter")  # Wales region -> forces
        assert app.selection.group_by == "force"
        assert row_for(app, "Total")[1] == "3,035"
        assert text_of(app, "#breadcrumb").startswith("All › Wales  ·  by Force")
        assert "Nation: Wales" in text_of(app, "#chips")
        dyfed = table_rows(app).index(row_for(app, "Dyfed-Powys"))
        for _ in range(dyfed):
            await pilot.press("down")
        await press(pilot, "enter")  # Dyfed-Powys -> years
        assert row_for(app, "2017/18")[1] == "19"
        await press(pilot, "backspace")
        assert app.selection.group_by == "force"
        assert app.query_one(SummaryTable).cursor_row == dyfed
        await press(pilot, "backspace", "backspace")
        assert app.selection.group_by == "nation"
        assert app.selection.filters == (("jurisdiction", ("England and Wales",)),)
        assert app.query_one(SummaryTable).cursor_row == 1


async def test_filter_panel_ticks_searches_and_counts(app: ExplorerApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f")
        panel = app.query_one(FilterPanel)
        assert panel.has_class("visible")
        await press(pilot, "home", "down", "down")  # Year
        await pilot.press("enter")
        members = app.query_one(MemberList)
        assert members.has_focus
        prompts = [str(members.get_option_at_index(i).prompt) for i in range(members.option_count)]
        assert prompts[0].split() == ["2017/18", "3,217"] and prompts[1].split() == [
            "2018/19",
            "4,625",
        ]
        await press(pilot, "space")  # untick 2017/18
        assert app.selection.members("year")[0] == "2018/19"
        assert row_for(app, "Total")[1] == "38,769"
        assert "Year: 2018/19" in text_of(app, "#chips")
        # search the forces for "mer", keep none of them, then all of them again
        await pilot.press("shift+tab", "shift+tab")
        await press(pilot, "end", "up", "up", "up", "up")
        assert panel.dimension == "force"
        await pilot.press("tab")
        await pilot.press(*"mer")
        await pilot.pause()
        shown = [members.get_option_at_index(i).value for i in range(members.option_count)]
        assert shown == ["Avon and Somerset", "Merseyside", "West Mercia"]
        await pilot.press("tab")  # to the list
        await press(pilot, "n")
        kept = app.selection.members("force")
        assert kept is not None and len(kept) == 42 and "West Mercia" not in kept
        await press(pilot, "a")
        assert app.selection.members("force") is None
        await press(pilot, "x")
        assert app.selection.filters == (("jurisdiction", ("England and Wales",)),)
        assert row_for(app, "Total")[1] == "41,986"


async def test_a_filter_matching_nothing_shows_an_empty_state(app: ExplorerApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f", "down", "down", "enter")
        await press(pilot, "n")
        assert app.selection.members("year") == ()
        assert table_rows(app)[0][0].startswith("Nothing matches these filters")
        assert "0 of 6,754 rows" in text_of(app, "#status")
        await press(pilot, "x")
        assert row_for(app, "Total")[1] == "41,986"


async def test_sorting_by_columns(app: ExplorerApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.group_by("force")
        await settle(pilot)
        counts = [int(r[1].replace(",", "")) for r in table_rows(app)[:-1]]
        assert counts[0] == max(counts)  # largest first by default
        await press(pilot, "s")  # offences, largest first
        assert app.selection.sort_column == "offences" and app.selection.descending
        await press(pilot, "S")  # reversed: smallest first
        assert table_rows(app)[0][0] == "City of London"
        await press(pilot, "s", "s", "s", "s")  # share, share recorded, change, rate
        assert app.selection.sort_column == "rate_per_100k"
        rates = [float(r[5]) for r in table_rows(app)[:-1]]
        assert rates == sorted(rates, reverse=True)
        header = str(app.query_one(SummaryTable).columns["rate_per_100k"].label)
        assert header.endswith("▼")
        await press(pilot, "s")  # by name
        names = [r[0] for r in table_rows(app)[:-1]]
        assert names == sorted(names)


async def test_chart_kinds_cycle_and_follow_the_selection(app: ExplorerApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.results is not None and app.results.chart.kind == "bar"
        assert dict(app.results.chart.series)["offences"] == (38951.0, 3035.0)
        await press(pilot, "k")
        assert app.results.chart.kind == "line"
        assert (
            dict(app.results.chart.series)["England"][0]
            + dict(app.results.chart.series)["Wales"][0]
            == 3217
        )
        await press(pilot, "k")
        assert app.results.chart.kind == "stacked"
        assert app.results.chart.series[0][0] == "0-11"
        await press(pilot, "k")
        assert app.results.chart.kind == "funnel"
        await press(pilot, "k")
        assert app.results.chart.kind == "bar"
        await pilot.press("c")
        assert app.query_one(Chart).has_class("hidden")
        await pilot.press("c")
        assert not app.query_one(Chart).has_class("hidden")


async def test_help_lists_every_binding(app: ExplorerApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        described = {
            d
            for _, bindings in app.screen.sections
            for d in (b.tooltip or b.description for b in bindings)
        }
        for binding in ExplorerApp.BINDINGS:
            assert binding.tooltip in described
        for binding in SummaryTable.BINDINGS:  # ← → reach the columns that do not fit
            assert binding.tooltip in described
        assert "Drill down into the row (filter to it, next level)" in described
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_command_palette_groups_and_filters(app: ExplorerApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"group by force")
        await pilot.pause(0.5)
        await press(pilot, "enter")
        assert app.selection.group_by == "force"
        await pilot.press("ctrl+p")
        await pilot.press(*"filter year = 2018/19")
        await pilot.pause(0.5)
        await press(pilot, "enter")
        assert app.selection.members("year") == ("2018/19",)
        assert row_for(app, "Total")[1] == "4,625"
        await pilot.press("ctrl+p")
        await pilot.press(*"toggle filter panel")
        await pilot.pause(0.5)
        await press(pilot, "enter")
        assert app.query_one(FilterPanel).has_class("visible")


async def test_rows_view_pages_through_the_filtered_rows(app: ExplorerApp) -> None:
    from tui.widgets.rows_view import RowsTable

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "r")
        assert app.rows_visible
        table = app.query_one(RowsTable)
        assert text_of(app, "#rows-caption").startswith(
            "rows 1–100 of 3,078 matching (page 1 of 31)"
        )
        assert table.row_count == 100
        await press(pilot, "pagedown")
        assert text_of(app, "#rows-caption").startswith("rows 101–200 of 3,078")
        await press(pilot, "end")
        assert text_of(app, "#rows-caption").startswith(
            "rows 3,001–3,078 of 3,078 matching (page 31 of 31)"
        )
        assert table.row_count == 78
        await press(pilot, "home")
        assert text_of(app, "#rows-caption").startswith("rows 1–100 of 3,078")
        # go to row 1,234: its page is shown with the cursor on it, as the engine has it
        from textual.widgets import Input

        from tui.data.query import rows_page
        from tui.screens.prompt import TextPrompt

        await pilot.press("ctrl+g")
        await pilot.pause()
        assert isinstance(app.screen, TextPrompt)
        app.screen.query_one(Input).value = "1,234"
        await press(pilot, "enter")
        assert text_of(app, "#rows-caption").startswith("rows 1,201–1,300 of 3,078")
        assert table.cursor_row == 33
        expected = rows_page(app.dataset, app.selection, 1233, 1).row(0)
        shown = [str(getattr(c, "plain", c)) for c in table.get_row_at(33)]
        assert shown[:7] == [str(v) for v in expected[:7]]
        app.selection = app.selection.with_filter("force", ("West Mercia",))
        await settle(pilot)
        assert text_of(app, "#rows-caption").startswith("rows 1–72 of 72 matching (page 1 of 1)")
        forces = {str(table.get_row_at(i)[5]) for i in range(table.row_count)}
        assert forces == {"West Mercia"}
        await press(pilot, "escape")
        assert not app.rows_visible


async def test_about_and_sources_screens(app: ExplorerApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await pilot.pause()
        from tui.screens.about import AboutScreen, about_text

        assert isinstance(app.screen, AboutScreen)
        assert "MODELLED DATA" in about_text(app.dataset) and "instances" in about_text(app.dataset)
        await pilot.press("escape", "o")
        await pilot.pause()
        from textual.widgets import Static

        shown = str(app.screen.query_one(Static).render())
        assert shown.startswith("383 of 383 target figures reproduced")


async def test_a_file_with_one_dimension(tmp_path: Path) -> None:
    path = tmp_path / "one.csv"
    pl.DataFrame({"colour": ["red", "blue"], "n": [3, 4]}).write_csv(path)
    app = ExplorerApp(load_dataset(path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert row_for(app, "Total")[1] == "7"
        assert "MODELLED" not in text_of(app, "#status")
        await pilot.press("enter")
        await pilot.pause()
        assert app.selection.group_by == "colour"
        assert row_for(app, "Total")[1] == "7"


async def test_narrow_terminal_stacks_the_chart_below(dataset) -> None:
    app = ExplorerApp(dataset)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.screen.has_class("narrow")
        table, chart = app.query_one(SummaryTable), app.query_one(Chart)
        assert chart.region.y > table.region.y
        assert row_for(app, "Total")[1] == "41,986"


async def open_with_prompt(pilot, path: Path) -> None:
    """Press ctrl+o, give the path in the prompt, wait for the load to finish."""
    from textual.widgets import Input

    from tui.screens.prompt import TextPrompt

    app = pilot.app
    await pilot.press("ctrl+o")
    await pilot.pause()
    assert isinstance(app.screen, TextPrompt)
    app.screen.query_one(Input).value = str(path)
    await pilot.press("enter")
    await app.workers.wait_for_complete()
    await settle(pilot)


@pytest.mark.parametrize(
    "name",
    [
        "empty.csv",
        "truncated.parquet",
        "corrupt_pages.parquet",
        "aborts_polars.parquet",
        "missing.csv",
    ],
)
async def test_opening_a_bad_file_reports_and_keeps_the_data(app: ExplorerApp, name: str) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_with_prompt(pilot, FIXTURES / name)
        errors = [n.message for n in app._notifications if n.severity == "error"]
        assert len(errors) == 1 and errors[0].startswith(name)
        assert app.dataset.row_count == 6754
        assert row_for(app, "Total")[1] == "41,986"


async def test_opening_another_file_switches_dataset(app: ExplorerApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_with_prompt(pilot, FIXTURES / "duplicated_keys.csv")
        assert app.dataset.name == "duplicated_keys.csv"
        assert row_for(app, "Total")[1] == "6"
        await pilot.press("f")
        await pilot.pause()
        assert app.query_one(FilterPanel).dimensions == app.dataset.dimensions


async def test_what_start_up_made_is_kept_out_of_full_garbage_collections(dataset) -> None:
    """A full collection over every widget and the dataset paused key presses for up to 85 ms."""
    assert gc.get_freeze_count() == 0
    app = ExplorerApp(dataset)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert gc.get_freeze_count() > 0
