"""Start-up: the table first, secondary work after it, and nothing left switched off."""

from __future__ import annotations

import gc

from tests.app.helpers import SIZE, settle
from tui.app import ExplorerApp


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
