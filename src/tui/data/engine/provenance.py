"""Where each number comes from: *published* (a source says it), *derived* (arithmetic on
published figures) or *modelled*.

A count shown for a selection is published when a target figure covers exactly the same force-years
(and the same breakdown); derived when it adds up whole published pieces (published force-years or
groups of forces, jurisdiction-years whose total is published or is the UK total minus the other
two, or force-years whose range the published figures fix to one value) or is such a total minus
published pieces (England 2017/18 = England and Wales 3,217 - Wales 274); modelled
otherwise, which includes every breakdown by age band, sex or platform below a published total.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import polars as pl

from tui.data.dataset import Dataset
from tui.data.engine.ranges import range_book
from tui.data.engine.registry import MARKED, Mark, Marks
from tui.data.figures.published import figures
from tui.data.figures.targets import EW, NI, SCOTLAND, TARGET, Figure
from tui.data.loading.paths import repo_data_dir
from tui.data.schema import (
    DERIVED,
    FORCE,
    JURISDICTION,
    MARKS,
    MEASURE,
    MODELLED,
    NOT_SPLIT,
    PLACE,
    PUBLISHED,
    YEAR,
)
from tui.data.schema import PROVENANCE as PROVENANCE_COLUMN
from tui.data.selection import Filters, Selection

MARKERS = {status: MARKS[status] for status in (PUBLISHED, DERIVED, MODELLED)}
LEGEND = "● published  ◐ derived from published figures  ○ modelled"

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
            cells = frozenset(  # the force-years of its jurisdictions and years, looked up
                cell
                for jurisdiction in spec.jurisdictions
                for year in spec.years
                for cell in self.cells_of_jy.get((jurisdiction, year), ())
                if spec.forces is None or cell[1] in spec.forces
            )
            breakdown = (spec.dimension, frozenset(spec.members)) if spec.dimension else None
            key = (cells, spec.measure, breakdown)
            if key not in self.exact or _citing_order(figure) < _citing_order(self.exact[key]):
                self.exact[key] = figure
        self.pieces = sorted(
            {
                *(
                    cells
                    for cells, measure, breakdown in self.exact
                    if measure == MEASURE and not breakdown
                ),
                *(frozenset({cell}) for cell in _fixed_force_years(dataset)),
            },
            key=lambda cells: (-len(cells), sorted(cells)),
        )
        """Every set of force-years with a published total, largest first, and every force-year
        the published figures fix (its range is one value: a region's total minus its other
        forces, say), which a sum may add as derived."""
        self.jy_status = {jy: self._jurisdiction_year(*jy) for jy in self.cells_of_jy}

    def _composed(self, cells: frozenset[Cell]) -> bool:
        """Whether ``cells`` is a disjoint union of force-year sets with published totals
        (largest pieces first; a miss only ever says "modelled", never too much)."""
        left = set(cells)
        for piece in self.pieces:
            if piece <= left:
                left -= piece
        return bool(cells) and not left

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

    def modelled_rows(self) -> pl.Expr:
        """Every underlying row is a cell of the modelled breakdown."""
        return pl.lit(True)

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
            whole = self.cells_of_jy[jy]
            if chosen_cells == whole:
                parts.append(self.jy_status[jy])
            elif self._composed(frozenset(chosen_cells)) or (
                self.jy_status[jy].status != MODELLED
                and self._composed(frozenset(whole - chosen_cells))
            ):  # a sum of published pieces, or a published total minus them (England = E&W - Wales)
                parts.append(Provenance(DERIVED))
            else:
                parts.append(Provenance(MODELLED))
        if any(p.status == MODELLED for p in parts):
            return Provenance(MODELLED)
        return Provenance(DERIVED)


WEAKEST_FIRST = (MODELLED, DERIVED, PUBLISHED)


class ColumnLedger:
    """A user's own file with a ``provenance`` column: a number is as weak as the weakest row
    behind it (any other word in the column counts as modelled)."""

    def __init__(self, dataset: Dataset) -> None:
        self.cube = dataset.cube

    def modelled_rows(self) -> pl.Expr:
        """The rows whose own column says anything but published or derived."""
        return ~pl.col(PROVENANCE_COLUMN).cast(pl.String).is_in([PUBLISHED, DERIVED])

    def of(self, filters: Filters, measure: str) -> Provenance:
        """The provenance of the measure summed over the rows ``filters`` keep."""
        kept = self.cube.filter(
            pl.all_horizontal(pl.lit(True), *(pl.col(d).is_in(list(m)) for d, m in filters))
            & (pl.col(measure) > 0)
        )
        present = set(kept[PROVENANCE_COLUMN].cast(pl.String).unique().to_list())
        if present - {PUBLISHED, DERIVED}:
            return Provenance(MODELLED)
        for status in WEAKEST_FIRST:
            if status in present:
                return Provenance(status)
        return Provenance(PUBLISHED)  # nothing counted: no number to doubt


def provenance_book(dataset: Dataset) -> Ledger | ColumnLedger | None:
    """Where each number of a dataset comes from: its ledger of published figures (the embedded
    dataset), else its own ``provenance`` column, else nothing is known (``None``)."""
    book = ledger(dataset)
    if book is None and PROVENANCE_COLUMN in dataset.dimensions:
        return ColumnLedger(dataset)
    return book


def _fixed_force_years(dataset: Dataset) -> list[Cell]:
    """The force-years whose count the published figures fix (a range of one value)."""
    ranges = range_book(dataset)
    if ranges is None:
        return []
    return [cell for cell, (low, high) in ranges.force_years[MEASURE].items() if low == high]


def _cell(place: dict[str, str]) -> Cell:
    return (place[JURISDICTION], place[FORCE], place[YEAR])


def figures_folder(dataset: Dataset) -> Path:
    """Where the published figures a dataset was built from are: beside it (the embedded
    dataset, or one ``scwc build --out`` made with a user's figures), else the project's."""
    folder = dataset.path.parent if dataset.path else repo_data_dir()
    return folder if (folder / "real_figures.csv").is_file() else repo_data_dir()


@lru_cache(maxsize=8)
def ledger(dataset: Dataset) -> Ledger | None:
    """The ledger of a dataset built from the published figures (``None`` for other files)."""
    if dataset.metadata.get(MARKED) != "figures":
        return None
    return Ledger(dataset, figures(figures_folder(dataset)))


def marks_of(dataset: Dataset) -> Marks | None:
    """The marks of ``dataset``'s numbers: its ledger of published figures, else its own
    ``provenance`` column, else none (the engine asks here directly: no feature need register
    them)."""
    return provenance_book(dataset)


def status_of(mark: Mark | None) -> str:
    """A mark's status (published, derived, modelled), empty when none is known."""
    return mark.status if mark is not None else ""


def marks_by_year(
    dataset: Dataset, selection: Selection, member: str, years: list[str]
) -> tuple[str, ...]:
    """Where each year's number of ``member`` of the grouping comes from (a line's points)."""
    book = marks_of(dataset)
    if book is None:
        return ()
    base = selection.with_filter(selection.group_by, (member,))
    return tuple(
        status_of(book.of(base.with_filter(YEAR, (year,)).filters, selection.measure))
        for year in years
    )
