"""Reading events, citations and revisions from files a researcher edits by hand.

TOML and YAML files hold a list ``event`` (each with optional ``citations``)
and a list ``revision``; JSON Lines holds one event per line (or
``{"revision": {...}}``); CSV holds one event per row with flattened columns
(``title.en``, ``actors`` separated by ``;``, citations as ``key@locator``).
The format is documented in ``docs/reference/import-formats.md``.

Parsing is pure: it returns an :class:`ImportPlan` or raises
:class:`ImportFailed` naming the file, the entry and the field. The timeline
applies a plan all at once or not at all.
"""

from __future__ import annotations

import csv
import io
import json
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import attrs
import yaml

from timeline.dates import DateInterval, HistoricalDate, When, format_edtf, parse_edtf
from timeline.errors import DateError, ImportFailed, InvalidDate, TimelineError
from timeline.model import Actor, Citation, Event, LocalizedText, Place, Relation
from timeline.phrases import parse_date

__all__ = [
    "EVENT_FORMATS",
    "ImportPlan",
    "Revision",
    "in_calendar",
    "parse_events",
    "read_events",
]

#: File formats :func:`read_events` understands, by suffix.
EVENT_FORMATS = {
    ".toml": "toml",
    ".yaml": "yaml",
    ".yml": "yaml",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
}

_EVENT_KEYS = {
    "id",
    "when",
    "when_text",
    "calendar",
    "lang",
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
_CITATION_KEYS = {"key", "locator", "supports", "quote"}


@attrs.frozen
class Revision:
    """A correction to apply after import: new values for some fields of an event."""

    event_id: str
    fields: tuple[tuple[str, Any], ...]
    reason: str
    author: str = ""


@attrs.frozen
class ImportPlan:
    """What a file asks to record: events, their citations, then revisions, in file order."""

    events: tuple[Event, ...] = ()
    citations: tuple[Citation, ...] = ()
    revisions: tuple[Revision, ...] = ()
    source: str = "<input>"


class _Where:
    """Builds error messages that say where in the input a problem is."""

    def __init__(self, source: str, entry: str) -> None:
        self.source = source
        self.entry = entry

    def fail(self, message: str, field: str | None = None) -> ImportFailed:
        place = f"{self.entry}, field {field!r}" if field else self.entry
        return ImportFailed(f"{self.source}: {place}: {message}")


def _text(value: Any, original: str, where: _Where, field: str) -> LocalizedText:
    if isinstance(value, str):
        return LocalizedText.of(value, original=original or "und")
    if isinstance(value, Mapping) and all(isinstance(v, str) for v in value.values()):
        return LocalizedText(value, original=original if original in value else "")
    raise where.fail("expected text or a table of language = text", field)


def in_calendar(when: When, calendar: str) -> When:
    """``when`` read as written in ``calendar`` ("gregorian" or "julian")."""
    if calendar == "gregorian":
        return when
    if calendar != "julian":
        raise InvalidDate(f"unknown calendar {calendar!r}; use 'gregorian' or 'julian'")
    if isinstance(when, HistoricalDate):
        return attrs.evolve(when, calendar="julian")
    if isinstance(when, DateInterval):
        start, end = (
            attrs.evolve(part, calendar="julian") if isinstance(part, HistoricalDate) else part
            for part in (when.start, when.end)
        )
        return DateInterval(start, end)
    raise InvalidDate(f"{format_edtf(when)}: a set of dates cannot be given in the Julian calendar")


def _when(data: Mapping[str, Any], where: _Where) -> tuple[When, str]:
    raw = data.get("when")
    text = data.get("when_text", "")
    if not isinstance(text, str):
        raise where.fail("expected text", "when_text")
    if raw is None and text:
        raw = text
    if not isinstance(raw, str | int):
        raise where.fail("missing or not text (an EDTF date such as 1969-03-02)", "when")
    raw = str(raw)
    calendar = str(data.get("calendar", "gregorian"))
    try:
        return in_calendar(parse_edtf(raw), calendar), text
    except DateError as edtf_error:
        if calendar != "gregorian":
            raise where.fail(str(edtf_error), "when") from edtf_error
        try:
            parsed = parse_date(raw, lang=str(data.get("lang") or data.get("original") or "en"))
        except DateError:
            raise where.fail(str(edtf_error), "when") from edtf_error
        return parsed.when, text or raw


def _list(value: Any, where: _Where, field: str) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(";") if part.strip()]
    if isinstance(value, list):
        return value
    raise where.fail("expected a list", field)


