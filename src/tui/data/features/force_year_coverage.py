"""How much of the embedded dataset is counted rather than modelled: every force-year's status,
and per year how many are *published*, *derived*, *bounded below* by a part-period figure,
*modelled* or *missing* (``scwc sources`` and About end with the table).

A force-year's status is the engine's provenance of that one force-year (what the table marks),
except that a modelled one with a published figure over part of its year (a first-six-months count,
say) is counted apart: its value is still modelled, above that lower bound. Missing force-years
are those the data files say no figure exists for (``missing_force_years.csv``).
"""

from __future__ import annotations

from functools import lru_cache

import polars as pl

from tui.data.dataset import Dataset
from tui.data.engine.provenance import figures_folder, ledger
from tui.data.figures.files import read_missing
from tui.data.figures.published import figures
from tui.data.figures.targets import TARGET
from tui.data.schema import DERIVED, EW, FORCE, JURISDICTION, MEASURE, MODELLED, PUBLISHED, YEAR

LOWER_BOUND = "bounded"
MISSING = "missing"
STATUSES = (PUBLISHED, DERIVED, LOWER_BOUND, MODELLED, MISSING)
ALL_YEARS = "all years"


def _bounded_below(dataset: Dataset) -> set[tuple[str, str, str]]:
    """(jurisdiction, force, year) of each force-year a part-period target figure bounds below."""
    bounded = set()
    for figure in figures(figures_folder(dataset)):
        spec = figure.spec
        if figure.status != TARGET or spec is None or not figure.partial or spec.dimension:
            continue
        if spec.forces and len(spec.forces) == 1 and len(spec.jurisdictions) == 1:
            bounded.update((spec.jurisdictions[0], spec.forces[0], y) for y in spec.years)
    return bounded


@lru_cache(maxsize=4)
def force_year_statuses(dataset: Dataset) -> pl.DataFrame:
    """One row per force-year of the dataset's forces and years: jurisdiction, force, year,
    status (one of :data:`STATUSES`). Empty for a dataset not built from published figures."""
    book = ledger(dataset)
    columns = {JURISDICTION: pl.String, FORCE: pl.String, YEAR: pl.String, "status": pl.String}
    if book is None:
        return pl.DataFrame(schema=columns)
    cube = dataset.cube.select(
        *(pl.col(c).cast(pl.String) for c in (JURISDICTION, FORCE, YEAR)),
        pl.col(MEASURE).is_not_null().alias("counted"),
    )
    forces = cube.select(JURISDICTION, FORCE).unique()
    years = cube.select(YEAR).unique()
    counted = set(cube.filter("counted").select(JURISDICTION, FORCE, YEAR).unique().rows())
    missing = read_missing(figures_folder(dataset))
    bounded = _bounded_below(dataset)
    rows = []
    for jurisdiction, force, year in forces.join(years, how="cross").sort(pl.all()).rows():
        if (jurisdiction, force, year) not in counted:
            status = MISSING if (force, year) in missing else MODELLED
        else:
            status = book.of(((FORCE, (force,)), (YEAR, (year,))), MEASURE).status
            if status == MODELLED and (jurisdiction, force, year) in bounded:
                status = LOWER_BOUND
        rows.append((jurisdiction, force, year, status))
    return pl.DataFrame(rows, schema=columns, orient="row")


def force_year_coverage(dataset: Dataset, jurisdiction: str = EW) -> pl.DataFrame:
    """Per year of ``jurisdiction`` (and over all years): how many force-years have each status."""
    statuses = force_year_statuses(dataset).filter(pl.col(JURISDICTION) == jurisdiction)
    counts = [(pl.col("status") == s).sum().cast(pl.Int64).alias(s) for s in STATUSES]
    by_year = statuses.group_by(YEAR).agg(*counts, pl.len().cast(pl.Int64).alias("total"))
    by_year = by_year.sort(YEAR)
    total = by_year.select(pl.lit(ALL_YEARS).alias(YEAR), pl.exclude(YEAR).sum())
    return pl.concat([by_year, total])


def coverage_lines(dataset: Dataset, jurisdiction: str = EW) -> list[str]:
    """The table as text, one line a year, under a heading and over what "bounded" means
    (nothing for a dataset not built from published figures)."""
    table = force_year_coverage(dataset, jurisdiction)
    if table["total"][-1] == 0:
        return []
    widths = [max(len(name), *(len(str(v)) for v in table[name])) for name in table.columns]
    lines = [
        f"{jurisdiction} force-years by what their number is:",
        "  ".join(name.rjust(w) for name, w in zip(table.columns, widths, strict=True)),
    ]
    for row in table.rows():
        lines.append("  ".join(str(v).rjust(w) for v, w in zip(row, widths, strict=True)))
    lines += [
        f"{LOWER_BOUND}: modelled, above a published count over part of the year;",
        f"{MISSING}: no figure exists (never counted as 0).",
    ]
    return lines
