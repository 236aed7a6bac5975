"""Shared fixtures: the embedded dataset, loaded once per session, and the datasets ``scwc build``
makes, built once per test run (:mod:`tests.builds`); the order that keeps both cores busy."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.builds import Built, shared_build
from tui.data import features  # noqa: F401  (registers the chart kinds)
from tui.data.dataset import Dataset
from tui.data.loading import load_dataset, repo_data_dir

FIXTURES = Path(__file__).parent / "fixtures"
NEXT_YEAR_FIGURES = FIXTURES / "next_year_figures.csv"
"""A user's own figure file: a fictional 2025/26 (national, regional and a few force figures)
and a fictional FOI answer for a force-year no source gives (Wiltshire 2024/25)."""
SHARED_BUILDS = ("project_build", "user_build")

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


@pytest.fixture(scope="session")
def project_build(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """``scwc build --out DIR`` from the project's figures (once per run, shared)."""
    return shared_build(tmp_path_factory)


@pytest.fixture(scope="session")
def user_build(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """``scwc build --figures next_year_figures.csv --out DIR`` (once per run, shared)."""
    return shared_build(tmp_path_factory, NEXT_YEAR_FIGURES)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The longest tests first, so that the two xdist workers start one each: the first test of
    each shared build, then the tests marked ``slow``; the other tests of a shared build last,
    when it is built (a worker waiting for the other's build would stand idle)."""
    starters = {
        next((i.nodeid for i in items if name in i.fixturenames), None) for name in SHARED_BUILDS
    }

    def rank(item: pytest.Item) -> int:
        if item.nodeid in starters:
            return 0
        if item.get_closest_marker("slow"):
            return 1
        return 3 if any(name in item.fixturenames for name in SHARED_BUILDS) else 2

    items.sort(key=rank)
