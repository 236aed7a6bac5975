"""Every total says what it holds: a sum with a force-year missing is partial (◔, never ● or ◐,
no change test, no interval), a change compares like with like, a rate divides each year's count
by that year's own population over the same force-years, and a published figure its source doubts
keeps its value and carries a flag. Each finding of issue 24 ("Seen on main") is a test here."""

from __future__ import annotations

import tomllib
from pathlib import Path

import polars as pl
import pytest

from tests.conftest import FIXTURES
from tui.data.dataset import Dataset
from tui.data.engine.populations import population_table
from tui.data.engine.query import summary
from tui.data.engine.table import (
    CHANGE,
    CHANGE_SIGNIFICANT,
    COVERAGE,
    FLAG,
    HIGH,
    LOW,
    MISSING,
    RATE,
    RATE_CHILDREN,
)
from tui.data.features.navigation import initial_selection
from tui.data.loading import load_dataset
from tui.data.output.export import export
from tui.data.selection import Selection
from tui.screens.about import about_text

EW = ("England and Wales",)


def _by_year(*forces: str) -> Selection:
    selection = Selection("year", "offences").with_filter("jurisdiction", EW)
    return selection.with_filter("force", forces) if forces else selection


def _row(result, member: str) -> dict:
    return next(r for r in result.frame.iter_rows(named=True) if str(r[result.key]) == member)


def _population(force: str, year: str, column: str = "population_all_ages") -> int:
    table = population_table()
    found = table.filter((pl.col("force") == force) & (pl.col("year") == year))[column]
    return int(found[0])


def _offences(dataset: Dataset, force: str, year: str) -> int:
    chosen = _by_year(force).with_filter("year", (year,))
    return int(summary(dataset, chosen).totals["offences"])


def test_kent_and_hampshire_2021_22_is_partial_not_published(dataset) -> None:
    """Seen on main: 2021/22 read ``179 ●`` (Kent only) and the changes either side, −26.0% and
    +184.4%, were tested and shown as significant."""
    result = summary(dataset, _by_year("Hampshire", "Kent"))
    row = _row(result, "2021/22")
    assert row["offences"] == 179
    assert result.mark_of("2021/22") == "◔"
    assert result.status_of("2021/22") == "partial"
    assert row[MISSING] == "Hampshire 2021/22"
    assert row[COVERAGE] == "1 of 2 force-years"
    assert row[LOW] is None and row[HIGH] is None  # no Poisson interval on a partial sum
    for year in ("2021/22", "2022/23"):  # no test across the gap
        assert _row(result, year)[CHANGE_SIGNIFICANT] is None
    # like with like: 2022/23 on 2021/22 over Kent alone (Hampshire has no 2021/22 figure)
    kent = {y: _offences(dataset, "Kent", y) for y in ("2020/21", "2021/22", "2022/23")}
    assert _row(result, "2022/23")[CHANGE] == pytest.approx(kent["2022/23"] / kent["2021/22"] - 1)
    assert _row(result, "2021/22")[CHANGE] == pytest.approx(kent["2021/22"] / kent["2020/21"] - 1)
    assert "Kent" in result.change_basis["2022/23"]
    assert "both years" in result.change_basis["2022/23"]


def test_a_complete_row_is_not_partial(dataset) -> None:
    result = summary(dataset, _by_year("Hampshire", "Kent"))
    assert _row(result, "2019/20")[MISSING] == ""
    assert _row(result, "2019/20")[COVERAGE] == "2 of 2 force-years"
    assert result.mark_of("2019/20") in ("●", "◐")


def test_the_national_total_of_a_year_with_a_missing_force_is_partial(dataset) -> None:
    result = summary(dataset, _by_year())
    missing = _row(result, "2021/22")[MISSING]
    assert "Hampshire 2021/22" in missing.split("; ")
    assert result.mark_of("2021/22") not in ("●", "◐")
    assert _row(result, "2021/22")[CHANGE_SIGNIFICANT] is None


def test_a_force_year_with_no_figure_is_a_row_with_no_number(dataset) -> None:
    """Hampshire by year: 2021/22 is shown with no number (missing, not zero)."""
    result = summary(dataset, _by_year("Hampshire"))
    row = _row(result, "2021/22")
    assert row["offences"] is None and row[RATE] is None
    assert row[MISSING] == "Hampshire 2021/22" and row[COVERAGE] == "0 of 1 force-years"


