"""The metadata of the embedded dataset (``data/offences.toml``): the builder's assumptions, the
ranges in plain words, the method and the sources, for the dataset's own years."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from tui.data.figures.targets import (
    EW,
    NI,
    NI_FORCE,
    OFFENCES,
    SCOTLAND,
    SCOTLAND_FORCE,
    TARGET,
    Figure,
)

ASSUMPTIONS = [
    "Force-year totals: the published figure where there is one; otherwise near the predictive "
    "mean of a negative-binomial model (children aged 0-17 as exposure, year, region, force and "
    "a random-walk drift of each force; see [intervals]), fitted so that every published "
    "national, regional, force and multi-year figure holds.",
    "England and Wales totals are derived: the published UK total minus Scotland and Northern "
    "Ireland. Where {carried} published no total, the last published year is carried forward, "
    "so those E&W totals are modelled too.",
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
        "({carried}) are not used: no source "
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


def carried_names(carried: Mapping[tuple[str, str], str]) -> str:
    """The carried-forward totals in words: ``Scotland 2024/25, Northern Ireland 2023/24 and
    2024/25`` (``no jurisdiction`` if none)."""
    parts = []
    for jurisdiction in (SCOTLAND, NI):
        years = sorted(y for j, y in carried if j == jurisdiction)
        if years:
            listed = ", ".join(years[:-1]) + (" and " if len(years) > 1 else "") + years[-1]
            parts.append(f"{jurisdiction} {listed}")
    return ", ".join(parts) or "no jurisdiction"


def metadata(
    figures: list[Figure],
    years: Sequence[str],
    carried: Mapping[tuple[str, str], str],
    accuracy: str | None = None,
    intervals: dict | None = None,
) -> dict:
    """The contents of ``data/offences.toml`` for the dataset's ``years`` (``carried``: the
    carried-forward totals); ``accuracy``: the held-out comparison, if run; ``intervals``: the
    ``[intervals]`` table (:func:`tui.data.build.accuracy.interval_table`)."""
    named = carried_names(carried)
    used = sorted(
        {(f.source_title, f.published, f.source_url) for f in figures if f.status == TARGET}
    )
    return {
        "title": "Sexual communication with a child: offences recorded by police, "
        f"{years[0]}-{years[-1]}",
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
        "years": list(years),
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
        "ranges": {
            **RANGES,
            "how": RANGES["how"].format(carried=named),
            **({"accuracy": accuracy} if accuracy else {}),
        },
        **({"intervals": intervals} if intervals else {}),
        "forces": {SCOTLAND: SCOTLAND_FORCE, NI: NI_FORCE},
        "simplifications": [line.format(carried=named) for line in ASSUMPTIONS],
        "builder": {"command": "python -m tui.data.build", "solver": "scipy.optimize.milp (HiGHS)"},
        "sources": [
            {"title": title, "published": published, "url": url} for title, published, url in used
        ],
    }
