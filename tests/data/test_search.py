"""The search line: a reader's words, in any order and any spelling, read as one selection."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.data.engine.query import summary
from tui.data.engine.table import RATE
from tui.data.features.navigation import grouped_below_filters, initial_selection
from tui.data.features.search import closest_members, read_query
from tui.data.loading import load_dataset

DATASET = load_dataset()
PLACES = ("nation", "region", "force")
NAMED = [
    (dimension, member)
    for dimension in ("jurisdiction", *PLACES, "year", "age_band", "platform")
    for member in DATASET.members(dimension)
    if member not in ("Not recorded", "Not split", "Other")
]


def test_the_issues_examples_read_as_a_reader_means_them() -> None:
    kent = read_query(DATASET, "kent 2023/24").selection
    assert kent.members("force") == ("Kent",) and kent.members("year") == ("2023/24",)
    assert kent.group_by == "force"  # the row is Kent itself
    platforms = read_query(DATASET, "wales 2022/23 platform").selection
    assert platforms.members("nation") == ("Wales",) and platforms.group_by == "platform"
    assert platforms.measure == "instances"  # platforms are counted in instances
    both = read_query(DATASET, "england and wales 2017/18").selection
    assert both.group_by == "jurisdiction" and both.members("jurisdiction") == (
        "England and Wales",
    )
    assert summary(DATASET, both).totals["offences"] == 3217  # the published figure
    rates = read_query(DATASET, "23 rate").selection
    assert rates.sort_column == RATE and rates.descending and rates.group_by == "force"


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(NAMED), st.sampled_from(["", " ", "  "]))
def test_every_member_named_in_full_is_kept(named, padding) -> None:
    _, member = named
    reading = read_query(DATASET, padding + member.lower() + padding)
    assert reading.understood and not reading.unknown
    kept = {d: m for d, m in reading.selection.filters}
    assert any(member in m for m in kept.values()), (member, kept)


@settings(max_examples=40, deadline=None)
@given(
    st.sampled_from(DATASET.members("force")),
    st.sampled_from(DATASET.members("year")),
    st.sampled_from(["", "rate", "app", "age", "change"]),
)
def test_the_words_in_any_order_give_the_same_table(force, year, extra) -> None:
    words = [force.lower(), year, extra] if extra else [force.lower(), year]
    readings = {read_query(DATASET, " ".join(p)).selection for p in itertools.permutations(words)}
    assert len(readings) == 1


@given(st.sampled_from(DATASET.members("year")))
def test_a_year_reads_the_same_in_every_spelling(year) -> None:
    start = int(year[:4])
    spellings = [year, year.replace("/", "-"), str(start), str(start)[2:], f"{year[2:]}"]
    assert {read_query(DATASET, f"kent {s}").selection.members("year") for s in spellings} == {
        (year,)
    }


def test_the_same_words_give_the_same_table_wherever_the_reader_is() -> None:
    start = initial_selection(DATASET)
    elsewhere = (
        start.grouped_by("platform").with_measure("instances").with_filter("year", ("2019/20",))
    )
    assert read_query(DATASET, "kent 23", start) == read_query(DATASET, "kent 23", elsewhere)
    # the published-only view is a way of looking, kept
    published = read_query(DATASET, "kent 23", start.with_published_only(True))
    assert published.selection.published_only


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=40))
def test_any_text_is_read_without_an_error(text) -> None:
    reading = read_query(DATASET, text)
    assert reading.describe()
    summary(DATASET, reading.selection)  # a selection the engine accepts


def test_short_forms_and_spellings() -> None:
    assert read_query(DATASET, "ni 23 app").selection.members("jurisdiction") == (
        "Northern Ireland",
    )
    two = read_query(DATASET, "ew ni 23").selection
    assert two.group_by == "jurisdiction" and len(two.members("jurisdiction")) == 2
    assert read_query(DATASET, "met").selection.members("force") == ("Metropolitan Police",)
    assert read_query(DATASET, "manch").selection.members("force") == ("Greater Manchester",)
    assert read_query(DATASET, "insta 22").selection.members("platform") == ("Instagram",)
    scotland = read_query(DATASET, "police scotland").selection
    assert scotland.members("jurisdiction") == ("Scotland",)  # the place chooses its offence
    unknown = read_query(DATASET, "kent zzz")
    assert unknown.unknown == ("zzz",) and "not understood: zzz" in unknown.describe()


def test_a_breakdown_the_measure_is_not_split_by_is_said_not_applied() -> None:
    reading = read_query(DATASET, "12-15 snapchat")
    assert reading.dropped and "not applied" in reading.describe()
    summary(DATASET, reading.selection)


def test_filtering_below_the_grouping_groups_by_the_place_filtered() -> None:
    start = initial_selection(DATASET)  # by nation
    kent = grouped_below_filters(start.with_filter("force", ("Kent",)))
    assert kent.group_by == "force"
    assert summary(DATASET, kent).frame["force"].to_list() == ["Kent"]
    # a filter that is not a place, or one above the grouping, leaves the grouping as it is
    assert grouped_below_filters(start.with_filter("year", ("2023/24",))).group_by == "nation"
    by_force = start.grouped_by("force").with_filter("region", ("London",))
    assert grouped_below_filters(by_force).group_by == "force"


def test_closest_members_suggest_what_a_name_most_likely_means() -> None:
    forces = DATASET.members("force")
    assert closest_members(forces, "manchester") == ["Greater Manchester"]
    assert closest_members(forces, "Esex")[0] == "Essex"
    assert closest_members(forces, "qqqq") == []


USER_LABELS = st.text(
    st.characters(codec="utf-8", exclude_characters="\x00\n\r\"'"), min_size=1, max_size=12
)


@settings(max_examples=40, deadline=None)
@given(label=USER_LABELS, typed=st.text(max_size=12))
def test_a_users_file_is_searched_without_an_error_whatever_its_labels(
    tmp_path_factory, label, typed
) -> None:
    """A user's force the places table does not know (Leeds) has no nation or region: they read
    "–", a name with no words, which must not end the search (typing "lee" ended the app)."""
    folder = tmp_path_factory.mktemp("user")
    path = folder / "user.csv"
    path.write_text(f'force,year,offences\nLeeds,2019/20,10\n"{label}",2019/20,1\n')
    dataset = load_dataset(path)
    for query in ("lee", "le", typed, label.lower()[:4]):
        reading = read_query(dataset, query)
        assert reading.describe()
        summary(dataset, reading.selection)


@pytest.mark.parametrize("label", ["Leeds[/b]", "[/]", "[link=x]", "[@click=quit]", "—", "..."])
@pytest.mark.parametrize("query", ["f", "fi", "filter force", "leeds", "kent 2019/20"])
def test_a_label_of_marks_and_brackets_never_breaks_the_search(
    tmp_path: Path, label: str, query: str
) -> None:
    """A member whose name is all punctuation (no word to match) is left out of prefix matching;
    the palette searched with it and found nothing (an IndexError ended its search)."""
    path = tmp_path / "one.csv"
    path.write_text(f'force,year,offences\n"{label}",2019/20,10\nKent,2019/20,1\n')
    dataset = load_dataset(path)
    reading = read_query(dataset, query, initial_selection(dataset))
    assert reading.unknown or reading.understood
