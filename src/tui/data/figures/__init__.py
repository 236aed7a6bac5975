"""The published-figure vocabulary, below every layer that uses it (engine, features, builder):
reading the figure files (:mod:`.files`), each figure's status and how to compute it
(:mod:`.targets`: :class:`~tui.data.figures.targets.Figure`, the carried-forward rule, the years),
and the classified figures of a data folder (:mod:`.published`)."""
