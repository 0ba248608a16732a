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

- ``events``: one row per run of versions of an event's stream (its ``version``,
  ``retracted`` and ``content``): versions that change neither (a citation, a claim)
  recorded at the seqs right after the row's last one extend it, from
  ``first_version`` at ``valid_from`` up to ``version``;
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
import re
import sqlite3
from collections.abc import Collection, Generator, Iterable, Iterator, Mapping, Sequence
from typing import Any, Protocol

from citations import Reference
from timeline._collector import collector_paused
from timeline.domain import (
    Change,
    Citation,
    Claim,
    EventState,
    ReferenceState,
    decode,
    decode_claim,
    decode_reference,
)
from timeline.errors import UntrustedJournal
from timeline.journal import (
    UNTRUSTED_ADVICE,
    Record,
    SchemaObject,
    SQLiteJournal,
    normal_sql,
    schema_objects,
)
from timeline.views._port import (
    Batch,
    EventFields,
    EventQuery,
    EventTally,
    Progress,
    ReferenceRow,
    reference_rows,
)
from timeline.views._rows import (
    OPEN,
    VERSIONED,
    FieldsReader,
    RowWriter,
    citation_of,
    event_columns,
    event_states,
)

#: Bump when the tables change shape, or the form their rows hold: events, references and
#: citations are read back unchecked (``decode_event`` and ``decode_reference`` with
#: ``check=False``, ``decode_citation``), so a change to the form a checked one takes bumps
#: it too. An older checkpoint triggers a rebuild.
READ_MODEL_SCHEMA = 6

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

#: Objects of older layouts (READ_MODEL_SCHEMA 2; up to 4, the primary keys' indexes of
#: the tables now WITHOUT ROWID): accepted by type, dropped by a rebuild.
_OLDER = {
    "events_by_when": "index",
    "events_by_kind": "index",
    "citations_by_event": "index",
    "citations_by_key": "index",
    "sqlite_autoindex_events_1": "index",
    "sqlite_autoindex_event_actors_1": "index",
    "sqlite_autoindex_event_tags_1": "index",
    "sqlite_autoindex_citations_1": "index",
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
    first_version INTEGER NOT NULL,
    PRIMARY KEY (id, valid_from)
) WITHOUT ROWID;
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
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS event_actors_by_code ON event_actors (code);
CREATE TABLE IF NOT EXISTS event_tags (
    content INTEGER NOT NULL,
    tag TEXT NOT NULL,
    PRIMARY KEY (content, tag)
) WITHOUT ROWID;
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
) WITHOUT ROWID;
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


def _held(alias: str, as_of: int | None) -> tuple[str, list[int]]:
    """The condition that a row version of ``alias`` held at ``as_of`` (None: now)."""
    if as_of is None:
        return f"{alias}.valid_to = {OPEN}", []
    return f"{alias}.valid_from <= ? AND {alias}.valid_to > ?", [as_of, as_of]


#: The indexes a rebuild creates after loading the rows (the load reads rows by their
#: primary keys, and claims by event).
_INDEX = re.compile(r"CREATE INDEX IF NOT EXISTS (\w+)")
_DEFERRED = frozenset(_INDEX.findall(_DDL)) - {"claims_of_event"}

#: The versioned tables whose versions always end where the next begins (a rebuild
#: closes them all at once) and the column naming the entity.
_SUPERSEDED = {"events": "id", "bib_references": "key"}


def _create(conn: sqlite3.Connection, *, deferred: bool = True) -> None:
    """Create the tables and indexes that are missing (those of :data:`_DEFERRED` only
    when ``deferred``)."""
    for statement in _DDL.split(";"):
        name = _INDEX.search(statement)
        if statement.strip() and (deferred or name is None or name[1] not in _DEFERRED):
            conn.execute(statement)
    conn.execute(
        "INSERT OR IGNORE INTO readmodel_checkpoint (name, value) VALUES ('schema', ?), ('seq', 0)",
        (READ_MODEL_SCHEMA,),
    )


def _close_superseded(conn: sqlite3.Connection) -> None:
    """End each version of :data:`_SUPERSEDED` that a later one follows where that one
    begins: one window-function UPDATE per table, after a rebuild's load."""
    for table, key in _SUPERSEDED.items():
        conn.execute(
            f"UPDATE {table} SET valid_to = later.next FROM (SELECT {key} AS entity, valid_from, "
            f"lead(valid_from) OVER (PARTITION BY {key} ORDER BY valid_from) AS next "
            f"FROM {table}) AS later WHERE {table}.{key} = later.entity "
            f"AND {table}.valid_from = later.valid_from "
            f"AND later.next IS NOT NULL AND later.next < {table}.valid_to"
        )


