"""Write files so that they are either complete or absent: stage beside them, then rename.

Several files can be written as one unit (an export and its sidecar): either all are written or
none is touched. A new file is created exclusively (a hard link of the staged file, which fails if
the name exists: of two writers at once, one wins and the other is refused); an existing one is
replaced only when asked, by a rename, which never writes through a link. A name that is a
symbolic link is refused (unless ``follow_links``: then only a link to a file that exists is
followed, as for a user's own views file). Only regular files are ever replaced (never a device,
FIFO or socket), a replaced file keeps its owner (or is not replaced), and an interruption (Ctrl+C,
or a signal turned into :class:`tui.data.processes.Ended`) leaves no staged file behind.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import signal
import stat
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from tui.data.dataset import DataError

NEW_FILE_MODE = 0o644
Writer = Callable[[Path], object]


def write_atomically(
    path: Path, write: Writer, overwrite: bool = False, follow_links: bool = False
) -> None:
    """Call ``write`` on a temporary file in ``path``'s folder, then move it to ``path`` (an
    existing file only when ``overwrite`` says the user agreed; through a link to an existing file
    only with ``follow_links``).

    Any failure removes the temporary file and becomes a one-line :class:`DataError`.
    """
    write_together([(path, write)], overwrite=overwrite, follow_links=follow_links)


def _target(path: Path, follow_links: bool) -> Path:
    """Where writing ``path`` lands: ``path`` itself; a symbolic link is refused, or with
    ``follow_links`` followed to the file it points at (a link to nothing is refused: following
    it would create a file somewhere else, unasked)."""
    try:
        if not path.is_symlink():
            return path
    except OSError as error:
        raise DataError(f"{path}: cannot write: {_reason(error)}") from None
    if not follow_links:
        raise DataError(
            f"{path}: a symbolic link: not written through (name the file itself, or remove "
            "the link)"
        )
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


def write_together(
    files: Sequence[tuple[Path, Writer]], overwrite: bool = False, follow_links: bool = False
) -> None:
    """Write each ``(path, write)`` as one unit: every file complete, or none changed.

    Every file is staged first; then each new file is created from its staged copy (refused if
    another process made it meanwhile), or, with ``overwrite``, each replaced file is set aside
    and the staged one renamed into place; on any failure the files made are removed and the
    set-aside ones put back.
    """
    targets = [_target(path, follow_links) for path, _ in files]
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
    with _signals_held():  # the moves are quick: a signal waits until they are all done
        _commit(files, targets, staged, overwrite)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold Ctrl+C, SIGTERM and SIGHUP until the block ends (where signals can be blocked)."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    held = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _create(staged: Path, target: Path) -> None:
    """Make ``target`` from ``staged``, failing with :class:`FileExistsError` if it exists: a hard
    link (atomic, whole); on a file system without hard links, the name is claimed with an
    exclusive create and the staged file renamed onto it."""
    try:
        os.link(staged, target)
    except FileExistsError:
        raise
    except OSError as error:
        if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK):
            raise
        os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        os.replace(staged, target)
    else:
        os.unlink(staged)


def _commit(
    files: Sequence[tuple[Path, Writer]],
    targets: list[Path],
    staged: list[Path],
    overwrite: bool,
) -> None:
    """Move staged files to their targets (new ones created exclusively, existing ones replaced
    by a rename when ``overwrite``); undo every move if one fails."""
    done: list[tuple[Path, Path | None]] = []
    current = 0
    try:
        for current in range(len(targets)):
            target, name = targets[current], staged[current]
            backup = None
            if overwrite and os.path.lexists(target):
                backup = name.with_suffix(".previous")
                os.replace(target, backup)
            if backup is None:
                _create(name, target)
            else:
                done.append((target, backup))  # set aside: put back if a later move fails
                os.replace(name, target)
                continue
            done.append((target, None))
    except BaseException as error:  # a failure or Ctrl+C: every file as it was
        for target, backup in reversed(done):
            if backup is not None:
                os.replace(backup, target)
            else:
                target.unlink(missing_ok=True)
        for name in staged:
            name.unlink(missing_ok=True)
        path = files[current][0]
        if isinstance(error, FileExistsError):
            raise DataError(
                f"{path}: already exists (made meanwhile by another program; use --force to "
                "overwrite)"
            ) from None
        if not isinstance(error, OSError):
            raise
        raise DataError(f"{path}: cannot write: {_reason(error)}") from None
    for _, backup in done:
        if backup is not None:
            backup.unlink(missing_ok=True)
