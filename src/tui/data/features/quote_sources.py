"""Where a quoted number comes from: the weakest provenance behind a total (published, derived,
modelled, or as a user's file has it) and the source a sentence cites."""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl

from tui.data.dataset import Dataset
from tui.data.engine.cells import cells
from tui.data.figures.targets import Figure
from tui.data.selection import Selection

PROVENANCE = "provenance"
"""The dataset column saying, per row, whether its number is published, derived or modelled."""
PUBLISHED, DERIVED, MODELLED = "published", "derived", "modelled"
AS_FILED = "as filed"
"""A user's own file without provenance: quoted as what the file says."""
WEAKEST_FIRST = (MODELLED, DERIVED, PUBLISHED)
PUBLISHER = re.compile(r"^(?P<title>.*\S)\s*\((?P<publisher>[^()]+)\)$")
"""A source title as the figures tables give it: ``Headline (Publisher)``."""


NSPCC_FOI = "NSPCC Freedom of Information figures"
"""Who produced most published figures: the NSPCC's Freedom of Information requests to every
police force; local and national news reprinted them."""
NSPCC_PAGE = "nspcc.org.uk"


@dataclass(frozen=True)
class Source:
    """Where a figure was published: a title and, if known, when, and who produced it when
    that is not the publisher (the NSPCC's FOI figures, reported by a local paper)."""

    title: str
    published: str | None = None
    origin: str | None = None

    def __str__(self) -> str:
        """The original publisher first, then who reported it, the headline in quotes and the
        date: short and checkable (the address goes with the copied table and exports), never a
        bracket inside the sentence's bracket."""
        found = PUBLISHER.match(self.title)
        if found:
            publisher = found["publisher"].split(";")[0].split(",")[0].strip()
            headline = f"\u201c{found['title']}\u201d"
            if self.origin and not self.origin.startswith(publisher):
                cited = f"{self.origin}, reported by {publisher}, {headline}"
            elif self.origin:
                cited = f"{self.origin}, {headline}"
            else:
                cited = f"{publisher}, {headline}"
        elif self.origin and not self.title.startswith(self.origin):
            cited = f"{self.origin}, \u201c{self.title}\u201d"
        else:
            cited = self.title
        return f"{cited}, published {self.published}" if self.published else cited


def cited_source(figure: Figure) -> Source:
    """How a sentence cites a published figure: the NSPCC's FOI figures as the NSPCC's,
    whoever reprinted them (its release, a note or the source's own words name the NSPCC)."""
    said = " ".join((figure.source_title, figure.period_note, figure.quote, figure.source_url))
    origin = NSPCC_FOI if "NSPCC" in said or NSPCC_PAGE in figure.source_url else None
    return Source(figure.source_title, figure.published or None, origin)


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
