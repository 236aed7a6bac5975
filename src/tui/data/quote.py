"""A selection as one sentence a reporter can paste, worded to match where its number comes from.

*Kent Police recorded 264 offences of sexual communication with a child in 2023/24, up 15% on
2022/23 (NSPCC Freedom of Information figures, published 2024).*

The wording follows the number's provenance (published, derived from published figures, or a
modelled estimate), names the offence of the jurisdiction (Scotland counts *communicating indecently
with a child*) and says whether the change on the previous year is more than chance
(:func:`tui.data.stats.change_significant`).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from tui.data.dataset import Dataset
from tui.data.provenance import ledger
from tui.data.query import CHANGE, CHANGE_SIGNIFICANT, cells, summary, year_comparison
from tui.data.ranges import BOUND, Range
from tui.data.schema import FORCE, MEASURE, YEAR, label
from tui.data.selection import Selection

PROVENANCE = "provenance"
"""The dataset column saying, per row, whether its number is published, derived or modelled."""
PUBLISHED, DERIVED, MODELLED = "published", "derived", "modelled"
AS_FILED = "as filed"
"""A user's own file without provenance: quoted as what the file says."""
WEAKEST_FIRST = (MODELLED, DERIVED, PUBLISHED)

ENGLAND_AND_WALES, SCOTLAND, NORTHERN_IRELAND = "England and Wales", "Scotland", "Northern Ireland"
OFFENCE_PHRASES = {
    ENGLAND_AND_WALES: "sexual communication with a child",
    SCOTLAND: "communicating indecently with a child",
    NORTHERN_IRELAND: "sexual communication with a child",
}
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
QUALIFIER_DIMENSIONS = ("age_band", "sex", "platform_owner", "platform")


@dataclass(frozen=True)
class Source:
    """Where a figure was published: a title and, if known, when."""

    title: str
    published: str | None = None

    def __str__(self) -> str:
        return f"{self.title}, published {self.published}" if self.published else self.title


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
    change_untested: bool = False
    """The change compares a modelled count: not tested, so not stated as a finding."""


def force_name(force: str) -> str:
    """How a force is named in a sentence: ``Kent Police``, ``the Metropolitan Police``."""
    if "Police" in force:
        return force if force.startswith("Police ") and "Service" not in force else f"the {force}"
    return f"{force} Police"


