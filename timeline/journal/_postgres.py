"""The PostgreSQL journal adapter: the journal in one schema of a PostgreSQL database.

This is the only journal module that talks to PostgreSQL (psycopg 3, the
``postgres`` extra); its errors are translated here into the typed errors of
:mod:`timeline.errors`, and no message ever holds the connection's password.

A target is a libpq URL (``postgresql://`` or ``postgres://``, every libpq
parameter in its query: ``sslmode``, ``passfile``, ``service``, ...) with an
optional fragment naming the schema that holds the timeline
(``postgresql://alice@db.example/history#treaties``; ``timeline`` when none
is given), so several timelines live in one database. The fragment never
reaches libpq.

The records table holds exactly the SQLite file's columns (the payload as its
canonical JSON text, ``recorded_at`` as its stored text), so the bytes
hashed and the chain are the same. Appends take a transaction-level advisory
lock on the schema first: the head is read, the versions checked and the rows
inserted by one writer at a time, so every machine writing to the schema
sees one ``seq`` order and one unbroken chain; a stale expected version is a
:class:`VersionConflict`. Triggers refuse UPDATE, DELETE and TRUNCATE.
"""

from __future__ import annotations

import contextlib
import os
import re
import urllib.parse
from collections.abc import Callable, Collection, Generator, Iterator, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from timeline.errors import (
    AppendOnlyViolation,
    CorruptJournal,
    JournalBusy,
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
    import psycopg

__all__ = [
    "DEFAULT_SCHEMA",
    "FORMAT",
    "PostgresJournal",
    "PostgresTarget",
    "parse_target",
    "postgres_errors",
]

#: The schema used when a target names none.
DEFAULT_SCHEMA = "timeline"
#: The journal's layout version, kept in ``journal_meta``.
FORMAT = 1

_SCHEMA_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]{0,62}")
_COLUMNS = "seq, stream, version, kind, schema, payload, recorded_at, record_id, hash"
_APPEND_ONLY = "timeline journal records are append-only"
_GUARDS = frozenset({"records_append_only", "records_no_truncate"})
_PAGE = 2000  # rows fetched per query when reading (constant memory, the connection stays free)
_COPY_FROM = 64  # batches of this many rows or more are sent with COPY
_IDLE = 0  # psycopg.pq.TransactionStatus.IDLE: no transaction open on the connection


def _driver() -> Any:
    """The psycopg module (imported on first use: it is the optional ``postgres`` extra)."""
    try:
        import psycopg
        import psycopg.conninfo
        import psycopg.errors
    except ImportError as exc:
        raise JournalUnavailable(
            "a postgresql:// journal needs psycopg 3: pip install 'timeline-citations[postgres]' "
            f"({exc})"
        ) from None
    return psycopg


class PostgresTarget:
    """A parsed target: the libpq conninfo, the schema, and the URL shown in messages."""

    def __init__(self, conninfo: str, schema: str, shown: str, secrets: tuple[str, ...]) -> None:
        self.conninfo = conninfo
        self.schema = schema
        self.shown = shown
        self._secrets = secrets

    def scrub(self, text: str) -> str:
        """``text`` with every password this target knows replaced by ``***``."""
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text


def parse_target(text: str) -> PostgresTarget:
    """Split a target into its libpq URL and its schema (the fragment); check both."""
    url, _, fragment = text.partition("#")
    schema = urllib.parse.unquote(fragment) if fragment else DEFAULT_SCHEMA
    parts = urllib.parse.urlsplit(url)
    secrets = [parts.password] if parts.password else []
    query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    secrets += [value for name, value in query if name == "password" and value]
    env = os.environ.get("PGPASSWORD")
    if env:
        secrets.append(env)
    netloc = parts.netloc.rpartition("@")
    shown_netloc = parts.netloc
    if netloc[1]:
        user = netloc[0].partition(":")[0]
        shown_netloc = f"{user}@{netloc[2]}"
    shown_query = urllib.parse.urlencode(
        [(name, "***" if name == "password" else value) for name, value in query], safe="/"
    )
    shown = urllib.parse.urlunsplit((parts.scheme, shown_netloc, parts.path, shown_query, ""))
    shown += f"#{schema}"
    target = PostgresTarget(url, schema, shown, tuple(sorted(set(secrets), key=len, reverse=True)))
    if not _SCHEMA_NAME.fullmatch(schema) or schema.lower().startswith("pg_"):
        raise JournalUsageError(
            f"{shown}: the schema {schema!r} after '#' must be letters, digits, '_' or '-' "
            f"(at most 63, not starting with a digit or 'pg_')"
        )
    psycopg = _driver()
    try:
        psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.ProgrammingError as exc:
        raise JournalUsageError(
            f"{shown}: not a PostgreSQL connection URL ({target.scrub(str(exc))})"
        ) from None
    return target


