"""What a chart draws: the engine's chart data, the shape a registered chart kind returns, the
kinds ``k`` cycles through and the cross-tabulations stacked bars and lines are drawn from."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from tui.data.dataset import Dataset
from tui.data.engine.cells import cells
from tui.data.selection import Selection


@dataclass(frozen=True)
class ChartData:
    """What a chart draws: categories in the table's order and one or more named series."""

    kind: str
    title: str
    categories: tuple[str, ...]
    series: tuple[tuple[str, tuple[float, ...]], ...]
    not_shown: int = 0
    """Table rows (or lines) left out of this data; the widget adds those it has no room for."""
    note: str = ""
    """Why the chart is not what was asked for (a line over one year is drawn as bars), and what
    it leaves out or draws as partial."""
    partial: tuple[tuple[str, str], ...] = ()
    """(series, category) of each partial point or bar (a force-year under it has no figure):
    drawn with another marker or colour. A point with no figure at all is ``nan``: no point."""
    intervals: tuple[tuple[str, str, float, float], ...] = ()
    """(series, category, low, high) of each modelled bar or point: its 95% interval, from the
    model's reconciled draws, drawn as a whisker."""
    marks: tuple[tuple[str, ...], ...] = ()
    """Per series, per category: where the point's number comes from (published, derived,
    modelled; empty when unknown), so a line draws a modelled point unlike a published one."""


CHART_KINDS = ("bar", "line", "stacked", "funnel")
"""The kinds ``k`` cycles through; those after ``stacked`` are registered by the features that
draw them (:mod:`tui.data.engine.registry`)."""
REGISTERED_KINDS = CHART_KINDS[CHART_KINDS.index("stacked") + 1 :]
STACK_DIMENSIONS = ("age_band", "platform_owner", "platform")
CHART_ROWS = 100
"""Bars prepared at most: more than any screen can show one per line."""
LINE_SERIES = 6
"""Lines drawn at most when a line chart compares groups."""


def stack_dimension(dataset: Dataset, selection: Selection) -> str | None:
    for dimension in STACK_DIMENSIONS:
        if dimension in dataset.dimensions and dimension != selection.group_by:
            kept = selection.members(dimension)
            if kept is None or len(kept) > 1:
                return dimension
    return None


def kept_members(dataset: Dataset, selection: Selection, dimension: str) -> list[str]:
    kept = selection.members(dimension) or dataset.members(dimension)
    return [m for m in dataset.members(dimension) if m in kept]


def crosstab(
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
