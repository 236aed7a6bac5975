"""A wheel built from the repository installs into a fresh virtual environment, with its data and
the chart extra, and every command runs there, far from the source tree (about a minute: the
install fetches the dependencies from the package index or pip's cache)."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("wheel")]
"""One worker builds and installs the wheel for both tests (its fixture is per module)."""


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(the wheel, the ``bin`` folder of a new virtual environment it is installed in)."""
    folder = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(folder)],
        check=True,
        capture_output=True,
    )
    (wheel,) = folder.glob("scwc-*.whl")
    environment = folder / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(environment)], check=True)
    bin_folder = environment / "bin"
    subprocess.run(
        [str(bin_folder / "pip"), "install", "-q", f"{wheel}[chart]"],
        check=True,
        capture_output=True,
    )
    return wheel, bin_folder


def test_the_wheel_carries_the_run_time_data_and_not_the_builders(
    installed: tuple[Path, Path],
) -> None:
    names = zipfile.ZipFile(installed[0]).namelist()
    for needed in ("offences.csv", "offences.toml", "ranges.csv", "real_figures.csv",
                   "populations.csv", "populations.toml", "forces.csv"):  # fmt: skip
        assert f"tui/_data/{needed}" in names, needed
    assert not [n for n in names if n.startswith("tui/_data/population/")]
    assert "tui/app.tcss" in names


def scwc(bin_folder: Path, cwd: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    environment = {
        "PATH": f"{bin_folder}{os.pathsep}/usr/bin:/bin",
        "HOME": str(cwd),
        "LANG": "C.UTF-8",
    }
    return subprocess.run(
        [str(bin_folder / "scwc"), *argv], capture_output=True, text=True, cwd=cwd, env=environment
    )


def test_every_command_runs_from_the_installed_wheel(
    installed: tuple[Path, Path], tmp_path: Path
) -> None:
    _, bin_folder = installed
    located = subprocess.run(
        [str(bin_folder / "python"), "-c", "import tui; print(tui.__file__)"],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    assert str(bin_folder.parent) in located.stdout  # the installed copy, not the source tree
    version = scwc(bin_folder, tmp_path, "--version")
    assert version.stdout.strip() == "scwc 0.1.0"
    shown = scwc(bin_folder, tmp_path, "summary", "--by", "year", "--where", "force=Kent")
    assert shown.returncode == 0 and "2023/24" in shown.stdout, shown.stderr
    exported = scwc(bin_folder, tmp_path, "export", "--by", "force", "-o", "f.csv", "--datapackage")
    assert exported.returncode == 0, exported.stderr
    assert {"f.csv", "f.csv.toml", "datapackage.json"} <= {p.name for p in tmp_path.iterdir()}
    quoted = scwc(bin_folder, tmp_path, "quote", "--where", "force=Kent", "--where", "year=2023/24")
    assert quoted.returncode == 0 and quoted.stdout.startswith("Kent Police recorded")
    sources = scwc(bin_folder, tmp_path, "sources")
    assert sources.returncode == 0 and sources.stdout.rstrip().endswith("0 mismatches")
    chart = scwc(bin_folder, tmp_path, "chart", "--by", "year", "-o", "c.svg")
    assert chart.returncode == 0 and "Source:" in (tmp_path / "c.svg").read_text()
    completion = scwc(bin_folder, tmp_path, "completion", "bash")
    assert "complete -o filenames -F _scwc scwc" in completion.stdout
    builder = scwc(bin_folder, tmp_path, "build", "--out", "mine")  # without the build extra
    assert builder.returncode == 2 and not (tmp_path / "mine").exists()
    assert builder.stderr == "scwc build needs the builder: pip install 'scwc[build]'\n"
    unknown = scwc(bin_folder, tmp_path, "bogus")
    assert unknown.returncode == 2 and "unknown command 'bogus'" in unknown.stderr
    notebook = subprocess.run(
        [
            str(bin_folder / "python"),
            "-c",
            "import tui; print(tui.open().summary(by='year').height)",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert notebook.stdout.strip() == "8", notebook.stderr
