"""Column vocabulary: canonical dimension names, aliases, member orders and hierarchies."""

from __future__ import annotations

import re
from collections.abc import Sequence

NOT_RECORDED = "Not recorded"
"""Member meaning "the police did not record this value"; excluded from *where recorded* shares."""

UNKNOWN_SPELLINGS = frozenset(
    {"not recorded", "unknown", "not known", "not stated", "not provided", "n/a", "na", "missing"}
)
"""Cell values (case-insensitive) read as *Not recorded*, so where-recorded shares exclude them."""

NOT_SPLIT = "Not split"
"""Member of the dimensions a measure is not broken down by: offences have no platform (they are
counted in instances) and platform instances have no age band or sex."""

JURISDICTION = "jurisdiction"
OFFENCE = "offence"
EW, SCOTLAND, NI = "England and Wales", "Scotland", "Northern Ireland"
JURISDICTION_KEYS = {"ew": (EW,), "scotland": (SCOTLAND,), "ni": (NI,), "uk": (EW, SCOTLAND, NI)}
"""``--jurisdiction`` values: each jurisdiction counts its own offence; ``uk`` shows all three."""

PROVENANCE = "provenance"
"""Export column: published, derived or modelled."""

MEASURE = "offences"
INSTANCES = "instances"
YEAR = "year"
FORCE = "force"
PUBLISHED, DERIVED, MODELLED = "published", "derived", "modelled"
"""Where a number comes from: the marks ● ◐ ○ (:mod:`tui.data.engine.provenance`)."""
PARTIAL = "partial"
"""A sum with force-years missing (◔): never shown as published (:mod:`tui.data.engine.coverage`)."""
MARKS = {PUBLISHED: "●", DERIVED: "◐", MODELLED: "○", PARTIAL: "◔"}
"""The mark beside a number of each status."""
PLACE = frozenset({JURISDICTION, "offence", "nation", "region", FORCE, YEAR})
"""Dimensions that choose which force-years are counted; any other filter is a breakdown."""

AGE_BANDS = ("0-11", "Under 13", "12-15", "13-15", NOT_RECORDED, NOT_SPLIT)
SEXES = ("Girls", "Boys", NOT_RECORDED, NOT_SPLIT)
PLATFORMS = (
    "Facebook",
    "Messenger",
    "Instagram",
    "WhatsApp",
    "Snapchat",
    "Kik",
    "Twitter",
    "YouTube",
    "Other",
    NOT_RECORDED,
    NOT_SPLIT,
)
PLATFORM_OWNERS = {
    "Facebook": "Meta",
    "Messenger": "Meta",
    "Instagram": "Meta",
    "WhatsApp": "Meta",
    "Snapchat": "Snap",
    "Kik": "Kik Interactive",
    "Twitter": "Twitter",
    "YouTube": "Google",
    "Other": "Other",
    NOT_RECORDED: NOT_RECORDED,
    NOT_SPLIT: NOT_SPLIT,
}

NSPCC_DIMENSIONS = (
    "jurisdiction",
    "offence",
    "year",
    "nation",
    "region",
    "force",
    "age_band",
    "sex",
    "platform_owner",
    "platform",
)
"""The embedded dataset's dimensions, in the order the tidy file stores them."""

HIERARCHIES: tuple[tuple[str, ...], ...] = (
    ("jurisdiction", "nation", "region", "force"),
    ("year",),
    ("age_band",),
    ("sex",),
    ("platform_owner", "platform"),
)
"""Drill-down order: within a hierarchy first, then on to the next hierarchy."""

LABELS = {
    "jurisdiction": "Jurisdiction",
    "offence": "Offence",
    "sex": "Victim sex",
    "instances": "Platform instances",
    "year": "Year",
    "nation": "Nation",
    "region": "Region",
    "force": "Force",
    "age_band": "Age band",
    "platform_owner": "Platform owner",
    "platform": "Platform",
    "offences": "Offences",
    "financial_quarter": "Quarter",
    "offence_description": "Offence",
    "offence_group": "Offence group",
    "offence_subgroup": "Offence subgroup",
    "offence_code": "Offence code",
}

