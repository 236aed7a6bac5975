"""Exactly the file named is read (issue 27): a kept dataset is used only for the same resolved
file, no name is a pattern, and nothing under ``--data-dir`` is read through a link that leaves it
(metadata included), run as a stranger would: the command in a child process under resource
limits, a served visitor through textual-serve's websocket."""

from __future__ import annotations

import asyncio
import hashlib
import json
import tomllib
from pathlib import Path

import polars as pl
import pytest

from tests.bounded import run_bounded
from tests.served import Server, Visitor, serving
from tui.data.loading import load_dataset

KENT = "force,year,offences\nKent,2019/20,10\nEssex,2019/20,20\n"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def rows_of(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines()) - 1


def test_a_kept_dataset_is_used_only_for_the_same_resolved_file(tmp_path: Path) -> None:
    """``cd A && scwc summary data.csv``, then from B (which has a data.csv of its own) and from
    C (which has none) ``scwc export ../A/data.csv --rows``: A's two rows and A's hash each time,
    never B's 999 rows, never a traceback."""
    cache = {"SCWC_CACHE_DIR": str(tmp_path / "cache")}
    first, second, third = (tmp_path / name for name in "ABC")
    for folder in (first, second, third):
        folder.mkdir()
    (first / "data.csv").write_text(KENT, encoding="utf-8")
    (second / "data.csv").write_text(
        "force,year,offences\n" + "Kent,2019/20,1\n" * 999, encoding="utf-8"
    )
    summary = run_bounded("summary", "data.csv", cwd=first, environment=cache)
    assert summary.code == 0, summary.stderr
    assert list((tmp_path / "cache").glob("*.dataset")), "the first read was not kept"
    for folder in (second, third):
        done = run_bounded(
            "export", "../A/data.csv", "--rows", "-o", "r.csv", cwd=folder, environment=cache
        )
        assert done.code == 0, done.stderr
        assert rows_of(folder / "r.csv") == 2
        sidecar = tomllib.loads((folder / "r.csv.toml").read_text(encoding="utf-8"))
        assert sidecar["dataset"]["sha256"] == sha256(first / "data.csv")


def test_a_loaded_dataset_names_the_resolved_file(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "data.csv").write_text(KENT, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    dataset = load_dataset(Path("data.csv"))
    assert dataset.path == (tmp_path / "data.csv").resolve()
    monkeypatch.chdir(tmp_path.parent)
    assert dataset.rows.lazy().collect().height == 2  # its rows are still this file's


@pytest.mark.parametrize(
    ("asked", "other"),
    [
        ("FOI [2023].csv", "FOI 2.csv"),
        ("FOI [2023].tsv", "FOI 0.tsv"),
        ("x?.parquet", "x1.parquet"),
        ("*.ndjson", "other.ndjson"),
        ("a[b].json", "ab.json"),
    ],
)
def test_a_file_name_is_never_a_pattern(tmp_path: Path, asked: str, other: str) -> None:
    """The file named is read, and only it: never another file the name would match as a glob."""
    frames = {
        asked: pl.DataFrame({"force": ["Kent"], "year": ["2019/20"], "offences": [5]}),
        other: pl.DataFrame({"force": ["Essex"], "year": ["2019/20"], "offences": [777]}),
    }
    for name, frame in frames.items():
        path = tmp_path / name
        suffix = path.suffix
        if suffix == ".csv":
            frame.write_csv(path)
        elif suffix == ".tsv":
            frame.write_csv(path, separator="\t")
        elif suffix == ".parquet":
            frame.write_parquet(path)
        elif suffix == ".ndjson":
            frame.write_ndjson(path)
        else:
            path.write_text(json.dumps(frame.to_dicts()), encoding="utf-8")
    done = run_bounded("summary", asked, "--by", "force", cwd=tmp_path)
    assert done.code == 0, done.stderr
    assert "Kent" in done.stdout and "Essex" not in done.stdout and "777" not in done.stdout


def test_a_star_file_in_the_served_folder_is_that_file_only(tmp_path: Path) -> None:
    """A --data-dir file named ``*.csv`` opens as itself, never as every CSV there (which would
    read a link to a file outside the folder, too)."""
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "*.csv").write_text("force,year,offences\nKent,2019/20,5\n", encoding="utf-8")
    outside = tmp_path / "secret.csv"
    outside.write_text("force,year,offences\nSecretshire,2019/20,999\n", encoding="utf-8")
    (shared / "link.csv").symlink_to(outside)
    (shared / "start.csv").write_text("force,year,offences\nEssex,2019/20,3\n", encoding="utf-8")

    async def visit(server: Server) -> str:
        visitor = Visitor(server)
        try:
            await visitor.connect()
            await visitor.wait_for("Total")
            mark = len(visitor.text)
            await visitor.press("ctrl+o")
            await visitor.wait_for("Open which data file?", since=mark)
            mark = len(visitor.text)
            await visitor.press("*")  # type-to-jump: the file named *.csv
            await visitor.press("enter")
            await visitor.wait_for("Opened *.csv", since=mark)
            await visitor.press("g")
            await visitor.wait_for("Group by", since=mark)
            await visitor.press("force", "enter")
            return await visitor.wait_for("Kent", since=mark)
        finally:
            await visitor.close()

    with serving(
        str(shared / "start.csv"), "--data-dir", str(shared), token="exact-token-1"
    ) as server:
        screen = asyncio.run(visit(server))
    assert "Secretshire" not in screen and "999" not in screen


