"""The open-file flow: ask for a path, load it in a worker, switch to it or say why not.

Served (``scwc serve``) there is no path to type: a visitor picks one of the data files in the
folder the operator named (``--data-dir``), or is told that opening files is off.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from tui.data.dataset import DataError
from tui.data.loading.isolated import open_dataset
from tui.data.loading.paths import folder_files, in_folder
from tui.data.loading.read import FORMATS, workbook_sheets
from tui.host import Explorer
from tui.screens.picker import PickerScreen
from tui.screens.prompt import TextPrompt
from tui.served_mode import Served

AUTOMATIC = "\x00automatic"
"""Picker id of "the sheets the loader finds" (no sheet name can hold a NUL)."""


class OpenFileFlow:
    """``ctrl+o``: a bad file is reported and the current data kept."""

    def __init__(self, app: Explorer, served: Served | None = None) -> None:
        self.app = app
        self.served = served

    def start(self) -> None:
        """Ask for a data file to open instead of the current one."""
        if self.served:
            self._pick_served()
            return
        self.app.push_screen(
            TextPrompt("Open a data file (CSV, TSV, Parquet, JSON, NDJSON, Excel, ODS):"),
            self._open_path,
        )

    def _pick_served(self) -> None:
        """Offer the files of the served data folder (the only files a visitor may open)."""
        folder = self.served.data_dir if self.served else None
        if folder is None:
            self.app.notify(
                "Opening other files is off on this server (its operator can name a folder "
                "with scwc serve --data-dir)",
                severity="warning",
            )
            return
        names = folder_files(folder, frozenset(FORMATS))
        if not names:
            self.app.notify("The server's data folder holds no data files", severity="warning")
            return
        self.app.push_screen(
            PickerScreen("Open which data file?", [(n, n) for n in names]), self._served_picked
        )

    def _served_picked(self, name: str | None) -> None:
        folder = self.served.data_dir if self.served else None
        if not name or folder is None:
            return
        path = in_folder(folder, name)
        if path is None:
            self.app.notify(f"{name}: no longer in the data folder", severity="error")
            return
        self._chosen(path)

    def _open_path(self, text: str | None) -> None:
        if not text:
            return
        self._chosen(Path(text).expanduser())

    def _chosen(self, path: Path) -> None:
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
