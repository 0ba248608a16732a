"""The journal: an append-only, hash-chained log of records.

A :class:`Draft` is what a caller appends to a stream; a :class:`Record` is
what the journal stores and reads back, in ``seq`` order, each hash chained to
the one before. :class:`KindRegistry` names the record kinds, their current
schemas and the upcasters that bring old payloads up to date on read.

:class:`Journal` stores the log in one SQLite file (or ``:memory:``).
``append(..., then=callback)`` runs ``callback(records)`` inside the write
transaction, after the insert: if it raises, nothing is written.
"""

from timeline.journal._kinds import KindRegistry, Upcaster
from timeline.journal._records import GENESIS_HASH, Draft, Head, Record, canonical_json
from timeline.journal._sqlite import ANY, NO_STREAM, ExpectedVersion, Journal, VerifyReport

__all__ = [
    "ANY",
    "GENESIS_HASH",
    "NO_STREAM",
    "Draft",
    "ExpectedVersion",
    "Head",
    "Journal",
    "KindRegistry",
    "Record",
    "Upcaster",
    "VerifyReport",
    "canonical_json",
]
