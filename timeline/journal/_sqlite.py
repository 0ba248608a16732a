"""The SQLite journal adapter: the journal in one SQLite file (the file format of docs/journal.md).

This is the only journal module that talks to SQLite (``sqlite3`` and
sqlite-utils); SQLite errors about the file are translated here into the
typed errors of :mod:`timeline.errors`.

sqlite-utils' :class:`~sqlite_utils.migrations.Migrations` migrates a file of an
older format; a new, empty file is given the schema those migrations leave
with plain SQL (:func:`_create`), because sqlite-utils imports pandas and
numpy whenever they are installed. The record reads and writes go to the
``sqlite3`` connection directly (one prepared ``executemany`` per batch, one
cursor per read): sqlite-utils' row helpers build a dict per row and cost
about twice the time on the hot path.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import os
import re
import sqlite3
import time
import urllib.parse
from collections.abc import Callable, Collection, Generator, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

import attrs

from timeline.errors import (
    AppendOnlyViolation,
    CorruptJournal,
    JournalBusy,
    JournalExists,
    JournalFull,
    JournalIOError,
    JournalReadOnly,
    JournalUnavailable,
    JournalUsageError,
    NotAJournal,
    RecordIdConflict,
    SchemaTooNew,
    UntrustedJournal,
)
from timeline.journal._chain import GENESIS_HASH, Row
from timeline.journal._kinds import KindRegistry
from timeline.journal._store import ChainStore

if TYPE_CHECKING:
    from sqlite_utils import Database
    from sqlite_utils.migrations import Migrations

__all__ = [
    "APPLICATION_ID",
    "MIGRATION_SET",
    "STEPS",
    "UNTRUSTED_ADVICE",
    "migrations",
    "SQLiteJournal",
    "SchemaObject",
    "built_aside",
    "normal_sql",
    "schema_objects",
]

#: ``PRAGMA application_id`` of a journal file ("TLJN").
APPLICATION_ID = 0x544C4A4E

_COLUMNS = "seq, stream, version, kind, schema, payload, recorded_at, record_id, hash"
_INSERT = f"INSERT INTO records ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
_APPEND_ONLY = "timeline journal records are append-only"
# primary result codes (the low byte of an extended code)
_SQLITE_PERM = 3
_SQLITE_BUSY = 5
_SQLITE_LOCKED = 6
_SQLITE_READONLY = 8
_SQLITE_IOERR = 10
_SQLITE_CORRUPT = 11
_SQLITE_FULL = 13
_SQLITE_CANTOPEN = 14
_SQLITE_NOTADB = 26


# -- schema --------------------------------------------------------------------

#: The migration set's name in ``_sqlite_migrations`` (stored in every file).
MIGRATION_SET = "timeline.journal"

#: The schema migrations, in order: each a name and the SQL it runs. sqlite-utils
#: applies them to a file of an older format (imported only then: with pandas and
#: numpy, which it imports when they are installed, it costs a command about
#: 0.3 s of CPU); checking a file, and creating a new one, need plain SQL only.
STEPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "0001_records",
        (
            f"PRAGMA application_id = {APPLICATION_ID}",
            """CREATE TABLE records (
            seq INTEGER PRIMARY KEY NOT NULL CHECK (seq >= 1),
            stream TEXT NOT NULL CHECK (stream <> ''),
            version INTEGER NOT NULL CHECK (version >= 1),
            kind TEXT NOT NULL,
            schema INTEGER NOT NULL CHECK (schema >= 1),
            payload TEXT NOT NULL,
            recorded_at TEXT NOT NULL,
            record_id TEXT NOT NULL UNIQUE,
            hash TEXT NOT NULL,
            UNIQUE (stream, version)
        )""",
            f"""CREATE TRIGGER records_append_only_insert BEFORE INSERT ON records
            WHEN NEW.seq IS NOT (SELECT coalesce(max(seq), 0) + 1 FROM records)
            BEGIN SELECT RAISE(ABORT, '{_APPEND_ONLY}: seq must follow the last one'); END""",
            f"""CREATE TRIGGER records_append_only_update BEFORE UPDATE ON records
            BEGIN SELECT RAISE(ABORT, '{_APPEND_ONLY}: UPDATE refused'); END""",
            f"""CREATE TRIGGER records_append_only_delete BEFORE DELETE ON records
            BEGIN SELECT RAISE(ABORT, '{_APPEND_ONLY}: DELETE refused'); END""",
        ),
    ),
    # The per-row seq trigger cost a quarter of SQLite's insert time. A seq past
    # the next one can only come from a foreign writer, and verify() reports it as
    # the missing seq (each hash covers its seq); the UPDATE and DELETE triggers stay.
    ("0002_no_insert_trigger", ("DROP TRIGGER IF EXISTS records_append_only_insert",)),
)
_MIGRATION_NAMES = tuple(name for name, _statements in STEPS)

#: The bookkeeping table sqlite-utils' :class:`~sqlite_utils.migrations.Migrations`
#: creates in an empty file, as it writes it (``tests/test_journal.py`` checks that a
#: file made by :func:`_create` has the schema and rows ``migrations().apply`` gives).
_BOOKKEEPING = (
    'CREATE TABLE "_sqlite_migrations" (\n   "id" INTEGER PRIMARY KEY,\n'
    '   "migration_set" TEXT,\n   "name" TEXT,\n   "applied_at" TEXT\n)',
    'CREATE UNIQUE INDEX "idx__sqlite_migrations_migration_set_name"\n'
    '    ON "_sqlite_migrations" ("migration_set", "name")',
)


@functools.cache
def migrations() -> Migrations:
    """:data:`STEPS` as sqlite-utils migrations (imports sqlite-utils)."""
    from sqlite_utils.migrations import Migrations

    found = Migrations(MIGRATION_SET)
    for name, statements in STEPS:

        def run(db: Database, statements: tuple[str, ...] = statements) -> None:
            for statement in statements:
                db.execute(statement)

        found(name=name)(run)
    return found


def _database(conn: sqlite3.Connection) -> Database:
    """sqlite-utils' view of ``conn`` (imports sqlite-utils), for applying migrations."""
    from sqlite_utils import Database

    return Database(conn, execute_plugins=False)


