"""scwc: police-recorded offences of sexual communication with a child, in a keyboard-driven
terminal explorer (``scwc``) and, for notebooks and scripts, a small Python API::

    import tui
    data = tui.open()                    # the embedded dataset; tui.open("my_foi.xlsx") for a file
    kent = data.summary(by="year", where={"force": "Kent"})   # a polars DataFrame
    kent.notes, kent.sources, kent.column_notes               # the words that go with it

See :mod:`tui.api`. Importing ``tui`` is cheap: the engine is imported by the first ``open``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

    from tui.api import Data

__version__ = "0.1.0"
__all__ = ["Data", "DataError", "Table", "__version__", "open"]


def open(path: str | Path | None = None, *, sheet: str | None = None) -> Data:
    """Open a data file (CSV, TSV, Parquet, JSON, NDJSON, a spreadsheet), or without ``path`` the
    embedded dataset, for :meth:`~tui.api.Data.summary`, ``rows``, ``quote``, ``sources`` and
    ``chart``."""
    from tui.api import Data

    return Data.open(path, sheet=sheet)


def __getattr__(name: str) -> Any:
    """``tui.Data``, ``tui.Table`` and ``tui.DataError``, imported when first asked for."""
    if name in ("Data", "Table"):
        from tui import api

        return getattr(api, name)
    if name == "DataError":
        from tui.data.dataset import DataError

        return DataError
    raise AttributeError(f"module 'tui' has no attribute {name!r}")