def _event(data: Any, where: _Where) -> tuple[Event, list[Citation]]:
    if not isinstance(data, Mapping):
        raise where.fail("expected a table of event fields")
    unknown = sorted(set(data) - _EVENT_KEYS)
    if unknown:
        raise where.fail(f"unknown field(s) {', '.join(unknown)}")
    event_id = data.get("id")
    if not isinstance(event_id, str):
        raise where.fail("missing or not text", "id")
    where = _Where(where.source, f"{where.entry} (id {event_id!r})")
    original = str(data.get("original", ""))
    when, when_text = _when(data, where)
    try:
        event = Event(
            id=event_id,
            when=when,
            when_text=when_text,
            title=_text(data.get("title"), original, where, "title"),
            summary=_text(data.get("summary", {}), original, where, "summary"),
            kind=str(data.get("kind", "other")),
            importance=int(data.get("importance", 2)),
            actors=tuple(Actor.parse(str(a)) for a in _list(data.get("actors"), where, "actors")),
            tags=tuple(str(t) for t in _list(data.get("tags"), where, "tags")),
            places=tuple(_place(p, where) for p in _list(data.get("places"), where, "places")),
            relations=tuple(
                _relation(r, where) for r in _list(data.get("relations"), where, "relations")
            ),
        )
    except ImportFailed:
        raise
    except (TimelineError, ValueError, TypeError) as exc:
        raise where.fail(str(exc)) from exc
    citations = [
        _citation(event.id, item, where)
        for item in _list(data.get("citations"), where, "citations")
    ]
    return event, citations


def _place(data: Any, where: _Where) -> Place:
    if isinstance(data, str):
        return Place(LocalizedText.of(data, original="und"))
    if not isinstance(data, Mapping):
        raise where.fail("expected a place table", "places")
    return Place(
        _text(data.get("name"), "", where, "places.name"),
        country=str(data.get("country", "")),
        lat=data.get("lat"),
        lon=data.get("lon"),
    )


def _relation(data: Any, where: _Where) -> Relation:
    if not isinstance(data, Mapping) or set(data) != {"type", "target"}:
        raise where.fail("expected { type = ..., target = ... }", "relations")
    return Relation(str(data["type"]), str(data["target"]))


def _citation(event_id: str, data: Any, where: _Where) -> Citation:
    if isinstance(data, str):
        key, _, locator = data.partition("@")
        return Citation(event_id, key.strip(), locator=locator.strip())
    if not isinstance(data, Mapping) or "key" not in data:
        raise where.fail("expected a citation with a key", "citations")
    unknown = sorted(set(data) - _CITATION_KEYS)
    if unknown:
        raise where.fail(f"unknown citation field(s) {', '.join(unknown)}", "citations")
    return Citation(
        event_id,
        str(data["key"]),
        locator=str(data.get("locator", "")),
        quote=str(data.get("quote", "")),
        supports=tuple(str(s) for s in data.get("supports", ())),
    )


def _revision(data: Any, where: _Where) -> Revision:
    if not isinstance(data, Mapping):
        raise where.fail("expected a revision table")
    event_id, reason, changes = data.get("event"), data.get("reason"), data.get("set")
    if not isinstance(event_id, str):
        raise where.fail("missing or not text", "event")
    if not isinstance(reason, str) or not reason.strip():
        raise where.fail("a revision needs a reason", "reason")
    if not isinstance(changes, Mapping) or not changes:
        raise where.fail("expected a table of fields to change", "set")
    fields = dict(changes)
    if "calendar" in fields:
        if "when" not in fields:
            raise where.fail("a calendar applies to a new `when`; give both", "set.calendar")
        fields["when"], _ = _when(fields, where)
        del fields["calendar"]
    return Revision(
        event_id, tuple(sorted(fields.items())), reason, author=str(data.get("author", ""))
    )


