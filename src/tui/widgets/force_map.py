"""The tile-grid map of the forces: one tile per force, coloured by class, a legend beside it.

Display only: it draws a :class:`ForceMap` computed by the data layer, moves a highlight between
neighbouring tiles with the arrow keys and says which force is highlighted or chosen.
"""

from __future__ import annotations

from rich.console import RenderableType
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from tui.data.features.force_map import ForceMap, Tile, neighbour
from tui.data.output import format as fmt

PALETTE = ("#fde725", "#5ec962", "#21918c", "#3b528b", "#440154")
"""Viridis classes, low to high: readable on dark and light themes and for colour-blind readers."""
INK = ("#000000", "#000000", "#ffffff", "#ffffff", "#ffffff")
"""Text colour on each class."""
NO_DATA_FILL = "░"
MODELLED_FILL = "·"
"""Fills the blank part of a tile whose count is modelled (an estimate, not a published count)."""
PARTIAL_FILL = "◔"
"""Fills the blank part of a tile whose count is partial (a year of the selection has no figure)."""
LEGEND_WIDTH = 26
MEASURE_TITLES = {"rate": "Rate per 100k", "count": "Count", "change": "Change on previous year"}


def value_text(measure: str, value: float | None) -> str:
    """A tile's or a break's value as the table writes it."""
    if value is None:
        return fmt.DASH
    if measure == "rate":
        return f"{value:,.1f}"
    if measure == "change":
        return fmt.change(value)
    return fmt.count(value)


