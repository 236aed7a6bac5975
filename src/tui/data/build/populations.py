"""Mid-year populations by police force area, mid-2017 to mid-2024, for rates per year and per
child (``python -m tui.data.build.populations``).

Over 400 lines: one reader per official release layout (ONS old .xls, ONS 2021-based .xlsx,
ONS mid-2024 CSV, NRS, NISRA), kept side by side so every source of a rate is read in one place.

Reads the official mid-year estimates and lookups copied into ``data/population/`` (the five
older ONS workbooks xz-compressed, each checked byte for byte against its SHA-256) and
``data/forces.csv``; writes ``data/populations.csv`` (one row per jurisdiction, force and year:
all ages and ages 0-17) and ``data/populations.toml`` (per year which release and vintage, the
national rows the sums were checked against, what is missing and every change over 5%).

Vintages, each year as first published, all ages and ages 0-17 from the same table:

- England and Wales: ONS MYE2 by local authority and single year of age, summed to the 43 force
  areas through the ONS LAD -> CSP -> PFA lookups of 2017, 2019, 2023 and 2024. Mid-2017 to
  mid-2020 are 2011 Census based (later revised after Census 2021: all ages only, in MYE4);
  mid-2021 to mid-2024 are Census 2021 based.
- Scotland (Police Scotland): NRS, through the ONS UK workbooks for mid-2017 to mid-2021 (2011
  Census based; Scotland's census was in 2022) and NRS's own workbook for mid-2022 (Scotland's
  Census 2022 based). Mid-2023 and mid-2024 are in no file here: left blank.
- Northern Ireland (PSNI): NISRA, through the ONS UK workbooks for mid-2017 to mid-2021 (mid-2021
  Census 2021 based). Mid-2022 to mid-2024 are in no file here: left blank.

A value no file holds is left blank, never borrowed from another year. Running it twice gives
byte-identical files.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import lzma
import re
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from tui.data.figures.years import FIRST_YEAR
from tui.data.schema import EW, NI, SCOTLAND

CHILD_AGES = tuple(range(18))
"""Children: single years of age 0 to 17 (under 18)."""
JUMP_LIMIT = 0.05
"""A force's population changing by more than this from one year to the next needs a reason."""

COLUMNS = (
    "jurisdiction",
    "force",
    "year",
    "mid_year",
    "population_all_ages",
    "population_0_17",
    "vintage",
    "source",
)
POPULATION_COLUMNS = ("population_all_ages", "population_0_17")
FOLDER = "population"
CSV_NAME, NOTES_NAME = "populations.csv", "populations.toml"

NATION_JURISDICTION = {
    "England": EW,
    "Wales": EW,
    "Scotland": SCOTLAND,
    "Northern Ireland": NI,
}
LAD_CODE = re.compile(r"^(E0[6-9]|W06)\d{6}$")
"""Local authority districts of England and Wales (unitary, non-metropolitan, metropolitan, London
borough, Welsh unitary): the level the lookups map to police force areas."""
EW_CODE, SCOTLAND_CODE, NI_CODE = "K04000001", "S92000003", "N92000002"
LOOKUP_FORCE_NAMES = {"Devon & Cornwall": "Devon and Cornwall", "London, City of": "City of London"}
"""ONS's force names that ``forces.csv`` spells otherwise."""


@dataclass(frozen=True)
class Source:
    """An official file copied into ``data/population/``."""

    name: str
    sha256: str
    publisher: str
    copied_from: str
    """The public repository (and path) that vendors the official file, as the README of the
    folder it was copied from names it."""
    compressed: bool = False

    @property
    def stored(self) -> str:
        """Its name in ``data/population/`` (xz-compressed when the workbook is large)."""
        return self.name + ".xz" if self.compressed else self.name


