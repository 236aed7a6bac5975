"""Shared fixtures: the embedded dataset, loaded once per session."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tui.data import features  # noqa: F401  (registers the chart kinds)
from tui.data.dataset import Dataset
from tui.data.loading import load_dataset, repo_data_dir

FIXTURES = Path(__file__).parent / "fixtures"

# every test reads its files afresh (and the apps and commands it starts inherit this); the tests of
# the kept datasets (tests/data/test_cache.py) turn it on in a folder of their own
os.environ["SCWC_CACHE_DIR"] = "off"


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


@pytest.fixture(autouse=True)
def collectable_after_each_test() -> Iterator[None]:
    """The app freezes what start-up made (``gc.freeze``); a finished test's app must still be
    collected, or every test's widgets would pile up for the rest of the session."""
    yield
    gc.unfreeze()
