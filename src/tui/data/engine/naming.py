"""How a sentence names forces, regions and lists: ``the Metropolitan Police Service``, ``the
South East``, ``Kent, Essex and Surrey``."""

from __future__ import annotations

import csv
from functools import lru_cache

from tui.data.loading.paths import repo_data_dir

REGIONS_WITH_THE = frozenset(
    {
        "North East",
        "North West",
        "Yorkshire and the Humber",
        "East Midlands",
        "West Midlands",
        "East of England",
        "South East",
        "South West",
    }
)


@lru_cache(maxsize=1)
def own_force_names() -> dict[str, str]:
    """Each force's name as it calls itself (``data/force_names.csv``), with *the* where it
    takes one: ``Durham Constabulary``, ``the Metropolitan Police Service``."""
    with (repo_data_dir() / "force_names.csv").open(encoding="utf-8", newline="") as handle:
        return {
            row["force"]: f"{row['article']} {row['own_name']}".strip()
            for row in csv.DictReader(handle)
        }


def force_name(force: str) -> str:
    """How a force is named in a sentence: its own name (``Hampshire and Isle of Wight
    Constabulary``, ``the Metropolitan Police Service``); a force the table does not know is
    ``<name> Police``."""
    if force in own_force_names():
        return own_force_names()[force]
    if "Police" in force:
        return force if force.startswith("Police ") and "Service" not in force else f"the {force}"
    return f"{force} Police"


def joined(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def region_name(region: str) -> str:
    return f"the {region}" if region in REGIONS_WITH_THE else region
