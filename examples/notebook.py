"""scwc from Python: what a notebook cell does, as a script (``python examples/notebook.py``).

Every table is a polars DataFrame whose columns say where each number comes from; the words that
go with it are on the table (``.notes``, ``.sources``, ``.column_notes``). The test suite runs
this script (tests/test_api.py), so it stays true to the API.
"""

import polars as pl

import tui

data = tui.open()  # the embedded dataset; tui.open("my_foi.xlsx") reads your own file

# Kent by year, with provenance and intervals: three lines
kent = data.summary(by="year", where={"force": "Kent"})
print(kent.select("year", "offences", "provenance", "low", "high", "range_low", "range_high"))
print("\n".join(kent.notes))

# What a column means (the same words as an export's sidecar) and where the numbers were published
print(kent.column_notes["range_low"]["meaning"])
print(kent.sources)

# Only what was published or derived from published figures, for quoting
published = kent.filter(pl.col("provenance") != "modelled")
print(f"{published.height} of {kent.height} years of Kent's numbers are published or derived")

# A sentence to quote, worded for where the number comes from
print(data.quote(where={"force": "Kent", "year": "2023/24"}))

# Every published figure beside the dataset's value
sources = data.sources()
print(sources.group_by("status").len().sort("status"))

# A chart for the web or print (needs the chart extra: pip install 'scwc[chart]')
try:
    figure = data.chart(by="year", where={"force": "Kent"})
except tui.DataError as missing:
    print(missing)
else:
    print(f"chart: {figure.get_size_inches()[0] * figure.dpi:.0f} pixels wide")
