"""Files shaped like real FOI answers and Home Office tables (issue 10): totals, number formats,
missing data, unknown forces, 88A, spreadsheets, cross-tabs, spellings, JSON wrappers, bad files."""

from __future__ import annotations

import time
from pathlib import Path

import polars as pl
import pytest

from tests.data.spreadsheets import write_ods, write_xlsx
from tui.cli import main
from tui.data.dataset import DataError, Dataset
from tui.data.engine.query import offence_caveat, summary
from tui.data.features.navigation import cleared, initial_selection
from tui.data.loading import load_dataset, repo_data_dir
from tui.data.selection import Selection
from tui.screens.about import about_text


def csv(tmp_path: Path, text: str, name: str = "foi.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def total(dataset: Dataset) -> int:
    return int(dataset.cube[dataset.measure].sum())


# --- total rows -------------------------------------------------------------------------------


@pytest.mark.parametrize("label", ["Total", "Grand total", "All forces", "England and Wales"])
def test_total_row_is_dropped_and_reported(tmp_path: Path, label: str) -> None:
    path = csv(tmp_path, f"Force,Offences\nKent,100\nEssex,100\nSurrey,100\n{label},300\n")
    dataset = load_dataset(path)
    assert total(dataset) == 300
    assert dataset.members("force") == ("Essex", "Kent", "Surrey")
    assert f'1 total row skipped (row 5: "{label}")' in dataset.notes
    assert f'1 total row skipped (row 5: "{label}")' in about_text(dataset)


def test_blank_keyed_row_equal_to_the_sum_above_is_a_total(tmp_path: Path) -> None:
    dataset = load_dataset(csv(tmp_path, "Force,Offences\nKent,100\nEssex,100\nSurrey,100\n,300\n"))
    assert total(dataset) == 300
    assert '1 total row skipped (row 5: "")' in dataset.notes


def test_blank_keyed_row_not_equal_to_the_sum_is_kept(tmp_path: Path) -> None:
    dataset = load_dataset(csv(tmp_path, "Force,Offences\nKent,100\nEssex,100\n,7\n"))
    assert total(dataset) == 207
    assert "Not recorded" in dataset.members("force")


@pytest.mark.parametrize(
    "text",
    ["Force,Offences\nKent,1\n,1\n", "Force,Offences\n,200\nKent,100\nEssex,100\n"],
    ids=["one-row-above", "blank-row-first"],
)
def test_blank_keyed_row_is_a_total_only_under_the_rows_it_sums(tmp_path: Path, text: str) -> None:
    dataset = load_dataset(csv(tmp_path, text))
    assert "Not recorded" in dataset.members("force")
    assert dataset.skipped_rows == 0


def test_total_in_another_dimension(tmp_path: Path) -> None:
    path = csv(
        tmp_path,
        "Force,Platform,Offences\nKent,Snapchat,3\nKent,Instagram,2\nKent,Total,5\n"
        "Essex,Snapchat,1\nEssex,All platforms,1\n",
    )
    dataset = load_dataset(path)
    assert total(dataset) == 6
    assert "2 total rows skipped (rows 4, 6" in " ".join(dataset.notes)


def test_cli_reports_the_total_row(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = csv(tmp_path, "Force,Offences\nKent,100\nEssex,100\nSurrey,100\nTotal,300\n")
    assert main(["summary", str(path)]) == 0
    out = capsys.readouterr().out
    assert '1 total row skipped (row 5: "Total")' in out
    assert "600" not in out


# --- number formats ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Force;Offences\nKent;1.234\nEssex;2\n", 1236),
        ('Force,Offences\nKent,"1,234"\nEssex,2\n', 1236),
        ("Force,Offences\nKent,1 234\nEssex,2\n", 1236),
        ("Force;Offences\nKent;1 234\nEssex;2\n", 1236),
        ("Force,Offences\nKent,1\u00a0234\nEssex,2\n", 1236),
    ],
)
def test_number_formats_read_as_the_file_implies(tmp_path: Path, text: str, expected: int) -> None:
    assert total(load_dataset(csv(tmp_path, text))) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Force,Offences\nKent,(12)\n", "foi.csv: column 'Offences', row 2: negative count -12"),
        ("Force;Offences\nKent;1,5\n", "foi.csv: column 'Offences', row 2: '1,5' is not"),
        ("Force,Offences\nKent,1.5\n", "foi.csv: column 'Offences', row 2: '1.5' is not"),
        (  # two of these overflowed the sum to a negative total and a traceback
            "Force,Offences\nKent,9223372036854770000\nEssex,9223372036854770000\n",
            "foi.csv: column 'Offences', row 2: a count of 9223372036854770000 is not a count",
        ),
    ],
)
def test_accountant_and_ambiguous_numbers_name_the_cell(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(DataError) as caught:
        load_dataset(csv(tmp_path, text))
    assert str(caught.value).startswith(message)


# --- missing is not zero ----------------------------------------------------------------------


def test_member_without_data_in_a_compared_year_has_no_change(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = csv(
        tmp_path,
        "Year,Force,Offences\n2017/18,Kent,10\n2017/18,Essex,10\n2018/19,Essex,12\n"
        "2017/18,Surrey,5\n2018/19,Surrey,0\n",
    )
    dataset = load_dataset(path)
    result = summary(dataset, Selection("force", "offences"))
    change = dict(zip(result.frame["force"].cast(pl.String), result.frame["change"], strict=True))
    assert change["Kent"] is None and "Kent" in result.no_data
    assert change["Essex"] == pytest.approx(0.2)
    assert change["Surrey"] == pytest.approx(-1.0) and "Surrey" not in result.no_data
    # like with like: the total's change leaves Kent out of both years (it has no 2018/19)
    assert result.totals["change"] == pytest.approx((12 + 0) / (10 + 5) - 1)
    assert result.totals["change_significant"] is None
    assert "Kent has no 2018/19 figure" in result.change_basis[None]
    assert main(["summary", str(path), "--by", "force"]) == 0
    kent = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("Kent"))
    assert "no data" in kent and "-100" not in kent


def test_suppressed_cells_are_missing_not_zero(tmp_path: Path) -> None:
    path = csv(tmp_path, "Police Force,2017/18,2018/19\nKent,10,12\nEssex,*,5\nSurrey,[c],..\n")
    dataset = load_dataset(path)
    result = summary(dataset, Selection("force", "offences"))
    change = dict(zip(result.frame["force"].cast(pl.String), result.frame["change"], strict=True))
    assert change["Essex"] is None and "Essex" in result.no_data
    assert change["Kent"] == pytest.approx(0.2)
    assert total(dataset) == 27
    assert any("suppressed" in note for note in dataset.notes)
    by_year = summary(dataset, Selection("year", "offences"))
    # like with like: 2018/19 on 2017/18 over Kent alone, not tested (Essex, Surrey have gaps)
    assert by_year.frame["change"].to_list() == [None, pytest.approx(0.2)]
    assert by_year.frame["change_significant"].to_list() == [None, None]
    assert "over Kent, the only force" in by_year.change_basis["2018/19"]
    assert by_year.mark_of("2018/19") == by_year.mark_of(None) == "◔"


# --- forces outside the reference list --------------------------------------------------------


def test_unknown_forces_keep_geography_for_the_others(tmp_path: Path) -> None:
    path = csv(
        tmp_path,
        "Force,Offences\nKent,10\nBritish Transport Police,5\nPolice Scotland,3\nEsex,1\n",
    )
    dataset = load_dataset(path)
    assert "region" in dataset.dimensions and "nation" in dataset.dimensions
    result = summary(dataset, Selection("force", "offences"))
    assert result.frame["rate_per_100k"].null_count() == result.frame.height  # no year: no rate
    assert "financial year" in (result.rate_note or "")
    assert total(dataset) == 19
    note = next(n for n in dataset.notes if "not recognised" in n)
    assert "'Esex' (closest: Essex)" in note and "British Transport Police" in note


# --- Home Office layout: 88A ------------------------------------------------------------------

HOME_OFFICE = (
    "Financial Year,Financial Quarter,Force Name,Offence Description,Offence Group,"
    "Offence Subgroup,Offence Code,Number of Offences\n"
    "2017/18,1,Kent,Sexual grooming,Sexual offences,Other sexual offences,88A,9\n"
    "2017/18,1,Essex,Sexual grooming,Sexual offences,Other sexual offences,88A,4\n"
    "2017/18,1,Kent,Abuse of children through sexual exploitation,Sexual offences,"
    "Other sexual offences,71,2\n"
    "2017/18,1,Kent,Rape of a female aged 16 and over,Sexual offences,Rape,19C,40\n"
)


def test_home_office_file_opens_on_88a_with_its_caveat(tmp_path: Path) -> None:
    dataset = load_dataset(csv(tmp_path, HOME_OFFICE, "prc.csv"))
    selection = initial_selection(dataset)
    assert selection.members("offence_code") == ("88A",)
    assert summary(dataset, selection).totals["offences"] == 13
    caveat = offence_caveat(dataset, selection)
    assert caveat and "88A" in caveat and "s.15A" in caveat and "broader" in caveat
    assert cleared(dataset, selection.with_filter("force", ("Kent",))).members("offence_code") == (
        "88A",
    )


def test_export_sidecar_carries_the_88a_caveat(tmp_path: Path) -> None:
    path = csv(tmp_path, HOME_OFFICE, "prc.csv")
    out = tmp_path / "out.csv"
    assert main(["export", str(path), "-o", str(out)]) == 0
    assert "broader than s.15A" in (tmp_path / "out.csv.toml").read_text()


def test_home_office_file_without_88a_lists_its_offences(tmp_path: Path) -> None:
    lines = [line for line in HOME_OFFICE.splitlines() if ",88A," not in line]
    dataset = load_dataset(csv(tmp_path, "\n".join(lines) + "\n", "prc.csv"))
    selection = initial_selection(dataset)
    assert selection.group_by == "offence_code" and selection.members("offence_code") is None
    note = next(n for n in dataset.notes if "88A" in n)
    assert "71" in note and "19C" in note


# --- spreadsheets -----------------------------------------------------------------------------

NOTES = [["About this table"], ["Figures are provisional."]]
TITLED = [
    ["Table 1: Sexual communication with a child offences"],
    [None],
    ["Force", "Offences"],
    ["Kent", 3],
    ["Essex", 4],
    ["Source: Home Office"],
]


@pytest.mark.parametrize("writer", [write_xlsx, write_ods], ids=["xlsx", "ods"])
def test_notes_sheet_and_title_rows(tmp_path: Path, writer) -> None:
    suffix = ".xlsx" if writer is write_xlsx else ".ods"
    dataset = load_dataset(writer(tmp_path / f"book{suffix}", {"Notes": NOTES, "Data": TITLED}))
    assert total(dataset) == 7 and dataset.members("force") == ("Essex", "Kent")
    assert any("sheet" in n and "Data" in n for n in dataset.notes)
    assert any("Source: Home Office" in n for n in dataset.notes)


@pytest.mark.parametrize("writer", [write_xlsx, write_ods], ids=["xlsx", "ods"])
def test_same_layout_sheets_are_concatenated(tmp_path: Path, writer) -> None:
    suffix = ".xlsx" if writer is write_xlsx else ".ods"
    sheets = {
        "Notes": NOTES,
        "2017-2019": [
            ["Year", "Force", "Offences"],
            ["2017/18", "Kent", 1],
            ["2018/19", "Kent", 2],
        ],
        "2019-2021": [
            ["Year", "Force", "Offences"],
            ["2019/20", "Kent", 4],
            ["2020/21", "Kent", 8],
        ],
    }
    dataset = load_dataset(writer(tmp_path / f"book{suffix}", sheets))
    assert total(dataset) == 15
    assert len(dataset.members("year")) == 4
    assert any("2017-2019" in n and "2019-2021" in n for n in dataset.notes)


def test_sheet_chosen_by_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sheets = {
        "A": [["Force", "Offences"], ["Kent", 1]],
        "B": [["Force", "Offences"], ["Kent", 50]],
    }
    path = write_xlsx(tmp_path / "book.xlsx", sheets)
    assert total(load_dataset(path, sheet="B")) == 50
    assert main(["summary", str(path), "--sheet", "B"]) == 0
    assert "50" in capsys.readouterr().out
    assert main(["summary", str(path), "--sheet", "Nope"]) == 2
    assert "no sheet 'Nope'" in capsys.readouterr().err


# --- cross-tabs -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        ("2017/18", "2018/19"),
        ("2017-18", "2018-19"),
        ("2017/2018", "2018/2019"),
        ("FY 2017/18", "FY 2018/19"),
        ("Apr 2017 - Mar 2018", "Apr 2018 - Mar 2019"),
    ],
)
def test_cross_tab_years_are_unpivoted(tmp_path: Path, headers: tuple[str, str]) -> None:
    path = csv(
        tmp_path, f"Police Force,{headers[0]},{headers[1]},Total\nKent,10,12,22\nEssex,3,4,7\n"
    )
    dataset = load_dataset(path)
    assert dataset.members("year") == ("2017/18", "2018/19")
    assert total(dataset) == 29
    assert any("unpivoted" in n for n in dataset.notes)


