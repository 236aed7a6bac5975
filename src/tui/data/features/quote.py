"""A selection as one sentence a reporter can paste, worded to match where its number comes from.

*Kent Police recorded 264 offences of sexual communication with a child in 2023/24, up 15% on
2022/23 (NSPCC Freedom of Information figures, published 2024).*

The wording follows the number's provenance (published, derived from published figures, or a
modelled estimate), names the offence of the jurisdiction (Scotland counts *communicating indecently
with a child*) and says whether the change on the previous year is more than chance
(:func:`tui.data.engine.stats.change_significant`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import polars as pl

from tui.data.dataset import Dataset
from tui.data.engine.cells import cells
from tui.data.engine.change import year_comparison
from tui.data.engine.gaps import gaps_of
from tui.data.engine.intervals import Interval
from tui.data.engine.naming import force_name, joined, region_name
from tui.data.engine.provenance import ledger
from tui.data.engine.query import summary
from tui.data.engine.ranges import BOUND, Range
from tui.data.engine.table import CHANGE, CHANGE_SIGNIFICANT
from tui.data.features.quote_change import UNTESTED_WHY, change_note, change_words
from tui.data.features.quote_rates import rate_sentence, rate_source, rates_of
from tui.data.features.quote_sources import (
    AS_FILED,
    DERIVED,
    MODELLED,
    PUBLISHED,
    Source,
    cited_source,
    provenance_of,
    source_of,
)
from tui.data.schema import FORCE, MARKS, MEASURE, NOT_RECORDED, YEAR, label
from tui.data.selection import Selection

ENGLAND_AND_WALES, SCOTLAND, NORTHERN_IRELAND = "England and Wales", "Scotland", "Northern Ireland"
OFFENCE_PHRASES = {
    ENGLAND_AND_WALES: "sexual communication with a child",
    SCOTLAND: "communicating indecently with a child",
    NORTHERN_IRELAND: "sexual communication with a child",
}
QUALIFIER_DIMENSIONS = ("age_band", "sex", "platform_owner", "platform")
PLATFORM_DIMENSIONS = ("platform_owner", "platform")
INSTANCES = "instances"
"""The measure platforms are counted in: one offence can involve several apps."""


@dataclass(frozen=True)
class QuoteFacts:
    """Everything a sentence states, already computed."""

    subject: str
    """Who recorded it: ``Kent Police``, ``Police forces in the South East``..."""
    count: int
    measure: str
    offence: str
    period: str
    """``in 2023/24``, ``in 2017/18 and 2018/19 combined``..."""
    previous_year: str | None = None
    change: float | None = None
    significant: bool | None = None
    qualifiers: tuple[str, ...] = ()
    """Other filters, e.g. ``victims aged 12-15``."""
    allowed: Range | None = None
    """What the published figures allow for a modelled count."""
    interval: Interval | None = None
    """Where a modelled count likely lies (its 80% and 95% intervals, from the model's draws)."""
    change_interval: tuple[float, float] | None = None
    """The 95% interval of a change that compares a modelled count, read draw by draw."""
    change_likely: str = ""
    """``likely up`` / ``likely down`` when that interval excludes 0 (never a test)."""
    change_untested: bool = False
    """The change is not tested, so not stated (see :attr:`untested_why`)."""
    untested_why: str = "a modelled count cannot be tested for change"
    flag: str = ""
    """Why the figure is doubtful though kept as published (``as published; source notes it
    looks anomalous``)."""
    platforms: str | None = None
    """The apps a platform selection counts, worded: ``Snapchat``, ``apps owned by Meta``."""
    gaps: tuple[str, ...] = ()
    """What a sum over years leaves out or counts twice: ``no figure for 2021/22``."""
    change_over: str = ""
    """Whose figures a change compares when not all the count's: ``the 42 forces with a figure
    in both years`` (such a change is not tested)."""
    rates: tuple[float, float] | None = None
    """Per 100,000 residents and per 10,000 children aged 0-17 (a year, when several years)."""
    rate_source: str = ""
    """The populations the rates divide by (``ONS mid-year estimates``), or why there is no
    rate (``no rate: no population estimate is held for Police Scotland 2023/24``)."""
    several_years: bool = False


def subject_of(dataset: Dataset, selection: Selection) -> str:
    """Who recorded the selection's offences, from its narrowest geographic filter."""
    forces = selection.members(FORCE)
    if forces:
        if len(forces) == 1:
            return force_name(forces[0])
        return f"Police in {joined(list(forces))}"
    for dimension in ("region", "nation", "jurisdiction"):
        kept = selection.members(dimension)
        if kept:
            places = [region_name(m) for m in kept]
            prefix = "Police forces in" if dimension == "region" else "Police in"
            return f"{prefix} {joined(places)}"
    if "jurisdiction" in dataset.dimensions and len(dataset.members("jurisdiction")) > 1:
        return "Police in the UK"
    if FORCE in dataset.dimensions and dataset.geography is not None:
        return "Police in England and Wales"
    return "Police"


def offence_of(dataset: Dataset, selection: Selection) -> str:
    """The offence the count is of, in the words of its jurisdiction."""
    jurisdictions = selection.members("jurisdiction")
    if "jurisdiction" in dataset.dimensions:  # those the selection counts, not merely allows
        present = cells(dataset, selection).select(pl.col("jurisdiction").cast(pl.String))
        jurisdictions = tuple(present.unique().collect()["jurisdiction"].to_list())
    if jurisdictions is None and "nation" in dataset.dimensions:
        nations = selection.members("nation") or ()
        if len(nations) == 1 and nations[0] in OFFENCE_PHRASES:
            jurisdictions = nations
    phrases = list(dict.fromkeys(OFFENCE_PHRASES.get(j, "") for j in jurisdictions or ()))
    if len(phrases) == 1 and phrases[0]:
        return phrases[0]
    if len(phrases) > 1 and all(phrases):
        return " or ".join(phrases)
    return OFFENCE_PHRASES[ENGLAND_AND_WALES]


def period_years(dataset: Dataset, selection: Selection) -> list[str]:
    """The years the selection counts, in order (none without a year dimension)."""
    if YEAR not in dataset.dimensions:
        return []
    return [y for y in dataset.members(YEAR) if y in (selection.members(YEAR) or (y,))]


def period_of(dataset: Dataset, selection: Selection) -> str:
    """The years the count covers, as words."""
    years = period_years(dataset, selection)
    if not years:
        return ""
    if len(years) == 1:
        return f"in {years[0]}"
    if len(years) == len(dataset.members(YEAR)) and len(years) > 2:
        return f"from {years[0]} to {years[-1]} combined"
    return f"in {joined(years)} combined"


def _either(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def platforms_of(selection: Selection) -> str | None:
    """The apps a platform selection keeps, worded (``Snapchat``, ``apps owned by Meta``)."""
    platforms = selection.members("platform")
    if platforms:
        return _either(list(platforms))
    owners = selection.members("platform_owner")
    return f"apps owned by {_either(list(owners))}" if owners else None


def qualifiers_of(selection: Selection, worded: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The other filters, worded: ``victims aged 12-15``, ``sex: Girls`` (``worded``: dimensions
    the sentence already names)."""
    words = []
    for dimension in QUALIFIER_DIMENSIONS:
        kept = selection.members(dimension)
        if not kept or dimension in worded:
            continue
        if dimension == "age_band":
            words.append(f"victims aged {joined(list(kept))}")
        else:
            words.append(f"{label(dimension).lower()}: {joined(list(kept))}")
    return tuple(words)


def carried_forward(dataset: Dataset, selection: Selection) -> dict[str, str]:
    """Per year of the selection, the year whose total the embedded dataset carries forward to
    it because none was published (Scotland 2024/25 is 2023/24's), when the selection lies
    within one such jurisdiction: a year with no published total of its own that holds the same
    total as the last year before it with one (the data says so; no year is named in code)."""
    book = ledger(dataset)
    if book is None or "jurisdiction" not in dataset.dimensions:
        return {}
    present = (
        cells(dataset, selection)
        .select(pl.col("jurisdiction").cast(pl.String))
        .unique()
        .collect()["jurisdiction"]
        .to_list()
    )
    if len(present) != 1 or present[0] == ENGLAND_AND_WALES:
        return {}
    jurisdiction = present[0]
    totals = dict(
        dataset.cube.filter(pl.col("jurisdiction").cast(pl.String) == jurisdiction)
        .group_by(pl.col(YEAR).cast(pl.String))
        .agg(pl.col(MEASURE).sum())
        .rows()
    )
    chosen, carried, last = set(period_years(dataset, selection)), {}, None
    for year in dataset.members(YEAR):
        status = book.jy_status.get((jurisdiction, year))
        if status is not None and status.status == PUBLISHED:
            last = year
        elif last is not None and year in chosen and totals.get(year) == totals[last]:
            carried[year] = last
    return carried


def facts_of(dataset: Dataset, selection: Selection) -> QuoteFacts:
    """The figures a sentence about ``selection`` states, from the one query engine: its count,
    what it lacks, its change like with like, its two rates."""
    result = summary(dataset, selection)
    count = int(result.totals.get(result.measure) or 0)
    change = significant = previous = None
    member: str | None = None
    single_year = YEAR in dataset.dimensions and len(selection.members(YEAR) or ()) == 1
    compared = year_comparison(dataset, selection) if single_year else None
    if compared is not None and selection.group_by != YEAR:
        previous = compared[0]
        change = result.totals.get(CHANGE)
        significant = result.totals.get(CHANGE_SIGNIFICANT)
    elif compared is not None:
        row = result.frame.filter(pl.col(YEAR).cast(pl.String) == compared[1])
        if row.height:
            previous, member = compared
            change, significant = row[CHANGE][0], row[CHANGE_SIGNIFICANT][0]
    untested = result.change_untested(member)
    over = result.change_over.get(member, "")
    years = period_years(dataset, selection)
    coverage = result.coverage_of(None)
    missing = list(coverage.missing) if coverage else []
    platforms = platforms_of(selection) if selection.measure == INSTANCES else None
    return QuoteFacts(
        subject=subject_of(dataset, selection),
        count=count,
        measure=selection.measure,
        offence=offence_of(dataset, selection),
        period=period_of(dataset, selection),
        previous_year=previous if change is not None else None,
        change=change,  # type: ignore[arg-type]
        significant=significant,  # type: ignore[arg-type]
        qualifiers=qualifiers_of(selection, PLATFORM_DIMENSIONS if platforms else ()),
        platforms=platforms,
        gaps=gaps_of(missing, len(selection.members(FORCE) or ()) == 1, len(years) == 1),
        allowed=result.range_of(None),
        interval=result.interval_of(None),
        change_interval=result.change_interval_of(member),
        change_likely=result.change_words(member),
        # like with like over fewer forces is stated, but not a change of a modelled count (○)
        change_untested=untested
        and change is not None
        and (not over or result.change_marks.get(member) == MARKS[MODELLED]),
        untested_why=UNTESTED_WHY.get(result.change_marks.get(member, ""), UNTESTED_WHY["○"]),
        flag="; ".join(result.flags_of(None)),
        change_over=over if change is not None else "",
        rates=rates_of(result),
        rate_source=rate_source(result),
        several_years=len(years) > 1,
    )


def _counted(facts: QuoteFacts, estimate: bool) -> str:
    number = f"{facts.count:,}"
    if facts.measure == MEASURE:
        noun = "offence" if facts.count == 1 else "offences"
        what = f"{number} {noun} of {facts.offence}"
    else:
        what = f"{number} {label(facts.measure).lower()} in offences of {facts.offence}"
    if facts.qualifiers:
        what += f" ({'; '.join(facts.qualifiers)})"
    return f"an estimated {what}" if estimate else what


def _used_in(facts: QuoteFacts, estimate: bool) -> str:
    """A platform selection in instances: ``Snapchat was used in 1,234 of the offences of ...
    recorded by police in England and Wales in 2023/24 where the app was recorded``."""
    number = f"an estimated {facts.count:,}" if estimate else f"{facts.count:,}"
    by = facts.subject
    if by.startswith(("Police in ", "Police forces in ")):
        by = by[0].lower() + by[1:]
    qualified = f" ({'; '.join(facts.qualifiers)})" if facts.qualifiers else ""
    offences = f"the offences of {facts.offence}{qualified} recorded by {by}"
    if facts.period:
        offences += f" {facts.period}"
    if facts.platforms == NOT_RECORDED:
        return f"No app was recorded for {number} of {offences}"
    offences += " where the app was recorded"
    if " or " in (facts.platforms or "") or (facts.platforms or "").startswith("apps "):
        return f"{facts.platforms} were used {number} times (platform instances) in {offences}"
    return f"{facts.platforms} was used in {number} of {offences}"


def sentence(facts: QuoteFacts, provenance: str = MODELLED, source: Source | None = None) -> str:
    """The sentence, worded for its provenance: published, derived, modelled or as filed."""
    estimate = provenance not in (PUBLISHED, DERIVED, AS_FILED)
    if facts.platforms:
        body = _used_in(facts, estimate)
    else:
        body = f"{facts.subject} recorded {_counted(facts, estimate)}"
        if facts.period:
            body += f" {facts.period}"
    shown = facts.interval if estimate else None
    drawn = shown is not None and shown.low95 < shown.high95
    body += "".join(f", {gap}" for gap in facts.gaps)
    if drawn:  # where the estimate likely lies (after what its period lacks)
        body += f", likely between {shown.low95:,} and {shown.high95:,}"  # type: ignore[union-attr]
    body += change_words(facts)
    if provenance == PUBLISHED:
        note = str(source) if source else "published figures"
    elif provenance == DERIVED:
        note = f"derived from {source}" if source else "derived from published figures"
    elif provenance == AS_FILED:
        note = f"figures as given in {source}" if source else "figures as given in the source file"
    else:
        note = "a modelled estimate, not a published figure"
        note += ", with the 95% interval of the model's draws" if drawn else ""
        note += f"; {source}" if source else ""
    if estimate and facts.allowed is not None and not facts.allowed.fixed:
        low, high = f"{facts.allowed.low:,}", f"{facts.allowed.high:,}"
        if facts.allowed.kind == BOUND:
            note += f"; published figures allow no fewer than {low} and no more than {high}"
        else:
            note += f"; published figures allow between {low} and {high}"
    if facts.flag:
        note += f"; {facts.flag}"
    note += change_note(facts)
    return f"{body[0].upper()}{body[1:]} ({note})." + rate_sentence(
        facts.rates, facts.rate_source, estimate, facts.several_years, bool(facts.gaps)
    )


def quote(dataset: Dataset, selection: Selection) -> str:
    """The sentence for a selection, worded for where its total comes from: the dataset's ledger
    of published figures (:mod:`tui.data.engine.provenance`) where it has one, else a provenance
    column, else the dataset's own say (modelled, or as filed).

    A platform selection is quoted in instances (offences are not split by platform); a year with
    no published total says whose figure it carries; a force-year with no figure says so."""
    if platforms_of(selection) and INSTANCES in dataset.measures:
        selection = selection.with_measure(INSTANCES)
    years = period_years(dataset, selection)
    carried = carried_forward(dataset, selection)
    if len(years) == 1 and years[0] in carried:
        kept = carried[years[0]]
        earlier = selection.with_filter(YEAR, (kept,))
        total = int(summary(dataset, earlier).totals.get(selection.measure) or 0)
        return f"{years[0]} not published; {kept}'s {total:,} carried forward. " + quote(
            dataset, earlier
        )
    coverage = summary(dataset, selection).coverage_of(None)
    if years and coverage is not None and coverage.missing and not coverage.present:
        subject = subject_of(dataset, selection)
        return f"{subject[0].upper()}{subject[1:]} gave no figure for {joined(years)} " + (
            "(missing, not zero)."
        )
    result = summary(dataset, selection)
    facts = facts_of(dataset, selection)
    if result.published_only and result.totals.get(result.measure) is None:
        return (
            f"No published figure gives this count ({facts.subject}, {facts.period or 'all years'}"
            "): it is modelled, so the published-only view leaves it out."
        )
    gaps = tuple(
        f"with {kept}'s figure counted again for {year}, when none was published"
        for year, kept in carried.items()
    )
    facts = replace(facts, gaps=facts.gaps + gaps)
    known = result.total_provenance
    if known is not None and ledger(dataset) is not None:
        figure = known.figure
        source = cited_source(figure) if figure else None
        return sentence(facts, known.status, source)
    provenance = provenance_of(dataset, selection)
    source = source_of(dataset)
    if provenance == AS_FILED and source is None and dataset.path is not None:
        source = Source(dataset.path.name)
    return sentence(facts, provenance, source)
