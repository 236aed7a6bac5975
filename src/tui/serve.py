"""``scwc serve``: the explorer in a browser through textual-serve (one app process per visitor)."""

from __future__ import annotations

import ipaddress
import shlex
import sys
from pathlib import Path

LOCAL_NAMES = frozenset({"localhost", "ip6-localhost"})
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def is_local(host: str) -> bool:
    """Whether ``host`` only accepts connections from this computer."""
    if host.lower() in LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def app_command(path: Path | None) -> str:
    """The shell command textual-serve runs for each visitor: this Python, this data file."""
    arguments = [sys.executable, "-m", "tui"]
    if path is not None:
        arguments.append(str(path.resolve()))
    return shlex.join(arguments)


def banner(host: str, port: int) -> list[str]:
    """What ``scwc serve`` says on start: where, and who can reach it."""
    address = f"http://{host}:{port}"
    if is_local(host):
        return [f"scwc: serving on {address} (this computer only). Ctrl+C stops."]
    return [
        f"scwc: serving on {address}. Ctrl+C stops.",
        f"scwc: warning: {host} is reachable from other computers and there is no "
        "authentication: anyone who can reach it can use the app and read the data.",
    ]


def serve(path: Path | None, host: str, port: int, public_url: str | None = None) -> None:
    """Serve the explorer over HTTP until interrupted."""
    from textual_serve.server import Server

    for line in banner(host, port):
        print(line, file=sys.stderr)
    Server(app_command(path), host=host, port=port, title="scwc", public_url=public_url).serve()
