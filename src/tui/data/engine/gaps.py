"""How a sentence words the force-years a sum leaves out (no figure at all: missing, not zero);
which are missing is the engine's coverage (:mod:`.coverage`)."""

from __future__ import annotations

from tui.data.engine.naming import joined


def gaps_of(
    missing: list[tuple[str, str]], single_force: bool, one_year: bool = False
) -> tuple[str, ...]:
    """The missing force-years, worded: ``with no figure for 2021/22`` for one force, else
    ``with no figure for Hampshire in 2021/22`` (``with no figure for Hampshire`` when the
    sentence is about that one year)."""
    by_force: dict[str, list[str]] = {}
    for force, year in missing:
        by_force.setdefault(force, []).append(year)
    if not by_force:
        return ()
    if single_force:
        return (f"with no figure for {joined(next(iter(by_force.values())))}",)
    if one_year:  # the year is the period's, already said
        return (f"with no figure for {joined(list(by_force))}",)
    named = [f"{force} in {joined(years)}" for force, years in by_force.items()]
    return (f"with no figure for {joined(named)}",)
