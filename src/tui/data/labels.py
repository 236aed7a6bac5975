"""Any label from a file (a force, a platform, a title, a file name) as text that only shows.

A user's file can hold anything in a cell: terminal escape sequences (``ESC [2A`` moves the cursor
and overwrites a number printed above; ``ESC ] 52`` writes the clipboard; ``ESC ] 8`` hides a
link), line breaks, bidirectional overrides that reorder what is shown. :func:`safe_text` is the one
rule every sink uses (the command line, the app's widgets and notifications, the served page):
each such character is shown as a visible stand-in and never passed through. Textual and Rich
markup is a matter of the sink, not of the text: widgets put labels in ``rich.text.Text`` or
``Content`` (never in markup strings), so ``Leeds[/b]`` and ``Snapchat [x]`` show as written.
"""

from __future__ import annotations

import json
import re

ESCAPE_SHOWN = "␛"
"""ESC, which starts every terminal escape sequence."""
QUOTED_CHARS = 40
"""A value quoted in a message is cut to this many characters (its length is said)."""
_HIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u2028-\u202e\u2060-\u2069\ufeff]")
"""C0 and C1 control characters, DEL, the bidirectional marks, embeddings, overrides and isolates,
zero-width space and word joiner, line and paragraph separators, the byte-order mark."""


def _stand_in(character: str, pictures: bool) -> str:
    code = ord(character)
    if pictures and code == 0x1B:
        return ESCAPE_SHOWN
    if pictures and code < 0x20:
        return chr(0x2400 + code)  # the Unicode control pictures: ␀ ␉ ␊ ␍ ...
    if pictures and code == 0x7F:
        return "␡"
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def safe_text(value: object, pictures: bool = True) -> str:
    """``value`` as text whose every character shows: control characters and escape sequences as
    visible stand-ins (ESC as ``␛``, a line break as ``␊``, C1 as ``\\x9b``, a bidirectional
    override as ``\\u202e``); everything else as it is. Without ``pictures`` (for a font that has
    no control pictures, such as a chart's) every stand-in is a code: ESC as ``\\x1b``."""
    return _HIDDEN.sub(lambda match: _stand_in(match.group(), pictures), str(value))


def safe_lines(text: str) -> str:
    """A message of several lines, each line :func:`safe_text` (its line breaks kept)."""
    return "\n".join(safe_text(line) for line in text.split("\n"))


def safe_json(value: object) -> str:
    """``value`` as indented JSON for a terminal: the rule of :func:`safe_text` in JSON's own
    escapes (``\\u001b``, ``\\u009b``, ``\\u202e``), so that it reads back to ``value`` exactly
    and no character in it acts (JSON escapes C0 itself; C1 and the rest would pass raw)."""
    text = json.dumps(value, indent=1, ensure_ascii=False)  # its only raw line breaks: the indent
    return _HIDDEN.sub(
        lambda m: m.group() if m.group() == "\n" else f"\\u{ord(m.group()):04x}", text
    )


def quoted(value: object, limit: int = QUOTED_CHARS) -> str:
    """``value`` in quotes for a message: :func:`safe_text`, and cut to ``limit`` characters with its
    length said when longer (a refusal never echoes a huge cell)."""
    text = str(value)
    if len(text) <= limit:
        return f"'{safe_text(text)}'"
    return f"'{safe_text(text[:limit])}…' ({len(text):,} characters)"
