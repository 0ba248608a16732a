"""The journal: an append-only, hash-chained log of records, behind one port.

A :class:`Draft` is what a caller appends to a stream; a :class:`Record` is
what the journal stores and reads back, in ``seq`` order, each hash chained to
the one before (the chain rules: ``timeline/journal/_chain.py``).
:class:`KindRegistry` names the record kinds, their current schemas and the
upcasters that bring old payloads up to date on read.

:class:`Journal` is the port (a :class:`typing.Protocol`): ``append`` (with an
expected version and ``then=callback(records)``, run inside the write
transaction after the insert: if it raises, nothing is written),
``append_batch`` (several streams in one transaction), ``read``,
``read_stream``, ``stream_version``, ``head``, ``seq_at``, ``transaction``,
``read_transaction``, ``rows``/``restore`` (stored rows, for dump and load),
``close`` and ``read_only``; ``verify``, ``dump`` and ``load`` are written once
on the port. Three adapters: :class:`SQLiteJournal` (one SQLite file, or
``:memory:``), :class:`PostgresJournal` (one schema of a PostgreSQL database,
shared by writers on several machines; the ``postgres`` extra) and
:class:`MemoryJournal` (a list in this process).
``timeline.testing.journal`` holds the contract every adapter passes.

For the SQLite views kept in a journal's file and for tests: :func:`record_bytes`
(the canonical bytes a record's hash covers), :func:`built_aside` (a new
journal file built aside and published whole), and :func:`schema_objects`,
:class:`SchemaObject`, :func:`normal_sql` and :data:`UNTRUSTED_ADVICE` (the
check that a file holds only objects timeline created).
"""

from typing import TYPE_CHECKING

from timeline._lazy import on_first_use
from timeline.journal._chain import GENESIS_HASH, VerifyReport, record_bytes
from timeline.journal._kinds import KindRegistry, Upcaster
from timeline.journal._port import ANY, NO_STREAM, Batch, ExpectedVersion, Journal, Then
from timeline.journal._records import Draft, Head, Record, canonical_json
from timeline.journal._sqlite import (
    UNTRUSTED_ADVICE,
    SchemaObject,
    SQLiteJournal,
    built_aside,
    normal_sql,
    schema_objects,
)
from timeline.journal._targets import is_postgres_target

if TYPE_CHECKING:
    from timeline.journal._memory import MemoryJournal
    from timeline.journal._postgres import PostgresJournal

__all__ = [
    "ANY",
    "Batch",
    "Draft",
    "ExpectedVersion",
    "GENESIS_HASH",
    "Head",
    "Journal",
    "KindRegistry",
    "MemoryJournal",
    "NO_STREAM",
    "PostgresJournal",
    "Record",
    "SQLiteJournal",
    "SchemaObject",
    "Then",
    "UNTRUSTED_ADVICE",
    "Upcaster",
    "VerifyReport",
    "built_aside",
    "canonical_json",
    "is_postgres_target",
    "normal_sql",
    "record_bytes",
    "schema_objects",
]


#: :class:`MemoryJournal` and :class:`PostgresJournal`, imported on first use
#: (a SQLite journal needs neither).
__getattr__, __dir__ = on_first_use(
    __name__, {"_memory": ("MemoryJournal",), "_postgres": ("PostgresJournal",)}
)