def _plan(
    events: Iterable[tuple[Any, _Where]], revisions: Iterable[tuple[Any, _Where]], source: str
) -> ImportPlan:
    parsed_events: list[Event] = []
    citations: list[Citation] = []
    for data, where in events:
        event, cited = _event(data, where)
        parsed_events.append(event)
        citations.extend(cited)
    return ImportPlan(
        events=tuple(parsed_events),
        citations=tuple(citations),
        revisions=tuple(_revision(data, where) for data, where in revisions),
        source=source,
    )


def _document_plan(document: Any, source: str) -> ImportPlan:
    if not isinstance(document, Mapping):
        raise ImportFailed(f"{source}: expected a table with 'event' and 'revision' lists")
    unknown = sorted(set(document) - {"event", "revision"})
    if unknown:
        raise ImportFailed(f"{source}: unknown top-level key(s) {', '.join(unknown)}")
    events = document.get("event", [])
    revisions = document.get("revision", [])
    if not isinstance(events, list) or not isinstance(revisions, list):
        raise ImportFailed(f"{source}: 'event' and 'revision' must be lists")
    return _plan(
        ((e, _Where(source, f"event #{n}")) for n, e in enumerate(events, 1)),
        ((r, _Where(source, f"revision #{n}")) for n, r in enumerate(revisions, 1)),
        source,
    )


def _jsonl_plan(text: str, source: str) -> ImportPlan:
    events: list[tuple[Any, _Where]] = []
    revisions: list[tuple[Any, _Where]] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = _Where(source, f"line {number}")
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise where.fail(f"not JSON: {exc.msg} at column {exc.colno}") from exc
        if isinstance(data, Mapping) and set(data) == {"revision"}:
            revisions.append((data["revision"], where))
        else:
            events.append((data, where))
    return _plan(events, revisions, source)


def _csv_row(row: Mapping[str, str]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for column, value in row.items():
        if column is None or value is None or value == "":
            continue
        name, _, lang = column.partition(".")
        if lang and name in ("title", "summary"):
            data.setdefault(name, {})[lang] = value
        elif name == "importance":
            data[name] = int(value) if value.isdigit() else value
        else:
            data[name] = value
    return data


def _csv_plan(text: str, source: str) -> ImportPlan:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    rows = [(_csv_row(row), _Where(source, f"line {reader.line_num}")) for row in reader]
    return _plan(rows, (), source)


def parse_events(text: str, fmt: str, *, source: str = "<input>") -> ImportPlan:
    """Parse events from ``text`` in format ``fmt`` (toml, yaml, jsonl or csv)."""
    if fmt == "toml":
        try:
            return _document_plan(tomllib.loads(text), source)
        except tomllib.TOMLDecodeError as exc:
            raise ImportFailed(f"{source}: not valid TOML: {exc}") from exc
    if fmt == "yaml":
        try:
            return _document_plan(yaml.safe_load(text), source)
        except yaml.YAMLError as exc:
            raise ImportFailed(f"{source}: not valid YAML: {exc}") from exc
    if fmt == "jsonl":
        return _jsonl_plan(text, source)
    if fmt == "csv":
        return _csv_plan(text, source)
    raise ImportFailed(f"{source}: unknown event format {fmt!r}; use toml, yaml, jsonl or csv")


def read_events(path: str | Path, fmt: str | None = None) -> ImportPlan:
    """Parse an events file; the format comes from its suffix unless ``fmt`` is given."""
    path = Path(path)
    fmt = fmt or EVENT_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ImportFailed(
            f"{path}: cannot tell the format from the suffix {path.suffix!r}; "
            f"use one of {', '.join(sorted(EVENT_FORMATS))}"
        )
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ImportFailed(f"{path}: not UTF-8 text (byte {exc.start})") from exc
    except OSError as exc:
        raise ImportFailed(f"{path}: cannot read: {exc.strerror}") from exc
    return parse_events(text, fmt, source=str(path))
