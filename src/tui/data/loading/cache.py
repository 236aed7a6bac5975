"""A loaded dataset kept on disk, so the next start on the same file skips reading every row.

Building the cube reads every row of the file and groups it by every dimension column: finding
total rows (``Total``, ``All ages``, a blank-keyed sum) needs every one of them, so a command that
shows one column cannot read less the first time without risking a total counted as data. What it
builds is a pure function of the file's bytes, the reference tables and this code; the next start on
an unchanged file reads it back (a few milliseconds) instead of the rows.

The key is everything the result depends on: the file (its path as given and resolved, size,
modification and change times in nanoseconds, inode, and a hash of its first and last megabyte), the sheet, the metadata file and
reference tables beside it, the loader's code (a hash of every module under ``tui/data``) and the
Python and polars versions. Any change gives another key; an entry that cannot
be read is removed and the file is read again. Entries are written whole (temporary file, then
rename) in a folder only the user can write (``SCWC_CACHE_DIR``, else ``$XDG_CACHE_HOME/scwc``,
else the system's cache folder from platformdirs: ``~/.cache/scwc`` on Linux,
``~/Library/Caches/scwc`` on macOS, ``%LOCALAPPDATA%\\scwc\\Cache`` on Windows;
``SCWC_CACHE_DIR=off`` turns it off), and the oldest are removed beyond
:data:`MAX_ENTRIES` or :data:`MAX_TOTAL_BYTES`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import os
import pickle
import stat
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import platformdirs
import polars as pl

from tui.data.dataset import Dataset, RowStore

SUFFIX = ".dataset"
HASHED_BYTES = 1024 * 1024
"""The file's first and last megabyte are hashed into the key (all of a file up to 2 MB)."""
MAX_ENTRIES = 32
MAX_TOTAL_BYTES = 1024**3
MAX_ENTRY_BYTES = 64 * 1024**2
"""A dataset larger than this pickled (its rows apart) is not kept."""
OFF = ("off", "0", "no", "")


def cache_dir() -> Path | None:
    """Where entries live, or ``None`` when caching is off."""
    configured = os.environ.get("SCWC_CACHE_DIR")
    if configured is not None:
        return None if configured.strip().lower() in OFF else Path(configured)
    base = os.environ.get("XDG_CACHE_HOME")  # honoured on every system, as on Linux
    if base:
        return Path(base) / "scwc"
    try:
        return Path(platformdirs.user_cache_dir("scwc", appauthor=False))
    except (RuntimeError, KeyError):  # no home folder known: nothing kept
        return None


def dataset_key(path: Path, sheet: str | None, companions: Sequence[Path | None]) -> str | None:
    """The entry's name for ``path`` read with ``sheet`` beside its ``companions`` (metadata,
    reference tables), or ``None`` if the file cannot be identified (it is then read as usual)."""
    digest = hashlib.blake2b(digest_size=20)
    digest.update(repr((sys.version_info[:3], pl.__version__, _code_stamp(), sheet)).encode())
    try:
        _add_file(digest, path)
        for companion in companions:
            if companion is not None and companion.is_file():
                _add_file(digest, companion)
            else:
                digest.update(b"\0absent\0")
    except OSError:
        return None
    return digest.hexdigest() + SUFFIX


def has(key: str) -> bool:
    """Whether an entry is kept under ``key`` (not read)."""
    folder = _usable_dir()
    return folder is not None and (folder / key).is_file()


def read(key: str) -> Dataset | None:
    """The dataset kept under ``key``, or ``None`` (no entry, caching off, or an entry that cannot
    be read, which is then removed)."""
    folder = _usable_dir()
    if folder is None:
        return None
    entry = folder / key
    try:
        with entry.open("rb") as handle:
            kept = pickle.load(handle)
        dataset = kept["dataset"]
        if not isinstance(dataset, Dataset):
            raise TypeError("not a dataset")
        if kept["rows in memory"]:
            rows = pl.read_parquet(_rows_file(entry))
            dataset = dataclasses.replace(dataset, rows=RowStore(rows.lazy(), in_memory=True))
    except FileNotFoundError:
        return None
    except Exception:  # a damaged or foreign entry: read the file again
        _remove(entry)
        return None
    with contextlib.suppress(OSError):
        os.utime(entry)  # recently used: pruned last
    return dataset


