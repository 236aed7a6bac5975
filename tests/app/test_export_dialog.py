"""The export dialog and saved views, driven by keys."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from tests.app.helpers import SIZE, engine_count, engine_result, press, row_for, settle
from tui.app import ExplorerApp
from tui.screens.export import ExportScreen
from tui.screens.prompt import ConfirmScreen

EW = (("jurisdiction", ("England and Wales",)),)


async def test_export_dialog_writes_what_is_shown(dataset, tmp_path: Path) -> None:
    app = ExplorerApp(dataset, export_folder=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.group_by("force")
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ExportScreen)
        path_input = app.screen.query_one("#path")
        assert path_input.value == str(tmp_path / "scwc_force_england-and-wales.csv")
        # choose Excel: back past the "for Excel" box to the format radio set, down to the last
        await pilot.press("shift+tab", "shift+tab")
        for _ in range(5):
            await pilot.press("down")
        await pilot.press("enter")
        await pilot.pause()
        assert path_input.value == str(tmp_path / "scwc_force_england-and-wales.xlsx")
        await pilot.press("tab", "tab", "ctrl+s")  # focus the path, export
        await app.workers.wait_for_complete()
        await pilot.pause()
        exported = pl.read_excel(
            tmp_path / "scwc_force_england-and-wales.xlsx", table_name="selection"
        )
        total = engine_result(app).totals["offences"]
        assert exported.height == 43 and exported["Offences"].sum() == total
        assert (tmp_path / "scwc_force_england-and-wales.xlsx.toml").is_file()
        assert app.exports.last is not None and app.exports.last.rows == 43

        # again: the file exists, so the app asks; "n" keeps the file untouched
        before = (tmp_path / "scwc_force_england-and-wales.xlsx").stat().st_mtime_ns
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("shift+tab", "shift+tab")
        for _ in range(5):
            await pilot.press("down")
        await pilot.press("enter", "tab", "tab", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await app.workers.wait_for_complete()
        assert (tmp_path / "scwc_force_england-and-wales.xlsx").stat().st_mtime_ns == before
        assert row_for(app, "Total")[1] == engine_count(app)  # the app is still usable


async def test_export_to_a_bad_folder_reports_and_keeps_going(dataset, tmp_path: Path) -> None:
    app = ExplorerApp(dataset, export_folder=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        path_input = app.screen.query_one("#path")
        path_input.value = str(tmp_path / "no" / "such" / "folder.csv")
        await pilot.press("enter", "enter")  # to the Export button, and press it
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert any("does not exist" in n.message for n in app._notifications)
        assert app.exports.last is None
        await press(pilot, "down", "enter")
        assert app.selection.group_by == "region"


async def test_save_and_open_a_view(dataset, isolated_views: Path) -> None:
    app = ExplorerApp(dataset)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "enter")  # England -> regions
        await press(pilot, "k")  # line chart
        saved = app.selection
        await pilot.press("w")
        await pilot.pause()
        await pilot.press(*"england regions", "enter")
        await pilot.pause()
        assert "england regions" in isolated_views.read_text()
        await press(pilot, "x")
        assert app.selection.filters == EW
        await pilot.press("v")
        await pilot.pause()
        await press(pilot, "enter")
        assert app.selection == saved and app.chart_kind == "line"
        await press(pilot, "backspace")  # the drill path of a view can be walked back up
        assert app.selection.group_by == "nation" and app.selection.filters == EW


async def test_app_starts_on_a_view_from_the_cli(dataset, isolated_views: Path) -> None:
    from tui.cli import open_start
    from tui.data.output.views import View, save_view
    from tui.data.selection import Selection

    view = (
        Selection("platform", "offences")
        .with_filter("force", ("West Mercia",))
        .with_filter("year", ("2017/18",))
    )
    save_view(isolated_views, View("wm", view, "stacked"))
    start = open_start(None, "wm", None)
    app = ExplorerApp(start.dataset, start.selection, chart=start.chart)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.results is not None and app.results.chart.kind == "stacked"
        assert row_for(app, "Total")[1] == "73"  # published: West Mercia 2017/18


async def test_excel_csv_option_and_a_folder_as_the_path(dataset, tmp_path: Path) -> None:
    app = ExplorerApp(dataset, export_folder=tmp_path)
    folder = tmp_path / "exports"
    folder.mkdir()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ExportScreen)
        await pilot.press("shift+tab", "space")  # tick "for Excel"
        await pilot.press("tab", "ctrl+u", *str(folder), "ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        written = folder / "scwc_nation_england-and-wales.csv"
        assert written.read_bytes().startswith(b"\xef\xbb\xbfnation,")
        assert app.exports.last is not None and app.exports.last.path == written


async def test_an_existing_sidecar_is_never_replaced_without_asking(
    dataset, tmp_path: Path
) -> None:
    notes = tmp_path / "scwc_nation_england-and-wales.csv.toml"
    notes.write_text("# my notes\n")
    app = ExplorerApp(dataset, export_folder=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await app.workers.wait_for_complete()
        assert notes.read_text() == "# my notes\n"
        assert not (tmp_path / "scwc_nation_england-and-wales.csv").exists()


async def test_excel_box_only_for_text_formats(dataset, tmp_path: Path) -> None:
    app = ExplorerApp(dataset, export_folder=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        box = app.screen.query_one("#excel")
        assert not box.disabled
        await pilot.press("shift+tab", "shift+tab", "down", "down", "enter")  # Parquet
        await pilot.pause()
        assert box.disabled and app.screen.query_one("#path").value.endswith(".parquet")


async def written(pilot, folder: Path) -> list[str]:
    """The files in ``folder`` once every export worker is done."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.parametrize("keys", ["tab down enter", "enter", "tab enter", "down enter", "space"])
