"""Shared fixtures: the embedded dataset, loaded once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.data.dataset import Dataset
from tui.data.load import load_dataset, repo_data_dir

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def dataset() -> Dataset:
    """The embedded dataset."""
    return load_dataset()


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The folder with the embedded dataset and its reference files."""
    return repo_data_dir()


@pytest.fixture(autouse=True)
def isolated_views(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Saved views go to a temporary file, never the user's config folder."""
    path = tmp_path / "views.toml"
    monkeypatch.setenv("SCWC_VIEWS", str(path))
    return path