def _says(target: PostgresTarget, exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    state = getattr(exc, "sqlstate", None)
    return f"PostgreSQL says {target.scrub(text)!r}" + (f" (SQLSTATE {state})" if state else "")


def _translate(target: PostgresTarget, exc: psycopg.Error, connecting: bool = False) -> Exception:
    """Our typed error for a psycopg error (messages never hold the password);
    ``connecting``: raised while connecting."""
    psycopg = _driver()
    where = target.shown
    says = _says(target, exc)
    if isinstance(exc, psycopg.errors.RaiseException) and _APPEND_ONLY in str(exc):
        return AppendOnlyViolation(f"{where}: {target.scrub(str(exc).splitlines()[0])}")
    if isinstance(
        exc, (psycopg.errors.InsufficientPrivilege, psycopg.errors.ReadOnlySqlTransaction)
    ):
        return JournalReadOnly(
            f"{where}: this role may not do that ({says}); nothing of this command was written"
        )
    if isinstance(exc, (psycopg.errors.LockNotAvailable, psycopg.errors.QueryCanceled)):
        return JournalBusy(
            f"{where} is busy: another writer held the journal's lock longer than the wait "
            f"allowed ({says}); nothing of this command was written; try again, or wait longer "
            f"(busy_timeout, --busy-timeout, $TIMELINE_BUSY_TIMEOUT)"
        )
    if isinstance(exc, psycopg.errors.DiskFull):
        return JournalFull(f"{where}: the server's disk is full ({says}); nothing was written")
    if isinstance(exc, psycopg.errors.UniqueViolation):
        name = getattr(exc.diag, "constraint_name", None) or ""
        if name.endswith("record_id_key"):
            detail = re.search(r"\(record_id\)=\((.*)\) already", exc.diag.message_detail or "")
            taken = repr(detail.group(1)) if detail else "of a row"
            return RecordIdConflict(f"{where}: record_id {taken} is already stored ({says})")
        return JournalBusy(
            f"{where}: another writer appended without the journal's lock meanwhile ({says}); "
            f"nothing of this command was written; try again"
        )
    if isinstance(exc, psycopg.errors.UndefinedTable):
        return NotAJournal(f"{where}: the journal's tables are missing ({says})")
    errors = psycopg.errors
    if isinstance(exc, (errors.AdminShutdown, errors.CrashShutdown, errors.CannotConnectNow)):
        return JournalUnavailable(
            f"{where}: the PostgreSQL server ended the connection: it was shut down or restarted, "
            f"or an administrator ended the session ({says}); nothing of this command was "
            f"written; try again once the server is back"
        )
    if isinstance(exc, psycopg.OperationalError) and re.search(r"\bSSL\b|certificate", says):
        return JournalUnavailable(
            f"{where}: the TLS connection to the server could not be set up or verified "
            f"({says}); check sslmode, sslrootcert and the server's certificate; nothing of "
            f"this command was written"
        )
    if isinstance(exc, psycopg.OperationalError) and connecting:
        return JournalUnavailable(
            f"{where}: could not connect to the PostgreSQL server: it cannot be reached, or it "
            f"refused the login or the database ({says}); nothing was written"
        )
    if isinstance(exc, psycopg.OperationalError):
        return JournalUnavailable(
            f"{where}: cannot reach the PostgreSQL server, or it dropped the connection "
            f"({says}); nothing of this command was written"
        )
    return JournalIOError(f"{where}: the database refused the command ({says})")


@contextlib.contextmanager
def postgres_errors(target: PostgresTarget, *, connecting: bool = False) -> Iterator[None]:
    """A context turning psycopg errors into the typed errors of :mod:`timeline.errors`
    (``connecting``: around opening the connection)."""
    psycopg = _driver()
    try:
        yield
    except psycopg.Error as exc:
        raise _translate(target, exc, connecting) from None


def _ddl(schema: str) -> tuple[str, ...]:
    s = f'"{schema}"'
    return (
        f"CREATE SCHEMA IF NOT EXISTS {s}",
        f"""CREATE TABLE {s}.records (
            seq bigint PRIMARY KEY CHECK (seq >= 1),
            stream text NOT NULL CHECK (stream <> ''),
            version bigint NOT NULL CHECK (version >= 1),
            kind text NOT NULL,
            schema integer NOT NULL CHECK (schema >= 1),
            payload text NOT NULL,
            recorded_at text NOT NULL,
            record_id text NOT NULL UNIQUE,
            hash text NOT NULL,
            UNIQUE (stream, version)
        )""",
        f"CREATE TABLE {s}.journal_meta (name text PRIMARY KEY, value text NOT NULL)",
        f"INSERT INTO {s}.journal_meta VALUES ('format', '{FORMAT}')",
        f"""CREATE FUNCTION {s}.records_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '{_APPEND_ONLY}: % refused', TG_OP;
        END $$""",
        f"""CREATE TRIGGER records_append_only BEFORE UPDATE OR DELETE ON {s}.records
        FOR EACH ROW EXECUTE FUNCTION {s}.records_refuse()""",
        f"""CREATE TRIGGER records_no_truncate BEFORE TRUNCATE ON {s}.records
        FOR EACH STATEMENT EXECUTE FUNCTION {s}.records_refuse()""",
    )


def _lock_key(schema: str) -> str:
    return f"timeline.journal:{schema}"


def _check_nul(values: Collection[str]) -> None:
    for value in values:
        if "\x00" in value:
            raise JournalUsageError(
                f"stream {value!r} holds a NUL character, which PostgreSQL text cannot store"
            )


class PostgresJournal(ChainStore):
    """The journal in one schema of a PostgreSQL database (see :meth:`open`).

    The views kept beside it (the PostgreSQL views adapter) share
    :attr:`connection`, so a command's record and its view rows are written in
    one transaction.
    """

    def __init__(
        self,
        conn: psycopg.Connection[Any],
        target: PostgresTarget,
        registry: KindRegistry | None,
        clock: Callable[[], datetime] | None,
        *,
        read_only: bool,
    ) -> None:
        super().__init__(target.shown, registry, clock)
        self._conn = conn
        self._target = target
        self._read_only = read_only
        s = f'"{target.schema}"'
        self._records = f"{s}.records"
        self._lock = _lock_key(target.schema)
        self._reading = 0

    @classmethod
    def open(
        cls,
        target: str,
        *,
        registry: KindRegistry | None = None,
        clock: Callable[[], datetime] | None = None,
        busy_timeout: float = 30.0,
        read_only: bool = False,
    ) -> PostgresJournal:
        """Open the journal in the schema ``target`` names, creating it when it is missing.

        ``busy_timeout`` bounds the wait for the journal's write lock (then
        :class:`JournalBusy`); ``read_only=True`` never writes (every
        transaction is read-only). A server that cannot be reached is
        :class:`JournalUnavailable`.
        """
        parsed = parse_target(target)
        if isinstance(busy_timeout, bool) or not isinstance(busy_timeout, (int, float)):
            raise JournalUsageError(f"busy_timeout must be seconds, got {busy_timeout!r}")
        if busy_timeout < 0:
            raise JournalUsageError(f"busy_timeout must be 0 or more, got {busy_timeout!r}")
        psycopg = _driver()
        params = psycopg.conninfo.conninfo_to_dict(parsed.conninfo)
        params.setdefault("connect_timeout", 10)
        params.setdefault("application_name", "timeline")
        with postgres_errors(parsed, connecting=True):
            conn = psycopg.connect(**params, autocommit=True)
        try:
            with postgres_errors(parsed):
                conn.execute("SELECT set_config('lock_timeout', %s, false)", (f"{busy_timeout}s",))
                if read_only:
                    conn.execute("SET default_transaction_read_only = on")
                _prepare_schema(conn, parsed, read_only)
        except BaseException:
            conn.close()
            raise
        return cls(conn, parsed, registry, clock, read_only=read_only)

    @staticmethod
    def shown(target: str) -> str:
        """``target`` as messages show it: without its password, with its schema."""
        return parse_target(target).shown

    @property
    def read_only(self) -> bool:
        """True when opened with ``read_only=True``."""
        return self._read_only

    @property
    def target(self) -> PostgresTarget:
        """Where the journal is: its conninfo, schema and the URL shown in messages."""
        return self._target

    @property
    def connection(self) -> psycopg.Connection[Any]:
        """The psycopg connection (autocommit), for the views kept in the same schema."""
        return self._conn

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()

    def __enter__(self) -> PostgresJournal:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def typed_errors(self) -> contextlib.AbstractContextManager[None]:
        """A context turning psycopg errors into typed :class:`JournalError` s."""
        return postgres_errors(self._target)

    # -- transactions -------------------------------------------------------------

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        """A write transaction holding the journal's lock; nested ones are savepoints.

        The lock (``pg_advisory_xact_lock``) is taken first, so the head read
        inside is the latest one and no other writer appends until the commit.
        A connection lost during the COMMIT with no word from the server is
        :class:`JournalUnavailable` saying the command may or may not be
        stored (the server may have committed it before the connection went).
        """
        if self._reading:
            raise JournalUsageError(
                f"{self._target.shown}: cannot write inside a read transaction (its snapshot "
                f"would not see other writers' records)"
            )
        conn = self._conn
        outer = conn.info.transaction_status == _IDLE
        committing = False
        with self.typed_errors():
            try:
                with conn.transaction():
                    if outer:
                        conn.execute(
                            "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (self._lock,)
                        )
                    yield
                    committing = outer
            except _driver().OperationalError as exc:
                if not committing or exc.sqlstate is not None:
                    raise  # the server said why it ended the transaction: it is not stored
                raise JournalUnavailable(
                    f"{self._target.shown}: the connection to the PostgreSQL server was lost "
                    f"while it committed ({_says(self._target, exc)}): the command may or may "
                    f"not be stored; look (timeline events, timeline verify) before running it "
                    f"again"
                ) from None

    @contextlib.contextmanager
    def read_transaction(self) -> Iterator[None]:
        """One snapshot (REPEATABLE READ): reads inside do not see others' appends meanwhile.

        Inside a transaction already, it joins it.
        """
        conn = self._conn
        if conn.info.transaction_status != _IDLE:
            yield
            return
        with self.typed_errors():
            conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        self._reading += 1
        try:
            yield
        finally:
            self._reading -= 1
            with self.typed_errors():
                if conn.info.transaction_status != _IDLE:
                    conn.execute("COMMIT")

    # -- storage primitives (see ChainStore) ---------------------------------------

    def _one(self, sql: str, params: Sequence[Any] = ()) -> Any:
        with self.typed_errors():
            return self._conn.execute(sql, params).fetchone()

    def _last(self) -> tuple[int, str, str]:
        row = self._one(
            f"SELECT seq, hash, recorded_at FROM {self._records} ORDER BY seq DESC LIMIT 1"
        )
        return (row[0], row[1], row[2]) if row else (0, GENESIS_HASH, "")

    def _versions(self, streams: Collection[str]) -> dict[str, int]:
        names = list(streams)
        _check_nul(names)
        with self.typed_errors():
            return dict(
                self._conn.execute(
                    f"SELECT stream, max(version) FROM {self._records} "
                    f"WHERE stream = ANY(%s) GROUP BY stream",
                    (names,),
                ).fetchall()
            )

    def _stored(self, record_ids: Sequence[str]) -> dict[str, Row]:
        with self.typed_errors():
            rows = self._conn.execute(
                f"SELECT {_COLUMNS} FROM {self._records} WHERE record_id = ANY(%s)",
                (list(record_ids),),
            ).fetchall()
        return {row[7]: row for row in rows}

    def _insert(self, rows: Sequence[Row]) -> None:
        _check_nul({row[1] for row in rows})
        conn = self._conn
        with self.typed_errors(), conn.cursor() as cursor:
            if len(rows) >= _COPY_FROM:
                with cursor.copy(f"COPY {self._records} ({_COLUMNS}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                cursor.executemany(
                    f"INSERT INTO {self._records} ({_COLUMNS}) "
                    f"VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                    rows,
                )

    def _pages(
        self, sql: str, params: Sequence[Any], key: int, start: int, limit: int | None
    ) -> Generator[Row, None, None]:
        """The rows of ``sql`` (which ends ``> %s ORDER BY ... LIMIT %s``) a page at a time.

        Each page is its own query, so the connection is free between them
        (another query may run while a caller walks the rows).
        """
        left = limit
        while left is None or left > 0:
            size = _PAGE if left is None else min(_PAGE, left)
            with self.typed_errors():
                rows = self._conn.execute(sql, (*params, start, size)).fetchall()
            yield from rows
            if len(rows) < size:
                return
            start = rows[-1][key]
            if left is not None:
                left -= len(rows)

    def _select(
        self, after: int, upto: int | None, kinds: Sequence[str] | None, limit: int | None
    ) -> Iterator[Row]:
        where = []
        params: list[Any] = []
        if upto is not None:
            where.append("seq <= %s")
            params.append(upto)
        if kinds is not None:
            where.append("kind = ANY(%s)")
            params.append(list(kinds))
        where.append("seq > %s")
        sql = (
            f"SELECT {_COLUMNS} FROM {self._records} WHERE {' AND '.join(where)} "
            f"ORDER BY seq LIMIT %s"
        )
        return self._pages(sql, params, 0, after, limit)

    def _stream_rows(self, stream: str, upto: int | None) -> Iterator[Row]:
        _check_nul([stream])
        sql = f"SELECT {_COLUMNS} FROM {self._records} WHERE stream = %s"
        params: list[Any] = [stream]
        if upto is not None:
            sql += " AND seq <= %s"
            params.append(upto)
        return self._pages(sql + " AND version > %s ORDER BY version LIMIT %s", params, 2, 0, None)

    def _recorded_at(self, seq: int) -> str | None:
        row = self._one(f"SELECT recorded_at FROM {self._records} WHERE seq = %s", (seq,))
        return None if row is None else str(row[0])

    def rows(self) -> Iterator[Row]:
        """Every stored row in seq order."""
        return self._pages(
            f"SELECT {_COLUMNS} FROM {self._records} WHERE seq > %s ORDER BY seq LIMIT %s",
            (),
            0,
            0,
            None,
        )


def _prepare_schema(conn: psycopg.Connection[Any], target: PostgresTarget, read_only: bool) -> None:
    """Create the journal's schema objects when missing (one creator at a time); check them."""
    schema = target.schema
    records = f'"{schema}".records'
    (found,) = conn.execute("SELECT to_regclass(%s)", (records,)).fetchone() or (None,)
    if found is None:
        if read_only:
            raise NotAJournal(
                f"{target.shown}: holds no timeline journal yet (schema {schema!r} has no "
                f"records table), and it is opened read-only"
            )
        with conn.transaction():
            conn.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (_lock_key(schema),)
            )
            (found,) = conn.execute("SELECT to_regclass(%s)", (records,)).fetchone() or (None,)
            if found is None:
                for statement in _ddl(schema):
                    conn.execute(statement)
    _check_schema(conn, target)


