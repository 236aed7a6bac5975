"""Export exactly what the app shows (the summary or the filtered rows) with a TOML sidecar.

Machine formats (CSV, TSV, Parquet, JSON, NDJSON) hold members only: the total is in the
sidecar's ``[totals]`` table, and in Excel below the table. The sidecar's ``[columns]`` table says
what each column means; Parquet carries the same record in its key-value metadata. The writer of
each format is in :mod:`.writers`, the sidecar's record in :mod:`.export_record`, the file and
format a typed name means in :mod:`.export_names`; here the two files are written as one unit.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import polars as pl
import tomli_w

from tui import __version__
from tui.data.atomic import write_together
from tui.data.dataset import DataError, Dataset
from tui.data.engine import stats
from tui.data.engine.provenance import LEGEND, MODELLED, Provenance, ledger
from tui.data.engine.query import matching_rows, summary, validate
from tui.data.engine.ranges import RANGE_HIGH, RANGE_KIND, RANGE_LOW
from tui.data.engine.table import (
    CHANGE,
    CHANGE_SIGNIFICANT,
    COVERAGE,
    FLAG,
    FLAG_LEGEND,
    HIGH,
    LOW,
    MISSING,
    PARTIAL_LEGEND,
    RATE,
    RATE_CHILDREN,
    RATE_CHILDREN_HIGH,
    RATE_CHILDREN_LOW,
    RATE_HIGH,
    RATE_LOW,
    SHARE,
    SHARE_RECORDED,
    Summary,
)
from tui.data.loading.sidecar import sidecar_path
from tui.data.output.datapackage import datapackage as describe
from tui.data.output.datapackage import datapackage_path
from tui.data.output.export_names import TEXT_FORMATS, format_for
from tui.data.output.export_record import drop_none, filters_text, record, sha256_of, sidecar
from tui.data.output.format import column_titles
from tui.data.output.writers import WRITERS, ExportContent
from tui.data.schema import NOT_RECORDED, PROVENANCE, YEAR, label
from tui.data.selection import Selection

WHAT = ("summary", "rows")
TOTAL_LABEL = "Total"
FRACTION = "fraction of 1 (0.25 = 25%)"


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote."""

    path: Path
    sidecar: Path
    rows: int
    datapackage: Path | None = None


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
            statuses = {m: result.status_of(m) for m in frame[result.key].to_list()}
            frame = frame.with_columns(
                pl.col(result.key)
                .replace_strict(statuses, return_dtype=pl.String)
                .alias(PROVENANCE)
            )
        titles = {**{c: label(c) for c in frame.columns}, **column_titles(result)}
        columns = _summary_columns(dataset, selection, result, frame)
        totals = {result.key: TOTAL_LABEL, **result.totals}
        if marked and result.total_provenance is not None:
            totals[PROVENANCE] = result.status_of(None)
            published = [*result.provenance.values(), result.total_provenance]
    if PROVENANCE in frame.columns:
        columns[PROVENANCE] = {
            "header": "Provenance",
            "meaning": "published (a cited source gives this number), derived (sums or differences "
            "of published figures), modelled (an estimate; a modelled sum with a gap stays so) "
            "or partial (published or derived figures with force-years missing: see 'missing')",
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
        "legend": f"{LEGEND}  {PARTIAL_LEGEND}  {FLAG_LEGEND}",
        "published": "a cited source gives this number",
        "derived": "sums or differences of published figures",
        "modelled": "an estimate: not a published figure",
        "partial": "published or derived figures with force-years missing: not the whole",
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
            "meaning": f"relative change in {measure} on the previous year, like with like: over "
            "the forces (or cells) with a figure in both years only; such a change over fewer "
            "than the row holds is not tested (change_significant empty)"
            if years
            else "relative change on the previous year (none: no earlier year to compare)",
            "unit": "fraction of 1 (+0.10 = +10%)",
            "years_compared": years,
        },
        **_rate_columns(result, measure),
        **_holding_columns(result),
    }
    known.update(_uncertainty_columns(measure))
    known.update(_range_columns(measure))
    titles = column_titles(result)
    columns = {}
    for column in frame.columns:
        note = known.get(column) or {"meaning": f"{label(column)}, as in the dataset"}
        columns[column] = {"header": titles.get(column, label(column)), **drop_none(note)}
    return columns


POPULATIONS = (
    "each year's own mid-year estimate of {} (data/populations.csv: ONS for England and Wales, "
    "NRS for Scotland, NISRA for Northern Ireland; mid-2019 for 2019/20), summed over the same "
    "force-years as the count: a force-year with no figure leaves both"
)


