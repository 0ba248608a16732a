"""One entry of an events file (an event, its citations, a revision) as values.

Every refusal is an :class:`~timeline.errors.ImportFailed` naming the file, the
entry (its line when known) and the field.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import attrs

from timeline.dates import When
from timeline.domain import (
    CALENDARS,
    UNDATED,
    Citation,
    Claim,
    Event,
    LocalizedText,
    Place,
    Relation,
    read_actor,
    read_citation,
    read_claim,
    read_place,
    read_relation,
    read_text,
    read_when,
)
from timeline.errors import DateError, ImportFailed, TimelineError
from timeline.importing._plan import PART, ImportPlan, Origin, Revision

_EVENT_KEYS = {
    "id",
    "when",
    "when_text",
    "calendar",
    "document_date",
    "during",
    "lang",
    "category",
    "kind",
    "importance",
    "original",
    "actors",
    "tags",
    "relations",
    "title",
    "summary",
    "places",
    "citations",
}
_CITATION_KEYS = {
    "key",
    "locator",
    "supports",
    "quote",
    "claims",
    "stance",
    "rank",
    "calendar",
    "lang",
}
_CLAIM_KEYS = {"value", "text", "stance", "rank"}
_NO_TEXT = LocalizedText()
_SLUG = re.compile(r"[a-z0-9][a-z0-9._-]*")
TOO_DEEP = "lists and tables nested too deeply (an events file needs four levels)"


class Where:
    """Where in the input an entry is: builds its :class:`Origin` and error messages."""

    def __init__(
        self, source: str, entry: str = "", line: int | None = None, detail: str = ""
    ) -> None:
        self.source = source
        self.entry = entry
        self.line = line
        self.detail = detail

    @property
    def origin(self) -> Origin:
        return Origin(self.source, self.line, self.entry)

    def within(self, detail: str) -> Where:
        """The same place, described in more detail (the event's id)."""
        return Where(self.source, self.entry, self.line, detail)

    def fail(self, message: str, field: str | None = None) -> ImportFailed:
        parts = [f"line {self.line}" if self.line is not None else "", self.entry]
        place = ", ".join(part for part in parts if part)
        if self.detail:
            place = f"{place} ({self.detail})"
        if field:
            place = f"{place}, field {field!r}"
        return ImportFailed(f"{self.source}: {place}: {message}")


def _str(value: Any, where: Where, field: str) -> str:
    """``value`` as text: a string or a number, never a list or table.

    Refusing containers here (instead of ``str(value)``) keeps a YAML alias
    bomb (a list of lists of aliases) from being spelled out.
    """
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise where.fail(f"expected text, got {type(value).__name__}", field)


def _text(value: Any, original: str, where: Where, field: str) -> LocalizedText:
    if not isinstance(value, str | Mapping):
        raise where.fail("expected text or a table of language = text", field)
    try:
        return read_text(value, original)
    except TimelineError as exc:
        raise where.fail(str(exc), field) from exc


def _when(data: Mapping[str, Any], where: Where) -> tuple[When | None, str]:
    """The event's own date (None: dated by its period only) and its phrase as written."""
    raw = data.get("when")
    text = data.get("when_text", "")
    if not isinstance(text, str):
        raise where.fail("expected text", "when_text")
    if raw is None and data.get("during"):
        return None, text
    if raw is None and text:
        raw = text
    if not isinstance(raw, str | int):
        raise where.fail("missing or not text (an EDTF date such as 1969-03-02)", "when")
    calendar = _str(data.get("calendar", "gregorian"), where, "calendar")
    if calendar not in CALENDARS:
        raise where.fail(
            f"unknown calendar {calendar!r}; use 'gregorian', 'julian' or 'old-style'", "calendar"
        )
    document = data.get("document_date")
    if document is not None and not isinstance(document, str):
        raise where.fail("expected EDTF text", "document_date")
    lang = _str(data.get("lang") or data.get("original") or "en", where, "lang")
    try:
        when, phrase = read_when(raw, lang=lang, calendar=calendar, document_date=document)
    except DateError as exc:
        raise where.fail(str(exc), "when") from exc
    return when, text or phrase


def _during(data: Mapping[str, Any], where: Where) -> str:
    """The id of the period definition the event is dated by (a label could gain a rival)."""
    during = _str(data.get("during", ""), where, "during")
    if during and not _SLUG.fullmatch(during):
        raise where.fail(
            f"{during!r} is not a period definition's id (a slug; `timeline periods` lists them)",
            "during",
        )
    return during


def _list(value: Any, where: Where, field: str) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(";") if part.strip()]
    if isinstance(value, list):
        return value
    raise where.fail("expected a list", field)


