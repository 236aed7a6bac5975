"""Load on ``scwc serve``: memory per visitor and time to first screen, on loopback only.

    python benchmarks/serve_load.py                 # 1, 5 and N visitors (N: the default limit)
    python benchmarks/serve_load.py --visitors 1 3  # other counts
    python benchmarks/serve_load.py --data some.csv

Starts ``scwc serve`` on 127.0.0.1 with ``--max-sessions`` set to the largest count, then for each
count opens that many websockets at once, speaking textual-serve's protocol as the page does. Time
to first screen: from opening the socket until the table's total row has arrived. Memory per
visitor: the proportional set size (PSS: shared pages split between the processes that share them)
of every process the server started, 2 s after every visitor sees the table, divided by the visitors.
Then every socket closes and the time until the last app process has ended is measured, and one
more visitor than the limit is shown to be turned away. Each round is bounded (``--timeout``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import aiohttp

MARKER = "SCWC_LOAD_BENCHMARK"
"""Environment variable the benchmark's server (and so its app processes) carry."""
SETTLE_SECONDS = 2.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def app_processes(server_pid: int, port: int) -> list[int]:
    """The processes the benchmark's server started (found by the marker in their environment)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == server_pid:
            continue
        try:
            ours = f"{MARKER}={port}".encode() in (entry / "environ").read_bytes()
        except OSError:
            continue
        if ours:
            found.append(int(entry.name))
    return found


def pss_mb(pids: list[int]) -> float:
    """The processes' proportional set size, in MB."""
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


async def first_screen(
    port: int, needle: str, timeout: float
) -> tuple[float, aiohttp.ClientSession, aiohttp.ClientWebSocketResponse]:
    """Open one session; seconds until ``needle`` has arrived on its screen."""
    session = aiohttp.ClientSession()
    started = time.monotonic()
    socket_ = await session.ws_connect(
        f"ws://127.0.0.1:{port}/ws?width=120&height=40",
        headers={"Origin": f"http://127.0.0.1:{port}"},
        max_msg_size=0,
    )
    await socket_.send_str(json.dumps(["resize", {"width": 120, "height": 40}]))
    seen = ""
    deadline = started + timeout
    while needle not in seen:
        message = await socket_.receive(timeout=max(0.1, deadline - time.monotonic()))
        if message.type == aiohttp.WSMsgType.BINARY:
            seen = (seen + message.data.decode("utf-8", errors="replace"))[-200_000:]
        elif message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED):
            raise RuntimeError("the server closed the session")
    return time.monotonic() - started, session, socket_


async def round_of(port: int, server_pid: int, visitors: int, timeout: float) -> dict[str, float]:
    """``visitors`` at once: time to first screen, memory, time for their processes to end."""
    opened = await asyncio.gather(*(first_screen(port, "Total", timeout) for _ in range(visitors)))
    times = [t for t, _, _ in opened]
    await asyncio.sleep(SETTLE_SECONDS)  # the app loads the rows into memory after its first screen
    pids = app_processes(server_pid, port)
    memory = pss_mb(pids)
    closing = time.monotonic()
    for _, session, socket_ in opened:
        await socket_.close()
        await session.close()
    while app_processes(server_pid, port) and time.monotonic() - closing < timeout:
        await asyncio.sleep(0.05)
    return {
        "visitors": visitors,
        "first_screen_median_s": statistics.median(times),
        "first_screen_worst_s": max(times),
        "memory_per_visitor_mb": memory / visitors,
        "processes_per_visitor": len(pids) / visitors,
        "ended_after_close_s": time.monotonic() - closing,
    }


async def turned_away(port: int, limit: int, timeout: float) -> int:
    """Fill every session, then one more: the status that one gets (503 expected)."""
    opened = await asyncio.gather(*(first_screen(port, "Total", timeout) for _ in range(limit)))
    try:
        async with aiohttp.ClientSession() as session:
            try:
                await session.ws_connect(
                    f"ws://127.0.0.1:{port}/ws", headers={"Origin": f"http://127.0.0.1:{port}"}
                )
            except aiohttp.WSServerHandshakeError as error:
                return error.status
            return 101
    finally:
        for _, session, socket_ in opened:
            await socket_.close()
            await session.close()


def main() -> int:
    from tui.serve import default_max_sessions

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visitors", type=int, nargs="+", default=None)
    parser.add_argument("--data", type=Path, help="data file (default: embedded dataset)")
    parser.add_argument("--timeout", type=float, default=180, help="seconds a round may take")
    args = parser.parse_args()
    counts = args.visitors or sorted({1, 5, default_max_sessions()})
    limit = max(counts)
    port = free_port()
    command = [sys.executable, "-m", "tui", "serve", "--port", str(port)]
    command += ["--max-sessions", str(limit)] + ([str(args.data)] if args.data else [])
    server = subprocess.Popen(
        command,
        env={**os.environ, MARKER: str(port)},
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while socket.socket().connect_ex(("127.0.0.1", port)) != 0:
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("scwc serve did not start")
            time.sleep(0.1)
        print(f"scwc serve on 127.0.0.1:{port}, --max-sessions {limit}, {os.cpu_count()} CPUs")
        for visitors in counts:
            result = asyncio.run(round_of(port, server.pid, visitors, args.timeout))
            print(
                f"{visitors:>3} visitor(s): first screen median {result['first_screen_median_s']:.1f} s, "
                f"worst {result['first_screen_worst_s']:.1f} s; "
                f"{result['memory_per_visitor_mb']:.0f} MB per visitor (PSS) in "
                f"{result['processes_per_visitor']:.0f} process(es) each; "
                f"processes ended {result['ended_after_close_s']:.1f} s after the sockets closed"
            )
        status = asyncio.run(turned_away(port, limit, args.timeout))
        print(f"visitor {limit + 1} of a limit of {limit}: HTTP {status} (503: busy, try again)")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
