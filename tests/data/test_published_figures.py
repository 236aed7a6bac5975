"""Every published figure is accounted for, and every target is reproduced through the query engine."""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from tests.builds import Built
from tui.data.build.build import main as build_main
from tui.data.build.inputs import copy_build_inputs
from tui.data.features.reconcile import Check, closing_line, figures, reconcile, value_of
from tui.data.figures.targets import CONFLICTING, CONTEXT, SUPERSEDED, TARGET


@pytest.fixture(scope="module")
def checks(dataset, data_dir: Path) -> list[Check]:
    return reconcile(dataset, data_dir)


def test_every_target_is_reproduced(checks: list[Check]) -> None:
    mismatches = [c.describe() for c in checks if c.mismatch]
    assert not mismatches
    targets = sum(c.figure.status == TARGET for c in checks)
    assert targets > 322, "the police disclosure logs and local news add targets"
    assert closing_line(checks).endswith("; 0 mismatches")


def test_every_published_row_is_accounted_for(checks: list[Check], data_dir: Path) -> None:
    with (data_dir / "real_figures.csv").open(encoding="utf-8") as handle:
        real = list(csv.DictReader(handle))
    assert len(real) == 493
    with (data_dir / "more_figures.csv").open(encoding="utf-8") as handle:
        more = list(csv.DictReader(handle))
    assert len(more) == 118
    ids = [c.figure.id for c in checks]
    assert len(ids) == len(set(ids)) == 493 + 118 + 20
    statuses = Counter(c.figure.status for c in checks)
    assert set(statuses) == {TARGET, SUPERSEDED, CONFLICTING, CONTEXT}
    assert all(c.figure.reason for c in checks if c.figure.status != TARGET)


@pytest.mark.parametrize(
    ("scope", "year", "measure", "value", "status", "reason"),
    [
        ("England and Wales", "2017/18", "offences", 3171, SUPERSEDED, "3,217"),
        ("England and Wales", "2018/19", "offences", 4373, SUPERSEDED, "4,625"),
        ("Lancashire", "2017/18", "offences", 64, CONFLICTING, "175"),
        ("Northern Ireland", "2020/21", "offences", 196, SUPERSEDED, "195"),
        ("England and Wales", "2016/17", "sexual_grooming_88a_offences", 1771, CONTEXT, "88A"),
        ("England and Wales", "2017/18", "offences", 1316, TARGET, "lower bound"),
        ("Kent", "2023/24", "offences", 264, TARGET, ""),
        # more_figures.csv: police disclosure logs and local news
        ("Dyfed-Powys", "2021/22", "offences", 39, CONFLICTING, "36"),
        ("Dyfed-Powys", "2021/22", "offences", 36, TARGET, ""),
        ("Cambridgeshire", "2017/18", "offences", 27, TARGET, "partial period"),
        ("Staffordshire", "2017/18", "offences", 28, TARGET, "lower bound"),
        ("Hertfordshire", "2020/21", "offences", 49, TARGET, "lower bound"),
        ("Hertfordshire", "2020/21", "offences_female", 31, CONTEXT, "partial period"),
        ("Derbyshire", "2017/18-2018/19", "offences", 76, TARGET, "at least 76"),
        ("Wales", "2017/18", "offences", 136, TARGET, "lower bound"),
        ("Avon and Somerset", "2017/18", "perpetrators", 38, CONTEXT, "suspects"),
        ("Sussex", "2017/18", "offences", 33, CONFLICTING, "77"),
        ("Wiltshire", "2017/18", "offences", 54, CONFLICTING, "28"),
        ("West Mercia", "2017/18", "offences_age_12_15", 38, CONFLICTING, "48"),
        ("West Mercia", "2017/18", "offences_age_12_15", 48, CONFLICTING, "38"),
        ("Kent", "2017/18-2018/19", "offences", 262, TARGET, ""),
        # the sum of a table's published cells: a target now that the two force-years it leaves
        # out are known to be missing (n/a in the NSPCC table), not zero
        ("Wales", "2017/18-2022/23", "offences", 1753, TARGET, ""),
        ("Leicestershire", "2018/19", "offences", 89, TARGET, ""),
    ],
)
def test_statuses_follow_the_rules(data_dir, scope, year, measure, value, status, reason) -> None:
    found = [
        f
        for f in figures(data_dir)
        if (f.scope, f.year, f.measure, f.value) == (scope, year, measure, value)
        and f.unit != "lower_bound"
    ]
    assert found and all(f.status == status and reason in f.reason for f in found), found


def test_a_broader_count_is_context(data_dir: Path) -> None:
    """`measure = other` (online-flagged offences, 88A, victims) is never this offence's count."""
    other = [f for f in figures(data_dir) if f.measure == "other"]
    assert len(other) == 63
    assert all(f.status == CONTEXT and "broader" in f.reason for f in other)


def test_no_partial_period_is_a_years_figure(data_dir: Path) -> None:
    """A period note naming months short of whole financial years never makes a year's figure:
    such a count is only a lower bound on the years it falls in."""
    partial = re.compile(r"six months|6 months|nine months|18 months|partial year|not a full year")
    targets = [
        f for f in figures(data_dir) if f.status == TARGET and partial.search(f.period_note.lower())
    ]
    bounds = [f for f in targets if f.partial]
    assert len(bounds) > 20
    assert all(f.bounds()[1] == float("inf") and "lower bound" in f.reason for f in bounds)
    assert all(f.holds(f.value + 500) and not f.holds(f.value - 1) for f in bounds)
    # the documented exception: every later table uses Dyfed-Powys's 19 as its 2017/18 figure
    whole = {(f.scope, f.year, f.value) for f in targets if not f.partial}
    assert whole == {("Dyfed-Powys", "2017/18", 19.0), ("Wales", "2017/18", 274.0)}
    assert all("every later" in f.reason for f in targets if not f.partial)


def test_a_wrong_target_is_a_mismatch(dataset, checks: list[Check]) -> None:
    kent = next(c.figure for c in checks if c.figure.scope == "Kent" and c.figure.year == "2023/24")
    wrong = replace(kent, value=265)
    assert Check(wrong, value_of(dataset, wrong)).mismatch
    assert Check(kent, value_of(dataset, kent)).ok


def test_rebuild_is_byte_identical(project_build: Built, data_dir: Path) -> None:
    """``scwc build --out DIR`` from the project's figures gives the embedded dataset byte for
    byte (built once per test run, :mod:`tests.builds`), leaving no scratch file behind."""
    assert project_build.code == 0, project_build.err
    for name in ("offences.csv", "ranges.csv", "offences.toml"):
        assert (project_build.folder / name).read_bytes() == (data_dir / name).read_bytes(), name
    assert not [p.name for p in project_build.folder.iterdir() if p.name.startswith(".")]
    assert not list(project_build.folder.parent.glob(".scwc-build-*"))


def test_builder_refuses_a_dataset_that_breaks_a_target(tmp_path: Path, data_dir: Path) -> None:
    copy_build_inputs(data_dir, tmp_path)
    text = (data_dir / "real_figures.csv").read_text(encoding="utf-8")
    # Surrey 2017/18 27 -> 28 breaks the South East table (378), which cannot then hold
    (tmp_path / "real_figures.csv").write_text(
        text.replace("force,Surrey,2017/18,offences,27,", "force,Surrey,2017/18,offences,28,"),
        encoding="utf-8",
    )
    assert build_main(["--data-dir", str(tmp_path)], announce=lambda _: None) == 2
    assert not (tmp_path / "offences.csv").exists()
