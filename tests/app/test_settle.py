"""What the Pilot tests and the screenshots wait for: the results of the current selection, and
every table sized to its rows (a DataTable sizes its columns when it is next idle)."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable

from tests.app.helpers import SIZE, settle
from tui.app import ExplorerApp
from tui.screenshots import tables_measured
from tui.widgets.summary_table import SummaryTable


async def test_settle_waits_until_the_table_has_sized_its_columns(
    dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a busy machine the table's idle can come after the results: a snapshot then caught the
    force names cut to the width of the header "Force". Here its first idles pass nothing."""
    sized = DataTable._on_idle
    busy_idles: list[object] = []

    async def busy(table: DataTable, event: object) -> None:
        if isinstance(table, SummaryTable) and busy_idles:
            busy_idles.pop()
            return
        await sized(table, event)

    monkeypatch.setattr(DataTable, "_on_idle", busy)
    app = ExplorerApp(dataset)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        busy_idles.extend(range(8))  # from now, the table's next eight idles pass nothing
        app.group_by("force")
        await settle(pilot)
        table = app.query_one(SummaryTable)
        assert not busy_idles and tables_measured(app)
        names = table.columns[next(iter(table.columns))]
        assert names.content_width >= len("Avon and Somerset")
