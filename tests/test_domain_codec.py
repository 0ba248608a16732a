"""The kind table and the codec: every registered kind round-trips through a journal, and
decodes the payload the released code wrote. Both are generated from CHANGE_KINDS, so a new
kind cannot be forgotten."""

from __future__ import annotations

import json
import typing
from collections.abc import Iterator
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import claims, references, whens

from citations import Contributor, Reference
from timeline.dates import parse_edtf
from timeline.domain import (
    CHANGE_KINDS,
    EVENT_CATEGORIES,
    EVENT_FIELDS,
    REGISTRY,
    Actor,
    Change,
    ChangeKind,
    Citation,
    CitationAdded,
    CitationRemoved,
    Claim,
    ClaimFollowed,
    ClaimRecorded,
    ClaimRevised,
    ClaimWithdrawn,
    Coverage,
    Event,
    EventRecorded,
    EventRestored,
    EventRetracted,
    EventRevised,
    LocalizedText,
    Period,
    PeriodDefined,
    PeriodRetracted,
    PeriodRevised,
    Place,
    ReferenceAdded,
    ReferenceAmended,
    ReferenceMerged,
    Relation,
    RelationType,
    decode,
    decode_event,
    decode_reference,
    encode,
    encode_event,
    encode_reference,
)
from timeline.errors import CorruptJournal
from timeline.journal import Draft, KindRegistry, SQLiteJournal
from timeline.views._rows import citation_of, to_json


def _kind_id(entry: ChangeKind[Any]) -> str:
    return entry.kind


def test_the_table_holds_every_change_class_once_and_the_registry_reads_it() -> None:
    """CHANGE_KINDS covers the Change union exactly; REGISTRY accepts exactly its kinds."""
    assert {entry.type for entry in CHANGE_KINDS} == set(typing.get_args(Change))
    kinds = [entry.kind for entry in CHANGE_KINDS]
    assert len(set(kinds)) == len(kinds) == len(CHANGE_KINDS)
    assert sorted(REGISTRY) == sorted(kinds)


# -- the payloads the released code wrote (immutable: they must always decode) --

EVENT = Event(
    id="1969-zhenbao",
    when=parse_edtf("1969-03-02"),
    title={"en": "Zhenbao Island clash", "zh": "珍宝岛事件"},
    when_text="2 March 1969",
    summary="Border clash",
    category="conflict",
    actors=[Actor("CHN", "party"), Actor("SUN")],
    places=[Place({"en": "Zhenbao Island"}, country="CN", lat=46.49, lon=133.84)],
    tags=["border"],
    importance=3,
    relations=[Relation("part-of", "sino-soviet-split")],
)
BOOK = Reference(
    "lukin2018",
    "book",
    {"title": "China and Russia", "date": "2018"},
    [Contributor(family="Lukin", given="Alexander")],
    language="en",
)
CITATION = Citation("1969-zhenbao", "lukin2018", locator="p. 104", quote="q", supports=("when",))
META = {"author": "ana", "reason": "why"}
COLD_WAR = Period(
    id="cold-war-gaddis2005",
    label={"en": "Cold War", "zh": "冷战"},
    start=parse_edtf("1947"),
    end=parse_edtf("1991-12-26"),
    end_text="26 December 1991",
    region="Europe and beyond",
    coverage=[Coverage("http://www.wikidata.org/entity/Q46", "Europe")],
    source="gaddis2005",
    locator="p. 5",
    note="from the Truman Doctrine",
    aliases=[("ru", "холодная война")],
)
COLD_WAR_PAYLOAD = {
    "id": "cold-war-gaddis2005",
    "label": {"text": {"en": "Cold War", "zh": "冷战"}, "original": ""},
    "start": "1947",
    "end": "1991-12-26",
    "end_text": "26 December 1991",
    "region": "Europe and beyond",
    "coverage": [{"id": "http://www.wikidata.org/entity/Q46", "label": "Europe"}],
    "source": "gaddis2005",
    "locator": "p. 5",
    "note": "from the Truman Doctrine",
    "aliases": [["ru", "холодная война"]],
}
CLAIM = Claim(
    CITATION.id,
    "when",
    parse_edtf("1969-03-15"),
    value_text="15 March 1969",
    stance="qualifies",
    rank="preferred",
)
CLAIM_JSON = {
    "citation_id": "1969-zhenbao/lukin2018@p. 104",
    "field": "when",
    "rank": "preferred",
    "stance": "qualifies",
    "value": "1969-03-15",
    "value_text": "15 March 1969",
}
BOOK_JSON = {
    "contributors": [{"family": "Lukin", "given": "Alexander", "role": "author"}],
    "entry_type": "book",
    "fields": {"date": "2018", "title": "China and Russia"},
    "key": "lukin2018",
    "language": "en",
}

