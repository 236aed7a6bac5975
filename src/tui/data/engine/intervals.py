"""How sure is a modelled count? Its 80% and 95% intervals, from the builder's reconciled draws.

The builder (:mod:`tui.data.build.draws`) stores, beside the embedded dataset, ``draws.parquet``: per
cell of ``offences.csv`` (its dimension columns) and per measure, :data:`DRAWS_COLUMN`, the
cell's value in each of a few hundred draws of the model, every draw meeting every published
figure (so a published or derived total is the same in every draw). The draws are joint: draw
*d* of two cells come from one reconciled dataset, so the interval of any sum (a region over
years, an age band of one force) is read from the draws of the sum, never by adding intervals.

:func:`intervals` gives, for a selection, the intervals of each member of its grouped dimension
and of its total, clipped to what the published figures allow (:mod:`tui.data.engine.ranges`, a hard
limit). A dataset without draws (a user's file) gets ``None``. Pure: no Textual, no builder.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import polars as pl

from tui.data.dataset import Dataset
from tui.data.engine.ranges import range_book
from tui.data.loading.paths import repo_data_dir
from tui.data.schema import FORCE, JURISDICTION, YEAR
from tui.data.selection import Selection

DRAWS_FILE = "draws.parquet"
MEASURE_COLUMN, DRAWS_COLUMN = "measure", "draws"
LEVELS = (0.8, 0.95)
TOTAL = None
"""The key of the selection's total in :func:`intervals`' answer."""


def quantile_interval(values: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """The central ``level`` interval of draws along the last axis: the draws at the
    (1 - level) / 2 and (1 + level) / 2 quantiles, whole numbers (inverted empirical CDF)."""
    tail = (1 - level) / 2
    low = np.quantile(values, tail, axis=-1, method="inverted_cdf")
    high = np.quantile(values, 1 - tail, axis=-1, method="inverted_cdf")
    return low, high


@dataclass(frozen=True)
class Interval:
    """A modelled count's 80% and 95% intervals (whole numbers); low = high where the
    published figures fix the count."""

    low80: int
    high80: int
    low95: int
    high95: int


@dataclass(frozen=True)
class Draws:
    """The draws of one dataset: cell keys (as the cube's members) and a (cells, draws) matrix."""

    keys: pl.DataFrame
    values: np.ndarray


@lru_cache(maxsize=4)
def draws_of(dataset: Dataset) -> Draws | None:
    """The reconciled draws stored beside a dataset built from the published figures, or
    ``None`` (any other file, or none written)."""
    if dataset.metadata.get("provenance") != "figures":
        return None
    folder = dataset.path.parent if dataset.path else repo_data_dir()
    path = folder / DRAWS_FILE
    if not path.is_file():
        return None
    table = pl.read_parquet(path)
    dimensions = [d for d in dataset.dimensions if d in table.columns]
    keys = table.select(
        *(pl.col(d).cast(pl.String).cast(dataset.dtype(d)) for d in dimensions),
        pl.col(MEASURE_COLUMN),
    )
    width = table.schema[DRAWS_COLUMN].size  # type: ignore[union-attr]
    values = table[DRAWS_COLUMN].to_numpy().reshape(table.height, width).astype(np.int32)
    extra = [d for d in dataset.dimensions if d not in table.columns]
    if extra:  # derived dimensions (region, nation) come from the cube, joined on the force
        lookup = (
            dataset.cube.select(FORCE, *extra).unique(subset=[FORCE])
            if FORCE in keys.columns
            else None
        )
        if lookup is None:
            return None
        keys = keys.join(lookup, on=FORCE, how="left", maintain_order="left")
    return Draws(keys, values)


def intervals(dataset: Dataset, selection: Selection) -> dict[str | None, Interval] | None:
    """Per member of ``selection.group_by`` that has cells, and for the total (key ``None``),
    the 80% and 95% intervals of the modelled count of ``selection.measure``. ``None`` for a
    dataset without draws."""
    stored = draws_of(dataset)
    if stored is None or selection.measure not in dataset.measures:
        return None
    keys = stored.keys
    predicate = pl.col(MEASURE_COLUMN) == selection.measure
    for dimension, members in selection.filters:
        if dimension in keys.columns:
            predicate = predicate & pl.col(dimension).cast(pl.String).is_in(list(members))
    chosen = keys.with_row_index("_row").filter(predicate)
    rows = chosen["_row"].to_numpy()
    values = stored.values[rows]
    answer: dict[str | None, Interval] = {}
    group = selection.group_by
    bounds = _ranges(dataset, selection, chosen)
    if group in chosen.columns and rows.size:
        codes = chosen[group].to_physical().to_numpy()
        order = np.argsort(codes, kind="stable")
        sorted_codes = codes[order]
        starts = np.flatnonzero(np.r_[True, sorted_codes[1:] != sorted_codes[:-1]])
        sums = np.add.reduceat(values[order], starts, axis=0)
        names = dataset.dtype(group).categories.to_list()
        members = [names[c] for c in sorted_codes[starts]]
        answer.update(_read(members, sums, bounds))
    total = values.sum(axis=0, keepdims=True)
    answer.update(_read([TOTAL], total, bounds))
    return answer


def _read(
    members: list, sums: np.ndarray, bounds: dict[str | None, tuple[int, int]]
) -> dict[str | None, Interval]:
    low80, high80 = quantile_interval(sums, LEVELS[0])
    low95, high95 = quantile_interval(sums, LEVELS[1])
    found = {}
    for i, member in enumerate(members):
        lo, hi = bounds.get(member, (0, None))
        ends = [int(v) for v in (low80[i], high80[i], low95[i], high95[i])]
        clipped = [max(v, lo) if hi is None else min(max(v, lo), hi) for v in ends]
        found[member] = Interval(*clipped)
    return found


def _ranges(
    dataset: Dataset, selection: Selection, chosen: pl.DataFrame
) -> dict[str | None, tuple[int, int]]:
    """The range the published figures allow for each member's count and the total, where the
    selection is a sum of whole force-years (the hard limit an interval is clipped to)."""
    book = range_book(dataset)
    if book is None or not {JURISDICTION, FORCE, YEAR} <= set(chosen.columns):
        return {}
    split = [
        d
        for d, _ in selection.filters
        if d not in {JURISDICTION, FORCE, YEAR, "region", "nation", "offence"}
    ]
    if split or selection.group_by not in {
        JURISDICTION,
        FORCE,
        YEAR,
        "region",
        "nation",
        "offence",
    }:
        return {}
    places = chosen.select(
        pl.col(JURISDICTION).cast(pl.String),
        pl.col(FORCE).cast(pl.String),
        pl.col(YEAR).cast(pl.String),
        pl.col(selection.group_by).cast(pl.String).alias("_member"),
    ).unique()
    found: dict[str | None, tuple[int, int]] = {}
    groups: dict[str | None, set] = {TOTAL: set()}
    for jurisdiction, force, year, member in places.iter_rows():
        groups.setdefault(member, set()).add((jurisdiction, force, year))
        groups[TOTAL].add((jurisdiction, force, year))
    for member, cells in groups.items():
        found_range = book.of(frozenset(cells), selection.measure)
        if found_range is not None:
            found[member] = (found_range.low, found_range.high)
    return found
