"""What a summary's numbers mean, in words: the legend of the marks shown, what is missing
(``Hampshire: no figure for 2021/22``), the flagged figures, why a change is not tested, what the
rates divide by, one line about the highlighted row (the status line) and the table as copied.
Shared by the line under the table, ``scwc summary``, the copied table and the status line."""

from __future__ import annotations

import polars as pl

from tui.data.engine.populations import CHILDREN_LABEL, RESIDENTS_LABEL
from tui.data.engine.provenance import LEGEND
from tui.data.engine.ranges import RANGE_LOW
from tui.data.engine.table import (
    CHANGE,
    CHANGE_SIGNIFICANT,
    FLAG_LEGEND,
    FLAG_MARK,
    INTERVAL95_LOW,
    PARTIAL_LEGEND,
    RATES,
    Summary,
)
from tui.data.features.quote_sources import Source
from tui.data.output.format import (
    INTERVAL_LEGEND,
    NOT_SIGNIFICANT,
    NOT_SIGNIFICANT_LEGEND,
    PUBLISHED_ONLY_LEGEND,
    RANGE_LEGEND,
    change_interval_words,
    column_titles,
    count,
    interval_words,
    range_words,
    row_cell,
)
from tui.data.schema import MARKS, MODELLED, PARTIAL

CHANGE_MARK_WORDS = {
    MARKS[MODELLED]: "compares a modelled count",
    MARKS[PARTIAL]: "partial, or over the forces with a figure in both years",
    FLAG_MARK: "across a flagged figure",
}
"""Why a change is not tested, by the mark in front of it."""
NO_DATA_NOTE = (
    "no data: a compared year has no value or a missing (suppressed) cell; missing is not zero"
)


def legend_lines(result: Summary) -> list[str]:
    """The legend of the marks the table shows: provenance, then ◔ partial and ! flagged when a
    row has them."""
    parts = [LEGEND] if result.provenance is not None else []
    marks = "".join(result.mark_of(m) for m in [None, *result.coverage])
    if MARKS[PARTIAL] in marks:
        parts.append(PARTIAL_LEGEND)
    if FLAG_MARK in marks:
        parts.append(FLAG_LEGEND)
    return parts


def marks_and_gaps(result: Summary) -> list[str]:
    """The start of the line under the table: the marks of published, derived and modelled
    numbers, what the selection lacks (before ◔'s own legend, so that a narrow screen keeps the
    names), then what ◔ and ! mean."""
    lines = legend_lines(result)
    first = lines[:1] if result.provenance is not None else []
    blanked = [PUBLISHED_ONLY_LEGEND] if result.published_only else []
    missing = missing_note(result)
    return [*first, *blanked, *([missing] if missing else []), *lines[len(first) :]]


SHORT_MISSING = 2
"""Missing force-years named on the line under the table; the status line and ``scwc summary``
name more."""


def missing_note(result: Summary, verbose: bool = False) -> str | None:
    """What the selection's total lacks (``Hampshire: no figure for 2021/22``; ``5 force-years
    missing: Gwent 2020/21, Hampshire 2021/22 and 3 more``); ``verbose``: all of them, and why
    when the data says."""
    coverage = result.coverage_of(None)
    if coverage is None or not coverage.partial:
        return None
    why = f" ({result.missing_reason})" if verbose and result.missing_reason else ""
    return (coverage.describe() if verbose else coverage.describe(SHORT_MISSING)) + why


def flag_note(result: Summary) -> str | None:
    """The flagged figures under the total, grouped by flag: ``! Hampshire 2020/21, Hampshire
    2023/24: as published; source notes it looks anomalous``."""
    grouped = _grouped_flags(result.flags_of(None))
    return f"{FLAG_MARK} {grouped}" if grouped else None


def _grouped_flags(flags: tuple[str, ...]) -> str:
    """Flags with the same text together: ``Hampshire 2020/21, Hampshire 2023/24: as
    published; source notes it looks anomalous``."""
    by_text: dict[str, list[str]] = {}
    for flag in flags:
        named, found, text = flag.partition(": ")
        by_text.setdefault(text if found else flag, []).append(named if found else "")
    return " · ".join(
        f"{', '.join(n for n in names if n)}: {text}" if any(names) else text
        for text, names in by_text.items()
    )


