"""The command line, run as a user would: output, exit codes, and one-line errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

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
    assert any(line.startswith("2017/18") and " 3,217 " in line for line in lines)
    assert any(
        line.startswith("2018/19") and " 4,373 " in line and "+35.9%" in line for line in lines
    )
    assert any(line.startswith("Total") and " 7,590 " in line for line in lines)
    assert "MODELLED" in result.stdout


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
