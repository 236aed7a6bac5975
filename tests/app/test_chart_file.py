"""``C`` saves the chart on screen as a file for print or the web, driven by keys."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.pilot import Pilot

from tests.app.helpers import SIZE, engine_result, press, settle
from tui.app import ExplorerApp
from tui.data.output.chart_plan import plan_chart
from tui.screens.prompt import ConfirmScreen, TextPrompt

pytest.importorskip("matplotlib")


async def wait_for_file(pilot: Pilot, path: Path) -> None:
    """Wait until the chart's worker has written ``path``."""
    app: ExplorerApp = pilot.app
    for _ in range(200):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if path.exists():
            return
    raise AssertionError(f"{path} was never written")


async def test_c_saves_the_chart_on_screen(dataset, tmp_path: Path) -> None:
    app = ExplorerApp(dataset, export_folder=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.group_by("year")
        await settle(pilot)
        await press(pilot, "k")  # a line over the years
        await pilot.press("C")
        await pilot.pause()
        assert isinstance(app.screen, TextPrompt)
        name = app.screen.query_one("Input").value
        assert name == "scwc_year_england-and-wales.svg"
        await pilot.press("enter")
        path = tmp_path / name
        await wait_for_file(pilot, path)
        svg = path.read_text()
        plan = plan_chart(app.dataset, app.selection, "line")
        assert plan.title in " ".join(re.findall(r"<text[^>]*>([^<]*)</text>", svg))
        points = re.findall(r'<g id="point-([a-z]+)-', svg)
        result = engine_result(app)
        assert len(points) == result.frame.height
        assert points.count("modelled") == result.modelled_rows

        # again: the file exists, so the app asks; "n" keeps it
        before = path.stat().st_mtime_ns
        await pilot.press("C")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await app.workers.wait_for_complete()
        assert path.stat().st_mtime_ns == before


async def test_a_name_that_is_no_chart_format_is_refused(dataset, tmp_path: Path) -> None:
    app = ExplorerApp(dataset, export_folder=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("C")
        await pilot.pause()
        app.screen.query_one("Input").value = "chart.gif"
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert list(tmp_path.iterdir()) == []
        assert any(".svg, .png or .pdf" in n.message for n in app._notifications)
