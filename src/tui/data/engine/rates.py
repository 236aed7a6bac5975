"""Rates per 100,000 residents: the population a selection's counts are divided by."""

from __future__ import annotations

import polars as pl

from tui.data.dataset import Dataset
from tui.data.engine.cells import cells
from tui.data.schema import FORCE, JURISDICTION, NOT_RECORDED, YEAR
from tui.data.selection import Selection

GEOGRAPHY = ("nation", "region", "force")
PLACES = (JURISDICTION, *GEOGRAPHY)
"""Dimensions each force belongs to one member of: a rate per member divides by its own forces."""
RESIDENTS_OF = "residents_of"


def population(dataset: Dataset, selection: Selection) -> tuple[pl.DataFrame | None, int | None]:
    """Population per group (grouped by a place: jurisdiction, nation, region, force: each group
    divided by its own forces' residents) or of the whole selection, from the forces list."""
    geography = dataset.geography
    if geography is None or FORCE not in dataset.dimensions:
        return None, None
    key = selection.group_by
    pairs = (
        cells(dataset, selection)
        .select(pl.col(key), pl.col(FORCE).cast(pl.String).alias(RESIDENTS_OF))
        .unique()
        .collect()
    )
    # the forces the selection counts (whatever filtered them: geography, jurisdiction...)
    known = pairs.join(
        geography.select(pl.col(FORCE).alias(RESIDENTS_OF), "population"),
        on=RESIDENTS_OF,
        how="left",
    ).filter(pl.col(RESIDENTS_OF) != NOT_RECORDED)
    groups = None
    if key in PLACES:
        groups = known.group_by(key).agg(
            pl.when(pl.col("population").is_null().any())
            .then(None)
            .otherwise(pl.col("population").sum())
            .alias("population")
        )
    forces = known.unique(RESIDENTS_OF)
    if forces["population"].is_null().any():  # forces without a population: no overall rate
        return groups, None
    return groups, int(forces["population"].sum())


def year_count(dataset: Dataset, selection: Selection) -> int:
    if YEAR not in dataset.dimensions:
        return 1
    return len(selection.members(YEAR) or dataset.members(YEAR))