def _event(data: Any, where: Where) -> tuple[Event, list[Citation], list[Claim]]:
    if not isinstance(data, Mapping):
        raise where.fail("expected a table of event fields")
    if not _EVENT_KEYS.issuperset(data):
        unknown = sorted(set(data) - _EVENT_KEYS)
        raise where.fail(f"unknown field(s) {', '.join(unknown)}")
    event_id = data.get("id")
    if not isinstance(event_id, str):
        raise where.fail("missing or not text", "id")
    where = where.within(f"id {event_id!r}")
    original = _str(data.get("original", ""), where, "original")
    when, when_text = _when(data, where)
    try:
        event = Event(
            id=event_id,
            when=UNDATED if when is None else when,
            when_from_period=when is None,
            when_text=when_text,
            title=_text(data.get("title"), original, where, "title"),
            summary=_text(data["summary"], original, where, "summary")
            if "summary" in data
            else _NO_TEXT,
            category=_category(data, where),
            importance=_importance(data.get("importance", 2), where),
            actors=tuple(
                read_actor(_str(a, where, "actors"))
                for a in _list(data.get("actors"), where, "actors")
            ),
            tags=tuple(_str(t, where, "tags") for t in _list(data.get("tags"), where, "tags")),
            places=tuple(_place(p, where) for p in _list(data["places"], where, "places"))
            if "places" in data
            else (),
            relations=tuple(
                _relation(r, where) for r in _list(data["relations"], where, "relations")
            )
            if "relations" in data
            else (),
            during=_during(data, where),
        )
    except ImportFailed:
        raise
    except (TimelineError, ValueError, TypeError) as exc:
        raise where.fail(str(exc)) from exc
    citations: list[Citation] = []
    claims: list[Claim] = []
    lang = _str(data.get("lang") or original or "en", where, "lang")
    for item in _list(data.get("citations"), where, "citations"):
        citation = _citation(event.id, item, where)
        citations.append(citation)
        if isinstance(item, Mapping):
            claims.extend(_claims(citation, item, lang, where))
    return event, citations, claims


def _category(data: Mapping[str, Any], where: Where) -> str:
    """The event's category: field ``category``, or ``kind`` as files before issue 20 name it."""
    if "category" in data and "kind" in data:
        raise where.fail("give 'category' or its older name 'kind', not both", "category")
    name = "kind" if "kind" in data else "category"
    return _str(data.get(name, "other"), where, name)


def _importance(value: Any, where: Where) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdecimal() and len(value.strip()) <= 3:
        return int(value)
    raise where.fail(f"expected 1, 2 or 3, got {value!r:.40}", "importance")


def _place(data: Any, where: Where) -> Place:
    try:
        return read_place(data)
    except TimelineError as exc:
        raise where.fail(str(exc), "places") from exc


def _relation(data: Any, where: Where) -> Relation:
    try:
        return read_relation(data)
    except TimelineError as exc:
        raise where.fail(str(exc), "relations") from exc


