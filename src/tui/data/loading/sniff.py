"""Sniff a delimited text file from a sample: encoding, delimiter, the header line, number style;
and check that a text file is text a table could be read from, before any reader gets it.

:func:`sniff` reads at most :data:`SAMPLE_BYTES` (more only to find the end of the first line, up
to :data:`MAX_LINE_BYTES`), so a pathological file fails within milliseconds. :func:`check_text`
reads the whole file once, a block at a time in constant memory (about a second per GB), and
refuses NUL bytes and over-long lines wherever they are, and finds whether the file is UTF-8
throughout (a legacy-encoded line anywhere, even past the sample, is read as written: see
:func:`decode_lines`).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from tui.data.dataset import DataError
from tui.data.loading.header import looks_like_header_cell

SAMPLE_BYTES = 256 * 1024
MAX_LINE_BYTES = 1024 * 1024
MAX_COLUMNS = 5_000
SEPARATORS = (",", ";", "\t", "|")
TITLE_LINES = 30
"""How far down a header line is looked for (title lines above it are skipped)."""
MAX_DOCUMENT_BYTES = 64 * 1024 * 1024
"""A JSON document is read whole into memory: larger ones are refused."""
MAX_IN_MEMORY_BYTES = 256 * 1024 * 1024
"""NDJSON, and CSV in a legacy encoding (transcoded), are read whole into memory: the most."""


@dataclass(frozen=True)
class Sniffed:
    """How to read a delimited file."""

    encoding: str
    """``utf-8`` (read by polars straight from the file) or a legacy encoding to transcode."""
    separator: str
    header_line: int
    """0-based line of the header (lines above it are titles)."""
    european: bool
    """Numbers written ``1.234`` (dot groups thousands, as in ``;``-separated files)."""
    header: tuple[str, ...] = ()
    """The header's cells as written."""
    cr_only: bool = False
    """Lines end with a lone CR (old Mac files): read as lines, not as one long line."""


@dataclass(frozen=True)
class TextCheck:
    """What :func:`check_text` found while reading the whole file."""

    long_quote: bool
    """A quoted cell may be longer than a block: the cells' lengths are worth measuring."""
    utf8: bool
    """Every byte sequence of the file is UTF-8 (ASCII included)."""


def _encoding(sample: bytes) -> str:
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(sample) - 3:  # not just a character cut at the sample's end
            return "cp1252"
    return "utf-8"


def _is_words(text: str) -> bool:
    """Text a title is made of: letters, no digits alone."""
    return bool(re.search(r"[^\W\d_]{2,}", text))


def _header_line(lines: list[str], separator: str) -> int:
    """The header: the first line of two or more cells (title lines hold one), unless a later line
    with at least as many cells holds a known column name or a year, and the first is text only (a
    title of two cells above the header)."""
    rows = [
        [c for c in next(csv.reader(io.StringIO(line), delimiter=separator), []) if c.strip()]
        for line in lines
    ]
    first = next((n for n, cells in enumerate(rows) if len(cells) >= 2), None)
    if first is None:
        return 0
    if any(looks_like_header_cell(c) or not _is_words(c) for c in rows[first]):
        return first  # a header, or data under a header of unknown names: not a title
    for number in range(first + 1, len(rows)):
        cells = rows[number]
        if (
            len(cells) >= len(rows[first])
            and any(looks_like_header_cell(c) for c in cells)
            and all(looks_like_header_cell(c) or _is_words(c) for c in cells)
        ):
            return number  # a header holds names, never bare numbers
    return first


def sniff(path: Path, separator: str | None = None) -> Sniffed:
    """Look at the start of ``path``; refuse files no table could be read from."""
    with path.open("rb") as handle:
        sample = handle.read(SAMPLE_BYTES)
        if b"\n" not in sample and b"\r" not in sample and len(sample) == SAMPLE_BYTES:
            sample += handle.read(MAX_LINE_BYTES - SAMPLE_BYTES)
            if b"\n" not in sample and b"\r" not in sample and len(sample) == MAX_LINE_BYTES:
                fields = max(sample.count(s.encode()) for s in SEPARATORS) + 1
                if fields > MAX_COLUMNS:
                    raise DataError(
                        f"{path.name}: more than {MAX_COLUMNS:,} columns in line 1 "
                        "(not a table of counts)"
                    )
                raise DataError(
                    f"{path.name}: line 1 is longer than {MAX_LINE_BYTES // 1024 // 1024} MB "
                    "(not a table of counts)"
                )
    encoding = _encoding(sample)
    text = sample.decode(encoding, errors="replace").lstrip("\ufeff")
    lines = text.splitlines()[:TITLE_LINES]
    if len(sample) >= SAMPLE_BYTES and len(lines) > 1:
        lines = lines[:-1]  # the last line may be cut short
    if not any(line.strip() for line in lines):
        raise DataError(f"{path.name}: file is empty")
    chosen = separator or max(
        SEPARATORS,
        key=lambda s: (sum(s in line for line in lines), max(line.count(s) for line in lines)),
    )
    header_line = _header_line(lines, chosen)
    columns = lines[header_line].count(chosen) + 1 if lines else 0
    if columns > MAX_COLUMNS:
        raise DataError(
            f"{path.name}: {columns:,} columns in the header; at most {MAX_COLUMNS:,} are read"
        )
    header = next(csv.reader(io.StringIO(lines[header_line]), delimiter=chosen), [])
    return Sniffed(
        encoding,
        chosen,
        header_line,
        european=chosen == ";",
        header=tuple(header),
        cr_only=b"\r" in sample and b"\n" not in sample,
    )


