"""The command line, run as a user would: output, exit codes, and one-line errors."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import polars as pl
import pytest

from tui import cli
from tui.cli import main


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_summary_by_year_prints_the_national_totals() -> None:
    result = run("summary", "--by", "year")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    years = [line.split()[:3] for line in lines if line[:2] == "20"]
    assert [y[0] for y in years] == [f"{y}/{y - 1999}" for y in range(2017, 2025)]
    assert years[0][1:] == ["3,217", "●"]  # published
    assert years[1][1:] == ["4,625", "◐"]  # derived: UK 5,333 - Scotland 581 - NI 127
    assert "MODELLED" in result.stdout and "Counting: Sexual communication" in result.stdout
    assert "● published  ◐ derived from published figures  ○ modelled" in result.stdout


def test_jurisdiction_uk_is_the_published_uk_series() -> None:
    result = run("summary", "--by", "year", "--jurisdiction", "uk")
    assert result.returncode == 0, result.stderr
    totals = [line.split()[1] for line in result.stdout.splitlines() if line[:2] == "20"]
    assert totals == ["3,728", "5,333", "5,954", "6,319", "6,275", "6,350", "7,062", "7,263"]
    assert "3 different offences" in result.stdout


def test_kent_by_year_reads_the_published_run(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["summary", "--by", "year", "--where", "force=Kent"]) == 0
    out = capsys.readouterr().out
    totals = [line.split()[1] for line in out.splitlines() if line[:2] == "20"]
    assert totals[:7] == ["122", "140", "176", "224", "179", "230", "264"]


def test_sources_ends_with_zero_mismatches() -> None:
    result = run("sources")
    assert result.returncode == 0, result.stderr
    last = result.stdout.splitlines()[-1]
    assert last.endswith("; 0 mismatches") and "superseded" in last
    assert int(last.split()[0]) > 200
    records = json.loads(run("sources", "--json", "--status", "conflicting").stdout)
    assert records and {r["status"] for r in records} == {"conflicting"}
    assert all(r["reason"] and r["source_url"] for r in records)


def test_summary_with_filters(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["summary", "--by", "age_band", "--where", "force=West Mercia", "--where", "year=2017/18"]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert [
        line.split()[:2] for line in out.splitlines() if line.startswith(("0-11", "12-15"))
    ] == [
        ["0-11", "8"],
        ["12-15", "38"],
    ]
    assert "base 46" in out


def test_repeated_where_keeps_several_members(capsys: pytest.CaptureFixture[str]) -> None:
    group = ["West Midlands", "Staffordshire", "West Mercia", "Warwickshire"]
    args = ["summary", "--by", "year"] + [a for f in group for a in ("--where", f"force={f}")]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert " 194 " in out and " 260 " in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["summary", "--by", "colour"], "scwc: no dimension 'colour'"),
        (["summary", "--where", "year=2031/32"], "scwc: year has no member '2031/32'"),
        (["summary", "--where", "year"], "scwc: --where 'year': expected DIMENSION=VALUE"),
        (["summary", "--sort", "wibble"], "scwc: cannot sort by 'wibble'"),
        (["summary", "missing.csv"], "scwc: missing.csv: no such file"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(args: list[str], message: str, capsys) -> None:
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith(message) and err.count("\n") == 1


def test_bad_file_from_the_real_command(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("force,offences\nKent,-1\n")
    result = run("summary", str(bad))
    assert result.returncode == 2
    assert result.stderr == "scwc: bad.csv: column 'offences', row 2: negative count -1\n"
    result = run(str(bad))
    assert result.returncode == 2 and "Traceback" not in result.stderr


WM = ["--by", "age_band", "--where", "force=West Mercia", "--where", "year=2017/18"]


def one_line_error(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert err.startswith("scwc: ") and err.count("\n") == 1, err
    return err


def test_export_and_sidecar_are_one_unit(tmp_path: Path, capsys, monkeypatch) -> None:
    (tmp_path / "side.csv.toml").mkdir()  # a folder has the sidecar's name
    assert main(["export", "-o", str(tmp_path / "side.csv")]) == 2
    assert "side.csv.toml: is a directory" in one_line_error(capsys)
    assert not (tmp_path / "side.csv").exists()

    import tui.data.output.export as export_module

    def disk_full(document: object, staged: Path) -> None:
        raise OSError(28, "No space left on device")

    old = tmp_path / "old.csv"
    old.write_text("the previous export\n")
    monkeypatch.setattr(export_module, "_write_toml", disk_full)
    assert main(["export", "-o", str(tmp_path / "new.csv")]) == 2
    assert "No space left on device" in one_line_error(capsys)
    assert main(["export", "-o", str(old), "--force"]) == 2
    capsys.readouterr()
    assert not (tmp_path / "new.csv").exists()
    assert old.read_text() == "the previous export\n"
    assert {p.name for p in tmp_path.iterdir()} <= {"old.csv", "side.csv.toml", "views.toml"}


def test_existing_sidecar_needs_force(tmp_path: Path, capsys) -> None:
    notes = tmp_path / "notes.csv.toml"
    notes.write_text("# my own notes\n")
    assert main(["export", "-o", str(tmp_path / "notes.csv")]) == 2
    assert "notes.csv.toml: already exists (use --force" in one_line_error(capsys)
    assert notes.read_text() == "# my own notes\n" and not (tmp_path / "notes.csv").exists()
    assert main(["export", "-o", str(tmp_path / "notes.csv"), "--force"]) == 0
    assert "[selection]" in notes.read_text()


def test_force_keeps_permissions_and_writes_through_a_symlink(tmp_path: Path) -> None:
    private = tmp_path / "private.csv"
    private.write_text("old\n")
    private.chmod(0o600)
    assert main(["export", "-o", str(private), "--force"]) == 0
    assert private.stat().st_mode & 0o777 == 0o600 and private.read_text().startswith("nation")

    real = tmp_path / "shared" / "latest.csv"
    real.parent.mkdir()
    real.write_text("old\n")
    link = tmp_path / "latest.csv"
    link.symlink_to(real)
    assert main(["export", "-o", str(link), "--force"]) == 0
    assert link.is_symlink() and real.read_text().startswith("nation")


@pytest.mark.parametrize(
    ("output", "fmt", "message"),
    [
        ("out.csv", "parquet", "out.csv: the extension .csv does not match --format parquet"),
        ("out.xlsx", "csv", "out.xlsx: the extension .xlsx does not match --format csv"),
        ("out.json", "jsonl", "out.json: the extension .json does not match --format jsonl"),
    ],
)
def test_extension_and_format_must_agree(
    tmp_path: Path, output: str, fmt: str, message: str, capsys
) -> None:
    assert main(["export", "-o", str(tmp_path / output), "--format", fmt]) == 2
    assert message in one_line_error(capsys)
    assert not (tmp_path / output).exists()


def test_jsonl_extension_and_added_extension(tmp_path: Path, capsys) -> None:
    assert main(["export", *WM, "-o", str(tmp_path / "out.jsonl")]) == 0
    assert pl.read_ndjson(tmp_path / "out.jsonl")["offences"].sum() == 73
    assert main(["export", *WM, "-o", str(tmp_path / "plain"), "--format", "tsv"]) == 0
    out = capsys.readouterr().out
    assert (tmp_path / "plain.tsv").is_file() and "added .tsv" in out


def test_output_folder_gets_a_default_name(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    assert main(["export", *WM, "-o", str(folder)]) == 0
    assert (folder / "scwc_age-band_west-mercia_england-and-wales_2017-18.csv").is_file()
    assert main(["export", *WM, "-o", str(folder) + "/", "--format", "xlsx"]) == 0
    assert (folder / "scwc_age-band_west-mercia_england-and-wales_2017-18.xlsx").is_file()
    capsys.readouterr()
    assert main(["export", "-o", str(tmp_path / "adir.csv") + "/"]) == 2
    assert "adir.csv/: no such folder" in one_line_error(capsys)
    assert not (tmp_path / "adir.csv").exists()
    assert main(["export", "-o", str(tmp_path / "nothing")]) == 2
    assert "a file name with an extension is needed" in one_line_error(capsys)


def test_the_sidecar_reproduce_command_runs_as_written(tmp_path: Path) -> None:
    assert main(["export", *WM, "--excel", "-o", str(tmp_path / "wm.csv")]) == 0
    first = (tmp_path / "wm.csv").read_bytes()
    assert first.startswith(b"\xef\xbb\xbfage_band,")  # UTF-8 byte-order mark for Excel
    record = tomllib.loads((tmp_path / "wm.csv.toml").read_text())
    command = shlex.split(record["export"]["reproduce"])
    assert command[0] == "scwc"
    result = subprocess.run(
        [sys.executable, "-m", "tui", *command[1:]],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "wm.csv").read_bytes() == first


def test_sidecar_finds_a_moved_dataset_relative_to_itself(tmp_path: Path, capsys) -> None:
    project = tmp_path / "project"
    (project / "out").mkdir(parents=True)
    source = project / "mine.csv"
    source.write_text("force,platform,offences\nKent,Snapchat,5\nKent,Instagram,3\nEssex,Kik,2\n")
    assert main(["export", str(source), "--by", "force", "-o", str(project / "out" / "x.csv")]) == 0
    record = tomllib.loads((project / "out" / "x.csv.toml").read_text())
    assert record["dataset"]["path"] == "../mine.csv" and len(record["dataset"]["sha256"]) == 64
    moved = tmp_path / "elsewhere"
    project.rename(moved)
    sidecar = moved / "out" / "x.csv.toml"
    assert main(["export", "--view", str(sidecar), "-o", str(tmp_path / "again.csv")]) == 0
    assert (tmp_path / "again.csv").read_bytes() == (moved / "out" / "x.csv").read_bytes()
    assert "warning" not in capsys.readouterr().err


def test_excel_option_is_for_text_formats_only(tmp_path: Path, capsys) -> None:
    assert main(["export", "--excel", "-o", str(tmp_path / "x.parquet")]) == 2
    assert "--excel" in one_line_error(capsys)


def test_export_never_replaces_the_data_it_reads(tmp_path: Path, capsys) -> None:
    source = tmp_path / "mine.csv"
    source.write_text("force,offences\nKent,5\nEssex,2\n")
    before = source.read_bytes()
    assert main(["export", str(source), "--rows", "-o", str(source), "--force"]) == 2
    assert "is the data file being exported" in one_line_error(capsys)
    assert source.read_bytes() == before


def test_version(capsys) -> None:
    import pytest as _pytest

    from tui import __version__
    from tui.cli import main

    with _pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"scwc {__version__}"


def test_ctrl_c_stops_quietly_with_the_shell_exit_code(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted(argv: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setitem(cli.COMMANDS, "summary", interrupted)
    assert main(["summary"]) == 130
    assert capsys.readouterr() == ("", "")


MEASURES = ("offences", "instances")
SORT_KEYS = ("name", "offences", "instances", "share", "share_recorded", "change", "rate_per_100k")


@pytest.mark.parametrize("command", ["summary", "export", "quote"])
@pytest.mark.parametrize("measure", MEASURES)
@pytest.mark.parametrize("sort", SORT_KEYS)
def test_every_command_measure_and_sort_runs_or_says_why_in_one_line(
    command: str, measure: str, sort: str, tmp_path: Path, capsys
) -> None:
    """Sorting by the other measure's column once ended in a polars traceback."""
    args = [command, "--by", "force", "--where", "year=2022/23", "--measure", measure]
    args += ["--sort", sort]
    if command == "export":
        args += ["-o", str(tmp_path / "out.csv")]
    code = main(args)
    out, err = capsys.readouterr()
    other = next(m for m in MEASURES if m != measure)
    if sort == other:
        assert code == 2 and out == "" and err.count("\n") == 1
        assert f"the table counts {measure}" in err and f"--sort {measure}" in err
        assert not (tmp_path / "out.csv").exists()
    else:
        assert code == 0 and err == "", err
        assert out.strip()


