"""The journal contract run for each adapter, plus the SQLite adapter's own behaviour."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from timeline.errors import (
    AppendOnlyViolation,
    CorruptJournal,
    JournalReadOnly,
    JournalUsageError,
    NotAJournal,
    SchemaTooNew,
    UntrustedJournal,
)
from timeline.journal import (
    Draft,
    Journal,
    KindRegistry,
    MemoryJournal,
    SQLiteJournal,
    built_aside,
    canonical_json,
)
from timeline.journal._records import new_record_id
from timeline.journal._sqlite import APPLICATION_ID, migrations
from timeline.testing.journal import JournalContract, StepClock, draft


class _SQLiteContract(JournalContract):
    """Tampering with an SQLite journal: drop its append-only triggers, then write SQL."""

    def edit_behind_its_back(self, journal: Journal, seq: int, payload_json: str) -> None:
        assert isinstance(journal, SQLiteJournal)
        conn = journal.connection
        conn.execute("DROP TRIGGER IF EXISTS records_append_only_update")
        conn.execute("UPDATE records SET payload = ? WHERE seq = ?", (payload_json, seq))

    def delete_behind_its_back(self, journal: Journal, seq: int) -> None:
        assert isinstance(journal, SQLiteJournal)
        conn = journal.connection
        conn.execute("DROP TRIGGER IF EXISTS records_append_only_delete")
        conn.execute("DELETE FROM records WHERE seq = ?", (seq,))


class TestFileJournal(_SQLiteContract):
    """The contract for a journal in an SQLite file."""

    def open_journal(self, tmp_path: Path, name: str, **options: Any) -> Journal:
        return SQLiteJournal.open(tmp_path / name, **options)

    def reopen(self, journal: Journal, factory: Any, **options: Any) -> Journal:
        assert isinstance(journal, SQLiteJournal)
        return SQLiteJournal.open(journal.path, clock=StepClock(), **options)


class TestSQLiteMemoryJournal(_SQLiteContract):
    """The contract for an SQLite ``:memory:`` journal."""

    def open_journal(self, tmp_path: Path, name: str, **options: Any) -> Journal:
        return SQLiteJournal.open(":memory:", **options)


class TestMemoryJournal(JournalContract):
    """The contract for the in-memory adapter (its rows edited in place to tamper)."""

    def open_journal(self, tmp_path: Path, name: str, **options: Any) -> Journal:
        return MemoryJournal(**options)

    def edit_behind_its_back(self, journal: Journal, seq: int, payload_json: str) -> None:
        assert isinstance(journal, MemoryJournal)
        row = journal._rows[seq - 1]
        journal._rows[seq - 1] = (*row[:5], payload_json, *row[6:])  # type: ignore[assignment]

    def delete_behind_its_back(self, journal: Journal, seq: int) -> None:
        assert isinstance(journal, MemoryJournal)
        del journal._rows[seq - 1]


@pytest.mark.parametrize("reopened", [False, True], ids=["new", "reopened"])
def test_sqlite_records_are_append_only(tmp_path: Path, reopened: bool) -> None:
    """Triggers refuse UPDATE, DELETE and replacing inserts on records, in a new file and in
    one opened again."""
    path = tmp_path / "j.timeline"
    journal = SQLiteJournal.open(path)
    journal.append("s", [draft(), draft()])
    if reopened:
        journal.close()
        journal = SQLiteJournal.open(path)
    with journal:
        conn = journal.connection
        for sql in (
            "UPDATE records SET payload = '{}' WHERE seq = 1",
            "DELETE FROM records",
            "INSERT OR REPLACE INTO records SELECT * FROM records WHERE seq = 1",
        ):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                conn.execute(sql)
        with pytest.raises(AppendOnlyViolation), journal.transaction():
            conn.execute("DELETE FROM records WHERE seq = 2")
        assert journal.verify().ok and journal.head().seq == 2


def test_sqlite_then_writes_commit_with_the_records() -> None:
    """Tables written by the then callback on the shared connection commit with the records."""
    with SQLiteJournal.open() as journal:
        conn = journal.connection
        conn.execute("CREATE TABLE seen (seq INTEGER)")

        def note(records: Any) -> None:
            conn.executemany("INSERT INTO seen VALUES (?)", [(r.seq,) for r in records])

        journal.append("s", [draft(), draft()], then=note)
        assert conn.execute("SELECT seq FROM seen").fetchall() == [(1,), (2,)]


def test_a_journal_built_aside_uses_the_rollback_journal_until_published(
    tmp_path: Path,
) -> None:
    """Built aside, a journal is in SQLite's rollback mode with unflushed commits; published,
    it holds its records whole, and it is in WAL mode from its first opening at its path."""
    path = tmp_path / "new.timeline"
    with built_aside(str(path)) as scratch:
        with SQLiteJournal.open(scratch, synchronous="FULL") as journal:
            conn = journal.connection
            assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
            assert conn.execute("PRAGMA synchronous").fetchone() == (0,)
            stored = journal.append("s", [draft(n=1), draft(n=2)])
        assert not path.exists()
    with SQLiteJournal.open(path) as journal:
        assert journal.connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert journal.connection.execute("PRAGMA synchronous").fetchone() == (1,)
        assert list(journal.read()) == list(stored)
    with SQLiteJournal.open(tmp_path / "other.timeline") as journal:  # not built aside
        assert journal.connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_file_survives_reopening_in_wal_mode(tmp_path: Path) -> None:
    """A file journal is in WAL mode, keeps its records across opens, and says its durability."""
    path = tmp_path / "j.timeline"
    with SQLiteJournal.open(path, synchronous="FULL") as journal:
        assert journal.connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert journal.connection.execute("PRAGMA synchronous").fetchone() == (2,)
        stored = journal.append("s", [draft(n=1)])
    with SQLiteJournal.open(path) as journal:
        assert journal.connection.execute("PRAGMA synchronous").fetchone() == (1,)
        assert list(journal.read()) == list(stored)
        assert journal.connection.execute("PRAGMA application_id").fetchone() == (APPLICATION_ID,)
        names = [
            row[0] for row in journal.connection.execute("SELECT name FROM _sqlite_migrations")
        ]
        assert names == ["0001_records", "0002_no_insert_trigger"]


def test_a_new_file_has_the_schema_sqlite_utils_migrations_give(tmp_path: Path) -> None:
    """A new journal, made without sqlite-utils, holds the objects and migration rows that
    applying the migration set with sqlite-utils gives an empty file."""
    objects = "SELECT type, name, tbl_name, sql FROM sqlite_master"
    applied = "SELECT id, migration_set, name FROM _sqlite_migrations"
    with SQLiteJournal.open(tmp_path / "j.timeline") as journal:
        made = journal.connection
        ours = made.execute(objects).fetchall()
        rows = made.execute(applied).fetchall()
        stamps = [at for (at,) in made.execute("SELECT applied_at FROM _sqlite_migrations")]
        application_id = made.execute("PRAGMA application_id").fetchone()
    theirs = sqlite3.connect(":memory:")
    migrations().apply(Database(theirs))
    assert ours == theirs.execute(objects).fetchall()
    assert rows == theirs.execute(applied).fetchall()
    (their_stamp,) = theirs.execute("SELECT applied_at FROM _sqlite_migrations LIMIT 1").fetchone()
    stamp = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}\+00:00")
    assert all(stamp.fullmatch(at) for at in [*stamps, their_stamp])
    assert application_id == theirs.execute("PRAGMA application_id").fetchone()


def test_a_first_format_file_is_migrated_in_place(tmp_path: Path) -> None:
    """A file from before migration 0002 loses its seq trigger and keeps every record."""
    path = tmp_path / "old.timeline"
    with SQLiteJournal.open(path) as journal:
        stored = journal.append("s", [draft(n=n) for n in range(3)])
    first = sqlite3.connect(":memory:")
    migrations().apply(Database(first), stop_before="0002_no_insert_trigger")
    (trigger,) = first.execute(
        "SELECT sql FROM sqlite_master WHERE name = 'records_append_only_insert'"
    ).fetchone()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(trigger)
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = '0002_no_insert_trigger'")
    conn.close()
    with SQLiteJournal.open(path) as journal:
        triggers = {
            name
            for (name,) in journal.connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger'"
            )
        }
        assert triggers == {"records_append_only_update", "records_append_only_delete"}
        assert tuple(journal.read()) == stored
        journal.append("s", [draft(n=3)])
        assert journal.verify().ok


def test_a_first_format_file_opened_read_only_is_read_as_it_is(tmp_path: Path) -> None:
    """Opened read-only, a file from before migration 0002 is read without it; opened for
    writing later, it is migrated."""
    path = tmp_path / "old.timeline"
    with SQLiteJournal.open(path) as journal:
        stored = journal.append("s", [draft(n=n) for n in range(3)])
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = '0002_no_insert_trigger'")
    conn.close()
    with SQLiteJournal.open(f"file:{path}?mode=ro") as journal:
        assert tuple(journal.read()) == stored and journal.verify().ok
        with pytest.raises(JournalReadOnly, match="read-only"):
            journal.append("s", [draft(n=3)])
    with SQLiteJournal.open(path) as journal:
        names = [
            row[0] for row in journal.connection.execute("SELECT name FROM _sqlite_migrations")
        ]
        assert names == ["0001_records", "0002_no_insert_trigger"]


def test_verify_names_a_seq_skipped_by_a_foreign_writer(tmp_path: Path) -> None:
    """A row written past the next seq by another program is reported as the missing seq."""
    with SQLiteJournal.open(tmp_path / "j.timeline") as journal:
        (first,) = journal.append("s", [draft(n=1)])
        journal.connection.execute(
            "INSERT INTO records VALUES (3, 's', 2, 'note.added', 1, '{}', ?, 'x', ?)",
            (first.recorded_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), "0" * 64),
        )
        report = journal.verify()
        assert (report.ok, report.first_bad_seq) == (False, 2) and "missing" in report.reason


def test_opening_something_else_says_so(tmp_path: Path) -> None:
    """A text file, another SQLite database and a directory are not journals."""
    text = tmp_path / "notes.txt"
    text.write_text("hello, this is not a database at all" * 100, encoding="utf-8")
    with pytest.raises(NotAJournal, match=r"notes\.txt is not a timeline journal"):
        SQLiteJournal.open(text)
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE people (name TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(NotAJournal, match=r"SQLite database but not a timeline journal.*people"):
        SQLiteJournal.open(other)
    with pytest.raises(NotAJournal, match="directory"):
        SQLiteJournal.open(tmp_path)


def test_a_corrupt_file_says_so(tmp_path: Path) -> None:
    """Garbage written over a journal's pages is reported as CorruptJournal."""
    path = tmp_path / "j.timeline"
    with SQLiteJournal.open(path) as journal:
        for n in range(40):
            journal.append(f"s{n}", [draft(text="x" * 900, n=n)])
        journal.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(path.read_bytes())
    page = 4096
    data[page : len(data)] = b"\xff" * (len(data) - page)
    path.write_bytes(bytes(data))
    with pytest.raises(CorruptJournal, match="corrupt journal"):
        journal = SQLiteJournal.open(path)
        list(journal.read())


