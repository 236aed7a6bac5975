"""Command-palette provider: every app action, every grouping, every filter member."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from tui.app import ExplorerApp


class ExplorerCommands(Provider):
    """Offers the explorer's commands ("Group by Force", "Filter Year = 2018/19", "Export…")."""

    @property
    def explorer(self) -> ExplorerApp:
        return self.app  # type: ignore[return-value]

    async def startup(self) -> None:
        """Build the command list once per palette opening (it reads the saved views)."""
        self.commands = self.explorer.palette_commands()

    async def discover(self) -> Hits:
        for text, callback, help_text in self.explorer.palette_commands(discover=True):
            yield DiscoveryHit(text, partial(callback), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, callback, help_text in self.commands:
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), partial(callback), help=help_text)
