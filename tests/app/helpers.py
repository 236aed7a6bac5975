"""Helpers for driving the app with Pilot: wait for results, read what the widgets show."""

from __future__ import annotations

import re

import polars as pl
from textual.pilot import Pilot
from textual.widgets import Static

from tui.app import ExplorerApp
from tui.data.engine.query import summary
from tui.data.engine.table import Summary
from tui.data.figures.files import MORE_FIGURE_FILES
from tui.data.loading import repo_data_dir
from tui.data.output import format as fmt
from tui.data.schema import PROVENANCE
from tui.screenshots import settle
from tui.widgets.summary_table import SummaryTable

SIZE = (120, 40)
__all__ = [
    "SIZE",
    "cell_for",
    "engine_cell",
    "engine_count",
    "engine_result",
    "markers",
    "press",
    "row_for",
    "screen_text",
    "settle",
    "table_rows",
    "text_of",
]


async def press(pilot: Pilot, *keys: str) -> None:
    """Press keys, then wait for the results they cause."""
    await pilot.press(*keys)
    await settle(pilot)


def screen_text(app: ExplorerApp) -> str:
    """What the terminal shows, as plain text lines."""
    return "\n".join(
        "".join(segment.text for segment in line)
        for line in app.screen._compositor.render_update(full=True).strips  # type: ignore[union-attr]
    )


def table_rows(app: ExplorerApp) -> list[list[str]]:
    """The summary table as the user reads it: rows of cell text (without the provenance
    markers, which :func:`markers` reads)."""
    table = app.query_one(SummaryTable)
    skip = table.get_column_index(PROVENANCE) if PROVENANCE in table.columns else -1
    return [
        [str(getattr(c, "plain", c)) for i, c in enumerate(table.get_row_at(r)) if i != skip]
        for r in range(table.row_count)
    ]


def markers(app: ExplorerApp) -> list[str]:
    """The provenance marker (● ◐ ○) of each summary row, top to bottom."""
    table = app.query_one(SummaryTable)
    return [str(getattr(c, "plain", c)) for c in table.get_column(PROVENANCE)]


def row_for(app: ExplorerApp, member: str) -> list[str]:
    """The table row whose first cell is ``member``."""
    return next(r for r in table_rows(app) if r[0] == member)


def text_of(app: ExplorerApp, selector: str) -> str:
    """The plain text a Static shows."""
    return str(app.query_one(selector, Static).render())


def engine_result(app: ExplorerApp) -> Summary:
    """What the query engine computes for the app's selection (independent of the widgets)."""
    return summary(app.dataset, app.selection)


def engine_cell(app: ExplorerApp, column: str, member: str | None = None) -> str:
    """A member's (``None``: the total's) cell as the engine's figure formats it: tests compare
    the screen with the dataset rather than with a modelled number typed into the test."""
    result = engine_result(app)
    if member is None:
        return fmt.row_cell(result, column, result.totals)
    row = next(r for r in result.frame.iter_rows(named=True) if str(r[result.key]) == member)
    return fmt.row_cell(result, column, row)


def engine_count(app: ExplorerApp, member: str | None = None) -> str:
    """A member's (``None``: the total's) count from the engine, as the table writes it."""
    return engine_cell(app, app.selection.measure, member)


def cell_for(app: ExplorerApp, member: str, column: str) -> str:
    """The text of ``column`` (its key: ``offences``, ``range``, ``change``...) in the row whose
    first cell is ``member``."""
    table = app.query_one(SummaryTable)
    index = table.get_column_index(column)
    for r in range(table.row_count):
        cells = table.get_row_at(r)
        if str(getattr(cells[0], "plain", cells[0])) == member:
            return str(getattr(cells[index], "plain", cells[index]))
    raise LookupError(member)


def reproduces_every_target(line: str) -> bool:
    """Whether a reconciliation line says every target figure (more than the first 322) is
    reproduced with no mismatch: ``N of N target figures reproduced; ...; 0 mismatches``."""
    found = re.match(r"(\d+) of (\d+) target figures reproduced;.*; 0 mismatches", line)
    return bool(found) and found[1] == found[2] and int(found[1]) > 322


def published_figure_count() -> int:
    """How many published figures the dataset's folder holds (every one is listed)."""
    folder = repo_data_dir()
    names = ("real_figures.csv", "published_figures.csv", *(n for n, _ in MORE_FIGURE_FILES))
    return sum(len(pl.read_csv(folder / name, infer_schema_length=0)) for name in names)
