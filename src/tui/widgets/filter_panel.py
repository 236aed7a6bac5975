"""The filter panel: pick a dimension, tick the members to keep (none ticked: all kept); ``/``
searches the members of every dimension at once, the matches grouped under their dimension."""

from __future__ import annotations

from rich.segment import Segment
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.strip import Strip
from textual.widgets import Input, OptionList, SelectionList, Static
from textual.widgets._toggle_button import ToggleButton
from textual.widgets.option_list import Option
from textual.widgets.selection_list import Selection as Choice

from tui.data.output.format import count, shorten
from tui.data.schema import label
from tui.data.selection import Selection
from tui.widgets.messages import FilterChanged, FilterDimensionShown
from tui.widgets.toggles import TICKED, UNTICKED

NAME_WIDTH = 15
COUNT_WIDTH = 6
SEPARATOR = "\x1f"
"""Joins dimension and member in a listed option's value (``force\x1fKent``); a dimension's
heading in the search results is the dimension and the separator alone."""


def option_value(dimension: str, member: str = "") -> str:
    """The value of a listed member (or, without one, of its dimension's heading)."""
    return f"{dimension}{SEPARATOR}{member}"


def member_of(value: str) -> tuple[str, str]:
    """(dimension, member) of a listed option's value (member ``""`` for a heading)."""
    dimension, _, member = value.partition(SEPARATOR)
    return dimension, member


class MemberList(SelectionList[str]):
    """The members of one dimension with their counts; space ticks, a/n select all/none."""

    BINDINGS = [
        Binding("a", "select_visible(True)", "All", show=False, tooltip="Keep every member listed"),
        Binding(
            "n", "select_visible(False)", "None", show=False, tooltip="Drop every member listed"
        ),
    ]

    def action_select_visible(self, keep: bool) -> None:
        """Ask the panel to keep or drop every member currently listed."""
        panel = self.query_ancestor(FilterPanel)
        panel.set_visible(keep)

    def listed(self) -> list[tuple[str, str]]:
        """(dimension, member) of every member listed, top to bottom (headings left out)."""
        values = [member_of(self.get_option_at_index(i).value) for i in range(self.option_count)]
        return [(d, m) for d, m in values if m]

    def render_line(self, y: int) -> Strip:
        """Each member's box as ``[x]`` or ``[ ]`` (SelectionList's ``▐X▌`` differs by colour only)."""
        segments = list(super().render_line(y))
        button = segments[1:2]
        index = button[0].style.meta.get("option") if button and button[0].style else None
        if index is None or segments[0].text != ToggleButton.BUTTON_LEFT:
            return Strip(segments)
        value = self.get_option_at_index(index).value
        if not member_of(value)[1]:  # a dimension's heading in the search results: no box
            return Strip(segments[3:])
        box = Segment(TICKED if value in self.selected else UNTICKED, segments[3].style)
        return Strip([box, *segments[3:]])


class MemberSearch(Input):
    """Type to narrow the members; Up/Down choose a match, Enter ticks it."""

    BINDINGS = [
        Binding(
            "down", "move(1)", "Next match", show=False, tooltip="Search: highlight the next match"
        ),
        Binding(
            "up",
            "move(-1)",
            "Previous match",
            show=False,
            tooltip="Search: highlight the previous match",
        ),
    ]

    def action_move(self, step: int) -> None:
        """Move the member list's highlight (the match Enter ticks)."""
        members = self.query_ancestor(FilterPanel).query_one(MemberList)
        position = members.highlighted or 0
        while 0 <= position + step < members.option_count:
            position += step
            if not members.get_option_at_index(position).disabled:
                members.highlighted = position
                return


