"""The summary table of a selection, put together: counts, shares, intervals, like-with-like
changes, the two rates, coverage, flags, marks and ranges (:func:`tui.data.engine.query.summary`
caches it; every view, command and export reads it from there)."""

from __future__ import annotations

import polars as pl

from tui.data.dataset import Dataset
from tui.data.engine import stats
from tui.data.engine.cells import cells, sum_or_missing
from tui.data.engine.change import Compared, change_columns, untested_changes
from tui.data.engine.coverage import reason_for
from tui.data.engine.holdings import Holdings, holding_columns, holdings
from tui.data.engine.modelled import blank_modelled, no_interval_for, with_ranges
from tui.data.engine.provenance import marks_of
from tui.data.engine.registry import MARKED
from tui.data.engine.table import (
    CHANGE,
    CHANGE_SIGNIFICANT,
    COVERAGE,
    FLAG,
    FLAG_MARK,
    HIGH,
    LOW,
    MISSING,
    RATE,
    RATE_CHILDREN,
    RATE_CHILDREN_HIGH,
    RATE_CHILDREN_LOW,
    RATE_HIGH,
    RATE_LOW,
    SHARE,
    SHARE_RECORDED,
    Summary,
    sort_summary,
)
from tui.data.schema import MARKS, MODELLED, NOT_RECORDED, PARTIAL, YEAR
from tui.data.selection import Selection

COLUMNS = (
    LOW,
    HIGH,
    SHARE,
    SHARE_RECORDED,
    CHANGE,
    CHANGE_SIGNIFICANT,
    RATE,
    RATE_LOW,
    RATE_HIGH,
    RATE_CHILDREN,
    RATE_CHILDREN_LOW,
    RATE_CHILDREN_HIGH,
    MISSING,
    COVERAGE,
    FLAG,
)
"""The summary's columns after the grouped dimension and the measure, in order."""


def _interval(count: int | None) -> tuple[float | None, float | None]:
    return (None, None) if count is None else stats.poisson_interval(int(count))


def _with_absent(dataset: Dataset, key: str, measure: str, grouped: pl.DataFrame, held: Holdings):
    """A member the selection expects with no figure at all (Hampshire in 2021/22) is a row with
    no number: missing, not left out and never zero."""
    shown = set(grouped[key].cast(pl.String).to_list())
    absent = [m for m in held.absent() if m not in shown and m in dataset.members(key)]
    if not absent:
        return grouped
    rows = pl.DataFrame(
        {
            key: pl.Series(absent, dtype=pl.String).cast(dataset.dtype(key)),
            measure: [None] * len(absent),
        },
        schema_overrides={measure: grouped.schema[measure]},
    )
    return pl.concat([grouped, rows])


def _change_mark(modelled: bool, partial: bool, compared: Compared) -> str:
    """Why a change is not tested, as the mark in front of it: ○ it compares a modelled count,
    ◔ a partial row or fewer forces than the row holds, ! a flagged figure; empty when tested."""
    if modelled:
        return MARKS[MODELLED]
    if partial or compared.subset:
        return MARKS[PARTIAL]
    return FLAG_MARK if compared.doubtful else ""