SOURCES = {
    s.name: s
    for s in (
        Source(
            "ukmidyearestimates2017finalversion.xls",
            "122585b1fa7b564788edc221bb188de46c0029f13c4c4916fbd7658cf33f8dce",
            "ONS, Mid-year population estimates UK, mid-2017 (release MYE11, 28 June 2018)",
            "social_care_datahub, Data/2017/",
            compressed=True,
        ),
        Source(
            "ukmidyearestimates20182019ladcodes.xls",
            "1df860b2c0677c915cc3980a1b9ed0dd1e9ad50273417e77fd17606192725ed5",
            "ONS, Mid-year population estimates UK, mid-2018 on 2019 local authority codes "
            "(release MYE12, 26 June 2019)",
            "social_care_datahub, Data/2018/",
            compressed=True,
        ),
        Source(
            "ukmidyearestimates20192020ladcodes.xls",
            "04c696a22be649e9023331e6a4413dfd9cd177368cb9ed552a2da8d0bcae356d",
            "ONS, Mid-year population estimates UK, mid-2019 on 2020 local authority codes "
            "(release MYE14, 24 June 2020)",
            "UK-vac-map, data/",
            compressed=True,
        ),
        Source(
            "ukpopestimatesmid2020on2021geography.xls",
            "13d321d7a0317af62e75c91fc58b515f6e5a047283dc898d46bc49ac7e49c4f5",
            "ONS, Mid-year population estimates UK, mid-2020 on 2021 geography "
            "(release MYE15, 25 June 2021)",
            "opensafely representativeness, data/",
            compressed=True,
        ),
        Source(
            "ukpopestimatesmid2021on2021geographyfinal.xls",
            "57e993e9079b3d6316f7b90ca445dcc25a005d841790fe139f83d6dfd4ec6079",
            "ONS, Mid-year population estimates UK, mid-2021 on 2021 geography "
            "(release MYE16, 21 December 2022)",
            "group25-project, data/",
            compressed=True,
        ),
        Source(
            "LAD23_Mid_Year_pop_2011_to_2022.xlsx",
            "4ecf8f539ac04b7b41be311750012e39d0a2542c5d9a1cfa149a37b2162f8b4f",
            "ONS, Mid-year population estimates England and Wales, mid-2022 on 2023 local "
            "authorities (release MYE22, 23 November 2023)",
            "ecom185, data/",
        ),
        Source(
            "LAD23_Mid_Year_pop_2011_to_2023.xlsx",
            "96dcbb73d01c2965a0e8173bdf736f04a16d91dc189c4a52220919792e5e2c94",
            "ONS, Mid-year population estimates England and Wales, mid-2023 "
            "(release MYE23, 15 July 2024)",
            "ecom185, data/",
        ),
        Source(
            "mye24tablesew_MYE2persons.csv",
            "c5b1e9c0a28b0ed7731f49ddb7b491d9757514fadb83d91f24bd038a4aa572c2",
            "ONS, Mid-year population estimates England and Wales, mid-2024: table MYE2 persons "
            "(mye24tablesew) as CSV",
            "public-libraries-activity-dataset, data/mye24tablesew.csv",
        ),
        Source(
            "nrs_mid-year-pop-est-22-data.xlsx",
            "c4d317f9b6f2689cc467a43dadf64304881935718fe36282e1c67f71d14bae8e",
            "NRS, Mid-year population estimates Scotland, mid-2022 (26 March 2024)",
            "rsv_disruption, data/",
        ),
        Source(
            "LAD17_CSP17_PFA17.csv",
            "5b3ed49a1266f253d7e8b9968b0631031887205a8cfff15bcbf577da262a1251",
            "ONS, Local authority district to community safety partnership to police force area "
            "lookup, December 2017",
            "jtrim-ons/ons-lookups, csv/214.csv",
        ),
        Source(
            "LAD19_CSP19_PFA19.csv",
            "8e7fe7e7c9c301d5ccf4eb9da56d675efefc812431d4b50cd458d422da52a29e",
            "ONS, Local authority district to community safety partnership to police force area "
            "lookup, December 2019",
            "jtrim-ons/ons-lookups, csv/194.csv",
        ),
        Source(
            "LAD23_CSP23_PFA23.csv",
            "245696caa6b000aa833357c6e4f53635683c74ba2db8611f0cd601839daaa1a4",
            "ONS, Local authority district to community safety partnership to police force area "
            "lookup, December 2023",
            "ecom185, data/",
        ),
        Source(
            "lookup_ltla24_csp24_pfa24.csv",
            "2ecfd329b15a1ad0e61eae4ef9e0380f97e5a147d93964a576353168a28b3d09",
            "ONS, Lower tier local authority to community safety partnership to police force area "
            "lookup, 2024",
            "geographr",
        ),
    )
}

