"""``C``: save the chart on screen as a file for print or the web (SVG, PNG or PDF, web size), the
same chart ``scwc chart`` writes for the current selection and chart kind. The file name starts
as one named after the selection; an existing file is replaced only when the user says so; the
chart is drawn in a worker. Served, the chart goes to the visitor's browser as a download.
Without matplotlib (the ``chart`` extra) a notification says how to install it.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO, Protocol

from tui.data.dataset import DataError
from tui.data.output.chart import chart_figure, chart_writer, save_chart
from tui.data.output.chart_plan import PRINT_KINDS, chart_format
from tui.data.output.export_names import default_name
from tui.host import Explorer
from tui.screens.prompt import ConfirmScreen, TextPrompt

MEDIA_TYPES = {"svg": "image/svg+xml", "png": "image/png", "pdf": "application/pdf"}


class ChartFileHost(Explorer, Protocol):
    """What the chart flow needs of the app."""

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


def chart_name(host: Explorer) -> str:
    """The file name offered first: named after the selection, ``.svg``."""
    return Path(default_name(host.selection, "summary", "csv")).with_suffix(".svg").name


class ChartFileFlow:
    """Asks for a file name, then draws and writes the chart in a worker."""

    def __init__(self, app: ChartFileHost, served: bool = False) -> None:
        self.app = app
        self.served = served

    def start(self) -> None:
        """Ask where to save the chart (served: send it as a download at once)."""
        try:
            chart_writer()
        except DataError as error:
            self.app.notify(str(error), title="No chart written", severity="warning")
            return
        if self.served:
            self._in_worker(self._render, self._delivered)
            return
        self.app.push_screen(
            TextPrompt(
                f"Save the chart as (.svg, .png or .pdf; in {self.app.export_folder}):",
                chart_name(self.app),
            ),
            self._named,
        )

    def _kind(self) -> str:
        return self.app.chart_kind if self.app.chart_kind in PRINT_KINDS else "bar"

    def _named(self, name: str | None) -> None:
        if not name:
            return
        path = (self.app.export_folder / name).expanduser()
        try:
            chart_format(path)
        except DataError as error:
            self.app.notify(str(error), title="No chart written", severity="error")
            return
        if os.path.lexists(path):
            self.app.push_screen(
                ConfirmScreen(f"{path.name} exists. Replace it with the chart?"),
                lambda yes: self._write(path, overwrite=True) if yes else None,
            )
            return
        self._write(path, overwrite=False)

    def _write(self, path: Path, overwrite: bool) -> None:
        dataset, selection, kind = self.app.dataset, self.app.selection, self._kind()

        def make() -> Path:
            figure = chart_figure(dataset, selection, kind)
            return save_chart(figure, path, overwrite=overwrite)

        self.app.notify(f"Drawing the chart into {path.name}…", timeout=2)
        self._in_worker(make, self._written)

    def _written(self, path: Path) -> None:
        note = "" if self.app.chart_kind in PRINT_KINDS else " (as bars: print has no funnel)"
        self.app.notify(f"Wrote {path}{note}", title="Chart saved")

    def _render(self) -> tuple[str, bytes]:
        """Served: the chart as SVG bytes, named after the selection."""
        figure = chart_figure(self.app.dataset, self.app.selection, self._kind())
        buffer = io.BytesIO()
        chart_writer().render(figure, buffer, "svg")
        return chart_name(self.app), buffer.getvalue()

    def _delivered(self, named: tuple[str, bytes]) -> None:
        name, data = named
        self.app.deliver_binary(io.BytesIO(data), save_filename=name, mime_type=MEDIA_TYPES["svg"])
        self.app.notify(f"{name} sent to your browser as a download", title="Chart saved")

    def _in_worker(self, make: Callable[[], Any], done: Callable[[Any], None]) -> None:
        """Run ``make`` in a worker thread; its result goes to ``done``, a refusal to a
        notification."""

        def work() -> None:
            try:
                result = make()
            except DataError as error:
                self.app.call_from_thread(
                    self.app.notify, str(error), title="No chart written", severity="error"
                )
                return
            self.app.call_from_thread(done, result)

        self.app.run_worker(work, thread=True, group="chart-file", exclusive=False)
