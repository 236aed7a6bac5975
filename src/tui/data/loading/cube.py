"""The cube: rows aggregated per distinct combination of dimension values in one lazy pass (counts
parsed on a fast path, cleaned only in the columns that need it), then merged per member."""

from __future__ import annotations

import polars as pl

from tui.data.dataset import MEMBER, RAW, ROWS
from tui.data.loading.geography import UNKNOWN_AREA
from tui.data.loading.layout import Layout
from tui.data.loading.numbers import Parsed, parse_count
from tui.data.schema import NOT_RECORDED, member_order

STREAMING = "streaming"


def parsers_for(layout: Layout, full: set[str]) -> dict[str, Parsed]:
    schema = layout.frame.collect_schema()
    return {
        m: parse_count(m, schema[m], layout.european, full=m in full) for m in layout.candidates
    }


UNCOUNTED = "_uncounted"
"""Raw-cube column: rows with no value in any measure."""


def aggregate(layout: Layout, parsers: dict[str, Parsed], full: set[str]) -> pl.DataFrame:
    """The raw cube: per distinct combination of raw dimension values, per candidate measure, the
    sum and number of values, the smallest value, and how many cells were bad, blank, suppressed
    or footnoted (on the fast path for plain integers, bad and blank come from counts alone)."""
    blanks = [p.blank if m in full else pl.col(m).is_null() for m, p in parsers.items()]
    # a row blank in every measure is missing; one blank only where another measure counts it
    # (offences and platform instances side by side) is not
    aggregations = [pl.len().alias(ROWS), pl.all_horizontal(blanks).sum().alias(UNCOUNTED)]
    derived = []
    for m, parsed in parsers.items():
        aggregations += [
            parsed.value.sum().alias(m),
            parsed.value.count().alias(f"{m}:n"),
            parsed.value.min().alias(f"{m}:min"),
            parsed.value.max().alias(f"{m}:max"),
        ]
        if m in full:
            aggregations += [
                parsed.bad.sum().alias(f"{m}:bad"),
                parsed.blank.sum().alias(f"{m}:blank"),
                parsed.suppressed.sum().alias(f"{m}:suppressed"),
                parsed.footnoted.sum().alias(f"{m}:footnoted"),
            ]
        else:  # a cell is blank (null) or a plain integer, or else bad
            aggregations.append(pl.col(m).count().alias(f"{m}:cells"))
            derived += [
                (pl.col(f"{m}:cells") - pl.col(f"{m}:n")).cast(pl.UInt32).alias(f"{m}:bad"),
                (pl.col(ROWS) - pl.col(f"{m}:cells")).cast(pl.UInt32).alias(f"{m}:blank"),
                pl.lit(0, pl.UInt32).alias(f"{m}:suppressed"),
                pl.lit(0, pl.UInt32).alias(f"{m}:footnoted"),
            ]
    cube = layout.frame.group_by(layout.dimensions).agg(aggregations).collect(engine=STREAMING)
    return cube.with_columns(derived) if derived else cube


def members_cube(
    raw_cube: pl.DataFrame,
    spellings: dict[str, pl.DataFrame],
    dimensions: list[str],
    measures: list[str],
) -> pl.DataFrame:
    """The cube by member (raw spellings merged); a measure with no value in a cell is missing."""
    cube = raw_cube.select(*dimensions, ROWS, *measures, *(pl.col(f"{m}:n") for m in measures))
    for dimension in dimensions:
        pairs = spellings[dimension]
        cube = (
            cube.join(
                pairs.rename({RAW: dimension, MEMBER: f"_{dimension}"}),
                on=dimension,
                how="left",
                nulls_equal=True,
            )
            .drop(dimension)
            .rename({f"_{dimension}": dimension})
        )
    return regroup(cube, dimensions, measures, counts=True)


def regroup(
    cube: pl.DataFrame, dimensions: list[str], measures: list[str], counts: bool = False
) -> pl.DataFrame:
    """Merge cube cells whose dimension values became equal (missing stays missing)."""
    if not counts:
        cube = cube.with_columns(
            pl.col(m).is_not_null().cast(pl.Int64).alias(f"{m}:n") for m in measures
        )
    merged = cube.group_by(dimensions).agg(
        *(pl.col(m).sum() for m in measures),
        *(pl.col(f"{m}:n").sum() for m in measures),
        pl.col(ROWS).sum(),
    )
    return merged.select(
        *dimensions,
        *(pl.when(pl.col(f"{m}:n") > 0).then(pl.col(m)).alias(m) for m in measures),
        ROWS,
    )


def as_enums(cube: pl.DataFrame, dimensions: list[str]) -> pl.DataFrame:
    """Dimensions as ``pl.Enum`` in display order (domain order, years ascending, else A-Z)."""
    casts = []
    for dimension in dimensions:
        present = cube[dimension].unique().to_list()
        fixed = member_order(dimension)
        if fixed and set(present) <= set(fixed):
            members = [m for m in fixed if m in present]
        else:
            members = sorted(m for m in present if m not in (NOT_RECORDED, UNKNOWN_AREA))
            members += [m for m in (UNKNOWN_AREA, NOT_RECORDED) if m in present]
        casts.append(pl.col(dimension).cast(pl.Enum(members)))
    measures = [c for c in cube.columns if c not in dimensions]
    return cube.with_columns(casts).select(*dimensions, *measures).sort(dimensions)
