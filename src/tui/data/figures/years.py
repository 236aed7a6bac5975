"""Financial years in the published-figure vocabulary: the offence's first year, reading a
figure's year or span, and the rule that carries a total forward. No list of years: the dataset's
years follow its figures (:func:`tui.data.figures.targets.dataset_years`)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from tui.data.schema import NI, SCOTLAND

FIRST_YEAR = "2017/18"
"""The offence's first financial year (s.15A came into force on 3 April 2017): a figure of an
earlier year counts something else. The dataset's last year is the latest one a whole-year
target figure covers
(:func:`tui.data.figures.targets.dataset_years`): the years follow the figure files."""
FINANCIAL_YEAR = re.compile(r"(\d{4})/(\d{2})")


def years_between(first: str, last: str) -> tuple[str, ...]:
    """Every financial year from ``first`` to ``last`` (``2017/18``, ``2018/19``, ...)."""
    return tuple(f"{y}/{(y + 1) % 100:02d}" for y in range(int(first[:4]), int(last[:4]) + 1))


def financial_years(year: str) -> tuple[str, ...] | None:
    """The financial years a figure covers, or ``None`` if it is not whole financial years from
    :data:`FIRST_YEAR` on (a calendar year, an earlier year)."""
    first, span, last = year.partition("-")
    last = last if span else first
    ends = [FINANCIAL_YEAR.fullmatch(end) for end in (first, last)]
    if not all(ends) or first < FIRST_YEAR or last < first:
        return None
    if any((int(m.group(1)) + 1) % 100 != int(m.group(2)) for m in ends if m):
        return None
    return years_between(first, last)


def carried_forward(
    published: Mapping[tuple[str, str], float], years: Sequence[str]
) -> dict[tuple[str, str], str]:
    """Rule: a year in which Scotland or Northern Ireland published no total takes the total of
    the last year before it that has one, carried forward: (jurisdiction, year) -> that year."""
    carried: dict[tuple[str, str], str] = {}
    for jurisdiction in (SCOTLAND, NI):
        last = None
        for year in years:
            if (jurisdiction, year) in published:
                last = year
            elif last is not None:
                carried[(jurisdiction, year)] = last
    return carried
