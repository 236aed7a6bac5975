"""What a modelled (or partial) count changes in the summary: no interval, the range the
published figures allow instead, and every modelled number blanked in the published-only view."""

from __future__ import annotations

import polars as pl

from tui.data.dataset import Dataset
from tui.data.engine.cells import cells
from tui.data.engine.ranges import (
    BOUND,
    EXACT,
    RANGE_HIGH,
    RANGE_KIND,
    RANGE_LOW,
    Range,
    range_book,
)
from tui.data.engine.registry import Mark
from tui.data.engine.table import CHANGE, CHANGE_SIGNIFICANT, INTERVALS, SHARE, SHARE_RECORDED
from tui.data.schema import FORCE, JURISDICTION, MODELLED, PLACE, YEAR, bound_names
from tui.data.selection import Selection


def no_interval_for(
    frame: pl.DataFrame,
    totals: dict[str, object],
    key: str,
    members: list[str],
    total: bool,
) -> tuple[pl.DataFrame, dict[str, object]]:
    """No chance spread for ``members`` (and the total, when ``total``): a modelled count was not
    recorded (its range says what the published figures allow instead), and a partial sum is not
    the count whose spread an interval would give."""
    present = [c for c in INTERVALS if c in frame.columns]
    frame = frame.with_columns(
        pl.when(pl.col(key).cast(pl.String).is_in(members)).then(None).otherwise(pl.col(c)).alias(c)
        for c in present
    )
    if total:
        totals = {**totals, **dict.fromkeys(c for c in INTERVALS if c in totals)}
    return frame, totals


def modelled_ranges(dataset: Dataset, selection: Selection) -> dict[str | None, Range | None]:
    """What the published figures allow for each member's count and the total (key ``None``), read
    as if every count were modelled (:mod:`.ranges`): scope-year ranges without a breakdown;
    under one (age band, sex, platform) the sum of the cells' ranges, never above what the same
    force-years allow in all (a part is never more than its whole); the total of an unfiltered
    breakdown is the whole, with the whole's range."""
    key, measure = selection.group_by, selection.measure
    kept = cells(dataset, selection).filter(pl.col(measure).is_not_null())
    book = range_book(dataset)
    whole: dict[str | None, Range | None] = {}
    if book is not None:
        by_member = _force_years_of(kept, key)
        whole = {m: book.of(frozenset(c), measure) for m, c in by_member.items()}
        whole[None] = book.of(frozenset().union(*by_member.values()), measure)
    breakdown = key not in PLACE or any(d not in PLACE for d, _ in selection.filters)
    if not breakdown:
        return whole
    low, high = bound_names(measure)
    if low not in dataset.cube.columns:
        return {}
    sums = (pl.col(low).sum(), pl.col(high).sum(), pl.len().alias("_cells"))

    def summed(member: str | None, lo: int, hi: int, parts: int) -> Range:
        cap = whole.get(member)
        if cap is not None and cap.high is not None and cap.high < hi:
            hi = max(cap.high, lo)
        return Range(lo, hi, EXACT if parts == 1 or lo == hi else BOUND)

    per_member = (
        kept.group_by(key).agg(*sums).select(pl.col(key).cast(pl.String), low, high, "_cells")
    )
    found: dict[str | None, Range | None] = {
        member: summed(member, lo, hi, parts)
        for member, lo, hi, parts in per_member.collect().rows()
    }
    if any(d not in PLACE for d, _ in selection.filters) or whole.get(None) is None:
        found[None] = summed(None, *kept.select(*sums).collect().row(0))
    else:  # every member of the breakdown: the same total as without it, with the same range
        found[None] = whole[None]
    return found


def _force_years_of(kept: pl.LazyFrame, key: str) -> dict[str, set[tuple[str, str, str]]]:
    """The (jurisdiction, force, year) cells each member's count is summed over."""
    places = (
        kept.select(
            pl.col(key).cast(pl.String).alias("_member"),
            *(pl.col(c).cast(pl.String) for c in (JURISDICTION, FORCE, YEAR)),
        )
        .unique()
        .collect()
    )
    by_member: dict[str, set[tuple[str, str, str]]] = {}
    for member, *cell in places.rows():
        by_member.setdefault(member, set()).add(tuple(cell))  # type: ignore[arg-type]
    return by_member


