"""``scwc build``: a user's own published figures built into a dataset of their own, opened with
``scwc DIR`` and listed by ``scwc sources DIR``; a bad figure file, a bad folder or a missing
builder is one line and exit code 2, before anything is written.

The builds themselves run once per test run (:mod:`tests.builds`)."""

from __future__ import annotations

import csv
import hashlib
import json
import re
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.builds import Built
from tests.conftest import NEXT_YEAR_FIGURES
from tui.cli import main, open_start
from tui.cli_build import HINT, move_into
from tui.data.dataset import DataError
from tui.data.engine.intervals import TOTAL, intervals
from tui.data.figures.published import forces_by_region
from tui.data.figures.user_figures import FIGURE_COLUMNS, USER_FILE, read_user_figures
from tui.data.loading import repo_data_dir
from tui.data.selection import Selection

GOOD_ROW = next(csv.DictReader(NEXT_YEAR_FIGURES.open(encoding="utf-8")))
REGIONS = forces_by_region(repo_data_dir() / "forces.csv")


def write_figures(path: Path, rows: list[dict[str, str]], header=FIGURE_COLUMNS) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows([[row.get(c, "") for c in header] for row in rows])
    return path


def one_line_refusal(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    """Run ``scwc *argv``: it must fail with exit code 2 and one line on stderr."""
    assert main(list(argv)) == 2
    captured = capsys.readouterr()
    error = captured.err.strip()
    assert error and "\n" not in error and "Traceback" not in error, captured.err
    return error


def test_without_the_builder_it_says_how_to_get_it(monkeypatch, capsys, tmp_path) -> None:
    monkeypatch.setitem(sys.modules, "scipy", None)  # as if the extra were not installed
    assert one_line_refusal(capsys, "build") == HINT
    figures = str(NEXT_YEAR_FIGURES)
    assert one_line_refusal(capsys, "build", "--figures", figures, "--out", str(tmp_path)) == HINT
    assert HINT == "scwc build needs the builder: pip install 'scwc[build]'"


def test_in_place_it_rebuilds_the_embedded_dataset(monkeypatch) -> None:
    from tui.data.build import build

    calls = []
    monkeypatch.setattr(build, "main", lambda argv, announce=print: calls.append(argv) or 0)
    assert main(["build"]) == 0
    assert calls == [["--data-dir", str(repo_data_dir())]]


def test_a_users_figures_are_never_built_into_the_package(capsys) -> None:
    error = one_line_refusal(capsys, "build", "--figures", str(NEXT_YEAR_FIGURES))
    assert "--figures needs --out DIR" in error


def test_a_folder_it_must_not_write_into_is_refused(capsys, tmp_path) -> None:
    figures = str(NEXT_YEAR_FIGURES)
    a_file = tmp_path / "a_file"
    a_file.write_text("x", encoding="utf-8")
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine", encoding="utf-8")
    for out, says in (
        (a_file, "not a folder"),
        (other, "a folder with other files in it"),
        (repo_data_dir(), "the embedded dataset's folder"),
        (tmp_path / "no" / "such", "no folder"),
    ):
        error = one_line_refusal(capsys, "build", "--figures", figures, "--out", str(out))
        assert says in error, error
    assert (other / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a_file", "other"]


BAD_ROWS = [
    ({"source_url": ""}, "row 3: source_url is blank (every figure needs it and its source)"),
    ({"source_title": " "}, "row 3: source_title is blank"),
    ({"year": "2025"}, "row 3: year '2025': expected a financial year such as 2025/26"),
    ({"year": "2025/27"}, "row 3: year '2025/27': expected a financial year"),
    ({"year": "2019/20-2017/18"}, "the earlier first"),
    ({"value": "1,234"}, "row 3: value '1,234': expected a number (digits only"),
    ({"value": "12.5"}, "a count is a whole number"),
    ({"value": "-3"}, "expected a number of 0 or more"),
    ({"unit": "share", "value": "25"}, "a share is written as a fraction: 0.25 for 25%"),
    ({"unit": "percent"}, "row 3: unit 'percent': expected one of count, lower_bound, share"),
    ({"scope_type": "county"}, "expected one of country, region, force"),
    ({"scope_type": "force", "scope": "Kent Police"}, "'Kent Police' is not a force"),
    ({"scope_type": "force", "scope": "Wiltshre"}, "(closest: Wiltshire)"),
    ({"scope_type": "region", "scope": "Wessex"}, "a region is one of North East"),
    ({"scope_type": "country", "scope": "Wales"}, "a country scope is one of UK"),
    ({"measure": "Offences!"}, "expected a measure name such as offences"),
    ({"published": "12/11/2026"}, "expected a date such as 2026-03-31"),
    ({"published": "2026-02-30"}, "expected a date"),
]


@pytest.mark.parametrize(
    ("change", "says"),
    BAD_ROWS,
    ids=[",".join(f"{k}={v}" for k, v in c.items()) for c, _ in BAD_ROWS],
)
def test_a_bad_row_is_one_line_naming_it_and_nothing_is_built(capsys, tmp_path, change, says):
    """The header is row 1 and the good row 2, as a spreadsheet numbers them."""
    good = {**GOOD_ROW}
    rows = [good, {**good, **change}]
    figures = write_figures(tmp_path / "answers.csv", rows)
    out = tmp_path / "out"
    error = one_line_refusal(capsys, "build", "--figures", str(figures), "--out", str(out))
    assert error.startswith("scwc: answers.csv: row 3: ") and says in error, error
    assert sorted(p.name for p in tmp_path.iterdir()) == ["answers.csv"]


def test_a_bad_header_or_an_empty_file_is_one_line(capsys, tmp_path) -> None:
    out = str(tmp_path / "out")
    missing = write_figures(tmp_path / "a.csv", [GOOD_ROW], header=FIGURE_COLUMNS[:-1])
    assert "missing column(s) quote" in one_line_refusal(
        capsys, "build", "--figures", str(missing), "--out", out
    )
    extra = write_figures(tmp_path / "b.csv", [GOOD_ROW], header=(*FIGURE_COLUMNS, "notes"))
    assert "unknown or repeated column(s) notes" in one_line_refusal(
        capsys, "build", "--figures", str(extra), "--out", out
    )
    empty = write_figures(tmp_path / "c.csv", [])
    assert "c.csv: no figures" in one_line_refusal(
        capsys, "build", "--figures", str(empty), "--out", out
    )
    latin = tmp_path / "d.csv"
    latin.write_bytes(",".join(FIGURE_COLUMNS).encode() + b"\nforce,Caf\xe9\n")
    assert "not UTF-8" in one_line_refusal(capsys, "build", "--figures", str(latin), "--out", out)
    absent = str(tmp_path / "none.csv")
    assert "none.csv: cannot read" in one_line_refusal(
        capsys, "build", "--figures", absent, "--out", out
    )


PLACES = [
    ("force", "Kent"),
    ("force", "Gwent, Dyfed-Powys"),
    ("region", "Wales"),
    ("region", "England"),
    ("country", "UK"),
    ("country", "Scotland"),
]
VALUES = [("12", "count"), ("0.25", "share"), ("300", "lower_bound")]
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)
NEAR_MISSES = [
    "",
    " ",
    "2025",
    "2025/27",
    "Kent Police",
    "1,234",
    "-1",
    "nan",
    "percent",
    "2026-13",
]
JUNK = st.one_of(TEXT, st.sampled_from(NEAR_MISSES))


@st.composite
def figure_rows(draw) -> tuple[dict[str, str], bool]:
    """A row whose required cells are each a good one or any text, and whether all were good."""
    place, value, good = draw(st.sampled_from(PLACES)), draw(st.sampled_from(VALUES)), True
    row = {
        "scope_type": place[0],
        "scope": place[1],
        "year": draw(st.sampled_from(["2025/26", "2017/18-2019/20", "1999/00"])),
        "measure": draw(st.sampled_from(["offences", "share_snapchat"])),
        "value": value[0],
        "unit": value[1],
        "period_note": draw(TEXT),
        "source_title": draw(st.sampled_from(["An FOI answer", "Café, “quoted”"])),
        "source_url": draw(st.sampled_from(["https://example.org/a", "FOI 2026/1"])),
        "published": draw(st.sampled_from(["", "2026", "2026-03", "2026-03-31"])),
        "quote": draw(TEXT),
    }
    for column in draw(st.sets(st.sampled_from(FIGURE_COLUMNS), max_size=2)):
        row[column], good = draw(JUNK), good and column in ("period_note", "quote")
    return row, good


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(figure_rows(), min_size=1, max_size=4))
def test_a_figure_file_is_read_whole_or_refused_in_one_line(tmp_path, rows) -> None:
    """Good rows are always taken as written (any text in the notes); anything else is either
    taken, every kept row a financial year with a source, or refused in one line naming the file."""
    path = write_figures(tmp_path / "mine.csv", [row for row, _ in rows])
    try:
        kept = read_user_figures(path, REGIONS)
    except DataError as error:
        assert str(error).startswith("mine.csv: ") and "\n" not in str(error)
        assert not all(good for _, good in rows), error
        return
    assert len(kept) <= len(rows)
    for row in kept:
        assert re.fullmatch(r"\d{4}/\d\d(-\d{4}/\d\d)?", row["year"])
        assert row["source_title"] and row["source_url"] and float(row["value"]) >= 0
    if all(good for _, good in rows):
        assert [r["scope"] for r in kept] == [r["scope"] for r, _ in rows]


