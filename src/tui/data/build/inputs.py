"""The files the builder reads from a data folder, and copying them into another folder to build
there (``scwc build --out``, the tests)."""

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
"""What ``python -m tui.data.build`` reads (``holdout.csv``: the accuracy its metadata reports)."""


def copy_build_inputs(data_dir: Path, folder: Path, skip: tuple[str, ...] = ()) -> None:
    """Copy the builder's inputs from ``data_dir`` into ``folder`` (but the names in ``skip``)."""
    for name in BUILD_INPUTS:
        if name not in skip:
            shutil.copy(data_dir / name, folder / name)
