"""The journal: an append-only, hash-chained log of records in one SQLite file.

This is the only module that talks to SQLite for the store (``sqlite3`` and
sqlite-utils). The file format is described in ``docs/journal.md``.

sqlite-utils opens the schema through its :class:`~sqlite_utils.migrations.Migrations`;
the record reads and writes go to the ``sqlite3`` connection directly (one
prepared ``executemany`` per batch, one cursor per read): sqlite-utils' row
helpers build a dict per row and cost about twice the time on the hot path.
"""

from __future__ import annotations

import contextlib
import enum
import functools
import itertools
import json
import json.scanner
import os
import re
import sqlite3
import time
import urllib.parse
from collections.abc import (
    Callable,
    Collection,
    Generator,
    Iterable,
    Iterator,
    Mapping,
    Sequence,
)
from datetime import UTC, datetime
from hashlib import sha256
from typing import Any, Literal, TextIO

import attrs
from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from timeline.errors import (
    AppendOnlyViolation,
    CorruptJournal,
    DumpFormatError,
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
    TimelineError,
    UntrustedJournal,
    VersionConflict,
)
from timeline.journal._kinds import KindRegistry, check_kind
from timeline.journal._records import (
    GENESIS_HASH,
    HASH_PREFIX,
    Draft,
    Head,
    Record,
    canonical_json,
    chain_hash,
    format_instant,
    new_record,
    new_record_ids,
    parse_instant,
    record_text,
)

__all__ = [
    "ANY",
    "APPLICATION_ID",
    "DUMP_FORMAT",
    "NO_STREAM",
    "ExpectedVersion",
    "Journal",
    "VerifyReport",
]

#: ``PRAGMA application_id`` of a journal file ("TLJN").
APPLICATION_ID = 0x544C4A4E

#: The first line of a JSON Lines dump.
DUMP_FORMAT: Mapping[str, Any] = {"format": "timeline-journal-dump", "version": 1}


class _Expect(enum.Enum):
    ANY = "ANY"
    NO_STREAM = "NO_STREAM"

    def __str__(self) -> str:
        return "ANY" if self is _Expect.ANY else "NO_STREAM (no stream yet)"


#: Append whatever version the stream is at.
ANY = _Expect.ANY
#: Append only if the stream has no records yet.
NO_STREAM = _Expect.NO_STREAM

ExpectedVersion = int | _Expect

_COLUMNS = "seq, stream, version, kind, schema, payload, recorded_at, record_id, hash"
_INSERT = f"INSERT INTO records ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
_APPEND_ONLY = "timeline journal records are append-only"
_INSTANT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z")
_RECORD_KEYS = frozenset(
    ("hash", "kind", "payload", "record_id", "recorded_at", "schema", "seq", "stream", "version")
)
_LOAD_BATCH = 1000
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
_loads = json.JSONDecoder().decode
_dumps_str: Callable[[str], str] = json.encoder.encode_basestring
_PRIMED = sha256(HASH_PREFIX)  # copied for each record hash: the prefix is hashed once
_ENCODER = json.JSONEncoder(
    ensure_ascii=False, allow_nan=False, sort_keys=True, separators=(",", ":")
)
_dumps = _ENCODER.encode


def _payload_encoder() -> Callable[[Any, int], Sequence[str]]:
    """``_dumps``'s C encoder, made once rather than on every call (chunks to join).

    Each journal has its own: the encoder keeps a dict of the containers it is in.
    Falls back to ``_dumps`` where the C encoder is missing or does not match it.
    """
    make = getattr(json.encoder, "c_make_encoder", None)
    sample = {"b": [1, 2.5, None, True, "\u00e9\n"], "a": {"\x00": -1}}
    if make is not None:
        try:
            encoder = make({}, _ENCODER.default, _dumps_str, None, ":", ",", True, False, False)
            if "".join(encoder(sample, 0)) == _dumps(sample):
                return encoder  # type: ignore[no-any-return]
        except (TypeError, ValueError):  # pragma: no cover - another Python's C encoder
            pass
    return lambda value, _level: (_dumps(value),)  # pragma: no cover


def _payload_decoder() -> Callable[[str], Any]:
    """``_loads`` for stored payloads: the C scanner called directly on the whole text.

    Canonical JSON has no surrounding whitespace, so one scan from 0 that ends at
    the last character is the value; anything else (another's whitespace, bad
    JSON, no C scanner) goes through ``_loads``, which returns it or raises.
    """
    make = getattr(json.scanner, "c_make_scanner", None)
    if make is None:  # pragma: no cover - a Python without the C accelerator
        return _loads
    scan = make(json.JSONDecoder())

    def decode(text: str) -> Any:
        try:
            value, end = scan(text, 0)
        except (StopIteration, ValueError):
            return _loads(text)
        return value if end == len(text) else _loads(text)

    return decode