def test_a_folder_it_cannot_write_in_is_one_line(monkeypatch, capsys, tmp_path) -> None:
    import tempfile

    def refused(**_: object) -> str:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkdtemp", refused)
    error = one_line_refusal(capsys, "build", "--out", str(tmp_path / "out"))
    assert error == f"scwc: --out {tmp_path / 'out'}: cannot write there: Permission denied"


def test_a_rebuilt_folder_keeps_no_user_file_of_an_earlier_build(tmp_path) -> None:
    out, staging = tmp_path / "out", tmp_path / "staging"
    out.mkdir()
    staging.mkdir()
    for name in ("offences.csv", "real_figures.csv", USER_FILE, "figure_files.toml", "mine.txt"):
        (out / name).write_text("old", encoding="utf-8")
    for name in ("offences.csv", "real_figures.csv", "holdout.csv"):
        (staging / name).write_text("new", encoding="utf-8")
    assert move_into(staging, out) == {"offences.csv", "real_figures.csv", "holdout.csv"}
    assert {p.name: p.read_text(encoding="utf-8") for p in out.iterdir()} == {
        "offences.csv": "new",
        "real_figures.csv": "new",
        "holdout.csv": "new",
        "mine.txt": "old",
    }


def test_sources_of_a_folder_without_figures_is_one_line(capsys, tmp_path) -> None:
    assert "no published figures beside it" in one_line_refusal(capsys, "sources", str(tmp_path))


