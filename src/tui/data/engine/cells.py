"""The cube cells and underlying rows a selection keeps: what every part of the engine reads."""

from __future__ import annotations

import polars as pl

from tui.data.dataset import Dataset
from tui.data.selection import Selection

CACHE_SIZE = 256


def filter_expression(selection: Selection, skip: frozenset[str] = frozenset()) -> pl.Expr:
    """The polars predicate of the selection's filters, leaving out dimensions in ``skip``."""
    predicates = [pl.col(d).is_in(list(m)) for d, m in selection.filters if d not in skip]
    return pl.all_horizontal(predicates) if predicates else pl.lit(True)


def filtered(dataset: Dataset, selection: Selection) -> pl.LazyFrame:
    """The underlying rows the selection keeps, lazy and as the file spells them."""
    counted = counted_by(dataset, selection.measure)
    return dataset.rows.lazy().filter(dataset.row_predicate(selection.filters) & counted)


def counted_by(dataset: Dataset, measure: str) -> pl.Expr:
    """Rows or cells that belong to ``measure``: those of another measure (platform instances
    have no offences, offences no instances) are left out, so they never count as zeros; a row
    with no value at all (a suppressed or missing cell) stays, to be reported as *no data*."""
    others = [pl.col(m).is_null() for m in dataset.measures if m != measure]
    if not others:
        return pl.lit(True)
    return pl.col(measure).is_not_null() | pl.all_horizontal(others)


def cells(
    dataset: Dataset, selection: Selection, skip: frozenset[str] = frozenset()
) -> pl.LazyFrame:
    """The cube cells the selection keeps (filters on ``skip`` dimensions ignored), without the
    cells of another measure (:func:`counted_by`)."""
    counted = counted_by(dataset, selection.measure)
    return dataset.cube.lazy().filter(filter_expression(selection, skip) & counted)


def selection_keeps(selection: Selection, dimension: str, member: str) -> bool:
    """Whether the selection's filter on ``dimension`` (if any) keeps ``member``."""
    kept = selection.members(dimension)
    return kept is None or member in kept


def sum_or_missing(measure: str) -> pl.Expr:
    """The measure's sum, or missing when no cell holds a value (missing is not zero)."""
    return pl.when(pl.col(measure).count() > 0).then(pl.col(measure).sum()).alias(measure)
