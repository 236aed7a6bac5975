"""The web server behind ``scwc serve``: textual-serve's server with a guard at the door.

On top of textual-serve (one app process per websocket) it checks every request's ``Host`` (no DNS
rebinding), each websocket's ``Origin`` (no other site can drive the app) and the token; it admits at
most ``max_sessions`` visitors (the next one gets a "busy, try again" page, not a process); it ends a
visitor's app process, and everything that process started, as soon as the socket closes or the
session has been idle for ``idle_timeout``; and it keeps the terminal size a visitor asks for within
bounds.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import json
import logging
import os
import signal
import sys
import time
from typing import Any

import aiohttp_jinja2
from aiohttp import WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.server import Server

from tui.serve import TOKEN_COOKIE, Access, ServeOptions, app_command, banner
from tui.served_mode import Served

log = logging.getLogger("textual-serve")

MAX_COLUMNS = 400
MAX_LINES = 200
"""The largest terminal a visitor may ask for (a huge one would take the app's memory)."""
MAX_MESSAGE_BYTES = 64 * 1024
POLL_SECONDS = 1.0
"""How often a quiet session checks whether it is idle or its app process has ended."""
STOP_GRACE = 1.0
"""Seconds an app process has to end on SIGTERM before it is killed."""
CLOSED = (WSMsgType.CLOSE, WSMsgType.CLOSING, WSMsgType.CLOSED, WSMsgType.ERROR)
PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>scwc: {title}</title>
<style>body{{background:#0c181f;color:#eee;font:18px/1.5 monospace;display:flex;height:90vh;
align-items:center;justify-content:center}}main{{max-width:40em}}a{{color:#ac5af4}}</style>
</head><body><main><h1>{title}</h1><p>{text}</p>{link}</main></body></html>"""


def page(status: int, title: str, text: str, retry: bool = False) -> web.Response:
    """A small HTML page (busy, refused) with its status code."""
    link = '<p><a href="javascript:location.reload()">Try again</a></p>' if retry else ""
    body = PAGE.format(title=html.escape(title), text=html.escape(text), link=link)
    response = web.Response(status=status, text=body, content_type="text/html")
    if retry:
        response.headers["Retry-After"] = "30"
    return response


def clamp_size(width: Any, height: Any) -> tuple[int, int]:
    """A terminal size within 1..MAX_COLUMNS x 1..MAX_LINES (80x24 for nonsense)."""
    try:
        columns, lines = int(width), int(height)
    except (TypeError, ValueError):
        return 80, 24
    return max(1, min(columns, MAX_COLUMNS)), max(1, min(lines, MAX_LINES))


class VisitorApp(AppService):
    """One visitor's app process, started without a shell in its own process group, so that
    ending the session ends it and every process it started."""

    def __init__(self, argv: list[str], environment: dict[str, str], **services: Any) -> None:
        super().__init__(" ".join(argv), **services)
        self.argv = argv
        self.environment = environment

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        return {**super()._build_environment(width, height), **self.environment}

    async def _open_app_process(self, width: int = 80, height: int = 24) -> Any:
        process = await asyncio.create_subprocess_exec(
            *self.argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=self._build_environment(width, height),
            start_new_session=True,
        )
        self._process = process
        assert process.stdin is not None
        self._stdin = process.stdin
        return process

    async def stop(self) -> None:
        """End the app process group now (SIGTERM, then SIGKILL) and wait for it."""
        if self._task is None:
            return
        task, self._task = self._task, None
        await self._download_manager.cancel_app_downloads(app_service_id=self.app_service_id)
        process = self._process
        if process is not None and process.returncode is None:
            _signal_group(process.pid, signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), STOP_GRACE)
            except TimeoutError:
                _signal_group(process.pid, signal.SIGKILL)
                await process.wait()
        self.kill()  # children left behind
        await task

    @property
    def ended(self) -> bool:
        """Whether the app process has exited (crashed, or quit)."""
        return self._process is not None and self._process.returncode is not None

    def kill(self) -> None:
        """End the app process and everything it started, now (SIGKILL to its group)."""
        if self._process is not None:
            _signal_group(self._process.pid, signal.SIGKILL)


def _signal_group(pid: int, sig: signal.Signals) -> None:
    if pid <= 0:
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)


class ExplorerServer(Server):
    """textual-serve's server, guarded (see the module docstring)."""

    def __init__(self, argv: list[str], options: ServeOptions) -> None:
        super().__init__(" ".join(argv), host=options.bind or "", port=options.port, title="scwc")
        self.argv = argv
        self.options = options
        self.access = Access(options)
        self.environment = Served(options.data_dir).environment()
        self.sessions = 0
        self.visitors: set[VisitorApp] = set()

    def initialize_logging(self) -> None:
        logging.basicConfig(level="WARNING", format="scwc serve: %(message)s")

    async def on_startup(self, app: web.Application) -> None:
        """Quiet start: the banner was printed by ``scwc serve``."""

    async def on_shutdown(self, app: web.Application) -> None:
        """On the way out (Ctrl+C, SIGTERM), end every visitor's app process group at once."""
        for visitor in list(self.visitors):
            visitor.kill()

    def serve(self, debug: bool = False) -> None:
        """Listen until Ctrl+C or SIGTERM (every app process is ended on the way out)."""
        self.initialize_logging()
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, self.request_exit)
        web.run_app(
            self._make_app(),
            host=self.options.bind,
            port=self.port,
            handle_signals=False,
            loop=loop,
            print=lambda *args: None,
            access_log=None,
            shutdown_timeout=2,
        )

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.middlewares.append(self.guard)
        return app

    @web.middleware
    async def guard(self, request: web.Request, handler: Any) -> web.StreamResponse:
        """Refuse a foreign ``Host`` (421) and, except for the page's static files, a request
        without the token (403); a valid token in the URL is kept in a cookie for the websocket
        and downloads."""
        if not self.access.host_allowed(request.headers.get("Host")):
            return page(421, "Wrong address", "This server does not answer to that name.")
        if request.path.startswith("/static/"):
            return await handler(request)
        presented = request.query.get("token") or request.cookies.get(TOKEN_COOKIE)
        if not self.access.token_ok(presented):
            return page(
                403,
                "A token is needed",
                "Open the address scwc serve printed, with its ?token=... part.",
            )
        response = await handler(request)
        if self.options.token and request.query.get("token") and request.path == "/":
            response.set_cookie(
                TOKEN_COOKIE, self.options.token, httponly=True, samesite="Strict", path="/"
            )
        return response

    def busy(self) -> web.Response:
        return page(
            503,
            "Busy, try again",
            f"scwc is serving {self.sessions} visitor(s), as many as this server allows at once. "
            "Try again in a minute or two.",
            retry=True,
        )

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        """The page, or the busy page when every session is taken."""
        if self.sessions >= self.options.max_sessions:
            return self.busy()
        base = (self.options.public_url or f"http://{request.host}").rstrip("/")
        secure = base.startswith("https")
        socket_url = ("wss" if secure else "ws") + ":" + base.split(":", 1)[1] + "/ws"
        context = {
            "font_size": _font_size(request.query.get("fontsize")),
            "app_websocket_url": socket_url,
            "config": {"static": {"url": f"{base}/static/"}},
            "application": {"name": self.title},
        }
        return aiohttp_jinja2.render_template("app_index.html", request, context)

    async def handle_websocket(self, request: web.Request) -> web.StreamResponse:
        """One visitor: a foreign Origin gets 403, a full house 503; else an app process."""
        if not self.access.origin_allowed(
            request.headers.get("Origin"), request.headers.get("Host")
        ):
            return page(403, "Refused", "The connection must come from this server's own page.")
        if self.sessions >= self.options.max_sessions:
            return self.busy()
        self.sessions += 1
        websocket = web.WebSocketResponse(heartbeat=15, max_msg_size=MAX_MESSAGE_BYTES)
        visitor: VisitorApp | None = None
        try:
            width, height = clamp_size(request.query.get("width"), request.query.get("height"))
            await websocket.prepare(request)
            visitor = VisitorApp(
                self.argv,
                self.environment,
                write_bytes=websocket.send_bytes,
                write_str=websocket.send_str,
                close=websocket.close,
                download_manager=self.download_manager,
            )
            self.visitors.add(visitor)
            await visitor.start(width, height)
            await self._process_messages(websocket, visitor)
        except asyncio.CancelledError:
            await websocket.close()
        except Exception as error:  # one visitor's failure must not stop the server
            log.warning("session ended: %s", error)
        finally:
            self.sessions -= 1
            if visitor is not None:
                await visitor.stop()
                self.visitors.discard(visitor)
        return websocket

    async def _process_messages(  # type: ignore[override]
        self, websocket: web.WebSocketResponse, app_service: VisitorApp
    ) -> None:
        """Pass keys and sizes to the app until the socket closes or the session is idle."""
        last = time.monotonic()
        idle = self.options.idle_timeout
        while not websocket.closed:
            left = last + idle - time.monotonic()
            try:
                message = await websocket.receive(timeout=max(0.05, min(left, POLL_SECONDS)))
            except TimeoutError:
                if left <= POLL_SECONDS or app_service.ended:  # idle, or the app is gone
                    await websocket.close(message=b"idle" if left <= POLL_SECONDS else b"ended")
                    return
                continue
            if message.type in CLOSED:
                return
            if message.type != WSMsgType.TEXT:
                continue
            try:
                envelope = json.loads(message.data)
                kind, data = envelope[0], envelope[1] if len(envelope) > 1 else None
            except (ValueError, TypeError, IndexError, KeyError):
                continue
            if kind == "stdin" and isinstance(data, str):
                last = time.monotonic()
                await app_service.send_bytes(data.encode("utf-8"))
            elif kind == "resize" and isinstance(data, dict):
                last = time.monotonic()
                await app_service.set_terminal_size(
                    *clamp_size(data.get("width"), data.get("height"))
                )
            elif kind == "ping":
                await websocket.send_json(["pong", data])
            elif kind == "blur":
                await app_service.blur()
            elif kind == "focus":
                await app_service.focus()


def _font_size(text: str | None) -> int:
    try:
        return max(6, min(int(text or 16), 48))
    except ValueError:
        return 16


def serve(options: ServeOptions) -> None:
    """Serve the explorer over HTTP until interrupted."""
    for line in banner(options):
        print(line, file=sys.stderr)
    ExplorerServer(app_command(options.path), options).serve()
