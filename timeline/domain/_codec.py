"""Changes to and from journal record payloads.

Each change class has a stable kind string and a schema number; payloads are
plain JSON (dates as EDTF text, references as field maps). :data:`CHANGE_KINDS`
is the one table from kind string to change class to encoder and decoder;
:data:`REGISTRY`, read from it, tells the journal which kinds exist and upcasts
old payloads on read.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any, Generic, TypeVar

import attrs

from citations import Contributor, Reference, Role
from timeline.dates import When, format_edtf, parse_edtf
from timeline.domain._changes import (
    Change,
    CitationAdded,
    CitationRemoved,
    ClaimFollowed,
    ClaimRecorded,
    ClaimRevised,
    ClaimWithdrawn,
    EventRecorded,
    EventRestored,
    EventRetracted,
    EventRevised,
    PeriodDefined,
    PeriodRetracted,
    PeriodRevised,
    ReferenceAdded,
    ReferenceAmended,
    ReferenceMerged,
)
from timeline.domain._claims import Claim
from timeline.domain._model import (
    UNDATED,
    Actor,
    Citation,
    Event,
    LocalizedText,
    Place,
    Relation,
    citation_id,
)
from timeline.domain._periods import Coverage, Period
from timeline.errors import CorruptJournal, TimelineError
from timeline.journal import Draft, KindRegistry, Record

__all__ = [
    "CHANGE_KINDS",
    "REGISTRY",
    "ChangeKind",
    "decode",
    "decode_citation",
    "decode_claim",
    "decode_event",
    "decode_period",
    "decode_reference",
    "encode",
    "encode_claim",
    "encode_event",
    "encode_period",
    "encode_recorded",
    "encode_reference",
    "event_fields_reader",
]

JSON = dict[str, Any]

#: Current schema of every change kind.
SCHEMA = 1

_V = TypeVar("_V")

# -- values ------------------------------------------------------------------


def _s(value: Any) -> str:
    """``value`` if it is text; a stored record with anything else is malformed."""
    if not isinstance(value, str):
        raise TypeError(f"expected text, got {type(value).__name__} {value!r:.60}")
    return value


def _encode_text(text: LocalizedText) -> JSON:
    return {"text": dict(text.values), "original": text.original}


#: The text of an event without a summary (most events): one value shared by all of them.
_NO_TEXT = LocalizedText()


def _decode_text(data: Mapping[str, Any]) -> LocalizedText:
    texts, original = data["text"], data.get("original", "")
    if texts == {} and original == "":
        return _NO_TEXT
    return LocalizedText(texts, original=original)


def _encode_place(place: Place) -> JSON:
    data: JSON = {"name": _encode_text(place.name)}
    if place.country:
        data["country"] = place.country
    if place.lat is not None:
        data["lat"] = place.lat
    if place.lon is not None:
        data["lon"] = place.lon
    return data


def _decode_place(data: Mapping[str, Any]) -> Place:
    return Place(
        _decode_text(data["name"]),
        country=_s(data.get("country", "")),
        lat=data.get("lat"),
        lon=data.get("lon"),
    )


def _encode_when(when: When | None) -> str | None:
    return None if when is None else format_edtf(when)


def _decode_when(data: Any) -> When | None:
    """An EDTF date, or None (a period's open end; a revision's ``when`` that leaves the
    event dated by its period only)."""
    return None if data is None else parse_edtf(_s(data))


#: How each event field is written to and read from JSON.
_EVENT_FIELD_CODECS: dict[str, tuple[Callable[[Any], Any], Callable[[Any], Any]]] = {
    "when": (_encode_when, _decode_when),
    "when_text": (str, _s),
    "title": (_encode_text, _decode_text),
    "summary": (_encode_text, _decode_text),
    "category": (str, _s),
    "actors": (
        lambda actors: [str(actor) for actor in actors],
        lambda data: tuple([Actor.parse(_s(text)) for text in data]),
    ),
    "places": (
        lambda places: [_encode_place(place) for place in places],
        lambda data: tuple([_decode_place(item) for item in data]),
    ),
    "tags": (list, lambda data: tuple([_s(tag) for tag in data])),
    "importance": (int, int),
    "relations": (
        lambda relations: [{"type": str(r.type), "target": r.target} for r in relations],
        lambda data: tuple([Relation(_s(item["type"]), _s(item["target"])) for item in data]),
    ),
    "during": (str, _s),
}

#: Event fields left out of an event's JSON when empty (the payloads written before
#: they existed hold no such key).
_OMITTED_WHEN_EMPTY = {"during": ""}


#: Event fields stored under another key: the one the released code wrote
#: (``category`` was ``kind`` until issue 20; stored records never change).
_STORED_KEYS = {"category": "kind"}
_FIELD_NAMES = {key: name for name, key in _STORED_KEYS.items()}


def _stored_key(name: str) -> str:
    return _STORED_KEYS.get(name, name)


def _field_name(key: str) -> str:
    return _FIELD_NAMES.get(key, key)


def encode_event_field(name: str, value: object) -> Any:
    """One event field as JSON."""
    return _EVENT_FIELD_CODECS[name][0](value)


def decode_event_field(name: str, data: Any) -> Any:
    """One event field from JSON."""
    return _EVENT_FIELD_CODECS[name][1](data)


#: Each event field's name, stored key, encoder and the value that leaves its key out
#: (``_KEPT``: none does).
_KEPT = object()
_EVENT_ENCODERS = tuple(
    (name, _stored_key(name), encoder, _OMITTED_WHEN_EMPTY.get(name, _KEPT))
    for name, (encoder, _) in _EVENT_FIELD_CODECS.items()
)


def encode_event(event: Event) -> JSON:
    """An event as a JSON object (with no ``when`` when it has no date of its own)."""
    data: JSON = {"id": event.id}
    left_out = "when" if event.when_from_period else ""
    for name, key, encoder, omitted in _EVENT_ENCODERS:
        if name != left_out:
            value = getattr(event, name)
            if omitted is _KEPT or value != omitted:
                data[key] = encoder(value)
    return data


def encode_recorded(change: EventRecorded) -> JSON:
    """``encode_event(change.event)``, made once per change: the journal's payload and the
    views' row of a new event share it (so neither may change it)."""
    data = change._encoded
    if data is None:
        data = encode_event(change.event)
        object.__setattr__(change, "_encoded", data)  # a cache: the change is frozen
    return data