def summarise(dataset: Dataset, selection: Selection) -> Summary:
    """Grouped totals with shares, intervals, like-with-like change, rates and what each holds."""
    key, measure = selection.group_by, selection.measure
    held = holdings(dataset, selection)
    grouped = cells(dataset, selection).group_by(key).agg(sum_or_missing(measure)).collect()
    grouped = _with_absent(dataset, key, measure, grouped, held)
    total = int(grouped[measure].sum())
    recorded_total = int(grouped.filter(pl.col(key) != NOT_RECORDED)[measure].sum())
    has_not_recorded = bool((grouped[key] == NOT_RECORDED).any())
    frame = grouped.with_columns(
        (pl.col(measure) / total if total else pl.lit(None, pl.Float64)).alias(SHARE),
        pl.when((pl.col(key) != NOT_RECORDED) & pl.lit(recorded_total > 0))
        .then(pl.col(measure) / max(recorded_total, 1))
        .otherwise(None)
        .alias(SHARE_RECORDED),
    )
    bounds = [_interval(v) for v in frame[measure]]
    frame = frame.with_columns(
        pl.Series(LOW, [b[0] for b in bounds], dtype=pl.Float64),
        pl.Series(HIGH, [b[1] for b in bounds], dtype=pl.Float64),
    )
    changes = change_columns(dataset, selection, held.flagged, held.grid)
    if changes.frame is not None:
        frame = frame.join(changes.frame, on=key, how="left")
    else:
        frame = frame.with_columns(
            pl.lit(None, pl.Float64).alias(CHANGE),
            pl.lit(None, pl.Boolean).alias(CHANGE_SIGNIFICANT),
        )
    frame, held_totals = holding_columns(frame, key, held)
    frame = frame.select(key, measure, *COLUMNS)
    total_low, total_high = _interval(total)
    totals: dict[str, float | int | bool | str | None] = {
        measure: total,
        LOW: total_low,
        HIGH: total_high,
        SHARE: 1.0 if total else None,
        SHARE_RECORDED: 1.0 if recorded_total else None,
        CHANGE: None if key == YEAR else changes.total.change,
        CHANGE_SIGNIFICANT: None if key == YEAR else changes.total.significant,
        **held_totals,
    }
    members = frame[key].cast(pl.String).to_list()
    partial = [m for m in members if held.partial(m)]
    untested = changes.untested | frozenset(partial)
    total_untested = key != YEAR and (changes.total.untested or held.partial(None))
    book = marks_of(dataset)
    provenance = total_provenance = None
    modelled_changes: frozenset[str | None] = frozenset()
    if book is not None:
        provenance = {
            member: book.of(selection.with_filter(key, (member,)).filters, measure)
            for member in members
        }
        total_provenance = book.of(selection.filters, measure)
        modelled, total_modelled = untested_changes(dataset, selection, members, book)
        untested |= modelled
        total_untested = total_untested or total_modelled
        modelled_changes = modelled | ({None} if total_modelled else set())
    frame = frame.with_columns(
        pl.when(pl.col(key).cast(pl.String).is_in(list(untested)))
        .then(None)
        .otherwise(pl.col(CHANGE_SIGNIFICANT))
        .alias(CHANGE_SIGNIFICANT)
    )
    if total_untested:
        totals[CHANGE_SIGNIFICANT] = None
    unsure = [*partial, *(m for m, p in (provenance or {}).items() if p.status == MODELLED)]
    total_unsure = held.partial(None) or (
        total_provenance is not None and total_provenance.status == MODELLED
    )
    frame, totals = no_interval_for(frame, totals, key, unsure, total_unsure)
    change_marks = {
        member: _change_mark(member in modelled_changes, held.partial(member), compared)
        for member, compared in [*changes.by_member.items(), (None, changes.total)]
        if member is None or member in members
    }
    if book is not None and provenance is not None and total_provenance is not None:
        if dataset.metadata.get(MARKED) == "figures":  # ranges come with that dataset only
            frame, totals = with_ranges(
                dataset, selection, frame, totals, provenance, total_provenance
            )
        if selection.published_only:
            frame, totals = blank_modelled(
                frame, totals, provenance, total_provenance, untested, total_untested
            )
    return Summary(
        frame=sort_summary(frame, selection),
        totals=totals,
        change_label=changes.label,
        rate_label=held.rate_label,
        recorded_total=recorded_total,
        has_not_recorded=has_not_recorded,
        no_data=changes.no_data,
        provenance=provenance,
        total_provenance=total_provenance,
        untested_changes=untested,
        total_change_untested=total_untested,
        published_only=selection.published_only and book is not None,
        rate_children_label=held.rate_children_label,
        rate_note=held.rate_note,
        rates=held.rates,
        coverage=held.coverage,
        flags=held.flags,
        change_basis=changes.basis,
        change_over=changes.over,
        change_marks={m: c for m, c in change_marks.items() if c},
        missing_reason=reason_for(held.coverage[None], dataset.metadata.get(MARKED) == "figures"),
    )
