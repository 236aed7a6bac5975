"""Every feature built on the query engine; importing this module registers them all.

Each adds to :mod:`tui.data.registry` what the engine then offers: the funnel plot a chart kind,
the ledger of published figures the provenance mark beside each number.
"""

from tui.data import funnel, provenance

__all__ = ["funnel", "provenance"]
