"""The filter panel: pick a dimension, search its members, tick the ones to keep."""

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

from tui.data.format import count, shorten
from tui.data.schema import label
from tui.data.selection import Selection
from tui.widgets.messages import FilterChanged, FilterDimensionShown
from tui.widgets.toggles import TICKED, UNTICKED

NAME_WIDTH = 15
COUNT_WIDTH = 6


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

    def render_line(self, y: int) -> Strip:
        """Each member's box as ``[x]`` or ``[ ]`` (SelectionList's ``▐X▌`` differs by colour only)."""
        segments = list(super().render_line(y))
        button = segments[1:2]
        index = button[0].style.meta.get("option") if button and button[0].style else None
        if index is None or segments[0].text != ToggleButton.BUTTON_LEFT:
            return Strip(segments)
        ticked = self.get_option_at_index(index).value in self.selected
        box = Segment(TICKED if ticked else UNTICKED, segments[3].style)
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
        if members.option_count:
            current = members.highlighted or 0
            members.highlighted = min(max(current + step, 0), members.option_count - 1)


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
    FilterPanel #filter-hint { color: $text-muted; height: 2; }
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
        self._counts: dict[str, int] = {}

    def compose(self) -> ComposeResult:
        yield Static("Filters", id="filter-title")
        yield OptionList(*(Option(label(d), id=d) for d in self.dimensions), id="filter-dimensions")
        yield MemberSearch(placeholder="/ search · Enter ticks", id="filter-search")
        yield MemberList(id="filter-members")
        yield Static("space tick · a all · n none\n/ search · Esc back · f close", id="filter-hint")

    def show(
        self, selection: Selection, dimension: str, members: tuple[str, ...], counts: dict[str, int]
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

    def _visible_members(self) -> list[str]:
        needle = self.query_one("#filter-search", Input).value.strip().casefold()
        return [m for m in self._members if needle in m.casefold()]

    def _render_members(self, highlight: int | None = None) -> None:
        if self._selection is None:
            return
        member_list = self.query_one(MemberList)
        highlighted = member_list.highlighted if highlight is None else highlight
        kept = self._selection.members(self.dimension)
        choices = []
        visible = self._visible_members()
        for member, name in zip(visible, shorten(visible, NAME_WIDTH), strict=True):
            prompt = Text(name.ljust(NAME_WIDTH + 1))
            prompt.append(f"{count(self._counts.get(member, 0)):>{COUNT_WIDTH}}", style="dim")
            choices.append(Choice(prompt, member, kept is None or member in kept))
        with member_list.prevent(SelectionList.SelectionToggled):
            member_list.clear_options()
            member_list.add_options(choices)
        if choices:
            member_list.highlighted = min(highlighted or 0, len(choices) - 1)

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
        """Type-to-search narrows the listed members; the first match is highlighted.

        When nothing in this dimension matches, the search moves to the first dimension where
        something does (``kent`` typed while Year is shown lists the force Kent).
        """
        event.stop()
        needle = event.value.strip().casefold()
        if needle and not self._visible_members():
            found = next(
                (
                    d
                    for d in self.dimensions
                    if any(needle in m.casefold() for m in self.all_members.get(d, ()))
                ),
                None,
            )
            if found and found != self.dimension:
                self._switch_to(found)
        self._render_members(highlight=0)

    def _switch_to(self, dimension: str) -> None:
        """List ``dimension``'s members, keeping the search (the app sends the counts)."""
        self.dimension = dimension
        self._members, self._counts = self.all_members[dimension], {}
        options = self.query_one("#filter-dimensions", OptionList)
        with options.prevent(OptionList.OptionHighlighted):
            options.highlighted = self.dimensions.index(dimension)
        self.post_message(FilterDimensionShown(dimension))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in the search box ticks the highlighted match and clears the box for the next."""
        event.stop()
        members = self.query_one(MemberList)
        if self._selection is None or not event.value.strip() or members.highlighted is None:
            return
        match = members.get_option_at_index(members.highlighted).value
        kept = self._selection.members(self.dimension)
        chosen = {match} if kept is None else {*kept, match}
        event.input.value = ""
        self.post_message(
            FilterChanged(self.dimension, tuple(m for m in self._members if m in chosen))
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
        toggled = self._selection.toggled(self.dimension, event.selection.value, self._members)
        self.post_message(FilterChanged(self.dimension, toggled.members(self.dimension)))

    def set_visible(self, keep: bool) -> None:
        """Keep (or drop) every member currently listed, leaving the others as they are."""
        if self._selection is None:
            return
        current = set(self._selection.members(self.dimension) or self._members)
        visible = set(self._visible_members())
        chosen = current | visible if keep else current - visible
        members = tuple(m for m in self._members if m in chosen)
        self.post_message(
            FilterChanged(self.dimension, None if len(members) == len(self._members) else members)
        )

    def focus_dimensions(self) -> None:
        """Put the focus on the list of dimensions."""
        self.query_one("#filter-dimensions", OptionList).focus()
