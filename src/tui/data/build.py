"""Deterministic builder of the embedded dataset (``python -m tui.data.build``).

The published figures (``data/published_figures.csv``) pin down a handful of totals and shares.
Everything else is *modelled*: the builder spreads the remaining totals over forces, age bands and
platforms by population weight and documented, seeded assumptions (see ``ASSUMPTIONS``), using
largest-remainder apportionment so that every pinned total is hit exactly. Running it twice gives
byte-identical files. It then checks every published figure through the app's query engine and
refuses to write a dataset that misses one.
"""

from __future__ import annotations

import argparse
import csv
import math
import random
import sys
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import tomli_w

from tui.data.schema import AGE_BANDS, NOT_RECORDED, PLATFORM_OWNERS, PLATFORMS

SEED = 20170403
"""Seed of every random choice: the date the offence came into force."""

YEARS = ("2017/18", "2018/19")
NATIONAL_TOTALS = {"2017/18": 3217, "2018/19": 4373}
WEST_MIDLANDS_GROUP = ("West Midlands", "Staffordshire", "West Mercia", "Warwickshire")
WEST_MIDLANDS_GROUP_TOTALS = {"2017/18": 194, "2018/19": 260}
PINNED_FORCE_TOTALS = {("West Mercia", "2017/18"): 73, ("Dyfed-Powys", "2017/18"): 19}
PINNED_AGES = {("West Mercia", "2017/18"): {"0-11": 8, "12-15": 38}}
FACEBOOK_SNAPCHAT_INSTAGRAM = ("Facebook", "Snapchat", "Instagram")
PINNED_FSI = {("West Mercia", "2017/18"): 37, ("Dyfed-Powys", "2017/18"): 11}
META_OR_SNAP = ("Facebook", "Messenger", "Instagram", "WhatsApp", "Snapchat")
PINNED_TWO_YEAR_SHARES = {
    # force: (share Meta-or-Snapchat where recorded, share Instagram where recorded)
    "West Mercia": (0.68, 0.25),
    "Staffordshire": (0.67, 0.16),
    "West Midlands": (0.83, 0.33),
    "Warwickshire": (0.73, 0.33),
}
NATIONAL_SHARE_AGE_0_11 = 0.20

RECORDED_PLATFORM_PROFILE = {
    "2017/18": {
        "Facebook": 0.19,
        "Messenger": 0.07,
        "Instagram": 0.09,
        "WhatsApp": 0.05,
        "Snapchat": 0.24,
        "Kik": 0.08,
        "Twitter": 0.03,
        "YouTube": 0.02,
        "Other": 0.23,
    },
    "2018/19": {
        "Facebook": 0.15,
        "Messenger": 0.06,
        "Instagram": 0.19,
        "WhatsApp": 0.05,
        "Snapchat": 0.24,
        "Kik": 0.06,
        "Twitter": 0.03,
        "YouTube": 0.02,
        "Other": 0.20,
    },
}
"""Modelled national mix of platforms among offences whose platform was recorded."""

AGE_NOT_RECORDED_RATE = 0.28
PLATFORM_NOT_RECORDED_RATE = 0.35
FORCE_RATE_SPREAD = 0.25
FORCE_GROWTH_SPREAD = 0.15
FORCE_RECORDING_SPREAD = 0.08
FORCE_YOUNG_SPREAD = 0.04

ASSUMPTIONS = [
    "Each offence has one main platform, so platform instances equal offences.",
    "Offences per resident vary by force around the population weight by a seeded log-normal "
    f"factor (sigma {FORCE_RATE_SPREAD}); growth 2017/18 to 2018/19 varies likewise "
    f"(sigma {FORCE_GROWTH_SPREAD}); force totals are then apportioned (largest remainder) so "
    "that the national, West Midlands group and pinned force totals are exact.",
    f"Age band not recorded for about {AGE_NOT_RECORDED_RATE:.0%} of offences and platform not "
    f"recorded for about {PLATFORM_NOT_RECORDED_RATE:.0%}, varying by force (seeded, sigma "
    f"{FORCE_RECORDING_SPREAD}).",
    "Where age was recorded, the national count aged 0-11 is 20% over both years (published); it "
    f"is spread over forces with a seeded force factor (sigma {FORCE_YOUNG_SPREAD}).",
    "Among recorded platforms, a modelled national mix per year (RECORDED_PLATFORM_PROFILE in "
    "tui/data/build.py) in which Instagram roughly doubles its share; forces with published "
    "platform shares are fitted to them exactly.",
    "Within a force and year, age band and platform are independent: the age-by-platform table is "
    "filled to match both margins.",
]


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


@dataclass(frozen=True)
class Force:
    """A police force from the reference list."""

    name: str
    region: str
    nation: str
    population: int


