"""The launcher's crash guard: one-shot commands read Parquet in-process, a native crash is one line."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest

import tui.launch
from tui.data import isolated
from tui.data.isolated import announce_reads_to, open_dataset
from tui.launch import GUARDED_COMMANDS

FIXTURES = Path(__file__).parent / "fixtures"
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="the guard needs os.fork")


def scwc(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui", *args], capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize("command", ["summary", "export", "quote"])
def test_a_file_that_crashes_polars_is_one_line_naming_it(command: str, tmp_path: Path) -> None:
    args = [command, str(FIXTURES / "aborts_polars.parquet")]
    if command == "export":
        args += ["-o", str(tmp_path / "out.csv")]
    result = scwc(*args)
    assert result.returncode == 2
    assert result.stderr == (
        "scwc: aborts_polars.parquet: the file is damaged (reading it crashed the Parquet reader)\n"
    )
    assert result.stdout == "" and not list(tmp_path.iterdir())


def test_exit_codes_and_output_pass_through_the_guard() -> None:
    assert scwc("sources").returncode == 0
    assert scwc("summary", "--by", "nowhere").returncode == 2
    bad = scwc("sources", "--status", "bogus")
    assert bad.returncode == 2 and "invalid choice" in bad.stderr
    assert scwc("summary", "--help").stdout.startswith("usage: scwc summary")


def test_a_parquet_file_opens_in_a_guarded_process(tmp_path: Path) -> None:
    path = tmp_path / "kent.parquet"
    pl.DataFrame({"force": ["Kent"], "year": ["2023/24"], "offences": [264]}).write_parquet(path)
    result = scwc("summary", str(path), "--by", "force")
    assert result.returncode == 0, result.stderr
    assert "Kent" in result.stdout and "264" in result.stdout


@pytest.fixture
def guarded(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """This test process pretends to run under the guard; the announcements land in a file."""
    announced = tmp_path / "announced"
    with announced.open("wb") as pipe:
        monkeypatch.setattr(isolated, "_crash_guard", [])
        announce_reads_to(pipe.fileno())
        yield announced


def test_a_guarded_process_names_the_file_then_reads_it_itself(
    guarded: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def no_child(*args: object, **kwargs: object) -> None:
        raise AssertionError("no child process under the guard")

    monkeypatch.setattr(isolated.subprocess, "run", no_child)
    path = tmp_path / "kent.parquet"
    pl.DataFrame({"force": ["Kent"], "offences": [264]}).write_parquet(path)
    assert int(open_dataset(path).cube["offences"].sum()) == 264
    assert guarded.read_text() == f"{path}\n"


def test_the_launcher_imports_nothing_heavy_before_it_forks() -> None:
    modules: set[str] = set()
    for node in ast.parse(Path(tui.launch.__file__).read_text()).body:  # module level only
        if isinstance(node, ast.Import):
            modules |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            modules.add(node.module or "")
    assert modules <= {"__future__", "gc", "os", "signal", "sys", "pathlib"}


def test_the_guarded_commands_are_commands() -> None:
    from tui.cli import COMMANDS

    assert set(GUARDED_COMMANDS) < set(COMMANDS)