def _translate(
    path: str, exc: sqlite3.DatabaseError, busy_timeout: float | None = None
) -> Exception:
    """Our typed error for an SQLite error about the file (``exc`` itself for a usage error)."""
    text = str(exc)
    code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
    says = f"SQLite says {text!r}"
    name = getattr(exc, "sqlite_errorname", "")
    if name:
        says += f" ({name})"
    if code == _SQLITE_NOTADB or "not a database" in text:
        return NotAJournal(f"{path} is not a timeline journal: it is not an SQLite database")
    if code == _SQLITE_CORRUPT or "malformed" in text or "corrupt" in text:
        return CorruptJournal(f"{path} is a corrupt journal: {says}")
    if isinstance(exc, sqlite3.IntegrityError) and _APPEND_ONLY in text:
        return AppendOnlyViolation(f"{path}: {text}")
    if code in (_SQLITE_BUSY, _SQLITE_LOCKED):
        waited = f" (waited {busy_timeout:g} s)" if busy_timeout is not None else ""
        return JournalBusy(
            f"{path} is busy: another process holds its lock{waited} ({says}); nothing of this "
            f"command was written; try again, or wait longer (busy_timeout, --busy-timeout, "
            f"$TIMELINE_BUSY_TIMEOUT)"
        )
    if code == _SQLITE_FULL:
        return JournalFull(
            f"{path}: cannot write, the disk or the file's size limit is full "
            f"({says}); nothing of this command was written"
        )
    if code == _SQLITE_READONLY:
        return JournalReadOnly(
            f"{path}: cannot write, the file or its folder is read-only "
            f"({says}); nothing of this command was written"
        )
    if code == _SQLITE_IOERR:
        return JournalIOError(
            f"{path}: the disk refused a read or write: it may be full, over a file-size "
            f"limit, or failing ({says}); nothing of this command was written"
        )
    if code in (_SQLITE_CANTOPEN, _SQLITE_PERM):
        return JournalUnavailable(
            f"{path}: cannot open the journal or the files SQLite keeps beside it (-wal, -shm): "
            f"it is missing, not readable, or its folder cannot be written ({says})"
        )
    return exc


