"""What a chart for print shows, before anything is drawn: its bars or points with their values,
marks (published, derived, modelled) and intervals, its title, subtitle and source line, all from
the engine, and the sizes and formats a chart is written in. :mod:`.chart_file` draws it with
matplotlib (the optional ``chart`` extra, reached through :mod:`.chart`); the plan needs no plotting
library, so it is tested on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import polars as pl

from tui import __version__
from tui.data.dataset import DataError, Dataset
from tui.data.engine.charts import LINE_SERIES, stack_dimension
from tui.data.engine.query import chart_data, summary
from tui.data.engine.table import HIGH, LOW, PARTIAL_LEGEND, Summary
from tui.data.features.quote import offence_of, period_years, subject_of
from tui.data.features.quote_sources import PUBLISHER, source_of
from tui.data.output.export_record import filters_text
from tui.data.schema import DERIVED, MARKS, MODELLED, PARTIAL, PUBLISHED, YEAR, label
from tui.data.selection import Selection

PRINT_KINDS = ("bar", "line", "stacked")
MAX_BARS = 25
"""Bars drawn by default: as many as a web chart (500 pixels high) labels legibly; a taller chart
draws more (:func:`bars_that_fit`)."""
MAX_STACKS = 8
"""Stacked series drawn at most: the colour-blind-safe palette has eight colours; the smallest
series beyond are drawn together as one 'Other' series."""
SIZES = {"web": (8.0, 5.0, 100), "print": (180 / 25.4, 120 / 25.4, 300)}
"""Width and height in inches, and dots per inch: web 800 x 500 px; print 180 x 120 mm, 300 dpi."""
CHART_FORMATS = {".svg": "svg", ".png": "png", ".pdf": "pdf"}
PIXELS = re.compile(r"^(\d{2,5})x(\d{2,5})$")


@dataclass(frozen=True)
class Point:
    """One bar, stacked segment or point on a line."""

    category: str
    series: str
    value: float
    status: str | None
    """published, derived, modelled (or another mark the engine gives); ``None``: not known."""
    low: float | None = None
    high: float | None = None
    """The interval the engine gives for the number (none for a modelled count)."""
    publisher: str | None = None
    """Who published the number, when it is published."""


@dataclass(frozen=True)
class ChartPlan:
    """Everything a print chart shows, in the order it is read."""

    kind: str
    title: str
    subtitle: str
    source: str
    measure: str
    categories: tuple[str, ...]
    series: tuple[str, ...]
    points: tuple[Point, ...]
    statuses: tuple[str, ...]
    """The marks present, weakest last (their legend)."""
    interval: str | None
    """What the whiskers are, when some point has one."""

    def marker(self, status: str | None) -> str:
        """The symbol beside a number with ``status`` (none when the dataset has no marks)."""
        return MARKS.get(status, "") if status else ""


def figure_size(size: str) -> tuple[float, float, int]:
    """``web``, ``print`` or ``WIDTHxHEIGHT`` in pixels (at 100 dpi) as (inches, inches, dpi)."""
    if size in SIZES:
        return SIZES[size]
    found = PIXELS.match(size)
    if not found:
        raise DataError(f"unknown chart size '{size}' (known: web, print, or pixels as 1200x675)")
    return int(found[1]) / 100, int(found[2]) / 100, 100


def bars_that_fit(size: str) -> int:
    """Bars a chart of ``size`` labels legibly: five an inch of height (25 on the web)."""
    return int(figure_size(size)[1] * 5)


def chart_format(path: Path, requested: str | None = None) -> str:
    """The file format: as requested (agreeing with the extension), else from the extension."""
    by_suffix = CHART_FORMATS.get(path.suffix.lower())
    if requested:
        wanted = requested.lower().lstrip(".")
        if wanted not in CHART_FORMATS.values():
            raise DataError(f"unknown chart format '{requested}' (known: svg, png, pdf)")
        if by_suffix not in (None, wanted):
            raise DataError(f"{path.name}: the extension does not match --format {requested}")
        return wanted
    if by_suffix is None:
        raise DataError(f"{path.name}: a chart is written as .svg, .png or .pdf")
    return by_suffix


def plan_chart(
    dataset: Dataset,
    selection: Selection,
    kind: str = "bar",
    title: str | None = None,
    bars: int = MAX_BARS,
) -> ChartPlan:
    """The print chart of ``selection``: ``kind`` bar, line or stacked (the engine falls back to
    bars where the selection cannot be drawn so, and the subtitle says why)."""
    if kind not in PRINT_KINDS:
        raise DataError(f"unknown chart kind '{kind}' (known: {', '.join(PRINT_KINDS)})")
    drawn = chart_data(dataset, selection, kind)
    result = summary(dataset, selection)
    if drawn.kind == "line":
        points, categories, series = _line_points(dataset, selection, result, drawn.series)
    elif drawn.kind == "stacked":
        points, categories, series = _stacked_points(dataset, selection, drawn.categories[:bars])
    else:
        points, categories, series = _bar_points(result, bars)
    shown = {p.category for p in points}
    left_out = result.frame.height - len(shown) if drawn.kind != "line" else drawn.not_shown
    notes = [drawn.note] if drawn.note else []
    if left_out > 0 and not drawn.note.startswith("published only"):
        notes.append(f"{left_out} more not shown")
    statuses = tuple(s for s in MARKS if any(p.status == s for p in points))
    has_interval = any(p.low is not None for p in points)
    return ChartPlan(
        kind=drawn.kind,
        title=title or _title(dataset, selection),
        subtitle=_subtitle(dataset, selection, notes),
        source=_source_line(dataset, result, points, statuses),
        measure=label(selection.measure),
        categories=categories,
        series=series,
        points=tuple(points),
        statuses=statuses,
        interval="95% interval of the count (exact Poisson)" if has_interval else None,
    )


def _point(
    result: Summary, row: dict, category: str, series: str, member: str, whiskers: bool = True
) -> Point:
    """The point of ``member``'s row of ``result``, with its mark (◔ partial before the mark of
    the figures under it) and who published it."""
    status = result.status_of(member)
    figure = getattr(result.provenance_of(member), "figure", None) if status == PUBLISHED else None
    return Point(
        category,
        series,
        float(row[result.measure]),
        status,
        row.get(LOW) if whiskers else None,
        row.get(HIGH) if whiskers else None,
        publisher_of(figure.source_title, figure.source_url) if figure is not None else None,
    )


def _rows(result: Summary) -> list[dict]:
    """The summary's rows with a number (a published-only view blanks the modelled ones)."""
    return result.frame.filter(pl.col(result.measure).is_not_null()).to_dicts()


