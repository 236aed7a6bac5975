"""The tile-grid map of the 43 forces of England and Wales: one tile per force, placed roughly where
the force is (``data/force_grid.csv``), coloured by a measure of the current selection.

Everything here is computed by the one query engine (a summary grouped by force under the current
filters); the map widget only draws a :class:`ForceMap`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

import polars as pl

from tui.data.dataset import Dataset
from tui.data.engine.intervals import Interval
from tui.data.engine.provenance import MODELLED, Provenance
from tui.data.engine.query import summary
from tui.data.engine.ranges import Range
from tui.data.engine.rates import GEOGRAPHY
from tui.data.engine.table import CHANGE, CHANGE_SIGNIFICANT, HIGH, LOW, RATE, RATE_HIGH, RATE_LOW
from tui.data.loading import repo_data_dir
from tui.data.schema import FORCE
from tui.data.selection import Selection

GRID_FILE = "force_grid.csv"
MAP_MEASURES = ("rate", "count", "change")
"""What tiles can be coloured by: rate per 100k (default), the count, the year-on-year change."""
CLASSES = 5


@dataclass(frozen=True)
class Tile:
    """One force on the map, with its figures under the current selection."""

    force: str
    abbreviation: str
    col: int
    row: int
    selected: bool
    """Whether the selection's filters keep this force (a force filtered out is drawn faintly)."""
    count: int | None = None
    """``None``: no data for this force in the selection (distinct from a count of 0)."""
    low: float | None = None
    high: float | None = None
    rate: float | None = None
    rate_low: float | None = None
    rate_high: float | None = None
    change: float | None = None
    significant: bool | None = None
    value: float | None = None
    """The mapped measure's value."""
    band: int | None = None
    """Class of ``value`` (0 = lowest) among :attr:`ForceMap.breaks`, ``None`` without a value."""
    modelled: bool = False
    """Whether the count is modelled (an estimate): the tile is drawn hatched."""
    allowed: Range | None = None
    """What the published figures allow for a modelled count."""
    interval: Interval | None = None
    """Where a modelled count likely lies (its 80% and 95% intervals, from the model's draws)."""
    change_mark: str = ""
    """In front of a change that is not tested (○ a modelled count, ◔ partial, ! flagged)."""
    missing: str = ""
    """What a partial count lacks (``Hampshire: no figure for 2021/22``); empty when complete."""

    @property
    def partial(self) -> bool:
        """Whether a year of the selection has no figure for this force."""
        return bool(self.missing)


@dataclass(frozen=True)
class ForceMap:
    """The tiles, the measure they show and the class breaks of the legend."""

    tiles: tuple[Tile, ...]
    measure: str
    breaks: tuple[float, ...]
    """Upper limits of the classes but the last: ``value <= breaks[i]`` is class ``i``."""
    columns: int
    rows: int
    rate_label: str | None
    change_label: str | None
    unmapped: tuple[str, ...] = ()
    """Forces in the data without a tile (outside England and Wales, or unknown names)."""
    published_only: bool = False
    """Whether modelled counts are blanked (their tiles read *no data*)."""

    @property
    def modelled(self) -> int:
        """How many coloured tiles (kept by the filters) show a modelled count."""
        return sum(t.modelled and t.selected and t.value is not None for t in self.tiles)

    @property
    def partial(self) -> int:
        """How many coloured tiles (kept by the filters) show a partial count."""
        return sum(t.partial and t.selected and t.value is not None for t in self.tiles)

    @property
    def coloured(self) -> int:
        """How many tiles kept by the filters have a value."""
        return sum(t.selected and t.value is not None for t in self.tiles)

    def tile(self, force: str) -> Tile | None:
        """The tile of ``force``, if it has one."""
        return next((t for t in self.tiles if t.force == force), None)


@cache
def load_grid(path: Path | None = None) -> pl.DataFrame:
    """The tile positions: force, abbreviation, col, row."""
    return pl.read_csv(path or repo_data_dir() / GRID_FILE)


def kept_forces(dataset: Dataset, selection: Selection) -> set[str]:
    """The forces the selection's geographic filters (force, region, nation) keep."""
    kept = set(selection.members(FORCE) or dataset.members(FORCE))
    geography = dataset.geography
    if geography is not None:
        for dimension in GEOGRAPHY[:-1]:
            members = selection.members(dimension)
            if members and dimension in geography.columns:
                inside = geography.filter(geography[dimension].is_in(list(members)))
                kept &= set(inside[FORCE].to_list())
    return kept


