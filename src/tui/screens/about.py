"""About data: the dataset's metadata (``data/offences.toml``) and the loader's notes."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.data.dataset import Dataset
from tui.data.engine.populations import vintage_lines
from tui.data.engine.registry import MARKED
from tui.data.engine.table import FLAG_LEGEND, PARTIAL_LEGEND
from tui.data.figures.files import read_missing
from tui.data.loading.paths import repo_data_dir
from tui.data.schema import HOME_OFFICE_CAVEAT, HOME_OFFICE_OFFENCE_CODE, label

Section = tuple[str, list[str]]


def _listed(value: object) -> list[str]:
    """A metadata value as lines: a list item by item, anything else as one line."""
    if isinstance(value, list):
        return [f"  • {item}" for item in value]
    return [f"  {value}"] if value not in (None, "") else []


def about_sections(dataset: Dataset, served: bool = False) -> list[Section]:
    """The dataset described for a reader: what it is, where it comes from, what is modelled."""
    meta = dataset.metadata or {}
    sections: list[Section] = []
    intro = [str(meta["description"])] if meta.get("description") else []
    if dataset.modelled:
        intro += [
            "",
            "MODELLED DATA: published totals are exact; the breakdown below them is modelled.",
        ]
    sections.append((str(meta.get("title") or dataset.name), intro))
    offences = meta.get("offences") if isinstance(meta.get("offences"), dict) else {}
    if offences:
        sections.append(
            (
                "Jurisdictions and offences (never added together silently)",
                [f"  {place}: {offence}" for place, offence in offences.items()],
            )
        )
    if meta.get("method"):
        sections.append(("Method", _listed(meta["method"])))
    ranges = meta.get("ranges") if isinstance(meta.get("ranges"), dict) else {}
    trust = [f"  {ranges[part]}" for part in ("what", "accuracy", "sums") if ranges.get(part)]
    if trust:
        sections.append(("How far a modelled number can be trusted: its range", trust))
    sources = [
        f"  • {source.get('title', source.get('file', '?'))}"
        + (f" ({source['figures']})" if source.get("figures") else "")
        + (f", {source['published']}" if source.get("published") else "")
        for source in meta.get("sources", [])
        if isinstance(source, dict)
    ]
    if sources:
        sections.append(("Sources", sources))
    columns = meta.get("columns", {}) if isinstance(meta.get("columns"), dict) else {}
    modelled = (
        [f"  Published: {', '.join(columns['published'])}"] if columns.get("published") else []
    )
    if columns.get("modelled"):
        modelled.append(f"  Modelled: {', '.join(columns['modelled'])}")
    if columns.get("notes"):
        modelled.append(f"  {columns['notes']}")
    if meta.get("simplifications"):
        modelled += ["", "  Assumptions:", *_listed(meta["simplifications"])]
    if modelled:
        sections.append(("What is modelled", modelled))
    described = [
        f"  {label(d)} ({d}): {len(dataset.members(d)):,} values" for d in dataset.dimensions
    ]
    described += [f"  {label(m)} ({m}): the count summed" for m in dataset.measures]
    if meta.get("unit"):
        described.append(f"  Unit: {meta['unit']}")
    if meta.get("years"):
        described.append(f"  Years: {', '.join(map(str, meta['years']))}")
    sections.append(("Columns", described))
    shown_path = dataset.path.name if served and dataset.path else dataset.path
    read = [f"  File: {shown_path}", f"  Rows: {dataset.row_count:,}"]  # served: no server path
    read += [f"  • {note}" for note in dataset.notes]
    if "offence_code" in dataset.dimensions and HOME_OFFICE_OFFENCE_CODE in dataset.members(
        "offence_code"
    ):
        read += ["", f"  {HOME_OFFICE_CAVEAT}"]
    if not dataset.metadata:
        read.append("  No metadata file (a .toml beside the data file) was found.")
    sections.append(("This file", read))
    sections.append(("Totals, gaps and rates", totals_lines(dataset)))
    if meta.get("licence"):
        sections.append(("Licence", _listed(meta["licence"])))
    return sections


def totals_lines(dataset: Dataset) -> list[str]:
    """What a partial row, a like-with-like change, a flag and the two rates mean, the
    force-years the data gives no figure for, and the populations rates divide by."""
    lines = [
        f"  {PARTIAL_LEGEND}. A force-year with no figure (none given, or a blank or suppressed "
        "cell) is missing, never 0; a sum over one is partial: never shown as published (● ◐), "
        "no interval, no change test, no place in a ranking by rate (listed last) or in the "
        "funnel. The line under the table, the status line, exports (missing, coverage), quotes "
        "and charts name what is missing; a row with no figure at all shows –.",
        "  A change compares only the forces with a figure in both years, says so, and is then "
        "not tested (◔ before it).",
        f"  {FLAG_LEGEND}: a published figure its source notes as anomalous, or over 5-fold "
        "against both neighbouring years, keeps its value and mark; no change across it is "
        "tested (! before it).",
        "  Rates: per 100,000 residents (all ages) and per 10,000 children aged 0-17, each year "
        "divided by its own mid-year population over the same force-years as the count (a "
        "missing force-year leaves both); over several years, per year. Populations used:",
        *(f"  • {line}" for line in vintage_lines()),
    ]
    if dataset.metadata.get(MARKED) == "figures":
        missing = read_missing(repo_data_dir())
        lines.append("  Force-years with no figure in this dataset:")
        lines += [f"  • {force} {year}: {why}" for (force, year), why in sorted(missing.items())]
    return lines


def about_text(dataset: Dataset) -> str:
    """:func:`about_sections` as plain text."""
    return "\n\n".join("\n".join([title, *lines]) for title, lines in about_sections(dataset))


class AboutScreen(ModalScreen[None]):
    """Shows :func:`about_text`; Esc closes."""

    BINDINGS = [Binding("escape,q,a", "dismiss", "Close")]
    DEFAULT_CSS = """
    AboutScreen { align: center middle; }
    AboutScreen > VerticalScroll { width: 90%; height: 90%; border: thick $primary; background: $surface; padding: 0 1; }
    """

    def __init__(
        self, dataset: Dataset, on_screen: list[str] | None = None, served: bool = False
    ) -> None:
        """``on_screen``: the title, filters and notes the main screen shows, in full (a narrow
        screen shortens them at a word); ``served``: a browser visitor sees no server path."""
        super().__init__()
        self.dataset = dataset
        self.on_screen = on_screen or []
        self.served = served

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            text = Text()
            shown: list[Section] = [
                ("On screen now, in full", [f"  {line}" for line in self.on_screen])
            ]
            for index, (title, lines) in enumerate(
                [*shown, *about_sections(self.dataset, self.served)][0 if self.on_screen else 1 :]
            ):
                text.append(("\n\n" if index else "") + title, style="bold")
                for line in lines:
                    style = "bold black on yellow" if line.startswith("MODELLED") else ""
                    text.append("\n").append(line, style=style)
            yield Static(text)
