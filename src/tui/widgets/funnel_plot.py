"""Drawing a funnel plot with plotext (for :class:`tui.widgets.chart.Chart`): force rates as points
against population on a log axis, the national rate, and the 95% and 99.8% control limits."""

from __future__ import annotations

import math
from typing import Any

from rich.text import Text

from tui.data.engine.charts import ChartData

NATIONAL, INNER, OUTER = 250, 39, 208
"""Line colours (xterm 256): national rate, 95% limits, 99.8% limits."""
INSIDE_POINT, OUTSIDE_POINT = 41, 196
POINT = {False: "●", True: "◆"}
"""A force inside the 99.8% limits, and outside them: two shapes, readable without colour."""
HOLLOW = {False: "○", True: "◇"}
"""The same for a modelled count, drawn hollow."""
PLOT_FRAME = 3


def _population_tick(value: float) -> str:
    return f"{value / 1e6:g}m" if value >= 1e6 else f"{value / 1e3:g}k"


def draw_funnel(plt: Any, data: ChartData, width: int, height: int) -> tuple[Text, int, int]:
    """Draw ``data`` (series as in :data:`tui.data.features.funnel.FUNNEL_SERIES`) on ``plt``.

    Returns the legend line, the plot height and 0 (every force is drawn).
    """
    series = dict(data.series)
    population = list(series["population"])
    rate = series["rate"]
    inner = list(zip(series["95% low"], series["95% high"], strict=True))
    outer = list(zip(series["99.8% low"], series["99.8% high"], strict=True))
    outside = [r < lo or r > hi for r, (lo, hi) in zip(rate, outer, strict=True)]
    modelled = [bool(m) for m in series.get("modelled", (0.0,) * len(rate))]
    plt.xscale("log")
    plt.plot(population, list(series["national"]), color=NATIONAL, marker="braille")
    for limits, colour in ((inner, INNER), (outer, OUTER)):
        plt.plot(population, [lo for lo, _ in limits], color=colour, marker="braille")
        plt.plot(population, [hi for _, hi in limits], color=colour, marker="braille")
    for flag, colour in ((False, INSIDE_POINT), (True, OUTSIDE_POINT)):
        # outside the limits another shape, not only another colour; a modelled count hollow
        for hollow, marker in ((False, POINT[flag]), (True, HOLLOW[flag])):
            chosen = [
                (x, y)
                for x, y, o, m in zip(population, rate, outside, modelled, strict=True)
                if o is flag and m is hollow
            ]
            if chosen:
                plt.scatter(
                    [x for x, _ in chosen], [y for _, y in chosen], color=colour, marker=marker
                )
    top = max(max(rate), max(hi for _, hi in inner)) * 1.05
    plt.ylim(0, top)
    low, high = min(population), max(population)
    ticks = [10**e for e in range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1)]
    ticks = [t for t in ticks if low / 10 < t < high * 10]
    plt.xticks(ticks, [_population_tick(t) for t in ticks])
    legend = Text(no_wrap=True, overflow="ellipsis")
    legend.append(f"{POINT[False]} ", style=f"color({INSIDE_POINT})").append("force  ")
    legend.append(f"{POINT[True]} ", style=f"color({OUTSIDE_POINT})").append("outside 99.8%  ")
    if any(modelled):  # early, so that a narrow chart still says what a hollow point is
        legend.append(f"{HOLLOW[True]} {HOLLOW[False]} ", style=f"color({INSIDE_POINT})")
        legend.append("modelled  ")
    for name, colour in (
        ("national", NATIONAL),
        ("95%", INNER),
        ("99.8%", OUTER),
    ):
        legend.append("■ ", style=f"color({colour})").append(name + "  ")
    legend.truncate(width, overflow="ellipsis")
    header = 2 + (len(data.title) + 3 + len(data.note) > width)
    return legend, max(height - header, PLOT_FRAME + 4), 0
