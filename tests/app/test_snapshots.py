"""SVG snapshots at 120x40 and 80x24 (pytest-textual-snapshot); update with --snapshot-update.

Snapshots that show numbers load a file of published force-year counts
(``tests/fixtures/published_force_years.csv``, each one a published figure), or the published-only
view of the embedded dataset, so a better fit of the modelled breakdown changes none of them. The
stacked chart draws the age-band breakdown, which only the model gives: it alone follows the fit.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from tests.app.helpers import press, settle
from tests.conftest import FIXTURES
from tui.app import ExplorerApp
from tui.data.dataset import Dataset
from tui.data.features.navigation import initial_selection
from tui.data.loading import load_dataset

SIZES = [(120, 40), (80, 24)]
sizes = pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
PUBLISHED_FORCE_YEARS = FIXTURES / "published_force_years.csv"


@pytest.fixture(scope="module")
def published() -> Dataset:
    """Published force-year counts only, as a user's own file."""
    return load_dataset(PUBLISHED_FORCE_YEARS)


async def _by_force(pilot: Pilot) -> None:
    await settle(pilot)
    pilot.app.group_by("force")  # type: ignore[attr-defined]
    await settle(pilot)


@sizes
def test_main_screen(snap_compare, published, size) -> None:
    assert snap_compare(ExplorerApp(published), terminal_size=size, run_before=_by_force)


@sizes
def test_published_only_view(snap_compare, dataset, size) -> None:
    """The embedded dataset in 2017/18 (the year most forces published) with every modelled
    number blanked: the provenance marks, the PUBLISHED ONLY marker and only published or
    derived figures. (P itself is tested in test_modelled_marks.py; opening on the view keeps
    its notification out of the picture.)"""
    selection = (
        initial_selection(dataset)
        .grouped_by("force")
        .with_filter("year", ("2017/18",))
        .with_published_only(True)
    )
    assert snap_compare(ExplorerApp(dataset, selection), terminal_size=size, run_before=settle)


def _chart(kind: str) -> Callable[[Pilot], Awaitable[None]]:
    async def drill(pilot: Pilot) -> None:
        await settle(pilot)
        await press(pilot, "enter")  # England -> regions
        pilot.app.set_chart(kind)  # type: ignore[attr-defined]
        await settle(pilot)

    return drill


@sizes
@pytest.mark.parametrize("kind", ["bar", "line"])
def test_chart_kinds(snap_compare, published, size, kind) -> None:
    assert snap_compare(ExplorerApp(published), terminal_size=size, run_before=_chart(kind))


@sizes
def test_stacked_chart(snap_compare, dataset, size) -> None:
    """Bars stacked by age band: the breakdown is modelled, so this snapshot follows the fit."""
    assert snap_compare(ExplorerApp(dataset), terminal_size=size, run_before=_chart("stacked"))


@sizes
def test_filter_panel_with_search(snap_compare, published, size) -> None:
    async def search(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("f", "end", "slash", *"mer")  # the forces, searched
        await settle(pilot)

    assert snap_compare(ExplorerApp(published), terminal_size=size, run_before=search)


@sizes
def test_export_dialog(snap_compare, published, size) -> None:
    async def export(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()

    app = ExplorerApp(published, export_folder=Path("/exports"))
    assert snap_compare(app, terminal_size=size, run_before=export)


def test_help(snap_compare, published) -> None:
    async def open_help(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("question_mark")

    assert snap_compare(ExplorerApp(published), terminal_size=(120, 40), run_before=open_help)


@sizes
def test_every_filter_and_caveat_on_screen(snap_compare, dataset, size) -> None:
    """Four forces in four years, published only: every filter on screen (wrapped at 80x24,
    never dropped) and the caveats that change how the numbers read (PUBLISHED ONLY, what is
    missing) whole, without ``a``; only published and derived figures show."""
    selection = (
        initial_selection(dataset)
        .with_filter("region", ("South East",))
        .with_filter("force", ("Hampshire", "Kent", "Surrey", "Sussex"))
        .with_filter("year", ("2019/20", "2020/21", "2021/22", "2022/23"))
        .grouped_by("force")
        .with_published_only(True)
    )
    assert snap_compare(ExplorerApp(dataset, selection), terminal_size=size, run_before=settle)


@sizes
def test_the_search_line_says_what_it_reads(snap_compare, published, size) -> None:
    async def search(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("slash", *"kent 2019", "space", *"zzz")
        await pilot.pause()

    assert snap_compare(ExplorerApp(published), terminal_size=size, run_before=search)
