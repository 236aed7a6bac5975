"""The data layer: no Textual imports; usable and tested on its own. Its parts are layers, each
importing only those below it (``tests/test_structure.py`` checks every import)::

    output     exports, writers, saved views, numbers as shown            (uses all below)
    features   reconcile, quote, funnel, force map, navigation            (use the engine)
    engine     (Dataset, Selection) -> summary, rows, chart data; the marks (provenance),
               ranges, intervals, rates, partial coverage; whether figures are reproduced
    loading    a user's file -> Dataset, one step per module              (core, figures)
    figures    the published figures: files, statuses, the years          (core)
    core       schema, dataset, selection, atomic writes (this folder's own modules)

    build      offline: figures -> model -> fit -> sanity -> ranges -> data/offences.csv;
               uses core, figures, loading and engine, never features or output; nothing
               imports it

Arrows point only downward: output -> features -> engine -> loading -> figures -> core, and
build -> engine beside them.
"""
