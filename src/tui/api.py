"""The Python API for notebooks and scripts: the same engine as the explorer and ``scwc``.

    >>> import tui
    >>> kent = tui.open().summary(by="year", where={"force": "Kent"})
    >>> kent.select("year", "offences", "provenance", "low", "high", "range_low", "range_high")

Every table is a polars DataFrame (:class:`Table`) with one column per thing known about each
number: its provenance (published, derived or modelled), its 95% interval when it was recorded, the
range the published figures allow when it was modelled, and whatever else the engine computes
(the columns are the engine's, as an export writes them, never a list kept here). ``.notes`` says
what goes with the table in words, ``.sources`` lists the publications behind its published
numbers and ``.column_notes`` what each column means (the text of an export sidecar's
``[columns]``). Frames made from a table by polars operations are plain DataFrames: the notes stay
with the table scwc returned.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from tui.cli_selection import build_selection
from tui.data import features  # noqa: F401  (registers the chart kinds)
from tui.data.dataset import DataError, Dataset
from tui.data.engine.provenance import figures_folder, ledger
from tui.data.engine.query import summary as engine_summary
from tui.data.features.quote import quote as quote_sentence
from tui.data.features.reconcile import reconcile
from tui.data.loading.isolated import open_dataset
from tui.data.loading.paths import dataset_in
from tui.data.output.chart import chart_figure, save_chart
from tui.data.output.export import export_content
from tui.data.output.notes import dataset_notes, selection_notes, summary_notes
from tui.data.schema import PROVENANCE
from tui.data.selection import Selection

if TYPE_CHECKING:
    from matplotlib.figure import Figure

Where = Mapping[str, str | Iterable[str]]
"""Filters: a dimension and the member (or members) to keep, e.g. ``{"year": "2023/24"}`` or
``{"force": ["Kent", "Essex"]}``; names match as on the command line (``Age Band``, ``2023-24``)."""
SOURCE_COLUMNS = {"title": pl.String, "published": pl.String, "url": pl.String}


class Table(pl.DataFrame):
    """A polars DataFrame from scwc, with the words that go with it.

    ``notes``: what to say beside the numbers (what is modelled, which offence, the filters, what
    the marks mean); ``sources``: one row per publication behind a published number in the table
    (title, published, url); ``column_notes``: per column, what it means, its unit and base;
    ``totals``: a summary's total row (the same columns; it is not a row of the frame).
    """

    notes: tuple[str, ...] = ()
    totals: dict[str, Any] = {}
    sources: pl.DataFrame = pl.DataFrame(schema=SOURCE_COLUMNS)
    column_notes: dict[str, dict[str, Any]] = {}

    @classmethod
    def of(
        cls,
        frame: pl.DataFrame,
        notes: Iterable[str],
        sources: pl.DataFrame,
        column_notes: dict[str, dict[str, Any]],
    ) -> Table:
        table = cls(frame)
        table.notes = tuple(notes)
        table.sources = sources
        table.column_notes = {c: column_notes[c] for c in frame.columns if c in column_notes}
        return table


class Data:
    """A dataset opened for analysis: :func:`tui.open` returns one.

    Its methods take the same choices as ``scwc summary`` (``by``, ``where``, ``measure``,
    ``jurisdiction``, ``published_only``) as keyword arguments, check them against the data (a
    bad name raises :class:`tui.DataError` naming the known ones) and ask the one engine.
    """

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset

    @classmethod
    def open(cls, path: str | Path | None = None, *, sheet: str | None = None) -> Data:
        """Read ``path`` (CSV, TSV, Parquet, JSON, NDJSON, a spreadsheet, or a folder ``scwc build
        --out`` made) or, without one, the embedded dataset; ``sheet`` picks a spreadsheet's
        sheet."""
        return cls(open_dataset(dataset_in(Path(path)) if path is not None else None, sheet=sheet))

    def __repr__(self) -> str:
        return (
            f"<scwc data {self.name!r}: {', '.join(self.dimensions)}; {', '.join(self.measures)}>"
        )

    @property
    def name(self) -> str:
        """The dataset's title."""
        return self.dataset.name

    @property
    def dimensions(self) -> tuple[str, ...]:
        """What the numbers are split by (``by`` and ``where`` take these)."""
        return self.dataset.dimensions

    @property
    def measures(self) -> tuple[str, ...]:
        """What is counted (``measure`` takes these; the first is the default)."""
        return self.dataset.measures

    @property
    def modelled(self) -> bool:
        """Whether the dataset says some of its numbers are modelled."""
        return self.dataset.modelled

    @property
    def notes(self) -> tuple[str, ...]:
        """What the loader did with the file, and whether its numbers are modelled."""
        return tuple(dataset_notes(self.dataset))

    def members(self, dimension: str) -> tuple[str, ...]:
        """The members of ``dimension`` in their own order."""
        if dimension not in self.dimensions:
            raise DataError(f"no dimension '{dimension}' (known: {', '.join(self.dimensions)})")
        return self.dataset.members(dimension)

    def selection(
        self,
        by: str | None = None,
        where: Where | None = None,
        measure: str | None = None,
        *,
        jurisdiction: str | None = None,
        published_only: bool = False,
        sort: str | None = None,
        ascending: bool = False,
    ) -> Selection:
        """The engine's selection for these choices (what the other methods ask about)."""
        clauses = [f"{dimension}={member}" for dimension, member in _where_pairs(where or {})]
        return build_selection(
            self.dataset,
            by,
            clauses,
            measure,
            sort,
            ascending,
            jurisdiction=jurisdiction,
            published_only=published_only,
        )

    def summary(
        self,
        by: str | None = None,
        where: Where | None = None,
        measure: str | None = None,
        *,
        jurisdiction: str | None = None,
        published_only: bool = False,
        sort: str | None = None,
        ascending: bool = False,
    ) -> Table:
        """The grouped table the explorer shows, one row per member of ``by`` (no total row: it
        is in the notes), with every column the engine computes and a ``provenance`` column."""
        selection = self.selection(
            by,
            where,
            measure,
            jurisdiction=jurisdiction,
            published_only=published_only,
            sort=sort,
            ascending=ascending,
        )
        content = export_content(self.dataset, selection, "summary")
        result = engine_summary(self.dataset, selection)
        frame = content.frame
        if PROVENANCE in frame.columns:  # beside the number it qualifies
            first = [result.key, result.measure, PROVENANCE]
            frame = frame.select(*first, pl.exclude(*first))
        notes = summary_notes(self.dataset, selection, result).all
        table = Table.of(frame, notes, _sources(content.provenance), content.columns)
        table.totals = {k: v for k, v in content.totals.items() if k != result.key}
        return table

    def rows(
        self,
        where: Where | None = None,
        *,
        jurisdiction: str | None = None,
        published_only: bool = False,
    ) -> Table:
        """The underlying rows the filters keep, with members for values (every row of the
        embedded dataset is a cell of its modelled breakdown: ``provenance`` says so)."""
        selection = self.selection(
            None, where, jurisdiction=jurisdiction, published_only=published_only
        )
        content = export_content(self.dataset, selection, "rows")
        notes = [*dataset_notes(self.dataset), *selection_notes(self.dataset, selection)]
        return Table.of(content.frame, notes, _sources(content.provenance), content.columns)

    def quote(
        self,
        where: Where | None = None,
        measure: str | None = None,
        *,
        jurisdiction: str | None = None,
        published_only: bool = False,
    ) -> str:
        """The selection's total as one sentence to quote: worded for where the number comes
        from (a modelled one with its range) and whether its change is more than chance."""
        selection = self.selection(
            None, where, measure, jurisdiction=jurisdiction, published_only=published_only
        )
        return quote_sentence(self.dataset, selection)

    def sources(self) -> pl.DataFrame:
        """Every published figure beside the dataset's value for it, with its status (target,
        superseded, conflicting, context), the reason and the source: ``scwc sources``."""
        if ledger(self.dataset) is None:
            raise DataError(f"{self.name}: not built from the published figures (no sources)")
        checks = reconcile(self.dataset, figures_folder(self.dataset))
        return pl.DataFrame([c.as_record() for c in checks], infer_schema_length=None)

    def chart(
        self,
        by: str | None = None,
        where: Where | None = None,
        measure: str | None = None,
        *,
        kind: str = "bar",
        jurisdiction: str | None = None,
        published_only: bool = False,
        title: str | None = None,
        size: str = "web",
        path: str | Path | None = None,
        overwrite: bool = False,
    ) -> Figure:
        """The chart ``scwc chart`` draws (``kind``: bar, line or stacked; ``size``: web, print
        or pixels as ``1200x675``) as a matplotlib figure; with ``path`` also written there
        (.svg, .png or .pdf). Needs the ``chart`` extra: ``pip install 'scwc[chart]'``."""
        selection = self.selection(
            by, where, measure, jurisdiction=jurisdiction, published_only=published_only
        )
        figure = chart_figure(self.dataset, selection, kind, size, title)
        if path is not None:
            save_chart(figure, Path(path), overwrite=overwrite)
        return figure


def _where_pairs(where: Where) -> list[tuple[str, str]]:
    """``{"force": ["Kent", "Essex"]}`` as ``[("force", "Kent"), ("force", "Essex")]``."""
    pairs = []
    for dimension, kept in where.items():
        members = [kept] if isinstance(kept, str) else list(kept)
        if not members:
            raise DataError(f"where: no member given for '{dimension}'")
        pairs += [(dimension, str(member)) for member in members]
    return pairs


def _sources(provenance: Mapping[str, Any]) -> pl.DataFrame:
    """The publications behind the published numbers of a table (the sidecar's sources)."""
    rows = [
        {column: source.get(column) for column in SOURCE_COLUMNS}
        for source in provenance.get("sources", [])
    ]
    return pl.DataFrame(rows, schema=SOURCE_COLUMNS)
