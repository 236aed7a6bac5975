"""The published-figure files and the words they use: reading ``data/real_figures.csv``,
``data/published_figures.csv`` and ``data/more_figures.csv`` (one id per row), any further figure
file a data folder's ``figure_files.toml`` names (a user's own, added by ``scwc build``) and the
rules file ``data/figure_rules.toml``; what a measure name counts (platform and age sets, the measures
outside the dataset) and which forces a region's name covers. The statuses are given by
:mod:`tui.data.figures.targets`.
"""

from __future__ import annotations

import csv
import re
import tomllib
from pathlib import Path

META = ("Facebook", "Messenger", "Instagram", "WhatsApp")
PLATFORM_SETS: dict[str, tuple[str, ...]] = {
    "snapchat": ("Snapchat",),
    "instagram": ("Instagram",),
    "whatsapp": ("WhatsApp",),
    "facebook": ("Facebook",),
    "kik": ("Kik",),
    "facebook_messenger": ("Facebook", "Messenger"),
    "facebook_instagram": ("Facebook", "Instagram"),
    "facebook_snapchat_instagram": ("Facebook", "Snapchat", "Instagram"),
    "facebook_instagram_snapchat": ("Facebook", "Snapchat", "Instagram"),
    "meta_owned": META,
    "meta_owned_or_snapchat": (*META, "Snapchat"),
    "meta_or_snapchat": (*META, "Snapchat"),
    "twitter": ("Twitter",),
}
AGE_SETS: dict[str, tuple[str, ...]] = {
    "0_11": ("0-11",),
    "12_15": ("12-15",),
    "under_13": ("Under 13",),
    "13_15": ("13-15",),
    "under_12": ("0-11", "Under 13"),
}
"""Published age measures and the bands they add up (UK "under 12" takes Scotland's under 13)."""

OUT_OF_SCOPE_MEASURES = {
    "youngest_victim_age": "the age of one victim, not a count the dataset holds",
    "forces_responding": "how many forces answered, not an offence count",
    "convictions": "convictions, not police-recorded offences",
    "arrests": "arrests, not police-recorded offences",
    "charges": "charges, not police-recorded offences",
    "sexual_grooming_88a_offences": "Home Office code 88A also counts s.14/s.15 grooming offences",
    "meeting_child_following_grooming_offences": "another offence (s.15, meeting after grooming)",
    "grooming_and_sexual_communication_offences": "PSNI calendar-year total of two offences",
    "platforms_distinct": "a number of different apps, not a count of offences",
    "pct_change_since_2017_18": "a change the source computed over its own responding forces",
    "pct_change_vs_previous_year": "a change the source computed over its own responding forces",
    "pct_change_vs_same_period_previous_year": "a change over a partial period",
    "victims_known": "a rounded count of victims, not of offences",
    "share_of_offences_in_last_six_months": "a share of a partial period",
    "share_girls_age_12_15_of_all_victims": "an age-by-sex share the model does not fit",
    "perpetrators": "people arrested or suspected (suspects), not offences",
    "other": "a broader count than this offence (all online-flagged child sexual offences, "
    "Home Office 88A 'sexual grooming', or victims), never a count of sexual communication "
    "with a child",
}


def region_forces(scope: str, forces_by_region: dict[str, list[str]]) -> tuple[str, ...] | None:
    """The forces an NSPCC region scope covers (the force list in brackets wins)."""
    listed = re.match(r"[^(]*\((.*)\)", scope)
    if listed and not listed.group(1).startswith(("ITV", "North, South")):
        names = [n.strip() for n in listed.group(1).split(",")]
        aliases = {"Met": "Metropolitan Police"}
        return tuple(aliases.get(n, n) for n in names)
    if scope.startswith("Yorkshire (North, South, West"):
        return ("North Yorkshire", "South Yorkshire", "West Yorkshire")
    if scope == "England":
        return tuple(
            f for region, names in forces_by_region.items() if region != "Wales" for f in names
        )
    if scope in forces_by_region:
        return tuple(forces_by_region[scope])
    return None


def read_rows(data_dir: Path) -> list[tuple[str, dict[str, str]]]:
    """Rows of the figure files with an id each: R<n> (real_figures), P<n> (the first articles),
    M<n> (more_figures: police disclosure logs and local news), then each file
    ``figure_files.toml`` lists, with its own prefix."""
    with (data_dir / "real_figures.csv").open(newline="", encoding="utf-8") as handle:
        rows = [(f"R{i:03d}", row) for i, row in enumerate(csv.DictReader(handle))]
    titles = {s["file"]: s for s in read_rules(data_dir)["first_sources"]}
    with (data_dir / "published_figures.csv").open(newline="", encoding="utf-8") as handle:
        for i, row in enumerate(csv.DictReader(handle)):
            source = titles[row["source"]]
            scope_type = "force" if row["scope_type"] == "force_group" else row["scope_type"]
            rows.append(
                (
                    f"P{i:02d}",
                    {
                        **row,
                        "scope_type": scope_type,
                        "period_note": row.get("note") or "",
                        "source_title": source["title"],
                        "source_url": source.get("url", ""),
                        "published": source.get("published", ""),
                    },
                )
            )
    with (data_dir / "more_figures.csv").open(newline="", encoding="utf-8") as handle:
        rows += [(f"M{i:03d}", row) for i, row in enumerate(csv.DictReader(handle))]
    for name, prefix in listed_figure_files(data_dir):
        with (data_dir / name).open(newline="", encoding="utf-8") as handle:
            rows += [(f"{prefix}{i:03d}", row) for i, row in enumerate(csv.DictReader(handle))]
    return rows


FIGURE_FILES = "figure_files.toml"
"""A data folder's list of its further figure files (``[[file]]`` with ``name`` and the ``prefix``
of their ids), written by ``scwc build --figures``."""


def listed_figure_files(data_dir: Path) -> list[tuple[str, str]]:
    """(file name, id prefix) of each figure file ``figure_files.toml`` names (none without one)."""
    path = data_dir / FIGURE_FILES
    if not path.is_file():
        return []
    with path.open("rb") as handle:
        return [(entry["name"], entry["prefix"]) for entry in tomllib.load(handle).get("file", [])]


MISSING_FILE = "missing_force_years.csv"
"""Force-years no source gives a figure for, because the force did not provide one (each with its
basis and source): the builder leaves them out, absent and never zero."""


def read_missing(data_dir: Path) -> dict[tuple[str, str], str]:
    """(force, year) -> why it has no figure, from ``data/missing_force_years.csv`` (none if the
    folder has no such file)."""
    path = data_dir / MISSING_FILE
    if not path.is_file():
        return {}
    with path.open(newline="", encoding="utf-8") as handle:
        return {(row["force"], row["year"]): row["basis"] for row in csv.DictReader(handle)}


def read_rules(data_dir: Path) -> dict:
    """``data/figure_rules.toml``: the first articles' sources and the exceptions to the rules."""
    with (data_dir / "figure_rules.toml").open("rb") as handle:
        return tomllib.load(handle)
