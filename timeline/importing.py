"""Reading events, citations and revisions from files a researcher edits by hand.

TOML and YAML files hold a list ``event`` (each with optional ``citations``)
and a list ``revision``; JSON Lines holds one event per line (or
``{"revision": {...}}``); CSV holds one event per row with flattened columns
(``title.en``, ``actors`` separated by ``;``, citations as ``key@locator``).
The formats are documented in ``docs/reference/import-formats.md``.

Parsing is pure: it returns an :class:`ImportPlan` or raises
:class:`ImportFailed` naming the file, the entry and the field. Every item of a
plan keeps its :class:`Origin` (file and entry line), which the timeline
records as the reason of each change. The timeline applies a plan all at once
or not at all.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from citations import Reference
from timeline.dates import When, parse_date, parse_edtf
from timeline.domain import Actor, Citation, Event, LocalizedText, Place, Relation
from timeline.errors import DateError, ImportFailed, InvalidDate, MissingDocumentDate, TimelineError

if TYPE_CHECKING:
    import yaml

    from citations import Problem

__all__ = [
    "EVENT_FORMATS",
    "REFERENCE_FORMATS",
    "ImportPlan",
    "Origin",
    "Revision",
    "parse_events",
    "read_events",
    "read_import",
]

#: Reference file formats :func:`read_import` understands, by suffix.
REFERENCE_FORMATS = {".bib": "bibtex", ".biblatex": "bibtex", ".json": "csl-json", ".ris": "ris"}

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
    "document_date",
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
class Origin:
    """Where an imported item was read: its file and the line (or record) its entry starts at."""

    source: str
    line: int | None = None
    entry: str = ""

    def __str__(self) -> str:
        if self.line is not None:
            return f"{self.source}:{self.line}"
        return f"{self.source}, {self.entry}" if self.entry else self.source


def _origins(attribute: str) -> Any:
    """An ``ImportPlan`` field: one origin per item of ``attribute``, or none at all."""

    def check(plan: ImportPlan, field: attrs.Attribute[Any], value: tuple[Origin, ...]) -> None:
        items = getattr(plan, attribute)
        if value and len(value) != len(items):
            raise ValueError(f"{field.name} has {len(value)} origins for {len(items)} {attribute}")

    return attrs.field(default=(), validator=check, kw_only=True)


@attrs.frozen
class ImportPlan:
    """What files ask to record: references, events, their citations, then revisions.

    Each ``*_origins`` tuple gives the :class:`Origin` of the item at the same
    place (empty: every item comes from ``source``); :meth:`origin` reads them.
    ``problems`` are what a tolerant BibTeX read skipped or warned about.
    """

    events: tuple[Event, ...] = ()
    citations: tuple[Citation, ...] = ()
    revisions: tuple[Revision, ...] = ()
    source: str = "<input>"
    references: tuple[Reference, ...] = attrs.field(default=(), kw_only=True)
    problems: tuple[Problem, ...] = attrs.field(default=(), kw_only=True)
    reference_origins: tuple[Origin, ...] = _origins("references")
    event_origins: tuple[Origin, ...] = _origins("events")
    citation_origins: tuple[Origin, ...] = _origins("citations")
    revision_origins: tuple[Origin, ...] = _origins("revisions")

    def origin(self, items: str, index: int) -> Origin:
        """Where item ``index`` of ``items`` ("references", "events", ...) was read."""
        origins: tuple[Origin, ...] = getattr(self, items[:-1] + "_origins")
        return origins[index] if origins else Origin(self.source)

    @classmethod
    def join(cls, plans: Sequence[ImportPlan]) -> ImportPlan:
        """One plan doing what ``plans`` do, in order; every item keeps its origin."""
        parts: dict[str, Any] = {"source": ", ".join(p.source for p in plans) or "<nothing>"}
        for items in ("references", "events", "citations", "revisions"):
            parts[items] = tuple(item for p in plans for item in getattr(p, items))
            parts[items[:-1] + "_origins"] = tuple(
                p.origin(items, n) for p in plans for n in range(len(getattr(p, items)))
            )
        parts["problems"] = tuple(problem for p in plans for problem in p.problems)
        return cls(**parts)


class _Where:
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

    def within(self, detail: str) -> _Where:
        """The same place, described in more detail (the event's id)."""
        return _Where(self.source, self.entry, self.line, detail)

    def fail(self, message: str, field: str | None = None) -> ImportFailed:
        parts = [f"line {self.line}" if self.line is not None else "", self.entry]
        place = ", ".join(part for part in parts if part)
        if self.detail:
            place = f"{place} ({self.detail})"
        if field:
            place = f"{place}, field {field!r}"
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
    if calendar not in ("gregorian", "julian", "old-style"):
        raise where.fail(
            f"unknown calendar {calendar!r}; use 'gregorian', 'julian' or 'old-style'", "calendar"
        )
    old_style = calendar == "old-style"  # the source's phrases are Old Style before 1918
    document = data.get("document_date")
    if document is not None and not isinstance(document, str):
        raise where.fail("expected EDTF text", "document_date")
    try:
        return parse_edtf(raw, "gregorian" if old_style else calendar), text
    except DateError as edtf_error:
        # Text that is EDTF in form but impossible (1969-99) is an error, not a phrase.
        if calendar == "julian" or isinstance(edtf_error, InvalidDate):
            raise where.fail(str(edtf_error), "when") from edtf_error
        try:
            lang = _str(data.get("lang") or data.get("original") or "en", where, "lang")
            parsed = parse_date(raw, lang=lang, old_style=old_style, document_date=document)
        except MissingDocumentDate as exc:
            raise where.fail(str(exc), "when") from exc
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
    where = where.within(f"id {event_id!r}")
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
    if isinstance(value, str) and value.strip().isdecimal() and len(value.strip()) <= 3:
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
    event_origins: list[Origin] = []
    citations: list[Citation] = []
    citation_origins: list[Origin] = []
    for data, where in events:
        event, cited = _event(data, where)
        parsed_events.append(event)
        event_origins.append(where.origin)
        citations.extend(cited)
        citation_origins.extend([where.origin] * len(cited))
    parsed_revisions = [(_revision(data, where), where.origin) for data, where in revisions]
    return ImportPlan(
        events=tuple(parsed_events),
        citations=tuple(citations),
        revisions=tuple(revision for revision, _ in parsed_revisions),
        source=source,
        event_origins=tuple(event_origins),
        citation_origins=tuple(citation_origins),
        revision_origins=tuple(origin for _, origin in parsed_revisions),
    )


def _entries(
    items: list[Any], name: str, lines: Sequence[int] | None, source: str
) -> Iterable[tuple[Any, _Where]]:
    """Each item of an ``event`` or ``revision`` list with where it is (its line when known)."""
    known = lines is not None and len(lines) == len(items)
    for index, item in enumerate(items):
        line = lines[index] if known and lines is not None else None
        yield item, _Where(source, f"{name} #{index + 1}", line)


def _document_plan(
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
    return _plan(
        _entries(events, "event", lines.get("event"), source),
        _entries(revisions, "revision", lines.get("revision"), source),
        source,
    )


_TOML_ENTRY = re.compile(r"^[ \t]*\[\[[ \t]*(event|revision)[ \t]*\]\][ \t]*(?:#.*)?$", re.M)


def _toml_lines(text: str) -> dict[str, list[int]]:
    """The line of each ``[[event]]`` and ``[[revision]]`` header (checked against the lists)."""
    lines: dict[str, list[int]] = {"event": [], "revision": []}
    for match in _TOML_ENTRY.finditer(text):
        lines[match.group(1)].append(text.count("\n", 0, match.start()) + 1)
    return lines


def _toml_plan(text: str, source: str) -> ImportPlan:
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ImportFailed(f"{source}: not valid TOML: {exc}") from exc
    except RecursionError as exc:
        raise ImportFailed(f"{source}: not readable TOML: {_TOO_DEEP}") from exc
    return _document_plan(document, source, _toml_lines(text))


def _yaml_lines(node: yaml.Node | None) -> dict[str, list[int]]:
    """The line of each item of the top-level ``event`` and ``revision`` lists."""
    import yaml

    lines: dict[str, list[int]] = {}
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and isinstance(value, yaml.SequenceNode):
                lines[key.value] = [item.start_mark.line + 1 for item in value.value]
    return lines


@functools.cache
def _yaml_loader() -> type[yaml.SafeLoader]:
    """YAML's safe loader, except that dates and times stay text (they are EDTF here),
    and so does an integer too long for Python to read (the field then refuses it)."""
    import yaml

    class Loader(yaml.SafeLoader):
        def construct_yaml_int(self, node: yaml.ScalarNode) -> Any:
            try:
                return super().construct_yaml_int(node)
            except ValueError:  # more digits than int() reads: the field refuses the text
                return str(self.construct_scalar(node))

        def construct_text(self, node: yaml.ScalarNode) -> str:
            return str(self.construct_scalar(node))

    timestamp = "tag:yaml.org,2002:timestamp"
    Loader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != timestamp]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    Loader.add_constructor(timestamp, Loader.construct_text)
    Loader.add_constructor("tag:yaml.org,2002:int", Loader.construct_yaml_int)
    return Loader


def _yaml_plan(text: str, source: str) -> ImportPlan:
    import yaml  # imported here: most commands read no YAML, and it takes long to import

    loader: yaml.SafeLoader | None = None
    try:
        loader = _yaml_loader()(text)  # checks the characters first
        node = loader.get_single_node()
        document = loader.construct_document(node) if node is not None else None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        char = exc.character
        shown = f"U+{char:04X}" if isinstance(char, int) else repr(char)
        raise ImportFailed(
            f"{source}: not valid YAML: line {line}: character {shown} is not allowed "
            f"({exc.reason})"
        ) from exc
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        what = "; ".join(part for part in (exc.context, exc.problem) if part)
        raise ImportFailed(f"{source}: not valid YAML: {where}{' '.join(what.split())}") from exc
    except yaml.YAMLError as exc:
        raise ImportFailed(f"{source}: not valid YAML: {' '.join(str(exc).split())}") from exc
    except RecursionError as exc:
        raise ImportFailed(f"{source}: not readable YAML: {_TOO_DEEP}") from exc
    finally:
        if loader is not None:
            loader.dispose()
    return _document_plan(document, source, _yaml_lines(node))


def _jsonl_plan(text: str, source: str) -> ImportPlan:
    events: list[tuple[Any, _Where]] = []
    revisions: list[tuple[Any, _Where]] = []
    # Lines end at \n (and \r\n) only: str.splitlines would also split inside
    # strings at U+2028, U+0085 and other characters JSON allows unescaped.
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        where = _Where(source, line=number)
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


def _csv_row(row: Mapping[str | None, Any], where: _Where) -> dict[str, Any]:
    if None in row:
        extra = len(row[None])
        raise where.fail(
            f"{extra} cell(s) beyond the {len(row) - 1} columns of the header "
            "(a comma too many, or a quote left open?)"
        )
    data: dict[str, Any] = {}
    for column, value in row.items():
        if column is None or value is None or value == "":
            continue
        if "\x00" in value:
            raise where.fail("holds a NUL character", column)
        name, _, lang = column.partition(".")
        if name != "summary" and ("\n" in value or "\r" in value):
            raise where.fail("holds a line break (a quote left open?)", column)
        if lang and name in ("title", "summary"):
            texts = data.setdefault(name, {})
            if not isinstance(texts, dict):
                raise where.fail(f"both column {name!r} and column {column!r} give it", name)
            texts[lang] = value
        elif name in ("title", "summary") and name in data:
            raise where.fail(f"both column {name!r} and a {name}.<lang> column give it", name)
        else:
            data[name] = value
    return data


def _csv_plan(text: str, source: str) -> ImportPlan:
    """Rows of a CSV file read strictly: a quote left open or a stray one is an error."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""), strict=True)
    rows = []
    start = 1
    try:
        if reader.fieldnames is not None and "\x00" in "".join(reader.fieldnames):
            raise ImportFailed(f"{source}: line 1: the header holds a NUL character")
        start = reader.line_num + 1
        for row in reader:
            where = _Where(source, line=start)
            rows.append((_csv_row(row, where), where))
            start = reader.line_num + 1
    except csv.Error as exc:
        why = str(exc)
        if why == "unexpected end of data":
            why = "a quote opened in the row starting here is never closed"
        raise ImportFailed(f"{source}: line {start}: not valid CSV: {why}") from exc
    return _plan(rows, (), source)


def parse_events(text: str, fmt: str, *, source: str = "<input>") -> ImportPlan:
    """Parse events from ``text`` in format ``fmt`` (toml, yaml, jsonl or csv)."""
    if fmt == "toml":
        return _toml_plan(text, source)
    if fmt == "yaml":
        return _yaml_plan(text, source)
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


def _reference_plan(path: Path, strict: bool, encoding: str) -> ImportPlan:
    """The references in a BibTeX, CSL-JSON or RIS file, each with its entry line or record."""
    fmt = REFERENCE_FORMATS[path.suffix.lower()]
    source = str(path)
    if fmt == "bibtex":
        from citations.bibtex import read_bibtex

        result = read_bibtex(path, encoding=encoding, strict=strict)
        return ImportPlan(
            source=source,
            references=result.references,
            problems=result.problems,
            reference_origins=tuple(
                Origin(source, result.lines.get(ref.key)) for ref in result.references
            ),
        )
    if fmt == "csl-json":
        from citations.csl import read_csl_json

        references = read_csl_json(path)
    else:
        from citations.ris import read_ris

        references = read_ris(path)
    return ImportPlan(
        source=source,
        references=references,
        reference_origins=tuple(
            Origin(source, entry=f"record #{n}") for n in range(1, len(references) + 1)
        ),
    )


def read_import(
    paths: Iterable[str | Path], *, strict: bool = True, encoding: str = "utf-8"
) -> ImportPlan:
    """Read reference files (.bib, .json, .ris) and event files into one plan, in order.

    ``strict`` and ``encoding`` apply to BibTeX files (with ``strict=False``
    bad entries are skipped and listed in the plan's ``problems``). Raises
    :class:`ImportFailed` for a file whose suffix says neither, and the
    reader's own error (naming file and line) for a file it cannot read.
    """
    plans = []
    for path in map(Path, paths):
        suffix = path.suffix.lower()
        if suffix in REFERENCE_FORMATS:
            plans.append(_reference_plan(path, strict, encoding))
        elif suffix in EVENT_FORMATS:
            plans.append(read_events(path))
        else:
            known = ", ".join(sorted({*REFERENCE_FORMATS, *EVENT_FORMATS}))
            raise ImportFailed(
                f"{path}: cannot tell what the file holds from its suffix; use one of {known}"
            )
    return ImportPlan.join(plans)
