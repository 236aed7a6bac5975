"""A one-line summary of the active filters."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from tui.data.output.format import fit_parts
from tui.data.schema import drill_order, label
from tui.data.selection import Selection

MEMBERS_SHOWN = 3


def filter_parts(selection: Selection) -> list[str]:
    """``Force: West Mercia``, ``Year: 2017/18, 2018/19``: one part per filtered dimension."""
    parts = []
    order = drill_order([d for d, _ in selection.filters])
    for dimension, members in sorted(selection.filters, key=lambda f: order.index(f[0])):
        shown = ", ".join(members[:MEMBERS_SHOWN]) if members else "(none)"
        more = f" +{len(members) - MEMBERS_SHOWN}" if len(members) > MEMBERS_SHOWN else ""
        parts.append(f"{label(dimension)}: {shown}{more}")
    return parts


def describe_filters(selection: Selection) -> str:
    """``Force: West Mercia · Year: 2017/18, 2018/19`` or ``No filters``."""
    return " · ".join(filter_parts(selection)) or "No filters"


class FilterChips(Static):
    """Active filters, always visible; x clears them all. Too long for the line, they are
    shortened at a word (``a`` shows them in full)."""

    DEFAULT_CSS = """
    FilterChips { height: 1; padding: 0 1; background: $boost; }
    """

    selection: Selection | None = None

    def show(self, selection: Selection) -> None:
        """Render the filters of ``selection``."""
        self.selection = selection
        others = [d for d, _ in selection.filters if d != "offence_code"]
        hint = "   (x clears)" if others else "   (offence kept by x)" if selection.filters else ""
        room = self.content_size.width - len("Filters  ") - len(hint)
        text = Text("Filters  ", style="bold", no_wrap=True)
        text.append(fit_parts(filter_parts(selection), room, more="…(a)") or "No filters")
        text.append(hint, style="dim")
        self.update(text)

    def on_resize(self) -> None:
        if self.selection is not None:
            self.show(self.selection)
