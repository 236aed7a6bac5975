"""Write a file so that it is either complete or absent: stage beside it, then rename."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from tui.data.dataset import DataError


def write_atomically(path: Path, write: Callable[[Path], object], overwrite: bool = True) -> None:
    """Call ``write`` on a temporary file in ``path``'s folder, then rename it onto ``path``.

    Any failure removes the temporary file and becomes a one-line :class:`DataError`.
    """
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise DataError(f"{path}: folder {folder} does not exist")
    if path.is_dir():
        raise DataError(f"{path}: is a directory")
    if path.exists() and not overwrite:
        raise DataError(f"{path}: already exists (use --force to overwrite)")
    try:
        handle, staged_name = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=".partial", dir=folder
        )
    except OSError as error:
        raise DataError(f"{path}: cannot write in {folder}: {error.strerror}") from None
    os.close(handle)
    staged = Path(staged_name)
    try:
        write(staged)
        os.chmod(staged, 0o644)
        os.replace(staged, path)
    except DataError:
        staged.unlink(missing_ok=True)
        raise
    except Exception as error:  # any writer failure leaves nothing behind and reads as one line
        staged.unlink(missing_ok=True)
        lines = str(error).splitlines()
        reason = getattr(error, "strerror", None) or (lines[0] if lines else type(error).__name__)
        raise DataError(f"{path}: cannot write: {reason}") from None