def _rate_columns(result: Summary, measure: str) -> dict[str, dict[str, Any]]:
    """What the two rates mean and what they divide by."""
    none = "none: " + (result.rate_note or "no population known for this grouping")
    return {
        RATE: {
            "meaning": f"{measure} per 100,000 residents (all ages) of the force-years counted"
            if result.rate_label
            else f"rate per 100,000 residents ({none})",
            "unit": result.rate_label,
            "base": POPULATIONS.format("residents of all ages") if result.rate_label else None,
            "missing": result.rate_note,
        },
        RATE_CHILDREN: {
            "meaning": f"{measure} per 10,000 children aged 0-17 of the force-years counted"
            if result.rate_children_label
            else f"rate per 10,000 children aged 0-17 ({none})",
            "unit": result.rate_children_label,
            "base": POPULATIONS.format("children aged 0-17")
            if result.rate_children_label
            else None,
            "missing": result.rate_note,
        },
    }


def _holding_columns(result: Summary) -> dict[str, dict[str, Any]]:
    """What the coverage, missing and flag columns mean."""
    unit = result.coverage_of(None).unit if result.coverage_of(None) else "force-years"
    return {
        MISSING: {
            "meaning": f"the {unit} under the row with no figure (none given, or blank or "
            "suppressed in the file), ';'-separated; empty when the row is complete. A row "
            "missing any is partial: the sum of what there is, not the whole (missing is not "
            "zero); it has no interval and no change test, and rate rankings leave it out",
            "reason": result.missing_reason or None,
        },
        COVERAGE: {
            "meaning": f"how many of the row's {unit} have a figure, e.g. '42 of 43 {unit}'"
        },
        FLAG: {
            "meaning": "why a figure under the row is doubtful although kept as published (its "
            "source notes it looks anomalous, it conflicts with a published sum, or it is over "
            "5-fold against both neighbouring years); empty when none is. No change across a "
            "flagged figure is tested",
        },
    }


def _uncertainty_columns(measure: str) -> dict[str, dict[str, Any]]:
    """What the interval and significance columns mean, naming their methods."""
    interval = {
        "level": stats.LEVEL,
        "method": stats.INTERVAL_METHOD,
        "missing": "for a modelled count: it was not recorded, so it has no chance spread "
        "(range_low and range_high say what the published figures allow); for a partial count "
        "(force-years missing): it is not the count an interval would be of",
    }
    return {
        LOW: {"meaning": f"lower limit of the 95% interval of {measure}", **interval},
        HIGH: {"meaning": f"upper limit of the 95% interval of {measure}", **interval},
        RATE_LOW: {"meaning": "lower limit of the 95% interval of the rate per 100k", **interval},
        RATE_HIGH: {"meaning": "upper limit of the 95% interval of the rate per 100k", **interval},
        RATE_CHILDREN_LOW: {
            "meaning": "lower limit of the 95% interval of the rate per 10k children",
            **interval,
        },
        RATE_CHILDREN_HIGH: {
            "meaning": "upper limit of the 95% interval of the rate per 10k children",
            **interval,
        },
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
    datapackage: bool = False,
) -> ExportResult:
    """Write the selection to ``path`` and its sidecar beside it, as one unit: both or neither
    (with ``datapackage``, a Frictionless ``datapackage.json`` beside them too, in the unit)."""
    fmt = format_for(path, fmt)
    if dataset.path and os.path.realpath(path) == os.path.realpath(dataset.path):
        raise DataError(f"{path}: is the data file being exported; choose another name")
    if excel and fmt not in TEXT_FORMATS:
        raise DataError("--excel (a byte-order mark) applies to CSV and TSV only")
    content = export_content(dataset, selection, what, excel)
    core = record(dataset, selection, what, fmt, content, chart)
    content = replace(content, metadata=tomli_w.dumps(core))
    package_path = datapackage_path(path) if datapackage else None
    package_name = package_path.name if package_path else None
    document = sidecar(dataset, selection, what, fmt, path, content, chart, package_name)
    side = sidecar_path(path)
    files = [
        (path, lambda staged: WRITERS[fmt](content, staged)),
        (side, lambda staged: _write_toml(document, staged)),
    ]
    if package_path is not None:
        package = describe(dataset, content, document, path, fmt)
        text = json.dumps(package, indent=2, ensure_ascii=False) + "\n"
        files.append((package_path, lambda staged: staged.write_text(text, encoding="utf-8")))
    write_together(files, overwrite=overwrite)
    return ExportResult(path, side, content.frame.height, package_path)
