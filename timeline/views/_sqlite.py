"""The SQLite views: tables beside the journal, in its file, kept in step with it.

Each batch of changes is applied by :meth:`SQLiteViews.apply` inside the
transaction that appends its records, and ``readmodel_checkpoint`` remembers
the last applied ``seq``, so the tables are never ahead of or behind the
journal. They can be dropped and rebuilt from the journal at any time.

Rows are versioned (as SQL:2011 system-versioned tables): each row version
holds from journal ``seq`` ``valid_from`` until ``valid_to`` (``2**62``
while it still holds), so a query as of an earlier ``seq`` reads the row
versions that held then and nothing is replayed. The tables (documented in
``docs/reference/read-models.md``):

- ``events``: one row per version of an event's stream (its ``version``,
  ``retracted`` and ``content``);
- ``event_contents``: one row per value of an event (``data`` is the event as
  JSON; ``lower`` and ``upper`` its day bounds as Julian Day Numbers), with
  ``event_actors``, ``event_tags`` and the FTS5 (trigram) ``event_text``;
- ``bib_references``: one row per version of a reference;
- ``citations``: one row per citation, from its adding to its removal;
- ``claims``: one row per version of a claim (``data`` the claim as JSON,
  ``followed`` the reason when the event's conclusion follows it), from its
  recording to its revision or withdrawal.
"""

from __future__ import annotations

import contextlib
import functools
import json
import sqlite3
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from typing import Any

from citations import Reference
from timeline.domain import (
    Change,
    Citation,
    CitationAdded,
    CitationRemoved,
    Claim,
    ClaimFollowed,
    ClaimRecorded,
    ClaimRevised,
    ClaimWithdrawn,
    Conclusion,
    Event,
    EventRecorded,
    EventRestored,
    EventRetracted,
    EventRevised,
    EventState,
    ReferenceAdded,
    ReferenceAmended,
    ReferenceMerged,
    ReferenceState,
    decode,
    decode_claim,
    decode_event,
    decode_reference,
    encode_claim,
    encode_event,
    encode_reference,
    order_claims,
)
from timeline.errors import UntrustedJournal
from timeline.journal import Record
from timeline.journal._sqlite import UNTRUSTED_ADVICE, SchemaObject, normal_sql, schema_objects
from timeline.views._port import Batch, EventQuery, Progress

#: Bump when the tables change shape; an older checkpoint triggers a rebuild.
READ_MODEL_SCHEMA = 4

#: ``valid_to`` of a row version that still holds.
OPEN = 1 << 62

#: Languages indexed for full-text search per event content (rowid slots in event_text).
_TEXT_SLOTS = 64

#: Records applied per batch by a rebuild or a catch-up (bounds the memory they take).
_CHUNK = 5000

#: ORDER BY clause giving event contents in the historical total order of their dates.
_ORDER = "c.lower, c.upper DESC, c.sort_seconds, c.when_edtf, c.id"

_TABLES = (
    "events",
    "event_contents",
    "event_actors",
    "event_tags",
    "event_text",
    "bib_references",
    "citations",
    "claims",
)

#: Objects of older layouts (READ_MODEL_SCHEMA 2): accepted by type, dropped by a rebuild.
_OLDER = {
    "events_by_when": "index",
    "events_by_kind": "index",
    "citations_by_event": "index",
    "citations_by_key": "index",
}

