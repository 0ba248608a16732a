"""The PostgreSQL journal: the journal contract against a real server, and what only it has."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from postgres import fresh_target

from timeline.errors import (
    AppendOnlyViolation,
    JournalReadOnly,
    JournalUnavailable,
    JournalUsageError,
    NotAJournal,
    UntrustedJournal,
    VersionConflict,
)
from timeline.journal import Journal
from timeline.testing.journal import JournalContract, StepClock, draft


class TestPostgresJournal(JournalContract):
    """The contract, each test in a schema of its own."""

    @pytest.fixture(autouse=True)
    def _server(self, postgres_url: str) -> None:
        self.url = postgres_url

    def open_journal(self, tmp_path: Path, name: str, **options: Any) -> Journal:
        from timeline.journal import PostgresJournal

        return PostgresJournal.open(fresh_target(self.url), **options)

    def _behind(self, journal: Journal, sql: str, params: tuple[Any, ...]) -> None:
        import psycopg

        from timeline.journal import PostgresJournal

        assert isinstance(journal, PostgresJournal)
        with psycopg.connect(journal.target.conninfo, autocommit=True) as conn:
            conn.execute("SET session_replication_role = replica")  # a superuser skips triggers
            conn.execute(sql.replace("records", f'"{journal.target.schema}".records'), params)

    def edit_behind_its_back(self, journal: Journal, seq: int, payload_json: str) -> None:
        self._behind(journal, "UPDATE records SET payload = %s WHERE seq = %s", (payload_json, seq))

    def delete_behind_its_back(self, journal: Journal, seq: int) -> None:
        self._behind(journal, "DELETE FROM records WHERE seq = %s", (seq,))


def _open(target: str, **options: Any) -> Any:
    from timeline.journal import PostgresJournal

    return PostgresJournal.open(target, clock=StepClock(), **options)


def _admin(target: str) -> Any:
    import psycopg

    return psycopg.connect(target.partition("#")[0], autocommit=True)


def test_the_database_refuses_update_delete_and_truncate(postgres_target: str) -> None:
    """The journal's triggers refuse UPDATE, DELETE and TRUNCATE, typed as AppendOnlyViolation."""
    with _open(postgres_target) as journal:
        journal.append("s", [draft(n=1)])
        table = f'"{journal.target.schema}".records'
        for statement in (
            f"UPDATE {table} SET payload = '{{}}'",
            f"DELETE FROM {table}",
            f"TRUNCATE {table}",
        ):
            with pytest.raises(AppendOnlyViolation, match="append-only"), journal.typed_errors():
                journal.connection.execute(statement)
        assert journal.head().seq == 1 and journal.verify().ok


def test_several_timelines_live_in_one_database(postgres_url: str) -> None:
    """Each schema named after '#' is a timeline of its own."""
    with (
        _open(f"{postgres_url}#alpha_{id(object())}") as one,
        _open(f"{postgres_url}#beta_{id(object())}") as two,
    ):
        one.append("s", [draft(n=1), draft(n=2)])
        two.append("s", [draft(n=9)])
        assert [r.payload["n"] for r in one.read()] == [1, 2]
        assert [r.payload["n"] for r in two.read()] == [9]


def test_a_reader_sees_other_writers_commits_without_reopening(postgres_target: str) -> None:
    """A second connection's reads reflect a commit made through the first."""
    with _open(postgres_target) as writer, _open(postgres_target, read_only=True) as reader:
        assert reader.head().seq == 0
        writer.append("s", [draft(n=1)])
        assert [r.payload for r in reader.read()] == [{"n": 1}]
        with pytest.raises(JournalReadOnly):
            reader.append("s", [draft()])


