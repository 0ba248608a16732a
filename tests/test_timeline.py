"""The Timeline application: commands, refusals, queries, history and as-of views."""

from __future__ import annotations

import io
import pickle
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import attrs
import pytest

from citations import Contributor, Reference
from timeline.application import Timeline
from timeline.chronology import ChronologyEntry, StreamedEntries, cites_any
from timeline.dates import parse_edtf
from timeline.documents import (
    render_html,
    render_latex,
    render_markdown,
    write_html,
    write_latex,
    write_markdown,
)
from timeline.domain import REGISTRY, Event, EventRecorded, encode
from timeline.errors import (
    CorruptJournal,
    DuplicateEvent,
    DuplicateReference,
    InvalidChange,
    MissingDocumentDate,
    PossibleDuplicateEvent,
    ReadOnlyTimeline,
    UnknownCitation,
    UnknownEvent,
    UnknownReference,
)
from timeline.journal import Draft, SQLiteJournal
from timeline.views import SQLiteViews


def _book(
    key: str = "lukin2018pivot", title: str = "China and Russia: The New Rapprochement"
) -> Reference:
    return Reference(
        key,
        "book",
        {"title": title, "date": "2018", "publisher": "Polity"},
        [Contributor(family="Lukin", given="Alexander")],
        language="en",
    )


@pytest.fixture
def tl() -> Iterator[Timeline]:
    timeline = Timeline.open(":memory:", author="tester")
    yield timeline
    timeline.close()


def _seed(tl: Timeline) -> None:
    tl.add_reference(_book())
    tl.add_event(
        id="1969-zhenbao",
        when="1969-03-02",
        title={"en": "Zhenbao Island clash", "zh": "珍宝岛事件"},
        lang="en",
        category="conflict",
        actors=["CHN:party", "SUN:party"],
        tags=["border"],
        importance=3,
    )
    tl.add_event(
        id="2001-treaty",
        when="2001-07-16",
        title={"en": "Treaty of Good-Neighbourliness signed", "zh": "中俄睦邻友好合作条约签署"},
        category="treaty",
        actors=["CHN:signatory", "RUS:signatory"],
        tags=["treaty"],
        importance=3,
    )
    tl.add_event(id="1969", when="1969", title="A year of border tension", category="other")
    tl.cite("1969-zhenbao", "lukin2018pivot", locator="p. 104", supports=["when"])


def _tables(conn: sqlite3.Connection) -> list[tuple[str, list[tuple[object, ...]]]]:
    return list(SQLiteViews(conn).snapshot())


def test_events_come_in_historical_order(tl: Timeline) -> None:
    """A year heads its year, the day follows, later events after."""
    _seed(tl)
    assert [e.id for e in tl.events()] == ["1969", "1969-zhenbao", "2001-treaty"]


def test_filters_by_actor_kind_tag_importance_and_dates(tl: Timeline) -> None:
    """Each filter keeps only matching events."""
    _seed(tl)
    assert [e.id for e in tl.events(actors=["SUN"])] == ["1969-zhenbao"]
    assert [e.id for e in tl.events(categories=["treaty"])] == ["2001-treaty"]
    assert [e.id for e in tl.events(tags=["border"])] == ["1969-zhenbao"]
    assert [e.id for e in tl.events(importance=3)] == ["1969-zhenbao", "2001-treaty"]
    assert [e.id for e in tl.events(between="1990/2010")] == ["2001-treaty"]
    assert [e.id for e in tl.events(between=("1969-03", None))] == [
        "1969",
        "1969-zhenbao",
        "2001-treaty",
    ]
    assert [e.id for e in tl.events(between=(None, "1969-02"))] == ["1969"]


def test_full_text_search_in_chinese_and_english(tl: Timeline) -> None:
    """Titles are searchable in every language, short CJK queries included."""
    _seed(tl)
    assert [e.id for e in tl.events(text="睦邻友好")] == ["2001-treaty"]
    assert [e.id for e in tl.events(text="珍宝")] == ["1969-zhenbao"]
    assert [e.id for e in tl.events(text="zhenbao")] == ["1969-zhenbao"]
    assert tl.events(text="zhenbao", lang="zh") == []


