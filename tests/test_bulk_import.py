"""The bulk import path: the same records and views as the commands made one by one."""

from __future__ import annotations

import gc
import sqlite3
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from citations import Reference
from timeline import PossibleDuplicateEvent, Timeline
from timeline.dates import parse_edtf
from timeline.domain import Citation, Event
from timeline.errors import ImportFailed, InvalidChange, UnknownEvent, UnknownReference
from timeline.importing import ImportPlan, Revision, read_import
from timeline.views import SQLiteViews


def _book(key: str) -> Reference:
    return Reference(key, "book", {"title": f"Book {key}"})


def _event(event_id: str, when: str = "1969-03-02", title: str = "Clash") -> Event:
    return Event(id=event_id, when=parse_edtf(when), title={"en": title}, tags=("t",))


def _before(tl: Timeline) -> None:
    """What the journal holds before the import: a reference, an event like one imported."""
    tl.add_reference(_book("old"))
    tl.add_event(_event("old-clash"))
    tl.retract("old-clash", reason="duplicate")


PLAN = ImportPlan(
    events=(_event("a"), _event("b", "2001", "Treaty"), _event("c", "1969-03-02", "clash")),
    citations=(
        Citation("a", "old", locator="p. 1"),
        Citation("b", "new"),
        Citation("old-clash", "new", supports=("when",)),
    ),
    revisions=(
        Revision("b", (("importance", 3),), "sure"),
        Revision("b", (("importance", 3),), "again: nothing changes"),
        Revision("a", (("when", "1969-03-03"),), "a day later", author="editor"),
    ),
    source="plan.toml",
    references=(_book("new"),),
)


def _records(tl: Timeline) -> list[tuple[Any, ...]]:
    return [(r.seq, r.stream, r.version, r.kind, r.payload) for r in tl.records()]


def _one_by_one(tl: Timeline, plan: ImportPlan) -> None:
    """The commands an import stands for, in its order, with its reasons: each event
    followed by the citations of it that come next, then the citations left."""

    def cite(n: int) -> None:
        c, reason = plan.citations[n], f"imported from {plan.origin('citations', n)}"
        tl.cite(c.event_id, c.key, locator=c.locator, supports=c.supports, reason=reason)

    for n, reference in enumerate(plan.references):
        tl.add_reference(reference, reason=f"imported from {plan.origin('references', n)}")
    cited = 0
    for n, event in enumerate(plan.events):
        tl.add_event(event, reason=f"imported from {plan.origin('events', n)}")
        while cited < len(plan.citations) and plan.citations[cited].event_id == event.id:
            cite(cited)
            cited += 1
    for n in range(cited, len(plan.citations)):
        cite(n)
    for n, r in enumerate(plan.revisions):
        reason = f"{r.reason} (imported from {plan.origin('revisions', n)})"
        tl.revise(r.event_id, reason=reason, author=r.author or None, **dict(r.fields))


def test_an_import_writes_what_the_commands_one_by_one_write() -> None:
    """Records (streams, versions, payloads) and every view row are the same."""
    with (
        Timeline.open(":memory:", author="me") as bulk,
        Timeline.open(":memory:", author="me") as single,
    ):
        for tl in (bulk, single):
            _before(tl)
        with pytest.warns(PossibleDuplicateEvent) as bulk_warnings:
            bulk.import_plan(PLAN)
        with pytest.warns(PossibleDuplicateEvent) as single_warnings:
            _one_by_one(single, PLAN)
        assert _records(bulk) == _records(single)
        assert _snapshot(bulk) == _snapshot(single)
        assert [str(w.message) for w in bulk_warnings] == [
            f"plan.toml: {w.message}" for w in single_warnings
        ]
        assert "of 'a', 'old-clash' (retracted);" in str(bulk_warnings[-1].message)


def _snapshot(tl: Timeline) -> list[Any]:
    return list(SQLiteViews(tl.journal.connection).snapshot())


@pytest.mark.parametrize(
    ("change", "error", "where"),
    [
        (lambda p: {"citations": (*p.citations, Citation("zz", "new"))}, UnknownEvent, "zz"),
        (lambda p: {"citations": (*p.citations, Citation("a", "nope"))}, UnknownReference, "nope"),
        (
            lambda p: {"citations": (*p.citations, Citation("a", "old", locator="p. 1"))},
            InvalidChange,
            "already cites",
        ),
        (lambda p: {"revisions": (Revision("a", (("colour", 1),), "x"),)}, InvalidChange, "colour"),
        (lambda p: {"revisions": (Revision("q", (("importance", 1),), "x"),)}, UnknownEvent, "'q'"),
    ],
)
def test_a_refused_item_writes_nothing_and_names_itself(
    change: Callable[[ImportPlan], dict[str, Any]], error: type[Exception], where: str
) -> None:
    plan = ImportPlan(
        **{
            "events": PLAN.events,
            "citations": PLAN.citations,
            "revisions": PLAN.revisions,
            "source": "plan.toml",
            "references": PLAN.references,
            **change(PLAN),
        }
    )
    with Timeline.open(":memory:", author="me") as tl:
        _before(tl)
        before = (_records(tl), _snapshot(tl))
        with warnings.catch_warnings(), pytest.raises(error, match=where) as caught:
            warnings.simplefilter("ignore")
            tl.import_plan(plan)
        assert gc.isenabled()  # the collector paused for the import runs again
        assert str(caught.value).startswith("plan.toml") and "nothing was imported" in str(
            caught.value
        )
        assert (_records(tl), _snapshot(tl)) == before


