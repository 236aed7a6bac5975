"""The offline builder of the embedded dataset (``python -m tui.data.build``, :mod:`.build`): figure
files and populations → targets (:mod:`tui.data.figures`) → model (:mod:`.model`, on the
force-years of :mod:`.force_years`, solved by :mod:`.fit`) → sanity (:mod:`.sanity`) → ranges
(:mod:`.range_fit`) → ``data/offences.csv``; ``--holdout`` measures the model against the figures
it did not see (:mod:`.holdout`).

Runs at build time only: it uses the core, the figures, the loader and the engine (to check that
what it wrote reproduces every target), never a feature or a writer, and nothing at run time
imports it.
"""
