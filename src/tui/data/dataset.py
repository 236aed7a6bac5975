"""The loaded dataset: an aggregated cube for every summary, and the lazy rows behind it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

ROWS = "_rows"
"""Cube column counting the underlying rows in each cell."""


class DataError(Exception):
    """Bad input, described in one line fit for a user (no traceback)."""


@dataclass(frozen=True, eq=False)
class Dataset:
    """A tidy table of string dimensions and non-negative integer measures.

    ``cube`` holds one row per distinct combination of dimension members (as ``pl.Enum``) with the
    summed measures and the number of underlying rows: every summary, count and chart is computed
    from it, so they cost the same at a thousand rows or ten million. ``rows`` is the underlying
    table as a lazy frame (string dimensions), read a page at a time.

    Hashes by identity so query results can be cached per (dataset, selection).
    """

    cube: pl.DataFrame
    rows: pl.LazyFrame
    dimensions: tuple[str, ...]
    measures: tuple[str, ...]
    name: str
    path: Path | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    geography: pl.DataFrame | None = None
    """One row per force with its population (and region/nation), if all forces match the list."""
    notes: tuple[str, ...] = ()
    """What the loader did that the user should know (summed duplicates, ignored columns...)."""

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

    def dtype(self, dimension: str) -> pl.Enum:
        """The ``pl.Enum`` type of a dimension in the cube."""
        dtype = self.cube.schema[dimension]
        assert isinstance(dtype, pl.Enum)
        return dtype
