"""What the commands do with the process's own streams: every line they print shows its labels as
text (:func:`say`), and native code's stderr is silenced while a file is read (a polars panic
prints a Rust backtrace there)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from tui.data.labels import safe_lines


def say(*lines: object, file: TextIO | None = None, flush: bool = False) -> None:
    """:func:`print`, with every label in the lines shown as text (:func:`~tui.data.labels.
    safe_lines`): a force named with an escape sequence moves no cursor and writes no clipboard."""
    print(*(safe_lines(str(line)) for line in lines), file=file, flush=flush)


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
