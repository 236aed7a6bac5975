"""The summary carries exact intervals and a significance flag, from a file whose counts we know."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.data.engine import stats
from tui.data.engine.query import summary
from tui.data.engine.table import CHANGE_SIGNIFICANT, HIGH, LOW, RATE, RATE_HIGH, RATE_LOW
from tui.data.features.navigation import initial_selection
from tui.data.loading import load_dataset
from tui.data.output.summary_text import summary_lines
from tui.data.output.table_notes import uncertainty_note

COUNTS = {  # force -> (2017/18, 2018/19)
    "Kent": (100, 150),  # a real rise: p < 0.01
    "Surrey": (40, 48),  # a few more: chance
    "Dorset": (0, 3),  # from nothing: no change to show
}


@pytest.fixture(scope="module")
def known(tmp_path_factory: pytest.TempPathFactory):
    path: Path = tmp_path_factory.mktemp("known") / "known.csv"
    lines = ["force,year,offences"]
    for force, (before, after) in COUNTS.items():
        lines += [f"{force},2017/18,{before}", f"{force},2018/19,{after}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return load_dataset(path)


def test_each_row_has_the_garwood_interval_of_its_count(known):
    result = summary(known, initial_selection(known).grouped_by("force"))
    for row in result.frame.iter_rows(named=True):
        assert (row[LOW], row[HIGH]) == pytest.approx(stats.poisson_interval(row["offences"]))
        assert row[RATE_LOW] < row[RATE] < row[RATE_HIGH]
    assert (result.totals[LOW], result.totals[HIGH]) == stats.poisson_interval(341)


def test_change_flag_follows_the_exact_test(known):
    selection = initial_selection(known).grouped_by("force").with_filter("year", ("2018/19",))
    result = summary(known, selection)
    flags = dict(zip(result.frame["force"], result.frame[CHANGE_SIGNIFICANT], strict=True))
    assert flags == {"Kent": True, "Surrey": False, "Dorset": None}
    assert result.totals[CHANGE_SIGNIFICANT] is True  # 201 vs 140
    assert uncertainty_note(result) is not None
    surrey = next(line for line in summary_lines(result) if line.startswith("Surrey"))
    assert "~+20.0%" in surrey


def test_by_year_each_year_is_tested_against_the_one_before(known):
    result = summary(
        known, initial_selection(known).grouped_by("year").with_filter("force", ("Surrey",))
    )
    assert result.frame[CHANGE_SIGNIFICANT].to_list() == [None, False]
    assert result.totals[CHANGE_SIGNIFICANT] is None
