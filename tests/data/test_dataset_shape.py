"""The embedded dataset has the promised shape: eight years, three jurisdictions, offences and
platform instances side by side (never summed), labelled modelled."""

from __future__ import annotations

import tomllib
from pathlib import Path

import polars as pl

from tui.data.engine.query import summary
from tui.data.figures.files import read_missing
from tui.data.figures.targets import YEARS
from tui.data.loading import repo_data_dir
from tui.data.schema import NOT_SPLIT, NSPCC_DIMENSIONS, PLATFORM_OWNERS
from tui.data.selection import Selection

RANGE_COLUMNS = ["offences_low", "offences_high", "instances_low", "instances_high"]


def test_columns_and_grid(data_dir: Path) -> None:
    frame = pl.read_csv(data_dir / "offences.csv", infer_schema_length=0)
    assert frame.columns == [*NSPCC_DIMENSIONS, "offences", "instances", *RANGE_COLUMNS]
    forces = pl.read_csv(data_dir / "forces.csv")
    assert set(frame["force"]) == set(forces["force"]) and forces.height == 45
    assert tuple(sorted(set(frame["year"]))) == YEARS
    assert set(frame["jurisdiction"]) == {"England and Wales", "Scotland", "Northern Ireland"}
    assert frame.select(NSPCC_DIMENSIONS).is_duplicated().sum() == 0
    counted = frame.select(
        pl.col("offences").is_not_null().cast(pl.Int8) + pl.col("instances").is_not_null()
    )
    assert (counted.to_series() == 1).all(), "each row counts offences or instances, never both"


def test_missing_force_years_are_absent_not_zero(dataset) -> None:
    kept = dataset.cube.filter(pl.col("force").is_in(["Hampshire", "Lincolnshire"]))
    years = kept.group_by("force").agg(pl.col("year").cast(pl.String).unique())
    present = {r["force"]: set(r["year"]) for r in years.iter_rows(named=True)}
    assert "2021/22" not in present["Hampshire"] and "2024/25" not in present["Lincolnshire"]


def test_offences_are_not_split_by_platform(dataset) -> None:
    by_platform = summary(dataset, Selection("platform", "offences"))
    assert by_platform.frame["platform"].cast(pl.String).to_list() == [NOT_SPLIT]
    by_age = summary(dataset, Selection("age_band", "instances"))
    assert by_age.frame["age_band"].cast(pl.String).to_list() == [NOT_SPLIT]
    instances = summary(
        dataset,
        Selection(
            "platform",
            "instances",
            filters=(("jurisdiction", ("England and Wales",)), ("year", ("2018/19",))),
        ),
    )
    counts = dict(
        zip(instances.frame["platform"].cast(pl.String), instances.frame["instances"], strict=True)
    )
    assert (counts["Instagram"], counts["Facebook"], counts["Snapchat"], counts["WhatsApp"]) == (
        929,
        549,
        436,
        112,
    )
    assert instances.recorded_total == 2700


def test_platform_owner_follows_platform(dataset) -> None:
    pairs = dataset.cube.select("platform", "platform_owner").unique().cast(pl.String)
    assert dict(pairs.iter_rows()) == PLATFORM_OWNERS
    assert {p for p, o in PLATFORM_OWNERS.items() if o == "Meta"} == {
        "Facebook",
        "Messenger",
        "Instagram",
        "WhatsApp",
    }


def test_metadata_says_what_is_modelled(data_dir: Path, dataset) -> None:
    meta = tomllib.loads((data_dir / "offences.toml").read_text(encoding="utf-8"))
    assert meta["modelled"] is True and dataset.modelled
    assert meta["default_filters"] == {"jurisdiction": ["England and Wales"]}
    assert any("instances" in s for s in meta["simplifications"])
    assert len(meta["sources"]) > 50 and all(s["title"] for s in meta["sources"])


def test_modelled_force_years_are_shared_out_not_piled_on_one_year(dataset) -> None:
    """The Metropolitan Police has no published year; "London and South East" fixes its six-year
    sum (5,636 minus the four South East forces). The fit once put 0 in 2022/23 and 818 in 2020/21."""
    met = Selection("year", "offences", filters=(("force", ("Metropolitan Police",)),))
    years = summary(dataset, met).frame["offences"].to_list()
    assert sum(years[:6]) == 5636 - (378 + 473 + 679 + 525 + 429 + 772)
    assert min(years) >= 200 and max(years) <= 2.5 * min(years), years


def test_no_large_force_year_is_missing_a_whole_age_band(dataset) -> None:
    """Greater Manchester once had no victim under 16 in three years (all "Not recorded")."""
    frame = dataset.cube.filter(pl.col("jurisdiction") == "England and Wales")
    totals = frame.group_by("force", "year").agg(pl.col("offences").sum().alias("total"))
    bands = (
        frame.filter(pl.col("age_band").is_in(["0-11", "12-15"]))
        .group_by("force", "year", "age_band")
        .agg(pl.col("offences").sum())
        .join(totals, on=["force", "year"])
    )
    empty = bands.filter(pl.col("total") >= 100, pl.col("offences") == 0)
    assert empty.is_empty(), empty