def untested_note(result: Summary, verbose: bool = False) -> str | None:
    """Why a change marked ○, ◔ or ! has no test, for the marks in front of a change shown:
    ``○ ! change: not tested`` (the legend says what the marks are), or ``verbose``, in words."""
    changes = dict(zip(result.frame[result.key].cast(pl.String), result.frame[CHANGE], strict=True))
    changes[None] = result.totals.get(CHANGE)  # type: ignore[index]
    shown = {mark for m, mark in result.change_marks.items() if changes.get(m) is not None}
    if not shown:
        return None
    marks = [mark for mark in CHANGE_MARK_WORDS if mark in shown]
    if not verbose:
        return f"{' '.join(marks)} change: not tested"
    return "change not tested: " + ", ".join(f"{m} {CHANGE_MARK_WORDS[m]}" for m in marks)


def rate_ranking_notes(result: Summary, sort_column: str | None) -> list[str]:
    """A ranking by rate says what it cannot order: modelled rows (no established order) and
    partial rows (listed last, out of the ranking)."""
    if sort_column not in RATES or result.published_only:
        return []
    notes = []
    if result.modelled_rows:
        rows = result.modelled_rows
        plural = "s" if rows > 1 else ""
        notes.append(f"rate ranking has {rows} modelled row{plural} (○): order not established")
    if result.partial_rows:
        rows = result.partial_rows
        plural = "s" if rows > 1 else ""
        notes.append(f"rate ranking leaves out {rows} partial row{plural} (◔), listed last")
    return notes


def caveat_notes(result: Summary, sort_column: str | None = None) -> list[str]:
    """The notes that change how a number may be read and that no mark in the table says whole:
    the published-only view, what the total lacks, what a ranking by rate cannot order. The line
    under the table shows them first and whole, on any screen."""
    notes = [
        PUBLISHED_ONLY_LEGEND if result.published_only else None,
        missing_note(result),
        *rate_ranking_notes(result, sort_column),
    ]
    return [n for n in notes if n]


def modelled_notes(
    result: Summary, sort_column: str | None = None, verbose: bool = False, lead: bool = True
) -> list[str]:
    """What may not be quoted as measured, for the line under the table (short) and the CLI
    (``verbose``: with the reasons and the flagged figures): the published-only view and what is
    missing (unless ``lead`` is false: :func:`marks_and_gaps` says them first), untested
    changes, ranges and what a ranking by rate cannot order."""
    notes = [
        PUBLISHED_ONLY_LEGEND if result.published_only and lead else None,
        missing_note(result, verbose) if lead else None,
        flag_note(result) if verbose else None,
        untested_note(result, verbose),
        *_estimate_legends(result, verbose),
        *rate_ranking_notes(result, sort_column),
    ]
    return [n for n in notes if n]


def _estimate_legends(result: Summary, verbose: bool) -> list[str]:
    """What the interval and range columns say, when a modelled row shows them: the table shows
    the interval (the range is on the status line), the CLI both; or why there is no interval."""
    if not result.modelled_rows or result.published_only:
        return []
    likely = INTERVAL95_LOW in result.frame.columns
    ranged = RANGE_LOW in result.frame.columns
    return [
        INTERVAL_LEGEND if likely else result.interval_note,
        RANGE_LEGEND if ranged and (verbose or not likely) else "",
    ]


def change_basis_lines(result: Summary) -> list[str]:
    """Per row whose change is not over every force (or is not given), how it was computed:
    ``Change, 2021/22: change over the 42 forces with a figure in both years (...)``."""
    return [
        f"Change, {'total' if member is None else member}: {basis}"
        for member, basis in result.change_basis.items()
        if member is None or member in set(result.frame[result.key].cast(pl.String))
    ]


def rate_notes(result: Summary, titles: tuple[str, str] | None = None) -> list[str]:
    """What the two rates divide by (``titles``: their column headers, each rate on its own;
    none: both in one, as short as the line under the table needs), and why a rate is missing
    where one is."""
    notes = []
    if titles is None and result.rate_label and result.rate_children_label:
        both = f"{RESIDENTS_LABEL}, {CHILDREN_LABEL}"
        notes.append(f"Per 100k, 10k 0-17: {result.rate_label.replace(RESIDENTS_LABEL, both, 1)}")
    else:
        titles = titles or ("Per 100k", "Per 10k 0-17")
        if result.rate_label:
            notes.append(f"{titles[0]}: {result.rate_label}")
        if result.rate_children_label:
            notes.append(f"{titles[1]}: {result.rate_children_label}")
    if result.rate_note:
        notes.append(result.rate_note)
    return notes


