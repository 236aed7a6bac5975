"""Rows that are not data: totals (``Total``, ``Grand total``, ``All forces``, ``England and
Wales``, a region or nation in the force column, or a blank-keyed row equal to the sum of the
others) and footnote lines under the table (``* Includes...``, ``Source: ...``)."""

from __future__ import annotations

import re

import polars as pl

from tui.data.dataset import ROWS
from tui.data.labels import safe_text
from tui.data.loading.layout import Layout
from tui.data.loading.names import tidy
from tui.data.loading.paths import repo_data_dir
from tui.data.loading.read import ROW
from tui.data.loading.report import LoadReport
from tui.data.schema import YEAR

TOTAL_LABEL = re.compile(
    r"^(grand\s+|overall\s+|sub-?\s*)?totals?\b.*$|^.+\s(sub-?)?totals?$|^all$|^sum$|^overall$"
    r"|^all\s+(forces|police forces|areas|regions|platforms|apps|sites|methods|ages|age bands"
    r"|age groups|victims|years|offences|quarters)$",
    re.IGNORECASE,
)
GEOGRAPHY_TOTAL = re.compile(
    r"^(england\s+(and|&)\s+wales|united kingdom|uk|great britain|national)(\s+total)?$",
    re.IGNORECASE,
)
NOTE_START = re.compile(
    r"^(\*|†|‡|\(?[a-z0-9]{1,2}\)|notes?\b|sources?\b|figures\b|data\b|please\b|this\b|"
    r"these\b|the\s|\d+\.\s)",
    re.IGNORECASE,
)
GEOGRAPHY = ("force", "region", "nation")


def is_total_label(dimension: str, text: str, areas: frozenset[str]) -> bool:
    """Whether a member label names a total rather than a member.

    ``areas`` are region and nation names that are not force names (a subtotal in a force column).
    """
    text = " ".join(text.split())
    if TOTAL_LABEL.match(text):
        return True
    if dimension in GEOGRAPHY and GEOGRAPHY_TOTAL.match(text):
        return True
    return dimension == "force" and text.lower() in areas


def is_footnote(text: str, has_values: bool) -> bool:
    """Whether a lone first cell reads like a note under a table rather than a member: it starts
    like a note (``*``, ``(a)``, ``Source``...), or, on a row without counts, starts with a
    bracket (``[1] ...``) or is a long sentence."""
    text = " ".join(text.split())
    if NOTE_START.match(text):
        return True
    if has_values:  # a label in brackets with its counts (``[c]``, ``[b] Other``) is data
        return False
    return text.startswith("[") or len(text.split()) >= 5 or len(text) > 40


