"""The summary table: its columns, what they mean, and the order its rows are shown in."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from tui.data.engine.ranges import RANGE_HIGH, RANGE_KIND, RANGE_LOW, Range
from tui.data.engine.registry import Mark
from tui.data.schema import MODELLED, NOT_RECORDED, NOT_SPLIT
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

NATURALLY_ORDERED = frozenset({"year", "age_band", "sex", "financial_quarter", "jurisdiction"})
"""Dimensions whose summary reads best in their own order rather than largest first (platforms
read best most used first: which app comes first is the question)."""
RESIDUAL = ("Other", NOT_RECORDED, NOT_SPLIT)
"""Members that are no one thing (other apps, unknowns): largest first puts them last."""


INTERVALS = (LOW, HIGH, RATE_LOW, RATE_HIGH)
"""A count's 95% Poisson interval and its rate's: the chance spread of a recorded count."""


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
    return frame.sort([column, key], descending=[selection.descending, False], nulls_last=True)
