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
