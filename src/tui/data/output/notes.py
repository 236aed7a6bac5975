"""The notes that go with a summary, in words: what is modelled, which offence is counted, the
filters, what the marks and the columns mean. ``scwc summary`` prints them around its table and the
Python API (:mod:`tui.api`) hands them out with its frames; both read them here."""

from __future__ import annotations

from dataclasses import dataclass

from tui.data.dataset import Dataset
from tui.data.engine.query import counting, offence_caveat
from tui.data.engine.table import Summary
from tui.data.output.export_record import filters_text
from tui.data.output.format import PUBLISHED_ONLY_LEGEND
from tui.data.output.table_notes import (
    change_basis_lines,
    legend_lines,
    modelled_notes,
    no_data_note,
    rate_notes,
    recorded_note,
    uncertainty_note,
)
from tui.data.selection import Selection

MODELLED_DATA = "MODELLED data: published totals are exact, the breakdown below them is modelled."
INTERVAL_NOTE = (
    "95% low/high: exact Poisson interval of the count (Garwood); none for a modelled or partial "
    "count."
)
RATE_TITLES = ("Rate per 100k", "Rate per 10k children")


@dataclass(frozen=True)
class SummaryNotes:
    """What to say before a summary's table (the data and the selection) and after it (what its
    marks and columns mean)."""

    before: tuple[str, ...]
    after: tuple[str, ...]

    @property
    def all(self) -> tuple[str, ...]:
        return (*self.before, *self.after)


def dataset_notes(dataset: Dataset) -> list[str]:
    """What the loader said about the file, and whether its numbers are modelled."""
    lines = [f"Read: {'; '.join(dataset.notes)}"] if dataset.notes else []
    return [*lines, MODELLED_DATA] if dataset.modelled else lines


def selection_notes(dataset: Dataset, selection: Selection) -> list[str]:
    """Which offence the selection counts (and what 88A holds), and its filters."""
    lines = [
        line for line in (offence_caveat(dataset, selection), counting(dataset, selection)) if line
    ]
    return [*lines, f"Filters: {filters_text(selection)}"]


def summary_notes(dataset: Dataset, selection: Selection, result: Summary) -> SummaryNotes:
    """Every note of ``result`` (the summary of ``selection``), as ``scwc summary`` prints them."""
    before = dataset_notes(dataset)
    if result.published_only:
        before.append(PUBLISHED_ONLY_LEGEND)
    before += selection_notes(dataset, selection)
    after = legend_lines(result)
    after += [
        n for n in (recorded_note(result), uncertainty_note(result), no_data_note(result)) if n
    ]
    after += modelled_notes(result, selection.sort_column, verbose=True)[result.published_only :]
    after += change_basis_lines(result)
    after += [f"{note}." for note in rate_notes(result, RATE_TITLES)]
    after.append(INTERVAL_NOTE)
    return SummaryNotes(tuple(before), tuple(after))
