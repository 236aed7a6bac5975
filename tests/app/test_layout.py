"""Layout at 80x24 and 120x40: the footer's keys, whole columns, distinct names, clear state."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Static
from textual.widgets._footer import FooterKey

from tests.app.helpers import SIZE, press, screen_text, settle, text_of
from tui.app import ExplorerApp
from tui.data.output import format as fmt
from tui.data.schema import PROVENANCE
from tui.data.selection import Selection
from tui.screens.export import ExportScreen
from tui.widgets.filter_chips import chip_lines, filter_parts
from tui.widgets.filter_panel import MemberList
from tui.widgets.footer import Footer as TuiFooter
from tui.widgets.summary_table import SummaryTable

SIZES = [SIZE, (80, 24)]


def footer_keys(app: ExplorerApp) -> list[str]:
    """The keys the footer shows, left to right, as far as they fit."""
    footer = app.query_one(Footer)
    width = footer.region.right
    return [
        key.key_display or key.key
        for key in footer.query("FooterKey")
        if key.region.width and key.region.right <= width
    ]


@pytest.mark.parametrize("size", SIZES)
async def test_the_footer_always_shows_help_quit_filters_export(dataset, size) -> None:
    app = ExplorerApp(dataset)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        for keys in ([], ["f"], ["f", "enter"], ["f", "r"]):
            await pilot.press(*keys)
            await settle(pilot)
            shown = footer_keys(app)
            for key in ("?", "q", "f", "e"):
                assert key in shown, (keys, shown)


@pytest.mark.parametrize("size", SIZES)
async def test_opening_the_filter_panel_never_cuts_a_column(dataset, size) -> None:
    app = ExplorerApp(dataset)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        app.group_by("force")
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        table = app.query_one(SummaryTable)
        assert table.virtual_size.width <= table.scrollable_content_region.width
        if size == SIZE:  # the chart made room: the count, its interval and the shares are there
            shown = [str(c.key.value) for c in table.ordered_columns]
            assert shown[:5] == ["force", "provenance", "offences", fmt.INTERVAL, "share"]
            assert table.hidden_columns <= 3  # the two rates and change, to the right
        else:  # fewer whole columns, the rest to the right
            assert str(table.ordered_columns[-1].label) == "›"


@pytest.mark.parametrize("size", SIZES)
async def test_every_table_column_is_reachable(dataset, size) -> None:
    app = ExplorerApp(dataset)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        app.group_by("force")
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        table = app.query_one(SummaryTable)
        table.focus()
        seen: set[str] = set()
        for _ in range(8):
            seen |= {str(c.label).split(" ")[0] for c in table.ordered_columns}
            await press(pilot, "right")
        # the share where recorded is the share when no force is "Not recorded": not shown twice
        assert {"Force", "Offences", "Likely", "Share", "YoY", "Per"} <= seen
        assert "Sh." not in seen


async def test_member_boxes_read_without_colour(dataset) -> None:
    app = ExplorerApp(dataset)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f", "home", "down", "down", "enter")  # Year
        await press(pilot, "space")  # keep only the first year
        members = app.query_one(MemberList)
        lines = ["".join(s.text for s in members.render_line(y)) for y in range(2)]
        assert lines[0].startswith("[x]") and lines[1].startswith("[ ]")


async def test_export_radio_buttons_show_which_is_chosen(dataset, tmp_path) -> None:
    app = ExplorerApp(dataset, export_folder=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ExportScreen)
        summary = str(app.screen.query_one("#summary").render())
        rows = str(app.screen.query_one("#rows").render())
        assert summary.startswith("(•)") and rows.startswith("( )")


async def test_long_names_stay_distinct_and_the_status_line_has_the_full_name(dataset) -> None:
    app = ExplorerApp(dataset)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.group_by("force")
        await settle(pilot)
        await pilot.press("f")  # the panel takes room: names are cut
        await settle(pilot)
        table = app.query_one(SummaryTable)
        table.focus()
        names = [
            str(getattr(table.get_row_at(i)[0], "plain", table.get_row_at(i)[0]))
            for i in range(table.row_count)
        ]
        assert len(set(names)) == len(names)
        assert all(len(n) <= 16 for n in names)
        long = next(i for i, n in enumerate(names) if n.endswith("…"))
        for _ in range(long):
            await pilot.press("down")
        await pilot.pause()
        member = table.current_member
        assert member is not None and member in text_of(app, "#status")


async def test_breadcrumb_never_repeats_a_level(dataset) -> None:
    app = ExplorerApp(dataset)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(
            pilot, "down", "enter", "enter"
        )  # Wales -> its one region, also Wales -> forces
        crumb = text_of(app, "#breadcrumb")
        assert "Wales › Wales" not in crumb


async def test_the_default_sort_is_marked(dataset) -> None:
    app = ExplorerApp(dataset)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        headers = column_labels(app)
        assert headers[1].endswith("▼")  # by nation: largest first
        app.group_by("year")
        await settle(pilot)
        headers = column_labels(app)
        assert headers[0].endswith("▲")  # years in order


def column_labels(app: ExplorerApp) -> list[str]:
    """The summary table's headers, without the provenance marker column."""
    table = app.query_one(SummaryTable)
    return [str(c.label) for c in table.ordered_columns if c.key.value != PROVENANCE]


