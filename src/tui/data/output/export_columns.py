"""What the uncertainty columns of a summary export mean, for the sidecar's ``[columns]`` and
Excel's Notes sheet: a recorded count's exact Poisson interval and its change test, the range the
published figures allow, and a modelled count's (and change's) intervals from the model's draws."""

from __future__ import annotations

from typing import Any

from tui.data.engine import stats
from tui.data.engine.estimates import CHANGE_LEVEL
from tui.data.engine.ranges import RANGE_HIGH, RANGE_KIND, RANGE_LOW
from tui.data.engine.table import (
    CHANGE95_HIGH,
    CHANGE95_LOW,
    CHANGE_SIGNIFICANT,
    HIGH,
    INTERVAL80_HIGH,
    INTERVAL80_LOW,
    INTERVAL95_HIGH,
    INTERVAL95_LOW,
    LOW,
    MODEL_INTERVALS,
    RATE_CHILDREN_HIGH,
    RATE_CHILDREN_LOW,
    RATE_HIGH,
    RATE_LOW,
)


def uncertainty_columns(measure: str) -> dict[str, dict[str, Any]]:
    """What the interval and significance columns mean, naming their methods."""
    interval = {
        "level": stats.LEVEL,
        "method": stats.INTERVAL_METHOD,
        "missing": "for a modelled count: it was not recorded, so it has no chance spread "
        "(range_low and range_high say what the published figures allow); for a partial count "
        "(force-years missing): it is not the count an interval would be of",
    }
    return {
        LOW: {"meaning": f"lower limit of the 95% interval of {measure}", **interval},
        HIGH: {"meaning": f"upper limit of the 95% interval of {measure}", **interval},
        RATE_LOW: {"meaning": "lower limit of the 95% interval of the rate per 100k", **interval},
        RATE_HIGH: {"meaning": "upper limit of the 95% interval of the rate per 100k", **interval},
        RATE_CHILDREN_LOW: {
            "meaning": "lower limit of the 95% interval of the rate per 10k children",
            **interval,
        },
        RATE_CHILDREN_HIGH: {
            "meaning": "upper limit of the 95% interval of the rate per 10k children",
            **interval,
        },
        CHANGE_SIGNIFICANT: {
            "meaning": "whether the change is statistically distinguishable from no change "
            "(empty where no change is shown, and where either count is modelled: a model's "
            "estimate is not a measurement to test)",
            "method": stats.CHANGE_METHOD,
            "significance": stats.SIGNIFICANCE,
        },
    }


def range_columns(measure: str) -> dict[str, dict[str, Any]]:
    """What the range columns mean: what the published figures allow for each count."""
    allowed = (
        f"the published figures allow for the row's {measure}: a published or derived count is "
        "fixed (low = high = the count); a modelled one ranges over every value that all "
        "targeted published figures allow together"
    )
    return {
        RANGE_LOW: {"meaning": f"smallest value {allowed}", "unit": f"count of {measure}"},
        RANGE_HIGH: {"meaning": f"largest value {allowed}", "unit": f"count of {measure}"},
        RANGE_KIND: {
            "meaning": "exact: the range of this very number, as the published figures allow it "
            "(one scope-year, or fixed); bound: a sum of modelled parts, given the sum of the "
            "parts' ranges (the exact range lies inside it). Empty where no range is known",
        },
    }


ESTIMATE_TITLES = {
    INTERVAL80_LOW: "80% interval low",
    INTERVAL80_HIGH: "80% interval high",
    INTERVAL95_LOW: "95% interval low",
    INTERVAL95_HIGH: "95% interval high",
    CHANGE95_LOW: "Change 95% low",
    CHANGE95_HIGH: "Change 95% high",
}
"""Headers of the columns that say how sure a modelled number is."""


def estimate_columns(measure: str) -> dict[str, dict[str, Any]]:
    """What the interval columns of a modelled count and of a modelled change mean."""
    drawn = (
        f"of the row's modelled {measure}: the central {{}} of the builder's reconciled draws of "
        "the row's sum (every draw meets every published figure; a sum's interval comes from the "
        "draws of the sum, never by adding intervals), clipped to range_low..range_high, the hard "
        "limit the published figures allow"
    )
    empty = (
        "empty for a published, derived or partial count (not an estimate), in the published-"
        "only view, and for data without model draws (a user's file)"
    )
    unit = f"count of {measure}"
    change = (
        "of the row's change when it compares a modelled count: the change computed draw by draw "
        "(latest year's sum over the previous year's in the same draw, minus 1), its central 95%. "
        "Not a significance test: change_significant stays empty; an interval above 0 reads "
        "'likely up', below 0 'likely down'"
    )
    ends = {
        INTERVAL80_LOW: ("lower end " + drawn.format("80%"), 0.8),
        INTERVAL80_HIGH: ("upper end " + drawn.format("80%"), 0.8),
        INTERVAL95_LOW: ("lower end " + drawn.format("95%"), 0.95),
        INTERVAL95_HIGH: ("upper end " + drawn.format("95%"), 0.95),
        CHANGE95_LOW: ("lower end " + change, CHANGE_LEVEL),
        CHANGE95_HIGH: ("upper end " + change, CHANGE_LEVEL),
    }
    return {
        column: {
            "header": ESTIMATE_TITLES[column],
            "meaning": meaning,
            "level": level,
            "unit": unit if column in MODEL_INTERVALS else "fraction of 1 (+0.10 = +10%)",
            "missing": empty if column in MODEL_INTERVALS else "empty for any other change",
        }
        for column, (meaning, level) in ends.items()
    }
