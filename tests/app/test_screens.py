"""About and Sources as a reader sees them."""

from __future__ import annotations

from textual.widgets import DataTable, Static

from tests.app.helpers import SIZE, published_figure_count, settle
from tests.conftest import FIXTURES
from tui.app import ExplorerApp
from tui.data.loading import load_dataset
from tui.screens.about import AboutScreen, about_text
from tui.screens.sources import SourcesScreen


async def test_about_is_formatted_text_not_toml(dataset) -> None:
    text = about_text(dataset)
    for heading in ("Sources", "What is modelled", "Columns", "This file"):
        assert f"\n{heading}\n" in text
    assert "[[sources]]" not in text and '= "' not in text
    title = dataset.metadata["sources"][0]["title"]
    assert title in text
    app = ExplorerApp(dataset)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, AboutScreen)


async def test_about_says_how_far_a_modelled_number_can_be_trusted(dataset) -> None:
    """The measured accuracy of the model and what its ranges mean, in plain words (a reader of
    the app, not only of the README, must learn that a modelled number is a guess)."""
    ranges = dataset.metadata["ranges"]
    assert "held-out cases" in ranges["accuracy"]
    app = ExplorerApp(dataset)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await pilot.pause()
        shown = str(app.screen.query_one(Static).render())
        assert "How far a modelled number can be trusted" in shown
        assert ranges["accuracy"][:60] in " ".join(shown.split())


async def test_sources_show_titles_and_percentages(dataset) -> None:
    app = ExplorerApp(dataset)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await app.workers.wait_for_complete()  # the checks fill the screen in the background
        await pilot.pause()
        assert isinstance(app.screen, SourcesScreen)
        table = app.screen.query_one(DataTable)
        rows = [
            [str(getattr(c, "plain", c)) for c in table.get_row_at(i)]
            for i in range(table.row_count)
        ]
        checks = app.screen.checks
        assert len(rows) == len(checks) == published_figure_count()
        assert all(
            row[-1].startswith(c.figure.source_title[:40])
            for row, c in zip(rows, checks, strict=True)
        )
        shares = [row for row in rows if "share" in row[5] and row[0] == "reproduced"]
        assert shares and all(row[1].endswith("%") and row[2].endswith("%") for row in shares)


async def test_sources_for_a_users_file_say_there_is_nothing_to_compare() -> None:
    app = ExplorerApp(load_dataset(FIXTURES / "bom.csv"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, SourcesScreen)
        message = str(app.screen.query_one(Static).render())
        assert "no published figures to compare" in message and "bom.csv" in message
        assert not app.screen.query(DataTable)


async def test_at_80_columns_the_highlighted_figure_is_described_in_full(dataset) -> None:
    """The Figure and Source columns are off screen at 80x24: the line under the table says them."""
    app = ExplorerApp(dataset)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await app.workers.wait_for_complete()  # the checks fill the screen in the background
        await pilot.pause()
        await pilot.press("down")
        await pilot.pause()
        figure = app.screen.checks[1].figure
        detail = str(app.screen.query_one("#detail", Static).render())
        assert figure.source_title in detail and figure.published in detail
        assert f"{figure.measure.replace('_', ' ')} · {figure.scope}" in detail
        assert figure.source_url in detail.replace("\n", "")
