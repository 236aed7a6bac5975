"""A Frictionless Data Package (``datapackage.json``) describing an export, so that any tool that
reads the standard (frictionless, Open Data Editor, CKAN, R's frictionless, pandas via frictionless)
knows each column's type, unit and meaning, what the provenance codes mean, where the published
numbers come from and under which licence (https://datapackage.org).

Everything here is read from what the export itself says: the columns' meanings are the sidecar's
``[columns]``, the provenance codes and sources its ``[provenance]``, the licence the dataset's
metadata. Excel is not described: its sheet has the total below the table, which a tabular
reader would take for a row.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import polars as pl

from tui.data.dataset import DataError, Dataset
from tui.data.engine.provenance import MARKERS
from tui.data.loading.sidecar import sidecar_path
from tui.data.output.writers import ExportContent
from tui.data.schema import PROVENANCE

DATAPACKAGE = "datapackage.json"
DESCRIBED_FORMATS = {
    "csv": ("text/csv", None),
    "tsv": ("text/tab-separated-values", {"delimiter": "\t"}),
    "json": ("application/json", None),
    "ndjson": ("application/x-ndjson", None),
    "parquet": ("application/vnd.apache.parquet", None),
}
"""Formats a data package describes, with their media type and CSV dialect."""
KNOWN_LICENCES = {
    "MIT": ("MIT", "https://opensource.org/license/mit"),
    "Open Government Licence v3.0": (
        "OGL-UK-3.0",
        "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
    ),
}
"""Licences a dataset's ``licence`` text may name, as the licence list's id and address."""


def datapackage_path(path: Path) -> Path:
    """Where the data package describing the export ``path`` goes: beside it."""
    return path.with_name(DATAPACKAGE)


def field_type(dtype: pl.DataType) -> str:
    """The Table Schema type of a polars column."""
    if dtype.is_integer():
        return "integer"
    if dtype.is_float() or dtype.is_decimal():
        return "number"
    if dtype == pl.Boolean:
        return "boolean"
    if dtype == pl.Date:
        return "date"
    if dtype == pl.Datetime:
        return "datetime"
    return "string"


def slug(text: str) -> str:
    """A package or resource name: lower case letters, digits, ``-``, ``_`` and ``.``."""
    return re.sub(r"[^a-z0-9._-]+", "-", text.lower()).strip("-._") or "scwc-export"


def fields(content: ExportContent) -> list[dict[str, Any]]:
    """One Table Schema field per column: name, type, header, meaning and unit as the sidecar
    says them; the provenance column's codes as an enumeration."""
    described = []
    for name, dtype in content.frame.schema.items():
        note = content.columns.get(name, {})
        entry: dict[str, Any] = {"name": name, "type": field_type(dtype)}
        if note.get("header"):
            entry["title"] = note["header"]
        details = [str(note["meaning"])] if note.get("meaning") else []
        details += [f"{key}: {note[key]}" for key in note if key not in ("header", "meaning")]
        if details:
            entry["description"] = "; ".join(details)
        if note.get("unit"):
            entry["unit"] = str(note["unit"])
        if name == PROVENANCE:
            entry["constraints"] = {"enum": list(MARKERS)}
        described.append(entry)
    return described


def licences(dataset: Dataset) -> list[dict[str, str]]:
    """The licences the dataset's metadata names (none for a file that names none)."""
    text = str(dataset.metadata.get("licence") or "")
    return [
        {"name": name, "path": address, "title": text}
        for words, (name, address) in KNOWN_LICENCES.items()
        if words in text
    ]


def sources(dataset: Dataset, content: ExportContent) -> list[dict[str, str]]:
    """The dataset, then every publication behind a published number in the export."""
    listed = [{"title": dataset.name}]
    for source in content.provenance.get("sources", []):
        entry = {"title": str(source["title"])}
        if source.get("url"):
            entry["path"] = str(source["url"])
        if source.get("published"):
            entry["version"] = str(source["published"])
        listed.append(entry)
    return listed


def datapackage(
    dataset: Dataset, content: ExportContent, sidecar: dict[str, Any], path: Path, fmt: str
) -> dict[str, Any]:
    """The data package describing the export of ``content`` to ``path`` in format ``fmt``,
    from its sidecar's record."""
    if fmt not in DESCRIBED_FORMATS:
        raise DataError(
            f"--datapackage describes {', '.join(DESCRIBED_FORMATS)} files, not {fmt} "
            "(an Excel sheet has its total below the table)"
        )
    mediatype, dialect = DESCRIBED_FORMATS[fmt]
    resource: dict[str, Any] = {
        "name": slug(path.stem),
        "path": path.name,
        "profile": "tabular-data-resource",
        "format": fmt,
        "mediatype": mediatype,
        "encoding": "utf-8-sig" if content.excel else "utf-8",
        "schema": {"fields": fields(content), "missingValues": [""]},
    }
    if dialect:
        resource["dialect"] = dialect
    description = str(dataset.metadata.get("description") or dataset.name)
    if dataset.modelled and "modelled" not in description.lower():
        description += " Published totals are exact; the breakdown below them is modelled."
    package: dict[str, Any] = {
        "profile": "tabular-data-package",
        "name": slug(path.stem),
        "title": str(sidecar.get("title", dataset.name)),
        "description": description,
        "created": sidecar["export"]["created_utc"],
        "sources": sources(dataset, content),
        "resources": [resource],
        "scwc": {
            "sidecar": sidecar_path(path).name,
            "reproduce": sidecar["export"]["reproduce"],
            **(
                {
                    "provenance": {
                        s: content.provenance[s] for s in MARKERS if s in content.provenance
                    }
                }
                if content.provenance
                else {}
            ),
        },
    }
    if found := licences(dataset):
        package["licenses"] = found
    return package