def _citation(event_id: str, data: Any, where: Where) -> Citation:
    if isinstance(data, str):
        try:
            return read_citation(event_id, data)
        except (TimelineError, ValueError) as exc:
            raise where.fail(str(exc), "citations") from exc
    if not isinstance(data, Mapping) or "key" not in data:
        raise where.fail("expected a citation with a key", "citations")
    unknown = sorted(set(data) - _CITATION_KEYS)
    if unknown:
        raise where.fail(f"unknown citation field(s) {', '.join(unknown)}", "citations")
    try:
        return Citation(
            event_id,
            _str(data["key"], where, "citations.key"),
            locator=_str(data.get("locator", ""), where, "citations.locator"),
            quote=_str(data.get("quote", ""), where, "citations.quote"),
            supports=tuple(
                _str(s, where, "citations.supports")
                for s in _list(data.get("supports"), where, "citations.supports")
            ),
        )
    except ImportFailed:
        raise
    except (TimelineError, ValueError, TypeError) as exc:
        raise where.fail(str(exc), "citations") from exc


def _claims(citation: Citation, data: Mapping[str, Any], lang: str, where: Where) -> list[Claim]:
    """The claims of a citation table: ``claims = { when = "...", _casualties = 31 }``, each
    value plain or a table ``{ value = ..., text = ..., stance = ..., rank = ... }`` (``text``:
    the value as the source wrote it, a date phrase); the citation's
    ``stance``, ``rank``, ``calendar`` and ``lang`` apply to the plain ones."""
    claimed = data.get("claims", {})
    if not isinstance(claimed, Mapping):
        raise where.fail("expected a table of field = value", "citations.claims")
    stance = _str(data.get("stance", "supports"), where, "citations.stance")
    rank = _str(data.get("rank", "normal"), where, "citations.rank")
    calendar = _str(data.get("calendar", "gregorian"), where, "citations.calendar")
    lang = _str(data.get("lang", lang), where, "citations.lang")
    made = []
    for field, value in claimed.items():
        options = {"stance": stance, "rank": rank}
        text = ""
        if isinstance(value, Mapping) and "value" in value:
            at = f"citations.claims.{field}"
            unknown = sorted(set(value) - _CLAIM_KEYS)
            if unknown:
                raise where.fail(f"unknown claim field(s) {', '.join(unknown)}", at)
            options.update(
                {k: _str(value[k], where, f"{at}.{k}") for k in ("stance", "rank") if k in value}
            )
            text = _str(value.get("text", ""), where, f"{at}.text")
            value = value["value"]
        try:
            claim = read_claim(
                citation.id, str(field), value, lang=lang, calendar=calendar, **options
            )
        except TimelineError as exc:
            raise where.fail(str(exc), f"citations.claims.{field}") from exc
        made.append(attrs.evolve(claim, value_text=text) if text else claim)
    return made


def _revision(data: Any, where: Where) -> Revision:
    if not isinstance(data, Mapping):
        raise where.fail("expected a revision table")
    event_id, reason, changes = data.get("event"), data.get("reason"), data.get("set")
    if not isinstance(event_id, str):
        raise where.fail("missing or not text", "event")
    if not isinstance(reason, str) or not reason.strip():
        raise where.fail("a revision needs a reason", "reason")
    if not isinstance(changes, Mapping) or not changes:
        raise where.fail("expected a table of fields to change", "set")
    if "category" in changes and "kind" in changes:
        raise where.fail("give 'category' or its older name 'kind', not both", "set.category")
    fields = {
        "category" if name == "kind" else str(name): _revised(str(name), value, where)
        for name, value in changes.items()
    }
    if "calendar" in fields:
        if "when" not in fields:
            raise where.fail("a calendar applies to a new `when`; give both", "set.calendar")
        fields["when"], _ = _when(fields, where)
        del fields["calendar"]
    author = _str(data.get("author", ""), where, "author")
    return Revision(event_id, tuple(sorted(fields.items())), reason, author=author)


def _revised(name: str, value: Any, where: Where) -> Any:
    """A revision's new value for field ``name``, as the event values it stands for."""
    field = f"set.{name}"
    if name in ("title", "summary"):
        _text(value, "", where, field)  # checked here; the event's language applies later
        return value
    if name == "importance":
        return _importance(value, where)
    if name == "actors":
        return tuple(read_actor(_str(a, where, field)) for a in _list(value, where, field))
    if name == "tags":
        return tuple(_str(t, where, field) for t in _list(value, where, field))
    if name == "places":
        return tuple(_place(p, where) for p in _list(value, where, field))
    if name == "relations":
        return tuple(_relation(r, where) for r in _list(value, where, field))
    if name == "when" and isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return _str(value, where, field)


