"""The SQLite views: plain tables beside the journal, kept in step with it.

Each change is applied by :func:`apply` inside the transaction that appends its
record, and ``readmodel_checkpoint`` remembers the last applied ``seq``, so the
tables are never ahead of or behind the journal. They can be dropped and rebuilt
from the journal at any time (:func:`rebuild`). The tables (documented in
``docs/reference/read-models.md``):

- ``events``: one row per event (``data`` is the event as JSON; ``lower`` and
  ``upper`` are its day bounds as Julian Day Numbers), ``retracted`` 0 or 1;
- ``event_actors``, ``event_tags``: one row per actor / tag of an event;
- ``event_text``: FTS5 (trigram) index of titles and summaries per language;
- ``bib_references``: one row per reference (``merged_into`` set once merged);
- ``citations``: one row per citation of an event.
"""

from __future__ import annotations

import functools
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from citations import Reference
from timeline.domain import (
    Change,
    Citation,
    CitationAdded,
    CitationRemoved,
    Event,
    EventRecorded,
    EventRestored,
    EventRetracted,
    EventRevised,
    ReferenceAdded,
    ReferenceAmended,
    ReferenceMerged,
    decode,
    decode_event,
    decode_reference,
    encode_event,
    encode_reference,
)
from timeline.errors import UntrustedJournal
from timeline.journal import Record
from timeline.journal._sqlite import UNTRUSTED_ADVICE, SchemaObject, normal_sql, schema_objects

#: Bump when the tables change shape; an older checkpoint triggers a rebuild.
READ_MODEL_SCHEMA = 2

#: Languages indexed for full-text search per event (rowid slots in event_text).
_TEXT_SLOTS = 64

#: ORDER BY clause giving events in the historical total order of their dates.
EVENT_ORDER = "lower, upper DESC, sort_seconds, when_edtf, id"

_TABLES = ("events", "event_actors", "event_tags", "event_text", "bib_references", "citations")

_DDL = """
CREATE TABLE IF NOT EXISTS readmodel_checkpoint (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
    id TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    when_edtf TEXT NOT NULL,
    lower INTEGER NOT NULL,
    upper INTEGER NOT NULL,
    sort_seconds INTEGER NOT NULL,
    kind TEXT NOT NULL,
    importance INTEGER NOT NULL,
    retracted INTEGER NOT NULL DEFAULT 0,
    recorded_seq INTEGER NOT NULL,
    updated_seq INTEGER NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_by_when
    ON events (lower, upper DESC, sort_seconds, when_edtf, id);
CREATE INDEX IF NOT EXISTS events_by_kind ON events (kind);
CREATE TABLE IF NOT EXISTS event_actors (
    event_id TEXT NOT NULL,
    code TEXT NOT NULL,
    role TEXT NOT NULL,
    PRIMARY KEY (event_id, code, role)
);
CREATE INDEX IF NOT EXISTS event_actors_by_code ON event_actors (code);
CREATE TABLE IF NOT EXISTS event_tags (
    event_id TEXT NOT NULL,
    tag TEXT NOT NULL,
    PRIMARY KEY (event_id, tag)
);
CREATE INDEX IF NOT EXISTS event_tags_by_tag ON event_tags (tag);
CREATE VIRTUAL TABLE IF NOT EXISTS event_text USING fts5 (
    event_id UNINDEXED, lang UNINDEXED, title, summary, tokenize = 'trigram'
);
CREATE TABLE IF NOT EXISTS bib_references (
    key TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    entry_type TEXT NOT NULL,
    merged_into TEXT,
    added_seq INTEGER NOT NULL,
    updated_seq INTEGER NOT NULL,
    data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS citations (
    id TEXT PRIMARY KEY,
    event_id TEXT NOT NULL,
    key TEXT NOT NULL,
    locator TEXT NOT NULL,
    quote TEXT NOT NULL,
    supports TEXT NOT NULL,
    seq INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS citations_by_event ON citations (event_id, seq);
CREATE INDEX IF NOT EXISTS citations_by_key ON citations (key);
"""


_json = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode


def create(conn: sqlite3.Connection) -> None:
    """Create the read-model tables if they do not exist."""
    for statement in _DDL.split(";"):
        if statement.strip():
            conn.execute(statement)
    conn.execute(
        "INSERT OR IGNORE INTO readmodel_checkpoint (name, value) VALUES ('schema', ?), ('seq', 0)",
        (READ_MODEL_SCHEMA,),
    )


#: FTS5 keeps its index in these tables; their SQL is SQLite's, so only their type is checked.
_SHADOW_PREFIX = "event_text_"


