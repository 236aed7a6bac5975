"""``scwc summary`` fits the terminal (and says what it left out); ``--where`` with a name it does
not know suggests the closest members."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.cli import main
from tui.data.engine.query import summary
from tui.data.features.navigation import initial_selection
from tui.data.loading import load_dataset
from tui.data.output.format import column_titles
from tui.data.output.summary_text import fitted_summary, summary_lines

DATASET = load_dataset()
SELECTIONS = [
    initial_selection(DATASET).grouped_by("force"),
    initial_selection(DATASET).grouped_by("year").with_filter("force", ("Kent",)),
    initial_selection(DATASET).with_measure("instances").grouped_by("platform"),
]


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(SELECTIONS), st.integers(min_value=40, max_value=200))
def test_the_table_fits_the_width_and_says_what_it_left_out(selection, width) -> None:
    result = summary(DATASET, selection)
    fitted = fitted_summary(result, width)
    assert max(len(line) for line in fitted.lines) <= width
    header = fitted.lines[0]
    assert header.startswith(column_titles(result)[result.key])
    assert column_titles(result)[result.measure] in header  # the count always stays
    full = summary_lines(result)
    if max(len(line) for line in full) <= width:
        assert fitted.lines == full and fitted.note(width) is None
    else:
        note = fitted.note(width)
        assert note is not None and "--wide" in note
        for title in fitted.left_out:
            assert title not in header and title.split()[0] in note


def summary_out(capsys, monkeypatch, *args: str, columns: int = 80) -> str:
    monkeypatch.setenv("COLUMNS", str(columns))
    assert main(["summary", *args]) == 0
    return capsys.readouterr().out


def test_summary_fits_80_columns_and_wide_shows_every_column(capsys, monkeypatch) -> None:
    out = summary_out(capsys, monkeypatch, "--by", "force")
    table = [line for line in out.splitlines() if line.startswith(("Force", "Kent", "Total"))]
    assert table and all(len(line) <= 80 for line in table)
    assert "To fit 80 columns" in out and "--wide" in out
    wide = summary_out(capsys, monkeypatch, "--by", "force", "--wide")
    header = next(line for line in wide.splitlines() if line.startswith("Force"))
    assert "95% low" in header and "Share where recorded" in header and len(header) > 80
    assert "To fit" not in wide


@pytest.mark.parametrize(
    ("where", "said"),
    [
        ("force=manchester", "did you mean Greater Manchester?"),
        ("force=Esex", "did you mean Essex"),
        ("year=2023", "did you mean 2023/24?"),
        ("force=zzzz", "scwc summary --by force lists them"),
    ],
)
def test_an_unknown_name_suggests_the_closest_members(capsys, where, said) -> None:
    assert main(["summary", "--where", where]) == 2
    err = capsys.readouterr().err.strip()
    assert said in err and len(err.splitlines()) == 1
    assert "Avon and Somerset" not in err  # not the first forces alphabetically