async def test_the_footer_is_rebuilt_only_when_its_keys_change(dataset) -> None:
    """Returning from a picker leaves the same keys: the footer keeps its widgets (rebuilding
    them on every screen switch cost a third of the group-by key-to-paint time)."""
    app = ExplorerApp(dataset)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = list(app.query_one(Footer).query("FooterKey"))
        await press(pilot, "g")
        await press(pilot, "escape")
        assert list(app.query_one(Footer).query("FooterKey")) == before


async def test_the_footer_follows_focus_to_keys_it_did_not_show() -> None:
    class Keyed(Static, can_focus=True):
        BINDINGS = [Binding("z", "nothing", "Zoom")]

    class Plain(Static, can_focus=True):
        pass

    class Small(App[None]):
        AUTO_FOCUS = "#plain"

        def compose(self) -> ComposeResult:
            yield Plain("no keys", id="plain")
            yield Keyed("z here", id="keyed")
            yield TuiFooter()

    app = Small()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "z" not in [key.key for key in app.query(FooterKey)]
        app.query_one("#keyed").focus()
        await pilot.pause()
        await pilot.pause()
        assert "z" in [key.key for key in app.query(FooterKey)]


def shown_lines(app, selector: str) -> list[str]:
    """The lines a widget shows on screen, as text (blank lines left out)."""
    return [line.rstrip() for line in lines_of(app.query_one(selector)) if line.strip()]


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_long_lines_are_shortened_at_a_word_with_the_full_text_one_key_away(
    dataset, size
) -> None:
    """At 120x40 the note under the table was cut ("~ within"), at 80x24 the title too."""
    from tui.screens.about import AboutScreen

    app = ExplorerApp(dataset)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        app.group_by("force")
        await settle(pilot)
        full = " · ".join(p for p in app.note_parts if p)
        note = app.query_one("#note")
        lines = shown_lines(app, "#note")
        assert note.outer_size.height >= len(lines) > 0
        # the caveats first, each whole (⚠ and wrapped onto as many lines as it needs)
        caveats = " ".join(line.strip() for line in lines if line.strip().startswith("⚠"))
        for caveat in app.caveats:
            assert f"⚠ {caveat}" in " ".join(" ".join(line.split()) for line in lines)
        lines = lines[len(caveats.split("⚠")) - 1 :] if caveats else lines
        shown = " ".join(line.strip() for line in lines)
        if " ".join(shown.split()) != " ".join(full.split()):
            assert shown.endswith("… (a: in full)")
            kept = shown.removesuffix(" … (a: in full)")
            assert " ".join(full.split()).startswith(" ".join(kept.split()))
            following = " ".join(full.split())[len(" ".join(kept.split())) :]
            assert following[:1] in (" ", "", ":", ",", ";")  # the cut falls between words
        title = f"{app.title} — {app.sub_title}"
        assert len(title) <= size[0] - 18
        assert app.dataset.name.startswith(app.sub_title.removesuffix(" …"))
        await press(pilot, "a")
        assert isinstance(app.screen, AboutScreen)
        about = str(app.screen.query_one(Static).render())
        assert full.split(" · ")[-1] in about and app.dataset.name in about


