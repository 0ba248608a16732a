"""Between values and stored rows: drafts made ready to chain, rows decoded into records.

Both are on the hot paths of every adapter (append, read), so the common case
(a dict payload of a kind seen before; a row at its kind's current schema) is
inlined, and anything else goes through the checked path with its errors.
"""

from __future__ import annotations

import json
import json.scanner
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

from timeline.errors import CorruptJournal, JournalUsageError
from timeline.journal._chain import Prepared, Row
from timeline.journal._kinds import KindRegistry, check_kind
from timeline.journal._records import Draft, Record, canonical_json, new_record, parse_instant

__all__ = ["Decoder", "Preparer", "appended", "check_int", "check_stream"]

_loads = json.JSONDecoder().decode
_ENCODER = json.JSONEncoder(
    ensure_ascii=False, allow_nan=False, sort_keys=True, separators=(",", ":")
)
_dumps = _ENCODER.encode


def check_int(name: str, value: object, minimum: int) -> int:
    """``value`` if it is an int from ``minimum``; otherwise :class:`JournalUsageError`."""
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise JournalUsageError(f"{name} must be an int from {minimum}, got {value!r}")
    return value


def check_stream(stream: object) -> str:
    """``stream`` if it is a non-empty string; otherwise :class:`JournalUsageError`."""
    if not isinstance(stream, str) or not stream:
        raise JournalUsageError(f"stream must be a non-empty string, got {stream!r}")
    return stream


def _payload_encoder() -> Callable[[Any, int], Sequence[str]]:
    """``_dumps``'s C encoder, made once rather than on every call (chunks to join).

    Each preparer has its own: the encoder keeps a dict of the containers it is in.
    Falls back to ``_dumps`` where the C encoder is missing or does not match it.
    """
    make = getattr(json.encoder, "c_make_encoder", None)
    sample = {"b": [1, 2.5, None, True, "\u00e9\n"], "a": {"\x00": -1}}
    if make is not None:
        try:
            quote = json.encoder.encode_basestring
            encoder = make({}, _ENCODER.default, quote, None, ":", ",", True, False, False)
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


class Preparer:
    """Drafts made ready to chain for one journal (it remembers each kind's schema)."""

    def __init__(self, registry: KindRegistry | None) -> None:
        self._registry = registry
        self._schemas: dict[str, int] = {}  # kinds already checked, with their schema
        self._encode = _payload_encoder()

    def prepare(self, stream: str, drafts: Iterable[Draft]) -> tuple[list[Prepared], int]:
        """Each draft as :data:`Prepared`, and how many have no record_id.

        Raises :class:`JournalUsageError` naming the draft for a bad kind,
        payload or record_id, or a batch that repeats a record_id.
        """
        schemas = self._schemas
        encode = self._encode
        prepared: list[Prepared] = []
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
        given = [row[3] for row in prepared if row[4]]
        if len(set(given)) != len(given):
            raise JournalUsageError(f"stream {stream!r}: the batch repeats a record_id")
        return prepared, missing

    def _prepare(self, stream: str, index: int, draft: Draft) -> Prepared:
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


def appended(rows: Sequence[Row], drafts: Sequence[Draft], at: datetime) -> tuple[Record, ...]:
    """The records just stored as ``rows`` from ``drafts``, all recorded ``at``.

    A dict payload is handed back as given (not decoded again); other mappings
    come back as their JSON form, as a read would return them.
    """
    make = new_record
    return tuple(
        [
            make(
                row[0],
                row[1],
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


class Decoder:
    """Stored rows into records, upcast through the registry (bad rows: :class:`CorruptJournal`)."""

    def __init__(self, registry: KindRegistry | None, where: str) -> None:
        self._registry = registry
        self._where = where

    def decode(self, row: Row) -> Record:
        """One row, every field checked."""
        seq, stream, version, kind, schema, payload_json, recorded_at, record_id, hash_ = row
        try:
            payload = json.loads(payload_json)
        except (TypeError, ValueError) as exc:
            raise CorruptJournal(
                f"{self._where}: record seq {seq} has a payload that is not JSON ({exc})"
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
                f"{self._where}: record seq {seq} has recorded_at {recorded_at!r}, not an instant"
            ) from exc
        return Record(seq, stream, version, kind, schema, payload, at, record_id, hash_)

    def records(self, rows: Iterator[Row]) -> Generator[Record, None, None]:
        """Records of ``rows``, one at a time (the common row decoded inline).

        Closing the result closes ``rows`` (an adapter's cursor) at once.
        """
        decode_json = _decode_payload
        make = new_record
        currents = self._registry.current_schemas() if self._registry is not None else None
        last_text = ""
        last_at: datetime | None = None
        try:
            for row in rows:
                seq, stream, version, kind, schema, payload_json, recorded_at, rid, hash_ = row
                if currents is not None and currents.get(kind) != schema:
                    yield self.decode(row)
                    continue
                try:
                    payload = decode_json(payload_json)
                    if recorded_at != last_text:
                        last_at = parse_instant(recorded_at)
                        last_text = recorded_at
                except (TypeError, ValueError):
                    yield self.decode(row)  # raises CorruptJournal with the details
                    continue
                yield make(seq, stream, version, kind, schema, payload, last_at, rid, hash_)
        finally:
            close = getattr(rows, "close", None)
            if close is not None:
                close()
