"""The PostgreSQL views: the SQLite views' tables, in the journal's schema, on its connection.

:class:`PostgresViews` keeps the tables of ``docs/reference/read-models.md``
beside a :class:`~timeline.journal.PostgresJournal`'s records, in the same
schema and through the same connection, so a command's record and its view
rows commit in one transaction (the journal's advisory lock serialises the
writers). Row versions are bitemporal as in SQLite (``valid_from`` and
``valid_to`` journal ``seq`` numbers): an ``as_of`` query reads the versions
that held then, nothing is replayed. Every query runs in a snapshot of its own
taken when it starts, so a reader sees what other writers committed without
reopening.

Text search is a case-folded substring match (Python's ``str.casefold`` of the
titles and summaries is stored beside them, the searched text is folded the
same way, and ``LIKE`` finds it): it needs no extension (``pg_trgm`` is not
in every server) and, unlike splitting words at spaces, works for Chinese as
for Russian and English. ``event_grams`` indexes it: the distinct character
bigrams of each text row, so only the rows holding every bigram of the
searched text are matched. Its ``readmodel_checkpoint`` row ``grams`` is the
``seq`` it is up to date with; when that is not the views' ``seq`` (a version
of timeline without the index wrote) searches scan, and a writable open fills
it again.

PostgreSQL text cannot hold NUL, so the views store every text with NUL and
U+FFFF escaped (``\\uffff0`` and ``\\uffff\\uffff``) and unescape what they read.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import re
from collections.abc import Collection, Generator, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from timeline._collector import collector_paused
from timeline.domain import (
    Change,
    Citation,
    Claim,
    EventState,
    ReferenceState,
    decode,
    decode_claim,
)
from timeline.errors import JournalReadOnly, UntrustedJournal
from timeline.journal import PostgresJournal, Record
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
from timeline.views._sqlite import (
    KEYS,
    READ_MODEL_SCHEMA,
    SQLiteViews,
    row_differences,
    stored_reference,
)

if TYPE_CHECKING:
    import psycopg
    import psycopg.sql

__all__ = ["PostgresViews"]

#: Records applied per batch by a rebuild or a catch-up (bounds the memory they take).
_CHUNK = 5000

#: The table privileges a rebuild grants again (as aclexplode names them and GRANT spells
#: them; MAINTAIN is PostgreSQL 17's).
_PRIVILEGES = (
    *("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"),
    "MAINTAIN",
)

_ORDER = "c.lower, c.upper DESC, c.sort_seconds, c.when_edtf, c.id"

#: The numbers of :meth:`PostgresViews.iter_events`'s cursors (each open one named anew).
_CURSORS = itertools.count(1)
_IDLE = 0  # psycopg.pq.TransactionStatus.IDLE

#: Each table's columns, in the SQLite tables' order (``slot`` is event_text's rowid).
_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "readmodel_checkpoint": ("name", "value"),
    "events": ("id", "version", "retracted", "content", "valid_from", "valid_to", "first_version"),
    "event_contents": (
        *("content", "id", "when_edtf", "lower", "upper", "sort_seconds", "kind"),
        *("importance", "data"),
    ),
    "event_actors": ("content", "code", "role"),
    "event_tags": ("content", "tag"),
    "event_text": ("event_id", "lang", "title", "summary", "slot"),
    "event_grams": ("gram", "slot"),
    "bib_references": (
        *("key", "version", "entry_type", "merged_into", "valid_from", "valid_to", "data"),
    ),
    "citations": (
        *("id", "event_id", "key", "locator", "quote", "supports", "valid_from", "valid_to"),
    ),
    "claims": (
        *("id", "event_id", "citation_id", "field", "data", "followed", "valid_from"),
        "valid_to",
    ),
}

_T = 'text COLLATE "C" NOT NULL'  # byte order, as SQLite compares text

_GRAMS_TABLE = f"""CREATE TABLE IF NOT EXISTS {{s}}.event_grams (gram {_T},
    slot bigint NOT NULL, PRIMARY KEY (gram, slot))"""

_DDL = (
    f"CREATE TABLE {{s}}.readmodel_checkpoint (name {_T} PRIMARY KEY, value bigint NOT NULL)",
    f"""CREATE TABLE {{s}}.events (id {_T}, version bigint NOT NULL,
        retracted integer NOT NULL, content bigint NOT NULL, valid_from bigint NOT NULL,
        valid_to bigint NOT NULL, first_version bigint NOT NULL, PRIMARY KEY (id, valid_from))""",
    "CREATE INDEX events_held ON {s}.events (id, valid_to)",
    "CREATE INDEX events_by_content ON {s}.events (content, valid_to)",
    f"""CREATE TABLE {{s}}.event_contents (content bigint PRIMARY KEY, id {_T},
        when_edtf {_T}, lower bigint NOT NULL, upper bigint NOT NULL,
        sort_seconds bigint NOT NULL, kind {_T}, importance bigint NOT NULL, data {_T})""",
    """CREATE INDEX event_contents_by_when
        ON {s}.event_contents (lower, upper DESC, sort_seconds, when_edtf, id)""",
    "CREATE INDEX event_contents_by_kind ON {s}.event_contents (kind)",
    f"""CREATE TABLE {{s}}.event_actors (content bigint NOT NULL, code {_T}, role {_T},
        PRIMARY KEY (content, code, role))""",
    "CREATE INDEX event_actors_by_code ON {s}.event_actors (code)",
    f"""CREATE TABLE {{s}}.event_tags (content bigint NOT NULL, tag {_T},
        PRIMARY KEY (content, tag))""",
    "CREATE INDEX event_tags_by_tag ON {s}.event_tags (tag)",
    f"""CREATE TABLE {{s}}.event_text (slot bigint PRIMARY KEY, event_id {_T}, lang {_T},
        title {_T}, summary {_T}, title_folded {_T}, summary_folded {_T})""",
    _GRAMS_TABLE,
    f"""CREATE TABLE {{s}}.bib_references (key {_T}, version bigint NOT NULL,
        entry_type {_T}, merged_into text COLLATE "C", valid_from bigint NOT NULL,
        valid_to bigint NOT NULL, data {_T}, PRIMARY KEY (key, valid_from))""",
    "CREATE INDEX bib_references_held ON {s}.bib_references (key, valid_to)",
    "CREATE INDEX bib_references_by_merge ON {s}.bib_references (merged_into)",
    f"""CREATE TABLE {{s}}.citations (id {_T}, event_id {_T}, key {_T}, locator {_T},
        quote {_T}, supports {_T}, valid_from bigint NOT NULL, valid_to bigint NOT NULL,
        PRIMARY KEY (id, valid_from))""",
    "CREATE INDEX citations_of_event ON {s}.citations (event_id, valid_to)",
    "CREATE INDEX citations_of_key ON {s}.citations (key)",
    f"""CREATE TABLE {{s}}.claims (id {_T}, event_id {_T}, citation_id {_T}, field {_T},
        data {_T}, followed text COLLATE "C", valid_from bigint NOT NULL,
        valid_to bigint NOT NULL, PRIMARY KEY (id, valid_from))""",
    "CREATE INDEX claims_of_event ON {s}.claims (event_id, valid_to)",
)

_ESCAPED = re.compile("\uffff(.)", re.S)


def _put(value: Any) -> Any:
    """A value as stored: text with NUL and U+FFFF escaped."""
    if isinstance(value, str) and ("\x00" in value or "\uffff" in value):
        return value.replace("\uffff", "\uffff\uffff").replace("\x00", "\uffff0")
    return value


def _get(value: Any) -> Any:
    """A stored value as it was put."""
    if isinstance(value, str) and "\uffff" in value:
        return _ESCAPED.sub(lambda m: "\x00" if m[1] == "0" else m[1], value)
    return value


def _row(row: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(_get(value) for value in row)


def _texts(values: Iterable[str]) -> list[str]:
    return [_put(value) for value in values]


def fold(text: str) -> str:
    """Text as the search compares it: case-folded, without NUL."""
    return text.casefold().replace("\x00", "")


def grams(*texts: str) -> set[str]:
    """The distinct character bigrams of ``texts`` (folded), as ``event_grams`` holds them."""
    return {text[i : i + 2] for text in texts for i in range(len(text) - 1)}


def _held(alias: str, as_of: int | None) -> tuple[str, list[int]]:
    if as_of is None:
        return f"{alias}.valid_to = {OPEN}", []
    return f"{alias}.valid_from <= %s AND {alias}.valid_to > %s", [as_of, as_of]


class PostgresViews:
    """The views as tables in a :class:`PostgresJournal`'s schema, on its connection."""

    def __init__(self, journal: PostgresJournal) -> None:
        self._journal = journal
        self._conn: psycopg.Connection[Any] = journal.connection
        self._s = f'"{journal.target.schema}"'
        self._shown = journal.target.shown
        self._has_grams = False  # event_grams was seen (it is then never dropped for good)
        self._fields = FieldsReader()

    @contextlib.contextmanager
    def _reading(self) -> Iterator[psycopg.Connection[Any]]:
        """One snapshot for a query's statements (the caller's transaction, if any)."""
        with self._journal.typed_errors(), self._journal.read_transaction():
            yield self._conn

    @contextlib.contextmanager
    def _writing(self) -> Iterator[psycopg.Connection[Any]]:
        """The caller's transaction, or one of its own."""
        conn = self._conn
        with self._journal.typed_errors():
            if conn.info.transaction_status != _IDLE:
                yield conn
            else:
                with conn.transaction():
                    yield conn

    def _exists(self) -> bool:
        (found,) = self._conn.execute(
            "SELECT to_regclass(%s)", (f"{self._s}.readmodel_checkpoint",)
        ).fetchone() or (None,)
        return found is not None

    def open(self) -> None:
        """Create the tables when missing (not when read-only); refuse foreign triggers."""
        with self._journal.typed_errors():
            if not self._exists() and not self._journal.read_only:
                with self._journal.transaction():
                    if not self._exists():
                        self._create()
            if not self._journal.read_only and self._exists():
                self._index()
            triggers = self._conn.execute(
                "SELECT t.tgname, c.relname FROM pg_trigger t "
                "JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n "
                "ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relname = ANY(%s) "
                "AND NOT t.tgisinternal ORDER BY 1",
                (self._journal.target.schema, [name for name in _COLUMNS]),
            ).fetchall()
        if triggers:
            name, table = triggers[0]
            raise UntrustedJournal(
                f"{self._shown}: holds a trigger {name!r} on the views' table {table!r} that "
                f"timeline did not create; it could change what is read, so the journal is "
                f"not used (drop the trigger)"
            )

    def _create(self) -> None:
        for statement in _DDL:
            self._conn.execute(statement.replace("{s}", self._s))
        self._conn.execute(
            f"INSERT INTO {self._s}.readmodel_checkpoint VALUES ('schema', %s), ('seq', 0)",
            (READ_MODEL_SCHEMA,),
        )
        self._conn.execute(f"INSERT INTO {self._s}.readmodel_checkpoint VALUES ('grams', 0)")

    def _fresh(self) -> bool:
        """True when event_grams is up to date with the views (their ``seq``)."""
        found = dict(
            self._conn.execute(
                f"SELECT name, value FROM {self._s}.readmodel_checkpoint "
                "WHERE name IN ('seq', 'grams')"
            ).fetchall()
        )
        return "grams" in found and found["grams"] == found.get("seq")

    def _index(self) -> None:
        """Fill event_grams when it is missing or behind the views (a schema made before
        it, or written by a version without it); a role that may not do so leaves it."""
        if self._fresh():
            return
        s = self._s
        try:
            with self._journal.transaction():
                if self._fresh():
                    return
                conn = self._conn
                conn.execute(_GRAMS_TABLE.replace("{s}", s))
                conn.execute(f"DELETE FROM {s}.event_grams")
                last = -1
                while rows := conn.execute(
                    f"SELECT slot, title_folded, summary_folded FROM {s}.event_text "
                    f"WHERE slot > %s ORDER BY slot LIMIT {_CHUNK}",
                    (last,),
                ).fetchall():
                    _insert_grams(conn, s, rows)
                    last = rows[-1][0]
                conn.execute(
                    f"INSERT INTO {s}.readmodel_checkpoint SELECT 'grams', value "
                    f"FROM {s}.readmodel_checkpoint WHERE name = 'seq' "
                    "ON CONFLICT (name) DO UPDATE SET value = excluded.value"
                )
        except JournalReadOnly:
            return

    def _grams_kept(self) -> bool:
        """True when event_grams exists (then every write adds its rows' bigrams)."""
        if not self._has_grams:
            (found,) = self._conn.execute(
                "SELECT to_regclass(%s)", (f"{self._s}.event_grams",)
            ).fetchone() or (None,)
            self._has_grams = found is not None
        return self._has_grams

    def replica(self, records: Iterable[Record]) -> SQLiteViews:
        """Views of ``records`` held in memory (SQLite's: the same tables and answers)."""
        return SQLiteViews.in_memory(records)

    def checkpoint(self) -> int | None:
        """The last ``seq`` applied, or None when the tables are missing or of another layout."""
        with self._reading() as conn:
            if not self._exists():
                return None
            found = dict(
                conn.execute(f"SELECT name, value FROM {self._s}.readmodel_checkpoint").fetchall()
            )
        if found.get("schema") != READ_MODEL_SCHEMA:
            return None
        return int(found["seq"])

    # -- applying changes -----------------------------------------------------

    def apply(self, batch: Batch) -> None:
        """Bring the tables up to date with ``batch``, in the caller's transaction, all
        or nothing (in a savepoint, or a transaction of its own when none is open)."""
        if not batch:
            return
        with self._writing() as conn, conn.transaction():
            tables = _Tables(conn, self._s, grams=self._grams_kept())
            writer = RowWriter(tables, [change for _, change in batch])
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
        import psycopg

        try:
            with self._writing() as conn, conn.transaction():
                self._apply_records(records, progress)
        except (psycopg.IntegrityError, LookupError, TypeError):
            return False
        return True

    def rebuild(self, records: Iterable[Record], progress: Progress | None = None) -> int:
        """Drop the tables and build them again from ``records`` (the whole journal).

        The privileges other roles held on each table (the writer and reader roles'
        GRANTs) are granted again on the table built anew.
        """
        with self._writing() as conn:
            grants = self._grants(conn)
            for table in _COLUMNS:
                conn.execute(f"DROP TABLE IF EXISTS {self._s}.{table}")
            self._create()
            for statement in grants:
                conn.execute(statement)
            return self._apply_records(records, progress)

    def _grants(self, conn: psycopg.Connection[Any]) -> list[psycopg.sql.Composed]:
        """The GRANTs giving back what roles other than the owner may do on the tables."""
        from psycopg import sql

        rows = conn.execute(
            "SELECT c.relname, a.privilege_type, a.grantee, pg_get_userbyid(a.grantee), "
            "a.is_grantable FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "CROSS JOIN LATERAL aclexplode(c.relacl) a WHERE n.nspname = %s "
            "AND c.relname = ANY(%s) AND a.privilege_type = ANY(%s) AND a.grantee <> c.relowner "
            "ORDER BY 1, 3, 2",
            (self._journal.target.schema, list(_COLUMNS), list(_PRIVILEGES)),
        ).fetchall()
        return [
            sql.SQL("GRANT {} ON {}.{} TO {}{}").format(
                sql.SQL(privilege),  # one of _PRIVILEGES
                sql.Identifier(self._journal.target.schema),
                sql.Identifier(table),
                sql.SQL("PUBLIC") if grantee == 0 else sql.Identifier(name),
                sql.SQL(" WITH GRANT OPTION" if grantable else ""),
            )
            for table, privilege, grantee, name, grantable in rows
        ]

    # -- queries --------------------------------------------------------------

    def _citations(
        self, conn: psycopg.Connection[Any], event_ids: list[str], as_of: int | None
    ) -> dict[str, list[Citation]]:
        held, params = _held("x", as_of)
        rows = conn.execute(
            f"SELECT event_id, key, locator, quote, supports FROM {self._s}.citations x "
            f"WHERE x.event_id = ANY(%s) AND {held} ORDER BY x.valid_from",
            [_texts(event_ids), *params],
        )
        found: dict[str, list[Citation]] = {}
        for row in rows:
            values = _row(row)
            found.setdefault(values[0], []).append(citation_of(values))
        return found

    def _claims(
        self, conn: psycopg.Connection[Any], event_ids: list[str], as_of: int | None
    ) -> dict[str, list[tuple[Claim, str | None]]]:
        held, params = _held("x", as_of)
        rows = conn.execute(
            f"SELECT x.event_id, x.data, x.followed FROM {self._s}.claims x "
            f"WHERE x.event_id = ANY(%s) AND {held}",
            [_texts(event_ids), *params],
        )
        found: dict[str, list[tuple[Claim, str | None]]] = {}
        for row in rows:
            event_id, data, followed = _row(row)
            found.setdefault(event_id, []).append((decode_claim(json.loads(data)), followed))
        return found

    def _events(self, sql: str, params: Sequence[Any], as_of: int | None) -> list[EventState]:
        with self._reading() as conn:
            rows = [_row(row) for row in conn.execute(sql, params)]
            if not rows:
                return []
            ids = [row[0] for row in rows]
            with collector_paused():
                citations = self._citations(conn, ids, as_of)
                claims = self._claims(conn, ids, as_of)
        with collector_paused():
            return event_states(rows, citations, claims)

    def _select(
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
        clause = " AND ".join(where) if where else "true"
        columns = "e.id" if ids else columns or event_columns(as_of, "least")
        return (
            f"SELECT {columns} FROM {self._s}.event_contents c "
            f"JOIN {self._s}.events e ON e.content = c.content AND {held} WHERE {clause}"
            + ("" if ids or not ordered else f" ORDER BY {_ORDER}")
        )

    def iter_events(
        self, query: EventQuery, *, as_of: int | None = None, page: int = 2000
    ) -> Generator[EventState, None, None]:
        """The events of :meth:`events`, read ``page`` at a time through a server-side
        cursor (each page's citations and claims with two more statements), in one
        snapshot."""
        with self._reading() as conn:
            where, params = self._conditions(query, as_of)
            sql = self._select(where, params, as_of)
            with conn.cursor(name=f"timeline_events_{next(_CURSORS)}") as cursor:
                cursor.execute(sql, params)
                while rows := [_row(row) for row in cursor.fetchmany(page)]:
                    ids = [row[0] for row in rows]
                    with collector_paused():
                        citations = self._citations(conn, ids, as_of)
                        claims = self._claims(conn, ids, as_of)
                        views = event_states(rows, citations, claims)
                    yield from views

    def event_fields(
        self, query: EventQuery, names: tuple[str, ...], *, as_of: int | None = None
    ) -> list[EventFields]:
        """The events of :meth:`events` as the fields ``names`` of each, read from the
        contents' JSON in one statement."""
        with self._reading() as conn:
            where, params = self._conditions(query, as_of)
            sql = self._select(where, params, as_of, columns="e.id, e.retracted, c.data")
            rows = [_row(row) for row in conn.execute(sql, params)]
        with collector_paused():
            return self._fields.read(rows, names)

    def cited_keys(self, query: EventQuery, *, as_of: int | None = None) -> list[str]:
        """The reference keys the events ``query`` selects cite, sorted (merges not followed)."""
        held, held_params = _held("x", as_of)
        with self._reading() as conn:
            where, params = self._conditions(query, as_of)
            events = self._select(where, params, as_of, ids=True)
            rows = conn.execute(
                f"SELECT DISTINCT x.key FROM {self._s}.citations x "
                f"WHERE {held} AND x.event_id IN ({events})",
                [*held_params, *params],
            )
            return sorted(_get(key) for (key,) in rows)

    def event_tally(self, query: EventQuery, *, as_of: int | None = None) -> EventTally:
        """How many of the events ``query`` selects have a title in each language (the
        languages read from the contents' JSON), and how many of them are retracted."""
        with self._reading() as conn:
            where, params = self._conditions(query, as_of)
            events = self._select(
                where, params, as_of, columns="e.retracted, c.data", ordered=False
            )
            # (PostgreSQL reads no \u0000 in JSON: a language tag holds none, so in a
            # value it may be read as another character)
            titles = conn.execute(
                f"SELECT t.key, count(*) FROM ({events}) s, json_object_keys("
                "replace(s.data, E'\\\\u0000', E'\\\\ufffd')::json -> 'title' -> 'text') t (key) "
                "GROUP BY t.key",
                params,
            )
            found = {_get(lang): n for lang, n in titles}
            (retracted,) = conn.execute(
                f"SELECT coalesce(sum(s.retracted), 0) FROM ({events}) s", params
            ).fetchone() or (0,)
        return EventTally(found, retracted)

    def event(self, event_id: str, *, as_of: int | None = None) -> EventState | None:
        """The event with this id (retracted or not), or None."""
        params: list[Any] = [_put(event_id)]
        found = self._events(self._select(["e.id = %s"], params, as_of), params, as_of)
        return found[0] if found else None

    def events(self, query: EventQuery, *, as_of: int | None = None) -> list[EventState]:
        """The events ``query`` selects, in historical order."""
        with self._reading():
            where, params = self._conditions(query, as_of)
            return self._events(self._select(where, params, as_of), params, as_of)

    def events_dated(
        self, lower: int, upper: int, *, title: Sequence[str] = (), as_of: int | None = None
    ) -> list[EventState]:
        """Events (retracted too) with exactly these bounds; when there are more than 32 and
        every text of ``title`` has 3 characters or more, only those whose title holds one."""
        where = ["c.lower = %s", "c.upper = %s"]
        params: list[Any] = [lower, upper]
        first = list(params)
        found = self._events(self._select(list(where), first, as_of) + " LIMIT 33", first, as_of)
        if len(found) <= 32:
            return found
        texts = [text.strip() for text in title]
        if texts and all(len(text) >= 3 for text in texts):
            where.append(
                f"c.content IN (SELECT t.slot / 64 FROM {self._s}.event_text t "
                "WHERE t.title_folded LIKE ANY(%s))"
            )
            params.append([_pattern(text) for text in texts])
        return self._events(self._select(where, params, as_of), params, as_of)

    def events_on(
        self, bounds: Collection[tuple[int, int]], *, as_of: int | None = None
    ) -> list[EventState]:
        """Events (retracted too) whose ``(lower, upper)`` day bounds are one of ``bounds``."""
        if not bounds:
            return []
        pairs = sorted(bounds)
        where = ["(c.lower, c.upper) IN (SELECT * FROM unnest(%s::bigint[], %s::bigint[]))"]
        params: list[Any] = [[lower for lower, _ in pairs], [upper for _, upper in pairs]]
        return self._events(self._select(where, params, as_of), params, as_of)

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
            where.append("r.key = ANY(%s)")
            params.append(_texts(keys))
        if not include_merged:
            where.append("r.merged_into IS NULL")
        with self._reading() as conn:
            rows = conn.execute(
                f"SELECT r.data, r.version, r.merged_into FROM {self._s}.bib_references r "
                f"WHERE {' AND '.join(where)} ORDER BY r.key",
                params,
            ).fetchall()
        with collector_paused():
            return [
                ReferenceState(stored_reference(data), version, merged)
                for data, version, merged in map(_row, rows)
            ]

    def reference_rows(
        self, keys: Iterable[str], *, as_of: int | None = None
    ) -> list[ReferenceRow]:
        """The references of ``keys`` (merged ones too) in key order, each decoded from its
        JSON when ``read``."""
        held, params = _held("r", as_of)
        with self._reading() as conn:
            rows = conn.execute(
                f"SELECT r.key, r.merged_into, r.data FROM {self._s}.bib_references r "
                f"WHERE {held} AND r.key = ANY(%s) ORDER BY r.key",
                [*params, _texts(keys)],
            ).fetchall()
        return reference_rows(map(_row, rows), stored_reference)

    def reference_keys(self, keys: Iterable[str], *, as_of: int | None = None) -> set[str]:
        """Those of ``keys`` that name a reference (merged or not), no reference read."""
        held, params = _held("r", as_of)
        with self._reading() as conn:
            rows = conn.execute(
                f"SELECT r.key FROM {self._s}.bib_references r WHERE {held} AND r.key = ANY(%s)",
                [*params, _texts(keys)],
            ).fetchall()
        return {key for (key,) in map(_row, rows)}

    def merged_into(self, key: str, *, as_of: int | None = None) -> list[str]:
        """The keys of the references merged into ``key`` directly, sorted."""
        held, params = _held("r", as_of)
        with self._reading() as conn:
            rows = conn.execute(
                f"SELECT r.key FROM {self._s}.bib_references r "
                f"WHERE r.merged_into = %s AND {held} ORDER BY r.key",
                [_put(key), *params],
            ).fetchall()
        return [_get(row[0]) for row in rows]

    def _conditions(self, query: EventQuery, as_of: int | None) -> tuple[list[str], list[Any]]:
        """The WHERE conditions (on contents ``c`` and event rows ``e``) selecting ``query``
        (in the query's snapshot: a text search asks whether event_grams is up to date)."""
        s = self._s
        where: list[str] = []
        params: list[Any] = []
        if not query.include_retracted:
            where.append("e.retracted = 0")
        if query.ids is not None:
            where.append("e.id = ANY(%s)")
            params.append(_texts(sorted(query.ids)))
        if query.upper is not None:
            where.append("c.lower <= %s")
            params.append(query.upper)
        if query.lower is not None:
            where.append("c.upper >= %s")
            params.append(query.lower)
        for column, table, values in (
            ("code", "event_actors", query.actors),
            ("tag", "event_tags", query.tags),
        ):
            if values:
                where.append(
                    f"c.content IN (SELECT content FROM {s}.{table} WHERE {column} = ANY(%s))"
                )
                params.append(_texts(values))
        if query.categories:
            where.append("c.kind = ANY(%s)")
            params.append(_texts(query.categories))
        if query.importance is not None:
            where.append("c.importance >= %s")
            params.append(query.importance)
        if query.text and fold(query.text):
            wanted = sorted(grams(fold(query.text)))
            indexed = ""
            if wanted and self._fresh():
                indexed = (
                    f"t.slot IN (SELECT g.slot FROM {s}.event_grams g WHERE g.gram = ANY(%s) "
                    "GROUP BY g.slot HAVING count(*) = %s) AND "
                )
                params.extend([wanted, len(wanted)])
            pattern = _pattern(query.text)
            lang = " AND t.lang = %s" if query.lang else ""
            where.append(
                f"c.content IN (SELECT t.slot / 64 FROM {s}.event_text t WHERE {indexed}"
                f"(t.title_folded LIKE %s OR t.summary_folded LIKE %s){lang})"
            )
            params.extend([pattern, pattern, *([_put(query.lang)] if query.lang else [])])
        if query.citing or query.unsourced:
            held, held_params = _held("x", as_of)
            if query.citing:
                where.append(
                    f"e.id IN (SELECT x.event_id FROM {s}.citations x "
                    f"WHERE x.key = ANY(%s) AND {held})"
                )
                params.extend([_texts(query.citing), *held_params])
            if query.unsourced:
                where.append(
                    f"NOT EXISTS (SELECT 1 FROM {s}.citations x WHERE x.event_id = e.id AND {held})"
                )
                params.extend(held_params)
        if query.claimed:
            held, held_params = _held("x", as_of)
            where.append(f"EXISTS (SELECT 1 FROM {s}.claims x WHERE x.event_id = e.id AND {held})")
            params.extend(held_params)
        return where, params

    # -- checking -------------------------------------------------------------

    def keyed_rows(self, table: str) -> dict[tuple[Any, ...], tuple[Any, ...]]:
        """A table's rows by their key columns, each with every column (as SQLite's)."""
        keys = tuple("slot" if key == "rowid" else key for key in KEYS[table])
        columns = ", ".join(_COLUMNS[table])
        # the search index's checkpoint row is PostgreSQL's own (SQLite has no event_grams)
        only = " WHERE name <> 'grams'" if table == "readmodel_checkpoint" else ""
        with self._reading() as conn:
            rows = conn.execute(
                f"SELECT {', '.join(keys)}, {columns} FROM {self._s}.{table}{only} "
                f"ORDER BY {', '.join(keys)}"
            ).fetchall()
        return {values[: len(keys)]: values[len(keys) :] for values in map(_row, rows)}

    def differences(self, records: Iterable[Record], *, limit: int = 5) -> tuple[str, ...]:
        """Where the tables differ from a replay of ``records`` (the journal's up to the
        checkpoint), each naming the table and the row's key (at most ``limit``)."""
        fresh = SQLiteViews.in_memory(records)
        try:
            found = row_differences(self, fresh, limit)
        finally:
            fresh.connection.close()
        if len(found) < limit:
            found.extend(self._unfolded(limit - len(found)))
        if len(found) < limit:
            found.extend(self._ungrammed(limit - len(found)))
        return tuple(found[:limit])

    def _unfolded(self, limit: int) -> list[str]:
        """event_text rows whose folded columns are not their texts folded."""
        with self._reading() as conn:
            rows = conn.execute(
                f"SELECT slot, title, summary, title_folded, summary_folded "
                f"FROM {self._s}.event_text ORDER BY slot"
            ).fetchall()
        return [
            f"event_text row slot={slot!r} has a search text that is not its title or summary"
            for slot, title, summary, title_folded, summary_folded in rows
            if (fold(_get(title)), fold(_get(summary))) != (title_folded, summary_folded)
        ][:limit]

    def _ungrammed(self, limit: int) -> list[str]:
        """Slots whose event_grams rows are not their event_text row's bigrams (when the
        index is up to date; searches do not use one that is behind)."""
        s = self._s
        with self._reading() as conn:
            if not self._fresh():
                return []
            stored = {
                slot: set(found)
                for slot, found in conn.execute(
                    f"SELECT slot, array_agg(gram) FROM {s}.event_grams GROUP BY slot"
                )
            }
            texts = conn.execute(
                f"SELECT slot, title_folded, summary_folded FROM {s}.event_text"
            ).fetchall()
        wanted = {slot: grams(title, summary) for slot, title, summary in texts}
        return [
            f"event_grams rows of slot={slot!r} are not the bigrams of its event_text row"
            for slot in sorted(stored.keys() | wanted.keys())
            if stored.get(slot, set()) != wanted.get(slot, set())
        ][:limit]

    def damage(self) -> str:
        """ "" : PostgreSQL checks its own pages; what the rows say is :meth:`differences`' part."""
        return ""


def _pattern(text: str) -> str:
    """A LIKE pattern finding the folded ``text`` anywhere."""
    folded = fold(text).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{folded}%"


class _Tables:
    """The views' tables in a PostgreSQL schema, as :class:`RowWriter` reads and writes them."""

    def __init__(self, conn: psycopg.Connection[Any], schema: str, *, grams: bool) -> None:
        self._conn = conn
        self._s = schema
        self._grams = grams

    def next_content(self) -> int:
        (first,) = self._conn.execute(
            f"SELECT coalesce(max(content), 0) + 1 FROM {self._s}.event_contents"
        ).fetchone() or (1,)
        return int(first)

    def _held(self, sql: str, values: Sequence[str]) -> list[tuple[Any, ...]]:
        if not values:
            return []
        return [_row(row) for row in self._conn.execute(sql, (_texts(values),))]

    def held_events(self, event_ids: Sequence[str]) -> Iterable[Sequence[Any]]:
        s = self._s
        return self._held(
            "SELECT e.id, e.version, e.retracted, e.content, e.valid_from, e.valid_to, "
            f"e.first_version, c.data FROM {s}.events e JOIN {s}.event_contents c USING (content) "
            f"WHERE e.valid_to = {OPEN} AND e.id = ANY(%s)",
            event_ids,
        )

    def held_references(self, keys: Sequence[str]) -> Iterable[Sequence[Any]]:
        return self._held(
            f"SELECT {', '.join(_COLUMNS['bib_references'])} FROM {self._s}.bib_references "
            f"WHERE valid_to = {OPEN} AND key = ANY(%s)",
            keys,
        )

    def held_claims(self, event_ids: Sequence[str]) -> Iterable[Sequence[Any]]:
        return self._held(
            f"SELECT {', '.join(_COLUMNS['claims'])} FROM {self._s}.claims "
            f"WHERE valid_to = {OPEN} AND event_id = ANY(%s)",
            event_ids,
        )

    def write(
        self,
        closed: Mapping[str, Sequence[tuple[int, str]]],
        extended: Sequence[tuple[int, str, int]],
        rows: Sequence[tuple[str, Sequence[Sequence[Any]]]],
        seq: int,
    ) -> None:
        s = self._s
        with self._conn.cursor() as cursor:
            if extended:
                cursor.executemany(
                    f"UPDATE {s}.events SET version = %s WHERE id = %s AND valid_from = %s",
                    [(version, _put(event_id), start) for version, event_id, start in extended],
                )
            for table, ended in closed.items():
                if ended:
                    cursor.executemany(
                        f"UPDATE {s}.{table} SET valid_to = %s "
                        f"WHERE {VERSIONED[table]} = %s AND valid_to = {OPEN}",
                        [(valid_to, _put(key)) for valid_to, key in ended],
                    )
            for table, new in rows:
                if table == "event_text":
                    cursor.executemany(
                        f"INSERT INTO {s}.event_text VALUES (%s, %s, %s, %s, %s, %s, %s)",
                        [
                            (
                                slot,
                                *_texts([event_id, lang, title, summary]),
                                fold(title),
                                fold(summary),
                            )
                            for slot, event_id, lang, title, summary in new
                        ],
                    )
                    if self._grams:
                        _insert_grams(
                            self._conn, s, [(row[0], fold(row[3]), fold(row[4])) for row in new]
                        )
                    continue
                marks = ", ".join(["%s"] * len(new[0]))
                tail = " ON CONFLICT DO NOTHING" if table == "event_actors" else ""
                columns = ", ".join(_COLUMNS[table])
                cursor.executemany(
                    f"INSERT INTO {s}.{table} ({columns}) VALUES ({marks}){tail}",
                    [[_put(value) for value in row] for row in new],
                )
            # event_grams stays up to date only if it was (a version without it wrote)
            cursor.execute(
                f"UPDATE {s}.readmodel_checkpoint SET value = %s WHERE name = 'seq' OR "
                f"(%s AND name = 'grams' AND value = (SELECT value FROM {s}.readmodel_checkpoint "
                "WHERE name = 'seq'))",
                (seq, self._grams),
            )


def _insert_grams(
    conn: psycopg.Connection[Any], schema: str, texts: Iterable[tuple[int, str, str]]
) -> None:
    """Add the bigrams of each ``(slot, title_folded, summary_folded)`` to event_grams."""
    pairs = [(gram, slot) for slot, title, summary in texts for gram in grams(title, summary)]
    if pairs:
        conn.execute(
            f"INSERT INTO {schema}.event_grams SELECT * FROM unnest(%s::text[], %s::bigint[]) "
            "ON CONFLICT DO NOTHING",
            ([gram for gram, _ in pairs], [slot for _, slot in pairs]),
        )