@functools.cache
def _expected() -> Mapping[str, tuple[str, str | None]]:
    """The read models' objects by name: (type, normalised SQL), made by :func:`create`."""
    conn = sqlite3.connect(":memory:")
    create(conn)
    found = {item.name: (item.type, normal_sql(item.sql)) for item in schema_objects(conn)}
    conn.close()
    return found


def check_objects(conn: sqlite3.Connection, objects: Sequence[SchemaObject], path: str) -> bool:
    """Check the file's objects besides the journal's against the read models' own.

    Raises :class:`UntrustedJournal` naming an object that is not a read model's
    or was altered. Read models of an older layout (their checkpoint says so)
    are only checked by type: they are dropped and rebuilt before use. Returns
    False when some read-model table is missing (they need a rebuild).
    """
    expected = _expected()
    by_name = {item.name: item for item in objects}
    for item in objects:
        known = expected.get(item.name)
        if known is None and item.name.startswith(_SHADOW_PREFIX) and item.type == "table":
            continue
        if known is None and item.type == "table" and item.name.startswith("sqlite_stat"):
            continue  # ANALYZE's statistics
        if known is None:
            raise UntrustedJournal(
                f"{path}: holds a {item.type} {item.name!r} (on {item.table!r}) that timeline "
                f"did not create; {UNTRUSTED_ADVICE}"
            )
        if item.type != known[0]:
            raise UntrustedJournal(
                f"{path}: {item.name!r} is a {item.type}, not the {known[0]} timeline creates; "
                f"{UNTRUSTED_ADVICE}"
            )
    marker = by_name.get("readmodel_checkpoint")
    if marker is None:
        return False
    if normal_sql(marker.sql) != expected["readmodel_checkpoint"][1]:
        raise UntrustedJournal(
            f"{path}: the table 'readmodel_checkpoint' is not the one timeline creates; "
            f"{UNTRUSTED_ADVICE}"
        )
    state = checkpoint(conn)
    if state is None or state[0] != READ_MODEL_SCHEMA:
        return True  # an older layout: rebuilt on opening for writing
    for item in objects:
        known = expected.get(item.name)
        if known is not None and normal_sql(item.sql) != known[1]:
            raise UntrustedJournal(
                f"{path}: the {item.type} {item.name!r} is not the one timeline creates "
                f"(it was altered); {UNTRUSTED_ADVICE}"
            )
    return set(expected) <= set(by_name)


def replayed(records: Iterable[Record]) -> sqlite3.Connection:
    """Read models of ``records`` in a new in-memory database (the caller closes it)."""
    conn = sqlite3.connect(":memory:")
    create(conn)
    apply_records(conn, records)
    return conn


def drop(conn: sqlite3.Connection) -> None:
    """Drop every read-model table (the journal is untouched)."""
    for table in (*_TABLES, "readmodel_checkpoint"):
        conn.execute(f"DROP TABLE IF EXISTS {table}")


def checkpoint(conn: sqlite3.Connection) -> tuple[int, int] | None:
    """``(schema, seq)`` of the read models, or None when they do not exist."""
    try:
        rows = dict(conn.execute("SELECT name, value FROM readmodel_checkpoint").fetchall())
    except sqlite3.OperationalError:
        return None
    return int(rows.get("schema", 0)), int(rows.get("seq", 0))


# -- applying changes --------------------------------------------------------


def load_event(conn: sqlite3.Connection, event_id: str) -> tuple[Event, int, bool] | None:
    """``(event, stream version, retracted)`` from the read model, or None."""
    row = conn.execute(
        "SELECT data, version, retracted FROM events WHERE id = ?", (event_id,)
    ).fetchone()
    if row is None:
        return None
    return decode_event(json.loads(row[0])), int(row[1]), bool(row[2])


def load_reference(conn: sqlite3.Connection, key: str) -> tuple[Reference, int, str | None] | None:
    """``(reference, stream version, merged_into)`` from the read model, or None."""
    row = conn.execute(
        "SELECT data, version, merged_into FROM bib_references WHERE key = ?", (key,)
    ).fetchone()
    if row is None:
        return None
    return decode_reference(json.loads(row[0])), int(row[1]), row[2]