#: Per kind: a change, and the payload the released code (before issue 20) wrote for it.
RELEASED: dict[str, tuple[Change, dict[str, Any]]] = {
    "event.recorded": (
        EventRecorded(event=EVENT, **META),
        {
            **META,
            "event": {
                "actors": ["CHN:party", "SUN"],
                "id": "1969-zhenbao",
                "importance": 3,
                "kind": "conflict",
                "places": [
                    {
                        "country": "CN",
                        "lat": 46.49,
                        "lon": 133.84,
                        "name": {"original": "", "text": {"en": "Zhenbao Island"}},
                    }
                ],
                "relations": [{"target": "sino-soviet-split", "type": "part-of"}],
                "summary": {"original": "und", "text": {"und": "Border clash"}},
                "tags": ["border"],
                "title": {
                    "original": "",
                    "text": {"en": "Zhenbao Island clash", "zh": "珍宝岛事件"},
                },
                "when": "1969-03-02",
                "when_text": "2 March 1969",
            },
        },
    ),
    "event.revised": (
        EventRevised(
            event_id="1969-zhenbao",
            fields={"category": "crisis", "importance": 2, "when": parse_edtf("1969-03~")},
            **META,
        ),
        {
            **META,
            "event_id": "1969-zhenbao",
            "fields": {"importance": 2, "kind": "crisis", "when": "1969-03~"},
        },
    ),
    "event.retracted": (
        EventRetracted(event_id="1969-zhenbao", **META),
        {**META, "event_id": "1969-zhenbao"},
    ),
    "event.restored": (
        EventRestored(event_id="1969-zhenbao", **META),
        {**META, "event_id": "1969-zhenbao"},
    ),
    "reference.added": (ReferenceAdded(reference=BOOK, **META), {**META, "reference": BOOK_JSON}),
    "reference.amended": (
        ReferenceAmended(reference=BOOK, **META),
        {**META, "reference": BOOK_JSON},
    ),
    "reference.merged": (
        ReferenceMerged(key="lukin2018", into="lukin2018a", **META),
        {**META, "into": "lukin2018a", "key": "lukin2018"},
    ),
    "citation.added": (
        CitationAdded(citation=CITATION, **META),
        {
            **META,
            "citation": {
                "event_id": "1969-zhenbao",
                "key": "lukin2018",
                "locator": "p. 104",
                "quote": "q",
                "supports": ["when"],
            },
        },
    ),
    "citation.removed": (
        CitationRemoved(event_id="1969-zhenbao", citation_id=CITATION.id, **META),
        {**META, "citation_id": "1969-zhenbao/lukin2018@p. 104", "event_id": "1969-zhenbao"},
    ),
    "claim.recorded": (
        ClaimRecorded(claim=CLAIM, **META),
        {**META, "claim": CLAIM_JSON},
    ),
    "claim.revised": (
        ClaimRevised(claim=Claim(CITATION.id, "_casualties", 31, rank="doubted"), **META),
        {
            **META,
            "claim": {
                "citation_id": "1969-zhenbao/lukin2018@p. 104",
                "field": "_casualties",
                "rank": "doubted",
                "stance": "supports",
                "value": 31,
            },
        },
    ),
    "claim.withdrawn": (
        ClaimWithdrawn(event_id="1969-zhenbao", claim_id=CLAIM.id, **META),
        {**META, "claim_id": "1969-zhenbao/lukin2018@p. 104#when", "event_id": "1969-zhenbao"},
    ),
    "period.defined": (
        PeriodDefined(period=COLD_WAR, **META),
        {**META, "period": COLD_WAR_PAYLOAD},
    ),
    "period.revised": (
        PeriodRevised(period=attrs.evolve(COLD_WAR, start=None), **META),
        {**META, "period": {**COLD_WAR_PAYLOAD, "start": None}},
    ),
    "period.retracted": (
        PeriodRetracted(period_id="cold-war-gaddis2005", **META),
        {**META, "period_id": "cold-war-gaddis2005"},
    ),
    "claim.followed": (
        ClaimFollowed(event_id="1969-zhenbao", claim_id=CLAIM.id, **META),
        {**META, "claim_id": "1969-zhenbao/lukin2018@p. 104#when", "event_id": "1969-zhenbao"},
    ),
}


