"""Step 1 of the builder: every published figure, classified, with how to compute it.

Reads every figure file (``data/real_figures.csv``, ``more_figures.csv``, ``figures_2026_11.csv``:
NSPCC releases, the media that reported them, police forces' own disclosure logs; the December
2026 search's ``figures_2026_12.csv``; ``published_figures.csv``, the two articles the project
started from; a user's files named in ``figure_files.toml``) through :mod:`tui.data.figures.files`,
then gives each figure one status:

* ``target``: in scope; the dataset must reproduce it (counts exactly, lower bounds strictly,
  shares within rounding);
* ``superseded``: the same scope, year and measure has a later or fuller publication;
* ``conflicting``: cannot hold together with the targets (the reason names which);
* ``context``: outside the dataset (another measure, a broader count, a share or breakdown over a
  partial period, a year before 2017/18).

A count over part of the financial years it falls in (the first six months, 18 months) is never a
year's figure: it is a target only as a lower bound on their whole-year total.

The rules are in code below (a later publication supersedes; a part-period count is a lower
bound; a total that its published force-years already add up to, with force-years left over,
would zero them and is conflicting); the exceptions, each with its reason, in
``data/figure_rules.toml``.
The reconciliation (``scwc sources``) and provenance read this same table, so they can never
disagree with the builder about what was published.

Just over 400 lines: every rule that decides a figure's status stays in one module, beside the
others it must not contradict.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path

from tui.data.figures.files import (
    AGE_SETS,
    OUT_OF_SCOPE_MEASURES,
    PLATFORM_SETS,
    read_missing,
    read_rows,
    read_rules,
    region_forces,
)
from tui.data.figures.years import FIRST_YEAR, financial_years, years_between
from tui.data.schema import EW, JURISDICTION_KEYS, NI, SCOTLAND

TARGET, SUPERSEDED, CONFLICTING, CONTEXT = "target", "superseded", "conflicting", "context"
STATUSES = (TARGET, SUPERSEDED, CONFLICTING, CONTEXT)

JURISDICTIONS = (EW, SCOTLAND, NI)
OFFENCES = {
    EW: "Sexual communication with a child (s.15A Sexual Offences Act 2003)",
    SCOTLAND: "Communicating indecently with a child (Sexual Offences (Scotland) Act 2009)",
    NI: "Sexual communication with a child (Art. 22A Sexual Offences (NI) Order 2008)",
}
SCOTLAND_FORCE, NI_FORCE = "Police Scotland", "Police Service of Northern Ireland"


SHARE_TOLERANCE = 0.005
"""A printed share (e.g. 20%) is reproduced by any value within ±0.005 of it."""

PARTIAL_PERIOD = re.compile(
    r"part period|first (six|nine|6|9|3) months|six months|nine months|18 months|two and a half|"
    r"(20\d\d|months|period|year|part-year) only|only \(|only Oct|April[–-](June|September|December)|April 2017[–-](October|September) 20|"
    r"year to June|to June 2017|July 2020|May 201[78]|lockdown|"
    r"six-month|'previous 12 months'|'last five years'|'past 12 months'|"
    r"first ~6 months|partial year|not a full year|April 2017 to October 2019",
    re.IGNORECASE,
)
"""Period notes that mean the figure does not cover whole financial years."""


@dataclass(frozen=True)
class Spec:
    """How to compute a figure from the dataset: a sum, or a share where recorded."""

    jurisdictions: tuple[str, ...]
    forces: tuple[str, ...] | None
    """The forces summed; ``None`` for every force of the jurisdictions."""
    years: tuple[str, ...]
    measure: str
    """``offences`` or ``instances``."""
    dimension: str | None = None
    members: tuple[str, ...] = ()
    share: bool = False
    """A share of the measure where the dimension was recorded, instead of a sum."""
    recorded_only: bool = False
    """A sum over every recorded member of ``dimension`` (e.g. instances where the app is known)."""


@dataclass(frozen=True)
class Figure:
    """One published figure with its status, the reason for it and how to compute it."""

    id: str
    scope_type: str
    scope: str
    year: str
    measure: str
    value: float
    unit: str
    period_note: str
    source_title: str
    source_url: str
    published: str
    status: str = TARGET
    reason: str = ""
    spec: Spec | None = None
    partial: bool = False
    """A count over part of the financial years it falls in (first six months, 18 months...):
    only a lower bound on their whole-year total, never a year's figure."""
    quote: str = ""
    """The source's own words giving the figure (who obtained it, e.g. "data obtained by the
    NSPCC"), as the figures file quotes them."""

    def bounds(self) -> tuple[float, float, bool]:
        """(low, high, strict): the range the dataset's value must fall in.

        Counts are exact and shares within ±0.005 of the printed share; "almost" or "nearly" N
        means 90-100% of N; an "approximately" or "rounded" count means within 5%; a lower bound
        ("more than", "at least") must be strictly exceeded.
        """
        note = self.period_note.lower()
        if self.partial:
            return self.value, float("inf"), self.unit == "lower_bound"
        if self.unit == "lower_bound":
            return self.value, float("inf"), True
        if "'almost" in note or "'nearly" in note:
            return 0.9 * self.value, self.value, False
        if self.unit == "share":
            return self.value - SHARE_TOLERANCE, self.value + SHARE_TOLERANCE, False
        if "approximately" in note or "rounded" in note:
            return 0.95 * self.value, 1.05 * self.value, False
        return self.value, self.value, False

    def holds(self, value: float) -> bool:
        """Whether a dataset value reproduces this figure within its bounds."""
        low, high, strict = self.bounds()
        if strict:
            return value > low
        return low - 1e-9 <= value <= high + 1e-9

    def describe_value(self) -> str:
        """The published value as printed: a count, '>N', a percentage, or 'N (part period)'
        for a count over part of its years (a lower bound on the whole years)."""
        if self.partial:
            prefix = ">" if self.unit == "lower_bound" else ""
            return f"{prefix}{self.value:,.0f} (part period)"
        if self.unit == "share":
            return f"{self.value:.0%}"
        prefix = ">" if self.unit == "lower_bound" else ""
        if self.value < 1:
            return f"{prefix}{self.value:.0%}"
        return f"{prefix}{self.value:,.0f}"


