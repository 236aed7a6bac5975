"""The inline chart (textual-plotext): bars by group, a line over years, or stacked bars.

Plotext draws the bars, lines, axes and the values. This widget decides the layout plotext
cannot: it sizes the plot so each bar sits on its own terminal line (plotext spreads bars over
the plot's full height, and at uneven heights neighbouring bars bleed into each other's rows),
keeps the table's order, says how many rows had no room, and draws the title and legend above
the plot so they never cover data.
"""

from __future__ import annotations

from math import ceil, floor, isnan, log10

from rich.console import RenderableType
from rich.text import Text
from textual_plotext import PlotextPlot

from tui.data.engine.charts import ChartData
from tui.data.engine.provenance import MARKERS
from tui.data.labels import safe_text
from tui.data.output.format import shorten
from tui.data.schema import DERIVED, MODELLED, PUBLISHED
from tui.widgets.funnel_plot import draw_funnel

COLOURS = (39, 208, 41, 170, 220, 196, 45, 135, 250, 130)
"""Series colours (xterm 256-colour numbers, which plotext and Rich both understand)."""
PARTIAL_COLOUR = 245
"""A partial bar (a force-year under it has no figure): grey, and the note says which."""
PARTIAL_MARKER = "◔"
"""A partial point of a line."""
BAR_WIDTH = 0.3
"""Bar thickness in category units: with one or two lines per bar, each bar is one line."""
MAX_LABEL = 20
PLOT_FRAME = 3
"""Lines plotext adds around the plot's canvas: top and bottom of the frame, x tick labels."""


def nice_ticks(top: float, most: int, whole: bool = True) -> list[float]:
    """Ticks from 0 in round steps (1, 2, 2.5, 5 x 10^n) up to ``top``, at most ``most``.

    ``whole``: counts get whole-number steps only.
    """
    if top <= 0:
        return [0.0]
    step = nice_step(top, most, whole)
    return [i * step for i in range(int(top / step + 1e-9) + 1)]


NICE_DIGITS = ("1", "2", "25", "5")
"""Steps of 1, 2, 2.5 or 5 x 10^n read best; other whole steps are taken when none fits."""
ROUND_TOPS = (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10)
"""Where an axis that must hold every value may end, times a power of ten."""


def ticks_covering(top: float, most: int) -> list[float]:
    """Whole-number ticks from 0 whose last one is the first round number (1, 1.2, 1.5, 2, 2.5,
    3, 4, 5, 6 or 8 x 10^n) at or above ``top``, in as many equal whole steps as fit in ``most``
    ticks (an axis that must hold every value: a line chart's y axis ends at 300 for 264)."""
    top = max(top, 1)
    magnitude = 10 ** floor(log10(top))
    end = next(m * magnitude for m in ROUND_TOPS if m * magnitude >= top - 1e-9)
    end = float(ceil(end))
    for round_enough in (NICE_DIGITS, None):
        for parts in range(max(most - 1, 1), 0, -1):
            step = end / parts
            digits = f"{int(step)}".rstrip("0")
            whole = step == int(step) and len(digits) <= 2
            if whole and (round_enough is None or digits in round_enough):
                return [i * step for i in range(parts + 1)]
    return [0.0, end]


def nice_step(top: float, most: int, whole: bool = True) -> float:
    """The round step (1, 2, 2.5, 5 x 10^n) that fits ``top`` in at most ``most`` ticks."""
    raw = top / max(most - 1, 1)
    magnitude = 10 ** floor(log10(raw))
    step = 10 * magnitude
    for factor in (1, 2, 2.5, 5, 10):
        candidate = factor * magnitude
        if candidate >= raw and (not whole or candidate == int(candidate)):
            step = candidate
            break
    if whole:
        step = max(float(ceil(step)), 1.0)
    return step


def tick_label(value: float, step: float) -> str:
    """A tick as people write it: ``2,000``, ``2.5``."""
    if step >= 1 and value == int(value):
        return f"{int(value):,}"
    decimals = max(0, -floor(log10(step)) + (1 if step * 10 ** -floor(log10(step)) % 1 else 0))
    return f"{value:,.{decimals}f}"


