"""The explorer app: bindings, the one reactive selection, and the results worker.

Data flows one way: a key or a widget message becomes a new immutable ``Selection``; a worker
computes everything from ``(dataset, selection)`` with the query engine; widgets only display.

Over 400 lines as one class on purpose: Textual finds key actions, message handlers and workers
on the App itself; the dialogs and multi-step flows already live in :mod:`tui.flows`.
"""

from __future__ import annotations

import asyncio
import gc
from collections import deque
from collections.abc import Callable
from dataclasses import replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl
from rich.console import Console
from rich.text import Text
from textual import events, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.events import Resize
from textual.notifications import SeverityLevel
from textual.reactive import reactive
from textual.timer import Timer
from textual.widgets import ContentSwitcher, Header, Static
from textual.worker import get_current_worker

from tui import __version__
from tui.data import features  # noqa: F401  (registers the chart kinds)
from tui.data.dataset import DataError, Dataset
from tui.data.engine.charts import CHART_KINDS, ChartData
from tui.data.engine.provenance import figures_folder, ledger, provenance_book
from tui.data.engine.query import (
    Results,
    chart_data,
    counting,
    offence_caveat,
    results,
    rows_page,
    summary,
)
from tui.data.engine.table import (
    CHANGE,
    RATE,
    RATE_CHILDREN,
    SHARE,
    SHARE_RECORDED,
    sort_summary,
)
from tui.data.features.navigation import (
    cleared,
    drill_dimensions,
    grouped_below_filters,
    initial_selection,
    with_jurisdiction,
)
from tui.data.labels import safe_lines, safe_text
from tui.data.loading.load import READ_ERRORS, default_dataset_path
from tui.data.output.format import fit_parts, measure_splitting, not_split_note
from tui.data.output.table_notes import (
    caveat_notes,
    marks_and_gaps,
    modelled_notes,
    notes,
    rate_notes,
    row_detail,
)
from tui.data.output.views import default_views_path
from tui.data.schema import (
    HIERARCHIES,
    JURISDICTION,
    JURISDICTION_KEYS,
    SHORT_CAVEAT,
    YEAR,
    label,
)
from tui.data.selection import Selection
from tui.keys import bindings
from tui.widgets.breadcrumb import Breadcrumb
from tui.widgets.chart import Chart
from tui.widgets.filter_chips import FilterChips, describe_filters
from tui.widgets.filter_panel import FilterPanel, MemberList, MemberSearch
from tui.widgets.footer import Footer
from tui.widgets.messages import DrillRequested, FilterChanged, FilterDimensionShown
from tui.widgets.rows_view import (
    PAGE_ROWS,
    GoToRowRequested,
    RowsPageRequested,
    RowsTable,
    RowsView,
)
from tui.widgets.status_bar import StatusBar
from tui.widgets.summary_table import TOTAL_KEY, SummaryTable

if TYPE_CHECKING:
    from textual.command import Provider

    from tui.data.features.search import Reading
    from tui.flows.chart_file import ChartFileFlow
    from tui.flows.copy import CopyFlow
    from tui.flows.export import ExportFlow
    from tui.flows.force_map import MapFlow
    from tui.flows.open_file import OpenFileFlow
    from tui.flows.views import ViewsFlow
    from tui.served_mode import Served

NARROW_WIDTH = 110
HEADER_SIDES = 9
"""Columns the header keeps on each side of its centred title (icon, clock)."""
NOTE_LINES, NOTE_LINES_NARROW = 5, 2
"""Lines the note under the table may take (below 110 columns the chart needs the room)."""
WIDE_WIDTH = 160
"""From this width the chart stays beside the table while the filter panel is open."""
LOADING_DELAY = 0.2
KEY_LOOK_SECONDS = 0.005
MOST_LOOKS = 60
"""Looks (about 0.3 s) after which a held key goes on even if the screen is never quiet."""
QUIET_TURNS = 2
"""Looks with no message waiting on the screen after which a released key's effects are all
there (one that did not come back from the widgets was taken by one: a letter typed)."""
THEMES = ("textual-dark", "textual-light")
PLACES = HIERARCHIES[0]


def _wrapped_height(text: str, width: int) -> int:
    """Lines ``text`` takes wrapped at words to ``width``."""
    return len(Text(text).wrap(Console(width=max(width, 1)), max(width, 1)))


def explorer_commands() -> type[Provider]:
    """The command palette's provider, imported when the palette first opens."""
    from tui.commands import ExplorerCommands

    return ExplorerCommands


