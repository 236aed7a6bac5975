"""Numbers a reporter can stand behind: every summary row carries what the published figures
allow, a change involving a modelled count is not tested, and the published-only view blanks
every modelled number. Run on a copy of the dataset with ranges (:mod:`tests.ranged`)."""

from __future__ import annotations

import json
import tomllib
from dataclasses import replace
from pathlib import Path

import polars as pl
import pytest

from tests.ranged import ranged_copy
from tui.cli import main
from tui.data.dataset import Dataset
from tui.data.engine.provenance import MODELLED, PUBLISHED, ledger
from tui.data.engine.query import member_counts, summary
from tui.data.engine.ranges import BOUND, EXACT, RANGE_HIGH, RANGE_KIND, RANGE_LOW
from tui.data.engine.table import CHANGE, CHANGE_SIGNIFICANT
from tui.data.features.quote import quote
from tui.data.loading import load_dataset
from tui.data.output.export import export
from tui.data.selection import Selection

EW = ("England and Wales",)


@pytest.fixture(scope="module")
def ranged_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return ranged_copy(tmp_path_factory.mktemp("ranged"))


@pytest.fixture(scope="module")
def ranged(ranged_path: Path) -> Dataset:
    return load_dataset(ranged_path)


def _ranges_table(path: Path) -> pl.DataFrame:
    return pl.read_csv(path.parent / "ranges.csv", schema_overrides={"year": pl.String})


def _status(dataset: Dataset, force: str, year: str, measure: str = "offences") -> str:
    book = ledger(dataset)
    assert book is not None
    chosen = Selection("year", measure).with_filter("force", (force,)).with_filter("year", (year,))
    return book.of(chosen.filters, measure).status


def _force_years(dataset: Dataset, status: str) -> list[tuple[str, str]]:
    """(force, year) pairs of England and Wales whose offences are ``status``."""
    found = [
        (force, year)
        for year in dataset.members("year")[1:]
        for force in ("Kent", "Hampshire", "Greater Manchester", "Dyfed-Powys", "Essex", "Surrey")
        if _status(dataset, force, year) == status
    ]
    assert found, f"the test needs a {status} force-year"
    return found


def _by_force(year: str, measure: str = "offences") -> Selection:
    return Selection("force", measure).with_filter("jurisdiction", EW).with_filter("year", (year,))


def _row(result, member: str) -> dict:
    return next(r for r in result.frame.iter_rows(named=True) if str(r[result.key]) == member)


def test_a_modelled_force_year_gets_its_exact_range(ranged, ranged_path) -> None:
    force, year = _force_years(ranged, MODELLED)[-1]
    result = summary(ranged, _by_force(year))
    row = _row(result, force)
    table = _ranges_table(ranged_path).filter(
        (pl.col("scope") == force) & (pl.col("year") == year) & (pl.col("measure") == "offences")
    )
    assert (row[RANGE_LOW], row[RANGE_HIGH], row[RANGE_KIND]) == (
        table["low"][0],
        table["high"][0],
        EXACT,
    )
    assert row[RANGE_LOW] < row["offences"] < row[RANGE_HIGH]


def test_a_published_row_has_a_range_of_one_value(ranged) -> None:
    force, year = _force_years(ranged, PUBLISHED)[0]
    row = _row(summary(ranged, _by_force(year)), force)
    assert row[RANGE_LOW] == row[RANGE_HIGH] == row["offences"]
    assert row[RANGE_KIND] == EXACT


def test_a_sum_over_years_is_the_sum_of_the_force_year_ranges_and_a_bound(
    ranged, ranged_path
) -> None:
    force = _force_years(ranged, MODELLED)[-1][0]
    selection = Selection("force", "offences").with_filter("jurisdiction", EW)
    row = _row(summary(ranged, selection), force)
    table = _ranges_table(ranged_path).filter(
        (pl.col("scope") == force) & (pl.col("measure") == "offences")
    )
    assert (row[RANGE_LOW], row[RANGE_HIGH]) == (table["low"].sum(), table["high"].sum())
    assert row[RANGE_KIND] == BOUND