def with_ranges(
    dataset: Dataset,
    selection: Selection,
    frame: pl.DataFrame,
    totals: dict[str, float | int | bool | str | None],
    provenance: dict[str, Mark],
    total_provenance: Mark,
) -> tuple[pl.DataFrame, dict]:
    """Every row's range: a published or derived count is fixed (low = high = value); a modelled
    one gets what the published figures allow (:func:`modelled_ranges`), or none."""
    key, measure = selection.group_by, selection.measure
    members = frame[key].cast(pl.String).to_list()
    needed = total_provenance.status == MODELLED or any(
        p.status == MODELLED for p in provenance.values()
    )
    modelled = modelled_ranges(dataset, selection) if needed else {}

    def range_of(member: str | None, status: str, value: object) -> Range | None:
        if value is None:
            return None
        if status != MODELLED:
            return Range(int(value), int(value), EXACT)  # type: ignore[call-overload]
        return modelled.get(member)

    total = range_of(None, total_provenance.status, totals[measure])
    ranges = [
        within(range_of(m, provenance[m].status, v), total)
        for m, v in zip(members, frame[measure], strict=True)
    ]
    frame = frame.with_columns(
        pl.Series(RANGE_LOW, [r.low if r else None for r in ranges], dtype=pl.Int64),
        pl.Series(RANGE_HIGH, [r.high if r else None for r in ranges], dtype=pl.Int64),
        pl.Series(RANGE_KIND, [r.kind if r else None for r in ranges], dtype=pl.String),
    )
    columns = frame.columns
    ordered = [key, measure, RANGE_LOW, RANGE_HIGH, RANGE_KIND]
    frame = frame.select(*ordered, *(c for c in columns if c not in ordered))
    totals = {
        measure: totals[measure],
        RANGE_LOW: total.low if total else None,
        RANGE_HIGH: total.high if total else None,
        RANGE_KIND: total.kind if total else None,
        **{k: v for k, v in totals.items() if k != measure},
    }
    return frame, totals


def within(part: Range | None, whole: Range | None) -> Range | None:
    """A row's range, never above its total's: a part is never more than its whole (the UK's
    published 3,728 in 2017/18 caps each modelled age band; their own ranges allowed 5,888)."""
    if part is None or whole is None or part.high <= whole.high:
        return part
    high = max(whole.high, part.low)
    return Range(part.low, high, EXACT if part.low == high else part.kind)


def blank_modelled(
    frame: pl.DataFrame,
    totals: dict,
    provenance: dict[str, Mark],
    total_provenance: Mark,
    untested: frozenset[str],
    total_untested: bool,
) -> tuple[pl.DataFrame, dict]:
    """Every modelled number blanked: a modelled count and all computed from it (interval,
    range, share, rate), a change that compares a modelled count, shares of a modelled total."""
    key = frame.columns[0]
    member = pl.col(key).cast(pl.String)
    hidden = [m for m, p in provenance.items() if p.status == MODELLED]
    total_hidden = total_provenance.status == MODELLED
    blank_row = member.is_in(hidden)
    shares_blank = total_hidden or bool(hidden)
    columns = [c for c in frame.columns if c != key]

    def blanked(column: str) -> pl.Expr:
        hide = blank_row
        if column in (CHANGE, CHANGE_SIGNIFICANT):
            hide = hide | member.is_in(list(untested))
        elif column == SHARE:
            hide = hide | pl.lit(total_hidden)
        elif column == SHARE_RECORDED:
            hide = hide | pl.lit(shares_blank)
        return pl.when(hide).then(None).otherwise(pl.col(column)).alias(column)

    frame = frame.with_columns(blanked(c) for c in columns)
    if total_hidden:
        totals = dict.fromkeys(totals)
    elif total_untested:
        totals = {**totals, CHANGE: None, CHANGE_SIGNIFICANT: None}
    return frame, totals
