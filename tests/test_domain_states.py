"""The domain transition apply(state, change): each change's meaning, refusals, and the read
models agreeing with it over any sequence of commands."""

from __future__ import annotations

import contextlib
import io

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citations import Reference
from timeline.application import Timeline
from timeline.dates import parse_edtf
from timeline.domain import (
    REGISTRY,
    Change,
    Citation,
    CitationAdded,
    CitationRemoved,
    Event,
    EventChange,
    EventRecorded,
    EventRestored,
    EventRetracted,
    EventRevised,
    EventState,
    ReferenceAdded,
    ReferenceAmended,
    ReferenceMerged,
    ReferenceState,
    apply,
    decode,
    encode,
)
from timeline.errors import (
    CorruptJournal,
    DomainError,
    DuplicateEvent,
    DuplicateReference,
    InvalidChange,
    UnknownCitation,
    UnknownEvent,
    UnknownReference,
)
from timeline.journal import SQLiteJournal

EVENT = Event(id="e", when=parse_edtf("1969-03-02"), title="Zhenbao Island clash")
CITATION = Citation("e", "lukin2018", locator="p. 104")
BOOK = Reference("lukin2018", "book", {"title": "Pivot to Asia", "date": "2018"})


def _fold(state: EventState | None, *changes: EventChange) -> EventState:
    for change in changes:
        state = apply(state, change)
    assert state is not None
    return state


def test_an_event_stream_folds_into_event_version_retraction_and_citations() -> None:
    """Each event change moves the version by one and changes only what it states."""
    recorded = apply(None, EventRecorded(event=EVENT))
    assert recorded == EventState(EVENT, version=1, retracted=False, citations=())
    revised = apply(recorded, EventRevised(event_id="e", fields={"importance": 3}))
    assert revised.event == attrs.evolve(EVENT, importance=3) and revised.version == 2
    other = Citation("e", "other")
    cited = _fold(revised, CitationAdded(citation=CITATION), CitationAdded(citation=other))
    assert cited.citations == (CITATION, other) and cited.version == 4
    uncited = apply(cited, CitationRemoved(event_id="e", citation_id=CITATION.id))
    assert uncited.citations == (other,) and uncited.citation(CITATION.id) is None
    retracted = apply(uncited, EventRetracted(event_id="e", reason="duplicate"))
    assert retracted.retracted and retracted.event == revised.event
    restored = apply(retracted, EventRestored(event_id="e"))
    assert not restored.retracted and restored.version == 7


def test_a_reference_stream_folds_into_reference_version_and_merge_target() -> None:
    """Added, amended, merged: the reference's value, version and the key it now counts for."""
    added = apply(None, ReferenceAdded(reference=BOOK))
    assert added == ReferenceState(BOOK, version=1, merged_into=None)
    amended_book = attrs.evolve(BOOK, fields={"title": "Pivot to Asia", "date": "2019"})
    amended = apply(added, ReferenceAmended(reference=amended_book))
    assert amended.reference == amended_book and amended.version == 2
    merged = apply(amended, ReferenceMerged(key="lukin2018", into="lukin2019"))
    assert merged.merged_into == "lukin2019" and merged.reference == amended_book


RECORDED = EventState(EVENT)
REFERENCE = ReferenceState(BOOK)


@pytest.mark.parametrize(
    ("state", "change", "error", "words"),
    [
        (RECORDED, EventRecorded(event=EVENT), DuplicateEvent, "'e' already exists"),
        (None, EventRevised(event_id="e", fields={"importance": 3}), UnknownEvent, "'e'"),
        (None, CitationAdded(citation=CITATION), UnknownEvent, "'e'"),
        (None, EventRetracted(event_id="e"), UnknownEvent, "'e'"),
        (attrs.evolve(RECORDED, retracted=True), EventRetracted(event_id="e"), InvalidChange,
         "already retracted"),
        (RECORDED, EventRestored(event_id="e"), InvalidChange, "not retracted"),
        (attrs.evolve(RECORDED, citations=(CITATION,)), CitationAdded(citation=CITATION),
         InvalidChange, "already cites 'e/lukin2018@p. 104'"),
        (RECORDED, CitationRemoved(event_id="e", citation_id="e/x"), UnknownCitation, "'e/x'"),
        (REFERENCE, ReferenceAdded(reference=BOOK), DuplicateReference, "'lukin2018'"),
        (None, ReferenceAmended(reference=BOOK), UnknownReference, "'lukin2018'"),
        (None, ReferenceMerged(key="a", into="b"), UnknownReference, "'a'"),
        (REFERENCE, EventRetracted(event_id="e"), InvalidChange, "applies to an event"),
        (RECORDED, ReferenceAmended(reference=BOOK), InvalidChange, "applies to a reference"),
    ],
)  # fmt: skip
def test_a_change_that_does_not_fit_the_state_raises_the_domain_error(
    state: EventState | ReferenceState | None, change: Change, error: type[Exception], words: str
) -> None:
    """The refusal a command would meet, naming the event, citation or key."""
    with pytest.raises(error, match=words.replace("(", r"\(").replace(".", r"\.")):
        apply(state, change)  # type: ignore[call-overload]


