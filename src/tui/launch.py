"""The ``scwc`` command. One-shot commands (summary, export, chart, quote, sources) run in a forked child
under a crash guard, so they read Parquet files in-process and a native crash still ends in one line.

Polars can abort the whole process (not raise) on some damaged Parquet pages. The explorer reads
such files in a child process (``tui.data.loading.isolated``), which costs a second interpreter
importing polars: about 0.4 s on every Parquet file. A one-shot command has no session to lose, so
the guard forks once, before anything heavy is imported (this module imports only the standard
library), and the child runs the whole command; the child names each file before reading it, so if
it dies of a crash the parent reports that file as damaged in one line, exit code 2.

The explorer started on a Parquet file runs under the same guard for that file: it is read before
the session starts, so there is nothing to lose, and the second interpreter is saved; files opened
later in the session (ctrl+o) go to a child process again. On other files, for a visitor of
``scwc serve`` (textual-serve manages that process) and for ``serve`` itself there is no guard.
"""

from __future__ import annotations

import gc
import os
import signal
import sys
from collections.abc import Mapping
from pathlib import Path

GUARDED_COMMANDS = ("summary", "export", "chart", "quote", "sources")
OTHER_COMMANDS = (*GUARDED_COMMANDS, "serve", "completion", "build")
"""Every command but the explorer (they keep the garbage collector on)."""
CRASH_SIGNALS = (signal.SIGABRT, signal.SIGSEGV, signal.SIGBUS, signal.SIGILL, signal.SIGFPE)
EXIT_BAD_INPUT = 2
PARQUET_SUFFIXES = (".parquet", ".pq")
"""The extensions the loader reads as Parquet (``tui.data.loading.read.FORMATS``; tested)."""


def main() -> int:
    """Entry point of the ``scwc`` console script and ``python -m tui``."""
    argv = sys.argv[1:]
    if argv and argv[0] in GUARDED_COMMANDS and hasattr(os, "fork"):
        return crash_guarded(argv)
    if not argv or argv[0] not in OTHER_COMMANDS:
        # the explorer: no collector passes over what start-up builds (about 10% of its time);
        # the app turns the collector back on once its first screen is shown
        gc.disable()
        if hasattr(os, "fork") and explorer_reads_parquet(argv, os.environ):
            return crash_guarded(argv, first_file_only=True)
    from tui.cli import main as run

    return run(argv)


def explorer_reads_parquet(argv: list[str], environment: Mapping[str, str]) -> bool:
    """Whether the explorer (``argv`` without a command) opens a Parquet file it names, in a
    terminal of its own (not as a visitor of ``scwc serve``)."""
    if "TEXTUAL_DRIVER" in environment:
        return False
    return any(Path(a).suffix.lower() in PARQUET_SUFFIXES and Path(a).is_file() for a in argv)


def crash_guarded(argv: list[str], first_file_only: bool = False) -> int:
    """Run the command in a forked child; a crash becomes one line naming the file being read.
    ``first_file_only``: the explorer, guarded while it reads the file it starts on."""
    reading, announcing = os.pipe()
    child = os.fork()
    if child == 0:
        os.close(reading)
        from tui.cli import main as run
        from tui.data.loading.isolated import announce_reads_to

        announce_reads_to(announcing, first_only=first_file_only)
        raise SystemExit(run(argv))
    os.close(announcing)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C reaches the child, which reports it
    announced = _read_all(reading)
    _, status = os.waitpid(child, 0)
    if not os.WIFSIGNALED(status):
        return os.waitstatus_to_exitcode(status)
    if os.WTERMSIG(status) not in CRASH_SIGNALS:
        return 128 + os.WTERMSIG(status)
    paths = announced.decode("utf-8", errors="replace").splitlines()
    if paths and not paths[-1]:  # an empty line: the explorer has read its file
        print(f"scwc: stopped by signal {os.WTERMSIG(status)}", file=sys.stderr)
        return 128 + os.WTERMSIG(status)
    what = f"{Path(paths[-1]).name}: the file is damaged" if paths else "the data is damaged"
    print(f"scwc: {what} (reading it crashed the Parquet reader)", file=sys.stderr)
    return EXIT_BAD_INPUT


def _read_all(fd: int) -> bytes:
    """Everything written to the pipe until the child exits."""
    chunks = []
    with os.fdopen(fd, "rb") as pipe:
        while chunk := pipe.read(65536):
            chunks.append(chunk)
    return b"".join(chunks)
