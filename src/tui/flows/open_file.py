"""The open-file flow: ask for a path, load it in a worker, switch to it or say why not."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from tui.data.dataset import DataError
from tui.data.isolated import open_dataset
from tui.host import Explorer
from tui.screens.prompt import TextPrompt


class OpenFileFlow:
    """``ctrl+o``: a bad file is reported and the current data kept."""

    def __init__(self, app: Explorer) -> None:
        self.app = app

    def start(self) -> None:
        """Ask for a data file to open instead of the current one."""
        self.app.push_screen(
            TextPrompt("Open a data file (CSV, TSV, Parquet, JSON, NDJSON, Excel):"),
            self._open_path,
        )

    def _open_path(self, text: str | None) -> None:
        if text:
            self.open(Path(text).expanduser())

    def open(self, path: Path) -> None:
        """Load ``path`` in a worker; on failure say why and keep the current dataset."""
        self.app.notify(f"Opening {path.name}…", timeout=2)
        self.app.run_worker(partial(self._load, path), thread=True, group="open", exclusive=True)

    def _load(self, path: Path) -> None:
        try:
            dataset = open_dataset(path)
        except DataError as error:
            self.app.call_from_thread(
                self.app.notify,
                str(error),
                title="Cannot open file (current data kept)",
                severity="error",
            )
            return
        self.app.call_from_thread(self.app.switch_dataset, dataset)