ALIASES = {
    # NSPCC / embedded layout
    "year": "year",
    "financialyear": "year",
    "fy": "year",
    "nation": "nation",
    "country": "nation",
    "region": "region",
    "force": "force",
    "forcename": "force",
    "policeforce": "force",
    "policeforcearea": "force",
    "agedband": "age_band",
    "ageband": "age_band",
    "age": "age_band",
    "victimage": "age_band",
    "victimageband": "age_band",
    "agegroup": "age_band",
    "platform": "platform",
    "method": "platform",
    "communicationmethod": "platform",
    "app": "platform",
    "site": "platform",
    "platformowner": "platform_owner",
    "owner": "platform_owner",
    "offences": "offences",
    "count": "offences",
    "numberofoffences": "offences",
    "recordedoffences": "offences",
    "crimes": "offences",
    # Home Office police recorded crime open-data layout
    "financialquarter": "financial_quarter",
    "offencedescription": "offence_description",
    "offencegroup": "offence_group",
    "offencesubgroup": "offence_subgroup",
    "offencecode": "offence_code",
}

HOME_OFFICE_OFFENCE_CODE = "88A"
"""Home Office offence code that counts sexual communication with a child: 88A "Sexual grooming"
(s.15A together with s.14 arranging and s.15 meeting a child following grooming). Code 71 is a
different offence ("Abuse of children through sexual exploitation")."""
OFFENCE_CODE = "offence_code"
"""The dimension of a Home Office open-data file that holds several offences."""
HOME_OFFICE_CAVEAT = (
    "Offence code 88A (sexual grooming) is broader than s.15A sexual communication with a child: "
    "it also counts s.14 arranging and s.15 meeting a child following sexual grooming."
)
SHORT_CAVEAT = "88A is broader than s.15A (also s.14, s.15)"
"""The caveat as the app's note line shows it (the full text is in About and every sidecar)."""


def squash(name: str) -> str:
    """Loose form of a column name: lower case, no spaces, underscores, dashes or punctuation."""
    return re.sub(r"[^0-9a-z]", "", name.strip().lstrip("\ufeff").lower())


SUMMARY_COLUMNS = frozenset(
    {
        "range_low",
        "range_high",
        "range_kind",
        "interval_low",
        "interval_high",
        "interval80_low",
        "interval80_high",
        "low",
        "high",
        "share",
        "share_recorded",
        "change",
        "change_significant",
        "change95_low",
        "change95_high",
        "rate_per_100k",
        "rate_low",
        "rate_high",
        "rate_per_10k_children",
        "rate_children_low",
        "rate_children_high",
        "missing",
        "coverage",
        "flag",
    }
)
"""The names a summary gives the columns it adds (``tui.data.engine.table``): a user's column of
one of these names is read as ``<name>_in_file`` (two columns of one name cannot be told apart)."""


def canonical_column(name: str) -> str:
    """The canonical name for a user's column: a known alias, or a snake_case version of it."""
    known = ALIASES.get(squash(name))
    if known:
        return known
    snake = re.sub(r"[^0-9a-zA-Z]+", "_", name.strip().lstrip("\ufeff")).strip("_").lower()
    return snake or "column"


def file_column(name: str) -> str:
    """The name a file's column is read under: its canonical name, with ``_in_file`` after a
    summary's own column name (a file's ``Share`` is not the summary's share)."""
    canonical = canonical_column(name)
    return f"{canonical}_in_file" if canonical in SUMMARY_COLUMNS else canonical


def label(column: str) -> str:
    """Human label for a column name."""
    return LABELS.get(column, column.replace("_", " ").capitalize())


def member_order(dimension: str) -> tuple[str, ...] | None:
    """The fixed display order of a dimension's members, where the domain has one."""
    if dimension == "age_band":
        return AGE_BANDS
    if dimension == "platform":
        return PLATFORMS
    if dimension == "sex":
        return SEXES
    return None


def drill_order(dimensions: list[str]) -> list[str]:
    """All dimensions in drill-down order: known hierarchies first, then the rest as given."""
    known = [d for chain in HIERARCHIES for d in chain if d in dimensions]
    return known + [d for d in dimensions if d not in known]


def bound_names(measure: str) -> tuple[str, str]:
    """The cube columns holding a cell's range of ``measure``."""
    return f"{measure}_low", f"{measure}_high"


def bound_columns(columns: Sequence[str]) -> list[str]:
    """The columns among ``columns`` that hold the range of another one (``offences_low``...):
    the loader keeps them in the cube but does not count them as measures."""
    return [c for c in columns if any(c in bound_names(m) for m in columns if m != c)]
