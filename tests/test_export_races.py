"""Exports are created exclusively and end cleanly (issue 27), run as strangers would: two commands
at once on one name, a link where the sidecar goes, a terminal closing (SIGHUP), ``kill`` (SIGTERM)
and ``kill -9`` of the command while it writes. One export wins and the other says why; a link is
never written through; no hidden ``.partial`` file is left; no child outlives its parent."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import openpyxl
import pytest

EXPORT_SECONDS = 120
"""The most a test waits for an export process (generous: the machine is shared)."""


def export(folder: Path, *arguments: str) -> subprocess.Popen[str]:
    """``scwc export ARGUMENTS`` started in ``folder``, in a process group of its own."""
    return subprocess.Popen(
        [sys.executable, "-m", "tui", "export", *arguments],
        cwd=folder,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


@pytest.mark.parametrize("attempt", range(3))
def test_two_exports_to_one_new_name_give_one_file_and_one_refusal(
    tmp_path: Path, attempt: int
) -> None:
    """Both printed "wrote" (6 of 6 runs) and one result was lost."""
    racers = [export(tmp_path, "--by", by, "-o", "new.xlsx") for by in ("force", "year")]
    outcomes = [(p.wait(timeout=EXPORT_SECONDS), *p.communicate()) for p in racers]
    codes = sorted(code for code, _, _ in outcomes)
    assert codes == [0, 2], outcomes
    winner = next(out for code, out, _ in outcomes if code == 0)
    refusal = next(err for code, _, err in outcomes if code == 2)
    assert winner.startswith("wrote new.xlsx") and "already exists" in refusal
    assert refusal.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.xlsx", "new.xlsx.toml"]
    sidecar = tomllib.loads((tmp_path / "new.xlsx.toml").read_text(encoding="utf-8"))
    header = openpyxl.load_workbook(tmp_path / "new.xlsx")["selection"]["A1"].value
    assert header == sidecar["selection"]["group_by"].capitalize()  # one export's pair


@pytest.mark.parametrize("link", ["out.csv.toml", "out.csv"])
def test_force_never_writes_through_a_link(tmp_path: Path, link: str) -> None:
    """A sidecar name that is a link had its target replaced by TOML with --force."""
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n", encoding="utf-8")
    (tmp_path / "out.csv").write_text("an earlier export\n", encoding="utf-8")
    (tmp_path / link).unlink(missing_ok=True)
    (tmp_path / link).symlink_to(victim)
    process = export(tmp_path, "-o", "out.csv", "--force")
    code = process.wait(timeout=EXPORT_SECONDS)
    _, err = process.communicate()
    assert code == 2 and err.count("\n") == 1 and "symbolic link" in err, err
    assert victim.read_text(encoding="utf-8") == "precious\n"
    assert (tmp_path / link).is_symlink()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def _partial_appears(folder: Path, process: subprocess.Popen[str]) -> bool:
    """Wait until the export has begun writing (its hidden staged file is there)."""
    deadline = time.monotonic() + EXPORT_SECONDS
    while not any(p.name.endswith(".partial") for p in folder.iterdir()):
        if process.poll() is not None or time.monotonic() > deadline:
            return False
        time.sleep(0.005)
    return True


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (Linux)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _ended(pid: int) -> bool:
    """Wait until ``pid`` is gone (or a zombie); whether it is."""
    deadline = time.monotonic() + EXPORT_SECONDS
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return True
        if state == "Z":
            return True
        time.sleep(0.01)
    return False


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
@pytest.mark.parametrize(
    ("sig", "whole_group"),
    [
        (signal.SIGTERM, True),  # the session ends
        (signal.SIGHUP, True),  # the terminal closes
        (signal.SIGTERM, False),  # kill PID
        (signal.SIGINT, True),  # Ctrl+C
    ],
)
def test_a_signal_during_an_export_leaves_nothing_behind(
    tmp_path: Path, sig: signal.Signals, whole_group: bool
) -> None:
    """A hidden ``.NAME.<hex>.partial`` was left by SIGTERM or SIGHUP."""
    process = export(tmp_path, "--rows", "-o", "rows.xlsx")
    if not _partial_appears(tmp_path, process):
        pytest.skip("the export ended before it could be interrupted")
    children = _children(process.pid)
    if whole_group:
        os.killpg(process.pid, sig)
    else:
        os.kill(process.pid, sig)
    code = process.wait(timeout=EXPORT_SECONDS)
    assert code == 128 + sig or code == -sig, process.communicate()
    assert all(_ended(child) for child in children), "a child outlived the command"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
def test_a_killed_command_leaves_no_child_writing_later(tmp_path: Path) -> None:
    """``kill -9`` of the command left its child, which wrote the file ten seconds later."""
    process = export(tmp_path, "--rows", "-o", "rows.xlsx")
    if not _partial_appears(tmp_path, process):
        pytest.skip("the export ended before it could be interrupted")
    children = _children(process.pid)
    assert children, "the one-shot command runs in a forked child"
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=EXPORT_SECONDS)
    assert all(_ended(child) for child in children), "the child outlived its parent"
    assert list(tmp_path.iterdir()) == []
