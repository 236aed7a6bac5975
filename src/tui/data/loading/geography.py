"""Region and nation from the force, owner from the platform: derived dimensions read through the
reference lists; what the lists do not know is shown as ``–``."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from tui.data.dataset import MEMBER
from tui.data.loading.names import force_names
from tui.data.loading.report import LoadReport, shorten
from tui.data.schema import FORCE, NOT_RECORDED

UNKNOWN_AREA = "–"
"""Region, nation or owner of a force or platform the reference lists do not know."""


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
    unknown = sorted(names - known)
    if unknown:
        forces = force_names(forces_path)
        described = []
        for name in unknown:
            closest = forces.closest(name) if forces else None
            described.append(repr(name) + (f" (closest: {closest})" if closest else ""))
        report.add(
            "names",
            f"force(s) not recognised (no region, nation or rate for them): {shorten(described, 8)}",
        )
    if not known:
        return cube, None
    geography = reference.filter(pl.col(FORCE).is_in(sorted(known)))
    for dimension in ("nation", "region"):
        if dimension in dimensions:
            continue
        lookup = dict(zip(geography[FORCE], geography[dimension], strict=True))
        cube = derive(cube, spellings, sources, FORCE, dimension, lookup)
    return cube, geography


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