def test_a_newer_file_format_is_refused(tmp_path: Path) -> None:
    """A journal migrated by a newer version of the code is not opened."""
    path = tmp_path / "j.timeline"
    with SQLiteJournal.open(path) as journal:
        journal.connection.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
            "VALUES ('timeline.journal', '0099_future', '2099')"
        )
    with pytest.raises(SchemaTooNew, match="0099_future"):
        SQLiteJournal.open(path)


def test_bad_options_are_refused() -> None:
    """Unknown durability settings are refused by name."""
    with pytest.raises(JournalUsageError, match="synchronous"):
        SQLiteJournal.open(":memory:", synchronous="OFF")  # type: ignore[arg-type]


def test_record_ids_are_uuid7_and_increase() -> None:
    """Generated record ids are UUIDv7 text and strictly increase within a process."""
    import uuid

    ids = [new_record_id() for _ in range(5000)]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    parsed = uuid.UUID(ids[0])
    assert parsed.version == 7 and parsed.variant == uuid.RFC_4122


def test_canonical_json_is_stable() -> None:
    """Canonical JSON sorts keys, drops spaces, keeps Unicode and refuses NaN and surrogates."""
    assert canonical_json({"b": [1, 2.5], "a": "中"}) == '{"a":"中","b":[1,2.5]}'
    for bad in ({"x": float("inf")}, {"x": "\ud800"}, {"x": {1, 2}}):
        with pytest.raises(JournalUsageError):
            canonical_json(bad)