class FilterPanel(Vertical):
    """Shows, for the current selection, each dimension's members and their counts."""

    BINDINGS = [
        Binding(
            "slash",
            "search",
            "Search",
            show=False,
            tooltip="Search the members (from anywhere in the panel)",
        ),
        Binding(
            "escape",
            "leave",
            "Back",
            show=False,
            tooltip="Leave the search box; again: close the panel",
        ),
    ]

    class CloseRequested(Message):
        """Esc outside the search box: the user is done with the panel."""

    DEFAULT_CSS = """
    FilterPanel {
        dock: left; width: 36; height: 1fr; border-right: tall $primary; padding: 0 1;
        display: none;
    }
    FilterPanel.visible { display: block; }
    FilterPanel #filter-title { text-style: bold; }
    FilterPanel #filter-dimensions { height: auto; max-height: 10; }
    FilterPanel #filter-members { height: 1fr; padding: 0; scrollbar-size-vertical: 1; }
    FilterPanel #filter-hint { color: $text-muted; height: 3; }
    """

    def __init__(
        self,
        dimensions: tuple[str, ...],
        all_members: dict[str, tuple[str, ...]] | None = None,
        **kwargs: object,
    ) -> None:
        """``all_members``: every dimension's members, so a search can find another dimension's."""
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.dimensions = dimensions
        self.all_members = all_members or {}
        self.dimension = dimensions[0]
        self._members: tuple[str, ...] = ()
        self._selection: Selection | None = None
        self._counts: dict[str, int | None] = {}

    def compose(self) -> ComposeResult:
        yield Static("Filters", id="filter-title")
        yield OptionList(*(Option(label(d), id=d) for d in self.dimensions), id="filter-dimensions")
        yield MemberSearch(placeholder="/ search all · Enter ticks", id="filter-search")
        yield MemberList(id="filter-members")
        yield Static(
            "space tick · a all · n none\nnone ticked: all kept\n/ search · Esc back · f close",
            id="filter-hint",
        )

    def show(
        self,
        selection: Selection,
        dimension: str,
        members: tuple[str, ...],
        counts: dict[str, int | None],
    ) -> None:
        """Display ``dimension``'s members ticked as ``selection`` keeps them, with counts."""
        self._selection, self._members, self._counts = selection, members, counts
        if dimension == self.dimension:
            self._render_members()
        self._render_dimensions()

    def _render_dimensions(self) -> None:
        if self._selection is None:
            return
        options = self.query_one("#filter-dimensions", OptionList)
        for dimension in self.dimensions:
            kept = self._selection.members(dimension)
            text = label(dimension) + (f"  [{len(kept)}]" if kept is not None else "")
            options.replace_option_prompt(dimension, text)

    def _all(self, dimension: str) -> tuple[str, ...]:
        if dimension == self.dimension and self._members:
            return self._members
        return self.all_members.get(dimension, ())

    def _visible(self) -> list[tuple[str, list[str]]]:
        """(dimension, members) listed: the shown dimension's, or every dimension's matches of
        the search."""
        needle = self.query_one("#filter-search", Input).value.strip().casefold()
        if not needle:
            return [(self.dimension, list(self._members))]
        found = [(d, [m for m in self._all(d) if needle in m.casefold()]) for d in self.dimensions]
        return [(d, members) for d, members in found if members]

    def _render_members(self, highlight: int | None = None) -> None:
        if self._selection is None:
            return
        member_list = self.query_one(MemberList)
        highlighted = member_list.highlighted if highlight is None else highlight
        searching = bool(self.query_one("#filter-search", Input).value.strip())
        choices = []
        for dimension, visible in self._visible():
            if searching:
                heading = Text(label(dimension), style="bold")
                choices.append(Choice(heading, option_value(dimension), False, disabled=True))
            kept = self._selection.members(dimension)
            for member, name in zip(visible, shorten(visible, NAME_WIDTH), strict=True):
                prompt = Text(name.ljust(NAME_WIDTH + 1))
                if dimension == self.dimension:
                    counted = count(self._counts.get(member, 0))
                    prompt.append(f"{counted:>{COUNT_WIDTH}}", style="dim")
                ticked = kept is not None and member in kept
                choices.append(Choice(prompt, option_value(dimension, member), ticked))
        with member_list.prevent(SelectionList.SelectionToggled):
            member_list.clear_options()
            member_list.add_options(choices)
        if choices:
            position = min(highlighted or 0, len(choices) - 1)
            while position < len(choices) - 1 and choices[position].disabled:
                position += 1
            member_list.highlighted = position

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        """Another dimension highlighted: list its members (the app sends its counts)."""
        event.stop()
        dimension = event.option.id
        if dimension and dimension != self.dimension:
            self.dimension = dimension
            self.query_one("#filter-search", Input).value = ""
            self.post_message(FilterDimensionShown(dimension))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter on a dimension moves to its members."""
        event.stop()
        self.query_one(MemberList).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        """Type-to-search lists the matching members of every dimension, under their
        dimension's name (``wales``: England and Wales, Wales, North Wales, South Wales); the
        first match is highlighted."""
        event.stop()
        self._render_members(highlight=0)

    def _switch_to(self, dimension: str) -> None:
        """List ``dimension``'s members (the app sends the counts)."""
        self.dimension = dimension
        self._members, self._counts = self.all_members[dimension], {}
        options = self.query_one("#filter-dimensions", OptionList)
        with options.prevent(OptionList.OptionHighlighted):
            options.highlighted = self.dimensions.index(dimension)
        self.post_message(FilterDimensionShown(dimension))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in the search box ticks the highlighted match, shows its dimension and clears
        the box for the next."""
        event.stop()
        members = self.query_one(MemberList)
        if self._selection is None or not event.value.strip() or members.highlighted is None:
            return
        dimension, match = member_of(members.get_option_at_index(members.highlighted).value)
        if not match:
            return
        kept = self._selection.members(dimension)
        chosen = {match} if kept is None else {*kept, match}
        if dimension != self.dimension:
            self._switch_to(dimension)
        event.input.value = ""
        self.post_message(
            FilterChanged(dimension, tuple(m for m in self._all(dimension) if m in chosen))
        )

    def action_search(self) -> None:
        """Move to the search box."""
        self.query_one(MemberSearch).focus()

    def action_leave(self) -> None:
        """Esc: from the search box to the member list; otherwise close the panel."""
        if self.query_one(MemberSearch).has_focus:
            self.query_one(MemberList).focus()
        else:
            self.post_message(self.CloseRequested())

    def on_selection_list_selection_toggled(self, event: SelectionList.SelectionToggled) -> None:
        """A member ticked or unticked."""
        event.stop()
        if self._selection is None:
            return
        dimension, member = member_of(event.selection.value)
        toggled = self._selection.toggled(dimension, member, self._all(dimension))
        self.post_message(FilterChanged(dimension, toggled.members(dimension)))

    def set_visible(self, keep: bool) -> None:
        """Keep (or drop) every member currently listed, leaving the others as they are."""
        if self._selection is None:
            return
        for dimension, visible in self._visible():
            everything = self._all(dimension)
            current = set(self._selection.members(dimension) or everything)
            chosen = current | set(visible) if keep else current - set(visible)
            members = tuple(m for m in everything if m in chosen)
            whole = len(members) == len(everything)
            self.post_message(FilterChanged(dimension, None if whole else members))

    def focus_dimensions(self) -> None:
        """Put the focus on the list of dimensions."""
        self.query_one("#filter-dimensions", OptionList).focus()