def test_an_import_runs_queries_independent_of_its_size() -> None:
    """The plan is checked with one query per table and written with one multi-stream
    append and one batch of view rows per table: the queries do not grow with it (one
    by one, each change read the journal head and its stream version)."""
    counts = []
    for n in (4, 40):
        events = tuple(_event(f"e{k}", f"{1900 + k}", f"Event {k}") for k in range(n))
        citations = tuple(Citation(f"e{k}", "new") for k in range(n))
        plan = ImportPlan(events, citations, (), "p", references=(_book("new"),))
        with Timeline.open(":memory:", author="me") as tl:
            seen: list[str] = []
            conn: sqlite3.Connection = tl.journal.connection
            conn.set_trace_callback(seen.append)
            tl.import_plan(plan)
            conn.set_trace_callback(None)
            counts.append(sum(statement.startswith("SELECT") for statement in seen))
    assert counts[0] == counts[1]


def test_an_import_opens_no_savepoint(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each chunk's append joins the import's transaction: a savepoint per chunk had
    SQLite copy every page it touched to a temporary sub-journal first (at 100k events,
    a sixth of the bytes the import wrote)."""
    import timeline.application

    monkeypatch.setattr(timeline.application, "_CHUNK", 2)
    events = tuple(_event(f"e{k}", f"{1900 + k}", f"Event {k}") for k in range(9))
    with Timeline.open(":memory:", author="me") as tl:
        seen: list[str] = []
        conn: sqlite3.Connection = tl.journal.connection
        conn.set_trace_callback(seen.append)
        tl.import_plan(ImportPlan(events, (), (), "p"))
        conn.set_trace_callback(None)
        assert tl.journal.head().seq >= 9
    assert [s for s in seen if s.startswith(("BEGIN", "COMMIT"))] == ["BEGIN IMMEDIATE", "COMMIT"]
    assert not [s for s in seen if "SAVEPOINT" in s]


def test_an_import_and_a_rebuild_pause_the_garbage_collector_until_they_end() -> None:
    """Bulk work runs without the cyclic collector's full passes (they took a third of an
    import's CPU time); it runs again afterwards, and stays off if the caller paused it."""
    seen: list[bool] = []
    events = tuple(_event(f"e{k}", f"{1900 + k}", f"Event {k}") for k in range(100))
    plan = ImportPlan(events, (), (), "p")
    with Timeline.open(":memory:", author="me") as tl:
        tl.import_plan(plan, progress=lambda _done: seen.append(gc.isenabled()))
        assert seen[0] is False and gc.isenabled()  # the last count comes after the import
        seen.clear()
        tl.rebuild(progress=lambda _done: seen.append(gc.isenabled()))
        assert seen and not any(seen) and gc.isenabled()
        gc.disable()
        try:
            tl.rebuild()
            assert not gc.isenabled()
        finally:
            gc.enable()


def test_reading_files_that_fail_leaves_the_garbage_collector_running(tmp_path: Path) -> None:
    """read_import pauses the collector while it reads (it makes as many values as an
    import) and restores it when a file is refused."""
    (tmp_path / "events.jsonl").write_text("", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("", encoding="utf-8")
    with pytest.raises(ImportFailed, match=r"notes\.txt"):
        read_import([tmp_path / "events.jsonl", tmp_path / "notes.txt"])
    assert gc.isenabled()


def test_an_import_written_chunk_by_chunk_as_planned_is_still_all_or_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Chunks of two changes: the changes are written as planned, so a refusal at the
    plan's last item comes after several chunks were written, and takes them all back;
    a good plan writes what one chunk writes."""
    import timeline.application

    bad = ImportPlan(
        events=PLAN.events,
        citations=PLAN.citations,
        revisions=(*PLAN.revisions, Revision("q", (("importance", 1),), "x")),
        source="plan.toml",
        references=PLAN.references,
    )
    whole = []
    for chunk in (timeline.application._CHUNK, 2):
        monkeypatch.setattr(timeline.application, "_CHUNK", chunk)
        with Timeline.open(":memory:", author="me") as tl:
            _before(tl)
            before = (_records(tl), _snapshot(tl))
            with warnings.catch_warnings(), pytest.raises(UnknownEvent, match="'q'"):
                warnings.simplefilter("ignore")
                tl.import_plan(bad)
            assert (_records(tl), _snapshot(tl)) == before
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                summary = tl.import_plan(PLAN)
            assert summary.records == len(_records(tl)) - len(before[0]) > 2
            whole.append(([(r.stream, r.kind, r.payload) for r in tl.records()], _snapshot(tl)))
    assert whole[0] == whole[1]
