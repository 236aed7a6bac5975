"""Members as people spell them: raw cell values → the member they mean.

Blanks and "Unknown"-like cells are *Not recorded*; years in any spelling are ``2017/18``; force
names match the reference list loosely (``Kent Police``, ``Heddlu Gwent Police``) or through
``data/force_aliases.csv``; platforms and age bands through ``data/member_spellings.csv``. Nothing
is merged that the tables do not say is the same (``13-15`` stays its own band).
"""

from __future__ import annotations

import csv
import difflib
import re
from functools import lru_cache
from pathlib import Path

import polars as pl

from tui.data.dataset import MEMBER, RAW
from tui.data.loading.formula_escape import UNESCAPED
from tui.data.loading.paths import repo_data_dir
from tui.data.loading.report import LoadReport, shorten
from tui.data.loading.years import financial_year
from tui.data.schema import AGE_BANDS, FORCE, NOT_RECORDED, PLATFORMS, UNKNOWN_SPELLINGS, YEAR

FORCE_WORDS = frozenset({"police", "constabulary", "service", "force", "heddlu", "the"})


def loose(text: str) -> str:
    """Lower case, ``&`` as ``and``, letters and digits only (``Snap chat`` → ``snapchat``)."""
    return re.sub(r"[^0-9a-z]", "", text.lower().replace("&", "and"))


def force_key(text: str) -> str:
    """A force name without the words forces add to it (``Heddlu Gwent Police`` → ``gwent``)."""
    words = re.sub(r"[^0-9a-z]+", " ", text.lower().replace("&", " and ")).split()
    return "".join(w for w in words if w not in FORCE_WORDS)


def unescape_formula(text: str) -> str:
    """The cell as written before an export's formula-injection escape (see ``formula_escape``)."""
    return re.sub(UNESCAPED, r"\1", text, count=1)


def tidy(text: str) -> str:
    """Trimmed, inner whitespace collapsed."""
    return " ".join(text.split())


@lru_cache(maxsize=4)
def _read_table(path: Path) -> tuple[tuple[str, ...], ...]:
    with path.open(encoding="utf-8", newline="") as handle:
        return tuple(tuple(row) for row in csv.reader(handle))[1:]


@lru_cache(maxsize=4)
def member_spellings(path: Path) -> dict[str, dict[str, str]]:
    """Per dimension, loose spelling → member: the table plus each member's own name."""
    table: dict[str, dict[str, str]] = {
        "platform": {loose(p): p for p in PLATFORMS if p != NOT_RECORDED},
        "age_band": {loose(a): a for a in AGE_BANDS if a != NOT_RECORDED},
    }
    for dimension, spelling, member in _read_table(path):
        table.setdefault(dimension, {})[loose(spelling)] = member
    return table


class ForceNames:
    """Matches force names to the reference list (``data/forces.csv`` + ``force_aliases.csv``)."""

    def __init__(self, reference: list[str], aliases_path: Path) -> None:
        self.reference = reference
        self.keys = {force_key(name): name for name in reference}
        if aliases_path.is_file():
            for alias, force in _read_table(aliases_path):
                self.keys[force_key(alias)] = force

    def match(self, name: str) -> str | None:
        """The reference name ``name`` means, if any."""
        return self.keys.get(force_key(name))

    def closest(self, name: str) -> str | None:
        """The most similar reference name (to spot a typo), if any is close."""
        found = difflib.get_close_matches(tidy(name), self.reference, n=1, cutoff=0.6)
        return found[0] if found else None


def member(
    dimension: str,
    raw: object,
    spellings: dict[str, dict[str, str]],
    forces: ForceNames | None,
    escaped: bool = False,
) -> str:
    """The member a raw cell value means (``escaped``: undo a CSV export's formula escape)."""
    text = tidy(str(raw)) if raw is not None else ""
    if escaped:
        text = unescape_formula(text)
    if not text or text.lower() in UNKNOWN_SPELLINGS:
        return NOT_RECORDED
    if dimension == YEAR:
        return financial_year(text) or text
    if dimension == FORCE and forces is not None:
        return forces.match(text) or text
    known = spellings.get(dimension)
    if known:
        return known.get(loose(text), text)
    return text


def force_names(forces_path: Path) -> ForceNames | None:
    if not forces_path.is_file():
        return None
    reference = pl.read_csv(forces_path)["force"].to_list()
    return ForceNames(reference, forces_path.with_name("force_aliases.csv"))


def spellings_of(
    raw_cube: pl.DataFrame, dimensions: list[str], forces: ForceNames | None, escaped: bool
) -> dict[str, pl.DataFrame]:
    """Per dimension, (raw, member) for each raw value in the file."""
    table = member_spellings(repo_data_dir() / "member_spellings.csv")
    spellings = {}
    for dimension in dimensions:
        raws = raw_cube.select(pl.col(dimension).alias(RAW)).unique(maintain_order=True)
        members = [member(dimension, r, table, forces, escaped) for r in raws[RAW].to_list()]
        spellings[dimension] = raws.with_columns(pl.Series(MEMBER, members, dtype=pl.String))
    return spellings


def note_spellings(
    spellings: dict[str, pl.DataFrame], dimensions: list[str], crosstab: bool, report: LoadReport
) -> None:
    unknown: list[str] = []
    merged: dict[str, list[str]] = {}
    for dimension in dimensions:
        for raw, meant in spellings[dimension].iter_rows():
            if raw is None:
                continue
            text = str(raw).strip()
            if meant == NOT_RECORDED:
                if text not in ("", NOT_RECORDED):
                    unknown.append(str(raw))
            elif tidy(text) != meant and not (crosstab and dimension == YEAR):
                merged.setdefault(meant, []).append(repr(text))
    if unknown:
        report.add(
            "names", f"read as '{NOT_RECORDED}': {', '.join(repr(v) for v in sorted(set(unknown)))}"
        )
    if merged:
        parts = [f"{', '.join(raws)} → {meant}" for meant, raws in merged.items()]
        report.add("names", f"merged spellings: {shorten(parts, 8)}")