LOOKUPS = (
    ("LAD17_CSP17_PFA17.csv", "LAD17CD", "PFA17NM"),
    ("LAD19_CSP19_PFA19.csv", "LAD19CD", "PFA19NM"),
    ("LAD23_CSP23_PFA23.csv", "LAD23CD", "PFA23NM"),
    ("lookup_ltla24_csp24_pfa24.csv", "ltla24_code", "pfa24_name"),
)
"""Each lookup: file, local authority code column, force name column. A code maps to the same force
in every lookup that has it (checked); together they cover the codes of every year's workbook."""

BASIS_2011, BASIS_2021, BASIS_SCOTLAND_2022 = (
    "2011 Census based",
    "Census 2021 based",
    "Scotland's Census 2022 based",
)


@dataclass(frozen=True)
class Release:
    """One year's estimates for one jurisdiction: where they are and what vintage they are."""

    jurisdiction: str
    mid_year: int
    source: str
    sheet: str | None
    publisher: str
    basis: str
    published: str
    """When the file was published (blank: not stated in it)."""
    via_ons: bool = False
    """NRS's or NISRA's figures as ONS's UK workbook carries them."""

    @property
    def vintage(self) -> str:
        when = f" ({self.published})" if self.published else ""
        edition = f"as in ONS's UK release{when}" if self.via_ons else f"as first published{when}"
        return f"{self.publisher} MYE mid-{self.mid_year}, {self.basis}, {edition}"


UK_WORKBOOKS = {
    2017: ("ukmidyearestimates2017finalversion.xls", "MYE2 - All", "June 2018"),
    2018: ("ukmidyearestimates20182019ladcodes.xls", "MYE2-All", "June 2019"),
    2019: ("ukmidyearestimates20192020ladcodes.xls", "MYE2 - Persons", "June 2020"),
    2020: ("ukpopestimatesmid2020on2021geography.xls", "MYE2 - Persons", "June 2021"),
    2021: ("ukpopestimatesmid2021on2021geographyfinal.xls", "MYE2 - Persons", "December 2022"),
}
REVISED = "LAD23_Mid_Year_pop_2011_to_2023.xlsx", "MYE4"
"""ONS's revised all-ages series for England and Wales (after Census 2021), mid-2011 to mid-2023."""


def releases() -> list[Release]:
    """Every release the table is built from, by jurisdiction and year."""
    found: list[Release] = []
    for year, (name, sheet, published) in UK_WORKBOOKS.items():
        basis = BASIS_2011 if year < 2021 else BASIS_2021
        found.append(Release(EW, year, name, sheet, "ONS", basis, published))
        found.append(Release(SCOTLAND, year, name, sheet, "NRS", BASIS_2011, published, True))
        found.append(Release(NI, year, name, sheet, "NISRA", basis, published, True))
    found += [
        Release(
            EW,
            2022,
            "LAD23_Mid_Year_pop_2011_to_2022.xlsx",
            "MYE2 - Persons",
            "ONS",
            BASIS_2021,
            "November 2023",
        ),
        Release(
            EW,
            2023,
            "LAD23_Mid_Year_pop_2011_to_2023.xlsx",
            "MYE2 - Persons",
            "ONS",
            BASIS_2021,
            "July 2024",
        ),
        Release(EW, 2024, "mye24tablesew_MYE2persons.csv", None, "ONS", BASIS_2021, ""),
        Release(
            SCOTLAND,
            2022,
            "nrs_mid-year-pop-est-22-data.xlsx",
            "Table 1",
            "NRS",
            BASIS_SCOTLAND_2022,
            "March 2024",
        ),
    ]
    return found


def mid_years() -> tuple[int, ...]:
    """The mid-years of the table: from the offence's first financial year (mid-2017 serves
    2017/18) to the latest release's (no list of years: a new release adds its year)."""
    first = int(FIRST_YEAR[:4])
    return tuple(range(first, max(r.mid_year for r in releases()) + 1))


MISSING_PUBLISHER = {SCOTLAND: "NRS", NI: "NISRA"}
QUOTED_NOT_HELD = {
    (SCOTLAND, 2023): "5,506,000",
    (SCOTLAND, 2024): "5,546,900",
    (NI, 2024): "1,927,855",
}
"""All-ages figures the README of the folder the files came from quotes, but no file holds: not
used (a figure goes in only from a file that can be checked)."""

