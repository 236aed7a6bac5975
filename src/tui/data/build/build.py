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

import polars as pl
import tomli_w

from tui.data.build.force_years import (
    Force,
    Grid,
    forces_by_region,
    published_counts,
    published_rises,
    read_forces,
)
from tui.data.build.model import age_split, force_totals, platform_split, sex_split
from tui.data.build.sanity import problems
from tui.data.figures.targets import (
    EW,
    NI,
    NI_FORCE,
    OFFENCES,
    SCOTLAND,
    SCOTLAND_FORCE,
    TARGET,
    YEARS,
    Figure,
    read_targets,
)
from tui.data.schema import NOT_SPLIT, PLATFORM_OWNERS

ASSUMPTIONS = [
    "Force-year totals: the published figure where there is one; otherwise the force's own share "
    "of the national total in its published years (or its population share if it has none), "
    "fitted so that every published national, regional, force and multi-year figure holds.",
    "England and Wales totals are derived: the published UK total minus Scotland and Northern "
    "Ireland. Where Scotland (2024/25) or Northern Ireland (2023/24, 2024/25) published no total, "
    "the last published year is carried forward, so those E&W totals are modelled too.",
    "Force-years whose force did not provide a figure (data/missing_force_years.csv, each with "
    "its basis and source) are absent, not zero.",
    "Age band, victim sex and platform are modelled below each force-year total, fitted to every "
    "published share and count; age band and sex are independent within a force and year.",
    "Scotland publishes under-13 and 13-15 (its offence has separate sections by age) and records "
    "every age; Northern Ireland's age bands are modelled like England and Wales's, and every "
    "Northern Ireland victim's sex is taken as recorded (its one published share is of all "
    "victims).",
    "Platforms are counted in instances: one offence can involve several apps, and offences with "
    "no app recorded have instances under 'Not recorded'. Instances are never added to offences. "
    "Where a release counts offences with a platform identified, they are taken as instances.",
    "Platform instances per offence stay within 0.3-3 in every force-year (the published national "
    "counts give 0.26-0.66 instances with a known app per offence).",
    "A count over part of the years it falls in (the first six months, 18 months) is used only as "
    "a lower bound on those years' total, never as a year's figure.",
]


RANGES = {
    "what": (
        "A modelled number is one choice among many that the published figures allow. Its range "
        "is the smallest and the largest value that every targeted published figure allows at "
        "once, with every other modelled number free to move (not taking the other modelled "
        "numbers as given). Where publication fixes a number, low = high = the number."
    ),
    "how": (
        "The same constraints as the fit (every target figure, counts not negative, age bands "
        "and sexes adding up to their force-year, 0.3 to 3 platform instances per offence in "
        "every force-year), as a linear program with continuous counts, minimised and maximised "
        "with HiGHS (scipy), then rounded outward to whole numbers. The carried-forward totals "
        "(Scotland 2024/25, Northern Ireland 2023/24 and 2024/25) are not used: no source "
        "publishes them. Offence ranges use every offence figure (totals, age bands, sex); "
        "instance ranges every platform figure and the offence totals' figures (the age and "
        "sex figures bound the totals no further). A blank high would mean that no published "
        "figure bounds the number from above (none is blank today)."
    ),
    "ranges_csv": (
        "data/ranges.csv: one row per force-year and per region, nation and jurisdiction total "
        "in each year, for offences and for instances (columns jurisdiction, scope_type (force, "
        "region, nation, jurisdiction), scope, year, measure (offences, instances), low, high, "
        "value). Exact: each low and high is its own minimum or maximum of the linear program. "
        "Missing force-years (data/missing_force_years.csv) have no row."
    ),
    "offences_csv": (
        "data/offences.csv: offences_low, offences_high, instances_low, instances_high per cell "
        "(blank where that measure is blank). A simple valid bound, not an exact range: 0 to the "
        "largest value the cell's force-year total can take (data/ranges.csv), which no cell "
        "can exceed. Solving two programs for each of the 6,754 cells would take minutes; no "
        "single age band, sex or platform cell is published, so none is fixed by publication."
    ),
    "sums": (
        "The range of a sum of modelled numbers is not the sum of their ranges (they share "
        "constraints: the forces of a region add up to its published total). data/ranges.csv "
        "gives the exact range of every region, nation and jurisdiction total; adding cell or "
        "force ranges gives a valid but wider bound."
    ),
}
"""The ``[ranges]`` table of ``data/offences.toml``: the range columns and file in plain words."""


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


