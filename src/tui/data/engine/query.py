"""The one query engine: everything shown or exported is computed here from (Dataset, Selection).

Results are small polars frames, cached per (dataset, selection) so moving back and forth is free.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import polars as pl

from tui.data.dataset import ROWS, DataError, Dataset
from tui.data.engine.cells import CACHE_SIZE, cells, filtered
from tui.data.engine.charts import (
    CHART_ROWS,
    LINE_SERIES,
    REGISTERED_KINDS,
    ChartData,
    crosstab,
    kept_members,
    stack_dimension,
)
from tui.data.engine.coverage import NO_FIGURE, PARTIAL_STATE, states_by_year, unit_grid
from tui.data.engine.provenance import marks_by_year, marks_of, status_of
from tui.data.engine.registry import chart_kind
from tui.data.engine.summarise import summarise
from tui.data.engine.table import (
    Summary,
)
from tui.data.labels import quoted
from tui.data.schema import (
    HOME_OFFICE_CAVEAT,
    HOME_OFFICE_OFFENCE_CODE,
    MARKS,
    OFFENCE,
    OFFENCE_CODE,
    PARTIAL,
    YEAR,
    label,
)
from tui.data.selection import Selection


def matching_rows(dataset: Dataset, selection: Selection) -> pl.DataFrame:
    """All underlying rows the selection keeps, with members for values (for exports)."""
    return published_rows(
        dataset, selection, dataset.present(filtered(dataset, selection).collect())
    )


def published_rows(dataset: Dataset, selection: Selection, rows: pl.DataFrame) -> pl.DataFrame:
    """Rows as the selection shows them: in the published-only view a modelled row's counts are
    blanked (every row of the embedded dataset is a cell of the modelled breakdown; a file's own
    ``provenance`` column says it per row)."""
    book = marks_of(dataset) if selection.published_only else None
    if book is None:
        return rows
    modelled = book.modelled_rows()
    measures = [m for m in dataset.measures if m in rows.columns]
    return rows.with_columns(
        pl.when(modelled).then(None).otherwise(pl.col(m)).alias(m) for m in measures
    )


def validate(dataset: Dataset, selection: Selection) -> None:
    """Raise :class:`DataError` if the selection names a dimension, member or measure not present."""
    if selection.group_by not in dataset.dimensions:
        raise DataError(
            f"no dimension '{selection.group_by}' (known: {', '.join(dataset.dimensions)})"
        )
    if selection.measure not in dataset.measures:
        raise DataError(f"no measure '{selection.measure}' (known: {', '.join(dataset.measures)})")
    for dimension, members in selection.filters:
        if dimension not in dataset.dimensions:
            raise DataError(f"no dimension '{dimension}' (known: {', '.join(dataset.dimensions)})")
        unknown = [m for m in members if m not in dataset.members(dimension)]
        if unknown:
            raise DataError(f"{dimension} has no member {quoted(unknown[0])}")
    if selection.published_only and marks_of(dataset) is None:
        raise DataError(
            f"published only: {dataset.name} does not say which of its numbers are modelled"
        )


@lru_cache(maxsize=CACHE_SIZE)
def summary(dataset: Dataset, selection: Selection) -> Summary:
    """Grouped totals with shares, intervals, like-with-like year-on-year change, rates per
    100,000 residents and per 10,000 children, and what each row holds (:mod:`.summarise`)."""
    validate(dataset, selection)
    return summarise(dataset, selection)


@lru_cache(maxsize=CACHE_SIZE)
def member_counts(dataset: Dataset, selection: Selection, dimension: str) -> dict[str, int | None]:
    """The measure per member of ``dimension`` under every filter except that dimension's own;
    in the published-only view ``None`` where that number is modelled (as the table blanks it)."""
    if selection.published_only and marks_of(dataset) is not None:
        shown = summary(dataset, selection.with_filter(dimension, None).grouped_by(dimension))
        values = dict(
            zip(shown.frame[dimension].cast(pl.String), shown.frame[selection.measure], strict=True)
        )
        return {m: values.get(m, 0) for m in dataset.members(dimension)}
    frame = (
        cells(dataset, selection, skip=frozenset({dimension}))
        .group_by(dimension)
        .agg(pl.col(selection.measure).sum())
        .collect()
    )
    counts = dict(zip(frame[dimension].cast(pl.String), frame[selection.measure], strict=True))
    return {m: int(counts.get(m, 0)) for m in dataset.members(dimension)}


@lru_cache(maxsize=CACHE_SIZE)
def matched(dataset: Dataset, selection: Selection) -> tuple[int, int]:
    """(underlying rows kept, measure total) for the selection."""
    frame = (
        cells(dataset, selection)
        .select(pl.col(ROWS).sum().alias("rows"), pl.col(selection.measure).sum().alias("total"))
        .collect()
    )
    return int(frame["rows"][0]), int(frame["total"][0] or 0)


def rows_page(dataset: Dataset, selection: Selection, offset: int, limit: int) -> pl.DataFrame:
    """One page of the filtered underlying rows (only that page is read into memory)."""
    page = dataset.present(filtered(dataset, selection).slice(offset, limit).collect())
    return published_rows(dataset, selection, page)


@lru_cache(maxsize=CACHE_SIZE)
def chart_data(dataset: Dataset, selection: Selection, kind: str) -> ChartData:
    """Bars by group, a line over years, bars stacked by age band or platform, or a kind a
    feature registered (the funnel plot of force rates, :mod:`tui.data.features.funnel`).

    Bars follow the summary table's rows and order; a kind that cannot be drawn for the
    selection falls back to bars and says why in :attr:`ChartData.note`. A row with no figure is
    no bar of 0 and no point of a line (it is left out, and the note says so); a partial one is
    marked (:attr:`ChartData.partial`).
    """
    key, measure = selection.group_by, selection.measure
    result = summary(dataset, selection)
    table = result.frame
    unknown = table.filter(pl.col(measure).is_null())[key].cast(pl.String).to_list()
    absent = [m for m in unknown if (c := result.coverage_of(m)) and c.expected and not c.present]
    blanked = len(unknown) - len(absent)  # published only: a modelled number is blanked
    table = table.filter(pl.col(measure).is_not_null())
    groups = table[key].cast(pl.String).to_list()
    measured = table[measure]
    measure_name = label(measure)
    # the table's mark: a modelled sum with a gap stays ○ (its gap is named under the table)
    partial = [g for g in groups if result.status_of(g) == PARTIAL]
    notes = [
        f"published only: {blanked} modelled left out" if blanked else "",
        f"no figure, left out: {', '.join(absent)}" if absent else "",
        f"{MARKS[PARTIAL]} partial: {', '.join(partial[:6])}{'…' if len(partial) > 6 else ''}"
        if partial
        else "",
    ]
    note = " · ".join(n for n in notes if n)
    if result.published_only and kind in ("stacked", "line") and (kind == "stacked" or key != YEAR):
        kind, note = "bar", "published only: the breakdown is modelled, showing bars"
    if kind == "line":
        years = kept_members(dataset, selection, YEAR) if YEAR in dataset.dimensions else []
        if len(years) >= 2:
            return _line(dataset, selection, result, years, note, len(groups), bool(blanked))
        note = (
            "A line over years needs two or more years: showing bars"
            if YEAR in dataset.dimensions
            else "This data has no year to draw a line over: showing bars"
        )
    elif kind == "stacked":
        stack = stack_dimension(dataset, selection)
        if stack:
            top = groups[:CHART_ROWS]
            pivot = crosstab(dataset, selection, key, stack, top)
            series = tuple(
                (s, tuple(float(pivot.get((g, s), 0)) for g in top))
                for s in kept_members(dataset, selection, stack)
            )
            title = f"{measure_name} by {label(key).lower()} and {label(stack).lower()}"
            marked = tuple((s, g) for s, _ in series for g in top if g in partial)
            return ChartData(
                "stacked", title, tuple(top), series, len(groups) - len(top), note, marked
            )
        note = "Nothing to stack by (no age band or platform with two members): showing bars"
    elif kind in REGISTERED_KINDS:  # the funnel plot
        registered = chart_kind(kind)
        drawn = registered.build(dataset, selection)
        if drawn is not None:
            return drawn
        note = registered.unavailable
    shown = groups[:CHART_ROWS]
    whiskers = _whiskers(result, shown)
    return ChartData(
        "bar",
        f"{measure_name} by {label(key).lower()}",
        tuple(shown),
        ((measure, tuple(float(v) for v in measured.head(CHART_ROWS))),),
        max(len(groups) - CHART_ROWS, 0),
        note,
        tuple((measure, g) for g in shown if g in partial),
        whiskers,
    )


def _whiskers(result: Summary, members: list[str]) -> tuple[tuple[str, str, float, float], ...]:
    """The 95% interval of each of ``members`` whose count is modelled (and not fixed)."""
    found = []
    for member in members:
        shown = result.interval_of(member)
        if shown is not None and shown.low95 < shown.high95:
            found.append((result.measure, member, float(shown.low95), float(shown.high95)))
    return tuple(found)


def _line(
    dataset: Dataset,
    selection: Selection,
    result: Summary,
    years: list[str],
    note: str,
    rows: int,
    blanked: bool,
) -> ChartData:
    """A line over years: one per group (the table's first :data:`LINE_SERIES`), or the
    selection's own when grouped by year; no point where a year has no figure (the line breaks),
    partial points marked."""
    key, measure = selection.group_by, selection.measure
    measure_name = label(measure)
    if key == YEAR:
        values = dict(zip(result.frame[key].cast(pl.String), result.frame[measure], strict=True))
        if blanked:  # published only: only the published years, joined
            years = [y for y in years if values.get(y) is not None]
        points = tuple(_point(values.get(y)) for y in years)
        marked = tuple((measure, y) for y in years if result.status_of(y) == PARTIAL)
        whiskers = _whiskers(result, years)
        marks = (tuple(status_of(result.provenance_of(y)) for y in years),)
        return ChartData(
            "line",
            f"{measure_name} by year",
            tuple(years),
            ((measure, points),),
            0,
            note,
            marked,
            whiskers,
            marks,
        )
    top = [str(g) for g in result.frame.filter(pl.col(measure).is_not_null())[key]][:LINE_SERIES]
    pivot = crosstab(dataset, selection, key, YEAR, top)
    states = states_by_year(unit_grid(dataset, selection, key, tuple(years)))
    series = tuple(
        (
            g,
            tuple(
                float("nan") if states.get((g, y)) == NO_FIGURE else float(pivot.get((g, y), 0))
                for y in years
            ),
        )
        for g in top
    )
    marked = tuple((g, y) for g in top for y in years if states.get((g, y)) == PARTIAL_STATE)
    marks = tuple(marks_by_year(dataset, selection, g, years) for g in top)
    title = f"{measure_name} by year" + (f" and {label(key).lower()}" if len(top) > 1 else "")
    return ChartData(
        "line", title, tuple(years), series, rows - len(top), note, marked, marks=marks
    )


def _point(value: object) -> float:
    """A point of a line: its value, or ``nan`` where there is no figure (no point, not 0)."""
    return float("nan") if value is None else float(value)  # type: ignore[arg-type]


def counting(dataset: Dataset, selection: Selection) -> str | None:
    """Which offence(s) the selection counts, in words (``None`` without an offence dimension)."""
    if OFFENCE not in dataset.dimensions:
        return None
    offences = (
        cells(dataset, selection, skip=frozenset({OFFENCE}))
        .select(pl.col(OFFENCE).unique().sort())
        .collect()[OFFENCE]
        .cast(pl.String)
        .to_list()
    )
    if not offences:
        return None
    if len(offences) == 1:
        return f"Counting: {offences[0]}"
    return f"Counting {len(offences)} different offences (one per jurisdiction): " + "; ".join(
        offences
    )


def offence_caveat(dataset: Dataset, selection: Selection) -> str | None:
    """What 88A counts, when the selection includes it (shown on screen and in sidecars)."""
    if OFFENCE_CODE not in dataset.dimensions:
        return None
    codes = selection.members(OFFENCE_CODE) or dataset.members(OFFENCE_CODE)
    return HOME_OFFICE_CAVEAT if HOME_OFFICE_OFFENCE_CODE in codes else None


@dataclass(frozen=True)
class Results:
    """Everything the main screen shows for one selection, computed together."""

    selection: Selection
    summary: Summary
    chart: ChartData
    counts: dict[str, int | None]
    """Measure per member of ``counts_dimension`` (for the filter panel)."""
    counts_dimension: str
    rows: int
    total: int


def results(
    dataset: Dataset, selection: Selection, chart_kind: str, counts_dimension: str
) -> Results:
    """Compute the summary, chart, filter counts and matched totals for a selection."""
    rows, total = matched(dataset, selection)
    return Results(
        selection=selection,
        summary=summary(dataset, selection),
        chart=chart_data(dataset, selection, chart_kind),
        counts=member_counts(dataset, selection, counts_dimension),
        counts_dimension=counts_dimension,
        rows=rows,
        total=total,
    )