#: Each event field's name, stored key, decoder and whether its key may be missing.
_EVENT_DECODERS = tuple(
    (name, _stored_key(name), decoder, name in _OMITTED_WHEN_EMPTY or name == "when")
    for name, (_, decoder) in _EVENT_FIELD_CODECS.items()
)


def decode_event(data: Mapping[str, Any], *, check: bool = True) -> Event:
    """An event from :func:`encode_event`'s JSON; one with no ``when`` is dated by its
    period only (:data:`UNDATED` until the timeline gives it the period's span).

    ``check=False`` is for JSON written from a checked event by this version (the
    views' rows), as :func:`decode_reference`'s: nothing is converted or checked again.
    """
    if not check:
        return _trusted_event(data)
    values: dict[str, Any] = {}
    for name, key, decoder, optional in _EVENT_DECODERS:
        if not optional or key in data:
            values[name] = decoder(data[key])
    if values.get("when") is None:
        values.update(when=UNDATED, when_from_period=True)
    return Event(id=_s(data["id"]), **values)


def _unchecked(cls: type[_V]) -> Callable[..., _V]:
    """A function building ``cls`` from every one of its field values, in order, with its
    slots set directly: attrs' converters and validators are skipped. Made from source, a
    call per slot written out (as attrs makes ``__init__``): half the time of a loop."""
    count = len(attrs.fields(cls))  # type: ignore[arg-type]
    scope: dict[str, Any] = {"__name__": __name__, "new": object.__new__, "cls": cls}
    for n, field in enumerate(attrs.fields(cls)):  # type: ignore[arg-type]
        scope[f"set_{n}"] = getattr(cls, field.name).__set__
    values = ", ".join(f"v{n}" for n in range(count))
    sets = "".join(f"    set_{n}(made, v{n})\n" for n in range(count))
    exec(f"def make({values}):\n    made = new(cls)\n{sets}    return made\n", scope)
    make: Callable[..., _V] = scope["make"]
    return make


