"""A label from a user's file only ever shows (issue 27): escape sequences, control characters and
markup in a force, platform or title reach no terminal, widget or browser as anything but visible
text, run as a stranger would: the command in a child process, the app through Pilot, a served
visitor through textual-serve's websocket."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
import time
from pathlib import Path
from xml.etree import ElementTree

import pytest
from hypothesis import given
from hypothesis import strategies as st
from textual.pilot import Pilot

from tests.app.helpers import SIZE, press, settle
from tests.served import Server, Visitor, serving
from tui import cli
from tui.app import ExplorerApp
from tui.data.labels import quoted, safe_json, safe_lines, safe_text
from tui.data.loading import load_dataset

CURSOR = "X\x1b[2A\x1b[26G99\x1b[2B\rZ"
"""Moves the cursor up two lines, prints 99 over the column of Leeds's count, comes back."""
CLIPBOARD = "O\x1b]52;c;aGVsbG8=\x07"
"""OSC 52: writes 'hello' to the terminal's clipboard."""
LINK = "L\x1b]8;;http://evil.example/\x1b\\click\x1b]8;;\x1b\\"
"""OSC 8: a hidden link."""
C1 = "C\x9b2J"
"""A C1 control sequence introducer (clears the screen on terminals that take 8-bit controls)."""
BIDI = "Kent\u202eevil"
"""A right-to-left override: what follows shows reversed."""
HOSTILE = (CURSOR, CLIPBOARD, LINK, C1, BIDI)
RAW_SEQUENCES = ("\x1b[2A", "\x1b]52;", "\x1b]8;;http", "\x9b", "\u202e")
"""What must never reach a terminal, raw."""
HIDDEN = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
"""Control characters (a line break aside) and bidirectional controls."""


def hostile_csv(folder: Path, title: str | None = None) -> Path:
    """Leeds 10 first, then a label for each attack, 1 offence each."""
    path = folder / "hostile.csv"
    lines = ["force,year,offences", "Leeds,2019/20,10"]
    lines += ['"' + label.replace('"', '""') + '",2019/20,1' for label in HOSTILE]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    if title is not None:
        (folder / "hostile.csv.toml").write_text(f'title = "{title}"\n', encoding="utf-8")
    return path


