"""Datasets built once per test run and shared by every test and every xdist worker that needs
them: a full build takes about a minute, so each one runs once, under a file lock, in the folder
all the run's workers share; the others wait for it and read the same result.

Each build is ``scwc build --out DIR`` (with ``--figures FILE`` for a user's own figures), run as
the command a user types (:func:`tui.cli.main`), so what the tests read is what it makes.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import io
import json
import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from tui.cli import main
from tui.data.build.inputs import BUILD_INPUTS
from tui.data.loading import repo_data_dir


@dataclass(frozen=True)
class Built:
    """What ``scwc build`` printed and returned, and the folder it built."""

    folder: Path
    code: int
    out: str
    err: str


def shared_root(factory: pytest.TempPathFactory) -> Path:
    """The run's temporary folder every xdist worker shares (its own without xdist)."""
    base = factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def inputs_key(figures: Path | None) -> str:
    """A short hash of what the build reads: the builder's inputs and the user's figures (their
    content, whatever the file is called)."""
    digest = hashlib.sha256()
    for name in BUILD_INPUTS:
        digest.update(name.encode() + b"\0" + (repo_data_dir() / name).read_bytes())
    if figures is not None:
        digest.update(b"figures\0" + figures.read_bytes())
    return digest.hexdigest()[:16]


def shared_build(factory: pytest.TempPathFactory, figures: Path | None = None) -> Built:
    """``scwc build --out DIR [--figures FILE]``, run once per test run for these inputs."""
    home = shared_root(factory) / f"build-{inputs_key(figures)}"
    home.mkdir(exist_ok=True)
    record = home / "result.json"
    with (home / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not record.is_file():
            argv = ["build", "--out", str(home / "dataset")]
            argv += ["--figures", str(figures)] if figures else []
            out, err = io.StringIO(), io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = main(argv)
            result = {"code": code, "out": out.getvalue(), "err": err.getvalue()}
            record.write_text(json.dumps(result), encoding="utf-8")
        result = json.loads(record.read_text(encoding="utf-8"))
    return Built(home / "dataset", result["code"], result["out"], result["err"])
