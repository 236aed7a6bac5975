"""How a quote words the change on the previous year: up or down and whether it is more than
chance; over the forces with a figure in both years (not tested); not given where it cannot be
tested (a modelled count, a flagged figure, a partial sum); and, for a modelled count, *likely up*
or *likely down* when the 95% interval of the change read from the model's draws excludes 0
(never a test, never *significant*)."""

from __future__ import annotations

from typing import Protocol


class ChangeFacts(Protocol):
    """What a quote's facts say of its change (:class:`tui.data.features.quote.QuoteFacts`)."""

    previous_year: str | None
    change: float | None
    significant: bool | None
    change_over: str
    change_untested: bool
    untested_why: str
    change_interval: tuple[float, float] | None
    change_likely: str


UNTESTED_WHY = {
    "○": "a modelled count cannot be tested for change",
    "!": "it compares a figure flagged as doubtful",
    "◔": "a sum with force-years missing is not tested for change",
}
"""Why a change is not given, by the mark in front of it (○ modelled, ! flagged, ◔ partial)."""


def change_words(facts: ChangeFacts) -> str:
    """The change in the sentence: ``, up 15% on 2022/23, a change small enough to be chance``;
    ``, likely up on 2023/24`` for a modelled one the draws agree on; empty when none is given."""
    if facts.change_untested and facts.change_likely and facts.previous_year:
        return f", {facts.change_likely} on {facts.previous_year}"  # read from draws, no test
    if facts.change is None or facts.previous_year is None or facts.change_untested:
        return ""
    percent = abs(facts.change) * 100
    amount = f"{percent:.1f}%" if percent < 1 else f"{percent:.0f}%"
    if percent == 0:
        words = f", the same as in {facts.previous_year}"
    else:
        direction = "up" if facts.change > 0 else "down"
        words = f", {direction} {amount} on {facts.previous_year}"
    if facts.change_over:  # like with like, not the whole: no test
        return f"{words} over {facts.change_over}"
    if facts.significant is False:
        words += ", a change small enough to be chance"
    elif facts.significant is True and percent:
        words += ", more than chance would explain"
    return words


def change_note(facts: ChangeFacts) -> str:
    """What the note in brackets says of a change not tested: read from the draws, or why none."""
    if facts.change_untested and facts.change_likely and facts.change_interval:
        low, high = (f"{v * 100:+.0f}%" for v in facts.change_interval)
        return (
            f"; the change on {facts.previous_year} is read from the model's draws "
            f"(95% interval {low} to {high}), not tested"
        )
    if facts.change_untested:
        return f"; no change on {facts.previous_year} is given: {facts.untested_why}"
    return ""