@contextlib.contextmanager
def _sqlite_errors(path: str, busy_timeout: float | None = None) -> Iterator[None]:
    try:
        yield
    except sqlite3.DatabaseError as exc:
        translated = _translate(path, exc, busy_timeout)
        if translated is exc:
            raise
        raise translated from exc


@attrs.frozen
class SchemaObject:
    """One row of ``sqlite_master``: an SQL object stored in the file."""

    type: str
    name: str
    table: str
    sql: str | None


@functools.lru_cache(maxsize=256)  # the same schema text comes back on every opening
def normal_sql(sql: str | None) -> str | None:
    """``sql`` with its whitespace normalised, for comparing stored schema text."""
    if sql is None:
        return None
    return re.sub(r"\s*([(),])\s*", r"\1", " ".join(sql.split()))


def schema_objects(conn: sqlite3.Connection) -> list[SchemaObject]:
    """Every object in ``sqlite_master`` (run inside a read transaction to see one state)."""
    return [
        SchemaObject(*row)
        for row in conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master")
    ]


#: Tables of the journal itself: any object on them must be the journal's own.
_JOURNAL_TABLES = frozenset({"records", "_sqlite_migrations"})
_GUARDS = frozenset({"records_append_only_update", "records_append_only_delete"})


@functools.cache
def _journal_objects() -> Mapping[str, tuple[str, frozenset[str | None]]]:
    """The journal's own objects on ``records``, by name: (type, the accepted SQL).

    Made by running :data:`STEPS` on an in-memory database, after the first
    one (a first-format file keeps its insert trigger) and after all of them.
    sqlite-utils' ``_sqlite_migrations`` table and its indexes are accepted by
    :func:`_is_bookkeeping` (sqlite-utils writes their SQL).
    """
    conn = sqlite3.connect(":memory:", isolation_level=None)
    found: dict[str, tuple[str, set[str | None]]] = {}
    for index, (_name, statements) in enumerate(STEPS):
        for statement in statements:
            conn.execute(statement)
        if index in (0, len(STEPS) - 1):
            for item in schema_objects(conn):
                found.setdefault(item.name, (item.type, set()))[1].add(normal_sql(item.sql))
    conn.close()
    return {name: (type_, frozenset(sqls)) for name, (type_, sqls) in found.items()}


def _is_bookkeeping(item: SchemaObject) -> bool:
    """True for sqlite-utils' ``_sqlite_migrations`` table and the indexes on it."""
    return item.table == "_sqlite_migrations" and (
        item.type == "index" or (item.type, item.name) == ("table", "_sqlite_migrations")
    )


@contextlib.contextmanager
def _snapshot(conn: sqlite3.Connection) -> Iterator[None]:
    """One read transaction on ``conn`` (joining the one it is in, if any)."""
    if conn.in_transaction:
        yield
        return
    conn.execute("BEGIN")
    try:
        yield
    finally:
        if conn.in_transaction:
            conn.execute("COMMIT")


