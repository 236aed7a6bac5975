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
from tui.data.loading import isolated
from tui.data.loading.isolated import announce_reads_to, open_dataset
from tui.launch import GUARDED_COMMANDS, PARQUET_SUFFIXES, explorer_reads_parquet

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
    assert modules <= {"__future__", "collections.abc", "gc", "os", "signal", "sys", "pathlib"}


def test_the_guarded_commands_are_commands() -> None:
    from tui.cli import COMMANDS

    assert set(GUARDED_COMMANDS) < set(COMMANDS)


def test_the_explorer_reads_its_first_parquet_file_itself_and_later_ones_in_a_child(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """``scwc FILE.parquet`` starts under the guard: the file on the command line is read without
    a second interpreter (nothing to lose yet if it crashes); a file opened later in the session
    (ctrl+o) is read in a child again, so a crash cannot end the session."""
    path = tmp_path / "kent.parquet"
    pl.DataFrame({"force": ["Kent"], "offences": [264]}).write_parquet(path)
    children: list[object] = []
    real_run = isolated.subprocess.run

    def counted(*args: object, **kwargs: object) -> object:
        children.append(args)
        return real_run(*args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(isolated.subprocess, "run", counted)
    monkeypatch.setattr(isolated, "_crash_guard", [])
    announced = tmp_path / "announced"
    with announced.open("wb") as pipe:
        announce_reads_to(pipe.fileno(), first_only=True)
        assert int(open_dataset(path).cube["offences"].sum()) == 264
        assert children == []
        assert int(open_dataset(path).cube["offences"].sum()) == 264
        assert len(children) == 1
    assert announced.read_text() == f"{path}\n\n"  # an empty line: done reading


def test_the_explorer_starts_guarded_only_on_a_parquet_file(tmp_path: Path) -> None:
    path = tmp_path / "kent.parquet"
    path.write_bytes(b"")
    assert explorer_reads_parquet([str(path), "--jurisdiction", "ew"], {})
    assert not explorer_reads_parquet([str(tmp_path / "kent.csv")], {})
    assert not explorer_reads_parquet([], {})
    served = {"TEXTUAL_DRIVER": "textual.drivers.web_driver:WebDriver"}
    assert not explorer_reads_parquet([str(path)], served)  # textual-serve manages the process


def test_the_launcher_knows_the_loaders_parquet_extensions() -> None:
    from tui.data.loading.read import FORMATS

    assert set(PARQUET_SUFFIXES) == {s for s, kind in FORMATS.items() if kind == "parquet"}


def test_a_parquet_file_that_crashes_polars_stops_the_explorer_in_one_line() -> None:
    result = scwc(str(FIXTURES / "aborts_polars.parquet"))
    assert result.returncode == 2
    assert result.stderr == (
        "scwc: aborts_polars.parquet: the file is damaged (reading it crashed the Parquet reader)\n"
    )