def test_footnote_markers_and_lines(tmp_path: Path) -> None:
    path = csv(
        tmp_path,
        "Force,2017/18,2018/19\nKent,102*,5\nEssex,7 (a),1\n"
        "* Includes offences recorded late.\n(a) Provisional figure.\n",
    )
    dataset = load_dataset(path)
    assert total(dataset) == 115
    assert dataset.members("force") == ("Essex", "Kent")
    joined = " ".join(dataset.notes)
    assert "Includes offences recorded late" in joined and "footnote" in joined


# --- names as people write them ---------------------------------------------------------------


def _variants(force: str) -> list[str]:
    variants = [force, force.upper(), f"{force} Police", f"{force} Constabulary"]
    variants += [force.replace(" and ", " & "), force.replace("-", " ")]
    return variants


def test_every_reference_force_matches_its_common_spellings(tmp_path: Path) -> None:
    reference = pl.read_csv(repo_data_dir() / "forces.csv")["force"].to_list()
    rows = [(v, f) for f in reference for v in _variants(f)]
    rows += [
        ("Metropolitan Police Service", "Metropolitan Police"),
        ("Heddlu Gwent Police", "Gwent"),
        ("Dyfed Powys", "Dyfed-Powys"),
        ("Avon & Somerset", "Avon and Somerset"),
        ("Hampshire Constabulary", "Hampshire"),
        ("London, City of", "City of London"),
    ]
    body = "".join(f'"{variant}",1\n' for variant, _ in rows)
    dataset = load_dataset(csv(tmp_path, "Force,Offences\n" + body))
    assert set(dataset.members("force")) == set(reference)
    assert dataset.geography is not None and dataset.geography.height == len(reference)