@contextlib.contextmanager
def _savepoint(conn: sqlite3.Connection, name: str) -> Iterator[None]:
    """The block in savepoint ``name``: rolled back when it raises (while the transaction
    is still open: SQLite ends it itself on some errors), released when it ends."""
    conn.execute(f"SAVEPOINT {name}")
    try:
        yield
    except BaseException:
        if conn.in_transaction:
            conn.execute(f"ROLLBACK TO {name}")
            conn.execute(f"RELEASE {name}")
        raise
    conn.execute(f"RELEASE {name}")


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


_CITATION_COLUMNS = "event_id, key, locator, quote, supports"


def stored_reference(data: str) -> Reference:
    """The reference a ``bib_references.data`` column holds (unchecked)."""
    return decode_reference(json.loads(data), check=False)


class SQLiteViews:
    """The views as tables in a SQLite connection (the SQLite journal's, or one of their own).

    The connection's transactions are the journal's: :meth:`apply` writes
    inside the write transaction the journal opened, and queries read in its
    read snapshot.
    """

    def __init__(
        self,
        conn: sqlite3.Connection,
        path: str = ":memory:",
        *,
        journal: SQLiteJournal | None = None,
    ) -> None:
        self._conn = conn
        self._path = path
        self._journal = journal
        self._complete = True
        self._fields = FieldsReader()

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
        """Bring the tables up to date with ``batch``, in the caller's transaction, all
        or nothing: inside a savepoint, rolled back when a statement fails (while the
        transaction is still open: SQLite ends it itself on some errors).

        Called from the ``then`` callback of an append to ``journal`` (the one sharing
        the connection), it needs no savepoint: the append's transaction undoes what
        it wrote if it raises. A savepoint there would have SQLite copy each page it
        touches to a temporary sub-journal first (a revision: about 25 pages, a new
        temporary file each time)."""
        if not batch:
            return
        journal = self._journal
        if journal is not None and journal.calling_then:
            self._write(batch, loading=False)
            return
        with _savepoint(self._conn, "views_apply"):
            self._write(batch, loading=False)

    def _write(self, batch: Batch, *, loading: bool) -> None:
        """Write the row versions of ``batch`` in the transaction open on the connection;
        ``loading`` (a rebuild) leaves superseded versions to :func:`_close_superseded`."""
        if not batch:
            return
        writer = RowWriter(_Tables(self._conn, loading=loading), [c for _, c in batch])
        for record, change in batch:
            writer.apply(record, change)
        writer.flush(batch[-1][0].seq)

    def _apply_records(
        self, records: Iterable[Record], progress: Progress | None, *, loading: bool = False
    ) -> int:
        """Write ``records`` a chunk at a time, in the savepoint or transaction the caller
        opened (which undoes them all on a failure: a savepoint per chunk would only have
        SQLite copy each page first to a temporary sub-journal)."""
        count = 0
        chunk: list[tuple[Record, Change]] = []
        for record in records:
            chunk.append((record, decode(record)))
            count += 1
            if len(chunk) == _CHUNK:
                self._write(chunk, loading=loading)
                chunk = []
            if progress is not None and count % 1000 == 0:
                progress(count)
        self._write(chunk, loading=loading)
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
        """Drop the tables and build them again from ``records`` (the whole journal).

        The rows are loaded first, with only the indexes the load reads by; the
        versions that later ones supersede are closed by one UPDATE per table, and
        the other indexes are created last (each built once, not kept up to date
        row by row). All in one transaction: the half-built tables are never seen.

        Inside a transaction (the journal's) it builds in it, and a failure is undone
        with it: the caller rolls it back. A savepoint of its own there would have SQLite
        copy every page it reuses (those the dropped tables freed) to a temporary
        sub-journal first, as much as the old views hold. Outside one, it runs in a
        savepoint of its own.
        """
        conn = self._conn
        if conn.in_transaction:
            count = self._build(records, progress)
        else:
            with _savepoint(conn, "views_rebuild"):
                count = self._build(records, progress)
        self._complete = True
        return count

    def _build(self, records: Iterable[Record], progress: Progress | None) -> int:
        """Drop the tables and load them from ``records`` (see :meth:`rebuild`)."""
        conn = self._conn
        self.drop()
        _create(conn, deferred=False)
        count = self._apply_records(records, progress, loading=True)
        _close_superseded(conn)
        _create(conn)
        return count

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
            found.setdefault(row[0], []).append(citation_of(row))
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
        with collector_paused():
            return event_states(rows, self._citations(ids, as_of), self._claims(ids, as_of))

    def _select_events(
        self,
        where: list[str],
        params: list[Any],
        as_of: int | None,
        *,
        ids: bool = False,
        columns: str | None = None,
        ordered: bool = True,
    ) -> str:
        """The query of the events ``where`` selects (``ids``: their ids only, unordered;
        ``columns``: these, else those ``event_states`` reads; ``ordered``: in historical
        order)."""
        held, held_params = _held("e", as_of)
        params[:0] = held_params
        clause = " AND ".join(where) if where else "1"
        order = f" ORDER BY {_ORDER}" if ordered and not ids else ""
        columns = "e.id" if ids else columns or event_columns(as_of, "min")
        return (
            f"SELECT {columns} FROM event_contents c "
            f"JOIN events e ON e.content = c.content AND {held} WHERE {clause}{order}"
        )

    def event(self, event_id: str, *, as_of: int | None = None) -> EventState | None:
        """The event with this id (retracted or not), or None."""
        held, params = _held("e", as_of)
        rows = self._conn.execute(
            f"SELECT {event_columns(as_of, 'min')} FROM events e "
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

    def iter_events(
        self, query: EventQuery, *, as_of: int | None = None, page: int = 2000
    ) -> Generator[EventState, None, None]:
        """The events of :meth:`events`, read ``page`` at a time from one statement (each
        page's citations and claims with two more)."""
        where, params = _conditions(query, as_of)
        cursor = self._conn.execute(self._select_events(where, params, as_of), params)
        try:
            while rows := cursor.fetchmany(page):
                yield from self._event_views(rows, as_of)
        finally:
            cursor.close()

    def event_fields(
        self, query: EventQuery, names: tuple[str, ...], *, as_of: int | None = None
    ) -> list[EventFields]:
        """The events of :meth:`events` as the fields ``names`` of each, read from the
        contents' JSON in one statement."""
        where, params = _conditions(query, as_of)
        sql = self._select_events(where, params, as_of, columns="e.id, e.retracted, c.data")
        with collector_paused():
            return self._fields.read(self._conn.execute(sql, params), names)

    def cited_keys(self, query: EventQuery, *, as_of: int | None = None) -> list[str]:
        """The reference keys the events ``query`` selects cite, sorted (merges not followed)."""
        where, params = _conditions(query, as_of)
        events = self._select_events(where, params, as_of, ids=True)
        held, held_params = _held("x", as_of)
        rows = self._conn.execute(
            f"SELECT DISTINCT x.key FROM citations x WHERE {held} AND x.event_id IN ({events}) "
            "ORDER BY x.key",
            [*held_params, *params],
        )
        return [key for (key,) in rows]

    def event_tally(self, query: EventQuery, *, as_of: int | None = None) -> EventTally:
        """How many of the events ``query`` selects have a title in each language (the
        languages read from the contents' JSON), and how many of them are retracted."""
        where, params = _conditions(query, as_of)
        events = self._select_events(
            where, params, as_of, columns="e.retracted, c.data", ordered=False
        )
        rows = self._conn.execute(
            f"SELECT t.key, count(*) FROM ({events}) s, json_each(s.data, '$.title.text') t "
            "GROUP BY t.key UNION ALL "
            f"SELECT NULL, coalesce(sum(s.retracted), 0) FROM ({events}) s",
            [*params, *params],
        )
        titles = dict(rows)
        return EventTally(titles, titles.pop(None))

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
        with collector_paused():
            return [
                ReferenceState(stored_reference(data), version, merged)
                for data, version, merged in rows
            ]

    def reference_rows(
        self, keys: Iterable[str], *, as_of: int | None = None
    ) -> list[ReferenceRow]:
        """The references of ``keys`` (merged ones too) in key order, each decoded from its
        JSON when ``read``."""
        held, params = _held("r", as_of)
        rows = self._conn.execute(
            f"SELECT r.key, r.merged_into, r.data FROM bib_references r WHERE {held} "
            "AND r.key IN (SELECT value FROM json_each(?)) ORDER BY r.key",
            [*params, json.dumps(list(keys))],
        )
        return reference_rows(rows, stored_reference)

    def reference_keys(self, keys: Iterable[str], *, as_of: int | None = None) -> set[str]:
        """Those of ``keys`` that name a reference (merged or not), no reference read."""
        held, params = _held("r", as_of)
        rows = self._conn.execute(
            f"SELECT r.key FROM bib_references r WHERE {held} "
            "AND r.key IN (SELECT value FROM json_each(?))",
            [*params, json.dumps(list(keys))],
        )
        return {key for (key,) in rows}

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

    def keyed_rows(self, table: str) -> dict[tuple[Any, ...], tuple[Any, ...]]:
        """A table's rows by their key columns (``KEYS``), each with every column."""
        keys = KEYS[table]
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
        with contextlib.closing(SQLiteViews.in_memory(records).connection) as conn:
            found = row_differences(self, SQLiteViews(conn), limit)
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
KEYS: Mapping[str, tuple[str, ...]] = {
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


class _Tables:
    """The views' tables in a SQLite connection, as :class:`RowWriter` reads and writes them.

    While ``loading`` (a rebuild), the versions of :data:`_SUPERSEDED` that a batch
    ends are left open, so several versions of an entity may be open: the one that
    holds is the newest (each ``held_`` query returns the versions in ``valid_from``
    order, and the writer keeps the last).
    """

    def __init__(self, conn: sqlite3.Connection, *, loading: bool = False) -> None:
        self._conn = conn
        self._loading = loading

    def next_content(self) -> int:
        (first,) = self._conn.execute(
            "SELECT coalesce(max(content), 0) + 1 FROM event_contents"
        ).fetchone()
        return int(first)

    def held_events(self, event_ids: Sequence[str]) -> Iterable[Sequence[Any]]:
        return self._conn.execute(
            "SELECT e.id, e.version, e.retracted, e.content, e.valid_from, e.valid_to, "
            "e.first_version, c.data "
            f"FROM events e JOIN event_contents c USING (content) WHERE e.valid_to = {OPEN} "
            "AND e.id IN (SELECT value FROM json_each(?)) ORDER BY e.valid_from",
            (json.dumps(list(event_ids)),),
        )

    def held_references(self, keys: Sequence[str]) -> Iterable[Sequence[Any]]:
        return self._conn.execute(
            "SELECT key, version, entry_type, merged_into, valid_from, valid_to, data "
            f"FROM bib_references WHERE valid_to = {OPEN} "
            "AND key IN (SELECT value FROM json_each(?)) ORDER BY valid_from",
            (json.dumps(list(keys)),),
        )

    def held_claims(self, event_ids: Sequence[str]) -> Iterable[Sequence[Any]]:
        return self._conn.execute(
            f"SELECT * FROM claims WHERE valid_to = {OPEN} "
            "AND event_id IN (SELECT value FROM json_each(?))",
            (json.dumps(list(event_ids)),),
        )

    def write(
        self,
        closed: Mapping[str, Sequence[tuple[int, str]]],
        extended: Sequence[tuple[int, str, int]],
        rows: Sequence[tuple[str, Sequence[Sequence[Any]]]],
        seq: int,
    ) -> None:
        conn = self._conn
        if extended:
            conn.executemany(
                "UPDATE events SET version = ? WHERE id = ? AND valid_from = ?", extended
            )
        for table, ended in closed.items():
            if ended and not (self._loading and table in _SUPERSEDED):
                conn.executemany(
                    f"UPDATE {table} SET valid_to = ? "
                    f"WHERE {VERSIONED[table]} = ? AND valid_to = {OPEN}",
                    ended,
                )
        for table, new in rows:
            if table == "event_text":
                conn.executemany(
                    "INSERT INTO event_text (rowid, event_id, lang, title, summary) "
                    "VALUES (?, ?, ?, ?, ?)",
                    new,
                )
                continue
            marks = ",".join("?" * len(new[0]))
            verb = "INSERT OR IGNORE" if table == "event_actors" else "INSERT"
            conn.executemany(f"{verb} INTO {table} VALUES ({marks})", new)
        conn.execute("UPDATE readmodel_checkpoint SET value = ? WHERE name = 'seq'", (seq,))


class KeyedRows(Protocol):
    """A views adapter whose tables can be read by their ``KEYS``."""

    def keyed_rows(self, table: str) -> dict[tuple[Any, ...], tuple[Any, ...]]: ...


def row_differences(stored: KeyedRows, journal: KeyedRows, limit: int) -> list[str]:
    """The rows of ``stored`` that differ from ``journal``'s (a replay of the journal),
    each naming its table and key, at most ``limit``."""
    found: list[str] = []
    for table, keys in KEYS.items():
        have, want = stored.keyed_rows(table), journal.keyed_rows(table)
        for key in sorted(have.keys() | want.keys(), key=repr):
            if have.get(key) == want.get(key):
                continue
            what = ", ".join(f"{name}={value!r}" for name, value in zip(keys, key, strict=True))
            state = (
                "is not in the journal"
                if key not in want
                else "is missing"
                if key not in have
                else "differs from the journal"
            )
            found.append(f"{table} row {what} {state}")
            if len(found) >= limit:
                return found
    return found
