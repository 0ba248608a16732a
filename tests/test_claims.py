"""Claims on citations: what each source says an event's fields are, apart from the
editor's conclusion; evidence grouped by value, disputes, and claims as of any seq."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import claimed_values

from citations import Reference
from timeline import Timeline
from timeline.dates import parse_edtf
from timeline.documents import DocumentOptions, render
from timeline.documents.common import accounts
from timeline.domain import (
    CitationRemoved,
    Claim,
    ClaimRecorded,
    ClaimRevised,
    ClaimWithdrawn,
    Place,
    agree,
    decode,
    read_claim,
)
from timeline.errors import InvalidClaim, UnknownCitation, UnknownClaim

KEYS = ("sov", "chn", "west")


def _timeline() -> Timeline:
    tl = Timeline.open(":memory:", author="test")
    for key in KEYS:
        tl.add_reference(Reference(key, "book", {"title": f"Account {key}", "date": "1970"}))
    tl.add_event(id="zb", when="1969-03-02", title="Zhenbao Island clash", actors=["CHN", "SUN"])
    tl.add_event(id="visit", when="2019-06", title="Xi visits Moscow")
    return tl


@pytest.fixture
def tl() -> Iterator[Timeline]:
    with _timeline() as timeline:
        yield timeline


# -- bad input: typed errors naming event, citation and field; nothing written ----


@pytest.mark.parametrize(
    ("claims", "error", "says"),
    [
        ({"wen": "1969-03-15"}, InvalidClaim, "field 'wen'"),
        ({"importance": 3}, InvalidClaim, "field 'importance'"),
        ({"when": "1969-99"}, InvalidClaim, "field 'when'"),
        ({"when": "the Ides of Smarch"}, InvalidClaim, "field 'when'"),
        ({"actors": "not a code!"}, InvalidClaim, "field 'actors'"),
        ({"_casualties": float("nan")}, InvalidClaim, "field '_casualties'"),
        ({"_casualties": True}, InvalidClaim, "field '_casualties'"),
    ],
)
def test_a_bad_claim_names_event_citation_and_field_and_writes_nothing(
    tl: Timeline, claims: dict[str, Any], error: type[Exception], says: str
) -> None:
    """cite(claims=...) refuses the citation and every claim when one claim is bad."""
    head = tl.head()
    with pytest.raises(error, match=says) as caught:
        tl.cite("zb", "sov", locator="p. 3", claims={"_casualties": 31, **claims})
    assert "event 'zb'" in str(caught.value) and "'zb/sov@p. 3'" in str(caught.value)
    assert tl.head() == head
    assert tl.citations_of("zb") == []


def test_a_claim_on_a_citation_that_does_not_exist_is_refused(tl: Timeline) -> None:
    """claim() on a citation the event lacks raises UnknownCitation naming all three."""
    tl.cite("zb", "sov")
    head = tl.head()
    with pytest.raises(UnknownCitation, match=r"'zb'.*'zb/chn'.*'when'"):
        tl.claim("zb", "chn", "when", "1969-03-15")
    with pytest.raises(UnknownCitation, match=r"'zb/sov@p\. 9'"):
        tl.claim("zb", "sov", "when", "1969-03-15", locator="p. 9")
    assert tl.head() == head


def test_claiming_a_field_twice_revising_or_withdrawing_a_missing_claim_is_refused(
    tl: Timeline,
) -> None:
    """A second claim on one field is InvalidChange; revising a claim never made UnknownClaim."""
    tl.cite("zb", "sov", claims={"when": "1969-03-02"})
    with pytest.raises(ValueError, match="already claims field 'when'"):
        tl.claim("zb", "sov", "when", "1969-03-15")
    with pytest.raises(UnknownClaim, match="'_casualties'"):
        tl.revise_claim("zb", "sov", "_casualties", 31, reason="r")
    with pytest.raises(UnknownClaim, match="zb/sov#place"):
        tl.withdraw_claim("zb", "sov", "place", reason="r")
    with pytest.raises(InvalidClaim, match="stance 'maybe'"):
        tl.claim("zb", "sov", "place", "Damansky", stance="maybe")
    with pytest.raises(InvalidClaim, match="field 'wen'"):
        tl.evidence("zb", "wen")


# -- what claims are and do ----------------------------------------------------


def test_two_accounts_of_the_zhenbao_clash(tl: Timeline) -> None:
    """Soviet and Chinese accounts of who fired first and of the dead: evidence and disputes."""
    tl.cite(
        "zb",
        "sov",
        locator="p. 3",
        claims={"_fired_first": "CHN", "_soviet_dead": 31, "place": "Damansky Island"},
    )
    tl.cite("zb", "chn", claims={"_fired_first": "SUN", "place": "珍宝岛"}, lang="zh")
    tl.cite("zb", "west", claims={"_soviet_dead": "31", "when": "2 March 1969"})
    fired = tl.evidence("zb", "_fired_first")
    assert [(e.value, e.keys) for e in fired] == [("CHN", ("sov",)), ("SUN", ("chn",))]
    dead = tl.evidence("zb", "_soviet_dead")
    assert [(e.value, e.keys) for e in dead] == [(31, ("sov", "west"))]
    assert [s[1].locator for s in dead[0].sources] == ["p. 3", ""]
    (when,) = tl.evidence("zb", "when")
    assert when.concluded and when.value == parse_edtf("1969-03-02")
    found = [(d.event.id, d.field) for d in tl.disputes()]
    assert found == [("zb", "_fired_first"), ("zb", "place")]
    assert tl.disputes(between="2019") == []
    assert tl.disputes(actors=["SUN"]) == tl.disputes()


def test_places_agree_by_a_shared_name_or_nearby_coordinates() -> None:
    """Zhenbao and Damansky are one island when their coordinates say so."""
    zhenbao = Place({"zh": "珍宝岛", "en": "Zhenbao"}, lat=46.49, lon=133.84)
    damansky = Place({"ru": "Даманский", "en": "Damansky"}, lat=46.48, lon=133.85)
    assert agree("place", zhenbao, damansky)
    assert not agree("place", Place({"en": "Zhenbao"}), Place({"en": "Damansky"}))
    assert agree("place", Place({"en": "Zhenbao"}), Place({"zh": "珍宝岛", "en": "zhenbao"}))


def test_a_denial_disputes_the_value_it_denies(tl: Timeline) -> None:
    """A source contradicting a value another source asserts makes a dispute."""
    tl.cite("zb", "sov", claims={"_fired_first": "CHN"})
    tl.cite("zb", "chn", claims={"_fired_first": "chn"}, stance="contradicts")
    assert [d.field for d in tl.disputes()] == ["_fired_first"]
    groups = tl.evidence("zb", "_fired_first")
    assert [(g.keys, g.claims[0].asserts) for g in groups] == [(("sov",), True), (("chn",), False)]


def test_follow_concludes_from_a_claim_and_says_why(tl: Timeline) -> None:
    """follow() sets the event's field to the claim's value with the reason, in one write."""
    tl.cite("zb", "chn", claims={"when": "15 March 1969"})
    assert tl.event("zb").when == parse_edtf("1969-03-02")
    head = tl.head().seq
    event = tl.follow("zb", "chn", "when", reason="the later clash is the one meant")
    assert event.when == parse_edtf("1969-03-15") and event.when_text == "15 March 1969"
    assert tl.head().seq == head + 2
    (group,) = tl.evidence("zb", "when")
    assert group.followed and group.concluded
    kinds = [entry.kind for entry in tl.history("zb")]
    assert kinds[-2:] == ["event.revised", "claim.followed"]
    assert tl.history("zb")[-2].reason == "the later clash is the one meant"
    tl.withdraw_claim("zb", "chn", "when", reason="misread")
    assert tl.event("zb").when == parse_edtf("1969-03-15"), "the conclusion stays"
    with pytest.raises(ValueError, match="needs a reason"):
        tl.follow("zb", "chn", "when", reason=" ")


def test_revise_claim_keeps_what_it_is_not_given(tl: Timeline) -> None:
    """revise_claim changes only the value, stance or rank it is given."""
    tl.cite("zb", "sov", claims={"_soviet_dead": 31}, stance="qualifies")
    revised = tl.revise_claim("zb", "sov", "_soviet_dead", rank="preferred", reason="archives")
    assert (revised.value, revised.stance, revised.rank) == (31, "qualifies", "preferred")
    again = tl.revise_claim("zb", "sov", "_soviet_dead", "58", reason="later count")
    assert (again.value, again.rank) == (58, "preferred")


def test_julian_claims_keep_their_calendar(tl: Timeline) -> None:
    """A claimed date read as Old Style stays a Julian date with its phrase."""
    claim = read_claim("zb/sov", "when", "25 October 1917", calendar="old-style")
    assert claim.value.calendar == "julian" and claim.value_text == "25 October 1917"


def test_claims_survive_dump_load_and_rebuild(tmp_path: Path) -> None:
    """A dump loaded elsewhere and rebuilt views show the same claims and conclusions."""
    with _timeline() as tl:
        tl.cite("zb", "sov", claims={"when": "1969-03-02", "_soviet_dead": 31})
        tl.cite("zb", "chn", claims={"when": "1969-03-15"}, rank="doubted")
        tl.follow("zb", "sov", "when", reason="r")
        dump = io.StringIO()
        tl.dump(dump)
        expected = tl.evidence("zb")
    dump.seek(0)
    with Timeline.load(dump, tmp_path / "loaded.timeline") as loaded:
        assert loaded.evidence("zb") == expected
        loaded.rebuild()
        assert loaded.evidence("zb") == expected
        assert loaded.verify().ok


# -- properties ----------------------------------------------------------------

FIELDS = ("when", "place", "_dead", "_fired_first")
_EVENTS = ("zb", "visit")


def _values(field: str) -> st.SearchStrategy[Any]:
    if field == "_dead":
        return st.sampled_from([31, 58, 68, 800])
    if field == "_fired_first":
        return st.sampled_from(["CHN", "SUN", "sun"])
    if field == "when":
        return st.sampled_from(["1969-03-02", "1969-03-15", "1969-03", "1969", "1968/1970"])
    return claimed_values("place")


@st.composite
def operations(draw: st.DrawFn) -> list[tuple[Any, ...]]:
    """A sequence of cite / claim / revise / withdraw / uncite operations."""
    ops = []
    for _ in range(draw(st.integers(1, 14))):
        event, key, field = (
            draw(st.sampled_from(_EVENTS)),
            draw(st.sampled_from(KEYS)),
            draw(st.sampled_from(FIELDS)),
        )
        verb = draw(st.sampled_from(["cite", "claim", "claim", "revise", "withdraw", "uncite"]))
        stance = draw(st.sampled_from(["supports", "contradicts", "qualifies"]))
        ops.append((verb, event, key, field, draw(_values(field)), stance))
    return ops


def _run(tl: Timeline, op: tuple[Any, ...]) -> None:
    """Apply one operation; refusals (claims on missing citations, ...) are part of the game."""
    verb, event, key, field, value, stance = op
    try:
        if verb == "cite":
            tl.cite(event, key, claims={field: value}, stance=stance)
        elif verb == "claim":
            tl.claim(event, key, field, value, stance=stance)
        elif verb == "revise":
            tl.revise_claim(event, key, field, value, stance=stance, reason="r")
        elif verb == "withdraw":
            tl.withdraw_claim(event, key, field, reason="r")
        else:
            tl.uncite(event, key, reason="r")
    except (UnknownCitation, UnknownClaim, ValueError):
        pass


def _conflict(a: Claim, b: Claim) -> bool:
    """The dispute rule, pair by pair, as the docs state it."""
    if a.field == "when":
        (al, au), (bl, bu) = a.value.bounds, b.value.bounds
        agreeing = al <= bu and bl <= au
    elif a.field == "place":
        agreeing = agree("place", a.value, b.value)
    else:
        norm = [v.casefold() if isinstance(v, str) else v for v in (a.value, b.value)]
        agreeing = norm[0] == norm[1]
    asserting = [claim.stance != "contradicts" for claim in (a, b)]
    if all(asserting):
        return not agreeing
    return agreeing and any(asserting)


_SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_SETTINGS
@given(ops=operations())
def test_claims_never_change_the_conclusion(ops: list[tuple[Any, ...]]) -> None:
    """Whatever is cited, claimed, revised or withdrawn, the events' fields stay as recorded."""
    with _timeline() as tl:
        before = [tl.event(event) for event in _EVENTS]
        for op in ops:
            _run(tl, op)
        assert [tl.event(event) for event in _EVENTS] == before


