"""Selections as TOML: saved views, and the ``[selection]`` table of export sidecars."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs
import tomli_w

from tui.data.atomic import write_atomically
from tui.data.dataset import DataError
from tui.data.engine.charts import CHART_KINDS
from tui.data.selection import Selection

SELECTION_KEYS = frozenset(
    {
        "group_by",
        "measure",
        "filters",
        "sort_column",
        "descending",
        "drill_path",
        "chart",
        "published_only",
    }
)
ENV_VIEWS = "SCWC_VIEWS"


@dataclass(frozen=True)
class View:
    """A named selection and the chart kind it was looked at with."""

    name: str
    selection: Selection
    chart: str = "bar"


def default_views_path() -> Path:
    """``$SCWC_VIEWS``, else ``$XDG_CONFIG_HOME/scwc/views.toml``, else ``views.toml`` in the
    system's config folder for scwc (platformdirs: ``~/.config/scwc`` on Linux,
    ``~/Library/Application Support/scwc`` on macOS, ``%LOCALAPPDATA%\\scwc`` on Windows)."""
    if os.environ.get(ENV_VIEWS):
        return Path(os.environ[ENV_VIEWS])
    if os.environ.get("XDG_CONFIG_HOME"):  # honoured on every system, as on Linux
        return Path(os.environ["XDG_CONFIG_HOME"]) / "scwc" / "views.toml"
    return Path(platformdirs.user_config_dir("scwc", appauthor=False)) / "views.toml"


def selection_to_toml(selection: Selection, chart: str = "bar") -> dict[str, Any]:
    """A selection as a TOML table (no ``None``: TOML has no null)."""
    table: dict[str, Any] = {
        "group_by": selection.group_by,
        "measure": selection.measure,
        "filters": {d: list(m) for d, m in selection.filters},
        "descending": selection.descending,
        "drill_path": [[d, m] for d, m in selection.drill_path],
        "chart": chart,
    }
    if selection.sort_column is not None:
        table["sort_column"] = selection.sort_column
    if selection.published_only:
        table["published_only"] = True
    return table


def _fail(where: str, message: str) -> DataError:
    return DataError(f"{where}: {message}")


def _text(table: dict[str, Any], key: str, where: str, default: str | None = None) -> str | None:
    value = table.get(key, default)
    if value is not None and not isinstance(value, str):
        raise _fail(where, f"'{key}' must be text, not {type(value).__name__}")
    return value


def selection_from_toml(table: Any, where: str) -> tuple[Selection, str]:
    """Parse a ``[selection]`` table; errors name ``where`` and the offending key."""
    if not isinstance(table, dict):
        raise _fail(where, "expected a table of selection keys")
    unknown = sorted(set(table) - SELECTION_KEYS)
    if unknown:
        raise _fail(
            where, f"unknown key '{unknown[0]}' (known: {', '.join(sorted(SELECTION_KEYS))})"
        )
    group_by = _text(table, "group_by", where)
    measure = _text(table, "measure", where, "offences")
    if not group_by:
        raise _fail(where, "missing key 'group_by'")
    filters = table.get("filters", {})
    if not isinstance(filters, dict):
        raise _fail(where, "'filters' must be a table of dimension = [members]")
    for dimension, members in filters.items():
        if not isinstance(members, list) or not all(isinstance(m, str) for m in members):
            raise _fail(where, f"'filters.{dimension}' must be a list of text members")
    descending = table.get("descending", True)
    if not isinstance(descending, bool):
        raise _fail(where, "'descending' must be true or false")
    drill = table.get("drill_path", [])
    if not isinstance(drill, list) or not all(
        isinstance(step, list) and len(step) == 2 and all(isinstance(s, str) for s in step)
        for step in drill
    ):
        raise _fail(where, "'drill_path' must be a list of [dimension, member] pairs")
    published_only = table.get("published_only", False)
    if not isinstance(published_only, bool):
        raise _fail(where, "'published_only' must be true or false")
    chart = _text(table, "chart", where, "bar") or "bar"
    if chart not in CHART_KINDS:
        raise _fail(where, f"'chart' must be one of {', '.join(CHART_KINDS)}")
    selection = Selection(
        group_by=group_by,
        measure=measure or "offences",
        sort_column=_text(table, "sort_column", where),
        descending=descending,
        drill_path=tuple((d, m) for d, m in drill),
        published_only=published_only,
    )
    for dimension, members in sorted(filters.items()):
        selection = selection.with_filter(dimension, tuple(members))
    return selection, chart


def read_toml(path: Path) -> dict[str, Any]:
    """A TOML file, or a one-line :class:`DataError`."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(f"{path.name}: no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise DataError(f"{path.name}: cannot read: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise DataError(f"{path.name}: not valid TOML: {error}") from None


def load_views(path: Path) -> dict[str, View]:
    """All views of a views file (none if it does not exist yet)."""
    if not path.exists():
        return {}
    document = read_toml(path)
    views = document.get("views", {})
    if not isinstance(views, dict):
        raise DataError(f"{path.name}: 'views' must be a table of named views")
    loaded = {}
    for name, table in views.items():
        selection, chart = selection_from_toml(table, f"{path.name}: view '{name}'")
        loaded[name] = View(name, selection, chart)
    return loaded


def save_view(path: Path, view: View) -> None:
    """Add or replace a view in the views file, atomically."""
    views = load_views(path)
    views[view.name] = view
    document = {"views": {v.name: selection_to_toml(v.selection, v.chart) for v in views.values()}}
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(
        path,
        lambda staged: staged.write_text(tomli_w.dumps(document), encoding="utf-8"),
        overwrite=True,  # the user was asked before a view was replaced
    )


def read_view_file(path: Path) -> tuple[Selection, str, dict[str, Any]]:
    """A single selection from a file: an export sidecar (``[selection]``) or a one-view file.

    Returns the selection, its chart kind and the whole document (for ``[dataset]``/``[export]``).
    """
    document = read_toml(path)
    if "selection" in document:
        selection, chart = selection_from_toml(document["selection"], f"{path.name}: [selection]")
        return selection, chart, document
    views = document.get("views")
    if isinstance(views, dict) and len(views) == 1:
        name, table = next(iter(views.items()))
        selection, chart = selection_from_toml(table, f"{path.name}: view '{name}'")
        return selection, chart, document
    raise DataError(
        f"{path.name}: no [selection] table (an export sidecar) and not a single [views.NAME]"
    )
