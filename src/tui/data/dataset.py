"""The loaded dataset: an aggregated cube for every summary, and the lazy rows behind it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

ROWS = "_rows"
"""Cube column counting the underlying rows in each cell."""
RAW = "raw"
MEMBER = "member"


class DataError(Exception):
    """Bad input, described in one line fit for a user (no traceback)."""


class RowStore:
    """The underlying rows: lazy over the file at first; :meth:`keep_in_memory` loads them once.

    A large Parquet file opens fast because only the cube is computed up front; paging is faster
    once the rows are in memory (text columns as categoricals), which the app does in the
    background after the first summary.
    """

    def __init__(self, source: pl.LazyFrame, in_memory: bool) -> None:
        self._memory: pl.DataFrame | None = source.collect() if in_memory else None
        # once collected, drop the plan: it holds the frame as first read, a second copy
        self._source = self._memory.lazy() if self._memory is not None else source

    @property
    def in_memory(self) -> bool:
        """Whether the rows have been loaded."""
        return self._memory is not None

    def lazy(self) -> pl.LazyFrame:
        """The rows, as a lazy frame over memory if loaded, else over the file."""
        return self._memory.lazy() if self._memory is not None else self._source

    def keep_in_memory(self) -> None:
        """Load the rows (idempotent); text columns become categoricals to save memory."""
        if self._memory is None:
            schema = self._source.collect_schema()
            text = [c for c, t in schema.items() if t == pl.String]
            self._memory = self._source.with_columns(pl.col(text).cast(pl.Categorical)).collect()
            self._source = self._memory.lazy()


@dataclass(frozen=True, eq=False)
class Dataset:
    """A tidy table of string dimensions and non-negative integer measures.

    ``cube`` holds one row per distinct combination of dimension members (as ``pl.Enum``) with the
    summed measures and the number of underlying rows: every summary, count and chart is computed
    from it, so they cost the same at a thousand rows or ten million. ``rows`` is the underlying
    table as the file has it (lazy, raw spellings, measures as Int64), read a page at a time:
    :meth:`row_predicate` translates filters into raw values and :meth:`present` turns the rows
    read into members.

    Hashes by identity so query results can be cached per (dataset, selection).
    """

    cube: pl.DataFrame
    rows: RowStore
    dimensions: tuple[str, ...]
    measures: tuple[str, ...]
    name: str
    path: Path | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    geography: pl.DataFrame | None = None
    """One row per force the reference list knows, with its region and nation."""
    notes: tuple[str, ...] = ()
    """What the loader did that the user should know (summed duplicates, ignored columns...)."""
    spellings: dict[str, pl.DataFrame] = field(default_factory=dict)
    """Per dimension, (raw, member) pairs: each raw value in ``rows`` and the member it means."""
    sources: dict[str, str] = field(default_factory=dict)
    """Per dimension, the ``rows`` column it is read from (region and nation come from force)."""
    skipped_rows: int = 0
    """Rows of the file left out as totals or footnote lines (see ``notes``)."""

    @property
    def row_count(self) -> int:
        """Number of underlying rows."""
        return int(self.cube[ROWS].sum())

    @property
    def modelled(self) -> bool:
        """Whether the metadata says the values are (partly) modelled rather than published."""
        return bool(self.metadata.get("modelled", False))

    @property
    def measure(self) -> str:
        """The default measure."""
        return self.measures[0]

    def members(self, dimension: str) -> tuple[str, ...]:
        """All members of a dimension in display order."""
        dtype = self.cube.schema[dimension]
        assert isinstance(dtype, pl.Enum)
        return tuple(dtype.categories.to_list())

    def row_predicate(self, filters: tuple[tuple[str, tuple[str, ...]], ...]) -> pl.Expr:
        """A predicate on ``rows`` keeping the raw values that mean the filtered members."""
        predicates = []
        for dimension, members in filters:
            pairs = self.spellings[dimension]
            raws = pairs.filter(pl.col(MEMBER).is_in(list(members)))[RAW]
            column = pl.col(self.sources.get(dimension, dimension))
            predicate = column.is_in(raws.drop_nulls().to_list())
            if raws.null_count():
                predicate = predicate | column.is_null()
            predicates.append(predicate)
        return pl.all_horizontal(predicates) if predicates else pl.lit(True)

    def present(self, raw_rows: pl.DataFrame) -> pl.DataFrame:
        """Rows read from ``rows`` with members in place of raw spellings, in column order."""
        frame = raw_rows.with_row_index("_order")
        for dimension in self.dimensions:
            pairs = self.spellings[dimension].rename({RAW: "_raw", MEMBER: f"_{dimension}"})
            source = self.sources.get(dimension, dimension)
            key = pl.col(source).cast(pairs.schema["_raw"]).alias("_key")
            frame = (
                frame.with_columns(key)
                .join(pairs, left_on="_key", right_on="_raw", how="left", nulls_equal=True)
                .drop("_key")
            )
        frame = frame.sort("_order")
        return frame.select(*(pl.col(f"_{d}").alias(d) for d in self.dimensions), *self.measures)

    def dtype(self, dimension: str) -> pl.Enum:
        """The ``pl.Enum`` type of a dimension in the cube."""
        dtype = self.cube.schema[dimension]
        assert isinstance(dtype, pl.Enum)
        return dtype