JUMP_REASONS = {
    "City of London": "the smallest force area (7,600 to 15,200 residents here): ONS's estimates "
    "for it move by more than 5% in most years",
}
"""Forces whose population changes by more than 5% in a year for a reason other than a change of
vintage."""


class SourceError(ValueError):
    """A source file is missing, altered, or not laid out as expected."""


Table = dict[str, tuple[int, int]]
"""Area code -> (all ages, ages 0-17)."""


def source_bytes(folder: Path, name: str) -> bytes:
    """The official file ``name`` as published (decompressed), checked against its SHA-256."""
    source = SOURCES[name]
    path = folder / source.stored
    try:
        data = path.read_bytes()
    except OSError as error:
        raise SourceError(f"{path}: cannot read ({error.strerror or error})") from error
    if source.compressed:
        try:
            data = lzma.decompress(data)
        except lzma.LZMAError as error:
            raise SourceError(f"{path}: not xz-compressed as stored ({error})") from error
    if hashlib.sha256(data).hexdigest() != source.sha256:
        raise SourceError(f"{path}: not the official {name} (SHA-256 differs)")
    return data


def sheet_rows(folder: Path, name: str, sheet: str | None) -> list[list[str]]:
    """Every row of a workbook's sheet (or a CSV file) as text, empty cells as ''."""
    data = source_bytes(folder, name)
    if sheet is None:
        return [list(row) for row in csv.reader(io.StringIO(data.decode("utf-8-sig")))]
    import fastexcel  # the builder's reader of .xls and .xlsx workbooks (a core dependency)

    frame = fastexcel.read_excel(data).load_sheet_by_name(sheet, header_row=None, dtypes="string")
    return [
        ["" if cell is None else str(cell).strip() for cell in row]
        for row in frame.to_polars().rows()
    ]


def integer(text: str, where: str) -> int:
    """A published count: digits, possibly with thousands separators."""
    cleaned = text.replace(",", "").strip()
    if not re.fullmatch(r"\d+", cleaned):
        raise SourceError(f"{where}: {text!r} is not a count")
    return int(cleaned)


def age_table(rows: list[list[str]], where: str) -> Table:
    """Area code -> (all ages, ages 0-17) of a single-year-of-age table (persons only).

    The header row is the first starting with ``Code`` or ``Area name``; each row's single years of
    age must add up to its all-ages figure."""
    header_at = next(
        (i for i, row in enumerate(rows) if row and row[0] in ("Code", "Area name")), None
    )
    if header_at is None:
        raise SourceError(f"{where}: no header row")
    header = [re.sub(r"\.0$", "", cell) for cell in rows[header_at]]
    code = header.index("Area code") if "Area code" in header else header.index("Code")
    sex = header.index("Sex") if "Sex" in header else None
    all_ages = header.index("All ages")
    ages = list(range(all_ages + 1, len(header)))
    if [header[i] for i in ages[: len(CHILD_AGES)]] != [str(a) for a in CHILD_AGES]:
        raise SourceError(f"{where}: ages 0-17 are not the columns after 'All ages'")
    table: Table = {}
    for number, row in enumerate(rows[header_at + 1 :], start=header_at + 2):
        area = row[code] if len(row) > code else ""
        if not re.fullmatch(r"[EKNSW]\d{8}", area) or (sex is not None and row[sex] != "Persons"):
            continue
        here = f"{where}, row {number} ({area})"
        counts = [integer(row[i], here) for i in ages if header[i]]
        total = integer(row[all_ages], here)
        if sum(counts) != total:
            raise SourceError(f"{here}: single years add up to {sum(counts)}, not {total}")
        if area in table:
            raise SourceError(f"{here}: area listed twice")
        table[area] = (total, sum(counts[: len(CHILD_AGES)]))
    return table


