"""The first hour: the README's six questions, each in at most 12 key presses from start, typed
exactly as the README writes them at 80x24 and 120x40, the answer read off the screen."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from textual.pilot import Pilot

from tests.app.helpers import screen_text, settle, table_rows
from tui.app import ExplorerApp
from tui.data.engine.query import summary
from tui.data.engine.table import RATE
from tui.data.features.quote import quote
from tui.screens.sources import SourcesScreen

README = Path(__file__).parents[2] / "README.md"
MOST_KEYS = 12
SIZES = [(80, 24), (120, 40)]
sizes = pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
NAMED_KEYS = {"Enter": "enter", "/": "slash", "ctrl+s": "ctrl+s", "Esc": "escape"}
CHARACTERS = {" ": "space", "/": "slash", "-": "minus"}


def tour() -> dict[int, list[str]]:
    """The README's quick tour: each question's keys as Pilot presses them (a typed word is a
    press per character)."""
    rows = re.findall(
        r"^\| (\d) \| [^|]+ \| ((?:`[^`]+` ?)+) \| (\d+) \|$", README.read_text(), re.M
    )
    questions = {}
    for number, keys, said in rows:
        presses: list[str] = []
        for token in re.findall(r"`([^`]+)`", keys):
            if token in NAMED_KEYS:
                presses.append(NAMED_KEYS[token])
            elif len(token) == 1:
                presses.append(CHARACTERS.get(token, token))
            else:
                presses += [CHARACTERS.get(c, c) for c in token]
        assert len(presses) == int(said), (number, presses)
        questions[int(number)] = presses
    return questions


QUESTIONS = tour()


def test_the_readme_gives_six_questions_in_at_most_twelve_keys() -> None:
    assert sorted(QUESTIONS) == [1, 2, 3, 4, 5, 6]
    assert all(len(keys) <= MOST_KEYS for keys in QUESTIONS.values())


async def ask(pilot: Pilot, number: int) -> None:
    """Press the question's keys as a reader would (no waiting between them), then wait for the
    answer to be shown."""
    await pilot.press(*QUESTIONS[number])
    await settle(pilot)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def notice(screen: str) -> str:
    """The text of the notification box on a screen: the columns right of its bar ``▌``."""
    return " ".join(line.rsplit("▌", 1)[1] for line in screen.splitlines() if "▌" in line)


def start(dataset, tmp_path: Path) -> ExplorerApp:
    app = ExplorerApp(dataset, export_folder=tmp_path)
    app.copied: list[str] = []  # type: ignore[misc]
    app.copy_to_clipboard = app.copied.append  # type: ignore[method-assign]
    return app


@sizes
async def test_1_a_forces_count_and_the_sentence_to_quote(dataset, tmp_path, size) -> None:
    app = start(dataset, tmp_path)
    async with app.run_test(size=size, notifications=True) as pilot:
        await ask(pilot, 1)
        assert app.selection.members("force") == ("Kent",)
        assert app.selection.members("year") == ("2023/24",)
        count = summary(dataset, app.selection).totals["offences"]
        assert table_rows(app)[0][:2] == ["Kent", f"{count:,}"]
        assert app.copied == [quote(dataset, app.selection)]
        sentence = " ".join(app.copied[0].split())
        for _ in range(100):  # until the notice is drawn
            await pilot.pause()
            shown = screen_text(app)
            if "Copied sentence" in shown:
                break
        assert f"{count:,}" in shown
        # the notice shows the sentence to its end (wrapped: compare its words in order)
        assert re.sub(r"[^\w]", "", sentence) in re.sub(r"[^\w]", "", notice(shown))


@sizes
async def test_2_the_most_used_app_in_a_nation_in_a_year(dataset, tmp_path, size) -> None:
    app = start(dataset, tmp_path)
    async with app.run_test(size=size) as pilot:
        await ask(pilot, 2)
        assert app.selection.group_by == "platform" and app.selection.measure == "instances"
        rows = table_rows(app)
        frame = summary(dataset, app.selection).frame
        named = frame.filter(~frame["platform"].is_in(["Other", "Not recorded", "Not split"]))
        top = named.sort("instances", descending=True)["platform"][0]
        assert rows[0][0] == top  # the most used app first
        assert top in screen_text(app)


@sizes
async def test_3_an_age_band_by_force_exported_to_excel(dataset, tmp_path, size) -> None:
    app = start(dataset, tmp_path)
    async with app.run_test(size=size) as pilot:
        await ask(pilot, 3)
        assert app.selection.group_by == "force"
        assert app.selection.members("age_band") == ("12-15",)
        written = list(tmp_path.glob("*.xlsx"))
        assert len(written) == 1 and written[0].with_name(written[0].name + ".toml").is_file()
        sheet = load_workbook(written[0])["selection"]
        header = [c.value for c in next(sheet.iter_rows(max_row=1))]
        assert header[0] == "Force"
        forces = summary(dataset, app.selection).frame["force"].to_list()
        listed = [r[0].value for r in sheet.iter_rows(min_row=2, max_row=len(forces) + 1)]
        assert listed == forces


@sizes
async def test_4_two_jurisdictions_rates_for_a_year(dataset, tmp_path, size) -> None:
    app = start(dataset, tmp_path)
    async with app.run_test(size=size) as pilot:
        await ask(pilot, 4)
        assert app.selection.group_by == "jurisdiction"
        screen = screen_text(app)
        assert "Per 100k" in screen  # the rate column is on screen, not to the right
        frame = summary(dataset, app.selection).frame
        assert frame.height == 2
        for jurisdiction, rate in zip(frame["jurisdiction"], frame[RATE], strict=True):
            assert rate is not None  # a year both have a population for
            assert jurisdiction in screen and f"{rate:,.2f}" in screen


@sizes
async def test_5_the_highest_rate_and_whether_the_ranking_holds(dataset, tmp_path, size) -> None:
    app = start(dataset, tmp_path)
    async with app.run_test(size=size) as pilot:
        await ask(pilot, 5)
        frame = summary(dataset, app.selection).frame
        highest = frame.sort(RATE, descending=True, nulls_last=True)["force"][0]
        assert table_rows(app)[0][0] == highest
        screen = " ".join(screen_text(app).split())
        assert re.search(r"rate ranking has \d+ modelled rows \(○\): order not established", screen)


@sizes
async def test_6_the_source_of_a_national_figure_and_who_disagrees(dataset, tmp_path, size) -> None:
    app = start(dataset, tmp_path)
    async with app.run_test(size=size) as pilot:
        await ask(pilot, 6)
        screen = app.screen
        assert isinstance(screen, SourcesScreen)
        first = screen.checks[screen.shown[0]].figure
        assert (first.scope, first.year, first.value) == ("England and Wales", "2017/18", 3217)
        listed = [screen.checks[i].figure for i in screen.shown]
        disagree = [f for f in listed if f.value == 3171 and f.status == "superseded"]
        assert disagree  # the earlier release's figure, and why it is not used
        text = " ".join(screen_text(app).split())
        assert "3,217" in text and "3,171" in text and first.source_title[:30] in text