async def test_every_filter_is_on_screen_at_80x24(dataset) -> None:
    """Four filters that do not fit on one line wrap onto two: none is left out."""
    app = ExplorerApp(dataset)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.selection = (
            app.selection.with_filter("force", ("Kent", "Surrey", "Sussex"))
            .with_filter("year", ("2022/23", "2023/24"))
            .with_filter("age_band", ("12-15",))
        )
        await settle(pilot)
        screen = screen_text(app)
        chips = [line for line in screen.splitlines()[1:4] if "Breadcrumb" not in line]
        shown = " ".join(chips)
        for name in ("England and Wales", "Kent, Surrey, Sussex", "2022/23, 2023/24", "12-15"):
            assert name in shown
        assert all(len(line.rstrip()) <= 80 for line in chips)


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["jurisdiction", "force", "year", "age_band", "sex", "platform"]),
            st.lists(
                st.text("abcdefgh KLMN-/0123", min_size=1, max_size=22), min_size=1, max_size=5
            ),
        ),
        max_size=6,
    ),
    st.integers(min_value=30, max_value=160),
)
def test_chips_show_every_filter_within_the_width(filters, width) -> None:
    """Whatever the filters and the width: every filtered dimension is on the chips' lines (all
    its members, or its first ones and how many more), and no line is wider than the room
    unless one filter alone is."""
    selection = Selection("force", "offences")
    for dimension, members in filters:
        selection = selection.with_filter(dimension, members)
    lines, hint = chip_lines(selection, width)
    text = " · ".join(lines)
    every = filter_parts(selection, compact=True, most=None)
    few = filter_parts(selection, compact=True)
    for whole, short in zip(every, few, strict=True):
        assert whole in text or short in text
    parts = set(every + few + filter_parts(selection, most=None) + filter_parts(selection))
    for line in lines:
        alone = line in parts
        assert len(line) + (len(hint) if len(lines) == 1 else 0) <= width or alone


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_help_wraps_long_descriptions_whole(dataset, size) -> None:
    """Help's J line ended "(eac" at 120x40: every description must be readable in full."""
    from tui.screens.help import HelpScreen

    app = ExplorerApp(dataset)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        shown = " ".join(
            " ".join(line.split())
            for widget in app.screen.query(".help-keys")
            for line in lines_of(widget)
        )
        for _, bindings in app.screen.sections:
            for binding in bindings:
                said = " ".join((binding.tooltip or binding.description).split())
                assert said in shown, said


def lines_of(widget) -> list[str]:
    """The lines a widget shows, as text."""
    from textual.geometry import Region

    size = widget.outer_size
    return [s.text for s in widget.render_lines(Region(0, 0, size.width, size.height))]


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_the_status_line_drops_whole_parts_rather_than_cutting_one(dataset, size) -> None:
    """It ended "41,986" at 120x40 and "figure ·" at 80x24, the rest cut off."""
    app = ExplorerApp(dataset)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        app.group_by("force")
        await settle(pilot)
        status = app.query_one("#status")
        line = str(status.render())
        assert len(line) <= status.content_size.width
        assert not line.rstrip().endswith("·")
        full = status._line(2).plain  # every part: marker, row, detail, counts, dataset name
        shown = line.rstrip().removesuffix(" …")
        if line.rstrip().endswith(" …"):  # the row's detail shortened at a word
            assert full.startswith(shown) and full[len(shown)] in " ,;:"
        else:  # whole parts dropped from the end
            assert full.startswith(shown) and full[len(shown) :][:3] in ("", " · ")
