"""The open-file flow: ask for a path, load it in a worker, switch to it or say why not."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from tui.data.dataset import DataError
from tui.data.isolated import open_dataset
from tui.data.loading.read import workbook_sheets
from tui.host import Explorer
from tui.screens.picker import PickerScreen
from tui.screens.prompt import TextPrompt

AUTOMATIC = "\x00automatic"
"""Picker id of "the sheets the loader finds" (no sheet name can hold a NUL)."""


class OpenFileFlow:
    """``ctrl+o``: a bad file is reported and the current data kept."""

    def __init__(self, app: Explorer) -> None:
        self.app = app

    def start(self) -> None:
        """Ask for a data file to open instead of the current one."""
        self.app.push_screen(
            TextPrompt("Open a data file (CSV, TSV, Parquet, JSON, NDJSON, Excel, ODS):"),
            self._open_path,
        )

    def _open_path(self, text: str | None) -> None:
        if not text:
            return
        path = Path(text).expanduser()
        sheets = workbook_sheets(path)
        if len(sheets) > 1:  # a workbook: the user may pick a sheet by hand
            options = [(AUTOMATIC, "Sheets with a recognised header"), *((n, n) for n in sheets)]
            self.app.push_screen(
                PickerScreen(f"Read which sheet of {path.name}?", options, AUTOMATIC),
                partial(self._sheet_picked, path),
            )
        else:
            self.open(path)

    def _sheet_picked(self, path: Path, choice: str | None) -> None:
        if choice is not None:
            self.open(path, None if choice == AUTOMATIC else choice)

    def open(self, path: Path, sheet: str | None = None) -> None:
        """Load ``path`` (``sheet`` of a workbook) in a worker; on failure say why and keep the
        current dataset."""
        self.app.notify(f"Opening {path.name}…", timeout=2)
        self.app.run_worker(
            partial(self._load, path, sheet), thread=True, group="open", exclusive=True
        )

    def _load(self, path: Path, sheet: str | None) -> None:
        try:
            dataset = open_dataset(path, sheet=sheet)
        except DataError as error:
            self.app.call_from_thread(
                self.app.notify,
                str(error),
                title="Cannot open file (current data kept)",
                severity="error",
            )
            return
        self.app.call_from_thread(self.app.switch_dataset, dataset)
