"""Regenerate ``screenshots/*.svg`` by driving the app with Pilot at 120x40.

python -m tui.screenshots [FOLDER]
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

from textual.pilot import Pilot

from tui.app import ExplorerApp
from tui.data.load import load_dataset

SIZE = (120, 40)
Steps = Callable[[Pilot], Awaitable[None]]


async def settle(pilot: Pilot) -> None:
    """Wait until the results on screen are those of the app's current selection."""
    app: ExplorerApp = pilot.app  # type: ignore[assignment]
    for _ in range(200):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if app.results is not None and app.results.selection == app.selection:
            return
    raise RuntimeError("results never caught up with the selection")


async def _main_screen(pilot: Pilot) -> None:
    pilot.app.group_by("force")  # type: ignore[attr-defined]
    await settle(pilot)


async def _drilled(pilot: Pilot) -> None:
    for key in ("enter", "down", "down", "down", "down", "down", "down", "down", "enter", "k"):
        await pilot.press(key)
        await settle(pilot)


async def _filters(pilot: Pilot) -> None:
    await pilot.press("f", "end", "up", "up", "up", "enter")
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


SHOTS: dict[str, Steps] = {
    "main": _main_screen,
    "drilled_down_chart": _drilled,
    "filter_panel": _filters,
    "export_dialog": _export,
    "help": _help,
    "force_map": _force_map,
    "funnel_plot": _funnel,
}


async def take(name: str, steps: Steps, folder: Path) -> Path:
    """Run the app, perform ``steps``, save the screen as ``folder/name.svg``."""
    app = ExplorerApp(load_dataset(), export_folder=Path("."))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await steps(pilot)
        await pilot.pause()
        return Path(app.save_screenshot(filename=f"{name}.svg", path=str(folder)))


def main(argv: list[str] | None = None) -> int:
    """Write every screenshot."""
    args = sys.argv[1:] if argv is None else argv
    folder = Path(args[0]) if args else Path(__file__).resolve().parents[2] / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    for name, steps in SHOTS.items():
        print(f"wrote {asyncio.run(take(name, steps, folder))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