_DDL = f"""
CREATE TABLE IF NOT EXISTS readmodel_checkpoint (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
    id TEXT NOT NULL,
    version INTEGER NOT NULL,
    retracted INTEGER NOT NULL,
    content INTEGER NOT NULL,
    valid_from INTEGER NOT NULL,
    valid_to INTEGER NOT NULL DEFAULT {OPEN},
    PRIMARY KEY (id, valid_from)
);
CREATE INDEX IF NOT EXISTS events_held ON events (id, valid_to);
CREATE INDEX IF NOT EXISTS events_by_content ON events (content, valid_to);
CREATE TABLE IF NOT EXISTS event_contents (
    content INTEGER PRIMARY KEY,
    id TEXT NOT NULL,
    when_edtf TEXT NOT NULL,
    lower INTEGER NOT NULL,
    upper INTEGER NOT NULL,
    sort_seconds INTEGER NOT NULL,
    kind TEXT NOT NULL,
    importance INTEGER NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS event_contents_by_when
    ON event_contents (lower, upper DESC, sort_seconds, when_edtf, id);
CREATE INDEX IF NOT EXISTS event_contents_by_kind ON event_contents (kind);
CREATE TABLE IF NOT EXISTS event_actors (
    content INTEGER NOT NULL,
    code TEXT NOT NULL,
    role TEXT NOT NULL,
    PRIMARY KEY (content, code, role)
);
CREATE INDEX IF NOT EXISTS event_actors_by_code ON event_actors (code);
CREATE TABLE IF NOT EXISTS event_tags (
    content INTEGER NOT NULL,
    tag TEXT NOT NULL,
    PRIMARY KEY (content, tag)
);
CREATE INDEX IF NOT EXISTS event_tags_by_tag ON event_tags (tag);
CREATE VIRTUAL TABLE IF NOT EXISTS event_text USING fts5 (
    event_id UNINDEXED, lang UNINDEXED, title, summary, tokenize = 'trigram'
);
CREATE TABLE IF NOT EXISTS bib_references (
    key TEXT NOT NULL,
    version INTEGER NOT NULL,
    entry_type TEXT NOT NULL,
    merged_into TEXT,
    valid_from INTEGER NOT NULL,
    valid_to INTEGER NOT NULL DEFAULT {OPEN},
    data TEXT NOT NULL,
    PRIMARY KEY (key, valid_from)
);
CREATE INDEX IF NOT EXISTS bib_references_held ON bib_references (key, valid_to);
CREATE INDEX IF NOT EXISTS bib_references_by_merge ON bib_references (merged_into);
CREATE TABLE IF NOT EXISTS citations (
    id TEXT NOT NULL,
    event_id TEXT NOT NULL,
    key TEXT NOT NULL,
    locator TEXT NOT NULL,
    quote TEXT NOT NULL,
    supports TEXT NOT NULL,
    valid_from INTEGER NOT NULL,
    valid_to INTEGER NOT NULL DEFAULT {OPEN},
    PRIMARY KEY (id, valid_from)
);
CREATE INDEX IF NOT EXISTS citations_of_event ON citations (event_id, valid_to);
CREATE INDEX IF NOT EXISTS citations_of_key ON citations (key);
CREATE TABLE IF NOT EXISTS claims (
    id TEXT NOT NULL,
    event_id TEXT NOT NULL,
    citation_id TEXT NOT NULL,
    field TEXT NOT NULL,
    data TEXT NOT NULL,
    followed TEXT,
    valid_from INTEGER NOT NULL,
    valid_to INTEGER NOT NULL DEFAULT {OPEN},
    PRIMARY KEY (id, valid_from)
);
CREATE INDEX IF NOT EXISTS claims_of_event ON claims (event_id, valid_to);
"""

_json = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode


def _held(alias: str, as_of: int | None) -> tuple[str, list[int]]:
    """The condition that a row version of ``alias`` held at ``as_of`` (None: now)."""
    if as_of is None:
        return f"{alias}.valid_to = {OPEN}", []
    return f"{alias}.valid_from <= ? AND {alias}.valid_to > ?", [as_of, as_of]


def _create(conn: sqlite3.Connection) -> None:
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
    """The views' objects by name: (type, normalised SQL), as :func:`_create` makes them."""
    conn = sqlite3.connect(":memory:")
    _create(conn)
    found = {item.name: (item.type, normal_sql(item.sql)) for item in schema_objects(conn)}
    conn.close()
    return found


def _citation(row: Sequence[Any]) -> Citation:
    """A citation from ``event_id, key, locator, quote, supports`` columns."""
    return Citation(
        row[0], row[1], locator=row[2], quote=row[3], supports=tuple(json.loads(row[4]))
    )


_CITATION_COLUMNS = "event_id, key, locator, quote, supports"


