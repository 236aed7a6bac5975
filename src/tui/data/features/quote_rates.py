"""The rates a quote gives after its sentence: the engine's own two rates for the selection (the
same as every view's), or why there is none."""

from __future__ import annotations

from tui.data.engine.table import RATE, RATE_CHILDREN, Summary


def rates_of(result: Summary) -> tuple[float, float] | None:
    residents, children = result.totals.get(RATE), result.totals.get(RATE_CHILDREN)
    if residents is None or children is None:
        return None
    return float(residents), float(children)  # type: ignore[arg-type]


def rate_source(result: Summary) -> str:
    """``ONS mid-year estimates`` (what the rates divide by), or why there is no rate."""
    if result.rate_label is None or result.totals.get(RATE) is None:
        return result.rate_note or ""
    return result.rate_label.split("(", 1)[1].split(")", 1)[0]


def rate_sentence(
    rates: tuple[float, float] | None,
    source: str,
    estimate: bool,
    several_years: bool,
    partial: bool,
) -> str:
    """`` That is 13.92 per 100,000 residents and 6.36 per 10,000 children aged 0-17, by ONS
    mid-year population estimates.`` (``source``: :func:`rate_source`), or why there is no rate;
    empty for data without populations."""
    if rates is None:
        reason = source.removeprefix("no rate: ")
        return f" No rate is given: {reason}." if reason else ""
    residents, children = rates
    words = "an estimated " if estimate else ""
    per_year = " a year" if several_years else ""
    over = ", over the force-years with a figure" if partial else ""
    return (
        f" That is {words}{residents:,.2f} per 100,000 residents and {children:,.2f} per 10,000 "
        f"children aged 0-17{per_year}{over}, by {source.replace('estimates', 'population estimates')}."
    )
