"""``data/populations.csv``: the mid-year populations rates divide by, built from the official files
in ``data/population/`` by ``python -m tui.data.build.populations``."""

from __future__ import annotations

import csv
import re
import shutil
import tomllib
from collections import Counter
from itertools import pairwise
from pathlib import Path

import pytest

from tui.data.build import populations
from tui.data.schema import EW, NI, SCOTLAND

PUBLISHED_ENGLAND_AND_WALES = {
    2017: 58_744_595,
    2018: 59_115_809,
    2019: 59_439_840,
    2020: 59_719_724,
    2021: 59_641_829,
    2022: 60_238_038,
    2023: 60_854_727,
    2024: 61_806_682,
}
"""ONS's England and Wales totals, each year as first published: mid-2017, mid-2019 and mid-2024 as
ONS's bulletins give them, the others the England and Wales row (K04000001) of the year's workbook."""

PUBLISHED_SINGLE_FORCE = {
    SCOTLAND: {
        2017: 5_424_800,
        2018: 5_438_100,
        2019: 5_463_300,
        2020: 5_466_000,
        2021: 5_479_900,
        2022: 5_447_700,
    },
    NI: {2017: 1_870_834, 2018: 1_881_641, 2019: 1_893_667, 2020: 1_895_510, 2021: 1_904_563},
}
"""The Scotland and Northern Ireland rows of the same workbooks (NRS's own for Scotland mid-2022)."""

MISSING = {
    ("Police Scotland", 2023),
    ("Police Scotland", 2024),
    ("Police Service of Northern Ireland", 2022),
    ("Police Service of Northern Ireland", 2023),
    ("Police Service of Northern Ireland", 2024),
}
"""Force-years no file in data/population/ has a figure for (all ages and 0-17)."""

CENSUS_BASIS = re.compile(r"(2011 Census|Census 2021|Scotland's Census 2022) based")


