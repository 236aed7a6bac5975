"""Textual's footer, rebuilt only when the keys it shows change."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer as TextualFooter
from textual.widgets._footer import FooterKey


def _keys(screen: Screen) -> tuple[Any, ...]:
    """Everything about the screen's active bindings that the footer draws."""
    return tuple(
        (binding.key, binding.description, binding.action, binding.show, enabled, tooltip)
        for _, binding, enabled, tooltip in screen.active_bindings.values()
    )


class Footer(TextualFooter):
    """Textual's footer rebuilds every key widget whenever the screen's bindings are updated,
    which happens on every focus move and every return from a modal (the group picker). The
    rebuild, with its style updates, cost a third of the group-by key-to-paint time at 10M rows;
    here it happens only when the keys differ from the ones on screen.

    Each key bound to the footer's style is also built in that style: such a key starts compact
    and is then switched, two style updates per key that cost about 50 ms of start-up."""

    _composed: tuple[Any, ...] | None = None

    def compose(self) -> ComposeResult:
        if self._bindings_ready:
            self._composed = _keys(self.screen)
        for widget in super().compose():
            if isinstance(widget, FooterKey) and "compact" in (widget._reactive_connect or {}):
                widget.set_reactive(FooterKey.compact, self.compact)
                widget.set_class(self.compact, "-compact", update=False)
            yield widget

    async def on_mount(self) -> None:
        """Show the screen's keys at once: a footer mounted after the screen has set up its
        bindings (the explorer's, once its first screen is shown) is told about them only when
        they next change."""
        self._bindings_ready = True
        await self.recompose()

    def bindings_changed(self, screen: Screen) -> None:
        if screen is self.screen and self._composed == _keys(screen):
            return
        super().bindings_changed(screen)
