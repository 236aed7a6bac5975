"""Where each number comes from: *published* (a source says it), *derived* (arithmetic on
published figures) or *modelled*.

A count shown for a selection is published when a target figure covers exactly the same force-years
(and the same breakdown); derived when it adds up whole published pieces (published force-years, or
jurisdiction-years whose total is published or is the UK total minus the other two); modelled
otherwise, which includes every breakdown by age band, sex or platform below a published total.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import polars as pl

from tui.data.dataset import Dataset
from tui.data.loading.paths import repo_data_dir
from tui.data.published import figures
from tui.data.registry import MARKED, register_marks
from tui.data.schema import FORCE, JURISDICTION, MEASURE, NOT_SPLIT, YEAR
from tui.data.selection import Filters
from tui.data.targets import EW, NI, SCOTLAND, TARGET, Figure

PUBLISHED, DERIVED, MODELLED = "published", "derived", "modelled"
MARKERS = {PUBLISHED: "●", DERIVED: "◐", MODELLED: "○"}
LEGEND = "● published  ◐ derived from published figures  ○ modelled"
PLACE = frozenset({JURISDICTION, "offence", "nation", "region", FORCE, YEAR})
"""Dimensions that choose which force-years are counted; any other filter is a breakdown."""

Cell = tuple[str, str, str]  # (jurisdiction, force, year)


@dataclass(frozen=True)
class Provenance:
    """The status of one number and, when published, the figure that says it."""

    status: str
    figure: Figure | None = None

    @property
    def marker(self) -> str:
        """The symbol the table shows beside the number."""
        return MARKERS[self.status]

    def describe(self) -> str:
        """One line for the status bar: status, and source title and date when published."""
        if self.figure is None:
            return {
                DERIVED: "derived: sums or differences of published figures",
                MODELLED: "modelled: an estimate, not a published figure",
            }.get(self.status, self.status)
        date = f", {self.figure.published}" if self.figure.published else ""
        return f"published: {self.figure.source_title}{date}"


PUBLISHERS = ("https://www.nspcc.org.uk/", "https://www.gov.uk/")
"""The pages of those who released the figures (the NSPCC obtained them by FOI); news copies follow."""


def _citing_order(figure: Figure) -> tuple[bool, bool, str]:
    """Which of several sources giving the same figure to name: the publisher's own page, else
    the earliest dated (closest to the release), undated last."""
    own = figure.source_url.startswith(PUBLISHERS)
    return (not own, not figure.published, figure.published)


class Ledger:
    """The published figures of a dataset, keyed by the force-years (and breakdown) they cover."""

    def __init__(self, dataset: Dataset, figures: tuple[Figure, ...]) -> None:
        keys = (
            dataset.cube.filter(pl.col(MEASURE).is_not_null())
            .select(*(pl.col(c).cast(pl.String) for c in sorted(PLACE & set(dataset.dimensions))))
            .unique()
        )
        self.places = keys.to_dicts()
        self.cells_of_jy: dict[tuple[str, str], set[Cell]] = defaultdict(set)
        for place in self.places:
            self.cells_of_jy[(place[JURISDICTION], place[YEAR])].add(_cell(place))
        self.exact: dict[tuple, Figure] = {}
        for figure in figures:
            spec = figure.spec
            if figure.status != TARGET or spec is None or figure.unit != "count":
                continue
            if figure.bounds()[0] != figure.bounds()[1] or spec.share or spec.recorded_only:
                continue
            cells = frozenset(
                _cell(p)
                for p in self.places
                if p[JURISDICTION] in spec.jurisdictions
                and p[YEAR] in spec.years
                and (spec.forces is None or p[FORCE] in spec.forces)
            )
            breakdown = (spec.dimension, frozenset(spec.members)) if spec.dimension else None
            key = (cells, spec.measure, breakdown)
            if key not in self.exact or _citing_order(figure) < _citing_order(self.exact[key]):
                self.exact[key] = figure
        self.jy_status = {jy: self._jurisdiction_year(*jy) for jy in self.cells_of_jy}

    def _published(self, cells: frozenset[Cell]) -> Figure | None:
        return self.exact.get((cells, MEASURE, None))

    def _jurisdiction_year(self, jurisdiction: str, year: str) -> Provenance:
        own = self._published(frozenset(self.cells_of_jy[(jurisdiction, year)]))
        if own is not None:
            return Provenance(PUBLISHED, own)
        if jurisdiction != EW:
            return Provenance(MODELLED)
        uk = frozenset().union(*(self.cells_of_jy[(j, year)] for j in (EW, SCOTLAND, NI)))
        others = [self._published(frozenset(self.cells_of_jy[(j, year)])) for j in (SCOTLAND, NI)]
        if self._published(uk) is not None and all(others):
            return Provenance(DERIVED)
        return Provenance(MODELLED)

    def of(self, filters: Filters, measure: str) -> Provenance:
        """The provenance of the measure summed over the selection ``filters`` keep."""
        chosen = dict(filters)
        breakdown = {d: m for d, m in chosen.items() if d not in PLACE}
        cells = frozenset(
            _cell(p)
            for p in self.places
            if all(p.get(d) in m for d, m in chosen.items() if d in PLACE)
        )
        if not cells:
            return Provenance(MODELLED)
        if breakdown or measure != MEASURE:
            for dimension, members in breakdown.items():
                if NOT_SPLIT in members:
                    return Provenance(MODELLED)
                figure = self.exact.get((cells, measure, (dimension, frozenset(members))))
                if figure is not None and len(breakdown) == 1:
                    return Provenance(PUBLISHED, figure)
            return Provenance(MODELLED)
        figure = self._published(cells)
        if figure is not None:
            return Provenance(PUBLISHED, figure)
        parts: list[Provenance] = []
        by_jy: dict[tuple[str, str], set[Cell]] = defaultdict(set)
        for cell in cells:
            by_jy[(cell[0], cell[2])].add(cell)
        for year in {jy[1] for jy in by_jy}:  # a whole UK year with a published total
            chosen_year = frozenset(c for c in cells if c[2] == year)
            if self._published(chosen_year) is not None:
                parts.append(Provenance(PUBLISHED))
                by_jy = {jy: c for jy, c in by_jy.items() if jy[1] != year}
        for jy, chosen_cells in by_jy.items():
            if chosen_cells == self.cells_of_jy[jy]:
                parts.append(self.jy_status[jy])
            else:
                parts += [
                    Provenance(PUBLISHED if self._published(frozenset({c})) else MODELLED)
                    for c in chosen_cells
                ]
        if any(p.status == MODELLED for p in parts):
            return Provenance(MODELLED)
        return Provenance(DERIVED)


def _cell(place: dict[str, str]) -> Cell:
    return (place[JURISDICTION], place[FORCE], place[YEAR])


@lru_cache(maxsize=8)
def ledger(dataset: Dataset) -> Ledger | None:
    """The ledger of a dataset built from the published figures (``None`` for other files)."""
    if dataset.metadata.get(MARKED) != "figures":
        return None
    folder = dataset.path.parent if dataset.path else repo_data_dir()
    if not (folder / "real_figures.csv").is_file():
        folder = repo_data_dir()
    return Ledger(dataset, figures(Path(folder)))


register_marks(ledger)
