"""Writes stay whole and asked: no file created through a link to nothing, no device or FIFO ever
replaced, a replaced file keeps its owner, nothing left behind by Ctrl+C, ctrl+y asks first."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.app.helpers import SIZE, press, settle
from tui.app import ExplorerApp
from tui.cli import main
from tui.data.atomic import write_atomically, write_together
from tui.data.dataset import DataError
from tui.screens.prompt import ConfirmScreen, TextPrompt
from tui.served_mode import Served

NOBODY = 65534


def _error(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    return err


def test_a_link_to_nothing_is_not_followed_even_with_force(tmp_path: Path, capsys) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    link = tmp_path / "out.csv"
    link.symlink_to(elsewhere / "created.csv")
    for force in ([], ["--force"]):
        assert main(["export", "-o", str(link), *force]) == 2
        assert "does not exist: not followed" in _error(capsys)
    assert list(elsewhere.iterdir()) == [] and link.is_symlink()


def test_a_fifo_or_device_is_never_replaced(tmp_path: Path, capsys) -> None:
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    assert main(["export", "-o", str(fifo), "--force"]) == 2
    assert "not a regular file" in _error(capsys)
    assert fifo.is_fifo()
    link = tmp_path / "null.csv"
    link.symlink_to("/dev/null")
    assert main(["export", "-o", str(link), "--force"]) == 2
    assert "not a regular file" in _error(capsys)
    assert Path("/dev/null").is_char_device()
    with pytest.raises(DataError, match="not a regular file"):
        write_atomically(fifo, lambda staged: staged.write_text("x"), overwrite=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["null.csv", "pipe.csv"]


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another user needs root")
def test_a_replaced_file_keeps_its_owner(tmp_path: Path) -> None:
    theirs = tmp_path / "theirs.csv"
    theirs.write_text("old\n")
    os.chown(theirs, NOBODY, NOBODY)
    theirs.chmod(0o640)
    assert main(["export", "-o", str(theirs), "--force"]) == 0
    status = theirs.stat()
    assert (status.st_uid, status.st_gid) == (NOBODY, NOBODY)
    assert status.st_mode & 0o777 == 0o640 and theirs.read_text().startswith("nation")


def test_ctrl_c_while_writing_leaves_nothing_behind(tmp_path: Path) -> None:
    old = tmp_path / "old.csv"
    old.write_text("the previous export\n")

    def interrupted(staged: Path) -> None:
        staged.write_text("half of it")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_together(
            [(old, lambda staged: staged.write_text("new\n")), (tmp_path / "b", interrupted)],
            overwrite=True,
        )
    assert [p.name for p in tmp_path.iterdir()] == ["old.csv"]
    assert old.read_text() == "the previous export\n"


def test_ctrl_c_during_a_cli_export_leaves_no_partial_file(tmp_path: Path) -> None:
    """A real Ctrl+C (SIGINT to the process group) while ``scwc export --rows`` writes a slow
    format: exit 130, and no hidden ``.partial`` file in the folder."""
    output = tmp_path / "rows.xlsx"
    process = subprocess.Popen(
        [sys.executable, "-m", "tui", "export", "--rows", "-o", str(output)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while not any(p.name.endswith(".partial") for p in tmp_path.iterdir()):
        if process.poll() is not None or time.monotonic() > deadline:
            pytest.skip("the export ended before it could be interrupted")
        time.sleep(0.005)
    os.killpg(process.pid, signal.SIGINT)
    assert process.wait(timeout=60) == 130, process.stderr.read() if process.stderr else ""
    assert list(tmp_path.iterdir()) == []


async def test_ctrl_y_asks_before_replacing_a_file(dataset, tmp_path: Path) -> None:
    mine = tmp_path / "notes.txt"
    mine.write_text("my notes\n")
    app = ExplorerApp(dataset, export_folder=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "y", "ctrl+y")
        assert isinstance(app.screen, TextPrompt)
        await pilot.press(*"notes.txt", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await press(pilot, "n")
        assert mine.read_text() == "my notes\n"
        await press(pilot, "ctrl+y")
        await pilot.press(*"notes.txt", "enter")
        await settle(pilot)
        await press(pilot, "y")
        assert mine.read_text() == app.clipboard


async def test_served_views_live_in_the_session_only(dataset, tmp_path: Path) -> None:
    views = tmp_path / "views.toml"
    app = ExplorerApp(dataset, views_path=views, served=Served(None))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "w")
        assert isinstance(app.screen, TextPrompt) and "session only" in app.screen.question
        await pilot.press(*"mine", "enter")
        await settle(pilot)
        assert "mine" in app.views.saved()
    assert not views.exists() and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("typed", "named"),
    [
        ("/etc/", "scwc_nation_england-and-wales.csv"),
        ("~/../../tmp/x.csv", "x.csv"),
        ("~", "~.csv"),
    ],
)
async def test_a_served_export_name_looks_nothing_up_on_the_server(
    dataset, typed: str, named: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A visitor's typed name only names the download: no folder in it is looked up on the
    server (whether ``/etc`` exists would otherwise show in the answer)."""
    from textual.widgets import Input

    from tui.flows.export import ExportFlow

    looked_up: list[str] = []
    is_dir = Path.is_dir

    def recorded(self: Path, *args: object, **kwargs: object) -> bool:
        looked_up.append(str(self))
        return is_dir(self, *args, **kwargs)

    delivered = []
    monkeypatch.setattr(ExportFlow, "_deliver", lambda flow, request: delivered.append(request))
    app = ExplorerApp(dataset, served=Served(None))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "e")
        app.screen.query_one("#path", Input).value = typed
        monkeypatch.setattr(Path, "is_dir", recorded)
        await press(pilot, "ctrl+s")
        monkeypatch.setattr(Path, "is_dir", is_dir)
    assert [r.path.name for r in delivered] == [named]
    home = str(Path.home())
    assert not [p for p in looked_up if p.startswith(("/etc", "/tmp", home))], looked_up
