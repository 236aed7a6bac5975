"""Typing must type: while a text box has focus, printable keys go to it, never to app keys."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Input

from tests.app.helpers import SIZE, press, settle
from tui.app import ExplorerApp
from tui.screens.export import ExportScreen
from tui.screens.prompt import TextPrompt
from tui.widgets.filter_panel import FilterPanel, MemberList


def listed(app: ExplorerApp) -> list[str]:
    """The members the filter panel lists now."""
    return [member for _, member in app.query_one(MemberList).listed()]


async def show_dimension(pilot: Pilot, dimension: str) -> None:
    """Open the filter panel on ``dimension`` (focus stays on the dimension list)."""
    app: ExplorerApp = pilot.app  # type: ignore[assignment]
    await pilot.press("f", "home", *["down"] * app.dataset.dimensions.index(dimension))
    await settle(pilot)
    assert app.query_one(FilterPanel).dimension == dimension


def untouched(app: ExplorerApp, before) -> None:
    """No app key fired: same selection, chart kind, theme, no screen pushed, panel open."""
    assert app.selection == before
    assert app.chart_kind == "bar"
    assert app.theme == "textual-dark"
    assert len(app.screen_stack) == 1
    assert app.query_one(FilterPanel).has_class("visible")


async def test_slash_from_the_dimension_list_searches_and_kent_types(dataset) -> None:
    app = ExplorerApp(dataset)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = app.selection
        await show_dimension(pilot, "force")
        await pilot.press("slash")
        search = app.query_one("#filter-search", Input)
        assert search.has_focus
        await pilot.press("k", "e", "n", "t")
        await settle(pilot)
        assert search.value == "kent"
        untouched(app, before)
        assert listed(app) == ["Kent"]


async def test_every_app_letter_types_into_the_search(dataset) -> None:
    app = ExplorerApp(dataset)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = app.selection
        await show_dimension(pilot, "force")
        await pilot.press("slash")
        letters = "fgsSxckrewvmaotq?/"
        await pilot.press(*[{"?": "question_mark", "/": "slash"}.get(c, c) for c in letters])
        await settle(pilot)
        assert app.query_one("#filter-search", Input).value == letters
        untouched(app, before)


async def test_enter_in_the_search_ticks_the_match(dataset) -> None:
    app = ExplorerApp(dataset)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await show_dimension(pilot, "force")
        await pilot.press("slash", *"kent")
        await press(pilot, "enter")
        assert app.selection.members("force") == ("Kent",)
        # another search adds to what is kept
        await pilot.press(*"surrey")
        await press(pilot, "enter")
        assert app.selection.members("force") == ("Kent", "Surrey")


async def test_up_and_down_in_the_search_choose_which_match_enter_ticks(dataset) -> None:
    app = ExplorerApp(dataset)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await show_dimension(pilot, "force")
        await pilot.press("slash", *"mer")
        await settle(pilot)
        assert listed(app) == ["Avon and Somerset", "Merseyside", "West Mercia"]
        await pilot.press("down")
        await press(pilot, "enter")
        assert app.selection.members("force") == ("Merseyside",)


async def test_escape_leaves_the_search_then_the_panel(dataset) -> None:
    app = ExplorerApp(dataset)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "enter")  # drill into England: Esc must not undo it while typing
        drilled = app.selection
        await show_dimension(pilot, "force")
        await pilot.press("slash", *"ke")
        await pilot.press("escape")
        await settle(pilot)
        panel = app.query_one(FilterPanel)
        assert not app.query_one("#filter-search", Input).has_focus
        assert panel.has_class("visible") and panel.has_focus_within
        assert app.selection == drilled
        await pilot.press("escape")
        await settle(pilot)
        assert not panel.has_class("visible")
        assert app.selection == drilled
        await press(pilot, "escape")  # now Esc backs up as it does everywhere else
        assert app.selection.group_by == "nation"


async def test_slash_from_the_member_list_searches(dataset) -> None:
    app = ExplorerApp(dataset)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await show_dimension(pilot, "force")
        await pilot.press("enter")  # into the member list
        assert app.query_one(MemberList).has_focus
        await pilot.press("slash", *"ent")
        assert app.query_one("#filter-search", Input).value == "ent"


async def test_text_prompts_and_the_export_path_take_every_letter(dataset) -> None:
    app = ExplorerApp(dataset)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = app.selection
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, TextPrompt)
        await pilot.press(*"kent fox")
        assert app.screen.query_one(Input).value == "kent fox"
        await pilot.press("escape")
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ExportScreen)
        path = app.screen.query_one("#path", Input)
        path.value = ""
        await pilot.press(*"kx.csv")
        assert path.value == "kx.csv" and isinstance(app.screen, ExportScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert app.selection == before and app.chart_kind == "bar"


async def test_a_search_finds_members_of_another_dimension(dataset) -> None:
    app = ExplorerApp(dataset)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f", "slash", *"kent")  # the panel opens on Year
        await settle(pilot)
        assert listed(app) == ["Kent"]
        await press(pilot, "enter")
        assert app.selection.members("force") == ("Kent",)
        assert app.query_one(FilterPanel).dimension == "force"  # shows where it ticked


async def test_search_looks_in_every_dimension_at_once_grouped_by_dimension(dataset) -> None:
    """``wales`` once found only "England and Wales" (the dimension shown), ``south`` only regions."""
    app = ExplorerApp(dataset)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f", "slash", *"wales")
        await settle(pilot)
        found = app.query_one(MemberList).listed()
        assert ("nation", "Wales") in found
        assert ("force", "South Wales") in found and ("force", "North Wales") in found
        assert ("jurisdiction", "England and Wales") in found
        dimensions = [d for d, _ in found]
        assert dimensions == sorted(dimensions, key=app.dataset.dimensions.index)  # grouped
        members = app.query_one(MemberList)
        headings = [
            str(members.get_option_at_index(i).prompt)
            for i in range(members.option_count)
            if members.get_option_at_index(i).disabled
        ]
        assert {"Nation", "Force"} <= set(headings)
        await pilot.press(*["backspace"] * 5, *"2022")  # clear the box, then a year
        await settle(pilot)
        assert ("year", "2022/23") in app.query_one(MemberList).listed()
        await press(pilot, "enter")
        assert app.selection.members("year") == ("2022/23",)
        assert app.query_one(FilterPanel).dimension == "year"


async def test_enter_ticks_a_match_of_another_dimension(dataset) -> None:
    app = ExplorerApp(dataset)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await show_dimension(pilot, "year")
        await pilot.press("slash", *"south wales")
        await press(pilot, "enter")
        assert app.selection.members("force") == ("South Wales",)
        assert app.selection.members("year") is None


async def test_an_unfiltered_dimension_shows_no_ticks_and_space_keeps_one(dataset) -> None:
    """Every member once looked ticked ``[x]`` with no filter at all."""
    app = ExplorerApp(dataset)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await show_dimension(pilot, "force")
        await pilot.press("enter")
        members = app.query_one(MemberList)
        lines = ["".join(s.text for s in members.render_line(y)) for y in range(3)]
        assert all(line.startswith("[ ]") for line in lines), lines
        await press(pilot, "space")
        first = members.listed()[0][1]
        assert app.selection.members("force") == (first,)
        lines = ["".join(s.text for s in members.render_line(y)) for y in range(2)]
        assert lines[0].startswith("[x]") and lines[1].startswith("[ ]")
        await press(pilot, "space")  # unticking the last one: no filter again
        assert app.selection.members("force") is None