def class_breaks(values: list[float], classes: int = CLASSES) -> tuple[float, ...]:
    """Quantile class breaks (values of the data, nearest rank), without repeats, for the legend."""
    ordered = sorted(values)
    if len(set(ordered)) < 2:
        return ()
    cuts = []
    for i in range(1, classes):
        cut = ordered[round(i * (len(ordered) - 1) / classes)]
        if not cuts or cut > cuts[-1]:
            cuts.append(cut)
    return tuple(c for c in cuts if c < ordered[-1])


def band_of(value: float, breaks: tuple[float, ...]) -> int:
    """The class of ``value``: the first break it does not exceed, else the last class."""
    return next((i for i, cut in enumerate(breaks) if value <= cut), len(breaks))


def force_map(dataset: Dataset, selection: Selection, measure: str = "rate") -> ForceMap | None:
    """The map of the selection grouped by force; ``None`` when the data has no force dimension."""
    if FORCE not in dataset.dimensions:
        return None
    if measure not in MAP_MEASURES:
        raise ValueError(f"map measure must be one of {', '.join(MAP_MEASURES)}")
    # every force is drawn with its figures under the other filters; forces the geographic
    # filters leave out are faded rather than shown as having no data
    everywhere = selection
    for dimension in GEOGRAPHY:
        everywhere = everywhere.with_filter(dimension, None)
    result = summary(dataset, everywhere.grouped_by(FORCE))
    kept = kept_forces(dataset, selection)
    rows = {str(r[FORCE]): r for r in result.frame.iter_rows(named=True)}
    if (measure == "rate" and result.rate_label is None) or (
        measure == "change" and result.change_label is None
    ):
        measure = "count"
    column = {"rate": RATE, "count": result.measure, "change": CHANGE}[measure]
    grid = load_grid()
    tiles = []
    for force, abbreviation, col, row in grid.select(
        "force", "abbreviation", "col", "row"
    ).iter_rows():
        figures = rows.get(force)
        selected = force in kept
        if figures is None or figures[result.measure] is None:
            tiles.append(Tile(force, abbreviation, col, row, selected))
            continue
        tiles.append(
            Tile(
                force,
                abbreviation,
                col,
                row,
                selected,
                count=int(figures[result.measure]),
                low=figures[LOW],
                high=figures[HIGH],
                rate=figures[RATE],
                rate_low=figures[RATE_LOW],
                rate_high=figures[RATE_HIGH],
                change=figures[CHANGE],
                significant=figures[CHANGE_SIGNIFICANT],
                value=figures[column],
                modelled=_modelled(result.provenance_of(force)),
                allowed=result.range_of(force),
                interval=result.interval_of(force),
                change_mark=result.change_marks.get(force, ""),
                missing=coverage.describe() if (coverage := result.coverage_of(force)) else "",
            )
        )
    values = [t.value for t in tiles if t.value is not None and t.selected]
    breaks = class_breaks(values)
    tiles = [t if t.value is None else replace(t, band=band_of(t.value, breaks)) for t in tiles]
    placed = set(grid["force"].to_list())
    return ForceMap(
        tiles=tuple(tiles),
        measure=measure,
        breaks=breaks,
        columns=int(grid["col"].max()) + 1,
        rows=int(grid["row"].max()) + 1,
        rate_label=result.rate_label,
        change_label=result.change_label,
        unmapped=tuple(f for f in rows if f not in placed),
        published_only=result.published_only,
    )


def _modelled(provenance: Provenance | None) -> bool:
    return provenance is not None and provenance.status == MODELLED


DIRECTIONS = {"left": (-1, 0), "right": (1, 0), "up": (0, -1), "down": (0, 1)}


def neighbour(tiles: tuple[Tile, ...], current: Tile, direction: str) -> Tile:
    """The tile an arrow key moves to: the nearest one that lies that way, favouring straight
    lines over diagonals; ``current`` when there is none."""
    dx, dy = DIRECTIONS[direction]
    best, best_score = current, None
    for tile in tiles:
        along = (tile.col - current.col) * dx + (tile.row - current.row) * dy
        across = abs((tile.col - current.col) * dy) + abs((tile.row - current.row) * dx)
        if along <= 0:
            continue
        score = (along + 2 * across, across)
        if best_score is None or score < best_score:
            best, best_score = tile, score
    return best
