"""The force-years the builder fits: the police forces, and the grid of force and year that the
published figures constrain (:class:`Grid`), with the force-year counts and rises they state."""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from tui.data.figures.files import read_missing
from tui.data.figures.targets import TARGET, YEARS, Figure
from tui.data.schema import EW, NI, SCOTLAND


@dataclass(frozen=True)
class Force:
    """A police force from the reference list, with its jurisdiction."""

    name: str
    region: str
    nation: str
    population: int
    missing: frozenset[str] = frozenset()
    """Years it gave no figure for (``data/missing_force_years.csv``): absent, never zero."""

    @property
    def jurisdiction(self) -> str:
        """England and Wales, Scotland or Northern Ireland."""
        return self.nation if self.nation in (SCOTLAND, NI) else EW


Cell = tuple[str, str]  # (force, year)


def read_forces(path: Path) -> list[Force]:
    """The forces of ``forces.csv`` in file order (43 in England and Wales, then Scotland, NI),
    each with the years it gave no figure for (the missing force-years file beside it)."""
    missing: dict[str, set[str]] = defaultdict(set)
    for force, year in read_missing(path.parent):
        missing[force].add(year)
    with path.open(newline="", encoding="utf-8") as handle:
        return [
            Force(
                row["force"],
                row["region"],
                row["nation"],
                int(row["population_2018_approx"]),
                frozenset(missing[row["force"]]),
            )
            for row in csv.DictReader(handle)
        ]


def forces_by_region(forces: list[Force]) -> dict[str, list[str]]:
    """Region name -> its forces, in file order."""
    regions: dict[str, list[str]] = defaultdict(list)
    for force in forces:
        regions[force.region].append(force.name)
    return dict(regions)


class Grid:
    """The force-years of the dataset and the targets that constrain them."""

    def __init__(self, forces: list[Force], figures: list[Figure]) -> None:
        self.forces = forces
        self.by_name = {f.name: f for f in forces}
        self.targets = [f for f in figures if f.status == TARGET and f.spec is not None]
        self.cells: list[Cell] = [(f.name, y) for y in YEARS for f in forces if y not in f.missing]

    def jurisdiction(self, cell: Cell) -> str:
        """The jurisdiction of a force-year."""
        return self.by_name[cell[0]].jurisdiction

    def covered(self, figure: Figure) -> list[Cell]:
        """The force-years a figure adds up."""
        spec = figure.spec
        assert spec is not None
        return [
            c
            for c in self.cells
            if c[1] in spec.years
            and self.jurisdiction(c) in spec.jurisdictions
            and (spec.forces is None or c[0] in spec.forces)
        ]

    def targets_of(self, measure: str, dimension: str | None) -> list[Figure]:
        """Target figures on one measure, broken down by ``dimension`` (``None``: totals)."""
        return [
            f
            for f in self.targets
            if f.spec is not None and f.spec.measure == measure and f.spec.dimension == dimension
        ]


def published_counts(grid: Grid) -> dict[Cell, float]:
    """The force-years whose offence count a target figure gives, with that count."""
    published: dict[Cell, float] = {}
    for figure in grid.targets_of("offences", None):
        cells = grid.covered(figure)
        if len(cells) == 1 and figure.unit == "count" and not figure.partial:
            published[cells[0]] = figure.value
    return published


def published_rises(grid: Grid) -> set[tuple[str, str, str]]:
    """(jurisdiction, platform, year) rises on the year before that a target figure states."""
    return {
        (jurisdiction, platform, year)
        for figure in grid.targets_of("instances", "platform")
        if figure.measure.startswith("ratio_") and figure.spec is not None
        for jurisdiction in figure.spec.jurisdictions
        for platform in figure.spec.members
        for year in figure.spec.years
    }
