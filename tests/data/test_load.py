"""Loading users' files: formats, loose column names, the Home Office layout, and bad input."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from tui.data.dataset import DataError
from tui.data.loading import load_dataset

TIDY = pl.DataFrame(
    {
        "Year": ["2017/18", "2017/18", "2018/19"],
        "Force": ["West Mercia", "Dyfed-Powys", "West Mercia"],
        "Platform": ["Instagram", None, "Snapchat"],
        "Offences": [5, 2, 7],
    }
)


def write(frame: pl.DataFrame, path: Path) -> Path:
    suffix = path.suffix
    if suffix == ".csv":
        frame.write_csv(path)
    elif suffix == ".tsv":
        frame.write_csv(path, separator="\t")
    elif suffix == ".parquet":
        frame.write_parquet(path)
    elif suffix == ".json":
        frame.write_json(path)
    elif suffix == ".ndjson":
        frame.write_ndjson(path)
    elif suffix == ".xlsx":
        frame.write_excel(path)
    return path


@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".parquet", ".json", ".ndjson", ".xlsx"])
def test_every_format_loads_the_same_table(tmp_path: Path, suffix: str) -> None:
    dataset = load_dataset(write(TIDY, tmp_path / f"mine{suffix}"))
    assert dataset.measures == ("offences",)
    assert set(dataset.dimensions) == {
        "year",
        "force",
        "platform",
        "platform_owner",
        "nation",
        "region",
    }
    assert dataset.cube["offences"].sum() == 14
    assert dataset.members("platform") == ("Instagram", "Snapchat", "Not recorded")
    assert dataset.geography is not None and dataset.geography.height == 2


def test_loose_names_and_aliases(tmp_path: Path) -> None:
    path = tmp_path / "loose.csv"
    path.write_text(
        'FINANCIAL YEAR;Police Force;Victim Age;Number of offences\n2017/18;west mercia;0-11;"1,234"\n'
    )
    dataset = load_dataset(path)
    assert dataset.dimensions[-1] == "age_band" and "year" in dataset.dimensions
    assert dataset.members("force") == ("West Mercia",)
    assert dataset.cube["offences"].to_list() == [1234]


def test_home_office_layout_becomes_dimensions(tmp_path: Path) -> None:
    path = tmp_path / "prc.csv"
    path.write_text(
        "Financial Year,Financial Quarter,Force Name,Offence Description,Offence Group,"
        "Offence Subgroup,Offence Code,Number of Offences\n"
        '2017/18,1,"London, City of",Sexual communication with a child,Sexual offences,'
        "Other sexual offences,71,3\n"
        "2017/18,1,Kent,Sexual communication with a child,Sexual offences,Other sexual offences,71,9\n"
        "2017/18,1,Kent,Rape of a female aged 16 and over,Sexual offences,Rape,19C,40\n"
    )
    dataset = load_dataset(path)
    assert {
        "financial_quarter",
        "offence_description",
        "offence_group",
        "offence_subgroup",
        "offence_code",
    } <= set(dataset.dimensions)
    assert dataset.members("force") == ("City of London", "Kent")
    assert dataset.members("region") == ("London", "South East")
    from tui.data.engine.query import summary
    from tui.data.features.navigation import initial_selection

    selection = initial_selection(dataset)  # no 88A: the user picks among the offences held
    assert selection.group_by == "offence_code" and selection.members("offence_code") is None
    assert summary(dataset, selection).totals["offences"] == 52


def test_any_text_column_is_a_dimension_and_integer_column_the_measure(tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("colour,shape,n\nred,round,2\nblue,square,3\n")
    dataset = load_dataset(path)
    assert dataset.dimensions == ("colour", "shape") and dataset.measures == ("n",)
    assert dataset.geography is None


def test_latin1_and_bom(tmp_path: Path) -> None:
    latin = tmp_path / "latin.csv"
    latin.write_bytes("force,platform,offences\nKent,Caf\xe9 chat,1\n".encode("latin-1"))
    assert load_dataset(latin).members("platform") == ("Café chat",)
    bom = tmp_path / "bom.csv"
    bom.write_bytes("\ufeffforce,offences\nKent,4\n".encode())
    assert load_dataset(bom).dimensions[-1] == "force"


BAD_INPUT = [
    ("empty.csv", b"", "empty.csv: file is empty"),
    ("headers.csv", b"force,offences\n", "headers.csv: no data rows"),
    ("nomeasure.csv", b"force,platform\nKent,Kik\n", "nomeasure.csv: no measure column"),
    (
        "text.csv",
        b"force,offences\nKent,3\nEssex,lots\n",
        "text.csv: column 'offences', row 3: 'lots' is not a whole-number count",
    ),
    (
        "negative.csv",
        b"force,offences\nKent,3\nEssex,-2\n",
        "negative.csv: column 'offences', row 3: negative count -2",
    ),
    (
        "fraction.csv",
        b"force,offences\nKent,2.5\n",
        "fraction.csv: column 'offences', row 2: '2.5' is not a whole-number count",
    ),
    (
        "missing.csv",
        b"force,offences\nKent,\nEssex,1\n",
        "missing.csv: column 'offences', row 2: missing count",
    ),
    ("corrupt.parquet", b"PAR1 this is not parquet", "corrupt.parquet: cannot read as parquet"),
    ("corrupt.xlsx", b"not a zip", "corrupt.xlsx: cannot read as excel"),
    ("data.sav", b"x", "data.sav: unknown file type '.sav'"),
    (
        "dup.csv",
        b"Force,force name,offences\nKent,Kent,1\n",
        "dup.csv: columns 'Force' and 'force name' both mean 'force'",
    ),
]


@pytest.mark.parametrize(("name", "content", "message"), BAD_INPUT, ids=[b[0] for b in BAD_INPUT])
def test_bad_input_gives_one_clear_line(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(DataError) as caught:
        load_dataset(path)
    text = str(caught.value)
    assert text.startswith(message)
    assert "\n" not in text


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"^nope.csv: no such file$"):
        load_dataset(tmp_path / "nope.csv")
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    with pytest.raises(DataError, match="is a directory"):
        load_dataset(folder)


def test_unknown_spellings_count_as_not_recorded(tmp_path: Path) -> None:
    from tui.data.engine.query import summary
    from tui.data.selection import Selection

    path = tmp_path / "unknowns.csv"
    path.write_text(
        "force,age_band,offences\nKent,0-11,2\nKent,12-15,6\nKent,Unknown,5\nKent,NOT KNOWN,1\nKent,,1\n"
    )
    dataset = load_dataset(path)
    assert dataset.members("age_band") == ("0-11", "12-15", "Not recorded")
    result = summary(dataset, Selection("age_band", "offences"))
    assert result.recorded_total == 8
    young = result.frame.filter(pl.col("age_band") == "0-11")["share_recorded"].item()
    assert young == pytest.approx(2 / 8)
    assert "read as 'Not recorded': 'NOT KNOWN', 'Unknown'" in dataset.notes
