"""Year-on-year change and whether it is more than chance, and which changes go untested
because they compare a modelled count."""

from __future__ import annotations

import polars as pl

from tui.data.dataset import Dataset
from tui.data.engine import stats
from tui.data.engine.cells import cells, selection_keeps, sum_or_missing
from tui.data.engine.registry import Marks
from tui.data.engine.table import CHANGE, CHANGE_SIGNIFICANT
from tui.data.schema import MODELLED, YEAR
from tui.data.selection import Selection


def year_comparison(dataset: Dataset, selection: Selection) -> tuple[str, str] | None:
    """(previous, latest) year the change column compares when not grouping by year."""
    if YEAR not in dataset.dimensions:
        return None
    years = dataset.members(YEAR)
    chosen = selection.members(YEAR) or years
    picked = [y for y in years if y in chosen]
    if not picked:
        return None
    latest = years.index(picked[-1])
    if latest == 0:
        return None
    return years[latest - 1], years[latest]


def change_columns(
    dataset: Dataset, selection: Selection
) -> tuple[pl.DataFrame | None, str | None, float | None, frozenset[str], bool | None]:
    """Year-on-year change per group and overall (and whether each is more than chance, see
    :func:`stats.change_significant`); the year filter is widened to the prior year.

    A member without a value in one of the compared years (no rows, or only missing cells) has
    no change and is listed as *no data*; an explicit zero is a value.
    """
    if YEAR not in dataset.dimensions:
        return None, None, None, frozenset(), None
    key, measure = selection.group_by, selection.measure
    without_year = cells(dataset, selection, skip=frozenset({YEAR}))
    if key == YEAR:
        by_year = (
            without_year.group_by(YEAR)
            .agg(sum_or_missing(measure), pl.col(measure).is_null().any().alias("_gaps"))
            .collect()
            .sort(YEAR)
        )
        years = dataset.members(YEAR)
        present = {  # a year with missing (suppressed, blank) cells has an incomplete total
            y: v
            for y, v, gaps in by_year.select(pl.col(YEAR).cast(pl.String), measure, "_gaps").rows()
            if v is not None and not gaps
        }
        changes, significant = [], []
        for year in years:
            index = years.index(year)
            previous = present.get(years[index - 1]) if index else None
            current = present.get(year)
            changes.append(ratio_change(current, previous))
            significant.append(more_than_chance(current, previous))
        frame = pl.DataFrame(
            {
                YEAR: pl.Series(years, dtype=dataset.dtype(YEAR)),
                CHANGE: changes,
                CHANGE_SIGNIFICANT: significant,
            },
            schema_overrides={CHANGE: pl.Float64, CHANGE_SIGNIFICANT: pl.Boolean},
        )
        no_data = frozenset(
            str(y)
            for i, y in enumerate(years)
            if i
            and (y not in present or years[i - 1] not in present)
            and selection_keeps(selection, YEAR, y)
        )
        return frame, "vs previous year", None, no_data, None
    compared = year_comparison(dataset, selection)
    if compared is None:
        return None, None, None, frozenset(), None
    previous, latest = compared
    window = without_year.filter(pl.col(YEAR).is_in([previous, latest]))
    sums = [
        pl.col(measure).filter(pl.col(YEAR) == latest).sum().alias("latest"),
        pl.col(measure).filter(pl.col(YEAR) == previous).sum().alias("previous"),
        pl.col(measure).filter(pl.col(YEAR) == latest).count().alias("latest_n"),
        pl.col(measure).filter(pl.col(YEAR) == previous).count().alias("previous_n"),
        pl.col(measure).is_null().any().alias("gaps"),
    ]
    members = cells(dataset, selection).select(key).unique().collect()
    per_group = members.join(window.group_by(key).agg(sums).collect(), on=key, how="left")
    overall = window.select(sums).collect()
    missing = (
        (pl.col("latest_n").fill_null(0) == 0)
        | (pl.col("previous_n").fill_null(0) == 0)
        | pl.col("gaps").fill_null(False)  # a suppressed cell leaves a year's sum incomplete
    )
    frame = per_group.select(
        key,
        pl.when(~missing & (pl.col("previous") > 0))
        .then(pl.col("latest") / pl.col("previous") - 1)
        .otherwise(None)
        .alias(CHANGE),
        missing.alias("_no_data"),
    )
    frame = frame.with_columns(
        pl.Series(
            CHANGE_SIGNIFICANT,
            [
                None if absent else more_than_chance(current, before)
                for current, before, absent in zip(
                    per_group["latest"], per_group["previous"], frame["_no_data"], strict=True
                )
            ],
            dtype=pl.Boolean,
        )
    )
    no_data = frozenset(str(m) for m in frame.filter("_no_data")[key].to_list())
    total_change = total_significant = None
    if overall["latest_n"][0] and overall["previous_n"][0] and not no_data:
        total_change = ratio_change(overall["latest"][0], overall["previous"][0])
        total_significant = more_than_chance(overall["latest"][0], overall["previous"][0])
    return (
        frame.drop("_no_data"),
        f"{latest} vs {previous}",
        total_change,
        no_data,
        total_significant,
    )


def ratio_change(current: int | None, previous: int | None) -> float | None:
    if current is None or not previous:
        return None
    return current / previous - 1


def more_than_chance(current: int | None, previous: int | None) -> bool | None:
    """Whether a change is more than chance; ``None`` where no change is shown."""
    if current is None or not previous:
        return None
    return stats.change_significant(current, previous)


def untested_changes(
    dataset: Dataset, selection: Selection, members: list[str], book: Marks
) -> tuple[frozenset[str], bool]:
    """The members (and whether the total) whose change compares a modelled count: a model's
    guess is no measurement, so such a change gets no significance test."""
    if YEAR not in dataset.dimensions:
        return frozenset(), False
    key, measure = selection.group_by, selection.measure
    base = selection.with_filter(YEAR, None)

    def modelled(chosen: Selection, year: str) -> bool:
        return book.of(chosen.with_filter(YEAR, (year,)).filters, measure).status == MODELLED

    if key == YEAR:
        years = dataset.members(YEAR)
        status = {year: modelled(base, year) for year in years}
        return frozenset(
            y for i, y in enumerate(years) if i and (status[y] or status[years[i - 1]])
        ), False
    compared = year_comparison(dataset, selection)
    if compared is None:
        return frozenset(), False
    untested = frozenset(
        m for m in members if any(modelled(base.with_filter(key, (m,)), y) for y in compared)
    )
    return untested, any(modelled(base, y) for y in compared)