def check_text(path: Path, lines: bool = True) -> TextCheck:
    """Refuse a text file no table of counts could be: NUL bytes (binary data; UTF-16 aside) or,
    if ``lines``, a line longer than :data:`MAX_LINE_BYTES`, anywhere in the file. Reads it once in
    blocks of :data:`MAX_LINE_BYTES`, so a line that long always spans a block boundary. Only
    searches run on every block (counting bytes is ten times slower): lines are counted only to
    name a refused one, quotes only in blocks that hold any.

    Says whether a quoted cell may be longer than a block (a whole block inside quotes, by the
    parity of the ``"`` seen so far): only then are the cells' lengths worth measuring; and
    whether the file is UTF-8 throughout (only blocks that are not plain ASCII are decoded)."""
    quoted = False  # inside quotes at the start of the block
    long_quote = False
    utf8 = codecs.getincrementaldecoder("utf-8")()
    valid = True
    last_break = -1  # offset of the last line break seen
    offset = 0
    with path.open("rb") as handle:
        start = handle.read(2)
        binary_ok = start in (b"\xff\xfe", b"\xfe\xff")  # UTF-16: every other byte is NUL
        handle.seek(0)
        while block := handle.read(MAX_LINE_BYTES):
            if not binary_ok and b"\x00" in block:
                at = offset + block.index(b"\x00")
                raise DataError(
                    f"{path.name}: a NUL byte at byte {at:,} (binary data, not a text table)"
                )
            if lines:
                breaks = [i for i in (block.find(b"\n"), block.find(b"\r")) if i >= 0]
                run_end = offset + (min(breaks) if breaks else len(block))
                if run_end - last_break - 1 > MAX_LINE_BYTES:
                    raise DataError(
                        f"{path.name}: line {_line_number(handle, offset):,} is longer than "
                        f"{MAX_LINE_BYTES // 1024 // 1024} MB (not a table of counts)"
                    )
                if breaks:
                    last_break = offset + max(block.rfind(b"\n"), block.rfind(b"\r"))
            if b'"' in block:
                quoted ^= block.count(b'"') % 2 == 1
            else:
                long_quote = long_quote or quoted
            if valid and not block.isascii():  # an ASCII block ends between characters
                try:
                    utf8.decode(block)
                except UnicodeDecodeError:
                    valid = False
            offset += len(block)
    if valid:
        try:
            utf8.decode(b"", final=True)  # not cut inside a character at the end
        except UnicodeDecodeError:
            valid = False
    return TextCheck(long_quote, valid)


LEGACY = "cp1252"
UTF8_SEQUENCE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]")
"""The start of a multi-byte UTF-8 character (rare in a legacy-encoded text's letters)."""


def decode_lines(data: bytes, line_end: bytes = b"\n") -> tuple[str, str]:
    """Text from bytes that may mix UTF-8 and cp1252: each line decoded as what it is (UTF-8 when
    it is valid UTF-8, else cp1252, else Latin-1), never one line read in the other's encoding;
    lines end with ``\\n`` whatever ``line_end`` they had. Returns the text and a note of what
    was done (empty for plain UTF-8)."""
    if UTF8_SEQUENCE.search(data) is None:  # no UTF-8 character anywhere: one legacy text
        text = data.decode(LEGACY, errors="replace")
        text = text.replace("\r", "\n") if line_end == b"\r" else text
        return text, "" if data.isascii() else f"read as {LEGACY}"
    lines, legacy = [], 0
    for line in data.split(line_end):
        try:
            lines.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            try:
                lines.append(line.decode(LEGACY))
            except UnicodeDecodeError:  # a byte cp1252 leaves undefined
                lines.append(line.decode("latin-1"))
            legacy += 1
    note = f"{legacy} line(s) in {LEGACY}, the rest in UTF-8 (each line read as written)"
    return "\n".join(lines), note if legacy else ""


def _line_number(handle: BinaryIO, offset: int) -> int:
    """The number of the line running at ``offset`` (a block's start): the line breaks before it
    (LF, or CR in a block without LF), read again from the start in the same blocks."""
    handle.seek(0)
    breaks = 0
    while handle.tell() < offset and (block := handle.read(MAX_LINE_BYTES)):
        breaks += block.count(b"\n") or block.count(b"\r")
    return breaks + 1
