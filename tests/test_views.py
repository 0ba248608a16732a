"""The views contract, run against both adapters."""

from __future__ import annotations

import gzip
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from citations import Reference
from timeline.application import Timeline
from timeline.dates import parse_edtf
from timeline.domain import Event, EventRecorded, decode, encode
from timeline.journal import Record
from timeline.testing.views import Story, ViewsContract
from timeline.views import EventQuery, MemoryViews, SQLiteViews, Views, _sqlite

DATA = Path(__file__).parent / "data" / "journals"


class TestSQLiteViews(ViewsContract):
    def make_views(self) -> Views:
        views = SQLiteViews(sqlite3.connect(":memory:", isolation_level=None))
        views.rebuild([])
        return views


class TestMemoryViews(ViewsContract):
    def make_views(self) -> Views:
        return MemoryViews()


def test_a_rebuild_across_batches_equals_one_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows that later batches end (revisions, merges, removed citations) close properly."""
    story = Story(SQLiteViews.in_memory())
    ViewsContract()._story(story)
    whole = list(story.views.snapshot())  # type: ignore[attr-defined]
    monkeypatch.setattr(_sqlite, "_CHUNK", 2)
    rebuilt = SQLiteViews.in_memory(story.records)
    assert list(rebuilt.snapshot()) == whole


def test_a_failed_batch_inside_the_callers_transaction_undoes_only_itself() -> None:
    """The savepoint is the batch's own: the caller's transaction stays open and keeps
    the batches applied before it."""
    story = Story(SQLiteViews.in_memory())
    seq = story.record("a")
    conn = story.views._conn  # type: ignore[attr-defined]
    good, bad = (_appended(story, event_id) for event_id in ("b", "c"))
    conn.execute("BEGIN")
    story.views.apply([(good, decode(good))])
    before = list(story.views.snapshot())  # type: ignore[attr-defined]
    with pytest.raises(sqlite3.IntegrityError):
        story.views.apply([(bad, decode(bad)), (bad, decode(bad))])
    assert conn.in_transaction
    assert list(story.views.snapshot()) == before  # type: ignore[attr-defined]
    conn.execute("COMMIT")
    assert [view.event.id for view in story.views.events(EventQuery())] == ["a", "b"]
    assert story.views.checkpoint() == good.seq == seq + 1


def test_a_rebuild_creates_the_indexes_it_left_for_after_the_load() -> None:
    """The indexes deferred while loading exist after a rebuild, as new views create them;
    and the versions it closed at once end where the next begins (merges, revisions)."""
    story = Story(SQLiteViews.in_memory())
    ViewsContract()._story(story)
    rebuilt = SQLiteViews.in_memory(story.records)
    objects = "SELECT type, name, sql FROM sqlite_master ORDER BY name"
    fresh = sqlite3.connect(":memory:")
    SQLiteViews(fresh).rebuild([])
    assert rebuilt.connection.execute(objects).fetchall() == fresh.execute(objects).fetchall()
    assert list(rebuilt.snapshot()) == list(story.views.snapshot())  # type: ignore[attr-defined]


def test_a_batch_failing_in_an_appends_callback_is_undone_with_the_append(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In the journal's then callback the views write without a savepoint of their own: a
    batch failing once all its rows are written is undone with the append, alone or inside
    a caller's transaction, which goes on and commits the rest."""
    written = _sqlite._Tables.write

    def write_then_fail(self: Any, *args: Any) -> None:
        written(self, *args)
        raise RuntimeError("after the rows")

    with Timeline.open(tmp_path / "j.timeline", author="test") as tl:
        tl.add_event(id="e1", when="1900", title="Event", tags=["t"])

        def answers() -> tuple[Any, ...]:
            return (tl.head(), tl.events(include_retracted=True), tl.as_of(1).events())

        before = answers()
        monkeypatch.setattr(_sqlite._Tables, "write", write_then_fail)
        with pytest.raises(RuntimeError, match="after the rows"):
            tl.revise("e1", when="1950", reason="later")
        assert answers() == before
        with tl.transaction():
            monkeypatch.undo()
            tl.add_event(id="e2", when="1901", title="Other")
            kept = answers()
            monkeypatch.setattr(_sqlite._Tables, "write", write_then_fail)
            with pytest.raises(RuntimeError, match="after the rows"):
                tl.retract("e1", reason="gone")
            assert answers() == kept
            monkeypatch.undo()
        assert answers() == kept and [e.id for e in tl.events()] == ["e1", "e2"]
        assert tl.verify().ok


