"""The tile-grid map: every force once, on its own tile, roughly where it is."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

WELSH = ("North Wales", "Dyfed-Powys", "South Wales", "Gwent")


@pytest.fixture(scope="module")
def grid(data_dir: Path) -> dict[str, tuple[int, int]]:
    frame = pl.read_csv(data_dir / "force_grid.csv")
    return {f: (c, r) for f, c, r in frame.select("force", "col", "row").iter_rows()}


def test_every_force_exactly_once(data_dir: Path) -> None:
    frame = pl.read_csv(data_dir / "force_grid.csv")
    listed = pl.read_csv(data_dir / "forces.csv")
    forces = listed.filter(pl.col("nation").is_in(["England", "Wales"]))["force"]
    assert frame["force"].is_duplicated().sum() == 0
    assert sorted(frame["force"]) == sorted(forces)
    assert frame.height == 43


def test_no_two_forces_share_a_tile_and_abbreviations_are_unique(data_dir: Path) -> None:
    frame = pl.read_csv(data_dir / "force_grid.csv")
    assert frame.select("col", "row").is_duplicated().sum() == 0
    assert frame["abbreviation"].is_duplicated().sum() == 0
    assert frame["abbreviation"].str.len_chars().max() <= 3
    assert (frame["col"] >= 0).all() and (frame["row"] >= 0).all()


def test_welsh_forces_are_in_the_west(grid) -> None:
    english_cols = [c for f, (c, _) in grid.items() if f not in WELSH]
    for force in WELSH:
        assert grid[force][0] <= 1
    assert sum(grid[f][0] for f in WELSH) / 4 < sum(english_cols) / len(english_cols)
    assert grid["Dyfed-Powys"][0] < grid["West Mercia"][0]
    assert grid["South Wales"][0] < grid["Gwent"][0]
    assert grid["North Wales"][1] < grid["South Wales"][1]


def test_the_met_is_in_the_south_east(grid) -> None:
    cols = sorted(c for c, _ in grid.values())
    rows = sorted(r for _, r in grid.values())
    met_col, met_row = grid["Metropolitan Police"]
    assert met_col > cols[len(cols) // 2] - 1 and met_row > rows[len(rows) * 3 // 4] - 1
    assert abs(grid["City of London"][0] - met_col) + abs(grid["City of London"][1] - met_row) == 1
    assert grid["Kent"][0] > met_col
    assert grid["Hertfordshire"][1] < met_row < grid["Sussex"][1]


@pytest.mark.parametrize(
    ("north", "south"),
    [
        ("Northumbria", "Devon and Cornwall"),
        ("Northumbria", "Durham"),
        ("Cumbria", "Lancashire"),
        ("West Yorkshire", "South Yorkshire"),
        ("Lincolnshire", "Norfolk"),
        ("Norfolk", "Suffolk"),
        ("Suffolk", "Essex"),
        ("Gloucestershire", "Wiltshire"),
        ("Surrey", "Sussex"),
    ],
)
def test_north_of(grid, north: str, south: str) -> None:
    assert grid[north][1] < grid[south][1]


@pytest.mark.parametrize(
    ("west", "east"),
    [
        ("Merseyside", "Greater Manchester"),
        ("Greater Manchester", "West Yorkshire"),
        ("West Yorkshire", "Humberside"),
        ("Devon and Cornwall", "Dorset"),
        ("Dorset", "Hampshire"),
        ("Hampshire", "Surrey"),
        ("West Mercia", "Staffordshire"),
        ("Cumbria", "Durham"),
    ],
)
def test_west_of(grid, west: str, east: str) -> None:
    assert grid[west][0] < grid[east][0]
