"""Write files so that they are either complete or absent: stage beside them, then rename.

Several files can be written as one unit (an export and its sidecar): either all are replaced or
none is touched. Only regular files are ever replaced (never a device, FIFO or socket), a link is
followed only to a file that exists, a replaced file keeps its owner (or is not replaced), and an
interruption (Ctrl+C) leaves no staged file behind.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Callable, Sequence
from pathlib import Path

from tui.data.dataset import DataError

NEW_FILE_MODE = 0o644
Writer = Callable[[Path], object]


def write_atomically(path: Path, write: Writer, overwrite: bool = False) -> None:
    """Call ``write`` on a temporary file in ``path``'s folder, then rename it onto ``path``
    (an existing file only when ``overwrite`` says the user agreed).

    Any failure removes the temporary file and becomes a one-line :class:`DataError`.
    """
    write_together([(path, write)], overwrite=overwrite)


def _target(path: Path) -> Path:
    """Where writing ``path`` lands: through a symbolic link to the file it points at (a link to
    nothing is refused: following it would create a file somewhere else, unasked)."""
    try:
        if not path.is_symlink():
            return path
    except OSError as error:
        raise DataError(f"{path}: cannot write: {_reason(error)}") from None
    target = Path(os.path.realpath(path))
    if not target.exists():
        raise DataError(f"{path}: a link to {target}, which does not exist: not followed")
    return target


def _check(path: Path, target: Path, overwrite: bool) -> None:
    folder = target.parent if str(target.parent) else Path(".")
    try:
        if not folder.is_dir():
            raise DataError(f"{path}: folder {folder} does not exist")
        status = os.stat(target) if os.path.lexists(target) else None
    except OSError as error:
        raise DataError(f"{path}: cannot write: {_reason(error)}") from None
    if status is None:
        return
    if stat.S_ISDIR(status.st_mode):
        raise DataError(f"{path}: is a directory")
    if not stat.S_ISREG(status.st_mode):
        raise DataError(f"{path}: not a regular file (a device, FIFO or socket): not replaced")
    if not overwrite:
        raise DataError(f"{path}: already exists (use --force to overwrite)")


def _reason(error: BaseException) -> str:
    lines = str(error).splitlines()
    return getattr(error, "strerror", None) or (lines[0] if lines else type(error).__name__)


def _stage(path: Path, target: Path, write: Writer) -> Path:
    """Write a complete copy next to ``target``, with the replaced file's permission bits."""
    folder = target.parent if str(target.parent) else Path(".")
    # named before it exists, so a Ctrl+C arriving just as it is made can still remove it
    staged = folder / f".{target.name}.{secrets.token_hex(8)}.partial"
    try:
        handle = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as error:  # nothing was made
        raise DataError(f"{path}: cannot write in {folder}: {error.strerror}") from None
    except BaseException:  # Ctrl+C as the file was made
        staged.unlink(missing_ok=True)
        raise
    try:
        os.close(handle)
        write(staged)
        _like(staged, path, target)
    except DataError:
        staged.unlink(missing_ok=True)
        raise
    except Exception as error:  # any writer failure leaves nothing behind and reads as one line
        staged.unlink(missing_ok=True)
        raise DataError(f"{path}: cannot write: {_reason(error)}") from None
    except BaseException:  # Ctrl+C: nothing left behind either
        staged.unlink(missing_ok=True)
        raise
    return staged


def _like(staged: Path, path: Path, target: Path) -> None:
    """Give the staged file the replaced file's permission bits and owner (a file that would
    change owner, because only its owner or root may give it away, is not replaced)."""
    if not target.exists():
        os.chmod(staged, NEW_FILE_MODE)
        return
    status = target.stat()
    if (status.st_uid, status.st_gid) != (os.geteuid(), os.getegid()):
        try:
            os.chown(staged, status.st_uid, status.st_gid)
        except PermissionError:
            if status.st_uid != os.geteuid():
                raise DataError(
                    f"{path}: belongs to another user; not replaced (its owner would change)"
                ) from None
            with contextlib.suppress(PermissionError):
                os.chown(staged, -1, status.st_gid)
    os.chmod(staged, stat.S_IMODE(status.st_mode))


def write_together(files: Sequence[tuple[Path, Writer]], overwrite: bool = False) -> None:
    """Write each ``(path, write)`` as one unit: every file complete, or none changed.

    Every file is staged first; then each replaced file is set aside, the staged ones renamed
    into place, and on any failure the set-aside files are put back.
    """
    targets = [_target(path) for path, _ in files]
    for (path, _), target in zip(files, targets, strict=True):
        _check(path, target, overwrite)
    staged: list[Path] = []
    try:
        for (path, write), target in zip(files, targets, strict=True):
            staged.append(_stage(path, target, write))
    except BaseException:  # a failure or Ctrl+C: no staged file left behind
        for name in staged:
            name.unlink(missing_ok=True)
        raise
    _commit(files, targets, staged)


def _commit(files: Sequence[tuple[Path, Writer]], targets: list[Path], staged: list[Path]) -> None:
    """Rename staged files onto their targets; undo every rename if one fails."""
    done: list[tuple[Path, Path | None]] = []
    try:
        for target, name in zip(targets, staged, strict=True):
            backup = None
            if target.exists():
                backup = name.with_suffix(".previous")
                os.replace(target, backup)
            done.append((target, backup))
            os.replace(name, target)
    except BaseException as error:  # a failure or Ctrl+C: every file as it was
        for target, backup in reversed(done):
            if backup is not None:
                os.replace(backup, target)
            elif target.exists():
                target.unlink()
        for name in staged:
            name.unlink(missing_ok=True)
        if not isinstance(error, OSError):
            raise
        path = files[len(done) - 1][0] if done else files[0][0]
        raise DataError(f"{path}: cannot write: {_reason(error)}") from None
    for _, backup in done:
        if backup is not None:
            backup.unlink(missing_ok=True)
