"""How a process of scwc ends: never outliving the process that started it, and through a signal
that ends a write the way Ctrl+C does (every staged file removed). Standard library only: the
launcher uses it before anything heavy is imported."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Iterator
from types import FrameType

ENDING_SIGNALS = (signal.SIGTERM, signal.SIGHUP)
"""What ends a command besides Ctrl+C: ``kill``, a session ending, a terminal closing."""
PR_SET_PDEATHSIG = 1


class Ended(BaseException):
    """A signal asked the process to end: raised where it runs, so that every ``finally`` and
    ``except BaseException`` on the way out cleans up (as for Ctrl+C's KeyboardInterrupt)."""

    def __init__(self, signum: int) -> None:
        super().__init__(f"ended by signal {signum}")
        self.signum = signum

    @property
    def exit_code(self) -> int:
        """The shell's code for a process ended by this signal."""
        return 128 + self.signum


def end_with_parent(parent: int) -> None:
    """Have this process sent SIGTERM when ``parent`` (the process that started it) dies, even by
    SIGKILL (Linux's parent-death signal); if it has died already, end now. Elsewhere, nothing."""
    if sys.platform != "linux":
        return
    import ctypes  # only here: the launcher's child calls this once

    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the signal was asked for
        os.kill(os.getpid(), signal.SIGTERM)


def _raise_ended(signum: int, frame: FrameType | None) -> None:
    for ending in ENDING_SIGNALS:  # a second signal must not cut the clean-up short
        signal.signal(ending, signal.SIG_IGN)
    raise Ended(signum)


@contextlib.contextmanager
def signals_end_cleanly() -> Iterator[None]:
    """Within it, SIGTERM and SIGHUP raise :class:`Ended` (once) where the main thread runs."""
    previous = {ending: signal.signal(ending, _raise_ended) for ending in ENDING_SIGNALS}
    try:
        yield
    finally:
        for ending, handler in previous.items():
            signal.signal(ending, handler)
