"""``scwc serve``: the explorer in a browser through textual-serve (one app process per visitor).

This module holds what the command line needs (standard library only): the options, the banner and
who may connect; how a served app knows it is served is in :mod:`tui.served_mode` (the app imports
that, not this). The web server itself is in :mod:`tui.serve_http` (imported only when serving; it
runs the server: :func:`tui.serve_http.serve`).
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import secrets
import socket
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

LOCAL_NAMES = frozenset({"localhost", "ip6-localhost"})
ANY_ADDRESS = frozenset({"", "0.0.0.0", "::"})
"""``--host`` values that bind every address of the computer."""
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
SESSION_MEMORY_MB = 160
"""Memory one visitor's app process takes (measured by ``benchmarks/serve_load.py``)."""
MAX_DEFAULT_SESSIONS = 8
DEFAULT_IDLE_MINUTES = 30.0
TOKEN_COOKIE = "scwc_token"


def bare_host(host: str) -> str:
    """``[::1]`` -> ``::1``: the address as sockets take it."""
    return host.strip().strip("[]")


def url_host(host: str) -> str:
    """The host as a URL writes it: IPv6 addresses in brackets."""
    bare = bare_host(host)
    return f"[{bare}]" if ":" in bare else bare


def is_local(host: str) -> bool:
    """Whether ``host`` only accepts connections from this computer."""
    bare = bare_host(host).lower()
    if bare in LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(bare).is_loopback
    except ValueError:
        return False


def binds_everything(host: str) -> bool:
    """Whether ``host`` binds every address of this computer."""
    return bare_host(host) in ANY_ADDRESS


def default_max_sessions(memory_bytes: int | None = None) -> int:
    """As many visitors as half the machine's memory holds, between 1 and 8."""
    if memory_bytes is None:
        try:
            memory_bytes = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        except (ValueError, OSError, AttributeError):
            return 2
    fits = memory_bytes // 2 // (SESSION_MEMORY_MB * 1024 * 1024)
    return max(1, min(MAX_DEFAULT_SESSIONS, fits))


@dataclass(frozen=True)
class ServeOptions:
    """How ``scwc serve`` runs."""

    path: Path | None
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    public_url: str | None = None
    token: str | None = None
    """Visitors must present it (page URL ``?token=``, then a cookie); ``None``: anyone may."""
    data_dir: Path | None = None
    max_sessions: int = MAX_DEFAULT_SESSIONS
    idle_timeout: float = DEFAULT_IDLE_MINUTES * 60
    """Seconds without a key press or resize before a visitor's session ends."""

    @property
    def bind(self) -> str | None:
        """The address to listen on (``None``: every address)."""
        bare = bare_host(self.host)
        return None if bare == "" else bare

    def page_url(self, with_token: bool = True) -> str:
        """The address to open in a browser (with the token, if any)."""
        if self.public_url:
            base = self.public_url.rstrip("/")
        else:
            name = socket.gethostname() if binds_everything(self.host) else url_host(self.host)
            base = f"http://{name}:{self.port}"
        query = f"?token={self.token}" if self.token and with_token else ""
        return f"{base}/{query}"


def choose_token(
    host: str, token: str | None, no_auth: bool, public_url: str | None = None
) -> str | None:
    """The token visitors need: ``--token``, else a new one for a non-loopback address or a
    public address (a proxy in front of a loopback one), unless ``--no-auth`` says on purpose
    that anyone who can reach the address may use the app."""
    if token is not None:
        return token
    public_host = urlsplit(public_url).hostname if public_url else None
    if no_auth or (is_local(host) and (public_host is None or is_local(public_host))):
        return None
    return secrets.token_urlsafe(18)


def reachable(options: ServeOptions) -> bool:
    """Whether other computers can reach the app: a non-loopback bind, or a public address."""
    public_host = urlsplit(options.public_url).hostname if options.public_url else None
    return not is_local(options.host) or (public_host is not None and not is_local(public_host))