_new_event = _unchecked(Event)
_new_text = _unchecked(LocalizedText)
_new_citation = _unchecked(Citation)


def decode_citation(
    event_id: str, key: str, locator: str, quote: str, supports: tuple[str, ...]
) -> Citation:
    """The citation of these fields as a checked one holds them (``locator`` stripped,
    ``supports`` sorted, no repeats), as the views store them: nothing converted again."""
    return _new_citation(
        event_id, key, locator, quote, supports, citation_id(event_id, key, locator)
    )


_decode_places = _EVENT_FIELD_CODECS["places"][1]
_decode_relations = _EVENT_FIELD_CODECS["relations"][1]


def _trusted_text(data: Mapping[str, Any]) -> LocalizedText:
    texts, original = data["text"], data.get("original", "")
    if texts == {} and original == "":
        return _NO_TEXT
    return _new_text(tuple(sorted(texts.items())), original)


_CATEGORY_KEY = _stored_key("category")


# Events read back share their tuple of actors and of tags with those read before that
# have the same (a timeline repeats a few): fewer values for the cyclic collector to walk.
@functools.lru_cache(maxsize=1 << 12)
def _actors_of(texts: tuple[str, ...]) -> tuple[Actor, ...]:
    return tuple([Actor.parse(text) for text in texts])


@functools.lru_cache(maxsize=1 << 12)
def _shared(values: tuple[str, ...]) -> tuple[str, ...]:
    return values


def _trusted_event(data: Mapping[str, Any]) -> Event:
    """:func:`decode_event` of an event this version checked and stored: nothing checked."""
    when = data.get("when")
    places, relations = data["places"], data["relations"]  # most events: none
    return _new_event(
        data["id"],
        UNDATED if when is None else parse_edtf(when),
        _trusted_text(data["title"]),
        data["when_text"],
        _trusted_text(data["summary"]),
        data[_CATEGORY_KEY],
        _actors_of(tuple(data["actors"])),
        _decode_places(places) if places else (),
        _shared(tuple(data["tags"])),
        data["importance"],
        _decode_relations(relations) if relations else (),
        data.get("during", ""),
        when is None,
    )


def _field_reader(key: str, decoder: Callable[[Any], Any]) -> Callable[[Mapping[str, Any]], Any]:
    default = _OMITTED_WHEN_EMPTY.get(_field_name(key))
    if default is not None:
        return lambda data: decoder(data[key]) if key in data else default
    return lambda data: decoder(data[key])


#: How each field of :class:`Event` is read from its stored JSON.
_FIELD_READERS: dict[str, Callable[[Mapping[str, Any]], Any]] = {
    **{name: _field_reader(key, decoder) for name, key, decoder, _ in _EVENT_DECODERS},
    "id": lambda data: _s(data["id"]),
    "when": lambda data: UNDATED if data.get("when") is None else parse_edtf(_s(data["when"])),
    "when_from_period": lambda data: data.get("when") is None,
}


def event_fields_reader(names: tuple[str, ...]) -> Callable[[Mapping[str, Any]], tuple[Any, ...]]:
    """A function reading the fields ``names`` of :class:`Event` from :func:`encode_event`'s
    JSON, as :func:`decode_event` gives them, without building the event (one with no
    ``when`` is at :data:`UNDATED`, ``when_from_period`` True); raises :class:`KeyError`
    naming a field :class:`Event` does not have."""
    readers = tuple(_FIELD_READERS[name] for name in names)
    return lambda data: tuple([read(data) for read in readers])


