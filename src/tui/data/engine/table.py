"""The summary table: its columns, what they mean, and the order its rows are shown in."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import polars as pl

from tui.data.engine.coverage import Coverage
from tui.data.engine.intervals import Interval
from tui.data.engine.ranges import RANGE_HIGH, RANGE_KIND, RANGE_LOW, Range
from tui.data.engine.rates import Rates
from tui.data.engine.registry import Mark
from tui.data.schema import MARKS, MODELLED, NOT_RECORDED, NOT_SPLIT, PARTIAL
from tui.data.selection import Selection

SHARE = "share"
SHARE_RECORDED = "share_recorded"
CHANGE = "change"
RATE = "rate_per_100k"
LOW = "low"
HIGH = "high"
RATE_LOW = "rate_low"
RATE_HIGH = "rate_high"
RATE_CHILDREN = "rate_per_10k_children"
RATE_CHILDREN_LOW = "rate_children_low"
RATE_CHILDREN_HIGH = "rate_children_high"
RATES = (RATE, RATE_CHILDREN)
CHANGE_SIGNIFICANT = "change_significant"
MISSING = "missing"
"""The force-years (or cells) a row has no figure for, ``;``-separated; empty when complete."""
COVERAGE = "coverage"
"""How many of a row's force-years have a figure: ``42 of 43 force-years``."""
FLAG = "flag"
"""Why a figure under the row is doubtful (kept as published); empty when none is."""
FLAG_MARK = "!"
PARTIAL_LEGEND = f"{MARKS[PARTIAL]} partial: a sum with force-years missing (named)"
FLAG_LEGEND = f"{FLAG_MARK} flagged: doubtful, kept as published"

NATURALLY_ORDERED = frozenset({"year", "age_band", "sex", "financial_quarter", "jurisdiction"})
"""Dimensions whose summary reads best in their own order rather than largest first (platforms
read best most used first: which app comes first is the question)."""
RESIDUAL = ("Other", NOT_RECORDED, NOT_SPLIT)
"""Members that are no one thing (other apps, unknowns): largest first puts them last."""


INTERVAL80_LOW, INTERVAL80_HIGH = "interval80_low", "interval80_high"
INTERVAL95_LOW, INTERVAL95_HIGH = "interval_low", "interval_high"
MODEL_INTERVALS = (INTERVAL95_LOW, INTERVAL95_HIGH, INTERVAL80_LOW, INTERVAL80_HIGH)
"""A modelled count's 95% and 80% intervals (in the order exports give them, beside the range), read from the reconciled draws of its sum
(:mod:`tui.data.engine.estimates`); empty for a count that is not modelled."""
CHANGE95_LOW, CHANGE95_HIGH = "change95_low", "change95_high"
"""The 95% interval of a change that compares a modelled count, read draw by draw."""

INTERVALS = (LOW, HIGH, RATE_LOW, RATE_HIGH, RATE_CHILDREN_LOW, RATE_CHILDREN_HIGH)
"""A count's 95% Poisson interval and its rate's: the chance spread of a recorded count."""


