"""Journal records as values: drafts, stored records, canonical JSON, instants and ids.

A :class:`Draft` is what a caller appends; a :class:`Record` is what the
journal stores and reads back (its hash: :mod:`timeline.journal._chain`).
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

import attrs

from timeline.errors import JournalUsageError

__all__ = [
    "Draft",
    "Head",
    "Record",
    "canonical_json",
    "format_instant",
    "new_record_id",
    "new_record_ids",
    "parse_instant",
]

_dumps = json.JSONEncoder(
    ensure_ascii=False, allow_nan=False, sort_keys=True, separators=(",", ":")
).encode


def canonical_json(value: Any) -> str:
    """``value`` as canonical JSON: sorted keys, no spaces, UTF-8 text, no NaN.

    Raises :class:`JournalUsageError` for anything JSON cannot hold exactly.
    """
    try:
        text = _dumps(value)
        text.encode("utf-8")
    except (TypeError, ValueError) as exc:
        raise JournalUsageError(f"not canonical JSON: {exc}") from exc
    return text


def format_instant(instant: datetime) -> str:
    """An aware instant as stored: UTC, microseconds, ``YYYY-MM-DDTHH:MM:SS.ffffffZ``."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise JournalUsageError(f"an instant needs a time zone, got naive {instant.isoformat()}")
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_instant(text: str) -> datetime:
    """The aware UTC instant stored as ``text`` (see :func:`format_instant`)."""
    return datetime.fromisoformat(text)


@attrs.frozen
class Head:
    """The journal's last record: its ``seq`` and ``hash`` (0 and genesis when empty)."""

    seq: int
    hash: str


@attrs.frozen
class Draft:
    """A record to append: its kind, JSON payload and optional ``record_id``.

    Without a ``record_id`` a new time-ordered one is generated on append;
    giving one makes a retry of the same append idempotent.
    """

    kind: str
    payload: Mapping[str, Any]
    record_id: str | None = None


@attrs.frozen
class Record:
    """A stored record; ``payload`` is upcast to the current schema on read (do not mutate)."""

    seq: int
    stream: str
    version: int
    kind: str
    schema: int
    payload: Mapping[str, Any]
    recorded_at: datetime
    record_id: str
    hash: str


def _record_maker() -> Callable[..., Record]:
    """``Record(...)`` without attrs' ``__init__``: its slots are set through their descriptors.

    For the journal's read loop (the fields are the stored ones); about two
    thirds of the cost of ``Record(...)``. Falls back to ``Record`` without slots.
    """
    names = [field.name for field in attrs.fields(Record)]
    if not set(names) <= set(getattr(Record, "__slots__", ())):  # pragma: no cover
        return Record
    new = object.__new__
    s0, s1, s2, s3, s4, s5, s6, s7, s8 = (getattr(Record, name).__set__ for name in names)

    def make(
        seq: int,
        stream: str,
        version: int,
        kind: str,
        schema: int,
        payload: Mapping[str, Any],
        recorded_at: datetime,
        record_id: str,
        hash_: str,
    ) -> Record:
        record: Record = new(Record)
        s0(record, seq)
        s1(record, stream)
        s2(record, version)
        s3(record, kind)
        s4(record, schema)
        s5(record, payload)
        s6(record, recorded_at)
        s7(record, record_id)
        s8(record, hash_)
        return record

    return make


#: ``Record(...)`` (positional arguments only), faster, for the journal's read loop.
new_record = _record_maker()


# -- time-ordered ids ----------------------------------------------------------

_id_lock = threading.Lock()
_id_state = [0, 0]  # last millisecond, last 74-bit random part
_RAND_BITS = 74
_RAND_MASK = (1 << _RAND_BITS) - 1
_LOW_MASK = (1 << 48) - 1


def new_record_ids(count: int) -> list[str]:
    """``count`` new UUIDv7s (RFC 9562) as text; ids from one process strictly increase.

    Within one millisecond (or if the clock steps back) the 74 random bits of
    the previous id are incremented, so the order is kept.
    """
    with _id_lock:
        millis = time.time_ns() // 1_000_000
        last_millis, last_rand = _id_state
        if millis > last_millis:
            # random start, with headroom so increments within this millisecond cannot overflow
            rand = int.from_bytes(os.urandom(10)) & (_RAND_MASK >> 1)
        else:
            millis = last_millis
            rand = last_rand + 1
            if rand + count > _RAND_MASK:  # pragma: no cover - 2**73 ids in one millisecond
                millis += 1
                rand = 0
        _id_state[0], _id_state[1] = millis, rand + count - 1
    return _uuid7_texts(millis, rand, rand + count)


def _uuid7_texts(millis: int, start: int, stop: int) -> list[str]:
    """The UUIDv7 texts of ``millis`` with the 74-bit random parts ``start`` to ``stop - 1``.

    Formatted a run at a time: within a run the random part's top 26 bits do
    not change, so the text is a fixed prefix and 12 hex digits.
    """
    ids: list[str] = []
    while start < stop:
        run_stop = min(stop, ((start >> 48) + 1) << 48)
        high = f"{(millis << 16) | (0x7 << 12) | (start >> 62):016x}"
        fourth = 0x8000 | ((start >> 48) & 0x3FFF)  # variant 0b10 and 14 random bits
        template = f"{high[:8]}-{high[8:12]}-{high[12:]}-{fourth:04x}-{{:012x}}"
        ids.extend(map(template.format, range(start & _LOW_MASK, (run_stop - 1 & _LOW_MASK) + 1)))
        start = run_stop
    return ids


def new_record_id() -> str:
    """A new UUIDv7 as text (see :func:`new_record_ids`)."""
    return new_record_ids(1)[0]
