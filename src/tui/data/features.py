"""Every feature built on the query engine; importing this module registers them all.

A feature may add to :mod:`tui.data.engine.registry` what the engine then offers: the funnel plot
a chart kind. (The marks beside each number are the engine's own provenance, not a feature.)
"""

from tui.data import funnel

__all__ = ["funnel"]
