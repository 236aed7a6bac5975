"""The Python API (``import tui``): the same engine as the explorer and the CLI, its frames carrying
provenance, intervals and ranges as columns, whatever else was imported."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tui
from tui.api import Data, Table
from tui.data.engine.provenance import LEGEND
from tui.data.engine.query import summary as engine_summary
from tui.data.features.quote import quote
from tui.data.output.export import export, export_content
from tui.data.schema import PROVENANCE

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def data() -> Data:
    return tui.open()


def test_kent_by_year_with_provenance_and_intervals_in_three_lines(data: Data) -> None:
    """The 'done when' question, answered as the README shows it: every published year of Kent
    is the published figure (read from the sources, not typed here), with its interval; the
    modelled year has no interval and the range the published figures allow."""
    kent = tui.open().summary(by="year", where={"force": "Kent"})
    shown = kent.select("year", "offences", "provenance", "low", "high", "range_low", "range_high")
    figures = data.sources().filter(
        (pl.col("scope") == "Kent") & (pl.col("status") == "target") & (pl.col("unit") == "count")
    )
    published = dict(zip(figures["year"], figures["published"], strict=True))
    for row in shown.iter_rows(named=True):
        if row[PROVENANCE] == "published":
            assert float(row["offences"]) == float(published[row["year"]])
            assert row["low"] < row["offences"] < row["high"]
            assert row["range_low"] == row["range_high"] == row["offences"]
        else:
            assert row[PROVENANCE] == "modelled"
            assert row["low"] is None and row["high"] is None
            assert row["range_low"] <= row["offences"] <= row["range_high"]
    assert "published" in shown[PROVENANCE].to_list()
    assert "modelled" in shown[PROVENANCE].to_list()


FRESH = """
import tui
frame = tui.open().summary(by="year")
row = frame.filter(frame["year"] == "2023/24").row(0, named=True)
print(row["provenance"], row["low"], row["high"], row["range_low"] is not None)
"""


def test_a_fresh_interpreter_importing_only_tui_gets_the_modelled_marks() -> None:
    """Honesty does not depend on an import: England and Wales 2023/24 (modelled: Northern
    Ireland's total is carried forward) has no Poisson interval and has its range."""
    done = subprocess.run(
        [sys.executable, "-c", FRESH], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout.split() == ["modelled", "None", "None", "True"]


def test_the_frame_holds_every_column_the_engine_exports(data: Data) -> None:
    """No column list is kept in the API: whatever the engine's summary and its export have
    (coverage, rates, intervals added later) is there, with the provenance beside the count."""
    selection = data.selection("force", {"year": "2023/24"})
    table = data.summary(by="force", where={"year": "2023/24"})
    exported = export_content(data.dataset, selection, "summary")
    assert set(table.columns) == set(exported.frame.columns)
    assert table.columns[:3] == ["force", "offences", PROVENANCE]
    assert table.sort("force").equals(exported.frame.select(table.columns).sort("force"))
    assert set(engine_summary(data.dataset, selection).frame.columns) <= set(table.columns)


@settings(max_examples=12, deadline=None)
@given(
    by=st.sampled_from(["year", "force", "region", "age_band", "sex"]),
    year=st.sampled_from(["2017/18", "2020/21", "2023/24", "2024/25"]),
    jurisdiction=st.sampled_from(["ew", "uk", "scotland"]),
)
def test_summaries_are_the_engines_for_any_choice(by: str, year: str, jurisdiction: str) -> None:
    data = tui.open()
    table = data.summary(by=by, where={"year": year}, jurisdiction=jurisdiction)
    selection = data.selection(by, {"year": year}, jurisdiction=jurisdiction)
    result = engine_summary(data.dataset, selection)
    assert table[result.measure].to_list() == result.frame[result.measure].to_list()
    marks = [result.status_of(str(m)) for m in result.frame[by]]
    assert table[PROVENANCE].to_list() == marks
    modelled = table.filter(pl.col(PROVENANCE) == "modelled")
    assert modelled["low"].null_count() == modelled.height


def test_column_notes_are_the_sidecars_words(data: Data, tmp_path: Path) -> None:
    table = data.summary(by="year", where={"force": "Kent"})
    written = export(data.dataset, data.selection("year", {"force": "Kent"}), tmp_path / "k.csv")
    sidecar = tomllib.loads(written.sidecar.read_text())
    assert set(table.column_notes) == set(table.columns)
    for column, note in table.column_notes.items():
        assert note == sidecar["columns"][column], column


def test_notes_and_sources_go_with_the_table(data: Data) -> None:
    table = data.summary(by="year", where={"force": "Kent"})
    assert LEGEND in table.notes
    assert "Filters: force = Kent; jurisdiction = England and Wales" in table.notes
    assert table.sources.columns == ["title", "published", "url"]
    assert table.sources.height >= 1
    assert all(url.startswith("https://") for url in table.sources["url"])
    assert table.totals["offences"] == table["offences"].sum()
    assert table.totals[PROVENANCE] == "modelled"  # the sum holds a modelled year


def test_frames_made_from_a_table_are_plain_frames(data: Data) -> None:
    """The notes stay with the table scwc returned: a filtered frame is a plain DataFrame."""
    table = data.summary(by="year")
    assert isinstance(table, Table) and isinstance(table, pl.DataFrame)
    assert type(table.filter(pl.col(PROVENANCE) == "published")) is pl.DataFrame


def test_where_takes_one_member_or_several_spelled_loosely(data: Data) -> None:
    two = data.summary(by="force", where={"Force": ["Kent", "essex"], "year": "2023-24"})
    assert sorted(two["force"].to_list()) == ["Essex", "Kent"]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda d: d.summary(by="colour"), "no dimension 'colour'"),
        (lambda d: d.summary(where={"force": "Atlantis"}), "force has no member 'Atlantis'"),
        (lambda d: d.summary(by="platform"), "--measure instances"),
        (lambda d: d.summary(measure="arrests"), "no measure 'arrests'"),
        (lambda d: d.summary(where={"force": []}), "no member given"),
        (lambda d: d.members("colour"), "no dimension 'colour'"),
    ],
)
def test_bad_names_raise_one_clear_error(data: Data, call, message: str) -> None:
    with pytest.raises(tui.DataError, match=message):
        call(data)


def test_rows_quote_and_sources_are_the_commands(data: Data) -> None:
    rows = data.rows(where={"force": "Kent", "year": "2023/24"})
    assert set(rows[PROVENANCE]) == {"modelled"}  # cells of the modelled breakdown
    assert rows["offences"].sum() == 264
    selection = data.selection(None, {"force": "Kent", "year": "2023/24"})
    assert data.quote(where={"force": "Kent", "year": "2023/24"}) == quote(data.dataset, selection)
    done = subprocess.run(
        [sys.executable, "-m", "tui", "sources", "--json"], capture_output=True, text=True
    )
    assert data.sources().height == done.stdout.count('"id":')


def test_a_users_file_has_no_marks_and_no_sources(tmp_path: Path) -> None:
    path = tmp_path / "foi.csv"
    path.write_text("Force,Year,Offences\nKent,2023/24,264\nEssex,2023/24,123\n")
    own = tui.open(path)
    table = own.summary(by="force")
    assert PROVENANCE not in table.columns
    assert table["offences"].sum() == 387
    with pytest.raises(tui.DataError, match="not built from the published figures"):
        own.sources()


def test_the_example_script_runs() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "notebook.py")],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert re.search(r"\d of 8 years of Kent's numbers are published or derived", done.stdout)
    assert "chart: 800 pixels wide" in done.stdout
