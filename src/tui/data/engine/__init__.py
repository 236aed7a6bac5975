"""The one query engine: everything shown or exported is computed from ``(Dataset, Selection)``
by :mod:`.query` (the summary put together in :mod:`.summarise`), from the cells a selection keeps
(:mod:`.cells`), like-with-like year-on-year change (:mod:`.change`), statistics (:mod:`.stats`),
the summary's columns (:mod:`.table`) and chart data (:mod:`.charts`). What each number holds is
the engine's own: the force-years under it and which are missing (:mod:`.coverage`: a partial
row), its two rates over those force-years, each year by its own population (:mod:`.rates`,
:mod:`.populations`), the flags of doubtful figures (:mod:`.flags`), all per row in
:mod:`.holdings`; its mark (:mod:`.provenance`), the range the published figures allow and no
interval for a modelled count (:mod:`.ranges`, :mod:`.modelled`), how a sentence words a gap
(:mod:`.gaps`, with names from :mod:`.naming`), and whether a dataset reproduces the published
figures (:mod:`.reproduce`).
Features add chart kinds through :mod:`.registry`; the engine imports no feature.
"""
