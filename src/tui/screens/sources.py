"""Sources: every published figure beside the value the dataset gives, with its status."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from tui.data.reconcile import Check, closing_line

SCOPE_WIDTH = 22
TITLE_WIDTH = 48
VERDICT_STYLES = {
    "reproduced": "green",
    "MISMATCH": "bold red",
    "superseded": "dim",
    "conflicting": "yellow",
    "context": "dim italic",
}
NO_FIGURES = (
    "There are no published figures to compare with {name}: it is your own file. This screen "
    "checks the embedded dataset against every figure its sources publish.\n\nEsc closes."
)


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


class SourcesScreen(ModalScreen[None]):
    """A table of :class:`Check` results; the highlighted figure's reason and link below it."""

    BINDINGS = [Binding("escape,q,o", "dismiss", "Close")]
    DEFAULT_CSS = """
    SourcesScreen { align: center middle; }
    SourcesScreen > Vertical { width: 95%; height: 90%; border: thick $primary; background: $surface; padding: 0 1; }
    SourcesScreen DataTable { height: 1fr; }
    SourcesScreen #detail { height: auto; max-height: 8; color: $text-muted; }
    """

    def __init__(self, checks: list[Check], own_file: str | None = None) -> None:
        """``own_file``: the name of a user's file, which has no published figures."""
        super().__init__()
        self.checks = checks
        self.own_file = own_file

    def compose(self) -> ComposeResult:
        with Vertical():
            if self.own_file is not None or not self.checks:
                yield Static(NO_FIGURES.format(name=self.own_file or "this data"), markup=False)
                return
            yield Static(
                closing_line(self.checks)
                + ". Shares are of instances or victims where the value was recorded.",
                markup=False,
            )
            table: DataTable = DataTable(zebra_stripes=True, cursor_type="row")
            table.add_columns("Status", "Published", "Dataset", "Year", "Scope", "Figure", "Source")
            for index, check in enumerate(self.checks):
                figure = check.figure
                verdict = check.verdict()
                date = f" ({figure.published})" if figure.published else ""
                table.add_row(
                    Text(verdict, style=VERDICT_STYLES.get(verdict, "")),
                    Text(figure.describe_value(), justify="right"),
                    Text(check.dataset_value(), justify="right"),
                    figure.year,
                    _short(figure.scope, SCOPE_WIDTH),
                    figure.measure.replace("_", " "),
                    _short(figure.source_title, TITLE_WIDTH) + date,
                    key=str(index),
                )
            yield table
            yield Static("", id="detail", markup=False)

    @on(DataTable.RowHighlighted)
    def show_detail(self, event: DataTable.RowHighlighted) -> None:
        """The highlighted figure in full (the table's right-hand columns are off screen on a narrow
        terminal): why it is or is not a target, what it counts, its source and address."""
        check = self.checks[int(str(event.row_key.value))]
        figure = check.figure
        reason = f"{figure.status}: {figure.reason}" if figure.reason else figure.status
        note = f" · {figure.period_note}" if figure.period_note else ""
        date = f" ({figure.published})" if figure.published else ""
        self.query_one("#detail", Static).update(
            f"{reason}{note}\n{figure.measure.replace('_', ' ')} · {figure.scope}\n"
            f"{figure.source_title}{date}\n{figure.source_url}"
        )