def test_refusals_name_the_id_and_write_nothing(tl: Timeline) -> None:
    """Unknown ids, duplicates and bad citations raise typed errors and change nothing."""
    _seed(tl)
    before_head = tl.head()
    before_tables = _tables(tl.journal.connection)
    with pytest.raises(DuplicateEvent, match="2001-treaty"):
        tl.add_event(id="2001-treaty", when="2001", title="again")
    with pytest.raises(UnknownEvent, match="no-such"):
        tl.revise("no-such", title="x", reason="r")
    with pytest.raises(UnknownReference, match="nokey"):
        tl.cite("2001-treaty", "nokey")
    with pytest.raises(UnknownEvent, match="nowhere"):
        tl.cite("nowhere", "lukin2018pivot")
    with pytest.raises(DuplicateReference, match="lukin2018pivot"):
        tl.add_reference(_book())
    with pytest.raises(InvalidChange, match="already cites"):
        tl.cite("1969-zhenbao", "lukin2018pivot", locator="p. 104")
    with pytest.raises(UnknownCitation):
        tl.uncite("2001-treaty", "lukin2018pivot", reason="r")
    with pytest.raises(InvalidChange, match="cannot revise"):
        tl.revise("2001-treaty", colour="red", reason="r")
    assert tl.head() == before_head
    assert _tables(tl.journal.connection) == before_tables


def test_revise_records_only_changed_fields_and_history_shows_diffs(tl: Timeline) -> None:
    """A revision stores the changed fields with who and why; history shows old and new."""
    _seed(tl)
    tl.revise("2001-treaty", when="2001-07-16", importance=2, reason="minor", author="editor")
    history = tl.history("2001-treaty")
    assert [h.kind for h in history] == ["event.recorded", "event.revised"]
    last = history[-1]
    assert last.author == "editor" and last.reason == "minor"
    assert [(d.field, d.old, d.new) for d in last.diffs] == [("importance", 3, 2)]
    record = list(tl.journal.read_stream("event:2001-treaty"))[-1]
    assert set(record.payload["fields"]) == {"importance"}


def test_unchanged_revision_writes_nothing(tl: Timeline) -> None:
    """Revising to the current values appends no record."""
    _seed(tl)
    head = tl.head()
    tl.revise("2001-treaty", importance=3, reason="no-op")
    assert tl.head() == head


def test_retract_hides_but_keeps_and_restore_brings_back(tl: Timeline) -> None:
    """A retracted event leaves the listing, stays in history, and can be restored."""
    _seed(tl)
    tl.retract("1969", reason="too vague")
    assert "1969" not in [e.id for e in tl.events()]
    assert "1969" in [e.id for e in tl.events(include_retracted=True)]
    assert tl.is_retracted("1969")
    with pytest.raises(InvalidChange, match="already retracted"):
        tl.retract("1969", reason="again")
    tl.restore("1969", reason="kept after all")
    assert "1969" in [e.id for e in tl.events()]
    assert [h.kind for h in tl.history("1969")][-2:] == ["event.retracted", "event.restored"]


def test_sources_queries(tl: Timeline) -> None:
    """citations_of, events_citing and unsourced answer from the read models."""
    _seed(tl)
    assert [c.locator for c in tl.citations_of("1969-zhenbao")] == ["p. 104"]
    assert [e.id for e in tl.events_citing("lukin2018pivot")] == ["1969-zhenbao"]
    assert [e.id for e in tl.unsourced()] == ["1969", "2001-treaty"]


def test_merged_reference_citations_count_for_the_survivor(tl: Timeline) -> None:
    """After a merge, events citing the duplicate are found under the surviving key."""
    _seed(tl)
    tl.add_reference(_book("lukin2018china"))
    tl.cite("2001-treaty", "lukin2018china", locator="p. 12")
    tl.merge_references("lukin2018china", "lukin2018pivot", reason="same book")
    assert [e.id for e in tl.events_citing("lukin2018pivot")] == ["1969-zhenbao", "2001-treaty"]
    assert [r.key for r in tl.references()] == ["lukin2018pivot"]
    chronology = tl.chronology()
    assert [k for k, _ in chronology.references] == ["lukin2018pivot"]


def test_as_of_shows_the_past_and_is_read_only(tl: Timeline) -> None:
    """as_of(seq) shows exactly what was recorded up to seq and refuses writes."""
    _seed(tl)
    seq = tl.head().seq
    tl.revise("2001-treaty", title={"en": "Treaty signed in Moscow"}, reason="more precise")
    tl.retract("1969", reason="vague")
    past = tl.as_of(seq)
    assert past.event("2001-treaty").title.get("en") == "Treaty of Good-Neighbourliness signed"
    assert [e.id for e in past.events()] == ["1969", "1969-zhenbao", "2001-treaty"]
    assert past.head().seq == seq
    assert [h.kind for h in past.history("2001-treaty")] == ["event.recorded"]
    with pytest.raises(ReadOnlyTimeline):
        past.add_event(id="x", when="2000", title="x")
    assert tl.as_of(datetime(1990, 1, 1, tzinfo=UTC)).events() == []