def read_forces(path: Path) -> list[Force]:
    """The 43 forces of ``forces.csv`` in file order."""
    with path.open(newline="", encoding="utf-8") as handle:
        return [
            Force(row["force"], row["region"], row["nation"], int(row["population_2018_approx"]))
            for row in csv.DictReader(handle)
        ]


class Model:
    """The seeded force factors every later step uses."""

    def __init__(self, forces: list[Force]) -> None:
        rng = random.Random(SEED)
        self.forces = forces
        self.rate = {f.name: math.exp(rng.gauss(0, FORCE_RATE_SPREAD)) for f in forces}
        self.growth = {f.name: math.exp(rng.gauss(0, FORCE_GROWTH_SPREAD)) for f in forces}
        self.age_missing = {
            f.name: _clamp(AGE_NOT_RECORDED_RATE + rng.gauss(0, FORCE_RECORDING_SPREAD), 0.05, 0.6)
            for f in forces
        }
        self.platform_missing = {
            f.name: _clamp(
                PLATFORM_NOT_RECORDED_RATE + rng.gauss(0, FORCE_RECORDING_SPREAD), 0.05, 0.7
            )
            for f in forces
        }
        self.young = {
            f.name: _clamp(NATIONAL_SHARE_AGE_0_11 + rng.gauss(0, FORCE_YOUNG_SPREAD), 0.05, 0.5)
            for f in forces
        }

    def weight(self, force: Force, year: str) -> float:
        """Expected offences weight of a force in a year (population times seeded factors)."""
        growth = self.growth[force.name] if year == YEARS[1] else 1.0
        return force.population * self.rate[force.name] * growth


def _clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


Cell = tuple[str, str]  # (force, year)


def force_totals(model: Model) -> dict[Cell, int]:
    """Offences per force and year, exact on every published total."""
    totals: dict[Cell, int] = dict(PINNED_FORCE_TOTALS)
    for year in YEARS:
        group = [f for f in model.forces if f.name in WEST_MIDLANDS_GROUP]
        free_group = [f for f in group if (f.name, year) not in totals]
        group_left = WEST_MIDLANDS_GROUP_TOTALS[year] - sum(
            totals.get((f.name, year), 0) for f in group
        )
        rest = [f for f in model.forces if f.name not in WEST_MIDLANDS_GROUP]
        free_rest = [f for f in rest if (f.name, year) not in totals]
        rest_left = (
            NATIONAL_TOTALS[year]
            - WEST_MIDLANDS_GROUP_TOTALS[year]
            - sum(totals.get((f.name, year), 0) for f in rest)
        )
        for forces, left in ((free_group, group_left), (free_rest, rest_left)):
            parts = apportion(left, [model.weight(f, year) for f in forces])
            totals.update({(f.name, year): n for f, n in zip(forces, parts, strict=True)})
    return totals


def age_margins(model: Model, totals: dict[Cell, int]) -> dict[Cell, dict[str, int]]:
    """Offences per age band in each force and year; national 0-11 share where recorded exact."""
    missing = {
        cell: round(n * model.age_missing[cell[0]])
        for cell, n in totals.items()
        if cell not in PINNED_AGES
    }
    recorded = {cell: totals[cell] - m for cell, m in missing.items()}
    pinned_recorded = sum(sum(ages.values()) for ages in PINNED_AGES.values())
    pinned_young = sum(ages["0-11"] for ages in PINNED_AGES.values())
    all_recorded = sum(recorded.values()) + pinned_recorded
    young_left = round(NATIONAL_SHARE_AGE_0_11 * all_recorded) - pinned_young
    cells = sorted(recorded)
    young = apportion(young_left, [recorded[c] * model.young[c[0]] for c in cells])
    margins: dict[Cell, dict[str, int]] = {}
    for cell, n_young in zip(cells, young, strict=True):
        if n_young > recorded[cell]:
            raise ValueError(f"modelled 0-11 count exceeds recorded ages in {cell}")
        margins[cell] = {
            "0-11": n_young,
            "12-15": recorded[cell] - n_young,
            NOT_RECORDED: missing[cell],
        }
    for cell, ages in PINNED_AGES.items():
        margins[cell] = {**ages, NOT_RECORDED: totals[cell] - sum(ages.values())}
    return margins


RECORDED = tuple(p for p in PLATFORMS if p != NOT_RECORDED)


def _spread(total: int, platforms: Iterable[str], year: str) -> dict[str, int]:
    names = list(platforms)
    parts = apportion(total, [RECORDED_PLATFORM_PROFILE[year][p] for p in names])
    return dict(zip(names, parts, strict=True))