def _check_file(conn: sqlite3.Connection, path: str) -> tuple[SchemaObject, ...]:
    """Check the file before use; return the objects besides the journal's own.

    One read transaction sees the application id and the schema together (a
    journal another process is creating is seen before or after, never half).
    """
    with _snapshot(conn):
        (application_id,) = conn.execute("PRAGMA application_id").fetchone()
        objects = schema_objects(conn)
    tables = sorted(item.name for item in objects if item.type == "table")
    if application_id != APPLICATION_ID and (application_id != 0 or tables):
        raise NotAJournal(
            f"{path} is an SQLite database but not a timeline journal "
            f"(application_id {application_id}, tables: {', '.join(tables) or 'none'})"
        )
    expected = _journal_objects()
    others = []
    for item in objects:
        known = expected.get(item.name)
        if _is_bookkeeping(item):
            continue
        if known is not None:
            if item.type != known[0] or normal_sql(item.sql) not in known[1]:
                raise UntrustedJournal(
                    f"{path}: the {item.type} {item.name!r} is not the one timeline creates "
                    f"(it was altered); {UNTRUSTED_ADVICE}"
                )
        elif item.table in _JOURNAL_TABLES or item.type in ("trigger", "view"):
            raise UntrustedJournal(
                f"{path}: holds a {item.type} {item.name!r} on {item.table!r} that timeline did "
                f"not create; {UNTRUSTED_ADVICE}"
            )
        else:
            others.append(item)
    names = {item.name for item in objects}
    if "records" in names and not names >= _GUARDS:
        missing = ", ".join(sorted(_GUARDS - names))
        raise UntrustedJournal(
            f"{path}: the journal's append-only trigger {missing} was removed; {UNTRUSTED_ADVICE}"
        )
    return tuple(others)


#: What an :class:`UntrustedJournal` message advises.
UNTRUSTED_ADVICE = (
    "it could change what is read or written, so the file is not used "
    "(ask its sender for a dump instead: `timeline dump`, then `timeline load` it)"
)


def _harden(conn: sqlite3.Connection) -> None:
    """SQLite's defensive settings for a file that may come from someone else.

    ``trusted_schema`` off keeps functions with side effects out of the file's
    own views, triggers and defaults; where Python exposes it (3.12+),
    ``SQLITE_DBCONFIG_DEFENSIVE`` also forbids writing the schema by hand.
    ``recursive_triggers`` on makes the rows an ``INSERT OR REPLACE`` replaces go
    through the append-only delete trigger (SQLite skips delete triggers there
    otherwise).
    """
    conn.execute("PRAGMA trusted_schema = OFF")
    conn.execute("PRAGMA recursive_triggers = ON")
    setconfig = getattr(conn, "setconfig", None)
    flag = getattr(sqlite3, "SQLITE_DBCONFIG_DEFENSIVE", None)
    if setconfig is not None and flag is not None:  # pragma: no cover - Python 3.12+
        setconfig(flag, True)


def _connect(
    text: str, target: str, uri: bool, busy_timeout: float
) -> tuple[sqlite3.Connection, tuple[SchemaObject, ...], bool]:
    """A hardened connection to ``target``, the file's other objects, and whether it is
    on read-only media.

    A WAL journal in a folder that cannot be written, with no ``-wal`` beside it
    (read-only media), cannot be read the usual way (SQLite has nowhere to put
    its ``-shm`` index); it is opened ``immutable`` instead: nothing can write it.
    """
    conn = sqlite3.connect(
        target, timeout=busy_timeout, isolation_level=None, cached_statements=256, uri=uri
    )
    try:
        _harden(conn)
        return conn, _check_file(conn, text), False
    except sqlite3.DatabaseError as exc:
        conn.close()
        code = getattr(exc, "sqlite_errorcode", 0)
        file = urllib.parse.unquote(urllib.parse.urlsplit(target).path) if uri else text
        if code not in _NO_SHM or os.path.exists(f"{file}-wal"):
            raise
    except BaseException:
        conn.close()
        raise
    if uri:
        immutable = f"{target}{'&' if '?' in target else '?'}immutable=1"
    else:
        immutable = f"file:{urllib.parse.quote(os.path.abspath(text))}?immutable=1"
    conn = sqlite3.connect(immutable, isolation_level=None, cached_statements=256, uri=True)
    try:
        _harden(conn)
        return conn, _check_file(conn, text), True
    except BaseException:
        conn.close()
        raise


#: SQLITE_READONLY_CANTINIT and SQLITE_READONLY_DIRECTORY: no -shm can be made.
_NO_SHM = frozenset({_SQLITE_READONLY | (5 << 8), _SQLITE_READONLY | (6 << 8)})