def test_no_large_force_year_has_none_of_a_big_app(dataset) -> None:
    """19 force-years with 100+ offences once had 0 instances on Snapchat, Instagram, Facebook or
    WhatsApp: the same piling-up, in the platform step."""
    frame = dataset.cube.filter(pl.col("jurisdiction") == "England and Wales")
    totals = frame.group_by("force", "year").agg(pl.col("offences").sum().alias("total"))
    apps = (
        frame.filter(pl.col("platform").is_in(["Snapchat", "Instagram", "Facebook", "WhatsApp"]))
        .group_by("force", "year", "platform")
        .agg(pl.col("instances").sum())
        .join(totals, on=["force", "year"])
    )
    empty = apps.filter(pl.col("total") >= 100, pl.col("instances") == 0)
    assert empty.is_empty(), empty


def test_every_cell_carries_a_range_that_holds_its_value(data_dir: Path) -> None:
    frame = pl.read_csv(data_dir / "offences.csv")
    assert frame.height > 6000
    for measure in ("offences", "instances"):
        low, high = pl.col(f"{measure}_low"), pl.col(f"{measure}_high")
        blank = pl.col(measure).is_null()
        assert frame.filter(blank != low.is_null()).is_empty(), measure
        assert frame.filter(blank != high.is_null()).is_empty(), measure
        held = frame.filter(~blank)
        assert held.height > 2500
        assert held.filter((low > pl.col(measure)) | (pl.col(measure) > high)).is_empty()


def test_ranges_file_has_every_scope_year_with_its_value(data_dir: Path, dataset) -> None:
    ranges = pl.read_csv(data_dir / "ranges.csv")
    assert ranges.columns == [
        "jurisdiction",
        "scope_type",
        "scope",
        "year",
        "measure",
        "low",
        "high",
        "value",
    ]
    assert set(ranges["scope_type"]) == {"force", "region", "nation", "jurisdiction"}
    assert set(ranges["measure"]) == {"offences", "instances"}
    assert ranges.select("scope_type", "scope", "year", "measure").is_duplicated().sum() == 0
    forces = ranges.filter(pl.col("scope_type") == "force", pl.col("measure") == "offences")
    missing = read_missing(repo_data_dir())  # the force-years no force provided
    assert forces.height == 45 * len(YEARS) - len(missing) and len(missing) >= 2
    assert ranges.filter(
        (pl.col("low") > pl.col("value")) | (pl.col("value") > pl.col("high"))
    ).is_empty()
    by_year = summary(dataset, Selection("year", "offences", filters=(("force", ("Kent",)),)))
    kent = forces.filter(pl.col("scope") == "Kent").sort("year")["value"].to_list()
    assert kent == by_year.frame["offences"].to_list()


def row(ranges: pl.DataFrame, scope: str, year: str, measure: str = "offences") -> tuple:
    found = (
        ranges.filter(
            pl.col("scope") == scope, pl.col("year") == year, pl.col("measure") == measure
        )
        .select("low", "high", "value")
        .unique()
    )
    assert found.height == 1, (scope, year, found)
    return found.row(0)


def test_published_numbers_have_a_range_of_one_value(data_dir: Path) -> None:
    ranges = pl.read_csv(data_dir / "ranges.csv")
    assert row(ranges, "Kent", "2023/24") == (264, 264, 264)
    assert row(ranges, "England and Wales", "2017/18") == (3217, 3217, 3217)
    assert row(ranges, "Wales", "2017/18") == (274, 274, 274)
    assert row(ranges, "Scotland", "2023/24") == (672, 672, 672)


def test_a_modelled_range_is_what_the_published_figures_allow(data_dir: Path) -> None:
    """Wales 2022/23 has no total, and South Wales gave no figure that year: North Wales 101,
    Dyfed-Powys 30 and Gwent 58 are published, so Wales is exactly their sum, and South Wales
    has no row (missing, not modelled). Wales 2020/21 (Gwent gave none) likewise."""
    ranges = pl.read_csv(data_dir / "ranges.csv")
    assert row(ranges, "Wales", "2022/23") == (101 + 30 + 58,) * 3
    assert ranges.filter(pl.col("scope") == "South Wales", pl.col("year") == "2022/23").is_empty()
    modelled = ranges.filter(pl.col("low") < pl.col("high"))
    assert modelled.height > 700
    # the range of a sum is exact, never wider than the sum of its parts' ranges
    forces = pl.read_csv(data_dir / "forces.csv").select("force", "region")
    by_region = (
        ranges.filter(pl.col("scope_type") == "force")
        .join(forces, left_on="scope", right_on="force")
        .group_by("region", "year", "measure")
        .agg(pl.col("high").sum().alias("parts_high"))
    )
    regions = ranges.filter(pl.col("scope_type") == "region").join(
        by_region, left_on=["scope", "year", "measure"], right_on=["region", "year", "measure"]
    )
    assert regions.height > 0 and (regions["high"] <= regions["parts_high"]).all()
