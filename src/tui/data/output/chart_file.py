"""A chart for print and the web, drawn with matplotlib from a :class:`.chart_plan.ChartPlan`:
bars, a line over years or stacked bars; title, subtitle (filters, years) and a source line naming
the publishers; published numbers solid, derived ones hatched, modelled ones hollow, with the
● ◐ ○ legend; the engine's intervals as whiskers; the Okabe-Ito colour-blind-safe palette. SVG
(its text kept as text, so the title and source can be searched and edited), PNG and PDF, at web
size (800 x 500 pixels) or print size (180 x 120 mm at 300 dpi).

matplotlib is the optional ``chart`` extra: reach this module through :mod:`.chart`, which says
how to install it when it is missing.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import BinaryIO

import matplotlib as mpl
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from tui.data.atomic import write_atomically
from tui.data.output.chart_plan import ChartPlan, Point, chart_format, figure_size
from tui.data.schema import DERIVED, MODELLED, PUBLISHED

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
"""Okabe & Ito (2008): told apart with every common colour-vision deficiency."""
INK = "#222222"
STYLE = {
    "svg.fonttype": "none",  # text stays text: the title and source can be found and edited
    "pdf.fonttype": 42,  # TrueType fonts embedded whole
    "font.family": "DejaVu Sans",  # has ● ◐ ○ ◔
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": INK,
    "text.color": INK,
}


def render(figure: Figure, target: Path | BinaryIO, fmt: str) -> None:
    """Save ``figure`` as ``fmt`` (svg, png, pdf) to a path or an open binary file."""
    with mpl.rc_context(STYLE):
        figure.savefig(target, format=fmt, dpi=figure.dpi)


def write_chart(
    figure: Figure, path: Path, fmt: str | None = None, overwrite: bool = False
) -> Path:
    """Write ``figure`` to ``path`` whole or not at all (an existing file needs ``overwrite``)."""
    chosen = chart_format(path, fmt)
    write_atomically(path, lambda staged: render(figure, staged, chosen), overwrite)
    return path


def draw(plan: ChartPlan, size: str = "web") -> Figure:
    """A figure for ``plan``: the bars or lines, the marks' legend, the title block and source."""
    width, height, dpi = figure_size(size)
    with mpl.rc_context(STYLE):
        figure = Figure(figsize=(width, height), dpi=dpi, layout="constrained")
        axes = figure.add_subplot()
        horizontal = plan.kind != "line" and len(plan.categories) > 10
        if plan.kind == "line":
            _draw_lines(axes, plan)
        else:
            _draw_bars(axes, plan, horizontal)
        _legend(axes, plan)
        characters = int(width * 9)
        figure.suptitle(
            textwrap.fill(plan.title, characters), x=0.01, ha="left", fontsize=13, fontweight="bold"
        )
        axes.set_title(textwrap.fill(plan.subtitle, int(width * 15)), loc="left", fontsize=8.5)
        figure.supxlabel(textwrap.fill(plan.source, int(width * 17)), x=0.01, ha="left", fontsize=7)
        value_axis = axes.xaxis if horizontal else axes.yaxis
        value_axis.set_major_formatter(mpl.ticker.StrMethodFormatter("{x:,.0f}"))
        (axes.set_xlabel if horizontal else axes.set_ylabel)(plan.measure)
        axes.grid(axis="x" if horizontal else "y", color="#dddddd", linewidth=0.6)
        axes.set_axisbelow(True)
    return figure


def _look(status: str | None, colour: str, stacked: bool = False) -> dict:
    """How a bar with ``status`` is filled: published solid, derived hatched, modelled hollow
    (in stacked bars lightly tinted, so that the series can be told apart)."""
    if status == MODELLED:
        face = _tint(colour) if stacked else "white"
        return {"facecolor": face, "edgecolor": colour, "linewidth": 1.4}
    if status in (PUBLISHED, DERIVED, None):
        hatch = "////" if status == DERIVED else None
        return {"facecolor": colour, "edgecolor": "white" if hatch else colour, "hatch": hatch}
    return {"facecolor": "white", "edgecolor": colour, "hatch": "....", "linewidth": 1.4}


def _tint(colour: str, strength: float = 0.25) -> str:
    """``colour`` mixed with white."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    mixed = (round(255 - (255 - c) * strength) for c in (red, green, blue))
    return "#" + "".join(f"{c:02x}" for c in mixed)


def _draw_bars(axes: Axes, plan: ChartPlan, horizontal: bool) -> None:
    """Bars (or stacked bars) in the table's order, each labelled with its value and mark."""
    positions = {c: i for i, c in enumerate(plan.categories)}
    base = dict.fromkeys(plan.categories, 0.0)
    colours = {s: PALETTE[i % len(PALETTE)] for i, s in enumerate(plan.series)}
    place = axes.barh if horizontal else axes.bar
    for index, point in enumerate(plan.points):
        where = positions[point.category]
        (bar,) = place(
            where,
            point.value,
            0.7,
            base[point.category],
            **_look(point.status, colours[point.series], plan.kind == "stacked"),
        )
        bar.set_gid(f"bar-{point.status or 'unmarked'}-{index}")
        base[point.category] += point.value
        if plan.kind != "stacked":
            _whisker(axes, where, point, horizontal, f"{index}")
    if plan.kind != "stacked":
        for point in plan.points:
            _label(axes, positions[point.category], point, plan, horizontal)
    ticks = list(range(len(plan.categories)))
    if horizontal:
        axes.set_yticks(ticks, plan.categories, fontsize=8)
        axes.invert_yaxis()  # the table's first row on top
    else:
        axes.set_xticks(ticks, plan.categories, fontsize=8, rotation=0 if len(ticks) < 9 else 45)


