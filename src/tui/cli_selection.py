"""From command-line words to a selection: ``--where DIM=VALUE`` clauses, loosely spelled
dimensions and members, ``--by``, ``--measure``, ``--sort``, validated against the dataset."""

from __future__ import annotations

from collections.abc import Sequence

from tui.data.dataset import DataError, Dataset
from tui.data.engine.query import validate
from tui.data.engine.table import CHANGE, RATE, RATE_CHILDREN, SHARE, SHARE_RECORDED
from tui.data.features.navigation import initial_selection, with_jurisdiction
from tui.data.features.search import closest_members
from tui.data.labels import quoted, safe_text
from tui.data.loading import repo_data_dir
from tui.data.loading.names import force_names, member, member_spellings
from tui.data.output.format import measure_splitting, not_split_note
from tui.data.schema import FORCE, canonical_column
from tui.data.selection import Selection

SORTABLE = (SHARE, SHARE_RECORDED, CHANGE, RATE, RATE_CHILDREN)
MEMBER_SPELLINGS = repo_data_dir() / "member_spellings.csv"


def parse_where(dataset: Dataset, clauses: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """``DIM=VALUE`` clauses as filters; repeating a dimension keeps several of its members.

    Dimension names match loosely (``Age Band`` = ``age_band``); members match exactly, or
    ignoring case when that is unambiguous.
    """
    filters: dict[str, tuple[str, ...]] = {}
    for clause in clauses:
        key, sep, value = clause.partition("=")
        if not sep or not key.strip():
            raise DataError(f"--where {quoted(clause)}: expected DIMENSION=VALUE")
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
        raise DataError(f"no dimension {quoted(name)} (known: {', '.join(dataset.dimensions)})")
    return dimension


def resolve_member(dataset: Dataset, dimension: str, value: str) -> str:
    """The member of ``dimension`` a user's value refers to: exactly, ignoring case when that is
    unambiguous, or as the loader reads the same spelling in a file (``2021-22`` is ``2021/22``,
    ``Greater Manchester Police`` is ``Greater Manchester``)."""
    members = dataset.members(dimension)
    value = value.strip()
    if value in members:
        return value
    folded = [m for m in members if m.casefold() == value.casefold()]
    if len(folded) == 1:
        return folded[0]
    forces = force_names(repo_data_dir() / "forces.csv") if dimension == FORCE else None
    spelled = member(dimension, value, member_spellings(MEMBER_SPELLINGS), forces)
    if spelled in members:
        return spelled
    raise DataError(
        f"{dimension} has no member {quoted(value)}{suggestion(dataset, dimension, value)}"
    )


def suggestion(dataset: Dataset, dimension: str, value: str) -> str:
    """``: did you mean Greater Manchester?`` (the closest members only, as safe text), or where
    to find them."""
    closest = [safe_text(m) for m in closest_members(dataset.members(dimension), value)]
    if closest:
        named = ", ".join(closest[:-1]) + (" or " if len(closest) > 1 else "") + closest[-1]
        return f": did you mean {named}?"
    return f" (scwc summary --by {dimension} lists them)"


def build_selection(
    dataset: Dataset,
    by: str | None,
    where: Sequence[str],
    measure: str | None = None,
    sort: str | None = None,
    ascending: bool = False,
    start: Selection | None = None,
    jurisdiction: str | None = None,
    published_only: bool = False,
) -> Selection:
    """A selection from command-line options (on top of ``start``), validated against the dataset."""
    selection = start or initial_selection(dataset)
    if jurisdiction:
        selection = with_jurisdiction(dataset, selection, jurisdiction)
    if by:
        selection = selection.grouped_by(resolve_dimension(dataset, by))
    if measure:
        if canonical_column(measure) not in dataset.measures:
            raise DataError(f"no measure {quoted(measure)} (known: {', '.join(dataset.measures)})")
        selection = selection.with_measure(canonical_column(measure))
    for dimension, members in parse_where(dataset, where).items():
        selection = selection.with_filter(dimension, members)
    note = not_split_note(dataset, selection.group_by, selection.measure) if by else None
    if note:
        other = measure_splitting(dataset, selection.group_by, selection.measure)
        raise DataError(f"{note}; ask for them with --measure {other}")
    if sort:
        column = selection.group_by if sort == "name" else canonical_column(sort)
        sortable = (selection.measure, *SORTABLE, selection.group_by)
        if column in dataset.measures and column != selection.measure:
            raise DataError(
                f"cannot sort by '{sort}': the table counts {selection.measure} "
                f"(use --sort {selection.measure}, or --measure {column})"
            )
        if column not in sortable:
            raise DataError(f"cannot sort by '{sort}' (use name, {', '.join(sortable[:-1])})")
        selection = selection.with_sort(column, descending=not ascending)
    if published_only:
        selection = selection.with_published_only(True)
    validate(dataset, selection)
    return selection
