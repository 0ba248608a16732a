"""Appending and reading written once, over a few storage primitives an adapter provides.

An adapter subclasses :class:`ChainStore` and implements the primitives
(``_last``, ``_versions``, ``_stored``, ``_insert``, ``_select``,
``_stream_rows``, ``_recorded_at``, ``_transaction``) plus the port's
``rows``, ``read_transaction``, ``close`` and ``read_only``. Every
append, single or batched, reads the head once and the streams' versions with
one call, then inserts all its rows with one call.
"""

from __future__ import annotations

import abc
import contextlib
from collections.abc import Callable, Collection, Generator, Iterable, Iterator, Sequence
from datetime import UTC, datetime

import attrs

from timeline.errors import CorruptJournal, JournalUsageError, RecordIdConflict, VersionConflict
from timeline.journal._chain import GENESIS_HASH, Prepared, Row, chain
from timeline.journal._kinds import KindRegistry
from timeline.journal._port import ANY, NO_STREAM, Batch, ExpectedVersion, Journal, Then, _Expect
from timeline.journal._records import (
    Draft,
    Head,
    Record,
    format_instant,
    new_record_ids,
    parse_instant,
)
from timeline.journal._rows import Decoder, Preparer, appended, check_int, check_stream

__all__ = ["ChainStore"]


def _utc_now() -> datetime:
    return datetime.now(UTC)


