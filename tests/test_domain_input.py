"""Friendly input to values, in one place: date phrases, actor strings, place and relation
mappings; the API and an events file read the same input into the same event."""

from __future__ import annotations

import pytest

from timeline.application import Timeline
from timeline.dates import format_edtf, parse_edtf
from timeline.domain import (
    Actor,
    Citation,
    LocalizedText,
    Place,
    Relation,
    RelationType,
    read_actor,
    read_citation,
    read_event_fields,
    read_place,
    read_relation,
    read_text,
    read_when,
)
from timeline.errors import ImportFailed, InvalidChange, InvalidDate, UnparsableDate
from timeline.importing import parse_events


def test_a_date_is_a_value_edtf_or_a_phrase_and_keeps_the_phrase() -> None:
    """EDTF keeps no phrase; a phrase in ``lang`` is kept as written; a year may be a number."""
    value = parse_edtf("1969-03-02")
    assert read_when(value) == (value, "")
    assert read_when("1969-03-02") == (value, "")
    assert read_when(1969) == (parse_edtf("1969"), "")
    when, phrase = read_when("early June 2019")
    assert format_edtf(when) == "2019-06-01/2019-06-10" and phrase == "early June 2019"
    assert read_when("2019年6月初", lang="zh")[1] == "2019年6月初"


def test_an_impossible_edtf_date_is_an_error_not_a_phrase() -> None:
    """1969-99 names the month; Julian dates are EDTF only; an unknown calendar is named."""
    with pytest.raises(InvalidDate, match="month 99"):
        read_when("1969-99")
    with pytest.raises(UnparsableDate):
        read_when("early June 1700", calendar="julian")
    with pytest.raises(InvalidChange, match="unknown calendar 'mayan'"):
        read_when("1969", calendar="mayan")


def test_old_style_reads_edtf_as_gregorian_and_phrases_as_julian() -> None:
    """``old-style``: the source's phrases before 1918 are Julian, its EDTF Gregorian."""
    assert read_when("1700-03-02", calendar="old-style")[0] == parse_edtf("1700-03-02")
    julian = read_when("2 March 1700", calendar="old-style")[0]
    assert julian != read_when("2 March 1700")[0]


def test_actors_places_relations_and_texts_from_friendly_input() -> None:
    """Strings and mappings become values; values pass through unchanged."""
    assert read_actor("CHN:host") == Actor("CHN", "host") == read_actor(Actor("CHN", "host"))
    assert read_place("Beijing") == Place(LocalizedText({"und": "Beijing"}, original="und"))
    place = read_place({"name": {"en": "Beijing"}, "country": "CN", "lat": 39.9, "lon": 116.4})
    assert place == Place({"en": "Beijing"}, country="CN", lat=39.9, lon=116.4)
    relation = read_relation({"type": "follows", "target": "2001-treaty"})
    assert relation == Relation(RelationType.FOLLOWS, "2001-treaty")
    assert read_text("Visit", "en") == LocalizedText({"en": "Visit"}, original="en")
    assert read_text({"en": "Visit", "zh": "访问"}, "zh").original == "zh"
    assert read_text({"en": "Visit"}, "zh").original == ""


@pytest.mark.parametrize(
    ("read", "value", "words"),
    [
        (read_actor, 7, "expected an actor such as 'CHN:host'"),
        (read_actor, "People's Republic", "not a code"),
        (read_place, {"name": "X", "population": 3}, "unknown place field(s) population"),
        (read_place, {"name": "X", "lat": "north"}, "place lat: expected a number, got str"),
        (read_place, {"name": "X", "lat": 91}, "latitude 91 is outside"),
        (read_place, ["X"], "expected a place name or table"),
        (read_relation, {"type": "follows"}, "expected a relation"),
        (read_relation, {"type": "after", "target": "x"}, "'after' is not one of: part-of"),
        (read_text, ["X"], "expected text or a table of language = text"),
    ],
)
def test_bad_friendly_input_is_an_invalid_change_naming_it(
    read: object, value: object, words: str
) -> None:
    """Every refusal is typed and says what is wrong."""
    assert callable(read)
    with pytest.raises(InvalidChange) as caught:
        read(value)
    assert words in str(caught.value)


def test_the_api_refuses_a_bad_place_or_relation_with_a_typed_error() -> None:
    """add_event with an unknown place field or relation type: InvalidChange, nothing written."""
    with Timeline.open(":memory:") as tl:
        with pytest.raises(InvalidChange, match="population"):
            tl.add_event(
                id="v", when="2019", title="Visit", places=[{"name": "X", "population": 3}]
            )
        with pytest.raises(InvalidChange, match="'after'"):
            tl.add_event(
                id="v", when="2019", title="Visit", relations=[{"type": "after", "target": "x"}]
            )
        assert tl.head().seq == 0


def test_event_fields_read_every_friendly_field() -> None:
    """Phrases, texts in ``lang``, actor strings, place and relation mappings; the rest as given."""
    fields = read_event_fields(
        {
            "when": "early June 2019",
            "summary": "A state visit",
            "actors": ["CHN:host", "RUS:guest"],
            "places": ["Beijing"],
            "relations": [{"type": "follows", "target": "a"}],
            "importance": 3,
        },
        lang="en",
    )
    assert format_edtf(fields["when"]) == "2019-06-01/2019-06-10"
    assert fields["summary"] == LocalizedText({"en": "A state visit"}, original="en")
    assert fields["actors"] == (Actor("CHN", "host"), Actor("RUS", "guest"))
    assert fields["places"] == (read_place("Beijing"),)
    assert fields["relations"] == (Relation("follows", "a"),)
    assert fields["importance"] == 3


def test_the_api_and_an_events_file_read_the_same_input_into_the_same_event() -> None:
    """One reader: a phrase date, actor strings, a place table, a relation, text in 'en'."""
    toml = """
[[event]]
id = "2019-visit"
when = "early June 2019"
title = "State visit"
original = "en"
actors = ["CHN:host", "RUS:guest"]
places = [{ name = "Moscow", country = "RU", lat = 55.75, lon = 37.62 }]
relations = [{ type = "follows", target = "2001-treaty" }]
"""
    (from_file,) = parse_events(toml, "toml").events
    with Timeline.open(":memory:") as tl:
        from_api = tl.add_event(
            id="2019-visit",
            when="early June 2019",
            title="State visit",
            lang="en",
            actors=["CHN:host", "RUS:guest"],
            places=[{"name": "Moscow", "country": "RU", "lat": 55.75, "lon": 37.62}],
            relations=[{"type": "follows", "target": "2001-treaty"}],
        )
    assert from_api == from_file


def test_a_citation_shorthand_is_key_at_locator() -> None:
    """``key@locator`` (as the CLI's --cite and events files write it); a key is needed."""
    assert read_citation("e", "lukin2018@p. 104") == Citation("e", "lukin2018", locator="p. 104")
    assert read_citation("e", " lukin2018 ") == Citation("e", "lukin2018")
    with pytest.raises(InvalidChange, match="no reference key before '@'"):
        read_citation("e", "@p. 104")
    toml = '[[event]]\nid = "a"\nwhen = "1969"\ntitle = "x"\ncitations = ["@p. 4"]\n'
    with pytest.raises(ImportFailed, match=r"'citations': citation '@p\. 4' has no"):
        parse_events(toml, "toml")
