"""The journal contract: tests written once, run for every journal backend.

Subclass :class:`JournalContract` and implement :meth:`open_journal`; pytest
collects the subclass (named ``Test...``) and runs every test against it.
"""

from __future__ import annotations

import io
import json
import sqlite3
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from timeline.errors import (
    AppendOnlyViolation,
    DumpFormatError,
    JournalError,
    JournalUsageError,
    RecordIdConflict,
    SchemaTooNew,
    UnknownRecordKind,
    VersionConflict,
)
from timeline.journal import (
    ANY,
    GENESIS_HASH,
    NO_STREAM,
    Draft,
    Journal,
    KindRegistry,
    canonical_json,
)
from timeline.journal._records import record_bytes

Factory = Callable[..., Journal]
START = datetime(2024, 1, 1, tzinfo=UTC)


class StepClock:
    """A clock that moves one second on every reading."""

    def __init__(self, start: datetime = START) -> None:
        self.now = start

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


def draft(kind: str = "note.added", **payload: Any) -> Draft:
    return Draft(kind, payload or {"text": "x"})


class JournalContract:
    """Behaviour every journal must have, whatever stores it."""

    def open_journal(self, tmp_path: Path, name: str, **options: Any) -> Journal:
        raise NotImplementedError

    @pytest.fixture
    def factory(self, tmp_path: Path) -> Iterator[Factory]:
        opened: list[Journal] = []

        def make(**options: Any) -> Journal:
            options.setdefault("clock", StepClock())
            journal = self.open_journal(tmp_path, f"j{len(opened)}.timeline", **options)
            opened.append(journal)
            return journal

        yield make
        for journal in opened:
            journal.close()

    @pytest.fixture
    def journal(self, factory: Factory) -> Journal:
        return factory()

    # -- appending --------------------------------------------------------------

    def test_append_assigns_seq_version_and_chain(self, journal: Journal) -> None:
        """Appends get gap-free seqs, per-stream versions, and each hash chains to the last."""
        first = journal.append("a", [draft(n=1), draft(n=2)])
        second = journal.append("b", [draft(n=3)])
        third = journal.append("a", [draft(n=4)])
        records = [*first, *second, *third]
        assert [r.seq for r in records] == [1, 2, 3, 4]
        assert [(r.stream, r.version) for r in records] == [("a", 1), ("a", 2), ("b", 1), ("a", 3)]
        assert list(journal.read()) == records
        assert journal.head().seq == 4 and journal.head().hash == records[-1].hash
        assert len({r.record_id for r in records}) == 4
        assert [r.record_id for r in records] == sorted(r.record_id for r in records)

    def test_hash_is_sha256_over_prefix_previous_and_canonical_bytes(
        self, journal: Journal
    ) -> None:
        """The documented hash definition holds for every stored record."""
        import hashlib

        records = [*journal.append("s", [draft(text="é 中"), draft(n=[1, 2.5, None])])]
        previous = GENESIS_HASH
        for record in records:
            canonical = record_bytes(record)
            assert json.loads(canonical) == {
                "kind": record.kind,
                "payload": record.payload,
                "record_id": record.record_id,
                "recorded_at": record.recorded_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                "schema": record.schema,
                "seq": record.seq,
                "stream": record.stream,
                "version": record.version,
            }
            assert canonical.decode() == canonical_json(json.loads(canonical))
            expected = hashlib.sha256(
                b"timeline-journal/record/v1\x00" + bytes.fromhex(previous) + canonical
            ).hexdigest()
            assert record.hash == expected
            previous = record.hash

    def test_empty_journal_head_and_verify(self, journal: Journal) -> None:
        """An empty journal has head (0, genesis) and verifies."""
        assert journal.head().seq == 0 and journal.head().hash == GENESIS_HASH
        report = journal.verify()
        assert report.ok and report.checked == 0 and report.first_bad_seq is None

    def test_expected_versions(self, journal: Journal) -> None:
        """NO_STREAM, exact numbers and ANY are honoured; stale ones raise VersionConflict."""
        journal.append("s", [draft()], expected_version=NO_STREAM)
        with pytest.raises(VersionConflict) as caught:
            journal.append("s", [draft()], expected_version=NO_STREAM)
        assert (caught.value.stream, caught.value.expected, caught.value.actual) == (
            "s",
            NO_STREAM,
            1,
        )
        journal.append("s", [draft()], expected_version=1)
        with pytest.raises(VersionConflict, match=r"stream 's': expected version 1.*version 2"):
            journal.append("s", [draft()], expected_version=1)
        journal.append("s", [draft()], expected_version=ANY)
        journal.append("t", [draft()], expected_version=0)
        assert journal.stream_version("s") == 3
        assert journal.stream_version("t") == 1
        assert journal.stream_version("nobody") == 0
        assert isinstance(caught.value, ValueError) and isinstance(caught.value, JournalError)

    def test_batch_is_all_or_nothing(self, journal: Journal) -> None:
        """A failing then callback leaves nothing written, not even earlier rows."""
        journal.append("s", [draft()])
        seen: list[int] = []

        def fail(records: Any) -> None:
            seen.extend(r.seq for r in records)
            assert journal.head().seq == 4  # the callback sees the records it is given
            raise RuntimeError("read model refused")

        with pytest.raises(RuntimeError, match="refused"):
            journal.append("s", [draft(), draft(), draft()], then=fail)
        assert seen == [2, 3, 4]
        assert journal.head().seq == 1 and journal.verify().ok
        assert [r.seq for r in journal.append("s", [draft()])] == [2]

    def test_then_writes_commit_with_the_records(self, journal: Journal) -> None:
        """Tables written by the then callback are committed together with the records."""
        conn = journal.connection
        conn.execute("CREATE TABLE seen (seq INTEGER)")

        def note(records: Any) -> None:
            conn.executemany("INSERT INTO seen VALUES (?)", [(r.seq,) for r in records])

        journal.append("s", [draft(), draft()], then=note)
        assert journal.connection.execute("SELECT seq FROM seen").fetchall() == [(1,), (2,)]

    def test_nested_write_transaction_rolls_back_as_one(self, journal: Journal) -> None:
        """Appends inside write_transaction() are undone when the block raises."""
        journal.append("s", [draft()])
        with pytest.raises(KeyError), journal.write_transaction():
            journal.append("s", [draft()])
            journal.append("t", [draft()])
            assert journal.head().seq == 3
            raise KeyError("abort")
        assert journal.head().seq == 1
        with journal.write_transaction():
            journal.append("t", [draft()])
        assert journal.head().seq == 2 and journal.verify().ok

    def test_idempotent_retry_returns_stored_records(self, journal: Journal) -> None:
        """Re-appending the same record ids with the same content writes nothing."""
        batch = [Draft("note.added", {"n": 1}, "id-1"), Draft("note.added", {"n": 2}, "id-2")]
        stored = journal.append("s", batch, expected_version=NO_STREAM)
        again = journal.append("s", batch, expected_version=NO_STREAM)
        assert again == stored
        assert journal.head().seq == 2

    def test_record_id_reused_for_other_content_is_refused(self, journal: Journal) -> None:
        """A known record_id with other content, or half a batch retried, is a conflict."""
        journal.append("s", [Draft("note.added", {"n": 1}, "id-1")])
        with pytest.raises(RecordIdConflict, match=r"'id-1' is stored at seq 1"):
            journal.append("s", [Draft("note.added", {"n": 9}, "id-1")])
        with pytest.raises(RecordIdConflict, match="whole batch"):
            journal.append(
                "s", [Draft("note.added", {"n": 1}, "id-1"), Draft("note.added", {}, "id-9")]
            )
        with pytest.raises(RecordIdConflict):
            journal.append("other", [Draft("note.added", {"n": 1}, "id-1")])
        assert journal.head().seq == 1

    def test_bad_drafts_are_refused_with_their_place(self, journal: Journal) -> None:
        """Non-JSON payloads, class-path kinds and empty streams raise JournalUsageError."""
        cases: list[tuple[str, list[Any], str]] = [
            ("s", [draft(), Draft("note.added", {"x": float("nan")})], "draft 1"),
            ("s", [Draft("note.added", {"x": object()})], "draft 0"),
            ("s", [Draft("timeline.changes:EventRecorded", {})], "kind"),
            ("s", [Draft("note.added", [1, 2])], "mapping"),  # type: ignore[arg-type]
            ("", [draft()], "stream"),
            ("s", [Draft("note.added", {}, "x"), Draft("note.added", {}, "x")], "repeats"),
        ]
        for stream, drafts, words in cases:
            with pytest.raises(JournalUsageError, match=words):
                journal.append(stream, drafts)
        with pytest.raises(JournalUsageError):
            journal.append("s", [draft()], expected_version=-1)
        assert journal.head().seq == 0

    def test_records_are_append_only(self, journal: Journal) -> None:
        """Triggers refuse UPDATE, DELETE and out-of-order inserts on records."""
        journal.append("s", [draft(), draft()])
        conn = journal.connection
        for sql in (
            "UPDATE records SET payload = '{}' WHERE seq = 1",
            "DELETE FROM records",
            "INSERT OR REPLACE INTO records SELECT * FROM records WHERE seq = 1",
        ):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                conn.execute(sql)
        with pytest.raises(AppendOnlyViolation), journal.write_transaction() as tx:
            tx.execute("DELETE FROM records WHERE seq = 2")
        assert journal.verify().ok and journal.head().seq == 2

    # -- reading -----------------------------------------------------------------

    def test_read_filters(self, journal: Journal) -> None:
        """read() honours after, upto, kinds and limit; read_stream() keeps version order."""
        for n in range(10):
            journal.append(f"s{n % 3}", [draft("note.added" if n % 2 else "note.removed", n=n)])
        assert [r.seq for r in journal.read(after=3, upto=7)] == [4, 5, 6, 7]
        assert [r.payload["n"] for r in journal.read(kinds=["note.removed"])] == [0, 2, 4, 6, 8]
        assert [r.seq for r in journal.read(after=2, limit=3)] == [3, 4, 5]
        assert [r.version for r in journal.read_stream("s1")] == [1, 2, 3]
        assert [r.seq for r in journal.read_stream("s1", upto=5)] == [2, 5]
        assert list(journal.read(kinds=[])) == []
        with pytest.raises(JournalUsageError):
            journal.read(kinds="note.added")
        with pytest.raises(JournalUsageError):
            journal.read(after=-1)

    def test_read_as_of_gives_the_log_as_it_stood(self, journal: Journal) -> None:
        """as_of and seq_at cut the log at the last record recorded by an instant."""
        stored = [journal.append("s", [draft(n=n)])[0] for n in range(5)]
        third = stored[2].recorded_at
        assert journal.seq_at(third) == 3
        assert journal.seq_at(third + timedelta(milliseconds=500)) == 3
        assert journal.seq_at(third - timedelta(microseconds=1)) == 2
        assert journal.seq_at(START) == 0
        assert [r.seq for r in journal.read(as_of=third)] == [1, 2, 3]
        assert [r.seq for r in journal.read(as_of=third, upto=2)] == [1, 2]
        with pytest.raises(JournalUsageError, match="time zone"):
            journal.seq_at(datetime(2024, 1, 1))

    def test_recorded_at_never_goes_back(self, factory: Factory) -> None:
        """A clock stepping back does not make recorded_at decrease along seq."""
        times = iter([START + timedelta(hours=2), START + timedelta(hours=1)])
        journal = factory(clock=lambda: next(times))
        first = journal.append("s", [draft()])[0]
        second = journal.append("s", [draft()])[0]
        assert second.recorded_at == first.recorded_at
        assert first.recorded_at.tzinfo is not None and journal.verify().ok

    def test_reading_is_lazy(self, journal: Journal) -> None:
        """read() yields records one by one from a cursor, so a consumer can stop early."""
        journal.append("s", [draft(n=n) for n in range(50)])
        records = journal.read()
        assert next(records).seq == 1
        assert next(records).seq == 2

    # -- schema evolution ----------------------------------------------------------

    def test_upcasters_turn_old_payloads_current(self, factory: Factory, tmp_path: Path) -> None:
        """Records stored at schema 1 read back at schema 3 through the upcaster chain."""
        old = KindRegistry()
        old.register("event.recorded", schema=1)
        journal = factory(registry=old)
        journal.append("e", [Draft("event.recorded", {"name": "Treaty"})])
        new = KindRegistry()
        new.register("event.recorded", schema=3)

        @new.upcaster("event.recorded", from_schema=1)
        def _title(payload: dict[str, Any]) -> dict[str, Any]:
            return {"title": payload["name"]}

        @new.upcaster("event.recorded", from_schema=2)
        def _lang(payload: dict[str, Any]) -> dict[str, Any]:
            return {**payload, "lang": "en"}

        upcast = self.reopen(journal, factory, registry=new)
        (record,) = list(upcast.read())
        assert record.payload == {"title": "Treaty", "lang": "en"} and record.schema == 3
        assert upcast.verify().ok
        stored = upcast.append("e", [Draft("event.recorded", {"title": "T", "lang": "zh"})])
        assert stored[0].schema == 3

    def test_unknown_kind_and_newer_schema_raise(self, factory: Factory) -> None:
        """Unknown kinds and schemas newer than the code raise instead of being skipped."""
        raw = factory()
        raw.append("s", [Draft("mystery.kind", {})])
        registry = KindRegistry()
        registry.register("note.added", schema=1)
        typed = self.reopen(raw, factory, registry=registry)
        with pytest.raises(UnknownRecordKind, match=r"seq 1.*'mystery.kind'"):
            list(typed.read())
        with pytest.raises(UnknownRecordKind):
            typed.append("s", [Draft("other.kind", {})])
        newer = KindRegistry()
        newer.register("note.added", schema=2)
        writer = factory(registry=newer)
        writer.append("s", [Draft("note.added", {})])
        reader = self.reopen(writer, factory, registry=registry)
        with pytest.raises(SchemaTooNew, match=r"seq 1.*schema 2"):
            list(reader.read())

    def reopen(self, journal: Journal, factory: Factory, **options: Any) -> Journal:
        """The same stored records seen through a journal opened with ``options``.

        A backend without a second handle on the same store copies the
        records through dump/load in raw mode.
        """
        buffer = io.StringIO()
        journal.dump(buffer)
        buffer.seek(0)
        copy = factory(**options)
        raw = factory()
        Journal.load(buffer, into=raw)
        for record in raw.read():
            copy.connection.execute(
                "INSERT INTO records VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    record.seq,
                    record.stream,
                    record.version,
                    record.kind,
                    record.schema,
                    canonical_json(record.payload),
                    record.recorded_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                    record.record_id,
                    record.hash,
                ),
            )
        return copy

    # -- dump and load -------------------------------------------------------------

    def _filled(self, journal: Journal) -> str:
        journal.append("a", [draft(text="один"), draft(text="二")])
        journal.append("b", [Draft("note.removed", {"n": 1.5, "list": [True, None]})])
        buffer = io.StringIO()
        assert journal.dump(buffer) == 3
        return buffer.getvalue()

    def test_dump_load_round_trip(self, journal: Journal, factory: Factory) -> None:
        """load(dump(j)) has the same records, hash for hash, and verifies."""
        text = self._filled(journal)
        lines = text.splitlines()
        assert json.loads(lines[0]) == {"format": "timeline-journal-dump", "version": 1}
        assert json.loads(lines[-1]) == {"end": {"head": journal.head().hash, "records": 3}}
        assert all(line == canonical_json(json.loads(line)) for line in lines)
        copy = factory()
        assert Journal.load(io.StringIO(text), into=copy) == 3
        assert list(copy.read()) == list(journal.read())
        assert copy.head() == journal.head() and copy.verify().ok
        again = io.StringIO()
        copy.dump(again)
        assert again.getvalue() == text

    @pytest.mark.parametrize(
        ("edit", "line", "words"),
        [
            (lambda lines: lines[:-1], 5, "truncated"),
            (lambda lines: [*lines[:-2], lines[-2][:40]], 4, "no end"),
            (lambda lines: [lines[0], lines[2], lines[1], lines[3]], 2, "seq"),
            (lambda lines: [lines[0], lines[1].replace("один", "два"), *lines[2:]], 2, "edited"),
            (lambda lines: [lines[0], lines[1], lines[2], lines[4]], 4, "closing line says"),
            (lambda lines: ['{"format":"csv"}\n', *lines[1:]], 1, "not a timeline journal dump"),
            (lambda lines: [*lines, lines[-1]], 6, "after the dump's closing line"),
            (lambda lines: [lines[0], "{oops\n", *lines[2:]], 2, "not JSON"),
        ],
    )
    def test_load_rejects_broken_dumps(
        self,
        journal: Journal,
        factory: Factory,
        edit: Callable[[list[str]], list[str]],
        line: int,
        words: str,
    ) -> None:
        """A truncated, reordered or edited dump is refused with its line; nothing is written."""
        lines = self._filled(journal).splitlines(keepends=True)
        broken = "".join(edit(lines))
        target = factory()
        with pytest.raises(DumpFormatError, match=rf"line {line}\b.*{words}") as caught:
            Journal.load(io.StringIO(broken), into=target)
        assert isinstance(caught.value, ValueError)
        assert target.head().seq == 0

    def test_load_needs_an_empty_journal(self, journal: Journal, factory: Factory) -> None:
        """Loading into a journal that has records is refused."""
        text = self._filled(journal)
        with pytest.raises(JournalUsageError, match="empty journal"):
            Journal.load(io.StringIO(text), into=journal)
        assert journal.head().seq == 3

    def test_load_checks_kinds_against_the_registry(
        self, journal: Journal, factory: Factory
    ) -> None:
        """A dump with kinds the target's registry does not know is refused by line."""
        text = self._filled(journal)
        registry = KindRegistry()
        registry.register("note.added")
        target = factory(registry=registry)
        with pytest.raises(DumpFormatError, match=r"line 4 .*'note.removed'"):
            Journal.load(io.StringIO(text), into=target)
        assert target.head().seq == 0

    # -- tamper evidence -------------------------------------------------------------

    @pytest.mark.parametrize("bad", [1, 3, 6])
    def test_verify_finds_a_record_changed_behind_its_back(
        self, journal: Journal, bad: int
    ) -> None:
        """With the triggers dropped, an edited payload is reported at its seq."""
        for n in range(6):
            journal.append(f"s{n % 2}", [draft(n=n)])
        conn = journal.connection
        conn.execute("DROP TRIGGER records_append_only_update")
        conn.execute("UPDATE records SET payload = '{\"n\":99}' WHERE seq = ?", (bad,))
        report = journal.verify()
        assert not report.ok and report.first_bad_seq == bad and report.checked == bad - 1
        assert "hash" in report.reason

    def test_verify_finds_a_deleted_record(self, journal: Journal) -> None:
        """A record deleted with the triggers dropped is reported as the missing seq."""
        journal.append("s", [draft(n=n) for n in range(5)])
        conn = journal.connection
        conn.execute("DROP TRIGGER records_append_only_delete")
        conn.execute("DELETE FROM records WHERE seq = 4")
        report = journal.verify()
        assert (report.ok, report.first_bad_seq) == (False, 4) and "missing" in report.reason