class ForceMapView(Widget, can_focus=True):
    """Draws the map; ``Enter`` chooses the highlighted force."""

    DEFAULT_CSS = """
    ForceMapView { height: 1fr; width: 1fr; }
    """
    BINDINGS = [
        Binding("left", "move('left')", "West", show=False),
        Binding("right", "move('right')", "East", show=False),
        Binding("up", "move('up')", "North", show=False),
        Binding("down", "move('down')", "South", show=False),
        Binding("enter", "choose", "Drill in"),
    ]

    highlighted: reactive[str | None] = reactive(None)

    class Highlighted(Message):
        """The highlight moved to ``force``."""

        def __init__(self, force: str) -> None:
            super().__init__()
            self.force = force

    class Chosen(Message):
        """``Enter`` on ``force``."""

        def __init__(self, force: str) -> None:
            super().__init__()
            self.force = force

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.data: ForceMap | None = None

    def show(self, data: ForceMap, highlight: str | None = None) -> None:
        """Draw ``data``, highlighting ``highlight`` (else the current one, else the largest)."""
        self.data = data
        wanted = highlight or self.highlighted
        if wanted is None or data.tile(wanted) is None:
            valued = [t for t in data.tiles if t.value is not None and t.selected]
            wanted = (
                max(valued, key=lambda t: t.value or 0).force if valued else data.tiles[0].force
            )
        self.highlighted = wanted
        self.refresh()

    @property
    def current(self) -> Tile | None:
        """The highlighted tile."""
        if self.data is None or self.highlighted is None:
            return None
        return self.data.tile(self.highlighted)

    def watch_highlighted(self, force: str | None) -> None:
        if force is not None:
            self.post_message(self.Highlighted(force))
        self.refresh()

    def action_move(self, direction: str) -> None:
        """Move the highlight to the neighbouring tile that way."""
        if self.data is not None and self.current is not None:
            self.highlighted = neighbour(self.data.tiles, self.current, direction).force

    def action_choose(self) -> None:
        """Choose the highlighted force."""
        if self.highlighted is not None:
            self.post_message(self.Chosen(self.highlighted))

    def tile_size(self) -> tuple[int, int]:
        """Columns and lines per tile for the space the widget has."""
        assert self.data is not None
        room = max(self.size.width - LEGEND_WIDTH - 2, self.data.columns * 4)
        width = max(4, min(9, room // self.data.columns))
        height = max(1, min(3, self.size.height // self.data.rows))
        return width, height

    def render(self) -> RenderableType:
        if self.data is None:
            return Text("")
        width, height = self.tile_size()
        grid = self._grid_lines(width, height)
        legend = self._legend_lines()
        lines = []
        for index in range(max(len(grid), len(legend))):
            left = grid[index] if index < len(grid) else Text(" " * (width * self.data.columns))
            right = legend[index] if index < len(legend) else Text("")
            lines.append(Text.assemble(left, "  ", right))
        return Text("\n").join(lines)

    def _grid_lines(self, width: int, height: int) -> list[Text]:
        assert self.data is not None
        at = {(t.col, t.row): t for t in self.data.tiles}
        body = width - 1
        lines: list[Text] = []
        for row in range(self.data.rows):
            for line in range(height):
                text = Text()
                for col in range(self.data.columns):
                    tile = at.get((col, row))
                    gap = height >= 3 and line == height - 1
                    if tile is None or gap:
                        text.append(" " * width)
                        continue
                    text.append(self._tile_line(tile, line, height, body))
                    text.append(" ")
                lines.append(text)
        return lines

    def _tile_line(self, tile: Tile, line: int, height: int, body: int) -> Text:
        """One line of a tile: its abbreviation on the first line, its value on the second."""
        highlighted = tile.force == self.highlighted
        label = f"[{tile.abbreviation}]" if highlighted else tile.abbreviation
        if line == 1 and height >= 3:
            label = value_text(self.data.measure, tile.value) if self.data else ""
            if self.data and self.data.measure == "change" and tile.significant is False:
                label = fmt.NOT_SIGNIFICANT + label
        elif line > 1:
            label = ""
        label = label[:body].center(body)
        bold = Style(bold=highlighted)
        if not tile.selected:
            return Text(label, style=Style(dim=True) + bold)
        if tile.band is None:
            filled = "".join(NO_DATA_FILL if c == " " else c for c in label)
            return Text(filled, style=Style(color="grey50") + bold)
        if tile.modelled or tile.partial:
            fill = PARTIAL_FILL if tile.partial else MODELLED_FILL  # a gap first: ◔ is rarer
            label = "".join(fill if c == " " else c for c in label)
        return Text(
            label, style=Style(color=INK[tile.band], bgcolor=self._colour(tile.band)) + bold
        )

    def _colour(self, band: int) -> str:
        assert self.data is not None
        classes = len(self.data.breaks) + 1
        # fewer classes than colours: spread them over the palette's range
        index = round(band * (len(PALETTE) - 1) / max(classes - 1, 1))
        return PALETTE[index]

    def _legend_lines(self) -> list[Text]:
        assert self.data is not None
        data = self.data
        title = MEASURE_TITLES[data.measure]
        if data.measure == "rate" and data.rate_label and "year" in data.rate_label:
            title += "/yr"
        lines = [Text(title, style="bold")]
        if data.measure == "change" and data.change_label:
            lines.append(Text(data.change_label, style="italic"))
        breaks = data.breaks
        for band in range(len(breaks) + 1):
            if not breaks:
                label = "all forces"
            elif band == 0:
                label = f"≤ {value_text(data.measure, breaks[0])}"
            elif band == len(breaks):
                label = f"> {value_text(data.measure, breaks[-1])}"
            else:
                low, high = (value_text(data.measure, b) for b in breaks[band - 1 : band + 1])
                label = f"{low} – {high}"
            swatch = Text("   ", style=Style(bgcolor=self._colour(band)))
            lines.append(Text.assemble(swatch, " ", label))
        no_data = " no data" + (" or modelled (hidden)" if data.published_only else "")
        lines.append(Text.assemble(Text(NO_DATA_FILL * 3, style="grey50"), no_data))
        if data.modelled:
            lines.append(Text(f"{MODELLED_FILL * 3} modelled ({data.modelled} of {data.coloured})"))
        if data.partial:
            lines.append(Text(f"{PARTIAL_FILL * 3} partial: a gap ({data.partial})"))
        if any(not t.selected for t in data.tiles):
            lines.append(Text.assemble(Text("ABC", style="dim"), " filtered out"))
        if data.measure == "change":
            lines.append(Text(f"{fmt.NOT_SIGNIFICANT} within chance"))
        if data.unmapped:
            lines.append(Text(f"not on the map: {', '.join(data.unmapped)}", style="italic"))
        lines.append(Text("←↑↓→ move · Enter drill", style="italic"))
        return lines