def run(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui", *arguments],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def assert_nothing_raw(text: str) -> None:
    for sequence in RAW_SEQUENCES:
        assert sequence not in text, f"{sequence!r} reached the terminal: {text!r}"[:2000]
    assert not HIDDEN.search(text), HIDDEN.findall(text)


# --- the one rule -------------------------------------------------------------------------------


@given(st.text())
def test_safe_text_leaves_no_control_character_and_is_its_own_fixed_point(text: str) -> None:
    for shown in (safe_text(text), safe_text(text, pictures=False)):
        assert not HIDDEN.search(shown) and "\n" not in shown
        assert safe_text(shown) == shown


@given(st.text(alphabet=st.characters(categories=("L", "N", "P", "S", "Zs"))))
def test_printable_text_is_left_as_written(text: str) -> None:
    assert safe_text(text) == text or set(text) & {"\u2028", "\u2029"}


def test_escape_sequences_show_as_visible_text() -> None:
    assert safe_text(CURSOR) == "X␛[2A␛[26G99␛[2B␍Z"
    assert safe_text(CLIPBOARD) == "O␛]52;c;aGVsbG8=␇"
    assert safe_text(C1) == "C\\x9b2J" and safe_text(BIDI) == "Kent\\u202eevil"
    assert safe_text("Leeds[/b]") == "Leeds[/b]" and safe_text("Snapchat [x]") == "Snapchat [x]"
    assert safe_lines("one\x1b[2A\ntwo") == "one␛[2A\ntwo"


def test_a_quoted_value_is_cut_and_says_its_length() -> None:
    assert quoted("9" * 900_000) == f"'{'9' * 40}…' (900,000 characters)"
    assert quoted("Kent\x1b[2A") == "'Kent␛[2A'"


# --- the command line ---------------------------------------------------------------------------


def test_summary_prints_every_label_visibly_and_leeds_keeps_its_count(tmp_path: Path) -> None:
    path = hostile_csv(tmp_path, title="Title \\u001b]8;;http://evil.example/\\u0007")
    done = run("summary", str(path), "--by", "force")
    assert done.returncode == 0, done.stderr
    assert_nothing_raw(done.stdout)
    leeds = next(line for line in done.stdout.splitlines() if line.startswith("Leeds "))
    assert leeds.split()[1] == "10"
    assert "X␛[2A␛[26G99␛[2B" in done.stdout and "O␛]52;c;aGVsbG8=␇" in done.stdout
    assert done.stdout.splitlines()[0] == "Title ␛]8;;http://evil.example/␇"


def test_quote_and_the_known_list_print_every_label_visibly(tmp_path: Path) -> None:
    path = hostile_csv(tmp_path)
    done = run("quote", str(path), "--where", f"force={CLIPBOARD}")
    assert done.returncode == 0, done.stderr
    assert_nothing_raw(done.stdout)
    assert "O␛]52;c;aGVsbG8=␇" in done.stdout
    refused = run("summary", str(path), "--where", "force=Nowhere")
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1
    assert "did you mean" in refused.stderr or "lists them" in refused.stderr
    assert_nothing_raw(refused.stderr)
    unknown = run("summary", str(path), "--where", f"force=No{LINK}")
    assert unknown.returncode == 2
    assert_nothing_raw(unknown.stderr)


@given(st.recursive(st.text() | st.integers() | st.none(), lambda inner: st.lists(inner)))
def test_json_for_a_terminal_is_the_same_value_and_shows_every_character(value) -> None:
    shown = safe_json(value)
    assert json.loads(shown) == value
    assert not HIDDEN.search(shown) and safe_lines(shown) == shown


def test_sources_json_is_valid_and_prints_every_label_visibly(monkeypatch, capsys) -> None:
    """A figure's title from a user's figure file (``scwc build --figures``) may hold anything:
    ``scwc sources --json`` prints it escaped, as JSON that reads back to the title itself."""
    record = {"source_title": f"{CLIPBOARD} {C1} {BIDI}", "scope": CURSOR}

    class Check:
        figure = type("Figure", (), {"status": "target"})()
        mismatch = False

        def as_record(self) -> dict[str, str]:
            return record

    monkeypatch.setattr(cli, "reconcile", lambda dataset, folder: [Check()])
    assert cli.main(["sources", "--json"]) == 0
    printed = capsys.readouterr().out
    assert_nothing_raw(printed)
    assert json.loads(printed) == [record]


MATH = "A $x^2$ b $y$"
"""Two dollar signs: matplotlib would draw what is between them as mathematics."""


def test_a_chart_shows_every_label_as_written_and_is_well_formed(tmp_path: Path) -> None:
    """``scwc chart`` (and the API's chart, the same writer): the SVG's text shows each label
    visibly, a label with dollar signs is not typeset as mathematics, and the file is XML."""
    pytest.importorskip("matplotlib")
    path = hostile_csv(tmp_path, title="Title \\u001b[2A")
    with path.open("a", encoding="utf-8") as lines:
        lines.write(f'"{MATH}",2019/20,2\n')
    svg = tmp_path / "chart.svg"
    done = run("chart", str(path), "--by", "force", "-o", str(svg))
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # no warning about glyphs the font lacks
    text = svg.read_text(encoding="utf-8")
    ElementTree.fromstring(text)  # well-formed: no control character in the XML
    assert_nothing_raw(text.replace("\n", " "))
    shown = " ".join(re.findall(r"<text[^>]*>([^<]*)</text>", text))
    assert r"X\x1b[2A\x1b[26G99\x1b[2B" in shown  # the font has no ␛: the code instead
    assert r"O\x1b]52;c;aGVsbG8=\x07" in shown and MATH in shown and r"Title \x1b[2A" in shown


def test_the_apis_quote_and_notes_show_every_label_visibly(tmp_path: Path) -> None:
    """What the notebook API hands out as words (a quote, notes, the name) prints safely."""
    import tui

    path = hostile_csv(tmp_path, title="Title \\u001b]52;c;aGk=\\u0007")
    data = tui.open(path)
    sentence = data.quote(where={"force": CURSOR})
    assert "X␛[2A␛[26G99␛[2B" in sentence
    table = data.summary(by="force", where={"force": [CLIPBOARD, LINK]})
    words = "\n".join([sentence, data.name, repr(data), *data.notes, *table.notes])
    assert_nothing_raw(words)
    assert "O␛]52;c;aGVsbG8=␇" in "\n".join(table.notes)


# --- markup is text -------------------------------------------------------------------------------


def test_labels_in_brackets_are_data_not_footnotes(tmp_path: Path) -> None:
    path = tmp_path / "brackets.csv"
    path.write_text(
        "platform,year,offences\nSnapchat [x],2019/20,10\n[c],2019/20,5\n[note 3],2019/20,3\n"
        "[b] Other,2019/20,4\nInstagram,2019/20,1\n[1] Source: police forces' returns\n",
        encoding="utf-8",
    )
    dataset = load_dataset(path)
    assert set(dataset.members("platform")) == {
        "Snapchat [x]",
        "[c]",
        "[note 3]",
        "[b] Other",
        "Instagram",
    }
    assert int(dataset.cube["offences"].sum()) == 23
    assert any("[1] Source" in note for note in dataset.notes)  # a note without counts is one


def screen_text(app: ExplorerApp) -> str:
    """What the terminal shows: every line of the screen as painted, toasts included."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def until_shown(pilot: Pilot, text: str, timeout: float = 60) -> None:
    """Wait until ``text`` is on the screen."""
    deadline = time.monotonic() + timeout
    while text not in screen_text(pilot.app):
        assert time.monotonic() < deadline, f"{text!r} not shown: {screen_text(pilot.app)}"
        await pilot.pause(0.05)


MARKUP_CSV = (
    "force,platform,year,offences\n"
    "Leeds[/b],Snapchat [x],2019/20,20\n"
    "Kent,[c],2019/20,5\n"
    "Kent,[note 3],2019/20,3\n"
    'Kent,"[b] Other",2019/20,4\n'
    "Kent,Instagram,2019/20,*\n"
    f'"{CURSOR}",Instagram,2019/20,1\n'
    f'"{CLIPBOARD}",Instagram,2019/20,1\n'
)


async def test_the_app_shows_markup_and_escapes_as_written(tmp_path: Path) -> None:
    path = tmp_path / "markup.csv"
    path.write_text(MARKUP_CSV, encoding="utf-8")
    (tmp_path / "markup.csv.toml").write_text('title = "Leeds [b]bold[/b] [/i]"\n')
    app = ExplorerApp(load_dataset(path))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await press(pilot, "g")
        await pilot.press(*"force", "enter")
        await settle(pilot)
        shown = screen_text(app)
        assert "(*, .., [c], [x], -)" in shown  # the open-file notice, as written
        assert "Leeds[/b]" in shown and "X␛[2A␛[26G99␛[2B" in shown
        assert "Leeds [b]bold[/b] [/i]" in shown  # the title in the header
        assert_nothing_raw(shown)
        await press(pilot, "enter")  # drill into the first row: Leeds[/b] (20)
        shown = screen_text(app)
        assert "All › Leeds[/b]" in shown and "Force: Leeds[/b]" in shown
        await press(pilot, "backspace", "f")
        shown = screen_text(app)
        assert "Leeds[/b]" in shown and "O␛]52;c;aGVsbG8=␇" in shown  # the filter panel
        assert_nothing_raw(shown)
        await press(pilot, "escape", "escape", "g")
        await pilot.press(*"platform", "enter")  # the first match is Platform itself
        await settle(pilot)
        shown = screen_text(app)
        for label in ("Snapchat [x]", "[c]", "[note 3]", "[b] Other"):
            assert label in shown, label
        await press(pilot, "a")
        shown = screen_text(app)
        assert "Leeds [b]bold[/b] [/i]" in shown and "[c], [x]" in shown  # About
        assert_nothing_raw(shown)
        await press(pilot, "escape", "r")
        shown = screen_text(app)  # the rows as read
        assert "Leeds[/b]" in shown and "X␛[2A␛[26G99␛[2B" in shown
        assert_nothing_raw(shown)
        assert app.is_running


async def test_the_search_line_and_the_palette_show_a_label_as_written(tmp_path: Path) -> None:
    """The search's reading of a label with an escape sequence shows it visibly (it moved the
    cursor and printed over the preview), and the palette's first line takes ``Leeds[/b]`` as
    text (as markup it ended the app)."""
    path = tmp_path / "markup.csv"
    path.write_text(MARKUP_CSV, encoding="utf-8")
    app = ExplorerApp(load_dataset(path))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await press(pilot, "slash")
        await pilot.press(*"26g99")
        await until_shown(pilot, "X␛[2A␛[26G99␛[2B")
        assert_nothing_raw(screen_text(app))
        await press(pilot, "escape", "ctrl+p")
        await pilot.press(*"leeds")
        await until_shown(pilot, "Show Leeds[/b]")
        assert_nothing_raw(screen_text(app))
        await press(pilot, "enter")
        await until_shown(pilot, "Force: Leeds[/b]")
        assert app.is_running


async def test_the_charts_note_names_a_partial_label_as_written(tmp_path: Path) -> None:
    """A force with no row for a year the file has is partial; the inline chart's note names it
    (it printed the label raw: the cursor went up two lines and wrote 99 over the table's rule)."""
    path = tmp_path / "two_years.csv"
    path.write_text(MARKUP_CSV + "Leeds[/b],Snapchat [x],2020/21,25\n", encoding="utf-8")
    app = ExplorerApp(load_dataset(path))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await press(pilot, "g")
        await pilot.press(*"force", "enter")
        await until_shown(pilot, "◔ partial:")
        shown = screen_text(app)
        assert "X␛[2A␛[26G99␛[2B" in shown.split("◔ partial:", 1)[1]
        assert_nothing_raw(shown)


# --- a browser visitor ----------------------------------------------------------------------------


def test_a_served_visitor_sees_markup_and_escapes_as_text_and_keeps_the_app(
    tmp_path: Path,
) -> None:
    """The stream a browser gets holds no label's escape sequence raw, and ``Leeds[/b]`` neither
    ends the visitor's app nor is taken for markup."""
    path = tmp_path / "markup.csv"
    path.write_text(MARKUP_CSV, encoding="utf-8")

    async def visit(server: Server) -> tuple[str, list[int]]:
        visitor = Visitor(server)
        try:
            await visitor.connect()
            await visitor.wait_for("(*, .., [c], [x], -)", "Leeds[/b]", "O␛]52;c;aGVsbG8=␇")
            mark = len(visitor.text)
            await visitor.press("g")
            await visitor.wait_for("Group by", since=mark)
            mark = len(visitor.text)
            await visitor.press("force", "enter")
            await visitor.wait_for("by Force", since=mark)
            mark = len(visitor.text)
            await visitor.press("enter")
            await visitor.wait_for("All › Leeds[/b]", since=mark)
            return visitor.raw, server.app_processes()
        finally:
            await visitor.close()

    with serving(str(path), token="labels-token-1") as server:
        raw, alive = asyncio.run(visit(server))
    assert alive, "the visitor's app ended"
    for sequence in ("\x1b]52;c;aGVsbG8=", "\x1b[2A\x1b[26G99"):
        assert sequence not in raw


@pytest.mark.parametrize("label", ["Leeds[/b]", "[/]", "[link=x]", "[@click=quit]"])
async def test_no_markup_in_a_label_ends_the_app(tmp_path: Path, label: str) -> None:
    path = tmp_path / "one.csv"
    path.write_text(f'force,year,offences\n"{label}",2019/20,10\nKent,2019/20,1\n')
    app = ExplorerApp(load_dataset(path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "g")
        await pilot.press(*"force", "enter")
        await settle(pilot)
        await press(pilot, "enter")
        assert label in screen_text(app) and app.is_running
        await press(pilot, "backspace", "ctrl+p")
        await pilot.press(*"filter force")
        await until_shown(pilot, f"Filter Force = {label}")  # the palette searches in a worker
        assert app.is_running
        await press(pilot, *["backspace"] * len("filter force"))
        await pilot.press(*("leeds" if "Leeds" in label else "kent"))  # read as "Show ..."
        await until_shown(pilot, "Show")
        assert app.is_running