def write(key: str, dataset: Dataset) -> None:
    """Keep ``dataset`` under ``key`` (silently skipped if the folder cannot be written).

    Rows held in memory (a spreadsheet's, read whole) are kept beside it as a Parquet file: a
    million rows in 2 MB, read back in about 10 ms (pickled, they took 300 MB and a second)."""
    folder = _usable_dir(create=True)
    if folder is None:
        return
    entry = folder / key
    in_memory = dataset.rows.in_memory
    try:
        if in_memory:
            rows = dataset.rows.lazy().collect()
            _write_whole(_rows_file(entry), rows.write_parquet)
            empty = RowStore(pl.LazyFrame(schema=rows.schema), in_memory=False)
            dataset = dataclasses.replace(dataset, rows=empty)
        data = pickle.dumps(
            {"dataset": dataset, "rows in memory": in_memory}, protocol=pickle.HIGHEST_PROTOCOL
        )
        if len(data) > MAX_ENTRY_BYTES:
            _remove(entry)
            return
        _write_whole(entry, lambda path: path.write_bytes(data))
    except Exception:  # something does not pickle, or the disk is full: nothing kept
        _remove(entry)
        return
    _prune(folder)


def _write_whole(path: Path, write: Callable[[Path], object]) -> None:
    """Write ``path`` under a temporary name in its folder, then rename it into place."""
    handle, staged = tempfile.mkstemp(dir=path.parent, prefix=".staged-")
    os.close(handle)
    try:
        write(Path(staged))
        os.replace(staged, path)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(staged)


def _rows_file(entry: Path) -> Path:
    return entry.with_suffix(".rows.parquet")


def _remove(entry: Path) -> None:
    """Remove an entry and its rows file, if any."""
    for path in (entry, _rows_file(entry)):
        with contextlib.suppress(OSError):
            path.unlink()


def _usable_dir(create: bool = False) -> Path | None:
    """The cache folder if it is ours alone (owned by this user, writable by no one else)."""
    folder = cache_dir()
    if folder is None:
        return None
    try:
        if create:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        status = folder.lstat()
    except OSError:
        return None
    if not stat.S_ISDIR(status.st_mode) or status.st_mode & 0o022:
        return None
    if hasattr(os, "getuid") and status.st_uid != os.getuid():
        return None
    return folder


def _prune(folder: Path) -> None:
    """Remove the least recently used entries beyond the limits."""
    entries = []
    for entry in folder.glob("*" + SUFFIX):
        with contextlib.suppress(OSError):
            status = entry.stat()
            rows = _rows_file(entry)
            size = status.st_size + (rows.stat().st_size if rows.exists() else 0)
            entries.append((status.st_mtime_ns, size, entry))
    entries.sort(reverse=True)
    total = 0
    for number, (_, size, entry) in enumerate(entries):
        total += size
        if number >= MAX_ENTRIES or total > MAX_TOTAL_BYTES:
            _remove(entry)


def _add_file(digest: hashlib.blake2b, path: Path) -> None:
    """A file's identity as given and as resolved, its size and times, and its first and last
    megabyte (the path as given matters: the rows are read again through it)."""
    status = os.stat(path)
    identity = (
        os.path.abspath(path),
        os.path.realpath(path),
        status.st_size,
        status.st_mtime_ns,
        status.st_ctime_ns,
        status.st_ino,
    )
    digest.update(repr(identity).encode())
    with path.open("rb") as handle:
        digest.update(handle.read(HASHED_BYTES))
        if status.st_size > HASHED_BYTES:
            handle.seek(max(HASHED_BYTES, status.st_size - HASHED_BYTES))
            digest.update(handle.read(HASHED_BYTES))


@functools.cache
def _code_stamp() -> str:
    """The data layer's :func:`code_stamp`, once per process."""
    return code_stamp(Path(__file__).resolve().parents[1])


def code_stamp(root: Path) -> str:
    """A hash of every module under ``root`` by content: an upgrade may keep a module's size and
    modification time (wheels are built with fixed timestamps) and still change it."""
    digest = hashlib.blake2b(digest_size=20)
    for module in sorted(root.rglob("*.py")):
        digest.update(str(module.relative_to(root)).encode() + b"\0" + module.read_bytes())
    return digest.hexdigest()