def _bar_points(
    result: Summary, bars: int = MAX_BARS
) -> tuple[list[Point], tuple[str, ...], tuple[str, ...]]:
    points = [
        _point(result, row, str(row[result.key]), result.measure, str(row[result.key]))
        for row in _rows(result)[:bars]
    ]
    return points, tuple(p.category for p in points), (result.measure,)


def _line_points(
    dataset: Dataset, selection: Selection, result: Summary, drawn: tuple
) -> tuple[list[Point], tuple[str, ...], tuple[str, ...]]:
    """One line over the years, or one per group (the engine's first :data:`LINE_SERIES`), each
    point with its own mark and interval (a group's year is a summary of its own)."""
    if selection.group_by == YEAR:
        points, years, _ = _bar_points(result)
        return points, years, (result.measure,)
    points = []
    groups = [name for name, _ in drawn][:LINE_SERIES]
    for group in groups:
        by_year = summary(
            dataset, selection.with_filter(selection.group_by, (group,)).grouped_by(YEAR)
        )
        points += [
            _point(by_year, row, str(row[YEAR]), group, str(row[YEAR])) for row in _rows(by_year)
        ]
    years = tuple(y for y in dataset.members(YEAR) if any(p.category == y for p in points))
    return points, years, tuple(groups)


def _stacked_points(
    dataset: Dataset, selection: Selection, categories: tuple[str, ...]
) -> tuple[list[Point], tuple[str, ...], tuple[str, ...]]:
    """Each bar split by the engine's stack dimension (age band or platform), each segment with
    its own mark; no whiskers (a segment's interval says nothing about the stack)."""
    stack = stack_dimension(dataset, selection)
    assert stack is not None  # the engine drew stacked bars
    points = []
    for category in categories:
        split = summary(
            dataset, selection.with_filter(selection.group_by, (category,)).grouped_by(stack)
        )
        points += [
            _point(split, row, category, str(row[stack]), str(row[stack]), whiskers=False)
            for row in _rows(split)
        ]
    totals: dict[str, float] = {}
    for point in points:
        totals[point.series] = totals.get(point.series, 0) + point.value
    order = [m for m in dataset.members(stack) if m in totals]
    if len(order) > MAX_STACKS:
        kept = sorted(order, key=lambda m: -totals[m])[: MAX_STACKS - 1]
        order = [m for m in order if m in kept]
        points = _fold_others(points, set(kept), categories)
        order.append(OTHER)
    return points, categories, tuple(order)


