"""Where data lives: the project's reference data, a data file the user names, a served folder."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from tui.data.dataset import DataError

MAX_LISTED = 1_000
"""Files of a served data folder offered to visitors, at most."""


def repo_data_dir() -> Path:
    """The folder holding the embedded dataset and reference tables (installed package data, else
    the source tree)."""
    packaged = Path(__file__).resolve().parents[2] / "_data"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[4] / "data"


def dataset_in(path: Path) -> Path:
    """A folder holding a built dataset (``scwc build --out DIR``) stands for it,
    ``DIR/offences.csv``; any other path is itself."""
    built = path / "offences.csv"
    try:
        return built if stat.S_ISDIR(os.stat(path).st_mode) and built.is_file() else path
    except OSError:  # (a name too long, a folder one cannot search: reading it says so)
        return path


def shown_name(path: Path, limit: int = 80) -> str:
    """A file's name as messages show it (a very long one shortened)."""
    name = path.name or str(path)
    return name if len(name) <= limit else name[: limit - 1] + "…"


def check_data_file(path: Path) -> None:
    """Refuse, in one line, a path that is not a regular file one can read, before anything opens
    it: a FIFO or device would block or never end, a too-long name or an unsearchable folder would
    raise deep inside a reader."""
    name = shown_name(path)
    try:
        status = os.stat(path)
    except OSError as error:
        if error.errno == errno.ENOENT:
            raise DataError(f"{name}: no such file") from None
        if error.errno == errno.ENAMETOOLONG:
            raise DataError(f"{name}: file name too long") from None
        if error.errno in (errno.EACCES, errno.EPERM):
            raise DataError(f"{name}: permission denied (cannot reach the file)") from None
        if error.errno == errno.ENOTDIR:
            raise DataError(f"{name}: no such file (a part of the path is not a folder)") from None
        raise DataError(f"{name}: cannot read: {error.strerror}") from None
    if stat.S_ISDIR(status.st_mode):
        raise DataError(f"{name}: is a directory, not a data file")
    if not stat.S_ISREG(status.st_mode):
        raise DataError(f"{name}: not a regular file (a FIFO, device or socket): not read")
    if not os.access(path, os.R_OK):
        raise DataError(f"{name}: permission denied")


def folder_files(folder: Path, extensions: frozenset[str] | set[str]) -> list[str]:
    """The names of the regular files in ``folder`` with one of ``extensions``, sorted, that stay
    inside it (a link pointing out of the folder is left out)."""
    inside = folder.resolve()
    names: list[str] = []
    try:
        entries = sorted(os.scandir(inside), key=lambda e: e.name.casefold())
    except OSError:
        return []
    for entry in entries:
        if Path(entry.name).suffix.lower() not in extensions:
            continue
        if in_folder(inside, entry.name) is not None:
            names.append(entry.name)
        if len(names) >= MAX_LISTED:
            break
    return names


def in_folder(folder: Path, name: str) -> Path | None:
    """``folder/name`` if ``name`` is a plain name of a regular file there (links followed only
    within the folder), else ``None``."""
    if not name or name != Path(name).name or name in (".", ".."):
        return None
    inside = folder.resolve()
    try:
        target = (inside / name).resolve(strict=True)
        regular = stat.S_ISREG(target.stat().st_mode)
    except (OSError, RuntimeError):
        return None
    return target if regular and target.parent == inside else None