def read_lookup(folder: Path, forces: Iterable[str]) -> dict[str, str]:
    """Local authority code -> force name (as ``forces.csv`` spells it), from every lookup."""
    known = set(forces)
    mapping: dict[str, str] = {}
    for name, code_column, force_column in LOOKUPS:
        text = source_bytes(folder, name).decode("utf-8-sig")
        for row in csv.DictReader(io.StringIO(text)):
            force = LOOKUP_FORCE_NAMES.get(row[force_column], row[force_column])
            if force not in known:
                raise SourceError(f"{name}: force {force!r} is not in forces.csv")
            if mapping.setdefault(row[code_column], force) != force:
                raise SourceError(f"{name}: {row[code_column]} is in two forces")
    return mapping


@dataclass(frozen=True)
class Force:
    name: str
    jurisdiction: str


def read_forces(data_dir: Path) -> list[Force]:
    """The forces of ``forces.csv`` in file order (43 in England and Wales, then Scotland, NI)."""
    with (data_dir / "forces.csv").open(newline="", encoding="utf-8") as handle:
        return [
            Force(row["force"], NATION_JURISDICTION[row["nation"]])
            for row in csv.DictReader(handle)
        ]


@dataclass(frozen=True)
class Figures:
    """One release summed to its forces, with the national row it was checked against."""

    release: Release
    by_force: dict[str, tuple[int, int]]
    national: tuple[int, int]


def england_and_wales(
    release: Release, table: Table, lookup: dict[str, str], forces: list[str]
) -> Figures:
    """A release's local authorities summed to the 43 forces, checked against the national row."""
    where = f"{release.source} ({release.sheet or 'CSV'})"
    sums: dict[str, list[int]] = {force: [0, 0] for force in forces}
    for code, (total, children) in table.items():
        if not LAD_CODE.match(code):
            continue
        if code not in lookup:
            raise SourceError(f"{where}: local authority {code} is in no lookup")
        sums[lookup[code]][0] += total
        sums[lookup[code]][1] += children
    empty = [force for force, (total, _) in sums.items() if total == 0]
    if empty:
        raise SourceError(f"{where}: no local authority in {', '.join(empty)}")
    national = table.get(EW_CODE)
    if national is None:
        raise SourceError(f"{where}: no England and Wales row ({EW_CODE})")
    summed = (sum(s[0] for s in sums.values()), sum(s[1] for s in sums.values()))
    if summed != national:
        raise SourceError(f"{where}: the forces add up to {summed}, the national row is {national}")
    return Figures(release, {force: (s[0], s[1]) for force, s in sums.items()}, national)


def one_force(release: Release, table: Table, force: str) -> Figures:
    """A release's national row as its one force's population (Scotland, Northern Ireland)."""
    code = SCOTLAND_CODE if release.jurisdiction == SCOTLAND else NI_CODE
    if code not in table:
        raise SourceError(f"{release.source} ({release.sheet}): no {release.jurisdiction} row")
    return Figures(release, {force: table[code]}, table[code])


def gather(data_dir: Path) -> tuple[list[Force], list[Figures]]:
    """Every release read, summed to forces and checked."""
    folder = data_dir / FOLDER
    forces = read_forces(data_dir)
    ew_forces = [f.name for f in forces if f.jurisdiction == EW]
    single = {f.jurisdiction: f.name for f in forces if f.jurisdiction != EW}
    lookup = read_lookup(folder, ew_forces)
    tables: dict[tuple[str, str | None], Table] = {}
    figures: list[Figures] = []
    for release in releases():
        key = (release.source, release.sheet)
        if key not in tables:
            where = f"{release.source} ({release.sheet or 'CSV'})"
            tables[key] = age_table(sheet_rows(folder, *key), where)
        if release.jurisdiction == EW:
            figures.append(england_and_wales(release, tables[key], lookup, ew_forces))
        else:
            figures.append(one_force(release, tables[key], single[release.jurisdiction]))
    return forces, figures


def year_label(mid_year: int) -> str:
    """The financial year a mid-year estimate serves: mid-2019 -> 2019/20."""
    return f"{mid_year}/{(mid_year + 1) % 100:02d}"


Row = dict[str, str]


