"""What a chart draws: the engine's chart data, and the shape a registered chart kind returns."""

from __future__ import annotations

from dataclasses import dataclass


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
    """Why the chart is not what was asked for (a line over one year is drawn as bars)."""