def dataset_years(figures: list[Figure]) -> tuple[str, ...]:
    """The dataset's financial years: from :data:`FIRST_YEAR` to the latest year a whole-year
    target figure covers (a part period or a share alone does not open a year)."""
    covered = [
        year
        for f in figures
        if f.status == TARGET and f.spec is not None and not f.partial
        for year in f.spec.years
    ]
    if not covered:
        raise ValueError("no published figure covers a whole financial year")
    return years_between(FIRST_YEAR, max(covered))


def _spec(row: dict[str, str], forces_by_region: dict[str, list[str]]) -> Spec | str:
    """How to compute a figure over the financial years it falls in, or why it cannot be
    computed (its context reason)."""
    measure = row["measure"]
    if measure in OUT_OF_SCOPE_MEASURES:
        return OUT_OF_SCOPE_MEASURES[measure]
    years = financial_years(row["year"])
    if years is None:
        return f"not whole financial years from {FIRST_YEAR} on (the offence's first year)"
    scope_type, scope = row["scope_type"], row["scope"]
    if scope_type == "country":
        jurisdictions = JURISDICTION_KEYS["uk"] if scope == "UK" else (scope,)
        forces = None
    elif scope_type == "region":
        forces = region_forces(scope, forces_by_region)
        if forces is None:
            return f"a grouping of forces ({scope}) that the reference list cannot resolve"
        jurisdictions = (EW,)
    else:
        forces = tuple(f.strip() for f in scope.split(","))
        jurisdictions = (EW,)
    base = Spec(jurisdictions, forces, years, "offences")
    if measure == "offences":
        return base
    if measure in (
        "instances_method_recorded",
        "instances_platform_recorded",
        "offences_platform_identified",
    ):
        return replace(base, measure="instances", dimension="platform", recorded_only=True)
    if measure == "instances_age_recorded":
        return replace(base, dimension="age_band", recorded_only=True)
    if measure == "victims_gender_recorded":
        return replace(base, dimension="sex", recorded_only=True)
    if measure == "ratio_instagram_instances_vs_previous_year":
        return replace(base, measure="instances", dimension="platform", members=("Instagram",))
    platform = re.fullmatch(
        r"(?:share|instances|offences_platform)_(.+?)(?:_where_recorded)?", measure
    )
    if platform and platform.group(1) in PLATFORM_SETS:
        return replace(
            base,
            measure="instances",
            dimension="platform",
            members=PLATFORM_SETS[platform.group(1)],
            share=measure.startswith("share"),
        )
    age = re.fullmatch(
        r"(share_)?(?:victims|offences)_(?:age_|primary_school_age)(.*?)(?:_where_recorded)?",
        measure,
    )
    if age:
        band = "under_12" if measure.endswith("primary_school_age") else age.group(2)
        if band in AGE_SETS:
            return replace(
                base, dimension="age_band", members=AGE_SETS[band], share=bool(age.group(1))
            )
    if measure == "share_girls":
        return replace(base, dimension="sex", members=("Girls",), share=True)
    if measure in ("victims_female", "victims_male", "offences_female", "offences_male"):
        sex = "Girls" if measure.endswith("_female") else "Boys"
        return replace(base, dimension="sex", members=(sex,))
    return f"a measure ({measure}) the dataset does not hold"


