"""The README is tested: every ``scwc`` command in its shell code blocks runs as written, in order,
in one fresh folder on the embedded dataset, and exits 0, or exits 2 when its line says so
(``# → exit 2``); its Python code blocks run too.

What the README assumes the reader has is made first: a file of one's own
(``my_foi_returns.xlsx``, exported from the embedded dataset), the saved view it names
(``west midlands``) and a file of one's own published figures (``my_answers.csv``). Its ``scwc
build`` lines are run once per test run with the same inputs (:mod:`tests.builds`, the user build
the other tests read) and the folder they build copied where the line names it. The explorer starts headless and stops at its first screen; ``scwc serve``
checks its options and data and stops before binding a port (tests/test_serve.py serves for real).
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import re
import shlex
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.builds import Built, shared_build
from tests.conftest import NEXT_YEAR_FIGURES
from tui import serve_http
from tui.app import ExplorerApp
from tui.cli import main
from tui.data.features.navigation import initial_selection
from tui.data.loading import load_dataset
from tui.data.output.export import export
from tui.data.output.views import View, save_view
from tui.screenshots import settle

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
SHELL_BLOCK = re.compile(r"^```(?:sh|bash|shell|console)\n(.*?)^```", re.S | re.M)
PYTHON_BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)
FAILS = re.compile(r"#\s*→\s*exit (\d+)")
SETUP = ("mkdir",)
"""Other commands a README line may run before ``scwc`` (with ``&&``); any other (``pip install
-e .``) is the installation these tests run in."""


@dataclass(frozen=True)
class Line:
    """One README line holding ``scwc`` commands."""

    text: str
    commands: tuple[tuple[str, ...], ...]
    """Each command on the line (``a && b``), as words."""
    exit_code: int


def readme_lines(text: str) -> list[Line]:
    """Every line of a shell code block that runs ``scwc``, in order."""
    found = []
    for block in SHELL_BLOCK.findall(text):
        for line in block.splitlines():
            words = shlex.split(line, comments=True)
            commands, current = [], []
            for word in [*words, "&&"]:
                if word == "&&":
                    commands.append(tuple(current))
                    current = []
                else:
                    current.append(word)
            if any(c and c[0] == "scwc" for c in commands):
                expected = FAILS.search(line)
                found.append(Line(line, tuple(commands), int(expected[1]) if expected else 0))
    return found


def test_the_readme_has_commands_to_test() -> None:
    lines = readme_lines(README.read_text())
    assert len(lines) >= 20
    assert any(line.exit_code == 2 for line in lines)


@pytest.fixture
def reader_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh folder holding what the README assumes the reader has."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SCWC_VIEWS", str(tmp_path / "views.toml"))
    monkeypatch.setenv("SCWC_CACHE_DIR", str(tmp_path / "cache"))
    dataset = load_dataset()
    start = initial_selection(dataset)
    export(dataset, start.grouped_by("force"), tmp_path / "my_foi_returns.xlsx")
    midlands = start.with_filter("region", ("West Midlands",)).grouped_by("force")
    save_view(tmp_path / "views.toml", View("west midlands", midlands))
    shutil.copy(NEXT_YEAR_FIGURES, tmp_path / "my_answers.csv")
    return tmp_path


def headless_run(app: ExplorerApp, *args: object, **kwargs: object) -> None:
    """The explorer as the command starts it, without a terminal: up to its first screen."""

    async def first_screen() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)

    asyncio.run(first_screen())


def run(words: tuple[str, ...], folder: Path, factory: pytest.TempPathFactory) -> int:
    """Run one command as the shell would (``scwc`` in-process, ``> FILE`` redirected; ``scwc
    build --figures FILE --out DIR`` once per test run for the same inputs, see above)."""
    if words[0] in SETUP:
        return subprocess.run(words, cwd=folder, check=False).returncode
    assert words[0] == "scwc", words
    if words[1:2] == ("build",):
        options = dict(zip(words[2::2], words[3::2], strict=True))
        assert set(options) == {"--figures", "--out"}, words  # never the embedded dataset's
        built = shared_build(factory, folder / options["--figures"])
        if built.code == 0:
            shutil.copytree(built.folder, folder / options["--out"], dirs_exist_ok=True)
        return built.code
    argv, target = list(words[1:]), None
    if ">" in argv:
        target = folder / argv[argv.index(">") + 1]
        argv = argv[: argv.index(">")]
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        try:
            code = main(argv)
        except SystemExit as done:  # --version, --help
            code = int(done.code or 0)
    if target is not None:
        target.write_text(output.getvalue())
    return code


def test_every_readme_command_runs_as_written(
    reader_folder: Path,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path_factory: pytest.TempPathFactory,
    user_build: Built,  # (built before it runs: the README's scwc build lines read it)
) -> None:
    pytest.importorskip("matplotlib")
    served: list[object] = []
    monkeypatch.setattr(ExplorerApp, "run", headless_run)
    monkeypatch.setattr(serve_http, "serve", served.append)
    for line in readme_lines(README.read_text()):
        codes = []
        for words in line.commands:
            if words[0] != "scwc" and words[0] not in SETUP:
                continue
            codes.append(run(words, reader_folder, tmp_path_factory))
            if codes[-1] != 0:
                break
        assert codes[-1] == line.exit_code, f"{line.text!r} exited {codes[-1]}"
    assert len(served) == 1  # scwc serve got as far as serving


def test_the_readme_python_runs(reader_folder: Path) -> None:
    for block in PYTHON_BLOCK.findall(README.read_text()):
        exec(compile(block, "README.md", "exec"), {})