@_SETTINGS
@given(ops=operations())
def test_disputes_equal_a_brute_force_check_of_every_pair(ops: list[tuple[Any, ...]]) -> None:
    """disputes() lists exactly the (event, field) pairs with two claims in conflict."""
    with _timeline() as tl:
        for op in ops:
            _run(tl, op)
        expected = set()
        for event in _EVENTS:
            claims = tl.claims_of(event)
            for n, a in enumerate(claims):
                for b in claims[n + 1 :]:
                    if a.field == b.field and _conflict(a, b):
                        expected.add((event, a.field))
        assert {(d.event.id, d.field) for d in tl.disputes()} == expected


@_SETTINGS
@given(ops=operations())
def test_as_of_k_shows_exactly_the_claims_recorded_by_seq_k(ops: list[tuple[Any, ...]]) -> None:
    """Replaying the journal's claim records up to seq k gives as_of(k)'s claims."""
    with _timeline() as tl:
        for op in ops:
            _run(tl, op)
        held: dict[str, dict[str, Claim]] = {event: {} for event in _EVENTS}
        for record in tl.records():
            change = decode(record)
            match change:
                case ClaimRecorded(claim=claim) | ClaimRevised(claim=claim):
                    held[claim.event_id][claim.id] = claim
                case ClaimWithdrawn(event_id=event, claim_id=gone):
                    del held[event][gone]
                case CitationRemoved(event_id=event, citation_id=cid):
                    held[event] = {k: c for k, c in held[event].items() if c.citation_id != cid}
            past = tl.as_of(record.seq)
            for event in _EVENTS:
                if record.seq >= 5:  # both events recorded
                    shown = past.claims_of(event)
                    assert {c.id: c for c in shown} == held[event], record.seq
        rebuilt = tl.evidence("zb"), tl.evidence("visit")
        tl.rebuild()
        assert (tl.evidence("zb"), tl.evidence("visit")) == rebuilt


