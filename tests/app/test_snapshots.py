"""SVG snapshots of the main screens (pytest-textual-snapshot); update with --snapshot-update."""

from __future__ import annotations

from textual.pilot import Pilot

from tests.app.helpers import SIZE, press, settle
from tui.app import ExplorerApp


def test_main_screen(snap_compare, dataset) -> None:
    assert snap_compare(ExplorerApp(dataset), terminal_size=SIZE, run_before=settle)


def test_drilled_down_with_chart(snap_compare, dataset) -> None:
    async def drill(pilot: Pilot) -> None:
        await settle(pilot)
        await press(pilot, "enter")  # England -> regions
        await press(pilot, "k")  # line over years

    assert snap_compare(ExplorerApp(dataset), terminal_size=SIZE, run_before=drill)


def test_filter_panel(snap_compare, dataset) -> None:
    async def open_panel(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("f", "end", "enter")  # platform members
        await settle(pilot)

    assert snap_compare(ExplorerApp(dataset), terminal_size=SIZE, run_before=open_panel)


def test_help(snap_compare, dataset) -> None:
    async def open_help(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("question_mark")

    assert snap_compare(ExplorerApp(dataset), terminal_size=SIZE, run_before=open_help)
