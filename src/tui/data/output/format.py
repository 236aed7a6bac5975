"""Number formatting and the summary as plain text: shared by the CLI and the app."""

from __future__ import annotations

from tui.data.dataset import Dataset
from tui.data.engine.provenance import LEGEND
from tui.data.engine.ranges import BOUND, RANGE_HIGH, RANGE_KIND, RANGE_LOW, Range
from tui.data.engine.table import (
    CHANGE,
    CHANGE_SIGNIFICANT,
    HIGH,
    LOW,
    RATE,
    SHARE,
    SHARE_RECORDED,
    Summary,
)
from tui.data.features.navigation import drill_dimensions
from tui.data.features.quote_sources import Source
from tui.data.schema import MODELLED, label

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
UNTESTED_LEGEND = f"{UNTESTED} change: not tested"
"""Short: the line under the table has room for little, and its legend already says ○ is modelled."""
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
    """Header text of each summary column; ``compact`` headers leave the details to :func:`notes`
    and leave out the share where recorded when it is the share (nothing is *Not recorded*)."""
    ranged = {RANGE: "Range"} if RANGE_LOW in result.frame.columns else {}
    if compact:
        recorded = {SHARE_RECORDED: "Sh. recorded"} if result.has_not_recorded else {}
        return {
            result.key: label(result.key),
            result.measure: label(result.measure),
            **ranged,
            SHARE: "Share",
            **recorded,
            CHANGE: "YoY",
            RATE: "Per 100k",
        }
    return {
        result.key: label(result.key),
        result.measure: label(result.measure),
        **ranged,
        LOW: "95% low",
        HIGH: "95% high",
        SHARE: "Share",
        SHARE_RECORDED: "Share where recorded",
        CHANGE: f"Change {result.change_label}" if result.change_label else "Change",
        RATE: "Rate per 100k"
        + ("/yr" if result.rate_label and "year" in result.rate_label else ""),
    }


