"""The views contract: tests written once, run against every views adapter.

Subclass :class:`ViewsContract` (as ``Test...``) and implement
:meth:`~ViewsContract.make_views` to return new, empty views of your adapter;
pytest collects the subclass and runs every test against it. The records come
from an in-memory journal; the views only ever see ``(record, change)``
batches, as in a timeline.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import attrs
import pytest

from citations import Reference
from timeline.dates import parse_edtf
from timeline.domain import (
    REGISTRY,
    UNDATED,
    Actor,
    Change,
    Citation,
    CitationAdded,
    CitationRemoved,
    Claim,
    ClaimFollowed,
    ClaimRecorded,
    ClaimRevised,
    ClaimWithdrawn,
    Event,
    EventRecorded,
    EventRestored,
    EventRetracted,
    EventRevised,
    LocalizedText,
    ReferenceAdded,
    ReferenceAmended,
    ReferenceMerged,
    decode,
    encode,
)
from timeline.journal import MemoryJournal, Record
from timeline.views import EventFields, EventQuery, Views

__all__ = ["Story", "ViewsContract", "answers"]

_META = {"author": "contract", "reason": "test"}

#: Every field of an event, as :meth:`Views.event_fields` reads them.
_FIELDS = tuple(field.name for field in attrs.fields(Event))


def answers(views: Views, as_of: int | None = None) -> tuple[Any, ...]:
    """Everything the views' queries answer at ``as_of``, for comparing two views."""
    every = views.events(EventQuery(include_retracted=True), as_of=as_of)
    references = views.references(include_merged=True, as_of=as_of)
    return (
        every,
        [views.event(view.event.id, as_of=as_of) for view in every],
        references,
        {
            view.reference.key: views.merged_into(view.reference.key, as_of=as_of)
            for view in references
        },
        views.events(EventQuery(unsourced=True), as_of=as_of),
        views.event_fields(EventQuery(include_retracted=True), _FIELDS, as_of=as_of),
        views.event_tally(EventQuery(include_retracted=True), as_of=as_of),
    )


class Story:
    """A journal in memory whose appended changes are applied to ``views`` one by one."""

    def __init__(self, views: Views) -> None:
        self.views = views
        self.journal = MemoryJournal(registry=REGISTRY)
        self.records: list[Record] = []

    def __call__(self, change: Change) -> int:
        """Append ``change``, apply it to the views, and return its ``seq``."""
        (record,) = self.journal.append(change.stream, [encode(change)])
        self.views.apply([(record, decode(record))])
        self.records.append(record)
        return record.seq

    def record(self, event_id: str, when: str = "1969-03-02", **fields: Any) -> int:
        return self(_recorded(event_id, when, **fields))

    def add(self, key: str, title: str = "A book") -> int:
        return self(ReferenceAdded(reference=_book(key, title), **_META))

    def cite(self, event_id: str, key: str, locator: str = "") -> int:
        return self(CitationAdded(citation=Citation(event_id, key, locator=locator), **_META))

    def claim(self, citation_id: str, field: str, value: Any, **options: Any) -> int:
        return self(ClaimRecorded(claim=Claim(citation_id, field, value, **options), **_META))


def _recorded(event_id: str, when: str = "1969-03-02", **fields: Any) -> EventRecorded:
    fields.setdefault("title", {"en": f"Event {event_id}"})
    return EventRecorded(event=Event(id=event_id, when=parse_edtf(when), **fields), **_META)


def _book(key: str, title: str) -> Reference:
    return Reference(key, "book", {"title": title, "date": "2008"})


def _ids(found: list[Any]) -> list[str]:
    return [view.event.id for view in found]


