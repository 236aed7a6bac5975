"""Published figures beside the value the dataset gives, computed through the query engine."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from tui.data.dataset import Dataset
from tui.data.query import CHANGE, SHARE_RECORDED, summary
from tui.data.schema import MEASURE, YEAR
from tui.data.selection import Selection

SHARE_TOLERANCE = 0.005
META_OR_SNAP = ("Facebook", "Messenger", "Instagram", "WhatsApp", "Snapchat")

# measure name -> (dimension, members): a count of those members, or their share where recorded
COUNTS: dict[str, tuple[str, tuple[str, ...]] | None] = {
    "offences": None,
    "offences_platform_facebook_snapchat_instagram": (
        "platform",
        ("Facebook", "Snapchat", "Instagram"),
    ),
    "victims_age_0_11": ("age_band", ("0-11",)),
    "victims_age_12_15": ("age_band", ("12-15",)),
}
SHARES: dict[str, tuple[str, tuple[str, ...]]] = {
    "share_victims_age_0_11_where_recorded": ("age_band", ("0-11",)),
    "share_meta_or_snapchat_where_recorded": ("platform", META_OR_SNAP),
    "share_instagram_where_recorded": ("platform", ("Instagram",)),
}
YEAR_RATIOS: dict[str, tuple[str, tuple[str, ...]]] = {
    "ratio_instagram_instances_vs_previous_year": ("platform", ("Instagram",)),
}


@dataclass(frozen=True)
class Figure:
    """One published figure (a row of ``published_figures.csv``)."""

    scope_type: str
    scope: str
    year: str
    measure: str
    value: float
    unit: str
    source: str
    note: str


@dataclass(frozen=True)
class Check:
    """A published figure, the dataset's value for it, and whether they agree."""

    figure: Figure
    value: float | None
    ok: bool

    def describe(self) -> str:
        """One line: scope, year, measure, published vs dataset."""
        f = self.figure
        got = "n/a" if self.value is None else f"{self.value:g}"
        verdict = "match" if self.ok else "MISMATCH"
        return f"{f.scope} {f.year} {f.measure}: published {f.value:g} ({f.unit}), dataset {got}: {verdict}"


def read_figures(path: Path) -> list[Figure]:
    """The published figures file."""
    with path.open(newline="", encoding="utf-8") as handle:
        return [
            Figure(
                r["scope_type"],
                r["scope"],
                r["year"],
                r["measure"],
                float(r["value"]),
                r["unit"],
                r["source"],
                r.get("note") or "",
            )
            for r in csv.DictReader(handle)
        ]


def _base(dataset: Dataset, figure: Figure) -> Selection | None:
    selection = Selection(group_by=YEAR, measure=MEASURE)
    if figure.scope_type == "force":
        selection = selection.with_filter("force", (figure.scope,))
    elif figure.scope_type == "force_group":
        selection = selection.with_filter(
            "force", tuple(s.strip() for s in figure.scope.split(","))
        )
    elif figure.scope_type != "country":
        return None
    if "force" in dict(selection.filters):
        known = set(dataset.members("force"))
        if not set(selection.members("force") or ()) <= known:
            return None
    if figure.measure not in YEAR_RATIOS:
        selection = selection.with_filter(YEAR, tuple(figure.year.split("-")))
    return selection


def value_of(dataset: Dataset, figure: Figure) -> float | None:
    """The dataset's value for a published figure, or ``None`` if the figure cannot be computed."""
    needed = {YEAR, "force", "age_band", "platform"}
    if not needed <= set(dataset.dimensions) or MEASURE not in dataset.measures:
        return None
    selection = _base(dataset, figure)
    if selection is None:
        return None
    if figure.measure in COUNTS:
        narrowing = COUNTS[figure.measure]
        if narrowing:
            selection = selection.with_filter(*narrowing)
        return float(summary(dataset, selection).totals[MEASURE] or 0)
    if figure.measure in SHARES:
        dimension, members = SHARES[figure.measure]
        frame = summary(dataset, selection.grouped_by(dimension)).frame
        kept = frame.filter(frame[dimension].cast(str).is_in(list(members)))
        return float(kept[SHARE_RECORDED].fill_null(0).sum())
    if figure.measure in YEAR_RATIOS:
        dimension, members = YEAR_RATIOS[figure.measure]
        frame = summary(dataset, selection.with_filter(dimension, members)).frame
        row = frame.filter(frame[YEAR].cast(str) == figure.year)
        if row.height == 0 or row[CHANGE][0] is None:
            return None
        return 1.0 + float(row[CHANGE][0])
    return None


def check(dataset: Dataset, figure: Figure) -> Check:
    """Compare one figure: counts exactly, shares within ±0.005, lower bounds strictly above."""
    value = value_of(dataset, figure)
    if value is None:
        return Check(figure, None, False)
    if figure.unit == "count":
        ok = value == figure.value
    elif figure.unit == "share":
        ok = abs(value - figure.value) <= SHARE_TOLERANCE + 1e-12
    elif figure.unit == "lower_bound":
        ok = value > figure.value
    else:
        ok = False
    return Check(figure, value, ok)


def reconcile(dataset: Dataset, figures_path: Path) -> list[Check]:
    """Every published figure checked against the dataset."""
    return [check(dataset, figure) for figure in read_figures(figures_path)]
