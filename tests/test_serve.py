"""``scwc serve``: localhost by default, a warning elsewhere, and the real page in a real browser."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.browser import Browser, chromium_path
from tui.data.format import count
from tui.serve import app_command, banner, is_local

KENT_PUBLISHED = {
    "2017/18": 122,
    "2018/19": 140,
    "2019/20": 176,
    "2020/21": 224,
    "2021/22": 179,
    "2022/23": 230,
    "2023/24": 264,
}
PAGE_TIMEOUT = 90
"""Seconds the browser test waits at most for the table (the app starts in a fresh process)."""


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.0.2"])
def test_loopback_hosts_are_local(host: str) -> None:
    assert is_local(host)
    assert len(banner(host, 8000)) == 1 and "this computer only" in banner(host, 8000)[0]


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::", "example.org"])
def test_other_hosts_get_the_no_authentication_warning(host: str) -> None:
    assert not is_local(host)
    assert "no authentication" in banner(host, 8000)[1]


def test_app_command_runs_this_python_on_the_chosen_file(tmp_path: Path) -> None:
    path = tmp_path / "my data.csv"
    command = app_command(path)
    assert command.startswith(sys.executable) and "'" + str(path) + "'" in command
    assert app_command(None).endswith("-m tui")


def test_bad_file_or_port_is_one_line_and_exit_2(tmp_path: Path) -> None:
    for arguments in (["serve", str(tmp_path / "missing.csv")], ["serve", "--port", "0"]):
        done = subprocess.run(
            [sys.executable, "-m", "tui", *arguments],
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
        assert done.returncode == 2, done.stderr
        assert done.stderr.count("\n") == 1


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_port(port: int, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(
                f"scwc serve exited: {server.stderr.read() if server.stderr else ''}"
            )
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listening on port {port}")


@pytest.mark.skipif(
    chromium_path() is None,
    reason="no Chromium: install Debian's 'chromium' package (apt-get install -y chromium); "
    ".ci/run installs it",
)
def test_the_page_shows_the_table_and_total_in_headless_chromium(tmp_path: Path) -> None:
    """Served: Kent's published yearly counts (NSPCC FOI, via OnTheWight); the page must show
    the table and their total."""
    path = tmp_path / "kent_published.csv"
    lines = ["force,year,offences", *(f"Kent,{y},{n}" for y, n in KENT_PUBLISHED.items())]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    total = count(sum(KENT_PUBLISHED.values()))
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "tui", "serve", str(path), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        _wait_for_port(port, server)
        text = asyncio.run(_open_page(port, total))
    finally:
        for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, None)):
            try:
                os.killpg(server.pid, sig)  # the server and the app processes it started
            except ProcessLookupError:
                break
            try:
                server.wait(timeout=wait)
                break
            except subprocess.TimeoutExpired:
                continue
    assert "Total" in text, text[-2000:]
    assert total == "1,335" and total in text, f"published total {total} not on the page"
    assert "Nation" in text and "England" in text


async def _open_page(port: int, total: str) -> str:
    browser = Browser(chromium_path() or "chromium")
    try:
        await browser.open()
        await browser.navigate(f"http://127.0.0.1:{port}/")
        text = await browser.wait_for_text("Total", total, timeout=PAGE_TIMEOUT)
        shot = os.environ.get("SCWC_BROWSER_SCREENSHOT")
        if shot:
            await asyncio.sleep(1)  # let the canvas paint the last frame
            await browser.screenshot(Path(shot))
        return text
    finally:
        await browser.close()
