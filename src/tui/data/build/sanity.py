"""The builder's last check on the modelled breakdown: invariants a sane model keeps, whatever the
solver returned.

Meeting every published figure is not enough: an integer program can meet them all with 62,174
platform instances in one year and about 4,000 in the others, or with a force at 0 offences
because a published aggregate left it no room. :func:`problems` lists every invariant the built
table breaks; the builder writes nothing while the list is not empty.
"""

from __future__ import annotations

from collections import defaultdict
from statistics import median

import polars as pl

INSTANCES_PER_OFFENCE = (0.3, 3.0)
"""Bounds on platform instances per offence, nationally and in every force-year: the published
national counts give 0.26-0.66 instances with a known app per offence (2,117 of 3,217 in 2017/18;
1,824 of 7,062 UK offences in 2023/24), and offences with no app recorded add instances under
'Not recorded'."""
NATIONAL_YEAR_SPREAD = 2.0
"""A jurisdiction's instances in a year stay within 2x of its median year."""
PLATFORM_RISE = 3.0
"""No national platform-year above 3x the year before (the largest published rise: Instagram
418 -> 929, 2.2x), counting a year before below 10 as 10."""
FORCE_YEAR_SPREAD = 3.0
"""A force's modelled years stay within 3x of its median year (forces with a median of 10 or more)."""
SMALLEST_PUBLISHED_SHARE = 0.25
"""A force whose published years are all 20 or more has no modelled year below a quarter of the
smallest of them."""
ZERO_GUARD = 5
"""A modelled force-year of a force with a median of 5 or more offences is never 0: only a
published aggregate that leaves it no room does that, and such a figure is conflicting."""


def _force_years(frame: pl.DataFrame) -> dict[tuple[str, str], tuple[str, int, int]]:
    """(force, year) -> (jurisdiction, offences, instances)."""
    totals = frame.group_by("jurisdiction", "force", "year").agg(
        pl.col("offences").sum(), pl.col("instances").sum()
    )
    return {
        (r["force"], r["year"]): (r["jurisdiction"], r["offences"], r["instances"])
        for r in totals.iter_rows(named=True)
    }


def problems(
    frame: pl.DataFrame,
    published: set[tuple[str, str]],
    published_rises: set[tuple[str, str, str]] = frozenset(),
) -> list[str]:
    """Every invariant the table breaks, one line each.

    ``published``: the (force, year) cells whose offence count a source gives; every other
    force-year is modelled. ``published_rises``: (jurisdiction, platform, year) rises a
    published figure states, exempt from the platform-rise check.
    """
    cells = _force_years(frame)
    found: list[str] = []
    low, high = INSTANCES_PER_OFFENCE
    national: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    by_force: dict[str, dict[str, int]] = defaultdict(dict)
    for (force, year), (jurisdiction, offences, instances) in sorted(cells.items()):
        national[jurisdiction][year][0] += offences
        national[jurisdiction][year][1] += instances
        by_force[force][year] = offences
        if not (int(low * offences) <= instances <= -int(-high * offences)):
            found.append(f"{force} {year}: {instances} instances for {offences} offences")
    for jurisdiction, years in sorted(national.items()):
        middle = median(v[1] for v in years.values())
        for year, (offences, instances) in sorted(years.items()):
            if not middle / NATIONAL_YEAR_SPREAD <= instances <= NATIONAL_YEAR_SPREAD * middle:
                found.append(f"{jurisdiction} {year}: {instances} instances, median year {middle}")
            if not low * offences <= instances <= high * offences:
                found.append(f"{jurisdiction} {year}: {instances} instances, {offences} offences")
    found += _platform_rises(frame, published_rises)
    for force, years in sorted(by_force.items()):
        middle = median(years.values())
        shown = [v for y, v in years.items() if (force, y) in published]
        smallest = min(shown) if shown else 0
        for year, offences in sorted(years.items()):
            if (force, year) in published:
                continue
            label = f"{force} {year}: {offences} offences (modelled)"
            if (
                middle >= 10
                and not middle / FORCE_YEAR_SPREAD <= offences <= FORCE_YEAR_SPREAD * middle
            ):
                found.append(f"{label}, median year {middle}")
            if smallest >= 20 and offences < SMALLEST_PUBLISHED_SHARE * smallest:
                found.append(f"{label}, smallest published year {smallest}")
            if middle >= ZERO_GUARD and offences == 0:
                found.append(
                    f"{label}: a published aggregate leaves it no room; mark it conflicting"
                )
    return found


def _platform_rises(frame: pl.DataFrame, published_rises: set[tuple[str, str, str]]) -> list[str]:
    """National platform-years above 3x the year before that no published figure states."""
    yearly = (
        frame.filter(pl.col("instances").is_not_null())
        .group_by("jurisdiction", "platform", "year")
        .agg(pl.col("instances").sum())
        .sort("jurisdiction", "platform", "year")
        .with_columns(pl.col("instances").shift(1).over("jurisdiction", "platform").alias("before"))
        .filter(pl.col("before").is_not_null())
        .filter(pl.col("instances") > PLATFORM_RISE * pl.max_horizontal("before", 10))
    )
    return [
        f"{r['jurisdiction']} {r['platform']} {r['year']}: {r['instances']} instances after {r['before']}"
        for r in yearly.iter_rows(named=True)
        if (r["jurisdiction"], r["platform"], r["year"]) not in published_rises
    ]
