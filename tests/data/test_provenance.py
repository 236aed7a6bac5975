"""Every number says whether it is published, derived or modelled."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tui.data.engine.provenance import DERIVED, MODELLED, PUBLISHED, ledger
from tui.data.engine.query import summary
from tui.data.features.navigation import initial_selection, with_jurisdiction
from tui.data.selection import Selection

EW = (("jurisdiction", ("England and Wales",)),)


@pytest.mark.parametrize(
    ("filters", "measure", "status"),
    [
        ((*EW, ("force", ("Kent",)), ("year", ("2023/24",))), "offences", PUBLISHED),
        ((*EW, ("year", ("2017/18",))), "offences", PUBLISHED),
        ((*EW, ("year", ("2019/20",))), "offences", DERIVED),
        ((*EW, ("year", ("2023/24",))), "offences", MODELLED),
        ((*EW, ("force", ("Kent",)), ("year", ("2017/18", "2018/19"))), "offences", PUBLISHED),
        ((*EW, ("force", ("Kent",)), ("year", ("2018/19", "2019/20"))), "offences", DERIVED),
        ((*EW, ("force", ("Kent",)), ("year", ("2024/25",))), "offences", MODELLED),
        ((*EW, ("age_band", ("0-11",)), ("force", ("Kent",))), "offences", MODELLED),
        ((("year", ("2018/19",)),), "offences", PUBLISHED),
        ((), "offences", DERIVED),
        ((*EW, ("platform", ("Instagram",)), ("year", ("2018/19",))), "instances", PUBLISHED),
        # England 2017/18 = England and Wales 3,217 - Wales 274: arithmetic on published figures
        ((*EW, ("nation", ("England",)), ("year", ("2017/18",))), "offences", DERIVED),
        # England and Wales 2017/18-2018/19 minus Wales (both years published): derived
        ((*EW, ("nation", ("England",)), ("year", ("2017/18", "2021/22"))), "offences", DERIVED),
        # Wales 2022/23 has no total, but its three forces that gave a figure are published
        # (South Wales gave none), so England 2022/23 = England and Wales - Wales is derived
        ((*EW, ("nation", ("England",)), ("year", ("2022/23",))), "offences", DERIVED),
        # Wales 2024/25 is published, but not its four forces: England and Wales 2024/25 rests
        # on a carried-forward total, so England is modelled
        ((*EW, ("nation", ("England",)), ("year", ("2024/25",))), "offences", MODELLED),
    ],
)
def test_status_of_a_selection(dataset, filters, measure, status) -> None:
    book = ledger(dataset)
    assert book is not None
    got = book.of(tuple(sorted(filters)), measure)
    assert got.status == status, got


def test_published_rows_name_their_source(dataset) -> None:
    selection = Selection("year", "offences", filters=(*EW, ("force", ("Kent",))))
    result = summary(dataset, selection)
    kent = result.provenance_of("2023/24")
    assert kent is not None and kent.figure is not None
    assert "OnTheWight" in kent.describe()
    assert result.provenance_of("2024/25").status == MODELLED


def test_default_is_england_and_wales_and_uk_is_the_published_series(dataset) -> None:
    start = initial_selection(dataset)
    assert start.members("jurisdiction") == ("England and Wales",)
    by_year = summary(dataset, start.grouped_by("year"))
    assert by_year.frame["offences"].to_list()[0] == 3217
    uk = summary(dataset, with_jurisdiction(dataset, start, "uk").grouped_by("year"))
    assert uk.frame["offences"].to_list() == [3728, 5333, 5954, 6319, 6275, 6350, 7062, 7263]
    scotland = summary(dataset, with_jurisdiction(dataset, start, "scotland").grouped_by("year"))
    assert scotland.frame["offences"].to_list()[:7] == [429, 581, 651, 685, 636, 593, 672]
    assert scotland.provenance_of("2024/25").status == MODELLED


def test_a_figure_several_sources_give_names_the_original_release(dataset) -> None:
    """The NSPCC's own page first, else the earliest dated copy (news sites repeat figures)."""
    by_year = summary(dataset, initial_selection(dataset).grouped_by("year"))
    first = by_year.provenance_of("2017/18")  # 3,217: the NSPCC's release and three news copies
    assert first is not None and first.figure is not None
    assert first.figure.source_url.startswith("https://www.nspcc.org.uk/"), first.describe()
    west_midlands = Selection("year", "offences", filters=(*EW, ("region", ("West Midlands",))))
    latest = summary(dataset, west_midlands).provenance_of("2024/25")  # 391, two copies
    assert latest is not None and latest.figure is not None
    assert latest.figure.published == "2025-11-12", latest.describe()


ENGINE_ALONE = """
import sys
from tui.data.engine.query import summary
from tui.data.engine.table import HIGH, LOW
from tui.data.loading import load_dataset
from tui.data.selection import Selection

EW = (("jurisdiction", ("England and Wales",)),)
shown = summary(load_dataset(), Selection("year", "offences", filters=EW))
row = shown.frame.filter(shown.frame["year"].cast(str) == "2023/24").row(0, named=True)
kept = shown.range_of("2023/24")
print(shown.provenance_of("2023/24").status, row[LOW], row[HIGH], kept is not None)
print(sorted(m for m in sys.modules if m.startswith("tui.data.features")))
"""


def test_the_engine_marks_a_dataset_without_any_feature_imported() -> None:
    """Provenance, ranges and intervals are the engine's own: in a fresh process that imports only
    the loader and the engine, England and Wales 2023/24 is modelled, with no Poisson interval
    (it was not recorded) and with the range the published figures allow."""
    done = subprocess.run(
        [sys.executable, "-c", ENGINE_ALONE], capture_output=True, text=True, check=True
    )
    marks, imported = done.stdout.splitlines()
    assert marks == f"{MODELLED} None None True"
    assert imported == "[]"
