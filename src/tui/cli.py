"""Command line: ``scwc [PATH]`` opens the explorer; ``scwc summary`` prints a grouped table;
``scwc export`` writes a selection to a file with a TOML sidecar.

Bad input ends with one line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import shutil
import sys
import threading
from collections.abc import Sequence
from contextlib import nullcontext, suppress
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from tui.cli_parsers import (
    COMMAND_SUMMARIES,
    app_parser,
    chart_parser,
    completion_parser,
    export_parser,
    quote_parser,
    sources_parser,
    summary_parser,
)
from tui.cli_selection import build_selection
from tui.cli_serve import run_serve
from tui.cli_streams import native_stderr_silenced, say
from tui.data import features  # noqa: F401  (registers the chart kinds)
from tui.data.dataset import DataError, Dataset
from tui.data.engine.query import results, summary, validate
from tui.data.features.force_year_coverage import coverage_lines
from tui.data.features.navigation import initial_selection, with_jurisdiction
from tui.data.features.quote import quote
from tui.data.features.reconcile import closing_line, reconcile
from tui.data.labels import safe_json
from tui.data.loading.isolated import open_dataset
from tui.data.loading.load import default_dataset_path, is_kept, repo_data_dir
from tui.data.loading.paths import dataset_in
from tui.data.loading.read import FORMATS
from tui.data.output.chart import chart_figure, chart_writer, save_chart
from tui.data.output.chart_plan import PRINT_KINDS, chart_format
from tui.data.output.export import export
from tui.data.output.export_names import TEXT_FORMATS, resolve_output
from tui.data.output.export_record import sha256_of
from tui.data.output.notes import INTERVAL_NOTE, summary_notes
from tui.data.output.summary_text import fitted_summary, summary_lines
from tui.data.output.views import View, default_views_path, load_views, read_view_file
from tui.data.processes import Ended, end_with_parent, signals_end_cleanly
from tui.data.selection import Selection
from tui.served_mode import Served

EXIT_BAD_INPUT = 2
LARGE_FILE_BYTES = 50 * 1024**2
"""A file this large is announced while it is read for the first time."""
EXIT_INTERRUPTED = 130


@dataclass(frozen=True)
class Start:
    """A dataset and the selection (and chart) the command starts from."""

    dataset: Dataset
    selection: Selection | None
    chart: str
    what: str | None
    excel: bool = False
    datapackage: bool = False


def resolve_view(
    name: str | None, views_path: Path | None
) -> tuple[Selection, str, dict, Path] | None:
    """A view by file path or by name in the views file: (selection, chart, document, folder of
    the file it came from)."""
    if not name:
        return None
    as_file = Path(name)
    if as_file.suffix == ".toml" or as_file.is_file():
        return (*read_view_file(as_file), as_file.parent)
    path = views_path or default_views_path()
    views = load_views(path)
    if name not in views:
        known = ", ".join(views) or "none saved yet"
        raise DataError(f"no saved view '{name}' in {path} (known: {known})")
    view: View = views[name]
    return view.selection, view.chart, {}, path.parent


def recorded_dataset(recorded: dict, folder: Path) -> Path | None:
    """The data file a sidecar's ``[dataset]`` names: relative to the sidecar's folder first, else
    as written; ``None`` for the embedded dataset when only its SHA-256 matches."""
    written = Path(recorded["path"])
    for candidate in (folder / written, written):
        if candidate.is_file():
            return candidate
    if recorded.get("sha256") != sha256_of(default_dataset_path()):
        raise DataError(f"{written}: the view's dataset is missing; name the data file to use")
    return None


def open_start(
    path: Path | None, view: str | None, views_path: Path | None, sheet: str | None = None
) -> Start:
    """Load the dataset (from PATH, else the view's recorded dataset, else embedded) and the view."""
    resolved = resolve_view(view, views_path)
    document = resolved[2] if resolved else {}
    recorded = document.get("dataset", {}) if isinstance(document.get("dataset"), dict) else {}
    if path is None and resolved and recorded.get("path"):
        path = recorded_dataset(recorded, resolved[3])
    path = dataset_in(path) if path else path
    announce_reading(path, sheet)
    with native_stderr_silenced():
        dataset = open_dataset(path, sheet=sheet)
    if recorded.get("sha256") and dataset.path and recorded["sha256"] != sha256_of(dataset.path):
        say(
            f"scwc: warning: {dataset.path.name} has changed since the view was recorded",
            file=sys.stderr,
        )
    selection, chart = (resolved[0], resolved[1]) if resolved else (None, "bar")
    if selection is not None:
        validate(dataset, selection)
    export_table = document.get("export", {}) if isinstance(document.get("export"), dict) else {}
    return Start(
        dataset,
        selection,
        chart,
        export_table.get("what"),
        export_table.get("excel") is True,
        bool(export_table.get("datapackage")),
    )


def announce_reading(path: Path | None, sheet: str | None) -> None:
    """On a terminal, say that a large file is being read: the first read of a file of millions
    of rows takes seconds before anything else shows (a file read before opens at once)."""
    if path is None or not sys.stderr.isatty() or Served.from_environment():
        return
    try:
        size = path.stat().st_size
        if size < LARGE_FILE_BYTES or is_kept(path, sheet):
            return
    except (OSError, DataError):  # the read that follows says what is wrong
        return
    say(f"scwc: reading {path.name} ({size / 1024**2:,.0f} MB)…", file=sys.stderr, flush=True)


def start_and_selection(args: argparse.Namespace) -> tuple[Start, Selection]:
    """The dataset and view a command starts from, and its selection from the options that
    :func:`tui.cli_parsers.add_selection_options` and ``add_view_options`` give every selection
    command."""
    start = open_start(args.path, args.view, args.views, args.sheet)
    selection = build_selection(
        start.dataset,
        args.by,
        args.where,
        args.measure,
        args.sort,
        args.ascending,
        start.selection,
        args.jurisdiction,
        args.published_only,
    )
    return start, selection


def run_export(argv: Sequence[str]) -> int:
    """``scwc export``: write the selection and its sidecar."""
    args = export_parser().parse_args(argv)
    start, selection = start_and_selection(args)
    what = "rows" if args.rows else (start.what or "summary")
    output, fmt, note = resolve_output(args.output, selection, what, args.format)
    result = export(
        start.dataset,
        selection,
        output,
        what=what,
        fmt=fmt,
        overwrite=args.force,
        chart=start.chart,
        excel=args.excel or (start.excel and fmt in TEXT_FORMATS),
        datapackage=args.datapackage or start.datapackage,
    )
    added = f" ({note})" if note else ""
    package = f" and {result.datapackage.name}" if result.datapackage else ""
    say(
        f"wrote {result.path} ({result.rows:,} rows), {result.sidecar.name}{package}{added}"
        if package
        else f"wrote {result.path} ({result.rows:,} rows) and {result.sidecar.name}{added}"
    )
    return 0


def run_summary(argv: Sequence[str]) -> int:
    """``scwc summary``: print the grouped table."""
    args = summary_parser().parse_args(argv)
    start, selection = start_and_selection(args)
    result = summary(start.dataset, selection)
    notes = summary_notes(start.dataset, selection, result)
    say("\n".join([start.dataset.name, *notes.before, ""]))
    width = None if args.wide else terminal_width()
    fitted = fitted_summary(result, width) if width else None
    for line in fitted.lines if fitted else summary_lines(result):
        say(line)
    after = list(notes.after)
    if fitted and width:
        if "95% low" in fitted.left_out:  # the interval's column is not shown
            after.remove(INTERVAL_NOTE)
        after += filter(None, [fitted.note(width)])
    say("\n".join(["", *after]))
    return 0


def terminal_width() -> int | None:
    """The width ``scwc summary`` fits its table to: the terminal's, or ``COLUMNS`` when the
    output goes elsewhere (``None``: neither, every column in full, as for a script)."""
    if sys.stdout.isatty():
        return shutil.get_terminal_size().columns
    columns = os.environ.get("COLUMNS", "")
    return int(columns) if columns.isdigit() and int(columns) > 0 else None


def run_quote(argv: Sequence[str]) -> int:
    """``scwc quote``: print the selection as a sentence."""
    args = quote_parser().parse_args(argv)
    start, selection = start_and_selection(args)
    say(quote(start.dataset, selection))
    return 0


def run_chart(argv: Sequence[str]) -> int:
    """``scwc chart``: write the selection's chart for print or the web."""
    args = chart_parser().parse_args(argv)
    chart_writer()  # first: without matplotlib, say so before reading anything
    output = Path(args.output).expanduser()
    chart_format(output, args.format)
    start, selection = start_and_selection(args)
    kind = args.kind or (start.chart if start.chart in PRINT_KINDS else "bar")
    figure = chart_figure(start.dataset, selection, kind, args.size, args.title)
    save_chart(figure, output, args.format, overwrite=args.force)
    say(f"wrote {output}")
    return 0


def run_completion(argv: Sequence[str]) -> int:
    """``scwc completion SHELL``: print the shell's completion script."""
    args = completion_parser().parse_args(argv)
    from tui.completion import SCRIPTS

    print(SCRIPTS[args.shell](), end="")  # a script of our own: no labels in it
    return 0


def run_sources(argv: Sequence[str]) -> int:
    """``scwc sources [DIR]``: the reconciliation of the embedded dataset (or of one ``scwc build
    --out DIR`` made), one line per figure."""
    args = sources_parser().parse_args(argv)
    path = dataset_in(args.path) if args.path else None
    folder = path.parent if path else repo_data_dir()
    if not (folder / "real_figures.csv").is_file():
        raise DataError(
            f"{args.path}: no published figures beside it (scwc build --out makes them)"
        )
    with native_stderr_silenced():
        dataset = open_dataset(path)
    checks = reconcile(dataset, folder)
    shown = [c for c in checks if not args.status or c.figure.status in args.status]
    if args.json:
        say(safe_json([c.as_record() for c in shown]))
    else:
        for check in shown:
            say(check.describe())
        for line in coverage_lines(dataset):
            say(line)
        say(closing_line(checks))
    return 1 if any(c.mismatch for c in checks) else 0


def run_build(argv: Sequence[str]) -> int:
    """``scwc build``: rebuild the embedded dataset, or build one with your own figures."""
    from tui.cli_build import run_build as build  # the builder's modules, only when building

    return build(argv)


def run_app(argv: Sequence[str]) -> int:
    """``scwc [PATH]``: open the explorer."""
    args = app_parser().parse_args(argv)
    served = Served.from_environment()
    if served is not None and served.server is not None:
        end_with_parent(served.server)  # a visitor's app ends with the server, killed or not
    interface = threading.Thread(target=importlib.import_module, args=("tui.app",), daemon=True)
    interface.start()  # the interface's modules import while the dataset is read (polars lets go)
    try:
        start = open_start(args.path, args.view, args.views, args.sheet)
        selection = start.selection
        if args.jurisdiction:
            base = selection or initial_selection(start.dataset)
            selection = with_jurisdiction(start.dataset, base, args.jurisdiction)
        first_screen_numbers(start.dataset, selection, start.chart)  # (the import goes on)
    finally:  # (no import left running while a refusal is printed and the interpreter ends)
        interface.join()
    from tui.app import ExplorerApp

    app = ExplorerApp(
        start.dataset,
        selection,
        chart=start.chart,
        views_path=args.views or default_views_path(),
        served=served,
    )
    app.run()
    return app.return_code or 0


def first_screen_numbers(dataset: Dataset, selection: Selection | None, chart: str) -> None:
    """Compute what the explorer's first screen shows, marks and all (the engine caches it), as
    the app's first query asks for it, while the interface imports."""
    first = selection or initial_selection(dataset)
    with suppress(DataError, pl.exceptions.PolarsError):  # the app reports it
        results(dataset, first, chart, dataset.dimensions[0])


COMMANDS = {
    "summary": run_summary,
    "export": run_export,
    "chart": run_chart,
    "sources": run_sources,
    "quote": run_quote,
    "serve": run_serve,
    "completion": run_completion,
    "build": run_build,
}
"""``scwc COMMAND``; without one (or with a path) ``scwc`` opens the explorer."""
ENDS_CLEANLY = (run_summary, run_export, run_quote, run_sources, run_chart)
"""Commands that SIGTERM and SIGHUP end as Ctrl+C does (the explorer and server handle their own)."""


def unknown_command(word: str) -> str | None:
    """The one line refusing ``scwc WORD`` when WORD is neither a command nor a data file: not an
    existing path, and without a data file's extension (``scwc kent.csv`` still says no such
    file); ``None`` when it may be a file to open."""
    if word.startswith("-") or word in COMMANDS or os.sep in word or Path(word).exists():
        return None
    if Path(word).suffix.lower() in FORMATS:
        return None
    return f"unknown command '{word}' (commands: {', '.join(COMMAND_SUMMARIES)}; or a data file)"


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``scwc`` with ``argv`` (the launcher, :mod:`tui.launch`, calls this)."""
    args = list(sys.argv[1:] if argv is None else argv)
    command = COMMANDS.get(args[0], run_app) if args else run_app
    if command is not run_app:
        args = args[1:]
    elif args and (refusal := unknown_command(args[0])):
        say(f"scwc: {refusal}", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        with signals_end_cleanly() if command in ENDS_CLEANLY else nullcontext():
            return command(args)
    except Ended as ended:  # SIGTERM or SIGHUP: every staged file removed on the way out
        return ended.exit_code
    except DataError as error:
        say(f"scwc: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (pl.exceptions.PolarsError, pl.exceptions.PanicException) as error:  # missed: one line
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        say(f"scwc: cannot compute this selection: {first}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except MemoryError:  # a selection too large to show (a table of millions of rows): one line
        say("scwc: not enough memory to show this selection (try --by or --where)", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:  # Ctrl+C: stop quietly, as a shell command does
        return EXIT_INTERRUPTED
