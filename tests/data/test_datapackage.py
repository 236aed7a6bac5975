"""``scwc export --datapackage``: a Frictionless ``datapackage.json`` beside the file, valid by
the frictionless library's own checks (descriptor and data), saying each column's type, unit and
meaning, the provenance codes, the sources and the licence, as the sidecar says them."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from tui.cli import main
from tui.data.engine.provenance import MARKERS

frictionless = pytest.importorskip("frictionless")


def exported(tmp_path: Path, name: str, *options: str) -> tuple[dict, dict]:
    output = tmp_path / name
    argv = ["export", "--by", "year", "--where", "force=Kent", "-o", str(output), *options]
    assert main([*argv, "--datapackage"]) == 0
    package = json.loads((tmp_path / "datapackage.json").read_text())
    sidecar = tomllib.loads((tmp_path / f"{name}.toml").read_text())
    return package, sidecar


@pytest.mark.parametrize("name", ["kent.csv", "kent.tsv"])
def test_the_package_is_valid_and_describes_the_file(tmp_path: Path, name: str) -> None:
    package, sidecar = exported(tmp_path, name)
    report = frictionless.validate(tmp_path / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    (resource,) = package["resources"]
    assert resource["path"] == name
    fields = resource["schema"]["fields"]
    assert [f["name"] for f in fields] == list(sidecar["columns"])
    for field in fields:
        described = sidecar["columns"][field["name"]]
        assert field["title"] == described["header"]
        assert field["description"].startswith(described["meaning"])
        assert field.get("unit") == described.get("unit")
    types = {f["name"]: f["type"] for f in fields}
    assert types["offences"] == "integer" and types["low"] == "number"
    assert types["change_significant"] == "boolean" and types["year"] == "string"
    provenance = next(f for f in fields if f["name"] == "provenance")
    assert provenance["constraints"]["enum"] == list(MARKERS)


def test_the_package_names_sources_licence_and_how_to_make_it_again(tmp_path: Path) -> None:
    package, sidecar = exported(tmp_path, "kent.csv")
    cited = {s["url"] for s in sidecar["provenance"]["sources"]}
    assert cited and cited <= {s.get("path") for s in package["sources"]}
    assert [licence["name"] for licence in package["licenses"]] == ["MIT"]
    assert package["scwc"]["sidecar"] == "kent.csv.toml"
    assert package["scwc"]["reproduce"] == sidecar["export"]["reproduce"]
    assert "--datapackage" in sidecar["export"]["reproduce"]
    assert set(package["scwc"]["provenance"]) == set(MARKERS)


def test_the_sidecar_makes_the_package_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package, _ = exported(tmp_path, "kent.csv")
    (tmp_path / "datapackage.json").unlink()
    monkeypatch.chdir(tmp_path)
    assert main(["export", "--view", "kent.csv.toml", "-o", "kent.csv", "--force"]) == 0
    again = json.loads((tmp_path / "datapackage.json").read_text())
    assert {**again, "created": None} == {**package, "created": None}


def test_an_existing_package_needs_force_and_excel_is_not_described(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    exported(tmp_path, "kent.csv")
    before = sorted(p.name for p in tmp_path.iterdir())
    argv = ["export", "--by", "force", "-o", str(tmp_path / "forces.csv"), "--datapackage"]
    assert main(argv) == 2
    assert "datapackage.json" in capsys.readouterr().err
    xlsx = ["export", "--by", "force", "-o", str(tmp_path / "f.xlsx"), "--datapackage"]
    assert main(xlsx) == 2
    error = capsys.readouterr().err
    assert "--datapackage describes csv" in error and len(error.splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing half-written


@pytest.mark.parametrize("name", ["rows.parquet", "rows.ndjson", "rows.json"])
def test_rows_exports_in_other_formats_are_described_validly(tmp_path: Path, name: str) -> None:
    """The descriptor is valid (reading Parquet or JSON rows needs frictionless's plugins)."""
    output = tmp_path / name
    argv = ["export", "--rows", "--where", "force=Kent", "-o", str(output), "--datapackage"]
    assert main(argv) == 0
    package = json.loads((tmp_path / "datapackage.json").read_text())
    report = frictionless.Package.validate_descriptor(package)
    assert report.valid, report.flatten(["note"])
    (resource,) = package["resources"]
    assert resource["format"] == name.split(".")[1]
    assert [f["name"] for f in resource["schema"]["fields"]][-1] == "provenance"
