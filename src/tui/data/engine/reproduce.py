"""Whether a dataset reproduces the published figures: each figure beside the value the query
engine computes for it.

Reads the same targets table as the builder (:mod:`tui.data.figures.targets`), so the two can never
disagree about what was published. A *mismatch* is a target figure the dataset does not reproduce.
The builder writes only a dataset with none; ``scwc sources`` reports every figure
(:mod:`tui.data.features.reconcile`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tui.data.dataset import Dataset
from tui.data.engine.query import summary
from tui.data.engine.table import SHARE_RECORDED
from tui.data.figures.published import figures
from tui.data.figures.targets import TARGET, Figure
from tui.data.schema import FORCE, YEAR
from tui.data.selection import Selection


@dataclass(frozen=True)
class Check:
    """A published figure, the dataset's value for it, and whether it is reproduced."""

    figure: Figure
    value: float | None

    @property
    def ok(self) -> bool:
        """The dataset's value is within the figure's bounds."""
        return self.value is not None and self.figure.holds(self.value)

    @property
    def mismatch(self) -> bool:
        """A target figure the dataset does not reproduce."""
        return self.figure.status == TARGET and not self.ok

    def dataset_value(self) -> str:
        """The dataset's value printed like the published one."""
        if self.value is None:
            return "–"
        if self.figure.unit == "share" or (self.figure.value < 1 and self.value < 1):
            return f"{self.value:.1%}"
        return f"{self.value:,.0f}" if self.value == int(self.value) else f"{self.value:,.2f}"

    def verdict(self) -> str:
        """``reproduced``/``MISMATCH`` for targets, else the status."""
        if self.figure.status == TARGET:
            return "reproduced" if self.ok else "MISMATCH"
        return self.figure.status

    def describe(self) -> str:
        """One line: scope, year, measure, published vs dataset, status and source."""
        f = self.figure
        return (
            f"{f.scope} {f.year} {f.measure}: published {f.describe_value()}, dataset "
            f"{self.dataset_value()}: {self.verdict()} ({f.source_title})"
        )

    def as_record(self) -> dict[str, object]:
        """The check as a plain record (for ``scwc sources --json``)."""
        f = self.figure
        return {
            "id": f.id,
            "scope_type": f.scope_type,
            "scope": f.scope,
            "year": f.year,
            "measure": f.measure,
            "unit": f.unit,
            "published": f.value,
            "dataset": self.value,
            "status": f.status,
            "verdict": self.verdict(),
            "reason": f.reason,
            "source_title": f.source_title,
            "source_url": f.source_url,
            "source_date": f.published,
        }


def _selection(figure: Figure, years: tuple[str, ...] | None = None) -> Selection:
    spec = figure.spec
    assert spec is not None
    selection = Selection(group_by=spec.dimension or YEAR, measure=spec.measure)
    selection = selection.with_filter("jurisdiction", spec.jurisdictions)
    if spec.forces is not None:
        selection = selection.with_filter(FORCE, spec.forces)
    return selection.with_filter(YEAR, years or spec.years)


def value_of(dataset: Dataset, figure: Figure) -> float | None:
    """The dataset's value for a figure, or ``None`` when the dataset cannot compute it."""
    spec = figure.spec
    if spec is None or "jurisdiction" not in dataset.dimensions:
        return None
    if spec.forces is not None and not set(spec.forces) <= set(dataset.members(FORCE)):
        return None
    if figure.measure.startswith("ratio_"):
        year, years = spec.years[0], dataset.members(YEAR)
        if year not in years or years.index(year) == 0:
            return None
        before = years[years.index(year) - 1]
        now, then = (
            _total(dataset, _selection(figure, (y,)).with_filter(spec.dimension, spec.members))
            for y in (year, before)
        )
        return now / then if then else None
    selection = _selection(figure)
    if spec.share or spec.recorded_only:
        result = summary(dataset, selection)
        if spec.recorded_only:
            return float(result.recorded_total)
        frame = result.frame
        kept = frame.filter(frame[spec.dimension].cast(str).is_in(list(spec.members)))
        return float(kept[SHARE_RECORDED].fill_null(0).sum())
    if spec.dimension:
        selection = selection.with_filter(spec.dimension, spec.members).grouped_by(YEAR)
    return _total(dataset, selection)


def _total(dataset: Dataset, selection: Selection) -> float:
    return float(summary(dataset, selection).totals[selection.measure] or 0)


def reconcile(dataset: Dataset, data_dir: Path) -> list[Check]:
    """Every published figure checked against the dataset (each target must be reproduced)."""
    return [Check(figure, value_of(dataset, figure)) for figure in figures(data_dir)]