def _check_schema(conn: psycopg.Connection[Any], target: PostgresTarget) -> None:
    """Refuse a schema whose format is newer, or whose guards were dropped or disabled."""
    schema = target.schema
    row = conn.execute(
        f"SELECT value FROM \"{schema}\".journal_meta WHERE name = 'format'"
    ).fetchone()
    stored = int(row[0]) if row else 0
    if stored > FORMAT:
        raise SchemaTooNew(
            f"{target.shown} was written by a newer version of timeline (journal format {stored})"
        )
    if stored < 1:
        raise CorruptJournal(f"{target.shown}: the journal's format row is missing")
    triggers = dict(
        conn.execute(
            "SELECT t.tgname, t.tgenabled FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND c.relname = 'records' AND NOT t.tgisinternal",
            (schema,),
        ).fetchall()
    )
    missing = sorted(_GUARDS - triggers.keys())
    others = sorted(triggers.keys() - _GUARDS)
    disabled = sorted(name for name, state in triggers.items() if name in _GUARDS and state != "O")
    advice = (
        "it could change what is read or written, so the journal is not used "
        "(restore it from a dump, or have its owner recreate the triggers)"
    )
    if missing or disabled:
        raise UntrustedJournal(
            f"{target.shown}: the journal's append-only trigger "
            f"{', '.join(missing + disabled)} was removed or disabled; {advice}"
        )
    if others:
        raise UntrustedJournal(
            f"{target.shown}: holds a trigger {', '.join(others)} on the records table that "
            f"timeline did not create; {advice}"
        )
