"""What an export's TOML sidecar says: the record of how it was made (the same for the same
selection, also kept in a Parquet file's metadata) and the command that makes it again."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shlex
from functools import lru_cache
from pathlib import Path
from typing import Any

from tui import __version__
from tui.data.dataset import Dataset
from tui.data.engine.query import offence_caveat
from tui.data.loading.sidecar import sidecar_path
from tui.data.output.views import selection_to_toml
from tui.data.output.writers import ExportContent
from tui.data.selection import Selection


def drop_none(table: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in table.items() if v is not None}


def filters_text(selection: Selection) -> str:
    return "; ".join(f"{d} = {' | '.join(m)}" for d, m in selection.filters) or "none"


def sha256_of(path: Path | None) -> str:
    """SHA-256 of a file, hex: read once per version of the file (its identity, size and
    modification and change times in nanoseconds; a write always moves the change time)."""
    if path is None:
        return ""
    stat = path.stat()
    version = (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)
    return _sha256(path.resolve(), version)


@lru_cache(maxsize=16)
def _sha256(path: Path, version: tuple[int, ...]) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def dataset_path_from(side: Path, dataset_path: Path) -> str:
    """The dataset's path as the sidecar records it: relative to the sidecar's folder if it can be."""
    try:
        return Path(os.path.relpath(dataset_path.resolve(), side.parent.resolve())).as_posix()
    except ValueError:  # another drive (Windows): only an absolute path reaches it
        return str(dataset_path.resolve())


def record(
    dataset: Dataset, selection: Selection, what: str, fmt: str, content: ExportContent, chart: str
) -> dict[str, Any]:
    """What the data file itself can carry: the same for the same selection (no time, no path)."""
    export_table: dict[str, Any] = {"format": fmt, "what": what, "rows": content.frame.height}
    if content.excel:
        export_table["excel"] = True
    content_text = "rows" if what == "rows" else f"{selection.measure} by {selection.group_by}"
    document: dict[str, Any] = {
        "title": f"{dataset.name} (export: {content_text}; filters: {filters_text(selection)})",
        "modelled": dataset.modelled,
        "export": export_table,
        "dataset": {
            "name": dataset.name,
            "sha256": sha256_of(dataset.path),
            "modelled": dataset.modelled,
            **({"caveat": caveat} if (caveat := offence_caveat(dataset, selection)) else {}),
        },
        "selection": selection_to_toml(selection, chart),
    }
    if content.totals:
        document["totals"] = drop_none(content.totals)
    document["columns"] = content.columns
    if content.provenance:
        document["provenance"] = content.provenance
    return document


def sidecar(
    dataset: Dataset,
    selection: Selection,
    what: str,
    fmt: str,
    path: Path,
    content: ExportContent,
    chart: str,
    datapackage: str | None = None,
) -> dict[str, Any]:
    """The record of how an export was made, and the command that makes it again;
    ``datapackage``: the name of the data package written beside it, if one is."""
    document = record(dataset, selection, what, fmt, content, chart)
    side = sidecar_path(path)
    command = ["scwc", "export", "--view", side.name, "-o", path.name, "--force"]
    if datapackage:
        command.insert(-1, "--datapackage")
    document["export"] = {
        "file": path.name,
        **document["export"],
        "created_utc": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "app": "scwc",
        "app_version": __version__,
        "reproduce": shlex.join(command),
        "reproduce_in": "the folder holding this file",
        **({"datapackage": datapackage} if datapackage else {}),
    }
    if dataset.path:
        document["dataset"]["path"] = dataset_path_from(side, dataset.path)
    return document
