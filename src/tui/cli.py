"""Command line: ``scwc [PATH]`` opens the explorer; ``scwc summary`` prints a grouped table.

Bad input ends with one line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from tui.data.dataset import DataError, Dataset
from tui.data.format import recorded_note, summary_lines
from tui.data.load import load_dataset
from tui.data.query import CHANGE, RATE, SHARE, SHARE_RECORDED, initial_selection, summary
from tui.data.schema import canonical_column
from tui.data.selection import Selection

EXIT_BAD_INPUT = 2
SUBCOMMANDS = ("summary",)
SORTABLE = ("offences", SHARE, SHARE_RECORDED, CHANGE, RATE)


def parse_where(dataset: Dataset, clauses: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """``DIM=VALUE`` clauses as filters; repeating a dimension keeps several of its members.

    Dimension names match loosely (``Age Band`` = ``age_band``); members match exactly, or
    ignoring case when that is unambiguous.
    """
    filters: dict[str, tuple[str, ...]] = {}
    for clause in clauses:
        key, sep, value = clause.partition("=")
        if not sep or not key.strip():
            raise DataError(f"--where '{clause}': expected DIMENSION=VALUE")
        dimension = resolve_dimension(dataset, key)
        filters[dimension] = (
            *filters.get(dimension, ()),
            resolve_member(dataset, dimension, value),
        )
    return filters


def resolve_dimension(dataset: Dataset, name: str) -> str:
    """The dataset's dimension a user's name refers to."""
    dimension = canonical_column(name)
    if dimension not in dataset.dimensions:
        raise DataError(f"no dimension '{name}' (known: {', '.join(dataset.dimensions)})")
    return dimension


def resolve_member(dataset: Dataset, dimension: str, value: str) -> str:
    """The member of ``dimension`` a user's value refers to."""
    members = dataset.members(dimension)
    value = value.strip()
    if value in members:
        return value
    folded = [m for m in members if m.casefold() == value.casefold()]
    if len(folded) == 1:
        return folded[0]
    sample = ", ".join(members[:8]) + (", ..." if len(members) > 8 else "")
    raise DataError(f"{dimension} has no member '{value}' (known: {sample})")


def build_selection(
    dataset: Dataset,
    by: str | None,
    where: Sequence[str],
    measure: str | None = None,
    sort: str | None = None,
    ascending: bool = False,
) -> Selection:
    """A selection from command-line options, validated against the dataset."""
    selection = initial_selection(dataset)
    if by:
        selection = selection.grouped_by(resolve_dimension(dataset, by))
    if measure:
        if canonical_column(measure) not in dataset.measures:
            raise DataError(f"no measure '{measure}' (known: {', '.join(dataset.measures)})")
        selection = selection.with_measure(canonical_column(measure))
    for dimension, members in parse_where(dataset, where).items():
        selection = selection.with_filter(dimension, members)
    if sort:
        column = selection.group_by if sort == "name" else canonical_column(sort)
        if column not in SORTABLE and column != selection.group_by and column != selection.measure:
            raise DataError(f"cannot sort by '{sort}' (use name, {', '.join(SORTABLE)})")
        selection = selection.with_sort(column, descending=not ascending)
    return selection


def _summary_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="scwc summary",
        description="Print the grouped table for a selection, as the app shows it.",
    )
    parser.add_argument("path", nargs="?", type=Path, help="data file (default: embedded dataset)")
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
        "--sort", help="sort column: name, offences, share, share_recorded, change, rate_per_100k"
    )
    parser.add_argument("--ascending", action="store_true", help="sort ascending")
    return parser


def _app_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="scwc",
        description="Explore police-recorded offences of sexual communication with a child. "
        "Subcommands: 'scwc summary --help'.",
    )
    parser.add_argument("path", nargs="?", type=Path, help="data file (default: embedded dataset)")
    return parser


def run_summary(argv: Sequence[str]) -> int:
    """``scwc summary``: print the grouped table."""
    args = _summary_parser().parse_args(argv)
    dataset = load_dataset(args.path)
    selection = build_selection(
        dataset, args.by, args.where, args.measure, args.sort, ascending=args.ascending
    )
    result = summary(dataset, selection)
    filters = "; ".join(f"{d} = {' | '.join(m)}" for d, m in selection.filters) or "none"
    print(f"{dataset.name}")
    if dataset.modelled:
        print("MODELLED data: published totals are exact, the breakdown below them is modelled.")
    print(f"Filters: {filters}")
    print()
    for line in summary_lines(result):
        print(line)
    note = recorded_note(result)
    if note:
        print()
        print(note)
    return 0


def run_app(argv: Sequence[str]) -> int:
    """``scwc [PATH]``: open the explorer."""
    args = _app_parser().parse_args(argv)
    dataset = load_dataset(args.path)
    from tui.app import ExplorerApp

    ExplorerApp(dataset).run()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``scwc`` console script and ``python -m tui``."""
    args = list(sys.argv[1:] if argv is None else argv)
    command = run_summary if args and args[0] in SUBCOMMANDS else run_app
    if command is run_summary:
        args = args[1:]
    try:
        return command(args)
    except DataError as error:
        print(f"scwc: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        return 0
