"""The map flow (``M``): show the force map of the current selection; ``Enter`` on a force drills
into it, as ``Enter`` on its row in a table grouped by force would."""

from __future__ import annotations

from tui.data.schema import FORCE
from tui.host import Explorer
from tui.screens.force_map import ForceMapScreen


class MapFlow:
    """Opens :class:`ForceMapScreen` and drills into the force chosen there."""

    def __init__(self, app: Explorer) -> None:
        self.app = app
        self.measure = "rate"

    def start(self) -> None:
        """Show the map, or say why there is none."""
        if FORCE not in self.app.dataset.dimensions:
            self.app.notify("This data has no force column: nothing to map", severity="warning")
            return
        screen = ForceMapScreen(self.app.dataset, self.app.selection, self.measure)
        self.app.push_screen(screen, lambda force: self._chosen(screen, force))

    def _chosen(self, screen: ForceMapScreen, force: str | None) -> None:
        self.measure = screen.measure
        if force is None:
            return
        selection = self.app.selection
        if selection.group_by != FORCE:
            selection = selection.with_filter(FORCE, None).grouped_by(FORCE)
        deeper = selection.drilled(force, self.app.dataset.dimensions)
        if deeper is None:
            self.app.notify(f"{force}: nothing finer to drill into", timeout=3)
            return
        self.app.navigate(deeper)
