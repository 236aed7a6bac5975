"""A one-line summary of the active filters."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from tui.data.schema import drill_order, label
from tui.data.selection import Selection

MEMBERS_SHOWN = 3


def describe_filters(selection: Selection) -> str:
    """``Force: West Mercia · Year: 2017/18, 2018/19`` or ``No filters``."""
    parts = []
    order = drill_order([d for d, _ in selection.filters])
    for dimension, members in sorted(selection.filters, key=lambda f: order.index(f[0])):
        shown = ", ".join(members[:MEMBERS_SHOWN]) if members else "(none)"
        more = f" +{len(members) - MEMBERS_SHOWN}" if len(members) > MEMBERS_SHOWN else ""
        parts.append(f"{label(dimension)}: {shown}{more}")
    return " · ".join(parts) if parts else "No filters"


class FilterChips(Static):
    """Active filters, always visible; x clears them all."""

    DEFAULT_CSS = """
    FilterChips { height: 1; padding: 0 1; background: $boost; }
    """

    def show(self, selection: Selection) -> None:
        """Render the filters of ``selection``."""
        text = Text("Filters  ", style="bold", no_wrap=True, overflow="ellipsis")
        text.append(describe_filters(selection))
        others = [d for d, _ in selection.filters if d != "offence_code"]
        if others:
            text.append("   (x clears)", style="dim")
        elif selection.filters:
            text.append("   (offence kept by x)", style="dim")
        self.update(text)
