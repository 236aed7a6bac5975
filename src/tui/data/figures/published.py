"""The published figures of a data folder, classified (target, superseded, conflicting, context)."""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

from tui.data.figures.targets import Figure, read_targets


def forces_by_region(forces_csv: Path) -> dict[str, list[str]]:
    """Region -> forces of the reference list."""
    regions: dict[str, list[str]] = {}
    with forces_csv.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            regions.setdefault(row["region"], []).append(row["force"])
    return regions


@lru_cache(maxsize=4)
def figures(data_dir: Path) -> tuple[Figure, ...]:
    """The classified published figures of a data folder (read once)."""
    return tuple(read_targets(data_dir, forces_by_region(data_dir / "forces.csv")))
