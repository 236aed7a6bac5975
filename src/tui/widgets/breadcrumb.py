"""Where the user is: the drill path and the current grouping."""

from __future__ import annotations

from textual.widgets import Static

from tui.data.schema import label
from tui.data.selection import Selection


class Breadcrumb(Static):
    """``All › England › West Midlands  ·  by Force``."""

    DEFAULT_CSS = """
    Breadcrumb { height: 1; padding: 0 1; color: $text-muted; }
    """

    def show(self, selection: Selection) -> None:
        """Render the drill path of ``selection``."""
        steps = ["All", *(member for _, member in selection.drill_path)]
        back = "  (Backspace: up)" if selection.drill_path else ""
        self.update(f"{' › '.join(steps)}  ·  by {label(selection.group_by)}{back}")
