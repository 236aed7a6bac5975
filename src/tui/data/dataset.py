"""The loaded dataset: an in-memory polars frame with categorical dimensions, and what it means."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl


class DataError(Exception):
    """Bad input, described in one line fit for a user (no traceback)."""


@dataclass(frozen=True, eq=False)
class Dataset:
    """A tidy table: string dimensions (as ``pl.Enum``), non-negative integer measures.

    Hashes by identity so query results can be cached per (dataset, selection).
    """

    frame: pl.DataFrame
    dimensions: tuple[str, ...]
    measures: tuple[str, ...]
    name: str
    path: Path | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    geography: pl.DataFrame | None = None
    """One row per force with its population (and region/nation where known), if forces match."""
    notes: tuple[str, ...] = ()
    """What the loader did that the user should know (summed duplicates, dropped columns...)."""

    @property
    def row_count(self) -> int:
        """Number of rows in the table."""
        return self.frame.height

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
        dtype = self.frame.schema[dimension]
        assert isinstance(dtype, pl.Enum)
        return tuple(dtype.categories.to_list())

    def lazy(self) -> pl.LazyFrame:
        """The table as a lazy frame, the start of every query."""
        return self.frame.lazy()
