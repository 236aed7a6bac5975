"""The one query engine: everything shown or exported is computed here from (Dataset, Selection).

Results are small polars frames, cached per (dataset, selection) so moving back and forth is free.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import polars as pl

from tui.data.dataset import ROWS, DataError, Dataset
from tui.data.engine import stats
from tui.data.engine.cells import CACHE_SIZE, cells, filtered, sum_or_missing
from tui.data.engine.change import change_columns, untested_changes
from tui.data.engine.charts import (
    CHART_ROWS,
    LINE_SERIES,
    REGISTERED_KINDS,
    ChartData,
    crosstab,
    kept_members,
    stack_dimension,
)
from tui.data.engine.modelled import blank_modelled, no_interval_for_modelled, with_ranges
from tui.data.engine.provenance import marks_by_year, marks_of, status_of
from tui.data.engine.rates import population, year_count
from tui.data.engine.registry import MARKED, chart_kind
from tui.data.engine.table import (
    CHANGE,
    CHANGE_SIGNIFICANT,
    HIGH,
    LOW,
    RATE,
    RATE_HIGH,
    RATE_LOW,
    SHARE,
    SHARE_RECORDED,
    Summary,
    sort_summary,
)
from tui.data.schema import (
    HOME_OFFICE_CAVEAT,
    HOME_OFFICE_OFFENCE_CODE,
    NOT_RECORDED,
    OFFENCE,
    OFFENCE_CODE,
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
            raise DataError(f"{dimension} has no member '{unknown[0]}'")
    if selection.published_only and marks_of(dataset) is None:
        raise DataError(
            f"published only: {dataset.name} does not say which of its numbers are modelled"
        )


def _interval(count: int | None) -> tuple[float | None, float | None]:
    return (None, None) if count is None else stats.poisson_interval(int(count))


@lru_cache(maxsize=CACHE_SIZE)
def summary(dataset: Dataset, selection: Selection) -> Summary:
    """Grouped totals with shares, shares where recorded, year-on-year change and rate per 100k."""
    validate(dataset, selection)
    key, measure = selection.group_by, selection.measure
    grouped = cells(dataset, selection).group_by(key).agg(sum_or_missing(measure)).collect()
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
    changes, change_label, total_change, no_data, total_significant = change_columns(
        dataset, selection
    )
    if changes is not None:
        frame = frame.join(changes, on=key, how="left")
    else:
        frame = frame.with_columns(
            pl.lit(None, pl.Float64).alias(CHANGE),
            pl.lit(None, pl.Boolean).alias(CHANGE_SIGNIFICANT),
        )
    if key == YEAR and changes is not None:
        total_change = total_significant = None
    populations, total_population = population(dataset, selection)
    total_years = year_count(dataset, selection)
    years = 1 if key == YEAR else total_years
    if populations is not None:
        frame = frame.join(populations, on=key, how="left")
    elif total_population:
        frame = frame.with_columns(pl.lit(total_population).alias("population"))
    else:
        frame = frame.with_columns(pl.lit(None, pl.Int64).alias("population"))
    per_resident = 100_000 / pl.col("population") / years
    frame = frame.with_columns(
        (pl.col(measure) * per_resident).alias(RATE),
        (pl.col(LOW) * per_resident).alias(RATE_LOW),
        (pl.col(HIGH) * per_resident).alias(RATE_HIGH),
    ).drop("population")
    frame = frame.select(
        key,
        measure,
        LOW,
        HIGH,
        SHARE,
        SHARE_RECORDED,
        CHANGE,
        CHANGE_SIGNIFICANT,
        RATE,
        RATE_LOW,
        RATE_HIGH,
    )
    total_low, total_high = _interval(total)
    scale = 100_000 / total_population / total_years if total_population else None
    totals: dict[str, float | int | bool | None] = {
        measure: total,
        LOW: total_low,
        HIGH: total_high,
        SHARE: 1.0 if total else None,
        SHARE_RECORDED: 1.0 if recorded_total else None,
        CHANGE: total_change,
        CHANGE_SIGNIFICANT: total_significant,
        RATE: total * scale if scale else None,
        RATE_LOW: total_low * scale if scale and total_low is not None else None,
        RATE_HIGH: total_high * scale if scale and total_high is not None else None,
    }
    rate_label = None
    if total_population:
        victims = {key, *dict(selection.filters)} & {"age_band", "sex"}
        rate_label = "per 100,000 residents" + (
            " per year" if total_years > 1 or key == YEAR else ""
        )
        if victims:  # the population is not split by age or sex
            rate_label += " (residents of all ages and sexes, not only children in the group)"
    book = marks_of(dataset)
    provenance = total_provenance = None
    untested: frozenset[str] = frozenset()
    total_untested = False
    if book is not None:
        members = frame[key].cast(pl.String).to_list()
        provenance = {
            member: book.of(selection.with_filter(key, (member,)).filters, measure)
            for member in members
        }
        total_provenance = book.of(selection.filters, measure)
        untested, total_untested = untested_changes(dataset, selection, members, book)
        frame = frame.with_columns(
            pl.when(pl.col(key).cast(pl.String).is_in(list(untested)))
            .then(None)
            .otherwise(pl.col(CHANGE_SIGNIFICANT))
            .alias(CHANGE_SIGNIFICANT)
        )
        if total_untested:
            totals[CHANGE_SIGNIFICANT] = None
        frame, totals = no_interval_for_modelled(frame, totals, key, provenance, total_provenance)
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
        change_label=change_label,
        rate_label=rate_label,
        recorded_total=recorded_total,
        has_not_recorded=has_not_recorded,
        no_data=no_data,
        provenance=provenance,
        total_provenance=total_provenance,
        untested_changes=untested,
        total_change_untested=total_untested,
        published_only=selection.published_only and book is not None,
    )


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
    selection falls back to bars and says why in :attr:`ChartData.note`.
    """
    key, measure = selection.group_by, selection.measure
    result = summary(dataset, selection)
    table = result.frame
    blanked = 0
    if result.published_only:  # a blanked (modelled) number is no bar of 0: it is left out
        blanked = table.filter(pl.col(measure).is_null()).height
        table = table.filter(pl.col(measure).is_not_null())
    groups = table[key].cast(pl.String).to_list()
    measured = table[measure].fill_null(0)
    measure_name = label(measure)
    note = f"published only: {blanked} modelled left out" if blanked else ""
    if result.published_only and kind in ("stacked", "line") and (kind == "stacked" or key != YEAR):
        kind, note = "bar", "published only: the breakdown is modelled, showing bars"
    if kind == "line":
        years = kept_members(dataset, selection, YEAR) if YEAR in dataset.dimensions else []
        if len(years) >= 2:
            if key == YEAR:
                by_year = dict(zip(groups, measured, strict=True))
                if blanked:  # only the published years, joined
                    years = [y for y in years if y in by_year]
                series = ((measure, tuple(float(by_year.get(y, 0)) for y in years)),)
                marks = (tuple(status_of(result.provenance_of(y)) for y in years),)
                shown = len(groups)
            else:
                top = groups[:LINE_SERIES]
                pivot = crosstab(dataset, selection, key, YEAR, top)
                series = tuple((g, tuple(float(pivot.get((g, y), 0)) for y in years)) for g in top)
                marks = tuple(marks_by_year(dataset, selection, g, years) for g in top)
                shown = len(top)
            several = key != YEAR and shown > 1
            title = f"{measure_name} by year" + (f" and {label(key).lower()}" if several else "")
            return ChartData("line", title, tuple(years), series, len(groups) - shown, note, marks)
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
            return ChartData("stacked", title, tuple(top), series, len(groups) - len(top))
        note = "Nothing to stack by (no age band or platform with two members): showing bars"
    elif kind in REGISTERED_KINDS:  # the funnel plot
        registered = chart_kind(kind)
        drawn = registered.build(dataset, selection)
        if drawn is not None:
            return drawn
        note = registered.unavailable
    values = tuple(float(v) for v in measured.head(CHART_ROWS))
    return ChartData(
        "bar",
        f"{measure_name} by {label(key).lower()}",
        tuple(groups[:CHART_ROWS]),
        ((measure, values),),
        max(len(groups) - CHART_ROWS, 0),
        note,
    )


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
