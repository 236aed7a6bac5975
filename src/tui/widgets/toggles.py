"""Radio buttons and check boxes whose state reads without colour: ``(•)``/``( )``, ``[x]``/``[ ]``.

Textual draws both as a coloured block that looks the same chosen or not (``▐●▌``), which a
monochrome terminal or a colour-blind reader cannot tell apart.
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Checkbox, RadioButton

TICKED, UNTICKED = "[x]", "[ ]"
CHOSEN, NOT_CHOSEN = "(•)", "( )"


class Radio(RadioButton):
    """A radio button drawn ``(•)`` when chosen, ``( )`` when not."""

    @property
    def _button(self) -> Content:
        return Content.styled(
            CHOSEN if self.value else NOT_CHOSEN, self.get_visual_style("toggle--label")
        )


class Tick(Checkbox):
    """A check box drawn ``[x]`` when ticked, ``[ ]`` when not."""

    @property
    def _button(self) -> Content:
        return Content.styled(
            TICKED if self.value else UNTICKED, self.get_visual_style("toggle--label")
        )
