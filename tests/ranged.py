"""A copy of the embedded dataset with ranges, as the builder's data contract gives them.

``data/offences.csv`` gains ``offences_low, offences_high, instances_low, instances_high`` per cell
(blank where the measure is blank) and ``data/ranges.csv`` holds the exact range of every
scope-year total (``jurisdiction,scope_type,scope,year,measure,low,high,value``). Until the
builder writes them, tests use this copy: a published or derived scope-year is fixed (low = high
= value), a modelled one is given a wide range around its value, and every cell the range
``value // 2`` to ``2 * value + 3``. The numbers are made up; only their shape is the contract's.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl

from tui.data.engine.provenance import MODELLED, ledger
from tui.data.loading import load_dataset, repo_data_dir
from tui.data.selection import Selection

MEASURES = ("offences", "instances")
SCOPES = ("force", "region", "nation", "jurisdiction")
WRITTEN = ("offences.csv", "ranges.csv")
"""Written by :func:`ranged_copy`; every other file of the data folder is copied as it is."""


def modelled_range(value: int) -> tuple[int, int]:
    """The made-up range of a modelled scope-year total."""
    return value - value // 3, value + value // 2 + 5


def cell_range(value: int) -> tuple[int, int]:
    """The made-up range of a modelled cell."""
    return value // 2, 2 * value + 3


def ranged_copy(folder: Path) -> Path:
    """Write the copy into ``folder``; returns the path of its ``offences.csv``."""
    source = repo_data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    for path in source.iterdir():
        if path.is_file() and path.name not in WRITTEN:
            shutil.copy(path, folder / path.name)
    rows = pl.read_csv(source / "offences.csv", infer_schema_length=0)
    for measure in MEASURES:
        value = pl.col(measure).cast(pl.Int64)
        rows = rows.with_columns(
            (value // 2).alias(f"{measure}_low"), (2 * value + 3).alias(f"{measure}_high")
        )
    path = folder / "offences.csv"
    rows.write_csv(path)
    dataset = load_dataset(source / "offences.csv")
    book = ledger(dataset)
    assert book is not None
    typed = rows.with_columns(pl.col(m).cast(pl.Int64) for m in MEASURES)
    records = []
    for measure in MEASURES:
        counted = typed.filter(pl.col(measure).is_not_null())
        for scope_type in SCOPES:
            keys = dict.fromkeys(("jurisdiction", scope_type, "year"))
            sums = counted.group_by(*keys).agg(pl.col(measure).sum())
            if scope_type == "jurisdiction":
                sums = sums.select(
                    "jurisdiction", pl.col("jurisdiction").alias("scope"), "year", measure
                )
            for jurisdiction, scope, year, value in sums.sort(sums.columns[:3]).rows():
                filters = Selection("year", measure).with_filter(scope_type, (scope,))
                filters = filters.with_filter("year", (year,)).with_filter(
                    "jurisdiction", (jurisdiction,)
                )
                status = book.of(filters.filters, measure).status
                low, high = modelled_range(value) if status == MODELLED else (value, value)
                records.append((jurisdiction, scope_type, scope, year, measure, low, high, value))
    pl.DataFrame(
        records,
        schema=["jurisdiction", "scope_type", "scope", "year", "measure", "low", "high", "value"],
        orient="row",
    ).write_csv(folder / "ranges.csv")
    return path
