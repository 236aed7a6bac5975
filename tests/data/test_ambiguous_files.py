"""A loader refuses, or keeps and says, every ambiguous input instead of guessing silently (issue
27): duplicate column names, a year column of things that are not years, UTF-8 and Latin-1 in one
file, CR-only line ends, a huge cell in a refusal, 200,000 unknown force names; run as a stranger
would, the command in a child process under resource limits (:mod:`tests.bounded`)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.bounded import PEAK_MB, assert_refused, run_bounded
from tests.data.spreadsheets import write_xlsx
from tui.data.loading import geography, load_dataset
from tui.data.loading.names import ForceNames, force_names
from tui.data.loading.paths import repo_data_dir

MB = 1024 * 1024


def test_duplicate_column_names_are_refused_naming_both(tmp_path: Path) -> None:
    """The second force and offences columns were dropped without a word (Essex's 99 lost)."""
    path = tmp_path / "dup.csv"
    path.write_text("force,year,offences,force,offences\nKent,2019/20,10,Essex,99\n")
    assert_refused(run_bounded("summary", str(path)), "columns 1 and 4 are both named 'force'")


def test_duplicate_column_names_in_a_workbook_are_refused(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "dup.xlsx",
        {"S": [["notes", "force", "offences", "notes"], ["a", "Kent", 1, "b"]]},
    )
    assert_refused(run_bounded("summary", str(path)), "columns 1 and 4 are both named 'notes'")


@pytest.mark.parametrize("bad", ["20x7", "😀", "DROP TABLE", "2019/21", "\x1b[2Jyear"])
def test_a_year_that_is_no_year_is_refused_with_the_value(tmp_path: Path, bad: str) -> None:
    """``20x7``, an emoji or ``DROP TABLE`` were accepted as years, with year-on-year changes."""
    path = tmp_path / "years.csv"
    path.write_text(f'force,year,offences\nKent,2018/19,3\nKent,"{bad}",10\nKent,2019/20,5\n')
    outcome = run_bounded("summary", str(path), "--by", "year")
    assert_refused(outcome, "column 'year', row 3: ")
    assert "is not a financial year" in outcome.stderr and "\x1b" not in outcome.stderr


def test_years_as_written_and_a_total_row_in_the_year_column_still_read(tmp_path: Path) -> None:
    path = tmp_path / "years.csv"
    path.write_text("year,offences\n2017-18,3\nFY 2018/19,4\nApr 2019 - Mar 2020,5\n,1\nTotal,13\n")
    dataset = load_dataset(path)
    assert dataset.members("year") == ("2017/18", "2018/19", "2019/20", "Not recorded")
    assert int(dataset.cube["offences"].sum()) == 13


def test_calendar_years_are_years(tmp_path: Path) -> None:
    path = tmp_path / "calendar.csv"
    path.write_text("force,year,offences\nKent,2019,3\nKent,2020,4\n")
    assert load_dataset(path).members("year") == ("2019", "2020")


def test_utf8_and_latin1_in_one_file_are_each_read_as_written_and_said(tmp_path: Path) -> None:
    """Read whole as cp1252, the UTF-8 line became the force 'KÃ«nt'."""
    path = tmp_path / "mixed.csv"
    path.write_bytes(
        "force,year,offences\nKënt,2019/20,10\n".encode() + "Essëx,2019/20,5\n".encode("latin-1")
    )
    outcome = run_bounded("summary", str(path), "--by", "force")
    assert outcome.code == 0, outcome.stderr
    assert "Kënt" in outcome.stdout and "Essëx" in outcome.stdout
    assert "Ã" not in outcome.stdout and "\ufffd" not in outcome.stdout
    assert "1 line(s) in cp1252, the rest in UTF-8" in outcome.stdout


def test_latin1_past_the_sniffed_sample_is_not_replaced_silently(tmp_path: Path) -> None:
    """A UTF-8 start (the first 256 KB sampled) and a Latin-1 line far below it: the name is read
    as written, never as a replacement character."""
    path = tmp_path / "late.csv"
    path.write_bytes(
        b"force,year,offences\n"
        + b"Kent,2019/20,1\n" * 40_000
        + "Essëx,2019/20,5\n".encode("latin-1")
    )
    dataset = load_dataset(path)
    assert "Essëx" in dataset.members("force")
    assert any("cp1252" in note for note in dataset.notes)


def test_a_file_in_cp1252_only_still_says_so(tmp_path: Path) -> None:
    path = tmp_path / "legacy.csv"
    path.write_bytes("force,year,offences\nEssëx,2019/20,4\n".encode("cp1252"))
    dataset = load_dataset(path)
    assert dataset.members("force") == ("Essëx",)
    assert "read as cp1252" in dataset.notes


def test_cr_only_line_ends_are_read_as_lines(tmp_path: Path) -> None:
    """Old Mac line ends gave 'no measure column'."""
    path = tmp_path / "cr.csv"
    path.write_bytes(b"force,year,offences\rKent,2019/20,10\rEssex,2019/20,5\r")
    outcome = run_bounded("summary", str(path), "--by", "force")
    assert outcome.code == 0, outcome.stderr
    lines = {
        line.split()[0]: line.split()[1]
        for line in outcome.stdout.splitlines()
        if line.startswith(("Kent ", "Essex ", "Total "))
    }
    assert lines["Kent"] == "10" and lines["Essex"] == "5" and lines["Total"] == "15"


def test_a_refusal_never_echoes_a_huge_cell(tmp_path: Path) -> None:
    """A 900,000-digit count is refused; the message quotes its first 40 characters."""
    path = tmp_path / "digits.csv"
    path.write_text("force,year,offences\nKent,2019/20," + "9" * 900_000 + "\n")
    outcome = run_bounded("summary", str(path))
    assert_refused(outcome, "(900,000 characters) is not a whole-number count")
    assert len(outcome.stderr) < 300


def test_unknown_force_suggestions_are_computed_only_for_the_names_shown(monkeypatch) -> None:
    """200,000 distinct unknown force names took 54 s (a fuzzy match for each, 8 shown): the
    note now costs about what 8 names do, measured both ways."""
    forces = force_names(repo_data_dir() / "forces.csv")
    assert forces is not None
    calls: list[str] = []
    closest = ForceNames.closest

    def counted(self: ForceNames, name: str) -> str | None:
        calls.append(name)
        return closest(self, name)

    monkeypatch.setattr(ForceNames, "closest", counted)
    seconds = {}
    for count in (8, 200_000):
        names = {f"Zq{i:06d}x" for i in range(count)}
        started = time.perf_counter()
        note = geography.unknown_forces_note(names, forces)
        seconds[count] = time.perf_counter() - started
        assert note.count("(closest") <= 8
    assert len(calls) == 16  # 8 each time
    assert "and 199,992 more" in note
    assert seconds[200_000] < 0.5, seconds  # the set itself: no fuzzy match per name


def test_200000_unknown_forces_in_bounded_time_and_memory(tmp_path: Path) -> None:
    path = tmp_path / "many.csv"
    rows = "".join(f"Zq{i:06d}x,2019/20,1\n" for i in range(200_000))
    path.write_text("force,year,offences\n" + rows)
    # --by year: one row to print, not 200,000; 3 GB of address space, since polars reserves
    # 1.3 GB before it reads anything: the resident peak is what is measured
    outcome = run_bounded(
        "summary", str(path), "--by", "year", limit_seconds=120, address_space=3 * 1024**3
    )
    assert outcome.code == 0, outcome.stderr
    assert "and 199,992 more" in outcome.stdout
    assert outcome.peak_mb < PEAK_MB, f"{outcome.peak_mb:.0f} MB"
    assert outcome.seconds < 60, f"{outcome.seconds:.1f} s (54 s before, on a quiet machine)"
