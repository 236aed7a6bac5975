"""Sources: every published figure beside the value the dataset gives, with its status.

The list of figures is there and searchable the moment the screen opens (the search box has the
focus: what is typed is never lost); the dataset's value for each figure (a query per figure,
seconds on a busy machine) is filled in by a worker, a batch at a time. The search matches the
words typed in any order, numbers with or without separators (``3217`` finds 3,217), years as
the search line reads them (``17``: 2017/18) and ``ew``, ``ni``, ``uk`` as their names.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Static

from tui.data.features.reconcile import Check, closing_line
from tui.data.figures.targets import CONFLICTING, CONTEXT, SUPERSEDED, TARGET, Figure
from tui.data.labels import safe_text
from tui.data.output.format import ELLIPSIS
from tui.widgets.footer import Footer
from tui.widgets.line_table import LineTable

TITLE_WIDTH = 48
FIGURE_WIDTH = 24
"""The figure's measure (``offences``, ``share girls``...), cut with … beyond."""
MIN_SCOPE_WIDTH = 12
FIXED_COLUMNS = {"status": 11, "published": 12, "dataset": 9, "year": 9}
"""Widths of the columns left of the scope; the scope takes the rest of the screen's width."""
CELL_PADDING = 2
SCROLLBAR = 4
"""The table's vertical scrollbar, and a column's worth of slack."""
BATCH = 24
"""Figures checked between two updates of the screen."""
VERDICT_STYLES = {
    "reproduced": "green",
    "MISMATCH": "bold red",
    "superseded": "dim",
    "conflicting": "yellow",
    "context": "dim italic",
}
STATUS_ORDER = {TARGET: 0, SUPERSEDED: 1, CONFLICTING: 2, CONTEXT: 3}
"""A search lists the figures the dataset reproduces first, then those that disagree."""
NO_FIGURES = (
    "There are no published figures to compare with {name}: it is your own file. This screen "
    "checks the embedded dataset against every figure its sources publish.\n\nEsc closes."
)
LOADING = "Checking every published figure against the dataset…"
SHARES_NOTE = ". Shares are of instances or victims where the value was recorded."
ADDRESS_BREAK = re.compile(r"(?<=[/\-?&=_.])")
"""Where an address may wrap: after a slash, hyphen or other separator, never inside a word."""
WORDS = {"ew": "england and wales", "e&w": "england and wales", "ni": "northern ireland"}
"""Short names the search line knows, as the figures write them."""


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + ELLIPSIS


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


def _numbers(text: str) -> str:
    """``text`` with its numbers also written without separators (``3,217`` and ``3217``)."""
    return text + " " + re.sub(r"(?<=\d)[,\s](?=\d{3}\b)", "", text)


def described(check: Check) -> tuple[str, str]:
    """What the search looks in: (the figure's own fields, its source's title and date)."""
    figure = check.figure
    fields = " ".join(
        (
            check.verdict() if check.value is not None else figure.status,
            figure.describe_value(),
            check.dataset_value() if check.value is not None else "",
            figure.year,
            figure.scope,
            figure.measure.replace("_", " "),
        )
    )
    source = f"{figure.source_title} {figure.published or ''}"
    return _numbers(fields).casefold(), source.casefold()


def search_words(text: str, years: Sequence[str]) -> list[str]:
    """The words of a search as the figures write them: ``ew`` as England and Wales, ``17`` or
    ``2017`` as 2017/18 (when that is a year of the figures)."""
    found = []
    for word in text.casefold().split():
        word = WORDS.get(word, word)
        match = re.fullmatch(r"(\d{2}|\d{4})", word)
        if match:
            start = int(word) + (2000 if len(word) == 2 else 0)
            year = f"{start}/{(start + 1) % 100:02d}"
            word = year if year in years else word.replace(",", "")
        found.append(word.replace(",", "") if word.replace(",", "").isdigit() else word)
    return found


