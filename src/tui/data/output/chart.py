"""A chart of a selection for print and the web: planned from the engine (:mod:`.chart_plan`),
drawn and written with matplotlib (:mod:`.chart_file`), which is the optional ``chart`` extra:
without it, one line says how to install it."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from tui.data.dataset import DataError, Dataset
from tui.data.output.chart_plan import bars_that_fit, plan_chart
from tui.data.selection import Selection

if TYPE_CHECKING:
    from matplotlib.figure import Figure

CHART_EXTRA_HINT = "charts need matplotlib: pip install 'scwc[chart]'"


def chart_writer() -> ModuleType:
    """:mod:`.chart_file`, or a one-line :class:`DataError` saying how to install matplotlib."""
    try:
        from tui.data.output import chart_file
    except ModuleNotFoundError as error:
        if (error.name or "").split(".")[0] == "matplotlib":
            raise DataError(CHART_EXTRA_HINT) from None
        raise
    return chart_file


def chart_figure(
    dataset: Dataset,
    selection: Selection,
    kind: str = "bar",
    size: str = "web",
    title: str | None = None,
) -> Figure:
    """The chart of ``selection`` (``kind``: bar, line or stacked) as a matplotlib figure of
    ``size`` (web, print or pixels as ``1200x675``), as many bars as it labels legibly."""
    writer = chart_writer()
    return writer.draw(plan_chart(dataset, selection, kind, title, bars_that_fit(size)), size)


def save_chart(figure: Figure, path: Path, fmt: str | None = None, overwrite: bool = False) -> Path:
    """Write ``figure`` to ``path`` (.svg, .png, .pdf) whole or not at all."""
    return chart_writer().write_chart(figure, path, fmt, overwrite)
