"""Every visitor of ``scwc serve`` is bounded and nothing leaves the machine (issue 27), run as
strangers would: a websocket client sending keys as fast as the socket allows, a session over its
memory, a local user without the token, the server killed outright, and the page in a real
headless Chromium that records every request it makes."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp
import pytest

from tests.browser import Browser, chromium_path
from tests.served import Server, Visitor, free_port, handshake_status, serving, stop

FLOOD_SECONDS = 12
PAGE_TIMEOUT = 300
"""Seconds the browser may take to show the table (a fresh app process on a busy machine)."""
ARROWS = "\x1b[B" * 3500 + "\x1b[A" * 3500
"""7,000 arrow keys in one message, as the probe sent them (165 of these took 2.9 GB)."""


def resident_mb(pids: list[int]) -> float:
    """The resident memory of ``pids`` together (MB)."""
    total = 0
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        total += int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) if "VmRSS" in status else 0
    return total / 1024


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
def test_a_visitor_sending_keys_as_fast_as_the_socket_allows_stays_bounded() -> None:
    """The probe pushed an app process from 114 MB to 2.9 GB and rising; now the keys beyond a
    typing rate are dropped and the app's memory stays where it was."""

    async def visit(server: Server) -> tuple[float, float, bool]:
        visitor = Visitor(server)
        try:
            await visitor.connect()
            await visitor.wait_for("Total")
            start = resident_mb(server.app_processes())
            peak = start
            began = time.monotonic()
            while time.monotonic() - began < FLOOD_SECONDS and not visitor.closed:
                assert visitor.socket is not None
                await visitor.socket.send_str(json.dumps(["stdin", ARROWS]))
                peak = max(peak, resident_mb(server.app_processes()))
                await asyncio.sleep(0)  # let the reader take what the server sends back
            others = await handshake_status(server, origin=server.origin, token=True)
            return start, peak, others == 101
        finally:
            await visitor.close()

    with serving("--max-sessions", "2") as server:
        start, peak, served = asyncio.run(visit(server))
    assert peak < start + 150, f"{start:.0f} MB at the start, {peak:.0f} MB at the peak"
    assert served, "another visitor was turned away during the flood"


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
def test_a_session_over_its_memory_is_ended_and_says_why() -> None:
    async def visit(server: Server) -> str:
        visitor = Visitor(server)
        try:
            await visitor.connect()
            deadline = time.monotonic() + 60
            while not visitor.closed and time.monotonic() < deadline:
                await asyncio.sleep(0.1)
            assert visitor.closed, "the session over its memory went on"
            return visitor.text
        finally:
            await visitor.close()

    with serving("--session-memory", "64") as server:
        screen = asyncio.run(visit(server))
        assert server.app_processes_ended(), server.app_processes()
    assert "more than 64 MB" in screen


def test_a_loopback_server_needs_its_token_by_default() -> None:
    """Any local user reached a loopback server without the token."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "tui", "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        assert process.stderr is not None
        banner = process.stderr.readline()
        address = re.search(r"http://\S+", banner)
        assert address and "token=" in address.group(), f"no token in the address: {banner}"
        token = dict(p.split("=") for p in urlsplit(address.group()).query.split("&"))["token"]
        assert len(token) >= 20
        server = Server(process, port, token)
        deadline = time.monotonic() + 60
        while True:  # listening once a request is answered
            try:
                statuses = asyncio.run(_statuses(server))
                break
            except aiohttp.ClientConnectionError:
                assert time.monotonic() < deadline, "nothing listening"
                time.sleep(0.1)
        assert statuses == (403, 200, 403, 101)
    finally:
        stop(process)


async def _statuses(server: Server) -> tuple[int, int, int, int]:
    async with aiohttp.ClientSession() as client:
        async with client.get(server.url(token=False)) as response:
            without = response.status
        async with client.get(server.url()) as response:
            with_token = response.status
    refused = await handshake_status(server, origin=server.origin, token=False)
    accepted = await handshake_status(server, origin=server.origin, token=True)
    return without, with_token, refused, accepted


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
def test_killing_the_server_ends_every_visitors_app() -> None:
    async def visit(server: Server) -> list[int]:
        visitor = Visitor(server)
        await visitor.connect()
        await visitor.wait_for("Total")
        apps = server.app_processes()
        os.kill(server.process.pid, signal.SIGKILL)
        await visitor.close()
        return apps

    with serving() as server:
        apps = asyncio.run(visit(server))
        assert apps
        deadline = time.monotonic() + 60
        while server.app_processes() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert server.app_processes() == [], "a visitor's app outlived the server"


needs_chromium = pytest.mark.skipif(
    chromium_path() is None,
    reason="no Chromium: install Debian's 'chromium' package (apt-get install -y chromium); "
    ".ci/run installs it",
)


@needs_chromium
def test_the_page_loads_nothing_from_another_host() -> None:
    """The page asked a third-party font host on every load (the visitors' addresses left the
    building; offline, the fonts hung). Every request of a real browser now stays on the server,
    and the terminal's font is the one the server sends."""

    async def visit(server: Server) -> tuple[list[str], bool]:
        browser = Browser(chromium_path() or "chromium")
        try:
            await browser.open()
            await browser.record_requests()
            await browser.navigate(server.url())
            assert "Total" in await browser.wait_for_text("Total", timeout=PAGE_TIMEOUT)
            faces = await browser.evaluate(
                "document.fonts.load(\"16px 'Roboto Mono'\").then((faces) => faces.length)",
                wait=True,
            )
            return browser.requested, bool(faces)
        finally:
            await browser.close()

    with serving() as server:
        requested, font = asyncio.run(visit(server))
    hosts = {urlsplit(url).hostname for url in requested if not url.startswith("data:")}
    assert requested and hosts == {"127.0.0.1"}, requested
    assert font, "the page names no font face of its own: the terminal's font comes from nowhere"
    assert any(url.endswith(".ttf") for url in requested), requested
