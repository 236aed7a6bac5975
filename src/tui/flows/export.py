"""The export flow: the dialog, the overwrite question, the write in a worker, the outcome."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Protocol

from tui.data.dataset import DataError, Dataset
from tui.data.export import ExportResult, export
from tui.data.selection import Selection
from tui.data.sidecar import sidecar_path
from tui.host import Explorer
from tui.screens.export import ExportRequest, ExportScreen
from tui.screens.prompt import ConfirmScreen


class ExportHost(Explorer, Protocol):
    """What the export flow needs of the app."""

    export_folder: Path


class ExportFlow:
    """``e``: export the current selection; the last result is kept in :attr:`last`."""

    def __init__(self, app: ExportHost) -> None:
        self.app = app
        self.last: ExportResult | None = None

    def start(self) -> None:
        """Open the export dialog for the current selection."""
        self.app.push_screen(
            ExportScreen(self.app.selection, self.app.export_folder), self._requested
        )

    def _requested(self, request: ExportRequest | None) -> None:
        if request is None:
            return
        side = sidecar_path(request.path)
        if request.path.exists() or side.exists():
            existing = request.path if request.path.exists() else side
            question = f"{existing.name} exists. Overwrite it (and its .toml sidecar)?"
            self.app.push_screen(
                ConfirmScreen(question),
                lambda yes: self._write(request, overwrite=True) if yes else None,
            )
        else:
            self._write(request, overwrite=False)

    def _write(self, request: ExportRequest, overwrite: bool) -> None:
        """Write the export in a worker; the outcome arrives as a notification."""
        self.app.notify(f"Exporting to {request.path.name}…", timeout=2)
        app = self.app
        work = partial(self._export, request, overwrite, app.dataset, app.selection, app.chart_kind)
        self.app.run_worker(work, thread=True, group="export", exclusive=False)

    def _export(
        self,
        request: ExportRequest,
        overwrite: bool,
        dataset: Dataset,
        selection: Selection,
        chart: str,
    ) -> None:
        try:
            result = export(
                dataset,
                selection,
                request.path,
                what=request.what,
                fmt=request.fmt,
                overwrite=overwrite,
                chart=chart,
                excel=request.excel,
            )
        except DataError as error:
            self.app.call_from_thread(
                self.app.notify, str(error), title="Export failed", severity="error"
            )
            return
        self.app.call_from_thread(self._exported, result)

    def _exported(self, result: ExportResult) -> None:
        self.last = result
        self.app.notify(
            f"Wrote {result.rows:,} rows to {result.path} and {result.sidecar.name}",
            title="Exported",
        )
