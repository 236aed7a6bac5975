"""An export for a browser: the data file and its sidecar in one zip, made in a private folder.

A served app never writes where a visitor says: the name they typed only names the download. The
export is written into a fresh temporary folder of its own, zipped in memory with its sidecar, and
the folder removed; the sidecar names the dataset by its file name alone (the server's folders are
nobody's business).
"""

from __future__ import annotations

import io
import re
import tempfile
import tomllib
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePath

import tomli_w

from tui.data.dataset import Dataset
from tui.data.output.export import export
from tui.data.selection import Selection

MAX_NAME_CHARS = 120
FALLBACK_NAME = "scwc_export"


@dataclass(frozen=True)
class Bundle:
    """A zip to deliver: its bytes, its file name, and what it holds."""

    data: bytes
    name: str
    members: tuple[str, str]
    rows: int


def download_name(typed: str, fallback: str = FALLBACK_NAME) -> str:
    """The last part of what a visitor typed, as a plain file name (no folders, no oddities)."""
    name = PurePath(typed.replace("\\", "/")).name
    name = re.sub(r"[^\w.\- ]+", "_", name).strip(" .")
    return name[-MAX_NAME_CHARS:] or fallback


def export_bundle(
    dataset: Dataset,
    selection: Selection,
    name: str,
    *,
    what: str,
    fmt: str,
    chart: str = "bar",
    excel: bool = False,
) -> Bundle:
    """Export ``selection`` as ``name`` (a plain file name) with its sidecar, zipped."""
    with tempfile.TemporaryDirectory(prefix="scwc-export-") as folder:
        result = export(
            dataset,
            selection,
            Path(folder) / download_name(name),
            what=what,
            fmt=fmt,
            chart=chart,
            excel=excel,
        )
        document = tomllib.loads(result.sidecar.read_text(encoding="utf-8"))
        if dataset.path is not None and isinstance(document.get("dataset"), dict):
            document["dataset"]["path"] = dataset.path.name
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.write(result.path, result.path.name)
            archive.writestr(result.sidecar.name, tomli_w.dumps(document))
    stem = result.path.name.rsplit(".", 1)[0]
    return Bundle(
        buffer.getvalue(), f"{stem}.zip", (result.path.name, result.sidecar.name), result.rows
    )
