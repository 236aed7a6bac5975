"""``scwc completion bash|zsh|fish``: scripts from scwc's own parsers, run in the real shells
(bash and fish complete words here as they would at a prompt; zsh's is checked for syntax)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tui.cli import main
from tui.completion import PARSERS, commands

BASH_PROBE = """
source "$1"
shift
COMP_WORDS=("$@"); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); COMPREPLY=()
_scwc
printf '%s\\n' "${COMPREPLY[@]}"
"""


def script(shell: str, capsys: pytest.CaptureFixture[str], folder: Path) -> Path:
    assert main(["completion", shell]) == 0
    path = folder / f"scwc.{shell}"
    path.write_text(capsys.readouterr().out)
    return path


def bash_words(path: Path, *words: str, cwd: Path) -> list[str]:
    done = subprocess.run(
        ["bash", "-c", BASH_PROBE, "probe", str(path), "scwc", *words],
        capture_output=True,
        text=True,
        check=True,
        cwd=cwd,
    )
    return done.stdout.split()


def test_bash_completes_commands_options_and_their_values(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = script("bash", capsys, tmp_path)
    empty = tmp_path / "empty"
    empty.mkdir()
    assert bash_words(path, "su", cwd=empty) == ["summary"]
    assert bash_words(path, "c", cwd=empty) == ["chart", "completion"]
    assert bash_words(path, "chart", "--ki", cwd=empty) == ["--kind"]
    assert bash_words(path, "chart", "--kind", "", cwd=empty) == ["bar", "line", "stacked"]
    assert bash_words(path, "completion", "", cwd=empty) == ["bash", "zsh", "fish"]
    assert "force" in bash_words(path, "summary", "--by", "", cwd=empty)
    assert bash_words(path, "export", "--where", "fo", cwd=empty) == ["force="]
    assert bash_words(path, "--juris", cwd=empty) == ["--jurisdiction"]
    (empty / "kent.csv").write_text("force,offences\nKent,1\n")
    assert bash_words(path, "summary", "ke", cwd=empty) == ["kent.csv"]  # a data file


def test_every_option_of_every_command_is_in_every_script(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    scripts = {
        shell: script(shell, capsys, tmp_path).read_text() for shell in ("bash", "zsh", "fish")
    }
    for command in commands():
        for option in command.options:
            for flag in option.flags:
                fish_flag = f"-l {flag[2:]}" if flag.startswith("--") else f"-s {flag[1:]}"
                assert flag in scripts["bash"], (command.name, flag)
                assert flag in scripts["zsh"], (command.name, flag)
                assert fish_flag in scripts["fish"], (command.name, flag)
    assert set(PARSERS) == {c.name for c in commands() if c.name}


@pytest.mark.skipif(shutil.which("fish") is None, reason="fish is not installed")
def test_fish_completes_as_at_a_prompt(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = script("fish", capsys, tmp_path)
    assert subprocess.run(["fish", "-n", str(path)], check=False).returncode == 0
    empty = tmp_path / "empty"
    empty.mkdir()
    probe = (
        'complete -C "scwc su"; complete -C "scwc chart --kind "; complete -C "scwc completion "'
    )
    done = subprocess.run(
        ["fish", "--no-config", "-c", f"source {path}; {probe}"],
        capture_output=True,
        text=True,
        check=True,
        cwd=empty,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    offered = [line.split("\t")[0] for line in done.stdout.splitlines()]
    assert offered == ["summary", "bar", "line", "stacked", "bash", "fish", "zsh"]


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed")
def test_the_zsh_function_parses(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = script("zsh", capsys, tmp_path)
    text = path.read_text()
    assert text.startswith("#compdef scwc\n")
    assert subprocess.run(["zsh", "-n", str(path)], check=False).returncode == 0
    defined = subprocess.run(
        ["zsh", "-f", "-c", f"eval \"$(sed '$d' {path})\"; whence -w _scwc"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert defined.stdout.strip() == "_scwc: function"