def value_label(value: float) -> str:
    """A bar's value: a count with thousands separators, or a rounded rate."""
    return f"{int(value):,}" if value == int(value) else f"{value:,.1f}"


WHISKER_NOTE = "├┤ modelled: 95% interval"
"""What a whisker is, beside the chart's title."""
WHISKER_COLOUR = 250
"""A modelled value's 95% interval: a light grey whisker across the bar's end (or the point)."""


def draw_whisker(
    plt: object, ends: tuple[float, float], at: float, horizontal: bool, bar_end: float = 0
) -> None:
    """A whisker from ``ends[0]`` to ``ends[1]`` at ``at`` (a bar's line, or a point's year),
    capped at both ends: ``├`` inside the bar and ``──┤`` past the bar's end (``bar_end``: the
    line never covers the bar, whose end is the count), ``┬ │ ┴`` through a point."""
    low, high = ends
    if horizontal:
        start = max(low, bar_end)
        if high > start:
            plt.plot([start, high], [at, at], marker="─", color=WHISKER_COLOUR)  # type: ignore[attr-defined]
        plt.scatter([low], [at], marker="├", color=WHISKER_COLOUR)  # type: ignore[attr-defined]
        plt.scatter([high], [at], marker="┤", color=WHISKER_COLOUR)  # type: ignore[attr-defined]
    else:
        plt.plot([at, at], [low, high], marker="│", color=WHISKER_COLOUR)  # type: ignore[attr-defined]
        plt.scatter([at], [low], marker="┴", color=WHISKER_COLOUR)  # type: ignore[attr-defined]
        plt.scatter([at], [high], marker="┬", color=WHISKER_COLOUR)  # type: ignore[attr-defined]


