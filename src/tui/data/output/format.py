"""Number formatting and the summary as plain text: shared by the CLI and the app."""

from __future__ import annotations

from tui.data.dataset import Dataset
from tui.data.engine.intervals import Interval
from tui.data.engine.ranges import BOUND, RANGE_HIGH, RANGE_KIND, RANGE_LOW, Range
from tui.data.engine.table import (
    CHANGE,
    CHANGE_SIGNIFICANT,
    HIGH,
    INTERVAL95_HIGH,
    INTERVAL95_LOW,
    LOW,
    RATE,
    RATE_CHILDREN,
    SHARE,
    SHARE_RECORDED,
    Summary,
)
from tui.data.features.navigation import drill_dimensions
from tui.data.schema import label

DASH = "–"
NO_DATA = "no data"
"""Shown for a change when the member has no value in one of the compared years."""
ELLIPSIS = "…"


def shorten(names: list[str], width: int) -> list[str]:
    """Names cut to ``width`` with ``…``, kept distinct.

    Where two cut names would read the same, both keep their ends as well
    (``Avon and…merset``), so no two labels on screen look alike.
    """
    width = max(width, 3)
    cut = [n if len(n) <= width else n[: width - 1] + ELLIPSIS for n in names]
    seen: dict[str, int] = {}
    for short in cut:
        seen[short] = seen.get(short, 0) + 1
    tail = (width - 1) // 2
    head = width - 1 - tail
    return [
        n[:head] + ELLIPSIS + n[len(n) - tail :] if seen[short] > 1 and short != n else short
        for n, short in zip(names, cut, strict=True)
    ]


NOT_SIGNIFICANT = "~"
"""Marks a change that is not statistically distinguishable from no change."""
NOT_SIGNIFICANT_LEGEND = (
    "~ change not distinguishable from chance (exact conditional test of the two counts, p ≥ 0.05)"
)


RANGE = "range"
"""The shown column ``range_low–range_high`` (what the published figures allow)."""
BOUND_MARK = "≤"
"""Marks a range that is a bound: the exact range of the sum lies inside it."""
UNTESTED = "○"
"""Marks a change that compares a modelled count: not tested, not a finding."""
RANGE_LEGEND = f"Range: what published figures allow ({BOUND_MARK} bound)"
PUBLISHED_ONLY_LEGEND = "PUBLISHED ONLY: modelled numbers blanked (–)"


def range_text(shown: Range | None) -> str:
    """A range as the table shows it: ``12–410``, a bound ``≤12–410``; empty when it is one
    value (the count itself)."""
    if shown is None:
        return DASH
    if shown.fixed:
        return ""
    text = f"{shown.low:,}–{shown.high:,}"
    return BOUND_MARK + text if shown.kind == BOUND else text


def range_words(shown: Range) -> str:
    """A range for the status line: ``range 12–410``, ``range ≤12–410 (a bound)``."""
    if shown.fixed:
        return f"fixed at {shown.low:,} by published figures"
    bound = " (a bound)" if shown.kind == BOUND else ""
    return f"range {range_text(shown)}{bound}"


INTERVAL = "interval"
"""The shown column ``interval_low–interval_high`` (95%): where a modelled count likely lies."""
INTERVAL_LEGEND = "Likely 95%: the 95% interval of a modelled count (model draws)"


def interval_text(low: int, high: int, short: bool = False) -> str:
    """A modelled count's interval: ``480–730``; ``short`` writes thousands as ``k`` above 9,999
    (``12k–15k``) for a narrow table; empty when it is one value."""
    if low == high:
        return ""
    if short:
        return f"{short_count(low)}–{short_count(high)}"
    return f"{low:,}–{high:,}"


def short_count(value: int) -> str:
    """A count in at most five characters: ``9,999``, ``12k``, ``1.2M``."""
    if value < 10_000:
        return f"{value:,}"
    if value < 1_000_000:
        return f"{value / 1000:.0f}k"
    return f"{value / 1_000_000:.1f}M"


def interval_words(shown: Interval) -> tuple[str, str]:
    """A modelled count's intervals for the status line, the 95% one first (``likely 366–883
    (95%)``) and the 80% one (``80% 450–789``) to come after what the row lacks; ``fixed at N by
    published figures`` when the draws agree."""
    if shown.low95 == shown.high95:
        return f"fixed at {shown.low95:,} by published figures", ""
    eighty = interval_text(shown.low80, shown.high80) or f"{shown.low80:,}"
    return f"likely {interval_text(shown.low95, shown.high95)} (95%)", f"80% {eighty}"


def change_interval_words(shown: tuple[float, float], words: str) -> str:
    """A modelled change's 95% interval read draw by draw: ``change 95% +3.1% to +40.2%, likely
    up (not a test)``."""
    text = f"change 95% {change(shown[0])} to {change(shown[1])}"
    return f"{text}, {words} (not a test)" if words else f"{text}: not tested"


def count(value: float | int | None) -> str:
    """Whole number with thousands separators."""
    return DASH if value is None else f"{int(value):,}"


def percent(value: float | None) -> str:
    """A share as a percentage with one decimal."""
    return DASH if value is None else f"{value * 100:.1f}%"


def change(value: float | None) -> str:
    """A relative change with its sign."""
    return DASH if value is None else f"{value * 100:+.1f}%"


def marked_change(value: float | None, significant: bool | None) -> str:
    """A change, with :data:`NOT_SIGNIFICANT` in front when it may be chance."""
    text = change(value)
    return NOT_SIGNIFICANT + text if value is not None and significant is False else text


def bound(value: float | None) -> str:
    """An interval limit of a count, with one decimal."""
    return DASH if value is None else f"{value:,.1f}"


