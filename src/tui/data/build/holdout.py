"""How good is a modelled force-year? Leave each published one out, refit, compare.

``python -m tui.data.build --holdout`` takes every England and Wales force-year whose offence
count a source publishes, drops the figures that give that force-year alone (all sources of it,
and any lower bound on it), refits the force-year totals and computes the range the remaining
published figures allow. A case whose range is a single value is still fixed by other published
figures (a region total minus its other published forces): it is counted as *determined* and
left out of the accuracy, which is about numbers the model has to guess.

The cases are written to ``data/holdout.csv``; the builder summarises that file in
``data/offences.toml`` (``[ranges] accuracy``), so the summary can never drift from the cases.
"""

from __future__ import annotations

import csv
from dataclasses import replace
from pathlib import Path
from statistics import median

from tui.data.build.force_years import Cell, Force, Grid, published_counts
from tui.data.build.model import force_totals
from tui.data.build.range_fit import TOTAL, Extremes, key, offence_constraints
from tui.data.figures.targets import CONTEXT, TARGET, Figure
from tui.data.schema import EW

HOLDOUT_COLUMNS = ("force", "year", "published", "modelled", "low", "high", "determined")
WITHIN = 0.25
"""The closeness reported: a modelled force-year within 25% of the published figure."""


def _without(grid: Grid, figures: list[Figure], cell: Cell) -> list[Figure]:
    """The figures with every one that gives ``cell``'s offence total alone set aside."""
    held = []
    for figure in figures:
        spec = figure.spec
        alone = (
            figure.status == TARGET
            and spec is not None
            and spec.measure == "offences"
            and spec.dimension is None
            and grid.covered(figure) == [cell]
        )
        held.append(replace(figure, status=CONTEXT, reason="held out") if alone else figure)
    return held


def cases(forces: list[Force], figures: list[Figure]) -> list[tuple]:
    """One row per held-out force-year: (force, year, published, modelled, low, high, determined)."""
    grid = Grid(forces, figures)
    rows = []
    for cell, published in sorted(published_counts(grid).items()):
        if grid.jurisdiction(cell) != EW:
            continue
        refit = Grid(forces, _without(grid, figures, cell))
        modelled = force_totals(refit)[cell]
        low, high = Extremes(offence_constraints(refit)).of([key(TOTAL, cell)])
        rows.append((*cell, int(published), modelled, low, high, low == high))
    return rows


def write_cases(path: Path, rows: list[tuple]) -> None:
    """``data/holdout.csv``."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(HOLDOUT_COLUMNS)
        writer.writerows(rows)


def summary(path: Path) -> str:
    """The accuracy of the modelled force-years in one sentence, from ``data/holdout.csv``."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    guessed = [r for r in rows if r["determined"] != "True"]
    if not guessed:
        return "no held-out force-year had to be guessed"
    errors = [abs(int(r["modelled"]) - int(r["published"])) / int(r["published"]) for r in guessed]
    close = sum(e <= WITHIN for e in errors)
    held = sum(int(r["low"]) <= int(r["published"]) <= int(r["high"]) for r in guessed)
    worst = max(guessed, key=lambda r: abs(int(r["modelled"]) - int(r["published"])))
    width = median(int(r["high"]) - int(r["low"]) for r in guessed)
    return (
        f"Each of the {len(rows)} published England and Wales force-years was left out of the "
        f"fit in turn ({len(rows) - len(guessed)} were still fixed by other published figures). "
        f"A modelled force-year was within {WITHIN:.0%} of the published figure in {close} of "
        f"{len(guessed)} held-out cases; the range held it in {held} of {len(guessed)}. Median "
        f"absolute error {median(errors):.0%}; the largest miss {worst['force']} "
        f"{worst['year']}, modelled {worst['modelled']} against {worst['published']} published. "
        f"The ranges hold because they are wide (a median of {width:,.0f} offences from low to "
        f"high): the published figures leave a force-year without its own figure almost free."
    )
