"""``scwc serve``: localhost by default, a warning elsewhere, and the real page in a real browser."""

from __future__ import annotations

import asyncio
import io
import os
import socket
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp
import pytest

from tests.browser import Browser, chromium_path
from tests.served import Server, Visitor, handshake_status, serving, stop
from tui.data.output.format import count
from tui.serve import (
    Access,
    ServeOptions,
    app_command,
    banner,
    choose_token,
    default_max_sessions,
    is_local,
)

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


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "[::1]", "127.0.0.2"])
def test_loopback_hosts_are_local_and_need_no_token(host: str) -> None:
    assert is_local(host)
    options = ServeOptions(None, host=host, port=8000, token=choose_token(host, None, False))
    lines = banner(options)
    assert options.token is None and "this computer only" in lines[0]
    url = options.page_url()
    assert url.startswith("http://") and urlsplit(url).port == 8000  # a URL a browser accepts
    assert urlsplit(url).hostname == host.strip("[]")


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::", "", "example.org"])
def test_other_hosts_get_a_token_printed_once_in_the_address(host: str) -> None:
    assert not is_local(host)
    token = choose_token(host, None, no_auth=False)
    assert token is not None and len(token) >= 20
    options = ServeOptions(None, host=host, port=8000, token=token)
    lines = banner(options)
    url = options.page_url()
    assert sum(token in line for line in lines) == 1 and url.endswith(f"/?token={token}")
    parts = urlsplit(url)
    assert parts.hostname and parts.port == 8000 and ":::" not in url and "//:" not in url
    assert options.bind == (None if host == "" else host)


def test_a_loopback_server_behind_a_public_proxy_needs_a_token() -> None:
    public = "https://scwc.example.org"
    token = choose_token("127.0.0.1", None, no_auth=False, public_url=public)
    assert token is not None
    lines = banner(ServeOptions(None, "127.0.0.1", 8000, public_url=public, token=token))
    assert lines[0].startswith(f"scwc: serving on {public}/?token={token}")
    assert "this computer only" not in lines[0]
    assert choose_token("127.0.0.1", None, False, "http://localhost:9000") is None


def test_no_auth_on_a_reachable_address_is_said_loudly() -> None:
    options = ServeOptions(None, host="0.0.0.0", token=choose_token("0.0.0.0", None, True))
    assert options.token is None
    assert "no authentication" in " ".join(banner(options))


def test_default_sessions_follow_the_memory() -> None:
    gib = 1024**3
    assert default_max_sessions(1 * gib) == 3
    assert default_max_sessions(64 * gib) == 8
    assert default_max_sessions(100 * 1024**2) == 1


def test_host_and_origin_are_checked_against_the_served_address() -> None:
    access = Access(ServeOptions(None, host="127.0.0.1", port=8000))
    assert access.host_allowed("127.0.0.1:8000") and access.host_allowed("localhost:8000")
    assert access.host_allowed("[::1]:8000")
    assert not access.host_allowed("evil.example:8000")  # DNS rebinding
    assert not access.host_allowed("127.0.0.1:9999") and not access.host_allowed(None)
    assert access.origin_allowed("http://127.0.0.1:8000", "127.0.0.1:8000")
    assert not access.origin_allowed("http://evil.example", "127.0.0.1:8000")
    assert not access.origin_allowed("null", "127.0.0.1:8000")
    assert not access.origin_allowed(None, "127.0.0.1:8000")
    public = Access(ServeOptions(None, "0.0.0.0", 8000, public_url="https://scwc.example.org"))
    assert public.host_allowed("scwc.example.org") and public.host_allowed("10.1.2.3:8000")
    assert public.origin_allowed("https://scwc.example.org", "scwc.example.org")
    assert not public.origin_allowed("https://evil.example", "scwc.example.org")


def test_app_command_runs_this_python_on_the_chosen_file(tmp_path: Path) -> None:
    path = tmp_path / "my data.csv"
    assert app_command(path) == [sys.executable, "-m", "tui", str(path)]
    assert app_command(None) == [sys.executable, "-m", "tui"]


