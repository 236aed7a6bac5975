"""Awkward files users really have: each fixture's expected outcome, stated and checked."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from tests.conftest import FIXTURES
from tui.cli import main
from tui.data.dataset import DataError
from tui.data.engine.query import rows_page, summary
from tui.data.loading import load_dataset
from tui.data.selection import Selection


def totals_by(dataset, dimension: str) -> dict[str, int]:
    frame = summary(dataset, Selection(dimension, dataset.measure)).frame
    return dict(zip(frame[dimension].cast(pl.String), frame[dataset.measure], strict=True))


def test_utf8_bom_is_ignored() -> None:
    dataset = load_dataset(FIXTURES / "bom.csv")
    assert totals_by(dataset, "force") == {"Kent": 4, "Essex": 6}


def test_latin1_file_is_decoded() -> None:
    dataset = load_dataset(FIXTURES / "latin1.csv")
    assert dataset.members("platform") == ("Café chat", "Kik")


def test_semicolon_delimited_csv_is_sniffed() -> None:
    dataset = load_dataset(FIXTURES / "semicolon.csv")
    assert totals_by(dataset, "year") == {"2017/18": 5, "2018/19": 7}


def test_quoted_thousands_are_counts() -> None:
    assert totals_by(load_dataset(FIXTURES / "quoted_thousands.csv"), "force") == {
        "Kent": 1234,
        "Essex": 2000,
    }


def test_blank_trailing_rows_are_dropped() -> None:
    dataset = load_dataset(FIXTURES / "blank_trailing_rows.csv")
    assert dataset.row_count == 2 and totals_by(dataset, "force") == {"Kent": 4, "Essex": 6}


def test_duplicated_keys_are_summed_and_said_so() -> None:
    dataset = load_dataset(FIXTURES / "duplicated_keys.csv")
    assert totals_by(dataset, "force") == {"Kent": 5, "Essex": 1}
    assert "rows with the same dimension values are summed" in dataset.notes
    assert dataset.row_count == 3  # the rows view still shows every row as the file has it
    assert rows_page(dataset, Selection("force", "offences"), 0, 10).height == 3


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("empty.csv", "empty.csv: file is empty"),
        ("truncated.parquet", "truncated.parquet: cannot read as parquet"),
        ("corrupt_pages.parquet", "corrupt_pages.parquet: cannot read:"),
    ],
)
def test_broken_files_are_one_line_errors(name: str, message: str, capsys) -> None:
    with pytest.raises(DataError, match=f"^{message}"):
        load_dataset(FIXTURES / name)
    assert main(["summary", str(FIXTURES / name)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"scwc: {message}") and err.count("\n") == 1 and "Traceback" not in err


def test_directory_and_missing_file(tmp_path: Path, capsys) -> None:
    assert main(["summary", str(tmp_path)]) == 2
    assert "is a directory, not a data file" in capsys.readouterr().err
    assert main(["summary", str(tmp_path / "gone.csv")]) == 2
    assert capsys.readouterr().err == "scwc: gone.csv: no such file\n"


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        (
            "panics_polars.parquet",
            "cannot read: the file is damaged (its data could not be decoded)",
        ),
        ("aborts_polars.parquet", "the file is damaged (reading it crashed the Parquet reader)"),
    ],
)
def test_files_that_break_polars_are_one_line_from_the_real_command(name: str, reason: str) -> None:
    """A polars panic is caught; a polars abort happens in the child process that reads Parquet."""
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "tui", "summary", str(FIXTURES / name)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr == f"scwc: {name}: {reason}\n"
