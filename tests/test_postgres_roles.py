"""The writer and reader roles of docs/how-to/share-a-journal-on-postgresql.md, granted as the
page says, can do what it says and nothing more."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from postgres import fresh_target, with_login

from timeline.application import Timeline
from timeline.cli import cli
from timeline.errors import JournalReadOnly

PAGE = Path(__file__).parent.parent / "docs" / "how-to" / "share-a-journal-on-postgresql.md"


def _grant(url: str, schema: str) -> tuple[str, str]:
    """Run the page's SQL for ``schema`` with roles of this test's own; their names."""
    import psycopg

    (sql,) = re.findall(r"```sql\n(.*?)```", PAGE.read_text(encoding="utf-8"), re.S)
    suffix = os.urandom(4).hex()
    writer, reader = f"timeline_writer_{suffix}", f"timeline_reader_{suffix}"
    sql = sql.replace("timeline_writer", writer).replace("timeline_reader", reader)
    sql = sql.replace("treaties", f'"{schema}"')
    with psycopg.connect(url, autocommit=True) as admin:
        for statement in sql.split(";"):
            if statement.strip():
                admin.execute(statement)
    return writer, reader


def _as(url: str, role: str, schema: str) -> str:
    return with_login(url, role) + f"#{schema}"


def _refused(tl: Timeline, statements: list[str]) -> list[str]:
    """The statements the server refused to ``tl``'s role (each in its own transaction)."""
    import psycopg

    refused = []
    conn: Any = tl.journal.connection  # type: ignore[attr-defined]
    for statement in statements:
        try:
            conn.execute(statement)
        except psycopg.errors.InsufficientPrivilege:
            refused.append(statement)
    return refused


def _statements(schema: str) -> list[str]:
    s = f'"{schema}"'
    return [
        f"UPDATE {s}.records SET payload = '{{}}'",
        f"DELETE FROM {s}.records",
        f"TRUNCATE {s}.records",
        f"ALTER TABLE {s}.records DISABLE TRIGGER records_append_only",
        f"DROP TRIGGER records_append_only ON {s}.records",
        f"DROP TABLE {s}.events",
        f"CREATE TABLE {s}.sneaky (x int)",
    ]


def test_the_writer_appends_and_can_change_nothing(postgres_url: str) -> None:
    """The writer records, revises and cites; it cannot update, delete or truncate records,
    touch the triggers, drop a table or create one; the journal still verifies."""
    owner = fresh_target(postgres_url)
    with Timeline.open(owner, author="owner") as tl:
        tl.add_event(id="a", when="1969", title="A")
    schema = owner.rpartition("#")[2]
    writer, _ = _grant(postgres_url, schema)
    with Timeline.open(_as(postgres_url, writer, schema), author="w") as tl:
        tl.add_event(id="b", when="1970", title="B")
        tl.revise("a", importance=3, reason="checked")
        statements = _statements(schema)
        assert _refused(tl, statements) == statements
        assert [e.id for e in tl.events()] == ["a", "b"] and tl.verify().ok


def test_the_reader_reads_and_can_write_nothing(postgres_url: str) -> None:
    """The reader sees the events; a command is JournalReadOnly and writes nothing; an INSERT
    into records and every statement the writer is refused are refused to it."""
    owner = fresh_target(postgres_url)
    with Timeline.open(owner, author="owner") as tl:
        tl.add_event(id="a", when="1969", title="A")
    schema = owner.rpartition("#")[2]
    _, reader = _grant(postgres_url, schema)
    with Timeline.open(_as(postgres_url, reader, schema), author="r") as tl:
        assert [e.id for e in tl.events()] == ["a"]
        with pytest.raises(JournalReadOnly, match="may not"):
            tl.add_event(id="b", when="1970", title="B")
        insert = (
            f'INSERT INTO "{schema}".records SELECT seq + 1, stream, version + 1, kind, schema, '
            f"payload, recorded_at, record_id || 'x', hash FROM \"{schema}\".records"
        )
        statements = [insert, *_statements(schema)]
        assert _refused(tl, statements) == statements
        assert tl.head().seq == 1 and tl.verify().ok


def test_the_roles_keep_their_rights_after_a_rebuild(postgres_url: str) -> None:
    """The owner's `timeline rebuild` drops and recreates the views: afterwards the writer
    still records and revises, the reader still reads and still may not write."""
    owner = fresh_target(postgres_url)
    with Timeline.open(owner, author="owner") as tl:
        tl.add_event(id="a", when="1969", title="A")
    schema = owner.rpartition("#")[2]
    writer, reader = _grant(postgres_url, schema)
    done = CliRunner().invoke(cli, ["--journal", owner, "rebuild"])
    assert done.exit_code == 0, done.output
    with Timeline.open(_as(postgres_url, writer, schema), author="w") as tl:
        tl.add_event(id="b", when="1970", title="B")
        tl.revise("a", importance=3, reason="checked")
    with Timeline.open(_as(postgres_url, reader, schema), author="r") as tl:
        events = tl.events()
        assert [e.id for e in events] == ["a", "b"] and events[0].importance == 3
        with pytest.raises(JournalReadOnly, match="may not"):
            tl.add_event(id="c", when="1971", title="C")
        assert tl.head().seq == 3 and tl.verify().ok
