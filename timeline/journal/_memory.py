"""The in-memory journal adapter: the records in a list, for tests and throwaway timelines.

It proves the port: everything but storage (the chain, appending, reading,
verify, dump and load) is the code the SQLite adapter runs too. Transactions
nest; a block that raises takes back what it appended (the list is cut back).
"""

from __future__ import annotations

import bisect
import contextlib
from collections.abc import Callable, Collection, Iterator, Sequence
from datetime import datetime

from timeline.errors import RecordIdConflict
from timeline.journal._chain import GENESIS_HASH, Row
from timeline.journal._kinds import KindRegistry
from timeline.journal._store import ChainStore

__all__ = ["MemoryJournal"]


class MemoryJournal(ChainStore):
    """A journal held in memory by this process only; gone when it is closed."""

    def __init__(
        self,
        *,
        registry: KindRegistry | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__("memory", registry, clock)
        self._rows: list[Row] = []
        self._by_id: dict[str, int] = {}  # record_id -> index in _rows
        self._streams: dict[str, list[int]] = {}  # stream -> indexes in version order

    @property
    def read_only(self) -> bool:
        """Always False: a memory journal can always be written."""
        return False

    def close(self) -> None:
        """Drop the records."""
        self._rows = []
        self._by_id = {}
        self._streams = {}

    def __enter__(self) -> MemoryJournal:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        """Appends inside are taken back when the block raises (nested blocks too)."""
        mark = len(self._rows)
        try:
            yield
        except BaseException:
            self._cut(mark)
            raise

    @contextlib.contextmanager
    def read_transaction(self) -> Iterator[None]:
        """Nothing else writes a memory journal, so every read is consistent already."""
        yield

    def _cut(self, mark: int) -> None:
        for row in reversed(self._rows[mark:]):
            del self._by_id[row[7]]
            indexes = self._streams[row[1]]
            indexes.pop()
            if not indexes:
                del self._streams[row[1]]
        del self._rows[mark:]

    # -- storage primitives (see ChainStore) ---------------------------------------

    def _last(self) -> tuple[int, str, str]:
        if not self._rows:
            return 0, GENESIS_HASH, ""
        row = self._rows[-1]
        return row[0], row[8], row[6]

    def _versions(self, streams: Collection[str]) -> dict[str, int]:
        rows = self._rows
        return {
            stream: rows[self._streams[stream][-1]][2]
            for stream in streams
            if stream in self._streams
        }

    def _stored(self, record_ids: Sequence[str]) -> dict[str, Row]:
        return {rid: self._rows[self._by_id[rid]] for rid in record_ids if rid in self._by_id}

    def _insert(self, rows: Sequence[Row]) -> None:
        mark = len(self._rows)
        for row in rows:
            taken = self._by_id.get(row[7])
            if taken is not None:
                self._cut(mark)
                raise RecordIdConflict(
                    f"record_id {row[7]!r} of seq {row[0]} is already stored at seq "
                    f"{self._rows[taken][0] if taken < mark else '?'}"
                )
            self._by_id[row[7]] = len(self._rows)
            self._streams.setdefault(row[1], []).append(len(self._rows))
            self._rows.append(row)

    def _select(
        self, after: int, upto: int | None, kinds: Sequence[str] | None, limit: int | None
    ) -> Iterator[Row]:
        stop = len(self._rows) if upto is None else min(upto, len(self._rows))
        wanted = None if kinds is None else frozenset(kinds)
        count = 0
        rows = self._rows
        for index in range(after, stop):  # seq n is at index n - 1
            if limit is not None and count >= limit:
                return
            row = rows[index]
            if wanted is None or row[3] in wanted:
                count += 1
                yield row

    def _stream_rows(self, stream: str, upto: int | None) -> Iterator[Row]:
        rows = self._rows
        indexes = list(self._streams.get(stream, ()))
        if upto is not None:
            indexes = indexes[: bisect.bisect_right(indexes, upto - 1)]
        for index in indexes:
            yield rows[index]

    def _recorded_at(self, seq: int) -> str | None:
        return self._rows[seq - 1][6] if 1 <= seq <= len(self._rows) else None

    def rows(self) -> Iterator[Row]:
        """Every stored row in seq order."""
        rows = self._rows
        for index in range(len(rows)):
            yield rows[index]
