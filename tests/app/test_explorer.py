"""The explorer driven by keys, as a user would; each test checks the numbers on screen."""

from __future__ import annotations

import gc
from pathlib import Path

import polars as pl
import pytest

from tests.app.helpers import (
    SIZE,
    cell_for,
    engine_cell,
    engine_count,
    engine_result,
    markers,
    press,
    row_for,
    settle,
    table_rows,
    text_of,
)
from tests.conftest import FIXTURES
from tui.app import ExplorerApp
from tui.data.engine.query import matched
from tui.data.loading import load_dataset
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
        # the nations add up to the total, and the table shows what the engine computes
        england, wales, total = (engine_count(app, m) for m in ("England", "Wales", None))
        assert int(england.replace(",", "")) + int(wales.replace(",", "")) == int(
            total.replace(",", "")
        )
        assert row_for(app, "England")[:2] == ["England", england]
        assert cell_for(app, "England", "share") == engine_cell(app, "share", "England")
        assert row_for(app, "Wales")[1] == wales
        assert row_for(app, "Total")[1] == total
        assert [cell_for(app, "Total", c) for c in ("share", "change")] == [
            "100.0%",
            engine_cell(app, "change"),
        ]
        # no nation is "Not recorded": the share where recorded would repeat the share
        assert "share_recorded" not in app.query_one(SummaryTable).columns
        status = text_of(app, "#status")
        assert "MODELLED DATA" in status
        # where the highlighted row's number comes from, and what it lacks, first
        assert "▸ England · ○" in status and "modelled" in status
        assert "force-years missing: Hampshire 2021/22" in status
        assert text_of(app, "#breadcrumb").startswith("All  ·  by Nation")
        note = text_of(app, "#note")
        assert "YoY: 2024/25 vs 2023/24" in note and "● published" in note
        assert "Counting: Sexual communication with a child (s.15A" in note
        await press(pilot, "J")  # Scotland counts its own offence
        assert app.selection.members("jurisdiction") == ("Scotland",)
        assert row_for(app, "Total")[1] == engine_count(app)
        assert "Communicating indecently with a child" in text_of(app, "#note")
        await press(pilot, "J", "J")  # Northern Ireland, then all UK
        # the sum of the NSPCC's published UK totals, 2017/18 to 2024/25
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
        assert row_for(app, "Total")[1] == engine_count(app)
        assert cell_for(app, "2018/19", "change") == "+43.8%"  # 3,217 -> 4,625, both published
        assert markers(app)[:3] == ["●", "◐", "◐"]


async def test_drill_down_and_back_up_restores_the_view(app: ExplorerApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "down", "enter")  # Wales
        assert app.selection.group_by == "region"
        wales = engine_count(app)
        assert [r[:2] for r in table_rows(app)] == [["Wales", wales], ["Total", wales]]
        await press(pilot, "enter")  # Wales region -> forces
        assert app.selection.group_by == "force"
        assert row_for(app, "Total")[1] == wales
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
        await press(pilot, "space")  # nothing ticked (all kept): keep only 2017/18
        assert app.selection.members("year") == ("2017/18",)
        assert row_for(app, "Total")[1] == "3,217"
        assert "Year: 2017/18" in text_of(app, "#chips")
        await press(pilot, "space")  # untick it: no filter again
        assert app.selection.members("year") is None
        # search the forces for "mer", keep none of them, then all of them again
        await pilot.press("shift+tab", "shift+tab")
        await press(pilot, "end", "up", "up", "up", "up")
        assert panel.dimension == "force"
        await pilot.press("tab")
        await pilot.press(*"mer")
        await pilot.pause()
        shown = [m for _, m in members.listed()]
        assert shown == ["Avon and Somerset", "Merseyside", "West Mercia"]
        await pilot.press("tab")  # to the list
        await press(pilot, "n")
        kept = app.selection.members("force")
        assert kept is not None and len(kept) == 42 and "West Mercia" not in kept
        await press(pilot, "a")
        assert app.selection.members("force") is None
        await press(pilot, "x")
        assert app.selection.filters == (("jurisdiction", ("England and Wales",)),)
        assert row_for(app, "Total")[1] == engine_count(app)


