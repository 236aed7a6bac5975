"""What each loading step did, collected for the CLI (one or two lines) and the About screen."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class LoadReport:
    """Notes from the loading steps, in the order they ran."""

    file: str
    steps: list[tuple[str, str]] = field(default_factory=list)
    skipped_rows: int = 0
    """Data rows left out of the dataset (totals, footnote lines)."""

    def add(self, step: str, text: str) -> None:
        """Record what ``step`` did, in a line fit for a user."""
        self.steps.append((step, text))

    @property
    def notes(self) -> tuple[str, ...]:
        """Every note, in order."""
        return tuple(text for _, text in self.steps)

    def summary(self) -> str:
        """All notes on one line (the CLI prints it under the dataset's name)."""
        return "; ".join(self.notes)


def shorten(items: list[str], limit: int = 6) -> str:
    """``a, b, c and 4 more``."""
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")