def build_frame(forces: list[Force], figures: list[Figure]) -> pl.DataFrame:
    """The tidy table: offences by age band and sex, and platform instances, per force-year."""
    grid = Grid(forces, figures)
    totals = force_totals(grid)
    ages, sexes, platforms = (
        age_split(grid, totals),
        sex_split(grid, totals),
        platform_split(grid, totals),
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


def metadata(figures: list[Figure], accuracy: str | None = None) -> dict:
    """The contents of ``data/offences.toml``; ``accuracy``: the held-out comparison, if run."""
    used = sorted(
        {(f.source_title, f.published, f.source_url) for f in figures if f.status == TARGET}
    )
    return {
        "title": "Sexual communication with a child: offences recorded by police, 2017/18-2024/25",
        "description": (
            "Police-recorded offences of sexual communication with a child (England and Wales, "
            "s.15A Sexual Offences Act 2003; Northern Ireland, Art. 22A) and of communicating "
            "indecently with a child (Scotland), by financial year, police force, victim age band "
            "and sex, with the platforms used counted in instances. Every published figure from "
            "NSPCC Freedom of Information releases and the media that reported them is "
            "reproduced; the breakdown below them is MODELLED and is not an official statistic."
        ),
        "licence": (
            "Published figures: facts as reported by the cited sources. Modelled breakdown: "
            "MIT, like the code."
        ),
        "modelled": True,
        "provenance": "figures",
        "default_filters": {"jurisdiction": [EW]},
        "unit": "offences; platform instances (one offence can involve several apps)",
        "years": list(YEARS),
        "offences": {j: OFFENCES[j] for j in (EW, SCOTLAND, NI)},
        "method": [
            "1. Every published figure (data/real_figures.csv, data/more_figures.csv, "
            "data/published_figures.csv) gets "
            "a status: target (reproduced), superseded (a later publication of the same scope, "
            "year and measure), conflicting (cannot hold with the targets; the reason says why) "
            "or context (another measure, a partial period, an earlier year). Exceptions to the "
            "rules are listed with their reasons in data/figure_rules.toml.",
            "2. Integer counts per force and year, then per age band, sex and platform, are "
            "fitted to every target at once, as close as possible to documented seeds; the "
            "penalty grows with the square of the deviation, so what the published figures force "
            "away from the seeds is shared out rather than piled on one number. Each step solves "
            "the continuous problem first and searches whole numbers within 2 of it.",
            "3. The fitted breakdown must pass sanity checks (instances per year and per "
            "offence, platform rises, each force's modelled years against its median and its "
            "smallest published year, no force at 0); the builder writes nothing otherwise.",
            "4. Every modelled number gets a range: the smallest and largest value all targeted "
            "published figures allow (see [ranges]).",
            "5. Each number shown is published (a source gives it), derived (sums or differences "
            "of published figures) or modelled, marked ● ◐ ○ in the table and named per row in "
            "the status line; `scwc sources` and the Sources screen (o) list every figure.",
            "6. Only a dataset that reproduces every target is written.",
        ],
        "ranges": RANGES | ({"accuracy": accuracy} if accuracy else {}),
        "forces": {SCOTLAND: SCOTLAND_FORCE, NI: NI_FORCE},
        "simplifications": ASSUMPTIONS,
        "builder": {"command": "python -m tui.data.build", "solver": "scipy.optimize.milp (HiGHS)"},
        "sources": [
            {"title": title, "published": published, "url": url} for title, published, url in used
        ],
    }


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
    frame = build_frame(forces, figures)
    grid = Grid(forces, figures)
    broken = problems(frame, set(published_counts(grid)), published_rises(grid))
    if broken:
        raise ValueError(
            f"the modelled breakdown fails {len(broken)} sanity check(s): " + "; ".join(broken[:5])
        )
    held_out = data_dir / "holdout.csv"
    accuracy = holdout_summary(held_out) if held_out.is_file() else None
    meta = tomli_w.dumps(metadata(figures, accuracy))
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
    return [csv_path, ranges_path, toml_path]


def run_holdout(data_dir: Path) -> str:
    """Write ``data/holdout.csv`` and return its summary sentence."""
    from tui.data.atomic import write_atomically
    from tui.data.build.holdout import cases, summary, write_cases

    forces = read_forces(data_dir / "forces.csv")
    rows = cases(forces, read_targets(data_dir, forces_by_region(forces)))
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
    args = parser.parse_args(argv)
    try:
        if args.holdout:
            announce(run_holdout(args.data_dir))
        for path in write(args.data_dir):
            announce(f"wrote {path}")
    except (OSError, ValueError, DataError) as error:
        print(f"build failed: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
