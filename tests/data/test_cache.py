"""Datasets kept between starts: the same numbers as reading the file, and never a stale one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from tui.data.dataset import Dataset
from tui.data.loading import cache, isolated, load, load_dataset

from .spreadsheets import write_xlsx

KENT = "force,year,offences\nKent,2019/20,120\nKent,2020/21,135\nTotal,2020/21,135\n"


@pytest.fixture
def kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Caching on, in a folder of this test's own."""
    folder = tmp_path / "kept"
    monkeypatch.setenv("SCWC_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def kent(tmp_path: Path) -> Path:
    """Kent's yearly counts with a total row."""
    path = tmp_path / "kent.csv"
    path.write_text(KENT)
    return path


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every time a file's rows are actually read."""
    seen: list[Path] = []
    original = load._read_dataset

    def counted(path: Path, *args: object) -> Dataset:
        seen.append(path)
        return original(path, *args)

    monkeypatch.setattr(load, "_read_dataset", counted)
    return seen


def same(first: Dataset, second: Dataset) -> None:
    assert first.cube.equals(second.cube)
    assert first.cube.schema == second.cube.schema
    assert (first.dimensions, first.measures, first.notes) == (
        second.dimensions,
        second.measures,
        second.notes,
    )
    assert (first.name, first.metadata, first.sources, first.skipped_rows) == (
        second.name,
        second.metadata,
        second.sources,
        second.skipped_rows,
    )
    assert first.spellings.keys() == second.spellings.keys()
    assert all(first.spellings[d].equals(second.spellings[d]) for d in first.spellings)
    assert (first.geography is None) == (second.geography is None)
    if first.geography is not None:
        assert first.geography.equals(second.geography)
    assert first.rows.lazy().collect().equals(second.rows.lazy().collect())


def test_the_embedded_dataset_read_again_is_the_same_without_reading_its_rows(
    kept: Path, reads: list[Path]
) -> None:
    fresh = load_dataset()
    assert len(list(kept.glob("*.dataset"))) == 1
    again = load_dataset()
    assert len(reads) == 1
    same(fresh, again)
    assert int(again.cube["offences"].sum()) == int(fresh.cube["offences"].sum()) > 10_000


def test_a_file_with_a_total_row_keeps_it_out_when_read_again(
    kept: Path, reads: list[Path], kent: Path
) -> None:
    fresh = load_dataset(kent)
    again = load_dataset(kent)
    assert len(reads) == 1
    same(fresh, again)
    assert int(again.cube["offences"].sum()) == 255
    assert again.skipped_rows == 1 and any("total row" in n for n in again.notes)


def test_a_changed_file_is_read_again_even_with_its_size_and_time_kept(
    kept: Path, reads: list[Path], kent: Path
) -> None:
    assert int(load_dataset(kent).cube["offences"].sum()) == 255
    before = kent.stat()
    kent.write_text(KENT.replace("Kent,2019/20,120", "Kent,2019/20,720"))  # same size
    os.utime(kent, ns=(before.st_atime_ns, before.st_mtime_ns))  # same modification time
    assert kent.stat().st_size == before.st_size
    assert int(load_dataset(kent).cube["offences"].sum()) == 855
    assert len(reads) == 2


def test_a_changed_metadata_file_is_read_again(
    kept: Path, reads: list[Path], tmp_path: Path, kent: Path
) -> None:
    sidecar = tmp_path / "kent.toml"
    sidecar.write_text('title = "Kent, first"\n')
    assert load_dataset(kent).name == "Kent, first"
    sidecar.write_text('title = "Kent, second edition"\n')
    assert load_dataset(kent).name == "Kent, second edition"
    assert len(reads) == 2


def test_a_damaged_entry_is_dropped_and_the_file_read_again(
    kept: Path, reads: list[Path], kent: Path
) -> None:
    load_dataset(kent)
    (entry,) = kept.glob("*.dataset")
    entry.write_bytes(entry.read_bytes()[:100])
    assert int(load_dataset(kent).cube["offences"].sum()) == 255
    assert len(reads) == 2
    assert load_dataset(kent) is not None and len(reads) == 2  # written whole again


def test_off_keeps_nothing(
    monkeypatch: pytest.MonkeyPatch, reads: list[Path], tmp_path: Path, kent: Path
) -> None:
    monkeypatch.setenv("SCWC_CACHE_DIR", "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    load_dataset(kent)
    load_dataset(kent)
    assert len(reads) == 2
    assert not (tmp_path / "xdg").exists()


def test_a_folder_others_can_write_is_not_used(kept: Path, reads: list[Path], kent: Path) -> None:
    kept.mkdir(mode=0o700)
    kept.chmod(0o777)  # anyone could plant an entry: never read one from here
    load_dataset(kent)
    load_dataset(kent)
    assert len(reads) == 2
    assert not list(kept.iterdir())


def test_the_oldest_entries_go_beyond_the_limit(
    kept: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache, "MAX_ENTRIES", 2)
    for number in range(3):
        path = tmp_path / f"kent{number}.csv"
        path.write_text(KENT)
        load_dataset(path)
    assert len(list(kept.glob("*.dataset"))) == 2


def test_a_parquet_file_read_before_needs_no_child_process(
    kept: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "kent.parquet"
    pl.DataFrame(
        {"force": ["Kent", "Kent"], "year": ["2019/20", "2020/21"], "offences": [120, 135]}
    ).write_parquet(path)
    first = isolated.open_dataset(path)  # in a child process, which keeps what it read

    def no_child(*args: object, **kwargs: object) -> None:
        raise AssertionError("a child process was started for a file read before")

    monkeypatch.setattr(isolated.subprocess, "run", no_child)
    again = isolated.open_dataset(path)
    same(first, again)


def test_the_command_gives_the_same_summary_the_second_time(kept: Path, kent: Path) -> None:
    environment = os.environ | {"SCWC_CACHE_DIR": str(kept)}
    command = [sys.executable, "-m", "tui", "summary", str(kent), "--by", "year"]
    first, second = (
        subprocess.run(command, capture_output=True, text=True, env=environment, check=True)
        for _ in range(2)
    )
    assert len(list(kept.glob("*.dataset"))) == 1
    assert first.stdout == second.stdout
    assert "1 total row skipped" in second.stdout and "255" in second.stdout


def test_a_workbook_read_before_keeps_its_rows_beside_it(
    kept: Path, reads: list[Path], tmp_path: Path
) -> None:
    rows = [["force", "year", "offences"], *(["Kent", f"20{y}/{y + 1}", y] for y in range(17, 25))]
    path = write_xlsx(tmp_path / "kent.xlsx", {"Data": rows})
    fresh = load_dataset(path)
    assert fresh.rows.in_memory
    again = load_dataset(path)
    assert len(reads) == 1
    same(fresh, again)
    assert again.rows.in_memory
    assert len(list(kept.glob("*.rows.parquet"))) == 1


def test_code_changed_with_its_size_and_time_kept_is_another_key(tmp_path: Path) -> None:
    """Wheels carry fixed timestamps: an upgraded module can keep its size and time."""
    module = tmp_path / "loading" / "totals.py"
    module.parent.mkdir()
    module.write_text("LIMIT = 1\n")
    before = cache.code_stamp(tmp_path)
    stat = module.stat()
    module.write_text("LIMIT = 2\n")
    os.utime(module, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert cache.code_stamp(tmp_path) != before
