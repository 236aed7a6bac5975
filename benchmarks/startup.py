"""Start-up: from launch to the first screen showing the table, in a real terminal (a pty).

    python benchmarks/startup.py                   # 10M-row files (generated once, as bench.py does)
    python benchmarks/startup.py --rows 1000000 --repeats 3
    python benchmarks/startup.py --embedded        # the embedded dataset and the minimal app only
    python benchmarks/startup.py --timeline        # where the time goes inside one ``scwc`` start
    python benchmarks/startup.py --baseline /tmp/old  # also ``scwc`` from another checkout's src/

Runs, alternately and each in a fresh process, ``scwc`` on the embedded dataset, ``scwc FILE`` on
the generated Parquet and CSV files, and a minimal Textual app that imports polars and shows a
two-row DataTable. Each is timed from the launch until the table's Total row appears on the screen
the program writes to the pty (escape sequences stripped). In the ``scwc`` run, once the screen
has gone quiet, ``o`` is pressed: the Sources screen is timed until it shows (its loading line or
its table) and until it is filled. Prints the median of each, its ratio to the minimal app, and
whether the targets hold: first screen within 1.2x of the minimal app (issue 30), ``o`` open under 100 ms.

``--timeline`` starts ``scwc`` (median of the repeats) with a few of its steps wrapped to note the
time since launch: interpreter up, ``tui.cli`` imported, dataset read, ``tui.app`` imported, app
mounted, first results computed (in the worker), shown, and painted.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import re
import select
import signal
import statistics
import struct
import sys
import tempfile
import termios
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench import DATA, derived_file, generate  # noqa: E402

SIZE = (120, 40)
TIMEOUT_S = 60.0
QUIET_S = 0.5
"""How long the screen must stay unchanged before ``o`` is pressed (the user reads the table)."""
TABLE = re.compile(r"Total\s+(?:[●◐○◔!]+\s+)?[\d,]+")
"""The Total row with its number (after its marks, if any: ◔ for a partial total, ! flagged)."""
SOURCES_OPEN = re.compile(r"Checking every published figure|target figures reproduced")
SOURCES_FILLED = re.compile(r"target figures reproduced")
ESCAPES = re.compile(
    rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b."
)
START_RATIO_TARGET = 1.2
SOURCES_OPEN_TARGET_MS = 100.0
MINIMAL_APP = """
import polars as pl
from textual.app import App
from textual.widgets import DataTable

class Minimal(App):
    def compose(self):
        yield DataTable()

    def on_mount(self):
        frame = pl.DataFrame({"name": ["alpha", "Total"], "offences": [1_234, 3_078]})
        table = self.query_one(DataTable)
        table.add_columns(*frame.columns)
        table.add_rows(frame.rows())

Minimal().run()
"""


TIMELINE = """
import functools, importlib.abc, importlib.util, os, sys, time
marks = {"interpreter up": (time.time(), time.process_time())}

def mark(name):
    marks.setdefault(name, (time.time(), time.process_time()))

def around(owner, name, before=None, after=None):
    original = getattr(owner, name)
    @functools.wraps(original)
    def wrapped(*args, **kwargs):
        before and mark(before)
        result = original(*args, **kwargs)
        after and mark(after)
        return result
    setattr(owner, name, wrapped)

def note_cli(cli):
    mark("tui.cli imported")
    around(cli, "open_start", after="dataset read")

def note_app(app):
    mark("tui.app imported")
    App = app.ExplorerApp
    around(App, "on_mount", "app mounting", "app mounted")
    around(app, "results", "results started (worker)", "results computed (worker)")
    around(App, "_show_results", "results shown: start", "results shown: done")
    def display(self, screen, renderable, original=App._display):
        original(self, screen, renderable)
        if renderable is not None and "results shown: done" in marks:
            mark("first frame with the table written")
            with open(os.environ["SCWC_TIMELINE"], "w") as out:
                out.write(repr(marks))
            self.exit()
    App._display = display

class Noting(importlib.abc.MetaPathFinder):
    # once tui.cli or tui.app is imported (where the launcher imports it), wrap its steps
    after = {"tui.cli": note_cli, "tui.app": note_app}
    def find_spec(self, name, path, target=None):
        if name not in self.after:
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        sys.meta_path.insert(0, self)
        execute = spec.loader.exec_module
        def exec_module(module):
            execute(module)
            self.after[name](module)
        spec.loader.exec_module = exec_module
        return spec

