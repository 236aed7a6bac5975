"""The inline chart (textual-plotext): bars by group, a line over years, or stacked bars."""

from __future__ import annotations

from textual_plotext import PlotextPlot

from tui.data.query import ChartData

LABEL_WIDTH = 14
BAR_WIDTH = 0.4
"""Thin bars keep each label on its own bar when the chart has few lines (plotext quantises)."""


def short(label: str, width: int = LABEL_WIDTH) -> str:
    """A category label cut to fit the chart."""
    return label if len(label) <= width else label[: width - 1] + "…"


class Chart(PlotextPlot):
    """Draws a :class:`ChartData`; redrawn whenever the app passes new data."""

    DEFAULT_CSS = """
    Chart { height: 1fr; min-height: 10; }
    """

    def show(self, data: ChartData) -> None:
        """Replace the plot with ``data``."""
        plt = self.plt
        plt.clear_figure()
        plt.title(data.title.replace("_", " "))
        categories = [short(c) for c in data.categories]
        if not categories:
            plt.title("Nothing to chart: no rows match")
        elif data.kind == "line":
            positions = list(range(1, len(categories) + 1))
            for name, values in data.series:
                plt.plot(positions, list(values), label=short(name), marker="braille")
            plt.xticks(positions, categories)
        elif data.kind == "stacked":
            plt.stacked_bar(
                categories[::-1],
                [list(values)[::-1] for _, values in data.series],
                labels=[short(name) for name, _ in data.series],
                orientation="horizontal",
                width=BAR_WIDTH,
            )
        else:
            # plotext draws horizontal bars bottom-up: reverse so the chart reads like the table
            plt.bar(
                categories[::-1],
                list(data.series[0][1])[::-1],
                orientation="horizontal",
                width=BAR_WIDTH,
            )
        self.refresh()