class Chart(PlotextPlot):
    """Draws a :class:`ChartData`; laid out again whenever its size changes."""

    DEFAULT_CSS = """
    Chart { height: 1fr; min-height: 8; }
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.data: ChartData | None = None
        self.shown = 0
        """Categories (bars) or lines drawn at the last render."""
        self._drawn: tuple[tuple[object, ...], RenderableType] | None = None

    def show(self, data: ChartData) -> None:
        """Replace the chart with ``data`` (nothing to redraw when it is what is shown)."""
        if data == self.data:
            return
        self.data = data
        self.refresh()

    def render(self) -> RenderableType:
        """The chart as last drawn when nothing it depends on changed (a layout pass elsewhere
        asks again; plotext takes tens of milliseconds), else drawn anew."""
        key = (self.data, self.size.width, self.size.height, self.app.theme)
        if self._drawn is None or self._drawn[0] != key:
            self._drawn = (key, self._draw())
        return self._drawn[1]

    def _draw(self) -> RenderableType:
        """The title and legend lines, then the plot sized for the space left."""
        data, width, height = self.data, self.size.width, self.size.height
        if data is None or width < 20 or height < 4:
            return Text("")
        header = Text(safe_text(data.title), style="bold", no_wrap=True, overflow="ellipsis")
        plt = self.plt
        plt.clear_figure()
        if not data.categories:
            return header + Text("\n" + safe_text(data.note or "Nothing to chart: no rows match"))
        if data.kind == "line":
            legend, plot_height, more = self._draw_line(data, width, height)
        elif data.kind == "funnel":
            legend, plot_height, more = draw_funnel(plt, data, width, height)
        else:
            legend, plot_height, more = self._draw_bars(data, width, height)
        said = (
            data.note,
            WHISKER_NOTE if data.intervals else "",
            f"{more:,} more not shown" if more else "",
        )
        notes = safe_text(" · ".join(n for n in said if n))  # the note names members (◔ partial)
        if notes and len(data.title) + 3 + len(notes) <= width:
            header.append(" · " + notes, style="italic")
            notes = ""
        beside = data.kind == "line" and legend is not None
        if beside and legend and header.cell_len + 3 + legend.cell_len <= width:
            header.append(" · ").append_text(legend)  # the line gets the legend's line
            plot_height += 1
        elif legend:
            header.append("\n").append_text(legend)
        if notes:
            header.append("\n" + notes, style="italic")
        # As textual-plotext's own render does, but for the height the bars need.
        self._plot.plotsize(width, plot_height)
        self._plot._set_size(width, plot_height)
        self._plot.theme(self._get_plotext_theme_name(self.app.theme))
        return header + Text("\n") + Text.from_ansi(plt.build())

    @staticmethod
    def _header_lines(data: ChartData, width: int, legend: bool, more: bool) -> int:
        """Title (with the notes when they fit beside it), legend, notes on their own line."""
        said = (
            data.note,
            WHISKER_NOTE if data.intervals else "",
            "9,999 more not shown" if more else "",
        )
        notes = " · ".join(n for n in said if n)
        return 1 + legend + bool(notes and len(data.title) + 3 + len(notes) > width)

    def _legend(self, names: list[str], width: int) -> Text:
        legend = Text(no_wrap=True, overflow="ellipsis")
        for index, name in enumerate(names):
            legend.append(
                ("  " if index else "") + "■ ", style=f"color({COLOURS[index % len(COLOURS)]})"
            )
            legend.append(safe_text(name))
        legend.truncate(width, overflow="ellipsis")
        return legend

    def _draw_bars(self, data: ChartData, width: int, height: int) -> tuple[Text | None, int, int]:
        """Horizontal bars, one per line, top to bottom in the table's order, values at the ends."""
        plt = self.plt
        stacked = data.kind == "stacked"
        total = len(data.categories) + data.not_shown
        header = self._header_lines(data, width, stacked, more=False)
        room = height - header - PLOT_FRAME
        if len(data.categories) > room:  # the note line takes a bar's place
            header = self._header_lines(data, width, stacked, more=True)
            room = height - header - PLOT_FRAME
        shown = max(min(len(data.categories), room), 0)
        self.shown = shown
        if shown == 0:
            return None, 1, total
        names = shorten(
            [safe_text(c) for c in data.categories[:shown]], min(MAX_LABEL, max(width // 3, 8))
        )
        values = [list(v[:shown]) for _, v in data.series]
        sums = [sum(column) for column in zip(*values, strict=True)]
        # two lines per bar leave a gap between bars when there is room; plotext puts the first
        # and last category exactly on the canvas' first and last line, so every bar is one line
        lines = 2 * shown - 1 if 2 * shown - 1 <= room else shown
        positions = list(range(shown, 0, -1))
        canvas = width - max(len(n) for n in names) - 2
        whiskers = {c: (low, high) for _, c, low, high in data.intervals}
        ends = [
            max(v, whiskers.get(c, (v, v))[1]) for v, c in zip(sums, data.categories, strict=False)
        ]
        widest = max(len(value_label(v)) for v in sums)
        top = max(max(ends), 1)
        right = top * (canvas - 1) / max(canvas - 3 - widest, 1)
        if stacked:
            plt.stacked_bar(
                positions,
                values,
                orientation="horizontal",
                width=BAR_WIDTH,
                color=[COLOURS[i % len(COLOURS)] for i in range(len(values))],
            )
        else:
            partial = {c for _, c in data.partial}
            for grey in (False, True):  # a partial bar in grey: not the whole
                chosen = [
                    (p, v)
                    for p, v, name in zip(positions, values[0], data.categories, strict=False)
                    if (name in partial) is grey
                ]
                if chosen:
                    plt.bar(
                        [p for p, _ in chosen],
                        [v for _, v in chosen],
                        orientation="horizontal",
                        width=BAR_WIDTH,
                        color=PARTIAL_COLOUR if grey else COLOURS[0],
                    )
        for position, name, value in zip(positions, data.categories, sums, strict=False):
            if name in whiskers:
                draw_whisker(plt, whiskers[name], position, horizontal=True, bar_end=value)
        for position, value, end in zip(positions, sums, ends, strict=True):
            plt.text(value_label(value), x=end + right / (canvas - 1), y=position, alignment="left")
        ticks = nice_ticks(right, max(canvas // 10, 3), whole=all(v == int(v) for v in sums))
        step = ticks[1] - ticks[0] if len(ticks) > 1 else 1
        plt.xticks(ticks, [tick_label(t, step) for t in ticks])
        plt.yticks(positions, names)
        plt.xlim(0, right)
        if shown == 1:
            plt.ylim(0, 2)
            lines = 3
        else:
            plt.ylim(1, shown)
        legend = self._legend([n for n, _ in data.series], width) if stacked else None
        return legend, lines + PLOT_FRAME, total - shown

    def _draw_line(self, data: ChartData, width: int, height: int) -> tuple[Text | None, int, int]:
        """One line per series over the years, each point marked where its number comes from
        (● published, ◐ derived, ○ modelled); the legend is a line of text above the plot."""
        plt = self.plt
        several = len(data.series) > 1
        marked = any(any(series) for series in data.marks)
        header = self._header_lines(data, width, several or marked, bool(data.not_shown))
        positions = list(range(1, len(data.categories) + 1))
        values = [v for _, series in data.series for v in series if not isnan(v)]
        values += [high for _, _, _, high in data.intervals]
        top = max(max(values, default=0), 1)
        ticks = ticks_covering(top, max((height - header - PLOT_FRAME) // 3, 2))
        step = ticks[1] - ticks[0]
        partial = set(data.partial)
        for _, year, low, high in data.intervals:  # behind the line: a modelled point's 95%
            draw_whisker(plt, (low, high), positions[data.categories.index(year)], False)
        for index, (name, series) in enumerate(data.series):
            colour = COLOURS[index % len(COLOURS)]
            for segment in _segments(positions, series):  # no point where there is no figure
                xs, ys = zip(*segment, strict=True)
                plt.plot(list(xs), list(ys), color=colour, marker="braille")
            known = index < len(data.marks) and data.marks[index]
            marks = data.marks[index] if known else ("",) * len(series)
            points = list(zip(positions, series, data.categories, marks, strict=True))
            # a partial point its own marker (the note says which); the others their mark
            for marker, chosen in (
                (PARTIAL_MARKER, [(x, y) for x, y, c, _ in points if (name, c) in partial]),
                *(
                    (
                        MARKERS[status],
                        [
                            (x, y)
                            for x, y, c, m in points
                            if m == status and (name, c) not in partial
                        ],
                    )
                    for status in (PUBLISHED, DERIVED, MODELLED)
                ),
            ):
                chosen = [(x, y) for x, y in chosen if not isnan(y)]
                if chosen:
                    plt.scatter(*map(list, zip(*chosen, strict=True)), color=colour, marker=marker)
        # label every k-th year so that the labels fit: plotext would drop some on its own,
        # and which ones it drops is not the same from one run to the next
        room = max(width - max(len(tick_label(t, step)) for t in ticks) - 4, 1)
        label_width = max(len(c) for c in data.categories) + 4
        every = max(1, -(-len(positions) * label_width // room))
        plt.xticks(positions[::every], [safe_text(c) for c in data.categories][::every])
        plt.yticks(ticks, [tick_label(t, step) for t in ticks])
        plt.ylim(0, ticks[-1])
        self.shown = len(data.series)
        names = shorten([n for n, _ in data.series], MAX_LABEL)
        legend = self._legend(names, width) if several else Text(no_wrap=True)
        if marked:
            present = {m for series in data.marks for m in series if m}
            for status in (PUBLISHED, DERIVED, MODELLED):
                if status in present:
                    legend.append(("  " if legend.plain else "") + f"{MARKERS[status]} {status}")
            legend.truncate(width, overflow="ellipsis")
        return (
            legend if legend.plain else None,
            max(height - header, PLOT_FRAME + 2),
            data.not_shown,
        )


def _segments(positions: list[int], series: tuple[float, ...]) -> list[list[tuple[int, float]]]:
    """The runs of a line between the years with no figure (``nan``): each drawn on its own, so
    a gap reads as a gap, never as a fall to 0."""
    runs: list[list[tuple[int, float]]] = [[]]
    for x, y in zip(positions, series, strict=True):
        if isnan(y):
            runs.append([])
        else:
            runs[-1].append((x, y))
    return [run for run in runs if run]