async def test_a_filter_matching_nothing_shows_an_empty_state(app: ExplorerApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f", "down", "down", "enter")
        await press(pilot, "n")
        assert app.selection.members("year") == ()
        assert table_rows(app)[0][0].startswith("Nothing matches these filters")
        assert f"0 of {app.dataset.row_count:,} rows" in text_of(app, "#status")
        await press(pilot, "x")
        assert row_for(app, "Total")[1] == engine_count(app)


async def test_the_status_line_counts_the_rows_and_the_total(app: ExplorerApp) -> None:
    """The rows matched and the measure total follow the highlighted row's own line when there
    is room for them (a long line about the row keeps its room first)."""
    async with app.run_test(size=(200, 40)) as pilot:  # room for a modelled row's intervals
        await settle(pilot)
        await press(pilot, "J")  # Scotland: one force, no year missing
        total = engine_count(app)
        status = text_of(app, "#status")
        kept, _ = matched(app.dataset, app.selection)
        assert f"{kept:,} of {app.dataset.row_count:,} rows" in status
        assert f"{total} offences" in status


async def test_sorting_by_columns(app: ExplorerApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.group_by("force")
        await settle(pilot)
        counts = [int(r[1].replace(",", "")) for r in table_rows(app)[:-1]]
        assert counts[0] == max(counts)  # largest first by default
        shown = [r[0] for r in table_rows(app)]
        await press(pilot, "s")  # offences, share and share recorded are the order shown
        assert app.selection.sort_column == "change" and app.selection.descending
        assert [r[0] for r in table_rows(app)] != shown  # the first s visibly re-sorts
        await press(pilot, "s")  # rate
        assert app.selection.sort_column == "rate_per_100k"
        names = [r[0] for r in table_rows(app)[:-1]]
        result = engine_result(app)
        by_force = dict(
            result.frame.select(pl.col("force").cast(pl.String), "rate_per_100k").rows()
        )
        ranked = [n for n in names if not result.is_partial(n)]
        rates = [by_force[n] for n in ranked]
        assert rates == sorted(rates, reverse=True)
        partial = [n for n in names if result.is_partial(n)]  # no place in a ranking: last
        assert partial and names[-len(partial) :] == partial
        assert "rate ranking leaves out" in text_of(app, "#note")
        header = str(app.query_one(SummaryTable).columns["rate_per_100k"].label)
        assert header.endswith("▼")
        await press(pilot, "s")  # rate per 10,000 children
        assert app.selection.sort_column == "rate_per_10k_children"
        await press(pilot, "s")  # by name
        names = [r[0] for r in table_rows(app)[:-1]]
        assert names == sorted(names)
        await press(pilot, "s", "S")  # offences, then reversed: smallest first
        assert app.selection.sort_column == "offences" and not app.selection.descending
        assert table_rows(app)[0][0] == "City of London"


async def test_the_first_s_changes_the_order_whatever_the_grouping(app: ExplorerApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for dimension in ("nation", "region", "force", "year", "age_band"):
            app.group_by(dimension)
            await settle(pilot)
            shown = [r[0] for r in table_rows(app)]
            await press(pilot, "s")
            assert [r[0] for r in table_rows(app)] != shown, dimension


async def test_pickers_jump_to_a_typed_name(app: ExplorerApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "g", *"reg", "enter")
        assert app.selection.group_by == "region"
        await press(pilot, "g", *"ag", "enter")
        assert app.selection.group_by == "age_band"
        await press(pilot, "m", "p", "enter")
        assert app.selection.measure == "instances"


async def test_grouping_offences_by_platform_says_they_are_counted_in_instances(
    app: ExplorerApp,
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "g", *"platform", "enter")
        assert app.selection.group_by == "nation"  # not a one-row "Not split" table
        shown = [n.message for n in app._notifications]
        assert any("platform instances are; press m" in m for m in shown), shown


async def test_chart_kinds_cycle_and_follow_the_selection(app: ExplorerApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.results is not None and app.results.chart.kind == "bar"
        england, wales = (int(engine_count(app, m).replace(",", "")) for m in ("England", "Wales"))
        assert dict(app.results.chart.series)["offences"] == (england, wales)
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
    from tui.widgets.rows_view import RowsTable, shortened

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "r")
        assert app.rows_visible
        table = app.query_one(RowsTable)
        kept, _ = matched(app.dataset, app.selection)
        pages = -(-kept // 100)
        assert text_of(app, "#rows-caption").startswith(
            f"rows 1–100 of {kept:,} matching (page 1 of {pages})"
        )
        assert table.row_count == 100
        await press(pilot, "pagedown")
        assert text_of(app, "#rows-caption").startswith(f"rows 101–200 of {kept:,}")
        await press(pilot, "end")
        first = (pages - 1) * 100 + 1
        assert text_of(app, "#rows-caption").startswith(
            f"rows {first:,}–{kept:,} of {kept:,} matching (page {pages} of {pages})"
        )
        assert table.row_count == kept - first + 1
        await press(pilot, "home")
        assert text_of(app, "#rows-caption").startswith(f"rows 1–100 of {kept:,}")
        # go to row 1,234: its page is shown with the cursor on it, as the engine has it
        from textual.widgets import Input

        from tui.data.engine.query import rows_page
        from tui.screens.prompt import TextPrompt

        await pilot.press("ctrl+g")
        await pilot.pause()
        assert isinstance(app.screen, TextPrompt)
        app.screen.query_one(Input).value = "1,234"
        await press(pilot, "enter")
        assert text_of(app, "#rows-caption").startswith(f"rows 1,201–1,300 of {kept:,}")
        assert table.cursor_row == 33
        expected = rows_page(app.dataset, app.selection, 1233, 1).row(0)
        shown = [str(getattr(c, "plain", c)) for c in table.get_row_at(33)]
        assert shown[:7] == [shortened(v) for v in expected[:7]]
        assert shown[1] == "Sexual communication with a…"  # the offence's full name, cut
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
        await app.workers.wait_for_complete()  # the checks fill the screen in the background
        await pilot.pause()
        from textual.widgets import Static

        from tui.data.features.reconcile import closing_line, reconcile

        shown = str(app.screen.query_one(Static).render())
        checks = reconcile(app.dataset, app.dataset.path.parent)
        assert shown.startswith(closing_line(checks)) and "; 0 mismatches" in shown


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
        assert row_for(app, "Total")[1] == engine_count(app)


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
    embedded_rows = app.dataset.row_count
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_with_prompt(pilot, FIXTURES / name)
        errors = [n.message for n in app._notifications if n.severity == "error"]
        assert len(errors) == 1 and errors[0].startswith(name)
        assert app.dataset.row_count == embedded_rows
        assert row_for(app, "Total")[1] == engine_count(app)


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


async def test_switching_to_offences_while_grouped_by_platform_regroups_and_says_why(
    app: ExplorerApp,
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "m", "p", "enter", "g", *"platform o", "enter")
        assert (app.selection.measure, app.selection.group_by) == ("instances", "platform_owner")
        await press(pilot, "m", "o", "enter")
        assert app.selection.measure == "offences" and app.selection.group_by == "nation"
        assert "Not split" not in [r[0] for r in table_rows(app)]
        assert any("platform instances are" in n.message for n in app._notifications)
