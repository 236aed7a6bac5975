"""SVG snapshots at 120x40 and 80x24 (pytest-textual-snapshot); update with --snapshot-update."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from tests.app.helpers import press, settle
from tui.app import ExplorerApp

SIZES = [(120, 40), (80, 24)]
sizes = pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")


@sizes
def test_main_screen(snap_compare, dataset, size) -> None:
    async def by_force(pilot: Pilot) -> None:
        await settle(pilot)
        pilot.app.group_by("force")  # type: ignore[attr-defined]
        await settle(pilot)

    assert snap_compare(ExplorerApp(dataset), terminal_size=size, run_before=by_force)


@sizes
@pytest.mark.parametrize("kind", ["bar", "line", "stacked"])
def test_chart_kinds(snap_compare, dataset, size, kind) -> None:
    async def drill(pilot: Pilot) -> None:
        await settle(pilot)
        await press(pilot, "enter")  # England -> regions
        pilot.app.set_chart(kind)  # type: ignore[attr-defined]
        await settle(pilot)

    assert snap_compare(ExplorerApp(dataset), terminal_size=size, run_before=drill)


@sizes
def test_filter_panel_with_search(snap_compare, dataset, size) -> None:
    async def search(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("f", "home", "down", "down", "down", "slash", *"mer")
        await settle(pilot)

    assert snap_compare(ExplorerApp(dataset), terminal_size=size, run_before=search)


@sizes
def test_export_dialog(snap_compare, dataset, size) -> None:
    async def export(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()

    app = ExplorerApp(dataset, export_folder=Path("/exports"))
    assert snap_compare(app, terminal_size=size, run_before=export)


def test_help(snap_compare, dataset) -> None:
    async def open_help(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("question_mark")

    assert snap_compare(ExplorerApp(dataset), terminal_size=(120, 40), run_before=open_help)