def _platforms_from_groups(groups: list[tuple[tuple[str, ...], int]], year: str) -> dict[str, int]:
    """Platform counts from disjoint platform groups with known totals, split by the profile."""
    counts = dict.fromkeys(PLATFORMS, 0)
    for members, total in groups:
        if total < 0:
            raise ValueError(f"negative platform group total {members}={total}")
        if members == (NOT_RECORDED,):
            counts[NOT_RECORDED] = total
        else:
            counts.update(_spread(total, members, year))
    return counts


def _within(count: int, base: int, share: float) -> bool:
    return base > 0 and abs(count / base - share) <= 0.0045


def _fitted_force_platforms(
    model: Model, force: str, totals: dict[Cell, int]
) -> dict[str, dict[str, int]] | None:
    """Per-year platform counts of a force whose two-year platform shares are published."""
    meta_snap_share, instagram_share = PINNED_TWO_YEAR_SHARES[force]
    year_totals = [totals[(force, y)] for y in YEARS]
    starts = [round(t * model.platform_missing[force]) for t in year_totals]
    pairs = sorted(
        ((a, b) for a in range(year_totals[0] + 1) for b in range(year_totals[1] + 1)),
        key=lambda p: (abs(p[0] - starts[0]) + abs(p[1] - starts[1]), p),
    )
    for missing in pairs:
        recorded = [t - m for t, m in zip(year_totals, missing, strict=True)]
        base = sum(recorded)
        instagram = round(instagram_share * base)
        meta_snap = round(meta_snap_share * base)
        if not (
            _within(instagram, base, instagram_share) and _within(meta_snap, base, meta_snap_share)
        ):
            continue
        others = tuple(p for p in META_OR_SNAP if p != "Instagram")
        insta_by_year = apportion(
            instagram,
            [
                r * RECORDED_PLATFORM_PROFILE[y]["Instagram"]
                for r, y in zip(recorded, YEARS, strict=True)
            ],
        )
        others_by_year = apportion(
            meta_snap - instagram,
            [
                r * sum(RECORDED_PLATFORM_PROFILE[y][p] for p in others)
                for r, y in zip(recorded, YEARS, strict=True)
            ],
        )
        result = {}
        for i, year in enumerate(YEARS):
            rest = recorded[i] - insta_by_year[i] - others_by_year[i]
            groups: list[tuple[tuple[str, ...], int]] = [
                ((NOT_RECORDED,), missing[i]),
                (("Instagram",), insta_by_year[i]),
                (tuple(p for p in RECORDED if p not in META_OR_SNAP), rest),
            ]
            pinned = PINNED_FSI.get((force, year))
            if pinned is None:
                groups.append((others, others_by_year[i]))
            else:
                facebook_snap = pinned - insta_by_year[i]
                groups.append((("Facebook", "Snapchat"), facebook_snap))
                groups.append((("Messenger", "WhatsApp"), others_by_year[i] - facebook_snap))
            if any(total < 0 for _, total in groups):
                break
            result[year] = _platforms_from_groups(groups, year)
        else:
            return result
    return None


def platform_margins(model: Model, totals: dict[Cell, int]) -> dict[Cell, dict[str, int]]:
    """Offences per platform in each force and year, fitted to every published platform figure."""
    margins: dict[Cell, dict[str, int]] = {}
    for force in PINNED_TWO_YEAR_SHARES:
        fitted = _fitted_force_platforms(model, force, totals)
        if fitted is None:
            raise ValueError(f"no platform split of {force} matches its published shares")
        margins.update({(force, year): counts for year, counts in fitted.items()})
    for (force, year), total in sorted(totals.items()):
        if (force, year) in margins:
            continue
        missing = round(total * model.platform_missing[force])
        pinned = PINNED_FSI.get((force, year))
        if pinned is None:
            groups = [((NOT_RECORDED,), missing), (RECORDED, total - missing)]
        else:
            missing = min(missing, total - pinned)
            rest = tuple(p for p in RECORDED if p not in FACEBOOK_SNAPCHAT_INSTAGRAM)
            groups = [
                ((NOT_RECORDED,), missing),
                (FACEBOOK_SNAPCHAT_INSTAGRAM, pinned),
                (rest, total - missing - pinned),
            ]
        margins[(force, year)] = _platforms_from_groups(groups, year)
    return margins