def test_hampshire_over_all_years_divides_by_the_years_it_has(dataset) -> None:
    """Seen on main: 7.90 per 100k = 1,264 ÷ (1.999M × 8 years); only 7 years have a figure."""
    result = summary(dataset, _by_year("Hampshire").grouped_by("force"))
    years = [y for y in dataset.members("year") if y != "2021/22"]
    people = sum(_population("Hampshire", y) for y in years)
    total = result.totals["offences"]
    assert total == sum(_offences(dataset, "Hampshire", y) for y in years)
    assert result.totals[RATE] == pytest.approx(total / people * 100_000)
    assert _row(result, "Hampshire")[RATE] == pytest.approx(total / people * 100_000)


def test_a_foi_file_with_one_suppressed_year_divides_by_the_other_years() -> None:
    """Seen on main: a FOI-style CSV with ``*`` for one year gave 8.60 (476 over three years of
    Kent's 2018 population) where 476 over the two years with a figure is right."""
    foi = load_dataset(FIXTURES / "foi_suppressed.csv")
    result = summary(foi, initial_selection(foi).grouped_by("force"))
    people = _population("Kent", "2021/22") + _population("Kent", "2023/24")
    assert result.totals["offences"] == 476
    assert result.totals[RATE] == pytest.approx(476 / people * 100_000)
    assert result.totals[MISSING] == "Kent 2022/23"
    assert result.totals[COVERAGE] == "2 of 3 force-years"
    assert result.mark_of(None) == "◔"
    by_year = summary(foi, initial_selection(foi).grouped_by("year"))
    assert _row(by_year, "2023/24")[CHANGE] is None  # 2022/23 has no figure
    assert "2022/23" in by_year.change_basis["2023/24"]


def test_england_and_wales_2024_25_has_one_rate_by_year_and_with_a_year_filter(dataset) -> None:
    """Seen on main: 10.81 per 100k by year and 10.95 with ``--where year=2024/25``; 2021/22
    9.20 and 9.53."""
    by_year = summary(dataset, _by_year())
    for year in ("2024/25", "2021/22", "2019/20"):
        alone = summary(dataset, _by_year().with_filter("year", (year,)))
        for column in (RATE, RATE_CHILDREN):
            assert _row(by_year, year)[column] == pytest.approx(alone.totals[column])
            assert _row(alone, year)[column] == pytest.approx(alone.totals[column])


def test_2024_25_rates_use_mid_2024_populations(dataset) -> None:
    """Seen on main: every rate divided by an approximate 2018 population."""
    result = summary(dataset, _by_year().with_filter("year", ("2024/25",)).grouped_by("force"))
    kent = _row(result, "Kent")
    assert kent[RATE] == pytest.approx(kent["offences"] / _population("Kent", "2024/25") * 1e5)
    forces, counts = result.frame["force"].cast(pl.String), result.frame["offences"]
    counted = [f for f, n in zip(forces, counts, strict=True) if n is not None]
    people = sum(_population(f, "2024/25") for f in counted)
    assert result.totals[RATE] == pytest.approx(result.totals["offences"] / people * 100_000)


def test_a_rate_per_10000_children_aged_0_17(dataset) -> None:
    result = summary(dataset, _by_year("Kent").with_filter("year", ("2023/24",)))
    children = _population("Kent", "2023/24", "population_0_17")
    assert result.totals[RATE_CHILDREN] == pytest.approx(
        result.totals["offences"] / children * 10_000
    )
    assert "children aged 0-17" in (result.rate_children_label or "")
    assert "ONS" in (result.rate_children_label or "")


def test_a_year_without_a_population_has_no_rate_and_says_so(dataset) -> None:
    """Scotland has no mid-2023 estimate here: no rate, never another year's population."""
    scotland = Selection("year", "offences").with_filter("jurisdiction", ("Scotland",))
    result = summary(dataset, scotland)
    assert _row(result, "2023/24")[RATE] is None
    assert _row(result, "2022/23")[RATE] is not None
    assert result.totals[RATE] is None
    assert "2023/24" in (result.rate_note or "")


