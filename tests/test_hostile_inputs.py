"""No input takes the machine down: each hostile file ends in one line and exit code 2, within a
few seconds and a few hundred MB, measured on the real command in a child process.

The child runs under ``resource`` limits (address space, CPU time) as a safety net, and its peak
memory is read from ``wait4`` (:mod:`tests.bounded`). Big files are made cheaply: sparse (NUL bytes cost no disk), or
streamed and compressed; the multi-GB originals (a 2 GB line, a sheet unpacking to GBs) are
represented by files that cross the same limits, since every check stops at its limit.
"""

from __future__ import annotations

import ctypes
import os
import sys
import time
import zipfile
from pathlib import Path

import pytest
from textual.widgets import Input

from tests.app.helpers import SIZE, settle
from tests.bounded import SECONDS, assert_refused, run_bounded
from tui.app import ExplorerApp
from tui.cli import main

MB = 1024 * 1024
HEADER = b"force,year,offences\n"


def write_csv_with(path: Path, *parts: bytes | tuple[bytes, int]) -> Path:
    """A file of ``parts``: bytes as they are, or ``(piece, times)`` streamed."""
    with path.open("wb") as handle:
        for part in parts:
            if isinstance(part, tuple):
                piece, times = part
                for _ in range(times):
                    handle.write(piece)
            else:
                handle.write(part)
    return path


def huge_line_2(folder: Path) -> Path:
    return write_csv_with(folder / "line2.csv", HEADER, (b"x" * MB, 20), b"\nKent,2019/20,5\n")


def huge_line_deep(folder: Path) -> Path:
    return write_csv_with(
        folder / "deep.csv", HEADER, (b"Kent,2019/20,5\n", 200_000), (b"y" * MB, 3), b"\n"
    )


def huge_line_deep_cr(folder: Path) -> Path:
    """Old Mac line ends (a lone CR) and quoted names: the line is still numbered from 1."""
    return write_csv_with(
        folder / "deep_cr.csv",
        HEADER.replace(b"\n", b"\r"),
        (b'"Kent",2019/20,5\r', 200_000),
        (b"y" * MB, 3),
        b"\r",
    )


def nul_flood(folder: Path) -> Path:
    path = write_csv_with(folder / "nul.csv", HEADER)
    with path.open("r+b") as handle:
        handle.truncate(300 * MB)  # sparse: 300 MB of NUL bytes, no disk
    return path


def cell_over_lines(folder: Path) -> Path:
    """A quoted 30 MB cell whose lines are short: no line limit catches it."""
    return write_csv_with(
        folder / "cell.csv", HEADER, b'"', (b"a" * 99_999 + b"\n", 300), b'",2019/20,5\n'
    )


def cell_in_counts(folder: Path) -> Path:
    return write_csv_with(
        folder / "count.csv",
        HEADER,
        b'Kent,2019/20,"',
        (b"9" * 99_999 + b"\n", 300),
        b'"\nKent,2020/21,5\n',
    )


def ndjson_line(folder: Path) -> Path:
    return write_csv_with(
        folder / "big.ndjson",
        b'{"force":"Kent","year":"2019/20","offences":5}\n{"force":"',
        (b"k" * MB, 50),
        b'","year":"2019/20","offences":5}\n',
    )


def random_bytes(folder: Path) -> Path:
    return write_csv_with(folder / "random.csv", (os.urandom(MB), 50))


def random_json(folder: Path) -> Path:
    return write_csv_with(folder / "random.json", (os.urandom(MB), 8))


def long_name(folder: Path) -> Path:
    return write_csv_with(folder / "name.csv", HEADER, b"K" * 1000 + b",2019/20,5\n")


def fifo_parquet(folder: Path) -> Path:
    os.mkfifo(folder / "data.parquet")
    return folder / "data.parquet"


