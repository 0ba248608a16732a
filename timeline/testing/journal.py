"""The journal contract: behaviour every journal adapter must have, written once.

Subclass :class:`JournalContract` in a class named ``Test...``, implement
:meth:`~JournalContract.open_journal` (a fresh journal) and the tamper hooks
:meth:`~JournalContract.edit_behind_its_back` and
:meth:`~JournalContract.delete_behind_its_back` (change the stored rows the
way someone bypassing the journal would, for verify's tests); pytest runs
every test here against the adapter, including a stateful hypothesis machine
that checks random appends against a model.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from timeline.errors import (
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
    record_bytes,
)

__all__ = ["START", "Factory", "JournalContract", "StepClock", "draft"]

#: Makes a fresh journal; options as the adapter's opener takes them (registry, clock).
Factory = Callable[..., Journal]
#: Where :class:`StepClock` starts.
START = datetime(2024, 1, 1, tzinfo=UTC)

# Some hypothesis releases leave this function unannotated (mypy's no-untyped-call).
_run_machine: Callable[..., None] = run_state_machine_as_test


class StepClock:
    """A clock that moves one second on every reading."""

    def __init__(self, start: datetime = START) -> None:
        self.now = start

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


def draft(kind: str = "note.added", **payload: Any) -> Draft:
    """A draft of ``kind`` with ``payload`` (``{"text": "x"}`` when none is given)."""
    return Draft(kind, payload or {"text": "x"})


class JournalContract:
    """Behaviour every journal must have, whatever stores it."""

    def open_journal(self, tmp_path: Path, name: str, **options: Any) -> Journal:
        """A fresh, empty journal (``name`` is unique within ``tmp_path``)."""
        raise NotImplementedError

    def edit_behind_its_back(self, journal: Journal, seq: int, payload_json: str) -> None:
        """Overwrite the stored payload of record ``seq`` bypassing the journal's guards."""
        raise NotImplementedError

    def delete_behind_its_back(self, journal: Journal, seq: int) -> None:
        """Remove record ``seq`` from storage bypassing the journal's guards."""
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

    def test_then_sees_the_stored_records_once(self, journal: Journal) -> None:
        """then() receives exactly the records append returns; a retry does not call it."""
        seen: list[Any] = []
        batch = [Draft("note.added", {"n": 1}, "id-1"), draft(n=2)]
        stored = journal.append("s", batch, then=seen.append)
        assert seen == [stored] and [r.seq for r in stored] == [1, 2]
        retry = [Draft("note.added", {"n": 1}, "id-1")]
        journal.append("t", [draft()])
        with pytest.raises(RecordIdConflict):
            journal.append("s", [*retry, Draft("note.added", {}, "id-2")], then=seen.append)
        assert len(seen) == 1

    def test_a_failing_then_inside_an_outer_transaction_undoes_only_its_append(
        self, journal: Journal
    ) -> None:
        """A nested append whose then() raises is taken back; the outer block goes on."""
        with journal.transaction():
            journal.append("s", [draft()])

            def fail(records: Any) -> None:
                raise RuntimeError("refused")

            with pytest.raises(RuntimeError):
                journal.append("t", [draft(), draft()], then=fail)
            journal.append("u", [draft()])
        assert [(r.seq, r.stream) for r in journal.read()] == [(1, "s"), (2, "u")]
        assert journal.stream_version("t") == 0 and journal.verify().ok

    def test_nested_transaction_rolls_back_as_one(self, journal: Journal) -> None:
        """Appends inside transaction() are undone when the block raises."""
        journal.append("s", [draft()])
        with pytest.raises(KeyError), journal.transaction():
            journal.append("s", [draft()])
            journal.append("t", [draft()])
            assert journal.head().seq == 3
            raise KeyError("abort")
        assert journal.head().seq == 1
        with journal.transaction():
            journal.append("t", [draft()])
        assert journal.head().seq == 2 and journal.verify().ok

    def test_transactions_inside_a_joining_one_are_written_with_it(self, journal: Journal) -> None:
        """With join_nested, appends and transactions inside are committed together."""
        with journal.transaction(join_nested=True):
            journal.append("s", [draft()])
            with journal.transaction():
                journal.append("t", [draft(), draft()])
            journal.append_batch([("u", [draft()], NO_STREAM), ("s", [draft()], 1)])
        assert [(r.seq, r.stream) for r in journal.read()] == [
            (1, "s"),
            (2, "t"),
            (3, "t"),
            (4, "u"),
            (5, "s"),
        ]
        assert journal.verify().ok

    def test_a_part_that_raises_fails_the_whole_joining_transaction(self, journal: Journal) -> None:
        """A block inside that raises, even caught, leaves the transaction able only to roll
        back: later appends are refused, and leaving it undoes every append in it."""
        journal.append("before", [draft()])

        def fail(records: Any) -> None:
            raise RuntimeError("refused")

        with (
            pytest.raises(JournalUsageError, match="rolled back"),
            journal.transaction(join_nested=True),
        ):
            journal.append("s", [draft()])
            with pytest.raises(RuntimeError):
                journal.append("t", [draft()], then=fail)
            with pytest.raises(JournalUsageError, match="only roll back"):
                journal.append("u", [draft()])
        assert [r.stream for r in journal.read()] == ["before"]
        with journal.transaction(join_nested=True):
            journal.append("after", [draft()])
        assert [r.stream for r in journal.read()] == ["before", "after"]
        assert journal.verify().ok

    def test_an_error_out_of_a_joining_transaction_rolls_it_back_as_itself(
        self, journal: Journal
    ) -> None:
        """The error a part raises comes out unchanged when nothing catches it."""
        with pytest.raises(VersionConflict), journal.transaction(join_nested=True):
            journal.append("s", [draft()])
            journal.append("s", [draft()], expected_version=NO_STREAM)
        assert journal.head().seq == 0
        journal.append("s", [draft()], expected_version=NO_STREAM)
        assert journal.verify().ok

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

        By default the stored rows are copied as they are (``rows``, then
        ``restore``); an adapter with a second handle on one store may open it.
        """
        copy = factory(**options)
        with copy.transaction():
            copy.restore(list(journal.rows()))
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
        """A payload edited behind the journal's back is reported at its seq."""
        for n in range(6):
            journal.append(f"s{n % 2}", [draft(n=n)])
        self.edit_behind_its_back(journal, bad, '{"n":99}')
        report = journal.verify()
        assert not report.ok and report.first_bad_seq == bad and report.checked == bad - 1
        assert "hash" in report.reason

    def test_verify_upto_checks_the_journal_as_it_stood(self, journal: Journal) -> None:
        """verify(upto=N) walks records 1..N only: a record changed after N does not fail it."""
        for n in range(6):
            journal.append("s", [draft(n=n)])
        self.edit_behind_its_back(journal, 5, '{"n":99}')
        report = journal.verify(upto=4)
        assert (report.ok, report.checked) == (True, 4)
        assert (journal.verify(upto=5).ok, journal.verify(upto=5).first_bad_seq) == (False, 5)

    def test_verify_finds_a_deleted_record(self, journal: Journal) -> None:
        """A record deleted behind the journal's back is reported as the missing seq."""
        journal.append("s", [draft(n=n) for n in range(5)])
        self.delete_behind_its_back(journal, 4)
        report = journal.verify()
        assert (report.ok, report.first_bad_seq) == (False, 4) and "missing" in report.reason

    # -- several streams at once ------------------------------------------------------

    def test_append_batch_writes_every_stream_in_one_chain(self, journal: Journal) -> None:
        """append_batch appends each part in order, one chain, and then() sees them all."""
        journal.append("a", [draft(n=0)])
        seen: list[Any] = []
        stored = journal.append_batch(
            [("a", [draft(n=1)], 1), ("b", [draft(n=2), draft(n=3)], NO_STREAM), ("a", [], ANY)],
            then=seen.append,
        )
        assert [(r.seq, r.stream, r.version) for r in stored] == [
            (2, "a", 2),
            (3, "b", 1),
            (4, "b", 2),
        ]
        assert seen == [stored] and list(journal.read(after=1)) == list(stored)
        assert journal.verify().ok and journal.head().hash == stored[-1].hash

    def test_append_batch_is_all_or_nothing(self, journal: Journal) -> None:
        """One stale expectation, anywhere in the batch, writes none of its parts."""
        journal.append("a", [draft()])
        with pytest.raises(VersionConflict) as caught:
            journal.append_batch([("b", [draft()], NO_STREAM), ("a", [draft()], NO_STREAM)])
        assert (caught.value.stream, caught.value.actual) == ("a", 1)
        with pytest.raises(VersionConflict):
            journal.append_batch([("c", [draft()], NO_STREAM), ("c", [draft()], NO_STREAM)])
        with pytest.raises(JournalUsageError, match="repeats a record_id"):
            journal.append_batch(
                [
                    ("d", [Draft("note.added", {}, "x")], ANY),
                    ("e", [Draft("note.added", {}, "x")], ANY),
                ]
            )
        assert journal.head().seq == 1 and journal.stream_version("b") == 0
        chained = journal.append_batch([("c", [draft()], NO_STREAM), ("c", [draft()], 1)])
        assert [r.version for r in chained] == [1, 2] and journal.verify().ok

    def test_append_batch_retry_is_idempotent(self, journal: Journal) -> None:
        """A batch of known record ids, retried whole, returns the stored records."""
        batch = [
            ("a", [Draft("note.added", {"n": 1}, "a-1")], NO_STREAM),
            ("b", [Draft("note.added", {"n": 2}, "b-1")], NO_STREAM),
        ]
        stored = journal.append_batch(batch)
        assert journal.append_batch(batch) == stored and journal.head().seq == 2

    # -- stored rows --------------------------------------------------------------------

    def test_rows_are_as_stored(self, journal: Journal) -> None:
        """rows() gives every record's stored fields, the payload as canonical JSON text."""
        (record,) = journal.append("s", [draft(text="中", n=[1, 2.5])])
        (row,) = list(journal.rows())
        at = record.recorded_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        assert row == (
            1, "s", 1, "note.added", 1, canonical_json(record.payload), at, record.record_id,
            record.hash,
        )  # fmt: skip

    def test_restore_refuses_a_taken_record_id(self, journal: Journal, factory: Factory) -> None:
        """restore() of a row whose record_id is stored raises RecordIdConflict naming it."""
        journal.append("s", [Draft("note.added", {}, "taken")])
        row = next(journal.rows())
        clash = (2, "t", 1, row[3], row[4], row[5], row[6], "taken", row[8])
        with pytest.raises(RecordIdConflict, match="'taken'"), journal.transaction():
            journal.restore([clash])
        assert journal.head().seq == 1

    # -- against a model ----------------------------------------------------------------

    def test_random_appends_match_a_model(self, tmp_path: Path) -> None:
        """Random interleaved appends (right and wrong expectations, retries, batches)
        keep the journal equal to a list model; it verifies and dumps/loads hash for hash."""
        names = (f"machine{n}.timeline" for n in itertools.count())

        def fresh() -> Journal:
            return self.open_journal(tmp_path, next(names), clock=StepClock())

        machine = type("Machine", (_JournalMachine,), {"fresh": staticmethod(fresh)})
        _run_machine(
            machine,
            settings=settings(
                max_examples=25,
                stateful_step_count=10,
                deadline=None,
                suppress_health_check=[HealthCheck.too_slow],
            ),
        )