def table_rows(forces: list[Force], figures: list[Figures]) -> list[Row]:
    """One row per jurisdiction, force and year, in ``forces.csv`` order; blank where missing."""
    found = {
        (force, f.release.mid_year): (f.release, values)
        for f in figures
        for force, values in f.by_force.items()
    }
    rows: list[Row] = []
    for force in forces:
        for mid_year in mid_years():
            release, values = found.get((force.name, mid_year), (None, None))
            rows.append(
                {
                    "jurisdiction": force.jurisdiction,
                    "force": force.name,
                    "year": year_label(mid_year),
                    "mid_year": str(mid_year),
                    "population_all_ages": str(values[0]) if values else "",
                    "population_0_17": str(values[1]) if values else "",
                    "vintage": release.vintage if release else "",
                    "source": f"{release.source}{f' ({release.sheet})' if release.sheet else ''}"
                    if release
                    else "",
                }
            )
    return rows


def jumps(rows: list[Row]) -> list[dict[str, str]]:
    """Every change of more than 5% between a force's consecutive years, with its reason."""
    by_force: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        by_force[row["force"]].append(row)
    found: list[dict[str, str]] = []
    for force, years in by_force.items():
        for before, after in pairwise(years):
            for column in POPULATION_COLUMNS:
                if not before[column] or not after[column]:
                    continue
                change = int(after[column]) / int(before[column]) - 1
                if abs(change) <= JUMP_LIMIT:
                    continue
                found.append(
                    {
                        "force": force,
                        "from": before["year"],
                        "to": after["year"],
                        "column": column,
                        "change": f"{change:+.1%}",
                        "reason": jump_reason(force, before, after),
                    }
                )
    return found


def jump_reason(force: str, before: Row, after: Row) -> str:
    """Why a force's population changes by more than 5% (empty: no reason known)."""
    reasons = []
    if basis(before["vintage"]) != basis(after["vintage"]):
        reasons.append(f"vintage change: {basis(before['vintage'])} -> {basis(after['vintage'])}")
    if force in JUMP_REASONS:
        reasons.append(JUMP_REASONS[force])
    return "; ".join(reasons)


def basis(vintage: str) -> str:
    """The census a vintage's series rolls forward from."""
    for name in (BASIS_2011, BASIS_2021, BASIS_SCOTLAND_2022):
        if name in vintage:
            return name
    return ""


def missing(rows: list[Row]) -> list[dict[str, object]]:
    """Every blank value, with why it is blank."""
    found: list[dict[str, object]] = []
    for row in rows:
        blank = [column for column in POPULATION_COLUMNS if not row[column]]
        if not blank:
            continue
        year = int(row["mid_year"])
        reason = (
            f"no {MISSING_PUBLISHER[row['jurisdiction']]} mid-{year} estimate (all ages or "
            f"0-17) is in data/{FOLDER}/"
        )
        if quoted := QUOTED_NOT_HELD.get((row["jurisdiction"], year)):
            reason += f"; all ages {quoted} is quoted without a file to check it: not used"
        found.append(
            {
                "jurisdiction": row["jurisdiction"],
                "force": row["force"],
                "year": row["year"],
                "mid_year": year,
                "missing": blank,
                "reason": reason,
            }
        )
    return found


def revised_all_ages(folder: Path) -> dict[int, int]:
    """ONS's revised England and Wales all-ages totals (MYE4, mid-2023 release), by mid-year."""
    rows = sheet_rows(folder, *REVISED)
    header_at = next(i for i, row in enumerate(rows) if row and row[0] == "Code")
    header = rows[header_at]
    national = next(row for row in rows[header_at + 1 :] if row and row[0] == EW_CODE)
    return {
        int(label.removeprefix("Mid-")): integer(value, f"{REVISED[0]} ({REVISED[1]})")
        for label, value in zip(header, national, strict=True)
        if label.startswith("Mid-") and int(label.removeprefix("Mid-")) in mid_years()
    }