_decode_payload = _payload_decoder()


# -- schema --------------------------------------------------------------------

MIGRATIONS = Migrations("timeline.journal")
_MIGRATION_NAMES: tuple[str, ...] = ("0001_records", "0002_no_insert_trigger")


@MIGRATIONS(name="0001_records")
def _create_records(db: Database) -> None:
    statements = (
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
    )
    for statement in statements:
        db.execute(statement)


@MIGRATIONS(name="0002_no_insert_trigger")
def _drop_insert_trigger(db: Database) -> None:
    """The per-row ``seq`` trigger cost a quarter of SQLite's insert time.

    A ``seq`` past the next one can only come from a foreign writer, and
    :meth:`Journal.verify` reports it as the missing seq (each hash covers its
    seq); the UPDATE and DELETE triggers stay.
    """
    db.execute("DROP TRIGGER IF EXISTS records_append_only_insert")


# -- values --------------------------------------------------------------------


@attrs.frozen
class VerifyReport:
    """The outcome of a verify: ``ok``, records checked, first bad seq, why, and what differs."""

    ok: bool
    checked: int
    first_bad_seq: int | None = None
    reason: str = ""
    #: Read-model rows that differ from the journal (table and key), from Timeline.verify.
    differences: tuple[str, ...] = ()


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
def _journal_objects() -> Mapping[str, tuple[str, frozenset[str | None] | None]]:
    """The journal's own objects, by name: (type, the accepted SQL or None for any).

    Made by running the migrations on an in-memory database, after the first
    one (a first-format file keeps its insert trigger) and after all of them.
    ``_sqlite_migrations`` is checked by type only: sqlite-utils writes its SQL.
    """
    conn = sqlite3.connect(":memory:")
    db = Database(conn, execute_plugins=False)
    found: dict[str, tuple[str, set[str | None]]] = {}
    for stop in (_MIGRATION_NAMES[1], None):
        MIGRATIONS.apply(db, stop_before=stop)
        for item in schema_objects(conn):
            found.setdefault(item.name, (item.type, set()))[1].add(normal_sql(item.sql))
    conn.close()
    return {
        name: (type_, None if table_of_migrations(name) else frozenset(sqls))
        for name, (type_, sqls) in found.items()
    }