def test_the_polars_traceback_case_is_one_line_from_the_real_command() -> None:
    result = run(
        "summary",
        "--by",
        "force",
        "--where",
        "year=2022/23",
        "--measure",
        "instances",
        "--sort",
        "offences",
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1 and result.stdout == ""


@pytest.mark.parametrize(
    ("clause", "member"),
    [
        ("force=Greater Manchester Police", "Greater Manchester"),
        ("force=Hampshire Constabulary", "Hampshire"),
        ("force=Metropolitan Police Service", "Metropolitan Police"),
        ("force=Durham Constabulary", "Durham"),
        ("year=2021-22", "2021/22"),
        ("year=2021/2022", "2021/22"),
        ("year=FY 2021/22", "2021/22"),
    ],
)
def test_where_takes_the_spellings_the_loader_knows(clause: str, member: str, capsys) -> None:
    assert main(["summary", "--by", "year", "--where", clause]) == 0
    assert f"= {member}" in capsys.readouterr().out


@pytest.mark.parametrize("by", ["platform", "platform_owner"])
def test_by_platform_in_offences_says_platforms_are_counted_in_instances(by: str, capsys) -> None:
    assert main(["summary", "--by", by]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1
    assert "platform instances are; ask for them with --measure instances" in err
    assert main(["summary", "--by", by, "--measure", "instances"]) == 0
    assert "Snapchat" in capsys.readouterr().out or by == "platform_owner"


def test_a_large_file_is_announced_while_it_is_read_the_first_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "big.csv"
    path.write_text("force,year,offences\nKent,2019/20,120\nKent,2020/21,135\n")
    monkeypatch.setattr(cli, "LARGE_FILE_BYTES", path.stat().st_size)
    monkeypatch.setenv("SCWC_CACHE_DIR", str(tmp_path / "kept"))
    announced = []
    for _ in range(2):
        monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
        assert main(["summary", str(path)]) == 0
        announced.append(capsys.readouterr().err)
    assert announced[0].startswith("scwc: reading big.csv (0 MB)…")
    assert announced[1] == ""  # read before: it opens at once
