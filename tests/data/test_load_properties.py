"""Property tests: whatever columns, types, encodings and blanks a file has, the loader gives a
consistent dataset or a one-line DataError, never anything else."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import polars as pl
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from tui.data.dataset import DataError
from tui.data.engine.query import summary
from tui.data.loading import load_dataset
from tui.data.loading.isolated import open_dataset
from tui.data.selection import Selection

TITLE_LINES = re.compile(r"(\d+) title line\(s\) above the header skipped")
names = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters='",\n\r;\t|'),
    min_size=1,
    max_size=12,
)
cells = st.one_of(
    st.none(),
    st.just(""),
    st.integers(min_value=-5, max_value=10_000),
    st.floats(allow_nan=True, allow_infinity=False, width=32),
    st.text(max_size=8),
    st.sampled_from(["1,234", " 7 ", "Kent", "Not recorded", "2017/18", "0-11", "x"]),
)


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[str], list[list[object]], str]:
    columns = draw(st.lists(names, min_size=1, max_size=5))
    rows = draw(st.lists(st.lists(cells, min_size=len(columns), max_size=len(columns)), max_size=8))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
    return columns, rows, encoding


def as_csv(columns: list[str], rows: list[list[object]]) -> str:
    def quote(value: object) -> str:
        text = "" if value is None else str(value)
        return '"' + text.replace('"', '""') + '"' if any(c in text for c in ',"\n') else text

    return "\n".join(",".join(quote(v) for v in row) for row in [columns, *rows]) + "\n"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
@example((["0"], [["0|0"], ["0"]], "utf-8"))  # a title line, then "0|0" read as the header
def test_any_csv_loads_consistently_or_fails_in_one_line(table) -> None:
    columns, rows, encoding = table
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "random.csv"
        path.write_bytes(as_csv(columns, rows).encode(encoding, errors="replace"))
        try:
            dataset = load_dataset(path)
        except DataError as error:
            message = str(error)
            assert message.startswith("random.csv: ") and "\n" not in message
            return
    assert dataset.dimensions and dataset.measures
    for dimension in dataset.dimensions:
        assert all(m and m == m.strip(" \t\r\n") for m in dataset.members(dimension))
    total = int(dataset.cube[dataset.measure].sum())
    assert total >= 0
    result = summary(dataset, Selection(dataset.dimensions[0], dataset.measure))
    assert result.totals[dataset.measure] == total
    written = [["" if v is None else str(v) for v in row] for row in rows]
    kept = sum(1 for row in written if any(cell != "" for cell in row))
    # lines read as a title above the header: the header written is one of them and a row written
    # became the header (e.g. "0", then "0|0" read as two columns split by "|")
    titles = sum(int(m.group(1)) for n in dataset.notes if (m := TITLE_LINES.search(n)))
    assert dataset.row_count + dataset.skipped_rows + titles == kept


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["Kent", "Essex", None]), st.integers(min_value=0, max_value=999)
        ),
        min_size=1,
        max_size=30,
    ),
    st.sampled_from(["parquet", "json", "ndjson"]),
)
def test_typed_formats_sum_exactly(records, fmt: str) -> None:
    frame = pl.DataFrame(records, schema={"force": pl.String, "offences": pl.Int64}, orient="row")
    blank = frame.filter(pl.col("force").is_null())["offences"].sum()
    # a blank-keyed row equal to the sum of the others is a total row, dropped by design
    assume(not blank or blank != frame["offences"].sum() - blank)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"random.{fmt}"
        getattr(frame, f"write_{fmt}")(path)
        dataset = load_dataset(path)
    result = summary(dataset, Selection("force", "offences"))
    assert result.totals["offences"] == frame["offences"].sum()
    expected_missing = frame.filter(pl.col("force").is_null())["offences"].sum()
    got = result.frame.filter(pl.col("force") == "Not recorded")["offences"].sum()
    assert got == expected_missing


def _valid_file(fmt: str, folder: Path) -> bytes:
    frame = pl.DataFrame(
        {"force": ["Kent", "Essex"] * 50, "platform": ["Kik", None] * 50, "offences": range(100)}
    )
    path = folder / f"valid.{fmt}"
    if fmt == "csv":
        frame.write_csv(path)
    else:
        frame.write_parquet(path, compression="uncompressed")
    return path.read_bytes()


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(["parquet", "csv"]),
    st.lists(
        st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), min_size=1, max_size=6
    ),
)
def test_corrupted_bytes_give_a_dataset_or_one_line(fmt: str, flips) -> None:
    with tempfile.TemporaryDirectory() as folder:
        data = bytearray(_valid_file(fmt, Path(folder)))
        for where, value in flips:
            data[int(where * len(data))] = value
        path = Path(folder) / f"damaged.{fmt}"
        path.write_bytes(bytes(data))
        try:
            dataset = open_dataset(
                path
            )  # as the CLI and app open files: Parquet in a child process
        except DataError as error:
            assert str(error).startswith("damaged.") and "\n" not in str(error)
            return
        total = summary(dataset, Selection(dataset.dimensions[0], dataset.measure)).totals
        assert total[dataset.measure] is not None and total[dataset.measure] >= 0
