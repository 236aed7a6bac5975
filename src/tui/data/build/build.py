"""Deterministic builder of the embedded dataset (``python -m tui.data.build``).

Visible steps, each testable alone:

1. **targets** (:mod:`tui.data.figures.targets`): every published figure in
   ``data/real_figures.csv``, ``data/more_figures.csv`` and ``data/published_figures.csv`` with a
   status: target, superseded, conflicting or context;
2. **fit** (:mod:`tui.data.build.model`, on the force-years of :mod:`tui.data.build.force_years`):
   integer counts per force and year, then per age band, sex and platform, each step as close as
   it can be to a documented seed while every target figure holds;
3. **sanity** (:mod:`tui.data.build.sanity`): the fitted table must keep invariants a sane model
   keeps (instances per year and per offence, platform rises, no force-year far from its others);
4. **ranges** (:mod:`tui.data.build.range_fit`): the smallest and largest value every modelled
   number could take under the published figures, in ``data/ranges.csv`` and beside each cell;
5. **provenance**: the published and derived figures the dataset reproduces are recorded in the
   metadata; everything else is modelled and says so (:mod:`tui.data.engine.provenance`);
6. **write**: the tidy table, its ranges and its metadata, only after the reconciliation finds
   0 mismatches and the sanity checks pass.

Running it twice gives byte-identical files. ``--holdout`` first measures how far a modelled
force-year is from a published one it did not see (:mod:`tui.data.build.holdout`).
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import polars as pl
import tomli_w

from tui.data.build.accuracy import interval_table
from tui.data.build.draws import DRAWS, cell_draws
from tui.data.build.estimate import child_population
from tui.data.build.force_years import (
    Force,
    Grid,
    forces_by_region,
    published_counts,
    published_rises,
    read_forces,
)
from tui.data.build.metadata import metadata
from tui.data.build.model import (
    PLATFORM_SEEDS,
    PlatformSeeds,
    age_split,
    carried_totals,
    fit_estimate,
    force_totals,
    jurisdiction_totals,
    platform_split,
    sex_split,
)
from tui.data.build.sanity import problems
from tui.data.engine.intervals import DRAWS_COLUMN, DRAWS_FILE, MEASURE_COLUMN
from tui.data.figures.targets import (
    OFFENCES,
    Figure,
    dataset_years,
    read_targets,
)
from tui.data.schema import NOT_SPLIT, PLATFORM_OWNERS


def apportion(total: int, weights: Sequence[float]) -> list[int]:
    """Split ``total`` into integers proportional to ``weights`` (largest remainder, stable ties)."""
    if total < 0:
        raise ValueError(f"cannot apportion a negative total {total}")
    weight_sum = float(sum(weights))
    if total == 0 or weight_sum <= 0:
        if total and weight_sum <= 0:
            raise ValueError("cannot apportion a positive total over zero weights")
        return [0] * len(weights)
    quotas = [total * w / weight_sum for w in weights]
    parts = [math.floor(q) for q in quotas]
    short = total - sum(parts)
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(quotas[i] - parts[i]), i))
    for i in by_remainder[:short]:
        parts[i] += 1
    return parts


def fill_table(row_totals: Sequence[int], column_totals: Sequence[int]) -> list[list[int]]:
    """An integer table with the given margins, each row spread over the remaining column room."""
    if sum(row_totals) != sum(column_totals):
        raise ValueError("row and column totals differ")
    room = list(column_totals)
    table = []
    for row_total in row_totals:
        row = apportion(row_total, room)
        room = [r - c for r, c in zip(room, row, strict=True)]
        table.append(row)
    return table


def build_frame(
    forces: list[Force],
    figures: list[Figure],
    seeds: PlatformSeeds,
    exposure: dict | None = None,
    fitted: dict | None = None,
) -> pl.DataFrame:
    """The tidy table: offences by age band and sex, and platform instances, per force-year
    (platforms near ``seeds``). ``fitted``, if given, receives the grid, the statistical model
    and the point fit."""
    grid = Grid(forces, figures, exposure)
    estimate = fit_estimate(grid)
    totals = force_totals(grid, estimate)
    ages, sexes, platforms = (
        age_split(grid, totals),
        sex_split(grid, totals),
        platform_split(grid, totals, seeds),
    )
    if fitted is not None:
        fitted.update(
            grid=grid,
            estimate=estimate,
            totals=totals,
            age_band=ages,
            sex=sexes,
            platform=platforms,
        )
    rows = []
    for cell in grid.cells:
        force = grid.by_name[cell[0]]
        head = (
            force.jurisdiction,
            OFFENCES[force.jurisdiction],
            cell[1],
            force.nation,
            force.region,
            force.name,
        )
        age_counts, sex_counts = ages[cell], sexes[cell]
        table = fill_table(list(age_counts.values()), list(sex_counts.values()))
        for age, counts in zip(age_counts, table, strict=True):
            for sex, n in zip(sex_counts, counts, strict=True):
                rows.append((*head, age, sex, NOT_SPLIT, NOT_SPLIT, n, None))
        for platform, n in platforms[cell].items():
            rows.append((*head, NOT_SPLIT, NOT_SPLIT, PLATFORM_OWNERS[platform], platform, None, n))
    return pl.DataFrame(
        rows,
        schema={
            "jurisdiction": pl.String,
            "offence": pl.String,
            "year": pl.String,
            "nation": pl.String,
            "region": pl.String,
            "force": pl.String,
            "age_band": pl.String,
            "sex": pl.String,
            "platform_owner": pl.String,
            "platform": pl.String,
            "offences": pl.Int64,
            "instances": pl.Int64,
        },
        orient="row",
    )


def write(data_dir: Path) -> list[Path]:
    """Build, reconcile every target, then write the dataset and its metadata (atomically).

    The check reads the files from a scratch folder; only a dataset with 0 mismatches is written.
    """
    from tui.data.atomic import write_atomically
    from tui.data.build.holdout import summary as holdout_summary
    from tui.data.build.range_fit import RANGE_SCHEMA, cell_ranges, scope_ranges
    from tui.data.engine.registry import without_marks
    from tui.data.engine.reproduce import reconcile
    from tui.data.loading import load_dataset

    forces = read_forces(data_dir / "forces.csv")
    figures = read_targets(data_dir, forces_by_region(forces))
    fitted: dict = {}
    seeds = PlatformSeeds(data_dir / PLATFORM_SEEDS)
    exposure = child_population(data_dir, forces, dataset_years(figures))
    frame = build_frame(forces, figures, seeds, exposure, fitted)
    grid = fitted["grid"]
    broken = problems(frame, set(published_counts(grid)), published_rises(grid))
    if broken:
        raise ValueError(
            f"the modelled breakdown fails {len(broken)} sanity check(s): " + "; ".join(broken[:5])
        )
    held_out = data_dir / "holdout.csv"
    accuracy = holdout_summary(held_out) if held_out.is_file() else None
    meta = tomli_w.dumps(
        metadata(
            figures, grid.years, carried_totals(grid), accuracy, interval_table(held_out, DRAWS)
        )
    )
    with tempfile.TemporaryDirectory() as scratch:
        checked_csv, checked_toml = Path(scratch) / "offences.csv", Path(scratch) / "offences.toml"
        frame.write_csv(checked_csv, line_terminator="\n")
        checked_toml.write_text(meta, encoding="utf-8")
        dataset = load_dataset(
            checked_csv, metadata_path=checked_toml, forces_path=data_dir / "forces.csv"
        )
        # the values only: the marks (published, derived, modelled) change none of them
        dataset = without_marks(dataset) or dataset
        failures = [c for c in reconcile(dataset, data_dir) if c.mismatch]
    if failures:
        raise ValueError("; ".join(c.describe() for c in failures))
    draws = draw_table(frame, fitted)
    fixed = {frozenset({cell}) for cell in published_counts(grid)}
    scopes = scope_ranges(grid, frame, fixed)
    table = cell_ranges(frame, scopes)
    ranges = pl.DataFrame(scopes, schema=RANGE_SCHEMA, orient="row")
    csv_path, toml_path = data_dir / "offences.csv", data_dir / "offences.toml"
    ranges_path = data_dir / "ranges.csv"
    write_atomically(
        csv_path, lambda staged: table.write_csv(staged, line_terminator="\n"), overwrite=True
    )
    write_atomically(
        ranges_path, lambda staged: ranges.write_csv(staged, line_terminator="\n"), overwrite=True
    )
    write_atomically(
        toml_path, lambda staged: staged.write_text(meta, encoding="utf-8"), overwrite=True
    )
    draws_path = data_dir / DRAWS_FILE
    write_atomically(draws_path, lambda staged: write_draws(draws, staged), overwrite=True)
    return [csv_path, ranges_path, toml_path, draws_path]


def draw_table(frame: pl.DataFrame, fitted: dict) -> pl.DataFrame:
    """Per cell of ``frame`` (its dimension columns) and its measure, the reconciled draws
    (:mod:`tui.data.build.draws`), checked: every published force-year count is the same in
    every draw."""
    grid = fitted["grid"]
    values = cell_draws(
        grid, fitted["estimate"], jurisdiction_totals(grid), carried_totals(grid), fitted
    )
    offences = frame["offences"].is_not_null().to_numpy()
    places = list(zip(frame["force"].to_list(), frame["year"].to_list(), strict=True))
    for cell, count in published_counts(grid).items():
        rows = [i for i, place in enumerate(places) if place == cell and offences[i]]
        drawn = values[rows].sum(axis=0)
        if np.any(drawn != count):
            raise ValueError(f"a draw of {cell[0]} {cell[1]} is not its published {count:g}")
    dimensions = [c for c in frame.columns if frame.schema[c] == pl.String]
    measure = pl.when(pl.col("offences").is_not_null()).then(pl.lit("offences"))
    keys = frame.select(*dimensions, measure.otherwise(pl.lit("instances")).alias(MEASURE_COLUMN))
    dtype = pl.Int16 if values.max() < 2**15 else pl.Int32
    return keys.with_columns(
        pl.Series(
            DRAWS_COLUMN, values.astype(np.int32), dtype=pl.Array(pl.Int32, values.shape[1])
        ).cast(pl.Array(dtype, values.shape[1]))
    )


def write_draws(table: pl.DataFrame, path: Path) -> None:
    """``data/draws.parquet``: dimension columns as dictionaries, the draws as small integers."""
    table.write_parquet(path, compression="zstd", compression_level=19, statistics=False)


def run_holdout(data_dir: Path, jobs: int = 1) -> str:
    """Write ``data/holdout.csv`` (its cases over ``jobs`` processes) and return its summary."""
    from tui.data.atomic import write_atomically
    from tui.data.build.holdout import all_cases, summary, write_cases

    forces = read_forces(data_dir / "forces.csv")
    figures = read_targets(data_dir, forces_by_region(forces))
    exposure = child_population(data_dir, forces, dataset_years(figures))
    rows = all_cases(forces, figures, exposure, jobs)
    path = data_dir / "holdout.csv"
    write_atomically(path, lambda staged: write_cases(staged, rows), overwrite=True)
    return summary(path)


def main(argv: list[str] | None = None, announce: Callable[[str], object] = print) -> int:
    """Command line: rebuild ``data/offences.csv`` and ``data/offences.toml``."""
    from tui.data.dataset import DataError
    from tui.data.loading import repo_data_dir

    parser = argparse.ArgumentParser(prog="python -m tui.data.build", description=__doc__)
    parser.add_argument("--data-dir", type=Path, default=repo_data_dir())
    parser.add_argument(
        "--holdout",
        action="store_true",
        help="first leave each published force-year out in turn, refit, and write "
        "data/holdout.csv (the accuracy offences.toml reports)",
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=1,
        help="processes for --holdout (its cases are independent: the same file for any number)",
    )
    args = parser.parse_args(argv)
    try:
        if args.holdout:
            announce(run_holdout(args.data_dir, args.jobs))
        for path in write(args.data_dir):
            announce(f"wrote {path}")
    except (OSError, ValueError, DataError) as error:
        print(f"build failed: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
