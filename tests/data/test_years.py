"""The dataset's years follow its figures: no list of years in the builder or the figure
vocabulary (issue 29)."""

from __future__ import annotations

import ast
import itertools
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from tui.data.figures.years import FIRST_YEAR, carried_forward, financial_years, years_between
from tui.data.schema import NI, SCOTLAND

SOURCE = Path(__file__).resolve().parents[2] / "src" / "tui" / "data"
starts = st.integers(2017, 2040)


@given(starts, st.integers(0, 10))
def test_a_span_reads_as_every_year_in_it(start: int, length: int) -> None:
    first, last = (
        f"{start}/{(start + 1) % 100:02d}",
        f"{start + length}/{(start + length + 1) % 100:02d}",
    )
    years = financial_years(f"{first}-{last}" if length else first)
    assert years == years_between(first, last)
    assert years is not None and len(years) == length + 1 and years[0] == first
    assert all(int(b[:4]) == int(a[:4]) + 1 for a, b in itertools.pairwise(years))


def test_what_is_not_whole_financial_years_from_the_first_is_none() -> None:
    for year in ("2016/17", "2016/17-2017/18", "2019", "2019/21", "2020/21-2019/20", "2025/26-"):
        assert financial_years(year) is None, year
    assert financial_years(FIRST_YEAR) == (FIRST_YEAR,)
    assert financial_years("2025/26") == ("2025/26",)


@given(st.sets(st.sampled_from(years_between(FIRST_YEAR, "2027/28"))), st.booleans())
def test_a_year_with_no_total_carries_the_last_one_before_it(published: set, scottish) -> None:
    jurisdiction = SCOTLAND if scottish else NI
    years = years_between(FIRST_YEAR, "2027/28")
    carried = carried_forward({(jurisdiction, y): 1 for y in published}, years)
    for year in years:
        before = [y for y in published if y < year]
        if year in published or not before:
            assert (jurisdiction, year) not in carried
        else:
            assert carried[(jurisdiction, year)] == max(before)


def test_no_list_of_financial_years_in_the_builder_or_the_figure_vocabulary() -> None:
    """A tuple, list, set or dict of two or more financial-year strings is a list of years."""
    found = []
    for path in [*(SOURCE / "build").glob("*.py"), *(SOURCE / "figures").glob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            items = getattr(node, "elts", None) or getattr(node, "keys", None) or []
            years = [
                n
                for n in items
                if isinstance(n, ast.Constant)
                and isinstance(n.value, str)
                and financial_years(n.value) is not None
            ]
            if isinstance(node, (ast.Tuple, ast.List, ast.Set, ast.Dict)) and len(years) > 1:
                found.append(f"{path.name}:{node.lineno}")
    assert not found, found


def test_an_unclear_period_reaching_past_the_last_year_opens_no_year(data_dir: Path) -> None:
    from tui.data.figures.published import forces_by_region
    from tui.data.figures.targets import CONTEXT, dataset_years, read_targets

    figures = read_targets(data_dir, forces_by_region(data_dir / "forces.csv"))
    years = dataset_years(figures)
    assert years[0] == FIRST_YEAR and years == years_between(years[0], years[-1])
    beyond = [f for f in figures if f.year[-7:] > years[-1] and financial_years(f.year)]
    assert beyond and all(f.status == CONTEXT for f in beyond), beyond
