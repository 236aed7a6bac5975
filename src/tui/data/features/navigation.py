"""Where a user starts, what clearing keeps, the jurisdiction keys, and the levels a drill-down
walks through."""

from __future__ import annotations

from functools import lru_cache

import polars as pl

from tui.data.dataset import DataError, Dataset
from tui.data.engine.cells import CACHE_SIZE
from tui.data.schema import (
    HIERARCHIES,
    HOME_OFFICE_OFFENCE_CODE,
    JURISDICTION,
    JURISDICTION_KEYS,
    NOT_SPLIT,
    OFFENCE,
    OFFENCE_CODE,
    drill_order,
)
from tui.data.selection import Selection


@lru_cache(maxsize=CACHE_SIZE)
def drill_dimensions(dataset: Dataset, measure: str) -> tuple[str, ...]:
    """The dimensions a measure is broken down by: offences are not split by platform, nor
    platform instances by age band or sex, so a drill-down never stops on a *Not split* level."""
    counted = dataset.cube.filter(pl.col(measure).is_not_null())
    return tuple(
        d
        for d in dataset.dimensions
        if d != OFFENCE and set(counted[d].cast(pl.String).unique().to_list()) != {NOT_SPLIT}
    )


def initial_selection(dataset: Dataset) -> Selection:
    """Where the app starts: the dataset's default filters, grouped one level below them.

    The embedded dataset starts on England and Wales (its metadata's ``default_filters``). A Home
    Office open-data file holding several offences starts filtered to code 88A (sexual grooming,
    which counts sexual communication with a child); without 88A it starts grouped by offence
    code, so the user sees the offences it holds and picks one.
    """
    order = drill_order(list(dataset.dimensions))
    selection = Selection(group_by=order[0], measure=dataset.measure)
    defaults = dataset.metadata.get("default_filters") or {}
    for dimension, members in defaults.items():
        known = dataset.members(dimension) if dimension in dataset.dimensions else ()
        kept = tuple(m for m in members if m in known)
        if kept:
            selection = selection.with_filter(dimension, kept)
    if defaults:
        following = selection.next_level(drill_dimensions(dataset, selection.measure))
        selection = selection.grouped_by(following or order[0])
    if OFFENCE_CODE in dataset.dimensions:
        codes = dataset.members(OFFENCE_CODE)
        if len(codes) > 1 and HOME_OFFICE_OFFENCE_CODE in codes:
            selection = selection.with_filter(OFFENCE_CODE, (HOME_OFFICE_OFFENCE_CODE,))
        elif len(codes) > 1:
            selection = selection.grouped_by(OFFENCE_CODE)
    return selection


PINNED = (OFFENCE_CODE, JURISDICTION)
"""Filters that clearing keeps: they choose *which offence* is counted, and different offences
(Home Office codes; England and Wales, Scotland and Northern Ireland law) are never summed
silently."""


def cleared(dataset: Dataset, selection: Selection) -> Selection:
    """Filters and drill path cleared, except the offence code and jurisdiction: clearing never
    sums unrelated offences together."""
    fresh = selection.cleared()
    for dimension in PINNED:
        kept = selection.members(dimension) or initial_selection(dataset).members(dimension)
        if kept is not None and dimension in dataset.dimensions:
            fresh = fresh.with_filter(dimension, kept)
    return fresh


def with_jurisdiction(dataset: Dataset, selection: Selection, key: str) -> Selection:
    """The selection on one jurisdiction (``ew``, ``scotland``, ``ni``) or all of them (``uk``)."""
    if JURISDICTION not in dataset.dimensions:
        raise DataError("this dataset has no jurisdiction dimension")
    wanted = JURISDICTION_KEYS.get(key)
    if wanted is None:
        raise DataError(f"unknown jurisdiction '{key}' (known: {', '.join(JURISDICTION_KEYS)})")
    present = tuple(j for j in wanted if j in dataset.members(JURISDICTION))
    return selection.with_filter(JURISDICTION, present)


def grouped_below_filters(selection: Selection) -> Selection:
    """After a filter change: a table grouped by a place above a place the filters name (by
    nation, filtered to Kent) would show one row named for the wrong place ("England" holding
    only Kent), so it is grouped by the finest place filtered instead (Kent's own row)."""
    places = HIERARCHIES[0]
    if selection.group_by not in places:
        return selection
    filtered = [d for d in places if selection.members(d) is not None]
    finest = filtered[-1] if filtered else None
    if finest is None or places.index(finest) <= places.index(selection.group_by):
        return selection
    return selection.grouped_by(finest)
