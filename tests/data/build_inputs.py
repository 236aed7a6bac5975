"""The files the dataset builder reads, copied where a test rebuilds the dataset."""

from __future__ import annotations

import shutil
from pathlib import Path

BUILD_INPUTS = (
    "forces.csv",
    "published_figures.csv",
    "real_figures.csv",
    "more_figures.csv",
    "figure_rules.toml",
    "holdout.csv",
    "missing_force_years.csv",
)


def copy_build_inputs(data_dir: Path, folder: Path) -> None:
    """Copy the builder's inputs from ``data_dir`` into ``folder``."""
    for name in BUILD_INPUTS:
        shutil.copy(data_dir / name, folder / name)
