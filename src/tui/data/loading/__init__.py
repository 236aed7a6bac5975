"""Reading a user's file, one small step per module, each adding what it did to a LoadReport:

    sniff (encoding, delimiter, title lines) → read (CSV, Parquet, JSON, .xlsx/.ods sheets)
    → layout (header: canonical names, dimensions vs counts; crosstab: years across → ``year``)
    → cube (one lazy pass; numbers: locale, footnote and suppression markers)
    → names (spellings → members, forces) → totals (total and footnote rows dropped)
    → validate (whole, non-negative counts) → geography (region, nation, owner derived)

``tui.data.load`` runs the steps and builds the :class:`~tui.data.dataset.Dataset`.
"""
