"""The one query engine: everything shown or exported is computed here from (Dataset, Selection).

Results are small polars frames, cached per (dataset, selection) so moving back and forth is free.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import polars as pl

from tui.data import stats
from tui.data.charts import ChartData
from tui.data.dataset import ROWS, DataError, Dataset
from tui.data.ranges import (
    BOUND,
    EXACT,
    RANGE_HIGH,
    RANGE_KIND,
    RANGE_LOW,
    Range,
    bound_names,
    range_book,
)
from tui.data.registry import MARKED, Mark, Marks, chart_kind, marks_of
from tui.data.schema import (
    FORCE,
    HOME_OFFICE_CAVEAT,
    HOME_OFFICE_OFFENCE_CODE,
    JURISDICTION,
    JURISDICTION_KEYS,
    MODELLED,
    NOT_RECORDED,
    NOT_SPLIT,
    OFFENCE,
    PLACE,
    YEAR,
    drill_order,
    label,
)
from tui.data.selection import Selection

SHARE = "share"
SHARE_RECORDED = "share_recorded"
CHANGE = "change"
RATE = "rate_per_100k"
LOW = "low"
HIGH = "high"
RATE_LOW = "rate_low"
RATE_HIGH = "rate_high"
CHANGE_SIGNIFICANT = "change_significant"

NATURALLY_ORDERED = frozenset(
    {"year", "age_band", "sex", "platform", "financial_quarter", "jurisdiction"}
)
"""Dimensions whose summary reads best in their own order rather than largest first."""
GEOGRAPHY = ("nation", "region", "force")
PLACES = (JURISDICTION, *GEOGRAPHY)
"""Dimensions each force belongs to one member of: a rate per member divides by its own forces."""
RESIDENTS_OF = "residents_of"
OFFENCE_CODE = "offence_code"
CACHE_SIZE = 256


def filter_expression(selection: Selection, skip: frozenset[str] = frozenset()) -> pl.Expr:
    """The polars predicate of the selection's filters, leaving out dimensions in ``skip``."""
    predicates = [pl.col(d).is_in(list(m)) for d, m in selection.filters if d not in skip]
    return pl.all_horizontal(predicates) if predicates else pl.lit(True)


def filtered(dataset: Dataset, selection: Selection) -> pl.LazyFrame:
    """The underlying rows the selection keeps, lazy and as the file spells them."""
    counted = counted_by(dataset, selection.measure)
    return dataset.rows.lazy().filter(dataset.row_predicate(selection.filters) & counted)


def counted_by(dataset: Dataset, measure: str) -> pl.Expr:
    """Rows or cells that belong to ``measure``: those of another measure (platform instances
    have no offences, offences no instances) are left out, so they never count as zeros; a row
    with no value at all (a suppressed or missing cell) stays, to be reported as *no data*."""
    others = [pl.col(m).is_null() for m in dataset.measures if m != measure]
    if not others:
        return pl.lit(True)
    return pl.col(measure).is_not_null() | pl.all_horizontal(others)


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


def cells(
    dataset: Dataset, selection: Selection, skip: frozenset[str] = frozenset()
) -> pl.LazyFrame:
    """The cube cells the selection keeps (filters on ``skip`` dimensions ignored), without the
    cells of another measure (:func:`counted_by`)."""
    counted = counted_by(dataset, selection.measure)
    return dataset.cube.lazy().filter(filter_expression(selection, skip) & counted)


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


