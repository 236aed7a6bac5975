"""Export exactly what the app shows (the summary or the filtered rows) with a TOML sidecar.

Machine formats (CSV, TSV, Parquet, JSON, NDJSON) hold members only: the total is in the
sidecar's ``[totals]`` table, and in Excel below the table. The sidecar's ``[columns]`` table says
what each column means; Parquet carries the same record in its key-value metadata. The writer of
each format is in :mod:`tui.data.writers`, the sidecar's record in :mod:`tui.data.export_record`;
here the two are written as one unit.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import polars as pl
import tomli_w

from tui import __version__
from tui.data import stats
from tui.data.atomic import write_together
from tui.data.dataset import DataError, Dataset
from tui.data.export_record import drop_none, filters_text, record, sha256_of, sidecar
from tui.data.format import column_titles
from tui.data.provenance import LEGEND, MODELLED, Provenance, ledger
from tui.data.query import matching_rows, summary, validate
from tui.data.ranges import RANGE_HIGH, RANGE_KIND, RANGE_LOW
from tui.data.schema import NOT_RECORDED, PROVENANCE, YEAR, label
from tui.data.selection import Selection
from tui.data.sidecar import sidecar_path
from tui.data.table import (
    CHANGE,
    CHANGE_SIGNIFICANT,
    HIGH,
    LOW,
    RATE,
    RATE_HIGH,
    RATE_LOW,
    SHARE,
    SHARE_RECORDED,
    Summary,
)
from tui.data.writers import WRITERS, ExportContent

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
WHAT = ("summary", "rows")
TOTAL_LABEL = "Total"
FRACTION = "fraction of 1 (0.25 = 25%)"


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote."""

    path: Path
    sidecar: Path
    rows: int


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
    if requested and path.suffix.lower() not in EXTENSIONS:
        fmt = format_for(Path("x"), requested)
        named = path.with_name(path.name + EXPORT_FORMATS[fmt])
        return named, fmt, f"added {EXPORT_FORMATS[fmt]} to the file name"
    if not path.suffix:
        raise DataError(
            f"{text}: a file name with an extension is needed "
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


def export_frame(dataset: Dataset, selection: Selection, what: str) -> pl.DataFrame:
    """The table an export writes: the summary's members (no total row), or the filtered rows."""
    return export_content(dataset, selection, what).frame


def export_content(
    dataset: Dataset, selection: Selection, what: str, excel: bool = False
) -> ExportContent:
    """The table an export writes with its totals, headers and column notes."""
    validate(dataset, selection)
    if what not in WHAT:
        raise DataError(f"unknown export content '{what}' (known: {', '.join(WHAT)})")
    book = ledger(dataset)
    published: list[Provenance] = []
    if what == "rows":
        frame = matching_rows(dataset, selection)
        if book is not None:  # each row is one cell of the modelled breakdown
            frame = frame.with_columns(pl.lit(MODELLED).alias(PROVENANCE))
        titles = {c: label(c) for c in frame.columns}
        columns = _row_columns(dataset, frame)
        totals: dict[str, Any] = {}
    else:
        result = summary(dataset, selection)
        frame = result.frame.with_columns(pl.col(result.key).cast(pl.String))
        marked = result.provenance is not None and result.key != PROVENANCE
        if marked:
            frame = frame.with_columns(
                pl.col(result.key)
                .replace_strict({m: p.status for m, p in result.provenance.items()})
                .alias(PROVENANCE)
            )
        titles = {**{c: label(c) for c in frame.columns}, **column_titles(result)}
        columns = _summary_columns(dataset, selection, result, frame)
        totals = {result.key: TOTAL_LABEL, **result.totals}
        if marked and result.total_provenance is not None:
            totals[PROVENANCE] = result.total_provenance.status
            published = [*result.provenance.values(), result.total_provenance]
    if PROVENANCE in frame.columns:
        columns[PROVENANCE] = {
            "header": "Provenance",
            "meaning": "published (a cited source gives this number), derived (sums or "
            "differences of published figures) or modelled (an estimate)",
        }
    return ExportContent(
        frame=frame,
        totals=totals,
        titles=titles,
        columns=columns,
        about=_about(dataset, selection, what),
        excel=excel,
        provenance=_provenance_table(book is not None, published),
    )


def _provenance_table(known: bool, shown: list[Provenance]) -> dict[str, Any]:
    """The sidecar's ``[provenance]``: the legend and every source of a published number."""
    if not known:
        return {}
    sources = sorted(
        {
            (p.figure.source_title, p.figure.published, p.figure.source_url)
            for p in shown
            if p.figure is not None
        }
    )
    return {
        "legend": LEGEND,
        "published": "a cited source gives this number",
        "derived": "sums or differences of published figures",
        "modelled": "an estimate: not a published figure",
        "sources": [
            drop_none({"title": t, "published": d or None, "url": u or None}) for t, d, u in sources
        ],
    }


def _summary_columns(
    dataset: Dataset, selection: Selection, result: Summary, frame: pl.DataFrame
) -> dict[str, dict[str, Any]]:
    """What each summary column means, for the sidecar and Excel's Notes sheet."""
    key, measure = result.key, result.measure
    total = result.totals.get(measure)
    thing = label(key).lower()
    if result.change_label:
        years = result.change_label
    elif key == YEAR:
        years = "each year vs the year before"
    else:
        years = None
    known: dict[str, dict[str, Any]] = {
        key: {
            "meaning": f"{label(key)}: one row per member in the selection (no total row: "
            f"the total is in the sidecar's [totals] and, in Excel, below the table)"
        },
        measure: {
            "meaning": f"{label(measure)} in the selection",
            "unit": _measure_unit(dataset, measure),
        },
        SHARE: {
            "meaning": f"share of the selection's total {measure}",
            "unit": FRACTION,
            "base": total,
        },
        SHARE_RECORDED: {
            "meaning": f"share of the {measure} whose {thing} was recorded "
            f"('{NOT_RECORDED}' left out of the denominator, and empty on its own row)",
            "unit": FRACTION,
            "base": result.recorded_total,
        },
        CHANGE: {
            "meaning": f"relative change in {measure} on the previous year"
            if years
            else "relative change on the previous year (none: no earlier year to compare)",
            "unit": "fraction of 1 (+0.10 = +10%)",
            "years_compared": years,
        },
        RATE: {
            "meaning": f"{measure} per 100,000 residents of the selected forces"
            if result.rate_label
            else "rate per 100,000 residents (none: no population known for this grouping)",
            "unit": result.rate_label,
            "base": "approximate 2018 resident population (data/forces.csv)"
            if result.rate_label
            else None,
        },
    }
    known.update(_uncertainty_columns(measure))
    known.update(_range_columns(measure))
    titles = column_titles(result)
    columns = {}
    for column in frame.columns:
        note = known.get(column) or {"meaning": f"{label(column)}, as in the dataset"}
        columns[column] = {"header": titles.get(column, label(column)), **drop_none(note)}
    return columns


def _uncertainty_columns(measure: str) -> dict[str, dict[str, Any]]:
    """What the interval and significance columns mean, naming their methods."""
    interval = {
        "level": stats.LEVEL,
        "method": stats.INTERVAL_METHOD,
        "missing": "for a modelled count: it was not recorded, so it has no chance spread "
        "(range_low and range_high say what the published figures allow)",
    }
    return {
        LOW: {"meaning": f"lower limit of the 95% interval of {measure}", **interval},
        HIGH: {"meaning": f"upper limit of the 95% interval of {measure}", **interval},
        RATE_LOW: {"meaning": "lower limit of the 95% interval of the rate per 100k", **interval},
        RATE_HIGH: {"meaning": "upper limit of the 95% interval of the rate per 100k", **interval},
        CHANGE_SIGNIFICANT: {
            "meaning": "whether the change is statistically distinguishable from no change "
            "(empty where no change is shown, and where either count is modelled: a model's "
            "estimate is not a measurement to test)",
            "method": stats.CHANGE_METHOD,
            "significance": stats.SIGNIFICANCE,
        },
    }


def _range_columns(measure: str) -> dict[str, dict[str, Any]]:
    """What the range columns mean: what the published figures allow for each count."""
    allowed = (
        f"the published figures allow for the row's {measure}: a published or derived count is "
        "fixed (low = high = the count); a modelled one ranges over every value that all "
        "targeted published figures allow together"
    )
    return {
        RANGE_LOW: {"meaning": f"smallest value {allowed}", "unit": f"count of {measure}"},
        RANGE_HIGH: {"meaning": f"largest value {allowed}", "unit": f"count of {measure}"},
        RANGE_KIND: {
            "meaning": "exact: the range of this very number, as the published figures allow it "
            "(one scope-year, or fixed); bound: a sum of modelled parts, given the sum of the "
            "parts' ranges (the exact range lies inside it). Empty where no range is known",
        },
    }


def _row_columns(dataset: Dataset, frame: pl.DataFrame) -> dict[str, dict[str, Any]]:
    """What each column of a rows export means."""
    columns = {}
    for column in frame.columns:
        if column in dataset.measures:
            note = {
                "meaning": f"{label(column)} in this row of the dataset",
                "unit": _measure_unit(dataset, column),
            }
        elif column in dataset.dimensions:
            note = {"meaning": f"{label(column)} of this row (as read and cleaned by scwc)"}
        else:
            note = {"meaning": f"{label(column)}, as in the dataset"}
        columns[column] = {"header": label(column), **note}
    return columns


def _measure_unit(dataset: Dataset, measure: str) -> str:
    unit = dataset.metadata.get("unit")
    return str(unit) if measure == dataset.measure and unit else f"count of {measure}"


def _about(dataset: Dataset, selection: Selection, what: str) -> list[tuple[str, str]]:
    """Source, selection and status of an export, as lines for Excel's Notes sheet."""
    lines = [
        ("Source", dataset.name),
        ("Data file", dataset.path.name if dataset.path else "(embedded)"),
        ("Data file SHA-256", sha256_of(dataset.path)),
    ]
    if dataset.modelled:
        lines.append(
            (
                "MODELLED",
                "published totals are exact; the breakdown below them is modelled, "
                "not an official statistic",
            )
        )
    if selection.published_only and what == "summary":
        lines.append(("PUBLISHED ONLY", "every modelled number is left blank"))
    lines += [
        ("Content", "filtered rows" if what == "rows" else f"summary by {selection.group_by}"),
        ("Measure", selection.measure),
        ("Filters", filters_text(selection)),
        ("Drill path", " › ".join(f"{d} = {m}" for d, m in selection.drill_path) or "none"),
        ("Made with", f"scwc {__version__}; the .toml sidecar beside this file reproduces it"),
    ]
    return lines


def _write_toml(document: dict[str, Any], staged: Path) -> None:
    staged.write_text(tomli_w.dumps(document), encoding="utf-8")


def export(
    dataset: Dataset,
    selection: Selection,
    path: Path,
    *,
    what: str = "summary",
    fmt: str | None = None,
    overwrite: bool = False,
    chart: str = "bar",
    excel: bool = False,
) -> ExportResult:
    """Write the selection to ``path`` and its sidecar beside it, as one unit: both or neither."""
    fmt = format_for(path, fmt)
    if dataset.path and os.path.realpath(path) == os.path.realpath(dataset.path):
        raise DataError(f"{path}: is the data file being exported; choose another name")
    if excel and fmt not in TEXT_FORMATS:
        raise DataError("--excel (a byte-order mark) applies to CSV and TSV only")
    content = export_content(dataset, selection, what, excel)
    core = record(dataset, selection, what, fmt, content, chart)
    content = replace(content, metadata=tomli_w.dumps(core))
    document = sidecar(dataset, selection, what, fmt, path, content, chart)
    side = sidecar_path(path)
    write_together(
        [
            (path, lambda staged: WRITERS[fmt](content, staged)),
            (side, lambda staged: _write_toml(document, staged)),
        ],
        overwrite=overwrite,
    )
    return ExportResult(path, side, content.frame.height)
