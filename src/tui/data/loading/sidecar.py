"""Where a data file's TOML metadata lives: ``NAME.EXT.toml`` (what exports write) or
``NAME.toml``, and for Parquet the same record inside the file's key-value metadata."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import polars as pl

PARQUET_KEY = "scwc"
"""Parquet key-value metadata key holding the export's record as TOML."""


def sidecar_path(path: Path) -> Path:
    """``out.csv`` -> ``out.csv.toml``."""
    return path.with_name(path.name + ".toml")


def find_metadata(path: Path) -> Path | None:
    """The metadata file beside ``path``: ``NAME.EXT.toml`` first, then ``NAME.toml``."""
    for candidate in (sidecar_path(path), path.with_suffix(".toml")):
        try:
            if candidate.is_file():
                return candidate
        except OSError:  # e.g. the data file's name is too long to add .toml to
            continue
    return None


def embedded_metadata(path: Path) -> dict[str, Any]:
    """The record a Parquet export carries in its key-value metadata (empty if none)."""
    if path.suffix.lower() not in (".parquet", ".pq"):
        return {}
    try:
        text = pl.read_parquet_metadata(path).get(PARQUET_KEY)
        return tomllib.loads(text) if text else {}
    except (Exception, pl.exceptions.PanicException):  # a damaged file is reported by the reader
        return {}
