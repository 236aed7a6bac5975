"""``scwc chart`` and the chart writer, tested by reading the files back: the SVG's text holds the
title and the source, its bars and hollow (modelled) markers are those of the selection as the
engine gives them, the PNG has the size asked for."""

from __future__ import annotations

import re
import struct
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.cli import main
from tui.data.engine.query import summary
from tui.data.engine.table import LOW
from tui.data.features.navigation import initial_selection
from tui.data.loading import load_dataset
from tui.data.output.chart_plan import PRINT_KINDS, bars_that_fit, figure_size, plan_chart
from tui.data.selection import Selection

pytest.importorskip("matplotlib")

ROOT = Path(__file__).resolve().parents[2]
ELEMENT_ID = re.compile(r'<g id="([a-z]+)-([a-z]+)?-?([0-9-]+)"')


@pytest.fixture(scope="module")
def dataset():
    return load_dataset()


def ids(svg: str, kind: str) -> list[tuple[str, str]]:
    """(status, number) of every ``<g id="KIND-STATUS-N">`` in the SVG."""
    return re.findall(rf'<g id="{kind}-([a-z]+)-([0-9-]+)"', svg)


def texts(svg: str) -> str:
    """Every text of the SVG, joined (its title and source are kept as text)."""
    return " ".join(re.findall(r"<text[^>]*>([^<]*)</text>", svg))


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", header[16:24])


def kent(dataset) -> Selection:
    return initial_selection(dataset).grouped_by("year").with_filter("force", ("Kent",))


