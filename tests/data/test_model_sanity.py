"""The modelled breakdown makes sense, whatever the solver returns: invariants over the whole
embedded dataset, each guarded so that a filter that keeps nothing cannot pass vacuously.

Once the instance fit kept an unchecked root-node solution: England and Wales had 62,174 platform
instances in 2022/23 (3,191-4,264 in the other years), Wales alone 11,955 on Instagram against
189 offences; a six-year Wales total made South Wales 2022/23 0 offences.
"""

from __future__ import annotations

import polars as pl
import pytest

from tui.data.build.inputs import copy_build_inputs
from tui.data.engine.provenance import MODELLED, ledger
from tui.data.figures.targets import YEARS

JURISDICTIONS = ("England and Wales", "Scotland", "Northern Ireland")


@pytest.fixture(scope="module")
def force_years(dataset) -> pl.DataFrame:
    """One row per force-year: offences, instances, and whether the count is published."""
    book = ledger(dataset)
    assert book is not None
    frame = (
        dataset.cube.with_columns(pl.col("jurisdiction", "force", "year").cast(pl.String))
        .group_by("jurisdiction", "force", "year")
        .agg(pl.col("offences").sum(), pl.col("instances").sum())
        .sort("jurisdiction", "force", "year")
    )
    modelled = [
        book.of(
            (
                ("force", (r["force"],)),
                ("jurisdiction", (r["jurisdiction"],)),
                ("year", (r["year"],)),
            ),
            "offences",
        ).status
        == MODELLED
        for r in frame.iter_rows(named=True)
    ]
    return frame.with_columns(pl.Series("modelled", modelled))


def test_national_instances_per_year_are_near_the_median_year_and_the_offences(
    force_years: pl.DataFrame,
) -> None:
    national = force_years.group_by("jurisdiction", "year").agg(
        pl.col("offences").sum(), pl.col("instances").sum()
    )
    checked = 0
    for jurisdiction in JURISDICTIONS:
        years = national.filter(pl.col("jurisdiction") == jurisdiction).sort("year")
        assert years.height == len(YEARS), jurisdiction
        median = years["instances"].median()
        for row in years.iter_rows(named=True):
            label = f"{jurisdiction} {row['year']}: {row['instances']} instances"
            assert median / 2 <= row["instances"] <= 2 * median, f"{label}, median {median}"
            ratio = row["instances"] / row["offences"]
            assert 0.3 <= ratio <= 3, f"{label}, {row['offences']} offences"
            checked += 1
    assert checked == 3 * len(YEARS)


def test_no_national_platform_year_triples_the_year_before(dataset) -> None:
    """Published: Instagram 418 -> 929 (2017/18 -> 2018/19) is the largest rise, 2.2x."""
    frame = (
        dataset.cube.filter(pl.col("instances").is_not_null())
        .with_columns(pl.col("jurisdiction", "platform", "year").cast(pl.String))
        .group_by("jurisdiction", "platform", "year")
        .agg(pl.col("instances").sum())
        .sort("jurisdiction", "platform", "year")
        .with_columns(pl.col("instances").shift(1).over("jurisdiction", "platform").alias("before"))
        .filter(pl.col("before").is_not_null())
    )
    assert frame.height >= 3 * 10 * (len(YEARS) - 1)
    jumps = frame.filter(pl.col("instances") > 3 * pl.max_horizontal("before", 10))
    assert jumps.is_empty(), jumps


def test_instances_per_offence_within_published_bounds_in_every_force_year(
    force_years: pl.DataFrame,
) -> None:
    """The published national counts give 0.26-0.66 instances with a known app per offence; with
    the instances whose app was not recorded, no force-year may leave 0.3-3 per offence."""
    assert force_years.height > 340
    low = (0.3 * pl.col("offences")).floor()
    high = (3 * pl.col("offences")).ceil()
    outside = force_years.filter((pl.col("instances") < low) | (pl.col("instances") > high))
    assert outside.is_empty(), outside