FORMATTERS = {
    SHARE: percent,
    SHARE_RECORDED: percent,
    CHANGE: change,
    RATE: rate,
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


def row_cell(result: Summary, column: str, row: dict[str, object]) -> str:
    """Format one column of a named summary row (or the totals, which have no member); a chance
    change gets ``~``, an untested one (a modelled count) ``○``."""
    member = str(row[result.key]) if result.key in row else None
    if column == RANGE:
        if row.get(result.measure) is None:
            return DASH
        low, high = row.get(RANGE_LOW), row.get(RANGE_HIGH)
        known = low is not None and high is not None
        return range_text(Range(low, high, str(row.get(RANGE_KIND))) if known else None)  # type: ignore[arg-type]
    if column == CHANGE and row.get(CHANGE) is not None:
        if result.change_untested(member):
            return UNTESTED + change(row[CHANGE])  # type: ignore[arg-type]
        return marked_change(row[CHANGE], row.get(CHANGE_SIGNIFICANT))  # type: ignore[arg-type]
    return member_cell(result, column, member or "", row.get(column))


def notes(result: Summary, sort_column: str | None = None, modelled: bool = True) -> str:
    """What the compact headers mean for this summary, in one or two lines; ``modelled``: with
    the notes on modelled numbers first (:func:`modelled_notes`)."""
    # first: what may not be quoted as measured
    parts = modelled_notes(result, sort_column) if modelled else []
    if result.change_label:
        parts.append(f"YoY: {result.change_label}")
    if result.has_not_recorded:
        parts.append(f"Sh. recorded: 'Not recorded' excluded ({recorded_base(result)})")
    if result.rate_label:
        parts.append(f"Per 100k: {result.rate_label}")
    if uncertainty_note(result):
        parts.append(f"{NOT_SIGNIFICANT} within chance (p ≥ 0.05)")
    if result.no_data:
        parts.append(NO_DATA_NOTE)
    return " · ".join(parts)


def untested_note(result: Summary) -> str | None:
    """Why a change marked ○ has no test, when one is shown."""
    shown = [
        str(m)
        for m, c in zip(result.frame[result.key], result.frame[CHANGE], strict=True)
        if c is not None and result.change_untested(str(m))
    ]
    total = result.totals.get(CHANGE) is not None and result.change_untested(None)
    return UNTESTED_LEGEND if shown or total else None


def rate_ranking_note(result: Summary, sort_column: str | None) -> str | None:
    """A ranking by rate that holds modelled rows says so: their order is not established."""
    if sort_column != RATE or not result.modelled_rows or result.published_only:
        return None
    rows = result.modelled_rows
    return (
        f"rate ranking has {rows} modelled row{'s' if rows > 1 else ''} (○): order not established"
    )


def caveat_notes(result: Summary, sort_column: str | None = None) -> list[str]:
    """The notes that change how a number may be read, which no mark in the table says (the view
    blanks modelled numbers; a ranking's order is not established): shown whole, on any screen."""
    notes = [
        PUBLISHED_ONLY_LEGEND if result.published_only else None,
        rate_ranking_note(result, sort_column),
    ]
    return [n for n in notes if n]


def modelled_notes(result: Summary, sort_column: str | None = None) -> list[str]:
    """What the marks of modelled numbers mean, for the line under the table and the CLI."""
    notes = [
        PUBLISHED_ONLY_LEGEND if result.published_only else None,
        untested_note(result),
        RANGE_LEGEND
        if RANGE_LOW in result.frame.columns and result.modelled_rows and not result.published_only
        else None,
        rate_ranking_note(result, sort_column),
    ]
    return [n for n in notes if n]


NO_DATA_NOTE = (
    "no data: a compared year has no value or a missing (suppressed) cell; missing is not zero"
)


def no_data_note(result: Summary) -> str | None:
    """What *no data* in the change column means, when some member has it."""
    return NO_DATA_NOTE if result.no_data else None


def recorded_note(result: Summary) -> str | None:
    """What the where-recorded share leaves out, when the grouped dimension has unknowns."""
    if not result.has_not_recorded:
        return None
    return (
        f"Share where recorded excludes 'Not recorded' from the denominator "
        f"({recorded_base(result)})."
    )


def recorded_base(result: Summary) -> str:
    """The where-recorded base as a note gives it: in the published-only view a base that sums a
    modelled number is hidden like the number (its shares are blanked)."""
    total = result.total_provenance
    modelled = result.modelled_rows or (total is not None and total.status == MODELLED)
    if result.published_only and modelled:
        return "base modelled: hidden"
    return f"base {count(result.recorded_total)}"


def uncertainty_note(result: Summary) -> str | None:
    """The legend of the change mark, when some change in the summary may be chance."""
    flags = [*result.frame[CHANGE_SIGNIFICANT].to_list(), result.totals.get(CHANGE_SIGNIFICANT)]
    return NOT_SIGNIFICANT_LEGEND if False in flags else None


def shown_table(result: Summary, separator: str = "\t", markdown: bool = False) -> str:
    """The summary as the app shows it (compact columns, formatted cells, the totals row), as
    Markdown or as separated text (TSV), followed by what the headers mean; with a provenance
    column, its legend and the source (and address) of each published number when the dataset
    has them, as the CSV export and its sidecar do."""
    titles = column_titles(result, compact=True)
    columns = list(titles)
    rows = [
        [str(row[result.key])] + [row_cell(result, c, row) for c in columns[1:]]
        for row in result.frame.iter_rows(named=True)
    ]
    rows.append(["Total"] + [row_cell(result, c, result.totals) for c in columns[1:]])
    header = [titles[c] for c in columns]
    if result.provenance is not None:
        header.insert(2, "Provenance")
        for row in rows:
            known = result.provenance_of(None if row is rows[-1] else row[0])
            row.insert(2, f"{known.marker} {known.status}" if known else "")
    if markdown:
        escape = str.maketrans({"|": "\\|"})
        lines = [
            "| " + " | ".join(v.translate(escape) for v in line) + " |" for line in [header, *rows]
        ]
        aligned = ["---" if h == "Provenance" else "---:" for h in header[1:]]
        lines.insert(1, "| --- | " + " | ".join(aligned) + " |")
    else:
        lines = [separator.join(line) for line in [header, *rows]]
    explained = [notes(result)] if notes(result) else []
    if result.provenance is not None:
        explained += [LEGEND, *sources_cited(result)]
    return "\n".join([*lines, "", *explained] if explained else lines) + "\n"


def sources_cited(result: Summary) -> list[str]:
    """``Sources:`` and one line per source of a published number in the summary: publisher,
    headline, date and address."""
    shown = [*(result.provenance or {}).values(), result.total_provenance]
    figures = {
        (p.figure.source_title, p.figure.published, p.figure.source_url): p.figure
        for p in shown
        if p is not None and p.figure is not None
    }
    if not figures:
        return []
    cited = [
        f"- {Source(title, published or None)}" + (f", {url}" if url else "")
        for title, published, url in sorted(figures)
    ]
    return ["Sources:", *cited]


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
