"""Reading a user's file, one small step per module, each adding what it did to a LoadReport:

    sniff (encoding, delimiter, title lines) → read (CSV, Parquet, JSON, .xlsx/.ods sheets)
    → layout (header: canonical names, dimensions vs counts; crosstab: years across → ``year``)
    → cube (one lazy pass; numbers: locale, footnote and suppression markers)
    → names (spellings → members, forces) → totals (total and footnote rows dropped)
    → validate (whole, non-negative counts) → geography (region, nation, owner derived)

:mod:`tui.data.loading.load` runs the steps and builds the :class:`~tui.data.dataset.Dataset`
(:func:`load_dataset`, re-exported here with :func:`repo_data_dir`); :mod:`.isolated` reads a
file in a child process. Beside them, the conventions an export writes and a load reads back:
where a file's metadata lives (:mod:`.sidecar`) and the spreadsheet-formula escape
(:mod:`.formula_escape`). Loading imports only the core vocabulary (schema, dataset).
"""

from tui.data.loading.load import load_dataset, repo_data_dir

__all__ = ["load_dataset", "repo_data_dir"]
