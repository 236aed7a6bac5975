"""The argument parsers of ``scwc`` and its subcommands: every option, its default and help."""

from __future__ import annotations

import argparse
import textwrap
from pathlib import Path

from tui import __version__
from tui.data.figures.targets import STATUSES
from tui.data.loading.cache import cache_dir
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
        "change, rate_per_100k, rate_per_10k_children",
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


def parser_with_examples(
    prog: str, description: str, examples: tuple[str, ...], epilog: str = ""
) -> argparse.ArgumentParser:
    """A parser whose ``--help`` ends with ``examples`` (commands that run as written)."""
    shown = "\n".join(f"  {example}" for example in examples)
    return argparse.ArgumentParser(
        prog=prog,
        description=_wrapped(description),
        epilog=f"examples:\n{shown}" + (f"\n\n{_wrapped(epilog)}" if epilog else ""),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def _wrapped(text: str) -> str:
    """Paragraphs filled to 79 columns; a paragraph of indented lines is kept as it is."""
    paragraphs = text.split("\n\n")
    return "\n\n".join(
        p if p.startswith("  ") or "\n  " in p else textwrap.fill(p, 79) for p in paragraphs
    )


def selection_parser(
    prog: str, description: str, examples: tuple[str, ...]
) -> argparse.ArgumentParser:
    """A subcommand that reads a selection: path, --by, --where, ..., --view."""
    parser = parser_with_examples(prog, description, examples)
    add_selection_options(parser)
    add_view_options(parser)
    return parser


SUMMARY_EXAMPLES = (
    "scwc summary --by year --where force=Kent",
    "scwc summary --by platform --measure instances --where year=2018/19",
    "scwc summary my_foi.xlsx --by force --sort rate_per_100k",
)
QUOTE_EXAMPLES = (
    "scwc quote --where force=Kent --where year=2023/24",
    "scwc quote --jurisdiction uk --where year=2024/25",
)
EXPORT_EXAMPLES = (
    "scwc export --by year --where force=Kent -o kent.csv",
    "scwc export --by force --where year=2023/24 -o forces.csv --datapackage",
    "scwc export --rows --where region=Wales -o wales_rows.parquet",
)
CHART_EXAMPLES = (
    "scwc chart --by year --where force=Kent -o kent.svg",
    "scwc chart --by region --kind stacked -o regions.png --size print",
    "scwc chart --by force --kind line --where region=Wales -o wales.pdf",
)


def summary_parser() -> argparse.ArgumentParser:
    parser = selection_parser(
        "scwc summary",
        "Print the grouped table for a selection, as the app shows it, fitted to the terminal's "
        "width (long headers abbreviated, then the least needed columns left out, and said so).",
        SUMMARY_EXAMPLES,
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
        QUOTE_EXAMPLES,
    )


def chart_parser() -> argparse.ArgumentParser:
    parser = selection_parser(
        "scwc chart",
        "Write a chart of a selection for print or the web (SVG, PNG or PDF): title, filters, "
        "a source line naming the publishers, published numbers solid, derived hatched, "
        "modelled hollow, 95% intervals as whiskers. Needs the chart extra: "
        "pip install 'scwc[chart]'.",
        CHART_EXAMPLES,
    )
    parser.add_argument(
        "-o", "--output", required=True, metavar="FILE", help="file to write: .svg, .png or .pdf"
    )
    parser.add_argument(
        "--kind",
        choices=("bar", "line", "stacked"),
        help="bars by group (default), a line over years, or bars stacked by age band or platform",
    )
    parser.add_argument(
        "--size",
        default="web",
        metavar="web|print|WxH",
        help="web: 800x500 pixels (default); print: 180x120 mm at 300 dpi; or pixels, e.g. 1200x675",
    )
    parser.add_argument("--title", help="the chart's title (default: says what is counted where)")
    parser.add_argument("--format", choices=("svg", "png", "pdf"), help="default: from -o")
    parser.add_argument("--force", action="store_true", help="overwrite an existing file")
    return parser


def completion_parser() -> argparse.ArgumentParser:
    parser = parser_with_examples(
        "scwc completion",
        "Print a script that completes scwc's commands, options and choices in your shell.",
        (
            "scwc completion bash > ~/.local/share/bash-completion/completions/scwc",
            "scwc completion zsh > ~/.zfunc/_scwc   # with fpath+=~/.zfunc before compinit",
            "scwc completion fish > ~/.config/fish/completions/scwc.fish",
        ),
    )
    parser.add_argument("shell", choices=("bash", "zsh", "fish"))
    return parser


def serve_parser() -> argparse.ArgumentParser:
    parser = parser_with_examples(
        "scwc serve",
        "Serve the explorer to web browsers (textual-serve), one app process per "
        "visitor. Binds to this computer only unless --host says otherwise; every visitor "
        "needs the token the page address carries (--no-auth: none). Visitors get exports as "
        "downloads and never name a file on this computer.",
        (
            "scwc serve",
            "scwc serve my_foi.csv --port 8080",
            "scwc serve --host 0.0.0.0 --public-url https://scwc.example.org --data-dir files/",
        ),
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
        "--token", help="token visitors need (default: a new one, printed once in the address)"
    )
    parser.add_argument(
        "--no-auth",
        action="store_true",
        help="no token: anyone who can reach the address (on loopback: any user of this "
        "computer) can use the app",
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
    parser.add_argument(
        "--session-memory",
        type=int,
        metavar="MB",
        help="the most memory one visitor's app may take; a session over it is ended with a "
        "message (default: three quarters of the memory over --max-sessions, 512 to 2048)",
    )
    return parser


def export_parser() -> argparse.ArgumentParser:
    parser = selection_parser(
        "scwc export",
        "Write a selection (the summary as shown, or the filtered rows) to a file, "
        "with a TOML sidecar <file>.toml recording how it was made.",
        EXPORT_EXAMPLES,
    )
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
        "--datapackage",
        action="store_true",
        help="also write a Frictionless datapackage.json beside the file: fields, types, units, "
        "provenance codes, sources, licence",
    )
    parser.add_argument(
        "--force", action="store_true", help="overwrite an existing file and its sidecar"
    )
    return parser


COMMAND_SUMMARIES = {
    "summary": "print the grouped table",
    "export": "write the table or the rows to a file, with a sidecar",
    "chart": "write a chart for print or the web (SVG, PNG, PDF)",
    "quote": "print the total as a sentence to quote",
    "sources": "every published figure beside the dataset's value",
    "serve": "serve the explorer to web browsers",
    "completion": "print a shell completion script (bash, zsh, fish)",
    "build": "rebuild the dataset, or build one with your own published figures",
}
"""Every ``scwc COMMAND``, in the order ``scwc --help`` lists them."""


def app_parser() -> argparse.ArgumentParser:
    commands = "\n".join(f"  {name:<11} {what}" for name, what in COMMAND_SUMMARIES.items())
    parser = parser_with_examples(
        "scwc",
        "Explore police-recorded offences of sexual communication with a child "
        "(scwc [PATH] opens the explorer).\n\ncommands (scwc COMMAND --help):\n" + commands,
        (
            "scwc",
            "scwc my_foi.xlsx --sheet 'Table 1'",
            "scwc --view 'west midlands'",
        ),
        "A file read before opens at once: what was read from it is kept in "
        f"$SCWC_CACHE_DIR (here {cache_dir() or 'off'}) until the file changes; "
        "SCWC_CACHE_DIR=off turns this off.",
    )
    parser.add_argument("--version", action="version", version=f"scwc {__version__}")
    add_path_options(parser)
    add_view_options(parser)
    return parser


def sources_parser() -> argparse.ArgumentParser:
    parser = parser_with_examples(
        "scwc sources",
        "Every published figure beside the embedded dataset's value (or the value of a "
        "dataset scwc build --out made): target figures must be reproduced; superseded, "
        "conflicting and context figures are listed with their reason. Exits 1 on any mismatch.",
        ("scwc sources --status conflicting", "scwc sources --json", "scwc sources my_dataset"),
    )
    parser.add_argument(
        "path",
        nargs="?",
        type=Path,
        metavar="DIR",
        help="a folder 'scwc build --out DIR' made (or its offences.csv): its figures, yours "
        "among them (default: the embedded dataset)",
    )
    parser.add_argument("--json", action="store_true", help="one JSON record per figure")
    parser.add_argument(
        "--status",
        choices=STATUSES,
        action="append",
        help="only figures with this status (repeatable)",
    )
    return parser


def build_parser() -> argparse.ArgumentParser:
    parser = parser_with_examples(
        "scwc build",
        "Rebuild the embedded dataset from the published-figure files (for developers; needs "
        "the builder: pip install 'scwc[build]'), or, with --out, build a dataset in a folder of "
        "its own from the project's figures and, with --figures, your own, never touching the "
        "installed package. Open it with 'scwc DIR'; 'scwc sources DIR' lists its figures. "
        "About a minute.",
        (
            "scwc build --figures my_answers.csv --out my_dataset",
            "scwc build --out my_copy",
            "scwc build",
        ),
    )
    parser.add_argument(
        "--figures",
        type=Path,
        metavar="FILE",
        help="your own published figures: the columns of data/real_figures.csv, each row with "
        "its source, checked before anything is built (needs --out)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="build here (a new or empty folder, or one scwc build made) instead of in place",
    )
    return parser