class SQLiteViews:
    """The views as tables in a SQLite connection (the SQLite journal's, or one of their own).

    The connection's transactions are the journal's: :meth:`apply` writes
    inside the write transaction the journal opened, and queries read in its
    read snapshot.
    """

    def __init__(self, conn: sqlite3.Connection, path: str = ":memory:") -> None:
        self._conn = conn
        self._path = path
        self._complete = True

    @classmethod
    def in_memory(cls, records: Iterable[Record] = ()) -> SQLiteViews:
        """New views in a connection of their own, built from ``records``."""
        views = cls(sqlite3.connect(":memory:", isolation_level=None))
        views.rebuild(records)
        return views

    def replica(self, records: Iterable[Record]) -> SQLiteViews:
        """New views in memory (a connection of their own), built from ``records``."""
        return SQLiteViews.in_memory(records)

    @property
    def connection(self) -> sqlite3.Connection:
        """The connection the tables are in."""
        return self._conn

    # -- the file's objects ---------------------------------------------------

    def check_objects(self, objects: Sequence[SchemaObject]) -> bool:
        """Check the file's objects besides the journal's against the views' own.

        Raises :class:`UntrustedJournal` naming an object that is not a view's
        or was altered. Views of an older layout (their checkpoint says so) are
        only checked by type: they are dropped and rebuilt before use. Returns
        False when some table is missing (they need a rebuild).
        """
        path = self._path
        expected = _expected()
        by_name = {item.name: item for item in objects}
        for item in objects:
            known = expected.get(item.name)
            if known is None and item.name in _OLDER:
                known = (_OLDER[item.name], None)
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
                    f"{path}: {item.name!r} is a {item.type}, not the {known[0]} timeline "
                    f"creates; {UNTRUSTED_ADVICE}"
                )
        marker = by_name.get("readmodel_checkpoint")
        if marker is None:
            return False
        if normal_sql(marker.sql) != expected["readmodel_checkpoint"][1]:
            raise UntrustedJournal(
                f"{path}: the table 'readmodel_checkpoint' is not the one timeline creates; "
                f"{UNTRUSTED_ADVICE}"
            )
        if self._state() != READ_MODEL_SCHEMA:
            return True  # an older layout: rebuilt on opening for writing
        for item in objects:
            known = expected.get(item.name)
            if (known is None and item.name in _OLDER) or (
                known is not None and normal_sql(item.sql) != known[1]
            ):
                raise UntrustedJournal(
                    f"{path}: the {item.type} {item.name!r} is not the one timeline creates "
                    f"(it was altered); {UNTRUSTED_ADVICE}"
                )
        self._complete = set(expected) <= set(by_name)
        return self._complete

    def _state(self) -> int | None:
        """The layout version of the tables, or None when they do not exist."""
        try:
            row = self._conn.execute(
                "SELECT value FROM readmodel_checkpoint WHERE name = 'schema'"
            ).fetchone()
        except sqlite3.OperationalError:
            return None
        return int(row[0]) if row else 0

    def checkpoint(self) -> int | None:
        """The last ``seq`` applied, or None when the tables are missing or of an older layout."""
        if not self._complete or self._state() != READ_MODEL_SCHEMA:
            return None
        (seq,) = self._conn.execute(
            "SELECT value FROM readmodel_checkpoint WHERE name = 'seq'"
        ).fetchone()
        return int(seq)

    # -- applying changes -----------------------------------------------------

    def apply(self, batch: Batch) -> None:
        """Bring the tables up to date with ``batch``, in the caller's transaction."""
        if not batch:
            return
        writer = _Writer(self._conn, [change for _, change in batch])
        for record, change in batch:
            writer.apply(record, change)
        writer.flush(batch[-1][0].seq)

    def _apply_records(self, records: Iterable[Record], progress: Progress | None) -> int:
        count = 0
        chunk: list[tuple[Record, Change]] = []
        for record in records:
            chunk.append((record, decode(record)))
            count += 1
            if len(chunk) == _CHUNK:
                self.apply(chunk)
                chunk = []
            if progress is not None and count % 1000 == 0:
                progress(count)
        self.apply(chunk)
        if progress is not None:
            progress(count)
        return count

    def catch_up(self, records: Iterable[Record], progress: Progress | None = None) -> bool:
        """Apply ``records`` (those after the checkpoint); False, nothing applied, if they
        do not fit the tables (their checkpoint was set back)."""
        conn = self._conn
        conn.execute("SAVEPOINT catch_up")
        try:
            self._apply_records(records, progress)
        except (sqlite3.IntegrityError, LookupError, TypeError):
            conn.execute("ROLLBACK TO catch_up")
            conn.execute("RELEASE catch_up")
            return False
        conn.execute("RELEASE catch_up")
        return True

    def drop(self) -> None:
        """Drop every table of the views (the journal is untouched)."""
        for table in (*_TABLES, "readmodel_checkpoint"):
            self._conn.execute(f"DROP TABLE IF EXISTS {table}")

    def rebuild(self, records: Iterable[Record], progress: Progress | None = None) -> int:
        """Drop the tables and build them again from ``records`` (the whole journal)."""
        self.drop()
        _create(self._conn)
        self._complete = True
        return self._apply_records(records, progress)

    # -- queries --------------------------------------------------------------

    def _citations(self, event_ids: Sequence[str], as_of: int | None) -> dict[str, list[Citation]]:
        held, params = _held("x", as_of)
        if len(event_ids) == 1:
            which, ids = "x.event_id = ?", [event_ids[0]]
        else:
            which, ids = "x.event_id IN (SELECT value FROM json_each(?))", [json.dumps(event_ids)]
        rows = self._conn.execute(
            f"SELECT {_CITATION_COLUMNS} FROM citations x WHERE {which} AND {held} "
            "ORDER BY x.valid_from",
            [*ids, *params],
        )
        found: dict[str, list[Citation]] = {}
        for row in rows:
            found.setdefault(row[0], []).append(_citation(row))
        return found

    def _claims(
        self, event_ids: Sequence[str], as_of: int | None
    ) -> dict[str, list[tuple[Claim, str | None]]]:
        """Each event's claims that held at ``as_of``, with the reason it follows them."""
        held, params = _held("x", as_of)
        rows = self._conn.execute(
            "SELECT x.event_id, x.data, x.followed FROM claims x "
            f"WHERE x.event_id IN (SELECT value FROM json_each(?)) AND {held}",
            [json.dumps(list(event_ids)), *params],
        )
        found: dict[str, list[tuple[Claim, str | None]]] = {}
        for event_id, data, followed in rows:
            found.setdefault(event_id, []).append((decode_claim(json.loads(data)), followed))
        return found

    def _event_views(self, rows: list[Any], as_of: int | None) -> list[EventState]:
        if not rows:
            return []
        ids = [row[0] for row in rows]
        citations = self._citations(ids, as_of)
        claims = self._claims(ids, as_of)
        views = []
        for event_id, version, retracted, data in rows:
            cited = tuple(citations.get(event_id, ()))
            claimed = claims.get(event_id, [])
            conclusions = sorted(
                (Conclusion(c.field, c.id, why) for c, why in claimed if why is not None),
                key=lambda conclusion: conclusion.field,
            )
            views.append(
                EventState(
                    decode_event(json.loads(data)),
                    version,
                    bool(retracted),
                    cited,
                    order_claims(cited, (claim for claim, _ in claimed)),
                    tuple(conclusions),
                )
            )
        return views

    def _select_events(self, where: list[str], params: list[Any], as_of: int | None) -> str:
        held, held_params = _held("e", as_of)
        params[:0] = held_params
        clause = " AND ".join(where) if where else "1"
        return (
            "SELECT e.id, e.version, e.retracted, c.data FROM event_contents c "
            f"JOIN events e ON e.content = c.content AND {held} WHERE {clause} ORDER BY {_ORDER}"
        )

    def event(self, event_id: str, *, as_of: int | None = None) -> EventState | None:
        """The event with this id (retracted or not), or None."""
        held, params = _held("e", as_of)
        rows = self._conn.execute(
            "SELECT e.id, e.version, e.retracted, c.data FROM events e "
            f"JOIN event_contents c ON c.content = e.content WHERE e.id = ? AND {held}",
            [event_id, *params],
        ).fetchall()
        views = self._event_views(rows, as_of)
        return views[0] if views else None

    def events(self, query: EventQuery, *, as_of: int | None = None) -> list[EventState]:
        """The events ``query`` selects, in historical order."""
        where, params = _conditions(query, as_of)
        sql = self._select_events(where, params, as_of)
        return self._event_views(self._conn.execute(sql, params).fetchall(), as_of)

    def events_dated(
        self, lower: int, upper: int, *, title: Sequence[str] = (), as_of: int | None = None
    ) -> list[EventState]:
        """Events (retracted too) with exactly these bounds; when there are more than 32 and
        every text of ``title`` has 3 characters or more, only those whose title holds one."""
        where = ["c.lower = ?", "c.upper = ?"]
        params: list[Any] = [lower, upper]
        sql = self._select_events(list(where), list(params), as_of)
        held = _held("e", as_of)[1]
        rows = self._conn.execute(sql + " LIMIT 33", [*held, *params]).fetchall()
        if len(rows) > 32:
            texts = [text.strip() for text in title]
            if texts and all(len(text) >= 3 for text in texts):
                matches = " OR ".join(
                    "c.content IN (SELECT rowid / 64 FROM event_text WHERE title MATCH ?)"
                    for _ in texts
                )
                where.append(f"({matches})")
                params.extend('"' + text.replace('"', '""') + '"' for text in texts)
            sql = self._select_events(where, params, as_of)
            rows = self._conn.execute(sql, params).fetchall()
        return self._event_views(rows, as_of)

    def events_on(
        self, bounds: Collection[tuple[int, int]], *, as_of: int | None = None
    ) -> list[EventState]:
        """Events (retracted too) whose ``(lower, upper)`` day bounds are one of ``bounds``."""
        if not bounds:
            return []
        where = [
            "(c.lower, c.upper) IN (SELECT json_extract(value, '$[0]'), "
            "json_extract(value, '$[1]') FROM json_each(?))"
        ]
        params: list[Any] = [json.dumps(sorted(bounds))]
        sql = self._select_events(where, params, as_of)
        return self._event_views(self._conn.execute(sql, params).fetchall(), as_of)

    def reference(self, key: str, *, as_of: int | None = None) -> ReferenceState | None:
        """The reference with this key (merged or not), or None."""
        found = self.references(keys=[key], include_merged=True, as_of=as_of)
        return found[0] if found else None

    def references(
        self,
        *,
        keys: Iterable[str] | None = None,
        include_merged: bool = False,
        as_of: int | None = None,
    ) -> list[ReferenceState]:
        """References by key: all of them, or those of ``keys``; merged ones when asked."""
        held, held_params = _held("r", as_of)
        where, params = [held], list[Any](held_params)
        if keys is not None:
            wanted = list(keys)
            if len(wanted) == 1:
                where.append("r.key = ?")
                params.append(wanted[0])
            else:
                where.append("r.key IN (SELECT value FROM json_each(?))")
                params.append(json.dumps(wanted))
        if not include_merged:
            where.append("r.merged_into IS NULL")
        rows = self._conn.execute(
            f"SELECT r.data, r.version, r.merged_into FROM bib_references r "
            f"WHERE {' AND '.join(where)} ORDER BY r.key",
            params,
        )
        return [
            ReferenceState(decode_reference(json.loads(data)), version, merged)
            for data, version, merged in rows
        ]

    def merged_into(self, key: str, *, as_of: int | None = None) -> list[str]:
        """The keys of the references merged into ``key`` directly, sorted."""
        held, params = _held("r", as_of)
        rows = self._conn.execute(
            f"SELECT r.key FROM bib_references r WHERE r.merged_into = ? AND {held} ORDER BY r.key",
            [key, *params],
        )
        return [row[0] for row in rows]

    # -- checking -------------------------------------------------------------

    def snapshot(self) -> Iterator[tuple[str, list[tuple[Any, ...]]]]:
        """Every table's rows in a stable order, for comparing two sets of views."""
        for table in (*_TABLES, "readmodel_checkpoint"):
            columns = [row[1] for row in self._conn.execute(f"PRAGMA table_info({table})")]
            order = ", ".join(columns)
            rows = self._conn.execute(f"SELECT {order} FROM {table} ORDER BY {order}")
            yield table, rows.fetchall()

    def _rows(self, table: str) -> dict[tuple[Any, ...], tuple[Any, ...]]:
        keys = _KEYS[table]
        columns = [row[1] for row in self._conn.execute(f"PRAGMA table_info({table})")]
        if table == "event_text":
            columns.append("rowid")  # event_text rows are found by their contents' rowids
        order = ", ".join(keys)
        rows = self._conn.execute(
            f"SELECT {order}, {', '.join(columns)} FROM {table} ORDER BY {order}"
        )
        return {row[: len(keys)]: row[len(keys) :] for row in rows}

    def differences(self, records: Iterable[Record], *, limit: int = 5) -> tuple[str, ...]:
        """Where the tables differ from a replay of ``records`` (the journal's up to the
        checkpoint), each naming the table and the row's key (at most ``limit``), then what
        FTS5's integrity check finds wrong with the full-text index."""
        found: list[str] = []
        with contextlib.closing(SQLiteViews.in_memory(records).connection) as conn:
            fresh = SQLiteViews(conn)
            for table, keys in _KEYS.items():
                stored, journal = self._rows(table), fresh._rows(table)
                for key in sorted(stored.keys() | journal.keys(), key=repr):
                    if stored.get(key) == journal.get(key):
                        continue
                    what = ", ".join(
                        f"{name}={value!r}" for name, value in zip(keys, key, strict=True)
                    )
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
        damage = self.text_index_damage()
        return (*found, damage) if damage else tuple(found)

    def damage(self) -> str:
        """What SQLite's integrity check of the whole file finds wrong ("" when sound)."""
        damage = [row[0] for row in self._conn.execute("PRAGMA integrity_check(5)")]
        if damage == ["ok"]:
            return ""
        return "the file is damaged: SQLite's integrity check says " + "; ".join(damage)

    def text_index_damage(self) -> str:
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
                rows = self._conn.execute(f"SELECT * FROM {table}")
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


