"""The sentence to quote: wording follows provenance, jurisdiction and the change test."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tui.cli import main
from tui.data.load import load_dataset
from tui.data.query import initial_selection, summary
from tui.data.quote import (
    DERIVED,
    MODELLED,
    PUBLISHED,
    QuoteFacts,
    Source,
    force_name,
    provenance_of,
    quote,
    sentence,
)

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
    assert force_name("Metropolitan Police") == "the Metropolitan Police"
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
    assert "estimated" not in text and known.figure.source_title in text


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