def notes(
    result: Summary, sort_column: str | None = None, modelled: bool = True, rates: bool = True
) -> str:
    """What the compact headers mean for this summary, in one or two lines; ``modelled``: with
    the notes on modelled, partial and flagged numbers first (:func:`modelled_notes`); ``rates``:
    with what the rates divide by last (:func:`rate_notes`)."""
    parts = modelled_notes(result, sort_column) if modelled else []
    if result.change_label:
        parts.append(f"YoY: {result.change_label}")
    if result.has_not_recorded:
        parts.append(f"Sh. recorded: 'Not recorded' excluded ({recorded_base(result)})")
    if uncertainty_note(result):
        parts.append(f"{NOT_SIGNIFICANT} within chance (p ≥ 0.05)")
    if result.no_data:
        parts.append(NO_DATA_NOTE)
    if rates:
        parts += rate_notes(result)
    return " · ".join(parts)


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


def _modelled_words(result: Summary, member: str | None) -> tuple[str, str]:
    """A modelled count on the status line: its 95% interval first, then (after what the row
    lacks) its 80% interval and the range the published figures allow (the hard limit); or
    that the data has no draws to give one."""
    if result.interval_note:
        return "modelled: no interval (no model draws)", ""
    head, tail = "modelled", []
    shown = result.interval_of(member)
    if shown is not None:
        likely, eighty = interval_words(shown)
        head += f", {likely}"
        tail.append(eighty)
    allowed = result.range_of(member)
    if allowed is not None and not (shown is not None and allowed.fixed):
        tail.append(range_words(allowed))
    return head, ", ".join(t for t in tail if t)


def row_detail(result: Summary, member: str | None) -> str:
    """One line about a row (``None``: the total) for the status line: its mark, what it lacks
    and where its number comes from (what the mark says first), the flagged figures under it and
    how its change was computed (a narrow status line cuts from the end)."""
    parts = []
    later = ""
    coverage = result.coverage_of(member)
    partial = coverage is not None and coverage.partial
    provenance = result.provenance_of(member)
    if coverage is not None and not coverage.present:  # no figure at all: nothing more to say
        provenance = None
    if provenance is not None:
        text = provenance.describe()
        allowed = result.range_of(member)
        if provenance.status == MODELLED and result.published_only:
            text = "modelled: hidden (published only)"
        elif provenance.status == MODELLED and (allowed is not None or result.interval_note):
            text, later = _modelled_words(result, member)  # the 95% first, the rest after
        elif partial and provenance.figure is not None:  # not a published figure: a sum of them
            text = f"the sum of figures published in {provenance.figure.source_title}"
        elif partial:
            text = "derived from published figures"
        parts.append(text)
    if partial:  # what the mark says first: ◔ what is missing, ○ modelled
        modelled = provenance is not None and provenance.status == MODELLED
        parts.insert(1 if modelled else 0, coverage.describe())  # type: ignore[union-attr]
    flags = result.flags_of(member)
    named = [flag.partition(": ")[0] for flag in flags if ": " in flag]
    if flags and len(named) == len(flags):  # a sum: which figures (their flags are below it)
        parts.append(f"flagged: {', '.join(named)}")
    elif flags:
        parts.append(_grouped_flags(flags))
    if result.change_basis.get(member):
        parts.append(result.change_basis[member])
    if later:
        parts.append(later)
    changed = result.change_interval_of(member)
    if changed is not None:
        parts.append(change_interval_words(changed, result.change_words(member)))
    text = " · ".join(parts)
    return f"{result.mark_of(member)} {text}".strip() if text else ""


def shown_table(result: Summary, separator: str = "\t", markdown: bool = False) -> str:
    """The summary as the app shows it (compact columns, formatted cells, the totals row), as
    Markdown or as separated text (TSV), followed by what the headers mean; with a column of
    marks, its legend and the source (and address) of each published number when the dataset
    has them, as the CSV export and its sidecar do."""
    titles = column_titles(result, compact=True)
    columns = list(titles)
    rows = [
        [str(row[result.key])] + [row_cell(result, c, row) for c in columns[1:]]
        for row in result.frame.iter_rows(named=True)
    ]
    rows.append(["Total"] + [row_cell(result, c, result.totals) for c in columns[1:]])
    header = [titles[c] for c in columns]
    if result.marked:
        header.insert(2, "Provenance")
        for row in rows:
            member = None if row is rows[-1] else row[0]
            status = result.status_of(member) or ""
            row.insert(2, f"{result.mark_of(member)} {status}".strip())
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
    explained += legend_lines(result)
    flagged = flag_note(result)
    explained += [flagged] if flagged else []
    explained += sources_cited(result)
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