def test_kent_by_year_is_a_chart_a_newspaper_could_print(
    dataset, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The 'done when' command: the SVG names what is counted where, the filters and years, the
    publishers of the published numbers; one bar per year, modelled years hollow (white fill),
    a whisker for each year with an interval; every mark in the legend."""
    output = tmp_path / "kent.svg"
    assert main(["chart", "--by", "year", "--where", "force=Kent", "-o", str(output)]) == 0
    assert capsys.readouterr().out.strip() == f"wrote {output}"
    svg = output.read_text()
    words = " ".join(texts(svg).split())
    result = summary(dataset, kent(dataset))
    plan = plan_chart(dataset, kent(dataset))
    assert plan.title in words
    assert plan.source in words
    assert "Kent Police" in words and "Filters: force = Kent" in words
    assert "Source: police figures published by" in words
    publishers = {p.publisher for p in plan.points if p.publisher}
    assert publishers and all(name in words for name in publishers)
    bars = ids(svg, "bar")
    assert len(bars) == result.frame.height == 8
    expected = [result.status_of(str(y)) for y in result.frame["year"]]
    assert [status for status, _ in bars] == expected
    for status, number in bars:
        style = re.search(rf'id="bar-{status}-{number}">\s*<path[^>]*style="([^"]*)"', svg)
        assert style is not None
        assert ("fill: #ffffff" in style[1]) == (status == "modelled")
    whiskers = re.findall(r'<g id="interval-(\d+)"', svg)
    assert len(whiskers) == result.frame[LOW].drop_nulls().len()
    for status in set(expected):
        assert status in words  # the legend: ● published, ○ modelled (hollow)


@pytest.mark.parametrize(
    ("size", "pixels"), [("web", (800, 500)), ("print", None), ("1200x675", (1200, 675))]
)
def test_the_png_has_the_size_asked_for(tmp_path: Path, size: str, pixels) -> None:
    output = tmp_path / "kent.png"
    argv = ["chart", "--by", "year", "--where", "force=Kent", "-o", str(output), "--size", size]
    assert main(argv) == 0
    width, height, dpi = figure_size(size)
    assert png_size(output) == (pixels or (int(width * dpi), int(height * dpi)))
    if size == "print":
        assert dpi == 300 and round(width * 25.4) == 180 and round(height * 25.4) == 120


def test_pdf_and_a_title_of_ones_own(tmp_path: Path) -> None:
    output = tmp_path / "kent.pdf"
    argv = ["chart", "--by", "year", "--where", "force=Kent", "-o", str(output), "--title", "Kent"]
    assert main(argv) == 0
    assert output.read_bytes().startswith(b"%PDF")


def test_a_line_marks_each_year_and_stacked_bars_each_segment(dataset, tmp_path: Path) -> None:
    line, stacked = tmp_path / "line.svg", tmp_path / "stacked.svg"
    base = ["--by", "year", "--where", "force=Kent"]
    assert main(["chart", *base, "--kind", "line", "-o", str(line)]) == 0
    result = summary(dataset, kent(dataset))
    points = ids(line.read_text(), "point")
    modelled = [
        str(y) for y in result.frame["year"] if result.provenance_of(str(y)).status == "modelled"
    ]
    assert len(points) == result.frame.height
    assert sum(status == "modelled" for status, _ in points) == len(modelled)
    assert main(["chart", "--by", "region", "--kind", "stacked", "-o", str(stacked)]) == 0
    plan = plan_chart(dataset, initial_selection(dataset).grouped_by("region"), "stacked")
    segments = ids(stacked.read_text(), "bar")
    assert plan.kind == "stacked" and len(segments) == len(plan.points)
    by_region = summary(dataset, initial_selection(dataset).grouped_by("region"))
    for region in plan.categories:  # each stack adds up to the region's total
        total = sum(p.value for p in plan.points if p.category == region)
        assert total == by_region.frame.filter(pl.col("region") == region)["offences"][0]


SELECTIONS = st.tuples(
    st.sampled_from(["year", "force", "region", "age_band", "nation"]),
    st.sampled_from([None, "2019/20", "2023/24", "2024/25"]),
    st.sampled_from(PRINT_KINDS),
    st.booleans(),
)


@settings(max_examples=25, deadline=None)
@given(choice=SELECTIONS)
def test_the_plan_shows_the_selections_numbers_and_marks(choice) -> None:
    """For any selection: the bars are the summary's first rows with their own marks; a
    published-only chart leaves every modelled number out; line and stacked charts add up."""
    by, year, kind, published_only = choice
    dataset = load_dataset()
    selection = initial_selection(dataset).grouped_by(by)
    if year:
        selection = selection.with_filter("year", (year,))
    selection = selection.with_published_only(published_only)
    plan = plan_chart(dataset, selection, kind)
    result = summary(dataset, selection)
    if plan.kind == "bar":
        shown = result.frame.filter(pl.col(result.measure).is_not_null()).head(bars_that_fit("web"))
        assert [p.category for p in plan.points] == [str(m) for m in shown[by]]
        assert [p.value for p in plan.points] == [float(v) for v in shown[result.measure]]
        assert [p.status for p in plan.points] == [result.status_of(str(m)) for m in shown[by]]
    if published_only:
        assert all(p.status != "modelled" for p in plan.points)
    assert all(p.low is None for p in plan.points if p.status == "modelled")
    assert set(plan.statuses) == {p.status for p in plan.points}


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["-o", "kent.gif"], "a chart is written as .svg, .png or .pdf"),
        (["-o", "kent.svg", "--size", "huge"], "unknown chart size 'huge'"),
        (["-o", "kent.svg", "--format", "png"], "does not match --format png"),
        (["-o", "kent.svg", "--by", "colour"], "no dimension 'colour'"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    argv = [a if not a.startswith("kent.") else str(tmp_path / a) for a in argv]
    assert main(["chart", *argv]) == 2
    error = capsys.readouterr().err.strip()
    assert message in error and len(error.splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_an_existing_file_needs_force(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    output = tmp_path / "kent.svg"
    output.write_text("mine")
    assert main(["chart", "--by", "year", "-o", str(output)]) == 2
    assert "exists" in capsys.readouterr().err
    assert output.read_text() == "mine"
    assert main(["chart", "--by", "year", "-o", str(output), "--force"]) == 0
    assert output.read_text().startswith("<?xml")


WITHOUT_MATPLOTLIB = """
import sys
sys.modules["matplotlib"] = None  # as if the chart extra were not installed
from tui.cli import main
raise SystemExit(main(["chart", "--by", "year", "-o", sys.argv[1]]))
"""


def test_without_matplotlib_one_line_says_how_to_install_it(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", WITHOUT_MATPLOTLIB, str(tmp_path / "kent.svg")],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 2
    assert done.stderr == "scwc: charts need matplotlib: pip install 'scwc[chart]'\n"
    assert list(tmp_path.iterdir()) == []
