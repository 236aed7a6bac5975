"""Drive a real headless Chromium over the DevTools protocol (aiohttp's websocket client, which
textual-serve already brings): open a page, read what the page received, take a screenshot.

The served terminal draws on a canvas, so the page's text is not in the DOM: a script added before
the page loads keeps the text of every websocket frame the page writes to its terminal.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--remote-debugging-port=0",
)
KEY_CODES = {"Enter": 13, "Escape": 27}
CTRL = 2
"""DevTools' modifier bit for Ctrl."""
KEEP_TERMINAL_TEXT = """
(() => {
  window.__terminalText = "";
  const decoder = new TextDecoder();
  const Native = window.WebSocket;
  window.WebSocket = function (...args) {
    const socket = new Native(...args);
    socket.addEventListener("message", (event) => {
      if (typeof event.data !== "string") {
        window.__terminalText += decoder.decode(new Uint8Array(event.data), {stream: true});
      }
    });
    return socket;
  };
  window.WebSocket.prototype = Native.prototype;
})();
"""
ESCAPES = r"/\x1b\[[0-9;?]*[ -\/]*[@-~]|\x1b\][^\x07]*\x07|\x1b[()][0-9A-B]/g"


def chromium_path() -> str | None:
    """The Chromium executable, if installed."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


class Browser:
    """One headless Chromium with a fresh profile, and one page driven over DevTools."""

    def __init__(self, executable: str, width: int = 1280, height: int = 800) -> None:
        # Chromium's helper processes may still write to the profile while it is removed
        self.profile = tempfile.TemporaryDirectory(
            prefix="scwc-chromium-", ignore_cleanup_errors=True
        )
        self.process = subprocess.Popen(
            [
                executable,
                *CHROMIUM_FLAGS,
                f"--user-data-dir={self.profile.name}",
                f"--window-size={width},{height}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.width, self.height = width, height
        self._next_id = 0
        self.requested: list[str] = []
        """Every address the page asked for, once :meth:`record_requests` is on."""
        self._socket: aiohttp.ClientWebSocketResponse | None = None
        self._session: aiohttp.ClientSession | None = None

    def _debugging_port(self, timeout: float) -> int:
        marker = Path(self.profile.name) / "DevToolsActivePort"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if marker.is_file() and marker.read_text().strip():
                return int(marker.read_text().split()[0])
            if self.process.poll() is not None:
                raise RuntimeError(f"chromium exited with code {self.process.returncode}")
            time.sleep(0.05)
        raise TimeoutError("chromium did not open its DevTools port")

    async def open(self, timeout: float = 120) -> None:
        """Connect to the browser's first page."""
        port = self._debugging_port(timeout)
        self._session = aiohttp.ClientSession()
        async with self._session.get(f"http://127.0.0.1:{port}/json/list") as response:
            targets = await response.json(content_type=None)
        page = next(t for t in targets if t.get("type") == "page")
        self._socket = await self._session.ws_connect(page["webSocketDebuggerUrl"], max_msg_size=0)
        await self.call("Page.enable")
        await self.call(
            "Emulation.setDeviceMetricsOverride",
            {"width": self.width, "height": self.height, "deviceScaleFactor": 1, "mobile": False},
        )
        await self.call("Page.addScriptToEvaluateOnNewDocument", {"source": KEEP_TERMINAL_TEXT})

    async def call(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        """One DevTools command and its result (events in between are skipped)."""
        assert self._socket is not None
        self._next_id += 1
        ident = self._next_id
        await self._socket.send_str(
            json.dumps({"id": ident, "method": method, "params": params or {}})
        )
        while True:
            message = json.loads((await self._socket.receive()).data)
            if message.get("method") == "Network.requestWillBeSent":
                self.requested.append(message["params"]["request"]["url"])
            if message.get("id") == ident:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    async def navigate(self, url: str) -> None:
        await self.call("Page.navigate", {"url": url})

    async def record_requests(self) -> None:
        """Keep the address of every request the page makes in :attr:`requested` (read as other
        commands' answers arrive: the last command answered saw every request made before it)."""
        await self.call("Network.enable")

    async def evaluate(self, expression: str, wait: bool = False) -> Any:
        """The value of a JavaScript expression (``wait``: of the promise it gives)."""
        result = await self.call(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": wait},
        )
        return result.get("result", {}).get("value")

    async def terminal_text(self) -> str:
        """Everything the page has written to its terminal, without escape sequences."""
        return await self.evaluate(f"(window.__terminalText || '').replace({ESCAPES}, '')") or ""

    async def wait_for_text(self, *needles: str, timeout: float = 300) -> str:
        """Poll until the terminal text holds every needle; the text either way."""
        deadline = time.monotonic() + timeout
        text = ""
        while time.monotonic() < deadline:
            text = await self.terminal_text()
            if all(n in text for n in needles):
                return text
            await asyncio.sleep(0.25)
        return text

    async def allow_downloads(self, folder: Path) -> None:
        """Save every download into ``folder`` without asking."""
        await self.call(
            "Browser.setDownloadBehavior",
            {"behavior": "allow", "downloadPath": str(folder), "eventsEnabled": True},
        )

    async def press(self, key: str) -> None:
        """A key press as a user makes it (``e``, ``Enter``, ``ctrl+s``...), to the focused page."""
        modifiers = 0
        if key.startswith("ctrl+"):
            key, modifiers = key.removeprefix("ctrl+"), CTRL
        text = "\r" if key == "Enter" else key if len(key) == 1 and not modifiers else ""
        code = KEY_CODES.get(key, ord(key.upper()) if len(key) == 1 else 0)
        common = {
            "key": key,
            "windowsVirtualKeyCode": code,
            "nativeVirtualKeyCode": code,
            "modifiers": modifiers,
        }
        await self.evaluate("document.querySelector('.xterm-helper-textarea')?.focus()")
        await self.call("Input.dispatchKeyEvent", {"type": "keyDown", "text": text, **common})
        await self.call("Input.dispatchKeyEvent", {"type": "keyUp", **common})

    async def screenshot(self, path: Path) -> None:
        result = await self.call("Page.captureScreenshot", {"format": "png"})
        path.write_bytes(base64.b64decode(result["data"]))

    async def close(self) -> None:
        if self._socket is not None:
            await self._socket.close()
        if self._session is not None:
            await self._session.close()
        for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, None)):
            try:
                os.killpg(self.process.pid, sig)  # the browser and its helper processes
            except ProcessLookupError:
                break
            try:
                self.process.wait(timeout=wait)
                break
            except subprocess.TimeoutExpired:
                continue
        self.profile.cleanup()
