"""Reading a user's file, one small step per module, each adding what it did to a LoadReport:

    sniff (encoding, delimiter, header line) → read (CSV, Parquet, JSON, Excel/ODS sheets)
    → header (canonical names, dimensions vs measures) → crosstab (years across → ``year``)
    → numbers (locale, footnote and suppression markers) → names (spellings → members)
    → totals (total and footnote rows dropped) → validate (whole, non-negative counts)

``tui.data.load`` runs the steps and builds the :class:`~tui.data.dataset.Dataset`.
"""