@dataclass(frozen=True)
class Summary:
    """The grouped table: one row per member plus the totals, with what the columns mean."""

    frame: pl.DataFrame
    """Columns: the grouped dimension, the measure, low, high (its exact 95% interval), share,
    share_recorded, change, change_significant, rate_per_100k, rate_low, rate_high."""
    totals: dict[str, float | int | bool | None]
    change_label: str | None
    """What ``change`` compares, e.g. ``2018/19 vs 2017/18``; ``None`` when there is no year."""
    rate_label: str | None
    """What ``rate_per_100k`` means; ``None`` when no population is known."""
    recorded_total: int
    """Sum of the measure over members other than *Not recorded* (the where-recorded base)."""
    has_not_recorded: bool
    no_data: frozenset[str] = frozenset()
    """Members with no value in one of the years ``change`` compares (shown as *no data*)."""
    provenance: dict[str, Mark] | None = None
    """Per member, where its count comes from (published, derived, modelled); ``None`` for a
    dataset without published figures behind it."""
    total_provenance: Mark | None = None
    untested_changes: frozenset[str] = frozenset()
    """Members whose change compares a modelled count: no significance test (shown ○)."""
    total_change_untested: bool = False
    published_only: bool = False
    """Whether every modelled number is blanked (the published-only view)."""

    def provenance_of(self, member: str | None) -> Mark | None:
        """The provenance of a member's count (``None``: the total row)."""
        if self.provenance is None:
            return None
        return self.total_provenance if member is None else self.provenance.get(member)

    def change_untested(self, member: str | None) -> bool:
        """Whether a member's change (``None``: the total's) compares a modelled count."""
        if member is None:
            return self.total_change_untested
        return member in self.untested_changes

    def range_of(self, member: str | None) -> Range | None:
        """What the published figures allow for a member's count (``None``: the total's);
        ``None`` without ranges (a user's own file) or when the count is blanked."""
        if RANGE_LOW not in self.frame.columns:
            return None
        if member is None:
            row = self.totals
        else:
            found = self.frame.filter(pl.col(self.key).cast(pl.String) == member)
            if found.height == 0:
                return None
            row = found.row(0, named=True)
        low, high, kind = row.get(RANGE_LOW), row.get(RANGE_HIGH), row.get(RANGE_KIND)
        if low is None or high is None:
            return None
        return Range(int(low), int(high), str(kind))

    @property
    def modelled_rows(self) -> int:
        """How many member rows hold a modelled count."""
        if self.provenance is None:
            return 0
        return sum(p.status == MODELLED for p in self.provenance.values())

    @property
    def key(self) -> str:
        """The grouped dimension's column name."""
        return self.frame.columns[0]

    @property
    def measure(self) -> str:
        """The measure's column name."""
        return self.frame.columns[1]


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


