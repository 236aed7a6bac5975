"""Fuzzing the loader: random bytes, random column names, random cell strings (in CSV and in
spreadsheets). Whatever the input, the loader gives a consistent dataset or its own one-line
DataError naming the file, never any other exception."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.data.spreadsheets import write_xlsx
from tui.data.dataset import DataError, Dataset
from tui.data.engine.query import summary
from tui.data.features.navigation import initial_selection
from tui.data.loading import load_dataset
from tui.data.selection import Selection

FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MARKERS = ["*", "..", "[c]", "[x]", "-", "102*", "7 (a)", "1.234", "1,234", "(12)", "1 234"]
LABELS = ["Total", "Grand total", "All forces", "England and Wales", "Kent Police", "SnapChat"]
HEADERS = ["Force", "Year", "Offences", "2017/18", "Apr 2018 - Mar 2019", "Platform", "Age"]

cell_text = st.one_of(
    st.text(max_size=10),
    st.sampled_from(MARKERS + LABELS + ["", " ", "Unknown", "N/K"]),
    st.integers(-3, 10_000).map(str),
)
column_names = st.one_of(st.text(max_size=12), st.sampled_from(HEADERS))


def check(path: Path) -> Dataset | None:
    """Load ``path``: a one-line DataError naming the file, or a self-consistent dataset."""
    try:
        dataset = load_dataset(path)
    except DataError as error:
        message = str(error)
        assert message.startswith(f"{path.name}: ") and "\n" not in message
        return None
    total = dataset.cube[dataset.measure].sum()
    assert total is None or total >= 0
    for dimension in dataset.dimensions:
        assert all(m and m == m.strip() for m in dataset.members(dimension))
    selection = initial_selection(dataset)
    result = summary(dataset, Selection(selection.group_by, dataset.measure, selection.filters))
    assert result.totals[dataset.measure] is not None
    return dataset


@FUZZ
@given(
    st.one_of(
        st.binary(max_size=600),
        st.text(max_size=400).map(lambda t: t.encode("utf-8", "replace")),
        st.lists(st.text(alphabet=',;\t|"\n\r 0123456789abcKent*.-', max_size=30), max_size=12).map(
            lambda lines: "\n".join(lines).encode()
        ),
    )
)
def test_random_bytes(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "random.csv"
        path.write_bytes(data)
        check(path)


@st.composite
def tables(draw: st.DrawFn) -> list[list[str]]:
    width = draw(st.integers(1, 5))
    header = draw(st.lists(column_names, min_size=width, max_size=width))
    rows = draw(st.lists(st.lists(cell_text, min_size=width, max_size=width), max_size=10))
    return [header, *rows]


@FUZZ
@given(tables(), st.sampled_from([",", ";", "\t"]))
def test_random_names_and_cells_in_csv(table: list[list[str]], separator: str) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=separator, lineterminator="\n").writerows(table)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "random.csv"
        path.write_text(buffer.getvalue(), encoding="utf-8")
        check(path)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables(), st.booleans())
def test_random_names_and_cells_in_a_spreadsheet(table: list[list[str]], titled: bool) -> None:
    rows: list[list[object]] = [[c if c.strip() else None for c in row] for row in table]
    if titled:
        rows = [["Table 1: offences"], [None], *rows]
    with tempfile.TemporaryDirectory() as folder:
        path = write_xlsx(Path(folder) / "random.xlsx", {"Notes": [["n"]], "Data": rows})
        check(path)


def test_a_column_named_as_a_summary_column_is_read_and_summarised(tmp_path: Path) -> None:
    """A file's ``Share``, ``Change`` or ``Missing`` column is the file's own, not the summary's
    (they once collided: polars refused the summary's duplicate ``share``)."""
    from tui.data.engine.summarise import COLUMNS

    for name in ("SHARE", "Change", "missing", "Rate per 100k"):
        path = tmp_path / "own.csv"
        path.write_text(f"Force,{name}\nKent,3\nEssex,4\n")
        dataset = check(path)
        assert dataset is not None
        assert dataset.measure not in COLUMNS and set(dataset.dimensions).isdisjoint(COLUMNS)
        assert summary(dataset, initial_selection(dataset)).totals[dataset.measure] == 7
    path.write_text(",SHARE\n,0\n")  # hypothesis's example
    check(path)


def test_the_schema_knows_every_column_a_summary_adds(dataset: Dataset) -> None:
    from tui.data.engine.query import summary as summarise
    from tui.data.schema import SUMMARY_COLUMNS

    selection = initial_selection(dataset)
    added = summarise(dataset, selection).frame.columns[2:]  # after the dimension and measure
    assert set(added) == SUMMARY_COLUMNS