_json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**53), 2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)
_payloads = st.dictionaries(st.text(max_size=6), _json_values, max_size=4)
_drafts = st.builds(
    Draft, st.sampled_from(["note.added", "note.removed", "event.recorded"]), _payloads
)
_streams = st.sampled_from(["a", "b", "c", "事件:1"])


class _JournalMachine(RuleBasedStateMachine):
    """Appends checked against a list of (stream, version, kind, payload)."""

    fresh: Callable[[], Journal]

    def __init__(self) -> None:
        super().__init__()
        self.journal = self.fresh()
        self.model: list[tuple[str, int, str, Any]] = []

    def version(self, stream: str) -> int:
        return sum(1 for row in self.model if row[0] == stream)

    def expectation(self, stream: str, how: int) -> tuple[Any, bool]:
        """An expected version for ``stream`` (right or wrong), and whether it fits."""
        actual = self.version(stream)
        expected: Any = [ANY, actual, NO_STREAM, actual + 1][how]
        return expected, how in (0, 1) or (how == 2 and actual == 0)

    @rule(stream=_streams, batch=st.lists(_drafts, min_size=1, max_size=4), how=st.integers(0, 3))
    def append(self, stream: str, batch: list[Draft], how: int) -> None:
        expected, fits = self.expectation(stream, how)
        actual = self.version(stream)
        try:
            stored = self.journal.append(stream, batch, expected_version=expected)
        except VersionConflict as exc:
            assert not fits and exc.actual == actual and exc.stream == stream
            return
        assert fits
        first_seq = len(self.model) + 1
        for offset, (record, item) in enumerate(zip(stored, batch, strict=True), start=1):
            self.model.append((stream, actual + offset, item.kind, item.payload))
            assert record.seq == first_seq + offset - 1
            assert record.version == actual + offset

    @rule(
        parts=st.lists(
            st.tuples(_streams, st.lists(_drafts, max_size=3), st.integers(0, 1)),
            min_size=1,
            max_size=3,
            unique_by=lambda part: part[0],
        )
    )
    def append_batch(self, parts: list[tuple[str, list[Draft], int]]) -> None:
        batches = [
            (stream, items, self.expectation(stream, how)[0]) for stream, items, how in parts
        ]
        stored = self.journal.append_batch(batches)
        expected = []
        for stream, items, _how in parts:
            actual = self.version(stream)
            for offset, item in enumerate(items, start=1):
                expected.append((stream, actual + offset, item.kind, item.payload))
        assert [(r.stream, r.version, r.kind, r.payload) for r in stored] == expected
        self.model.extend(expected)

    @precondition(lambda self: self.model)
    @rule(data=st.data())
    def retry_is_idempotent(self, data: st.DataObject) -> None:
        record = data.draw(st.sampled_from(list(self.journal.read())))
        again = self.journal.append(
            record.stream, [Draft(record.kind, record.payload, record.record_id)]
        )
        assert again == (record,)

    @rule()
    def dump_loads_hash_for_hash(self) -> None:
        text = io.StringIO()
        count = self.journal.dump(text)
        copy = self.fresh()
        try:
            text.seek(0)
            assert Journal.load(text, into=copy) == count == len(self.model)
            assert list(copy.read()) == list(self.journal.read())
            again = io.StringIO()
            copy.dump(again)
            assert again.getvalue() == text.getvalue()
        finally:
            copy.close()

    @invariant()
    def matches_model(self) -> None:
        records = list(self.journal.read())
        assert [(r.stream, r.version, r.kind, r.payload) for r in records] == self.model
        assert self.journal.head().seq == len(self.model)

    @invariant()
    def verifies(self) -> None:
        assert self.journal.verify().ok

    def teardown(self) -> None:
        self.journal.close()