def build_frame(forces: list[Force]) -> pl.DataFrame:
    """The tidy table: one row per (year, force, age band, platform), zeros included."""
    model = Model(forces)
    totals = force_totals(model)
    ages = age_margins(model, totals)
    platforms = platform_margins(model, totals)
    rows = []
    for year in YEARS:
        for force in forces:
            cell = (force.name, year)
            table = fill_table(
                [ages[cell][a] for a in AGE_BANDS], [platforms[cell][p] for p in PLATFORMS]
            )
            for age, counts in zip(AGE_BANDS, table, strict=True):
                for platform, n in zip(PLATFORMS, counts, strict=True):
                    rows.append(
                        (
                            year,
                            force.nation,
                            force.region,
                            force.name,
                            age,
                            PLATFORM_OWNERS[platform],
                            platform,
                            n,
                        )
                    )
    return pl.DataFrame(
        rows,
        schema={
            "year": pl.String,
            "nation": pl.String,
            "region": pl.String,
            "force": pl.String,
            "age_band": pl.String,
            "platform_owner": pl.String,
            "platform": pl.String,
            "offences": pl.Int64,
        },
        orient="row",
    )


def metadata() -> dict:
    """The contents of ``data/offences.toml``."""
    return {
        "title": "Sexual communication with a child: offences recorded by police in England and Wales",
        "description": (
            "Police-recorded offences of sexual communication with a child (Sexual Offences Act "
            "2003 s.15A, in force since 3 April 2017) by financial year, police force, victim age "
            "band and the main platform used. Published national, group and force figures from "
            "NSPCC Freedom of Information requests are reproduced exactly; the breakdown below "
            "them is MODELLED and is not an official statistic."
        ),
        "licence": (
            "Published figures: facts as reported by the cited articles. Modelled breakdown: "
            "MIT, like the code."
        ),
        "modelled": True,
        "unit": "offences (each offence counted once, with one main platform)",
        "years": list(YEARS),
        "sources": [
            {
                "file": "000_de347d183ba52ab1.txt",
                "title": "Shropshire Star: More than 90 child sex crimes recorded under new law "
                "in Shropshire and Mid Wales",
                "figures": "West Mercia and Dyfed-Powys, first 12 months from 3 April 2017",
            },
            {
                "file": "004_69af01d571643979.txt",
                "title": "Grooming cases in West Midlands increase by 34% in two years",
                "figures": "England and Wales 2017/18 and 2018/19; West Midlands forces; shares",
            },
            {
                "file": "forces.csv",
                "title": "The 43 territorial police forces with region, nation and approximate "
                "2018 population (a modelling weight only)",
            },
        ],
        "columns": {
            "published": ["year", "nation", "region", "force"],
            "modelled": ["age_band", "platform_owner", "platform", "offences"],
            "notes": (
                "Dimension members are real. Offence counts are modelled cell by cell; their sums "
                "reproduce every figure in published_figures.csv (checked by the test suite and "
                "by this builder)."
            ),
        },
        "simplifications": ASSUMPTIONS,
        "builder": {"command": "python -m tui.data.build", "seed": SEED},
    }


def write(data_dir: Path) -> list[Path]:
    """Build, check against the published figures, then write the dataset and its metadata.

    The check reads the files from a scratch folder; only a dataset that reproduces every published
    figure is written into ``data_dir`` (each file atomically).
    """
    from tui.data.atomic import write_atomically
    from tui.data.load import load_dataset
    from tui.data.reconcile import reconcile

    frame = build_frame(read_forces(data_dir / "forces.csv"))
    meta = tomli_w.dumps(metadata())
    with tempfile.TemporaryDirectory() as scratch:
        checked_csv, checked_toml = Path(scratch) / "offences.csv", Path(scratch) / "offences.toml"
        frame.write_csv(checked_csv, line_terminator="\n")
        checked_toml.write_text(meta, encoding="utf-8")
        dataset = load_dataset(
            checked_csv, metadata_path=checked_toml, forces_path=data_dir / "forces.csv"
        )
        failures = [c for c in reconcile(dataset, data_dir / "published_figures.csv") if not c.ok]
    if failures:
        raise ValueError("; ".join(c.describe() for c in failures))
    csv_path, toml_path = data_dir / "offences.csv", data_dir / "offences.toml"
    write_atomically(csv_path, lambda staged: frame.write_csv(staged, line_terminator="\n"))
    write_atomically(toml_path, lambda staged: staged.write_text(meta, encoding="utf-8"))
    return [csv_path, toml_path]


def main(argv: list[str] | None = None, announce: Callable[[str], object] = print) -> int:
    """Command line: rebuild ``data/offences.csv`` and ``data/offences.toml``."""
    from tui.data.dataset import DataError
    from tui.data.load import repo_data_dir

    parser = argparse.ArgumentParser(prog="python -m tui.data.build", description=__doc__)
    parser.add_argument("--data-dir", type=Path, default=repo_data_dir())
    args = parser.parse_args(argv)
    try:
        for path in write(args.data_dir):
            announce(f"wrote {path}")
    except (OSError, ValueError, DataError) as error:
        print(f"build failed: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
