"""Regenerate ``screenshots/*.svg`` by driving the app with Pilot at 120x40 and 80x24.

python -m tui.screenshots [FOLDER]
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import DataTable

from tui.app import ExplorerApp
from tui.data.loading import load_dataset

SIZE = (120, 40)
Steps = Callable[[Pilot], Awaitable[None]]


async def settle(pilot: Pilot) -> None:
    """Wait until the app has started, every key typed has been applied, the results on screen
    are those of the app's current selection, and every table has measured the rows it was
    given."""
    app: ExplorerApp = pilot.app  # type: ignore[assignment]
    for _ in range(200):
        await app.workers.wait_for_complete()
        await pilot.pause()
        current = app.results is not None and app.results.selection == app.selection
        if current and app.started and not app.keys_held and tables_measured(app):
            return
    raise RuntimeError("results never caught up with the selection (or a table never measured)")


def tables_measured(app: ExplorerApp) -> bool:
    """Whether every table on screen has sized its columns to the rows it was given: a DataTable
    does that when it is next idle, which on a busy machine can come after the results (a
    snapshot then caught the names cut to the header's width)."""
    return not any(table._require_update_dimensions for table in app.screen.query(DataTable))


async def _main_screen(pilot: Pilot) -> None:
    pilot.app.group_by("force")  # type: ignore[attr-defined]
    await settle(pilot)


async def _drilled(pilot: Pilot) -> None:
    for key in ("enter", "down", "down", "down", "down", "down", "down", "down", "enter", "k"):
        await pilot.press(key)
        await settle(pilot)


async def _filters(pilot: Pilot) -> None:
    force = pilot.app.dataset.dimensions.index("force")  # type: ignore[attr-defined]
    await pilot.press("f", "home", *["down"] * force, "slash", *"mer")
    await settle(pilot)


async def _stacked(pilot: Pilot) -> None:
    pilot.app.group_by("force")  # type: ignore[attr-defined]
    await settle(pilot)
    pilot.app.set_chart("stacked")  # type: ignore[attr-defined]
    await settle(pilot)


async def _export(pilot: Pilot) -> None:
    await pilot.press("e")
    await pilot.pause()


async def _help(pilot: Pilot) -> None:
    await pilot.press("question_mark")
    await pilot.pause()


async def _force_map(pilot: Pilot) -> None:
    await pilot.press("M")
    await pilot.pause()
    await pilot.press("left", "down")
    await pilot.pause()


async def _funnel(pilot: Pilot) -> None:
    pilot.app.group_by("force")  # type: ignore[attr-defined]
    await settle(pilot)
    pilot.app.set_chart("funnel")  # type: ignore[attr-defined]
    await settle(pilot)


async def _search(pilot: Pilot) -> None:
    await pilot.press("slash", *"wales 2022/23 app")
    await pilot.pause()


async def _ranked(pilot: Pilot) -> None:
    await pilot.press("slash", *"kent sussex surrey hampshire thames valley 2021 2022 2023 rate")
    await pilot.press("enter")
    await settle(pilot)


SMALL = (80, 24)
SHOTS: dict[str, tuple[Steps, tuple[int, int]]] = {
    "main": (_main_screen, SIZE),
    "drilled_down_chart": (_drilled, SIZE),
    "filter_panel": (_filters, SIZE),
    "export_dialog": (_export, SIZE),
    "help": (_help, SIZE),
    "force_map": (_force_map, SIZE),
    "funnel_plot": (_funnel, SIZE),
    "main_80x24": (_main_screen, SMALL),
    "filter_panel_80x24": (_filters, SMALL),
    "stacked_80x24": (_stacked, SMALL),
    "search_80x24": (_search, SMALL),
    "filters_and_caveats_80x24": (_ranked, SMALL),
}


async def take(name: str, steps: Steps, folder: Path, size: tuple[int, int] = SIZE) -> Path:
    """Run the app at ``size``, perform ``steps``, save the screen as ``folder/name.svg``."""
    app = ExplorerApp(load_dataset(), export_folder=Path("."))
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await steps(pilot)
        await pilot.pause()
        return Path(app.save_screenshot(filename=f"{name}.svg", path=str(folder)))


def main(argv: list[str] | None = None) -> int:
    """Write every screenshot."""
    args = sys.argv[1:] if argv is None else argv
    folder = Path(args[0]) if args else Path(__file__).resolve().parents[2] / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    for name, (steps, size) in SHOTS.items():
        print(f"wrote {asyncio.run(take(name, steps, folder, size))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
