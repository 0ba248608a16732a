"""The row versions a batch of changes writes: the views' logic, shared by the SQL adapters.

Every SQL views adapter keeps the same tables (``docs/reference/read-models.md``):
each row version holds from journal ``seq`` ``valid_from`` until ``valid_to``
(:data:`OPEN` while it still holds). :class:`RowWriter` works out, for a batch of
``(record, change)`` pairs, which versions end and which rows are new; the
adapter's :class:`Tables` reads the rows that hold now and writes the result,
each in its own SQL.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Protocol

from citations import Reference
from timeline.domain import (
    Change,
    Citation,
    CitationAdded,
    CitationRemoved,
    Claim,
    ClaimFollowed,
    ClaimRecorded,
    ClaimRevised,
    ClaimWithdrawn,
    Conclusion,
    Event,
    EventRecorded,
    EventRestored,
    EventRetracted,
    EventRevised,
    EventState,
    PeriodDefined,
    PeriodRetracted,
    PeriodRevised,
    ReferenceAdded,
    ReferenceAmended,
    ReferenceMerged,
    decode_citation,
    decode_event,
    encode_claim,
    encode_event,
    encode_recorded,
    encode_reference,
    event_fields_reader,
    order_claims,
)
from timeline.journal import Record
from timeline.views._port import EventFields

#: ``valid_to`` of a row version that still holds.
OPEN = 1 << 62

#: Languages indexed for full-text search per event content (row slots in event_text).
TEXT_SLOTS = 64

_CANONICAL = json.JSONEncoder(
    ensure_ascii=False, sort_keys=True, separators=(",", ":"), check_circular=False
)


def _canonical_json() -> Callable[[Any], str]:
    """The canonical JSON of the ``data`` columns: ``_CANONICAL.encode`` through its C
    encoder made once, not on every call as ``encode`` makes it (a row's JSON is short,
    so that was a good part of its cost). Without circular checks it keeps no state."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # pragma: no cover - a Python without the C accelerator
        return _CANONICAL.encode
    quote = json.encoder.encode_basestring
    encode = make(None, _CANONICAL.default, quote, None, ":", ",", True, False, True)
    return lambda value: "".join(encode(value, 0))


#: The canonical JSON of the ``data`` columns.
to_json = _canonical_json()

#: The versioned tables and the column naming the entity a row is a version of.
VERSIONED = {"events": "id", "bib_references": "key", "citations": "id", "claims": "id"}


def citation_of(row: Sequence[Any]) -> Citation:
    """A citation from ``event_id, key, locator, quote, supports`` columns (written from a
    checked one: read back unchecked)."""
    supports = () if row[4] == "[]" else tuple(json.loads(row[4]))
    return decode_citation(row[0], row[1], row[2], row[3], supports)


def event_states(
    rows: Iterable[Sequence[Any]],
    citations: Mapping[str, Sequence[Citation]],
    claims: Mapping[str, Sequence[tuple[Claim, str | None]]],
) -> list[EventState]:
    """Events from ``id, version, retracted, data`` rows, each with its citations and its
    claims (with the reason the event follows a claim, or None)."""
    views = []
    for event_id, version, retracted, data in rows:
        cited = tuple(citations.get(event_id, ()))
        event = decode_event(json.loads(data), check=False)
        claimed = claims.get(event_id)
        if not claimed:
            views.append(EventState(event, version, bool(retracted), cited))
            continue
        conclusions = sorted(
            (Conclusion(c.field, c.id, why) for c, why in claimed if why is not None),
            key=lambda conclusion: conclusion.field,
        )
        views.append(
            EventState(
                event,
                version,
                bool(retracted),
                cited,
                order_claims(cited, (claim for claim, _ in claimed)),
                tuple(conclusions),
            )
        )
    return views


class FieldsReader:
    """Reads some fields of events from their stored JSON (no event built), keeping the
    values of its last read by that JSON: a read of mostly the same event contents (the
    same events after a write, or other filters) decodes only those it has not seen."""

    def __init__(self) -> None:
        self._names: tuple[str, ...] = ()
        self._kept: dict[str, tuple[Any, ...]] = {}

    def read(self, rows: Iterable[Sequence[Any]], names: tuple[str, ...]) -> list[EventFields]:
        """The fields ``names`` of the events of ``id, retracted, data`` rows."""
        kept = self._kept if names == self._names else {}
        read, loads = event_fields_reader(names), json.loads
        seen: dict[str, tuple[Any, ...]] = {}
        found = []
        for event_id, gone, data in rows:
            values = kept.get(data)
            if values is None:
                values = read(loads(data))
            seen[data] = values
            found.append(EventFields(event_id, bool(gone), values))
        self._names, self._kept = names, seen
        return found