def test_a_national_year_total_gets_the_jurisdictions_exact_range(ranged, ranged_path) -> None:
    result = summary(ranged, Selection("year", "offences").with_filter("jurisdiction", EW))
    table = _ranges_table(ranged_path).filter(
        (pl.col("scope_type") == "jurisdiction")
        & (pl.col("scope") == EW[0])
        & (pl.col("measure") == "offences")
    )
    for year, low, high in table.select("year", "low", "high").rows():
        row = _row(result, year)
        assert (row[RANGE_LOW], row[RANGE_HIGH], row[RANGE_KIND]) == (low, high, EXACT)


def test_a_breakdown_sums_its_cells_ranges(ranged, ranged_path) -> None:
    force, year = _force_years(ranged, PUBLISHED)[0]
    selection = (
        Selection("age_band", "offences")
        .with_filter("force", (force,))
        .with_filter("year", (year,))
    )
    result = summary(ranged, selection)
    cells = pl.read_csv(ranged_path, infer_schema_length=0).filter(
        (pl.col("force") == force) & (pl.col("year") == year) & (pl.col("age_band") == "12-15")
    )
    row = _row(result, "12-15")
    assert row[RANGE_LOW] == cells["offences_low"].cast(pl.Int64).sum()
    # never more than the whole: the force-year's published total
    assert row[RANGE_HIGH] == min(
        cells["offences_high"].cast(pl.Int64).sum(), result.totals["offences"]
    )
    assert row[RANGE_KIND] == BOUND
    assert result.totals[RANGE_LOW] == result.totals[RANGE_HIGH] == result.totals["offences"]


def test_a_users_file_has_no_range(tmp_path: Path) -> None:
    path = tmp_path / "own.csv"
    pl.DataFrame({"force": ["Kent", "Essex"], "offences": [3, 4]}).write_csv(path)
    result = summary(load_dataset(path), Selection("force", "offences"))
    assert RANGE_LOW not in result.frame.columns


def test_a_change_involving_a_modelled_count_is_not_tested(ranged) -> None:
    force, year = _force_years(ranged, MODELLED)[-1]
    result = summary(ranged, _by_force(year))
    row = _row(result, force)
    assert row[CHANGE] is not None and row[CHANGE_SIGNIFICANT] is None
    assert force in result.untested_changes
    years = summary(ranged, Selection("year", "offences").with_filter("jurisdiction", EW))
    flags = dict(
        zip(years.frame["year"].cast(pl.String), years.frame[CHANGE_SIGNIFICANT], strict=False)
    )
    assert flags["2018/19"] is not None  # 3,217 published, 4,625 derived: tested
    assert flags["2024/25"] is None  # modelled (Scotland and NI carried forward)


def test_published_only_blanks_every_modelled_number(ranged) -> None:
    modelled_force, year = _force_years(ranged, MODELLED)[-1]
    published = [f for f, y in _force_years(ranged, PUBLISHED) if y == year]
    selection = _by_force(year).with_published_only(True)
    result = summary(ranged, selection)
    row = _row(result, modelled_force)
    assert row["offences"] is None and row[RANGE_LOW] is None and row["rate_per_100k"] is None
    assert row[CHANGE] is None
    if published:
        kept = _row(result, published[0])
        assert kept["offences"] == _row(summary(ranged, _by_force(year)), published[0])["offences"]


def test_published_only_filter_panel_counts_blank_modelled_members(ranged) -> None:
    """The filter panel's count beside each force is the table's: blank where it is modelled."""
    modelled_force, year = _force_years(ranged, MODELLED)[-1]
    published = [f for f, y in _force_years(ranged, PUBLISHED) if y == year]
    selection = _by_force(year).with_published_only(True)
    counts = member_counts(ranged, selection, "force")
    assert counts[modelled_force] is None
    everything = member_counts(ranged, selection.with_published_only(False), "force")
    assert everything[modelled_force] > 0
    for force in published:
        assert (
            counts[force]
            == everything[force]
            == _row(summary(ranged, selection), force)["offences"]
        )
    by_year = member_counts(ranged, selection.with_filter("force", (published[0],)), "year")
    assert by_year[year] == everything[published[0]]


