"""What the flows and the command palette may use of the app: small protocols, no app import.

The app satisfies each of them; the flows (``tui/flows/``) and the palette (``tui/commands.py``)
depend on these, so nothing imports ``tui.app`` but the CLI and the tests.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from tui.data.dataset import Dataset
from tui.data.selection import Selection


class Host(Protocol):
    """The Textual services a flow uses: screens, notifications and thread workers."""

    def push_screen(self, screen: Any, callback: Callable[[Any], object] | None = None) -> Any:
        """Show a modal screen; ``callback`` receives its result."""
        ...

    def notify(
        self, message: str, *, title: str = "", severity: Any = ..., timeout: Any = ...
    ) -> None:
        """Show a notification."""
        ...

    def call_from_thread(self, callback: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run ``callback`` on the app's thread (from a worker thread)."""
        ...

    def run_worker(
        self, work: Callable[[], object], *, thread: bool, group: str, exclusive: bool
    ) -> Any:
        """Run ``work`` in a worker."""
        ...


class Explorer(Host, Protocol):
    """The explorer's state and the transitions flows and the palette ask for."""

    dataset: Dataset
    selection: Selection
    chart_kind: str

    def run_action(self, action: str) -> Awaitable[bool]:
        """Run an app action by name (as a key binding would)."""
        ...

    def navigate(self, selection: Selection) -> None:
        """Show ``selection``, remembering the current one for back-navigation."""
        ...

    def show_fresh(self, selection: Selection, chart: str) -> None:
        """Show ``selection`` with ``chart``, forgetting the back-navigation history."""
        ...

    def switch_dataset(self, dataset: Dataset) -> Awaitable[None]:
        """Explore ``dataset`` from its starting selection."""
        ...