@pytest.fixture
def journal() -> Iterator[SQLiteJournal]:
    with SQLiteJournal.open(":memory:", registry=REGISTRY) as opened:
        yield opened


@pytest.mark.parametrize("entry", CHANGE_KINDS, ids=_kind_id)
def test_every_kind_decodes_what_the_released_code_wrote(
    journal: SQLiteJournal, entry: ChangeKind[Any]
) -> None:
    """The released payload of each kind, stored and read back, decodes to the same change,
    and encoding that change writes the same payload."""
    assert entry.kind in RELEASED, f"add the payload {entry.kind!r} is stored as to RELEASED"
    change, payload = RELEASED[entry.kind]
    (stored,) = journal.append(change.stream, [Draft(entry.kind, payload)])
    assert decode(stored) == change
    assert encode(change).payload == payload and encode(change).kind == entry.kind


def test_a_kind_outside_the_table_is_a_corrupt_journal(journal: SQLiteJournal) -> None:
    """A record of a registered kind with no row in the table names the kind."""
    registry = KindRegistry()
    registry.register("note.added", schema=1)
    with SQLiteJournal.open(":memory:", registry=registry) as other:
        (stored,) = other.append("note:1", [Draft("note.added", {"author": "", "reason": ""})])
    with pytest.raises(CorruptJournal, match=r"no decoder for record kind 'note\.added'"):
        decode(stored)


# -- the round-trip property over every kind, generated from the table --------

_TEXT = st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=12)
_SLUG = st.from_regex(r"[a-z0-9][a-z0-9._-]{0,10}", fullmatch=True)
_LANG = st.sampled_from(["en", "zh", "ru", "zh-Hant", "und"])
_TEXTS = st.dictionaries(_LANG, _TEXT.filter(str.strip), max_size=3)


@st.composite
def events(draw: st.DrawFn) -> Event:
    """Any event: every field drawn, places with and without coordinates."""
    title = draw(_TEXTS.filter(bool))
    places = st.builds(
        Place,
        _TEXTS,
        country=st.sampled_from(["", "CN", "RU"]),
        lat=st.none() | st.floats(-90, 90),
        lon=st.none() | st.floats(-180, 180),
    )
    return Event(
        id=draw(_SLUG),
        when=draw(whens()),
        title=attrs.evolve(LocalizedText(title), original=draw(st.sampled_from(["", *title]))),
        when_text=draw(_TEXT),
        summary=LocalizedText(draw(_TEXTS)),
        category=draw(st.sampled_from(EVENT_CATEGORIES) | _SLUG),
        actors=draw(
            st.lists(
                st.builds(
                    Actor,
                    st.from_regex(r"[A-Z][A-Z0-9]{1,9}", fullmatch=True),
                    _TEXT.map(str.strip),
                ),
                max_size=3,
            )
        ),
        places=draw(st.lists(places, max_size=2)),
        tags=draw(st.lists(_SLUG, max_size=3)),
        importance=draw(st.integers(1, 3)),
        relations=draw(st.lists(st.builds(Relation, st.sampled_from(RelationType), _SLUG))),
    )


def citations(event_id: str | None = None) -> st.SearchStrategy[Citation]:
    return st.builds(
        Citation,
        st.just(event_id) if event_id else _SLUG,
        st.from_regex(r"[A-Za-z][A-Za-z0-9_:.\-]{0,15}", fullmatch=True),
        locator=_TEXT,
        quote=_TEXT,
        supports=st.lists(st.sampled_from(EVENT_FIELDS), max_size=3),
    )


@st.composite
def revised_fields(draw: st.DrawFn) -> dict[str, Any]:
    """Some fields of an event, with values an event may hold."""
    event = draw(events())
    names = draw(st.sets(st.sampled_from(EVENT_FIELDS), min_size=1))
    return {name: getattr(event, name) for name in names}


@st.composite
def periods(draw: st.DrawFn) -> Period:
    """Any period definition: ends given or not, every part drawn."""
    ends = draw(st.lists(st.none() | whens(), min_size=2, max_size=2))
    if ends[0] is not None and ends[1] is not None and ends[1].bounds[1] < ends[0].bounds[0]:
        ends.reverse()
        if ends[1].bounds[1] < ends[0].bounds[0]:
            ends[1] = None
    return Period(
        id=draw(_SLUG),
        label=LocalizedText(draw(_TEXTS.filter(bool))),
        start=ends[0],
        end=ends[1],
        start_text=draw(_TEXT),
        end_text=draw(_TEXT),
        region=draw(_TEXT),
        coverage=draw(st.lists(st.builds(Coverage, _TEXT, _TEXT), max_size=2)),
        source=draw(_TEXT),
        locator=draw(_TEXT),
        note=draw(_TEXT),
        aliases=draw(st.lists(st.tuples(_LANG, _TEXT), max_size=2)),
    )