def test_concurrent_writers_keep_one_unbroken_chain(postgres_target: str) -> None:
    """Threads appending at once, each on its own connection, get gap-free seqs and one chain;
    a lost race on one stream is a VersionConflict, never a fork."""
    _open(postgres_target).close()
    writers = [_open(postgres_target) for _ in range(6)]
    start = threading.Barrier(len(writers))
    outcomes: list[str] = []

    def work(journal: Any, n: int) -> None:
        start.wait()
        for round_ in range(10):
            journal.append(f"own-{n}", [draft(n=n, round=round_)])
            try:
                journal.append("shared", [draft(n=n)], expected_version=0)
                outcomes.append("won")
            except VersionConflict:
                outcomes.append("lost")

    threads = [threading.Thread(target=work, args=(j, n)) for n, j in enumerate(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    journal = writers[0]
    records = list(journal.read())
    assert [r.seq for r in records] == list(range(1, len(records) + 1))
    assert len(records) == 6 * 10 + 1 and outcomes.count("won") == 1
    assert journal.verify().ok
    for writer in writers:
        writer.close()


def test_passwords_never_reach_a_message(postgres_url: str) -> None:
    """A password in the URL or its query is kept out of errors and of the journal's name."""
    secret = "s3cr3t-Pa55"
    for target in (
        f"postgresql://alice:{secret}@127.0.0.1:1/db#x",
        f"postgresql://alice@127.0.0.1:1/db?password={secret}&connect_timeout=2#x",
    ):
        with pytest.raises(JournalUnavailable) as caught:
            _open(target)
        text = f"{caught.value} {caught.value!r} {caught.value.__cause__!r}"
        assert secret not in text and "127.0.0.1" in str(caught.value)
    with pytest.raises(JournalUsageError, match="schema") as bad:
        _open(f"postgresql://alice:{secret}@127.0.0.1:1/db#bad;name")
    assert secret not in str(bad.value)
    with_password = postgres_url.replace("postgres:@", f"postgres:{secret}@", 1)
    with _open(fresh_target(with_password)) as journal:  # trust auth ignores the password
        (record,) = journal.append("s", [draft()])
        assert secret not in repr(journal) and secret not in str(record)
        assert secret not in "".join(str(row) for row in journal.rows())


def test_nul_is_escaped_in_payloads_and_refused_in_streams(postgres_target: str) -> None:
    """A payload's NUL is stored as JSON's \\u0000; a stream with NUL (PostgreSQL text cannot
    hold it) is refused with a typed error, and nothing is written."""
    hostile = "a'b\"c\\d\x00e;--%s?"
    with _open(postgres_target) as journal:
        (record,) = journal.append(hostile[:-5].replace("\x00", ""), [draft(**{hostile: hostile})])
        (back,) = list(journal.read())
        assert back.payload == {hostile: hostile} and back == record
        with pytest.raises(JournalUsageError, match="NUL"):
            journal.append(hostile, [draft()])
        assert journal.head().seq == 1 and journal.verify().ok


def test_a_dropped_connection_writes_nothing_and_is_typed(postgres_target: str) -> None:
    """pg_terminate_backend during an append's transaction: JournalUnavailable, nothing stored."""
    with _open(postgres_target) as journal, _admin(postgres_target) as admin:
        journal.append("s", [draft()])
        (pid,) = journal.connection.execute("SELECT pg_backend_pid()").fetchone()

        def drop(_records: Any) -> None:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))

        with pytest.raises(JournalUnavailable, match="connection"):
            journal.append("s", [draft(), draft()], then=drop)
    with _open(postgres_target) as again:
        assert again.head().seq == 1 and again.verify().ok


def test_a_foreign_or_disabled_trigger_makes_the_journal_untrusted(postgres_target: str) -> None:
    """Opening refuses a schema whose guards were disabled or which holds a foreign trigger."""
    with _open(postgres_target) as journal:
        table = f'"{journal.target.schema}".records'
    with _admin(postgres_target) as admin:
        admin.execute(f"ALTER TABLE {table} DISABLE TRIGGER records_append_only")
        with pytest.raises(UntrustedJournal, match="records_append_only"):
            _open(postgres_target)
        admin.execute(f"ALTER TABLE {table} ENABLE TRIGGER records_append_only")
        admin.execute(
            f"CREATE TRIGGER sneaky BEFORE INSERT ON {table} FOR EACH ROW "
            f"EXECUTE FUNCTION {table.rpartition('.')[0]}.records_refuse()"
        )
        with pytest.raises(UntrustedJournal, match="sneaky"):
            _open(postgres_target)


def test_targets_are_checked(postgres_url: str) -> None:
    """A bad schema name and a read-only opening of an empty schema are typed errors."""
    for schema in ("1abc", "pg_x", "a b", "x" * 64):
        with pytest.raises(JournalUsageError, match="schema"):
            _open(f"{postgres_url}#{schema}")
    with pytest.raises(NotAJournal, match="read-only"):
        _open(fresh_target(postgres_url), read_only=True)
