"""Key-to-paint latency: the real app driven by Pilot over a large file, as a user presses keys.

    python benchmarks/latency.py                      # 10M rows (generated once, as bench.py does)
    python benchmarks/latency.py --rows 1000000 --repeats 5
    python benchmarks/latency.py --file some.parquet

Each step is timed from the key press until the first frame the app paints after the widgets
show the results of the new selection (the results worker has finished, the table, chart, panel
and status line are updated, and the compositor has rendered the screen). Pilot's own waiting
for the app to go idle afterwards is not counted: on a busy machine it alone takes 100-400 ms. The query caches are cleared before every press, so each press pays for its
queries as a first visit would. Steps: a filter change (space on a member in the filter panel),
a group-by change (Enter in the group picker), a drill-down (Enter on a row) and back up
(Backspace). Prints the median and the worst press of each and, beside it, the bare polars time
of the same query in the same run (right after each press: the selection's filters and grouping
as one polars group-by over the rows the app holds in memory), and whether the median is under
the 100 ms target and within 2x of bare polars.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench import DATA, generate  # noqa: E402

SIZE = (120, 40)
TARGET_MS = 100.0
RATIO_TARGET = 2.0


def bare_ms(dataset, selection) -> float:  # type: ignore[no-untyped-def]
    """Milliseconds polars itself takes for the selection: its filters and its grouping as one
    group-by over the dataset's rows (in memory, as the app holds them)."""
    import polars as pl

    key = dataset.sources.get(selection.group_by, selection.group_by)
    query = (
        dataset.rows.lazy()
        .filter(dataset.row_predicate(selection.filters))
        .group_by(key)
        .agg(pl.col(selection.measure).sum())
    )
    start = time.perf_counter()
    query.collect()
    return (time.perf_counter() - start) * 1000


def clear_caches() -> None:
    """Forget every cached query, so the next press computes its results afresh."""
    from tui.data.engine import query

    for cached in (query.summary, query.member_counts, query.matched, query.chart_data):
        cached.cache_clear()


async def measure(
    path: Path, repeats: int
) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Open ``path`` in the app and time each step ``repeats`` times, in milliseconds; and the
    bare polars query of the selection each press led to."""
    from textual.pilot import Pilot

    from tui.app import ExplorerApp
    from tui.data.loading.isolated import open_dataset
    from tui.screenshots import settle

    class TimedApp(ExplorerApp):
        """Notes when the results of the current selection are first painted."""

        CSS_PATH = Path(sys.modules[ExplorerApp.__module__].__file__ or "").with_name("app.tcss")

        shown = False
        painted_at: float | None = None

        def _show_results(self, computed, rows, final=True) -> None:  # type: ignore[no-untyped-def]
            super()._show_results(computed, rows, final)
            self.shown = self.shown or (final and computed.selection == self.selection)

        def _display(self, screen, renderable) -> None:  # type: ignore[no-untyped-def]
            super()._display(screen, renderable)
            if renderable is not None and self.shown and self.painted_at is None:
                self.painted_at = time.perf_counter()

    app = TimedApp(open_dataset(path))
    timings: dict[str, list[float]] = {
        "filter change": [],
        "group-by change": [],
        "drill-down": [],
        "drill-up": [],
    }
    bare: dict[str, list[float]] = {step: [] for step in timings}

    async def timed(pilot: Pilot, step: str, key: str) -> None:
        clear_caches()
        app.shown, app.painted_at = False, None
        start = time.perf_counter()
        await pilot.press(key)
        await settle(pilot)
        await pilot.pause()
        assert app.painted_at is not None, f"{step}: no frame painted after the results"
        timings[step].append((app.painted_at - start) * 1000)
        bare[step].append(bare_ms(app.dataset, app.selection))

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.workers.wait_for_complete()  # rows kept in memory in the background
        for _ in range(repeats):
            await timed(pilot, "drill-down", "enter")
            await timed(pilot, "drill-up", "backspace")
        for index in range(repeats):
            await pilot.press("g")
            await pilot.pause()
            await pilot.press("down" if index % 2 == 0 else "up")
            await timed(pilot, "group-by change", "enter")
        await pilot.press("f", "home", "enter")  # the year members
        await settle(pilot)
        for _ in range(repeats):
            await timed(pilot, "filter change", "space")
    return timings, bare


def main() -> int:
    """Run the measurements and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--file", type=Path, help="a Parquet/CSV file instead of a generated one")
    args = parser.parse_args()
    path = args.file or DATA / f"records_{args.rows}.parquet"
    if not path.exists():
        print(f"generating {path} …", flush=True)
        generate(args.rows, path)
    timings, bare = asyncio.run(measure(path, args.repeats))
    print(f"Key-to-paint latency, {path.name}, {SIZE[0]}x{SIZE[1]}, {args.repeats} presses each")
    print(
        f"{'step':<18}{'median ms':>10}{'worst ms':>10}{'bare ms':>9}{'x bare':>8}"
        f"  target < {TARGET_MS:.0f} ms and < {RATIO_TARGET:.0f}x bare polars"
    )
    failures = 0
    for step, times in timings.items():
        median, polars_ms = statistics.median(times), statistics.median(bare[step])
        ratio = median / polars_ms
        missed = median >= TARGET_MS or ratio >= RATIO_TARGET
        failures += missed
        print(
            f"{step:<18}{median:>10.1f}{max(times):>10.1f}{polars_ms:>9.1f}{ratio:>8.2f}"
            f"  {'MISSED' if missed else 'ok'}"
        )
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
