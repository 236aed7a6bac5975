"""One search line for a reader's question: ``kent 2023/24``, ``wales 2022/23 platform``,
``ew ni 23``, ``23 rate`` become a :class:`~tui.data.selection.Selection`.

Words, in any order:

* a member of any dimension, by its name (``greater manchester``, ``12-15``, ``snapchat``), a
  spelling the loader knows (``met``, ``hants``, ``insta``, ``under 12``), a jurisdiction's key
  (``ew``, ``ni``, ``uk``), or its first letters (``manch``) or a word of it (``manchester``);
* a year: ``2023/24``, ``2023-24``, ``23/24``, ``2023`` or ``23`` (the year starting then);
* a dimension to group by (``force``, ``forces``, ``app``, ``age``, ``region``...), a measure
  (``offences``, ``instances``), or an order (``rate``, ``change``, ``share``; ``lowest``).

The same words give the same table wherever the reader is (the search starts from the dataset's
first screen, not the current one). Named places are the rows (``kent``: one row, Kent; ``ew
ni``: the two jurisdictions); without a place, the rows are the finest place (forces). Platforms
are counted in platform instances, so naming one (or ``app``) switches the measure.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import polars as pl

from tui.data.dataset import Dataset
from tui.data.engine.table import CHANGE, RATE, SHARE
from tui.data.features.navigation import drill_dimensions, initial_selection
from tui.data.labels import safe_text
from tui.data.loading.names import force_names, loose, member_spellings
from tui.data.loading.paths import repo_data_dir
from tui.data.schema import (
    HIERARCHIES,
    JURISDICTION,
    JURISDICTION_KEYS,
    NOT_RECORDED,
    NOT_SPLIT,
    OFFENCE,
    YEAR,
    drill_order,
    label,
)
from tui.data.selection import Selection

WORD = re.compile(r"[a-z0-9]+(?:[/\-][a-z0-9]+)*")
LONGEST_NAME = 6
"""Words in the longest name a window of the query is compared with."""
SHORTEST_PREFIX = 2
"""Letters a word needs before it is read as the start of a longer name."""
FILLER = frozenset(
    {
        *("a", "an", "and", "at", "by", "compare", "compared", "for", "from", "in", "of", "on"),
        *("or", "per", "show", "the", "to", "v", "versus", "vs", "was", "were", "what", "where"),
        *("which", "who", "with", "most", "top", "highest", "largest", "biggest", "used"),
    }
)
"""Words a question may hold that choose nothing by themselves."""
LOWEST = frozenset({"lowest", "least", "fewest", "smallest", "bottom"})
GROUP_WORDS = {
    **dict.fromkeys(("app", "apps", "site", "sites", "platforms"), "platform"),
    **dict.fromkeys(("owner", "owners", "company", "companies"), "platform_owner"),
    **dict.fromkeys(("age", "ages"), "age_band"),
    **dict.fromkeys(("sex", "gender"), "sex"),
    **dict.fromkeys(("forces", "police"), "force"),
    **dict.fromkeys(("nations", "country", "countries"), "nation"),
    "years": YEAR,
    "regions": "region",
    "jurisdictions": JURISDICTION,
}
"""Words for a dimension besides its label (``Force``, ``Age band``...)."""
MEASURE_WORDS = {"instances": "instances", "crimes": "offences"}
SORT_WORDS = {
    **dict.fromkeys(("rate", "rates", "per 100k"), RATE),
    **dict.fromkeys(("change", "changes", "rise", "increase", "growth", "yoy"), CHANGE),
    "share": SHARE,
}
PLACES = HIERARCHIES[0]
"""The place dimensions, coarsest first (jurisdiction, nation, region, force)."""


def words(text: str) -> list[str]:
    """The words of ``text`` as the search reads them: lower case, ``&`` as ``and``, a year or
    an age band (``2023/24``, ``12-15``) one word."""
    return WORD.findall(text.lower().replace("&", " and "))


def phrase(text: str) -> str:
    """A name as the search compares it: its words joined by one space."""
    return " ".join(words(text))


@dataclass(frozen=True)
class Term:
    """What some words of the query mean: a member (of one of several dimensions), a dimension
    to group by, a measure or a column to sort by."""

    kind: str
    """``member``, ``group``, ``measure``, ``sort`` or ``lowest``."""
    values: tuple[tuple[str, str], ...]
    """(dimension, member) for a member (a name several dimensions share gives several);
    (dimension, "") for a group; (measure or column, "") for a measure or a sort."""
    text: str
    """The name as the dataset writes it (what the preview shows)."""


@dataclass(frozen=True)
class Reading:
    """What a query was read as: the selection, and the words it did not understand."""

    selection: Selection
    read: tuple[str, ...]
    """Each understood part as the preview shows it (``Kent``, ``2023/24``, ``by platform``)."""
    unknown: tuple[str, ...] = ()
    dropped: tuple[str, ...] = ()
    """Understood but not applied (a breakdown the measure is not split by)."""
    understood: bool = True
    """Whether any word was understood (else the selection is the first screen's)."""

    def describe(self) -> str:
        """One line for the preview: what the table will show, then what was not understood;
        every label as visible text (:func:`safe_text`), whatever a file's names hold."""
        text = " · ".join(self.read) or "nothing understood yet"
        if self.dropped:
            text += f" (not applied: {', '.join(self.dropped)})"
        if self.unknown:
            text += f" · not understood: {' '.join(self.unknown)}"
        return safe_text(text)


class Vocabulary:
    """Every name the search knows for one dataset: members, dimensions, measures, orders."""

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset
        self.order = drill_order(list(dataset.dimensions))
        self.years = dataset.members(YEAR) if YEAR in dataset.dimensions else ()
        names: dict[str, dict[tuple[str, str], None]] = {}
        for dimension in dataset.dimensions:
            if dimension == OFFENCE:
                continue
            for member in dataset.members(dimension):
                if member in (NOT_SPLIT, NOT_RECORDED):
                    continue
                for text in {phrase(member), phrase(member.replace("-", " "))} - {""}:
                    names.setdefault(text, {})[(dimension, member)] = None  # "–" has no words
        self.members = {
            text: Term("member", tuple(sorted(found, key=self._coarse)), self._label(found))
            for text, found in names.items()
        }
        self.others: dict[str, Term] = {}
        for dimension in dataset.dimensions:
            self._add("group", dimension, "", label(dimension), label(dimension))
            self._add("group", dimension, "", label(dimension) + "s", label(dimension))
        for word, dimension in GROUP_WORDS.items():
            if dimension in dataset.dimensions:
                self._add("group", dimension, "", word, label(dimension))
        for measure in dataset.measures:
            self._add("measure", measure, "", label(measure), label(measure))
            self._add("measure", measure, "", measure, label(measure))
        for word, measure in MEASURE_WORDS.items():
            if measure in dataset.measures:
                self._add("measure", measure, "", word, label(measure))
        for word, column in SORT_WORDS.items():
            self._add("sort", column, "", word, label(column))
        for word in LOWEST:
            self._add("lowest", "", "", word, word)
        if JURISDICTION in dataset.dimensions:
            known = dataset.members(JURISDICTION)
            for key, jurisdictions in JURISDICTION_KEYS.items():
                present = tuple((JURISDICTION, j) for j in jurisdictions if j in known)
                if present and phrase(key) not in self.members:
                    text = "UK" if len(present) > 1 else present[0][1]
                    self.members[phrase(key)] = Term("member", present, text)
        self.spellings = member_spellings(repo_data_dir() / "member_spellings.csv")
        self.forces = force_names(repo_data_dir() / "forces.csv")

    def _coarse(self, value: tuple[str, str]) -> int:
        return self.order.index(value[0]) if value[0] in self.order else len(self.order)

    @staticmethod
    def _label(found: Iterable[tuple[str, str]]) -> str:
        return next(iter(found))[1]

    def _add(self, kind: str, key: str, member: str, text: str, shown: str) -> None:
        if phrase(text):
            self.others.setdefault(phrase(text), Term(kind, ((key, member),), shown))

    def exact(self, window: Sequence[str]) -> Term | None:
        """The term the words of ``window`` name exactly (as written, or a known spelling)."""
        text = " ".join(window)
        if text in self.members:
            return self.members[text]
        if text in self.others:
            return self.others[text]
        squashed = loose(text)
        for dimension, table in self.spellings.items():
            meant = table.get(squashed)
            known = dimension in self.dataset.dimensions
            if meant and known and meant in self.dataset.members(dimension):
                return Term("member", ((dimension, meant),), meant)
        if self.forces is not None and "force" in self.dataset.dimensions:
            force = self.forces.match(text)
            if force in self.dataset.members("force") and loose(text) not in FILLER:
                return Term("member", (("force", force),), force)
        return None

    def year(self, word: str) -> str | None:
        """The year ``word`` names (``2023/24``, ``2023-24``, ``23/24``, ``2023``, ``23``)."""
        found = re.fullmatch(r"(\d{2}|\d{4})(?:[/\-](\d{2}|\d{4}))?", word)
        if not found:
            return None
        start = int(found[1]) + (2000 if len(found[1]) == 2 else 0)
        if found[2] is not None and int(found[2]) % 100 != (start + 1) % 100:
            return None
        text = f"{start}/{(start + 1) % 100:02d}"
        return text if text in self.years else None

    def started(self, word: str) -> Term | None:
        """The term one of whose words ``word`` begins: a name beginning with it first, then the
        shortest; members before dimension words when both fit as well."""
        if len(word) < SHORTEST_PREFIX:
            return None
        found: list[tuple[tuple[int, int, int], Term]] = []
        for kind_rank, table in ((0, self.members), (1, self.others)):
            for text, term in table.items():
                parts = text.split()
                if not parts:  # a name of marks only ("[/]"): no word to begin
                    continue
                if parts[0].startswith(word):
                    found.append(((0, len(text), kind_rank), term))
                elif any(p.startswith(word) for p in parts[1:]):
                    found.append(((1, len(text), kind_rank), term))
        return min(found, key=lambda item: item[0])[1] if found else None


@lru_cache(maxsize=4)
def vocabulary(dataset: Dataset) -> Vocabulary:
    """The names the search knows for ``dataset`` (built once per dataset)."""
    return Vocabulary(dataset)


def terms(dataset: Dataset, query: str) -> tuple[list[Term], list[str]]:
    """The terms ``query`` names, in order, and the words not understood."""
    known = vocabulary(dataset)
    tokens = words(query)
    found: list[Term] = []
    unknown: list[str] = []
    index = 0
    while index < len(tokens):
        for size in range(min(LONGEST_NAME, len(tokens) - index), 0, -1):
            term = known.exact(tokens[index : index + size])
            if term is not None:
                found.append(term)
                index += size
                break
        else:
            word = tokens[index]
            index += 1
            year = known.year(word)
            if year is not None:
                found.append(Term("member", ((YEAR, year),), year))
            elif word in FILLER:
                continue
            elif (term := known.started(word)) is not None:
                found.append(term)
            else:
                unknown.append(word)
    return found, unknown


def read_query(dataset: Dataset, query: str, current: Selection | None = None) -> Reading:
    """The selection ``query`` asks for, starting from the dataset's first screen (keeping the
    current selection's published-only view)."""
    found, unknown = terms(dataset, query)
    start = initial_selection(dataset)
    if current is not None and current.published_only:
        start = start.with_published_only(True)
    places = [t for t in found if t.kind == "member" and t.values[0][0] in PLACES]
    others = [t for t in found if t.kind == "member" and t.values[0][0] not in PLACES]
    groups = [t.values[0][0] for t in found if t.kind == "group"]
    measures = [t.values[0][0] for t in found if t.kind == "measure"]
    sorts = [t.values[0][0] for t in found if t.kind == "sort"]
    lowest = any(t.kind == "lowest" for t in found)

    chosen = _place_members(places)
    filters: dict[str, list[str]] = {}
    for dimension, member in chosen:
        filters.setdefault(dimension, []).append(member)
    for term in others:
        dimension, member = term.values[0]
        filters.setdefault(dimension, []).append(member)
    place_dimensions = [d for d in PLACES if d in filters]
    if groups:
        group = groups[-1]
    elif place_dimensions:
        group = place_dimensions[-1]
    else:
        group = next((d for d in reversed(PLACES) if d in dataset.dimensions), start.group_by)
    measure, dropped = _measure(dataset, start.measure, measures, group, filters)
    for dimension in dropped:
        filters.pop(dimension, None)

    selection = start.grouped_by(group).with_measure(measure)
    jurisdictions = _jurisdictions(dataset, chosen)
    if jurisdictions is not None:
        selection = selection.with_filter(JURISDICTION, jurisdictions)
    for dimension, members in filters.items():
        selection = selection.with_filter(dimension, members)
    if sorts:
        selection = selection.with_sort(sorts[-1], not lowest)
    elif lowest:
        selection = selection.with_sort(measure, False)

    read = [", ".join(m) for d, m in filters.items()]
    read.append(f"by {label(group).lower()}")
    read.append(label(measure).lower())
    if selection.sort_column is not None:
        direction = "lowest" if not selection.descending else "highest"
        read.append(f"{direction} {label(selection.sort_column).lower()} first")
    return Reading(
        selection,
        tuple(read),
        tuple(unknown),
        tuple(label(d).lower() for d in dropped),
        bool(found),
    )


def _place_members(places: list[Term]) -> list[tuple[str, str]]:
    """(dimension, member) of each place named: in one dimension that holds them all where one
    does (``ew ni``: both jurisdictions), else each in the coarsest that holds it."""
    if not places:
        return []
    shared = [
        d for d, _ in places[0].values if all(any(v[0] == d for v in t.values) for t in places)
    ]
    chosen: list[tuple[str, str]] = []
    for term in places:
        if shared:
            chosen += [v for v in term.values if v[0] == shared[0]]
        else:
            chosen.append(term.values[0])
    return list(dict.fromkeys(chosen))


def _measure(
    dataset: Dataset,
    default: str,
    named: list[str],
    group: str,
    filters: dict[str, list[str]],
) -> tuple[str, list[str]]:
    """The measure: the one named, else the first that is split by every dimension asked for
    (platforms are counted in instances); and the dimensions it is not split by (not applied)."""
    wanted = [group, *filters]
    candidates = named[-1:] or [default, *(m for m in dataset.measures if m != default)]
    for measure in candidates:
        split = set(drill_dimensions(dataset, measure)) | set(PLACES) | {YEAR}
        if all(d in split for d in wanted):
            return measure, []
    measure = candidates[0]
    split = set(drill_dimensions(dataset, measure)) | set(PLACES) | {YEAR}
    return measure, [d for d in filters if d not in split]


def _jurisdictions(dataset: Dataset, chosen: list[tuple[str, str]]) -> tuple[str, ...] | None:
    """The jurisdictions the named places are in (``None``: no place named, keep the default)."""
    if JURISDICTION not in dataset.dimensions or not chosen:
        return None
    named = [m for d, m in chosen if d == JURISDICTION]
    if named:
        return tuple(named)
    cube = dataset.cube
    found: dict[str, None] = {}
    for dimension, member in chosen:
        rows = cube.filter(pl.col(dimension).cast(pl.String) == member)
        for jurisdiction in rows[JURISDICTION].cast(pl.String).unique().sort().to_list():
            found[jurisdiction] = None
    return tuple(found) or None


def closest_members(members: Sequence[str], text: str, count: int = 3) -> list[str]:
    """The members a mistyped or partial name most likely means (``manchester``: Greater
    Manchester): names holding a word it begins, else the most similar spellings."""
    wanted = words(text)
    if wanted:
        holding = [
            m for m in members if all(any(w.startswith(t) for w in words(m)) for t in wanted)
        ]
        if holding:
            return sorted(holding, key=len)[:count]
    by_phrase = {phrase(m): m for m in members}
    close = difflib.get_close_matches(phrase(text), list(by_phrase), n=count, cutoff=0.6)
    return [by_phrase[c] for c in close]
