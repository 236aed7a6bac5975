"""Every published figure is reproduced by the shipped dataset, through the app's query engine."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.data.build import main as build_main
from tui.data.load import repo_data_dir
from tui.data.reconcile import Figure, check, read_figures

FIGURES = read_figures(repo_data_dir() / "published_figures.csv")


@pytest.mark.parametrize("figure", FIGURES, ids=lambda f: f"{f.scope}-{f.year}-{f.measure}")
def test_published_figure_is_reproduced(dataset, figure: Figure) -> None:
    result = check(dataset, figure)
    assert result.ok, result.describe()


def test_figures_cover_every_row_of_the_shared_file(data_dir: Path) -> None:
    shared = (data_dir / "published_figures.csv").read_text(encoding="utf-8").splitlines()
    assert len(FIGURES) == len(shared) - 1 == 20


def test_a_wrong_figure_is_reported_as_a_mismatch(dataset) -> None:
    wrong = Figure("country", "England and Wales", "2017/18", "offences", 3218, "count", "", "")
    assert not check(dataset, wrong).ok
    unknown = Figure("country", "England and Wales", "2017/18", "mystery", 1, "count", "", "")
    assert check(dataset, unknown).value is None


def test_rebuild_is_byte_identical(tmp_path: Path, data_dir: Path) -> None:
    for name in ("forces.csv", "published_figures.csv"):
        (tmp_path / name).write_bytes((data_dir / name).read_bytes())
    assert build_main(["--data-dir", str(tmp_path)], announce=lambda _: None) == 0
    for name in ("offences.csv", "offences.toml"):
        assert (tmp_path / name).read_bytes() == (data_dir / name).read_bytes(), name
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]
