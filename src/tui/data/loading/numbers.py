"""Counts as people write them: ``1,234`` / ``1.234`` (``;`` files) / ``1 234``, ``(12)`` for
-12, footnote markers (``102*``, ``102 (a)``, ``102 [note 3]``) read as the number, suppression
markers (``*``, ``..``, ``[c]``, ``[x]``, ``-``) read as missing, never as zero.

Thousands may be grouped with commas or dots (``1,234`` and ``1.234`` are both 1234: a count has
no fraction, so a group of three digits is never a decimal part); the file's decimal sign (``,`` in
``;``-separated files, else ``.``) may only be followed by zeros. Anything else is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

SUPPRESSION_MARKERS = (
    "*",
    "**",
    "***",
    "..",
    "...",
    "[c]",
    "[x]",
    "[z]",
    "[u]",
    "[low]",
    "-",
    "–",
    "—",
    ":",
    "~",
)
"""Cells meaning "withheld or not available" in official tables."""
FOOTNOTE_MARKER = r"\s*(?:\*+|†+|‡+|\([a-zA-Z0-9]{1,3}\)|\[[^\]]{1,20}\])$"
WHOLE = r"^-?\d+$"
TEXT_TYPES = (pl.String, pl.Categorical)


@dataclass(frozen=True)
class Parsed:
    """Expressions over one column: its Int64 value and what each cell was."""

    value: pl.Expr
    blank: pl.Expr
    suppressed: pl.Expr
    footnoted: pl.Expr
    bad: pl.Expr
    """Not blank, not suppressed, and not a whole number."""


def parse_count(column: str, dtype: pl.DataType, european: bool, full: bool = True) -> Parsed:
    """How to read ``column`` as counts; ``full=False`` is the fast path for plain integers."""
    raw = pl.col(column)
    no = pl.lit(False)
    if dtype.is_integer():
        return Parsed(raw.cast(pl.Int64), raw.is_null(), no, no, no)
    if dtype.is_float():
        bad = raw.is_not_null() & (raw.is_nan() | (raw != raw.floor()) | raw.is_infinite())
        value = pl.when(bad).then(None).otherwise(raw).cast(pl.Int64, strict=False)
        return Parsed(value, raw.is_null(), no, no, bad)
    if dtype not in TEXT_TYPES:
        return Parsed(pl.lit(None, pl.Int64), raw.is_null(), no, no, raw.is_not_null())
    text = raw.cast(pl.String)
    if not full:
        value = text.cast(pl.Int64, strict=False)
        blank = text.is_null() | (text == "")
        return Parsed(value, blank, no, no, ~blank & value.is_null())
    stripped = text.str.strip_chars()
    blank = stripped.is_null() | (stripped == "")
    suppressed = stripped.is_in(SUPPRESSION_MARKERS).fill_null(False)
    core = stripped.str.replace(FOOTNOTE_MARKER, "")
    footnoted = ~suppressed & (core != stripped) & core.str.contains(r"\d$")
    core = pl.when(footnoted).then(core).otherwise(stripped)
    core = core.str.replace(r"^\((.+)\)$", "-$1").str.replace_all(r"[\s\u00a0\u202f]", "")
    decimal = "," if european else r"\."
    core = (
        pl.when(core.str.contains(r"^-?\d{1,3}(,\d{3})+$|^-?\d{1,3}(\.\d{3})+$"))
        .then(core.str.replace_all(r"[.,]", ""))
        .otherwise(core.str.replace(rf"{decimal}0+$", ""))
    )
    whole = core.str.contains(WHOLE)
    value = pl.when(whole & ~suppressed).then(core).otherwise(None).cast(pl.Int64, strict=False)
    bad = ~blank & ~suppressed & value.is_null()
    return Parsed(value, blank, suppressed, footnoted & value.is_not_null(), bad)


def is_count_like(values: pl.Series, european: bool) -> bool:
    """Whether every non-blank cell of a sampled text column reads as a count (or a marker)."""
    plain = values.cast(pl.String).str.strip_chars()
    present = plain.filter(plain.is_not_null() & (plain != ""))
    if present.len() and present.str.contains(r"^\d{1,18}$").all():
        return True  # plain whole numbers (a column the builder or a database wrote): no more rules
    frame = values.cast(pl.String).to_frame("v")
    parsed = parse_count("v", pl.String, european)
    verdict = frame.select(
        (~parsed.bad).all().alias("ok"), (~parsed.blank & ~parsed.suppressed).any().alias("some")
    )
    return bool(verdict["ok"][0]) and bool(verdict["some"][0])
