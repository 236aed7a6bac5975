"""Run ``scwc serve`` on loopback and visit it as a browser would, over textual-serve's websocket
protocol: keys go out as ``["stdin", text]``, the terminal comes back as binary frames, a download
is announced as ``["deliver_file_start", key]`` and fetched from ``/download/<key>``."""

from __future__ import annotations

import asyncio
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import aiohttp

ESCAPES = re.compile(
    r"\x1b\[[0-9;?<>]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)|\x1b[()][0-9A-B]|\x1b[=>]"
)
KEYS = {
    "enter": "\r",
    "down": "\x1b[B",
    "up": "\x1b[A",
    "escape": "\x1b",
    "ctrl+o": "\x0f",
    "ctrl+y": "\x19",
    "ctrl+u": "\x15",
    "ctrl+s": "\x13",
}
WAIT_SECONDS = 300
"""The most a visitor waits for something to show: an upper bound for a busy machine, never a
pause (every wait ends as soon as what it waits for is on the screen)."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    """A running ``scwc serve`` and its address."""

    process: subprocess.Popen
    port: int
    token: str | None

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str = "/", token: bool = True) -> str:
        query = f"?token={self.token}" if token and self.token else ""
        return f"{self.origin}{path}{query}"

    def app_processes(self) -> list[int]:
        """The app processes (and their children) this server runs: every process in /proc whose
        environment says it was started by ``scwc serve`` on this port's server."""
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit() or int(entry.name) == self.process.pid:
                continue
            try:
                environ = (entry / "environ").read_bytes()
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            ours = b"SCWC_SERVED=1" in environ and f"SCWC_TEST_PORT={self.port}".encode() in environ
            if ours and stat.rsplit(")", 1)[1].split()[0] != "Z":  # not a zombie
                found.append(int(entry.name))
        return found

    def app_processes_ended(self, timeout: float = 30) -> bool:
        """Whether every app process of this server has ended within ``timeout`` seconds (the
        server ends one after it has closed its visitor's socket)."""
        deadline = time.monotonic() + timeout
        while self.app_processes():
            if time.monotonic() > deadline:
                return False
            self.process.poll()
            time.sleep(0.05)
        return True


@contextmanager
def serving(
    *arguments: str,
    token: str | None = None,
    host: str = "127.0.0.1",
    environment: dict[str, str] | None = None,
    cwd: Path | None = None,
) -> Iterator[Server]:
    """``scwc serve ARGUMENTS`` on a free loopback port with ``token`` (a new one if not given; a
    loopback server wants one too), in ``cwd``, with ``environment`` added to this process's;
    ended with every process it started."""
    port = free_port()
    token = token or secrets.token_urlsafe(12)
    extra = ["--token", token, "--host", host]
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    process = subprocess.Popen(
        [sys.executable, "-m", "tui", "serve", "--port", str(port), *extra, *arguments],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        env={**os.environ, **(environment or {}), "SCWC_TEST_PORT": str(port)},
        cwd=cwd,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"scwc serve exited: {process.stderr.read()}")
            with socket.socket(family) as probe:
                if probe.connect_ex((host.strip("[]"), port)) == 0:
                    break
            if time.monotonic() > deadline:
                raise TimeoutError(f"nothing listening on port {port}")
            time.sleep(0.1)
        yield Server(process, port, token)
    finally:
        stop(process)


def stop(process: subprocess.Popen) -> None:
    """End a process group: SIGTERM, then SIGKILL."""
    for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, None)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(timeout=wait)
            break
        except subprocess.TimeoutExpired:
            continue


class Visitor:
    """One websocket session, as textual-serve's page opens it."""

    def __init__(self, server: Server, origin: str | None = None, token: bool = True) -> None:
        self.server = server
        self.origin = server.origin if origin is None else origin
        self.token = token
        self.text = ""
        self.raw = ""
        """Every frame of the terminal as received, escape sequences and all."""
        self.downloads: list[str] = []
        self.session: aiohttp.ClientSession | None = None
        self.socket: aiohttp.ClientWebSocketResponse | None = None
        self._reader: asyncio.Task | None = None

    async def connect(self, width: int = 120, height: int = 40) -> None:
        cookies = {"scwc_token": self.server.token} if self.token and self.server.token else {}
        self.session = aiohttp.ClientSession(cookies=cookies)
        headers = {"Origin": self.origin} if self.origin else {}
        self.socket = await self.session.ws_connect(
            f"ws://127.0.0.1:{self.server.port}/ws?width={width}&height={height}",
            headers=headers,
            max_msg_size=0,
        )
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        assert self.socket is not None
        async for message in self.socket:
            if message.type == aiohttp.WSMsgType.BINARY:
                frame = message.data.decode("utf-8", errors="replace")
                self.raw += frame
                self.text += ESCAPES.sub("", frame)
            elif message.type == aiohttp.WSMsgType.TEXT:
                envelope = json.loads(message.data)
                if envelope[0] == "deliver_file_start":
                    self.downloads.append(envelope[1])

    @property
    def closed(self) -> bool:
        return self.socket is None or self.socket.closed

    async def wait_for(self, *needles: str, timeout: float = WAIT_SECONDS, since: int = 0) -> str:
        """Wait until the screen text (from offset ``since``) holds every needle."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if all(n in self.text[since:] for n in needles):
                return self.text
            if self.closed:
                break
            await asyncio.sleep(0.1)
        raise AssertionError(f"{needles} not on screen: ...{self.text[-1500:]}")

    async def press(self, *keys: str) -> None:
        """Send keys, in order (a key that moves focus must be followed by a wait for what it
        shows, not by another key: the app may take a while on a busy machine)."""
        assert self.socket is not None
        for key in keys:
            await self.socket.send_str(json.dumps(["stdin", KEYS.get(key, key)]))

    async def download(self, index: int = -1, timeout: float = WAIT_SECONDS) -> tuple[bytes, str]:
        """The bytes and file name of the ``index``-th download announced (waits for it)."""
        deadline = time.monotonic() + timeout
        while len(self.downloads) <= (index if index >= 0 else 0):
            if time.monotonic() > deadline:
                raise AssertionError(f"no download announced: ...{self.text[-1500:]}")
            await asyncio.sleep(0.1)
        assert self.session is not None
        async with self.session.get(
            f"{self.server.origin}/download/{self.downloads[index]}"
        ) as response:
            assert response.status == 200, response.status
            disposition = response.headers["Content-Disposition"]
            return await response.read(), disposition.split("filename=", 1)[1]

    async def close(self) -> None:
        if self.socket is not None:
            await self.socket.close()
        if self._reader is not None:
            await asyncio.gather(self._reader, return_exceptions=True)
        if self.session is not None:
            await self.session.close()


async def handshake_status(server: Server, origin: str | None, token: bool) -> int:
    """The HTTP status a websocket handshake gets (101 when accepted)."""
    visitor = Visitor(server, origin=origin, token=token)
    try:
        await visitor.connect()
    except aiohttp.WSServerHandshakeError as error:
        return error.status
    finally:
        await visitor.close()
    return 101