def rate(value: float | None) -> str:
    """A rate with two decimals."""
    return DASH if value is None else f"{value:,.2f}"


def column_titles(result: Summary, compact: bool = False) -> dict[str, str]:
    """Header text of each summary column; ``compact`` headers leave the details to the notes
    and leave out the share where recorded when it is the share (nothing is *Not recorded*)."""
    ranged = {RANGE: "Range"} if RANGE_LOW in result.frame.columns else {}
    drawn = INTERVAL95_LOW in result.frame.columns and not result.published_only
    likely = {INTERVAL: "Likely 95%"} if drawn else {}  # published only: nothing modelled shown
    per_year = "/yr" if result.rate_label and "per year" in result.rate_label else ""
    if compact:
        recorded = {SHARE_RECORDED: "Sh. recorded"} if result.has_not_recorded else {}
        return {
            result.key: label(result.key),
            result.measure: label(result.measure),
            **(likely or ranged),
            SHARE: "Share",
            **recorded,
            CHANGE: "YoY",
            RATE: "Per 100k",
            RATE_CHILDREN: "Per 10k 0-17",
        }
    return {
        result.key: label(result.key),
        result.measure: label(result.measure),
        **likely,
        **ranged,
        LOW: "95% low",
        HIGH: "95% high",
        SHARE: "Share",
        SHARE_RECORDED: "Share where recorded",
        CHANGE: f"Change {result.change_label}" if result.change_label else "Change",
        RATE: "Rate per 100k" + per_year,
        RATE_CHILDREN: "Rate per 10k children" + per_year,
    }


FORMATTERS = {
    SHARE: percent,
    SHARE_RECORDED: percent,
    CHANGE: change,
    RATE: rate,
    RATE_CHILDREN: rate,
    LOW: bound,
    HIGH: bound,
}


def cell(column: str, value: object) -> str:
    """Format one summary value by its column."""
    formatter = FORMATTERS.get(column)
    if formatter is not None:
        return formatter(value)  # type: ignore[arg-type]
    if value is None:
        return DASH
    if isinstance(value, int | float):
        return count(value)
    return str(value)


def member_cell(result: Summary, column: str, member: str, value: object) -> str:
    """Format one value of a member's row: a change without data in a compared year is *no data*."""
    if column == CHANGE and value is None and member in result.no_data:
        return NO_DATA
    return cell(column, value)


def row_cell(result: Summary, column: str, row: dict[str, object], short: bool = False) -> str:
    """Format one column of a named summary row (or the totals, which have no member); a chance
    change gets ``~``, an untested one the mark of why (○ a modelled count, ◔ a partial row or
    fewer forces than the row holds, ! a flagged figure)."""
    member = str(row[result.key]) if result.key in row else None
    if column == INTERVAL:
        low, high = row.get(INTERVAL95_LOW), row.get(INTERVAL95_HIGH)
        if low is None or high is None:
            return ""
        return interval_text(int(low), int(high), short)  # type: ignore[call-overload]
    if column == RANGE:
        if row.get(result.measure) is None:
            return DASH
        low, high = row.get(RANGE_LOW), row.get(RANGE_HIGH)
        known = low is not None and high is not None
        return range_text(Range(low, high, str(row.get(RANGE_KIND))) if known else None)  # type: ignore[arg-type]
    if column == CHANGE and row.get(CHANGE) is not None:
        if result.change_marks.get(member):
            return result.change_marks[member] + change(row[CHANGE])  # type: ignore[arg-type]
        return marked_change(row[CHANGE], row.get(CHANGE_SIGNIFICANT))  # type: ignore[arg-type]
    return member_cell(result, column, member or "", row.get(column))


def measure_splitting(dataset: Dataset, dimension: str, measure: str) -> str | None:
    """The other measure that is broken down by ``dimension`` when ``measure`` is not (platforms
    are counted in instances, not offences); ``None`` when ``measure`` is."""
    if dimension in drill_dimensions(dataset, measure):
        return None
    return next((m for m in dataset.measures if dimension in drill_dimensions(dataset, m)), None)


def not_split_note(dataset: Dataset, dimension: str, measure: str) -> str | None:
    """One line saying ``measure`` is not split by ``dimension`` and which measure is."""
    other = measure_splitting(dataset, dimension, measure)
    if other is None:
        return None
    return (
        f"{label(measure)} are not split by {label(dimension).lower()}: {label(other).lower()} are"
    )


SEPARATOR = " · "
MORE = "…"


def fit_parts(parts: list[str], width: int, lines: int = 1, more: str = MORE) -> str:
    """``parts`` joined by `` · `` and wrapped at words into at most ``lines`` lines of ``width``;
    what does not fit is left out whole (never cut mid-word) and ``more`` says so."""
    words = SEPARATOR.join(parts).split(" ")
    if width <= 0 or _wrapped_lines(words, width) <= lines:
        return SEPARATOR.join(parts)
    for kept in range(len(words) - 1, 0, -1):
        if words[kept - 1].endswith(":"):  # never a label without what it labels
            continue
        shown = " ".join(words[:kept]).rstrip(" ·,;:(") + f" {more}"
        if _wrapped_lines(shown.split(" "), width) <= lines:
            return shown
    return more


def _wrapped_lines(words: list[str], width: int) -> int:
    """How many lines ``words`` take wrapped at ``width`` (a word longer than it takes its own)."""
    count, used = 1, 0
    for word in words:
        needed = len(word) if used == 0 else used + 1 + len(word)
        if needed <= width or used == 0:
            used = needed
        else:
            count, used = count + 1, len(word)
    return count