class Tables(Protocol):
    """What :class:`RowWriter` asks of an adapter's tables (inside the write transaction)."""

    def next_content(self) -> int:
        """The first unused ``event_contents.content`` number."""

    def held_events(self, event_ids: Sequence[str]) -> Iterable[Sequence[Any]]:
        """The ``events`` rows that hold now of these ids, each followed by its content's data:
        ``id, version, retracted, content, valid_from, valid_to, first_version, data``."""

    def held_references(self, keys: Sequence[str]) -> Iterable[Sequence[Any]]:
        """The ``bib_references`` rows that hold now of these keys (all columns, in order)."""

    def held_claims(self, event_ids: Sequence[str]) -> Iterable[Sequence[Any]]:
        """The ``claims`` rows that hold now of these events' claims (all columns, in order)."""

    def write(
        self,
        closed: Mapping[str, Sequence[tuple[int, str]]],
        extended: Sequence[tuple[int, str, int]],
        rows: Sequence[tuple[str, Sequence[Sequence[Any]]]],
        seq: int,
    ) -> None:
        """Set the ``version`` of the ``events`` rows ``extended`` names (``(version, id,
        valid_from)``: runs of an earlier batch that this one extends), end the versions
        ``closed`` names (per table: ``(valid_to, key)`` of the version that holds), insert
        ``rows`` (per table, in order; ``event_text`` rows are ``slot, event_id, lang,
        title, summary``) and set the checkpoint to ``seq``."""


#: Where ``valid_to`` is in a row of each versioned table.
_VALID_TO = {"events": 5, "bib_references": 5, "citations": 7, "claims": 7}


def event_columns(as_of: int | None, least: str) -> str:
    """The columns of an event query's rows (``event_states`` reads them), ``least`` the
    SQL function of the smaller of two values: the version as of ``as_of`` is the row's
    first one plus the seqs of its run up to ``as_of``."""
    if as_of is None:
        return "e.id, e.version, e.retracted, c.data"
    version = f"{least}(e.version, e.first_version + {int(as_of)} - e.valid_from)"
    return f"e.id, {version}, e.retracted, c.data"


def _continues(row: Sequence[Any], record: Record) -> bool:
    """Whether ``record`` is the next version of the event of the ``events`` ``row`` and
    is recorded at the seq right after the row's run ends (``valid_from`` holds its
    ``first_version``, each next seq the next version): the run can take it."""
    version, valid_from, first = int(row[1]), int(row[4]), int(row[6])
    return record.version == version + 1 and record.seq == valid_from + version - first + 1