OTHER = "Other"


def _fold_others(points: list[Point], kept: set[str], categories: tuple[str, ...]) -> list[Point]:
    """The series outside ``kept`` added up into one 'Other' segment per bar, as weak as its
    weakest part."""
    folded = [p for p in points if p.series in kept]
    for category in categories:
        parts = [p for p in points if p.category == category and p.series not in kept]
        if parts:
            statuses = [p.status for p in parts]
            weakest = next((s for s in (MODELLED, DERIVED) if s in statuses), statuses[0])
            folded.append(Point(category, OTHER, sum(p.value for p in parts), weakest))
    return folded


def _title(dataset: Dataset, selection: Selection) -> str:
    """``Sexual communication with a child: offences recorded by Kent Police, by year``."""
    offence = offence_of(dataset, selection)
    what = label(selection.measure).lower()
    subject = subject_of(dataset, selection)
    if subject.startswith("Police "):  # not a force's name: mid-sentence
        subject = "p" + subject[1:]
    return (
        f"{offence[0].upper()}{offence[1:]}: {what} recorded by {subject}, "
        f"by {label(selection.group_by).lower()}"
    )


def _subtitle(dataset: Dataset, selection: Selection, notes: list[str]) -> str:
    """The filters and the years, and why the chart is not quite what was asked, if it is not."""
    years = period_years(dataset, selection)
    span = "" if not years else years[0] if len(years) == 1 else f"{years[0]} to {years[-1]}"
    parts = [f"Filters: {filters_text(selection)}", *([span] if span else []), *notes]
    if selection.published_only:
        parts.append("published only: modelled numbers left out")
    return " · ".join(parts)


def publisher_of(title: str, url: str) -> str:
    """Who published a figure: the ``(Publisher)`` its title ends with, else the address's site."""
    found = PUBLISHER.match(title)
    if found:
        return found["publisher"].split(";")[0].split(",")[0].strip()
    host = urlparse(url).netloc
    return re.sub(r"^www\.", "", host) or title


def _source_line(
    dataset: Dataset, result: Summary, points: list[Point], statuses: tuple[str, ...]
) -> str:
    """``Source: NSPCC, BBC (police data by Freedom of Information) ...``: who published the
    numbers shown, what the marks mean, and what made the chart."""
    publishers = sorted({p.publisher for p in points if p.publisher})
    if result.provenance is None:
        own = source_of(dataset)
        origin = str(own) if own else dataset.name
        return f"Source: {origin}. Chart: scwc {__version__}"
    if publishers:
        origin = f"police figures published by {', '.join(publishers)}"
    else:
        origin = "police figures published by the sources 'scwc sources' lists"
    parts = [f"Source: {origin}"]
    if DERIVED in statuses:
        parts.append(f"{MARKS[DERIVED]} Derived: sums and differences of published figures")
    if MODELLED in statuses:
        parts.append(f"{MARKS[MODELLED]} Modelled: an estimate, not an official statistic")
    if PARTIAL in statuses:
        missing = result.coverage_of(None)
        named = f" ({missing.describe()})" if missing is not None and missing.partial else ""
        parts.append(f"{PARTIAL_LEGEND[0].upper()}{PARTIAL_LEGEND[1:]}{named}")
    return ". ".join(parts) + f". Chart: scwc {__version__}"