#: A strategy for each type a change's attribute may have (as the class annotates it).
FIELD_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "str": _TEXT,
    "Event": events(),
    "Reference": references(),
    "Citation": citations(),
    "Claim": claims(),
    "Period": periods(),
    "tuple[tuple[str, Any], ...]": revised_fields(),
}


def changes_of(entry: ChangeKind[Any]) -> st.SearchStrategy[Change]:
    """Any change of this kind: each attribute drawn by its annotated type."""
    fields = [f for f in attrs.fields(entry.type) if f.init]  # not a cache it keeps
    missing = sorted({str(f.type) for f in fields} - FIELD_VALUES.keys())
    assert not missing, f"{entry.kind}: add a strategy to FIELD_VALUES for {missing}"
    return st.builds(entry.type, **{f.name: FIELD_VALUES[str(f.type)] for f in fields})


@pytest.mark.parametrize("entry", CHANGE_KINDS, ids=_kind_id)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_kind_round_trips_through_a_journal(
    entry: ChangeKind[Any], data: st.DataObject
) -> None:
    """encode, store, read back, decode: the same change, of the same kind."""
    change = data.draw(changes_of(entry))
    with SQLiteJournal.open(":memory:", registry=REGISTRY) as journal:
        (stored,) = journal.append(change.stream, [encode(change)])
        assert stored.kind == entry.kind
        assert decode(stored) == change


#: Names in biblatex's extended format, which the strategy of references does not draw.
_EXTENDED_NAMES = st.sampled_from(
    [
        Contributor(family="Rousse", given="Jean Pierre", initials={"given": "JP"}),
        Contributor(family="Gogh", given="Vincent", particle="van", useprefix=True),
        Contributor(family="Dijk", given="Jan", particle="van", useprefix=False),
        Contributor(family="Smith", options={"uniquename": "false"}, role="translator"),
        Contributor(literal="欧阳向英", transliteration="Ouyang Xiangying", role="editor"),
    ]
)


@settings(max_examples=80, deadline=None)
@given(reference=references(), more=st.lists(_EXTENDED_NAMES, max_size=3))
def test_a_checked_reference_reads_back_unchecked_as_the_checked_decode_gives_it(
    reference: Reference, more: list[Contributor]
) -> None:
    """decode_reference(check=False) of a reference's JSON as the views store it is the
    reference, of the same types, as the checked decode gives it."""
    reference = attrs.evolve(reference, contributors=(*reference.contributors, *more))
    stored = json.loads(json.dumps(encode_reference(reference), sort_keys=True))
    unchecked = decode_reference(stored, check=False)
    assert unchecked == decode_reference(stored) == reference
    assert repr(unchecked) == repr(reference)


@settings(max_examples=80, deadline=None)
@given(event=events(), during=st.sampled_from(["", "cold-war"]), undated=st.booleans())
def test_a_checked_event_reads_back_unchecked_as_the_checked_decode_gives_it(
    event: Event, during: str, undated: bool
) -> None:
    """decode_event(check=False) of an event's JSON as the views store it is the event,
    of the same types, as the checked decode gives it (one dated by its period too)."""
    event = attrs.evolve(event, during=during, when_from_period=undated and bool(during))
    stored = json.loads(json.dumps(encode_event(event), sort_keys=True))
    unchecked, checked = decode_event(stored, check=False), decode_event(stored)
    assert unchecked == checked and repr(unchecked) == repr(checked)
    assert checked == event or event.when_from_period


@settings(max_examples=80, deadline=None)
@given(
    locator=st.text(max_size=6),
    supports=st.lists(st.sampled_from(["when", "title", "actors", "_casualties"]), max_size=4),
)
def test_a_checked_citation_reads_back_unchecked_as_it_was(
    locator: str, supports: list[str]
) -> None:
    """citation_of a citation's columns as the views store them (decode_citation: nothing
    converted again) is the citation, with its identity, of the same types."""
    citation = Citation("e1", "k1", locator, "a quote", supports)
    stored = to_json(list(citation.supports)) if citation.supports else "[]"
    row = (citation.event_id, citation.key, citation.locator, citation.quote, stored)
    read = citation_of(row)
    assert read == citation and read.id == citation.id and repr(read) == repr(citation)
    assert type(read.supports) is tuple and hash(read) == hash(citation)
