"""Opening real-shaped files in the app: picking a workbook's sheet, the 88A offence filter that
x keeps, and what the app says about how a file was read."""

from __future__ import annotations

from pathlib import Path

from tests.app.helpers import SIZE, press, row_for, settle, text_of
from tests.app.test_explorer import open_with_prompt
from tests.data.spreadsheets import write_xlsx
from tests.data.test_load_real_files import HOME_OFFICE
from tui.app import ExplorerApp
from tui.data.loading import load_dataset
from tui.screens.picker import PickerScreen


async def test_workbook_sheet_is_picked_by_hand(dataset, tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "book.xlsx",
        {"A": [["Force", "Offences"], ["Kent", 1]], "B": [["Force", "Offences"], ["Kent", 50]]},
    )
    app = ExplorerApp(dataset)
    async with app.run_test(size=SIZE) as pilot:
        from textual.widgets import Input

        from tui.screens.prompt import TextPrompt

        await pilot.press("ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, TextPrompt)
        app.screen.query_one(Input).value = str(path)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
        await press(pilot, "down", "down", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.dataset.name == "book.xlsx"
        assert row_for(app, "Total")[1] == "50"


async def test_x_keeps_the_88a_filter_and_the_note_says_88a_is_broader(tmp_path: Path) -> None:
    path = tmp_path / "prc.csv"
    path.write_text(HOME_OFFICE)
    app = ExplorerApp(load_dataset(path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)  # the first results in, whatever the load
        assert row_for(app, "Total")[1] == "13"
        assert "88A is broader than s.15A" in text_of(app, "#note")
        await press(pilot, "x")
        assert app.selection.members("offence_code") == ("88A",)
        assert row_for(app, "Total")[1] == "13"


async def test_opening_a_file_says_how_it_was_read(dataset, tmp_path: Path) -> None:
    path = tmp_path / "foi.csv"
    path.write_text("Force,Offences\nKent,100\nEssex,100\nSurrey,100\nTotal,300\n")
    app = ExplorerApp(dataset)
    async with app.run_test(size=SIZE) as pilot:
        await open_with_prompt(pilot, path)
        assert row_for(app, "Total")[1] == "300"
        shown = " ".join(str(n.message) for n in app._notifications)
        assert '1 total row skipped (row 5: "Total")' in shown


async def test_a_file_opened_from_the_command_line_says_how_it_was_read(tmp_path: Path) -> None:
    lines = [line for line in HOME_OFFICE.splitlines() if ",88A," not in line]
    path = tmp_path / "prc.csv"
    path.write_text("\n".join(lines) + "\n")
    app = ExplorerApp(load_dataset(path))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        shown = " ".join(str(n.message) for n in app._notifications)
        assert "no offence code 88A" in shown and "19C" in shown
        assert app.selection.group_by == "offence_code"
