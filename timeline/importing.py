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
_TOO_DEEP = "lists and tables nested too deeply (an events file needs four levels)"


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


def _str(value: Any, where: _Where, field: str) -> str:
    """``value`` as text: a string or a number, never a list or table.

    Refusing containers here (instead of ``str(value)``) keeps a YAML alias
    bomb (a list of lists of aliases) from being spelled out.
    """
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise where.fail(f"expected text, got {type(value).__name__}", field)


def _number(value: Any, where: _Where, field: str) -> float | None:
    if value is None or (isinstance(value, int | float) and not isinstance(value, bool)):
        return value
    raise where.fail(f"expected a number, got {type(value).__name__}", field)


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
    calendar = _str(data.get("calendar", "gregorian"), where, "calendar")
    try:
        return in_calendar(parse_edtf(raw), calendar), text
    except DateError as edtf_error:
        if calendar != "gregorian":
            raise where.fail(str(edtf_error), "when") from edtf_error
        try:
            lang = _str(data.get("lang") or data.get("original") or "en", where, "lang")
            parsed = parse_date(raw, lang=lang)
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
    original = _str(data.get("original", ""), where, "original")
    when, when_text = _when(data, where)
    try:
        event = Event(
            id=event_id,
            when=when,
            when_text=when_text,
            title=_text(data.get("title"), original, where, "title"),
            summary=_text(data.get("summary", {}), original, where, "summary"),
            kind=_str(data.get("kind", "other"), where, "kind"),
            importance=_importance(data.get("importance", 2), where),
            actors=tuple(
                Actor.parse(_str(a, where, "actors"))
                for a in _list(data.get("actors"), where, "actors")
            ),
            tags=tuple(_str(t, where, "tags") for t in _list(data.get("tags"), where, "tags")),
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


def _importance(value: Any, where: _Where) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdecimal():
        return int(value)
    raise where.fail(f"expected 1, 2 or 3, got {value!r:.40}", "importance")


def _place(data: Any, where: _Where) -> Place:
    if isinstance(data, str):
        return Place(LocalizedText.of(data, original="und"))
    if not isinstance(data, Mapping):
        raise where.fail("expected a place table", "places")
    unknown = sorted(set(data) - {"name", "country", "lat", "lon"})
    if unknown:
        raise where.fail(f"unknown place field(s) {', '.join(map(str, unknown))}", "places")
    try:
        return Place(
            _text(data.get("name"), "", where, "places.name"),
            country=_str(data.get("country", ""), where, "places.country"),
            lat=_number(data.get("lat"), where, "places.lat"),
            lon=_number(data.get("lon"), where, "places.lon"),
        )
    except ImportFailed:
        raise
    except (TimelineError, ValueError, TypeError) as exc:
        raise where.fail(str(exc), "places") from exc


def _relation(data: Any, where: _Where) -> Relation:
    if not isinstance(data, Mapping) or set(data) != {"type", "target"}:
        raise where.fail("expected { type = ..., target = ... }", "relations")
    try:
        return Relation(
            _str(data["type"], where, "relations.type"),
            _str(data["target"], where, "relations.target"),
        )
    except ValueError as exc:
        raise where.fail(str(exc), "relations") from exc


def _citation(event_id: str, data: Any, where: _Where) -> Citation:
    if isinstance(data, str):
        key, _, locator = data.partition("@")
        try:
            return Citation(event_id, key.strip(), locator=locator.strip())
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
    fields = {str(name): _revised(str(name), value, where) for name, value in changes.items()}
    if "calendar" in fields:
        if "when" not in fields:
            raise where.fail("a calendar applies to a new `when`; give both", "set.calendar")
        fields["when"], _ = _when(fields, where)
        del fields["calendar"]
    author = _str(data.get("author", ""), where, "author")
    return Revision(event_id, tuple(sorted(fields.items())), reason, author=author)


def _revised(name: str, value: Any, where: _Where) -> Any:
    """A revision's new value for field ``name``, as the event values it stands for."""
    field = f"set.{name}"
    if name in ("title", "summary"):
        _text(value, "", where, field)  # checked here; the event's language applies later
        return value
    if name == "importance":
        return _importance(value, where)
    if name == "actors":
        return tuple(Actor.parse(_str(a, where, field)) for a in _list(value, where, field))
    if name == "tags":
        return tuple(_str(t, where, field) for t in _list(value, where, field))
    if name == "places":
        return tuple(_place(p, where) for p in _list(value, where, field))
    if name == "relations":
        return tuple(_relation(r, where) for r in _list(value, where, field))
    if name == "when" and isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return _str(value, where, field)


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
        except RecursionError as exc:
            raise where.fail(f"not readable JSON: {_TOO_DEEP}") from exc
        if isinstance(data, Mapping) and set(data) == {"revision"}:
            revisions.append((data["revision"], where))
        else:
            events.append((data, where))
    return _plan(events, revisions, source)


def _csv_row(row: Mapping[str, str], where: _Where) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for column, value in row.items():
        if column is None or value is None or value == "":
            continue
        name, _, lang = column.partition(".")
        if lang and name in ("title", "summary"):
            texts = data.setdefault(name, {})
            if not isinstance(texts, dict):
                raise where.fail(f"both column {name!r} and column {column!r} give it", name)
            texts[lang] = value
        elif name in ("title", "summary") and name in data:
            raise where.fail(f"both column {name!r} and a {name}.<lang> column give it", name)
        elif name == "importance":
            data[name] = int(value) if value.isdecimal() else value
        else:
            data[name] = value
    return data


def _csv_plan(text: str, source: str) -> ImportPlan:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    rows = []
    try:
        for row in reader:
            where = _Where(source, f"line {reader.line_num}")
            rows.append((_csv_row(row, where), where))
    except csv.Error as exc:
        line = reader.line_num + 1  # the row being read when the error came
        raise ImportFailed(f"{source}: line {line}: not valid CSV: {exc}") from exc
    return _plan(rows, (), source)


def parse_events(text: str, fmt: str, *, source: str = "<input>") -> ImportPlan:
    """Parse events from ``text`` in format ``fmt`` (toml, yaml, jsonl or csv)."""
    if fmt == "toml":
        try:
            return _document_plan(tomllib.loads(text), source)
        except tomllib.TOMLDecodeError as exc:
            raise ImportFailed(f"{source}: not valid TOML: {exc}") from exc
        except RecursionError as exc:
            raise ImportFailed(f"{source}: not readable TOML: {_TOO_DEEP}") from exc
    if fmt == "yaml":
        try:
            return _document_plan(yaml.safe_load(text), source)
        except yaml.reader.ReaderError as exc:
            line = text.count("\n", 0, exc.position) + 1
            char = exc.character
            shown = f"U+{char:04X}" if isinstance(char, int) else repr(char)
            raise ImportFailed(
                f"{source}: not valid YAML: line {line}: character {shown} is not allowed "
                f"({exc.reason})"
            ) from exc
        except yaml.YAMLError as exc:
            raise ImportFailed(f"{source}: not valid YAML: {exc}") from exc
        except RecursionError as exc:
            raise ImportFailed(f"{source}: not readable YAML: {_TOO_DEEP}") from exc
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