def table_of_migrations(name: str) -> bool:
    """True for sqlite-utils' ``_sqlite_migrations`` table and its index."""
    return "_sqlite_migrations" in name


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
        if known is not None:
            if item.type != known[0] or (
                known[1] is not None and normal_sql(item.sql) not in known[1]
            ):
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
    """
    conn.execute("PRAGMA trusted_schema = OFF")
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


def _check_int(name: str, value: object, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise JournalUsageError(f"{name} must be an int from {minimum}, got {value!r}")
    return value


class Journal:
    """An append-only, hash-chained log of records in one SQLite file (or ``:memory:``).

    Open one with :meth:`open`; append with :meth:`append`; read with
    :meth:`read` and :meth:`read_stream`; check with :meth:`verify`.
    """

    def __init__(
        self,
        conn: sqlite3.Connection,
        path: str,
        registry: KindRegistry | None,
        clock: Callable[[], datetime],
        *,
        read_only: bool = False,
        busy_timeout: float = 30.0,
    ) -> None:
        self._conn = conn
        self._path = path
        self._registry = registry
        self._clock = clock
        self._read_only = read_only
        self._busy_timeout = busy_timeout
        self._savepoints = itertools.count(1)
        self._schemas: dict[str, int] = {}  # kinds already checked, with their schema
        self._encode = _payload_encoder()
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
    ) -> Journal:
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
                conn.execute(f"PRAGMA synchronous = {synchronous}")
                if not memory and not read_only:
                    read_only = not _use_wal(conn, busy_timeout)
                if read_only:
                    _check_readable(Database(conn, execute_plugins=False), text)
                elif _migrate(Database(conn, execute_plugins=False), text):
                    others = _check_file(conn, text)
        except BaseException:
            conn.close()
            raise
        journal = cls(
            conn, text, registry, clock or _utc_now, read_only=read_only, busy_timeout=busy_timeout
        )
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

    @property
    def registry(self) -> KindRegistry | None:
        """The kind registry; ``None`` in raw mode."""
        return self._registry

    def close(self) -> None:
        """Close the file."""
        self._conn.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Journal({self._path!r})"

    def typed_errors(self) -> contextlib.AbstractContextManager[None]:
        """A context turning SQLite errors about this file into typed :class:`JournalError` s."""
        return _sqlite_errors(self._path, self._busy_timeout)

    @contextlib.contextmanager
    def read_transaction(self) -> Iterator[sqlite3.Connection]:
        """One read snapshot: every query inside sees the file as it was at the first one.

        Appends made meanwhile by other processes are not seen until it ends.
        Inside a transaction already, it joins it. SQLite errors come out typed.
        """
        with self.typed_errors(), _snapshot(self._conn):
            yield self._conn

    # -- writing ----------------------------------------------------------------

    @contextlib.contextmanager
    def write_transaction(self) -> Iterator[sqlite3.Connection]:
        """``BEGIN IMMEDIATE`` ... ``COMMIT`` (``ROLLBACK`` on error); nested ones are savepoints.

        Appends made inside join the transaction: all of them are written or none.
        """
        conn = self._conn
        if conn.in_transaction:
            name = f"journal_{next(self._savepoints)}"
            conn.execute(f"SAVEPOINT {name}")
            try:
                yield conn
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
            yield conn
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

    def append(
        self,
        stream: str,
        drafts: Iterable[Draft],
        *,
        expected_version: ExpectedVersion = ANY,
        then: Callable[[tuple[Record, ...]], None] | None = None,
    ) -> tuple[Record, ...]:
        """Append ``drafts`` to ``stream`` atomically and return the stored records.

        ``expected_version`` is :data:`ANY`, :data:`NO_STREAM` or the exact
        version the stream must be at; otherwise :class:`VersionConflict`.
        A returned record's payload is the draft's own dict (do not mutate
        it); :meth:`read` returns the decoded JSON (lists for tuples).
        If every draft's ``record_id`` is already stored with the same content
        (a retry), the stored records are returned and nothing is written.
        ``then(records)`` runs inside the write transaction after the insert
        (not for a retry that writes nothing); if it raises, nothing is written.
        """
        if not isinstance(stream, str) or not stream:
            raise JournalUsageError(f"stream must be a non-empty string, got {stream!r}")
        if not isinstance(expected_version, _Expect):
            _check_int(f"stream {stream!r}: expected_version", expected_version, 0)
        drafts = list(drafts)
        prepared, missing = self._prepare_all(stream, drafts)
        given = [row[3] for row in prepared if row[4]]
        new_ids = iter(new_record_ids(missing))  # for the drafts without a record_id, in order
        if len(set(given)) != len(given):
            raise JournalUsageError(f"stream {stream!r}: the batch repeats a record_id")
        conn = self._conn
        with self.write_transaction():
            if given:
                stored = self._stored_copies(stream, prepared)
                if stored is not None:
                    return stored
            (actual,) = conn.execute(
                "SELECT coalesce(max(version), 0) FROM records WHERE stream = ?", (stream,)
            ).fetchone()
            if expected_version is NO_STREAM:
                if actual != 0:
                    raise VersionConflict(stream, expected_version, actual)
            elif expected_version is not ANY and expected_version != actual:
                raise VersionConflict(stream, expected_version, actual)
            if not prepared:
                return ()
            last = conn.execute(
                "SELECT seq, hash, recorded_at FROM records ORDER BY seq DESC LIMIT 1"
            ).fetchone()
            seq, previous, last_at = last if last else (0, GENESIS_HASH, "")
            recorded_at = max(format_instant(self._clock()), last_at)
            # the text hashed is record_text()'s, built here in one f-string with the
            # batch's constant parts (stream, recorded_at) escaped once
            stream_json, at_json = _dumps_str(stream), _dumps_str(recorded_at)
            kinds_json: dict[str, str] = {}
            primed = _PRIMED.copy
            previous_digest = bytes.fromhex(previous)
            rows = []
            for version, (kind, schema, payload_json, record_id, _given) in enumerate(
                prepared, start=actual + 1
            ):
                seq += 1
                if not record_id:
                    record_id = next(new_ids)
                kind_json = kinds_json.get(kind)
                if kind_json is None:
                    kind_json = kinds_json[kind] = _dumps_str(kind)
                hasher = primed()
                hasher.update(previous_digest)
                hasher.update(
                    f'{{"kind":{kind_json},"payload":{payload_json},'
                    f'"record_id":{_dumps_str(record_id)},"recorded_at":{at_json},'
                    f'"schema":{schema},"seq":{seq},"stream":{stream_json},'
                    f'"version":{version}}}'.encode()
                )
                previous_digest = hasher.digest()
                rows.append(
                    (
                        seq,
                        stream,
                        version,
                        kind,
                        schema,
                        payload_json,
                        recorded_at,
                        record_id,
                        previous_digest.hex(),
                    )
                )
            try:
                conn.executemany(_INSERT, rows)
            except sqlite3.IntegrityError as exc:
                if "record_id" in str(exc):
                    raise RecordIdConflict(
                        f"stream {stream!r}: a record_id of this batch is already stored "
                        f"with other content"
                    ) from exc
                raise
            at = parse_instant(recorded_at)
            # a dict payload is handed back as given (not decoded again); other mappings
            # come back as their JSON form, as read() would return them
            make = new_record
            records = tuple(
                [
                    make(
                        row[0],
                        stream,
                        row[2],
                        row[3],
                        row[4],
                        item.payload if type(item.payload) is dict else json.loads(row[5]),
                        at,
                        row[7],
                        row[8],
                    )
                    for row, item in zip(rows, drafts, strict=True)
                ]
            )
            if then is not None:
                then(records)
            return records

    def _prepare_all(
        self, stream: str, drafts: Iterable[Draft]
    ) -> tuple[list[tuple[str, int, str, str, bool]], int]:
        """(kind, schema, canonical payload, record_id, id given) for each draft, and how
        many have no record_id ("" here: append generates them, in order).

        The common case (a dict payload of a kind seen before, no record_id) is
        inlined here; anything else goes through :meth:`_prepare` and its checks.
        """
        schemas = self._schemas
        encode = self._encode
        prepared = []
        missing = 0
        for index, draft in enumerate(drafts):
            if (
                type(draft) is Draft
                and draft.record_id is None
                and type(draft.payload) is dict
                and (schema := schemas.get(draft.kind)) is not None
            ):
                try:
                    payload_json = "".join(encode(draft.payload, 0))
                    if not payload_json.isascii():
                        payload_json.encode()
                except BaseException as exc:
                    self._encode = encode = _payload_encoder()  # its markers may be left over
                    if not isinstance(exc, (TypeError, ValueError)):
                        raise
                    row = self._prepare(stream, index, draft)
                else:
                    row = (draft.kind, schema, payload_json, "", False)
            else:
                row = self._prepare(stream, index, draft)
            if not row[4]:
                missing += 1
            prepared.append(row)
        return prepared, missing

    def _prepare(self, stream: str, index: int, draft: Draft) -> tuple[str, int, str, str, bool]:
        """(kind, schema, canonical payload, record_id, id given) for one draft."""
        where = f"stream {stream!r}, draft {index}"
        if not isinstance(draft, Draft):
            raise JournalUsageError(f"{where}: expected a Draft, got {type(draft).__name__}")
        kind = draft.kind
        schema = self._schemas.get(kind)
        if schema is None:
            check_kind(kind)
            schema = 1 if self._registry is None else self._registry.current(kind)
            self._schemas[kind] = schema
        if not isinstance(draft.payload, Mapping):
            raise JournalUsageError(
                f"{where} ({kind}): payload must be a mapping, got {type(draft.payload).__name__}"
            )
        try:
            payload_json = canonical_json(draft.payload)
        except JournalUsageError as exc:
            raise JournalUsageError(f"{where} ({kind}): payload is {exc}") from exc
        record_id = draft.record_id
        if record_id is None:
            return kind, schema, payload_json, "", False  # an id is generated for the batch
        if not isinstance(record_id, str) or not record_id or not record_id.isprintable():
            raise JournalUsageError(f"{where}: record_id must be printable text, got {record_id!r}")
        return kind, schema, payload_json, record_id, True

    def _stored_copies(
        self, stream: str, prepared: Sequence[tuple[str, int, str, str, bool]]
    ) -> tuple[Record, ...] | None:
        """The stored records if this batch is a retry; None if none of its ids is stored."""
        ids = [row[3] for row in prepared if row[4]]
        found: dict[str, tuple[Any, ...]] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self._conn.execute(
                f"SELECT {_COLUMNS} FROM records WHERE record_id IN ({marks})", chunk
            ):
                found[row[7]] = row
        if not found:
            return None
        if len(found) != len(prepared):
            raise RecordIdConflict(
                f"stream {stream!r}: {len(found)} of the batch's {len(prepared)} records are "
                f"already stored (seq {', '.join(str(row[0]) for row in found.values())}); "
                f"a retry must repeat the whole batch"
            )
        for kind, _schema, payload_json, record_id, _given in prepared:
            row = found[record_id]
            if (row[1], row[3], row[5]) != (stream, kind, payload_json):
                raise RecordIdConflict(
                    f"record_id {record_id!r} is stored at seq {row[0]} (stream {row[1]!r}, "
                    f"kind {row[3]!r}) with other content than this append to stream {stream!r}"
                )
        return tuple(self._decode(found[row[3]]) for row in prepared)

    # -- reading ----------------------------------------------------------------

    def _decode(self, row: tuple[Any, ...]) -> Record:
        seq, stream, version, kind, schema, payload_json, recorded_at, record_id, hash_ = row
        try:
            payload = json.loads(payload_json)
        except (TypeError, ValueError) as exc:
            raise CorruptJournal(
                f"{self._path}: record seq {seq} has a payload that is not JSON ({exc})"
            ) from exc
        registry = self._registry
        if registry is not None:
            current = registry.check(kind, schema, seq=seq)
            if schema != current:
                payload = registry.upcast(kind, schema, payload, seq=seq)
                schema = current
        try:
            at = parse_instant(recorded_at)
        except (TypeError, ValueError) as exc:
            raise CorruptJournal(
                f"{self._path}: record seq {seq} has recorded_at {recorded_at!r}, not an instant"
            ) from exc
        return Record(seq, stream, version, kind, schema, payload, at, record_id, hash_)

    def _rows(self, sql: str, params: Sequence[Any]) -> Iterator[tuple[Any, ...]]:
        """Rows of ``sql`` one at a time through a cursor (constant memory)."""
        with self.typed_errors():
            cursor = self._conn.execute(sql, params)
            try:
                yield from cursor
            finally:
                cursor.close()

    def _records(self, sql: str, params: Sequence[Any]) -> Generator[Record, None, None]:
        """Records of ``sql``, decoded one row at a time from a cursor (constant memory).

        The common row (current schema, JSON payload, same instant as the row
        before) is decoded inline; anything else goes through :meth:`_decode`.
        """
        decode_json = _decode_payload
        make = new_record
        currents = self._registry.current_schemas() if self._registry is not None else None
        last_text = ""
        last_at: datetime | None = None
        with self.typed_errors():
            cursor = self._conn.execute(sql, params)
            try:
                for row in cursor:
                    seq, stream, version, kind, schema, payload_json, recorded_at, rid, hash_ = row
                    if currents is not None and currents.get(kind) != schema:
                        yield self._decode(row)
                        continue
                    try:
                        payload = decode_json(payload_json)
                        if recorded_at != last_text:
                            last_at = parse_instant(recorded_at)
                            last_text = recorded_at
                    except (TypeError, ValueError):
                        yield self._decode(row)  # raises CorruptJournal with the details
                        continue
                    yield make(seq, stream, version, kind, schema, payload, last_at, rid, hash_)
            finally:
                cursor.close()

    def read(
        self,
        *,
        after: int = 0,
        upto: int | None = None,
        as_of: datetime | None = None,
        kinds: Collection[str] | None = None,
        limit: int | None = None,
    ) -> Generator[Record, None, None]:
        """Records with ``after < seq <= upto`` in ``seq`` order, streamed one by one.

        ``as_of`` stops at the last record recorded at or before that instant;
        ``kinds`` keeps only those kinds; ``limit`` caps the count.
        """
        _check_int("after", after, 0)
        where = ["seq > ?"]
        params: list[Any] = [after]
        if as_of is not None:
            bound = self.seq_at(as_of)
            upto = bound if upto is None else min(_check_int("upto", upto, 0), bound)
        if upto is not None:
            where.append("seq <= ?")
            params.append(_check_int("upto", upto, 0))
        if kinds is not None:
            if isinstance(kinds, str):
                raise JournalUsageError(f"kinds must be a collection of kinds, got {kinds!r}")
            kind_list = sorted(set(kinds))
            where.append(f"kind IN ({','.join('?' * len(kind_list))})")
            params.extend(kind_list)
        sql = f"SELECT {_COLUMNS} FROM records WHERE {' AND '.join(where)} ORDER BY seq"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(_check_int("limit", limit, 0))
        return self._records(sql, params)

    def read_stream(self, stream: str, *, upto: int | None = None) -> Generator[Record, None, None]:
        """The records of ``stream`` in version order (up to journal seq ``upto``)."""
        sql = f"SELECT {_COLUMNS} FROM records WHERE stream = ?"
        params: list[Any] = [stream]
        if upto is not None:
            sql += " AND seq <= ?"
            params.append(_check_int("upto", upto, 0))
        return self._records(sql + " ORDER BY version", params)

    def stream_version(self, stream: str) -> int:
        """The version of ``stream``'s last record; 0 when the stream does not exist."""
        with self.typed_errors():
            (version,) = self._conn.execute(
                "SELECT coalesce(max(version), 0) FROM records WHERE stream = ?", (stream,)
            ).fetchone()
        return int(version)

    def head(self) -> Head:
        """The last record's ``seq`` and ``hash``; ``Head(0, GENESIS_HASH)`` when empty."""
        with self.typed_errors():
            row = self._conn.execute(
                "SELECT seq, hash FROM records ORDER BY seq DESC LIMIT 1"
            ).fetchone()
        return Head(row[0], row[1]) if row else Head(0, GENESIS_HASH)

    def seq_at(self, instant: datetime) -> int:
        """The last seq recorded at or before ``instant`` (aware); 0 if none was."""
        bound = format_instant(instant)
        low, high = 0, self.head().seq
        with self.typed_errors():
            # recorded_at never decreases along seq (append keeps it so), so bisect
            while low < high:
                middle = (low + high + 1) // 2
                row = self._conn.execute(
                    "SELECT recorded_at FROM records WHERE seq = ?", (middle,)
                ).fetchone()
                if row is None:
                    raise CorruptJournal(f"{self._path}: record seq {middle} is missing")
                if row[0] <= bound:
                    low = middle
                else:
                    high = middle - 1
        return low

    # -- checking -----------------------------------------------------------------

    def verify(self) -> VerifyReport:
        """Re-walk the hash chain from the first record; report the first bad ``seq``.

        Also checks that seq has no gaps, versions follow on within each
        stream, and ``recorded_at`` never goes back.
        """
        previous = GENESIS_HASH
        versions: dict[str, int] = {}
        last_at = ""
        checked = 0
        try:
            for row in self._rows(f"SELECT {_COLUMNS} FROM records ORDER BY seq", ()):
                seq, stream, version, kind, schema, payload_json, recorded_at, record_id, hash_ = (
                    row
                )
                expected_seq = checked + 1
                if seq != expected_seq:
                    return VerifyReport(
                        False, checked, expected_seq, f"seq {expected_seq} is missing"
                    )
                text = record_text(
                    seq, stream, version, kind, schema, payload_json, recorded_at, record_id
                )
                if chain_hash(previous, text.encode()) != hash_:
                    return VerifyReport(
                        False,
                        checked,
                        seq,
                        "the hash does not match the record's content and the previous hash",
                    )
                if version != versions.get(stream, 0) + 1:
                    return VerifyReport(
                        False, checked, seq, f"stream {stream!r} jumps to version {version}"
                    )
                if recorded_at < last_at or not _INSTANT.fullmatch(recorded_at):
                    return VerifyReport(
                        False, checked, seq, f"recorded_at {recorded_at!r} is out of order"
                    )
                versions[stream] = version
                last_at = recorded_at
                previous = hash_
                checked += 1
        except (TimelineError, sqlite3.DatabaseError, TypeError, ValueError) as exc:
            return VerifyReport(False, checked, checked + 1, f"unreadable record: {exc}")
        return VerifyReport(True, checked)

    # -- interchange ----------------------------------------------------------------

    def dump(self, fp: TextIO) -> int:
        """Write the journal as JSON Lines: a header, one record per line, a closing line.

        Returns the number of records written. The records are read in one
        snapshot, so appends made meanwhile by others are not half included.
        """
        conn = self._conn
        own = not conn.in_transaction
        if own:
            conn.execute("BEGIN")
        try:
            fp.write(canonical_json(DUMP_FORMAT) + "\n")
            count = 0
            head = GENESIS_HASH
            for row in self._rows(f"SELECT {_COLUMNS} FROM records ORDER BY seq", ()):
                text = record_text(*row[:8])
                head = row[8]
                fp.write(f'{{"hash":"{head}",{text[1:]}\n')
                count += 1
            fp.write(canonical_json({"end": {"head": head, "records": count}}) + "\n")
        finally:
            if own and conn.in_transaction:
                conn.execute("COMMIT")
        return count

    @staticmethod
    def load(fp: TextIO, into: Journal) -> int:
        """Read a :meth:`dump` into the empty journal ``into``, checking every line and hash.

        All or nothing: a malformed, truncated or edited dump raises
        :class:`DumpFormatError` naming the line, and nothing is written.
        Returns the number of records loaded.
        """
        loader = _Loader(into)
        with into.write_transaction():
            (count,) = into.connection.execute("SELECT count(*) FROM records").fetchone()
            if count:
                raise JournalUsageError(
                    f"cannot load into {into.path}: it already holds {count} records; "
                    f"load needs an empty journal"
                )
            return loader.run(fp)


