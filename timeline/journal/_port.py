"""The journal port: what the application asks of a journal, whatever stores it.

An adapter subclasses :class:`Journal` (to inherit :meth:`~Journal.verify`,
:meth:`~Journal.dump` and :meth:`~Journal.load`, written once here against
:meth:`~Journal.rows` and :meth:`~Journal.restore`), or
:class:`~timeline.journal._store.ChainStore` to get appending and reading as well.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Collection, Generator, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Protocol, TextIO

from timeline.journal._chain import Row, VerifyReport, verify
from timeline.journal._kinds import KindRegistry
from timeline.journal._records import Draft, Head, Record

__all__ = ["ANY", "NO_STREAM", "Batch", "ExpectedVersion", "Journal", "Then"]


class _Expect(enum.Enum):
    ANY = "ANY"
    NO_STREAM = "NO_STREAM"

    def __str__(self) -> str:
        return "ANY" if self is _Expect.ANY else "NO_STREAM (no stream yet)"


#: Append whatever version the stream is at.
ANY = _Expect.ANY
#: Append only if the stream has no records yet.
NO_STREAM = _Expect.NO_STREAM

#: :data:`ANY`, :data:`NO_STREAM`, or the exact version (0: no stream) a stream must be at.
ExpectedVersion = int | _Expect

#: One stream's part of :meth:`Journal.append_batch`: stream, drafts, expected version.
Batch = tuple[str, Iterable[Draft], ExpectedVersion]

#: Called with the stored records inside the write transaction, after the insert.
Then = Callable[[tuple[Record, ...]], None]


class Journal(Protocol):
    """An append-only, hash-chained log of records (the port; see the adapters)."""

    @property
    def read_only(self) -> bool:
        """True when nothing can be written through this journal."""
        ...

    @property
    def registry(self) -> KindRegistry | None:
        """The kind registry; ``None`` in raw mode (any kind, schema 1, no upcasting)."""
        ...

    def append(
        self,
        stream: str,
        drafts: Iterable[Draft],
        *,
        expected_version: ExpectedVersion = ANY,
        then: Then | None = None,
    ) -> tuple[Record, ...]:
        """Append ``drafts`` to ``stream`` atomically and return the stored records.

        ``expected_version`` is :data:`ANY`, :data:`NO_STREAM` or the exact
        version the stream must be at; otherwise :class:`VersionConflict`.
        If every draft's ``record_id`` is already stored with the same content
        (a retry), the stored records are returned and nothing is written.
        ``then(records)`` runs inside the write transaction after the insert
        (not for a retry that writes nothing); if it raises, nothing is written.
        """
        ...

    def append_batch(
        self, batches: Iterable[Batch], *, then: Then | None = None
    ) -> tuple[Record, ...]:
        """Append to several streams in one transaction: all of them are written or none.

        Each ``(stream, drafts, expected_version)`` is checked as :meth:`append`
        checks it (a stream named twice is checked the second time at the
        version the first part left it); ``then`` sees every record.
        """
        ...

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
        ...

    def read_stream(self, stream: str, *, upto: int | None = None) -> Generator[Record, None, None]:
        """The records of ``stream`` in version order (up to journal seq ``upto``)."""
        ...

    def stream_version(self, stream: str) -> int:
        """The version of ``stream``'s last record; 0 when the stream does not exist."""
        ...

    def head(self) -> Head:
        """The last record's ``seq`` and ``hash``; ``Head(0, GENESIS_HASH)`` when empty."""
        ...

    def seq_at(self, instant: datetime) -> int:
        """The last seq recorded at or before ``instant`` (aware); 0 if none was."""
        ...

    def transaction(self, *, join_nested: bool = False) -> AbstractContextManager[None]:
        """A write transaction: appends inside are written together or not at all.

        Nested ones roll back on their own (savepoints) when their block raises.
        With ``join_nested`` they join this one instead, at no cost per block (a
        bulk import appends chunk after chunk): a block inside that raises leaves
        the whole transaction failed, even if the exception is caught; any further
        append raises :class:`JournalUsageError`, and leaving the block rolls it all
        back and raises :class:`JournalUsageError`.
        """
        ...

    def read_transaction(self) -> AbstractContextManager[None]:
        """One consistent snapshot: reads inside do not see others' appends meanwhile."""
        ...

    def rows(self) -> Iterator[Row]:
        """Every stored row in ``seq`` order, as stored (no upcasting), streamed."""
        ...

    def restore(self, rows: Sequence[Row]) -> None:
        """Store ``rows``, already chained after the head (a load checked them).

        A record_id already stored raises :class:`RecordIdConflict` naming it.
        """
        ...

    def close(self) -> None:
        """Release the storage."""
        ...

    def verify(self, upto: int | None = None) -> VerifyReport:
        """Re-walk the hash chain from the first record; report the first bad ``seq``.

        Also checks that seq has no gaps, versions follow on within each
        stream, and ``recorded_at`` never goes back. ``upto``: the records up
        to that ``seq`` only (the journal as it stood then).
        """
        with self.read_transaction():
            rows = self.rows()
            return verify(rows if upto is None else (row for row in rows if row[0] <= upto))

    def dump(self, fp: TextIO) -> int:
        """Write the journal as JSON Lines: a header, one record per line, a closing line.

        Returns the number of records written. The records are read in one
        snapshot, so appends made meanwhile by others are not half included.
        """
        from timeline.journal._interchange import dump

        return dump(self, fp)

    @staticmethod
    def load(fp: TextIO, into: Journal) -> int:
        """Read a :meth:`dump` into the empty journal ``into``, checking every line and hash.

        All or nothing: a malformed, truncated or edited dump raises
        :class:`DumpFormatError` naming the line, and nothing is written.
        Returns the number of records loaded.
        """
        from timeline.journal._interchange import load

        return load(fp, into)

    @staticmethod
    def copy(source: Journal, into: Journal, progress: Callable[[int], None] | None = None) -> int:
        """Copy every record of ``source`` into the empty journal ``into``, all or nothing:
        the same rows, so the same hashes and head. A row of ``source`` that breaks the
        chain rules is :class:`CorruptJournal` and nothing is written. ``progress`` gets
        the count copied so far. Returns the count."""
        from timeline.journal._interchange import copy

        return copy(source, into, progress)
