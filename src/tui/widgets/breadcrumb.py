"""Where the user is: the drill path and the current grouping."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from tui.data.labels import safe_text
from tui.data.schema import label
from tui.data.selection import Selection


class Breadcrumb(Static):
    """``All › England › West Midlands  ·  by Force``."""

    DEFAULT_CSS = """
    Breadcrumb { height: 1; padding: 0 1; color: $text-muted; }
    """

    def show(self, selection: Selection) -> None:
        """Render the drill path of ``selection``; a level named like its parent is said once."""
        steps = ["All"]
        for _, member in selection.drill_path:
            if member != steps[-1]:
                steps.append(member)
        back = "  (Backspace: up)" if selection.drill_path else ""
        text = f"{' › '.join(safe_text(s) for s in steps)}  ·  by {label(selection.group_by)}{back}"
        self.update(Text(text, no_wrap=True, overflow="ellipsis"))