def _lines(fp: TextIO) -> Iterator[str]:
    """The lines of ``fp``; text that does not decode is a :class:`DumpFormatError`."""
    count = 0
    lines = iter(fp)
    while True:
        try:
            line = next(lines)
        except StopIteration:
            return
        except UnicodeDecodeError as exc:
            raise DumpFormatError(
                f"line {count + 1} or a line soon after: not {exc.encoding} text ({exc.reason})"
            ) from exc
        count += 1
        yield line


class _Loader:
    """One pass over a dump: parse, check and insert in batches."""

    def __init__(self, into: Journal) -> None:
        self.into = into
        self.previous = GENESIS_HASH
        self.seq = 0
        self.versions: dict[str, int] = {}
        self.last_at = ""
        self.batch: list[tuple[int, tuple[Any, ...]]] = []

    def run(self, fp: TextIO) -> int:
        line_no = 0
        ended = False
        for line_no, line in enumerate(_lines(fp), start=1):
            if ended:
                raise DumpFormatError(f"line {line_no}: text after the dump's closing line")
            if not line.endswith("\n"):
                raise DumpFormatError(f"line {line_no}: the line has no end; the dump is truncated")
            if not line.isascii():
                try:
                    line.encode("utf-8")
                except UnicodeEncodeError as exc:  # bytes read with errors="surrogateescape"
                    raise DumpFormatError(
                        f"line {line_no}: not UTF-8 text (a bad byte at column {exc.start + 1})"
                    ) from exc
            try:
                item = json.loads(line)
            except RecursionError as exc:
                raise DumpFormatError(f"line {line_no}: JSON nested too deeply") from exc
            except ValueError as exc:
                raise DumpFormatError(f"line {line_no}: not JSON ({exc})") from exc
            if line_no == 1:
                if item != DUMP_FORMAT:
                    header = canonical_json(DUMP_FORMAT)
                    raise DumpFormatError(
                        f"line 1: not a timeline journal dump (expected {header})"
                    )
                continue
            if isinstance(item, dict) and item.keys() == {"end"}:
                self.end(line_no, item["end"])
                ended = True
                continue
            self.record(line_no, item)
        if line_no == 0:
            raise DumpFormatError("line 1: the dump is empty")
        if not ended:
            raise DumpFormatError(
                f"line {line_no + 1}: the dump ends without its closing line; it is truncated"
            )
        self.flush()
        return self.seq

    def end(self, line_no: int, end: Any) -> None:
        if end != {"head": self.previous, "records": self.seq}:
            raise DumpFormatError(
                f"line {line_no}: the closing line says {canonical_json(end)}, but the dump "
                f"holds {self.seq} records ending in hash {self.previous}"
            )

    def record(self, line_no: int, item: Any) -> None:
        where = f"line {line_no}"
        if not isinstance(item, dict) or item.keys() != _RECORD_KEYS:
            keys = sorted(item) if isinstance(item, dict) else type(item).__name__
            raise DumpFormatError(f"{where}: not a record (keys {keys})")
        seq, stream, version, kind, schema = (
            item["seq"],
            item["stream"],
            item["version"],
            item["kind"],
            item["schema"],
        )
        self.seq += 1
        where = f"line {line_no} (seq {self.seq})"
        if seq != self.seq or isinstance(seq, bool):
            raise DumpFormatError(f"{where}: seq is {seq!r}; a record is missing or moved")
        if not isinstance(stream, str) or not stream:
            raise DumpFormatError(f"{where}: stream {stream!r} is not a non-empty string")
        if isinstance(version, bool) or version != self.versions.get(stream, 0) + 1:
            raise DumpFormatError(f"{where}: stream {stream!r} jumps to version {version!r}")
        if isinstance(schema, bool) or not isinstance(schema, int) or schema < 1:
            raise DumpFormatError(f"{where}: schema {schema!r} is not an int from 1")
        recorded_at = item["recorded_at"]
        if not isinstance(recorded_at, str) or not _INSTANT.fullmatch(recorded_at):
            raise DumpFormatError(f"{where}: recorded_at {recorded_at!r} is not a UTC instant")
        if recorded_at < self.last_at:
            raise DumpFormatError(f"{where}: recorded_at {recorded_at} goes back in time")
        record_id, payload = item["record_id"], item["payload"]
        if not isinstance(record_id, str) or not record_id:
            raise DumpFormatError(f"{where}: record_id {record_id!r} is not text")
        if not isinstance(payload, dict):
            raise DumpFormatError(f"{where}: payload is not a JSON object")
        try:
            check_kind(kind)
            if self.into.registry is not None:
                self.into.registry.check(kind, schema, seq=seq)
            payload_json = canonical_json(payload)
        except TimelineError as exc:
            raise DumpFormatError(f"{where}: {exc}") from exc
        except RecursionError as exc:
            raise DumpFormatError(f"{where}: the payload is nested too deeply") from exc
        text = record_text(seq, stream, version, kind, schema, payload_json, recorded_at, record_id)
        hash_ = chain_hash(self.previous, text.encode())
        if hash_ != item["hash"]:
            raise DumpFormatError(
                f"{where}: the hash does not match the record; the dump was edited"
            )
        self.previous = hash_
        self.versions[stream] = version
        self.last_at = recorded_at
        self.batch.append(
            (
                line_no,
                (seq, stream, version, kind, schema, payload_json, recorded_at, record_id, hash_),
            )
        )
        if len(self.batch) >= _LOAD_BATCH:
            self.flush()

    def flush(self) -> None:
        conn = self.into.connection
        try:
            conn.executemany(_INSERT, [row for _line, row in self.batch])
        except sqlite3.IntegrityError as exc:
            for line_no, row in self.batch:
                stored = conn.execute(
                    "SELECT seq FROM records WHERE record_id = ?", (row[7],)
                ).fetchone()
                if stored is None or stored[0] != row[0]:
                    raise DumpFormatError(
                        f"line {line_no} (seq {row[0]}): record_id {row[7]!r} "
                        f"is already used at seq {stored[0] if stored else '?'}"
                    ) from exc
            raise  # pragma: no cover - every insert error is a record_id clash
        self.batch.clear()


