"""Start-up: the table first, secondary work after it, and nothing left switched off."""

from __future__ import annotations

import gc
import threading

import pytest

from tests.app.helpers import SIZE, markers, row_for, settle, text_of
from tui.app import ExplorerApp
from tui.data.engine import provenance
from tui.data.loading import load_dataset
from tui.widgets.filter_panel import FilterPanel
from tui.widgets.footer import Footer
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


async def test_the_table_is_shown_before_the_ledger_of_published_figures_is_built(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The marks (● ◐ ○) need the ledger of published figures, a sixth of start-up: the numbers
    come first, the marks as soon as it is built."""
    building = threading.Event()
    build = provenance.Ledger.__init__

    def slow_build(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        building.wait(timeout=10)
        build(self, *args, **kwargs)

    monkeypatch.setattr(provenance.Ledger, "__init__", slow_build)
    app = ExplorerApp(load_dataset())  # a dataset of its own: its ledger is not built yet
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(SummaryTable)
        for _ in range(200):
            await pilot.pause()
            if table.row_count and app.query(Footer):
                break
        assert row_for(app, "Total")[1] == "41,986"
        assert not set("".join(markers(app))) & set("●◐○")  # a gap's ◔ needs no ledger
        assert app.query(FilterPanel)
        building.set()
        await settle(pilot)
        assert markers(app)[-1] == "○" and row_for(app, "Total")[1] == "41,986"
        assert "▸ England · ○" in text_of(app, "#status") and "modelled" in text_of(app, "#status")
