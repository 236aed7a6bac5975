"""Unit tests of the loading steps, one module at a time (tui/data/loading/)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from tui.data.dataset import DataError
from tui.data.loading import repo_data_dir
from tui.data.loading.crosstab import unpivot_years
from tui.data.loading.names import ForceNames, force_key, member, member_spellings
from tui.data.loading.numbers import is_count_like, parse_count
from tui.data.loading.report import LoadReport
from tui.data.loading.sniff import sniff
from tui.data.loading.totals import is_footnote, is_total_label
from tui.data.loading.years import financial_year


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("2017/18", "2017/18"),
        ("2017-18", "2017/18"),
        ("2017/2018", "2017/18"),
        ("FY 2017/18", "2017/18"),
        ("Apr 2017 - Mar 2018", "2017/18"),
        ("April 2017 to March 2018", "2017/18"),
        ("1999/00", "1999/00"),
        ("2017/19", None),
        ("2017", None),
        ("Kent", None),
    ],
)
def test_financial_year(text: str, year: str | None) -> None:
    assert financial_year(text) == year


def _sniffed(tmp_path: Path, data: bytes):
    path = tmp_path / "s.csv"
    path.write_bytes(data)
    return sniff(path)


def test_sniff_delimiter_encoding_and_title_lines(tmp_path: Path) -> None:
    found = _sniffed(tmp_path, b"Table 1\n\nForce;Offences\nKent;1.234\n")
    assert (found.separator, found.header_line, found.european, found.encoding) == (
        ";",
        2,
        True,
        "utf-8",
    )
    two_cell_title = (
        b"Table 1,Sexual communication with a child\n\nForce,2017/18,2018/19\nKent,1,2\n"
    )
    assert _sniffed(tmp_path, two_cell_title).header_line == 2
    assert _sniffed(tmp_path, b"a,b,c\n,,2017/18\n1,2,3\n").header_line == 0
    assert _sniffed(tmp_path, "force\toffences\nCaf\xe9\t1\n".encode("cp1252")).encoding == "cp1252"
    assert _sniffed(tmp_path, "a,b\n1,2\n".encode("utf-16")).encoding == "utf-16"


def test_sniff_refuses_pathological_files_without_reading_them(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="longer than 1 MB"):
        _sniffed(tmp_path, b"x" * 3_000_000)
    with pytest.raises(DataError, match="columns"):
        _sniffed(tmp_path, b",".join(b"c" for _ in range(400_000)))
    with pytest.raises(DataError, match="columns in the header"):
        _sniffed(tmp_path, b",".join(b"c" for _ in range(6_000)) + b"\n1\n")


@pytest.mark.parametrize(
    ("cell", "european", "value", "kind"),
    [
        ("1,234", False, 1234, "value"),
        ("1.234", True, 1234, "value"),
        ("1 234", False, 1234, "value"),
        ("5,0", True, 5, "value"),
        ("(12)", False, -12, "value"),
        ("102*", False, 102, "footnoted"),
        ("102 (a)", False, 102, "footnoted"),
        ("[c]", False, None, "suppressed"),
        ("..", False, None, "suppressed"),
        ("-", False, None, "suppressed"),
        ("1.5", False, None, "bad"),
        ("1,5", True, None, "bad"),
        ("lots", False, None, "bad"),
        (None, False, None, "blank"),
    ],
)
def test_parse_count(cell: str | None, european: bool, value: int | None, kind: str) -> None:
    parsed = parse_count("v", pl.String, european)
    row = (
        pl.DataFrame({"v": [cell]}, schema={"v": pl.String})
        .select(
            parsed.value.alias("value"),
            parsed.footnoted.alias("footnoted"),
            parsed.suppressed.alias("suppressed"),
            parsed.bad.alias("bad"),
            parsed.blank.alias("blank"),
        )
        .row(0, named=True)
    )
    assert row["value"] == value
    assert [k for k in ("footnoted", "suppressed", "bad", "blank") if row[k]] == (
        [] if kind == "value" else [kind]
    )


def test_count_like_columns() -> None:
    assert is_count_like(pl.Series(["1", "2,345", "*", None]), european=False)
    assert not is_count_like(pl.Series(["1", "Kent"]), european=False)
    assert not is_count_like(pl.Series(["*", None]), european=False)  # nothing but markers


def test_unpivot_years_leaves_the_total_column_out() -> None:
    frame = pl.LazyFrame({"Force": ["Kent"], "2017/18": ["1"], "2018/19": ["2"], "Total": ["3"]})
    report = LoadReport("f.csv")
    unpivoted, kept = unpivot_years(frame, [], report)
    assert kept == {"Force": "Force"}
    assert unpivoted.collect().rows() == [("Kent", "2017/18", "1"), ("Kent", "2018/19", "2")]
    assert "'Total' left out" in report.summary()


def test_force_names_and_member_spellings() -> None:
    reference = pl.read_csv(repo_data_dir() / "forces.csv")["force"].to_list()
    forces = ForceNames(reference, repo_data_dir() / "force_aliases.csv")
    assert force_key("Heddlu Gwent Police") == "gwent"
    assert forces.match("Metropolitan Police Service") == "Metropolitan Police"
    assert forces.match("British Transport Police") is None
    assert forces.closest("Esex") == "Essex"
    table = member_spellings(repo_data_dir() / "member_spellings.csv")
    assert member("platform", "snap chat", table, forces) == "Snapchat"
    assert member("age_band", "13-15", table, forces) == "13-15"
    assert member("age_band", "N/K", table, forces) == "Not recorded"
    assert member("year", "FY 2019/20", table, forces) == "2019/20"


@pytest.mark.parametrize(
    ("dimension", "label", "total"),
    [
        ("force", "Total", True),
        ("force", "South East total", True),
        ("force", "Total recorded crime", True),
        ("platform", "All platforms", True),
        ("force", "England & Wales", True),
        ("force", "Wales", True),  # a nation in the force column is a subtotal
        ("force", "North Wales", False),
        ("force", "West Midlands", False),  # a force as well as a region
        ("jurisdiction", "England and Wales", False),
        ("platform", "Allo", False),
    ],
)
def test_total_labels(dimension: str, label: str, total: bool) -> None:
    areas = frozenset({"wales", "south east", "england", "london"})
    assert is_total_label(dimension, label, areas) is total


def test_footnotes() -> None:
    assert is_footnote("* Includes late records", has_values=True)
    assert is_footnote("Source: Home Office", has_values=True)
    assert is_footnote("Figures for this force were provided late in the year", has_values=False)
    assert not is_footnote("Devon and Cornwall", has_values=False)
    assert not is_footnote("Kent", has_values=False)


@pytest.mark.parametrize("prefix", ["", "x:"])
def test_an_excel_sheets_rows_are_counted_across_blocks(prefix: str) -> None:
    """The row count that refuses a sheet past Excel's limit: plain and prefixed row tags,
    including one cut between two 1 MB pieces, each counted once."""
    import io
    import zipfile

    from tui.data.loading.read import MB, _excel_rows

    row = f'<{prefix}row r="1"><{prefix}c/></{prefix}row>'.encode()
    padding = b" " * (MB - len(b"<sheetData>") - 3)  # a tag starts 3 bytes before the cut
    xml = b"<sheetData>" + padding + row * 1000 + b"</sheetData>"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/worksheets/sheet1.xml", xml)
    with zipfile.ZipFile(buffer) as archive:
        assert _excel_rows(archive, archive.getinfo("xl/worksheets/sheet1.xml")) == 1000