async def test_no_single_stray_key_writes_a_file(dataset, tmp_path: Path, keys: str) -> None:
    """``e Tab Down Enter`` once wrote a CSV at once."""
    app = ExplorerApp(dataset, export_folder=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        await pilot.press(*keys.split())
        assert await written(pilot, tmp_path) == []
        assert app.exports.last is None


async def test_export_is_the_button_or_ctrl_s(dataset, tmp_path: Path) -> None:
    app = ExplorerApp(dataset, export_folder=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("enter")  # from the name to the Export button
        assert app.screen.query_one("#export").has_focus
        await pilot.press("enter")
        assert await written(pilot, tmp_path) == [
            "scwc_nation_england-and-wales.csv",
            "scwc_nation_england-and-wales.csv.toml",
        ]


async def test_the_name_cursor_is_at_its_end_and_nothing_is_selected(dataset, tmp_path) -> None:
    app = ExplorerApp(dataset, export_folder=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        path_input = app.screen.query_one("#path")
        suggested = path_input.value
        assert path_input.cursor_position == len(suggested)
        assert path_input.selection.is_empty
        await pilot.press(*["backspace"] * 3, *"xlsx")  # csv -> xlsx
        assert path_input.value == suggested[:-3] + "xlsx"
        assert app.screen.fmt == "xlsx"  # the format follows the extension typed
        await pilot.press("ctrl+s")
        assert await written(pilot, tmp_path) == [
            "scwc_nation_england-and-wales.xlsx",
            "scwc_nation_england-and-wales.xlsx.toml",
        ]


@pytest.mark.parametrize("typed", ["xlsx", "out.csvxlsx"])
async def test_typing_xlsx_never_writes_xlsx_csv(dataset, tmp_path: Path, typed: str) -> None:
    """Typing ``xlsx`` over a selected name once wrote ``xlsx.csv``."""
    app = ExplorerApp(dataset, export_folder=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("ctrl+u", *typed)
        assert app.screen.fmt == "xlsx"
        await pilot.press("ctrl+s")
        files = await written(pilot, tmp_path)
        assert files and all(".xlsx" in f and ".csv" not in f for f in files), files
        assert files[0].endswith(".xlsx")


async def test_the_extension_follows_the_format_chosen(dataset, tmp_path: Path) -> None:
    app = ExplorerApp(dataset, export_folder=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("ctrl+u", *"kent.csv")
        await pilot.press("shift+tab", "shift+tab", "down", "down", "enter")  # Parquet
        await pilot.pause()
        assert app.screen.query_one("#path").value == "kent.parquet"
