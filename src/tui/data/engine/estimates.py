"""How sure a modelled number in the summary is: its 80% and 95% intervals, and the 95% interval
of a change that compares a modelled count, all read from the builder's reconciled draws
(:mod:`tui.data.engine.intervals`).

* A row whose count is modelled (a modelled sum with a force-year missing stays modelled) gets
  ``interval_low/high`` (95%) and ``interval80_low/high``: the central 95% and 80% of the draws of its
  sum, never outside what the published figures allow. A published, derived or partial count of
  published figures gets none (it is not an estimate); a dataset without draws (a user's file)
  has no such columns, and :func:`no_interval_note` says so.
* A change that compares a modelled count gets ``change95_low/high``: the change computed draw by
  draw (the latest year's sum in draw *d* over the previous year's in draw *d*), its central 95%.
  It is never a significance test: a change whose interval excludes 0 reads *likely up* (or
  *likely down*), and ``change_significant`` stays empty.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from tui.data.dataset import Dataset
from tui.data.engine.intervals import MEASURE_COLUMN, draws_of, intervals
from tui.data.engine.ranges import RANGE_KIND
from tui.data.engine.registry import Mark
from tui.data.engine.table import (
    CHANGE,
    CHANGE95_HIGH,
    CHANGE95_LOW,
    MODEL_INTERVALS,
)
from tui.data.schema import MODELLED, YEAR
from tui.data.selection import Selection

CHANGE_LEVEL = 0.95
"""The level of a modelled change's interval (read draw by draw)."""


def no_interval_note(dataset: Dataset, modelled_rows: int) -> str:
    """Why a modelled count shows no interval: the file carries no model draws."""
    if not modelled_rows or draws_of(dataset) is not None:
        return ""
    return f"○ modelled: no interval ({dataset.name} carries no model draws to read one from)"


def with_intervals(
    dataset: Dataset,
    selection: Selection,
    frame: pl.DataFrame,
    totals: dict,
    provenance: dict[str, Mark],
    total_provenance: Mark,
) -> tuple[pl.DataFrame, dict]:
    """The four interval columns after the range's, filled for modelled rows (and the total when
    it is modelled); unchanged for a dataset without draws."""
    drawn = intervals(dataset, selection)
    if drawn is None:
        return frame, totals
    key, measure = selection.group_by, selection.measure

    def ends(member: str | None, status: str, value: object) -> tuple[int | None, ...]:
        found = drawn.get(member)
        if status != MODELLED or value is None or found is None:
            return (None,) * 4
        return (found.low95, found.high95, found.low80, found.high80)  # MODEL_INTERVALS' order

    members = frame[key].cast(pl.String).to_list()
    rows = [ends(m, provenance[m].status, v) for m, v in zip(members, frame[measure], strict=True)]
    frame = frame.with_columns(
        pl.Series(column, [r[i] for r in rows], dtype=pl.Int64)
        for i, column in enumerate(MODEL_INTERVALS)
    )
    columns = frame.columns
    after = columns.index(RANGE_KIND) + 1 if RANGE_KIND in columns else 2
    first = [c for c in columns[:after] if c not in MODEL_INTERVALS]
    frame = frame.select(
        *first, *MODEL_INTERVALS, *(c for c in columns if c not in {*first, *MODEL_INTERVALS})
    )
    total = ends(None, total_provenance.status, totals.get(measure))
    keys = list(totals)
    at = keys.index(RANGE_KIND) + 1 if RANGE_KIND in keys else 1
    ordered = [*keys[:at], *MODEL_INTERVALS, *keys[at:]]
    values = {**totals, **dict(zip(MODEL_INTERVALS, total, strict=True))}
    return frame, {k: values[k] for k in ordered}