class _Part:
    """Events read so far, with their citations and claims, each item with its origin."""

    def __init__(self) -> None:
        self.size = 0
        self.events: list[Event] = []
        self.event_origins: list[Origin] = []
        self.citations: list[Citation] = []
        self.citation_origins: list[Origin] = []
        self.claims: list[Claim] = []
        self.claim_origins: list[Origin] = []

    def add(self, data: Any, where: Where) -> None:
        event, cited, claimed = _event(data, where)
        origin = where.origin  # one for the entry's items
        self.size += 1
        self.events.append(event)
        self.event_origins.append(origin)
        self.citations.extend(cited)
        self.citation_origins.extend([origin] * len(cited))
        self.claims.extend(claimed)
        self.claim_origins.extend([origin] * len(claimed))

    def plan(self, source: str, revisions: Sequence[tuple[Revision, Origin]] = ()) -> ImportPlan:
        return ImportPlan(
            events=tuple(self.events),
            citations=tuple(self.citations),
            revisions=tuple(revision for revision, _ in revisions),
            claims=tuple(self.claims),
            source=source,
            event_origins=tuple(self.event_origins),
            citation_origins=tuple(self.citation_origins),
            claim_origins=tuple(self.claim_origins),
            revision_origins=tuple(origin for _, origin in revisions),
        )


def entries_plan(
    events: Iterable[tuple[Any, Where]], revisions: Iterable[tuple[Any, Where]], source: str
) -> ImportPlan:
    """The plan of raw ``events`` and ``revisions`` (each with where it was read), the
    first refusal naming its place. ``events`` is read through, one item at a time,
    before ``revisions`` is begun: a reader may yield events as it parses them and
    fill ``revisions`` on the way."""
    part = _Part()
    for data, where in events:
        part.add(data, where)
    return part.plan(source, [(_revision(data, where), where.origin) for data, where in revisions])


def entries_parts(events: Iterable[tuple[Any, Where]], source: str) -> Iterator[ImportPlan]:
    """The plans of raw ``events``, :data:`~timeline.importing._plan.PART` entries at a
    time, each read as it is asked for."""
    part = _Part()
    for data, where in events:
        part.add(data, where)
        if part.size >= PART:
            yield part.plan(source)
            part = _Part()
    if part.size:
        yield part.plan(source)


def revisions_plan(revisions: Iterable[tuple[Any, Where]], source: str) -> ImportPlan:
    """The plan of raw ``revisions`` alone."""
    return _Part().plan(
        source, [(_revision(data, where), where.origin) for data, where in revisions]
    )


def entries(
    items: list[Any], name: str, lines: Sequence[int] | None, source: str
) -> Iterable[tuple[Any, Where]]:
    """Each item of an ``event`` or ``revision`` list with where it is (its line when known)."""
    known = lines is not None and len(lines) == len(items)
    for index, item in enumerate(items):
        line = lines[index] if known and lines is not None else None
        yield item, Where(source, f"{name} #{index + 1}", line)


def document_plan(
    document: Any, source: str, lines: Mapping[str, Sequence[int]] | None = None
) -> ImportPlan:
    """The plan of a TOML or YAML document; ``lines`` has the line of each list item, by list."""
    if not isinstance(document, Mapping):
        raise ImportFailed(
            f"{source}: top-level: expected a table with 'event' and 'revision' lists, "
            f"got {type(document).__name__}"
        )
    unknown = sorted(set(document) - {"event", "revision"})
    if unknown:
        raise ImportFailed(f"{source}: unknown top-level key(s) {', '.join(unknown)}")
    events = document.get("event", [])
    revisions = document.get("revision", [])
    if not isinstance(events, list) or not isinstance(revisions, list):
        raise ImportFailed(f"{source}: top-level: 'event' and 'revision' must be lists")
    lines = lines or {}
    return entries_plan(
        entries(events, "event", lines.get("event"), source),
        entries(revisions, "revision", lines.get("revision"), source),
        source,
    )
