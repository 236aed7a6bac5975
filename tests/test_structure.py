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


KEYPRESS_ONLY = ("xlsxwriter", "fastexcel", "scipy", "textual_serve", "matplotlib")
"""Libraries only a key press needs (an Excel export, an Excel file, the builder, serving): start-up
must not pay for importing them."""


def test_importing_the_package_for_its_api_imports_nothing_heavy() -> None:
    """``import tui`` (the notebook API's face) costs no polars, Textual or plotting library: the
    engine is imported by the first ``tui.open``."""
    probe = (
        "import sys, tui; "
        "print(' '.join(m for m in ('polars', 'textual', 'matplotlib', 'tui.api') "
        "if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.split()
    assert loaded == []


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


FACADE = "tui"
"""The package itself: the public face for notebooks (``tui.open``), which imports the API only
when it is called, so ``import tui`` stays cheap (tested below). Its lazy imports are not edges:
the modules it reaches read ``tui.__version__`` from it."""


def import_graph() -> dict[str, set[str]]:
    """Module -> the ``tui`` modules it imports anywhere in it (top level, in functions, for type
    checking; the :data:`FACADE` at its top level only); ``from tui.data.features import
    reconcile`` counts as importing ``tui.data.features.reconcile``."""
    modules = {_module_name(p): p for p in SOURCE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        imported: set[str] = set()
        tree = ast.parse(path.read_text())
        for node in tree.body if name == FACADE else ast.walk(tree):
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
    """Dependencies point one way (the layers of ``tui.data`` are checked below)."""
    cycle = find_cycle(import_graph())
    assert cycle is None, " → ".join(cycle or [])


LAYERS = {
    "core": set(),  # the root modules: schema, dataset, selection, atomic writes
    "figures": {"core"},  # the published-figure vocabulary
    "loading": {"core", "figures"},  # a user's file -> Dataset
    "engine": {"core", "figures", "loading"},  # (Dataset, Selection) -> results, marks, ranges
    "features": {"core", "figures", "loading", "engine"},
    "output": {"core", "figures", "loading", "engine", "features"},
    "build": {"core", "figures", "loading", "engine"},  # offline; nothing imports it
}
"""Each layer of ``tui.data`` and the layers it may import: arrows only downward."""
DATA = SOURCE / "data"


def layer_of(module: str) -> str:
    """``tui.data.engine.query`` -> ``engine``; a root module (or ``tui.data``) -> ``core``."""
    parts = module.split(".")
    return parts[2] if len(parts) > 2 and parts[2] in LAYERS else "core"


def imports_of(path: Path) -> list[tuple[str, tuple[str, ...]]]:
    """Every ``(module, names)`` ``path`` imports, anywhere in it (top level, in functions, for
    type checking only); ``import a.b`` is ``("a.b", ())``."""
    found: list[tuple[str, tuple[str, ...]]] = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found += [(alias.name, ()) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.module, tuple(alias.name for alias in node.names)))
    return found


def wrong_way(module: str, imports: list[tuple[str, tuple[str, ...]]]) -> list[str]:
    """What ``module`` (in ``tui.data``) imports against the layer rule: a layer it may not use,
    Textual, or a ``tui`` module outside ``tui.data`` (only ``tui.__version__`` is allowed)."""
    layer, wrong = layer_of(module), []
    for imported, names in imports:
        if imported.split(".")[0] == "textual":
            wrong.append(imported)
        elif imported == "tui":
            wrong += [f"tui.{name}" for name in names if name != "__version__"]
        elif (
            imported.startswith("tui.")
            and imported != "tui.data"
            and not imported.startswith("tui.data.")
        ):
            wrong.append(imported)
        elif imported.startswith("tui.data"):
            targets = [imported]
            if imported in ("tui.data", *(f"tui.data.{layer}" for layer in LAYERS)):
                targets += [f"{imported}.{name}" for name in names]  # from tui.data import features
            for target in targets:
                if layer_of(target) not in {layer, *LAYERS[layer]}:
                    wrong.append(target)
    return wrong


def test_wrong_way_finds_an_upward_import() -> None:
    engine = "tui.data.engine.query"
    assert wrong_way(engine, [("tui.data.features.funnel", ("register",))]) == [
        "tui.data.features.funnel"
    ]
    assert wrong_way(engine, [("tui.data", ("features", "schema"))]) == ["tui.data.features"]
    assert wrong_way("tui.data.build.build", [("tui.data.output.format", ())]) != []
    assert wrong_way("tui.data.schema", [("tui.data.engine", ("stats",))]) != []
    assert wrong_way("tui.data.output.export", [("tui", ("__version__",))]) == []
    assert wrong_way("tui.data.output.export", [("tui.serve", ("Served",))]) == ["tui.serve"]
    assert wrong_way("tui.data.dataset", [("textual.app", ("App",))]) == ["textual.app"]
    assert wrong_way(engine, [("tui.data.loading", ("load_dataset",))]) == []


@pytest.mark.parametrize(
    "path", sorted(DATA.rglob("*.py")), ids=lambda p: str(p.relative_to(SOURCE))
)
def test_the_data_layers_import_only_downward(path: Path) -> None:
    """core <- figures <- loading <- engine <- features <- output, and build beside features (it
    uses the engine, never a feature or a writer; nothing imports it). No Textual, no app."""
    assert wrong_way(_module_name(path), imports_of(path)) == []


def test_every_module_of_the_data_layer_sits_in_a_layer() -> None:
    roots = {p.stem for p in DATA.glob("*.py")}
    assert roots == {"__init__", "atomic", "dataset", "schema", "selection"}
    assert {p.name for p in DATA.iterdir() if p.is_dir() and p.name != "__pycache__"} == set(
        LAYERS
    ) - {"core"}


LONG = 400
"""Lines a module may have without saying at its top why it is longer."""


@pytest.mark.parametrize(
    "path", sorted(SOURCE.rglob("*.py")), ids=lambda p: str(p.relative_to(SOURCE))
)
def test_a_long_module_says_why(path: Path) -> None:
    if len(path.read_text().splitlines()) > LONG:
        docstring = ast.get_docstring(ast.parse(path.read_text())) or ""
        assert f"{LONG} lines" in docstring, f"{path.name}: over {LONG} lines without a reason"


@pytest.mark.parametrize("starter", ["app.py", "cli.py"])
def test_what_starts_scwc_registers_every_feature(starter: str) -> None:
    """The engine shows a feature's chart kind only once it is registered (its marks need none)."""
    assert "tui.data.features" in import_graph()[f"tui.{Path(starter).stem}"]
