"""Run ``scwc`` as a stranger's command would run: in a child process of its own under ``resource``
limits (address space, CPU time), with its exit code, output, peak memory and wall time measured.

A small process forks the command, so the peak is the command's own (a child forked straight from
pytest would start with pytest's pages counted as its own); a hang fails the test, not the run: the
command and anything it forked are killed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

ADDRESS_SPACE = 1536 * 1024 * 1024
"""The child's address-space limit (polars reserves far more than it uses: 1 GB still runs)."""
CPU_SECONDS = 60
PEAK_MB = 400
"""Peak memory (resident) allowed for refusing a hostile file."""
SECONDS = 15
"""Wall time allowed (generous: the machine is shared)."""


@dataclass(frozen=True)
class Outcome:
    code: int
    stderr: str
    peak_mb: float
    seconds: float
    stdout: str = ""


MEASURED = """
import os, resource, sys
limit, seconds, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
child = os.fork()
if child == 0:
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds))
    os.dup2(os.open(out, os.O_WRONLY | os.O_TRUNC), 1)
    os.execv(sys.executable, [sys.executable, "-m", "tui", *sys.argv[4:]])
_, status, usage = os.wait4(child, 0)
print(os.waitstatus_to_exitcode(status), usage.ru_maxrss)
"""


def run_bounded(
    *arguments: str,
    preexec: Callable[[], None] | None = None,
    cwd: Path | None = None,
    environment: Mapping[str, str] | None = None,
    limit_seconds: float = 2 * SECONDS,
    address_space: int = ADDRESS_SPACE,
) -> Outcome:
    """``scwc ARGUMENTS`` in a child under resource limits: its exit code, stderr, peak memory,
    wall time and stdout (``environment`` is added to this process's)."""
    started = time.monotonic()
    with tempfile.NamedTemporaryFile(prefix="scwc-out-") as out:
        child = subprocess.Popen(
            [
                sys.executable,
                "-c",
                MEASURED,
                str(address_space),
                str(CPU_SECONDS),
                out.name,
                *arguments,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            preexec_fn=preexec,
            start_new_session=True,
            cwd=cwd,
            env={**os.environ, **(environment or {})},
        )
        watchdog = threading.Timer(limit_seconds, os.killpg, (child.pid, signal.SIGKILL))
        watchdog.start()
        try:
            measured, err = child.communicate()
        finally:
            watchdog.cancel()
        stdout = Path(out.name).read_text(encoding="utf-8", errors="replace")
    code, peak_kb = (int(n) for n in measured.split()) if measured.strip() else (-9, 0)
    stderr = err.decode("utf-8", errors="replace")
    return Outcome(code, stderr, peak_kb / 1024, time.monotonic() - started, stdout)


def assert_refused(outcome: Outcome, message: str) -> None:
    assert outcome.code == 2, outcome
    assert outcome.stderr.count("\n") == 1 and message in outcome.stderr, outcome.stderr
    assert outcome.peak_mb < PEAK_MB, f"{outcome.peak_mb:.0f} MB"
    assert outcome.seconds < SECONDS, f"{outcome.seconds:.1f} s"
