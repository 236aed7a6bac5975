"""Sources: every published figure beside the value the dataset gives, match or not."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from tui.data.reconcile import Check


def _value(value: float | None, unit: str) -> str:
    """A count with thousands separators, a share as a percentage."""
    if value is None:
        return "n/a"
    if unit == "share":
        return f"{value * 100:.1f}%"
    return f"{value:,.0f}" if unit in ("count", "lower_bound") else f"{value:,.2f}"


SCOPE_WIDTH = 24


def _short(text: str) -> str:
    return text if len(text) <= SCOPE_WIDTH else text[: SCOPE_WIDTH - 1] + "…"


class SourcesScreen(ModalScreen[None]):
    """A table of :class:`Check` results; Esc closes."""

    BINDINGS = [Binding("escape,q,o", "dismiss", "Close")]
    DEFAULT_CSS = """
    SourcesScreen { align: center middle; }
    SourcesScreen > Vertical { width: 95%; height: 90%; border: thick $primary; background: $surface; padding: 0 1; }
    SourcesScreen DataTable { height: 1fr; }
    """

    def __init__(
        self, checks: list[Check], titles: dict[str, str], own_file: str | None = None
    ) -> None:
        """``titles``: source file name -> title; ``own_file``: a user's file has no figures."""
        super().__init__()
        self.checks = checks
        self.titles = titles
        self.own_file = own_file

    def compose(self) -> ComposeResult:
        matched = sum(c.ok for c in self.checks)
        with Vertical():
            if self.own_file is not None:
                yield Static(
                    f"There are no published figures to compare with {self.own_file}: it is your "
                    "own file. This screen checks the embedded dataset against the figures its "
                    "sources publish.\n\nEsc closes.",
                    markup=False,
                )
                return
            yield Static(
                f"Published figures: {matched} of {len(self.checks)} reproduced by this dataset. "
                "Shares are of instances/victims where the value was recorded; > a lower bound.",
                markup=False,
            )
            table: DataTable = DataTable(zebra_stripes=True, cursor_type="row")
            table.add_columns("Check", "Published", "Dataset", "Year", "Scope", "Figure", "Source")
            for check in self.checks:
                figure = check.figure
                unit = "> " if figure.unit == "lower_bound" else ""
                verdict = (
                    Text("match", style="green") if check.ok else Text("MISMATCH", style="bold red")
                )
                table.add_row(
                    verdict,
                    Text(unit + _value(figure.value, figure.unit), justify="right"),
                    Text(_value(check.value, figure.unit), justify="right"),
                    figure.year,
                    _short(figure.scope),
                    figure.measure.replace("_", " "),
                    self.titles.get(figure.source, figure.source),
                )
            yield table
