"""What the features built on the query engine add to it; the engine reads this, never them.

Dependencies point one way: :mod:`tui.data.engine.query` (selection → summary, rows, chart data)
knows only the dataset, the schema, statistics, its own provenance and ranges, and this registry.
A feature registers what it adds when it is imported: the funnel plot
(:mod:`tui.data.features.funnel`) a chart kind. :mod:`tui.data.features` imports every feature;
the app, the CLI and the tests import it (a structure test checks that they do). The marks beside
each number (published, derived, modelled) are the engine's own
(:func:`tui.data.engine.provenance.marks_of`): no feature need be imported for them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Protocol

import polars as pl

from tui.data.dataset import Dataset
from tui.data.engine.charts import ChartData
from tui.data.selection import Filters, Selection


class Mark(Protocol):
    """Where a number comes from, as the table and the status line show it."""

    status: str

    @property
    def marker(self) -> str:
        """The symbol beside the number."""
        ...

    def describe(self) -> str:
        """One line saying where the number comes from."""
        ...


class Marks(Protocol):
    """The marks of one dataset: the mark of the measure summed over what ``filters`` keep."""

    def of(self, filters: Filters, measure: str) -> Mark: ...

    def modelled_rows(self) -> pl.Expr:
        """Which underlying rows are modelled (blanked in the published-only view)."""
        ...


ChartBuilder = Callable[[Dataset, Selection], ChartData | None]
"""Builds a chart kind's data; ``None`` when the selection cannot be drawn so."""


@dataclass(frozen=True)
class ChartKind:
    """A chart kind a feature adds: how to build its data, and what the bars drawn instead say."""

    build: ChartBuilder
    unavailable: str


_chart_kinds: dict[str, ChartKind] = {}
MARKED = "provenance"
"""Metadata key of a dataset whose numbers carry marks (its value names the source)."""


def register_chart_kind(kind: str, build: ChartBuilder, unavailable: str) -> None:
    """Add a chart kind (drawn by the chart widget from the :class:`ChartData` ``build`` gives)."""
    _chart_kinds[kind] = ChartKind(build, unavailable)


def chart_kind(kind: str) -> ChartKind:
    """The registered chart kind ``kind``."""
    if kind not in _chart_kinds:
        raise LookupError(f"chart kind '{kind}' is not registered: import tui.data.features")
    return _chart_kinds[kind]


@lru_cache(maxsize=4)
def without_marks(dataset: Dataset) -> Dataset | None:
    """The same data without its marks (``None`` if it has none), sharing its cube and rows (the
    builder checks a dataset before its marks exist). The same object for the same dataset, so
    what is computed from it is cached once."""
    if not dataset.metadata.get(MARKED):
        return None
    metadata = {k: v for k, v in dataset.metadata.items() if k != MARKED}
    return replace(dataset, metadata=metadata)