def _workbook(folder: Path, name: str, rows: int = 0, padding_mb: int = 0) -> Path:
    """A real export's workbook with its sheet replaced by ``rows`` tiny rows, or an extra part
    of ``padding_mb`` MB of zeros (both compress to almost nothing)."""
    base = folder / "base.xlsx"
    if not base.exists():
        assert main(["export", "-o", str(base)]) == 0
    path = folder / name
    with (
        zipfile.ZipFile(base) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as bomb,
    ):
        for info in source.infolist():
            if rows and info.filename == "xl/worksheets/sheet1.xml":
                with bomb.open(info.filename, "w", force_zip64=True) as sheet:
                    sheet.write(b'<?xml version="1.0"?><worksheet><sheetData>')
                    block = b"".join(
                        b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (i, i) for i in range(10_000)
                    )
                    for _ in range(rows // 10_000):
                        sheet.write(block)
                    sheet.write(b"</sheetData></worksheet>")
            else:
                bomb.writestr(info, source.read(info.filename))
        if padding_mb:
            with bomb.open("xl/media/padding.bin", "w", force_zip64=True) as padding:
                for _ in range(padding_mb):
                    padding.write(bytes(MB))
    return path


def too_many_rows(folder: Path) -> Path:
    return _workbook(folder, "rows.xlsx", rows=1_100_000)


def unpacks_too_far(folder: Path) -> Path:
    return _workbook(folder, "bomb.xlsx", padding_mb=1100)  # the 1-2 GB


ODS_CONTENT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">
<office:body><office:spreadsheet><table:table table:name="S">
<table:table-row>{header}</table:table-row>
<table:table-row table:number-rows-repeated="20000000">{row}</table:table-row>
</table:table></office:spreadsheet></office:body></office:document-content>"""


ODS_MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"
 manifest:version="1.2"><manifest:file-entry manifest:full-path="/"
 manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>"""


def repeated_rows(folder: Path) -> Path:
    """An OpenDocument sheet whose one data row is repeated 20 million times: the reader would
    stop at 1,048,576 rows and give a wrong total, having taken 500 MB."""

    def cells(*values: str) -> str:
        return "".join(
            f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>'
            for v in values
        )

    content = ODS_CONTENT.format(
        header=cells("force", "year", "offences"), row=cells("Kent", "2019/20", "5")
    )
    path = folder / "repeat.ods"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as sheet:
        sheet.writestr(
            "mimetype",
            "application/vnd.oasis.opendocument.spreadsheet",
            compress_type=zipfile.ZIP_STORED,
        )
        sheet.writestr("content.xml", content)
        sheet.writestr("META-INF/manifest.xml", ODS_MANIFEST)
    return path


CASES = {
    "huge line 2": (huge_line_2, "line 2 is longer than 1 MB"),
    "huge line deep in the file": (huge_line_deep, "line 200,002 is longer than 1 MB"),
    "huge line deep in a file of CR line ends": (
        huge_line_deep_cr,
        "line 200,002 is longer than 1 MB",
    ),
    "header and 300 MB of NUL bytes": (nul_flood, "a NUL byte at byte 20"),
    "30 MB cell over short lines": (cell_over_lines, "a cell of 30,000,"),
    "30 MB cell in the counts": (cell_in_counts, "in column 'offences'"),
    "50 MB NDJSON line": (ndjson_line, "line 2 is longer than 1 MB"),
    "random bytes": (random_bytes, "binary data, not a text table"),
    "random bytes as JSON": (random_json, "binary data, not a text table"),
    "a name of 1,000 characters": (long_name, "a force of 1,000 characters is not a name"),
    "a FIFO named .parquet": (fifo_parquet, "not a regular file"),
    "a sheet over Excel's 1,048,576 rows": (too_many_rows, "more than 1,048,576 rows"),
    "a workbook unpacking to 1.1 GB": (unpacks_too_far, "unpacks to 1,100 MB"),
    "an OpenDocument row repeated 20 million times": (repeated_rows, "more than 1,048,576 rows"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_hostile_file_is_refused_in_bounded_time_and_memory(case: str, tmp_path: Path) -> None:
    make, message = CASES[case]
    path = make(tmp_path)
    assert_refused(run_bounded("summary", str(path)), message)


def test_a_300_character_file_name_is_one_line(tmp_path: Path) -> None:
    outcome = run_bounded("summary", str(tmp_path / ("a" * 300 + ".csv")))
    assert_refused(outcome, "file name too long")
    assert len(outcome.stderr) < 200


def test_a_name_too_long_for_its_sidecar_still_opens(tmp_path: Path) -> None:
    path = tmp_path / ("k" * 250 + ".csv")  # NAME.csv.toml would be 259 characters
    path.write_bytes(HEADER + b"Kent,2019/20,5\n")
    outcome = run_bounded("summary", str(path))
    assert outcome.code == 0, outcome.stderr


def _without_root_file_powers() -> None:
    """Drop CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH, so that even root meets permissions."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2):
        libc.prctl(24, capability, 0, 0, 0)  # PR_CAPBSET_DROP


@pytest.mark.skipif(sys.platform != "linux", reason="capabilities are Linux's")
def test_a_file_in_an_unsearchable_folder_is_one_line(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "kent.csv").write_bytes(HEADER + b"Kent,2019/20,5\n")
    locked.chmod(0)
    try:
        preexec = _without_root_file_powers if os.geteuid() == 0 else None
        outcome = run_bounded("summary", str(locked / "kent.csv"), preexec=preexec)
    finally:
        locked.chmod(0o755)
    assert_refused(outcome, "kent.csv: permission denied")


async def test_the_app_reports_hostile_files_and_keeps_its_data(dataset, tmp_path: Path) -> None:
    """ctrl+o on a FIFO, a NUL flood and a too-long name: a notification each, the data kept."""
    paths = [fifo_parquet(tmp_path), nul_flood(tmp_path), tmp_path / ("b" * 300 + ".csv")]
    app = ExplorerApp(dataset)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for path in paths:
            await pilot.press("ctrl+o")
            await settle(pilot)
            app.screen.query_one(Input).insert_text_at_cursor(str(path))  # as a paste would
            await pilot.press("enter")
            deadline = time.monotonic() + SECONDS
            while not any("Cannot open" in n.title for n in app._notifications):
                assert time.monotonic() < deadline, f"{path.name[:40]}: no notification"
                await pilot.pause(0.1)
            app.clear_notifications()
            assert app.dataset is dataset