class ExplorerApp(App[None]):
    """Tables, filters, drill-down and charts over one dataset."""

    CSS_PATH = "app.tcss"
    TITLE = "scwc"
    SUB_TITLE = "sexual communication with a child"
    COMMANDS = App.COMMANDS | {explorer_commands}
    BINDINGS = bindings()

    selection: reactive[Selection] = reactive(
        Selection("year", "offences"), init=False, always_update=False
    )

    def __init__(
        self,
        dataset: Dataset,
        selection: Selection | None = None,
        *,
        chart: str = "bar",
        views_path: Path | None = None,
        export_folder: Path | None = None,
        served: Served | None = None,
    ) -> None:
        super().__init__()
        self.served = served
        """Started by ``scwc serve``: no visitor's path reaches the disk (see the flows)."""
        self.dataset = dataset
        self.set_reactive(ExplorerApp.selection, selection or initial_selection(dataset))
        self.history: list[tuple[Selection, int]] = []
        self.chart_kind = chart
        self.export_folder = export_folder or Path.cwd()
        self.views_path = None if served else views_path or default_views_path()
        self.filter_dimension = dataset.dimensions[0]
        self.results: Results | None = None
        self.note_parts: list[str | None] = []
        self.caveats: list[str] = []
        """Notes that change how a number may be read: always shown whole, first."""
        self._pending_cursor = 0
        self._started = False
        """Whether the first screen (with its marks) is shown and its secondary widgets mounted."""
        self._pending = False
        """Whether the results of the current selection are still being computed."""
        self._chart_asked = chart
        """The chart kind the results being computed draw."""
        self._held_keys: deque[events.Key] = deque()
        self._in_flight: events.Key | None = None
        """The held key last released, until its effects are all there."""
        self._quiet_turns = 0
        self._looks = 0
        """Looks since the last key was released (a bound on how long one waits)."""
        self._release_scheduled = False
        self._first_screen_scheduled = False
        self._secondary: asyncio.Future[None] | None = None
        self._loading_timer: Timer | None = None
        self.rows_offset = 0
        self._rows_cursor = 0

    # ---- flows: what a key starts, imported when it is first pressed ------------------
    @cached_property
    def exports(self) -> ExportFlow:
        """``e``: export the current selection."""
        from tui.flows.export import ExportFlow

        return ExportFlow(self, self.served)

    @cached_property
    def views(self) -> ViewsFlow:
        """``w``/``v``: save and open views."""
        from tui.flows.views import ViewsFlow

        return ViewsFlow(self, self.views_path)

    @cached_property
    def files(self) -> OpenFileFlow:
        """``ctrl+o``: open another data file."""
        from tui.flows.open_file import OpenFileFlow

        return OpenFileFlow(self, self.served)

    @cached_property
    def maps(self) -> MapFlow:
        """``M``: the force map."""
        from tui.flows.force_map import MapFlow

        return MapFlow(self)

    @cached_property
    def copies(self) -> CopyFlow:
        """``y``/``Y``/``ctrl+y``: copy a sentence or the table."""
        from tui.flows.copy import CopyFlow

        return CopyFlow(self, self.copy_to_clipboard, self.export_folder, self.served is not None)

    @cached_property
    def chart_files(self) -> ChartFileFlow:
        """``C``: save the chart as a file for print or the web."""
        from tui.flows.chart_file import ChartFileFlow

        return ChartFileFlow(self, self.served is not None)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notification (the app's, its screens' and its flows') as text: a file's names in
        it show as written, never as markup or escape sequences (:mod:`tui.data.labels`)."""
        super().notify(
            safe_lines(message),
            title=safe_text(title),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    # ---- layout -------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header()
        yield FilterChips(id="chips")
        yield Breadcrumb(id="breadcrumb")
        # the switcher's other view, the rows, is mounted when ``r`` is first pressed
        with ContentSwitcher(initial="body", id="views"), Vertical(id="body"):
            with Vertical(id="summary-pane"):
                yield SummaryTable(id="summary")
                yield Static("", id="note", markup=False)
            yield Chart(id="chart")
        yield StatusBar(id="status")
        # the filter panel and the footer are mounted once the first screen is shown

    @staticmethod
    def _filter_panel(dataset: Dataset) -> FilterPanel:
        members = {d: dataset.members(d) for d in dataset.dimensions}
        return FilterPanel(dataset.dimensions, members, id="filters")

    def on_mount(self) -> None:
        self.title = f"scwc {__version__}"
        self.sub_title = safe_text(self.dataset.name)
        self._apply_width(self.size.width)
        self.query_one(SummaryTable).focus()
        self.refresh_results()
        if self.dataset.path != default_dataset_path() and self.dataset.notes:
            self._say_how_read(self.dataset)

    def _say_how_read(self, dataset: Dataset, opened: str = "") -> None:
        """A notification with what the loader did (totals skipped, names not recognised...)."""
        read = f"{'; '.join(dataset.notes)[:400]} (a: About)" if dataset.notes else ""
        self.notify("\n".join(filter(None, [opened, read])), timeout=10)

    def on_resize(self, event: Resize) -> None:
        self._apply_width(event.size.width)

    def _apply_width(self, width: int) -> None:
        self.screen.set_class(width < NARROW_WIDTH, "narrow")
        self.screen.set_class(width >= WIDE_WIDTH, "wide")
        self._place_chart()
        # the header centres "title — subtitle" between its icon and clock: shorten at a word
        room = width - 2 * HEADER_SIDES - len(self.title) - len(" — ")
        self.sub_title = fit_parts([safe_text(self.dataset.name)], room, more="…")
        self.call_after_refresh(self._show_note)

    def _show_note(self) -> None:
        """The lines under the table: first every caveat, whole (they change how a number may be
        read); then counting, what the columns mean, the legend, shortened at a word when they do
        not fit (``a`` shows them in full)."""
        note = self.query_one("#note", Static)
        lines = NOTE_LINES_NARROW if self.screen.has_class("narrow") else NOTE_LINES
        width = note.content_size.width or self.size.width - 2
        text = Text()
        for caveat in self.caveats:
            text.append(f"⚠ {safe_lines(caveat)}\n", style="bold")
            lines -= _wrapped_height(f"⚠ {caveat}", width)
        parts = [p for p in self.note_parts if p]
        text.append(safe_lines(fit_parts(parts, width, max(lines, 1), more="… (a: in full)")))
        note.update(text)

    def lines_in_full(self) -> list[str]:
        """The title, filters and notes as the main screen would show them with room enough."""
        return [
            f"{self.title} — {self.dataset.name}",
            f"Filters: {describe_filters(self.selection)}",
            *self.caveats,
            *(p for p in self.note_parts if p),
        ]

    # ---- the one data flow --------------------------------------------------------------
    def watch_selection(self) -> None:
        self.rows_offset = 0
        self.refresh_results()

    def refresh_results(self) -> None:
        """Recompute everything for the current selection in a worker (keys typed meanwhile
        wait for what it shows)."""
        self._pending = True
        if self._loading_timer is None:
            self._loading_timer = self.set_timer(LOADING_DELAY, self._show_loading)
        offset = self.rows_offset if self.rows_visible else None
        self._chart_asked = self.chart_kind
        self._run_query(self.selection, self.chart_kind, self.filter_dimension, offset)

    def _show_loading(self) -> None:
        self.query_one(SummaryTable).loading = True

    @work(thread=True, exclusive=True, group="results")
    def _run_query(
        self, selection: Selection, chart_kind: str, dimension: str, rows_offset: int | None
    ) -> None:
        worker = get_current_worker()
        try:
            # with its marks, ranges and notes, the first screen too: no number before its marks
            computed = results(self.dataset, selection, chart_kind, dimension)
            rows = None
            if rows_offset is not None:
                rows = (rows_offset, rows_page(self.dataset, selection, rows_offset, PAGE_ROWS))
        except DataError as error:
            self.call_from_thread(self._report_failure, str(error))
            return
        except READ_ERRORS as error:  # e.g. the file broke after it was opened
            self.call_from_thread(self._report_failure, f"cannot read the data: {error}")
            return
        if not worker.is_cancelled:
            self.call_from_thread(self._show_results, computed, rows)

    @work(thread=True, exclusive=True, group="rows")
    def _keep_rows_in_memory(self) -> None:
        """After the first summary: load a lazily scanned file's rows so paging is instant."""
        try:
            self.dataset.rows.keep_in_memory()
        except READ_ERRORS as error:  # the file changed or broke since opening: paging stays lazy
            self.call_from_thread(self.notify, f"Rows stay on disk: {error}", severity="warning")

    def _report_failure(self, message: str) -> None:
        self._pending = False
        self._release_keys_soon()
        self._stop_loading()
        self._after_first_screen()
        self.notify(message, title="Cannot show this selection", severity="error")

    def _stop_loading(self) -> None:
        if self._loading_timer is not None:
            self._loading_timer.stop()
            self._loading_timer = None
        self.query_one(SummaryTable).loading = False

    def _show_results(self, computed: Results, rows: tuple[int, pl.DataFrame] | None) -> None:
        """Show ``computed`` (and a page of rows when the rows view is open)."""
        if computed.selection != self.selection:
            return
        self._pending = False
        self._release_keys_soon()
        self._stop_loading()
        self._after_first_screen()
        if self.results is None and not self.dataset.rows.in_memory:
            self._keep_rows_in_memory()
        self.results = computed
        selection = computed.selection
        table = self.query_one(SummaryTable)
        table.show(
            computed.summary, selection.sort_column, selection.descending, self._pending_cursor
        )
        self._pending_cursor = 0
        found = computed.summary
        self.caveats = caveat_notes(found, selection.sort_column)
        if offence_caveat(self.dataset, selection):
            self.caveats.append(SHORT_CAVEAT)
        counted = counting(self.dataset, selection)
        if counted and not counted.startswith("Counting:"):  # several offences summed
            self.caveats.append(counted.split(":")[0] + " (a: which)")
        explained = [
            *marks_and_gaps(found),
            *modelled_notes(found, selection.sort_column, lead=False),
        ]
        self.note_parts = [  # what the marks mean first: a narrow screen shortens from the end
            *(n for n in explained if n not in self.caveats),
            notes(found, selection.sort_column, modelled=False, rates=False),
            counted,
            *rate_notes(found),
        ]
        self._show_note()
        self.query_one(Chart).show(computed.chart)
        if self._chart_asked != self.chart_kind:  # k pressed while the table was computed
            self._draw_chart(selection, self.chart_kind)
        self.query_one(FilterChips).show(selection)
        self.query_one(Breadcrumb).show(selection)
        self._show_filter_counts(computed)
        status = self.query_one(StatusBar)
        status.show_member(table.current_member)
        status.show(
            self.dataset.name,
            computed.rows,
            self.dataset.row_count,
            computed.total,
            label(selection.measure).lower(),
            self.dataset.modelled,
            computed.summary.published_only,
        )
        self._describe_highlighted_row()
        if rows is not None:
            offset, page = rows
            self.query_one(RowsView).show(page, offset, computed.rows, self._rows_cursor)
            self._rows_cursor = 0

    def _show_filter_counts(self, computed: Results) -> None:
        for panel in self.query(FilterPanel):  # none before the first screen is shown
            if not panel.is_mounted:  # still composing: shown the results once mounted
                continue
            panel.show(
                computed.selection,
                computed.counts_dimension,
                self.dataset.members(computed.counts_dimension),
                computed.counts,
            )

    # ---- start-up: the table first ------------------------------------------------------
    def _after_first_screen(self) -> None:
        """Once the first screen is painted, do what it could do without (once)."""
        if not self._first_screen_scheduled:
            self._first_screen_scheduled = True
            self.call_after_refresh(self._first_screen_shown)

    async def _first_screen_shown(self) -> None:
        """After the first screen: the widgets it did without; the collector back on (``scwc``
        starts with it off, see :mod:`tui.launch`), with what start-up made (modules, widgets,
        the dataset), which lives as long as the app, kept out of its full passes, which paused a
        key press for up to 85 ms; then the keys typed meanwhile, in order."""
        await self._mount_secondary()
        gc.freeze()
        gc.enable()
        self._started = True
        self._release_keys_soon()

    # ---- keys typed before what they are for is there -----------------------------------
    @property
    def started(self) -> bool:
        """Whether the first screen is shown and what it did without is mounted."""
        return self._started

    @property
    def keys_held(self) -> int:
        """Keys typed that wait for the screen they go to (start-up, a dialog opening)."""
        return len(self._held_keys)

    def _takes_keys(self) -> bool:
        """Whether a key can go where it is meant: the main screen once its first results are
        shown and its widgets mounted, and once it shows the results of the current selection
        (a key acts on what the one before it led to: ``y`` after ``Enter`` copies the row Enter
        showed); any other screen once it is mounted (its focus set)."""
        screen = self.screen
        if screen is self.screen_stack[0]:
            return self._started and not self._pending
        return screen.is_mounted

    async def on_event(self, event: events.Event) -> None:
        """A key typed while the app starts, or while the effects of the key before it are not
        all there yet (``v`` then ``Enter``: the list ``v`` opens), waits and is applied in order:
        no key is lost or goes to the wrong screen."""
        if isinstance(event, events.Key):
            if event is self._in_flight:  # a released key back from the widgets: its bindings
                self._in_flight = None
                self._release_keys_soon()
            elif not event.is_forwarded and (self._held_keys or not self._takes_keys()):
                self._held_keys.append(event)
                self._release_keys_soon()
                return
        await super().on_event(event)

    def _release_keys_soon(self) -> None:
        """Look again in a moment (a timer of the app's own: a callback after a refresh belongs
        to the screen, and a screen closed meanwhile never refreshes again; one after the app's
        messages would keep the app busy looking)."""
        if (self._held_keys or self._in_flight) and not self._release_scheduled:
            self._release_scheduled = True
            self.set_timer(KEY_LOOK_SECONDS, self._release_keys)

    async def _release_keys(self) -> None:
        """Apply the next held key once its screen is ready and the key before it has had all
        its effects: it came back from the widgets (and its bindings ran), or a widget took it
        (typing), and no message it caused is waiting anywhere on the screen."""
        self._release_scheduled = False
        if not self._takes_keys():
            if self._started:  # a dialog opening: look again at the next refresh
                self._release_keys_soon()
            return  # starting: the first screen releases them
        screen = self.screen
        pumps = (self, screen, *screen.walk_children())
        quiet = all(pump.message_queue_size == 0 for pump in pumps)
        self._quiet_turns = self._quiet_turns + 1 if quiet else 0
        self._looks += 1
        # a screen never quiet (something posting all the time) holds a key at most so long
        settled = self._quiet_turns >= QUIET_TURNS or self._looks >= MOST_LOOKS
        if self._in_flight is not None and settled:
            self._in_flight = None  # a widget took it and stopped it there
        if self._in_flight is None and settled and self._held_keys:
            self._in_flight = self._held_keys.popleft()
            self._quiet_turns = self._looks = 0
            await super().on_event(self._in_flight)
        self._release_keys_soon()

    def _mount_secondary(self) -> asyncio.Future[None]:
        """Mount (once) what the first screen does without: the filter panel, hidden until ``f``,
        and the footer. Await the result before using them."""
        if self._secondary is None:
            self._secondary = asyncio.ensure_future(self._mount_secondary_widgets())
        return self._secondary

    async def _mount_secondary_widgets(self) -> None:
        main = self.query_one("#views").screen  # not a dialog opened meanwhile
        await main.mount(self._filter_panel(self.dataset), before="#views")
        await main.mount(Footer())
        if self.results is not None:
            self._show_filter_counts(self.results)

    def _describe_highlighted_row(self) -> None:
        """The status line names the highlighted row in full and where its number comes from."""
        if self.results is None:
            return
        table = self.query_one(SummaryTable)
        key = table.current_row_key
        member = None if key == TOTAL_KEY else key
        detail = row_detail(self.results.summary, member) if key is not None else ""
        name = "Total" if key == TOTAL_KEY and detail else table.current_member
        self.query_one(StatusBar).show_member(name, detail)

    # ---- messages from widgets ----------------------------------------------------------
    def on_data_table_row_highlighted(self, event: SummaryTable.RowHighlighted) -> None:
        if isinstance(event.data_table, SummaryTable):
            self._describe_highlighted_row()

    def on_filter_changed(self, message: FilterChanged) -> None:
        self.selection = grouped_below_filters(
            self.selection.with_filter(message.dimension, message.members)
        )

    def on_filter_dimension_shown(self, message: FilterDimensionShown) -> None:
        self.filter_dimension = message.dimension
        self.refresh_results()

    def on_rows_page_requested(self, message: RowsPageRequested) -> None:
        self.rows_offset = message.offset
        self.refresh_results()

    def on_go_to_row_requested(self, message: GoToRowRequested) -> None:
        from tui.screens.prompt import TextPrompt

        total = self.results.rows if self.results else 0
        self.push_screen(TextPrompt(f"Go to row (1–{total:,}):"), self.go_to_row)

    def go_to_row(self, text: str | None) -> None:
        """Show the page holding row number ``text`` (1-based), with the cursor on it."""
        total = self.results.rows if self.results else 0
        try:
            number = int((text or "").replace(",", "").replace("_", ""))
        except ValueError:
            if text:
                self.notify(f"'{text}' is not a row number", severity="warning")
            return
        index = min(max(number, 1), max(total, 1)) - 1
        self.rows_offset = index // PAGE_ROWS * PAGE_ROWS
        self._rows_cursor = index - self.rows_offset
        self.refresh_results()

    def on_drill_requested(self, message: DrillRequested) -> None:
        self.drill_into(message.member)

    # ---- actions ------------------------------------------------------------------------
    def drill_into(self, member: str) -> None:
        """Filter to ``member`` of the grouped dimension and group by the next level."""
        deeper = self.selection.drilled(
            member, drill_dimensions(self.dataset, self.selection.measure)
        )
        if deeper is None:
            self.notify("Already at the finest level", timeout=3)
            return
        self.navigate(deeper)

    def navigate(self, selection: Selection) -> None:
        """Show ``selection``, remembering the current one for back-navigation."""
        self.history.append((self.selection, self.query_one(SummaryTable).cursor_row))
        self._pending_cursor = 0
        self.selection = selection

    async def action_drill_up(self) -> None:
        """Back up one drill-down level, restoring the view and cursor exactly."""
        if self.rows_visible:
            await self.action_toggle_rows()
            return
        if self.history:
            previous, cursor = self.history.pop()
            self._pending_cursor = cursor
            self.selection = previous
            return
        parent = self.selection.up()
        if parent is None:
            self.notify("At the top level", timeout=2)
            return
        self.selection = parent

    def action_clear_filters(self) -> None:
        """Remove every filter and the drill path (the offence code filter stays)."""
        self.history.clear()
        self.selection = cleared(self.dataset, self.selection)
        kept = self.selection.members("offence_code")
        if kept:
            self.notify(f"Offence code filter kept ({', '.join(kept)}): pick another in filters")

    async def action_toggle_filters(self) -> None:
        """Show or hide the filter panel (focus moves into it when shown)."""
        await self._mount_secondary()
        self.show_filters(not self.query_one(FilterPanel).has_class("visible"))

    def show_filters(self, visible: bool) -> None:
        """Show the filter panel with the focus in it, or hide it and focus the table."""
        panel = self.query_one(FilterPanel)
        panel.set_class(visible, "visible")
        self._place_chart()
        if visible:
            panel.focus_dimensions()
        elif self.rows_visible:
            self.query_one(RowsTable).focus()
        else:
            self.query_one(SummaryTable).focus()

    def _place_chart(self) -> None:
        """The open filter panel takes the chart's room, unless the screen is wide enough for
        both (a class on the chart alone: one on the screen restyled every widget)."""
        panels = self.query(FilterPanel)
        open_panel = bool(panels) and panels.first().has_class("visible")
        wide = self.screen.has_class("wide")
        self.query_one(Chart).set_class(open_panel and not wide, "covered")

    def on_filter_panel_close_requested(self) -> None:
        self.show_filters(False)

    def _pick(
        self, title: str, options: list[str], current: str, apply: Callable[[str], object]
    ) -> None:
        """Offer ``options`` (labelled) in a picker; ``apply`` the one chosen, if any."""
        from tui.screens.picker import PickerScreen

        choices = [(option, label(option)) for option in options]
        self.push_screen(
            PickerScreen(title, choices, current), lambda chosen: apply(chosen) if chosen else None
        )

    def action_pick_group(self) -> None:
        """Choose the dimension to group by."""
        self._pick(
            "Group by", list(self.dataset.dimensions), self.selection.group_by, self.group_by
        )

    def group_by(self, dimension: str) -> None:
        """Group the table by ``dimension``; one the measure is not split by (platforms in
        offences) is refused with a line saying which measure counts it and how to get there."""
        other = measure_splitting(self.dataset, dimension, self.selection.measure)
        if other is not None:
            note = not_split_note(self.dataset, dimension, self.selection.measure)
            self.notify(f"{note}; press m and pick {label(other)}", severity="warning")
            return
        self.selection = self.selection.grouped_by(dimension)

    def action_pick_measure(self) -> None:
        """Choose the measure."""
        self._pick("Measure", list(self.dataset.measures), self.selection.measure, self.set_measure)

    def set_measure(self, measure: str) -> None:
        """Show ``measure``; grouped by a dimension it is not split by (platforms, for
        offences), the table goes back to the starting grouping and says why."""
        selection = self.selection.with_measure(measure)
        note = not_split_note(self.dataset, selection.group_by, measure)
        if note:
            selection = selection.grouped_by(initial_selection(self.dataset).group_by)
            self.notify(f"{note}; grouped by {label(selection.group_by).lower()}", timeout=6)
        self.selection = selection

    def sort_columns(self) -> list[str | None]:
        """Sortable columns in the order ``s`` cycles through them (``None``: natural order)."""
        return [
            None,
            self.selection.measure,
            SHARE,
            SHARE_RECORDED,
            CHANGE,
            RATE,
            RATE_CHILDREN,
            self.selection.group_by,
        ]

    def action_cycle_sort(self) -> None:
        """Sort by the next column that puts the rows in another order (largest first by
        offences, share or share where recorded is often the order already shown)."""
        columns = self.sort_columns()
        start = columns.index(self.selection.sort_column)
        following = [columns[(start + step) % len(columns)] for step in range(1, len(columns))]
        shown_now = self.results is not None and self.results.selection == self.selection
        # the table on screen (no query on the key's own thread); else the engine's
        frame = (self.results.summary if shown_now else summary(self.dataset, self.selection)).frame
        key = self.selection.group_by
        shown = sort_summary(frame, self.selection)[key].to_list()
        for column in following:
            candidate = self.selection.with_sort(column, column != key)
            if sort_summary(frame, candidate)[key].to_list() != shown:
                self.sort_by(column)
                return
        self.sort_by(following[0])

    def sort_by(self, column: str | None, descending: bool | None = None) -> None:
        """Sort by ``column`` (largest first, names A-Z first)."""
        if descending is None:
            descending = column != self.selection.group_by
        self.selection = self.selection.with_sort(column, descending)

    def action_reverse_sort(self) -> None:
        """Flip the sort direction."""
        column = self.selection.sort_column or self.selection.measure
        self.selection = self.selection.with_sort(column, not self.selection.descending)

    def action_toggle_chart(self) -> None:
        """Show or hide the chart."""
        self.query_one(Chart).toggle_class("hidden")

    def action_cycle_chart(self) -> None:
        """Next chart kind (one the selection cannot draw shows bars and says why)."""
        current = CHART_KINDS.index(self.chart_kind) if self.chart_kind in CHART_KINDS else -1
        self.set_chart(CHART_KINDS[(current + 1) % len(CHART_KINDS)])

    def action_save_chart(self) -> None:
        """Save the chart on screen as a file (SVG, PNG or PDF) for print or the web."""
        self.chart_files.start()

    def set_chart(self, kind: str) -> None:
        """Draw the chart as ``kind`` (bar, line, stacked): only the chart is computed and
        drawn again, the table and the lines around it stay as they are."""
        self.chart_kind = kind
        self.query_one(Chart).remove_class("hidden")
        self._draw_chart(self.selection, kind)

    @work(thread=True, exclusive=True, group="chart")
    def _draw_chart(self, selection: Selection, kind: str) -> None:
        try:
            data = chart_data(self.dataset, selection, kind)
        except DataError as error:
            self.call_from_thread(self._report_failure, str(error))
            return
        except READ_ERRORS as error:
            self.call_from_thread(self._report_failure, f"cannot read the data: {error}")
            return
        self.call_from_thread(self._show_chart, selection, kind, data)

    def _show_chart(self, selection: Selection, kind: str, data: ChartData) -> None:
        """Show a chart computed for ``selection`` as ``kind``, if both are still asked for."""
        if selection != self.selection or kind != self.chart_kind:
            return
        self.query_one(Chart).show(data)
        if self.results is not None and self.results.selection == selection:
            self.results = replace(self.results, chart=data)

    @property
    def rows_visible(self) -> bool:
        """Whether the rows view is showing instead of the summary."""
        return self.query_one(ContentSwitcher).current == "rows"

    async def action_toggle_rows(self) -> None:
        """Switch between the summary and the filtered underlying rows."""
        switcher = self.query_one(ContentSwitcher)
        if not switcher.query(RowsView):
            await switcher.mount(RowsView(id="rows"))
        switcher.current = "body" if self.rows_visible else "rows"
        if self.rows_visible:
            self.refresh_results()
            self.query_one(RowsTable).focus()
        else:
            self.query_one(SummaryTable).focus()

    def action_open_file(self) -> None:
        """Ask for a data file to open instead of the current one."""
        self.files.start()

    async def switch_dataset(self, dataset: Dataset) -> None:
        """Explore ``dataset`` from its starting selection."""
        self.dataset = dataset
        self.history.clear()
        self.results = None
        self.filter_dimension = dataset.dimensions[0]
        self.sub_title = safe_text(dataset.name)
        await self._mount_secondary()
        await self.query_one(FilterPanel).remove()
        await self.mount(self._filter_panel(dataset), before="#views")
        self.selection = initial_selection(dataset)
        self.refresh_results()
        self._say_how_read(dataset, f"Opened {dataset.name}: {dataset.row_count:,} rows")

    def action_show_map(self) -> None:
        """Show the map of the forces for the current selection."""
        self.maps.start()

    def action_copy_sentence(self) -> None:
        """Copy the highlighted row as a sentence to quote."""
        self.copies.sentence(self.query_one(SummaryTable).current_member)

    def action_copy_table(self) -> None:
        """Copy the table as shown, as Markdown or TSV."""
        self.copies.table()

    def action_save_copied(self) -> None:
        """Write the last copied text to a file."""
        self.copies.save()

    def action_export(self) -> None:
        """Open the export dialog for the current selection."""
        self.exports.start()

    def action_export_excel(self) -> None:
        """Open the export dialog with Excel (.xlsx) chosen."""
        self.exports.start("xlsx")

    def action_save_view(self) -> None:
        """Save the current selection under a name."""
        self.views.start_save()

    def action_open_view(self) -> None:
        """Pick a saved view to open."""
        self.views.start_open()

    def show_fresh(self, selection: Selection, chart: str) -> None:
        """Show ``selection`` with ``chart``, forgetting the back-navigation history."""
        self.history.clear()
        self.chart_kind = chart
        self.selection = selection

    def action_about(self) -> None:
        """Show the dataset's metadata."""
        from tui.screens.about import AboutScreen

        self.push_screen(
            AboutScreen(self.dataset, self.lines_in_full(), served=self.served is not None)
        )

    def action_sources(self) -> None:
        """Show every published figure beside this dataset's value, with its status; from a
        place's row in one year, the figures of that place and year first."""
        from functools import partial

        from tui.data.features import reconcile
        from tui.screens.sources import SourcesScreen

        if ledger(self.dataset) is None:  # a user's own file: nothing published to compare
            self.push_screen(SourcesScreen(None, own_file=self.dataset.name))
            return
        figures = reconcile.figures(figures_folder(self.dataset))
        value_of = partial(reconcile.value_of, self.dataset)
        self.push_screen(SourcesScreen(figures, value_of, search=self._sources_search()))

    def _sources_search(self) -> str:
        """``England and Wales 2017/18`` when the table is of one year and a place is named: the
        finest of the highlighted row's place and a place the filters keep to one member (by
        nation, filtered to Wiltshire: Wiltshire, not England)."""
        years = self.selection.members(YEAR) or ()
        if len(years) != 1:
            return ""
        named = {d: m[0] for d in PLACES if len(m := self.selection.members(d) or ()) == 1}
        member = self.query_one(SummaryTable).current_member
        if member is not None and self.selection.group_by in PLACES:
            named[self.selection.group_by] = member
        finest = max(named, key=PLACES.index, default=None)
        return f"{named[finest]} {years[0]}" if finest else ""

    def action_cycle_jurisdiction(self) -> None:
        """England and Wales → Scotland → Northern Ireland → all UK: each counts its own offence."""
        if JURISDICTION not in self.dataset.dimensions:
            self.notify("This data has no jurisdiction column", timeout=3)
            return
        keys = list(JURISDICTION_KEYS)
        current = set(self.selection.members(JURISDICTION) or JURISDICTION_KEYS["uk"])
        now = next((k for k in keys if set(JURISDICTION_KEYS[k]) == current), "uk")
        following = keys[(keys.index(now) + 1) % len(keys)]
        self.history.clear()
        self.selection = with_jurisdiction(self.dataset, self.selection, following)
        shown = " + ".join(JURISDICTION_KEYS[following])
        self.notify(f"Jurisdiction: {shown}", timeout=3)

    def action_toggle_published_only(self) -> None:
        """Blank every modelled number (or show them again): what is left can be quoted."""
        if provenance_book(self.dataset) is None:
            self.notify(
                "This file does not say which of its numbers are modelled: nothing to blank",
                timeout=4,
            )
            return
        on = not self.selection.published_only
        self.selection = self.selection.with_published_only(on)
        self.notify(
            "Published only: every modelled number is blanked (–)"
            if on
            else "Modelled numbers shown again (marked ○)",
            timeout=3,
        )

    def action_toggle_theme(self) -> None:
        """Switch between the dark and the light theme."""
        self.theme = THEMES[1] if self.theme == THEMES[0] else THEMES[0]

    def action_search(self, text: str = "") -> None:
        """Ask for a question in the reader's words and show the table it asks for."""
        from tui.screens.search import SearchScreen

        self.push_screen(SearchScreen(self.dataset, self.selection, text), self.show_reading)

    def show_reading(self, reading: Reading | None) -> None:
        """Show what a search was read as (Backspace goes back); say what was not understood."""
        if reading is None:
            return
        if not reading.understood:
            self.notify(f"Not understood: {' '.join(reading.unknown)}", severity="warning")
            return
        if reading.unknown:
            self.notify(f"Not understood: {' '.join(reading.unknown)}", timeout=4)
        if reading.selection != self.selection:
            self.navigate(reading.selection)

    def action_help(self) -> None:
        """Show every key binding."""
        from tui.screens.help import HelpScreen

        table_keys = [
            Binding("enter", "", "Drill down into the row (filter to it, next level)"),
            Binding("up,down,pageup,pagedown", "", "Move the cursor"),
            *SummaryTable.BINDINGS,
        ]
        panel_keys = [
            Binding("tab", "", "Move between dimensions, search and members"),
            Binding("enter", "", "Open a dimension's members / in the search: tick the match"),
            Binding("space", "", "Tick or untick a member"),
            *MemberList.BINDINGS,
            *FilterPanel.BINDINGS,
            *MemberSearch.BINDINGS,
        ]
        self.push_screen(
            HelpScreen(
                [
                    ("Everywhere", list(self.BINDINGS)),
                    ("Summary table", table_keys),
                    ("Filter panel (f)", panel_keys),
                    ("Rows view (r)", list(RowsTable.BINDINGS)),
                ]
            )  # type: ignore[arg-type]
        )

    def filter_to(self, dimension: str, member: str) -> None:
        """Keep only ``member`` of ``dimension``."""
        self.selection = grouped_below_filters(self.selection.with_filter(dimension, (member,)))