def shown(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(list(argv)) == 0
    return capsys.readouterr().out


def table_row(text: str, name: str) -> str:
    """The line of a printed summary table for ``name`` (its first column)."""
    rows = [line for line in text.splitlines() if re.match(rf"{re.escape(name)}\s{{2,}}", line)]
    assert len(rows) == 1, text
    return rows[0]


def test_a_users_figures_build_into_a_dataset_of_their_own(user_build: Built, data_dir) -> None:
    assert user_build.code == 0, user_build.err
    folder = user_build.folder
    assert (folder / USER_FILE).is_file() and (folder / "figure_files.toml").is_file()
    # the hold-out measured the project's figures alone: this dataset does not claim it
    assert not (folder / "holdout.csv").exists()
    assert "accuracy" not in (folder / "offences.toml").read_text(encoding="utf-8")
    lines = user_build.out.splitlines()
    assert lines[:3] == [
        f"wrote {folder / n}" for n in ("offences.csv", "ranges.csv", "offences.toml")
    ]
    assert lines[3].startswith("next_year_figures.csv: 10 figures: ")
    assert lines[4] == f"open it: scwc {folder}   its figures: scwc sources {folder}"
    # the installed package's dataset is untouched
    assert (folder / "offences.csv").read_bytes() != (data_dir / "offences.csv").read_bytes()
    committed = hashlib.sha256((data_dir / "offences.csv").read_bytes()).hexdigest()
    assert open_start(None, None, None).dataset.path == data_dir / "offences.csv"
    assert committed == hashlib.sha256((data_dir / "offences.csv").read_bytes()).hexdigest()


def test_the_built_folder_opens_with_the_users_figure_published(user_build: Built, capsys):
    folder = user_build.folder
    assert open_start(folder, None, None).dataset.path == folder / "offences.csv"
    for path in (folder, folder / "offences.csv"):
        text = shown(
            capsys, "summary", str(path), "--by", "force", "--where", "region=South West",
            "--where", "year=2024/25",
        )  # fmt: skip
        assert re.match(r"Wiltshire\s+63\s+●", table_row(text, "Wiltshire"))
        assert "○" in table_row(text, "Dorset")
    quoted = shown(
        capsys, "quote", str(folder), "--where", "force=Wiltshire", "--where", "year=2024/25"
    )
    assert "recorded 63 offences" in quoted and "Fictional FOI answer to a newsroom" in quoted


def test_sources_of_the_folder_lists_the_users_figures_as_targets(user_build: Built, capsys):
    folder = user_build.folder
    text = shown(capsys, "sources", str(folder))
    assert (
        "Wiltshire 2024/25 offences: published 63, dataset 63: reproduced (Fictional FOI answer "
        "to a newsroom (test fixture, not a real figure))"
    ) in text.splitlines()
    assert text.splitlines()[-1].endswith("; 0 mismatches")
    records = json.loads(shown(capsys, "sources", str(folder), "--json"))
    own = [r for r in records if r["id"].startswith("U")]
    assert len(own) == 10 and all(r["source_url"] for r in own)
    assert {r["id"]: r["verdict"] for r in own}["U009"] == "reproduced"
    embedded = json.loads(shown(capsys, "sources", "--json"))
    assert not [r for r in embedded if r["id"].startswith("U")]


async def test_the_explorer_marks_the_users_figure_and_lists_it_in_sources(user_build: Built):
    """``scwc DIR``: Wiltshire 2024/25 is ● with the user's source in the status line, and ``o``
    lists the user's figure among the published ones, reproduced."""
    from tests.app.helpers import SIZE, settle, text_of
    from tests.app.test_sources import filled, shown_rows
    from tui.app import ExplorerApp
    from tui.data.features.navigation import initial_selection

    dataset = open_start(user_build.folder, None, None).dataset
    wiltshire = initial_selection(dataset).with_filter("force", ("Wiltshire",))
    app = ExplorerApp(dataset, wiltshire.with_filter("year", ("2024/25",)))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "● published: Fictional FOI answer to a newsroom" in text_of(app, "#status")
        await pilot.press("o")
        screen = await filled(pilot)
        rows = shown_rows(screen)  # (the list names no source: the highlighted one's is below it)
        mine = [
            (rows[place], screen.checks[i])
            for place, i in enumerate(screen.shown)
            if "Fictional FOI answer" in screen.checks[i].figure.source_title
        ]
        assert len(mine) == 1, screen.search_text
        row, check = mine[0]
        assert "reproduced" in row and "63" in row and check.ok
        assert rows[0] == row  # opened on Wiltshire 2024/25, the row highlighted: its figure first
        assert "Fictional FOI answer" in " ".join(text_of(screen, "#detail").split())


def test_the_python_api_opens_the_folder_with_the_users_figures(user_build: Built) -> None:
    import tui

    data = tui.open(user_build.folder)
    sources = data.sources()
    own = sources.filter(sources["id"].str.starts_with("U"))
    assert own.height == 10 and "reproduced" in own["verdict"].to_list()
    assert own.filter(own["id"] == "U009")["dataset"].to_list() == [63.0]


FICTIONAL_FORCES = {"Kent": 270, "North Wales": 121, "Dyfed-Powys": 85, "West Mercia": 135}


def test_a_fictional_next_year_is_built_and_shown(user_build: Built, capsys) -> None:
    """A 2025/26 in a user's figures (UK, Scotland, Northern Ireland, two regions, four forces)
    appears in ``scwc summary``: its published figures ●, England and Wales derived ◐ (UK minus
    the other two), every other force ○ with what the published figures allow."""
    folder = str(user_build.folder)
    by_year = shown(capsys, "summary", folder, "--by", "year")
    assert re.match(r"2025/26\s+6,585\s+◐", table_row(by_year, "2025/26"))
    regions = shown(capsys, "summary", folder, "--by", "region", "--where", "year=2025/26")
    assert re.match(r"Wales\s+560\s+●", table_row(regions, "Wales"))
    assert re.match(r"West Midlands\s+400\s+●", table_row(regions, "West Midlands"))
    forces = shown(capsys, "summary", folder, "--by", "force", "--where", "year=2025/26")
    for force, count in FICTIONAL_FORCES.items():
        assert re.match(rf"{force}\s+{count}\s+●", table_row(forces, force))
    rows = [line for line in forces.splitlines() if re.match(r"\S.*?\s{2,}[\d,]+\s+\S", line)]
    others = [
        line for line in rows if "○" in line and not line.startswith(("Total", *FICTIONAL_FORCES))
    ]
    assert len(others) >= 35
    for line in others:  # a modelled count comes with what the published figures allow
        assert re.search(r"\d", line.split("○", 1)[1].split("%", 1)[0]), line
    checks = json.loads(shown(capsys, "sources", folder, "--json"))
    assert all(r["verdict"] == "reproduced" for r in checks if r["id"].startswith("U"))
    year = (("jurisdiction", ("England and Wales",)), ("year", ("2025/26",)))
    found = intervals(
        open_start(user_build.folder, None, None).dataset, Selection("force", "offences", year)
    )
    assert found is not None
    for force, count in FICTIONAL_FORCES.items():  # a published count: its interval is itself
        assert (found[force].low95, found[force].high95) == (count, count)
    modelled = [f for f in found if f is not TOTAL and f not in FICTIONAL_FORCES]
    assert len(modelled) >= 35
    assert all(
        found[f].low95 <= found[f].low80 <= found[f].high80 <= found[f].high95 for f in modelled
    )
    assert sum(found[f].high95 > found[f].low95 for f in modelled) >= 35