def _whisker(axes: Axes, where: float, point: Point, horizontal: bool, name: str) -> None:
    """The point's interval as a whisker (``interval-NAME``, its caps ``interval-NAME-cap-K``)."""
    if point.low is None or point.high is None:
        return
    spread = [[point.value - point.low], [point.high - point.value]]
    lines = axes.errorbar(
        point.value if horizontal else where,
        where if horizontal else point.value,
        xerr=spread if horizontal else None,
        yerr=None if horizontal else spread,
        fmt="none",
        ecolor=INK,
        elinewidth=0.9,
        capsize=2.5,
    )
    for whisker in lines.lines[2]:
        whisker.set_gid(f"interval-{name}")
    for number, cap in enumerate(lines.lines[1]):
        cap.set_gid(f"interval-{name}-cap-{number}")


def _label(axes: Axes, where: float, point: Point, plan: ChartPlan, horizontal: bool) -> None:
    text = f"{point.value:,.0f} {plan.marker(point.status)}".rstrip()
    end = point.high if point.high is not None else point.value
    options = {"fontsize": 7, "color": INK}
    if horizontal:
        axes.annotate(
            text, (end, where), xytext=(3, 0), textcoords="offset points", va="center", **options
        )
    else:
        axes.annotate(
            text, (where, end), xytext=(0, 3), textcoords="offset points", ha="center", **options
        )


def _draw_lines(axes: Axes, plan: ChartPlan) -> None:
    """One line per series over the years; each point filled, hatched or hollow by its mark."""
    positions = {c: i for i, c in enumerate(plan.categories)}
    for number, series in enumerate(plan.series):
        colour = PALETTE[number % len(PALETTE)]
        points = [p for p in plan.points if p.series == series]
        xs = [positions[p.category] for p in points]
        (line,) = axes.plot(
            xs, [p.value for p in points], color=colour, linewidth=1.6, label=series
        )
        line.set_gid(f"line-{number}")
        for index, point in enumerate(points):
            (dot,) = axes.plot(
                positions[point.category],
                point.value,
                markersize=6,
                markeredgewidth=1.4,
                linestyle="none",
                **_dot(point.status, colour),
            )
            dot.set_gid(f"point-{point.status or 'unmarked'}-{number}-{index}")
            _whisker(axes, positions[point.category], point, False, f"{number}-{index}")
            if len(plan.series) == 1:
                _label(axes, positions[point.category], point, plan, horizontal=False)
    axes.set_xticks(list(positions.values()), list(positions), fontsize=8)
    axes.set_ylim(bottom=0)


def _dot(status: str | None, colour: str) -> dict:
    """How a point with ``status`` is drawn: ● published, ◐ derived (half filled), ○ modelled
    (hollow), any other mark partly filled."""
    if status == MODELLED:
        face, fill = "white", "full"
    else:  # another mark the engine gives (a partial sum): a quarter-filled look, like ◔
        face = colour
        fill = {PUBLISHED: "full", DERIVED: "left", None: "full"}.get(status, "bottom")
    return {
        "marker": "o",
        "color": colour,
        "markerfacecolor": face,
        "markerfacecoloralt": "white",
        "fillstyle": fill,
    }


def _legend(axes: Axes, plan: ChartPlan) -> None:
    """The marks (● published, ◐ derived, ○ modelled hollow), the whiskers and the series."""
    colour = PALETTE[0] if len(plan.series) == 1 else "#777777"
    handles: list = []
    for status in plan.statuses:
        hollow = " (light)" if plan.kind == "stacked" else " (hollow)"
        text = f"{plan.marker(status)} {status}" + (hollow if status == MODELLED else "")
        if plan.kind == "line":
            handles.append(Line2D([], [], linestyle="none", label=text, **_dot(status, colour)))
        else:
            handles.append(Patch(label=text, **_look(status, colour, plan.kind == "stacked")))
    if plan.interval:
        handles.append(Line2D([], [], color=INK, marker="|", linewidth=0.9, label=plan.interval))
    if len(plan.series) > 1:
        for number, series in enumerate(plan.series):
            shade = PALETTE[number % len(PALETTE)]
            if plan.kind == "line":
                handles.append(Line2D([], [], color=shade, linewidth=1.6, label=series))
            else:
                handles.append(Patch(facecolor=shade, label=series))
    if handles:
        axes.legend(handles=handles, fontsize=7, frameon=False, loc="best")
