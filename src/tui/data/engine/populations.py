"""The populations rates divide by: each force's mid-year estimate for the financial year it serves
(``data/populations.csv``: all ages and ages 0-17, mid-2019 for 2019/20), with the vintage of each
(``data/populations.toml``). A value the table does not hold is missing, never borrowed from
another year."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

import polars as pl

from tui.data.loading.paths import repo_data_dir
from tui.data.schema import EW, FORCE, JURISDICTION, NI, SCOTLAND, YEAR

POPULATIONS_FILE = "populations.csv"
ALL_AGES = "population_all_ages"
CHILDREN = "population_0_17"
PUBLISHERS = {EW: "ONS", SCOTLAND: "NRS", NI: "NISRA"}
"""Who estimates each jurisdiction's population (ONS's UK release carries NRS's and NISRA's)."""
RESIDENTS_LABEL = "per 100,000 residents"
CHILDREN_LABEL = "per 10,000 children aged 0-17"


@lru_cache(maxsize=2)
def population_table(folder: Path | None = None) -> pl.DataFrame:
    """One row per force and financial year: jurisdiction, force, year, all ages, ages 0-17
    (missing where no estimate is held)."""
    path = (folder or repo_data_dir()) / POPULATIONS_FILE
    table = pl.read_csv(
        path,
        schema_overrides={
            YEAR: pl.String,
            ALL_AGES: pl.Int64,
            CHILDREN: pl.Int64,
            "mid_year": pl.Int64,
        },
    )
    return table.select(JURISDICTION, FORCE, YEAR, "mid_year", ALL_AGES, CHILDREN)


@lru_cache(maxsize=2)
def population_notes(folder: Path | None = None) -> dict:
    """``data/populations.toml``: per year the release and vintage used, and what is missing."""
    path = (folder or repo_data_dir()) / "populations.toml"
    if not path.is_file():
        return {}
    with path.open("rb") as handle:
        return tomllib.load(handle)


def publishers(jurisdictions: list[str]) -> str:
    """``ONS``, ``ONS/NRS/NISRA``: who estimated the populations of ``jurisdictions``."""
    named = [PUBLISHERS[j] for j in (EW, SCOTLAND, NI) if j in jurisdictions]
    return "/".join(named or [PUBLISHERS[EW]])


def vintage_lines() -> list[str]:
    """The populations used, one line per jurisdiction: its years and the vintages, and what is
    missing (for About and the README)."""
    notes = population_notes()
    by_jurisdiction: dict[str, list[dict]] = {}
    for release in notes.get("release", []):
        by_jurisdiction.setdefault(release["jurisdiction"], []).append(release)
    lines = []
    for jurisdiction, releases in by_jurisdiction.items():
        years = f"{releases[0]['year']} to {releases[-1]['year']}"
        bases = list(dict.fromkeys(_basis(r["vintage"]) for r in releases))
        lines.append(
            f"{jurisdiction}: {PUBLISHERS.get(jurisdiction, '')} mid-year estimates, "
            f"{years} (each year's own mid-year, as first published; {', then '.join(bases)})"
        )
    missing = [f"{m['jurisdiction']} {m['year']}" for m in notes.get("missing", [])]
    if missing:
        lines.append(
            f"No estimate held for {', '.join(missing)}: no rate for those years (never another "
            "year's population)"
        )
    return lines


def _basis(vintage: str) -> str:
    """``2011 Census based`` from a vintage's description."""
    for part in vintage.split(","):
        if "based" in part:
            return part.strip()
    return vintage