def ranked(checks: Sequence[Check], text: str, years: Sequence[str]) -> list[int]:
    """Indexes of the checks a search matches (every word somewhere), best first: the figures of
    exactly the place and year named, then those whose own fields hold every word (scope, year,
    values), then those found in a source's title; within each, the figures reproduced first,
    then the ones that disagree. A figure found by its value brings the other figures of its
    scope, year and measure along (who disagrees with it), after the matches."""
    wanted = search_words(text, years)
    if not wanted:
        return list(range(len(checks)))
    typed = set(" ".join(wanted).split())
    found = []
    for index, check in enumerate(checks):
        figure = check.figure
        fields, source = described(check)
        if all(w in fields or w in source for w in wanted):
            scope = set(figure.scope.casefold().split())
            # the place named in full and its year: England and Wales before England
            named = len(scope) if figure.year in typed and scope <= typed else 0
            own = all(w in fields for w in wanted)
            found.append((-named, not own, STATUS_ORDER.get(figure.status, 9), index))
    order = [index for *_, index in sorted(found)]
    matched = set(order)
    subjects = {_subject(checks[i].figure) for i in order}
    related = [
        i for i, c in enumerate(checks) if i not in matched and _subject(c.figure) in subjects
    ]
    related.sort(key=lambda i: (STATUS_ORDER.get(checks[i].figure.status, 9), i))
    return order + related


def _subject(figure: Figure) -> tuple[str, str, str]:
    return (figure.scope, figure.year, figure.measure)


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


class SearchBox(Input):
    """The search: ``/`` into an empty box is the key that leads here, not a character;
    Down moves to the list."""

    BINDINGS = [Binding("down", "to_list", "List", show=False)]

    def _on_key(self, event: events.Key) -> None:
        if event.character == "/" and not self.value:
            event.stop()
            event.prevent_default()

    def action_to_list(self) -> None:
        """Down: into the list of figures, on its first row."""
        self.screen.query_one(DataTable).focus()


