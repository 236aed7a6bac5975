"""Exports: every format round-trips, the sidecar reproduces the file byte-for-byte, failures are clean."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from tui.cli import main, open_start
from tui.data.dataset import DataError
from tui.data.export import EXPORT_FORMATS, WRITERS, default_name, export, export_frame
from tui.data.selection import Selection
from tui.data.views import View, load_views, save_view

SELECTION = (
    Selection("platform", "offences")
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


@pytest.mark.parametrize("fmt", list(EXPORT_FORMATS))
@pytest.mark.parametrize("what", ["summary", "rows"])
def test_each_format_round_trips(dataset, tmp_path: Path, fmt: str, what: str) -> None:
    path = tmp_path / f"out{EXPORT_FORMATS[fmt]}"
    result = export(dataset, SELECTION, path, what=what)
    expected = export_frame(dataset, SELECTION, what)
    back = READERS[fmt](path)
    assert result.rows == expected.height == back.height
    assert_frame_equal(back, expected, check_dtypes=False, abs_tol=1e-9)
    if what == "summary":
        assert back.filter(pl.col("platform") == "Total")["offences"].item() == 73
        assert back.filter(pl.col("platform") == "Instagram")["offences"].item() == 10


def test_sidecar_records_how_the_export_was_made(dataset, tmp_path: Path) -> None:
    path = tmp_path / "wm.csv"
    export(dataset, SELECTION, path)
    record = tomllib.loads((tmp_path / "wm.csv.toml").read_text())
    assert record["export"]["rows"] == 11 and record["export"]["format"] == "csv"
    assert record["export"]["what"] == "summary" and record["export"]["app_version"]
    assert record["export"]["created_utc"].endswith("Z")
    assert record["dataset"]["modelled"] is True and len(record["dataset"]["sha256"]) == 64
    assert record["selection"]["group_by"] == "platform"
    assert record["selection"]["filters"] == {"force": ["West Mercia"], "year": ["2017/18"]}


@pytest.mark.parametrize("fmt", list(EXPORT_FORMATS))
def test_sidecar_reproduces_the_file_byte_for_byte(tmp_path: Path, fmt: str, capsys) -> None:
    first = tmp_path / f"first{EXPORT_FORMATS[fmt]}"
    again = tmp_path / f"again{EXPORT_FORMATS[fmt]}"
    args = ["export", "--by", "platform", "--where", "force=West Mercia", "--where", "year=2017/18"]
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
            "platform",
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
    frame = pl.read_excel(out)
    assert frame["platform"].to_list()[-1] == "Total" and frame["offences"].to_list()[-1] == 73


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
    def half_then_fail(frame: pl.DataFrame, path: Path) -> None:
        path.write_text("half a file")
        raise OSError(28, "No space left on device")

    monkeypatch.setitem(WRITERS, "csv", half_then_fail)
    with pytest.raises(DataError, match="No space left on device"):
        export(dataset, SELECTION, tmp_path / "out.csv")
    assert list(tmp_path.iterdir()) == []


def test_default_name_is_built_from_the_selection() -> None:
    assert default_name(SELECTION, "summary", "csv") == "scwc_platform_west-mercia_2017-18.csv"
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
