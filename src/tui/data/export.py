"""Export exactly what the app shows (the summary or the filtered rows) with a TOML sidecar."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
import tomli_w
import xlsxwriter

from tui import __version__
from tui.data.atomic import write_atomically
from tui.data.dataset import DataError, Dataset
from tui.data.query import CHANGE, RATE, SHARE, SHARE_RECORDED, matching_rows, summary, validate
from tui.data.selection import Selection
from tui.data.views import selection_to_toml

EXPORT_FORMATS = {
    "csv": ".csv",
    "tsv": ".tsv",
    "parquet": ".parquet",
    "json": ".json",
    "ndjson": ".ndjson",
    "xlsx": ".xlsx",
}
"""Export format name -> file extension."""
WHAT = ("summary", "rows")
TOTAL_LABEL = "Total"
XLSX_CREATED = dt.datetime(2017, 4, 3)
"""Fixed workbook creation date, so the same selection gives the same bytes."""
XLSX_FORMATS = {SHARE: "0.0%", SHARE_RECORDED: "0.0%", CHANGE: "+0.0%;-0.0%;0.0%", RATE: "#,##0.00"}


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote."""

    path: Path
    sidecar: Path
    rows: int


def format_for(path: Path, requested: str | None = None) -> str:
    """The export format: as requested, else from the file extension."""
    if requested:
        name = requested.lower().lstrip(".")
        name = {"excel": "xlsx", "jsonl": "ndjson"}.get(name, name)
        if name not in EXPORT_FORMATS:
            raise DataError(
                f"unknown export format '{requested}' (known: {', '.join(EXPORT_FORMATS)})"
            )
        return name
    by_suffix = {ext: name for name, ext in EXPORT_FORMATS.items()}
    name = by_suffix.get(path.suffix.lower())
    if name is None:
        raise DataError(
            f"{path.name}: unknown export format '{path.suffix or '(none)'}' "
            f"(known: {', '.join(EXPORT_FORMATS.values())})"
        )
    return name


def export_frame(dataset: Dataset, selection: Selection, what: str) -> pl.DataFrame:
    """The table an export writes: the summary with its totals row, or the filtered rows."""
    validate(dataset, selection)
    if what == "rows":
        return matching_rows(dataset, selection)
    if what != "summary":
        raise DataError(f"unknown export content '{what}' (known: {', '.join(WHAT)})")
    result = summary(dataset, selection)
    frame = result.frame.with_columns(pl.col(result.key).cast(pl.String))
    totals = pl.DataFrame([{result.key: TOTAL_LABEL, **result.totals}], schema=frame.schema)
    return pl.concat([frame, totals])


def default_name(selection: Selection, what: str, fmt: str) -> str:
    """A file name built from the selection, e.g. ``scwc_platform_2017-18_west-mercia.csv``."""
    parts = ["scwc", "rows" if what == "rows" else selection.group_by]
    for _, members in selection.filters:
        parts.append(
            "-".join(members[:3]) + ("-etc" if len(members) > 3 else "") if members else "none"
        )
    stem = "_".join(re.sub(r"[^0-9a-z]+", "-", p.lower()).strip("-") for p in parts)
    return stem[:100].rstrip("-_") + EXPORT_FORMATS[fmt]


def _write_xlsx(frame: pl.DataFrame, path: Path) -> None:
    workbook = xlsxwriter.Workbook(str(path))
    workbook.set_properties({"created": XLSX_CREATED})
    formats = {c: f for c, f in XLSX_FORMATS.items() if c in frame.columns}
    formats.update({c: "#,##0" for c, t in frame.schema.items() if t.is_integer()})
    frame.write_excel(workbook, worksheet="selection", column_formats=formats, autofit=True)
    workbook.close()


WRITERS = {
    "csv": lambda f, p: f.write_csv(p, line_terminator="\n"),
    "tsv": lambda f, p: f.write_csv(p, separator="\t", line_terminator="\n"),
    "parquet": lambda f, p: f.write_parquet(p),
    "json": lambda f, p: f.write_json(p),
    "ndjson": lambda f, p: f.write_ndjson(p),
    "xlsx": _write_xlsx,
}


def sha256_of(path: Path | None) -> str:
    """SHA-256 of a file, hex."""
    if path is None:
        return ""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def sidecar_path(path: Path) -> Path:
    """``out.csv`` -> ``out.csv.toml``."""
    return path.with_name(path.name + ".toml")


def sidecar(
    dataset: Dataset, selection: Selection, what: str, fmt: str, path: Path, rows: int, chart: str
) -> dict[str, Any]:
    """The record of how an export was made."""
    return {
        "export": {
            "file": path.name,
            "format": fmt,
            "what": what,
            "rows": rows,
            "created_utc": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "app": "scwc",
            "app_version": __version__,
            "reproduce": f"scwc export --view {sidecar_path(path).name} -o {path.name}",
        },
        "dataset": {
            "name": dataset.name,
            "path": str(dataset.path.resolve()) if dataset.path else "",
            "sha256": sha256_of(dataset.path),
            "modelled": dataset.modelled,
        },
        "selection": selection_to_toml(selection, chart),
    }


def export(
    dataset: Dataset,
    selection: Selection,
    path: Path,
    *,
    what: str = "summary",
    fmt: str | None = None,
    overwrite: bool = False,
    chart: str = "bar",
) -> ExportResult:
    """Write the selection to ``path`` and its sidecar beside it; nothing partial on failure."""
    fmt = format_for(path, fmt)
    frame = export_frame(dataset, selection, what)
    if path.exists() and not overwrite:
        raise DataError(f"{path}: already exists (use --force to overwrite)")
    write_atomically(path, lambda staged: WRITERS[fmt](frame, staged))
    record = sidecar(dataset, selection, what, fmt, path, frame.height, chart)
    side = sidecar_path(path)
    write_atomically(
        side, lambda staged: staged.write_text(tomli_w.dumps(record), encoding="utf-8")
    )
    return ExportResult(path, side, frame.height)