def _encode_contributor(person: Contributor) -> JSON:
    data: JSON = {
        name: value
        for name in ("family", "given", "particle", "suffix", "literal", "role", "transliteration")
        if (value := str(getattr(person, name)))
    }
    # biblatex's extended name format, only when set: older records keep their bytes
    if person.useprefix is not None:
        data["useprefix"] = person.useprefix
    if person.initials:
        data["initials"] = dict(person.initials)
    if person.options:
        data["options"] = dict(person.options)
    return data


def encode_reference(reference: Reference) -> JSON:
    """A reference as a JSON object (lossless)."""
    return {
        "key": reference.key,
        "entry_type": reference.entry_type,
        "fields": dict(reference.fields),
        "contributors": [_encode_contributor(person) for person in reference.contributors],
        "language": reference.language,
    }


#: Each role by its stored name.
_ROLES = {str(role): role for role in Role}


def _trusted_contributor(data: Mapping[str, Any]) -> Contributor:
    """A contributor from :func:`_encode_contributor`'s JSON of a checked one."""
    get = data.get
    return Contributor.trusted(
        get("family", ""),
        get("given", ""),
        get("particle", ""),
        get("suffix", ""),
        get("literal", ""),
        _ROLES[data["role"]],
        get("transliteration", ""),
        get("useprefix"),
        tuple(sorted(data["initials"].items())) if "initials" in data else (),
        tuple(sorted(data["options"].items())) if "options" in data else (),
    )


def decode_reference(data: Mapping[str, Any], *, check: bool = True) -> Reference:
    """A reference from :func:`encode_reference`'s JSON (its key as stored, see
    :meth:`Reference.as_stored`).

    ``check=False`` is for JSON written from a checked reference by this version
    (the views' rows: a change to the form a checked reference takes bumps their
    schema, so they are rebuilt): nothing is converted or checked again, a third of
    the cost.
    """
    if not check:
        return Reference.trusted(
            data["key"],
            data["entry_type"],
            tuple(sorted(data["fields"].items())),
            tuple([_trusted_contributor(person) for person in data["contributors"]]),
            data.get("language", ""),
        )
    return Reference.as_stored(
        key=data["key"],
        entry_type=data["entry_type"],
        fields=data["fields"],
        contributors=tuple(Contributor(**person) for person in data["contributors"]),
        language=data.get("language", ""),
    )


def _encode_citation(citation: Citation) -> JSON:
    return {
        "event_id": citation.event_id,
        "key": citation.key,
        "locator": citation.locator,
        "quote": citation.quote,
        "supports": list(citation.supports),
    }


def _decode_citation(data: Mapping[str, Any]) -> Citation:
    return Citation(
        _s(data["event_id"]),
        _s(data["key"]),
        locator=_s(data["locator"]),
        quote=_s(data["quote"]),
        supports=tuple(_s(name) for name in data["supports"]),
    )


def _encode_claimed(field: str, value: Any) -> Any:
    if field == "place":
        return _encode_place(value)
    if field in _EVENT_FIELD_CODECS:
        return encode_event_field(field, value)
    return value


def _decode_claimed(field: str, data: Any) -> Any:
    if field == "place":
        return _decode_place(data)
    if field in _EVENT_FIELD_CODECS:
        return decode_event_field(field, data)
    if isinstance(data, bool) or not isinstance(data, int | float | str):
        raise TypeError(f"a claimed {field} is a number or a text, got {data!r:.60}")
    return data


def encode_claim(claim: Claim) -> JSON:
    """A claim as a JSON object (its value as its field's codec writes it)."""
    data: JSON = {
        "citation_id": claim.citation_id,
        "field": claim.field,
        "value": _encode_claimed(claim.field, claim.value),
        "stance": str(claim.stance),
        "rank": str(claim.rank),
    }
    if claim.value_text:
        data["value_text"] = claim.value_text
    return data


