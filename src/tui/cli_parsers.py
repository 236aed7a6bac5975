"""The argument parsers of ``scwc`` and its subcommands: every option, its default and help."""

from __future__ import annotations

import argparse
from pathlib import Path

from tui import __version__
from tui.data.figures.targets import STATUSES
from tui.data.output.export_names import EXPORT_FORMATS
from tui.data.output.views import default_views_path
from tui.data.schema import JURISDICTION_KEYS
from tui.serve import DEFAULT_HOST, DEFAULT_IDLE_MINUTES, DEFAULT_PORT, default_max_sessions


def add_path_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", nargs="?", type=Path, help="data file (default: embedded dataset)")
    parser.add_argument(
        "--jurisdiction",
        choices=tuple(JURISDICTION_KEYS),
        help="England and Wales (ew, the default), Scotland, Northern Ireland or all three (uk); "
        "each counts its own offence",
    )
    parser.add_argument(
        "--sheet", metavar="NAME", help="spreadsheet sheet to read (default: found by its header)"
    )


def add_selection_options(parser: argparse.ArgumentParser) -> None:
    add_path_options(parser)
    parser.add_argument("--by", help="dimension to group by (e.g. force, year, platform)")
    parser.add_argument(
        "--where",
        action="append",
        default=[],
        metavar="DIM=VALUE",
        help="keep only this member; repeat for more members or dimensions",
    )
    parser.add_argument("--measure", help="measure column (default: offences)")
    parser.add_argument(
        "--sort",
        help="sort column: name, the measure (offences or instances), share, share_recorded, "
        "change, rate_per_100k",
    )
    parser.add_argument("--ascending", action="store_true", help="sort ascending")
    parser.add_argument(
        "--published-only",
        action="store_true",
        help="blank every modelled number (shown –, exported as missing): only what published "
        "figures say, or sums and differences of them",
    )


def add_view_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--view",
        metavar="NAME|FILE",
        help="start from a saved view (by name) or a view/sidecar TOML file",
    )
    parser.add_argument(
        "--views",
        type=Path,
        metavar="FILE",
        help=f"saved views file (default: {default_views_path()})",
    )


def selection_parser(prog: str, description: str) -> argparse.ArgumentParser:
    """A subcommand that reads a selection: path, --by, --where, ..., --view."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    add_selection_options(parser)
    add_view_options(parser)
    return parser


def summary_parser() -> argparse.ArgumentParser:
    parser = selection_parser(
        "scwc summary",
        "Print the grouped table for a selection, as the app shows it, fitted to the terminal's "
        "width (long headers abbreviated, then the least needed columns left out, and said so).",
    )
    parser.add_argument(
        "--wide", action="store_true", help="every column in full, however wide the table"
    )
    return parser


def quote_parser() -> argparse.ArgumentParser:
    return selection_parser(
        "scwc quote",
        "Print the selection's total as one sentence to quote, worded for where the number "
        "comes from and whether its change on the previous year is more than chance.",
    )


def serve_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="scwc serve",
        description="Serve the explorer to web browsers (textual-serve), one app process per "
        "visitor. Binds to this computer only unless --host says otherwise; any other address "
        "needs the token the page address carries. Visitors get exports as downloads and never "
        "name a file on this computer.",
    )
    parser.add_argument("path", nargs="?", type=Path, help="data file (default: embedded dataset)")
    parser.add_argument(
        "--host",
        default=DEFAULT_HOST,
        help=f"address to bind (default {DEFAULT_HOST}; '' or 0.0.0.0 or :: for every address)",
    )
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})"
    )
    parser.add_argument(
        "--public-url", help="address browsers use, when behind a proxy or bound to 0.0.0.0"
    )
    parser.add_argument(
        "--token", help="token visitors need (default: a new one off this computer, printed once)"
    )
    parser.add_argument(
        "--no-auth",
        action="store_true",
        help="no token even on a reachable address: anyone who can reach it can use the app",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        metavar="DIR",
        help="folder whose data files visitors may open with ctrl+o (default: none)",
    )
    parser.add_argument(
        "--max-sessions",
        type=int,
        default=default_max_sessions(),
        metavar="N",
        help="visitors at once; the next one is asked to try again (default: from memory, "
        f"here {default_max_sessions()})",
    )
    parser.add_argument(
        "--idle-timeout",
        type=float,
        default=DEFAULT_IDLE_MINUTES,
        metavar="MINUTES",
        help=f"end a session without a key press for this long (default {DEFAULT_IDLE_MINUTES:g})",
    )
    return parser


def export_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="scwc export",
        description="Write a selection (the summary as shown, or the filtered rows) to a file, "
        "with a TOML sidecar <file>.toml recording how it was made.",
    )
    add_selection_options(parser)
    add_view_options(parser)
    parser.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="FILE|FOLDER",
        help="file to write; an existing folder gets a file named after the selection",
    )
    parser.add_argument(
        "--format",
        help=f"one of {', '.join(EXPORT_FORMATS)} (default: from -o; must agree with its extension)",
    )
    parser.add_argument(
        "--rows", action="store_true", help="export the filtered rows, not the summary"
    )
    parser.add_argument(
        "--excel",
        action="store_true",
        help="CSV/TSV for Excel: UTF-8 with a byte-order mark, so accented names open right",
    )
    parser.add_argument(
        "--force", action="store_true", help="overwrite an existing file and its sidecar"
    )
    return parser


def app_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="scwc",
        description="Explore police-recorded offences of sexual communication with a child. "
        "Subcommands: 'scwc summary --help', 'scwc export --help', 'scwc sources --help', "
        "'scwc quote --help', 'scwc serve --help'.",
        epilog="A file read before opens at once: what was read from it is kept in "
        "$SCWC_CACHE_DIR (else ~/.cache/scwc) until the file changes; SCWC_CACHE_DIR=off turns "
        "this off.",
    )
    parser.add_argument("--version", action="version", version=f"scwc {__version__}")
    add_path_options(parser)
    add_view_options(parser)
    return parser


def sources_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="scwc sources",
        description="Every published figure beside the embedded dataset's value: target figures "
        "must be reproduced; superseded, conflicting and context figures are listed with their "
        "reason. Exits 1 on any mismatch.",
    )
    parser.add_argument("--json", action="store_true", help="one JSON record per figure")
    parser.add_argument(
        "--status",
        choices=STATUSES,
        action="append",
        help="only figures with this status (repeatable)",
    )
    return parser
