"""The saved-views flow: save the current view by name, pick one to open, open one.

Views are kept in a TOML file; served (``scwc serve``, no file: ``path`` is ``None``) they live in
the visitor's session only, so one visitor never sees or replaces another's.
"""

from __future__ import annotations

from pathlib import Path

from tui.data.dataset import DataError
from tui.data.engine.query import validate
from tui.data.output.views import View, load_views, save_view
from tui.data.schema import label
from tui.host import Explorer
from tui.screens.picker import PickerScreen
from tui.screens.prompt import ConfirmScreen, TextPrompt


class ViewsFlow:
    """``w`` saves and ``v`` opens views kept in the TOML file at :attr:`path` (``None``: in
    this session only)."""

    def __init__(self, app: Explorer, path: Path | None) -> None:
        self.app = app
        self.path = path
        self.session: dict[str, View] = {}

    @property
    def where(self) -> str:
        """Where views are kept, as the prompts say it."""
        return str(self.path) if self.path else "this session only"

    def _load(self) -> dict[str, View]:
        return load_views(self.path) if self.path else dict(self.session)

    def start_save(self) -> None:
        """Ask for a name, then save the current selection under it."""
        self.app.push_screen(TextPrompt(f"Save this view as (in {self.where}):"), self._named)

    def _named(self, name: str | None) -> None:
        if name is None:  # Esc
            return
        if not name:
            self.app.notify("A view needs a name: nothing saved", severity="warning")
            return
        try:
            existing = self._load()
        except DataError as error:
            fresh = self._fresh_path()
            question = (
                f"{error}\nSave '{name}' to a new file, {fresh.name}, instead? "
                "The old file is left as it is."
            )
            self.app.push_screen(
                ConfirmScreen(question), lambda yes: self._save_to(fresh, name) if yes else None
            )
            return
        if name in existing:
            self.app.push_screen(
                ConfirmScreen(f"A view named '{name}' exists. Replace it?"),
                lambda yes: self._save(name) if yes else self.app.notify("Nothing saved"),
            )
            return
        self._save(name)

    def _fresh_path(self) -> Path:
        """The first ``views-N.toml`` beside the views file that does not exist yet."""
        assert self.path is not None  # only a file can be broken
        number = 2
        while (
            fresh := self.path.with_name(f"{self.path.stem}-{number}{self.path.suffix}")
        ).exists():
            number += 1
        return fresh

    def _save_to(self, path: Path, name: str) -> None:
        """Save to ``path`` from now on (the broken file is kept for the user to mend)."""
        self.path = path
        self._save(name)

    def _save(self, name: str) -> None:
        view = View(name, self.app.selection, self.app.chart_kind)
        if self.path is None:
            self.session[name] = view
        else:
            try:
                save_view(self.path, view)
            except DataError as error:
                self.app.notify(str(error), title="View not saved", severity="error")
                return
        self.app.notify(f"Saved view '{name}' in {self.where}")

    def saved(self) -> dict[str, View]:
        """The saved views, or none (with a notification) if the file is bad."""
        try:
            return self._load()
        except DataError as error:
            self.app.notify(str(error), title="Cannot read saved views", severity="error")
            return {}

    def start_open(self) -> None:
        """Pick a saved view to open."""
        views = self.saved()
        if not views:
            self.app.notify(f"No saved views yet in {self.where} (w saves one)", timeout=4)
            return
        options = [
            (name, f"{name}  ·  by {label(v.selection.group_by)}") for name, v in views.items()
        ]
        self.app.push_screen(PickerScreen("Open view", options), self._open_named)

    def _open_named(self, name: str | None) -> None:
        view = self.saved().get(name or "")
        if view is not None:
            self.open(view)

    def open(self, view: View) -> None:
        """Show a saved view: its selection, drill path and chart."""
        try:
            validate(self.app.dataset, view.selection)
        except DataError as error:
            self.app.notify(
                f"View '{view.name}': {error}", title="Cannot open view", severity="error"
            )
            return
        self.app.show_fresh(view.selection, view.chart)