def _target(text: str, read_only: bool) -> tuple[str, bool, bool]:
    """What to hand ``sqlite3.connect`` for ``text``: (name, is a URI, read-only)."""
    if text.startswith("file:"):
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(text).query)
        if query.get("mode") == ["ro"] or query.get("immutable") == ["1"]:
            return text, True, True
        if read_only:
            return f"{text}{'&' if '?' in text else '?'}mode=ro", True, True
        return text, True, False
    if read_only and text not in (":memory:", ""):
        return f"file:{urllib.parse.quote(os.path.abspath(text))}?mode=ro", True, True
    return text, False, read_only


def _use_wal(conn: sqlite3.Connection, busy_timeout: float) -> bool:
    """Switch the file to WAL mode unless it is in it; False when it cannot be written.

    SQLite refuses the switch at once (no busy wait) while another process
    reads the file or switches it too, so it is tried again until ``busy_timeout``.
    """
    deadline = time.monotonic() + busy_timeout
    while True:
        (mode,) = conn.execute("PRAGMA journal_mode").fetchone()
        if mode == "wal":
            return True
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return True
        except sqlite3.DatabaseError as exc:
            code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
            if code == _SQLITE_READONLY:
                return False  # read-only media: read it as it is
            if code != _SQLITE_BUSY or time.monotonic() > deadline:
                raise
        time.sleep(0.002)