def _change_columns(
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
            .agg(_sum_or_missing(measure), pl.col(measure).is_null().any().alias("_gaps"))
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
            changes.append(_ratio_change(current, previous))
            significant.append(_significant(current, previous))
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
                None if absent else _significant(current, before)
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
        total_change = _ratio_change(overall["latest"][0], overall["previous"][0])
        total_significant = _significant(overall["latest"][0], overall["previous"][0])
    return (
        frame.drop("_no_data"),
        f"{latest} vs {previous}",
        total_change,
        no_data,
        total_significant,
    )


def selection_keeps(selection: Selection, dimension: str, member: str) -> bool:
    """Whether the selection's filter on ``dimension`` (if any) keeps ``member``."""
    kept = selection.members(dimension)
    return kept is None or member in kept


def _sum_or_missing(measure: str) -> pl.Expr:
    """The measure's sum, or missing when no cell holds a value (missing is not zero)."""
    return pl.when(pl.col(measure).count() > 0).then(pl.col(measure).sum()).alias(measure)


def _ratio_change(current: int | None, previous: int | None) -> float | None:
    if current is None or not previous:
        return None
    return current / previous - 1


def _significant(current: int | None, previous: int | None) -> bool | None:
    """Whether a change is more than chance; ``None`` where no change is shown."""
    if current is None or not previous:
        return None
    return stats.change_significant(current, previous)


def _interval(count: int | None) -> tuple[float | None, float | None]:
    return (None, None) if count is None else stats.poisson_interval(int(count))


def _population(dataset: Dataset, selection: Selection) -> tuple[pl.DataFrame | None, int | None]:
    """Population per group (grouped by a place: jurisdiction, nation, region, force: each group
    divided by its own forces' residents) or of the whole selection, from the forces list."""
    geography = dataset.geography
    if geography is None or FORCE not in dataset.dimensions:
        return None, None
    key = selection.group_by
    pairs = (
        cells(dataset, selection)
        .select(pl.col(key), pl.col(FORCE).cast(pl.String).alias(RESIDENTS_OF))
        .unique()
        .collect()
    )
    # the forces the selection counts (whatever filtered them: geography, jurisdiction...)
    known = pairs.join(
        geography.select(pl.col(FORCE).alias(RESIDENTS_OF), "population"),
        on=RESIDENTS_OF,
        how="left",
    ).filter(pl.col(RESIDENTS_OF) != NOT_RECORDED)
    groups = None
    if key in PLACES:
        groups = known.group_by(key).agg(
            pl.when(pl.col("population").is_null().any())
            .then(None)
            .otherwise(pl.col("population").sum())
            .alias("population")
        )
    forces = known.unique(RESIDENTS_OF)
    if forces["population"].is_null().any():  # forces without a population: no overall rate
        return groups, None
    return groups, int(forces["population"].sum())


def _year_count(dataset: Dataset, selection: Selection) -> int:
    if YEAR not in dataset.dimensions:
        return 1
    return len(selection.members(YEAR) or dataset.members(YEAR))


@lru_cache(maxsize=CACHE_SIZE)
def summary(dataset: Dataset, selection: Selection) -> Summary:
    """Grouped totals with shares, shares where recorded, year-on-year change and rate per 100k."""
    validate(dataset, selection)
    key, measure = selection.group_by, selection.measure
    grouped = cells(dataset, selection).group_by(key).agg(_sum_or_missing(measure)).collect()
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
    changes, change_label, total_change, no_data, total_significant = _change_columns(
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
    populations, total_population = _population(dataset, selection)
    total_years = _year_count(dataset, selection)
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
        untested, total_untested = _untested_changes(dataset, selection, members, book)
        frame = frame.with_columns(
            pl.when(pl.col(key).cast(pl.String).is_in(list(untested)))
            .then(None)
            .otherwise(pl.col(CHANGE_SIGNIFICANT))
            .alias(CHANGE_SIGNIFICANT)
        )
        if total_untested:
            totals[CHANGE_SIGNIFICANT] = None
        frame, totals = _no_interval_for_modelled(frame, totals, key, provenance, total_provenance)
        if dataset.metadata.get(MARKED) == "figures":  # ranges come with that dataset only
            frame, totals = _with_ranges(
                dataset, selection, frame, totals, provenance, total_provenance
            )
        if selection.published_only:
            frame, totals = _published_only(
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


INTERVALS = (LOW, HIGH, RATE_LOW, RATE_HIGH)
"""A count's 95% Poisson interval and its rate's: the chance spread of a recorded count."""


def _no_interval_for_modelled(
    frame: pl.DataFrame,
    totals: dict[str, object],
    key: str,
    provenance: dict[str, Mark],
    total_provenance: Mark,
) -> tuple[pl.DataFrame, dict[str, object]]:
    """A modelled count was not recorded, so it has no chance spread to give: its interval is
    left out (its range says what the published figures allow instead)."""
    modelled = [m for m, p in provenance.items() if p.status == MODELLED]
    present = [c for c in INTERVALS if c in frame.columns]
    frame = frame.with_columns(
        pl.when(pl.col(key).cast(pl.String).is_in(modelled))
        .then(None)
        .otherwise(pl.col(c))
        .alias(c)
        for c in present
    )
    if total_provenance.status == MODELLED:
        totals = {**totals, **dict.fromkeys(c for c in INTERVALS if c in totals)}
    return frame, totals


def _untested_changes(
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


def _modelled_ranges(dataset: Dataset, selection: Selection) -> dict[str | None, Range | None]:
    """What the published figures allow for each member's count and the total (key ``None``),
    read as if every count were modelled (:mod:`tui.data.ranges`): scope-year ranges without a
    breakdown; under one (age band, sex, platform) the sum of the cells' ranges, never above what
    the same force-years allow in all (a part is never more than its whole)."""
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
    found[None] = summed(None, *kept.select(*sums).collect().row(0))
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


def _with_ranges(
    dataset: Dataset,
    selection: Selection,
    frame: pl.DataFrame,
    totals: dict[str, float | int | bool | str | None],
    provenance: dict[str, Mark],
    total_provenance: Mark,
) -> tuple[pl.DataFrame, dict]:
    """Every row's range: a published or derived count is fixed (low = high = value); a modelled
    one gets what the published figures allow (:func:`_modelled_ranges`), or none."""
    key, measure = selection.group_by, selection.measure
    members = frame[key].cast(pl.String).to_list()
    needed = total_provenance.status == MODELLED or any(
        p.status == MODELLED for p in provenance.values()
    )
    modelled = _modelled_ranges(dataset, selection) if needed else {}

    def range_of(member: str | None, status: str, value: object) -> Range | None:
        if value is None:
            return None
        if status != MODELLED:
            return Range(int(value), int(value), EXACT)  # type: ignore[call-overload]
        return modelled.get(member)

    ranges = [
        range_of(m, provenance[m].status, v) for m, v in zip(members, frame[measure], strict=True)
    ]
    total = range_of(None, total_provenance.status, totals[measure])
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


def _published_only(
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


def natural_sort(key: str, measure: str) -> tuple[str, bool]:
    """(column, descending) of the default order: ordered dimensions by name, others largest first."""
    return (key, False) if key in NATURALLY_ORDERED else (measure, True)


def sort_summary(frame: pl.DataFrame, selection: Selection) -> pl.DataFrame:
    """Order summary rows as the selection asks; ties broken by the dimension's own order.

    Names sort alphabetically whatever their case (``de Vere`` between ``Dale`` and ``Dyfed``).
    """
    key, measure = selection.group_by, selection.measure
    column = selection.sort_column
    if column is None:
        if key in NATURALLY_ORDERED:
            return frame.sort(key)
        return frame.sort([measure, key], descending=[True, False], nulls_last=True)
    if column == key:
        return frame.sort(
            pl.col(key).cast(pl.String).str.to_lowercase(), key, descending=selection.descending
        )
    return frame.sort([column, key], descending=[selection.descending, False], nulls_last=True)


@lru_cache(maxsize=CACHE_SIZE)
def member_counts(dataset: Dataset, selection: Selection, dimension: str) -> dict[str, int]:
    """The measure per member of ``dimension`` under every filter except that dimension's own."""
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


CHART_KINDS = ("bar", "line", "stacked", "funnel")
"""The kinds ``k`` cycles through; those after ``stacked`` are registered by the features that
draw them (:mod:`tui.data.registry`)."""
REGISTERED_KINDS = CHART_KINDS[CHART_KINDS.index("stacked") + 1 :]
STACK_DIMENSIONS = ("age_band", "platform_owner", "platform")
CHART_ROWS = 100
"""Bars prepared at most: more than any screen can show one per line."""
LINE_SERIES = 6
"""Lines drawn at most when a line chart compares groups."""


def _stack_dimension(dataset: Dataset, selection: Selection) -> str | None:
    for dimension in STACK_DIMENSIONS:
        if dimension in dataset.dimensions and dimension != selection.group_by:
            kept = selection.members(dimension)
            if kept is None or len(kept) > 1:
                return dimension
    return None


def _kept_members(dataset: Dataset, selection: Selection, dimension: str) -> list[str]:
    kept = selection.members(dimension) or dataset.members(dimension)
    return [m for m in dataset.members(dimension) if m in kept]


@lru_cache(maxsize=CACHE_SIZE)
def chart_data(dataset: Dataset, selection: Selection, kind: str) -> ChartData:
    """Bars by group, a line over years, bars stacked by age band or platform, or a kind a
    feature registered (the funnel plot of force rates, :mod:`tui.data.funnel`).

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
        years = _kept_members(dataset, selection, YEAR) if YEAR in dataset.dimensions else []
        if len(years) >= 2:
            if key == YEAR:
                by_year = dict(zip(groups, measured, strict=True))
                series = ((measure, tuple(float(by_year.get(y, 0)) for y in years)),)
                shown = 1
            else:
                top = groups[:LINE_SERIES]
                pivot = _crosstab(dataset, selection, key, YEAR, top)
                series = tuple((g, tuple(float(pivot.get((g, y), 0)) for y in years)) for g in top)
                shown = len(top)
            title = f"{measure_name} by year" + (f" and {label(key).lower()}" if shown > 1 else "")
            if key == YEAR and blanked:  # only the published years, joined
                years = [y for y in years if y in by_year]
                series = ((measure, tuple(float(by_year[y]) for y in years)),)
            return ChartData("line", title, tuple(years), series, len(groups) - shown, note)
        note = (
            "A line over years needs two or more years: showing bars"
            if YEAR in dataset.dimensions
            else "This data has no year to draw a line over: showing bars"
        )
    elif kind == "stacked":
        stack = _stack_dimension(dataset, selection)
        if stack:
            top = groups[:CHART_ROWS]
            pivot = _crosstab(dataset, selection, key, stack, top)
            series = tuple(
                (s, tuple(float(pivot.get((g, s), 0)) for g in top))
                for s in _kept_members(dataset, selection, stack)
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


def _crosstab(
    dataset: Dataset, selection: Selection, rows: str, columns: str, keep: list[str]
) -> dict[tuple[str, str], int]:
    frame = (
        cells(dataset, selection)
        .filter(pl.col(rows).cast(pl.String).is_in(keep))
        .group_by(rows, columns)
        .agg(pl.col(selection.measure).sum())
        .collect()
    )
    return {
        (str(r), str(c)): int(v)
        for r, c, v in zip(frame[rows], frame[columns], frame[selection.measure], strict=True)
    }


@lru_cache(maxsize=CACHE_SIZE)
def drill_dimensions(dataset: Dataset, measure: str) -> tuple[str, ...]:
    """The dimensions a measure is broken down by: offences are not split by platform, nor
    platform instances by age band or sex, so a drill-down never stops on a *Not split* level."""
    counted = dataset.cube.filter(pl.col(measure).is_not_null())
    return tuple(
        d
        for d in dataset.dimensions
        if d != OFFENCE and set(counted[d].cast(pl.String).unique().to_list()) != {NOT_SPLIT}
    )


def initial_selection(dataset: Dataset) -> Selection:
    """Where the app starts: the dataset's default filters, grouped one level below them.

    The embedded dataset starts on England and Wales (its metadata's ``default_filters``). A Home
    Office open-data file holding several offences starts filtered to code 88A (sexual grooming,
    which counts sexual communication with a child); without 88A it starts grouped by offence
    code, so the user sees the offences it holds and picks one.
    """
    order = drill_order(list(dataset.dimensions))
    selection = Selection(group_by=order[0], measure=dataset.measure)
    defaults = dataset.metadata.get("default_filters") or {}
    for dimension, members in defaults.items():
        known = dataset.members(dimension) if dimension in dataset.dimensions else ()
        kept = tuple(m for m in members if m in known)
        if kept:
            selection = selection.with_filter(dimension, kept)
    if defaults:
        following = selection.next_level(drill_dimensions(dataset, selection.measure))
        selection = selection.grouped_by(following or order[0])
    if OFFENCE_CODE in dataset.dimensions:
        codes = dataset.members(OFFENCE_CODE)
        if len(codes) > 1 and HOME_OFFICE_OFFENCE_CODE in codes:
            selection = selection.with_filter(OFFENCE_CODE, (HOME_OFFICE_OFFENCE_CODE,))
        elif len(codes) > 1:
            selection = selection.grouped_by(OFFENCE_CODE)
    return selection


PINNED = (OFFENCE_CODE, JURISDICTION)
"""Filters that clearing keeps: they choose *which offence* is counted, and different offences
(Home Office codes; England and Wales, Scotland and Northern Ireland law) are never summed
silently."""


def cleared(dataset: Dataset, selection: Selection) -> Selection:
    """Filters and drill path cleared, except the offence code and jurisdiction: clearing never
    sums unrelated offences together."""
    fresh = selection.cleared()
    for dimension in PINNED:
        kept = selection.members(dimension) or initial_selection(dataset).members(dimension)
        if kept is not None and dimension in dataset.dimensions:
            fresh = fresh.with_filter(dimension, kept)
    return fresh


def with_jurisdiction(dataset: Dataset, selection: Selection, key: str) -> Selection:
    """The selection on one jurisdiction (``ew``, ``scotland``, ``ni``) or all of them (``uk``)."""
    if JURISDICTION not in dataset.dimensions:
        raise DataError("this dataset has no jurisdiction dimension")
    wanted = JURISDICTION_KEYS.get(key)
    if wanted is None:
        raise DataError(f"unknown jurisdiction '{key}' (known: {', '.join(JURISDICTION_KEYS)})")
    present = tuple(j for j in wanted if j in dataset.members(JURISDICTION))
    return selection.with_filter(JURISDICTION, present)


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
    counts: dict[str, int]
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
