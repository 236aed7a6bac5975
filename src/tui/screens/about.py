"""About data: the dataset's metadata (``data/offences.toml``) and the loader's notes."""

from __future__ import annotations

import tomli_w
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.data.dataset import Dataset
from tui.data.schema import HOME_OFFICE_CAVEAT, HOME_OFFICE_OFFENCE_CODE


def about_text(dataset: Dataset) -> str:
    """Plain-text description of the dataset."""
    lines = [dataset.name, ""]
    if dataset.modelled:
        lines += [
            "MODELLED DATA: published totals are exact; the breakdown below them is modelled.",
            "",
        ]
    lines += [
        f"File: {dataset.path}",
        f"Rows: {dataset.row_count:,}",
        f"Dimensions: {', '.join(dataset.dimensions)}",
        f"Measures: {', '.join(dataset.measures)}",
    ]
    if dataset.notes:
        lines += ["", "How the file was read:", *(f"  - {note}" for note in dataset.notes)]
    if "offence_code" in dataset.dimensions and HOME_OFFICE_OFFENCE_CODE in dataset.members(
        "offence_code"
    ):
        lines += ["", HOME_OFFICE_CAVEAT]
    if dataset.metadata:
        lines += ["", "Metadata:", "", tomli_w.dumps(dataset.metadata)]
    else:
        lines += ["", "No metadata file (a .toml beside the data file) was found."]
    return "\n".join(lines)


class AboutScreen(ModalScreen[None]):
    """Shows :func:`about_text`; Esc closes."""

    BINDINGS = [Binding("escape,q,a", "dismiss", "Close")]
    DEFAULT_CSS = """
    AboutScreen { align: center middle; }
    AboutScreen > VerticalScroll { width: 90%; height: 90%; border: thick $primary; background: $surface; padding: 0 1; }
    """

    def __init__(self, dataset: Dataset) -> None:
        super().__init__()
        self.dataset = dataset

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(about_text(self.dataset), markup=False)
