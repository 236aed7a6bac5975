"""The command palette: every key's action, every grouping, sort, measure, view and filter member.

The palette depends on :class:`PaletteHost`, a small protocol the app satisfies; it never
imports the app.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Protocol, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from tui.data.engine.charts import CHART_KINDS
from tui.data.features.search import Reading, read_query
from tui.data.labels import safe_text
from tui.data.schema import label
from tui.flows.views import ViewsFlow
from tui.host import Explorer
from tui.keys import KEYS, key_label

PALETTE_MEMBERS_PER_DIMENSION = 500
SAVED_VIEW = "saved view"

PaletteCommand = tuple[str, Callable[[], object], str]
"""(text shown, what it does, help: the key or a hint)."""
SEARCH_SCORE = 1.0
"""The search's reading of the whole query comes first: the same words give the same table."""
EXACT_SCORE, COMMAND_SCORE_CAP, VIEW_WEIGHT = 0.99, 0.98, 0.9
"""A filter on a member named exactly comes next; other commands after; saved views below a
command matching as well (saving a view never changes what the same words do)."""


class PaletteHost(Explorer, Protocol):
    """What the palette asks of the app."""

    views: ViewsFlow

    def group_by(self, dimension: str) -> None: ...
    def set_chart(self, kind: str) -> None: ...
    def sort_columns(self) -> list[str | None]: ...
    def sort_by(self, column: str | None, descending: bool | None = None) -> None: ...
    def set_measure(self, measure: str) -> None: ...
    def filter_to(self, dimension: str, member: str) -> None: ...
    def show_reading(self, reading: Reading | None) -> None: ...


def palette_commands(host: PaletteHost, discover: bool = False) -> list[PaletteCommand]:
    """Every command; ``discover``: leave out the (many) single-member filters."""
    dataset = host.dataset
    commands: list[PaletteCommand] = [
        (key.command, partial(host.run_action, key.action), key_label(key.keys))
        for key in KEYS
        if key.command
    ]
    commands += [
        (f"Group by {label(d)}", partial(host.group_by, d), "g") for d in dataset.dimensions
    ]
    commands += [(f"Chart: {k}", partial(host.set_chart, k), "k") for k in CHART_KINDS]
    commands += [
        (f"Sort by {label(c) if c else 'natural order'}", partial(host.sort_by, c), "s")
        for c in host.sort_columns()
    ]
    commands += [
        (f"Measure: {label(m)}", partial(host.set_measure, m), "m") for m in dataset.measures
    ]
    commands += [
        (f"Open view: {safe_text(name)}", partial(host.views.open, view), SAVED_VIEW)
        for name, view in host.views.saved().items()
    ]
    if discover:
        return commands
    for dimension in dataset.dimensions:
        for member in dataset.members(dimension)[:PALETTE_MEMBERS_PER_DIMENSION]:
            commands.append(
                (
                    f"Filter {label(dimension)} = {safe_text(member)}",
                    partial(host.filter_to, dimension, member),
                    "keep only this member",
                )
            )
    return commands


class ExplorerCommands(Provider):
    """Offers the explorer's commands ("Group by Force", "Filter Year = 2018/19", "Export…")."""

    @property
    def host(self) -> PaletteHost:
        return cast(PaletteHost, self.app)

    async def startup(self) -> None:
        """Build the command list once per palette opening (it reads the saved views)."""
        self.commands = palette_commands(self.host)

    async def discover(self) -> Hits:
        for text, callback, help_text in palette_commands(self.host, discover=True):
            yield DiscoveryHit(Content(text), callback, text=text, help=help_text)

    async def search(self, query: str) -> Hits:
        reading = read_query(self.host.dataset, query, self.host.selection)
        if reading.understood and not reading.unknown:
            text = f"Show {reading.describe()}"
            yield Hit(  # the words may hold a label's brackets: shown as text, never markup
                SEARCH_SCORE,
                Content(safe_text(text)),
                partial(self.host.show_reading, reading),
                text,
                help="/ search",
            )
        matcher = self.matcher(query)
        wanted = query.strip().casefold()
        for text, callback, help_text in self.commands:
            score = matcher.match(text)
            if score <= 0:
                continue
            if text.casefold().endswith(f"= {wanted}"):
                score = EXACT_SCORE
            else:
                score = min(score, COMMAND_SCORE_CAP)
                if help_text == SAVED_VIEW:
                    score *= VIEW_WEIGHT
            # a name from a file may hold brackets: only bracket-free text goes through the
            # matcher's highlighting, which reads its text as markup
            shown = matcher.highlight(text) if "[" not in text else Content(text)
            yield Hit(score, shown, callback, text=text, help=help_text)
