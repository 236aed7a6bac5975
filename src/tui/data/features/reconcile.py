"""Every published figure beside the value the dataset gives: the report of ``scwc sources``.

The checks themselves are the engine's (:mod:`tui.data.engine.reproduce`, which the builder uses
too); this adds the closing line that sums them up.
"""

from __future__ import annotations

from collections import Counter

from tui.data.engine.reproduce import Check, reconcile, value_of
from tui.data.figures.published import figures
from tui.data.figures.targets import CONFLICTING, CONTEXT, SUPERSEDED, TARGET

__all__ = ["Check", "closing_line", "figures", "reconcile", "value_of"]


def closing_line(checks: list[Check]) -> str:
    """``N of N target figures reproduced; K superseded, C conflicting, X context; M mismatches``."""
    statuses = Counter(c.figure.status for c in checks)
    targets = statuses[TARGET]
    mismatches = sum(c.mismatch for c in checks)
    return (
        f"{targets - mismatches} of {targets} target figures reproduced; "
        f"{statuses[SUPERSEDED]} superseded, {statuses[CONFLICTING]} conflicting, "
        f"{statuses[CONTEXT]} context; {mismatches} mismatches"
    )
