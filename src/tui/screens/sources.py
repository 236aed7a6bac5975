"""Sources: every published figure beside the value the dataset gives, with its status.

The screen opens at once with a loading line; the checks (a query per figure, seconds on a busy
machine) run in a worker and fill the table when done. ``/`` searches the figures.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Static
from textual.worker import Worker, WorkerState

from tui.data.features.reconcile import Check, closing_line
from tui.widgets.footer import Footer

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
LOADING = "Checking every published figure against the dataset…"
SHARES_NOTE = ". Shares are of instances or victims where the value was recorded."
ADDRESS_BREAK = re.compile(r"(?<=[/\-?&=_.])")
"""Where an address may wrap: after a slash, hyphen or other separator, never inside a word."""


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def wrap_address(url: str, width: int) -> str:
    """``url`` on lines of at most ``width``, broken after its separators (``/``, ``-``…); a part
    longer than a line is cut only when nothing else fits."""
    lines = [""]
    for part in ADDRESS_BREAK.split(url):
        while part:
            room = width - len(lines[-1])
            if len(part) <= room:
                lines[-1] += part
                part = ""
            elif lines[-1]:
                lines.append("")
            else:  # one part longer than a whole line
                lines[-1], part = part[:width], part[width:]
                lines.append("")
    return "\n".join(line for line in lines if line)


def _row_text(check: Check) -> str:
    """What ``/`` searches in: every column shown, and the full scope and source title."""
    figure = check.figure
    return " ".join(
        (
            check.verdict(),
            figure.describe_value(),
            check.dataset_value(),
            figure.year,
            figure.scope,
            figure.measure.replace("_", " "),
            figure.source_title,
            figure.published or "",
        )
    ).casefold()


class Detail(Static):
    """The highlighted figure in full; its address wrapped to the width shown."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__("", markup=False, **kwargs)  # type: ignore[arg-type]
        self.text = ""
        self.url = ""

    def describe(self, text: str, url: str) -> None:
        """Show ``text`` and, under it, ``url``."""
        self.text, self.url = text, url
        self.refresh(layout=True)

    def render(self) -> Text:
        width = max(self.size.width, 20)
        address = wrap_address(self.url, width) if self.url else ""
        return Text("\n".join(filter(None, (self.text, address))))


class SourcesScreen(ModalScreen[None]):
    """A table of :class:`Check` results; the highlighted figure's reason and link below it."""

    BINDINGS = [
        Binding("escape,q,o", "close", "Close"),
        Binding("slash", "search", "Search"),
    ]
    DEFAULT_CSS = """
    SourcesScreen { align: center middle; }
    SourcesScreen > Vertical { width: 95%; height: 1fr; border: thick $primary; background: $surface; padding: 0 1; }
    SourcesScreen DataTable { height: 1fr; }
    SourcesScreen #sources-search { height: 1; border: none; padding: 0; }
    SourcesScreen #detail { height: auto; max-height: 8; color: $text-muted; }
    """

    def __init__(
        self, checks: Callable[[], list[Check]] | None, own_file: str | None = None
    ) -> None:
        """``checks`` computes the checks (run in a worker); ``own_file``: the name of a user's
        file, which has no published figures."""
        super().__init__()
        self.compute = checks
        self.own_file = own_file
        self.checks: list[Check] = []
        self.highlighted = 0
        """Index in :attr:`checks` of the highlighted figure."""

    def compose(self) -> ComposeResult:
        with Vertical():
            if self.compute is None:
                yield Static(NO_FIGURES.format(name=self.own_file or "this data"), markup=False)
            else:
                yield Static(LOADING, id="sources-status", markup=False)
                yield Input(
                    placeholder="/ search figures, places, years, sources", id="sources-search"
                )
                table: DataTable = DataTable(zebra_stripes=True, cursor_type="row")
                table.add_columns(
                    "Status", "Published", "Dataset", "Year", "Scope", "Figure", "Source"
                )
                yield table
                yield Detail(id="detail")
        yield Footer()

    def on_mount(self) -> None:
        if self.compute is not None:
            self.query_one(DataTable).focus()
            self.run_worker(self.compute, thread=True, group="sources")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The checks are ready: fill the table (or say they could not be made)."""
        if event.worker.group != "sources":
            return
        if event.state == WorkerState.SUCCESS:
            self.checks = list(event.worker.result or [])
            status = closing_line(self.checks) + SHARES_NOTE
            self.query_one("#sources-status", Static).update(status)
            self._fill()
        elif event.state == WorkerState.ERROR:
            self.query_one("#sources-status", Static).update(
                f"Could not check the figures: {event.worker.error}"
            )

    def _fill(self) -> None:
        """The checks matching the search, in their order."""
        needle = self.query_one("#sources-search", Input).value.strip().casefold()
        table = self.query_one(DataTable)
        table.clear()
        for index, check in enumerate(self.checks):
            if needle and needle not in _row_text(check):
                continue
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
        if not table.row_count:
            self.query_one(Detail).describe("No figure matches the search", "")

    @on(Input.Changed, "#sources-search")
    def search(self) -> None:
        """Narrow the table as the search is typed."""
        if self.checks:
            self._fill()

    @on(Input.Submitted, "#sources-search")
    def to_table(self) -> None:
        """Enter: back to the table, on the first match."""
        self.query_one(DataTable).focus()

    def action_search(self) -> None:
        """``/``: type to narrow the figures."""
        if self.compute is not None:
            self.query_one("#sources-search", Input).focus()

    def action_close(self) -> None:
        """Esc leaves the search box (keeping what it found); otherwise closes the screen."""
        if self.compute is not None and self.query_one("#sources-search", Input).has_focus:
            self.query_one(DataTable).focus()
            return
        self.dismiss()

    @on(DataTable.RowHighlighted)
    def show_detail(self, event: DataTable.RowHighlighted) -> None:
        """The highlighted figure in full (the table's right-hand columns are off screen on a narrow
        terminal): why it is or is not a target, what it counts, its source and address."""
        self.highlighted = int(str(event.row_key.value))
        figure = self.checks[self.highlighted].figure
        reason = f"{figure.status}: {figure.reason}" if figure.reason else figure.status
        note = f" · {figure.period_note}" if figure.period_note else ""
        date = f" ({figure.published})" if figure.published else ""
        self.query_one(Detail).describe(
            f"{reason}{note}\n{figure.measure.replace('_', ' ')} · {figure.scope}\n"
            f"{figure.source_title}{date}",
            figure.source_url,
        )
