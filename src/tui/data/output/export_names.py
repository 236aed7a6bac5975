"""Where an export goes and in what format: the formats and their extensions, the format a name
or ``--format`` asks for, and the file a typed name (or folder) means."""

from __future__ import annotations

import os
import re
from pathlib import Path

from tui.data.dataset import DataError
from tui.data.selection import Selection

EXPORT_FORMATS = {
    "csv": ".csv",
    "tsv": ".tsv",
    "parquet": ".parquet",
    "json": ".json",
    "ndjson": ".ndjson",
    "xlsx": ".xlsx",
}
"""Export format name -> its usual file extension."""
EXTENSIONS = {**{ext: name for name, ext in EXPORT_FORMATS.items()}, ".jsonl": "ndjson"}
"""Every file extension an export accepts -> its format."""
FORMAT_ALIASES = {"excel": "xlsx", "jsonl": "ndjson"}
TEXT_FORMATS = ("csv", "tsv")
"""Formats whose text cells get the formula escape, and which ``excel`` (a byte-order mark) applies to."""


def format_for(path: Path, requested: str | None = None) -> str:
    """The export format: as requested (and agreeing with the extension), else from the extension."""
    by_suffix = EXTENSIONS.get(path.suffix.lower())
    if not requested:
        if by_suffix is None:
            raise DataError(
                f"{path.name}: unknown export format '{path.suffix or '(none)'}' "
                f"(known: {', '.join(EXTENSIONS)})"
            )
        return by_suffix
    name = requested.lower().lstrip(".")
    name = FORMAT_ALIASES.get(name, name)
    if name not in EXPORT_FORMATS:
        raise DataError(f"unknown export format '{requested}' (known: {', '.join(EXPORT_FORMATS)})")
    if by_suffix is not None and by_suffix != name:
        fixed = path.with_suffix(EXPORT_FORMATS[name]).name
        raise DataError(
            f"{path.name}: the extension {path.suffix} does not match --format {requested} "
            f"(use -o {fixed}, or leave out --format)"
        )
    return name


def resolve_output(
    text: str, selection: Selection, what: str, requested: str | None
) -> tuple[Path, str, str | None]:
    """The file to write, its format and a note, from what the user typed as the output.

    An existing folder (or a name ending in ``/``) gets the default file name inside it; a name
    without a known extension gets the requested format's extension added (the note says so).
    """
    if not text.strip():
        raise DataError("give a file name to export to")
    path = Path(text).expanduser()
    if text.endswith(("/", os.sep)) or path.is_dir():
        if not path.is_dir():
            raise DataError(f"{text}: no such folder (give a file name, e.g. out.csv)")
        fmt = format_for(Path("x"), requested) if requested else "csv"
        return path / default_name(selection, what, fmt), fmt, None
    return named_output(path, requested, text)


def named_output(
    path: Path, requested: str | None, typed: str | None = None
) -> tuple[Path, str, str | None]:
    """The file, format and note for a file name (nothing is looked up on disk): a name without a
    known extension gets the requested format's (the note says so)."""
    if requested and path.suffix.lower() not in EXTENSIONS:
        fmt = format_for(Path("x"), requested)
        named = path.with_name(path.name + EXPORT_FORMATS[fmt])
        return named, fmt, f"added {EXPORT_FORMATS[fmt]} to the file name"
    if not path.suffix:
        raise DataError(
            f"{typed or path}: a file name with an extension is needed "
            f"({', '.join(EXTENSIONS)}), or --format"
        )
    return path, format_for(path, requested), None


def default_name(selection: Selection, what: str, fmt: str) -> str:
    """A file name built from the selection, e.g. ``scwc_platform_2017-18_west-mercia.csv``."""
    parts = ["scwc", "rows" if what == "rows" else selection.group_by]
    for _, members in selection.filters:
        parts.append(
            "-".join(members[:3]) + ("-etc" if len(members) > 3 else "") if members else "none"
        )
    stem = "_".join(re.sub(r"[^0-9a-z]+", "-", p.lower()).strip("-") for p in parts)
    return stem[:100].rstrip("-_") + EXPORT_FORMATS[fmt]