def test_registry_refuses_bad_definitions() -> None:
    """Registering a kind twice differently or an upcaster out of range is refused."""
    registry = KindRegistry()
    registry.register("event.recorded", schema=2)
    registry.register("event.recorded", schema=2)
    with pytest.raises(JournalUsageError, match="already registered"):
        registry.register("event.recorded", schema=3)
    with pytest.raises(JournalUsageError, match="upcaster from schema 2"):
        registry.upcaster("event.recorded", from_schema=2)
    with pytest.raises(JournalUsageError):
        registry.register("Event.Recorded")
    assert list(registry) == ["event.recorded"] and "event.recorded" in registry


def test_missing_upcaster_is_named() -> None:
    """A stored schema with no upcaster to the current one raises, naming kind and schema."""
    registry = KindRegistry()
    registry.register("event.recorded", schema=2)
    with pytest.raises(JournalUsageError, match=r"seq 4: kind 'event.recorded' has schema 1"):
        registry.upcast("event.recorded", 1, {}, seq=4)


def test_appending_a_draft_needs_a_draft() -> None:
    """Anything but a Draft in a batch is refused."""
    with (
        SQLiteJournal.open() as journal,
        pytest.raises(JournalUsageError, match="expected a Draft"),
    ):
        journal.append("s", [("note.added", {})])  # type: ignore[list-item]
    assert Draft("a.b", {}).record_id is None


