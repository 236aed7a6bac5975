"""The features built on the query engine; importing this package registers them all.

Each uses the engine (:mod:`tui.data.engine`) and never the other way round: reconciling the
published figures (:mod:`.reconcile`), the quotable sentence and its sources (:mod:`.quote`,
:mod:`.quote_sources`), the funnel plot (:mod:`.funnel`), the force map (:mod:`.force_map`) and
where a key may move (:mod:`.navigation`). A feature may add to :mod:`tui.data.engine.registry`
what the engine then offers: the funnel plot registers its chart kind. (The marks beside each
number are the engine's own provenance, not a feature.)
"""

from tui.data.features import force_map, funnel, navigation, quote, quote_sources, reconcile

__all__ = ["force_map", "funnel", "navigation", "quote", "quote_sources", "reconcile"]