class ViewsContract:
    """Behaviour every views adapter must have, whatever stores it."""

    def make_views(self) -> Views:
        """New, empty views of the adapter under test."""
        raise NotImplementedError

    @pytest.fixture
    def story(self) -> Iterator[Story]:
        story = Story(self.make_views())
        yield story
        story.journal.close()

    # -- events ---------------------------------------------------------------

    def test_a_recorded_event_is_held_with_its_version(self, story: Story) -> None:
        seq = story.record("a", summary={"en": "Summary"})
        view = story.views.event("a")
        assert view is not None
        assert (view.event.id, view.version, view.retracted, view.citations) == ("a", 1, False, ())
        assert view.event.summary.get("en") == "Summary"
        assert story.views.event("b") is None
        assert story.views.checkpoint() == seq

    def test_a_revision_shows_now_and_the_old_value_as_of_before(self, story: Story) -> None:
        first = story.record("a", importance=1)
        story(EventRevised(event_id="a", fields={"importance": 3}, **_META))
        now, then = story.views.event("a"), story.views.event("a", as_of=first)
        assert now is not None and then is not None
        assert (now.event.importance, now.version) == (3, 2)
        assert (then.event.importance, then.version) == (1, 1)
        assert story.views.event("a", as_of=0) is None

    def test_retract_and_restore_each_hold_in_their_range(self, story: Story) -> None:
        story.record("a")
        retracted = story(EventRetracted(event_id="a", **_META))
        restored = story(EventRestored(event_id="a", **_META))
        assert _ids(story.views.events(EventQuery())) == ["a"]
        assert _ids(story.views.events(EventQuery(), as_of=retracted)) == []
        every = EventQuery(include_retracted=True)
        assert _ids(story.views.events(every, as_of=retracted)) == ["a"]
        view = story.views.event("a", as_of=retracted)
        assert view is not None and view.retracted and view.version == 2
        current = story.views.event("a")
        assert current is not None and not current.retracted and current.version == 3
        assert story.views.checkpoint() == restored

    def test_events_come_in_historical_order_and_filtered(self, story: Story) -> None:
        story.record("late", "2001-07-16", category="treaty", tags=("border",), importance=3)
        story.record("early", "1969-03-02", actors=(Actor.parse("CHN:army"),))
        story.record(
            "wide",
            "1960/1970",
            title={"en": "Sino-Soviet split", "zh": "中苏交恶"},
            category="Split",
        )
        views = story.views
        assert _ids(views.events(EventQuery())) == ["wide", "early", "late"]
        (lower, upper) = parse_edtf("1969").bounds
        assert _ids(views.events(EventQuery(lower=lower, upper=upper))) == ["wide", "early"]
        assert _ids(views.events(EventQuery(upper=lower - 1))) == ["wide"]
        assert _ids(views.events(EventQuery(actors=["chn"]))) == ["early"]
        assert _ids(views.events(EventQuery(categories=["split", "treaty"]))) == ["wide", "late"]
        assert _ids(views.events(EventQuery(tags=["Border"]))) == ["late"]
        assert _ids(views.events(EventQuery(importance=3))) == ["late"]
        assert _ids(views.events(EventQuery(text="soviet"))) == ["wide"]
        assert _ids(views.events(EventQuery(text="交恶"))) == ["wide"]
        assert _ids(views.events(EventQuery(text="交恶", lang="en"))) == []
        assert _ids(views.events(EventQuery(text="Event"))) == ["early", "late"]

    def test_a_filter_as_of_reads_the_content_that_held_then(self, story: Story) -> None:
        first = story.record("a", "1969", tags=("old",))
        story(
            EventRevised(
                event_id="a", fields={"tags": ("new",), "when": parse_edtf("2001")}, **_META
            )
        )
        assert _ids(story.views.events(EventQuery(tags=["old"]))) == []
        assert _ids(story.views.events(EventQuery(tags=["old"]), as_of=first)) == ["a"]
        (lower, upper) = parse_edtf("1969").bounds
        dated = EventQuery(lower=lower, upper=upper)
        assert _ids(story.views.events(dated, as_of=first)) == ["a"]
        assert _ids(story.views.events(dated)) == []

    def test_an_event_dated_by_its_period_only_is_held_at_every_day(self, story: Story) -> None:
        """It stores no ``when``: it reads back as such, and every date filter lets it
        through, until a revision gives it a date of its own (and takes it away again)."""
        story.record("dated", "1969-03-02")
        plan = Event(
            id="plan", when=UNDATED, during="prc-fyp-01", when_from_period=True,
            title={"en": "Plan event"},
        )  # fmt: skip
        recorded = story(EventRecorded(event=plan, **_META))
        views = story.views
        view = views.event("plan")
        assert view is not None and view.event == plan
        (lower, upper) = parse_edtf("1969").bounds
        assert _ids(views.events(EventQuery(lower=lower, upper=upper))) == ["plan", "dated"]
        assert _ids(views.events(EventQuery(upper=lower - 1))) == ["plan"]
        assert _ids(views.events_dated(*UNDATED.bounds, title=["Plan event"])) == ["plan"]
        dated = story(EventRevised(event_id="plan", fields={"when": parse_edtf("2001")}, **_META))
        revised = views.event("plan")
        assert revised is not None and not revised.event.when_from_period
        assert _ids(views.events(EventQuery(lower=lower, upper=upper))) == ["dated"]
        assert _ids(views.events(EventQuery(upper=lower - 1), as_of=recorded)) == ["plan"]
        story(EventRevised(event_id="plan", fields={"when": None}, **_META))
        undated = views.event("plan")
        assert undated is not None and undated.event.when_from_period
        assert undated.event.when == UNDATED
        assert _ids(views.events(EventQuery(upper=lower - 1))) == ["plan"]
        assert _ids(views.events(EventQuery(upper=lower - 1), as_of=dated)) == []

    def test_events_dated_are_those_with_the_same_bounds(self, story: Story) -> None:
        story.record("a", "1969-03-02")
        story.record("b", "1969-03-02", title={"en": "Other"})
        story.record("c", "1969-03")
        lower, upper = parse_edtf("1969-03-02").bounds
        assert _ids(story.views.events_dated(lower, upper, title=["Other"])) == ["a", "b"]
        assert story.views.events_dated(lower, upper, as_of=0) == []

    def test_events_on_and_ids_select_in_one_query(self, story: Story) -> None:
        story.record("a", "1969-03-02")
        story.record("b", "1969")
        story.record("c", "2001")
        story(EventRetracted(event_id="b", **_META))
        days = [parse_edtf(when).bounds for when in ("1969-03-02", "1969", "1970")]
        assert _ids(story.views.events_on(days)) == ["b", "a"]
        assert story.views.events_on([]) == []
        chosen = EventQuery(ids=["c", "b", "z"], include_retracted=True)
        assert _ids(story.views.events(chosen)) == ["b", "c"]
        assert _ids(story.views.events(EventQuery(ids=[]))) == []

    def test_iter_events_reads_in_pages_what_events_answers(self, story: Story) -> None:
        for n in range(5):
            story.record(f"e{n}", f"{1969 + n % 3}-03-0{1 + n}")
        story.add("k1")
        story.add("k2")
        cited = story.cite("e1", "k2", "p. 2")
        story.cite("e1", "k1")
        story.cite("e4", "k2")
        story(EventRetracted(event_id="e2", **_META))
        for query in (EventQuery(), EventQuery(include_retracted=True), EventQuery(ids=[])):
            for as_of in (None, cited):
                expected = story.views.events(query, as_of=as_of)
                for page in (1, 2, 100):
                    found = list(story.views.iter_events(query, as_of=as_of, page=page))
                    assert found == expected

    def test_event_fields_are_the_fields_of_the_events_each_query_answers(
        self, story: Story
    ) -> None:
        """For any query and seq: the events :meth:`events` answers, in its order, each as
        the fields asked for (in the order asked), with its id and retraction."""
        story.record("a", "1969", tags=("x",), summary={"en": "Summary"}, during="prc-fyp-01")
        story.record("b", "2001", actors=(Actor.parse("RUS:signatory"),), importance=3)
        plan = Event(
            id="plan", when=UNDATED, during="prc-fyp-01", when_from_period=True,
            title={"en": "Plan event", "zh": "计划"},
        )  # fmt: skip
        story(EventRecorded(event=plan, **_META))
        retracted = story(EventRetracted(event_id="b", **_META))
        story(EventRevised(event_id="a", fields={"title": LocalizedText.of("Renamed")}, **_META))
        queries = (
            EventQuery(),
            EventQuery(include_retracted=True),
            EventQuery(tags=["x"], include_retracted=True),
            EventQuery(ids=[]),
        )
        for query in queries:
            for as_of in (None, retracted, retracted - 1, 0):
                for names in (_FIELDS, ("title", "when"), ()):
                    expected = [
                        EventFields(
                            view.event.id,
                            view.retracted,
                            tuple(getattr(view.event, name) for name in names),
                        )
                        for view in story.views.events(query, as_of=as_of)
                    ]
                    assert story.views.event_fields(query, names, as_of=as_of) == expected
        found = story.views.event_fields(EventQuery(include_retracted=True), ("when_from_period",))
        assert found == [("plan", False, (True,)), ("a", False, (False,)), ("b", True, (False,))]
        story(EventRevised(event_id="a", fields={"title": LocalizedText.of("Again")}, **_META))
        titles = story.views.event_fields(EventQuery(), ("title",))
        assert titles == [
            (v.event.id, False, (v.event.title,)) for v in story.views.events(EventQuery())
        ]
        assert ("a", False, (LocalizedText.of("Again"),)) in titles  # read again, not as kept

    def test_cited_keys_are_those_the_selected_events_cite(self, story: Story) -> None:
        story.record("a")
        story.record("b", "2001")
        for key in ("k1", "k2", "k3"):
            story.add(key)
        story.cite("a", "k2")
        story.cite("a", "k1", "p. 1")
        story.cite("a", "k1", "p. 2")
        first = story.cite("b", "k3")
        story(CitationRemoved(event_id="b", citation_id="b/k3", **_META))
        views = story.views
        assert views.cited_keys(EventQuery()) == ["k1", "k2"]
        assert views.cited_keys(EventQuery(), as_of=first) == ["k1", "k2", "k3"]
        assert views.cited_keys(EventQuery(ids=["b"]), as_of=first) == ["k3"]
        assert views.cited_keys(EventQuery(ids=["b"])) == []

    def test_event_tally_counts_the_title_languages_and_retractions_selected(
        self, story: Story
    ) -> None:
        story.record("a", "1969", title={"en": "A", "zh": "甲"})
        story.record("b", "2001", title={"en": "B", "ru": "Б"})
        first = story(EventRetracted(event_id="b", **_META))
        story(EventRevised(event_id="a", fields={"title": LocalizedText.of("Ā", "fr")}, **_META))
        story.record("c", "2001", title={"de": "C"})
        views, every = story.views, EventQuery(include_retracted=True)
        assert views.event_tally(EventQuery()) == ({"fr": 1, "de": 1}, 0)
        assert views.event_tally(every) == ({"fr": 1, "en": 1, "ru": 1, "de": 1}, 1)
        assert views.event_tally(every, as_of=first) == ({"en": 2, "zh": 1, "ru": 1}, 1)
        assert views.event_tally(EventQuery(), as_of=first) == ({"en": 1, "zh": 1}, 0)
        (lower, upper) = parse_edtf("2001").bounds
        assert views.event_tally(attrs.evolve(every, lower=lower, upper=upper)) == (
            {"en": 1, "ru": 1, "de": 1},
            1,
        )
        assert views.event_tally(EventQuery(ids=["z"])) == ({}, 0)
        assert views.event_tally(every, as_of=0) == ({}, 0)

    def test_a_batch_that_fails_part_way_changes_nothing(self, story: Story) -> None:
        """All or nothing: a batch whose last change does not fit leaves the views as they
        were (its first change undone), and they take the next batch as before."""
        first = story.record("a")
        before = answers(story.views)
        change = _recorded("b")
        (record,) = story.journal.append(change.stream, [encode(change)])
        pair = (record, decode(record))
        with pytest.raises(Exception):  # noqa: B017 - each adapter raises its own error
            story.views.apply([pair, pair])  # event b recorded twice
        assert (answers(story.views), story.views.checkpoint()) == (before, first)
        story.views.apply([pair])
        assert _ids(story.views.events(EventQuery())) == ["a", "b"]
        assert story.views.checkpoint() == record.seq

    # -- citations ------------------------------------------------------------

    def test_citations_come_with_their_event_in_the_order_added(self, story: Story) -> None:
        story.record("a")
        story.add("k1")
        story.add("k2")
        before = story.cite("a", "k2", "p. 2")
        story.cite("a", "k1")
        view = story.views.event("a")
        assert view is not None and view.version == 3
        assert [c.id for c in view.citations] == ["a/k2@p. 2", "a/k1"]
        old = story.views.event("a", as_of=before)
        assert old is not None and [c.key for c in old.citations] == ["k2"]
        story(CitationRemoved(event_id="a", citation_id="a/k2@p. 2", **_META))
        view = story.views.event("a")
        assert view is not None and [c.key for c in view.citations] == ["k1"]
        listed = story.views.events(EventQuery())
        assert [[c.key for c in v.citations] for v in listed] == [["k1"]]

    def test_citing_and_unsourced_hold_as_of_each_seq(self, story: Story) -> None:
        story.record("a")
        story.record("b", "2001")
        story.add("k1")
        cited = story.cite("a", "k1")
        removed = story(CitationRemoved(event_id="a", citation_id="a/k1", **_META))
        views = story.views
        assert _ids(views.events(EventQuery(citing=["k1"]), as_of=cited)) == ["a"]
        assert _ids(views.events(EventQuery(unsourced=True), as_of=cited)) == ["b"]
        assert _ids(views.events(EventQuery(citing=["k1"]), as_of=removed)) == []
        assert _ids(views.events(EventQuery(unsourced=True))) == ["a", "b"]

    # -- claims -----------------------------------------------------------------

    def test_claims_come_with_their_event_and_hold_as_of_each_seq(self, story: Story) -> None:
        story.record("a")
        story.record("b", "2001")
        story.add("k1")
        story.add("k2")
        story.cite("a", "k2", "p. 2")
        story.cite("a", "k1")
        first = story.claim("a/k1", "when", parse_edtf("1969-03-15"), value_text="15 March")
        story.claim("a/k2@p. 2", "_casualties", 31, stance="qualifies")
        story.claim("a/k1", "_casualties", 68, rank="doubted")
        view = story.views.event("a")
        assert view is not None and view.version == 6
        assert [c.id for c in view.claims] == [
            "a/k2@p. 2#_casualties",
            "a/k1#_casualties",
            "a/k1#when",
        ]
        assert view.claim("a/k1#when") == Claim(
            "a/k1", "when", parse_edtf("1969-03-15"), value_text="15 March"
        )
        old = story.views.event("a", as_of=first)
        assert old is not None and [c.id for c in old.claims] == ["a/k1#when"]
        assert view.event == old.event, "a claim never changes the event"
        revised = story(
            ClaimRevised(claim=Claim("a/k1", "_casualties", 70, rank="preferred"), **_META)
        )
        story(ClaimWithdrawn(event_id="a", claim_id="a/k2@p. 2#_casualties", **_META))
        now = story.views.event("a")
        assert now is not None and [(c.id, c.value) for c in now.claims] == [
            ("a/k1#_casualties", 70),
            ("a/k1#when", parse_edtf("1969-03-15")),
        ]
        then = story.views.event("a", as_of=revised)
        assert then is not None and len(then.claims) == 3
        assert _ids(story.views.events(EventQuery(claimed=True))) == ["a"]
        assert _ids(story.views.events(EventQuery(claimed=True), as_of=first - 1)) == []

    def test_a_followed_claim_is_the_conclusion_until_another_or_its_removal(
        self, story: Story
    ) -> None:
        story.record("a")
        story.add("k1")
        story.add("k2")
        story.cite("a", "k1")
        story.cite("a", "k2")
        story.claim("a/k1", "when", parse_edtf("1969-03-02"))
        story.claim("a/k2", "when", parse_edtf("1969-03-15"))
        story.claim("a/k2", "_casualties", 31)
        first = story(ClaimFollowed(event_id="a", claim_id="a/k1#when", **_META))
        story(ClaimFollowed(event_id="a", claim_id="a/k2#_casualties", author="x", reason="why"))
        second = story(ClaimFollowed(event_id="a", claim_id="a/k2#when", author="y", reason="r"))
        view = story.views.event("a", as_of=first)
        assert view is not None and [(c.field, c.claim_id) for c in view.conclusions] == [
            ("when", "a/k1#when")
        ]
        view = story.views.event("a", as_of=second)
        assert view is not None and [(c.field, c.claim_id, c.reason) for c in view.conclusions] == [
            ("_casualties", "a/k2#_casualties", "why"),
            ("when", "a/k2#when", "r"),
        ]
        story(ClaimRevised(claim=Claim("a/k2", "when", parse_edtf("1969-03-16")), **_META))
        view = story.views.event("a")
        assert view is not None and [c.claim_id for c in view.conclusions] == [
            "a/k2#_casualties",
            "a/k2#when",
        ]
        story(CitationRemoved(event_id="a", citation_id="a/k2", **_META))
        view = story.views.event("a")
        assert view is not None
        assert (view.conclusions, [c.id for c in view.claims]) == ((), ["a/k1#when"])

    # -- references -----------------------------------------------------------

    def test_references_amended_and_merged_hold_in_their_ranges(self, story: Story) -> None:
        added = story.add("k1", "First title")
        story.add("k2")
        amended = story(ReferenceAmended(reference=_book("k1", "Second title"), **_META))
        merged = story(ReferenceMerged(key="k1", into="k2", **_META))
        views = story.views
        old, new = views.reference("k1", as_of=added), views.reference("k1")
        assert old is not None and new is not None
        assert old.reference.get("title") == "First title" and old.version == 1
        assert new.reference.get("title") == "Second title" and new.version == 3
        assert (old.merged_into, new.merged_into) == (None, "k2")
        assert [r.reference.key for r in views.references()] == ["k2"]
        every = views.references(include_merged=True)
        assert [r.reference.key for r in every] == ["k1", "k2"]
        assert [r.reference.key for r in views.references(as_of=amended)] == ["k1", "k2"]
        assert [r.reference.key for r in views.references(keys=["k2", "k9"])] == ["k2"]
        assert views.references(keys=["k1", "k2"], as_of=added) == [old]
        rows = views.reference_rows(["k9", "k2", "k1"])
        assert [(row.key, row.merged_into, row.read()) for row in rows] == [
            (r.reference.key, r.merged_into, r.reference) for r in every
        ]
        rows = views.reference_rows(["k1", "k9"], as_of=added)
        assert [(row.key, row.merged_into, row.read()) for row in rows] == [
            ("k1", None, old.reference)
        ]
        assert views.reference_rows([]) == []
        assert views.reference_keys(["k1", "k2", "k9"]) == {"k1", "k2"}
        assert views.reference_keys(["k2", "k9"], as_of=added) == set()
        assert views.reference_keys([]) == set()
        assert views.merged_into("k2") == ["k1"]
        assert views.merged_into("k2", as_of=merged - 1) == []
        assert views.reference("k9") is None

    # -- rebuilding and the past ----------------------------------------------

    def _story(self, story: Story) -> None:
        story.record("a", "1969", tags=("x",))
        story.record("b", "2001", actors=(Actor.parse("RUS"),))
        story.add("k1")
        story.add("k2")
        story.cite("a", "k1", "p. 1")
        story.claim("a/k1@p. 1", "when", parse_edtf("1969-03"))
        story(EventRevised(event_id="a", fields={"title": LocalizedText.of("Renamed")}, **_META))
        story.cite("b", "k2")
        story.claim("b/k2", "_casualties", 31)
        story.claim("b/k2", "actors", (Actor.parse("SUN:initiator"),))
        story(ClaimFollowed(event_id="b", claim_id="b/k2#_casualties", **_META))
        story(EventRetracted(event_id="b", **_META))
        story(ClaimRevised(claim=Claim("b/k2", "_casualties", 58), **_META))
        story(ReferenceMerged(key="k2", into="k1", **_META))
        story(ClaimWithdrawn(event_id="b", claim_id="b/k2#actors", **_META))
        story(CitationRemoved(event_id="a", citation_id="a/k1@p. 1", **_META))
        story(EventRestored(event_id="b", **_META))

    def test_as_of_every_seq_answers_as_views_built_from_that_prefix(self, story: Story) -> None:
        self._story(story)
        for seq in range(len(story.records) + 1):
            fresh = self.make_views()
            fresh.rebuild(story.records[:seq])
            assert answers(story.views, as_of=seq) == answers(fresh), seq
        assert answers(story.views) == answers(story.views, as_of=len(story.records))

    def test_rebuild_and_catch_up_equal_the_views_applied_one_by_one(self, story: Story) -> None:
        self._story(story)
        counts: list[int] = []
        rebuilt = self.make_views()
        assert rebuilt.rebuild(story.records, counts.append) == len(story.records)
        assert counts[-1] == len(story.records)
        assert answers(rebuilt) == answers(story.views)
        assert rebuilt.checkpoint() == story.records[-1].seq
        stepwise = self.make_views()
        stepwise.rebuild(story.records[:11])
        assert stepwise.checkpoint() == 11
        assert stepwise.catch_up(story.records[11:])
        assert answers(stepwise) == answers(story.views)
        assert story.views.differences(story.records) == ()

    def test_the_replica_answers_as_the_views(self, story: Story) -> None:
        self._story(story)
        replica = story.views.replica(story.records)
        assert answers(replica) == answers(story.views)
        assert replica.checkpoint() == story.views.checkpoint()

    def test_differences_name_what_a_replay_does_not_hold(self, story: Story) -> None:
        self._story(story)
        assert story.views.differences(story.records[:-1]) != ()
        assert story.views.damage() == ""