def _index_event(conn: sqlite3.Connection, event: Event, *, new: bool) -> None:
    # event_text rows of an event have rowids events.rowid * 64 + n, so they are
    # found by a rowid range (FTS5 cannot index event_id).
    (rowid,) = conn.execute("SELECT rowid FROM events WHERE id = ?", (event.id,)).fetchone()
    base = rowid * _TEXT_SLOTS
    if not new:
        conn.execute("DELETE FROM event_actors WHERE event_id = ?", (event.id,))
        conn.execute("DELETE FROM event_tags WHERE event_id = ?", (event.id,))
        conn.execute(
            "DELETE FROM event_text WHERE rowid BETWEEN ? AND ?", (base, base + _TEXT_SLOTS - 1)
        )
    if event.actors:
        conn.executemany(
            "INSERT OR IGNORE INTO event_actors (event_id, code, role) VALUES (?, ?, ?)",
            [(event.id, actor.code, actor.role) for actor in event.actors],
        )
    if event.tags:
        conn.executemany(
            "INSERT INTO event_tags (event_id, tag) VALUES (?, ?)",
            [(event.id, tag) for tag in event.tags],
        )
    titles = event.title.as_dict()
    summaries = event.summary.as_dict()
    languages = sorted(set(titles) | set(summaries))[:_TEXT_SLOTS]
    conn.executemany(
        "INSERT INTO event_text (rowid, event_id, lang, title, summary) VALUES (?, ?, ?, ?, ?)",
        [
            (base + n, event.id, lang, titles.get(lang, ""), summaries.get(lang, ""))
            for n, lang in enumerate(languages)
        ],
    )


def _store_event(conn: sqlite3.Connection, event: Event, record: Record, *, new: bool) -> None:
    lower, upper = event.when.bounds
    data = encode_event(event)
    conn.execute(
        """INSERT INTO events (id, version, when_edtf, lower, upper, sort_seconds, kind,
                               importance, retracted, recorded_seq, updated_seq, data)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET
               version = excluded.version, when_edtf = excluded.when_edtf,
               lower = excluded.lower, upper = excluded.upper,
               sort_seconds = excluded.sort_seconds, kind = excluded.kind,
               importance = excluded.importance, updated_seq = excluded.updated_seq,
               data = excluded.data""",
        (
            event.id,
            record.version,
            data["when"],
            lower,
            upper,
            event.when.sort_key[2],
            event.kind,
            event.importance,
            record.seq,
            record.seq,
            _json(data),
        ),
    )
    _index_event(conn, event, new=new)


def _set_event_flag(
    conn: sqlite3.Connection, event_id: str, record: Record, retracted: bool
) -> None:
    conn.execute(
        "UPDATE events SET retracted = ?, version = ?, updated_seq = ? WHERE id = ?",
        (int(retracted), record.version, record.seq, event_id),
    )


def _store_reference(conn: sqlite3.Connection, reference: Reference, record: Record) -> None:
    conn.execute(
        """INSERT INTO bib_references (key, version, entry_type, merged_into, added_seq,
                                       updated_seq, data)
           VALUES (?, ?, ?, NULL, ?, ?, ?)
           ON CONFLICT (key) DO UPDATE SET
               version = excluded.version, entry_type = excluded.entry_type,
               updated_seq = excluded.updated_seq, data = excluded.data""",
        (
            reference.key,
            record.version,
            reference.entry_type,
            record.seq,
            record.seq,
            _json(encode_reference(reference)),
        ),
    )


def _store_citation(conn: sqlite3.Connection, citation: Citation, record: Record) -> None:
    conn.execute(
        """INSERT INTO citations (id, event_id, key, locator, quote, supports, seq)
           VALUES (?, ?, ?, ?, ?, ?, ?)""",
        (
            citation.id,
            citation.event_id,
            citation.key,
            citation.locator,
            citation.quote,
            _json(list(citation.supports)),
            record.seq,
        ),
    )
    conn.execute(
        "UPDATE events SET version = ?, updated_seq = ? WHERE id = ?",
        (record.version, record.seq, citation.event_id),
    )


def apply(conn: sqlite3.Connection, record: Record, change: Change) -> None:
    """Bring the read models up to date with one record and the change it states."""
    _apply_change(conn, record, change)
    _set_checkpoint(conn, record.seq)


def _set_checkpoint(conn: sqlite3.Connection, seq: int) -> None:
    conn.execute("UPDATE readmodel_checkpoint SET value = ? WHERE name = 'seq'", (seq,))


def _apply_change(conn: sqlite3.Connection, record: Record, change: Change) -> None:
    match change:
        case EventRecorded(event=event):
            _store_event(conn, event, record, new=True)
        case EventRevised(event_id=event_id):
            current = load_event(conn, event_id)
            if current is not None:
                _store_event(conn, change.apply(current[0]), record, new=False)
        case EventRetracted(event_id=event_id):
            _set_event_flag(conn, event_id, record, retracted=True)
        case EventRestored(event_id=event_id):
            _set_event_flag(conn, event_id, record, retracted=False)
        case ReferenceAdded(reference=reference) | ReferenceAmended(reference=reference):
            _store_reference(conn, reference, record)
        case ReferenceMerged(key=key, into=into):
            conn.execute(
                "UPDATE bib_references SET merged_into = ?, version = ?, updated_seq = ? "
                "WHERE key = ?",
                (into, record.version, record.seq, key),
            )
        case CitationAdded(citation=citation):
            _store_citation(conn, citation, record)
        case CitationRemoved(event_id=event_id, citation_id=citation_id):
            conn.execute("DELETE FROM citations WHERE id = ?", (citation_id,))
            conn.execute(
                "UPDATE events SET version = ?, updated_seq = ? WHERE id = ?",
                (record.version, record.seq, event_id),
            )