def _pending(db: Database, path: str) -> set[str]:
    """The migrations ``db`` still lacks; :class:`SchemaTooNew` if it has unknown ones."""
    applied = {migration.name for migration in MIGRATIONS.applied(db)}
    unknown = applied - set(_MIGRATION_NAMES)
    if unknown:
        raise SchemaTooNew(
            f"{path} was written by a newer version of timeline "
            f"(unknown migrations: {', '.join(sorted(unknown))})"
        )
    return {migration.name for migration in MIGRATIONS.pending(db)}


def _check_readable(db: Database, path: str) -> None:
    """A file opened read-only is read as it is: it must already hold a journal."""
    pending = _pending(db, path)
    if not pending <= _WRITERS_ONLY:
        raise NotAJournal(
            f"{path} is not a timeline journal yet (it has no records table), "
            f"and it is opened read-only"
        )


def _migrate(db: Database, path: str) -> bool:
    """Apply pending migrations under the write lock (two openers do not race).

    Returns True when the schema may have changed.
    """
    conn = db.conn
    pending = _pending(db, path)
    if not pending:
        return False
    conn.execute("BEGIN IMMEDIATE")
    try:
        MIGRATIONS.apply(db)
        conn.execute("COMMIT")
    except BaseException as exc:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        read_only = getattr(exc, "sqlite_errorcode", 0) & 0xFF == _SQLITE_READONLY
        if read_only and pending <= _WRITERS_ONLY:
            return False  # a read-only file from before them reads as it is
        raise
    return True


#: Migrations that only change how records are written: a file opened read-only
#: that lacks them is read without them.
_WRITERS_ONLY = frozenset({"0002_no_insert_trigger"})


def scratch_path(path: str) -> str:
    """A hidden path beside ``path`` for building a new journal no other process opens."""
    folder, name = os.path.split(os.path.abspath(path))
    return os.path.join(folder, f".{name}.{os.getpid()}-{os.urandom(4).hex()}.new")


def remove_files(path: str) -> None:
    """Remove a journal file and the files SQLite keeps beside it (missing ones are fine)."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(f"{path}{suffix}")


def publish(scratch: str, path: str) -> None:
    """Make the closed journal file ``scratch`` appear at ``path`` at once, never over a file.

    Its write-ahead log is folded into it first, so ``path`` is whole on its
    own; :class:`JournalExists` if ``path`` exists (another process made it).
    """
    with _sqlite_errors(scratch):
        conn = sqlite3.connect(scratch, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode = DELETE")
        finally:
            conn.close()
    try:
        os.link(scratch, path)
    except FileExistsError as exc:
        raise JournalExists(
            f"{path} was created by another process meanwhile; nothing was written to it"
        ) from exc


def _utc_now() -> datetime:
    return datetime.now(UTC)
