"""Financial years as people write them: ``2017/18``, ``2017-18``, ``2017/2018``, ``FY 2017/18``,
``Apr 2017 - Mar 2018``, ``April 2017 to March 2018`` all mean ``2017/18``."""

from __future__ import annotations

import re

_SPAN = re.compile(
    r"^(?:fy|financial year|year)?\s*(?:apr(?:il)?\s+)?(\d{4})\s*(?:/|-|–|—|to)\s*"
    r"(?:mar(?:ch)?\s+)?(\d{2}|\d{4})$",
    re.IGNORECASE,
)


def financial_year(text: str) -> str | None:
    """``2017/18`` for any spelling of the financial year April 2017 - March 2018, else ``None``."""
    match = _SPAN.match(" ".join(str(text).split()))
    if not match:
        return None
    start, end = int(match.group(1)), match.group(2)
    following = int(end) if len(end) == 4 else (start // 100) * 100 + int(end)
    if len(end) == 2 and following < start:  # 1999/00
        following += 100
    if following != start + 1 or not 1990 <= start <= 2100:
        return None
    return f"{start}/{following % 100:02d}"