def test_every_forces_modelled_years_are_within_3x_of_its_median_year(
    force_years: pl.DataFrame,
) -> None:
    """Forces with a median year of 10 or more (the City of London records about one a year)."""
    medians = force_years.group_by("force").agg(pl.col("offences").median().alias("median"))
    modelled = (
        force_years.filter(pl.col("modelled"))
        .join(medians, on="force")
        .filter(pl.col("median") >= 10)
    )
    assert modelled.height > 200
    outside = modelled.filter(
        (pl.col("offences") < pl.col("median") / 3) | (pl.col("offences") > 3 * pl.col("median"))
    )
    assert outside.is_empty(), outside


def test_no_modelled_year_drops_below_a_quarter_of_the_smallest_published_one(
    force_years: pl.DataFrame,
) -> None:
    published = (
        force_years.filter(~pl.col("modelled"))
        .group_by("force")
        .agg(pl.col("offences").min().alias("smallest"))
        .filter(pl.col("smallest") >= 20)
    )
    modelled = force_years.filter(pl.col("modelled")).join(published, on="force")
    assert modelled.height >= 20 and published.height >= 10
    low = modelled.filter(pl.col("offences") < pl.col("smallest") / 4)
    assert low.is_empty(), low


def test_no_published_aggregate_zeroes_a_force(force_years: pl.DataFrame) -> None:
    """Wales's six-year 1,753 is the sum of the published cells of a table with two blanks
    (South Wales 2022/23, Gwent 2020/21): taken as a total it made both 0."""
    medians = force_years.group_by("force").agg(pl.col("offences").median().alias("median"))
    modelled = (
        force_years.filter(pl.col("modelled"), pl.col("jurisdiction") == "England and Wales")
        .join(medians, on="force")
        .filter(pl.col("median") >= 5)
    )
    assert modelled.height > 200
    zeros = modelled.filter(pl.col("offences") == 0)
    assert zeros.is_empty(), zeros


@pytest.mark.slow
def test_the_builder_refuses_an_insane_breakdown(monkeypatch, tmp_path, data_dir, capsys) -> None:
    """Whatever the solver returns, the builder checks the invariants and writes nothing when one
    breaks: here one force-year's instances are multiplied as the root-node solution once did."""
    from tui.data.build import build

    copy_build_inputs(data_dir, tmp_path)
    fitted = build.platform_split

    def inflated(grid, totals):
        platforms = fitted(grid, totals)
        platforms[("Gwent", "2022/23")]["Instagram"] += 11_000
        return platforms

    monkeypatch.setattr(build, "platform_split", inflated)
    assert build.main(["--data-dir", str(tmp_path)], announce=lambda _: None) == 2
    error = capsys.readouterr().err.strip()
    assert error.count("\n") == 0 and "sanity check" in error, error
    assert "Gwent 2022/23" in error and "England and Wales 2022/23" in error, error
    assert not (tmp_path / "offences.csv").exists()


@pytest.mark.slow
def test_held_out_force_years_are_current_and_reported(data_dir) -> None:
    """Leaving each published force-year out and refitting gives exactly data/holdout.csv, and
    offences.toml reports its summary (the README quotes it)."""
    import csv
    import tomllib

    from tui.data.build.force_years import forces_by_region, read_forces
    from tui.data.build.holdout import cases, summary
    from tui.data.figures.targets import read_targets

    forces = read_forces(data_dir / "forces.csv")
    rows = cases(forces, read_targets(data_dir, forces_by_region(forces)))
    assert len(rows) > 80
    with (data_dir / "holdout.csv").open(encoding="utf-8") as handle:
        stored = [tuple(r) for r in list(csv.reader(handle))[1:]]
    assert stored == [tuple(str(v) for v in r) for r in rows]
    guessed = [r for r in rows if not r[-1]]
    assert len(guessed) > 30
    assert all(low <= published <= high for _, _, published, _, low, high, _ in guessed)
    assert all(low == high == published for _, _, published, _, low, high, d in rows if d)
    meta = tomllib.loads((data_dir / "offences.toml").read_text(encoding="utf-8"))
    assert meta["ranges"]["accuracy"] == summary(data_dir / "holdout.csv")
    assert f"in {len(guessed)} of {len(guessed)}" in meta["ranges"]["accuracy"]