def test_member_spellings_are_merged_and_reported(tmp_path: Path) -> None:
    path = csv(
        tmp_path,
        "Platform,Age,Offences\nSnapChat,11 and under,1\nsnap chat,Under 12,1\nSnapchat,12 to 15,1\n"
        "Insta,13-15,1\ninstagram,Age not known,1\nInstagram,N/K,1\n",
    )
    dataset = load_dataset(path)
    assert dataset.members("platform") == ("Instagram", "Snapchat")
    assert dataset.members("age_band") == ("0-11", "12-15", "13-15", "Not recorded")
    assert dataset.members("platform_owner") == ("Meta", "Snap")
    merged = next(n for n in dataset.notes if n.startswith("merged spellings"))
    assert "'Insta'" in merged and "'snap chat'" in merged


# --- JSON wrappers ----------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["data", "rows"])
def test_json_wrapped_records(tmp_path: Path, key: str) -> None:
    path = tmp_path / "api.json"
    path.write_text(
        f'{{"{key}": [{{"force": "Kent", "offences": 2}}, {{"force": "Essex", "offences": 3}}]}}'
    )
    assert total(load_dataset(path)) == 5


# --- pathological files -----------------------------------------------------------------------


def test_two_hundred_thousand_columns_fail_fast(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text(
        ",".join(f"c{i}" for i in range(200_000)) + "\n" + ",".join("1" * 200_000) + "\n"
    )
    start = time.perf_counter()
    with pytest.raises(DataError, match="columns"):
        load_dataset(path)
    assert time.perf_counter() - start < 5


def test_one_huge_line_fails_fast(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "line.csv"
    path.write_bytes(b"x" * 30_000_000)
    start = time.perf_counter()
    assert main(["summary", str(path)]) == 2
    assert time.perf_counter() - start < 5
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "line" in err


def test_a_national_series_of_years_alone_opens(tmp_path: Path) -> None:
    """A file with only a year and a count (a national series) is data, not a total table."""
    path = csv(tmp_path, "Financial Year,Number of Offences\n2017/18,3217\n2018/19,4625\n")
    dataset = load_dataset(path)
    assert dataset.dimensions == ("year",) and total(dataset) == 7842
    change = summary(dataset, Selection("year", "offences")).frame["change"].to_list()
    assert change[1] == pytest.approx(4625 / 3217 - 1)
