"""Where the project's reference data lives."""

from __future__ import annotations

from pathlib import Path


def repo_data_dir() -> Path:
    """The folder holding the embedded dataset and reference tables (installed package data, else
    the source tree)."""
    packaged = Path(__file__).resolve().parents[2] / "_data"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[4] / "data"
