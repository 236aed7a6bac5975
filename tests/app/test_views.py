"""Saving views: ask before replacing, say why an empty name saves nothing, survive a bad file."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from tests.app.helpers import SIZE, press, settle
from tui.app import ExplorerApp
from tui.data.output.views import load_views
from tui.screens.prompt import ConfirmScreen, TextPrompt


async def save_as(pilot, name: str) -> None:
    await pilot.press("w")
    await pilot.pause()
    assert isinstance(pilot.app.screen, TextPrompt)
    pilot.app.screen.query_one(Input).value = name
    await pilot.press("enter")
    await pilot.pause()


def messages(app: ExplorerApp) -> list[str]:
    return [n.message for n in app._notifications]


async def test_saving_over_a_view_asks_first(dataset, isolated_views: Path) -> None:
    app = ExplorerApp(dataset)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await save_as(pilot, "mine")
        assert load_views(isolated_views)["mine"].selection.group_by == "nation"
        await press(pilot, "enter")  # drill into England
        await save_as(pilot, "mine")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert load_views(isolated_views)["mine"].selection.group_by == "nation"
        await save_as(pilot, "mine")
        await pilot.press("y")
        await pilot.pause()
        assert load_views(isolated_views)["mine"].selection.group_by == "region"


async def test_an_empty_name_says_why_nothing_was_saved(dataset, isolated_views: Path) -> None:
    app = ExplorerApp(dataset)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await save_as(pilot, "   ")
        assert any("needs a name" in m for m in messages(app))
        assert not isolated_views.exists()


async def test_a_broken_views_file_does_not_block_saving(dataset, isolated_views: Path) -> None:
    isolated_views.write_text("this is [not toml", encoding="utf-8")
    app = ExplorerApp(dataset)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await save_as(pilot, "kept")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
        fresh = isolated_views.with_name("views-2.toml")
        assert "kept" in load_views(fresh)
        assert isolated_views.read_text(encoding="utf-8") == "this is [not toml"
        assert any("views-2.toml" in m for m in messages(app))
        await pilot.press("v")  # and the saved view can be opened from the new file
        await pilot.pause()
        await press(pilot, "enter")
        assert app.selection.group_by == "nation"
