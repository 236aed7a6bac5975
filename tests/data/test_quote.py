"""The sentence to quote: wording follows provenance, jurisdiction and the change test."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import polars as pl
import pytest

from tui.cli import main
from tui.data.engine.naming import force_name
from tui.data.engine.query import summary
from tui.data.features.navigation import initial_selection
from tui.data.features.quote import QuoteFacts, carried_forward, quote, sentence
from tui.data.features.quote_sources import DERIVED, MODELLED, PUBLISHED, Source, provenance_of
from tui.data.loading import load_dataset
from tui.data.selection import Selection

KENT = QuoteFacts(
    subject="Kent Police",
    count=264,
    measure="offences",
    offence="sexual communication with a child",
    period="in 2023/24",
    previous_year="2022/23",
    change=264 / 230 - 1,
    significant=False,
)
NSPCC = Source("NSPCC Freedom of Information figures", "2024")


def test_published_figure_reads_as_a_fact_with_its_source():
    assert sentence(KENT, PUBLISHED, NSPCC) == (
        "Kent Police recorded 264 offences of sexual communication with a child in 2023/24, "
        "up 15% on 2022/23, a change small enough to be chance "
        "(NSPCC Freedom of Information figures, published 2024)."
    )


def test_derived_and_modelled_figures_say_so():
    assert sentence(KENT, DERIVED, NSPCC).endswith(
        "(derived from NSPCC Freedom of Information figures, published 2024)."
    )
    modelled = sentence(KENT, MODELLED)
    assert "recorded an estimated 264 offences" in modelled
    assert modelled.endswith("(a modelled estimate, not a published figure).")


def test_a_real_change_says_more_than_chance_and_a_fall_says_down():
    rise = QuoteFacts(**{**KENT.__dict__, "change": 0.5, "significant": True})
    assert "up 50% on 2022/23, more than chance would explain" in sentence(rise, PUBLISHED)
    fall = QuoteFacts(**{**KENT.__dict__, "change": -0.004})
    assert "down 0.4% on 2022/23" in sentence(fall, PUBLISHED)


def test_force_names_read_naturally():
    assert force_name("Kent") == "Kent Police"
    assert force_name("Metropolitan Police") == "the Metropolitan Police Service"
    assert force_name("Police Scotland") == "Police Scotland"
    assert force_name("Police Service of Northern Ireland") == (
        "the Police Service of Northern Ireland"
    )
    facts = QuoteFacts(**{**KENT.__dict__, "subject": "the Metropolitan Police"})
    assert sentence(facts, PUBLISHED).startswith("The Metropolitan Police recorded")


@pytest.fixture
def with_provenance(tmp_path: Path) -> Path:
    path = tmp_path / "foi.csv"
    path.write_text(
        "force,year,jurisdiction,provenance,offences\n"
        "Kent,2022/23,England and Wales,published,230\n"
        "Kent,2023/24,England and Wales,published,264\n"
        "Essex,2022/23,England and Wales,published,100\n"
        "Essex,2023/24,England and Wales,modelled,160\n"
        "Police Scotland,2023/24,Scotland,published,590\n",
        encoding="utf-8",
    )
    return path


def test_provenance_column_drives_the_wording(with_provenance: Path):
    dataset = load_dataset(with_provenance)
    start = initial_selection(dataset).with_filter("year", ("2023/24",))
    kent = start.with_filter("force", ("Kent",))
    assert provenance_of(dataset, kent) == PUBLISHED
    text = quote(dataset, kent)
    assert text.startswith("Kent Police recorded 264 offences of sexual communication with a child")
    assert "up 15% on 2022/23, a change small enough to be chance" in text
    essex = start.with_filter("force", ("Essex",))
    assert provenance_of(dataset, essex) == MODELLED
    text = quote(dataset, essex)
    assert "an estimated 160 offences" in text
    # 100 -> 160 would test as more than chance; but 160 is modelled: no change is claimed
    assert "chance" not in text and "up 60%" not in text
    assert "no change on 2022/23 is given: a modelled count cannot be tested" in text


def test_scotland_gets_its_own_offence(with_provenance: Path):
    dataset = load_dataset(with_provenance)
    selection = initial_selection(dataset).with_filter("jurisdiction", ("Scotland",))
    assert "590 offences of communicating indecently with a child" in quote(dataset, selection)


def test_embedded_dataset_quotes_published_figures_as_published(dataset):
    """Kent 2023/24 (264, NSPCC via OnTheWight) is published: no "estimated", its source named."""
    selection = (
        initial_selection(dataset).with_filter("force", ("Kent",)).with_filter("year", ("2023/24",))
    )
    known = summary(dataset, selection).total_provenance
    assert known is not None and known.status == PUBLISHED and known.figure is not None
    text = quote(dataset, selection)
    assert text.startswith("Kent Police recorded 264 offences of sexual communication with a child")
    assert "estimated" not in text
    # the NSPCC's Freedom of Information figures, reprinted by a local site: the NSPCC first
    assert (
        "(NSPCC Freedom of Information figures, reported by OnTheWight, \u201cNSPCC report "
        "reveals surge in online grooming crimes in South East England\u201d). That is 13.92 per "
        "100,000 residents and 6.36 per 10,000 children aged 0-17, by ONS mid-year population "
        "estimates."
    ) in text
    rates = summary(dataset, selection).totals  # the same rate as the table's
    assert f"{rates['rate_per_100k']:.2f} per 100,000" in text
    assert f"{rates['rate_per_10k_children']:.2f} per 10,000 children" in text


def test_embedded_breakdowns_are_quoted_as_modelled_estimates(dataset):
    selection = (
        initial_selection(dataset)
        .with_filter("force", ("Kent",))
        .with_filter("year", ("2023/24",))
        .with_filter("age_band", ("12-15",))
    )
    assert summary(dataset, selection).total_provenance.status == MODELLED
    text = quote(dataset, selection)
    assert text.startswith("Kent Police recorded an estimated")
    assert "(victims aged 12-15)" in text and "modelled estimate" in text


def test_cli_prints_the_sentence(capsys):
    assert main(["quote", "--where", "force=kent", "--where", "year=2018/19"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Kent Police recorded") and out.count("\n") == 1


def test_cli_bad_member_is_one_line_and_exit_2():
    done = subprocess.run(
        [sys.executable, "-m", "tui", "quote", "--where", "force=Kentt"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "Kentt" in done.stderr


def test_cli_quote_takes_the_jurisdiction_like_summary(capsys):
    assert main(["quote", "--jurisdiction", "scotland", "--where", "year=2017/18"]) == 0
    text = capsys.readouterr().out
    assert "429" in text and "3,217" not in text


OWN_NAMES = {
    "Avon and Somerset": "Avon and Somerset Police",
    "Bedfordshire": "Bedfordshire Police",
    "Cambridgeshire": "Cambridgeshire Constabulary",
    "Cheshire": "Cheshire Constabulary",
    "City of London": "City of London Police",
    "Cleveland": "Cleveland Police",
    "Cumbria": "Cumbria Constabulary",
    "Derbyshire": "Derbyshire Constabulary",
    "Devon and Cornwall": "Devon and Cornwall Police",
    "Dorset": "Dorset Police",
    "Durham": "Durham Constabulary",
    "Dyfed-Powys": "Dyfed-Powys Police",
    "Essex": "Essex Police",
    "Gloucestershire": "Gloucestershire Constabulary",
    "Greater Manchester": "Greater Manchester Police",
    "Gwent": "Gwent Police",
    "Hampshire": "Hampshire and Isle of Wight Constabulary",
    "Hertfordshire": "Hertfordshire Constabulary",
    "Humberside": "Humberside Police",
    "Kent": "Kent Police",
    "Lancashire": "Lancashire Constabulary",
    "Leicestershire": "Leicestershire Police",
    "Lincolnshire": "Lincolnshire Police",
    "Merseyside": "Merseyside Police",
    "Metropolitan Police": "The Metropolitan Police Service",
    "Norfolk": "Norfolk Constabulary",
    "North Wales": "North Wales Police",
    "North Yorkshire": "North Yorkshire Police",
    "Northamptonshire": "Northamptonshire Police",
    "Northumbria": "Northumbria Police",
    "Nottinghamshire": "Nottinghamshire Police",
    "Police Scotland": "Police Scotland",
    "Police Service of Northern Ireland": "The Police Service of Northern Ireland",
    "South Wales": "South Wales Police",
    "South Yorkshire": "South Yorkshire Police",
    "Staffordshire": "Staffordshire Police",
    "Suffolk": "Suffolk Constabulary",
    "Surrey": "Surrey Police",
    "Sussex": "Sussex Police",
    "Thames Valley": "Thames Valley Police",
    "Warwickshire": "Warwickshire Police",
    "West Mercia": "West Mercia Police",
    "West Midlands": "West Midlands Police",
    "West Yorkshire": "West Yorkshire Police",
    "Wiltshire": "Wiltshire Police",
}
"""Each force as it calls itself on its own website (Hampshire renamed itself in 2022)."""


def quoted(capsys, *where: str, jurisdiction: str = "uk") -> str:
    """``scwc quote --jurisdiction J --where ...``: its one line."""
    args = ["quote", "--jurisdiction", jurisdiction]
    for clause in where:
        args += ["--where", clause]
    assert main(args) == 0
    return capsys.readouterr().out.strip()


def test_the_table_names_every_force_of_the_dataset(dataset):
    assert sorted(dataset.members("force")) == sorted(OWN_NAMES)


@pytest.mark.parametrize("force", sorted(OWN_NAMES))
def test_every_force_is_quoted_by_its_own_name(capsys, force: str):
    text = quoted(capsys, f"force={force}", "year=2019/20")  # a year every force gave
    assert text.startswith(f"{OWN_NAMES[force]} recorded ")


def test_the_name_the_quote_prints_is_accepted_back(capsys):
    text = quoted(capsys, "force=Greater Manchester Police", "year=2021-22")
    assert text.startswith("Greater Manchester Police recorded") and "in 2021/22" in text


def test_a_year_carried_forward_says_so_and_quotes_the_year_it_comes_from(capsys):
    text = quoted(capsys, "jurisdiction=Scotland", "year=2024/25")
    assert text.startswith("2024/25 not published; 2023/24's 672 carried forward. ")
    assert "recorded 672 offences of communicating indecently with a child in 2023/24" in text
    assert "in 2024/25" not in text and "the same as" not in text
    northern_ireland = quoted(capsys, "jurisdiction=Northern Ireland", "year=2023/24")
    assert northern_ireland.startswith("2023/24 not published; 2022/23's ")


def test_which_year_is_carried_forward_is_read_from_the_data(dataset):
    """A year without a published total of its own that holds the last published year's total:
    no list of years in code decides it, so a year whose total differs is not called carried."""

    def within(jurisdiction: str) -> Selection:
        return Selection("year", "offences").with_filter("jurisdiction", (jurisdiction,))

    assert carried_forward(dataset, within("Scotland")) == {"2024/25": "2023/24"}
    assert carried_forward(dataset, within("Northern Ireland")) == {
        "2023/24": "2022/23",
        "2024/25": "2022/23",
    }
    assert carried_forward(dataset, within("England and Wales")) == {}
    one_more = (pl.col("jurisdiction") == "Scotland") & (pl.col("year") == "2024/25")
    first = pl.int_range(pl.len()) == one_more.arg_max()
    changed = dataset.cube.with_columns(
        pl.when(one_more & first).then(pl.col("offences") + 1).otherwise(pl.col("offences"))
    )
    assert carried_forward(replace(dataset, cube=changed), within("Scotland")) == {}


def test_a_sum_over_years_says_which_year_counts_a_carried_figure_again(capsys):
    text = quoted(capsys, "jurisdiction=Scotland")
    assert "from 2017/18 to 2024/25 combined, with 2023/24's figure counted again for 2024/25" in (
        text
    )


def test_a_platform_selection_is_worded_in_instances(capsys):
    text = quoted(capsys, "year=2023/24", "platform=Snapchat", jurisdiction="ew")
    assert "0 offences" not in text and "(platform: Snapchat)" not in text
    assert text.startswith("Snapchat was used in an estimated ")
    assert " of the offences of sexual communication with a child recorded by police in " in text
    assert "where the app was recorded" in text
    count = int(text.split("an estimated ")[1].split(" ")[0].replace(",", ""))
    assert count > 0


def test_several_platforms_are_counted_as_instances_not_offences(capsys):
    text = quoted(capsys, "year=2023/24", "platform=Snapchat", "platform=Instagram")
    assert text.startswith("Snapchat or Instagram were used an estimated ")
    assert "times (platform instances)" in text


@pytest.mark.parametrize(
    ("where", "missing"),
    [
        (("force=Hampshire",), "from 2017/18 to 2024/25 combined, with no figure for 2021/22"),
        (("force=Lincolnshire",), "combined, with no figure for 2024/25"),
        (("region=South East",), "combined, with no figure for Hampshire in 2021/22"),
        (("region=East Midlands", "year=2024/25"), "in 2024/25, with no figure for Lincolnshire, "),
        (("force=Hampshire", "force=Kent"), "with no figure for Hampshire in 2021/22"),
    ],
)
def test_a_sum_that_skips_a_missing_year_names_it(capsys, where, missing: str):
    assert missing in quoted(capsys, *where)


def test_a_force_year_with_no_figure_is_not_quoted_as_zero(capsys):
    text = quoted(capsys, "force=Hampshire", "year=2021/22")
    assert text == "Hampshire and Isle of Wight Constabulary gave no figure for 2021/22 " + (
        "(missing, not zero)."
    )


def test_a_change_between_years_missing_different_forces_compares_like_with_like(capsys):
    """Wales 2020/21 lacks Gwent: its change on 2019/20 (of published figures) is over the three
    forces with a figure in both years, says so, and claims nothing about chance."""
    text = quoted(capsys, "nation=Wales", "year=2020/21")
    assert "in 2020/21, with no figure for Gwent, up 17% on 2019/20 over " in text
    assert "the forces with a figure in both years (" in text
    assert "chance" not in text


def test_a_like_with_like_change_of_a_modelled_count_is_not_stated_as_a_fact(capsys):
    """The South East 2021/22 lacks Hampshire and its total is modelled (Thames Valley): its change
    over the four other forces compares modelled counts, so, like any modelled change, it is not
    given as a number (it read "down 14% on 2020/21" as plainly as a published one)."""
    text = quoted(capsys, "region=South East", "year=2021/22")
    assert "in 2021/22, with no figure for Hampshire, likely between " in text
    assert "down 14%" not in text and "chance" not in text
    assert "no change on 2020/21 is given: a modelled count cannot be tested for change" in text


@pytest.mark.parametrize(
    ("title", "published", "cited"),
    [
        (
            "NSPCC report reveals surge in online grooming crimes (OnTheWight)",
            None,
            "OnTheWight, \u201cNSPCC report reveals surge in online grooming crimes\u201d",
        ),
        (
            "Online grooming crimes reach record levels in UK (LBC)",
            "2024-11-01",
            "LBC, \u201cOnline grooming crimes reach record levels in UK\u201d, published 2024-11-01",
        ),
        (
            "NSPCC Freedom of Information figures",
            "2024",
            "NSPCC Freedom of Information figures, published 2024",
        ),
    ],
)
def test_a_citation_is_publisher_title_date_without_nested_brackets(title, published, cited):
    assert str(Source(title, published)) == cited


@pytest.mark.parametrize(
    ("title", "origin", "cited"),
    [
        (
            "NSPCC report reveals surge in online grooming crimes (OnTheWight)",
            "NSPCC Freedom of Information figures",
            "NSPCC Freedom of Information figures, reported by OnTheWight, \u201cNSPCC report "
            "reveals surge in online grooming crimes\u201d",
        ),
        (
            "Recorded online sexual grooming crimes rise by a third",
            "NSPCC Freedom of Information figures",
            "NSPCC Freedom of Information figures, \u201cRecorded online sexual grooming crimes "
            "rise by a third\u201d",
        ),
        (
            "Child grooming figures (NSPCC)",
            "NSPCC Freedom of Information figures",
            "NSPCC Freedom of Information figures, \u201cChild grooming figures\u201d",
        ),
    ],
)
def test_a_citation_names_the_original_publisher_then_who_reported_it(title, origin, cited):
    assert str(Source(title, None, origin)) == cited


def test_every_published_figure_the_nspcc_obtained_is_cited_as_the_nspccs(dataset):
    """Any figure whose release, note or words name the NSPCC is cited as its FOI figures."""
    from tui.data.features.quote_sources import NSPCC_FOI, cited_source
    from tui.data.features.reconcile import figures
    from tui.data.loading import repo_data_dir

    for figure in figures(repo_data_dir()):
        said = f"{figure.source_title} {figure.period_note} {figure.quote}"
        if "NSPCC" in said:
            assert str(cited_source(figure)).startswith(NSPCC_FOI), figure.source_title


def test_every_published_quote_has_one_pair_of_brackets(capsys):
    for where in (("force=Kent", "year=2023/24"), ("year=2023/24",), ("force=Hampshire",)):
        text = quoted(capsys, *where)
        assert text.count("(") == 1 and text.count(")") == 1, text


def test_no_app_recorded_is_not_worded_as_an_app(capsys):
    text = quoted(capsys, "year=2023/24", "platform=Not recorded", jurisdiction="ew")
    assert text.startswith("No app was recorded for an estimated ")
    assert "where the app was recorded" not in text