def with_change_intervals(
    dataset: Dataset,
    selection: Selection,
    frame: pl.DataFrame,
    totals: dict,
    pairs: dict[str | None, tuple[str, str]],
) -> tuple[pl.DataFrame, dict]:
    """``change95_low/high`` after ``change``, for the changes of ``pairs`` (member -> the
    (previous, latest) years compared; ``None``: the total); empty for every other change."""
    found = change_intervals(dataset, selection, pairs)
    if draws_of(dataset) is None:
        return frame, totals
    key = selection.group_by
    members = frame[key].cast(pl.String).to_list()
    low = [found.get(m, (None, None))[0] for m in members]
    high = [found.get(m, (None, None))[1] for m in members]
    frame = frame.with_columns(
        pl.Series(CHANGE95_LOW, low, dtype=pl.Float64),
        pl.Series(CHANGE95_HIGH, high, dtype=pl.Float64),
    )
    columns = [c for c in frame.columns if c not in (CHANGE95_LOW, CHANGE95_HIGH)]
    at = columns.index(CHANGE) + 1
    frame = frame.select(*columns[:at], CHANGE95_LOW, CHANGE95_HIGH, *columns[at:])
    keys = [k for k in totals if k not in (CHANGE95_LOW, CHANGE95_HIGH)]
    at = keys.index(CHANGE) + 1 if CHANGE in keys else len(keys)
    total_low, total_high = found.get(None, (None, None))
    values = {**totals, CHANGE95_LOW: total_low, CHANGE95_HIGH: total_high}
    ordered = [*keys[:at], CHANGE95_LOW, CHANGE95_HIGH, *keys[at:]]
    return frame, {k: values[k] for k in ordered}


def change_intervals(
    dataset: Dataset, selection: Selection, pairs: dict[str | None, tuple[str, str]]
) -> dict[str | None, tuple[float, float]]:
    """The 95% interval of each change of ``pairs``, read draw by draw; none for a member with a
    draw in which its previous count is 0."""
    stored = draws_of(dataset)
    if stored is None or not pairs or YEAR not in stored.keys.columns:
        return {}
    group = selection.group_by
    predicate = pl.col(MEASURE_COLUMN) == selection.measure
    for dimension, members in selection.filters:
        if dimension in stored.keys.columns and dimension != YEAR:
            predicate = predicate & pl.col(dimension).cast(pl.String).is_in(list(members))
    chosen = stored.keys.with_row_index("_row").filter(predicate)
    values = stored.values[chosen["_row"].to_numpy()]
    by_year = _sums_by(chosen, values, [YEAR])
    by_member = _sums_by(chosen, values, [group, YEAR]) if group != YEAR else {}
    members, olds, news = [], [], []
    for member, (previous, latest) in pairs.items():
        if member is None or group == YEAR:
            old, new = by_year.get((previous,)), by_year.get((latest,))
        else:
            old, new = by_member.get((member, previous)), by_member.get((member, latest))
        if old is None or new is None or (old <= 0).any():
            continue
        members.append(member)
        olds.append(old)
        news.append(new)
    if not members:
        return {}
    ratios = np.stack(news) / np.stack(olds) - 1
    tail = (1 - CHANGE_LEVEL) / 2
    lows, highs = np.quantile(ratios, [tail, 1 - tail], axis=1)
    return {m: (float(lo), float(hi)) for m, lo, hi in zip(members, lows, highs, strict=True)}


def _sums_by(
    chosen: pl.DataFrame, values: np.ndarray, columns: list[str]
) -> dict[tuple, np.ndarray]:
    """The draws of each group's sum (a group: one combination of ``columns``' members)."""
    if not chosen.height or any(c not in chosen.columns for c in columns):
        return {}
    keys = chosen.select(
        pl.concat_str([pl.col(c).cast(pl.String) for c in columns], separator="\x1f")
    )
    names, inverse = np.unique(keys.to_series().to_numpy(), return_inverse=True)
    order = np.argsort(inverse, kind="stable")
    starts = np.flatnonzero(np.r_[True, np.diff(inverse[order]) != 0])
    sums = np.add.reduceat(values[order], starts, axis=0)
    return {tuple(str(n).split("\x1f")): sums[i] for i, n in enumerate(names)}