def decode_claim(data: Mapping[str, Any]) -> Claim:
    """A claim from :func:`encode_claim`'s JSON."""
    field = _s(data["field"])
    return Claim(
        _s(data["citation_id"]),
        field,
        _decode_claimed(field, data["value"]),
        value_text=_s(data.get("value_text", "")),
        stance=_s(data["stance"]),
        rank=_s(data["rank"]),
    )


def encode_period(period: Period) -> JSON:
    """A period definition as a JSON object (empty parts left out)."""
    data: JSON = {
        "id": period.id,
        "label": _encode_text(period.label),
        "start": _encode_when(period.start),
        "end": _encode_when(period.end),
    }
    optional = {
        "start_text": period.start_text,
        "end_text": period.end_text,
        "region": period.region,
        "coverage": [{"id": c.id, "label": c.label} for c in period.coverage],
        "source": period.source,
        "locator": period.locator,
        "note": period.note,
        "aliases": [[lang, text] for lang, text in period.aliases],
    }
    data.update((name, value) for name, value in optional.items() if value)
    return data


def decode_period(data: Mapping[str, Any]) -> Period:
    """A period definition from :func:`encode_period`'s JSON."""
    return Period(
        id=_s(data["id"]),
        label=_decode_text(data["label"]),
        start=_decode_when(data["start"]),
        end=_decode_when(data["end"]),
        start_text=_s(data.get("start_text", "")),
        end_text=_s(data.get("end_text", "")),
        region=_s(data.get("region", "")),
        coverage=tuple(
            Coverage(_s(item["id"]), _s(item["label"])) for item in data.get("coverage", ())
        ),
        source=_s(data.get("source", "")),
        locator=_s(data.get("locator", "")),
        note=_s(data.get("note", "")),
        aliases=tuple((_s(lang), _s(text)) for lang, text in data.get("aliases", ())),
    )


# -- changes -----------------------------------------------------------------

Meta = dict[str, Any]
"""What every change's payload carries besides its body: ``author`` and ``reason``."""

C = TypeVar("C", bound=Change)


@attrs.frozen
class ChangeKind(Generic[C]):
    """One kind of change: its stored kind string, its class, and its payload's body both ways."""

    type: type[C]
    encode: Callable[[C], JSON]
    decode: Callable[[Mapping[str, Any], Meta], C]
    schema: int = SCHEMA

    @property
    def kind(self) -> str:
        """The kind string stored in the journal."""
        return self.type.KIND


def _revised_fields(change: EventRevised) -> JSON:
    return {_stored_key(name): encode_event_field(name, value) for name, value in change.fields}


