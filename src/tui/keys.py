"""Every app-wide key in one place: its binding, footer label, help line and palette command.

To add a key: add a :class:`Key` to :data:`KEYS` (the footer shows them in this order and
cuts from the right on narrow screens, so ``f``, ``e``, ``?`` and ``q`` come first) and an ``action_<name>`` method to the app (or
have it call a flow). The footer, the help screen and the command palette all read this table.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding

KEY_NAMES = {
    "question_mark": "?",
    "slash": "/",
    "less_than_sign": "<",
    "greater_than_sign": ">",
    "backspace": "Backspace",
    "escape": "Esc",
    "enter": "Enter",
    "space": "Space",
}


@dataclass(frozen=True)
class Key:
    """One app-wide key.

    ``keys``: Textual key names, comma-separated; ``action``: the app action it runs;
    ``label``: its short footer label; ``help``: the help-screen line; ``command``: its text in
    the command palette (``None`` when the palette offers it in another form, e.g. one command
    per dimension); ``footer``: whether the footer shows it.
    """

    keys: str
    action: str
    label: str
    help: str
    command: str | None = None
    footer: bool = True

    def binding(self) -> Binding:
        """The Textual binding for this key."""
        return Binding(self.keys, self.action, self.label, show=self.footer, tooltip=self.help)


KEYS: tuple[Key, ...] = (
    Key("f", "toggle_filters", "Filters", "Show or hide the filter panel", "Toggle filter panel"),
    Key(
        "e",
        "export",
        "Export",
        "Export the summary or the rows, with a TOML sidecar",
        "Export…",
    ),
    Key(
        "E",
        "export_excel",
        "Excel",
        "Export the table as shown to Excel (.xlsx): the export dialog with Excel chosen",
        "Export to Excel (.xlsx)…",
        False,
    ),
    Key("question_mark", "help", "Help", "This help", "Help: keys"),
    Key("q", "quit", "Quit", "Quit"),
    Key(
        "slash",
        "search",
        "Search",
        "Search: a question in your words (kent 23, wales 2022/23 app, ew ni 23, 23 rate)",
        "Search: a place, year, age band, app…",
    ),
    Key("g", "pick_group", "Group", "Group the table by another dimension"),
    Key("s", "cycle_sort", "Sort", "Sort by the next column"),
    Key("S", "reverse_sort", "Reverse", "Reverse the sort direction", "Reverse sort", False),
    Key("backspace,escape", "drill_up", "Up", "Back up one drill-down level", "Drill up one level"),
    Key("ctrl+o", "open_file", "Open", "Open another data file", "Open file…", False),
    Key("x", "clear_filters", "Clear", "Clear every filter", "Clear all filters"),
    Key("c", "toggle_chart", "Chart", "Show or hide the chart", "Toggle chart"),
    Key(
        "C",
        "save_chart",
        "Save chart",
        "Save the chart as a file for print or the web (SVG, PNG or PDF)",
        "Save chart as a file…",
        False,
    ),
    Key(
        "k", "cycle_chart", "Kind", "Next chart kind (bars, line over years, stacked, funnel plot)"
    ),
    Key(
        "M",
        "show_map",
        "Map",
        "Map of the forces (arrows move, Enter drills, m: rate / count / change)",
        "Force map",
    ),
    Key(
        "r",
        "toggle_rows",
        "Rows",
        "Switch between the summary and the underlying rows",
        "Show rows / summary",
    ),
    Key("w", "save_view", "Save view", "Save the current view by name", "Save view…", False),
    Key("v", "open_view", "Views", "Open a saved view", "Open view…", False),
    Key("m", "pick_measure", "Measure", "Pick the measure", footer=False),
    Key(
        "y",
        "copy_sentence",
        "Copy",
        "Copy the highlighted row as a sentence to quote",
        "Copy row as a sentence",
        False,
    ),
    Key("Y", "copy_table", "Copy table", "Copy the table as Markdown or TSV", "Copy table…", False),
    Key(
        "ctrl+y",
        "save_copied",
        "Save copied",
        "Write the last copied text to a file (terminals without OSC 52)",
        "Write copied text to a file…",
        False,
    ),
    Key(
        "a",
        "about",
        "About",
        "About the data (metadata, modelled or not)",
        "About data",
        False,
    ),
    Key(
        "o",
        "sources",
        "Sources",
        "Published figures vs this dataset",
        "Sources: published figures vs dataset",
        False,
    ),
    Key(
        "J",
        "cycle_jurisdiction",
        "Jurisdiction",
        "Next jurisdiction: England and Wales, Scotland, Northern Ireland, all UK (each counts "
        "its own offence)",
        "Switch jurisdiction (E&W, Scotland, NI, UK)",
        False,
    ),
    Key(
        "P",
        "toggle_published_only",
        "Published only",
        "Published only: blank every modelled number (shown –), so what is left can be quoted",
        "Toggle published-only view (blank modelled numbers)",
        False,
    ),
    Key("t", "toggle_theme", "Theme", "Switch light/dark theme", "Toggle light/dark theme", False),
)


def bindings() -> list[Binding]:
    """The app's bindings, in :data:`KEYS` order."""
    return [key.binding() for key in KEYS]


def key_label(keys: str) -> str:
    """Comma-separated Textual key names as a user types them (``backspace,escape``: ``Backspace, Esc``)."""
    return ", ".join(KEY_NAMES.get(k.strip(), k.strip()) for k in keys.split(","))
