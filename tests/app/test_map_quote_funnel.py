"""The force map, the funnel plot, the change mark and copying, driven by keys."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.app.helpers import SIZE, press, settle, table_rows
from tui.app import ExplorerApp
from tui.data.engine.query import summary
from tui.data.engine.table import CHANGE_SIGNIFICANT
from tui.data.features.quote import quote
from tui.data.schema import label
from tui.screens.force_map import ForceMapScreen
from tui.screens.picker import PickerScreen
from tui.screens.prompt import TextPrompt
from tui.widgets.chart import Chart
from tui.widgets.force_map import ForceMapView
from tui.widgets.summary_table import SummaryTable


@pytest.fixture
def app(dataset, tmp_path: Path) -> ExplorerApp:
    return ExplorerApp(dataset, export_folder=tmp_path)


def _map(app: ExplorerApp) -> ForceMapView:
    assert isinstance(app.screen, ForceMapScreen)
    return app.screen.query_one(ForceMapView)


async def test_map_moves_between_neighbours_and_enter_drills_into_the_force(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        start = app.selection
        await press(pilot, "M")
        view = _map(app)
        highest = max((t for t in view.data.tiles if t.value is not None), key=lambda t: t.value)
        assert view.highlighted == highest.force  # starts on the highest rate
        view.highlighted = "Metropolitan Police"
        await press(pilot, "right")
        assert view.highlighted == "City of London"
        await press(pilot, "left", "up")
        assert view.highlighted == "Hertfordshire"
        status = str(app.screen.query_one("#map-status").render())
        tile = view.data.tile("Hertfordshire")
        assert status.startswith(f"Hertfordshire: {tile.count:,} ")
        if tile.modelled:  # no chance interval for a modelled count: where it likely lies
            assert "○ modelled" in status
            shown = tile.interval
            if shown is not None and shown.low95 < shown.high95:
                assert f"(likely {shown.low95:,}–{shown.high95:,}, 95%)" in status
        else:
            assert f"{tile.count:,} (95% " in status
        assert "per 100k" in status
        await press(pilot, "m")
        assert view.data.measure == "count"
        await press(pilot, "enter")
        await settle(pilot)
        assert not isinstance(app.screen, ForceMapScreen)
        assert app.selection.members("force") == ("Hertfordshire",)
        await press(pilot, "backspace")
        assert app.selection == start


async def test_map_follows_the_filters_and_closes_with_escape(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.filter_to("region", "Wales")
        await settle(pilot)
        await press(pilot, "M")
        view = _map(app)
        selected = {t.force for t in view.data.tiles if t.selected}
        assert selected == {"Dyfed-Powys", "Gwent", "North Wales", "South Wales"}
        assert view.highlighted in selected
        await press(pilot, "escape")
        assert not isinstance(app.screen, ForceMapScreen)
        assert app.selection.members("region") == ("Wales",)


@pytest.mark.parametrize(
    ("size", "theme"), [((80, 24), "textual-light"), ((120, 40), "textual-dark")]
)
async def test_map_fits_small_terminals_and_the_light_theme(app, size, theme) -> None:
    async with app.run_test(size=size) as pilot:
        app.theme = theme
        await settle(pilot)
        await press(pilot, "M")
        view = _map(app)
        width, height = view.tile_size()
        assert width * view.data.columns + 26 <= size[0]
        assert height * view.data.rows <= view.size.height
        lines = view.render().plain.splitlines()
        assert any("NBR" in line for line in lines) and any("SSX" in line for line in lines)
        assert "no data" in view.render().plain


async def test_funnel_plot_is_a_chart_kind(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for _ in range(3):  # bar -> line -> stacked -> funnel
            await press(pilot, "k")
        assert app.chart_kind == "funnel"
        chart = app.query_one(Chart)
        assert chart.data is not None and chart.data.kind == "funnel"
        assert "no force judged against it" in chart.data.note  # a modelled national rate
        drawn = chart.render().plain
        assert "Funnel" in drawn and "1m" in drawn
        await press(pilot, "k")
        assert app.chart_kind == "bar"


async def test_changes_within_chance_are_marked(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.group_by("force")
        await settle(pilot)
        app.sort_by("change")  # brings the change column into view
        await settle(pilot)
        result = summary(app.dataset, app.selection)
        chance = [
            str(f)
            for f, s in zip(result.frame["force"], result.frame[CHANGE_SIGNIFICANT], strict=True)
            if s is False
        ]
        assert chance, "the test needs a force whose change may be chance"
        app.sort_by("change")  # brings the change column into view
        await settle(pilot)
        rows = {r[0]: r for r in table_rows(app)}
        marked = [f for f in chance if f in rows and any(c.startswith("~") for c in rows[f])]
        assert marked
        assert "~ within chance" in str(app.query_one("#note").render())


async def test_y_copies_the_row_as_a_sentence_and_Y_the_table(app, tmp_path: Path) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "down", "y")
        member = app.query_one(SummaryTable).current_member
        selection = app.selection.with_filter(app.selection.group_by, (member,))
        count = summary(app.dataset, selection).totals[app.selection.measure]
        assert app.clipboard == quote(app.dataset, selection)
        assert f" {count:,} offences of sexual communication with a child" in app.clipboard
        await press(pilot, "Y")
        assert isinstance(app.screen, PickerScreen)
        await press(pilot, "enter")
        key = label(app.selection.group_by)
        total = summary(app.dataset, app.selection).totals[app.selection.measure]
        assert app.clipboard.startswith(f"| {key} | Offences |")
        assert f"| Total | {total:,} |" in app.clipboard
        await press(pilot, "Y", "down", "enter")
        assert app.clipboard.splitlines()[0].split("\t")[:2] == [key, "Offences"]
        await press(pilot, "ctrl+y")
        assert isinstance(app.screen, TextPrompt)
        await pilot.press(*"table.tsv", "enter")
        await settle(pilot)
        assert (tmp_path / "table.tsv").read_text(encoding="utf-8") == app.clipboard


async def test_Y_keeps_the_provenance_marks_the_legend_and_the_sources(app) -> None:
    """The copied table once dropped ● ◐ ○: a modelled number pasted as if published."""
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "g")
        await pilot.press(*"force")  # type-to-jump, or arrows: either reaches Force
        await press(pilot, "enter")
        assert app.selection.group_by == "force"
        for kind in ("enter", "down enter"):
            await press(pilot, "Y", *kind.split())
            lines = app.clipboard.splitlines()
            header = [c.strip() for c in lines[0].strip("|").replace("\t", "|").split("|")]
            assert header[:3] == ["Force", "Offences", "Provenance"]
            rows = [ln for ln in lines if "Kent" in ln or "Total" in ln]
            assert any("● published" in r or "○ modelled" in r for r in rows)
            assert "● published  ◐ derived from published figures  ○ modelled" in lines
            if "● published" in app.clipboard.split("\n\n")[0]:
                assert "Sources:" in lines and any("https://" in ln for ln in lines)
