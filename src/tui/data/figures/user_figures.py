"""A user's own published figures (a newsroom's FOI answer, next year's release): a file with the
columns of ``data/real_figures.csv``, checked row by row before the builder sees it, then added to
a data folder as a figure file of its own, named in the folder's ``figure_files.toml`` with the
prefix of its ids.

A bad row is refused in one line naming the file, the row (numbered as a spreadsheet shows it:
the header is row 1) and what is wrong; nothing is guessed.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import math
import re
from pathlib import Path

import tomli_w

from tui.data.dataset import DataError
from tui.data.figures.files import FIGURE_FILES, region_forces
from tui.data.schema import EW, NI, SCOTLAND

FIGURE_COLUMNS = (
    "scope_type",
    "scope",
    "year",
    "measure",
    "value",
    "unit",
    "period_note",
    "source_title",
    "source_url",
    "published",
    "quote",
)
"""The columns of every figure file (``data/real_figures.csv`` and the others)."""
REQUIRED = ("scope_type", "scope", "year", "measure", "value", "unit", "source_title", "source_url")
"""Cells no row may leave blank: what was counted, and its source."""
UNITS = ("count", "lower_bound", "share")
SCOPE_TYPES = ("country", "region", "force")
COUNTRIES = ("UK", EW, SCOTLAND, NI)
"""A ``country`` scope: the UK (the three jurisdictions together) or one jurisdiction."""
USER_FILE, USER_PREFIX = "user_figures.csv", "U"
"""The name a user's file gets in a data folder, and the prefix of its figures' ids (U000...)."""

FINANCIAL_YEAR = re.compile(r"(\d{4})/(\d{2})")
DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
MEASURE_NAME = re.compile(r"[a-z0-9_]+")
SHOWN = 40
"""Characters of a bad cell a message quotes."""


def _shown(text: str) -> str:
    cut = text if len(text) <= SHOWN else text[: SHOWN - 1] + "…"
    return repr(cut)


def _year_problem(year: str) -> str | None:
    """Why ``year`` is not a financial year (``2025/26``) or a span of them, else ``None``."""
    parts = year.split("-")
    starts = []
    for part in parts:
        match = FINANCIAL_YEAR.fullmatch(part)
        if not match or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
            return "expected a financial year such as 2025/26, or a span such as 2017/18-2019/20"
        starts.append(int(match.group(1)))
    if len(parts) > 2 or (len(parts) == 2 and starts[0] >= starts[1]):
        return "a span is two financial years, the earlier first, such as 2017/18-2019/20"
    return None


def _date_problem(published: str) -> str | None:
    if not published:
        return None
    if DATE.fullmatch(published):
        try:
            dt.date.fromisoformat((published + "-01-01")[:10])
            return None
        except ValueError:
            pass
    return "expected a date such as 2026-03-31 (or 2026-03, or 2026), or nothing"


def _value_problem(value: str, unit: str) -> str | None:
    try:
        number = float(value)
    except ValueError:
        return "expected a number (digits only, no thousands separator: 1234)"
    if not math.isfinite(number) or number < 0:
        return "expected a number of 0 or more"
    if unit == "share" and number > 1:
        return "a share is written as a fraction: 0.25 for 25%"
    if unit != "share" and number != int(number):
        return "a count is a whole number"
    return None


def _scope_problem(scope_type: str, scope: str, regions: dict[str, list[str]]) -> str | None:
    if scope_type == "country":
        if scope not in COUNTRIES:
            return f"a country scope is one of {', '.join(COUNTRIES)}"
        return None
    known = [force for forces in regions.values() for force in forces]
    if scope_type == "region":
        forces = region_forces(scope, regions)
        if forces is None:
            return f"a region is one of {', '.join(regions)}, or names its forces in brackets"
    else:
        forces = tuple(name.strip() for name in scope.split(","))
    for force in forces:
        if force not in known:
            close = difflib.get_close_matches(force, known, n=1)
            hint = f" (closest: {close[0]})" if close else ""
            return f"{force!r} is not a force of data/forces.csv{hint}"
    return None


def _choice_problem(value: str, choices: tuple[str, ...]) -> str | None:
    return None if value in choices else f"expected one of {', '.join(choices)}"


def _measure_problem(measure: str) -> str | None:
    return None if MEASURE_NAME.fullmatch(measure) else "expected a measure name such as offences"


def row_problem(row: dict[str, str], regions: dict[str, list[str]]) -> str | None:
    """What is wrong with one figure row, as ``column 'cell': why``, else ``None``."""
    for column in REQUIRED:
        if not row[column]:
            source = " and its source" if column.startswith("source") else ""
            return f"{column} is blank (every figure needs it{source})"
    problems = (
        ("scope_type", _choice_problem(row["scope_type"], SCOPE_TYPES)),
        ("unit", _choice_problem(row["unit"], UNITS)),
        ("year", _year_problem(row["year"])),
        ("measure", _measure_problem(row["measure"])),
        ("value", _value_problem(row["value"], row["unit"])),
        ("scope", _scope_problem(row["scope_type"], row["scope"], regions)),
        ("published", _date_problem(row["published"])),
    )
    for column, problem in problems:
        if problem:
            return f"{column} {_shown(row[column])}: {problem}"
    return None


def read_user_figures(path: Path, regions: dict[str, list[str]]) -> list[dict[str, str]]:
    """The rows of a user's figure file, each checked; a bad file or row raises :class:`DataError`
    in one line."""
    name = path.name
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise DataError(f"{name}: not UTF-8 text (save it as CSV UTF-8)") from None
    except OSError as error:
        raise DataError(f"{name}: cannot read: {error.strerror or error}") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [column.strip() for column in next(reader, [])]
    missing = [c for c in FIGURE_COLUMNS if c not in header]
    unknown = [c for c in header if c not in FIGURE_COLUMNS]
    if missing or unknown or len(set(header)) != len(header):
        what = (
            f"missing column(s) {', '.join(missing)}"
            if missing
            else f"unknown or repeated column(s) {', '.join(unknown) or 'in the header'}"
        )
        expected = ", ".join(FIGURE_COLUMNS)
        raise DataError(f"{name}: {what}; expected the columns of real_figures.csv: {expected}")
    rows = []
    for number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            raise DataError(f"{name}: row {number}: {len(cells)} cells, expected {len(header)}")
        row = {column: cell.strip() for column, cell in zip(header, cells, strict=True)}
        problem = row_problem(row, regions)
        if problem:
            raise DataError(f"{name}: row {number}: {problem}")
        rows.append({column: row[column] for column in FIGURE_COLUMNS})
    if not rows:
        raise DataError(f"{name}: no figures (only a header)")
    return rows


def add_user_figures(folder: Path, rows: list[dict[str, str]], origin: str) -> None:
    """Write ``rows`` into ``folder`` as its user figure file and name it in the folder's
    ``figure_files.toml`` (``origin``: the file they came from)."""
    with (folder / USER_FILE).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIGURE_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    listing = {"file": [{"name": USER_FILE, "prefix": USER_PREFIX, "from": origin}]}
    (folder / FIGURE_FILES).write_text(tomli_w.dumps(listing), encoding="utf-8")