def test_record_derives_ids_and_reads_date_phrases(tl: Timeline) -> None:
    """Without an id one is derived; a phrase date keeps its wording."""
    event = tl.add_event(when="2 March 1969", title={"en": "Zhenbao Island clash"})
    assert event.id.startswith("1969-03-02-zhenbao")
    assert event.when_text == "2 March 1969"
    with pytest.warns(PossibleDuplicateEvent):
        again = tl.add_event(when="1969-03-02", title={"en": "Zhenbao Island clash"})
    assert again.id == event.id + "-2"


def test_record_and_revise_take_the_old_style_policy_and_a_document_date(tl: Timeline) -> None:
    """``old_style`` and ``document_date`` reach the phrase reader; EDTF is never changed."""
    event = tl.add_event(
        when="25 October 1917", title="Storming of the Winter Palace", old_style=True
    )
    assert event.when == parse_edtf("1917-10-25", calendar="julian")
    assert event.when_text == "25 October 1917"
    revised = tl.revise(event.id, when="1917-11-07", old_style=True, reason="EDTF as given")
    assert revised.when == parse_edtf("1917-11-07")
    visit = tl.add_event(when="去年6月", title="访问", lang="zh", document_date="2020-05-01")
    assert visit.when == parse_edtf("2019-06")
    later = tl.revise(visit.id, when="last June", document_date="2021-01-10", reason="r")
    assert later.when == parse_edtf("2020-06")
    with pytest.raises(MissingDocumentDate, match="'last June'"):
        tl.add_event(when="last June", title="No anchor")


def test_reopening_a_file_keeps_everything(tmp_path: Path) -> None:
    """A timeline file reopened shows the same events and read models."""
    path = tmp_path / "t.timeline"
    with Timeline.open(path, author="a") as first:
        _seed(first)
        tables = _tables(first.journal.connection)
    with Timeline.open(path) as second:
        assert [e.id for e in second.events()] == ["1969", "1969-zhenbao", "2001-treaty"]
        assert _tables(second.journal.connection) == tables


def test_rebuild_equals_incremental(tl: Timeline) -> None:
    """Dropping and rebuilding the read models gives the same tables."""
    _seed(tl)
    tl.revise("2001-treaty", importance=1, reason="r")
    tl.retract("1969", reason="r")
    before = _tables(tl.journal.connection)
    seen: list[int] = []
    assert tl.rebuild(progress=seen.append) == tl.head().seq
    assert _tables(tl.journal.connection) == before
    assert seen[-1] == tl.head().seq


def test_read_models_catch_up_after_records_appended_behind_their_back(tmp_path: Path) -> None:
    """Records the read models have not seen (another tool, a crash) are applied on open."""
    path = tmp_path / "t.timeline"
    with Timeline.open(path, author="a") as first:
        _seed(first)
    event = Event(id="2022-statement", when=parse_edtf("2022-02-04"), title={"en": "Statement"})
    with SQLiteJournal.open(path, registry=REGISTRY) as raw:
        raw.append("event:2022-statement", [encode(EventRecorded(event=event))])
    with Timeline.open(path) as second:
        assert [e.id for e in second.events()][-1] == "2022-statement"
        caught_up = _tables(second.journal.connection)
        second.rebuild()
        assert _tables(second.journal.connection) == caught_up


def test_chronology_names_its_state_and_carries_citations(tl: Timeline) -> None:
    """A chronology holds entries in order, their citations and the head it came from."""
    _seed(tl)
    chronology = tl.chronology(categories=["conflict"])
    assert [entry.event.id for entry in chronology] == ["1969-zhenbao"]
    assert chronology.entries[0].citations[0].locator == "p. 104"
    assert chronology.state == tl.head()
    assert chronology.reference_map["lukin2018pivot"].title.startswith("China and Russia")