class ChainStore(Journal, abc.ABC):
    """A :class:`Journal` made of storage primitives: the chain is built and read here."""

    def __init__(
        self, name: str, registry: KindRegistry | None, clock: Callable[[], datetime] | None
    ) -> None:
        self._name = name
        self._registry = registry
        self._clock = clock or _utc_now
        self._preparer = Preparer(registry)
        self._decoder = Decoder(registry, name)
        self._calling_then = False
        self._joined: _Joined | None = None

    # -- primitives ---------------------------------------------------------------

    @abc.abstractmethod
    def _last(self) -> tuple[int, str, str]:
        """The last row's seq, hash and recorded_at; ``(0, GENESIS_HASH, "")`` when empty."""

    @abc.abstractmethod
    def _versions(self, streams: Collection[str]) -> dict[str, int]:
        """The current version of each of ``streams`` that has records (one query)."""

    @abc.abstractmethod
    def _stored(self, record_ids: Sequence[str]) -> dict[str, Row]:
        """The stored rows with any of ``record_ids``, by record_id."""

    @abc.abstractmethod
    def _insert(self, rows: Sequence[Row]) -> None:
        """Store ``rows`` (chained after the head); :class:`RecordIdConflict` on a taken id."""

    @abc.abstractmethod
    def _select(
        self, after: int, upto: int | None, kinds: Sequence[str] | None, limit: int | None
    ) -> Iterator[Row]:
        """Rows with ``after < seq <= upto`` of ``kinds`` in seq order, at most ``limit``."""

    @abc.abstractmethod
    def _stream_rows(self, stream: str, upto: int | None) -> Iterator[Row]:
        """The rows of ``stream`` with ``seq <= upto``, in version order."""

    @abc.abstractmethod
    def _recorded_at(self, seq: int) -> str | None:
        """The stored recorded_at of ``seq``; None if no such row."""

    @abc.abstractmethod
    def _transaction(self) -> contextlib.AbstractContextManager[None]:
        """A write transaction, all or nothing; nested ones roll back on their own."""

    # -- the port -------------------------------------------------------------------

    @property
    def calling_then(self) -> bool:
        """True while an append's ``then`` callback runs: inside the append's transaction
        (or savepoint), which undoes whatever the callback writes when it raises."""
        return self._calling_then

    def transaction(self, *, join_nested: bool = False) -> contextlib.AbstractContextManager[None]:
        if self._joined is not None:
            return self._joined_part()
        return self._joining() if join_nested else self._transaction()

    @contextlib.contextmanager
    def _joining(self) -> Iterator[None]:
        """A transaction that the ones opened inside join, with no savepoint of their own."""
        with self._transaction():
            self._joined = joined = _Joined()
            try:
                yield
            finally:
                self._joined = None
            if joined.failed:
                raise JournalUsageError(
                    f"{self._name}: a block inside this transaction raised, so all of it is "
                    f"rolled back (the blocks inside joined it, with no savepoint to undo "
                    f"one alone)"
                )

    @contextlib.contextmanager
    def _joined_part(self) -> Iterator[None]:
        """A transaction opened inside a joining one: a part of it. A part that raises
        leaves the whole transaction failed: it can then only roll back."""
        joined = self._joined
        assert joined is not None
        if joined.failed:
            raise JournalUsageError(
                f"{self._name}: a block inside this transaction raised earlier; it can only "
                f"roll back now"
            )
        try:
            yield
        except BaseException:
            joined.failed = True
            raise

    @property
    def registry(self) -> KindRegistry | None:
        """The kind registry; ``None`` in raw mode."""
        return self._registry

    def append(
        self,
        stream: str,
        drafts: Iterable[Draft],
        *,
        expected_version: ExpectedVersion = ANY,
        then: Then | None = None,
    ) -> tuple[Record, ...]:
        return self.append_batch([(stream, drafts, expected_version)], then=then)

    def append_batch(
        self, batches: Iterable[Batch], *, then: Then | None = None
    ) -> tuple[Record, ...]:
        parts: list[tuple[str, list[Draft], ExpectedVersion, list[Prepared]]] = []
        missing = 0
        for stream, drafts, expected in batches:
            check_stream(stream)
            if not isinstance(expected, _Expect):
                check_int(f"stream {stream!r}: expected_version", expected, 0)
            items = list(drafts)
            prepared, lacking = self._preparer.prepare(stream, items)
            parts.append((stream, items, expected, prepared))
            missing += lacking
        given = [row[3] for part in parts for row in part[3] if row[4]]
        if len(set(given)) != len(given):
            raise JournalUsageError("the batch repeats a record_id across its streams")
        new_ids = iter(new_record_ids(missing))  # for the drafts without a record_id, in order
        with self.transaction():
            if given:
                stored = self._stored_copies(parts, given)
                if stored is not None:
                    return stored
            versions = self._versions({part[0] for part in parts})
            seq, previous, last_at = self._last()
            recorded_at = max(format_instant(self._clock()), last_at)
            chained: list[tuple[str, int, Sequence[Prepared]]] = []
            for stream, _items, expected, prepared in parts:
                actual = versions.get(stream, 0)
                if (expected is NO_STREAM and actual != 0) or (
                    not isinstance(expected, _Expect) and expected != actual
                ):
                    raise VersionConflict(stream, expected, actual)
                chained.append((stream, actual, prepared))
                versions[stream] = actual + len(prepared)
            rows = chain(seq, previous, chained, recorded_at, new_ids)
            if not rows:
                return ()
            self._insert(rows)
            drafts = [item for part in parts for item in part[1]]
            records = appended(rows, drafts, parse_instant(recorded_at))
            if then is not None:
                self._calling_then = True
                try:
                    then(records)
                finally:
                    self._calling_then = False
            return records

    def _stored_copies(
        self,
        parts: Sequence[tuple[str, list[Draft], ExpectedVersion, list[Prepared]]],
        given: Sequence[str],
    ) -> tuple[Record, ...] | None:
        """The stored records if this batch is a retry; None if none of its ids is stored."""
        found: dict[str, Row] = {}
        for start in range(0, len(given), 500):
            found.update(self._stored(given[start : start + 500]))
        if not found:
            return None
        total = sum(len(part[3]) for part in parts)
        if len(found) != total:
            seqs = ", ".join(str(row[0]) for row in found.values())
            raise RecordIdConflict(
                f"stream {parts[0][0]!r}: {len(found)} of the batch's {total} records are "
                f"already stored (seq {seqs}); a retry must repeat the whole batch"
            )
        for stream, _items, _expected, prepared in parts:
            for kind, _schema, payload_json, record_id, _given in prepared:
                row = found[record_id]
                if (row[1], row[3], row[5]) != (stream, kind, payload_json):
                    raise RecordIdConflict(
                        f"record_id {record_id!r} is stored at seq {row[0]} (stream {row[1]!r}, "
                        f"kind {row[3]!r}) with other content than this append to "
                        f"stream {stream!r}"
                    )
        decode = self._decoder.decode
        return tuple(decode(found[row[3]]) for part in parts for row in part[3])

    def restore(self, rows: Sequence[Row]) -> None:
        self._insert(rows)

    def read(
        self,
        *,
        after: int = 0,
        upto: int | None = None,
        as_of: datetime | None = None,
        kinds: Collection[str] | None = None,
        limit: int | None = None,
    ) -> Generator[Record, None, None]:
        check_int("after", after, 0)
        if upto is not None:
            check_int("upto", upto, 0)
        if as_of is not None:
            bound = self.seq_at(as_of)
            upto = bound if upto is None else min(upto, bound)
        kind_list: list[str] | None = None
        if kinds is not None:
            if isinstance(kinds, str):
                raise JournalUsageError(f"kinds must be a collection of kinds, got {kinds!r}")
            kind_list = sorted(set(kinds))
        if limit is not None:
            check_int("limit", limit, 0)
        return self._decoder.records(self._select(after, upto, kind_list, limit))

    def read_stream(self, stream: str, *, upto: int | None = None) -> Generator[Record, None, None]:
        if upto is not None:
            check_int("upto", upto, 0)
        return self._decoder.records(self._stream_rows(stream, upto))

    def stream_version(self, stream: str) -> int:
        return self._versions([stream]).get(stream, 0)

    def head(self) -> Head:
        seq, hash_, _at = self._last()
        return Head(seq, hash_ if seq else GENESIS_HASH)

    def seq_at(self, instant: datetime) -> int:
        bound = format_instant(instant)
        low, high = 0, self._last()[0]
        # recorded_at never decreases along seq (append keeps it so), so bisect
        while low < high:
            middle = (low + high + 1) // 2
            at = self._recorded_at(middle)
            if at is None:
                raise CorruptJournal(f"{self._name}: record seq {middle} is missing")
            if at <= bound:
                low = middle
            else:
                high = middle - 1
        return low

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._name!r})"


@attrs.define
class _Joined:
    """The state of a transaction that nested ones join: whether a part of it raised."""

    failed: bool = False