def apply_records(
    conn: sqlite3.Connection,
    records: Iterable[Record],
    progress: Callable[[int], None] | None = None,
) -> int:
    """Apply records in order, calling ``progress`` with the count every 1000; return the count.

    The checkpoint moves once, after the last record (the caller's transaction
    makes the whole run atomic).
    """
    count = 0
    record = None
    for record in records:
        _apply_change(conn, record, decode(record))
        count += 1
        if progress is not None and count % 1000 == 0:
            progress(count)
    if record is not None:
        _set_checkpoint(conn, record.seq)
    if progress is not None:
        progress(count)
    return count


def rebuild(
    conn: sqlite3.Connection,
    records: Iterable[Record],
    progress: Callable[[int], None] | None = None,
) -> int:
    """Drop the read models and rebuild them from ``records`` (the whole journal)."""
    drop(conn)
    create(conn)
    return apply_records(conn, records, progress)


def snapshot(conn: sqlite3.Connection) -> Iterator[tuple[str, list[tuple[Any, ...]]]]:
    """Every read-model table's rows in a stable order, for comparing two read models."""
    for table in (*_TABLES, "readmodel_checkpoint"):
        columns = [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]
        order = ", ".join(columns)
        yield table, conn.execute(f"SELECT {order} FROM {table} ORDER BY {order}").fetchall()


#: Each table's key columns (how a differing row is named) and its other columns.
_KEYS: Mapping[str, tuple[str, ...]] = {
    "readmodel_checkpoint": ("name",),
    "events": ("id",),
    "event_actors": ("event_id", "code", "role"),
    "event_tags": ("event_id", "tag"),
    "event_text": ("rowid",),
    "bib_references": ("key",),
    "citations": ("id",),
}


def _rows(conn: sqlite3.Connection, table: str) -> dict[tuple[Any, ...], tuple[Any, ...]]:
    keys = _KEYS[table]
    columns = [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]
    if table in ("events", "event_text"):
        columns.append("rowid")  # event_text rows are found by the events' rowids
    order = ", ".join(keys)
    rows = conn.execute(f"SELECT {order}, {', '.join(columns)} FROM {table} ORDER BY {order}")
    return {row[: len(keys)]: row[len(keys) :] for row in rows}


def differences(
    conn: sqlite3.Connection, records: Iterable[Record], *, limit: int = 5
) -> tuple[str, ...]:
    """Where the read models in ``conn`` differ from a replay of ``records``.

    ``records`` are the journal's up to the read models' checkpoint. Each
    difference names the table and the row's key (at most ``limit`` of them).
    """
    fresh = replayed(records)
    try:
        found: list[str] = []
        for table, keys in _KEYS.items():
            stored, journal = _rows(conn, table), _rows(fresh, table)
            for key in sorted(stored.keys() | journal.keys(), key=repr):
                if stored.get(key) == journal.get(key):
                    continue
                what = ", ".join(f"{name}={value!r}" for name, value in zip(keys, key, strict=True))
                state = (
                    "is not in the journal"
                    if key not in journal
                    else "is missing"
                    if key not in stored
                    else "differs from the journal"
                )
                found.append(f"{table} row {what} {state}")
                if len(found) >= limit:
                    return tuple(found)
        return tuple(found)
    finally:
        fresh.close()


_SHADOWS = ("data", "idx", "content", "docsize", "config")


def text_index_damage(conn: sqlite3.Connection) -> str:
    """What FTS5's integrity check finds wrong with the full-text index ("" when sound).

    The check is a write statement, so it runs on a copy of the index (read in
    the caller's snapshot) in an in-memory database; the file is only read.
    """
    statement = next(part for part in _DDL.split(";") if "VIRTUAL TABLE" in part)
    copy = sqlite3.connect(":memory:", isolation_level=None)
    try:
        copy.execute(statement)
        copy.execute("BEGIN")
        for shadow in _SHADOWS:
            table = f"event_text_{shadow}"
            rows = conn.execute(f"SELECT * FROM {table}")
            copy.execute(f"DELETE FROM {table}")
            width = len(rows.description)
            copy.executemany(f"INSERT INTO {table} VALUES ({','.join('?' * width)})", rows)
        copy.execute("INSERT INTO event_text (event_text) VALUES ('integrity-check')")
        copy.execute("COMMIT")
    except sqlite3.DatabaseError as exc:
        return f"the full-text index of event_text is damaged (SQLite says {exc})"
    finally:
        copy.close()
    return ""