#: Each table's key columns (how a differing row is named).
_KEYS: Mapping[str, tuple[str, ...]] = {
    "readmodel_checkpoint": ("name",),
    "events": ("id", "valid_from"),
    "event_contents": ("id", "content"),
    "event_actors": ("content", "code", "role"),
    "event_tags": ("content", "tag"),
    "event_text": ("rowid",),
    "bib_references": ("key", "valid_from"),
    "citations": ("id", "valid_from"),
    "claims": ("id", "valid_from"),
}

_SHADOWS = ("data", "idx", "content", "docsize", "config")


def _conditions(query: EventQuery, as_of: int | None) -> tuple[list[str], list[Any]]:
    """The WHERE conditions (on contents ``c`` and event rows ``e``) selecting ``query``."""
    where: list[str] = []
    params: list[Any] = []
    if not query.include_retracted:
        where.append("e.retracted = 0")
    if query.ids is not None:
        where.append("e.id IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(sorted(query.ids)))
    if query.upper is not None:
        where.append("c.lower <= ?")
        params.append(query.upper)
    if query.lower is not None:
        where.append("c.upper >= ?")
        params.append(query.lower)
    for column, table, values in (
        ("code", "event_actors", query.actors),
        ("tag", "event_tags", query.tags),
    ):
        if values:
            marks = ",".join("?" * len(values))
            where.append(f"c.content IN (SELECT content FROM {table} WHERE {column} IN ({marks}))")
            params.extend(values)
    if query.categories:
        where.append(f"c.kind IN ({','.join('?' * len(query.categories))})")
        params.extend(query.categories)
    if query.importance is not None:
        where.append("c.importance >= ?")
        params.append(query.importance)
    if query.text:
        where.append(_text_condition(query.text, query.lang, params))
    if query.citing or query.unsourced:
        held, held_params = _held("x", as_of)
        if query.citing:
            marks = ",".join("?" * len(query.citing))
            where.append(
                f"e.id IN (SELECT x.event_id FROM citations x WHERE x.key IN ({marks}) AND {held})"
            )
            params.extend([*query.citing, *held_params])
        if query.unsourced:
            where.append(
                f"NOT EXISTS (SELECT 1 FROM citations x WHERE x.event_id = e.id AND {held})"
            )
            params.extend(held_params)
    if query.claimed:
        held, held_params = _held("x", as_of)
        where.append(f"EXISTS (SELECT 1 FROM claims x WHERE x.event_id = e.id AND {held})")
        params.extend(held_params)
    return where, params


def _text_condition(text: str, lang: str | None, params: list[Any]) -> str:
    lang_clause = " AND lang = ?" if lang else ""
    if len(text) >= 3:
        params.append('"' + text.replace('"', '""') + '"')
        condition = (
            "c.content IN (SELECT rowid / 64 FROM event_text "
            f"WHERE event_text MATCH ?{lang_clause})"
        )
    else:
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        params.extend([pattern, pattern])
        condition = (
            "c.content IN (SELECT rowid / 64 FROM event_text WHERE (title LIKE ? ESCAPE '\\' "
            f"OR summary LIKE ? ESCAPE '\\'){lang_clause})"
        )
    if lang:
        params.append(lang)
    return condition


#: Where ``valid_to`` is in a row of each versioned table.
_VALID_TO = {"events": 5, "bib_references": 5, "citations": 7, "claims": 7}


class _Writer:
    """New row versions for a batch of changes, written per table by :meth:`flush`.

    Rows written by this batch are kept (and updated) here; the rows of earlier
    batches are read from the tables, and the versions they end are closed by
    one UPDATE per table.
    """

    def __init__(self, conn: sqlite3.Connection, changes: Sequence[Change]) -> None:
        self._conn = conn
        (first,) = conn.execute(
            "SELECT coalesce(max(content), 0) + 1 FROM event_contents"
        ).fetchone()
        self._next_content: int = first
        self._events: dict[str, list[Any]] = {}  # id -> its newest row, written by this batch
        self._event_rows: list[list[Any]] = []
        self._contents: dict[int, Event] = {}
        self._content_rows: list[tuple[Any, ...]] = []
        self._actor_rows: list[tuple[Any, ...]] = []
        self._tag_rows: list[tuple[Any, ...]] = []
        self._text_rows: list[tuple[Any, ...]] = []
        self._references: dict[str, list[Any]] = {}
        self._reference_rows: list[list[Any]] = []
        self._citations: dict[str, list[Any]] = {}
        self._citation_rows: list[list[Any]] = []
        self._claim_rows: list[list[Any]] = []
        self._new_claims: set[str] = set()  # claims whose row that holds is this batch's
        self._closed: dict[str, list[tuple[int, str]]] = {
            "events": [],
            "bib_references": [],
            "citations": [],
            "claims": [],
        }
        self._held_events, self._held_references = self._read_held(changes)
        self._claims = self._read_claims(changes)

    def _read_held(
        self, changes: Sequence[Change]
    ) -> tuple[dict[str, list[Any]], dict[str, list[Any]]]:
        """The rows that hold now of the events and references ``changes`` touch, read
        with one query per table (so a batch costs the same queries at any size)."""
        event_ids: set[str] = set()
        keys: set[str] = set()
        for change in changes:
            match change:
                case EventRecorded(event=event):
                    event_ids.add(event.id)
                case CitationAdded(citation=citation):
                    event_ids.add(citation.event_id)
                case ReferenceAdded(reference=ref) | ReferenceAmended(reference=ref):
                    keys.add(ref.key)
                case ReferenceMerged(key=key):
                    keys.add(key)
                case _:
                    event_ids.add(change.event_id)
        events = self._conn.execute(
            "SELECT e.id, e.version, e.retracted, e.content, e.valid_from, e.valid_to, c.data "
            f"FROM events e JOIN event_contents c USING (content) WHERE e.valid_to = {OPEN} "
            "AND e.id IN (SELECT value FROM json_each(?))",
            (json.dumps(sorted(event_ids)),),
        )
        references = self._conn.execute(
            "SELECT key, version, entry_type, merged_into, valid_from, valid_to, data "
            f"FROM bib_references WHERE valid_to = {OPEN} "
            "AND key IN (SELECT value FROM json_each(?))",
            (json.dumps(sorted(keys)),),
        )
        return {row[0]: list(row) for row in events}, {row[0]: list(row) for row in references}

    def _read_claims(self, changes: Sequence[Change]) -> dict[str, list[Any]]:
        """The claim rows that hold now of the events whose claims ``changes`` may end."""
        event_ids = sorted(
            {
                change.event_id
                for change in changes
                if isinstance(
                    change, ClaimRevised | ClaimWithdrawn | ClaimFollowed | CitationRemoved
                )
            }
        )
        if not event_ids:
            return {}
        rows = self._conn.execute(
            f"SELECT * FROM claims WHERE valid_to = {OPEN} "
            "AND event_id IN (SELECT value FROM json_each(?))",
            (json.dumps(event_ids),),
        )
        return {row[0]: list(row) for row in rows}

    def _claim_version(self, claim_id: str, seq: int, row: list[Any] | None) -> None:
        """End the version of ``claim_id`` that holds now; ``row`` (if any) holds from ``seq``."""
        current = self._claims.pop(claim_id, None)
        if current is not None:
            in_batch = claim_id in self._new_claims
            self._close("claims", current if in_batch else None, claim_id, seq)
        self._new_claims.discard(claim_id)
        if row is not None:
            self._claim_rows.append(row)
            self._claims[claim_id] = row
            self._new_claims.add(claim_id)

    def _claim_row(self, claim: Claim, seq: int, followed: str | None) -> list[Any]:
        data = _json(encode_claim(claim))
        return [claim.id, claim.event_id, claim.citation_id, claim.field, data, followed, seq, OPEN]

    def _claimed(self, change: Change, seq: int) -> None:
        match change:
            case ClaimRecorded(claim=claim):
                self._claim_version(claim.id, seq, self._claim_row(claim, seq, None))
            case ClaimRevised(claim=claim):
                current = self._claims.get(claim.id)
                followed = current[5] if current is not None else None
                self._claim_version(claim.id, seq, self._claim_row(claim, seq, followed))
            case ClaimWithdrawn(claim_id=claim_id):
                self._claim_version(claim_id, seq, None)
            case ClaimFollowed(event_id=event_id, claim_id=claim_id, reason=reason):
                chosen = self._claims.get(claim_id)
                if chosen is None:
                    return
                for other in [row for row in self._claims.values() if row is not chosen]:
                    if other[1] == event_id and other[3] == chosen[3] and other[5] is not None:
                        self._claim_version(other[0], seq, [*other[:5], None, seq, OPEN])
                self._claim_version(claim_id, seq, [*chosen[:5], reason, seq, OPEN])
            case CitationRemoved(citation_id=citation_id):
                for claim_id in [k for k, row in self._claims.items() if row[2] == citation_id]:
                    self._claim_version(claim_id, seq, None)

    def apply(self, record: Record, change: Change) -> None:
        seq = record.seq
        match change:
            case EventRecorded(event=event):
                self._event_version(event.id, record, content=self._content(event))
            case EventRevised(event_id=event_id):
                current = self._current_event(event_id)
                if current is not None:
                    revised = change.apply(self._event_of(event_id, current[3]))
                    self._event_version(event_id, record, content=self._content(revised))
            case EventRetracted(event_id=event_id):
                self._event_version(event_id, record, retracted=True)
            case EventRestored(event_id=event_id):
                self._event_version(event_id, record, retracted=False)
            case ReferenceAdded(reference=reference) | ReferenceAmended(reference=reference):
                self._reference_version(reference.key, record, reference=reference)
            case ReferenceMerged(key=key, into=into):
                self._reference_version(key, record, merged_into=into)
            case CitationAdded(citation=c):
                row = [c.id, c.event_id, c.key, c.locator, c.quote, _json(list(c.supports)), seq]
                row.append(OPEN)
                self._citation_rows.append(row)
                self._citations[c.id] = row
                self._event_version(c.event_id, record)
            case CitationRemoved(event_id=event_id, citation_id=citation_id):
                self._close("citations", self._citations.pop(citation_id, None), citation_id, seq)
                self._claimed(change, seq)
                self._event_version(event_id, record)
            case ClaimRecorded() | ClaimRevised() | ClaimWithdrawn() | ClaimFollowed():
                self._claimed(change, seq)
                self._event_version(change.event_id, record)

    def _close(self, table: str, row: list[Any] | None, key: str, seq: int) -> None:
        """End the version of ``key`` that holds now: this batch's ``row``, or the table's."""
        if row is not None:
            row[_VALID_TO[table]] = seq
        else:
            self._closed[table].append((seq, key))

    def _content(self, event: Event) -> int:
        content = self._next_content
        self._next_content += 1
        self._contents[content] = event
        data = encode_event(event)
        lower, upper = event.when.bounds
        self._content_rows.append(
            (
                content,
                event.id,
                data["when"],
                lower,
                upper,
                event.when.sort_key[2],
                event.category,
                event.importance,
                _json(data),
            )
        )
        self._actor_rows.extend((content, actor.code, actor.role) for actor in event.actors)
        self._tag_rows.extend((content, tag) for tag in event.tags)
        titles = event.title.as_dict()
        summaries = event.summary.as_dict()
        languages = sorted(set(titles) | set(summaries))[:_TEXT_SLOTS]
        base = content * _TEXT_SLOTS
        self._text_rows.extend(
            (base + n, event.id, lang, titles.get(lang, ""), summaries.get(lang, ""))
            for n, lang in enumerate(languages)
        )
        return content

    def _event_of(self, event_id: str, content: int) -> Event:
        event = self._contents.get(content)
        if event is None:
            event = decode_event(json.loads(self._held_events[event_id][6]))
        return event

    def _current_event(self, event_id: str) -> list[Any] | None:
        """The row of ``event_id`` that holds now: this batch's, else the table's."""
        return self._events.get(event_id) or self._held_events.get(event_id)

    def _event_version(
        self,
        event_id: str,
        record: Record,
        *,
        content: int | None = None,
        retracted: bool | None = None,
    ) -> None:
        current = self._current_event(event_id)
        if current is None and content is None:
            return  # a change to an event the views do not hold: nothing to show
        if current is not None:
            self._close("events", self._events.get(event_id), event_id, record.seq)
        row = [
            event_id,
            record.version,
            int(retracted if retracted is not None else bool(current and current[2])),
            content if content is not None else current[3],  # type: ignore[index]
            record.seq,
            OPEN,
        ]
        self._event_rows.append(row)
        self._events[event_id] = row

    def _reference_version(
        self,
        key: str,
        record: Record,
        *,
        reference: Reference | None = None,
        merged_into: str | None = None,
    ) -> None:
        row = self._references.get(key)
        current = row or self._held_references.get(key)
        if current is None and reference is None:
            return
        if current is not None:
            self._close("bib_references", row, key, record.seq)
        new = [
            key,
            record.version,
            reference.entry_type if reference is not None else current[2],  # type: ignore[index]
            merged_into if merged_into is not None else (current[3] if current else None),
            record.seq,
            OPEN,
            _json(encode_reference(reference)) if reference is not None else current[6],  # type: ignore[index]
        ]
        self._reference_rows.append(new)
        self._references[key] = new

    def flush(self, seq: int) -> None:
        """Write the batch: versions ended first, then the new rows of each table."""
        conn = self._conn
        for table, closed in self._closed.items():
            if closed:
                column = "key" if table == "bib_references" else "id"
                conn.executemany(
                    f"UPDATE {table} SET valid_to = ? WHERE {column} = ? AND valid_to = {OPEN}",
                    closed,
                )
        inserts: list[tuple[str, Sequence[Sequence[Any]]]] = [
            ("event_contents", self._content_rows),
            ("event_actors", self._actor_rows),
            ("event_tags", self._tag_rows),
            ("events", self._event_rows),
            ("bib_references", self._reference_rows),
            ("citations", self._citation_rows),
            ("claims", self._claim_rows),
        ]
        for table, rows in inserts:
            if rows:
                marks = ",".join("?" * len(rows[0]))
                verb = "INSERT OR IGNORE" if table == "event_actors" else "INSERT"
                conn.executemany(f"{verb} INTO {table} VALUES ({marks})", rows)
        if self._text_rows:
            conn.executemany(
                "INSERT INTO event_text (rowid, event_id, lang, title, summary) "
                "VALUES (?, ?, ?, ?, ?)",
                self._text_rows,
            )
        conn.execute("UPDATE readmodel_checkpoint SET value = ? WHERE name = 'seq'", (seq,))
