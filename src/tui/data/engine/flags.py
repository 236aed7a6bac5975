"""Figures kept as published but flagged as doubtful: the value and its mark stay, a flag says why,
and no change across a flagged figure claims significance.

Two rules: the table ``data/figure_flags.csv`` (force, year, measure, value, flag, reason,
source_url: a published figure its source notes as anomalous, or that conflicts with a published
sum), applied to the embedded dataset where its value is the one flagged; and, for any data with
forces and years, a force-year over :data:`FOLD`-fold against both neighbouring years with a figure
(the larger of each pair at least :data:`AT_LEAST`, so that 1 beside 6 is not called doubtful).
"""

from __future__ import annotations

import csv
from functools import lru_cache

import polars as pl

from tui.data.dataset import Dataset
from tui.data.engine.registry import MARKED
from tui.data.loading.paths import repo_data_dir
from tui.data.schema import FORCE, YEAR

FLAGS_FILE = "figure_flags.csv"
FOLD = 5
"""A force-year this many times above (or below) both its neighbouring years is flagged."""
AT_LEAST = 20
"""The larger count of each pair must be at least this: small counts jump by chance."""
FlaggedYears = dict[tuple[str, str], str]
"""(force, year) -> the flag's text."""


def _as_found(dataset: Dataset) -> str:
    return "as published" if dataset.metadata.get(MARKED) == "figures" else "as in the data"


@lru_cache(maxsize=16)
def flagged_force_years(dataset: Dataset, measure: str) -> FlaggedYears:
    """The flagged force-years of ``dataset`` for ``measure``, with the text of each flag."""
    if FORCE not in dataset.dimensions or YEAR not in dataset.dimensions:
        return {}
    values = (
        dataset.cube.lazy()
        .filter(pl.col(measure).is_not_null())
        .group_by(pl.col(FORCE).cast(pl.String), pl.col(YEAR))
        .agg(pl.col(measure).sum())
        .sort(FORCE, YEAR)
        .collect()
    )
    counts = {(f, str(y)): int(v) for f, y, v in values.iter_rows()}
    flagged: FlaggedYears = {}
    if dataset.metadata.get(MARKED) == "figures":
        for row in flag_table():
            key = (row["force"], row["year"])
            if row["measure"] == measure and counts.get(key) == int(row["value"]):
                flagged[key] = row["flag"]
    years = dataset.members(YEAR)
    by_force: dict[str, list[tuple[str, int]]] = {}
    for (force, year), value in sorted(
        counts.items(), key=lambda i: (i[0][0], years.index(i[0][1]))
    ):
        by_force.setdefault(force, []).append((year, value))
    jump = f"{_as_found(dataset)}; over {FOLD}-fold against both neighbouring years"
    for force, series in by_force.items():
        for (_, before), (year, value), (_, after) in zip(
            series, series[1:], series[2:], strict=False
        ):
            same_way = (value > before) == (value > after)
            if same_way and _jumps(value, before) and _jumps(value, after):
                flagged.setdefault((force, year), jump)
    return flagged


def _jumps(value: int, neighbour: int) -> bool:
    """Whether ``value`` is over :data:`FOLD` times ``neighbour`` or under a :data:`FOLD`th."""
    high, low = max(value, neighbour), min(value, neighbour)
    return high >= AT_LEAST and high > FOLD * max(low, 0.5)


@lru_cache(maxsize=1)
def flag_table() -> tuple[dict[str, str], ...]:
    """The rows of ``data/figure_flags.csv`` (none when the file is absent)."""
    path = repo_data_dir() / FLAGS_FILE
    if not path.is_file():
        return ()
    with path.open(encoding="utf-8", newline="") as handle:
        return tuple(csv.DictReader(handle))


def flag_reasons() -> dict[tuple[str, str], str]:
    """(force, year) -> the reason the table gives for its flag (for the status line)."""
    return {(row["force"], row["year"]): row["reason"] for row in flag_table()}