@_SETTINGS
@given(ops=operations())
def test_claims_round_trip_through_dump_and_load(ops: list[tuple[Any, ...]]) -> None:
    """Whatever claims a timeline holds, a dump loaded into a new journal holds the same."""
    with _timeline() as tl:
        for op in ops:
            _run(tl, op)
        dump = io.StringIO()
        tl.dump(dump)
        expected = [(tl.claims_of(event), tl.evidence(event)) for event in _EVENTS]
    dump.seek(0)
    with Timeline.load(dump, ":memory:") as loaded:
        assert [(loaded.claims_of(e), loaded.evidence(e)) for e in _EVENTS] == expected


@_SETTINGS
@given(ops=operations())
def test_every_output_shows_each_dispute_and_each_claim(ops: list[tuple[Any, ...]]) -> None:
    """Markdown and HTML give a disputed account for every disputed field, CSV a row per
    claim, Wikidata a statement per claim."""
    with _timeline() as tl:
        for op in ops:
            _run(tl, op)
        chronology = tl.chronology()
        disputed = {(d.event.id, d.field) for d in tl.disputes()}
        claims = [claim for event in _EVENTS for claim in tl.claims_of(event)]
    shown = {
        (entry.event.id, account.field)
        for entry in chronology
        for account in accounts(entry, DocumentOptions())
        if account.disputed
    }
    assert shown == disputed
    markdown = render(chronology, "markdown", DocumentOptions(flavour="footnotes"))
    assert markdown.count(" (disputed): ") == len(disputed)
    page = render(chronology, "html")
    assert page.count('<p class="account disputed"') == len(disputed)
    rows = list(csv.DictReader(io.StringIO(render(chronology, "csv"))))
    assert sorted(r["claim.source"] for r in rows if r.get("claim.field")) == sorted(
        claim.citation_id.partition("/")[2].partition("@")[0] for claim in claims
    )
    statements = json.loads(render(chronology, "wikidata"))["entities"]
    ids = [s["id"] for e in statements.values() for group in e["claims"].values() for s in group]
    assert sorted(ids) == sorted(claim.id for claim in claims)


def test_evidence_groups_equal_values_and_a_claim_changes_nothing_else() -> None:
    """Two sources giving 31 are one group; the event and its citations are untouched."""
    with _timeline() as tl:
        tl.cite("zb", "sov", claims={"_dead": 31})
        tl.cite("zb", "chn", claims={"_dead": 31.0})
        (group,) = tl.evidence("zb")
        assert group.keys == ("sov", "chn")
        assert [c.key for c in tl.citations_of("zb")] == ["sov", "chn"]
