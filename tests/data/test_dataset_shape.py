"""The embedded dataset has the promised shape: tidy, complete, non-negative, labelled modelled."""

from __future__ import annotations

import tomllib
from pathlib import Path

import polars as pl

from tui.data.schema import AGE_BANDS, NSPCC_DIMENSIONS, PLATFORM_OWNERS, PLATFORMS


def test_columns_and_grid(dataset, data_dir: Path) -> None:
    frame = pl.read_csv(data_dir / "offences.csv", infer_schema_length=0)
    assert frame.columns == [*NSPCC_DIMENSIONS, "offences"]
    forces = pl.read_csv(data_dir / "forces.csv")
    assert set(frame["force"]) == set(forces["force"]) and forces.height == 43
    assert set(frame["year"]) == {"2017/18", "2018/19"}
    assert set(frame["age_band"]) == set(AGE_BANDS)
    assert set(frame["platform"]) == set(PLATFORMS)
    assert frame.height == 2 * 43 * len(AGE_BANDS) * len(PLATFORMS)
    assert frame.select(NSPCC_DIMENSIONS).is_duplicated().sum() == 0
    assert (frame["offences"].cast(pl.Int64) >= 0).all()


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
    assert "offences" in meta["columns"]["modelled"]
    assert any("one main platform" in s for s in meta["simplifications"])
    assert {s["file"] for s in meta["sources"]} >= {
        "000_de347d183ba52ab1.txt",
        "004_69af01d571643979.txt",
    }
