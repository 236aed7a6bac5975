"""Sources (``o``): opens at once and fills in the background, searchable with ``/``, its own keys in
its footer, addresses wrapped between their parts."""

from __future__ import annotations

import threading

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static
from textual.widgets._footer import FooterKey

from tests.app.helpers import SIZE, published_figure_count, reproduces_every_target, settle
from tui.app import ExplorerApp
from tui.data.features import reconcile
from tui.screens.sources import LOADING, SourcesScreen, wrap_address


async def filled(pilot: Pilot) -> SourcesScreen:
    """Wait until the Sources screen has its checks."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, SourcesScreen) and screen.checks
    return screen


def shown_rows(screen: SourcesScreen) -> list[list[str]]:
    table = screen.query_one(DataTable)
    return [
        [str(getattr(c, "plain", c)) for c in table.get_row_at(i)] for i in range(table.row_count)
    ]


async def test_o_opens_with_every_figure_listed_and_keeps_what_is_typed_meanwhile(
    dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    checking = threading.Event()
    real = reconcile.value_of

    def slow_value_of(*args, **kwargs):  # the checks take a while (seconds on a busy machine)
        checking.wait(timeout=10)
        return real(*args, **kwargs)

    monkeypatch.setattr(reconcile, "value_of", slow_value_of)
    app = ExplorerApp(dataset)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("o", *"3217")  # typed at once, while no value is known yet
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SourcesScreen) and not screen.checked
        assert LOADING in str(screen.query_one("#sources-status", Static).render())
        assert screen.query_one(Input).value == "3217"
        listed = [screen.checks[i].figure for i in screen.shown]
        assert listed and listed[0].value == 3217 and listed[0].scope == "England and Wales"
        checking.set()
        screen = await filled(pilot)
        assert screen.done
        status = str(screen.query_one("#sources-status", Static).render())
        assert reproduces_every_target(status)
        await pilot.press(*["backspace"] * 4)
        await pilot.pause()
        assert len(shown_rows(screen)) == len(screen.checks) == published_figure_count()
        assert "…" not in {row[2] for row in shown_rows(screen)}  # every value filled in


@pytest.mark.parametrize(
    "typed",
    ["3217", "3,217", "england and wales 2017/18", "2017/18 wales and england", "ew 17"],
)
async def test_numbers_with_or_without_separators_and_words_in_any_order(dataset, typed) -> None:
    app = ExplorerApp(dataset)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("o", *typed)
        screen = await filled(pilot)
        first = screen.checks[screen.shown[0]].figure
        assert (first.scope, first.year, first.value) == ("England and Wales", "2017/18", 3217)
        listed = [screen.checks[i].figure for i in screen.shown]
        assert any(f.value == 3171 and f.status == "superseded" for f in listed)  # who disagrees
        await pilot.press("down")  # from the search box into the list
        await pilot.pause()
        assert screen.query_one(DataTable).has_focus


async def test_at_80_columns_no_scope_is_cut_without_saying_so(dataset) -> None:
    app = ExplorerApp(dataset)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("o")
        screen = await filled(pilot)
        table = screen.query_one(DataTable)
        scope = table.get_column_index("scope")
        right = sum(c.get_render_width(table) for c in table.ordered_columns[: scope + 1])
        assert right <= table.scrollable_content_region.width  # the column is on screen whole
        for index in screen.shown:
            figure = screen.checks[index].figure
            shown = str(table.get_cell(str(index), "scope"))
            assert shown == figure.scope or (
                shown.endswith("…") and figure.scope.startswith(shown[:-1])
            )


async def test_slash_searches_the_figures_and_esc_leaves_the_search(dataset) -> None:
    app = ExplorerApp(dataset)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("o")
        screen = await filled(pilot)
        await pilot.press("slash", *"kent")
        await pilot.pause()
        assert screen.query_one(Input).value == "kent"
        rows = shown_rows(screen)
        assert rows and len(rows) < len(screen.checks)
        found = [
            screen.checks[int(str(r.key.value))].figure
            for r in screen.query_one(DataTable).ordered_rows
        ]
        assert all("kent" in f"{f.scope} {f.source_title}".casefold() for f in found)
        kent = [c.figure for c in screen.checks if c.figure.scope == "Kent"]
        assert kent and all(f in found for f in kent)
        await pilot.press("escape")  # leaves the search, keeping what it found
        await pilot.pause()
        assert isinstance(app.screen, SourcesScreen) and screen.query_one(DataTable).has_focus
        assert len(shown_rows(screen)) == len(rows)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, SourcesScreen)


async def test_its_footer_shows_its_own_keys(dataset) -> None:
    app = ExplorerApp(dataset)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("o")
        screen = await filled(pilot)
        keys = {key.description for key in screen.query(FooterKey)}
        assert {"Search", "Close"} <= keys
        assert "Filters" not in keys and "Export" not in keys


def test_an_address_wraps_between_its_parts_never_inside_a_word() -> None:
    url = (
        "https://www.shropshirestar.com/uk-news/2025/11/13/"
        "four-year-old-boy-youngest-victim-of-online-grooming-data-shows/"
    )
    lines = wrap_address(url, 60).split("\n")
    assert "".join(lines) == url
    assert all(len(line) <= 60 for line in lines)
    assert all(line[-1] in "/-" for line in lines[:-1])


async def test_at_80_columns_the_highlighted_address_wraps_between_its_parts(dataset) -> None:
    app = ExplorerApp(dataset)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("o")
        screen = await filled(pilot)
        await pilot.press("slash", *"youngest victim", "enter")  # Enter: back to the table
        await pilot.pause()
        assert screen.query_one(DataTable).has_focus
        url = screen.checks[screen.highlighted].figure.source_url
        assert len(url) > 80
        lines = str(screen.query_one("#detail", Static).render()).split("\n")
        start = next(i for i, line in enumerate(lines) if line.startswith("https://"))
        assert "".join(lines[start:]) == url
        assert all(line[-1] in "/-" for line in lines[start:-1])
