"""scwc speaks like a command-line tool: an unknown command is named as one, every ``--help``
ends with examples that run, and its folders are the system's (platformdirs)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import platformdirs
import pytest

from tui.cli import COMMANDS, main
from tui.cli_parsers import COMMAND_SUMMARIES, app_parser
from tui.completion import PARSERS
from tui.data.loading.cache import cache_dir
from tui.data.output.views import default_views_path


@pytest.mark.parametrize("word", ["bogus", "sumary", "charts"])
def test_an_unknown_command_is_named_and_the_commands_listed(
    word: str, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main([word]) == 2
    error = capsys.readouterr().err
    assert error == (
        f"scwc: unknown command '{word}' (commands: {', '.join(COMMAND_SUMMARIES)}; "
        "or a data file)\n"
    )


def test_a_word_that_may_be_a_data_file_is_still_read_as_one(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``scwc PATH`` opens a file: a missing one with a data file's extension says no such file;
    an existing file of any name is read (here refused as empty, not as a command)."""
    monkeypatch.chdir(tmp_path)
    assert main(["kent.csv"]) == 2
    assert capsys.readouterr().err == "scwc: kent.csv: no such file\n"
    (tmp_path / "bogus").write_text("")
    assert main(["bogus"]) == 2
    assert "unknown command" not in capsys.readouterr().err


def test_every_command_is_listed_in_help_and_completed() -> None:
    assert set(COMMANDS) == set(COMMAND_SUMMARIES) == set(PARSERS)
    text = app_parser().format_help()
    for name, summary in COMMAND_SUMMARIES.items():
        assert re.search(rf"^  {name} +{re.escape(summary)}$", text, re.MULTILINE), name


def examples(help_text: str) -> list[str]:
    """The commands listed under ``examples:`` at the end of a ``--help``."""
    block = help_text.split("\nexamples:\n", 1)[1].split("\n\n")[0]
    return [line.strip() for line in block.splitlines()]


@pytest.mark.parametrize("name", ["", *PARSERS])
def test_each_help_shows_two_or_three_examples_of_its_own_command(name: str) -> None:
    parser = PARSERS[name]() if name else app_parser()
    shown = examples(parser.format_help())
    assert 2 <= len(shown) <= 3
    assert all(e.startswith(f"scwc {name}".rstrip()) for e in shown)


RUNNABLE = [
    example
    for make in (PARSERS["summary"], PARSERS["quote"], PARSERS["export"], PARSERS["chart"])
    for example in examples(make().format_help())
    if "my_foi" not in example
]


@pytest.mark.parametrize("example", RUNNABLE)
def test_the_help_examples_run_as_written(
    example: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every example that needs no file of one's own runs on the embedded dataset."""
    pytest.importorskip("matplotlib")
    monkeypatch.chdir(tmp_path)
    assert main(shlex.split(example)[1:]) == 0, example


def test_folders_are_the_systems_unless_told_otherwise(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for variable in ("SCWC_CACHE_DIR", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "SCWC_VIEWS"):
        monkeypatch.delenv(variable, raising=False)
    assert cache_dir() == Path(platformdirs.user_cache_dir("scwc", appauthor=False))
    config = Path(platformdirs.user_config_dir("scwc", appauthor=False))
    assert default_views_path() == config / "views.toml"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    assert cache_dir() == tmp_path / "cache" / "scwc"
    assert default_views_path() == tmp_path / "config" / "scwc" / "views.toml"
    monkeypatch.setenv("SCWC_CACHE_DIR", str(tmp_path / "mine"))
    monkeypatch.setenv("SCWC_VIEWS", str(tmp_path / "views.toml"))
    assert cache_dir() == tmp_path / "mine"
    assert default_views_path() == tmp_path / "views.toml"
    monkeypatch.setenv("SCWC_CACHE_DIR", "off")
    assert cache_dir() is None
