"""The copy flow: ``y`` copies the highlighted row as a sentence to quote, ``Y`` the table as
shown (Markdown or TSV), through the terminal's clipboard (OSC 52); ``ctrl+y`` writes the last
copied text to a file for terminals that do not take OSC 52 (served: sends it to the visitor's
browser as a download, never asking for a path)."""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from pathlib import Path
from typing import Protocol, TextIO

from tui.data.atomic import write_atomically
from tui.data.dataset import DataError
from tui.data.engine.query import summary
from tui.data.features.quote import quote
from tui.data.output.table_notes import shown_table
from tui.host import Explorer
from tui.screens.picker import PickerScreen
from tui.screens.prompt import ConfirmScreen, TextPrompt

TABLE_FORMATS = (("markdown", "Markdown (documents, chat)"), ("tsv", "TSV (spreadsheets)"))
DOWNLOAD_NAMES = {
    "sentence": "scwc_sentence.txt",
    "markdown": "scwc_table.md",
    "tsv": "scwc_table.tsv",
}
"""Served: the file name each kind of copied text is downloaded as."""


class CopyHost(Explorer, Protocol):
    """What the copy flow needs of the app."""

    def deliver_text(
        self, path_or_file: TextIO, *, save_filename: str | None = ..., mime_type: str | None = ...
    ) -> str | None:
        """Send text to the visitor's browser as a download (served)."""
        ...


class CopyFlow:
    """Builds the text from the query engine and hands it to the clipboard."""

    def __init__(
        self, app: CopyHost, copy: Callable[[str], None], folder: Path, served: bool = False
    ) -> None:
        self.app = app
        self.copy = copy
        self.folder = folder
        self.served = served
        self.last: str | None = None
        self.last_kind = "sentence"

    def sentence(self, member: str | None) -> None:
        """Copy ``member``'s row (the whole selection for the totals row) as a sentence."""
        selection = self.app.selection
        if member is not None:
            selection = selection.with_filter(selection.group_by, (member,))
        self._copied(quote(self.app.dataset, selection), "sentence", "sentence")

    def table(self) -> None:
        """Ask Markdown or TSV, then copy the table as shown."""
        self.app.push_screen(
            PickerScreen("Copy the table as", list(TABLE_FORMATS), "markdown"), self._table
        )

    def _table(self, kind: str | None) -> None:
        if kind is None:
            return
        result = summary(self.app.dataset, self.app.selection)
        text = shown_table(result, markdown=kind == "markdown")
        self._copied(text, f"table as {'Markdown' if kind == 'markdown' else 'TSV'}", kind)

    def _copied(self, text: str, what: str, kind: str) -> None:
        self.last = text
        self.last_kind = kind
        self.copy(text)
        # a sentence is shown whole (it is what will be pasted); a table's start is enough
        preview = text if kind == "sentence" or len(text) <= 300 else text[:300] + "…"
        hint = (
            "ctrl+y downloads it"
            if self.served
            else "ctrl+y writes it to a file if your terminal does not take OSC 52"
        )
        self.app.notify(
            f"{preview}\n\n({hint})",
            title=f"Copied {what}",
            timeout=8,
        )

    def save(self) -> None:
        """Ask for a file name and write the last copied text there."""
        if self.last is None:
            self.app.notify("Nothing copied yet: y copies a row, Y the table", severity="warning")
            return
        if self.served:
            name = DOWNLOAD_NAMES[self.last_kind]
            self.app.deliver_text(io.StringIO(self.last), save_filename=name)
            self.app.notify(f"{name} sent to your browser as a download")
            return
        self.app.push_screen(
            TextPrompt(f"Write the copied text to (in {self.folder}):"), self._save
        )

    def _save(self, name: str | None) -> None:
        if not name or self.last is None:
            return
        path = (self.folder / name).expanduser()
        text = self.last
        if os.path.lexists(path):
            self.app.push_screen(
                ConfirmScreen(f"{path.name} exists. Replace it with the copied text?"),
                lambda yes: self._write(path, text, overwrite=True) if yes else None,
            )
            return
        self._write(path, text, overwrite=False)

    def _write(self, path: Path, text: str, overwrite: bool) -> None:
        try:
            write_atomically(
                path, lambda staged: staged.write_text(text, encoding="utf-8"), overwrite
            )
        except DataError as error:
            self.app.notify(str(error), title="Not written", severity="error")
            return
        self.app.notify(f"Wrote {path}")