sys.meta_path.insert(0, Noting())
import tui.launch
sys.argv = ["scwc"]
raise SystemExit(tui.launch.main())
"""
"""Runs ``scwc`` as the launcher does, its steps noted (see ``--timeline``), into $SCWC_TIMELINE."""


class Terminal:
    """A program running on a pty of :data:`SIZE`, whose output is read as plain text."""

    def __init__(self, command: list[str], settings: dict[str, str] | None = None) -> None:
        self.started = time.perf_counter()
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: size the terminal, then become the program
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", SIZE[1], SIZE[0], 0, 0))
            environment = os.environ | {"TERM": "xterm-256color"} | (settings or {})
            environment.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: bytecode is cached
            os.execvpe(command[0], command, environment)
        self.text = ""
        self.last_output = self.started

    def _read(self, timeout: float) -> bool:
        """Read what the program wrote within ``timeout`` s; ``False`` if nothing came."""
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return False
        try:
            chunk = os.read(self.fd, 1 << 16)
        except OSError:  # the program ended
            raise SystemExit(
                f"the program ended before the screen showed; it wrote:\n{self.text}"
            ) from None
        self.text += ESCAPES.sub(b"", chunk).decode("utf-8", errors="replace")
        self.last_output = time.perf_counter()
        return True

    def wait_for(self, pattern: re.Pattern[str], since: float) -> float:
        """Seconds from ``since`` until ``pattern`` appears in what is written after ``since``."""
        start = len(self.text)
        while not pattern.search(self.text, max(start - 200, 0)):
            if time.perf_counter() - since > TIMEOUT_S:
                raise SystemExit(f"{pattern.pattern!r} not shown within {TIMEOUT_S:.0f} s")
            self._read(0.5)
        return time.perf_counter() - since

    def wait_until_quiet(self) -> None:
        """Until the program has written nothing for :data:`QUIET_S` (at most :data:`TIMEOUT_S`)."""
        deadline = time.perf_counter() + TIMEOUT_S
        while time.perf_counter() < deadline:
            self._read(QUIET_S)
            if time.perf_counter() - self.last_output >= QUIET_S:
                return

    def press(self, key: str) -> float:
        """Type ``key``; the time it was sent."""
        self.text = ""
        os.write(self.fd, key.encode())
        return time.perf_counter()

    def cpu_seconds(self) -> float:
        """CPU time the program has used: all its threads, its running child processes (the
        launcher's guard runs the app in one) and the children it waited for."""
        stats = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:  # the process has ended
                continue
            stats[int(stat.parent.name)] = (int(fields[1]), sum(int(f) for f in fields[11:15]))
        ticks, family = 0, {self.pid}
        while family:  # utime, stime, cutime, cstime of the program and its descendants
            ticks += sum(stats[pid][1] for pid in family if pid in stats)
            family = {pid for pid, (parent, _) in stats.items() if parent in family}
        return ticks / os.sysconf("SC_CLK_TCK")

    def close(self) -> None:
        """End the program (it has nothing to save) and reap it."""
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        os.close(self.fd)


def scwc_command(*arguments: str) -> list[str]:
    """The ``scwc`` console script beside this Python (as a user runs it), else ``python -m tui``."""
    script = Path(sys.executable).with_name("scwc")
    return (
        [str(script), *arguments] if script.exists() else [sys.executable, "-m", "tui", *arguments]
    )


def baseline_command(checkout: Path) -> list[str]:
    """``scwc`` importing its code from ``checkout``'s ``src/`` (and its data from there)."""
    return ["env", f"PYTHONPATH={checkout.resolve() / 'src'}", *scwc_command()]


def first_paint(
    command: list[str], kept: str, sources: dict[str, list[float]] | None = None
) -> tuple[float, float]:
    """(wall, CPU) seconds from launch to the table on screen; with ``sources``, also time ``o``.

    ``kept`` is the folder of datasets read before (``SCWC_CACHE_DIR``): an empty one for a first
    start on a file, one a run has already filled for a start on a file read before."""
    terminal = Terminal(command, {"SCWC_CACHE_DIR": kept})
    try:
        elapsed = terminal.wait_for(TABLE, terminal.started)
        cpu = terminal.cpu_seconds()
        if sources is not None:
            terminal.wait_until_quiet()
            pressed = terminal.press("o")
            sources["open"].append(terminal.wait_for(SOURCES_OPEN, pressed) * 1000)
            sources["filled"].append(terminal.wait_for(SOURCES_FILLED, pressed) * 1000)
        return elapsed, cpu
    finally:
        terminal.close()


def timeline(repeats: int, checkout: Path | None = None) -> None:
    """Print the median time since launch of each noted step of ``scwc`` on the embedded data
    (from ``checkout``'s ``src/`` if given)."""
    import ast

    runs: dict[str, list[tuple[float, float]]] = {}
    with tempfile.TemporaryDirectory() as folder:
        marks_file = Path(folder) / "marks"
        for _ in range(repeats):
            launched = time.time()
            os.environ["SCWC_TIMELINE"] = str(marks_file)
            command = [sys.executable, "-c", TIMELINE]
            if checkout:
                command = ["env", f"PYTHONPATH={checkout.resolve() / 'src'}", *command]
            terminal = Terminal(command)
            marks = None
            while marks is None:  # until the marks are written whole
                terminal._read(0.1)
                try:
                    marks = ast.literal_eval(marks_file.read_text())
                except (FileNotFoundError, SyntaxError, ValueError):
                    marks = None
            terminal.close()
            for step, (at, cpu) in marks.items():
                runs.setdefault(step, []).append(((at - launched) * 1000, cpu * 1000))
            marks_file.unlink()
    print(f"scwc start-up timeline, embedded dataset, median of {repeats}")
    print(f"{'ms since launch':>15}{'CPU ms':>8}  step")
    for step, times in sorted(runs.items(), key=lambda item: statistics.median(item[1])):
        wall, cpu = (statistics.median(t[i] for t in times) for i in (0, 1))
        print(f"{wall:>15.0f}{cpu:>8.0f}  {step}")


def main() -> int:
    """Measure every case alternately and print medians, ratios and the verdict."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000, help="rows of the generated files")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--timeline", action="store_true", help="where one start's time goes")
    parser.add_argument(
        "--embedded", action="store_true", help="only scwc on the embedded dataset (no files)"
    )
    parser.add_argument(
        "--baseline", type=Path, help="a checkout (e.g. git worktree) whose scwc to run alongside"
    )
    args = parser.parse_args()
    if args.timeline:
        timeline(args.repeats, args.baseline)
        return 0
    scwc_cases = {
        "scwc": scwc_command(),
        **({"scwc (baseline)": baseline_command(args.baseline)} if args.baseline else {}),
    }
    if not args.embedded:
        parquet = DATA / f"records_{args.rows}.parquet"
        if not parquet.exists():
            print(f"generating {parquet} …", flush=True)
            generate(args.rows, parquet)
        csv = derived_file(parquet, ".csv")
        scwc_cases[f"scwc {parquet.name}"] = scwc_command(str(parquet))
        scwc_cases[f"scwc {csv.name}"] = scwc_command(str(csv))
    cases: dict[str, tuple[list[str], str]] = {
        "minimal app": ([sys.executable, "-c", MINIMAL_APP], "")
    }
    with tempfile.TemporaryDirectory() as folder:
        kept = str(Path(folder) / "kept")
        for name, command in scwc_cases.items():
            cases[f"{name}, first start"] = (command, "first")
            cases[f"{name}, again"] = (command, kept)
            first_paint(command, kept)  # the file is read once: later starts find it kept
        runs: dict[str, list[tuple[float, float]]] = {case: [] for case in cases}
        sources = {
            f"{name}, again": {"open": [], "filled": []}
            for name in ("scwc", "scwc (baseline)")
            if name in scwc_cases
        }
        for _ in range(args.repeats):
            for case, (command, folder_kept) in cases.items():
                if folder_kept == "first":  # nothing read before: a new empty folder each time
                    folder_kept = tempfile.mkdtemp(dir=folder)
                runs[case].append(first_paint(command, folder_kept, sources.get(case)))
    medians = {
        case: tuple(statistics.median(r[i] for r in results) for i in (0, 1))
        for case, results in runs.items()
    }
    minimal = medians["minimal app"]
    print(f"First screen, {SIZE[0]}x{SIZE[1]} pty, median of {args.repeats} (alternating)")
    print(f"{'case':<44}{'wall s':>7}{'min s':>7}{'max s':>7}{'x minimal':>10}{'CPU s':>7}{'x':>6}")
    for case, results in runs.items():
        wall, cpu = medians[case]
        walls = [r[0] for r in results]
        print(
            f"{case:<44}{wall:>7.2f}{min(walls):>7.2f}{max(walls):>7.2f}{wall / minimal[0]:>10.2f}"
            f"{cpu:>7.2f}{cpu / minimal[1]:>6.2f}"
        )
    print(
        "(CPU: user + system time until the table showed: all threads and child processes; 10 ms ticks)"
    )
    print()
    for case, times in sources.items():
        opened, filled = (statistics.median(times[what]) for what in ("open", "filled"))
        print(f"`o` (Sources) in {case}: open {opened:.0f} ms, filled {filled:.0f} ms")
    opened = statistics.median(sources["scwc, again"]["open"])
    failures = []
    for case in ("scwc, first start", "scwc, again"):
        ratio = medians[case][0] / minimal[0]
        if ratio > START_RATIO_TARGET:
            failures.append(
                f"{case}: first screen {ratio:.2f}x the minimal app > {START_RATIO_TARGET}x"
            )
    if opened >= SOURCES_OPEN_TARGET_MS:
        failures.append(f"`o` opens in {opened:.0f} ms >= {SOURCES_OPEN_TARGET_MS:.0f} ms")
    print(
        "\n"
        + ("all targets met" if not failures else "targets missed:\n  " + "\n  ".join(failures))
    )
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