def banner(options: ServeOptions) -> list[str]:
    """What ``scwc serve`` says on start: where, who can reach it, the limits."""
    url = options.page_url()
    limits = (
        f"at most {options.max_sessions} visitor(s) at once; a session idle for "
        f"{options.idle_timeout / 60:g} min ends"
    )
    folder = (
        f"visitors can open the files in {options.data_dir}"
        if options.data_dir
        else "visitors cannot open other files (--data-dir names a folder they may)"
    )
    if not reachable(options):
        lines = [f"scwc: serving on {url} (this computer only). Ctrl+C stops."]
    elif binds_everything(options.host):
        lines = [
            f"scwc: serving on every address of this computer, port {options.port}: {url} "
            "Ctrl+C stops."
        ]
    else:
        lines = [f"scwc: serving on {url}. Ctrl+C stops."]
    if options.token and reachable(options):
        lines.append(
            "scwc: the address above carries this session's token: give it only to the people "
            "who may see the data (a request without it is refused)."
        )
    elif not options.token and reachable(options):
        lines.append(
            f"scwc: warning: {options.host or 'every address'} is reachable from other computers "
            "and there is no authentication (--no-auth): anyone who can reach it can use the app "
            "and read the data."
        )
    lines.append(f"scwc: {limits}; {folder}.")
    return lines


@dataclass(frozen=True)
class Access:
    """Who may connect: the ``Host`` a request names, the ``Origin`` of a websocket, the token."""

    options: ServeOptions

    def _names(self) -> set[tuple[str, int]]:
        port = self.options.port
        names: set[tuple[str, int]] = set()
        host = bare_host(self.options.host).lower()
        if is_local(host):
            names |= {(n, port) for n in ("localhost", "127.0.0.1", "::1", host)}
        elif binds_everything(host):
            machine = {socket.gethostname().lower(), socket.getfqdn().lower()}
            names |= {(n, port) for n in (*machine, "localhost", "127.0.0.1", "::1")}
        else:
            names.add((host, port))
        if self.options.public_url:
            public = urlsplit(self.options.public_url)
            default = 443 if public.scheme == "https" else 80
            if public.hostname:
                names.add((public.hostname.lower(), public.port or default))
        return names

    def _default_port(self) -> int:
        """The port a ``Host`` without one means: the public address's, else HTTP's."""
        public = urlsplit(self.options.public_url or "http://x")
        return public.port or (443 if public.scheme == "https" else 80)

    def host_allowed(self, host_header: str | None) -> bool:
        """Whether a request's ``Host`` names the served address (no DNS rebinding)."""
        place = _place(f"//{host_header}", self._default_port()) if host_header else None
        if place is None:
            return False
        if place in self._names():
            return True
        if binds_everything(self.options.host) and place[1] == self.options.port:
            return _is_address(place[0])  # any address of this computer, typed as a number
        return False

    def origin_allowed(self, origin: str | None, host_header: str | None) -> bool:
        """Whether a websocket comes from the served page itself (not from another site)."""
        if not origin or not host_header or not self.host_allowed(host_header):
            return False
        scheme = urlsplit(origin).scheme
        place = _place(origin, 443 if scheme == "https" else 80)
        if place is None or scheme not in ("http", "https"):
            return False
        same_host = place == _place(f"//{host_header}", place[1])
        public = self.options.public_url
        return same_host or (public is not None and place == _place(public, 0))

    def token_ok(self, presented: str | None) -> bool:
        """Whether the request carries the token (always, when none is needed)."""
        if self.options.token is None:
            return True
        return presented is not None and hmac.compare_digest(
            presented.encode(), self.options.token.encode()
        )


def _place(url: str, default_port: int) -> tuple[str, int] | None:
    """``(host, port)`` of a URL or ``//host:port``, lower case; ``None`` if malformed."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if not parts.hostname:
        return None
    scheme_port = {"http": 80, "https": 443}.get(parts.scheme, default_port)
    return parts.hostname.lower(), port or scheme_port


def _is_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def app_command(path: Path | None) -> list[str]:
    """The command textual-serve runs for each visitor: this Python, this data file."""
    arguments = [sys.executable, "-m", "tui"]
    if path is not None:
        arguments.append(str(path.resolve()))
    return arguments
