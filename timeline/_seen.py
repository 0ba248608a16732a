"""What a streamed import has seen, as hashes in a flat array: a set of 4 or 8 bytes an
entry where Python's own set of strings takes about 100."""

from __future__ import annotations

from array import array
from collections.abc import Hashable, Iterator


class Seen:
    """A set of values held as their hashes (``hash(value)``, or 32 bits of it with
    ``small=True``) in an open-addressing table at most half full: 16 bytes or less per
    value (8 when small), whatever the value.

    Two values whose hashes collide count as one (for strings, about one chance in
    2**64 per pair, 2**32 when small); whoever asks must treat a hit as "seen, or a
    collision" where a wrong answer matters.
    """

    __slots__ = ("_count", "_mask", "_small", "_table")

    def __init__(self, *, small: bool = False) -> None:
        self._small = small
        self._table = array("i" if small else "q", [0]) * 1024
        self._mask = len(self._table) - 1
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def add(self, value: Hashable) -> bool:
        """Add ``value``; False if it (or a value of the same hash) was seen already."""
        return self.add_hash(self.code(value))

    def __contains__(self, value: object) -> bool:
        return self.has_hash(self.code(value))

    def code(self, value: object) -> int:
        """The hash this set holds ``value`` as (for :meth:`add_hash` and :meth:`has_hash`)."""
        code = hash(value)
        if self._small:  # 32 bits, as a signed 32-bit value
            return ((code ^ (code >> 32)) & 0xFFFFFFFF) - 0x80000000
        return code

    def add_hash(self, code: int) -> bool:
        """Add a hash as :meth:`add` adds a value's."""
        code = code or 1  # 0 marks an empty slot
        at = self._slot(code)
        if self._table[at] == code:
            return False
        self._table[at] = code
        self._count += 1
        if 2 * self._count > self._mask:
            self._grow()
        return True

    def has_hash(self, code: int) -> bool:
        """Whether a value of this hash was added."""
        return self._table[self._slot(code or 1)] != 0

    def _slot(self, code: int) -> int:
        """Where ``code`` is held, else the empty slot where it would go."""
        table, mask = self._table, self._mask
        at = code & mask
        while (held := table[at]) != 0 and held != code:
            at = (at + 1) & mask
        return at

    def hashes(self) -> Iterator[int]:
        """The hashes held, in no order."""
        return (code for code in self._table if code != 0)

    def _grow(self) -> None:
        """Double the table, each hash put in its new slot (held once each: no compare)."""
        old = self._table
        table = array(old.typecode, [0]) * (2 * len(old))  # no bytes copied in
        mask = len(table) - 1
        for code in old:
            if code != 0:
                at = code & mask
                while table[at] != 0:
                    at = (at + 1) & mask
                table[at] = code
        self._table, self._mask = table, mask
