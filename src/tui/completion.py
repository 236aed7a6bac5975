"""``scwc completion bash|zsh|fish``: shell completion scripts written from scwc's own argparse
parsers, so every command, option and choice the parsers know is completed, and nothing else.

Written here rather than taken from a library: shtab (static scripts from argparse) has no fish,
and argcomplete runs scwc's Python on every Tab (its imports take a noticeable fraction of a
second); three small generators over the same walk of the parsers are less than either costs.
Dimension names (``--by``, ``--where DIM=``) and measures are the embedded dataset's.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass

from tui.cli_parsers import (
    COMMAND_SUMMARIES,
    app_parser,
    build_parser,
    chart_parser,
    completion_parser,
    export_parser,
    quote_parser,
    serve_parser,
    sources_parser,
    summary_parser,
)
from tui.data.engine.table import CHANGE, RATE, SHARE, SHARE_RECORDED
from tui.data.schema import INSTANCES, MEASURE, NSPCC_DIMENSIONS

PARSERS: dict[str, Callable[[], argparse.ArgumentParser]] = {
    "summary": summary_parser,
    "export": export_parser,
    "chart": chart_parser,
    "quote": quote_parser,
    "sources": sources_parser,
    "serve": serve_parser,
    "completion": completion_parser,
    "build": build_parser,
}
"""The parser of each command (the same as ``scwc COMMAND`` uses)."""
VALUES = {
    "--by": NSPCC_DIMENSIONS,
    "--where": tuple(f"{d}=" for d in NSPCC_DIMENSIONS),
    "--measure": (MEASURE, INSTANCES),
    "--sort": ("name", MEASURE, INSTANCES, SHARE, SHARE_RECORDED, CHANGE, RATE),
    "--size": ("web", "print"),
}
"""Values offered for options without fixed choices (the embedded dataset's names)."""
FILE_VALUES = frozenset({"-o", "--output", "--views", "--data-dir", "--view"})


@dataclass(frozen=True)
class Option:
    """One option of a command, as a shell completes it."""

    flags: tuple[str, ...]
    help: str
    takes_value: bool
    values: tuple[str, ...]
    files: bool
    repeatable: bool


@dataclass(frozen=True)
class Command:
    """A command (``""``: scwc without one), its options and what its positional takes."""

    name: str
    summary: str
    options: tuple[Option, ...]
    positional: tuple[str, ...] | None
    """Fixed choices of the positional; empty: a file; ``None``: it takes none."""


def _options(
    parser: argparse.ArgumentParser,
) -> tuple[tuple[Option, ...], tuple[str, ...] | None]:
    options: list[Option] = []
    positional: tuple[str, ...] | None = None
    for action in parser._actions:
        if not action.option_strings:
            positional = tuple(action.choices or ())
            continue
        long = next((f for f in action.option_strings if f.startswith("--")), "")
        takes_value = action.nargs != 0
        values = tuple(str(c) for c in action.choices or VALUES.get(long, ()))
        files = takes_value and not values and bool(FILE_VALUES & set(action.option_strings))
        help_text = (action.help or "").split(";")[0].split(". ")[0][:70]
        repeatable = isinstance(action, argparse._AppendAction)
        options.append(
            Option(tuple(action.option_strings), help_text, takes_value, values, files, repeatable)
        )
    return tuple(options), positional


def commands() -> tuple[Command, ...]:
    """scwc without a command, then every command, with their options."""
    found = [Command("", "", *_options(app_parser()))]
    for name, make in PARSERS.items():
        found.append(Command(name, COMMAND_SUMMARIES[name], *_options(make())))
    return tuple(found)


def bash_script() -> str:
    """A bash completion script (``complete -F _scwc scwc``)."""
    every = commands()
    names = " ".join(c.name for c in every if c.name)
    value_cases, option_cases = [], []
    for command in every:
        for option in command.options:
            if not option.takes_value:
                continue
            pattern = "|".join(f'"{command.name}:{flag}"' for flag in option.flags)
            if option.values:
                reply = f'COMPREPLY=($(compgen -W "{" ".join(option.values)}" -- "$cur"))'
                if option.flags[-1] == "--where":
                    reply += "; compopt -o nospace 2>/dev/null"
            elif option.files:
                reply = 'COMPREPLY=($(compgen -f -- "$cur"))'
            else:
                reply = "COMPREPLY=()"
            value_cases.append(f"        {pattern}) {reply}; return ;;")
        flags = " ".join(flag for option in command.options for flag in option.flags)
        words = names if not command.name else " ".join(command.positional or ())
        option_cases.append(f'        "{command.name}") opts="{flags}"; words="{words}" ;;')
    return BASH.format(
        names=names.replace(" ", "|"),
        value_cases="\n".join(value_cases),
        option_cases="\n".join(option_cases),
    )


BASH = """# bash completion for scwc: scwc completion bash > ~/.local/share/bash-completion/completions/scwc
_scwc() {{
    local cur="${{COMP_WORDS[COMP_CWORD]}}" prev="${{COMP_WORDS[COMP_CWORD-1]}}"
    local command="" opts="" words="" i
    for ((i = 1; i < COMP_CWORD; i++)); do
        case "${{COMP_WORDS[i]}}" in
            {names}) command="${{COMP_WORDS[i]}}"; break ;;
        esac
    done
    case "$command:$prev" in
{value_cases}
    esac
    case "$command" in
{option_cases}
    esac
    if [[ "$cur" == -* ]]; then
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
    elif [[ -n "$words" && -n "$command" ]]; then
        COMPREPLY=($(compgen -W "$words" -- "$cur"))
    elif [[ -n "$words" ]]; then
        COMPREPLY=($(compgen -W "$words" -- "$cur") $(compgen -f -- "$cur"))
    else
        COMPREPLY=($(compgen -f -- "$cur"))
    fi
}}
complete -o filenames -F _scwc scwc
"""


def _zsh_text(text: str) -> str:
    """Text inside a single-quoted ``_arguments`` spec: brackets and colons escaped."""
    escaped = text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")
    return escaped.replace(":", "\\:").replace("'", "'\\''")


def _zsh_spec(option: Option) -> str:
    value = ""
    if option.takes_value:
        name = option.flags[-1].lstrip("-")
        if option.values:
            value = f":{name}:({' '.join(_zsh_text(v) for v in option.values)})"
        else:
            value = f":{name}:_files" if option.files else f":{name}: "
    described = f"[{_zsh_text(option.help)}]{value}"
    if len(option.flags) == 1:
        star = "*" if option.repeatable else ""
        return f"'{star}{option.flags[0]}{described}'"
    together = " ".join(option.flags)
    return f"'({together})'{{{','.join(option.flags)}}}'{described}'"


def zsh_script() -> str:
    """A zsh completion function (``#compdef scwc``)."""
    every = commands()
    listed = " ".join(f"'{c.name}:{_zsh_text(c.summary)}'" for c in every if c.name)
    cases = []
    for command in every:
        specs = " \\\n        ".join(_zsh_spec(o) for o in command.options)
        if command.positional:
            positional = f" \\\n        '1:{command.name}:({' '.join(command.positional)})'"
        elif command.positional is None:
            positional = ""
        else:
            positional = " \\\n        '*:data file:_files'"
        if command.name:
            cases.append(
                f"    {command.name})\n        _arguments -s \\\n        {specs}{positional} ;;"
            )
        else:
            first = f"        {specs} \\\n        '1: :->first' '*:data file:_files'"
    return ZSH.format(listed=listed, first=first, cases="\n".join(cases))


ZSH = """#compdef scwc
# zsh completion for scwc: scwc completion zsh > ~/.zfunc/_scwc (fpath+=~/.zfunc before compinit)
_scwc() {{
    local -a commands
    commands=({listed})
    if (( CURRENT > 2 )) && (( ${{commands[(I)${{words[2]}}:*]}} )); then
        local command=${{words[2]}}
        shift words
        (( CURRENT-- ))
        case $command in
{cases}
        esac
        return
    fi
    local state
    _arguments -s \\
{first}
    if [[ $state == first ]]; then
        _describe -t commands 'scwc command' commands
        _files
    fi
}}
_scwc "$@"
"""


def _fish_quoted(text: str) -> str:
    """``text`` in single quotes for fish."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _fish_line(condition: str, option: Option) -> str:
    parts = ["complete -c scwc", f"-n '{condition}'"]
    for flag in option.flags:
        parts.append(f"-l {flag[2:]}" if flag.startswith("--") else f"-s {flag[1:]}")
    if option.takes_value:
        if option.values:
            parts.append(f"-x -a '{' '.join(option.values)}'")
        else:
            parts.append("-r -F" if option.files else "-x")
    if option.help:
        parts.append(f"-d {_fish_quoted(option.help)}")
    return " ".join(parts)


def fish_script() -> str:
    """A fish completion script (``complete -c scwc ...``)."""
    every = commands()
    names = " ".join(c.name for c in every if c.name)
    lines = [
        "# fish completion for scwc: scwc completion fish > ~/.config/fish/completions/scwc.fish"
    ]
    lines.append("complete -c scwc -f")
    for command in every:
        if not command.name:
            condition = f"not __fish_seen_subcommand_from {names}"
            lines += [
                f"complete -c scwc -n '{condition}' -a {c.name} -d {_fish_quoted(c.summary)}"
                for c in every
                if c.name
            ]
            lines.append(f"complete -c scwc -n '{condition}' -F")
        else:
            condition = f"__fish_seen_subcommand_from {command.name}"
            if command.positional:
                choices = " ".join(command.positional)
                lines.append(f"complete -c scwc -n '{condition}' -x -a '{choices}'")
            elif command.positional is not None:
                lines.append(f"complete -c scwc -n '{condition}' -F")
        lines += [_fish_line(condition, option) for option in command.options]
    return "\n".join(lines) + "\n"


SCRIPTS = {"bash": bash_script, "zsh": zsh_script, "fish": fish_script}
