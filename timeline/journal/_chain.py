"""The chain rules, in one place: the text a record's hash covers, the hash, and the checks.

A stored record is a :data:`Row` (its fields as stored, the payload as
canonical JSON text, ``recorded_at`` as text). Its hash is SHA-256 over
:data:`HASH_PREFIX`, the previous record's hash (32 raw bytes; zeros for the
first record) and the record's canonical text (:func:`record_text`). Along
``seq`` the chain also requires: no gaps in ``seq``, versions following on
within each stream, ``recorded_at`` a UTC instant that never goes back
(:class:`ChainCheck`). :func:`verify` walks the whole chain; load checks
each line of a dump with the same :class:`ChainCheck`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from hashlib import sha256

import attrs

from timeline.errors import TimelineError
from timeline.journal._records import Record, canonical_json, format_instant

__all__ = [
    "GENESIS_HASH",
    "HASH_PREFIX",
    "INSTANT",
    "ChainCheck",
    "Prepared",
    "Row",
    "VerifyReport",
    "chain",
    "chain_hash",
    "record_bytes",
    "record_text",
    "verify",
]

#: Domain-separation prefix of every record hash.
HASH_PREFIX = b"timeline-journal/record/v1\x00"

#: The "previous hash" of the first record, and the head hash of an empty journal.
GENESIS_HASH = "0" * 64

#: A stored ``recorded_at``: UTC with microseconds.
INSTANT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z")

#: A stored record: seq, stream, version, kind, schema, payload (canonical JSON),
#: recorded_at (text), record_id, hash.
Row = tuple[int, str, int, str, int, str, str, str, str]

#: A draft made ready to chain: kind, schema, canonical payload, record_id ("" when
#: one is to be generated), whether the caller gave the record_id.
Prepared = tuple[str, int, str, str, bool]

_quote: Callable[[str], str] = json.encoder.encode_basestring
_PRIMED = sha256(HASH_PREFIX)  # copied for each record hash: the prefix is hashed once


def _text(
    seq: int,
    stream_json: str,
    version: int,
    kind_json: str,
    schema: int,
    payload_json: str,
    recorded_at_json: str,
    record_id_json: str,
) -> str:
    """The canonical text from its fields, the strings already JSON-quoted (keys sorted)."""
    return (
        f'{{"kind":{kind_json},"payload":{payload_json},'
        f'"record_id":{record_id_json},"recorded_at":{recorded_at_json},'
        f'"schema":{schema},"seq":{seq},"stream":{stream_json},"version":{version}}}'
    )


def record_text(
    seq: int,
    stream: str,
    version: int,
    kind: str,
    schema: int,
    payload_json: str,
    recorded_at: str,
    record_id: str,
) -> str:
    """The canonical text of a record: ``canonical_json`` of all its fields but ``hash``.

    ``payload_json`` must already be canonical JSON; it is embedded as is, so
    the result equals ``canonical_json({...fields, "payload": payload})``.
    """
    return _text(
        seq,
        _quote(stream),
        version,
        _quote(kind),
        schema,
        payload_json,
        _quote(recorded_at),
        _quote(record_id),
    )


def record_bytes(record: Record) -> bytes:
    """The canonical bytes hashed for a stored ``record`` (as read in raw mode)."""
    return record_text(
        record.seq,
        record.stream,
        record.version,
        record.kind,
        record.schema,
        canonical_json(record.payload),
        format_instant(record.recorded_at),
        record.record_id,
    ).encode()


def chain_hash(previous: str, canonical: bytes) -> str:
    """The hash of a record with ``canonical`` bytes following a record hashed ``previous``."""
    hasher = _PRIMED.copy()
    hasher.update(bytes.fromhex(previous))
    hasher.update(canonical)
    return hasher.hexdigest()


def chain(
    seq: int,
    previous: str,
    parts: Iterable[tuple[str, int, Sequence[Prepared]]],
    recorded_at: str,
    new_ids: Iterator[str],
) -> list[Row]:
    """The rows of each ``(stream, version, prepared)`` part, chained after ``seq``/``previous``.

    Each part's drafts follow its stream's ``version``; drafts without a
    record_id take the next of ``new_ids``. The instant is quoted once, each
    stream and kind once.
    """
    at_json = _quote(recorded_at)
    kinds_json: dict[str, str] = {}
    primed = _PRIMED.copy
    digest = bytes.fromhex(previous)
    rows: list[Row] = []
    append = rows.append
    for stream, version, prepared in parts:
        stream_json = _quote(stream)
        for kind, schema, payload_json, given_id, _given in prepared:
            seq += 1
            version += 1
            record_id = given_id or next(new_ids)
            kind_json = kinds_json.get(kind)
            if kind_json is None:
                kind_json = kinds_json[kind] = _quote(kind)
            hasher = primed()
            hasher.update(digest)
            hasher.update(
                _text(
                    seq, stream_json, version, kind_json, schema, payload_json, at_json,
                    _quote(record_id),
                ).encode()
            )  # fmt: skip
            digest = hasher.digest()
            append(
                (seq, stream, version, kind, schema, payload_json, recorded_at, record_id,
                 digest.hex())
            )  # fmt: skip
    return rows


class ChainCheck:
    """Checks stored rows one by one in ``seq`` order against the chain rules."""

    def __init__(self) -> None:
        self.previous = GENESIS_HASH
        self.seq = 0
        self.versions: dict[str, int] = {}
        self.last_at = ""

    def breaks(self, row: Row) -> str:
        """Why ``row`` cannot follow the rows checked so far; "" when it can (then it is taken).

        Fields of the wrong type raise ``TypeError`` or ``ValueError``.
        """
        seq, stream, version, kind, schema, payload_json, recorded_at, record_id, hash_ = row
        expected = self.seq + 1
        if seq != expected or isinstance(seq, bool):
            return f"seq {seq!r} stands where seq {expected} belongs: a record is missing or moved"
        text = record_text(seq, stream, version, kind, schema, payload_json, recorded_at, record_id)
        if chain_hash(self.previous, text.encode()) != hash_:
            return (
                "the hash does not match the record's content and the previous hash "
                "(the record was edited)"
            )
        if isinstance(version, bool) or version != self.versions.get(stream, 0) + 1:
            return f"stream {stream!r} jumps to version {version!r}"
        if not isinstance(recorded_at, str) or not INSTANT.fullmatch(recorded_at):
            return f"recorded_at {recorded_at!r} is not a UTC instant"
        if recorded_at < self.last_at:
            return f"recorded_at {recorded_at} goes back in time"
        self.seq = seq
        self.previous = hash_
        self.versions[stream] = version
        self.last_at = recorded_at
        return ""


@attrs.frozen
class VerifyReport:
    """The outcome of a verify: ``ok``, records checked, first bad seq, why, and what differs."""

    ok: bool
    checked: int
    first_bad_seq: int | None = None
    reason: str = ""
    #: Read-model rows that differ from the journal (table and key), from Timeline.verify.
    differences: tuple[str, ...] = ()


def verify(rows: Iterable[Row]) -> VerifyReport:
    """Walk ``rows`` (a whole journal in ``seq`` order); report the first that breaks the chain."""
    check = ChainCheck()
    try:
        for row in rows:
            reason = check.breaks(row)
            if reason:
                return VerifyReport(False, check.seq, check.seq + 1, reason)
    except (TimelineError, TypeError, ValueError) as exc:
        return VerifyReport(False, check.seq, check.seq + 1, f"unreadable record: {exc}")
    return VerifyReport(True, check.seq)