def test_cli_summary_prints_the_range_and_the_published_only_view(ranged_path, capsys) -> None:
    force, year = _force_years(load_dataset(ranged_path), MODELLED)[-1]
    assert main(["summary", str(ranged_path), "--by", "force", "--where", f"year={year}"]) == 0
    out = capsys.readouterr().out
    line = next(line for line in out.splitlines() if line.startswith(force))
    assert "○" in line and "–" in line.split("○")[1]
    assert "Range: what published figures allow (≤ bound)" in out
    assert (
        main(
            [
                "summary",
                str(ranged_path),
                "--by",
                "force",
                "--where",
                f"year={year}",
                "--published-only",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "PUBLISHED ONLY" in out
    line = next(line for line in out.splitlines() if line.startswith(force))
    assert not any(ch.isdigit() for ch in line[len(force) :])


@pytest.mark.parametrize("fmt", ["csv", "json", "parquet", "xlsx"])
def test_exports_carry_the_range_and_the_sidecar_explains_it(ranged, tmp_path, fmt) -> None:
    force, year = _force_years(ranged, MODELLED)[-1]
    path = tmp_path / f"out.{fmt}"
    export(ranged, _by_force(year), path)
    side = tomllib.loads((tmp_path / f"out.{fmt}.toml").read_text(encoding="utf-8"))
    for column in (RANGE_LOW, RANGE_HIGH, RANGE_KIND):
        assert "published figures" in side["columns"][column]["meaning"]
    if fmt == "xlsx":
        return
    frame = {
        "csv": pl.read_csv,
        "json": lambda p: pl.DataFrame(json.loads(Path(p).read_text())),
        "parquet": pl.read_parquet,
    }[fmt](path)
    row = frame.filter(pl.col("force") == force).row(0, named=True)
    shown = _row(summary(ranged, _by_force(year)), force)
    assert (row[RANGE_LOW], row[RANGE_HIGH], row[RANGE_KIND]) == (
        shown[RANGE_LOW],
        shown[RANGE_HIGH],
        EXACT,
    )
    assert row[CHANGE_SIGNIFICANT] is None


def test_a_published_only_export_leaves_modelled_numbers_missing(ranged, tmp_path) -> None:
    force, year = _force_years(ranged, MODELLED)[-1]
    path = tmp_path / "out.csv"
    export(ranged, _by_force(year).with_published_only(True), path)
    row = pl.read_csv(path).filter(pl.col("force") == force).row(0, named=True)
    assert row["offences"] is None and row[RANGE_LOW] is None
    side = tomllib.loads((tmp_path / "out.csv.toml").read_text(encoding="utf-8"))
    assert side["selection"]["published_only"] is True
    again = tmp_path / "again.csv"
    assert main(["export", "--view", str(tmp_path / "out.csv.toml"), "-o", str(again)]) == 0
    assert again.read_bytes() == path.read_bytes()


def test_a_quote_of_a_modelled_count_gives_its_range_and_no_test(ranged) -> None:
    force, year = _force_years(ranged, MODELLED)[-1]
    selection = (
        Selection("force", "offences").with_filter("force", (force,)).with_filter("year", (year,))
    )
    shown = summary(ranged, selection).totals
    text = quote(ranged, selection)
    assert f"an estimated {shown['offences']:,}" in text
    assert f"published figures allow between {shown[RANGE_LOW]:,} and {shown[RANGE_HIGH]:,}" in text
    assert "chance" not in text
    assert "up " not in text and "down " not in text and "the same as" not in text


def test_a_published_only_rows_export_blanks_the_modelled_cells(ranged, tmp_path) -> None:
    force, year = _force_years(ranged, PUBLISHED)[0]
    selection = _by_force(year).with_filter("force", (force,)).with_published_only(True)
    path = tmp_path / "rows.csv"
    export(ranged, selection, path, what="rows")
    rows = pl.read_csv(path)
    assert rows.height > 0 and rows["offences"].null_count() == rows.height


def test_a_modelled_count_has_no_poisson_interval_a_published_one_has(dataset) -> None:
    """A 95% Poisson interval is the chance spread of a count that was recorded; beside a modelled
    count (a guess off by a median 23%) it claimed a precision it does not have."""
    selection = (
        Selection("force", "offences")
        .with_filter("jurisdiction", ("England and Wales",))
        .with_filter("year", ("2023/24",))
    )
    result = summary(dataset, selection)
    rows = {str(r["force"]): r for r in result.frame.iter_rows(named=True)}
    status = {m: result.provenance_of(m).status for m in rows}
    modelled = [m for m in rows if status[m] == MODELLED]
    published = [m for m in rows if status[m] == PUBLISHED]
    assert modelled and published, "the test needs both kinds of row"
    for member in modelled:
        assert [rows[member][c] for c in ("low", "high", "rate_low", "rate_high")] == [None] * 4
    for member in published:
        assert rows[member]["low"] <= rows[member]["offences"] <= rows[member]["high"]


def test_a_breakdown_range_never_exceeds_what_its_force_years_allow(dataset) -> None:
    """Summing cell bounds gave Snapchat 2023/24 'no more than 223,545' instances while all
    instances in England and Wales that year are at most a few thousands: a part is never
    more than its whole."""
    year = (
        Selection("year", "instances")
        .with_filter("jurisdiction", ("England and Wales",))
        .with_filter("year", ("2023/24",))
    )
    whole = summary(dataset, year).totals[RANGE_HIGH]
    assert whole is not None
    apps = summary(dataset, replace(year, group_by="platform"))
    highs = [h for h in apps.frame[RANGE_HIGH].to_list() if h is not None]
    assert highs, "the test needs modelled platform rows"
    assert max(highs) <= whole
    assert apps.totals[RANGE_HIGH] <= whole


@pytest.mark.parametrize("measure", ["offences", "instances"])
@pytest.mark.parametrize("year", [None, ("2023/24",)])
def test_the_total_has_one_range_whatever_the_grouping(dataset, measure, year) -> None:
    """England and Wales's total is one number, so it has one range: by victim sex it read
    '≤0–43,054' (the sum of the cells' lows) where by nation it read '≤34,797–43,054'."""
    base = Selection("nation", measure).with_filter("jurisdiction", EW).with_filter("year", year)
    expected = summary(dataset, base).totals
    assert expected[RANGE_LOW] is not None and expected[RANGE_LOW] > 0
    for grouping in ("force", "year", "age_band", "sex", "platform", "platform_owner"):
        if grouping not in dataset.dimensions:
            continue
        totals = summary(dataset, replace(base, group_by=grouping)).totals
        if totals[measure] is None:
            continue
        assert totals[measure] == expected[measure], grouping
        assert (totals[RANGE_LOW], totals[RANGE_HIGH], totals[RANGE_KIND]) == (
            expected[RANGE_LOW],
            expected[RANGE_HIGH],
            expected[RANGE_KIND],
        ), grouping


@pytest.mark.parametrize("jurisdiction", [EW, None])
@pytest.mark.parametrize("year", [None, ("2017/18",), ("2023/24",)])
def test_no_part_is_allowed_more_than_its_whole(dataset, jurisdiction, year) -> None:
    """Every row's range lies within the total's: in the UK 2017/18 (3,728 published) the
    modelled age bands each read 'no more than 5,888'."""
    checked = 0
    for measure in ("offences", "instances"):
        for grouping in dataset.dimensions:
            selection = (
                Selection(grouping, measure)
                .with_filter("jurisdiction", jurisdiction)
                .with_filter("year", year)
            )
            result = summary(dataset, selection)
            whole = result.totals.get(RANGE_HIGH)
            if whole is None:
                continue
            for row in result.frame.iter_rows(named=True):
                if row[RANGE_HIGH] is None:
                    continue
                checked += 1
                assert row[RANGE_LOW] <= row[measure] <= row[RANGE_HIGH], (grouping, row)
                assert row[RANGE_HIGH] <= whole, (measure, grouping, row[grouping], whole)
    assert checked > 50