def non_data_cells(
    raw_cube: pl.DataFrame, layout: Layout, spellings: dict[str, pl.DataFrame], report: LoadReport
) -> pl.DataFrame:
    """Cube cells holding total rows or footnote lines; reported with their row numbers."""
    dimensions = layout.dimensions
    main = layout.candidates[0]
    areas = area_names()
    first = next((d for d in dimensions if d != YEAR), dimensions[0])
    footnotes: list[str] = []
    blank_key = [d for d in dimensions if d != YEAR]
    recorded = raw_cube.with_row_index("_cell")
    # with the year as the only dimension there is no key to be blank: no blank-keyed totals
    is_blank = (
        pl.all_horizontal(
            pl.col(d).cast(pl.String).str.strip_chars().fill_null("") == "" for d in blank_key
        )
        if blank_key
        else pl.lit(False)
    )
    # each distinct label is classified once (a cube has thousands of cells, a few hundred labels)
    totals = [_total_labels(recorded, d, areas) for d in dimensions]  # "Total" in a year, too
    total_label = pl.coalesce(totals) if totals else pl.lit(None, pl.String)
    classified = recorded.with_columns(total_label.alias("_total"))
    labels = dict(
        classified.filter(pl.col("_total").is_not_null()).select("_cell", "_total").rows()
    )
    others_blank = [pl.col(d).is_null() for d in dimensions if d not in (first, YEAR)]
    lone_cells = classified.filter(
        pl.col("_total").is_null() & pl.col(first).is_not_null() & pl.all_horizontal(others_blank)
        if others_blank
        else pl.col("_total").is_null() & pl.col(first).is_not_null()
    )
    for cell in lone_cells.iter_rows(named=True):
        values = any(cell[f"{m}:n"] or cell[f"{m}:bad"] for m in layout.candidates)
        lone = tidy(str(cell[first]))
        if lone and is_footnote(lone, values):
            labels[cell["_cell"]] = lone
            footnotes.append(lone)
    blank = recorded.filter(is_blank & ~pl.col("_cell").is_in(list(labels)))
    for cell in blank.iter_rows(named=True):
        same_year = pl.col(YEAR) == cell[YEAR] if YEAR in dimensions else pl.lit(True)
        others = recorded.filter(same_year & ~pl.col("_cell").is_in([*labels, cell["_cell"]]))
        if others[ROWS].sum() < 2 or not cell[main] or cell[main] != others[main].sum():
            continue
        this = cells_predicate(recorded.filter(pl.col("_cell") == cell["_cell"]), dimensions)
        above = layout.numbered.filter(same_year).select(
            pl.col(ROW).filter(this).min().alias("total"), pl.col(ROW).filter(~this).max()
        )
        positions = above.collect().row(0)
        if cell[ROWS] == 1 and positions[0] is not None and positions[0] > (positions[1] or 0):
            labels[cell["_cell"]] = ""  # one blank-keyed row under the rows it sums
    if not labels:
        return raw_cube.clear()
    dropped = recorded.filter(pl.col("_cell").is_in(list(labels)))
    rows = (
        layout.numbered.filter(cells_predicate(dropped, dimensions))
        .select(ROW, *dimensions)
        .unique(ROW)
        .sort(ROW)
        .collect()
    )
    cell_label = {
        tuple(c[d] for d in dimensions): labels[c["_cell"]] for c in dropped.iter_rows(named=True)
    }
    total_rows, note_rows = [], []
    for row in rows.iter_rows(named=True):
        label = cell_label.get(tuple(row[d] for d in dimensions), "")
        (note_rows if label in footnotes else total_rows).append((row[ROW], label))
    report.skipped_rows += len(total_rows) + len(note_rows)
    if total_rows:
        count = len(total_rows)
        numbers = ", ".join(str(r) for r, _ in total_rows[:6]) + (", ..." if count > 6 else "")
        shown = ", ".join(f'"{safe_text(t)}"' for t in dict.fromkeys(t for _, t in total_rows))
        plural = "s" if count > 1 else ""
        report.add("totals", f"{count} total row{plural} skipped (row{plural} {numbers}: {shown})")
    if note_rows:
        texts = " | ".join(dict.fromkeys(safe_text(t) for _, t in note_rows))
        report.add("totals", f"{len(note_rows)} footnote line(s) under the table skipped: {texts}")
    return dropped.drop("_cell")


def _total_labels(cells: pl.DataFrame, dimension: str, areas: frozenset[str]) -> pl.Expr:
    """Per cell, the tidied label of ``dimension`` if it names a total, else null."""
    names = {
        value: text
        for value in cells[dimension].drop_nulls().unique().to_list()
        if is_total_label(dimension, text := tidy(str(value)), areas)
    }
    if not names:
        return pl.lit(None, pl.String)
    return pl.col(dimension).replace_strict(
        list(names), list(names.values()), default=None, return_dtype=pl.String
    )


def area_names() -> frozenset[str]:
    """Region and nation names that are not also force names (subtotals in a force column)."""
    path = repo_data_dir() / "forces.csv"
    if not path.is_file():
        return frozenset()
    reference = pl.read_csv(path)
    forces = {f.lower() for f in reference["force"]}
    areas = {a.lower() for a in [*reference["region"], *reference["nation"]]}
    return frozenset(areas - forces)


def cells_predicate(cells: pl.DataFrame, dimensions: list[str]) -> pl.Expr:
    """Rows whose raw dimension values are those of one of ``cells``."""
    matches = []
    for cell in cells.select(dimensions).iter_rows(named=True):
        matches.append(
            pl.all_horizontal(
                pl.col(d).is_null() if v is None else (pl.col(d) == v).fill_null(False)
                for d, v in cell.items()
            )
        )
    return pl.any_horizontal(matches)