def test_a_rebuild_that_fails_part_way_leaves_the_views_as_they_were(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rebuild in the journal's transaction (no savepoint of its own) that fails part way,
    its tables dropped and half loaded, is undone with that transaction; one outside a
    transaction is undone by its own savepoint. The views answer as before either way."""

    def fail_at(last: int) -> None:
        def read(record: Record) -> object:
            if record.seq == last:
                raise RuntimeError("stop")
            return decode(record)

        monkeypatch.setattr(_sqlite, "decode", read)

    with Timeline.open(tmp_path / "j.timeline", author="test") as tl:
        tl.add_reference(Reference("k1", "book", {"title": "A"}))
        for n in range(3):
            tl.add_event(id=f"e{n}", when=f"{1900 + n}", title=f"Event {n}", tags=["t"])
            tl.cite(f"e{n}", "k1", locator=f"p. {n}")
        tl.revise("e1", when="1950", reason="later")
        before = (tl.events(tags=["t"]), tl.chronology().entries, tl.as_of(3).events())
        fail_at(tl.head().seq)
        with pytest.raises(RuntimeError, match="stop"):
            tl.rebuild()
        assert (tl.events(tags=["t"]), tl.chronology().entries, tl.as_of(3).events()) == before
        monkeypatch.undo()
        assert tl.verify().ok
    story = Story(SQLiteViews.in_memory())
    ViewsContract()._story(story)
    kept = list(story.views.snapshot())  # type: ignore[attr-defined]
    fail_at(story.records[-1].seq)
    with pytest.raises(RuntimeError, match="stop"):
        story.views.rebuild(story.records)
    assert list(story.views.snapshot()) == kept  # type: ignore[attr-defined]


def _appended(story: Story, event_id: str) -> Record:
    """The record of a new event appended to the story's journal, not yet applied."""
    event = Event(id=event_id, when=parse_edtf("1970"), title={"en": event_id})
    change = EventRecorded(event=event, author="test", reason="test")
    (record,) = story.journal.append(change.stream, [encode(change)])
    return record


def _statements(conn: sqlite3.Connection, run: Callable[[], object]) -> int:
    seen: list[str] = []
    conn.set_trace_callback(seen.append)
    try:
        run()
    finally:
        conn.set_trace_callback(None)
    return len(seen)


def _timeline(events: int) -> Timeline:
    tl = Timeline.open(":memory:", author="test")
    tl.add_reference(Reference("k1", "book", {"title": "A"}))
    tl.add_reference(Reference("k2", "book", {"title": "B"}))
    tl.merge_references("k2", "k1", reason="same")
    for n in range(events):
        tl.add_event(id=f"e{n}", when=f"{1900 + n}", title=f"Event {n}", tags=["t"])
        tl.cite(f"e{n}", "k2" if n % 2 else "k1", locator=f"p. {n}")
    return tl


def test_a_chronology_and_an_as_of_query_take_statements_independent_of_n() -> None:
    """N+1 no more: a chronology of 5 or 40 events (with citations of a merged reference)
    runs the same statements, and as_of answers from the views without replaying."""
    counts = []
    for n in (5, 40):
        with _timeline(n) as tl:
            conn = tl.journal.connection
            chronology = _statements(conn, lambda tl=tl: tl.chronology(tags=["t"]))
            past = _statements(conn, lambda tl=tl, n=n: tl.as_of(n).events(tags=["t"]))
            counts.append((chronology, past))
            assert [e.citations[0].key for e in tl.chronology().entries] == ["k1"] * n
            # seq 1-3 are the references, then each event is recorded and cited
            assert len(tl.as_of(2 * n).events(tags=["t"])) == n - 1
    assert counts[0] == counts[1]


def test_views_of_an_older_layout_are_rebuilt_and_the_records_kept(tmp_path: Path) -> None:
    """A file written by the code of READ_MODEL_SCHEMA 2 (events with a `data` column) opens,
    its views are rebuilt in the new layout, its records are untouched, and it verifies."""
    path = tmp_path / "old.timeline"
    path.write_bytes(gzip.decompress((DATA / "views-schema-2.timeline.gz").read_bytes()))
    with Timeline.open(path, read_only=True) as tl:
        assert tl.verify().ok
        shown = (tl.events(include_retracted=True), tl.references(include_merged=True))
        records = list(tl.records())
    with Timeline.open(path) as tl:
        assert SQLiteViews(tl.journal.connection).checkpoint() == tl.head().seq == 10
        assert list(tl.records()) == records
        assert (tl.events(include_retracted=True), tl.references(include_merged=True)) == shown
        assert tl.is_retracted(shown[0][2].id)
        assert tl.verify().ok


def test_views_of_layout_4_become_without_rowid_tables(tmp_path: Path) -> None:
    """A file written by the code of READ_MODEL_SCHEMA 4 (rowid tables, their primary keys'
    indexes) opens and verifies read-only; opened for writing its views are rebuilt as
    WITHOUT ROWID tables, with the same answers, its records untouched."""
    path = tmp_path / "old.timeline"
    path.write_bytes(gzip.decompress((DATA / "views-schema-4.timeline.gz").read_bytes()))
    with Timeline.open(path, read_only=True) as tl:
        assert tl.verify().ok
        shown = (
            tl.events(include_retracted=True),
            tl.references(include_merged=True),
            tl.as_of(6).events(),
        )
        records = list(tl.records())
    assert [event.id for event in shown[0]] == ["visit-1957", "clash-1969", "treaty-2001"]
    with Timeline.open(path) as tl:
        conn = tl.journal.connection
        assert SQLiteViews(conn).checkpoint() == tl.head().seq == 10
        tables = (
            "SELECT name FROM sqlite_master WHERE sql LIKE '%WITHOUT ROWID' "
            "AND name NOT LIKE 'event_text_%'"  # FTS5's own
        )
        assert {name for (name,) in conn.execute(tables)} == {
            "events",
            "event_actors",
            "event_tags",
            "citations",
        }
        assert not conn.execute(
            "SELECT name FROM sqlite_master WHERE name LIKE 'sqlite_autoindex_event%'"
        ).fetchall()
        assert list(tl.records()) == records
        assert (
            tl.events(include_retracted=True),
            tl.references(include_merged=True),
            tl.as_of(6).events(),
        ) == shown
        assert tl.is_retracted("visit-1957")
        assert tl.verify().ok


def _event_runs(conn: sqlite3.Connection) -> list[tuple[Any, ...]]:
    """The ``events`` rows as ``id, first_version, version, valid_from, valid_to``."""
    return conn.execute(
        "SELECT id, first_version, version, valid_from, valid_to FROM events "
        "ORDER BY id, valid_from"
    ).fetchall()


def test_views_of_layout_5_are_rebuilt_with_runs_of_versions(tmp_path: Path) -> None:
    """A file written by the code of READ_MODEL_SCHEMA 5 (an ``events`` row per version)
    opens and verifies read-only; opened for writing, its views are rebuilt with a row per
    run of versions, and answer as before at every seq, its records untouched."""
    path = tmp_path / "old.timeline"
    path.write_bytes(gzip.decompress((DATA / "views-schema-5.timeline.gz").read_bytes()))

    def answers(tl: Timeline) -> list[Any]:
        return [tl.as_of(seq).events(include_retracted=True) for seq in range(1, tl.head().seq + 1)]

    with Timeline.open(path, read_only=True) as tl:
        assert tl.verify().ok
        shown = answers(tl)
        records = list(tl.records())
    with Timeline.open(path) as tl:
        conn = tl.journal.connection
        assert SQLiteViews(conn).checkpoint() == tl.head().seq == 13
        assert list(tl.records()) == records
        assert answers(tl) == shown
        rows = _event_runs(conn)
        assert rows == [
            # recorded at seq 7, cited at 8; revised at 9, cited at 10
            ("clash-1969", 1, 2, 7, 9),
            ("clash-1969", 3, 4, 9, _sqlite.OPEN),
            # recorded at seq 4, cited at 5 and 6; a citation removed at 11, retracted at 13
            ("visit-1957", 1, 3, 4, 11),
            ("visit-1957", 4, 4, 11, 13),
            ("visit-1957", 5, 5, 13, _sqlite.OPEN),
        ]
        assert tl.verify().ok


def test_a_run_of_versions_is_the_same_row_however_its_records_were_written(
    tmp_path: Path,
) -> None:
    """Citations appended one command at a time right after their event extend its row
    (an UPDATE of the row an earlier append wrote), as a rebuild's one batch does: the
    stored rows are those of a replay, and every seq answers as the journal says."""
    with Timeline.open(tmp_path / "t.timeline", author="test") as tl:
        tl.add_reference(Reference("smith1999", "book", {"title": "A book", "date": "2000"}))
        tl.add_event(id="a", when="1991-12-26", title="Dissolution")
        tl.cite("a", "smith1999", locator="p. 1")
        tl.cite("a", "smith1999", locator="p. 2")
        tl.add_event(id="b", when="1992", title="Other")
        tl.cite("a", "smith1999", locator="p. 3")
        rows = _event_runs(tl.journal.connection)
        assert rows == [
            ("a", 1, 3, 2, 6),
            ("a", 4, 4, 6, _sqlite.OPEN),
            ("b", 1, 1, 5, _sqlite.OPEN),
        ]
        views = SQLiteViews(tl.journal.connection)
        versions = [views.event("a", as_of=seq).version for seq in range(2, 7)]  # type: ignore[union-attr]
        assert versions == [1, 2, 3, 3, 4]
        assert tl.verify().ok


def test_the_read_model_page_queries_run_on_a_timeline(tmp_path: Path) -> None:
    """docs/reference/read-models.md's SQL runs and finds what it says."""
    page = Path(__file__).parent.parent / "docs" / "reference" / "read-models.md"
    blocks = re.findall(r"```sql\n(.*?)```", page.read_text(encoding="utf-8"), re.S)
    with Timeline.open(tmp_path / "t.timeline", author="test") as tl:
        tl.add_event(id="a", when="1991-12-26", title="Dissolution", actors=["SUN"])
        tl.add_event(id="b", when="1969", title="Clash", actors=["SUN"])
        conn = tl.journal.connection
        now, past = (conn.execute(block).fetchall() for block in blocks)
    assert now == [("b", "1969"), ("a", "1991-12-26")]
    assert past == [("a",)]
