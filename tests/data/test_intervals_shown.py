"""The intervals of modelled counts where a reader looks: the summary's interval columns (read
from the reconciled draws of each row's sum), the same in the text table, the export, the API
and the quote; never outside the range the published figures allow; none for a published or
derived count; none for a file without draws, and it says so. A change between modelled counts
has its interval from the draws too, and is never called significant."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tui
from tui.data.dataset import Dataset
from tui.data.engine.intervals import TOTAL, intervals
from tui.data.engine.query import chart_data, summary
from tui.data.engine.table import (
    CHANGE,
    CHANGE95_HIGH,
    CHANGE95_LOW,
    CHANGE_SIGNIFICANT,
    INTERVAL80_HIGH,
    INTERVAL80_LOW,
    INTERVAL95_HIGH,
    INTERVAL95_LOW,
    MODEL_INTERVALS,
)
from tui.data.features.force_map import force_map
from tui.data.features.quote import facts_of, quote
from tui.data.loading import load_dataset
from tui.data.output.chart_plan import plan_chart
from tui.data.output.export import export, export_content
from tui.data.output.summary_text import summary_lines
from tui.data.output.table_notes import modelled_notes, row_detail
from tui.data.schema import MODELLED, PARTIAL
from tui.data.selection import Selection

EW = ("jurisdiction", ("England and Wales",))
GROUPS = ("force", "year", "region", "nation", "age_band", "sex", "platform", "jurisdiction")
FILTERS = ("year", "region", "age_band", "sex", "force")
SLOW = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@st.composite
def selections(draw: st.DrawFn, dataset: Dataset) -> Selection:
    """A random selection of the embedded dataset: a grouping, up to two filters, a measure."""
    group = draw(st.sampled_from(GROUPS))
    filters = [EW] if draw(st.booleans()) else []
    for dimension in draw(st.lists(st.sampled_from(FILTERS), max_size=2, unique=True)):
        if dimension == group:
            continue
        members = dataset.members(dimension)
        chosen = draw(st.lists(st.sampled_from(members), min_size=1, max_size=3, unique=True))
        filters.append((dimension, tuple(sorted(chosen))))
    measure = "instances" if group == "platform" else draw(st.sampled_from(("offences",)))
    return Selection(group, measure, tuple(filters))


def _rows(result) -> list[tuple[str | None, dict]]:
    """Every row of a summary with its member, the total last (member ``None``)."""
    rows = [(str(r[result.key]), r) for r in result.frame.iter_rows(named=True)]
    return [*rows, (None, result.totals)]


@SLOW
@given(data=st.data())
def test_a_modelled_row_has_intervals_holding_its_count_within_its_range(dataset, data) -> None:
    selection = data.draw(selections(dataset))
    result = summary(dataset, selection)
    assert set(MODEL_INTERVALS) <= set(result.frame.columns)
    for member, row in _rows(result):
        value = row[result.measure]
        ends = [row[c] for c in MODEL_INTERVALS]
        if value is None or result.status_of(member) != MODELLED:
            assert ends == [None] * 4, (member, result.status_of(member))
            continue
        low95, high95, low80, high80 = ends
        assert low95 <= low80 <= high80 <= high95
        assert low95 <= value <= high95, (member, value, ends)
        allowed = result.range_of(member)
        if allowed is not None:
            assert allowed.low <= low95 and high95 <= allowed.high
        assert result.interval_of(member) is not None


@SLOW
@given(data=st.data())
def test_the_interval_is_the_engines_everywhere(dataset, data) -> None:
    """Summary columns = the draws' intervals; the text table, the export, the API, the status
    line and the quote show the same numbers."""
    selection = data.draw(selections(dataset))
    result = summary(dataset, selection)
    drawn = intervals(dataset, selection)
    assert drawn is not None
    exported = export_content(dataset, selection, "summary")
    by_member = {str(r[result.key]): r for r in exported.frame.iter_rows(named=True)}
    text = "\n".join(summary_lines(result))
    for member, row in _rows(result):
        shown = result.interval_of(member)
        if shown is None:
            continue
        engine = drawn[TOTAL if member is None else member]
        assert (shown.low80, shown.high80, shown.low95, shown.high95) == (
            engine.low80,
            engine.high80,
            engine.low95,
            engine.high95,
        )
        source = exported.totals if member is None else by_member[member]
        assert [source[c] for c in MODEL_INTERVALS] == [row[c] for c in MODEL_INTERVALS]
        if shown.low95 != shown.high95:
            assert f"{shown.low95:,}–{shown.high95:,}" in text
            detail = row_detail(result, member)
            assert f"{shown.low95:,}–{shown.high95:,}" in detail
            eighty = (  # an 80% interval of one value reads "80% 18"
                f"{shown.low80:,}–{shown.high80:,}"
                if shown.low80 != shown.high80
                else f"80% {shown.low80:,}"
            )
            assert eighty in detail
    total = result.interval_of(None)
    facts = facts_of(dataset, selection)
    assert facts.interval == total


def test_the_api_returns_the_interval_columns() -> None:
    data = tui.open()
    table = data.summary(by="force", where={"year": "2021/22"}, jurisdiction="ew")
    result = summary(data.dataset, data.selection("force", {"year": "2021/22"}, jurisdiction="ew"))
    assert set(MODEL_INTERVALS) <= set(table.columns)
    for row in table.iter_rows(named=True):
        shown = result.interval_of(row["force"])
        if shown is None:
            assert row[INTERVAL95_LOW] is None
        else:
            assert (row[INTERVAL95_LOW], row[INTERVAL95_HIGH]) == (shown.low95, shown.high95)
            assert (row[INTERVAL80_LOW], row[INTERVAL80_HIGH]) == (shown.low80, shown.high80)
    assert "modelled" in table["provenance"].to_list()


def _modelled_force_year(dataset: Dataset) -> Selection:
    """A force-year whose count is modelled and not fixed by the published figures."""
    for force in ("Greater Manchester", "Lancashire", "Derbyshire"):
        chosen = Selection("force", "offences", (EW, ("force", (force,)), ("year", ("2021/22",))))
        shown = summary(dataset, chosen).interval_of(None)
        if shown is not None and shown.low95 < shown.high95:
            return chosen
    raise AssertionError("the test needs a modelled force-year")


def test_a_quote_of_a_modelled_count_says_likely_between_and_what_is_allowed(dataset) -> None:
    chosen = _modelled_force_year(dataset)
    result = summary(dataset, chosen)
    shown, allowed = result.interval_of(None), result.range_of(None)
    assert shown is not None and allowed is not None
    text = quote(dataset, chosen)
    count = result.totals["offences"]
    assert f"an estimated {count:,} offences" in text
    assert f"likely between {shown.low95:,} and {shown.high95:,}" in text
    assert "95% interval" in text
    assert f"published figures allow between {allowed.low:,} and {allowed.high:,}" in text


def test_a_quote_of_a_published_count_has_no_interval(dataset) -> None:
    chosen = Selection("force", "offences", (EW, ("force", ("Kent",)), ("year", ("2023/24",))))
    assert summary(dataset, chosen).interval_of(None) is None
    assert "likely between" not in quote(dataset, chosen)


def test_a_users_file_has_no_interval_and_says_so(tmp_path: Path) -> None:
    own = tmp_path / "own.csv"
    own.write_text(
        "force,year,provenance,offences\nKent,2023/24,published,264\nEssex,2023/24,modelled,90\n",
        encoding="utf-8",
    )
    dataset = load_dataset(own)
    result = summary(dataset, Selection("force", "offences"))
    assert not set(MODEL_INTERVALS) & set(result.frame.columns)
    assert result.interval_of("Essex") is None
    assert "no interval" in row_detail(result, "Essex")
    assert any("no interval" in note for note in modelled_notes(result, verbose=True))


def test_published_only_has_no_intervals(dataset) -> None:
    chosen = Selection("force", "offences", (EW, ("year", ("2021/22",))), published_only=True)
    result = summary(dataset, chosen)
    for _, row in _rows(result):
        assert [row.get(c) for c in MODEL_INTERVALS] == [None] * 4


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "parquet"])
def test_exports_carry_interval_and_range_columns_explained(dataset, tmp_path, fmt) -> None:
    import tomllib

    chosen = Selection("force", "offences", (EW, ("year", ("2021/22",))))
    written = export(dataset, chosen, tmp_path / f"out.{fmt}")
    meta = tomllib.loads(written.sidecar.read_text(encoding="utf-8"))
    columns = meta["columns"]
    for column in (*MODEL_INTERVALS, "range_low", "range_high"):
        assert column in columns, column
    assert "draws" in columns[INTERVAL95_LOW]["meaning"]
    assert columns[INTERVAL95_LOW]["level"] == 0.95
    assert columns[INTERVAL80_LOW]["level"] == 0.8
    if fmt == "csv":
        frame = pl.read_csv(written.path)
    elif fmt == "parquet":
        frame = pl.read_parquet(written.path)
    else:  # Excel has the headers: named back by the sidecar
        headers = {note["header"]: column for column, note in columns.items()}
        frame = pl.read_excel(written.path)
        frame = frame.rename({h: headers[h] for h in frame.columns if h in headers})
    result = summary(dataset, chosen)
    first = next(
        r for r in frame.iter_rows(named=True) if result.status_of(str(r["force"])) == MODELLED
    )
    shown = result.interval_of(str(first["force"]))
    assert shown is not None
    assert (first[INTERVAL95_LOW], first[INTERVAL95_HIGH]) == (shown.low95, shown.high95)


def test_a_modelled_change_has_a_draw_interval_and_is_never_significant(dataset) -> None:
    chosen = Selection("year", "offences", (EW, ("force", ("Greater Manchester",))))
    result = summary(dataset, chosen)
    found = 0
    for member, row in _rows(result):
        if member is None or row[CHANGE] is None:
            continue
        low, high = row[CHANGE95_LOW], row[CHANGE95_HIGH]
        if result.change_untested(member) and result.change_marks.get(member) == "○":
            assert row[CHANGE_SIGNIFICANT] is None
            assert low is not None and low <= high
            found += 1
            words = result.change_words(member)
            if low > 0:
                assert words == "likely up"
            elif high < 0:
                assert words == "likely down"
            else:
                assert words == ""
        else:
            assert low is None and high is None
    assert found >= 3


def test_a_change_between_published_counts_has_no_draw_interval(dataset) -> None:
    chosen = Selection("year", "offences", (EW, ("force", ("Kent",))))
    result = summary(dataset, chosen)
    for member, row in _rows(result):
        if member is not None and not result.change_untested(member):
            assert row[CHANGE95_LOW] is None


@SLOW
@given(data=st.data())
def test_one_mark_and_one_interval_per_row_in_every_view(dataset, data) -> None:
    """The mark and interval of each row are the engine's in the export (its provenance column),
    the API, the print chart, the map and the quote: a partial row is never ● or ◐ anywhere, a
    modelled total is quoted as an estimate with its interval."""
    selection = data.draw(selections(dataset))
    result = summary(dataset, selection)
    exported = export_content(dataset, selection, "summary")
    by_member = {str(r[result.key]): r for r in exported.frame.iter_rows(named=True)}
    charted = {p.category: p for p in plan_chart(dataset, selection, "bar", bars=200).points}
    inline = chart_data(dataset, selection, "bar")
    drawn_partial = {category for _, category in inline.partial}
    assert drawn_partial == {c for c in inline.categories if result.status_of(c) == PARTIAL}
    for member, _ in _rows(result):
        status = result.status_of(member)
        if result.is_partial(member):
            assert not result.mark_of(member).startswith(("●", "◐")), member
        shown = exported.totals if member is None else by_member[member]
        assert shown["provenance"] == status, (member, shown["provenance"], status)
        if member in charted:
            assert charted[member].status == status
            interval = result.interval_of(member)
            if interval is not None and charted[member].low is not None:
                assert (charted[member].low, charted[member].high) == (
                    interval.low95,
                    interval.high95,
                )
    mapped = force_map(dataset, selection, "count")
    if mapped is not None:
        everywhere = selection
        for dimension in ("jurisdiction", "nation", "region", "force"):
            everywhere = everywhere.with_filter(dimension, None)
        by_force = summary(dataset, everywhere.grouped_by("force"))
        for tile in mapped.tiles:
            if tile.value is not None:
                assert tile.interval == by_force.interval_of(tile.force), tile.force
                assert tile.modelled == (by_force.status_of(tile.force) == MODELLED)
    total = result.interval_of(None)
    said = quote(dataset, selection)
    if result.status_of(None) == MODELLED and result.totals.get(result.measure) is not None:
        assert "estimated" in said
        if total is not None and total.low95 < total.high95:
            assert f"likely between {total.low95:,} and {total.high95:,}" in said
    if total is None:
        assert "likely between" not in said


def test_a_modelled_sum_with_a_gap_has_one_mark_in_the_table_and_the_chart(dataset) -> None:
    """The South East 2021/22 lacks Hampshire and is modelled: ○ in the table, the print chart
    and the export, so not ◔ in the inline chart either (it said "◔ partial: South East" beside
    the table's ○ and the whisker of its interval)."""
    chosen = Selection(
        "region", "offences", (EW, ("region", ("South East",)), ("year", ("2021/22",)))
    )
    result = summary(dataset, chosen)
    assert result.status_of("South East") == MODELLED and result.is_partial("South East")
    drawn = chart_data(dataset, chosen, "bar")
    assert drawn.partial == () and "partial" not in drawn.note