@dataclass(frozen=True)
class Summary:
    """The grouped table: one row per member plus the totals, with what the columns mean."""

    frame: pl.DataFrame
    """Columns: the grouped dimension, the measure, low, high (its exact 95% interval), share,
    share_recorded, change, change_significant, rate_per_100k, rate_low, rate_high,
    rate_per_10k_children, rate_children_low, rate_children_high, missing, coverage, flag."""
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
    rate_children_label: str | None = None
    """What ``rate_per_10k_children`` means; ``None`` when no population is known."""
    rate_note: str | None = None
    """Why a rate is missing (no population held for a force-year), when one is."""
    rates: dict[str | None, Rates] = field(default_factory=dict)
    """Per member (``None``: the total) the count and populations its two rates divide."""
    coverage: dict[str | None, Coverage] = field(default_factory=dict)
    """Per member (``None``: the total) the force-years it holds and which are missing."""
    flags: dict[str | None, tuple[str, ...]] = field(default_factory=dict)
    """Per member (``None``: the total) the flags of doubtful figures under it."""
    change_basis: dict[str | None, str] = field(default_factory=dict)
    """Per member (``None``: the total) how its change was computed when not over every force
    (``change over the 42 forces with a figure in both years``), or why there is none."""
    missing_reason: str = ""
    """Why the total's missing force-years have no figure, when the data says."""
    change_over: dict[str | None, str] = field(default_factory=dict)
    """Per member (``None``: the total) whose figures its change compares when not all the
    row's: ``the 42 forces with a figure in both years``."""
    change_marks: dict[str | None, str] = field(default_factory=dict)
    """Per member (``None``: the total) the mark in front of a change that is not tested: ○ it
    compares a modelled count, ◔ a partial row or fewer forces than the row holds, ! a flagged
    figure."""

    interval_note: str = ""
    """Why a modelled count shows no interval (a file without model draws), when one does."""

    def _row(self, member: str | None) -> dict | None:
        """A member's row (``None``: the totals), or ``None`` when it has none."""
        if member is None:
            return self.totals
        found = self.frame.filter(pl.col(self.key).cast(pl.String) == member)
        return found.row(0, named=True) if found.height else None

    def interval_of(self, member: str | None) -> Interval | None:
        """A modelled count's 80% and 95% intervals (``None``: the total's); ``None`` for a
        count that is not modelled, a blanked one, or data without draws."""
        row = self._row(member)
        columns = (INTERVAL80_LOW, INTERVAL80_HIGH, INTERVAL95_LOW, INTERVAL95_HIGH)
        ends = [row.get(c) for c in columns] if row is not None else [None]
        if any(e is None for e in ends):
            return None
        return Interval(*(int(e) for e in ends))  # type: ignore[arg-type]

    def change_interval_of(self, member: str | None) -> tuple[float, float] | None:
        """The 95% interval of a change that compares a modelled count, read draw by draw."""
        row = self._row(member)
        low, high = (row.get(CHANGE95_LOW), row.get(CHANGE95_HIGH)) if row else (None, None)
        return None if low is None or high is None else (float(low), float(high))

    def change_words(self, member: str | None) -> str:
        """``likely up`` / ``likely down`` for a modelled change whose 95% interval excludes 0
        (never *significant*), else empty."""
        shown = self.change_interval_of(member)
        if shown is None:
            return ""
        return "likely up" if shown[0] > 0 else "likely down" if shown[1] < 0 else ""

    def coverage_of(self, member: str | None) -> Coverage | None:
        """What a member's count (``None``: the total's) holds."""
        return self.coverage.get(member)

    def is_partial(self, member: str | None) -> bool:
        """Whether a member's count (``None``: the total's) misses some force-year."""
        known = self.coverage.get(member)
        return known is not None and known.partial

    def flags_of(self, member: str | None) -> tuple[str, ...]:
        return self.flags.get(member, ())

    def status_of(self, member: str | None) -> str | None:
        """``published``, ``derived``, ``modelled`` or ``partial`` (a sum of published or derived
        figures, or of a file's own, with a force-year missing: never shown as published);
        ``None`` for a complete row of data without marks."""
        provenance = self.provenance_of(member)
        status = provenance.status if provenance is not None else None
        coverage = self.coverage.get(member)
        if (
            coverage is not None
            and coverage.partial
            and (status != MODELLED or not coverage.present)
        ):
            return PARTIAL  # a modelled sum with a gap stays modelled; no figure at all is no model
        return status

    def mark_of(self, member: str | None) -> str:
        """The mark beside a member's count: ● ◐ ○ ◔, followed by ! when a figure under it is
        flagged; empty for a complete, unflagged row of data without marks."""
        status = self.status_of(member)
        return MARKS.get(status, "") + (FLAG_MARK if self.flags_of(member) else "")

    @cached_property
    def marked(self) -> bool:
        """Whether the table needs a column of marks."""
        members = [None, *self.frame[self.key].cast(pl.String).to_list()]
        return self.provenance is not None or any(self.mark_of(m) for m in members)

    @property
    def partial_rows(self) -> int:
        """How many member rows are partial."""
        return sum(self.is_partial(m) for m in self.coverage if m is not None)

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
        ranks = {member: rank for rank, member in enumerate(RESIDUAL, 1)}
        residual = pl.col(key).cast(pl.String).replace_strict(ranks, default=0)
        return frame.sort(
            [residual, measure, key], descending=[False, True, False], nulls_last=True
        )
    if column == key:
        return frame.sort(
            pl.col(key).cast(pl.String).str.to_lowercase(), key, descending=selection.descending
        )
    if column in RATES and MISSING in frame.columns:  # a partial row has no place in a ranking
        unranked = pl.col(MISSING).fill_null("") != ""
        return frame.sort(
            [unranked, column, key],
            descending=[False, selection.descending, False],
            nulls_last=True,
        )
    return frame.sort([column, key], descending=[selection.descending, False], nulls_last=True)