def test_hampshire_2020_21_is_published_and_flagged(dataset) -> None:
    """Seen on main: Hampshire 2020/21 = 18 and 2023/24 = 95, which the data's own note says
    look anomalous, read as plain facts, and −93.8% was shown as significant."""
    result = summary(dataset, _by_year("Hampshire"))
    row = _row(result, "2020/21")
    assert row["offences"] == 18
    assert result.mark_of("2020/21") == "●!"
    assert result.provenance_of("2020/21").status == "published"
    assert "anomalous" in row[FLAG]
    assert "anomalous" in _row(result, "2023/24")[FLAG]
    assert _row(result, "2019/20")[FLAG] == ""
    for year in ("2020/21", "2023/24"):
        assert _row(result, year)[CHANGE_SIGNIFICANT] is None


def test_a_fivefold_jump_against_both_neighbours_is_flagged(tmp_path: Path) -> None:
    path = tmp_path / "jump.csv"
    path.write_text(
        "force,year,offences\n"
        "Kent,2017/18,200\nKent,2018/19,30\nKent,2019/20,210\nKent,2020/21,220\n"
        "Essex,2017/18,100\nEssex,2018/19,300\nEssex,2019/20,110\nEssex,2020/21,100\n",
        encoding="utf-8",
    )
    jump = load_dataset(path)
    result = summary(jump, Selection("year", "offences").with_filter("force", ("Kent",)))
    assert "5-fold" in _row(result, "2018/19")[FLAG]
    assert result.mark_of("2018/19").endswith("!")
    assert _row(result, "2018/19")[CHANGE_SIGNIFICANT] is None
    assert _row(result, "2019/20")[CHANGE_SIGNIFICANT] is None
    assert _row(result, "2020/21")[FLAG] == ""
    essex = summary(jump, Selection("year", "offences").with_filter("force", ("Essex",)))
    assert _row(essex, "2018/19")[FLAG] == ""  # 3-fold: not flagged


def test_no_change_across_a_flagged_figure_claims_significance(dataset) -> None:
    """Kent and Hampshire 2020/21 holds Hampshire's flagged 18: its fall on 2019/20 is not
    tested (the row itself is a sum, so it carries no ! of its own)."""
    result = summary(dataset, _by_year("Hampshire", "Kent"))
    row = _row(result, "2020/21")
    assert row[CHANGE] is not None and row[CHANGE_SIGNIFICANT] is None
    assert result.change_marks["2020/21"] == "!"
    assert "across the flagged Hampshire 2020/21" in result.change_basis["2020/21"]
    assert row[FLAG] == ""


def test_about_explains_partial_rows_the_two_rates_and_the_populations(dataset) -> None:
    text = about_text(dataset)
    assert "◔ partial: a sum with force-years missing (named)" in text
    assert "per 10,000 children aged 0-17" in text and "per 100,000 residents" in text
    assert "England and Wales: ONS mid-year estimates, 2017/18 to 2024/25" in text
    assert "Census 2021 based" in text and "No estimate held for Scotland 2023/24" in text
    assert "Hampshire 2021/22: the force did not provide a figure" in text


def test_an_export_names_what_each_row_lacks_and_its_flags(dataset, tmp_path: Path) -> None:
    path = tmp_path / "hk.csv"
    export(dataset, _by_year("Hampshire", "Kent"), path)
    rows = {r["year"]: r for r in pl.read_csv(path, infer_schema_length=0).iter_rows(named=True)}
    assert rows["2021/22"]["missing"] == "Hampshire 2021/22"
    assert rows["2021/22"]["coverage"] == "1 of 2 force-years"
    assert rows["2021/22"]["provenance"] == "partial"
    assert rows["2019/20"]["missing"] in ("", None) and rows["2019/20"]["provenance"] != "partial"
    assert rows["2021/22"]["change_significant"] is None
    hampshire = tmp_path / "h.csv"
    export(dataset, _by_year("Hampshire"), hampshire)
    flags = dict(pl.read_csv(hampshire, infer_schema_length=0).select("year", "flag").iter_rows())
    assert flags["2020/21"] == "as published; source notes it looks anomalous"
    columns = tomllib.loads((tmp_path / "hk.csv.toml").read_text())["columns"]
    assert (
        "partial" in columns["missing"]["meaning"]
        and "';'-separated" in columns["missing"]["meaning"]
    )
    assert "42 of 43" in columns["coverage"]["meaning"]
    assert "anomalous" in columns["flag"]["meaning"]
    assert "children aged 0-17" in columns["rate_per_10k_children"]["unit"]
    assert "mid-2019 for 2019/20" in columns["rate_per_10k_children"]["base"]
