"""Exports: every format round-trips, the sidecar reproduces the file byte-for-byte, failures are clean."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from tui.cli import main, open_start
from tui.data.dataset import DataError
from tui.data.loading import load_dataset
from tui.data.output.export import export, export_frame
from tui.data.output.export_names import EXPORT_FORMATS, default_name
from tui.data.output.views import View, load_views, save_view
from tui.data.output.writers import WRITERS
from tui.data.selection import Selection

SELECTION = (
    Selection("age_band", "offences")
    .with_filter("force", ("West Mercia",))
    .with_filter("year", ("2017/18",))
)
READERS = {
    "csv": pl.read_csv,
    "tsv": lambda p: pl.read_csv(p, separator="\t"),
    "parquet": pl.read_parquet,
    "json": pl.read_json,
    "ndjson": pl.read_ndjson,
    "xlsx": pl.read_excel,
}


MACHINE_FORMATS = ["csv", "tsv", "parquet", "json", "ndjson"]


@pytest.mark.parametrize("fmt", list(EXPORT_FORMATS))
@pytest.mark.parametrize("what", ["summary", "rows"])
def test_each_format_round_trips(dataset, tmp_path: Path, fmt: str, what: str) -> None:
    path = tmp_path / f"out{EXPORT_FORMATS[fmt]}"
    result = export(dataset, SELECTION, path, what=what)
    expected = export_frame(dataset, SELECTION, what)
    back = READERS[fmt](path)
    if fmt == "xlsx":  # readable headers in Excel; the total sits below the table
        back = pl.read_excel(path, table_name="selection")
        back.columns = expected.columns
    assert result.rows == expected.height == back.height
    assert_frame_equal(back, expected, check_dtypes=False, abs_tol=1e-9)
    assert back["offences"].sum() == 73
    if what == "summary":
        assert back.filter(pl.col("age_band") == "0-11")["offences"].item() == 8


@pytest.mark.parametrize("fmt", MACHINE_FORMATS)
def test_machine_formats_hold_members_only(dataset, tmp_path: Path, fmt: str, capsys) -> None:
    path = tmp_path / f"wm{EXPORT_FORMATS[fmt]}"
    args = ["export", "--by", "age_band", "--where", "force=West Mercia", "--where", "year=2017/18"]
    assert main([*args, "-o", str(path)]) == 0
    assert "(3 rows)" in capsys.readouterr().out
    back = READERS[fmt](path)
    assert "Total" not in back["age_band"].to_list() and back.height == 3
    assert back["offences"].sum() == 73
    assert back["share"].sum() == pytest.approx(1.0)
    assert back["share_recorded"].sum() == pytest.approx(1.0)


@pytest.mark.parametrize("fmt", list(EXPORT_FORMATS))
@pytest.mark.parametrize("what", ["summary", "rows"])
def test_every_format_reopens_in_scwc_with_the_same_total_and_marker(
    dataset, tmp_path: Path, fmt: str, what: str, capsys
) -> None:
    path = tmp_path / f"wm{EXPORT_FORMATS[fmt]}"
    export(dataset, SELECTION, path, what=what)
    capsys.readouterr()
    assert main(["summary", str(path), "--by", "age_band"]) == 0
    out = capsys.readouterr().out
    total = next(line for line in out.splitlines() if line.startswith("Total"))
    assert total.split()[1] == "73"
    assert "MODELLED" in out


def test_parquet_carries_its_record_without_the_sidecar(dataset, tmp_path: Path) -> None:
    path = tmp_path / "wm.parquet"
    export(dataset, SELECTION, path)
    (tmp_path / "wm.parquet.toml").unlink()
    record = tomllib.loads(pl.read_parquet_metadata(path)["scwc"])
    assert record["modelled"] is True
    assert record["selection"]["filters"]["force"] == ["West Mercia"]
    assert set(record["columns"]) == set(pl.read_parquet(path).columns)
    assert load_dataset(path).modelled


def test_reopened_csv_export_finds_its_name_ext_sidecar(dataset, tmp_path: Path) -> None:
    path = tmp_path / "all.csv"
    export(dataset, SELECTION, path)
    assert not (tmp_path / "all.toml").exists()
    reopened = load_dataset(path)
    assert reopened.modelled and reopened.name.startswith(dataset.name)


def test_columns_say_what_they_mean(dataset, tmp_path: Path) -> None:
    path = tmp_path / "wm.csv"
    export(dataset, SELECTION.with_filter("year", ("2018/19",)), path)
    record = tomllib.loads((tmp_path / "wm.csv.toml").read_text())
    columns = record["columns"]
    assert list(columns) == pl.read_csv(path).columns
    assert columns["change"]["years_compared"] == "2018/19 vs 2017/18"
    assert "per year" not in columns["rate_per_100k"]["unit"]
    assert columns["rate_per_100k"]["unit"] == (  # grouped by age band: not per child
        "per 100,000 residents (ONS mid-year estimates) (residents of all ages and sexes, not "
        "only children in the group)"
    )
    assert columns["rate_per_10k_children"]["unit"].startswith(
        "per 10,000 children aged 0-17 (ONS mid-year estimates)"
    )
    assert "mid-2019 for 2019/20" in columns["rate_per_100k"]["base"]
    assert "forces.csv" not in (tmp_path / "wm.csv.toml").read_text()  # no 2018 population
    assert columns["share"]["base"] == record["totals"]["offences"]
    recorded = pl.read_csv(path).filter(pl.col("age_band") != "Not recorded")["offences"].sum()
    assert columns["share_recorded"]["base"] == recorded
    assert "Not recorded" in columns["share_recorded"]["meaning"]
    two_years = tmp_path / "two.csv"
    export(dataset, Selection("age_band", "offences"), two_years)
    rate = tomllib.loads((tmp_path / "two.csv.toml").read_text())["columns"]["rate_per_100k"]
    assert rate["unit"].startswith("per 100,000 residents per year (ONS/NRS/NISRA mid-year")


def test_sidecar_records_how_the_export_was_made(dataset, tmp_path: Path) -> None:
    path = tmp_path / "wm.csv"
    export(dataset, SELECTION, path)
    record = tomllib.loads((tmp_path / "wm.csv.toml").read_text())
    assert record["export"]["rows"] == 3 and record["export"]["format"] == "csv"
    assert record["totals"]["offences"] == 73
    assert record["export"]["what"] == "summary" and record["export"]["app_version"]
    assert record["export"]["created_utc"].endswith("Z")
    assert record["dataset"]["modelled"] is True and len(record["dataset"]["sha256"]) == 64
    assert record["selection"]["group_by"] == "age_band"
    assert record["selection"]["filters"] == {"force": ["West Mercia"], "year": ["2017/18"]}


@pytest.mark.parametrize("fmt", list(EXPORT_FORMATS))
def test_sidecar_reproduces_the_file_byte_for_byte(tmp_path: Path, fmt: str, capsys) -> None:
    first = tmp_path / f"first{EXPORT_FORMATS[fmt]}"
    again = tmp_path / f"again{EXPORT_FORMATS[fmt]}"
    args = ["export", "--by", "age_band", "--where", "force=West Mercia", "--where", "year=2017/18"]
    assert main([*args, "--rows", "-o", str(first)]) == 0
    assert main(["export", "--view", str(first) + ".toml", "-o", str(again)]) == 0
    assert first.read_bytes() == again.read_bytes()
    assert "wrote" in capsys.readouterr().out


def test_cli_export_matches_the_issue_example(tmp_path: Path) -> None:
    out = tmp_path / "out.xlsx"
    code = main(
        [
            "export",
            "--by",
            "age_band",
            "--where",
            "force=West Mercia",
            "--where",
            "year=2017/18",
            "--format",
            "xlsx",
            "-o",
            str(out),
        ]
    )
    assert code == 0
    frame = pl.read_excel(out, table_name="selection")
    assert "Total" not in frame["Age band"].to_list() and frame["Offences"].sum() == 73


def test_xlsx_is_safe_and_comfortable(dataset, tmp_path: Path) -> None:
    path = tmp_path / "wm.xlsx"
    export(dataset, SELECTION, path)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["selection", "Notes"]
    sheet = book["selection"]
    assert sheet.freeze_panes == "A2"
    table = sheet.tables["selection"]
    assert table.ref == "A1:U4"  # header and 3 members; the total is not in the table
    assert [c.value for c in sheet[1]] == [
        "Age band",
        "Offences",
        "Range low",
        "Range high",
        "Range kind",
        "95% low",
        "95% high",
        "Share",
        "Share where recorded",
        "Change",
        "Change significant",
        "Rate per 100k",
        "Rate low",
        "Rate high",
        "Rate per 10k children",
        "Rate children low",
        "Rate children high",
        "Missing",
        "Coverage",
        "Flag",
        "Provenance",
    ]
    assert sheet["A5"].value is None  # a blank row, then the total below the table
    assert sheet["A6"].value == "Total" and sheet["B6"].value == 73
    assert sheet["A6"].font.b and sheet["B6"].font.b
    assert all(sheet.cell(row, 1).data_type == "s" for row in range(2, 5))
    assert sheet["H2"].number_format == "0.0%" and sheet["B2"].number_format == "#,##0"
    assert sheet["F2"].number_format == "#,##0.0" and sheet["C2"].number_format == "#,##0"
    widths = {c: sheet.column_dimensions[c].width for c in "ABCDEFGHI"}
    assert widths["H"] < 12  # "Share" and "20.5%", not 23 characters
    assert widths["I"] >= len("Share where recorded")
    notes = book["Notes"]
    text = "\n".join(str(c.value) for row in notes.iter_rows() for c in row if c.value)
    assert "West Mercia" in text and "2017/18" in text and dataset.name in text
    assert "Not recorded" in text and "MODELLED" in text.upper()
    record = tomllib.loads((tmp_path / "wm.xlsx.toml").read_text())
    for note in record["columns"].values():  # every key of the sidecar's [columns] is shown
        assert all(str(value) in text for value in note.values())


def test_existing_file_needs_force(dataset, tmp_path: Path, capsys) -> None:
    path = tmp_path / "x.csv"
    path.write_text("keep me")
    assert main(["export", "-o", str(path)]) == 2
    assert capsys.readouterr().err == f"scwc: {path}: already exists (use --force to overwrite)\n"
    assert path.read_text() == "keep me"
    assert main(["export", "-o", str(path), "--force"]) == 0
    assert path.read_text().startswith("nation,offences")


def test_unwritable_folder_and_unknown_format(tmp_path: Path, capsys) -> None:
    if os.geteuid() == 0:
        folder = Path("/proc")  # root may write anywhere else
    else:
        folder = tmp_path / "locked"
        folder.mkdir()
        folder.chmod(0o500)
    assert main(["export", "-o", str(folder / "x.csv")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"scwc: {folder / 'x.csv'}: cannot write") and err.count("\n") == 1
    assert main(["export", "-o", str(tmp_path / "x.pdf")]) == 2
    assert "unknown export format '.pdf'" in capsys.readouterr().err
    assert main(["export", "-o", str(tmp_path / "x.csv"), "--format", "docx"]) == 2
    assert not list(tmp_path.glob("x.*"))


def test_a_failing_writer_leaves_nothing_behind(dataset, tmp_path: Path, monkeypatch) -> None:
    def half_then_fail(content: object, path: Path) -> None:
        path.write_text("half a file")
        raise OSError(28, "No space left on device")

    monkeypatch.setitem(WRITERS, "csv", half_then_fail)
    with pytest.raises(DataError, match="No space left on device"):
        export(dataset, SELECTION, tmp_path / "out.csv")
    assert list(tmp_path.iterdir()) == []


def test_default_name_is_built_from_the_selection() -> None:
    assert default_name(SELECTION, "summary", "csv") == "scwc_age-band_west-mercia_2017-18.csv"
    assert default_name(Selection("force", "offences"), "rows", "xlsx") == "scwc_rows.xlsx"


def test_saved_views_round_trip(dataset, tmp_path: Path) -> None:
    path = tmp_path / "views.toml"
    drilled = Selection("nation", "offences").drilled("England", dataset.dimensions)
    assert drilled is not None
    save_view(path, View("england", drilled.with_sort("change", True), "line"))
    save_view(path, View("wm", SELECTION, "bar"))
    views = load_views(path)
    assert set(views) == {"england", "wm"}
    assert views["england"].selection == drilled.with_sort("change", True)
    assert views["england"].chart == "line"
    start = open_start(None, "wm", path)
    assert start.selection == SELECTION


BAD_VIEWS = [
    ('[views.a]\ngroup_by = "force"\ngrup = 1\n', "views.toml: view 'a': unknown key 'grup'"),
    ("[views.a]\ngroup_by = 3\n", "views.toml: view 'a': 'group_by' must be text, not int"),
    ('[views.a]\nmeasure = "offences"\n', "views.toml: view 'a': missing key 'group_by'"),
    (
        '[views.a]\ngroup_by = "force"\nfilters = { year = "2017/18" }\n',
        "views.toml: view 'a': 'filters.year' must be a list of text members",
    ),
    (
        '[views.a]\ngroup_by = "force"\nchart = "pie"\n',
        "views.toml: view 'a': 'chart' must be one of",
    ),
    ("[views.a\n", "views.toml: not valid TOML"),
]


@pytest.mark.parametrize(("text", "message"), BAD_VIEWS)
def test_bad_view_file_gives_one_line_naming_the_key(
    tmp_path: Path, text: str, message: str, capsys
) -> None:
    path = tmp_path / "views.toml"
    path.write_text(text)
    assert main(["summary", "--view", "a", "--views", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"scwc: {message}") and err.count("\n") == 1


def test_view_naming_unknown_members_is_rejected(tmp_path: Path, capsys) -> None:
    path = tmp_path / "views.toml"
    path.write_text('[views.a]\ngroup_by = "force"\nfilters = { year = ["2031/32"] }\n')
    assert main(["export", "--view", "a", "--views", str(path), "-o", str(tmp_path / "o.csv")]) == 2
    assert "year has no member '2031/32'" in capsys.readouterr().err
    assert main(["summary", "--view", "missing", "--views", str(path)]) == 2
    assert "no saved view 'missing'" in capsys.readouterr().err


FORMULAS = ['=HYPERLINK("http://x","y")', "@SUM(1)", "+1", "-2", "'=quoted", "Café Chat"]


@pytest.fixture
def formula_dataset(tmp_path: Path):
    """A user's own file whose platform names look like spreadsheet formulas."""
    source = tmp_path / "src" / "own.parquet"
    source.parent.mkdir()
    pl.DataFrame(
        {"platform": FORMULAS, "force": ["Kent"] * len(FORMULAS), "offences": [1, 2, 3, 4, 5, 6]}
    ).write_parquet(source)
    return load_dataset(source)


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_formula_like_text_is_escaped_in_csv_and_read_back_exactly(
    formula_dataset, tmp_path: Path, fmt: str
) -> None:
    assert set(formula_dataset.members("platform")) == set(FORMULAS)
    path = tmp_path / f"out{EXPORT_FORMATS[fmt]}"
    export(formula_dataset, Selection("platform", "offences"), path, what="rows")
    separator = "," if fmt == "csv" else "\t"
    cells = set(pl.read_csv(path, separator=separator)["platform"])
    assert cells >= {"'@SUM(1)", "'+1", "'-2", "''=quoted", '\'=HYPERLINK("http://x","y")'}
    assert not any(c.startswith(("=", "@", "+", "-")) for c in cells)
    back = load_dataset(path)
    assert set(back.members("platform")) == set(FORMULAS)
    assert back.cube["offences"].sum() == 21


def test_formula_like_text_is_a_string_cell_in_xlsx(formula_dataset, tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    export(formula_dataset, Selection("platform", "offences"), path)
    sheet = openpyxl.load_workbook(path)["selection"]
    cells = {sheet.cell(row, 1).value: sheet.cell(row, 1).data_type for row in range(2, 8)}
    assert cells == dict.fromkeys(FORMULAS, "s")
    assert set(load_dataset(path).members("platform")) == set(FORMULAS)
