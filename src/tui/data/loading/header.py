"""The header: canonical column names, and which columns are dimensions and which are counts."""

from __future__ import annotations

import polars as pl

from tui.data.dataset import DataError
from tui.data.labels import quoted
from tui.data.loading.numbers import TEXT_TYPES, is_count_like
from tui.data.loading.report import LoadReport
from tui.data.loading.years import financial_year
from tui.data.schema import (
    ALIASES,
    MEASURE,
    NSPCC_DIMENSIONS,
    file_column,
    squash,
)

KNOWN_DIMENSIONS = frozenset(
    (
        *NSPCC_DIMENSIONS,
        "jurisdiction",
        "financial_quarter",
        "offence_description",
        "offence_group",
        "offence_subgroup",
        "offence_code",
    )
)
SAMPLE_ROWS = 5_000
"""Rows read to tell dimensions from counts (a later surprise is reported on its cell)."""


def looks_like_header_cell(text: object) -> bool:
    """A cell a header row would hold: a known column name or a financial year."""
    if text is None:
        return False
    value = str(text).strip()
    return bool(value) and (squash(value) in ALIASES or financial_year(value) is not None)


def refuse_duplicate_columns(names: tuple[str, ...] | list[str], file: str) -> None:
    """Two columns of the same name (after trimming): which one holds the counts is a guess, so
    the file is refused, naming both by their place."""
    seen: dict[str, int] = {}
    for number, name in enumerate(names, start=1):
        key = name.strip()
        if not key:
            continue
        if key in seen:
            raise DataError(
                f"{file}: columns {seen[key]} and {number} are both named {quoted(key)} "
                "(rename one: which to read would be a guess)"
            )
        seen[key] = number


def canonical_names(columns: list[str], name: str) -> dict[str, str]:
    """Original → canonical column name; two columns meaning the same is an error."""
    renamed: dict[str, str] = {}
    for column in columns:
        canonical = file_column(column)
        if canonical in renamed.values():
            original = next(k for k, v in renamed.items() if v == canonical)
            raise DataError(
                f"{name}: columns {quoted(original)} and {quoted(column)} both mean '{canonical}'"
            )
        renamed[column] = canonical
    return renamed


def classify(
    frame: pl.LazyFrame, columns: list[str], european: bool, report: LoadReport
) -> tuple[list[str], list[str]]:
    """(dimensions, measure candidates) from the names and a sample of the rows.

    Known dimension names are dimensions; ``offences`` is the first candidate measure; any other
    column is a count if every sampled cell reads as one, else a dimension.
    """
    schema = frame.collect_schema()
    text = [
        c for c in columns if c not in KNOWN_DIMENSIONS and c != MEASURE and schema[c] in TEXT_TYPES
    ]
    sample = frame.select(text).head(SAMPLE_ROWS).collect() if text else pl.DataFrame()
    dimensions, candidates = [], []
    for column in columns:
        dtype = schema[column]
        if column in KNOWN_DIMENSIONS:
            dimensions.append(column)
        elif column == MEASURE:
            candidates.insert(0, column)
        elif column in text:
            (candidates if is_count_like(sample[column], european) else dimensions).append(column)
        elif dtype.is_numeric():
            candidates.append(column)
        else:
            dimensions.append(column)
    if not candidates:
        raise DataError(
            f"{report.file}: no measure column: need one column of whole-number counts such as "
            "'offences'"
        )
    if not dimensions:
        raise DataError(
            f"{report.file}: no dimension column: need at least one text column such as 'force'"
        )
    return dimensions, candidates
