"""Cross-tabs: forces (or platforms, or age bands) down, financial years across. The year columns
are unpivoted into a ``year`` dimension (their headers become its raw values); a ``Total`` column
beside them is left out."""

from __future__ import annotations

import re

import polars as pl

from tui.data.labels import quoted
from tui.data.loading.report import LoadReport, shorten
from tui.data.loading.years import financial_year
from tui.data.schema import MEASURE, YEAR

TOTAL_COLUMN = re.compile(r"^(grand\s+)?totals?\b|^all\s+years$|^sum$", re.IGNORECASE)


def unpivot_years(
    frame: pl.LazyFrame, keep: list[str], report: LoadReport
) -> tuple[pl.LazyFrame, dict[str, str]]:
    """Unpivot year-like columns (original names) into ``year``/``offences``.

    ``keep`` are the internal columns (row number) to carry along. Returns the frame and the
    original → new name mapping of the columns left (year columns gone, ``year`` and ``offences``
    added), or the frame unchanged with an empty mapping when it is not a cross-tab.
    """
    columns = [c for c in frame.collect_schema().names() if c not in keep]
    years = [c for c in columns if financial_year(c) is not None]
    if not years:
        return frame, {}
    totals = [c for c in columns if c not in years and TOTAL_COLUMN.match(c.strip())]
    index = [c for c in columns if c not in years and c not in totals]
    schema = frame.collect_schema()
    if len({schema[c] for c in years}) > 1:
        frame = frame.with_columns(pl.col(years).cast(pl.String))
    unpivoted = frame.unpivot(
        on=years, index=[*keep, *index], variable_name=YEAR, value_name=MEASURE
    )
    note = f"years across unpivoted into 'year' ({shorten(years, 4)})"
    if totals:
        note += f"; column {shorten([quoted(t) for t in totals])} left out (a total)"
    report.add("crosstab", note)
    return unpivoted, {c: c for c in index}