class SQLiteJournal(ChainStore):
    """The journal in one SQLite file (or ``:memory:``): the file format of docs/journal.md.

    Open one with :meth:`open`. SQLite errors about the file come out as the
    typed errors of :mod:`timeline.errors`. The read models kept in the same
    file (the SQLite views adapter) share :attr:`connection`.
    """

    def __init__(
        self,
        conn: sqlite3.Connection,
        path: str,
        registry: KindRegistry | None,
        clock: Callable[[], datetime] | None,
        *,
        read_only: bool = False,
        busy_timeout: float = 30.0,
    ) -> None:
        super().__init__(path, registry, clock)
        self._conn = conn
        self._path = path
        self._read_only = read_only
        self._busy_timeout = busy_timeout
        self._savepoints = itertools.count(1)
        self._others: tuple[SchemaObject, ...] = ()

    # -- opening ----------------------------------------------------------------

    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str] = ":memory:",
        *,
        registry: KindRegistry | None = None,
        synchronous: Literal["NORMAL", "FULL"] = "NORMAL",
        clock: Callable[[], datetime] | None = None,
        busy_timeout: float = 30.0,
        read_only: bool = False,
    ) -> SQLiteJournal:
        """Open the journal at ``path``, creating (or migrating) its schema when needed.

        ``registry=None`` is raw mode: any kind is accepted, stored with schema 1,
        and read back without upcasting. ``synchronous="FULL"`` makes every
        commit durable against power loss (``NORMAL`` survives process crashes).
        A command that meets a locked file waits up to ``busy_timeout`` seconds,
        then raises :class:`JournalBusy`. ``read_only=True`` (or a ``file:`` URI
        with ``mode=ro``) never writes: no schema set-up, no journal-mode switch.

        The file is opened with SQLite's defensive settings (``trusted_schema``
        off) and refused with :class:`UntrustedJournal` when it holds a trigger
        or view timeline did not create, or an altered journal table.
        """
        text = os.fspath(path)
        if synchronous not in ("NORMAL", "FULL"):
            raise JournalUsageError(f"synchronous must be 'NORMAL' or 'FULL', got {synchronous!r}")
        if isinstance(busy_timeout, bool) or not isinstance(busy_timeout, (int, float)):
            raise JournalUsageError(f"busy_timeout must be seconds, got {busy_timeout!r}")
        if busy_timeout < 0:
            raise JournalUsageError(f"busy_timeout must be 0 or more, got {busy_timeout!r}")
        memory = text in (":memory:", "")
        target, uri, read_only = _target(text, read_only)
        if not memory and not uri and os.path.isdir(text):
            raise NotAJournal(f"{text} is not a timeline journal: it is a directory")
        with _sqlite_errors(text, busy_timeout):
            conn, others, media = _connect(text, target, uri, busy_timeout)
        read_only = read_only or media
        try:
            with _sqlite_errors(text, busy_timeout):
                if os.path.abspath(text) in _ASIDE:
                    # built aside: made durable once, when published
                    conn.execute("PRAGMA synchronous = OFF")
                else:
                    conn.execute(f"PRAGMA synchronous = {synchronous}")
                    if not memory and not read_only:
                        read_only = not _use_wal(conn, busy_timeout)
                if read_only:
                    _check_readable(conn, text)
                elif _migrate(conn, text):
                    others = _check_file(conn, text)
        except BaseException:
            conn.close()
            raise
        journal = cls(conn, text, registry, clock, read_only=read_only, busy_timeout=busy_timeout)
        journal._others = others
        return journal

    @property
    def read_only(self) -> bool:
        """True when the file was opened read-only (``read_only=True`` or ``mode=ro``)."""
        return self._read_only

    def other_objects(self) -> tuple[SchemaObject, ...]:
        """The SQL objects in the file besides the journal's own, as found on opening."""
        return self._others

    @property
    def path(self) -> str:
        """The file this journal is stored in (``:memory:`` for an in-memory one)."""
        return self._path

    @property
    def connection(self) -> sqlite3.Connection:
        """The SQLite connection, for read models kept in the same file (autocommit mode)."""
        return self._conn

    def close(self) -> None:
        """Close the file."""
        self._conn.close()

    def __enter__(self) -> SQLiteJournal:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def typed_errors(self) -> contextlib.AbstractContextManager[None]:
        """A context turning SQLite errors about this file into typed :class:`JournalError` s."""
        return _sqlite_errors(self._path, self._busy_timeout)

    @contextlib.contextmanager
    def read_transaction(self) -> Iterator[None]:
        """One read snapshot: every query inside sees the file as it was at the first one.

        Appends made meanwhile by other processes are not seen until it ends.
        Inside a transaction already, it joins it. SQLite errors come out typed.
        """
        with self.typed_errors(), _snapshot(self._conn):
            yield

    # -- writing ----------------------------------------------------------------

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        """``BEGIN IMMEDIATE`` ... ``COMMIT`` (``ROLLBACK`` on error); nested ones are savepoints.

        Appends made inside join the transaction: all of them are written or none.
        """
        conn = self._conn
        if conn.in_transaction:
            name = f"journal_{next(self._savepoints)}"
            conn.execute(f"SAVEPOINT {name}")
            try:
                yield
            except BaseException as exc:
                if conn.in_transaction:
                    conn.execute(f"ROLLBACK TO {name}")
                    conn.execute(f"RELEASE {name}")
                self._reraise(exc)
            conn.execute(f"RELEASE {name}")
            return
        with self.typed_errors():
            conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            self._reraise(exc)
        try:
            with self.typed_errors():
                conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    def _reraise(self, exc: BaseException) -> None:
        if isinstance(exc, sqlite3.DatabaseError):
            translated = _translate(self._path, exc, self._busy_timeout)
            if translated is not exc:
                raise translated from exc
        raise exc

    # -- storage primitives (see ChainStore) ---------------------------------------

    def _one(self, sql: str, params: Sequence[Any] = ()) -> Any:
        with self.typed_errors():
            return self._conn.execute(sql, params).fetchone()

    def _last(self) -> tuple[int, str, str]:
        row = self._one("SELECT seq, hash, recorded_at FROM records ORDER BY seq DESC LIMIT 1")
        return (row[0], row[1], row[2]) if row else (0, GENESIS_HASH, "")

    def _versions(self, streams: Collection[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        names = list(streams)
        with self.typed_errors():
            for start in range(0, len(names), 500):
                chunk = names[start : start + 500]
                marks = ",".join("?" * len(chunk))
                found.update(
                    self._conn.execute(
                        f"SELECT stream, max(version) FROM records WHERE stream IN ({marks}) "
                        f"GROUP BY stream",
                        chunk,
                    )
                )
        return found

    def _stored(self, record_ids: Sequence[str]) -> dict[str, Row]:
        marks = ",".join("?" * len(record_ids))
        with self.typed_errors():
            return {
                row[7]: row
                for row in self._conn.execute(
                    f"SELECT {_COLUMNS} FROM records WHERE record_id IN ({marks})", record_ids
                )
            }

    def _insert(self, rows: Sequence[Row]) -> None:
        with self.typed_errors():
            self._insert_rows(rows)

    def _insert_rows(self, rows: Sequence[Row]) -> None:
        conn = self._conn
        try:
            conn.executemany(_INSERT, rows)
        except sqlite3.IntegrityError as exc:
            if "record_id" not in str(exc):
                raise
            for row in rows:
                stored = conn.execute(
                    "SELECT seq FROM records WHERE record_id = ?", (row[7],)
                ).fetchone()
                if stored is None or stored[0] != row[0]:
                    where = stored[0] if stored else "?"
                    raise RecordIdConflict(
                        f"record_id {row[7]!r} of seq {row[0]} is already stored at seq {where}"
                    ) from exc
            raise  # pragma: no cover - every unique record_id error has its row

    def _cursor(self, sql: str, params: Sequence[Any]) -> Generator[Row, None, None]:
        """Rows of ``sql`` one at a time through a cursor (constant memory), errors typed."""
        with self.typed_errors():
            cursor = self._conn.execute(sql, params)
            try:
                yield from cursor
            finally:
                cursor.close()

    def _select(
        self, after: int, upto: int | None, kinds: Sequence[str] | None, limit: int | None
    ) -> Iterator[Row]:
        where = ["seq > ?"]
        params: list[Any] = [after]
        if upto is not None:
            where.append("seq <= ?")
            params.append(upto)
        if kinds is not None:
            where.append(f"kind IN ({','.join('?' * len(kinds))})")
            params.extend(kinds)
        sql = f"SELECT {_COLUMNS} FROM records WHERE {' AND '.join(where)} ORDER BY seq"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return self._cursor(sql, params)

    def _stream_rows(self, stream: str, upto: int | None) -> Iterator[Row]:
        sql = f"SELECT {_COLUMNS} FROM records WHERE stream = ?"
        params: list[Any] = [stream]
        if upto is not None:
            sql += " AND seq <= ?"
            params.append(upto)
        return self._cursor(sql + " ORDER BY version", params)

    def _recorded_at(self, seq: int) -> str | None:
        row = self._one("SELECT recorded_at FROM records WHERE seq = ?", (seq,))
        return None if row is None else str(row[0])

    def rows(self) -> Iterator[Row]:
        """Every stored row in seq order; an unreadable file is :class:`CorruptJournal`."""
        try:
            yield from self._cursor(f"SELECT {_COLUMNS} FROM records ORDER BY seq", ())
        except sqlite3.DatabaseError as exc:
            raise CorruptJournal(f"{self._path}: cannot read the records ({exc})") from exc


def _pending(conn: sqlite3.Connection, path: str) -> set[str]:
    """The migrations the file still lacks; :class:`SchemaTooNew` if it has unknown ones."""
    applied: set[str] = set()
    with _snapshot(conn):
        if conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlite_migrations'"
        ).fetchone():
            applied = {
                name
                for (name,) in conn.execute(
                    "SELECT name FROM _sqlite_migrations WHERE migration_set = ?",
                    (MIGRATION_SET,),
                )
            }
    unknown = applied - set(_MIGRATION_NAMES)
    if unknown:
        raise SchemaTooNew(
            f"{path} was written by a newer version of timeline "
            f"(unknown migrations: {', '.join(sorted(unknown))})"
        )
    return set(_MIGRATION_NAMES) - applied


def _check_readable(conn: sqlite3.Connection, path: str) -> None:
    """A file opened read-only is read as it is: it must already hold a journal."""
    pending = _pending(conn, path)
    if not pending <= _WRITERS_ONLY:
        raise NotAJournal(
            f"{path} is not a timeline journal yet (it has no records table), "
            f"and it is opened read-only"
        )


def _migrate(conn: sqlite3.Connection, path: str) -> bool:
    """Apply pending migrations under the write lock (two openers do not race).

    Returns True when the schema may have changed.
    """
    pending = _pending(conn, path)
    if not pending:
        return False
    conn.execute("BEGIN IMMEDIATE")
    try:
        if _empty(conn):
            _create(conn)
        else:
            migrations().apply(_database(conn))
        conn.execute("COMMIT")
    except BaseException as exc:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        read_only = getattr(exc, "sqlite_errorcode", 0) & 0xFF == _SQLITE_READONLY
        if read_only and pending <= _WRITERS_ONLY:
            return False  # a read-only file from before them reads as it is
        raise
    return True


def _empty(conn: sqlite3.Connection) -> bool:
    """True when the file holds no schema object at all (a new file)."""
    return conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchone() is None


def _create(conn: sqlite3.Connection) -> None:
    """Give an empty file what applying :data:`STEPS` with sqlite-utils leaves in it: each
    step's SQL, and its name in sqlite-utils' ``_sqlite_migrations`` (inside the caller's
    transaction)."""
    for statement in _BOOKKEEPING:
        conn.execute(statement)
    for name, statements in STEPS:
        for statement in statements:
            conn.execute(statement)
        conn.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES (?, ?, ?)",
            (MIGRATION_SET, name, str(datetime.now(UTC))),
        )