@pytest.fixture(scope="module")
def rows(data_dir: Path) -> list[dict[str, str]]:
    with (data_dir / "populations.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def notes(data_dir: Path) -> dict:
    return tomllib.loads((data_dir / "populations.toml").read_text(encoding="utf-8"))


def value(row: dict[str, str], column: str) -> int | None:
    return int(row[column]) if row[column] else None


@pytest.mark.parametrize("mid_year", sorted(PUBLISHED_ENGLAND_AND_WALES))
def test_england_and_wales_adds_up_to_the_published_total(
    rows: list[dict[str, str]], mid_year: int
) -> None:
    forces = [r for r in rows if r["jurisdiction"] == EW and int(r["mid_year"]) == mid_year]
    assert len(forces) == 43
    assert (
        sum(value(r, "population_all_ages") or 0 for r in forces)
        == (PUBLISHED_ENGLAND_AND_WALES[mid_year])
    )


def test_scotland_and_northern_ireland_are_their_published_totals(
    rows: list[dict[str, str]],
) -> None:
    for jurisdiction, totals in PUBLISHED_SINGLE_FORCE.items():
        found = {
            int(r["mid_year"]): value(r, "population_all_ages")
            for r in rows
            if r["jurisdiction"] == jurisdiction and r["population_all_ages"]
        }
        assert found == totals


def test_the_national_children_are_the_forces_children(
    rows: list[dict[str, str]], notes: dict
) -> None:
    for release in notes["release"]:
        forces = [
            r
            for r in rows
            if r["jurisdiction"] == release["jurisdiction"] and r["year"] == release["year"]
        ]
        assert sum(value(r, "population_0_17") or 0 for r in forces) == release["national_0_17"]
        assert (
            sum(value(r, "population_all_ages") or 0 for r in forces)
            == (release["national_all_ages"])
        )


def test_every_force_appears_once_a_year(rows: list[dict[str, str]], data_dir: Path) -> None:
    with (data_dir / "forces.csv").open(newline="", encoding="utf-8") as handle:
        forces = [(r["force"], r["nation"]) for r in csv.DictReader(handle)]
    assert len(forces) == 45
    counts = Counter((r["force"], r["mid_year"]) for r in rows)
    assert set(counts.values()) == {1}
    assert len(rows) == 45 * 8
    nation = dict(forces)
    for row in rows:
        assert row["force"] in nation
        assert row["jurisdiction"] == populations.NATION_JURISDICTION[nation[row["force"]]]
        mid_year = int(row["mid_year"])
        assert 2017 <= mid_year <= 2024
        assert row["year"] == f"{mid_year}/{(mid_year + 1) % 100:02d}"
    assert [r["force"] for r in rows[::8]] == [name for name, _ in forces]


def test_children_are_fewer_than_all_ages(rows: list[dict[str, str]]) -> None:
    for row in rows:
        children, everyone = value(row, "population_0_17"), value(row, "population_all_ages")
        if children is not None and everyone is not None:
            assert 0 < children < everyone, row


def test_a_missing_value_is_blank_and_listed(rows: list[dict[str, str]], notes: dict) -> None:
    blank = {
        (r["force"], int(r["mid_year"]))
        for r in rows
        if not r["population_all_ages"] or not r["population_0_17"]
    }
    assert blank == MISSING
    for row in rows:
        if (row["force"], int(row["mid_year"])) in MISSING:
            assert row["population_all_ages"] == row["population_0_17"] == ""
            assert row["vintage"] == row["source"] == ""
        else:
            assert row["vintage"] and row["source"]
            assert int(row["population_all_ages"]) > 0
    listed = {(m["force"], m["mid_year"]) for m in notes["missing"]}
    assert listed == MISSING
    assert all(m["missing"] == ["population_all_ages", "population_0_17"] for m in notes["missing"])


def test_every_year_says_which_release_and_vintage(rows: list[dict[str, str]], notes: dict) -> None:
    releases = {(r["jurisdiction"], r["year"]): r for r in notes["release"]}
    for row in rows:
        if not row["vintage"]:
            continue
        release = releases[(row["jurisdiction"], row["year"])]
        assert row["vintage"] == release["vintage"]
        assert row["source"].startswith(release["source"])
        assert f"mid-{row['mid_year']}" in row["vintage"]
        basis = CENSUS_BASIS.search(row["vintage"])
        assert basis, row["vintage"]
        mid_year = int(row["mid_year"])
        expected = {
            EW: "2011 Census" if mid_year < 2021 else "Census 2021",
            NI: "2011 Census" if mid_year < 2021 else "Census 2021",
            SCOTLAND: "2011 Census" if mid_year < 2022 else "Scotland's Census 2022",
        }[row["jurisdiction"]]
        assert basis.group(1) == expected
    files = {s["file"] for s in notes["source"]}
    assert {r["source"] for r in notes["release"]} <= files


def test_no_force_jumps_more_than_5_percent_without_a_stated_reason(
    rows: list[dict[str, str]], notes: dict
) -> None:
    listed = {(j["force"], j["from"], j["to"], j["column"]): j["reason"] for j in notes["jump"]}
    by_force: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_force.setdefault(row["force"], []).append(row)
    found = set()
    for force, years in by_force.items():
        for before, after in pairwise(years):
            for column in ("population_all_ages", "population_0_17"):
                old, new = value(before, column), value(after, column)
                if old is None or new is None or abs(new / old - 1) <= 0.05:
                    continue
                key = (force, before["year"], after["year"], column)
                found.add(key)
                vintage_changed = CENSUS_BASIS.search(before["vintage"]).group(1) != (
                    CENSUS_BASIS.search(after["vintage"]).group(1)
                )
                assert vintage_changed or force in populations.JUMP_REASONS, key
                assert listed.get(key), key
                if vintage_changed:
                    assert "vintage change" in listed[key]
    assert found == set(listed)


def test_a_source_that_is_not_the_official_file_is_refused(tmp_path: Path, data_dir: Path) -> None:
    name = "LAD23_CSP23_PFA23.csv"
    text = (data_dir / "population" / name).read_text(encoding="utf-8-sig")
    (tmp_path / name).write_text(text.replace("Kent", "Sussex", 1), encoding="utf-8-sig")
    with pytest.raises(populations.SourceError, match="SHA-256"):
        populations.source_bytes(tmp_path, name)


def test_forces_must_add_up_to_the_national_row() -> None:
    release = populations.Release(EW, 2030, "test.xls", "MYE2", "ONS", "Census 2021 based", "")
    lookup = {"E06000001": "Cleveland", "E09000001": "City of London"}
    table = {
        "K04000001": (300, 60),
        "E06000001": (200, 40),
        "E09000001": (100, 20),
    }
    figures = populations.england_and_wales(release, table, lookup, ["Cleveland", "City of London"])
    assert figures.by_force == {"Cleveland": (200, 40), "City of London": (100, 20)}
    with pytest.raises(populations.SourceError, match="add up"):
        populations.england_and_wales(
            release, {**table, "K04000001": (301, 60)}, lookup, ["Cleveland", "City of London"]
        )
    with pytest.raises(populations.SourceError, match="in no lookup"):
        populations.england_and_wales(
            release, {**table, "E07000001": (1, 0)}, lookup, ["Cleveland", "City of London"]
        )
    with pytest.raises(populations.SourceError, match="no local authority in Kent"):
        populations.england_and_wales(
            release, table, lookup, ["Cleveland", "City of London", "Kent"]
        )


def test_the_committed_files_equal_a_fresh_build(tmp_path: Path, data_dir: Path) -> None:
    pytest.importorskip("fastexcel", reason="the builder reads the workbooks with fastexcel")
    pytest.importorskip("lzma", reason="the older ONS workbooks are stored xz-compressed")
    pytest.importorskip("tomli_w", reason="the builder writes populations.toml with tomli_w")
    shutil.copy(data_dir / "forces.csv", tmp_path / "forces.csv")
    shutil.copytree(data_dir / "population", tmp_path / "population")
    said: list[str] = []
    assert populations.main(["--data-dir", str(tmp_path)], announce=said.append) == 0
    assert len(said) == 2
    for name in ("populations.csv", "populations.toml"):
        assert (tmp_path / name).read_bytes() == (data_dir / name).read_bytes(), name