def _candidates(match: dict, by_scope: dict[str, list[int]], count: int) -> list[int]:
    """The figures a rule can match: those of the scope it names (all, if it names none)."""
    return by_scope.get(match["scope"], []) if "scope" in match else list(range(count))


def _matches(figure: Figure, match: dict) -> bool:
    return all(
        (getattr(figure, key) == value) if key != "value" else abs(figure.value - value) < 1e-9
        for key, value in match.items()
    )


def read_targets(data_dir: Path, forces_by_region: dict[str, list[str]]) -> list[Figure]:
    """Every published figure with its status: the rules below, then the listed exceptions."""
    figures = []
    rows = read_rows(data_dir)
    for figure_id, row in rows:
        spec = _spec(row, forces_by_region)
        figure = Figure(
            id=figure_id,
            scope_type=row["scope_type"],
            scope=row["scope"],
            year=row["year"],
            measure=row["measure"],
            value=float(row["value"]),
            unit=row["unit"],
            period_note=row["period_note"],
            source_title=row["source_title"],
            source_url=row["source_url"],
            published=row.get("published") or "",
            quote=row.get("quote") or "",
        )
        if isinstance(spec, str):
            figure = replace(figure, status=CONTEXT, reason=spec)
        elif PARTIAL_PERIOD.search(row["period_note"]):
            figure = _partial(figure, spec)
        else:
            figure = replace(figure, spec=spec)
        figures.append(figure)
    by_scope: dict[str, list[int]] = defaultdict(list)  # a rule names its scope: look there only
    for i, figure in enumerate(figures):
        by_scope[figure.scope].append(i)
    rules = [
        (
            rule,
            [
                i
                for i in _candidates(rule["match"], by_scope, len(figures))
                if _matches(figures[i], rule["match"])
            ],
        )
        for rule in read_rules(data_dir).get("exception", [])
    ]
    excepted = {i for _, hits in rules for i in hits}
    figures = _supersede_older(figures, excepted)
    for rule, hits in rules:
        if not hits:
            raise ValueError(f"figure rule matches no figure: {rule['match']}")
        for i in hits:
            figures[i] = replace(figures[i], status=rule["status"], reason=rule["reason"])
            if rule.get("partial"):  # a part period its own note does not say
                spec = _spec(rows[i][1], forces_by_region)
                if isinstance(spec, str):
                    raise ValueError(f"figure rule makes {figures[i].id} a part period: {spec}")
                figures[i] = replace(_partial(figures[i], spec), reason=rule["reason"])
            elif rule["status"] == TARGET:  # the rule's reason says it covers whole years
                spec = _spec(rows[i][1], forces_by_region)
                if isinstance(spec, str):
                    raise ValueError(f"figure rule makes {figures[i].id} a target: {spec}")
                figures[i] = replace(figures[i], spec=spec, partial=False)
    last = dataset_years(figures)[-1]
    figures = [_after(f, last) if f.spec and f.spec.years[-1] > last else f for f in figures]
    return _no_zeroing_aggregates(figures, excepted, set(read_missing(data_dir)))