def test_opening_a_journal_needs_no_sqlite_utils(tmp_path: Path) -> None:
    """sqlite-utils is imported to create or migrate a file only, not to open or read one."""
    import subprocess
    import sys

    path = tmp_path / "j.timeline"
    with SQLiteJournal.open(path) as journal:
        journal.append("s", [draft()])
    program = (
        "import sys\n"
        "from timeline.journal import SQLiteJournal\n"
        f"with SQLiteJournal.open({str(path)!r}) as journal:\n"
        "    assert journal.verify().ok and len(list(journal.read())) == 1\n"
        "assert 'sqlite_utils' not in sys.modules, 'sqlite_utils was imported'\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr


def test_a_trigger_on_the_migrations_table_is_refused(tmp_path: Path) -> None:
    """Objects on sqlite-utils' bookkeeping table are accepted only as its table and indexes."""
    path = tmp_path / "j.timeline"
    SQLiteJournal.open(path).close()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("CREATE INDEX extra ON _sqlite_migrations (applied_at)")
    conn.close()
    SQLiteJournal.open(path).close()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("CREATE TRIGGER sneaky AFTER INSERT ON _sqlite_migrations BEGIN SELECT 1; END")
    conn.close()
    with pytest.raises(UntrustedJournal, match="sneaky"):
        SQLiteJournal.open(path)


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"version": 3}, "stream 's' jumps to version 3"),
        ({"recorded_at": "2024-01-01 00:00:09"}, "not a UTC instant"),
        ({"recorded_at": "2023-12-31T00:00:00.000000Z"}, "goes back in time"),
    ],
)
def test_the_chain_rules_beyond_the_hash(fields: dict[str, Any], reason: str) -> None:
    """A well-hashed row that skips a version or moves recorded_at back breaks the chain."""
    from timeline.journal._chain import GENESIS_HASH, chain_hash, record_text, verify

    def row(seq: int, previous: str, **given: Any) -> tuple[Any, ...]:
        values = {"version": seq, "recorded_at": "2024-01-01T00:00:00.000000Z", **given}
        text = record_text(
            seq, "s", values["version"], "note.added", 1, "{}", values["recorded_at"], f"id{seq}"
        )
        hash_ = chain_hash(previous, text.encode())
        return (seq, "s", values["version"], "note.added", 1, "{}", values["recorded_at"],
                f"id{seq}", hash_)  # fmt: skip

    first = row(1, GENESIS_HASH)
    second = row(2, first[8], **fields)
    report = verify([first, second])
    assert (report.ok, report.checked, report.first_bad_seq) == (False, 1, 2)
    assert reason in report.reason
    assert verify([first, row(2, first[8])]).ok


def test_restore_outside_a_transaction_raises_typed_errors(tmp_path: Path) -> None:
    """restore() on a read-only file is JournalReadOnly, not a bare sqlite3 error."""
    path = tmp_path / "j.timeline"
    with SQLiteJournal.open(path) as journal:
        journal.append("s", [draft()])
        rows = list(journal.rows())
    with SQLiteJournal.open(tmp_path / "other.timeline") as other:
        other.append("s", [draft()])
    with (
        SQLiteJournal.open(tmp_path / "other.timeline", read_only=True) as reader,
        pytest.raises(JournalReadOnly),
    ):
        reader.restore([(2, *rows[0][1:])])