def test_history_of_a_stream_that_does_not_fold_is_a_corrupt_journal() -> None:
    """A stored retraction of an already retracted event: history names its seq."""
    with SQLiteJournal.open(":memory:", registry=REGISTRY) as journal:
        for change in (EventRecorded(event=EVENT), EventRetracted(event_id="e")):
            journal.append("event:e", [encode(change)])
        dump = io.StringIO()
        journal.dump(dump)
        journal.append("event:e", [encode(EventRetracted(event_id="e"))])
        dump_bad = io.StringIO()
        journal.dump(dump_bad)
    with Timeline.load(io.StringIO(dump.getvalue()), ":memory:") as tl:
        assert [entry.kind for entry in tl.history("e")] == ["event.recorded", "event.retracted"]
    with (
        pytest.raises(CorruptJournal, match="seq 3"),
        Timeline.load(io.StringIO(dump_bad.getvalue()), ":memory:") as tl,
    ):
        tl.history("e")


EVENT_IDS = ("a", "b")
KEYS = ("k1", "k2")
commands = st.lists(
    st.one_of(
        st.tuples(st.just("revise"), st.sampled_from(EVENT_IDS), st.integers(1, 3)),
        st.tuples(st.just("retract"), st.sampled_from(EVENT_IDS)),
        st.tuples(st.just("restore"), st.sampled_from(EVENT_IDS)),
        st.tuples(st.just("cite"), st.sampled_from(EVENT_IDS), st.sampled_from(KEYS)),
        st.tuples(st.just("uncite"), st.sampled_from(EVENT_IDS), st.sampled_from(KEYS)),
        st.tuples(st.just("amend"), st.sampled_from(KEYS), st.sampled_from(["1999", "2000"])),
        st.tuples(st.just("merge"), st.sampled_from(KEYS)),
    ),
    max_size=20,
)


def _run(tl: Timeline, command: tuple[object, ...]) -> None:
    match command:
        case ("record", str(event_id)):
            tl.add_event(id=event_id, when="1969", title=f"Event {event_id}")
        case ("revise", str(event_id), int(importance)):
            tl.revise(event_id, importance=importance, reason="check")
        case ("retract", str(event_id)):
            tl.retract(event_id, reason="check")
        case ("restore", str(event_id)):
            tl.restore(event_id, reason="check")
        case ("cite", str(event_id), str(key)):
            tl.cite(event_id, key)
        case ("uncite", str(event_id), str(key)):
            tl.uncite(event_id, key, reason="check")
        case ("add", str(key)):
            tl.add_reference(Reference(key, "book", {"title": key, "date": "1998"}))
        case ("amend", str(key), str(date)):
            tl.amend_reference(Reference(key, "book", {"title": key, "date": date}), reason="check")
        case ("merge", str(key)):
            tl.merge_references(key, into=KEYS[1 - KEYS.index(key)], reason="same book")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(commands)
def test_the_read_models_agree_with_folding_each_stream_with_apply(
    script: list[tuple[object, ...]],
) -> None:
    """Whatever commands succeed, each stream folded with apply is what the queries show."""
    setup = [("record", event_id) for event_id in EVENT_IDS] + [("add", key) for key in KEYS]
    with Timeline.open(":memory:", author="tester") as tl:
        for command in [*setup, *script]:
            with contextlib.suppress(DomainError):
                _run(tl, command)
        states: dict[str, EventState | ReferenceState] = {}
        for record in tl.records():
            change = decode(record)
            states[record.stream] = apply(states.get(record.stream), change)  # type: ignore[call-overload]
            assert states[record.stream].version == record.version
        for stream, state in states.items():
            if isinstance(state, EventState):
                assert tl.event(state.event.id) == state.event
                assert tl.is_retracted(state.event.id) == state.retracted
                assert tl.citations_of(state.event.id) == list(state.citations)
            else:
                merged = tl.references(include_merged=True)
                assert state.reference in merged
                unmerged = {ref.key for ref in tl.references()}
                assert (state.merged_into is None) == (state.reference.key in unmerged), stream
        events = {s.event.id for s in states.values() if isinstance(s, EventState)}
        assert events == {event.id for event in tl.events(include_retracted=True)}
        references = {s.reference.key for s in states.values() if isinstance(s, ReferenceState)}
        assert references == {ref.key for ref in tl.references(include_merged=True)}