def _after(figure: Figure, last: str) -> Figure:
    """A figure reaching past the dataset's last year (a part period of a year no whole-year
    figure covers yet) is context."""
    return replace(
        figure,
        status=CONTEXT,
        spec=None,
        partial=False,
        reason=f"a period after {last}, the last year a whole-year figure covers",
    )


def _partial(figure: Figure, spec: Spec) -> Figure:
    """A count over part of its financial years: a lower bound on their total offences (a target
    that only says "at least"); any other partial-period figure (a share, a breakdown) is context."""
    if spec.measure == "offences" and spec.dimension is None and figure.unit != "share":
        return replace(
            figure,
            spec=spec,
            partial=True,
            reason="a partial period, not whole financial years: only a lower bound on the "
            f"offences of {figure.year} (at least {figure.value:,.0f})",
        )
    return replace(figure, status=CONTEXT, reason="a partial period, not whole financial years")


def _supersede_older(figures: list[Figure], excepted: set[int]) -> list[Figure]:
    """Rule: where one scope, year and measure has different values, the latest dated one wins
    (figures an exception names are left to it)."""
    groups: dict[tuple, list[int]] = defaultdict(list)
    for i, f in enumerate(figures):
        if f.status == TARGET and not f.partial and i not in excepted:
            groups[(f.scope, f.year, f.measure, f.unit == "share")].append(i)
    for members in groups.values():
        if len({figures[i].value for i in members}) < 2:
            continue
        latest = max(members, key=lambda i: (figures[i].published, -i))
        winner = figures[latest]
        for i in members:
            if figures[i].value != winner.value:
                figures[i] = replace(
                    figures[i],
                    status=SUPERSEDED,
                    reason=f"a later publication ({winner.published or 'undated'}, "
                    f"{winner.source_title}) gives {winner.describe_value()}",
                )
    return figures


def _exact_offences(figure: Figure) -> bool:
    """A target that gives an exact offence total (not a share, a bound or a part period)."""
    spec = figure.spec
    low, high, _ = figure.bounds()
    return (
        figure.status == TARGET
        and spec is not None
        and spec.measure == "offences"
        and spec.dimension is None
        and low == high
    )


def _no_zeroing_aggregates(
    figures: list[Figure], excepted: set[int], missing: set[tuple[str, str]]
) -> list[Figure]:
    """Rule: a total over several force-years whose published force-years already add up to it,
    with force-years left over, would make those 0 (a table's sum of its published cells, read as
    a total): it is conflicting, and the reason names the force-years it would zero (figures an
    exception names are left to it)."""
    single: dict[tuple[str, str], float] = {}
    for figure in figures:
        spec = figure.spec
        if (
            _exact_offences(figure)
            and spec
            and spec.forces
            and len(spec.forces) == 1 == len(spec.years)
        ):
            single[(spec.forces[0], spec.years[0])] = figure.value
    for i, figure in enumerate(figures):
        spec = figure.spec
        if i in excepted or not (_exact_offences(figure) and spec and spec.forces):
            continue
        cells = [
            (force, year)
            for year in spec.years
            for force in spec.forces
            if (force, year) not in missing
        ]
        left = [c for c in cells if c not in single]
        known = sum(single[c] for c in cells if c in single)
        if left and len(cells) > 1 and known >= figure.value:
            names = " and ".join(f"{force} {year}" for force, year in left)
            figures[i] = replace(
                figure,
                status=CONFLICTING,
                reason=f"the published force-years it covers already add up to {known:,.0f} "
                f"without {names}: taken as a total it would make "
                f"{'them' if len(left) > 1 else 'it'} 0 (a sum of a table's published cells)",
            )
    return figures