def render_csv(rows: list[Row]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def render_notes(
    figures: list[Figures], rows: list[Row], revised: dict[int, int], folder: Path
) -> str:
    """``populations.toml``: releases and vintages per year, sources, gaps and large changes."""
    import tomli_w

    notes: dict[str, object] = {
        "about": {
            "table": CSV_NAME,
            "command": "python -m tui.data.build.populations",
            "rows": "one per jurisdiction, force and year: 43 forces of England and Wales, "
            "Police Scotland and the Police Service of Northern Ireland, 2017/18 to 2024/25",
            "year": "the financial year a mid-year estimate serves: mid-2019 -> 2019/20",
            "population_all_ages": "usually resident population at 30 June, all ages",
            "population_0_17": "the same, single years of age 0 to 17 added up (children under 18)",
            "forces": "England and Wales: local authorities summed to police force areas through "
            "ONS's LAD -> CSP -> PFA lookups; the Isle of Wight is in Hampshire's area, the Isles "
            "of Scilly in Devon and Cornwall's, City of London is its own force. Scotland and "
            "Northern Ireland: the national row",
            "vintages": "each year as first published, all ages and 0-17 from the same table; "
            "England and Wales and Northern Ireland change basis from 2011 Census to Census 2021 "
            "between mid-2020 and mid-2021, Scotland from 2011 Census to Scotland's Census 2022 "
            "between mid-2021 and mid-2022",
            "missing": "a value no file here holds is blank, never borrowed from another year",
        },
        "release": [
            {
                "jurisdiction": f.release.jurisdiction,
                "year": year_label(f.release.mid_year),
                "mid_year": f.release.mid_year,
                "vintage": f.release.vintage,
                "source": f.release.source,
                "sheet": f.release.sheet or "",
                "national_all_ages": f.national[0],
                "national_0_17": f.national[1],
                "checked": "the forces add up to the national row"
                if f.release.jurisdiction == EW
                else "the national row is the force's population",
                **(
                    {
                        "revised_all_ages": revised[f.release.mid_year],
                        "revised_in": f"ONS MYE4 (mid-2023 release, July 2024), {REVISED[0]}: "
                        "all ages only, not used (no revised single years of age here)",
                    }
                    if f.release.jurisdiction == EW
                    and revised.get(f.release.mid_year, f.national[0]) != f.national[0]
                    else {}
                ),
            }
            for f in sorted(
                figures,
                key=lambda f: (
                    (EW, SCOTLAND, NI).index(f.release.jurisdiction),
                    f.release.mid_year,
                ),
            )
        ],
        "missing": missing(rows),
        "jump": jumps(rows),
        "source": [
            {
                "file": s.name,
                "stored_as": f"{FOLDER}/{s.stored}",
                "bytes_stored": (folder / s.stored).stat().st_size,
                "sha256": s.sha256,
                "published_by": s.publisher,
                "copied_from": s.copied_from,
                "licence": "Open Government Licence v3.0, Crown copyright",
            }
            for s in SOURCES.values()
        ],
    }
    return tomli_w.dumps(notes)


def build(data_dir: Path) -> dict[str, str]:
    """File name -> its text, for ``populations.csv`` and ``populations.toml``."""
    forces, figures = gather(data_dir)
    rows = table_rows(forces, figures)
    unexplained = [j for j in jumps(rows) if not j["reason"]]
    if unexplained:
        listed = ", ".join(
            f"{j['force']} {j['from']}->{j['to']} {j['change']}" for j in unexplained
        )
        raise SourceError(f"changes over 5% with no reason: {listed}")
    revised = revised_all_ages(data_dir / FOLDER)
    return {
        CSV_NAME: render_csv(rows),
        NOTES_NAME: render_notes(figures, rows, revised, data_dir / FOLDER),
    }


def write(data_dir: Path) -> list[Path]:
    """Build and write ``populations.csv`` and ``populations.toml`` into ``data_dir``."""
    from tui.data.atomic import write_together

    files = build(data_dir)
    paths = [data_dir / name for name in files]
    write_together(
        [(data_dir / name, writer(text)) for name, text in files.items()], overwrite=True
    )
    return paths


def writer(text: str) -> Callable[[Path], object]:
    return lambda path: path.write_text(text, encoding="utf-8", newline="")


def main(argv: list[str] | None = None, announce: Callable[[str], object] = print) -> int:
    """Command line: rebuild ``data/populations.csv`` and ``data/populations.toml``."""
    from tui.data.dataset import DataError
    from tui.data.loading import repo_data_dir

    parser = argparse.ArgumentParser(
        prog="python -m tui.data.build.populations", description=__doc__
    )
    parser.add_argument("--data-dir", type=Path, default=repo_data_dir())
    args = parser.parse_args(argv)
    try:
        for path in write(args.data_dir):
            announce(f"wrote {path}")
    except (OSError, ValueError, DataError) as error:
        print(f"build failed: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
