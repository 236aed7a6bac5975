"""Start-up: the table first, secondary work after it, and nothing left switched off."""

from __future__ import annotations

import gc
import threading

import pytest
from textual import events

from tests.app.helpers import SIZE, markers, row_for, settle, text_of
from tui.app import ExplorerApp
from tui.data.engine import provenance, query
from tui.data.loading import load_dataset
from tui.widgets.summary_table import SummaryTable


async def test_the_collector_the_launcher_pauses_runs_again_once_the_table_is_shown(
    dataset,
) -> None:
    """``scwc`` starts with the garbage collector off (its passes slowed start-up); the app turns
    it back on after the first screen, or a long session would never free reference cycles."""
    gc.disable()
    try:
        app = ExplorerApp(dataset)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.pause()
            assert gc.isenabled()
            assert gc.get_freeze_count() > 0
    finally:
        gc.enable()


def table_shown(app: ExplorerApp) -> bool:
    """Whether the summary table shows any row."""
    return bool(app.query_one(SummaryTable).row_count)


@pytest.fixture
def slow_ledger(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """The ledger of published figures (the marks) is built only once the event is set."""
    building = threading.Event()
    build = provenance.Ledger.__init__

    def slow_build(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        building.wait(timeout=60)
        build(self, *args, **kwargs)

    monkeypatch.setattr(provenance.Ledger, "__init__", slow_build)
    provenance.ledger.cache_clear()  # a dataset loaded again equals the one built before
    for cached in (query.summary, query.member_counts, query.matched, query.chart_data):
        cached.cache_clear()
    return building


async def test_no_number_is_shown_before_its_marks(slow_ledger: threading.Event) -> None:
    """The first frame with numbers has the same marks, ranges and notes as every later one:
    while the marks are being worked out the table shows no number at all."""
    app = ExplorerApp(load_dataset())  # a dataset of its own: its ledger is not built yet
    shown: list[object] = []
    show = app._show_results

    def noting(computed, rows):  # type: ignore[no-untyped-def]
        shown.append(computed.summary.provenance)
        show(computed, rows)

    app._show_results = noting  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(20):
            await pilot.pause()
            assert not table_shown(app)  # no number yet
        slow_ledger.set()
        await settle(pilot)
        assert shown and all(marks is not None for marks in shown)
        assert markers(app)[-1] == "○" and row_for(app, "Total")[1] == "41,986"
        assert "▸ England · ○" in text_of(app, "#status") and "modelled" in text_of(app, "#status")
        assert "● published" in text_of(app, "#note")


async def test_keys_typed_while_the_app_starts_are_applied_in_order(
    slow_ledger: threading.Event,
) -> None:
    app = ExplorerApp(load_dataset())
    async with app.run_test(size=SIZE) as pilot:
        # typed before the first screen (as fast as a terminal delivers them: Pilot's press
        # would wait for the app to be idle after each): a search, the group picker and Esc, a sort
        for key in ("slash", *"kent", "space", *"23", "enter", "g", "escape", "s"):
            event = events.Key(key, {"space": " "}.get(key, key if len(key) == 1 else None))
            event.set_sender(app)
            app.post_message(event)
        for _ in range(10):
            await pilot.pause()
        assert app.keys_held == 12 and not table_shown(app)
        slow_ledger.set()
        await settle(pilot)
        assert app.selection.members("force") == ("Kent",)
        assert app.selection.members("year") == ("2023/24",)
        assert app.selection.sort_column is not None  # s came after the search, and applied
        assert len(app.screen_stack) == 1  # the picker g opened was closed by Esc


async def test_v_then_enter_opens_the_view_at_once(dataset, isolated_views) -> None:
    """Enter pressed right after v goes to the list v opens (it used to be lost and leave the
    dialog open)."""
    app = ExplorerApp(dataset)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"wales 22", "enter")
        await settle(pilot)
        await pilot.press("w", *"wales", "enter")
        await settle(pilot)
        wales = app.selection
        await pilot.press("x")
        await settle(pilot)
        assert app.selection != wales
        await pilot.press("v", "enter")  # no pause between them
        await settle(pilot)
        assert len(app.screen_stack) == 1 and app.selection == wales
