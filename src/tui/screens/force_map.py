"""The force map screen (``M``): the map of the current selection, a status line with the
highlighted force's figures, ``m`` to map another measure, ``Enter`` to drill into a force."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from tui.data.dataset import Dataset
from tui.data.features.force_map import MAP_MEASURES, ForceMap, Tile, force_map
from tui.data.labels import safe_text
from tui.data.output import format as fmt
from tui.data.selection import Selection
from tui.widgets.footer import Footer
from tui.widgets.force_map import ForceMapView


def tile_status(data: ForceMap, tile: Tile) -> str:
    """The highlighted force's name and figures: a recorded count with its 95% interval, a
    modelled one marked ○ with the range the published figures allow (it has no chance
    interval), what a partial one lacks, and a change that is not tested marked as the table
    marks it (○ modelled, ◔ partial, ! flagged)."""
    if tile.count is None:
        return f"{tile.force}: no data in this selection"
    count = f"{tile.force}: {fmt.count(tile.count)}"
    shown = tile.interval if tile.modelled else None
    if shown is not None and shown.low95 < shown.high95:  # a modelled count: where it likely is
        count += f" (likely {fmt.interval_text(shown.low95, shown.high95)}, 95%)"
    elif not tile.modelled and tile.low is not None and tile.high is not None:
        count += f" (95% {fmt.bound(tile.low)}–{fmt.bound(tile.high)})"
    if tile.modelled:
        count += f" {fmt.UNTESTED} modelled"
        count += f", {fmt.range_words(tile.allowed)}" if tile.allowed else ""
    parts = [count]
    if tile.rate is not None:
        per = "per 100k/yr" if data.rate_label and "year" in data.rate_label else "per 100k"
        interval = (
            f" ({fmt.rate(tile.rate_low)}–{fmt.rate(tile.rate_high)})"
            if tile.rate_low is not None and tile.rate_high is not None
            else ""
        )
        parts.append(f"{fmt.rate(tile.rate)} {per}{interval}")
    if tile.missing:
        parts.insert(1, f"◔ {tile.missing}")
    if tile.change is not None and data.change_label:
        change = (
            tile.change_mark + fmt.change(tile.change)
            if tile.change_mark
            else fmt.marked_change(tile.change, tile.significant)
        )
        parts.append(f"{change} {data.change_label}")
    if not tile.selected:
        parts.append("filtered out")
    return " · ".join(parts)


class ForceMapScreen(Screen[str | None]):
    """Shows the map; dismisses with the force chosen by ``Enter`` (``None`` on Esc)."""

    BINDINGS = [
        Binding("escape,q,M", "dismiss(None)", "Close"),
        Binding("m", "next_measure", "Measure"),
    ]
    DEFAULT_CSS = """
    ForceMapScreen #map-title { height: 1; background: $panel; padding: 0 1; text-style: bold; }
    ForceMapScreen #map-status { height: auto; max-height: 2; background: $panel; padding: 0 1; }
    ForceMapScreen ForceMapView { padding: 0 1; }
    """

    def __init__(self, dataset: Dataset, selection: Selection, measure: str = "rate") -> None:
        super().__init__()
        self.dataset = dataset
        self.selection = selection
        self.measure = measure
        self.data: ForceMap | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="map-title")
        yield ForceMapView()
        yield Static(id="map-status")
        yield Footer()

    def on_mount(self) -> None:
        self.draw()
        self.query_one(ForceMapView).focus()

    def draw(self) -> None:
        """Compute and show the map for the current measure."""
        data = force_map(self.dataset, self.selection, self.measure)
        if data is None:
            self.notify("No force dimension in this data: nothing to map", severity="warning")
            self.dismiss(None)
            return
        self.data = data
        self.measure = data.measure
        filters = "; ".join(f"{d} = {' | '.join(m)}" for d, m in self.selection.filters)
        title = f"Map of forces by {data.measure}" + (f" · {filters}" if filters else "")
        self.query_one("#map-title", Static).update(Text(safe_text(title)))
        self.query_one(ForceMapView).show(data)

    def action_next_measure(self) -> None:
        """Map the next measure: rate, count, change."""
        index = MAP_MEASURES.index(self.measure) if self.measure in MAP_MEASURES else -1
        wanted = MAP_MEASURES[(index + 1) % len(MAP_MEASURES)]
        self.measure = wanted
        self.draw()
        if self.measure != wanted:
            self.notify(f"No {wanted} to map for this selection: showing {self.measure}")

    def on_force_map_view_highlighted(self, message: ForceMapView.Highlighted) -> None:
        if self.data is not None:
            tile = self.data.tile(message.force)
            if tile is not None:
                self.query_one("#map-status", Static).update(tile_status(self.data, tile))

    def on_force_map_view_chosen(self, message: ForceMapView.Chosen) -> None:
        self.dismiss(message.force)
