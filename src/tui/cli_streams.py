"""What the commands do with the process's own streams: native code's stderr silenced while a
file is read (a polars panic prints a Rust backtrace there)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def native_stderr_silenced() -> Iterator[None]:
    """Hide what native code writes straight to stderr (a polars panic on a damaged file prints a
    Rust backtrace there); the error itself still arrives as one :class:`DataError` line."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):  # no real stderr (embedded, captured): nothing to hide
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)
