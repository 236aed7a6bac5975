"""The export flow: the dialog, the overwrite question, the write in a worker, the outcome.

Served (``scwc serve``), nothing is written where the visitor says: the export and its sidecar go
to their browser as one zip download, named after what they typed.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import BinaryIO, Protocol, TypeVar

from tui.data.dataset import DataError
from tui.data.loading.sidecar import sidecar_path
from tui.data.output.bundle import Bundle, export_bundle
from tui.data.output.export import ExportResult, export
from tui.host import Explorer
from tui.screens.export import ExportRequest, ExportScreen
from tui.screens.prompt import ConfirmScreen
from tui.served_mode import Served

T = TypeVar("T")
BROWSER_FOLDER = Path("~/Downloads")
"""What the served export dialog shows as the folder: the visitor's own downloads."""


class ExportHost(Explorer, Protocol):
    """What the export flow needs of the app."""

    export_folder: Path

    def deliver_binary(
        self,
        path_or_file: BinaryIO,
        *,
        save_filename: str | None = ...,
        mime_type: str | None = ...,
    ) -> str | None:
        """Send a file to the visitor's browser as a download (served)."""
        ...


class ExportFlow:
    """``e``: export the current selection; the last result is kept in :attr:`last`."""

    def __init__(self, app: ExportHost, served: Served | None = None) -> None:
        self.app = app
        self.served = served
        self.last: ExportResult | None = None

    def start(self, fmt: str = "csv") -> None:
        """Open the export dialog for the current selection, ``fmt`` chosen."""
        folder = BROWSER_FOLDER if self.served else self.app.export_folder
        self.app.push_screen(
            ExportScreen(self.app.selection, folder, download=self.served is not None, fmt=fmt),
            self._requested,
        )

    def _requested(self, request: ExportRequest | None) -> None:
        if request is None:
            return
        if self.served:
            self._deliver(request)
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
        make = partial(
            export,
            app.dataset,
            app.selection,
            request.path,
            what=request.what,
            fmt=request.fmt,
            overwrite=overwrite,
            chart=app.chart_kind,
            excel=request.excel,
        )
        self._in_worker(make, self._exported)

    def _exported(self, result: ExportResult) -> None:
        self.last = result
        self.app.notify(
            f"Wrote {result.rows:,} rows to {result.path} and {result.sidecar.name}",
            title="Exported",
        )

    def _deliver(self, request: ExportRequest) -> None:
        """Served: make the zip in a worker and hand it to the visitor's browser."""
        self.app.notify(f"Preparing {request.path.name} for your browser…", timeout=2)
        app = self.app
        make = partial(
            export_bundle,
            app.dataset,
            app.selection,
            request.path.name,
            what=request.what,
            fmt=request.fmt,
            chart=app.chart_kind,
            excel=request.excel,
        )
        self._in_worker(make, self._delivered)

    def _in_worker(self, make: Callable[[], T], done: Callable[[T], None]) -> None:
        """Run ``make`` in a worker thread; its result goes to ``done`` on the app's thread, a
        refusal (:class:`DataError`) to a notification."""

        def work() -> None:
            try:
                result = make()
            except DataError as error:
                self.app.call_from_thread(
                    self.app.notify, str(error), title="Export failed", severity="error"
                )
                return
            self.app.call_from_thread(done, result)

        self.app.run_worker(work, thread=True, group="export", exclusive=False)

    def _delivered(self, bundle: Bundle) -> None:
        self.app.deliver_binary(
            io.BytesIO(bundle.data), save_filename=bundle.name, mime_type="application/zip"
        )
        self.app.notify(
            f"{bundle.rows:,} rows: {bundle.name} ({' and '.join(bundle.members)}) "
            "sent to your browser as a download",
            title="Exported",
        )
