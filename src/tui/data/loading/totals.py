"""Rows that are not data: totals (``Total``, ``Grand total``, ``All forces``, ``England and
Wales``, a region or nation in the force column, or a blank-keyed row equal to the sum of the
others) and footnote lines under the table (``* Includes...``, ``Source: ...``)."""

from __future__ import annotations

import re

TOTAL_LABEL = re.compile(
    r"^(grand\s+|overall\s+|sub-?\s*)?totals?\b.*$|^all$|^sum$|^overall$"
    r"|^all\s+(forces|police forces|areas|regions|platforms|apps|sites|methods|ages|age bands"
    r"|age groups|victims|years|offences|quarters)$",
    re.IGNORECASE,
)
GEOGRAPHY_TOTAL = re.compile(
    r"^(england\s+(and|&)\s+wales|united kingdom|uk|great britain|national)(\s+total)?$",
    re.IGNORECASE,
)
NOTE_START = re.compile(
    r"^(\*|†|‡|\(?[a-z0-9]{1,2}\)|\[|notes?\b|sources?\b|figures\b|data\b|please\b|this\b|"
    r"these\b|the\s|\d+\.\s)",
    re.IGNORECASE,
)
GEOGRAPHY = ("force", "region", "nation")


def is_total_label(dimension: str, text: str, areas: frozenset[str]) -> bool:
    """Whether a member label names a total rather than a member.

    ``areas`` are region and nation names that are not force names (a subtotal in a force column).
    """
    text = " ".join(text.split())
    if TOTAL_LABEL.match(text):
        return True
    if dimension in GEOGRAPHY and GEOGRAPHY_TOTAL.match(text):
        return True
    return dimension == "force" and text.lower() in areas


def is_footnote(text: str, has_values: bool) -> bool:
    """Whether a lone first cell reads like a note under a table rather than a member: it starts
    like a note (``*``, ``(a)``, ``Source``...), or is a long sentence on a row without counts."""
    text = " ".join(text.split())
    if NOTE_START.match(text):
        return True
    return not has_values and (len(text.split()) >= 5 or len(text) > 40)
