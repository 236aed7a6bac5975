"""Region and nation from the force, owner from the platform: derived dimensions read through the
reference lists; what the lists do not know is shown as ``–``."""

from __future__ import annotations

import heapq
from pathlib import Path

import polars as pl

from tui.data.dataset import MEMBER
from tui.data.labels import quoted
from tui.data.loading.names import ForceNames, force_names
from tui.data.loading.report import LoadReport
from tui.data.schema import FORCE, NOT_RECORDED

UNKNOWN_AREA = "–"
"""Region, nation or owner of a force or platform the reference lists do not know."""
NAMED_UNKNOWN = 8
"""Unrecognised forces named in the report (each with its closest known name); the rest are
counted."""


def attach_geography(
    cube: pl.DataFrame,
    dimensions: list[str],
    spellings: dict[str, pl.DataFrame],
    sources: dict[str, str],
    forces_path: Path,
    report: LoadReport,
) -> tuple[pl.DataFrame, pl.DataFrame | None]:
    """Region and nation for forces in the reference list; unknown forces keep their rows with
    region/nation ``–`` and no population (so no rate), and are named in the report. (The list's
    approximate 2018 population is a modelling weight of the builder only: rates divide by each
    year's own estimate, :mod:`tui.data.engine.populations`.)"""
    reference = pl.read_csv(forces_path).select(FORCE, "region", "nation")
    names = set(cube[FORCE].unique().to_list()) - {NOT_RECORDED}
    known = names & set(reference[FORCE])
    unknown = names - known
    if unknown:
        report.add("names", unknown_forces_note(unknown, force_names(forces_path)))
    if not known:
        return cube, None
    geography = reference.filter(pl.col(FORCE).is_in(sorted(known)))
    for dimension in ("nation", "region"):
        if dimension in dimensions:
            continue
        lookup = dict(zip(geography[FORCE], geography[dimension], strict=True))
        cube = derive(cube, spellings, sources, FORCE, dimension, lookup)
    return cube, geography


def unknown_forces_note(unknown: set[str], forces: ForceNames | None) -> str:
    """The first :data:`NAMED_UNKNOWN` unrecognised forces (A-Z), each with its closest known
    name, and how many more: a close match is looked for only for the names shown, so 200,000
    unknown names cost about what 8 do."""
    shown = heapq.nsmallest(NAMED_UNKNOWN, unknown)
    described = []
    for name in shown:
        closest = forces.closest(name) if forces else None
        described.append(quoted(name) + (f" (closest: {closest})" if closest else ""))
    more = len(unknown) - len(shown)
    return (
        "force(s) not recognised (no region, nation or rate for them): "
        + ", ".join(described)
        + (f" and {more:,} more" if more > 0 else "")
    )


def derive(
    cube: pl.DataFrame,
    spellings: dict[str, pl.DataFrame],
    sources: dict[str, str],
    parent: str,
    child: str,
    lookup: dict[str, str],
) -> pl.DataFrame:
    """Add ``child`` (region from force, owner from platform) read through ``lookup``."""
    mapping = {**lookup, NOT_RECORDED: NOT_RECORDED}
    expression = pl.col(MEMBER).replace_strict(
        mapping, default=UNKNOWN_AREA, return_dtype=pl.String
    )
    spellings[child] = spellings[parent].with_columns(expression)
    sources[child] = sources.get(parent, parent)
    return cube.with_columns(
        pl.col(parent)
        .replace_strict(mapping, default=UNKNOWN_AREA, return_dtype=pl.String)
        .alias(child)
    )
