"""The house rules that keep the code easy to change: no cycles, keys declared in one place."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import tui
from tui.app import ExplorerApp
from tui.keys import KEYS

SOURCE = Path(tui.__file__).parent
APP_USERS = {"cli.py", "screenshots.py"}
"""The only modules that may import the app: they start it."""


def imported_modules(path: Path) -> set[str]:
    """Every module ``path`` imports, at run time or for type checking only."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize(
    "path",
    sorted(p for p in SOURCE.rglob("*.py") if p.name not in APP_USERS and p.stem != "app"),
    ids=lambda p: str(p.relative_to(SOURCE)),
)
def test_nothing_but_its_starters_imports_the_app(path: Path) -> None:
    assert "tui.app" not in imported_modules(path)


def test_every_key_is_a_binding_with_an_action() -> None:
    bound = {(b.key, b.action) for b in ExplorerApp.BINDINGS}
    for key in KEYS:
        assert (key.keys, key.action) in bound
        assert hasattr(ExplorerApp, f"action_{key.action}"), key.action


KEYPRESS_ONLY = ("xlsxwriter", "fastexcel", "scipy", "textual_serve")
"""Libraries only a key press needs (an Excel export, an Excel file, the builder, serving): start-up
must not pay for importing them."""


def test_starting_the_explorer_imports_nothing_only_a_key_needs() -> None:
    probe = (
        "import sys, tui.cli, tui.app; "
        f"print(' '.join(m for m in {KEYPRESS_ONLY!r} if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.split()
    assert loaded == []


def _module_name(path: Path) -> str:
    parts = path.relative_to(SOURCE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """Module -> the ``tui`` modules it imports anywhere in it (top level, in functions, for type
    checking); ``from tui.data.features import reconcile`` counts as importing
    ``tui.data.features.reconcile``."""
    modules = {_module_name(p): p for p in SOURCE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        imported: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                imported |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module)
                imported |= {f"{node.module}.{alias.name}" for alias in node.names}
        graph[name] = {m for m in imported if m in modules and m != name}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle (as a path that ends where it starts), or ``None``."""
    visiting: list[str] = []
    done: set[str] = set()

    def visit(module: str) -> list[str] | None:
        if module in visiting:
            return [*visiting[visiting.index(module) :], module]
        if module in done:
            return None
        visiting.append(module)
        for imported in sorted(graph[module]):
            if cycle := visit(imported):
                return cycle
        visiting.pop()
        done.add(module)
        return None

    return next((c for m in sorted(graph) if (c := visit(m))), None)


def test_find_cycle_finds_one() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_module_imports_itself_through_others() -> None:
    """Dependencies point one way: the engine (``tui.data.engine.query``) below the features built on it
    (funnel, force map, provenance, reconciliation), which register what they add."""
    cycle = find_cycle(import_graph())
    assert cycle is None, " → ".join(cycle or [])


def test_the_engine_imports_only_the_layers_below_it() -> None:
    engine = import_graph()["tui.data.engine.query"]
    assert engine <= {
        "tui.data",
        "tui.data.engine",
        "tui.data.engine.cells",  # the cells and rows a selection keeps, which every part reads
        "tui.data.engine.change",  # year-on-year change, its significance and the untested changes
        "tui.data.engine.charts",
        "tui.data.dataset",
        "tui.data.engine.modelled",  # what a modelled count changes: no interval, a range, blanking
        "tui.data.engine.ranges",  # the builder's table of ranges, read beside the dataset like it
        "tui.data.engine.provenance",  # the marks: published, derived or modelled
        "tui.data.engine.rates",  # the population a rate per 100,000 residents divides by
        "tui.data.engine.registry",
        "tui.data.schema",
        "tui.data.selection",
        "tui.data.engine.stats",
        "tui.data.engine.table",  # the summary table's columns, what they mean, its row order
    }


@pytest.mark.parametrize("starter", ["app.py", "cli.py"])
def test_what_starts_scwc_registers_every_feature(starter: str) -> None:
    """The engine shows a feature's chart kind or marks only once it is registered."""
    assert "tui.data.features" in import_graph()[f"tui.{Path(starter).stem}"]
