"""Validation: every kept cell of the measure is a non-negative whole number (or missing where a
file may leave it so), and every year a year; the first offending cell is named by its column and
row."""

from __future__ import annotations

import re

import polars as pl

from tui.data.dataset import DataError
from tui.data.labels import quoted
from tui.data.loading.cube import UNCOUNTED
from tui.data.loading.layout import Layout
from tui.data.loading.numbers import Parsed
from tui.data.loading.read import ROW
from tui.data.loading.report import LoadReport
from tui.data.loading.years import financial_year
from tui.data.schema import MEASURE, NOT_RECORDED, YEAR

MAX_COUNT = 1_000_000_000
"""No count of offences in one cell comes near it; above it the sums could overflow."""


def validate(
    raw_cube: pl.DataFrame,
    layout: Layout,
    parsers: dict[str, Parsed],
    keep: pl.Expr,
    report: LoadReport,
) -> list[str]:
    """Measures whose every cell is a non-negative whole number (or missing, in a cross-tab or
    as a suppression marker); the first must be, others are noted and left out."""
    measures = []
    for index, column in enumerate(layout.candidates):
        parsed = parsers[column]
        problems = {
            "bad": (int(raw_cube[f"{column}:bad"].sum()), parsed.bad),
            "missing": (
                0 if layout.crosstab else int(raw_cube[UNCOUNTED].sum()),
                parsed.blank,
            ),
            "negative": (
                int((raw_cube[f"{column}:min"] < 0).sum()),
                parsed.value < 0,
            ),
            "too large": (
                int((raw_cube[f"{column}:max"] > MAX_COUNT).sum()),
                parsed.value > MAX_COUNT,
            ),
        }
        problem = next((kind for kind, (count, _) in problems.items() if count), None)
        if problem is None:
            measures.append(column)
        elif index == 0:
            raise DataError(describe(layout, parsed, column, problem, problems[problem][1], keep))
        else:
            report.add(
                "validate",
                f"column {quoted(layout.original.get(column, column))} ignored: not whole-number counts",
            )
    return measures


CALENDAR_YEAR = re.compile(r"(19|20)\d\d")
"""A calendar year (``2019``) is a year too; it is kept as written."""


def refuse_unreadable_years(
    layout: Layout, spellings: dict[str, pl.DataFrame], kept_cells: pl.DataFrame, keep: pl.Expr
) -> None:
    """A year column whose kept cell reads as no year (``20x7``, ``DROP TABLE``) would be a year
    with year-on-year changes: the first such cell is refused, quoted, with its row."""
    if YEAR not in layout.dimensions or layout.crosstab:
        return  # a cross-tab's years are its headers, each read as a year
    present = set(kept_cells[YEAR].drop_nulls().cast(pl.String).to_list())
    bad = [
        raw
        for raw, meant in spellings[YEAR].iter_rows()
        if raw is not None
        and str(raw) in present
        and meant != NOT_RECORDED
        and financial_year(meant) is None
        and not CALENDAR_YEAR.fullmatch(meant)
    ]
    if not bad:
        return
    first = (
        layout.numbered.filter(pl.col(YEAR).cast(pl.String).is_in(bad) & keep)
        .select(ROW, pl.col(YEAR).cast(pl.String))
        .sort(ROW)
        .head(1)
        .collect()
        .row(0)
    )
    raise DataError(
        f"{layout.file}: column {quoted(layout.original.get(YEAR, YEAR))}, row {first[0]}: "
        f"{quoted(first[1])} is not a financial year (such as 2019/20 or 2019-20)"
    )


def describe(
    layout: Layout, parsed: Parsed, column: str, problem: str, condition: pl.Expr, keep: pl.Expr
) -> str:
    """One line naming the file's column and the first offending row (numbered as in the file)."""
    first = (
        layout.numbered.filter(condition & keep)
        .select(ROW, pl.col(column).cast(pl.String).alias("raw"), parsed.value.alias("value"))
        .sort(ROW)
        .head(1)
        .collect()
        .row(0, named=True)
    )
    where = f"column {quoted(layout.original.get(column, column))}, row {first[ROW]}"
    if layout.crosstab and column == MEASURE:
        where = f"row {first[ROW]}"
    if problem == "bad":
        return f"{layout.file}: {where}: {quoted(first['raw'])} is not a whole-number count"
    if problem == "missing":
        return f"{layout.file}: {where}: missing count"
    if problem == "too large":
        return f"{layout.file}: {where}: a count of {first['value']} is not a count of offences"
    return f"{layout.file}: {where}: negative count {first['value']}"


def note_cells(
    raw_cube: pl.DataFrame, measures: list[str], crosstab: bool, report: LoadReport
) -> None:
    for column in measures:
        suppressed = int(raw_cube[f"{column}:suppressed"].sum())
        footnoted = int(raw_cube[f"{column}:footnoted"].sum())
        blank = int(raw_cube[f"{column}:blank"].sum()) if crosstab else 0
        if suppressed:
            report.add(
                "numbers",
                f"{suppressed} suppressed cell(s) (*, .., [c], [x], -) read as missing, not zero",
            )
        if blank:
            report.add("numbers", f"{blank} blank cell(s) read as missing, not zero")
        if footnoted:
            report.add(
                "numbers",
                f"{footnoted} count(s) carry a footnote marker (e.g. 102*): read as the number",
            )