def test_a_metadata_link_leaving_the_served_folder_is_not_read(tmp_path: Path) -> None:
    """``good.csv.toml`` beside a served file, linking out of --data-dir: its title is never
    shown to a visitor (the data file itself is read, without that metadata)."""
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "good.csv").write_text(KENT, encoding="utf-8")
    secret = tmp_path / "private.toml"
    secret.write_text('title = "SECRET TITLE from outside"\n', encoding="utf-8")
    (shared / "good.csv.toml").symlink_to(secret)
    (shared / "also.toml").symlink_to(secret)
    (shared / "also.csv").write_text(KENT, encoding="utf-8")
    assert "SECRET" not in load_dataset((shared / "good.csv").resolve()).name

    async def visit(server: Server) -> str:
        visitor = Visitor(server)
        try:
            await visitor.connect()
            await visitor.wait_for("Total")
            mark = len(visitor.text)
            await visitor.press("ctrl+o")
            await visitor.wait_for("Open which data file?", "also.csv", since=mark)
            await visitor.press("enter")  # also.csv, the first
            await visitor.wait_for("Opened", since=mark)
            mark = len(visitor.text)
            await visitor.press("a")
            return await visitor.wait_for("File: also.csv", since=mark)
        finally:
            await visitor.close()

    with serving(str(shared / "good.csv"), "--data-dir", str(shared), token="exact-token-2") as s:
        screen = asyncio.run(visit(s))
    assert "SECRET" not in screen


def test_a_served_file_kept_from_a_relative_read_shows_its_own_rows(tmp_path: Path) -> None:
    """Read once as ``data.csv`` in the served folder (kept), then served from a working folder
    with a ``data.csv`` of its own: the visitor's rows are the served folder's."""
    cache = {"SCWC_CACHE_DIR": str(tmp_path / "cache")}
    shared, elsewhere = tmp_path / "shared", tmp_path / "elsewhere"
    shared.mkdir()
    elsewhere.mkdir()
    (shared / "data.csv").write_text(KENT, encoding="utf-8")
    (elsewhere / "data.csv").write_text(
        "force,year,offences\nSecretshire,2019/20,999\n", encoding="utf-8"
    )
    assert run_bounded("summary", "data.csv", cwd=shared, environment=cache).code == 0

    async def visit(server: Server) -> str:
        visitor = Visitor(server)
        try:
            await visitor.connect()
            await visitor.wait_for("Total")
            mark = len(visitor.text)
            await visitor.press("r")
            return await visitor.wait_for("rows 1–2 of 2", since=mark)
        finally:
            await visitor.close()

    with serving(
        str(shared / "data.csv"),
        "--data-dir",
        str(shared),
        token="exact-token-3",
        environment=cache,
        cwd=elsewhere,
    ) as server:
        screen = asyncio.run(visit(server))
    assert "Secretshire" not in screen and "Essex" in screen
