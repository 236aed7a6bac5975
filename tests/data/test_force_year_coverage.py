"""How many force-years of each year are published, derived, bounded below, modelled or missing:
the table `scwc sources` and About end with, read through the engine's provenance."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import polars as pl

from tui.data.dataset import Dataset
from tui.data.engine.provenance import ledger
from tui.data.engine.ranges import range_book
from tui.data.features.force_year_coverage import (
    LOWER_BOUND,
    STATUSES,
    coverage_lines,
    force_year_coverage,
    force_year_statuses,
)
from tui.data.figures.files import read_missing
from tui.data.schema import EW, FORCE, JURISDICTION, YEAR


def test_every_force_year_has_one_status(dataset: Dataset, data_dir: Path) -> None:
    statuses = force_year_statuses(dataset)
    forces = dataset.cube.filter(pl.col(JURISDICTION) == EW)[FORCE].unique().to_list()
    years = dataset.cube[YEAR].unique().to_list()
    ew = statuses.filter(pl.col(JURISDICTION) == EW)
    assert ew.height == len(forces) * len(years)
    assert ew.select(FORCE, YEAR).is_unique().all()
    missing = {(f, y) for (f, y) in read_missing(data_dir)}
    assert set(ew.filter(pl.col("status") == "missing").select(FORCE, YEAR).rows()) == missing


def test_a_status_is_what_the_table_marks(dataset: Dataset) -> None:
    """Published and derived are the engine's own marks of the single force-year."""
    book = ledger(dataset)
    assert book is not None
    statuses = force_year_statuses(dataset).filter(pl.col("status") != "missing")
    for force, year, status in statuses.select(FORCE, YEAR, "status").rows()[::7]:
        shown = book.of(((FORCE, (force,)), (YEAR, (year,))), "offences").status
        assert status == shown or (status == LOWER_BOUND and shown == "modelled"), (force, year)


def test_a_part_period_figure_makes_a_lower_bound(dataset: Dataset) -> None:
    statuses = force_year_statuses(dataset)
    bounded = statuses.filter(pl.col("status") == LOWER_BOUND)
    assert bounded.height > 0


def test_the_table_adds_up(dataset: Dataset) -> None:
    table = force_year_coverage(dataset)
    assert table.columns == [YEAR, *STATUSES, "total"]
    assert (table.select(pl.sum_horizontal(*STATUSES)).to_series() == table["total"]).all()
    total = table.filter(pl.col(YEAR) == "all years")
    assert total.height == 1
    assert total["total"][0] == table.filter(pl.col(YEAR) != "all years")["total"].sum()


def test_scwc_sources_gives_the_table_before_its_closing_line() -> None:
    shown = subprocess.run(
        [sys.executable, "-m", "tui", "sources"], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert "target figures reproduced" in shown[-1]
    table = shown.index("England and Wales force-years by what their number is:")
    assert shown[table + 1].split() == ["year", *STATUSES, "total"]
    assert any(line.lstrip().startswith("all years") for line in shown[table:])


def test_about_gives_the_table(dataset: Dataset) -> None:
    from tui.screens.about import about_text

    text = about_text(dataset)
    assert "England and Wales force-years by what their number is:" in text
    assert max(len(line) for line in coverage_lines(dataset)) <= 70


def test_a_force_year_the_published_figures_fix_is_not_modelled(dataset: Dataset) -> None:
    """A force-year whose range is one value (a region's total minus its other forces, say) is
    derived from published figures, not modelled, and so is a sum of such force-years."""
    book, ranges = ledger(dataset), range_book(dataset)
    assert book is not None and ranges is not None
    fixed = [
        cell
        for cell, (low, high) in ranges.force_years["offences"].items()
        if low == high and cell[0] == EW
    ]
    assert fixed
    statuses = force_year_statuses(dataset)
    for jurisdiction, force, year in fixed:
        status = statuses.filter(
            (pl.col(JURISDICTION) == jurisdiction)
            & (pl.col(FORCE) == force)
            & (pl.col(YEAR) == year)
        )["status"].item()
        assert status in ("published", "derived"), (force, year)
    by_year: dict[str, list[str]] = {}
    for _, force, year in fixed:
        by_year.setdefault(year, []).append(force)
    year, forces = max(by_year.items(), key=lambda item: len(item[1]))
    shown = book.of(((FORCE, tuple(forces)), (YEAR, (year,))), "offences").status
    assert shown in ("published", "derived")


def test_the_readme_gives_the_table_the_dataset_gives(dataset: Dataset) -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    for line in coverage_lines(dataset)[1:-2]:
        assert line in readme, line
