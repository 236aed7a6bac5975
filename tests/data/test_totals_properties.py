"""Properties over random data with random missing force-years (absent rows, suppressed cells):
a partial row never carries ● or ◐, no change across a gap is tested, and a rate is the same
whichever view shows it (by year, with a year filter, by force, the map, the funnel, the quote,
the export), each year divided by its own population over the same force-years as the count."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.data.dataset import Dataset
from tui.data.engine.populations import ALL_AGES, CHILDREN, population_table
from tui.data.engine.query import summary
from tui.data.engine.table import (
    CHANGE,
    CHANGE_SIGNIFICANT,
    HIGH,
    LOW,
    RATE,
    RATE_CHILDREN,
)
from tui.data.features.force_map import force_map
from tui.data.features.funnel import funnel
from tui.data.features.quote import facts_of
from tui.data.loading import load_dataset
from tui.data.output.export import export_frame
from tui.data.selection import Selection

FORCES = ("Kent", "Essex", "Surrey", "Sussex", "Hampshire", "Dorset", "Cumbria", "Gwent")
YEARS = ("2017/18", "2018/19", "2019/20", "2020/21", "2021/22", "2022/23", "2023/24", "2024/25")
BANDS = ("0-11", "12-15")
FIGURE, ABSENT, SUPPRESSED = "figure", "absent", "suppressed"


@dataclass(frozen=True)
class Synthetic:
    """A file's force-years: each one's state and, per age band, its count."""

    forces: tuple[str, ...]
    years: tuple[str, ...]
    banded: bool
    states: dict[tuple[str, str], str]
    counts: dict[tuple[str, str, str], int]

    def csv(self) -> str:
        lines = [
            "force,year,age_band,provenance,offences"
            if self.banded
            else "force,year,provenance,offences"
        ]
        for (force, year), state in self.states.items():
            if state == ABSENT:
                continue
            for index, band in enumerate(BANDS if self.banded else ("All",)):
                blank = state == SUPPRESSED and index == 0  # one cell suppressed: partial
                value = "*" if blank else str(self.counts[(force, year, band)])
                band_cell = f"{band}," if self.banded else ""
                lines.append(f"{force},{year},{band_cell}published,{value}")
        return "\n".join(lines) + "\n"

    def gap(self, force: str, year: str) -> bool:
        return self.states[(force, year)] != FIGURE

    def count(self, force: str, year: str) -> int:
        bands = BANDS if self.banded else ("All",)
        return sum(self.counts[(force, year, b)] for b in bands)


@st.composite
def synthetic(draw: st.DrawFn) -> Synthetic:
    forces = tuple(draw(st.lists(st.sampled_from(FORCES), min_size=2, max_size=4, unique=True)))
    start = draw(st.integers(0, len(YEARS) - 3))
    years = YEARS[start : start + draw(st.integers(2, 3))]
    banded = draw(st.booleans())
    states = {
        (f, y): draw(st.sampled_from((FIGURE, FIGURE, FIGURE, ABSENT, SUPPRESSED)))
        for f in forces
        for y in years
    }
    for force in forces:  # every force has a figure in some year
        if all(states[(force, y)] != FIGURE for y in years):
            states[(force, years[0])] = FIGURE
    for year in years:  # every year has a row
        if all(states[(f, year)] == ABSENT for f in forces):
            states[(forces[0], year)] = FIGURE
    counts = {  # within 3.75-fold of each other: no figure is flagged as a jump
        (f, y, b): draw(st.integers(40, 150))
        for f in forces
        for y in years
        for b in (*BANDS, "All")
    }
    return Synthetic(forces, years, banded, states, counts)


def load(data: Synthetic) -> Dataset:
    folder = Path(tempfile.mkdtemp(prefix="scwc-totals-"))
    path = folder / "synthetic.csv"
    path.write_text(data.csv(), encoding="utf-8")
    return load_dataset(path)


def population(force: str, year: str, column: str = ALL_AGES) -> int:
    table = population_table()
    return int(table.filter((pl.col("force") == force) & (pl.col("year") == year))[column][0])


def kept_years(dataset: Dataset, selection: Selection) -> list[str]:
    chosen = selection.members("year")
    return [y for y in dataset.members("year") if chosen is None or y in chosen]


def expected_rate(data: Synthetic, forces: list[str], years: list[str]) -> float | None:
    """Over the complete force-years only, each divided by its own year's population."""
    complete = [(f, y) for f in forces for y in years if not data.gap(f, y)]
    if not complete:
        return None
    people = sum(population(f, y) for f, y in complete)
    return sum(data.count(f, y) for f, y in complete) / people * 100_000


def rows_of(result) -> dict[str, dict]:
    return {str(r[result.key]): r for r in result.frame.iter_rows(named=True)}


selections = st.tuples(
    st.sampled_from(("year", "force")),
    st.booleans(),  # a force filter
    st.booleans(),  # a year filter
    st.integers(0, 100),
)


def choose(dataset: Dataset, data: Synthetic, drawn: tuple) -> Selection:
    key, by_force, by_year, seed = drawn
    selection = Selection(key, "offences")
    if by_force:
        kept = [f for i, f in enumerate(data.forces) if (seed >> i) & 1] or [data.forces[0]]
        selection = selection.with_filter("force", kept)
    years = dataset.members("year")
    if by_year and len(years) > 1:
        selection = selection.with_filter("year", years[seed % len(years) :] or years[-1:])
    return selection