class RowWriter:
    """New row versions for a batch of changes, written per table by :meth:`flush`.

    Rows written by this batch are kept (and updated) here; the rows of earlier
    batches are read from the tables, and the versions they end are closed by
    one UPDATE per table.
    """

    def __init__(self, tables: Tables, changes: Sequence[Change]) -> None:
        self._tables = tables
        self._next_content = tables.next_content()
        self._events: dict[str, list[Any]] = {}  # id -> its newest row, written by this batch
        self._event_rows: list[list[Any]] = []
        self._contents: dict[int, Event] = {}
        self._content_rows: list[tuple[Any, ...]] = []
        self._actor_rows: list[tuple[Any, ...]] = []
        self._tag_rows: list[tuple[Any, ...]] = []
        self._text_rows: list[tuple[Any, ...]] = []
        self._references: dict[str, list[Any]] = {}
        self._reference_rows: list[list[Any]] = []
        self._citations: dict[str, list[Any]] = {}
        self._citation_rows: list[list[Any]] = []
        self._claim_rows: list[list[Any]] = []
        self._new_claims: set[str] = set()  # claims whose row that holds is this batch's
        # the held runs this batch extends: (id, valid_from) -> the version they reach
        self._extended: dict[tuple[str, int], int] = {}
        self._closed: dict[str, list[tuple[int, str]]] = {
            "events": [],
            "bib_references": [],
            "citations": [],
            "claims": [],
        }
        self._held_events, self._held_references = self._read_held(changes)
        self._claims = self._read_claims(changes)

    def _read_held(
        self, changes: Sequence[Change]
    ) -> tuple[dict[str, list[Any]], dict[str, list[Any]]]:
        """The rows that hold now of the events and references ``changes`` touch, read
        with one query per table (so a batch costs the same queries at any size)."""
        event_ids: set[str] = set()
        keys: set[str] = set()
        for change in changes:
            match change:
                case EventRecorded(event=event):
                    event_ids.add(event.id)
                case CitationAdded(citation=citation):
                    event_ids.add(citation.event_id)
                case ReferenceAdded(reference=ref) | ReferenceAmended(reference=ref):
                    keys.add(ref.key)
                case ReferenceMerged(key=key):
                    keys.add(key)
                case PeriodDefined() | PeriodRevised() | PeriodRetracted():
                    pass  # the timeline folds the periods stream itself
                case _:
                    event_ids.add(change.event_id)
        events = self._tables.held_events(sorted(event_ids)) if event_ids else ()
        references = self._tables.held_references(sorted(keys)) if keys else ()
        return {row[0]: list(row) for row in events}, {row[0]: list(row) for row in references}

    def _read_claims(self, changes: Sequence[Change]) -> dict[str, list[Any]]:
        """The claim rows that hold now of the events whose claims ``changes`` may end."""
        event_ids = sorted(
            {
                change.event_id
                for change in changes
                if isinstance(
                    change, ClaimRevised | ClaimWithdrawn | ClaimFollowed | CitationRemoved
                )
            }
        )
        if not event_ids:
            return {}
        rows = self._tables.held_claims(event_ids)
        return {row[0]: list(row) for row in rows}

    def _claim_version(self, claim_id: str, seq: int, row: list[Any] | None) -> None:
        """End the version of ``claim_id`` that holds now; ``row`` (if any) holds from ``seq``."""
        current = self._claims.pop(claim_id, None)
        if current is not None:
            in_batch = claim_id in self._new_claims
            self._close("claims", current if in_batch else None, claim_id, seq)
        self._new_claims.discard(claim_id)
        if row is not None:
            self._claim_rows.append(row)
            self._claims[claim_id] = row
            self._new_claims.add(claim_id)

    def _claim_row(self, claim: Claim, seq: int, followed: str | None) -> list[Any]:
        data = to_json(encode_claim(claim))
        return [claim.id, claim.event_id, claim.citation_id, claim.field, data, followed, seq, OPEN]

    def _claimed(self, change: Change, seq: int) -> None:
        match change:
            case ClaimRecorded(claim=claim):
                self._claim_version(claim.id, seq, self._claim_row(claim, seq, None))
            case ClaimRevised(claim=claim):
                current = self._claims.get(claim.id)
                followed = current[5] if current is not None else None
                self._claim_version(claim.id, seq, self._claim_row(claim, seq, followed))
            case ClaimWithdrawn(claim_id=claim_id):
                self._claim_version(claim_id, seq, None)
            case ClaimFollowed(event_id=event_id, claim_id=claim_id, reason=reason):
                chosen = self._claims.get(claim_id)
                if chosen is None:
                    return
                for other in [row for row in self._claims.values() if row is not chosen]:
                    if other[1] == event_id and other[3] == chosen[3] and other[5] is not None:
                        self._claim_version(other[0], seq, [*other[:5], None, seq, OPEN])
                self._claim_version(claim_id, seq, [*chosen[:5], reason, seq, OPEN])
            case CitationRemoved(citation_id=citation_id):
                for claim_id in [k for k, row in self._claims.items() if row[2] == citation_id]:
                    self._claim_version(claim_id, seq, None)

    def apply(self, record: Record, change: Change) -> None:
        seq = record.seq
        match change:
            case EventRecorded(event=event):
                content = self._content(event, encode_recorded(change))
                self._event_version(event.id, record, content=content)
            case EventRevised(event_id=event_id):
                current = self._current_event(event_id)
                if current is not None:
                    revised = change.apply(self._event_of(event_id, current[3]))
                    content = self._content(revised, encode_event(revised))
                    self._event_version(event_id, record, content=content)
            case EventRetracted(event_id=event_id):
                self._event_version(event_id, record, retracted=True)
            case EventRestored(event_id=event_id):
                self._event_version(event_id, record, retracted=False)
            case ReferenceAdded(reference=reference) | ReferenceAmended(reference=reference):
                self._reference_version(reference.key, record, reference=reference)
            case ReferenceMerged(key=key, into=into):
                self._reference_version(key, record, merged_into=into)
            case CitationAdded(citation=c):
                supports = to_json(list(c.supports)) if c.supports else "[]"
                row = [c.id, c.event_id, c.key, c.locator, c.quote, supports, seq, OPEN]
                self._citation_rows.append(row)
                self._citations[c.id] = row
                self._event_version(c.event_id, record)
            case CitationRemoved(event_id=event_id, citation_id=citation_id):
                self._close("citations", self._citations.pop(citation_id, None), citation_id, seq)
                self._claimed(change, seq)
                self._event_version(event_id, record)
            case ClaimRecorded() | ClaimRevised() | ClaimWithdrawn() | ClaimFollowed():
                self._claimed(change, seq)
                self._event_version(change.event_id, record)

    def _close(self, table: str, row: list[Any] | None, key: str, seq: int) -> None:
        """End the version of ``key`` that holds now: this batch's ``row``, or the table's."""
        if row is not None:
            row[_VALID_TO[table]] = seq
        else:
            self._closed[table].append((seq, key))

    def _content(self, event: Event, data: Mapping[str, Any]) -> int:
        """A new content row of ``event``, with ``data`` its :func:`encode_event` JSON."""
        content = self._next_content
        self._next_content += 1
        self._contents[content] = event
        lower, upper = event.when.bounds
        self._content_rows.append(
            (
                content,
                event.id,
                data.get("when", ""),  # none for an event dated by its period only
                lower,
                upper,
                event.when.sort_key[2],
                event.category,
                event.importance,
                to_json(data),
            )
        )
        self._actor_rows.extend((content, actor.code, actor.role) for actor in event.actors)
        self._tag_rows.extend((content, tag) for tag in event.tags)
        titles = event.title.as_dict()
        summaries = event.summary.as_dict()
        languages = sorted(set(titles) | set(summaries))[:TEXT_SLOTS]
        base = content * TEXT_SLOTS
        self._text_rows.extend(
            (base + n, event.id, lang, titles.get(lang, ""), summaries.get(lang, ""))
            for n, lang in enumerate(languages)
        )
        return content

    def _event_of(self, event_id: str, content: int) -> Event:
        event = self._contents.get(content)
        if event is None:
            event = decode_event(json.loads(self._held_events[event_id][7]))
        return event

    def _current_event(self, event_id: str) -> list[Any] | None:
        """The row of ``event_id`` that holds now: this batch's, else the table's."""
        return self._events.get(event_id) or self._held_events.get(event_id)

    def _event_version(
        self,
        event_id: str,
        record: Record,
        *,
        content: int | None = None,
        retracted: bool | None = None,
    ) -> None:
        current = self._current_event(event_id)
        if current is None and content is None:
            return  # a change to an event the views do not hold: nothing to show
        if current is not None:
            if content is None and retracted is None and _continues(current, record):
                self._extend(event_id, current, record.version)
                return
            self._close("events", self._events.get(event_id), event_id, record.seq)
        row = [
            event_id,
            record.version,
            int(retracted if retracted is not None else bool(current and current[2])),
            content if content is not None else current[3],  # type: ignore[index]
            record.seq,
            OPEN,
            record.version,
        ]
        self._event_rows.append(row)
        self._events[event_id] = row

    def _extend(self, event_id: str, current: list[Any], version: int) -> None:
        """``version`` (content and retraction unchanged) joins the run of ``current``:
        this batch's row, or a held one whose stored version is updated."""
        current[1] = version
        if event_id not in self._events:
            self._extended[event_id, current[4]] = version

    def _reference_version(
        self,
        key: str,
        record: Record,
        *,
        reference: Reference | None = None,
        merged_into: str | None = None,
    ) -> None:
        row = self._references.get(key)
        current = row or self._held_references.get(key)
        if current is None and reference is None:
            return
        if current is not None:
            self._close("bib_references", row, key, record.seq)
        new = [
            key,
            record.version,
            reference.entry_type if reference is not None else current[2],  # type: ignore[index]
            merged_into if merged_into is not None else (current[3] if current else None),
            record.seq,
            OPEN,
            to_json(encode_reference(reference)) if reference is not None else current[6],  # type: ignore[index]
        ]
        self._reference_rows.append(new)
        self._references[key] = new

    def flush(self, seq: int) -> None:
        """Write the batch: versions ended first, then the new rows of each table."""
        rows: list[tuple[str, Sequence[Sequence[Any]]]] = [
            ("event_contents", self._content_rows),
            ("event_actors", self._actor_rows),
            ("event_tags", self._tag_rows),
            ("events", self._event_rows),
            ("bib_references", self._reference_rows),
            ("citations", self._citation_rows),
            ("claims", self._claim_rows),
            ("event_text", self._text_rows),
        ]
        extended = [(version, *run) for run, version in self._extended.items()]
        found = [(table, new) for table, new in rows if new]
        self._tables.write(self._closed, extended, found, seq)
