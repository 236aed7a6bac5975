"""The one immutable selection state: filters, grouping, measure, sort and drill path."""

from __future__ import annotations

from dataclasses import dataclass, replace

from tui.data.schema import drill_order

Filters = tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True)
class Selection:
    """What the user is looking at. Every transition returns a new selection.

    ``filters`` keeps, per dimension, the members that are *in*; a dimension without an entry is
    unfiltered. ``sort_column`` ``None`` means the natural order (the dimension's own order for
    years, age bands and platforms; largest first otherwise).
    """

    group_by: str
    measure: str
    filters: Filters = ()
    sort_column: str | None = None
    descending: bool = True
    drill_path: tuple[tuple[str, str], ...] = ()
    published_only: bool = False
    """Show published and derived numbers only: every modelled number is blanked."""

    def members(self, dimension: str) -> tuple[str, ...] | None:
        """Members of ``dimension`` kept by the filters, or ``None`` when it is unfiltered."""
        return dict(self.filters).get(dimension)

    def with_filter(self, dimension: str, members: tuple[str, ...] | list[str] | None) -> Selection:
        """Keep only ``members`` of ``dimension``; ``None`` removes that dimension's filter."""
        kept = {d: m for d, m in self.filters if d != dimension}
        if members is not None:
            kept[dimension] = tuple(dict.fromkeys(members))
        return replace(self, filters=tuple(sorted(kept.items())))

    def toggled(self, dimension: str, member: str, all_members: tuple[str, ...]) -> Selection:
        """Tick or untick ``member``: an unfiltered dimension (nothing ticked, everything kept)
        keeps only it; unticking the last one, or ticking them all, removes the filter."""
        current = self.members(dimension)
        if current is None:
            chosen: tuple[str, ...] = (member,)
        elif member in current:
            chosen = tuple(m for m in current if m != member)
        else:
            chosen = tuple(m for m in all_members if m in current or m == member)
        everything = not chosen or set(chosen) == set(all_members)
        return self.with_filter(dimension, None if everything else chosen)

    def cleared(self) -> Selection:
        """No filters and no drill path; grouping, measure and sort kept."""
        return replace(self, filters=(), drill_path=())

    def grouped_by(self, dimension: str) -> Selection:
        """Group by another dimension (natural sort order again)."""
        return replace(self, group_by=dimension, sort_column=None, descending=True)

    def with_sort(self, column: str | None, descending: bool) -> Selection:
        """Sort by ``column`` in the given direction (``None``: natural order)."""
        return replace(self, sort_column=column, descending=descending)

    def with_published_only(self, on: bool) -> Selection:
        """Blank every modelled number (``True``) or show them again."""
        return replace(self, published_only=on)

    def with_measure(self, measure: str) -> Selection:
        """Show another measure."""
        return replace(self, measure=measure)

    def next_level(self, dimensions: tuple[str, ...] | list[str]) -> str | None:
        """The dimension a drill-down from the current grouping moves to, if any.

        The next dimension in drill order (nation > region > force, year, age band, platform
        owner > platform, then any other) that is not already narrowed to one member.
        """
        order = drill_order(list(dimensions))
        if self.group_by not in order:
            return None
        for dimension in order[order.index(self.group_by) + 1 :]:
            kept = self.members(dimension)
            if kept is None or len(kept) > 1:
                return dimension
        return None

    def up(self) -> Selection | None:
        """Undo the last drill-down step: drop its filter and group by its dimension again."""
        if not self.drill_path:
            return None
        dimension, _ = self.drill_path[-1]
        parent = self.with_filter(dimension, None).grouped_by(dimension)
        return replace(parent, drill_path=self.drill_path[:-1])

    def drilled(self, member: str, dimensions: tuple[str, ...] | list[str]) -> Selection | None:
        """Filter to ``member`` of the grouped dimension and group by the next level."""
        following = self.next_level(dimensions)
        if following is None:
            return None
        narrowed = self.with_filter(self.group_by, (member,))
        return replace(
            narrowed.grouped_by(following),
            drill_path=(*self.drill_path, (self.group_by, member)),
        )