class SourcesScreen(ModalScreen[None]):
    """A table of :class:`Check` results; the highlighted figure's reason and link below it."""

    BINDINGS = [
        Binding("escape", "close", "Close"),
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
        self,
        figures: Sequence[Figure] | None,
        value_of: Callable[[Figure], float | None] | None = None,
        own_file: str | None = None,
        search: str = "",
    ) -> None:
        """``figures``: every published figure; ``value_of`` the dataset's value for one (run in
        a worker); ``own_file``: the name of a user's file, which has no published figures;
        ``search``: what the search box starts with."""
        super().__init__()
        self.figures = list(figures or [])
        self.value_of = value_of
        self.own_file = own_file
        self.search_text = search
        self.checks: list[Check] = [Check(f, None) for f in self.figures]
        self.checked = 0
        """How many figures (from the first) have their dataset value."""
        self.years = sorted({y for f in self.figures for y in f.year.split("-")})
        self.highlighted = 0
        """Index in :attr:`checks` of the highlighted figure."""
        self.shown: list[int] = []

    @property
    def done(self) -> bool:
        """Whether every figure has been checked."""
        return self.checked == len(self.checks)

    def compose(self) -> ComposeResult:
        with Vertical():
            if self.value_of is None:
                yield Static(
                    NO_FIGURES.format(name=safe_text(self.own_file or "this data")), markup=False
                )
            else:
                yield Static(LOADING, id="sources-status", markup=False)
                yield SearchBox(
                    value=self.search_text,
                    placeholder="search: 3217, ew 2017/18, kent, a source's name…",
                    id="sources-search",
                )
                yield LineTable(zebra_stripes=True, cursor_type="row")
                yield Detail(id="detail")
        yield Footer()

    def on_mount(self) -> None:
        if self.value_of is None:
            return
        search = self.query_one(SearchBox)
        search.focus()
        search.cursor_position = len(search.value)
        self._add_columns()
        self._fill()
        self.run_worker(self._check_all, thread=True, group="sources")

    def _add_columns(self) -> None:
        """The columns, the scope as wide as the screen leaves it (cut with … beyond)."""
        table = self.query_one(DataTable)
        room = self.query_one(Vertical).content_size.width or self.app.size.width - 6
        fixed = sum(FIXED_COLUMNS.values()) + CELL_PADDING * (len(FIXED_COLUMNS) + 1) + SCROLLBAR
        self.scope_width = max(room - fixed, MIN_SCOPE_WIDTH)
        for key, width in FIXED_COLUMNS.items():
            table.add_column(key.capitalize(), width=width, key=key)
        table.add_column("Scope", width=self.scope_width, key="scope")
        table.add_column("Figure", width=FIGURE_WIDTH, key="figure")
        table.add_column("Source", width=TITLE_WIDTH + len(" (2025-11-13)"), key="source")

    def _check_all(self) -> None:
        """The dataset's value for each figure, a batch at a time (in a worker)."""
        assert self.value_of is not None
        for start in range(0, len(self.figures), BATCH):
            batch = self.figures[start : start + BATCH]
            values = [self.value_of(figure) for figure in batch]
            self.app.call_from_thread(self._checked, start, values)

    def _checked(self, start: int, values: list[float | None]) -> None:
        """Show the values of a batch: their rows' status and dataset cells."""
        table = self.query_one(DataTable)
        for offset, value in enumerate(values):
            index = start + offset
            self.checks[index] = Check(self.figures[index], value)
        self.checked = start + len(values)
        for index in range(start, self.checked):
            if str(index) in table.rows:
                verdict, _, dataset, *_ = self._cells(index)
                table.update_cell(str(index), "status", verdict)
                table.update_cell(str(index), "dataset", dataset)
        status = self.query_one("#sources-status", Static)
        if self.done:
            status.update(closing_line(self.checks) + SHARES_NOTE)
        else:
            status.update(f"{LOADING} {self.checked} of {len(self.checks)}")
        if self.checks and self.highlighted in range(start, self.checked):
            self._describe(self.highlighted)

    def _cells(self, index: int) -> tuple[Text, ...]:
        """The row of the ``index``-th figure (its status until its value is known)."""
        check = self.checks[index]
        figure = check.figure
        if index >= self.checked:
            verdict, dataset = Text(figure.status, style="dim"), Text("…", justify="right")
        else:
            shown = check.verdict()
            verdict = Text(shown, style=VERDICT_STYLES.get(shown, ""))
            dataset = Text(check.dataset_value(), justify="right")
        date = f" ({figure.published})" if figure.published else ""
        return (  # Text, not str: a title's [brackets] are words, not markup
            verdict,
            Text(_short(figure.describe_value(), FIXED_COLUMNS["published"]), justify="right"),
            dataset,
            Text(_short(figure.year, FIXED_COLUMNS["year"])),
            Text(_short(figure.scope, self.scope_width)),
            Text(_short(figure.measure.replace("_", " "), FIGURE_WIDTH)),
            Text(_short(figure.source_title, TITLE_WIDTH) + date),
        )

    def _fill(self) -> None:
        """The figures matching the search, best first."""
        text = self.query_one(SearchBox).value
        table = self.query_one(DataTable)
        self.shown = ranked(self.checks, text, self.years)
        table.clear()
        for index in self.shown:
            table.add_row(*self._cells(index), key=str(index))
        if not table.row_count:
            self.query_one(Detail).describe("No figure matches the search", "")
        else:
            self._describe(self.shown[0])

    @on(Input.Changed, "#sources-search")
    def search(self) -> None:
        """Narrow the table as the search is typed."""
        self._fill()

    @on(Input.Submitted, "#sources-search")
    def to_table(self) -> None:
        """Enter: back to the table, on the first match."""
        self.query_one(DataTable).focus()

    def action_search(self) -> None:
        """``/``: type to narrow the figures."""
        if self.value_of is not None:
            self.query_one(SearchBox).focus()

    def action_close(self) -> None:
        """Esc leaves the search box (keeping what it found); otherwise closes the screen."""
        if self.value_of is not None and self.query_one(SearchBox).has_focus:
            self.query_one(DataTable).focus()
            return
        self.dismiss()

    def on_key(self, event: events.Key) -> None:
        """In the list, ``q`` and ``o`` close the screen too (in the search box they type)."""
        if event.character in ("q", "o") and not isinstance(self.focused, Input):
            event.stop()
            self.dismiss()

    @on(DataTable.RowHighlighted)
    def show_detail(self, event: DataTable.RowHighlighted) -> None:
        """The highlighted figure in full (the table's right-hand columns are off screen on a narrow
        terminal): why it is or is not a target, what it counts, its source and address."""
        self._describe(int(str(event.row_key.value)))

    def _describe(self, index: int) -> None:
        self.highlighted = index
        figure = self.checks[index].figure
        reason = f"{figure.status}: {figure.reason}" if figure.reason else figure.status
        note = f" · {figure.period_note}" if figure.period_note else ""
        date = f" ({figure.published})" if figure.published else ""
        self.query_one(Detail).describe(
            f"{reason}{note}\n{figure.measure.replace('_', ' ')} · {figure.scope}\n"
            f"{figure.source_title}{date}",
            figure.source_url,
        )