#: Every kind of change, in one table: what the journal stores, encodes and decodes.
CHANGE_KINDS: tuple[ChangeKind[Any], ...] = (
    ChangeKind(
        EventRecorded,
        lambda c: {"event": encode_recorded(c)},
        lambda data, meta: EventRecorded(event=decode_event(data["event"]), **meta),
    ),
    ChangeKind(
        EventRevised,
        lambda c: {"event_id": c.event_id, "fields": _revised_fields(c)},
        lambda data, meta: EventRevised(
            event_id=_s(data["event_id"]),
            fields={
                _field_name(key): decode_event_field(_field_name(key), value)
                for key, value in data["fields"].items()
            },
            **meta,
        ),
    ),
    ChangeKind(
        EventRetracted,
        lambda c: {"event_id": c.event_id},
        lambda data, meta: EventRetracted(event_id=_s(data["event_id"]), **meta),
    ),
    ChangeKind(
        EventRestored,
        lambda c: {"event_id": c.event_id},
        lambda data, meta: EventRestored(event_id=_s(data["event_id"]), **meta),
    ),
    ChangeKind(
        ReferenceAdded,
        lambda c: {"reference": encode_reference(c.reference)},
        lambda data, meta: ReferenceAdded(reference=decode_reference(data["reference"]), **meta),
    ),
    ChangeKind(
        ReferenceAmended,
        lambda c: {"reference": encode_reference(c.reference)},
        lambda data, meta: ReferenceAmended(reference=decode_reference(data["reference"]), **meta),
    ),
    ChangeKind(
        ReferenceMerged,
        lambda c: {"key": c.key, "into": c.into},
        lambda data, meta: ReferenceMerged(key=_s(data["key"]), into=_s(data["into"]), **meta),
    ),
    ChangeKind(
        CitationAdded,
        lambda c: {"citation": _encode_citation(c.citation)},
        lambda data, meta: CitationAdded(citation=_decode_citation(data["citation"]), **meta),
    ),
    ChangeKind(
        CitationRemoved,
        lambda c: {"event_id": c.event_id, "citation_id": c.citation_id},
        lambda data, meta: CitationRemoved(
            event_id=_s(data["event_id"]), citation_id=_s(data["citation_id"]), **meta
        ),
    ),
    ChangeKind(
        ClaimRecorded,
        lambda c: {"claim": encode_claim(c.claim)},
        lambda data, meta: ClaimRecorded(claim=decode_claim(data["claim"]), **meta),
    ),
    ChangeKind(
        ClaimRevised,
        lambda c: {"claim": encode_claim(c.claim)},
        lambda data, meta: ClaimRevised(claim=decode_claim(data["claim"]), **meta),
    ),
    ChangeKind(
        ClaimWithdrawn,
        lambda c: {"event_id": c.event_id, "claim_id": c.claim_id},
        lambda data, meta: ClaimWithdrawn(
            event_id=_s(data["event_id"]), claim_id=_s(data["claim_id"]), **meta
        ),
    ),
    ChangeKind(
        ClaimFollowed,
        lambda c: {"event_id": c.event_id, "claim_id": c.claim_id},
        lambda data, meta: ClaimFollowed(
            event_id=_s(data["event_id"]), claim_id=_s(data["claim_id"]), **meta
        ),
    ),
    ChangeKind(
        PeriodDefined,
        lambda c: {"period": encode_period(c.period)},
        lambda data, meta: PeriodDefined(period=decode_period(data["period"]), **meta),
    ),
    ChangeKind(
        PeriodRevised,
        lambda c: {"period": encode_period(c.period)},
        lambda data, meta: PeriodRevised(period=decode_period(data["period"]), **meta),
    ),
    ChangeKind(
        PeriodRetracted,
        lambda c: {"period_id": c.period_id},
        lambda data, meta: PeriodRetracted(period_id=_s(data["period_id"]), **meta),
    ),
)

_BY_KIND: Mapping[str, ChangeKind[Any]] = {entry.kind: entry for entry in CHANGE_KINDS}
_BY_TYPE: Mapping[type[Any], ChangeKind[Any]] = {entry.type: entry for entry in CHANGE_KINDS}

#: The kinds the journal accepts, with their schemas (read from :data:`CHANGE_KINDS`).
REGISTRY = KindRegistry()
for _entry in CHANGE_KINDS:
    REGISTRY.register(_entry.kind, schema=_entry.schema)


def encode(change: Change, record_id: str | None = None) -> Draft:
    """A change as a journal draft (kind + payload)."""
    entry = _BY_TYPE[type(change)]
    payload = entry.encode(change)
    payload["author"] = change.author
    payload["reason"] = change.reason
    return Draft(entry.kind, payload, record_id=record_id)


def decode(record: Record) -> Change:
    """The change a stored record states; a malformed payload raises :class:`CorruptJournal`."""
    data = record.payload
    try:
        author, reason = data.get("author", ""), data.get("reason", "")
        meta = {"author": author if author is None else _s(author), "reason": _s(reason)}
        entry = _BY_KIND.get(record.kind)
        if entry is None:
            raise CorruptJournal(f"no decoder for record kind {record.kind!r}")
        change: Change = entry.decode(data, meta)
        return change
    except TimelineError as exc:
        if isinstance(exc, CorruptJournal):
            raise
        raise CorruptJournal(f"record seq {record.seq} ({record.kind}): {exc}") from exc
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise CorruptJournal(
            f"record seq {record.seq} ({record.kind}) has a malformed payload: {exc!r}"
        ) from exc