def test_a_chronology_reads_its_references_when_first_asked_as_of_its_state(
    tmp_path: Path,
) -> None:
    """The references of a chronology are decoded when first read (a Pandoc document does
    not read them): the ones it cites at its state, even once the journal was written
    after it and closed; it compares, hashes, pickles and renders as if read at once."""
    made = datetime(2026, 1, 2, tzinfo=UTC)
    with Timeline.open(tmp_path / "t.timeline", author="a") as tl:
        _seed(tl)
        tl.add_reference(_book("other2019"))
        tl.cite("2001-treaty", "other2019")
        tl.merge_references("other2019", into="lukin2018pivot", reason="duplicate")
        held = tl.reference("lukin2018pivot")
        chronology, twin, uncited = (
            tl.chronology(made_at=made),
            tl.chronology(made_at=made),
            tl.chronology(made_at=made, categories=["other"]),
        )
        pandoc = render_markdown(chronology)
        tl.amend_reference(_book(title="Another title"), reason="later")
        tl.add_reference(_book("third2020"))
        tl.merge_references("lukin2018pivot", into="third2020", reason="a third")
    assert cites_any(chronology) and not cites_any(uncited)
    assert chronology.references == (("lukin2018pivot", held),) and uncited.references == ()
    assert [c.key for entry in chronology for c in entry.citations] == ["lukin2018pivot"] * 2
    assert render_markdown(chronology) == pandoc and "[@lukin2018pivot]" in pandoc
    assert pickle.loads(pickle.dumps(twin)) == twin == chronology
    assert hash(twin) == hash(chronology) and repr(twin) == repr(chronology)


def test_a_streamed_chronology_is_the_chronology_read_as_of_its_state(tl: Timeline) -> None:
    """stream=True gives the same entries and references, read anew on each pass from the
    state it names: what is written after it is not in it."""
    _seed(tl)
    tl.add_reference(_book("other2019"))
    tl.cite("2001-treaty", "other2019")
    tl.merge_references("other2019", into="lukin2018pivot", reason="duplicate")
    made = datetime(2026, 1, 2, tzinfo=UTC)
    chronology = tl.chronology(made_at=made)
    streamed = tl.chronology(made_at=made, stream=True)
    assert tuple(streamed.entries) == chronology.entries
    assert (tuple(streamed.references), streamed.state) == (chronology.references, chronology.state)
    assert len(streamed.references) == len(chronology.references) == 1
    lookup = streamed.lookup()
    assert lookup("lukin2018pivot") == chronology.reference_map["lukin2018pivot"]
    assert lookup("other2019") is None and lookup("nowhere") is None
    tl.add_event(id="2022-statement", when="2022-02-04", title="Statement")
    tl.retract("1969", reason="a year is not an event")
    assert tuple(streamed.entries) == chronology.entries
    assert len(streamed) == 3 and streamed.entries[-1] == chronology.entries[-1]
    out = io.StringIO()
    assert write_markdown(streamed, out) == 3
    assert out.getvalue() == render_markdown(chronology)
    page = io.StringIO()
    assert write_html(streamed, page) == 3
    assert page.getvalue() == render_html(chronology)
    document = io.StringIO()
    assert write_latex(streamed, document) == 3
    assert document.getvalue() == render_latex(chronology)


def test_a_streamed_page_reads_the_entries_once(tl: Timeline) -> None:
    """write_html and write_latex go through a streamed chronology's entries once: the
    title languages and whether any is retracted come from its tally."""
    _seed(tl)
    tl.retract("1969", reason="a year is not an event")
    made = datetime(2026, 1, 2, tzinfo=UTC)
    chronology = tl.chronology(made_at=made, include_retracted=True)
    streamed = tl.chronology(made_at=made, include_retracted=True, stream=True)
    assert isinstance(streamed.entries, StreamedEntries)
    passes: list[int] = []

    def read() -> Iterator[ChronologyEntry]:
        passes.append(1)
        return iter(streamed.entries)

    counted = attrs.evolve(streamed, entries=StreamedEntries(read, streamed.entries.tally))
    assert counted.tally() == chronology.tally() == (("en", "zh"), True)
    page, document = io.StringIO(), io.StringIO()
    assert write_html(counted, page) == write_latex(counted, document) == 3
    assert passes == [1, 1]
    assert page.getvalue() == render_html(chronology)
    assert document.getvalue() == render_latex(chronology)


def test_load_of_a_dump_that_verifies_but_does_not_decode_writes_nothing(tmp_path: Path) -> None:
    """A dump with a sound hash chain but a payload no change decodes from leaves the file empty."""
    with SQLiteJournal.open(":memory:", registry=REGISTRY) as raw:
        raw.append("event:x", [Draft("event.recorded", {"event": {"id": "x"}})])
        dump = io.StringIO()
        raw.dump(dump)
    path = tmp_path / "t.timeline"
    with pytest.raises(CorruptJournal, match="seq 1"):
        Timeline.load(io.StringIO(dump.getvalue()), path)
    with SQLiteJournal.open(path, registry=REGISTRY) as journal:
        assert journal.head().seq == 0
