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
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from functools import partial
from pathlib import Path

from tui.data.build.accuracy import accuracy, held_out
from tui.data.build.force_years import Cell, Force, Grid, published_counts
from tui.data.build.range_fit import TOTAL, Extremes, key, offence_constraints
from tui.data.figures.targets import CONTEXT, TARGET, Figure
from tui.data.schema import EW

HOLDOUT_COLUMNS = (
    "force",
    "year",
    "published",
    "modelled",
    "low",
    "high",
    "determined",
    "low80",
    "high80",
    "low95",
    "high95",
)
"""``low``, ``high``: what the other published figures allow; ``low80`` ... ``high95``: the
refit's 80% and 95% intervals (:mod:`tui.data.accuracy`)."""
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


def cases(
    forces: list[Force],
    figures: list[Figure],
    exposure: dict[Cell, float] | None = None,
    only: set[Cell] | None = None,
) -> list[tuple]:
    """One row per held-out force-year (:data:`HOLDOUT_COLUMNS`); ``only``: just these."""
    grid = Grid(forces, figures, exposure)
    rows = []
    for cell, published in sorted(published_counts(grid).items()):
        if grid.jurisdiction(cell) != EW or (only is not None and cell not in only):
            continue
        refit = Grid(forces, _without(grid, figures, cell), exposure)
        low, high = Extremes(offence_constraints(refit)).of([key(TOTAL, cell)])
        if low == high:
            rows.append((*cell, int(published), low, low, high, True, low, high, low, high))
            continue
        modelled, (low80, high80), (low95, high95) = held_out(refit, cell)
        low80, low95 = max(low80, low), max(low95, low)
        high80 = high80 if high is None else min(high80, high)
        high95 = high95 if high is None else min(high95, high)
        rows.append(
            (*cell, int(published), modelled, low, high, False, low80, high80, low95, high95)
        )
    return rows


def all_cases(
    forces: list[Force],
    figures: list[Figure],
    exposure: dict[Cell, float] | None = None,
    jobs: int = 1,
) -> list[tuple]:
    """Every held-out case (:func:`cases`), over ``jobs`` processes: each case is refitted on its
    own (its own seeded draws), so the rows are the same however they are shared out."""
    if jobs <= 1:
        return cases(forces, figures, exposure)
    grid = Grid(forces, figures, exposure)
    cells = sorted(c for c in published_counts(grid) if grid.jurisdiction(c) == EW)
    shares = [set(cells[i::jobs]) for i in range(jobs)]
    with ProcessPoolExecutor(jobs) as pool:
        parts = list(pool.map(partial(cases, forces, figures, exposure), shares))
    return sorted((row for part in parts for row in part), key=lambda row: (row[0], row[1]))


def write_cases(path: Path, rows: list[tuple]) -> None:
    """``data/holdout.csv``."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(HOLDOUT_COLUMNS)
        writer.writerows(rows)


def summary(path: Path) -> str:
    """The accuracy of the modelled force-years in a few sentences, from ``data/holdout.csv``."""
    found = accuracy(path)
    if found is None:
        return "no held-out force-year had to be guessed"
    force, year, modelled, published = found.worst
    return (
        f"Each of the {found.cases + found.determined} published England and Wales force-years "
        f"was left out of the fit in turn ({found.determined} were still fixed by other "
        f"published figures). In the {found.cases} held-out cases the modelled force-year was "
        f"off by a median of {found.median_error:.0%} (within 25% in {found.within25}); the "
        f"80% interval held the published value in {found.coverage80:.0%} of cases and the 95% "
        f"interval in {found.coverage95:.0%}, with a median 95% interval "
        f"{found.median_width95:.0%} as wide as the value. The largest miss: {force} {year}, "
        f"modelled {modelled} against {published} published. The logical range held it in "
        f"{found.range_held} of {found.cases} (a median of {found.median_range_width:,.0f} "
        f"offences from low to high)."
    )
