"""The summary as aligned text (``scwc summary``): every column in full (:func:`summary_lines`),
or fitted to a terminal's width (:func:`fitted_summary`).

Long headers are abbreviated first (``YoY`` for ``Change 2023/24 vs 2022/23``), then whole
columns are left out, least needed first (the share where recorded, the 95% interval, the share,
the range, the rate per child, the rate, the change: the count and its mark always stay), then names are cut with
``…``; what was abbreviated or left out is said under the table (``--wide`` shows every column).
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from tui.data.engine.table import (
    CHANGE,
    HIGH,
    LOW,
    RATE,
    RATE_CHILDREN,
    SHARE,
    SHARE_RECORDED,
    Summary,
)
from tui.data.output.format import INTERVAL, RANGE, column_titles, row_cell, shorten
from tui.data.schema import PROVENANCE


def summary_lines(
    result: Summary, titles: dict[str, str] | None = None, name_width: int | None = None
) -> list[str]:
    """The summary as aligned text lines: header, rows, totals; ``titles``: the columns to show
    and their headers (default: all of them, in full); ``name_width``: names cut to it."""
    titles = titles or column_titles(result)
    columns = list(titles)
    names = [str(m) for m in result.frame[result.key]]
    shown = shorten(names, name_width) if name_width else names
    rows = [
        [name] + [row_cell(result, c, r) for c in columns[1:]]
        for name, r in zip(shown, result.frame.iter_rows(named=True), strict=True)
    ]
    totals = ["Total"] + [row_cell(result, c, result.totals) for c in columns[1:]]
    header = [titles[c] for c in columns]
    if result.marked:  # a mark beside each count, explained by the legend
        header.insert(2, "")
        for name, row in zip(names, rows, strict=True):
            row.insert(2, result.mark_of(name))
        totals.insert(2, result.mark_of(None))
        columns.insert(2, PROVENANCE)
    table = [header, *rows, totals]
    widths = [max(len(row[i]) for row in table) for i in range(len(columns))]

    def line(values: list[str]) -> str:
        first = values[0].ljust(widths[0])
        rest = (v.rjust(w) for v, w in zip(values[1:], widths[1:], strict=True))
        return "  ".join([first, *rest]).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return [line(table[0]), rule, *(line(r) for r in table[1:-1]), rule, line(totals)]


LEFT_OUT_FIRST = (SHARE_RECORDED, LOW, HIGH, SHARE, RANGE, RATE_CHILDREN, RATE, CHANGE, INTERVAL)
"""The order columns are left out in when the table is too wide."""
SHORTEST_NAME = 8


@dataclass(frozen=True)
class Fitted:
    """The table's lines and what was done to make them fit."""

    lines: list[str]
    abbreviated: list[str]
    """``YoY = Change 2023/24 vs 2022/23``: each header shortened, with what it stands for."""
    left_out: list[str]
    """The headers of the columns left out."""
    names_cut: bool = False

    def note(self, width: int) -> str | None:
        """One line saying what was done (``None`` when nothing was)."""
        said = []
        if self.abbreviated:
            said.append(f"abbreviated {'; '.join(self.abbreviated)}")
        if self.left_out:
            said.append(f"left out {', '.join(self.left_out)}")
        if self.names_cut:
            said.append("names cut with …")
        if not said:
            return None
        text = f"To fit {width} columns: {' · '.join(said)} (--wide shows every column)."
        return textwrap.fill(text, max(width, 20), break_on_hyphens=False)


def _width(lines: list[str]) -> int:
    return max(len(line) for line in lines)


def fitted_summary(result: Summary, width: int) -> Fitted:
    """The summary's lines within ``width`` columns (a name column no narrower than 8 aside)."""
    full = column_titles(result)
    titles = dict(full)
    lines = summary_lines(result, titles)
    if _width(lines) <= width:
        return Fitted(lines, [], [])
    abbreviated = []
    for column, short in column_titles(result, compact=True).items():
        if column in titles and titles[column] != short:
            abbreviated.append(f"{short} = {full[column]}")
            titles[column] = short
    left_out = []
    for column in LEFT_OUT_FIRST:
        lines = summary_lines(result, titles)
        if _width(lines) <= width:
            break
        if column in titles:
            left_out.append(full[column])
            del titles[column]
    lines = summary_lines(result, titles)
    cut = False
    if _width(lines) > width:
        longest = max([len(str(m)) for m in result.frame[result.key]] + [5])
        name_width = max(longest - (_width(lines) - width), SHORTEST_NAME)
        lines = summary_lines(result, titles, name_width)
        cut = name_width < longest
    shown = set(titles.values())
    return Fitted(lines, [a for a in abbreviated if a.split(" = ")[0] in shown], left_out, cut)
