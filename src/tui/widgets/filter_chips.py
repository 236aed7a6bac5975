"""The active filters, every one of them always on screen."""

from __future__ import annotations

import re

from rich.text import Text
from textual.widgets import Static

from tui.data.labels import safe_text
from tui.data.schema import HIERARCHIES, YEAR, drill_order, label
from tui.data.selection import Selection

MEMBERS_SHOWN = 3
"""Members of one filter shown when every member would take more than :data:`WRAPPED_LINES`."""
WRAPPED_LINES = 2
HEADING = "Filters  "
SELF_NAMED = frozenset({*HIERARCHIES[0], YEAR})
"""Dimensions whose members say what they are (a place, a year): on a narrow line they are
shown without their dimension's name."""


def filter_parts(
    selection: Selection, compact: bool = False, most: int | None = MEMBERS_SHOWN
) -> list[str]:
    """``Force: West Mercia``, ``Year: 2017/18–2019/20``: one part per filtered dimension, at most
    ``most`` members each (and how many more; ``None``: all), years in a run as their first and
    last; ``compact``: places and years by their members alone (``West Mercia``, ``2017/18``)."""
    parts = []
    order = drill_order([d for d, _ in selection.filters])
    for dimension, members in sorted(selection.filters, key=lambda f: order.index(f[0])):
        if dimension == YEAR and _consecutive(members):
            members = (f"{members[0]}–{members[-1]}",)
        kept = members if most is None else members[:most]
        shown = ", ".join(safe_text(m) for m in kept) if members else "(none)"
        more = f" +{len(members) - len(kept)}" if len(members) > len(kept) else ""
        named = compact and dimension in SELF_NAMED and members
        parts.append(f"{shown}{more}" if named else f"{label(dimension)}: {shown}{more}")
    return parts


def _consecutive(years: tuple[str, ...]) -> bool:
    """Three or more financial years (``2019/20``) that follow each other."""
    starts = [int(y[:4]) if re.fullmatch(r"\d{4}/\d{2}", y) else None for y in years]
    if len(starts) < 3 or None in starts:
        return False
    return starts == list(range(starts[0], starts[0] + len(starts)))  # type: ignore[arg-type]


def describe_filters(selection: Selection) -> str:
    """``Force: West Mercia · Year: 2017/18, 2018/19`` (every member) or ``No filters``."""
    return " · ".join(filter_parts(selection, most=None)) or "No filters"


def wrapped(parts: list[str], width: int) -> list[str]:
    """``parts`` joined by `` · ``, a new line between two parts rather than inside one."""
    lines = [""]
    for part in parts:
        joined = f"{lines[-1]} · {part}" if lines[-1] else part
        if len(joined) <= width or not lines[-1]:
            lines[-1] = joined
        else:
            lines.append(part)
    return lines


def chip_lines(selection: Selection, width: int) -> tuple[list[str], str]:
    """The filters as lines of at most ``width`` (a part longer than a line alone excepted), and
    the hint after them: on one line with their dimensions' names if they fit, else places and
    years by their members alone, else on as many lines as they need (without the hint)."""
    others = [d for d, _ in selection.filters if d != "offence_code"]
    hint = "   (x clears)" if others else "   (offence kept by x)" if selection.filters else ""
    if not selection.filters:
        return ["No filters"], hint
    for compact in (False, True):
        lines = wrapped(filter_parts(selection, compact, most=None), width - len(hint))
        if len(lines) == 1:
            return lines, hint
    every = wrapped(filter_parts(selection, compact=True, most=None), width)
    if len(every) <= WRAPPED_LINES:
        return every, ""
    return wrapped(filter_parts(selection, compact=True), width), ""


class FilterChips(Static):
    """Every active filter, always visible (x clears them). On a narrow screen places and years
    are named by their members alone and the filters wrap onto more lines: none is left out."""

    DEFAULT_CSS = """
    FilterChips { height: auto; padding: 0 1; background: $boost; }
    """

    selection: Selection | None = None

    def show(self, selection: Selection) -> None:
        """Render the filters of ``selection``."""
        self.selection = selection
        lines, hint = chip_lines(selection, (self.content_size.width or 80) - len(HEADING))
        text = Text(HEADING, style="bold")
        text.append(f"\n{' ' * len(HEADING)}".join(lines))
        text.append(hint, style="dim")
        self.update(text)

    def on_resize(self) -> None:
        if self.selection is not None:
            self.show(self.selection)