#: Migrations that only change how records are written: a file opened read-only
#: that lacks them is read without them.
_WRITERS_ONLY = frozenset({"0002_no_insert_trigger"})


#: The hidden files :func:`built_aside` has handed out and not yet removed. No other
#: process opens them, so :meth:`SQLiteJournal.open` leaves them in SQLite's rollback
#: journal mode instead of switching them to WAL: WAL serves concurrent readers, and
#: would have each page written twice, to the log and again when it is checkpointed
#: into the file (a new 5,000-event journal: 80 MB written instead of 52 MB). Their
#: commits are not flushed to the disk (``synchronous = OFF``): a crash leaves a hidden
#: file that is never published; :func:`_publish` flushes the whole file once.
_ASIDE: set[str] = set()


@contextlib.contextmanager
def built_aside(path: str) -> Iterator[str]:
    """A hidden path beside ``path`` to build a new journal in, published when the block succeeds.

    No other process opens the hidden file; at the end of the block (the
    journal built there closed) it appears at ``path`` whole, or
    :class:`JournalExists` if another process created ``path`` meanwhile.
    Whatever happens, the hidden file and SQLite's files beside it are removed.
    The journal is built with SQLite's rollback journal; opened at ``path``, it
    is switched to WAL.
    """
    folder, name = os.path.split(os.path.abspath(path))
    scratch = os.path.join(folder, f".{name}.{os.getpid()}-{os.urandom(4).hex()}.new")
    _ASIDE.add(scratch)
    try:
        yield scratch
        _publish(scratch, path)
    finally:
        _ASIDE.discard(scratch)
        for suffix in ("", "-wal", "-shm", "-journal"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(f"{scratch}{suffix}")


def _publish(scratch: str, path: str) -> None:
    """Make the closed journal file ``scratch`` appear at ``path`` at once, never over a file.

    A write-ahead log beside it is folded into it first, and the file is
    flushed to the disk, so ``path`` is whole on its own; :class:`JournalExists`
    if ``path`` exists (another process made it).
    """
    with _sqlite_errors(scratch):
        conn = sqlite3.connect(scratch, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode = DELETE")
        finally:
            conn.close()
    file = os.open(scratch, os.O_RDONLY)
    try:
        os.fsync(file)
    finally:
        os.close(file)
    try:
        os.link(scratch, path)
    except FileExistsError as exc:
        raise JournalExists(
            f"{path} was created by another process meanwhile; nothing was written to it"
        ) from exc