def _joined(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _place(region: str) -> str:
    return f"the {region}" if region in REGIONS_WITH_THE else region


def subject_of(dataset: Dataset, selection: Selection) -> str:
    """Who recorded the selection's offences, from its narrowest geographic filter."""
    forces = selection.members(FORCE)
    if forces:
        if len(forces) == 1:
            return force_name(forces[0])
        return f"Police in {_joined(list(forces))}"
    for dimension in ("region", "nation", "jurisdiction"):
        kept = selection.members(dimension)
        if kept:
            places = [_place(m) for m in kept]
            prefix = "Police forces in" if dimension == "region" else "Police in"
            return f"{prefix} {_joined(places)}"
    if "jurisdiction" in dataset.dimensions and len(dataset.members("jurisdiction")) > 1:
        return "Police in the UK"
    if FORCE in dataset.dimensions and dataset.geography is not None:
        return "Police in England and Wales"
    return "Police"


def offence_of(dataset: Dataset, selection: Selection) -> str:
    """The offence the count is of, in the words of its jurisdiction."""
    jurisdictions = selection.members("jurisdiction")
    if jurisdictions is None and "jurisdiction" in dataset.dimensions:
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


def period_of(dataset: Dataset, selection: Selection) -> str:
    """The years the count covers, as words."""
    if YEAR not in dataset.dimensions:
        return ""
    years = [y for y in dataset.members(YEAR) if y in (selection.members(YEAR) or (y,))]
    if not years:
        return ""
    if len(years) == 1:
        return f"in {years[0]}"
    if len(years) == len(dataset.members(YEAR)) and len(years) > 2:
        return f"from {years[0]} to {years[-1]} combined"
    return f"in {_joined(years)} combined"


def qualifiers_of(selection: Selection) -> tuple[str, ...]:
    """The other filters, worded: ``victims aged 12-15``, ``platform: Snapchat``."""
    words = []
    for dimension in QUALIFIER_DIMENSIONS:
        kept = selection.members(dimension)
        if not kept:
            continue
        if dimension == "age_band":
            words.append(f"victims aged {_joined(list(kept))}")
        else:
            words.append(f"{label(dimension).lower()}: {_joined(list(kept))}")
    return tuple(words)


def provenance_of(dataset: Dataset, selection: Selection) -> str:
    """The weakest provenance among the rows behind the selection's total.

    Without a provenance column: a modelled dataset (the embedded one) is a modelled estimate,
    and a user's own file is quoted as filed.
    """
    if PROVENANCE not in dataset.dimensions:
        return MODELLED if dataset.modelled or dataset.path is None else AS_FILED
    present = (
        cells(dataset, selection)
        .filter(pl.col(selection.measure) > 0)
        .select(pl.col(PROVENANCE).cast(pl.String))
        .unique()
        .collect()[PROVENANCE]
        .to_list()
    )
    for level in WEAKEST_FIRST:
        if level in present:
            return level
    return MODELLED


def source_of(dataset: Dataset) -> Source | None:
    """The dataset's source when it names exactly one (metadata ``sources``), else ``None``."""
    sources = dataset.metadata.get("sources")
    if isinstance(sources, list) and len(sources) == 1 and isinstance(sources[0], dict):
        title = sources[0].get("title")
        if title:
            published = sources[0].get("published")
            return Source(str(title), str(published) if published else None)
    return None


def facts_of(dataset: Dataset, selection: Selection) -> QuoteFacts:
    """The figures a sentence about ``selection`` states, from the one query engine."""
    result = summary(dataset, selection)
    count = int(result.totals.get(result.measure) or 0)
    change = significant = previous = None
    untested = False
    single_year = YEAR in dataset.dimensions and len(selection.members(YEAR) or ()) == 1
    compared = year_comparison(dataset, selection) if single_year else None
    if compared is not None and selection.group_by != YEAR:
        previous = compared[0]
        change = result.totals.get(CHANGE)
        significant = result.totals.get(CHANGE_SIGNIFICANT)
        untested = result.change_untested(None)
    elif compared is not None:
        row = result.frame.filter(pl.col(YEAR).cast(pl.String) == compared[1])
        if row.height:
            previous = compared[0]
            change, significant = row[CHANGE][0], row[CHANGE_SIGNIFICANT][0]
            untested = result.change_untested(compared[1])
    return QuoteFacts(
        subject=subject_of(dataset, selection),
        count=count,
        measure=selection.measure,
        offence=offence_of(dataset, selection),
        period=period_of(dataset, selection),
        previous_year=previous if change is not None else None,
        change=change,  # type: ignore[arg-type]
        significant=significant,  # type: ignore[arg-type]
        qualifiers=qualifiers_of(selection),
        allowed=result.range_of(None),
        change_untested=untested and change is not None,
    )


def _change_words(facts: QuoteFacts) -> str:
    if facts.change is None or facts.previous_year is None or facts.change_untested:
        return ""
    percent = abs(facts.change) * 100
    amount = f"{percent:.1f}%" if percent < 1 else f"{percent:.0f}%"
    if percent == 0:
        words = f", the same as in {facts.previous_year}"
    else:
        direction = "up" if facts.change > 0 else "down"
        words = f", {direction} {amount} on {facts.previous_year}"
    if facts.significant is False:
        words += ", a change small enough to be chance"
    elif facts.significant is True and percent:
        words += ", more than chance would explain"
    return words


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


def sentence(facts: QuoteFacts, provenance: str = MODELLED, source: Source | None = None) -> str:
    """The sentence, worded for its provenance: published, derived, modelled or as filed."""
    estimate = provenance not in (PUBLISHED, DERIVED, AS_FILED)
    body = f"{facts.subject} recorded {_counted(facts, estimate)}"
    if facts.period:
        body += f" {facts.period}"
    if estimate and facts.allowed is not None and not facts.allowed.fixed:
        low, high = f"{facts.allowed.low:,}", f"{facts.allowed.high:,}"
        if facts.allowed.kind == BOUND:
            body += f"; published figures allow no fewer than {low} and no more than {high}"
        else:
            body += f"; published figures allow between {low} and {high}"
    body += _change_words(facts)
    if provenance == PUBLISHED:
        note = str(source) if source else "published figures"
    elif provenance == DERIVED:
        note = f"derived from {source}" if source else "derived from published figures"
    elif provenance == AS_FILED:
        note = f"figures as given in {source}" if source else "figures as given in the source file"
    else:
        note = "a modelled estimate, not a published figure" + (f"; {source}" if source else "")
    if facts.change_untested:
        note += (
            f"; no change on {facts.previous_year} is given: a modelled count cannot be tested "
            "for change"
        )
    return f"{body[0].upper()}{body[1:]} ({note})."


def quote(dataset: Dataset, selection: Selection) -> str:
    """The sentence for a selection, worded for where its total comes from: the dataset's ledger
    of published figures (:mod:`tui.data.provenance`) where it has one, else a provenance column,
    else the dataset's own say (modelled, or as filed)."""
    result = summary(dataset, selection)
    known = result.total_provenance
    if result.published_only and result.totals.get(result.measure) is None:
        facts = facts_of(dataset, selection)
        return (
            f"No published figure gives this count ({facts.subject}, {facts.period or 'all years'}"
            "): it is modelled, so the published-only view leaves it out."
        )
    if known is not None and ledger(dataset) is not None:
        figure = known.figure
        source = Source(figure.source_title, figure.published or None) if figure else None
        return sentence(facts_of(dataset, selection), known.status, source)
    provenance = provenance_of(dataset, selection)
    source = source_of(dataset)
    if provenance == AS_FILED and source is None and dataset.path is not None:
        source = Source(dataset.path.name)
    return sentence(facts_of(dataset, selection), provenance, source)