def test_bad_file_or_port_is_one_line_and_exit_2(tmp_path: Path) -> None:
    for arguments in (
        ["serve", str(tmp_path / "missing.csv")],
        ["serve", "--port", "0"],
        ["serve", "--max-sessions", "0"],
        ["serve", "--data-dir", str(tmp_path / "nowhere")],
        ["serve", "--token", "short"],
    ):
        done = subprocess.run(
            [sys.executable, "-m", "tui", *arguments],
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
        assert done.returncode == 2, done.stderr
        assert done.stderr.count("\n") == 1


needs_chromium = pytest.mark.skipif(
    chromium_path() is None,
    reason="no Chromium: install Debian's 'chromium' package (apt-get install -y chromium); "
    ".ci/run installs it",
)


@needs_chromium
def test_the_page_shows_the_table_and_total_and_downloads_an_export(tmp_path: Path) -> None:
    """Served with a token, in headless Chromium: Kent's published yearly counts (NSPCC FOI, via
    OnTheWight) on the page with their total; ``e`` then Enter twice downloads the export and its
    sidecar as a zip into the browser's download folder, never onto the server's disk."""
    path = tmp_path / "kent_published.csv"
    lines = ["force,year,offences", *(f"Kent,{y},{n}" for y, n in KENT_PUBLISHED.items())]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    total = count(sum(KENT_PUBLISHED.values()))
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    with serving(str(path), token="browser-token-1") as server:
        text, archive = asyncio.run(_open_page(server.url(), total, downloads))
    assert "Total" in text, text[-2000:]
    assert total == "1,335" and total in text, f"published total {total} not on the page"
    assert "Nation" in text and "England" in text
    assert archive.name == "scwc_nation.zip"
    with zipfile.ZipFile(archive) as bundle:
        assert bundle.namelist() == ["scwc_nation.csv", "scwc_nation.csv.toml"]
        exported = bundle.read("scwc_nation.csv").decode("utf-8")
        assert exported.startswith("nation,offences,") and "\nEngland,1335," in exported
        assert 'path = "kent_published.csv"' in bundle.read("scwc_nation.csv.toml").decode()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["downloads", "kent_published.csv"]


async def _open_page(url: str, total: str, downloads: Path) -> tuple[str, Path]:
    browser = Browser(chromium_path() or "chromium")
    try:
        await browser.open()
        await browser.allow_downloads(downloads)
        await browser.navigate(url)
        text = await browser.wait_for_text("Total", total, timeout=PAGE_TIMEOUT)
        shot = os.environ.get("SCWC_BROWSER_SCREENSHOT")
        if shot:
            await asyncio.sleep(1)  # let the canvas paint the last frame
            await browser.screenshot(Path(shot))
        await browser.press("e")
        await browser.wait_for_text("Export the current selection", timeout=30)
        await browser.press("Enter")  # from the name to the Export button
        await browser.press("Enter")  # and press it (no single key writes a file)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            done = [p for p in downloads.iterdir() if not p.name.endswith(".crdownload")]
            if done:
                return text, done[0]
            await asyncio.sleep(0.2)
        raise AssertionError(f"no download: {await browser.terminal_text()}"[-2000:])
    finally:
        await browser.close()


KENT_CSV = "force,year,offences\n" + "".join(f"Kent,{y},{n}\n" for y, n in KENT_PUBLISHED.items())


@pytest.mark.skipif(not socket.has_ipv6, reason="no IPv6")
def test_served_on_ipv6_loopback_the_page_names_a_websocket_a_browser_accepts() -> None:
    async def visit(port: int) -> str:
        async with (
            aiohttp.ClientSession() as client,
            client.get(f"http://[::1]:{port}/") as response,
        ):
            assert response.status == 200
            return await response.text()

    with serving(host="[::1]") as server:
        page = asyncio.run(visit(server.port))
    assert f'data-session-websocket-url="ws://[::1]:{server.port}/ws"' in page


def test_foreign_origin_wrong_host_and_missing_token_are_refused() -> None:
    """A page of another site cannot open the websocket; without the token nothing is served."""

    async def visit(server: Server) -> None:
        async with aiohttp.ClientSession() as client:
            async with client.get(server.url(token=False)) as response:
                assert response.status == 403
            async with client.get(
                server.url(), headers={"Host": f"evil.example:{server.port}"}
            ) as response:
                assert response.status == 421  # a rebound DNS name
            async with client.get(server.url()) as response:
                assert response.status == 200 and "scwc_token" in response.cookies
            async with client.get(f"{server.origin}/download/anything") as response:
                assert response.status == 403
        assert await handshake_status(server, origin="http://evil.example", token=True) == 403
        assert await handshake_status(server, origin="", token=True) == 403
        assert await handshake_status(server, origin=server.origin, token=False) == 403
        assert server.app_processes() == []  # no refused visitor got an app process

    with serving(token="test-token-123") as server:
        asyncio.run(visit(server))


def test_next_visitor_is_turned_away_and_a_closed_socket_ends_its_app(tmp_path: Path) -> None:
    """--max-sessions 1: the second visitor gets the busy page, not a process; closing the first
    socket ends its app process at once; an idle session ends by itself."""
    data = tmp_path / "kent.csv"
    data.write_text(KENT_CSV, encoding="utf-8")

    async def visit(server: Server) -> None:
        first = Visitor(server)
        await first.connect()
        await first.wait_for("1,335")
        assert len(server.app_processes()) == 1
        async with aiohttp.ClientSession() as client, client.get(server.url()) as response:
            assert response.status == 503 and "try again" in (await response.text()).lower()
        assert await handshake_status(server, origin=server.origin, token=True) == 503
        assert len(server.app_processes()) == 1
        await first.close()
        deadline = time.monotonic() + 5
        while server.app_processes() and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        assert server.app_processes() == [], "the app outlived its socket"
        idle = Visitor(server)
        await idle.connect()
        await idle.wait_for("1,335")
        started = time.monotonic()
        while not idle.closed and time.monotonic() - started < 20:
            await asyncio.sleep(0.1)
        assert idle.closed, "the idle session was not ended"
        await idle.close()
        last = Visitor(server)  # left open while the server stops
        await last.connect()
        await last.wait_for("1,335")
        assert len(server.app_processes()) == 1
        stop(server.process)
        await last.close()

    with serving(str(data), "--max-sessions", "1", "--idle-timeout", "0.1") as server:
        asyncio.run(visit(server))
    assert server.app_processes() == [], "app processes outlived the server"


def test_visitors_paths_never_reach_the_disk(tmp_path: Path) -> None:
    """e, ctrl+y and ctrl+o in a served app: what a visitor types names only the download; the
    files they name stay as they were; ctrl+o offers only the files of --data-dir."""
    data_dir = tmp_path / "shared"
    data_dir.mkdir()
    (data_dir / "kent.csv").write_text(KENT_CSV, encoding="utf-8")
    (data_dir / "wales.csv").write_text(
        "force,year,offences\nDyfed-Powys,2019/20,42\n", encoding="utf-8"
    )
    os.mkfifo(data_dir / "trap.csv")  # a FIFO would hang a reader: never offered
    secret = tmp_path / "secret" / "passwords.csv"
    secret.parent.mkdir()
    secret.write_text("name,password,offences\nalice,hunter2,1000\n", encoding="utf-8")
    victim = tmp_path / "victim.csv"
    victim.write_text("precious\n", encoding="utf-8")
    before = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*")}

    async def visit(server: Server) -> None:
        visitor = Visitor(server)
        try:
            await act(visitor)
        finally:
            await visitor.close()

    async def act(visitor: Visitor) -> None:
        await visitor.connect()
        await visitor.wait_for("1,335")
        # e: type the victim's absolute path as the name
        mark = len(visitor.text)
        await visitor.press("e")
        await visitor.wait_for("Export the current selection", "downloaded as a zip", since=mark)
        await visitor.press("ctrl+u", str(victim), "enter", "enter")  # to Export, press it
        archive, name = await visitor.download()
        assert name == "victim.zip"
        with zipfile.ZipFile(io.BytesIO(archive)) as bundle:
            assert bundle.namelist() == ["victim.csv", "victim.csv.toml"]
            exported = bundle.read("victim.csv").decode("utf-8-sig")
            sidecar = bundle.read("victim.csv.toml").decode()
        assert exported.startswith("nation,offences") and "\nEngland,1335," in exported
        assert 'path = "kent.csv"' in sidecar and str(tmp_path) not in sidecar
        # y then ctrl+y: the sentence comes as a download, no path asked
        await visitor.press("y", "ctrl+y")
        text, name = await visitor.download(1)
        assert name == "scwc_sentence.txt" and b"recorded 1,335 offences" in text
        # a: About names the data file, never the server's folders
        mark = len(visitor.text)
        await visitor.press("a")
        screen = await visitor.wait_for("File: kent.csv", since=mark)
        assert str(data_dir) not in screen[mark:]
        await visitor.press("escape")
        # ctrl+o: a picker of the data folder's files, no text box for a path
        mark = len(visitor.text)
        await visitor.press("ctrl+o")
        screen = await visitor.wait_for("Open which data file?", "wales.csv", since=mark)
        assert "trap.csv" not in screen[mark:]
        await visitor.press("down", "enter")
        await visitor.wait_for("Opened wales.csv", since=mark)

    with serving(
        str(data_dir / "kent.csv"), "--data-dir", str(data_dir), token="test-token-123"
    ) as server:
        asyncio.run(visit(server))
    after = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*")}
    assert after == before, "a visitor's path changed the server's files"
    assert victim.read_text() == "precious\n"