def kept_forces(data: Synthetic, selection: Selection) -> list[str]:
    return list(selection.members("force") or data.forces)


SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)


@SETTINGS
@given(synthetic(), selections)
def test_a_partial_row_is_never_shown_as_published_nor_tested(data: Synthetic, drawn) -> None:
    dataset = load(data)
    selection = choose(dataset, data, drawn)
    result = summary(dataset, selection)
    forces, years = kept_forces(data, selection), kept_years(dataset, selection)
    members = {
        str(m): (
            [(f, str(m)) for f in forces] if result.key == "year" else [(str(m), y) for y in years]
        )
        for m in result.frame[result.key]
    }
    members[None] = [(f, y) for f in forces for y in years]  # type: ignore[index]
    for member, force_years in members.items():
        partial = any(data.gap(f, y) for f, y in force_years)
        assert result.is_partial(member) == partial, (member, force_years)
        mark = result.mark_of(member)
        if partial:
            assert not mark.startswith(("●", "◐")) and mark.startswith("◔")
            if member is not None:
                row = rows_of(result)[member]
                assert row[LOW] is None and row[HIGH] is None
                assert row[CHANGE_SIGNIFICANT] is None
            else:
                assert result.totals[LOW] is None
        else:
            assert mark == "●"


@SETTINGS
@given(synthetic(), selections)
def test_no_change_across_a_gap_is_tested(data: Synthetic, drawn) -> None:
    dataset = load(data)
    selection = choose(dataset, data, drawn)
    result = summary(dataset, selection)
    forces, all_years = kept_forces(data, selection), list(dataset.members("year"))
    rows = rows_of(result)
    if result.key == "year":
        for year, row in rows.items():
            index = all_years.index(year)
            if not index:
                continue
            before = all_years[index - 1]
            gap = any(data.gap(f, y) for f in forces for y in (before, year))
            if gap:
                assert row[CHANGE_SIGNIFICANT] is None, year
            common = [f for f in forces if not data.gap(f, year) and not data.gap(f, before)]
            old = sum(data.count(f, before) for f in common)
            if common and old:  # like with like: over the forces with a figure in both years
                new = sum(data.count(f, year) for f in common)
                assert row[CHANGE] == pytest.approx(new / old - 1)
            elif not common:
                assert row[CHANGE] is None and year in result.no_data
        return
    years = kept_years(dataset, selection)
    index = all_years.index(years[-1])
    if not index:
        return
    compared = (all_years[index - 1], years[-1])
    for force, row in rows.items():
        if any(data.gap(force, y) for y in compared) or any(data.gap(force, y) for y in years):
            assert row[CHANGE_SIGNIFICANT] is None, force
    if any(data.gap(f, y) for f in forces for y in (*compared, *years)):
        assert result.totals[CHANGE_SIGNIFICANT] is None


@SETTINGS
@given(synthetic(), selections)
def test_one_rate_in_every_view(data: Synthetic, drawn) -> None:
    dataset = load(data)
    selection = choose(dataset, data, drawn)
    result = summary(dataset, selection)
    forces, years = kept_forces(data, selection), kept_years(dataset, selection)
    total = expected_rate(data, forces, years)
    assert result.totals[RATE] == (pytest.approx(total) if total is not None else None)
    exported = export_frame(dataset, selection, "summary")
    for member, row in rows_of(result).items():
        if result.key == "year":
            expected = expected_rate(data, forces, [member])
        else:
            expected = expected_rate(data, [member], years)
        assert row[RATE] == (pytest.approx(expected) if expected is not None else None)
        alone = summary(dataset, selection.with_filter(result.key, (member,)))  # a filter
        assert alone.totals[RATE] == row[RATE] or alone.totals[RATE] == pytest.approx(row[RATE])
        assert alone.totals[RATE_CHILDREN] == pytest.approx(row[RATE_CHILDREN]) or (
            row[RATE_CHILDREN] is None and alone.totals[RATE_CHILDREN] is None
        )
        shown = exported.filter(pl.col(result.key) == member)[RATE][0]
        assert shown == row[RATE] or shown == pytest.approx(row[RATE])
    by_force = rows_of(summary(dataset, selection.grouped_by("force")))
    mapped = force_map(dataset, selection)
    drawn_funnel = funnel(dataset, selection)
    points = {p.force: p for p in drawn_funnel.points} if drawn_funnel else {}
    for force, row in by_force.items():
        assert mapped is not None and mapped.tile(force).rate == row[RATE]
        if force in points:
            assert points[force].rate == pytest.approx(row[RATE])
            assert not data_gaps(data, force, years)  # a partial force has no place in it
    facts = facts_of(dataset, selection)
    if result.totals[RATE] is not None:
        assert facts.rates == (
            pytest.approx(result.totals[RATE]),
            pytest.approx(result.totals[RATE_CHILDREN]),
        )
        complete = [(f, y) for f in forces for y in years if not data.gap(f, y)]
        children = sum(population(f, y, CHILDREN) for f, y in complete)
        counted = sum(data.count(f, y) for f, y in complete)
        assert result.totals[RATE_CHILDREN] == pytest.approx(counted / children * 10_000)


def data_gaps(data: Synthetic, force: str, years: list[str]) -> bool:
    return any(data.gap(force, y) for y in years)
