"""The export dialog: what (summary or rows), format, and path with a name built from the selection."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioSet

from tui.data.dataset import DataError
from tui.data.export import (
    EXPORT_FORMATS,
    EXTENSIONS,
    TEXT_FORMATS,
    default_name,
    resolve_output,
)
from tui.data.selection import Selection
from tui.widgets.toggles import Radio, Tick

FORMAT_LABELS = {
    "csv": "CSV",
    "tsv": "TSV",
    "parquet": "Parquet",
    "json": "JSON",
    "ndjson": "NDJSON",
    "xlsx": "Excel (.xlsx)",
}


@dataclass(frozen=True)
class ExportRequest:
    """What the user asked to export, and where."""

    what: str
    fmt: str
    path: Path
    excel: bool = False
    """CSV/TSV with a UTF-8 byte-order mark, so Excel opens accented names right."""


class ExportScreen(ModalScreen[ExportRequest | None]):
    """Returns an :class:`ExportRequest`, or ``None`` when cancelled."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]
    DEFAULT_CSS = """
    ExportScreen { align: center middle; }
    ExportScreen > Vertical { width: 72; height: auto; border: thick $primary; background: $surface; padding: 0 1; }
    ExportScreen RadioSet { width: 1fr; height: auto; }
    ExportScreen #choices { height: auto; }
    ExportScreen #buttons { height: auto; align-horizontal: right; }
    ExportScreen .title { text-style: bold; }
    """

    def __init__(self, selection: Selection, folder: Path) -> None:
        super().__init__()
        self.selection = selection
        self.folder = folder
        self._suggested = ""

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Export the current selection", classes="title")
            with Horizontal(id="choices"):
                with RadioSet(id="what"):
                    yield Radio("Summary table as shown", value=True, id="summary")
                    yield Radio("Filtered rows", id="rows")
                with RadioSet(id="format"):
                    for index, (fmt, text) in enumerate(FORMAT_LABELS.items()):
                        yield Radio(text, value=index == 0, id=fmt)
            yield Tick("CSV/TSV for Excel (UTF-8 with byte-order mark)", id="excel", compact=True)
            yield Label("File or folder (a .toml sidecar is written beside it):")
            yield Input(id="path")
            with Horizontal(id="buttons"):
                yield Button("Export", variant="primary", id="export")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self._suggest()
        self.query_one("#path", Input).focus()

    @property
    def what(self) -> str:
        pressed = self.query_one("#what", RadioSet).pressed_button
        return pressed.id if pressed and pressed.id else "summary"

    @property
    def fmt(self) -> str:
        pressed = self.query_one("#format", RadioSet).pressed_button
        return pressed.id if pressed and pressed.id else "csv"

    def _suggest(self) -> None:
        """Fill in the default name, unless the user has typed their own."""
        path_input = self.query_one("#path", Input)
        suggested = str(self.folder / default_name(self.selection, self.what, self.fmt))
        if path_input.value in ("", self._suggested):
            path_input.value = suggested
        elif Path(path_input.value).suffix.lower() in EXTENSIONS:
            path_input.value = str(Path(path_input.value).with_suffix(EXPORT_FORMATS[self.fmt]))
        self._suggested = suggested
        self.query_one("#excel", Tick).disabled = self.fmt not in TEXT_FORMATS

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        event.stop()
        self._suggest()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "export":
            self._submit()
        else:
            self.dismiss(None)

    def _submit(self) -> None:
        """Resolve what was typed (a file, or a folder for the default name) and close."""
        text = self.query_one("#path", Input).value.strip()
        if not text:
            self.notify("Give a file name", severity="warning")
            return
        path = Path(text).expanduser()
        if not path.is_absolute():
            path = self.folder / path
        typed = str(path) + ("/" if text.endswith(("/", os.sep)) else "")
        # an extension typed by hand wins over the format buttons
        requested = None if path.suffix.lower() in EXTENSIONS else self.fmt
        try:
            output, fmt, _ = resolve_output(typed, self.selection, self.what, requested)
        except DataError as error:
            self.notify(str(error), title="Cannot export there", severity="error")
            return
        excel = self.query_one("#excel", Tick).value and fmt in TEXT_FORMATS
        self.dismiss(ExportRequest(self.what, fmt, output, excel))
