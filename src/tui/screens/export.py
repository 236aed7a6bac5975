"""The export dialog: what (summary or rows), format, and path with a name built from the selection.

The name's cursor starts at its end; the format follows an extension typed and the name's
extension follows the format chosen; the file is written only by the Export button or ctrl+s
(Enter in the name moves to the button; Tab from the name reaches Cancel first), so no single
stray key writes a file."""

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
from tui.data.output.export_names import (
    EXPORT_FORMATS,
    EXTENSIONS,
    TEXT_FORMATS,
    default_name,
    named_output,
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

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Cancel"),
        Binding("ctrl+s", "export", "Export", priority=True),
    ]
    DEFAULT_CSS = """
    ExportScreen { align: center middle; }
    ExportScreen > Vertical { width: 72; height: auto; border: thick $primary; background: $surface; padding: 0 1; }
    ExportScreen RadioSet { width: 1fr; height: auto; }
    ExportScreen #choices { height: auto; }
    ExportScreen #buttons { height: auto; align-horizontal: right; }
    ExportScreen .title { text-style: bold; }
    ExportScreen #keys { color: $text-muted; width: 1fr; }
    """

    def __init__(
        self, selection: Selection, folder: Path, download: bool = False, fmt: str = "csv"
    ) -> None:
        """``download``: served to a browser, the file arrives as a download (a zip with its
        sidecar), so the dialog asks for a name, not a place on the server; ``fmt``: the format
        chosen when it opens (``E``: Excel)."""
        super().__init__()
        self.first_format = fmt
        self.selection = selection
        self.folder = folder
        self.download = download
        self._suggested = ""

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Export the current selection", classes="title")
            with Horizontal(id="choices"):
                with RadioSet(id="what"):
                    yield Radio("Summary table as shown", value=True, id="summary")
                    yield Radio("Filtered rows", id="rows")
                with RadioSet(id="format"):
                    for fmt, text in FORMAT_LABELS.items():
                        yield Radio(text, value=fmt == self.first_format, id=fmt)
            yield Tick("CSV/TSV for Excel (UTF-8 with byte-order mark)", id="excel", compact=True)
            yield Label(
                "File name (downloaded as a zip with its .toml sidecar):"
                if self.download
                else "File or folder (a .toml sidecar is written beside it):"
            )
            yield Input(id="path", select_on_focus=False)
            with Horizontal(id="buttons"):
                yield Label("ctrl+s exports · Esc cancels", id="keys")
                yield Button("Cancel", id="cancel")
                yield Button("Export", variant="primary", id="export")

    def on_mount(self) -> None:
        if not self.query("#path"):  # the app is closing (q typed just before e): nothing to fill
            return
        self._suggest()
        path_input = self.query_one("#path", Input)
        path_input.focus()
        path_input.cursor_position = len(path_input.value)

    @property
    def what(self) -> str:
        pressed = self.query_one("#what", RadioSet).pressed_button
        return pressed.id if pressed and pressed.id else "summary"

    @property
    def fmt(self) -> str:
        pressed = self.query_one("#format", RadioSet).pressed_button
        return pressed.id if pressed and pressed.id else "csv"

    def _suggest(self) -> None:
        """Fill in the default name, unless the user has typed their own; either way its
        extension follows the format chosen."""
        path_input = self.query_one("#path", Input)
        suggested = str(self.folder / default_name(self.selection, self.what, self.fmt))
        if path_input.value in ("", self._suggested):
            path_input.value = suggested
        elif Path(path_input.value).suffix.lower() in EXTENSIONS:
            path_input.value = str(Path(path_input.value).with_suffix(EXPORT_FORMATS[self.fmt]))
        path_input.cursor_position = len(path_input.value)
        self._suggested = suggested
        self.query_one("#excel", Tick).disabled = self.fmt not in TEXT_FORMATS

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        event.stop()
        self._suggest()

    def on_input_changed(self, event: Input.Changed) -> None:
        """An extension typed in the name chooses the format (``.xlsx``: Excel)."""
        event.stop()
        fmt = typed_format(event.value)
        if fmt is None or fmt == self.fmt:
            return
        radio = self.query_one(f"#{fmt}", Radio)
        with self.query_one("#format", RadioSet).prevent(RadioSet.Changed):
            radio.value = True
        self.query_one("#excel", Tick).disabled = fmt not in TEXT_FORMATS

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in the name goes to the Export button: writing takes one more, deliberate key."""
        event.stop()
        self.query_one("#export", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "export":
            self._submit()
        else:
            self.dismiss(None)

    def action_export(self) -> None:
        """ctrl+s: write the file as the dialog stands."""
        self._submit()

    def _submit(self) -> None:
        """Resolve what was typed (a file, or a folder for the default name) and close."""
        text = self.query_one("#path", Input).value.strip()
        if not text:
            self.notify("Give a file name", severity="warning")
            return
        if self.download:  # only a name for the download: no folder of the server looked up
            name = Path(text.rstrip("/" + os.sep)).name
            if not name or text.endswith(("/", os.sep)):
                name = default_name(self.selection, self.what, self.fmt)
            text = name
            path = self.folder / name
        else:
            path = Path(text).expanduser()
            if not path.is_absolute():
                path = self.folder / path
        asked = typed_format(path.name)
        if asked and path.name.lower() in FORMAT_WORDS:
            # a format's name typed as the whole name (``xlsx``): the default name in it
            path = path.with_name(default_name(self.selection, self.what, asked))
        elif asked and path.suffix.lower() not in EXTENSIONS:  # ``out.csvxlsx``: ``out.xlsx``
            path = path.with_suffix(EXPORT_FORMATS[asked])
        typed = str(path) + ("/" if text.endswith(("/", os.sep)) else "")
        # an extension typed by hand wins over the format buttons
        requested = None if path.suffix.lower() in EXTENSIONS else self.fmt
        try:
            if self.download:
                output, fmt, _ = named_output(path, requested)
            else:
                output, fmt, _ = resolve_output(typed, self.selection, self.what, requested)
        except DataError as error:
            self.notify(str(error), title="Cannot export there", severity="error")
            return
        excel = self.query_one("#excel", Tick).value and fmt in TEXT_FORMATS
        self.dismiss(ExportRequest(self.what, fmt, output, excel))


def typed_format(name: str) -> str | None:
    """The format an export name asks for by its extension (``out.xlsx``: xlsx), or by a format's
    name typed as the whole name (``xlsx``) or onto the old extension (``out.csvxlsx``)."""
    path = Path(name.strip())
    suffix = path.suffix.lower()
    if suffix in EXTENSIONS:
        return EXTENSIONS[suffix]
    word = (suffix.lstrip(".") or path.name).lower()
    return next((FORMAT_WORDS[end] for end in FORMAT_WORDS if word.endswith(end)), None)


FORMAT_WORDS = dict(
    sorted(
        {e.lstrip("."): fmt for e, fmt in EXTENSIONS.items()}.items(),
        key=lambda item: -len(item[0]),
    )
)
"""Each extension without its dot -> its format, longest first (``ndjson`` before ``json``)."""
