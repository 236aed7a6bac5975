"""The shape of the table read: blank rows out, a cross-tab unpivoted, canonical names, and
which columns are dimensions and which are candidate counts."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from tui.data.loading.crosstab import unpivot_years
from tui.data.loading.header import canonical_names, classify
from tui.data.loading.read import ROW, Table
from tui.data.loading.report import LoadReport
from tui.data.schema import MEASURE, YEAR, canonical_column


@dataclass
class Layout:
    """The frame with canonical names and what its columns are."""

    frame: pl.LazyFrame
    numbered: pl.LazyFrame
    """The same with each row's number in the file (:data:`ROW`), for messages."""
    dimensions: list[str]
    candidates: list[str]
    original: dict[str, str]
    """Canonical → original column name (for messages)."""
    crosstab: bool
    european: bool
    file: str


def shape(frame: pl.LazyFrame, report: LoadReport) -> tuple[pl.LazyFrame, dict[str, str], bool]:
    """Blank rows out, a cross-tab unpivoted, canonical names: (frame, original → canonical,
    whether it was a cross-tab). :data:`ROW`, if present, is carried along."""
    schema = frame.collect_schema().names()
    keep = [ROW] if ROW in schema else []
    columns = [c for c in schema if c != ROW]
    frame = frame.filter(~pl.all_horizontal(pl.col(columns).is_null()))
    canonical = [canonical_column(c) for c in columns]
    crosstab = False
    if YEAR not in canonical and MEASURE not in canonical:
        frame, kept = unpivot_years(frame, keep, report)
        if kept:
            crosstab = True
            columns = [*kept, YEAR, MEASURE]
    renamed = canonical_names(columns, report.file)
    return frame.rename({k: v for k, v in renamed.items() if k != v}), renamed, crosstab


def layout_of(table: Table, report: LoadReport) -> Layout:
    """The shaped frame (and its numbered twin), dimensions told from counts."""
    frame, renamed, crosstab = shape(table.frame, report)
    numbered, _, _ = shape(table.numbered, LoadReport(report.file))
    dimensions, candidates = classify(frame, list(renamed.values()), table.european, report)
    return Layout(
        frame,
        numbered,
        dimensions,
        candidates,
        {v: k for k, v in renamed.items()},
        crosstab,
        table.european,
        report.file,
    )
