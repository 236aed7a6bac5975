"""The one query engine: everything shown or exported is computed from ``(Dataset, Selection)``
by :mod:`.query`, from the cells a selection keeps (:mod:`.cells`), year-on-year change
(:mod:`.change`), rates (:mod:`.rates`), statistics (:mod:`.stats`), the summary's columns
(:mod:`.table`) and chart data (:mod:`.charts`). Where a number comes from is the engine's own: its
mark (:mod:`.provenance`), the range the published figures allow and no interval for a modelled
count (:mod:`.ranges`, :mod:`.modelled`), the force-years a sum lacks (:mod:`.gaps`, with names
from :mod:`.naming`), and whether a dataset reproduces the published figures (:mod:`.reproduce`).
Features add chart kinds through :mod:`.registry`; the engine imports no feature.
"""
