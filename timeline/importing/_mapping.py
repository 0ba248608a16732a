"""Event data sets in CSV read through a mapping file (column -> event field), streamed.

A mapping is a TOML file (``docs/reference/mapping-files.md``): templates such
as ``"{sub_event_type} in {location}"`` name the columns each field is made
from, ``when`` names the date column with its formats and precision rule,
``[event.actors]``, ``[event.place]``, ``[reference]`` and ``[citation]`` the
rest. ACLED's is built in (``mappings/acled.toml``) and chosen for a file
whose header has ACLED's columns.

Every column a mapping names is checked against the file's header before a
row is read (:class:`MappingError` names the mapping file and the column); a
row that cannot be read names the file, its line and the column. Rows are
read one at a time (:func:`mapped_rows` yields them), so a reader's memory
does not grow with the file.
"""

from __future__ import annotations

import csv
import datetime
import functools
import itertools
import re
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import IO, Any

import attrs

from citations import Contributor, Reference
from timeline.dates import When
from timeline.domain import Actor, Citation, Event, LocalizedText, Place, read_when
from timeline.errors import ImportFailed, MappingError, TimelineError
from timeline.importing._plan import PART, ImportPlan, Origin

__all__ = [
    "BUILT_IN",
    "EventMapping",
    "load_mapping",
    "mapped_plan",
    "mapped_rows",
    "sniff_mapping",
]

__all__ = [
    "BUILT_IN",
    "EventMapping",
    "load_mapping",
    "mapped_plan",
    "mapped_rows",
    "sniff_mapping",
]

#: The mappings shipped with the package, by name (``--mapping acled``).
BUILT_IN = ("acled",)
#: The columns a header must hold to be read with a built-in mapping unasked.
_SIGNATURES = {"acled": frozenset({"event_id_cnty", "event_date", "time_precision", "timestamp"})}

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_NOT_SLUG = re.compile(r"[^a-z0-9._-]+")
_CODE = re.compile(r"^[A-Z][A-Z0-9]{1,9}(:.*)?$")
_PRECISIONS = ("day", "week", "month", "year")
_EVENT_KEYS = {
    "id", "when", "date_formats", "precision", "title", "summary", "lang", "category",
    "tags", "importance", "version", "actors", "place",
}  # fmt: skip
_ACTOR_KEYS = {"columns", "split", "codes", "unmapped"}
_PLACE_KEYS = {"name", "country", "lat", "lon"}
_REFERENCE_KEYS = {"key", "type", "title", "author", "date", "url", "publisher", "note"}


class _Template:
    """Text with ``{column}`` placeholders (``{{`` and ``}}`` for braces)."""

    def __init__(self, text: str, where: str) -> None:
        self.parts: list[tuple[str, str]] = []  # (literal, column)
        at = 0
        plain = text.replace("{{", "\0").replace("}}", "\1")
        for match in _PLACEHOLDER.finditer(plain):
            column = match.group(1).strip()
            if not column:
                raise MappingError(f"{where}: an empty placeholder {{}} in {text!r}")
            self.parts.append((_unescape(plain[at : match.start()]), column))
            at = match.end()
        self.tail = _unescape(plain[at:])
        if "{" in self.tail or "}" in self.tail:
            raise MappingError(f"{where}: a brace left open in {text!r} (write {{{{ for a brace)")

    @property
    def columns(self) -> list[str]:
        return [column for _, column in self.parts]

    def render(self, row: Mapping[str, str]) -> str:
        return "".join(literal + row[column] for literal, column in self.parts) + self.tail


def _unescape(text: str) -> str:
    return text.replace("\0", "{").replace("\1", "}")


@attrs.frozen
class _Value:
    """A field made from a template, then looked up in ``values`` (``default`` when empty)."""

    template: _Template
    values: Mapping[str, str] = attrs.field(factory=dict)
    default: str = ""

    def render(self, row: Mapping[str, str]) -> str:
        text = self.template.render(row).strip()
        return self.values.get(text, text) or self.default


@attrs.frozen
class EventMapping:
    """A loaded mapping file: what each event field is made from (see the module)."""

    source: str
    event_id: _Value
    when: str
    date_formats: tuple[str, ...]
    precision: _Value | None
    title: _Value
    summary: _Value | None
    lang: str
    category: _Value | None
    tags: tuple[_Value, ...]
    importance: int
    version: str
    actor_columns: tuple[str, ...]
    actor_split: str
    actor_codes: Mapping[str, str]
    unmapped_actors: str
    place: Mapping[str, _Value]
    lat: str
    lon: str
    reference: Reference | None
    locator: _Value | None
    delimiter: str

    @property
    def columns(self) -> list[tuple[str, str]]:
        """Every column the mapping reads, with the key naming it."""
        found: list[tuple[str, str]] = []
        values = {
            "event.id": self.event_id,
            "event.precision": self.precision,
            "event.title": self.title,
            "event.summary": self.summary,
            "event.category": self.category,
            "citation.locator": self.locator,
            **{f"event.tags[{n}]": tag for n, tag in enumerate(self.tags)},
            **{f"event.place.{name}": value for name, value in self.place.items()},
        }
        for key, value in values.items():
            if value is not None:
                found.extend((key, column) for column in value.template.columns)
        found.append(("event.when", self.when))
        for key, column in (("event.version", self.version), ("event.place.lat", self.lat)):
            if column:
                found.append((key, column))
        if self.lon:
            found.append(("event.place.lon", self.lon))
        found.extend(("event.actors.columns", column) for column in self.actor_columns)
        return found


def _table(data: Any, where: str, known: set[str]) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise MappingError(f"{where}: expected a table")
    unknown = sorted(set(data) - known)
    if unknown:
        raise MappingError(f"{where}: unknown key(s) {', '.join(unknown)}")
    return data


def _text(data: Any, where: str) -> str:
    if not isinstance(data, str):
        raise MappingError(f"{where}: expected text, got {type(data).__name__}")
    return data


def _value(data: Any, where: str) -> _Value:
    """A template string, or a table of ``template`` (or ``column``), ``values``, ``default``."""
    if isinstance(data, str):
        return _Value(_Template(data, where))
    spec = _table(data, where, {"template", "column", "values", "default"})
    if ("template" in spec) == ("column" in spec):
        raise MappingError(f"{where}: give 'template' or 'column'")
    text = spec["template"] if "template" in spec else "{" + _text(spec["column"], where) + "}"
    values = spec.get("values", {})
    if not isinstance(values, dict) or not all(isinstance(v, str) for v in values.values()):
        raise MappingError(f"{where}.values: expected a table of text = text")
    return _Value(
        _Template(_text(text, where), where),
        {str(k): v for k, v in values.items()},
        _text(spec.get("default", ""), where + ".default"),
    )


def load_mapping(name_or_path: str | Path) -> EventMapping:
    """A mapping from a TOML file, or a built-in one by name (``"acled"``).

    Raises :class:`MappingError` naming the file and the key for a mapping
    that cannot be used.
    """
    if str(name_or_path) in BUILT_IN:
        source = f"built-in mapping {name_or_path!s}"
        text = resources.files("timeline.importing") / "mappings" / f"{name_or_path}.toml"
        raw = text.read_text(encoding="utf-8")
    else:
        source = str(name_or_path)
        try:
            raw = Path(name_or_path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise MappingError(f"{source}: cannot read the mapping: {exc}") from exc
    try:
        document = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        raise MappingError(f"{source}: not valid TOML: {exc}") from exc
    return _mapping(document, source)


def _mapping(document: dict[str, Any], source: str) -> EventMapping:
    top = _table(document, source, {"source", "event", "reference", "citation"})
    reading = _table(top.get("source", {}), f"{source}: [source]", {"delimiter"})
    event = _table(top.get("event"), f"{source}: [event]", _EVENT_KEYS)
    at = f"{source}: event"
    for required in ("id", "when", "title"):
        if required not in event:
            raise MappingError(f"{source}: [event] needs '{required}'")
    formats = event.get("date_formats", [])
    if not isinstance(formats, list) or not all(isinstance(f, str) for f in formats):
        raise MappingError(f"{at}.date_formats: expected a list of strptime formats")
    precision = event.get("precision")
    precision_value = None
    if precision is not None:
        precision_value = _value(precision, f"{at}.precision")
        fixed = [] if precision_value.template.columns else [precision_value.template.tail]
        for name in (*precision_value.values.values(), precision_value.default, *fixed):
            if name and name not in _PRECISIONS:
                raise MappingError(
                    f"{at}.precision: {name!r} is not one of {', '.join(_PRECISIONS)}"
                )
    actors = _table(event.get("actors", {}), f"{at}.actors", _ACTOR_KEYS)
    columns = actors.get("columns", [])
    if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
        raise MappingError(f"{at}.actors.columns: expected a list of column names")
    unmapped = _text(actors.get("unmapped", "tag"), f"{at}.actors.unmapped")
    if unmapped not in ("tag", "drop", "error"):
        raise MappingError(f"{at}.actors.unmapped: use 'tag', 'drop' or 'error'")
    codes = actors.get("codes", {})
    if not isinstance(codes, dict):
        raise MappingError(f"{at}.actors.codes: expected a table of name = code")
    for name, code in codes.items():
        _checked_actor(_text(code, f"{at}.actors.codes.{name}"), f"{at}.actors.codes.{name}")
    place = _table(event.get("place", {}), f"{at}.place", _PLACE_KEYS)
    tags = event.get("tags", [])
    if not isinstance(tags, list):
        raise MappingError(f"{at}.tags: expected a list of templates")
    importance = event.get("importance", 2)
    if importance not in (1, 2, 3):
        raise MappingError(f"{at}.importance: use 1, 2 or 3")
    citation = _table(top.get("citation", {}), f"{source}: [citation]", {"locator"})
    reference = _reference(top.get("reference"), source)
    if citation and reference is None:
        raise MappingError(f"{source}: [citation] needs a [reference] to cite")
    delimiter = _text(reading.get("delimiter", ","), f"{source}: source.delimiter")
    if len(delimiter) != 1:
        raise MappingError(f'{source}: source.delimiter: one character ("," or "\\t")')
    return EventMapping(
        source=source,
        event_id=_value(event["id"], f"{at}.id"),
        when=_text(event["when"], f"{at}.when"),
        date_formats=tuple(formats),
        precision=precision_value,
        title=_value(event["title"], f"{at}.title"),
        summary=_value(event["summary"], f"{at}.summary") if "summary" in event else None,
        lang=_text(event.get("lang", "und"), f"{at}.lang"),
        category=_value(event["category"], f"{at}.category") if "category" in event else None,
        tags=tuple(_value(tag, f"{at}.tags[{n}]") for n, tag in enumerate(tags)),
        importance=importance,
        version=_text(event.get("version", ""), f"{at}.version"),
        actor_columns=tuple(columns),
        actor_split=_text(actors.get("split", ""), f"{at}.actors.split"),
        actor_codes=dict(codes),
        unmapped_actors=unmapped,
        place={
            name: _value(place[name], f"{at}.place.{name}")
            for name in ("name", "country")
            if name in place
        },
        lat=_text(place.get("lat", ""), f"{at}.place.lat"),
        lon=_text(place.get("lon", ""), f"{at}.place.lon"),
        reference=reference,
        locator=_value(citation["locator"], f"{source}: citation.locator")
        if "locator" in citation
        else None,
        delimiter=delimiter,
    )


def _checked_actor(code: str, where: str) -> Actor:
    try:
        return Actor.parse(code)
    except TimelineError as exc:
        raise MappingError(f"{where}: {exc}") from exc


def _reference(data: Any, source: str) -> Reference | None:
    if data is None:
        return None
    spec = _table(data, f"{source}: [reference]", _REFERENCE_KEYS)
    fields: dict[str, str] = {
        name: _text(spec[name], f"{source}: reference.{name}")
        for name in ("title", "date", "url", "publisher", "note")
        if name in spec
    }
    author = spec.get("author")
    try:
        return Reference(
            _text(spec.get("key", ""), f"{source}: reference.key"),
            _text(spec.get("type", "dataset"), f"{source}: reference.type"),
            fields,
            [Contributor(literal=_text(author, f"{source}: reference.author"))] if author else [],
        )
    except ValueError as exc:
        raise MappingError(f"{source}: [reference]: {exc}") from exc


def sniff_mapping(header: Sequence[str]) -> str | None:
    """The built-in mapping whose columns ``header`` holds (``"acled"``), or None."""
    names = set(header)
    return next((name for name, needed in _SIGNATURES.items() if needed <= names), None)


# -- reading rows --------------------------------------------------------------


@functools.lru_cache(maxsize=65536)
def _edtf(text: str) -> When:
    return read_when(text)[0]


@functools.lru_cache(maxsize=65536)
def _strptime(text: str, formats: tuple[str, ...]) -> datetime.date | None:
    """The day ``text`` gives in the first of ``formats`` that reads it, else None."""
    for fmt in formats:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _precise(day: datetime.date, precision: str) -> str:
    """EDTF for ``day`` known to ``precision``: the day, its Monday-Sunday week, month, year."""
    if precision == "week":
        monday = day - datetime.timedelta(days=day.weekday())
        return f"{monday.isoformat()}/{(monday + datetime.timedelta(days=6)).isoformat()}"
    if precision == "month":
        return f"{day.year:04d}-{day.month:02d}"
    if precision == "year":
        return f"{day.year:04d}"
    return day.isoformat()


@functools.lru_cache(maxsize=65536)
def _slug(text: str) -> str:
    return _NOT_SLUG.sub("-", text.lower()).strip("-._")


class _Row:
    """One data row: its cells by column, and errors naming file, line and column."""

    def __init__(self, source: str, line: int, cells: dict[str, str]) -> None:
        self.source = source
        self.line = line
        self.cells = cells

    def fail(self, column: str, message: str) -> ImportFailed:
        return ImportFailed(f"{self.source}: line {self.line}, column {column!r}: {message}")


def _when(mapping: EventMapping, row: _Row) -> When:
    raw = row.cells[mapping.when].strip()
    if not raw:
        raise row.fail(mapping.when, "no date")
    precision = mapping.precision.render(row.cells) if mapping.precision else "day"
    if precision not in _PRECISIONS:
        column = ", ".join(mapping.precision.template.columns) if mapping.precision else ""
        raise row.fail(column, f"precision {precision!r} is not one the mapping names")
    if mapping.date_formats:
        day = _strptime(raw, mapping.date_formats)
        if day is None:
            formats = ", ".join(mapping.date_formats)
            raise row.fail(mapping.when, f"{raw!r} is in none of the formats {formats}")
        return _edtf(_precise(day, precision))
    try:
        return _edtf(raw)
    except TimelineError as exc:
        raise row.fail(mapping.when, str(exc)) from exc


def _number(row: _Row, column: str) -> float | None:
    if not column or not row.cells[column].strip():
        return None
    try:
        return float(row.cells[column])
    except ValueError:
        raise row.fail(column, f"expected a number, got {row.cells[column]!r:.40}") from None


def _actors(mapping: EventMapping, row: _Row) -> tuple[list[Actor], list[str]]:
    actors: list[Actor] = []
    tags: list[str] = []
    for column in mapping.actor_columns:
        cell = row.cells[column]
        names = cell.split(mapping.actor_split) if mapping.actor_split else [cell]
        for name in (n.strip() for n in names):
            if not name:
                continue
            code = mapping.actor_codes.get(name)
            if code is None and _CODE.match(name):
                code = name
            if code is not None:
                actor = Actor.parse(code)
                if actor not in actors:
                    actors.append(actor)
            elif mapping.unmapped_actors == "tag":
                tags.append("actor." + _slug(name))
            elif mapping.unmapped_actors == "error":
                raise row.fail(column, f"actor {name!r} has no code in {mapping.source}")
    return actors, tags


def _event(mapping: EventMapping, row: _Row) -> tuple[Event, Citation | None]:
    cells = row.cells
    for column in mapping.event_id.template.columns:
        if not cells[column].strip():
            raise row.fail(column, "empty, and the event id is made from it")
    event_id = _slug(mapping.event_id.render(cells))
    if not event_id:
        raise row.fail(", ".join(mapping.event_id.template.columns), "no event id in it")
    actors, actor_tags = _actors(mapping, row)
    tags = [_slug(tag.render(cells)) for tag in mapping.tags]
    place = None
    if mapping.place or mapping.lat or mapping.lon:
        name = mapping.place["name"].render(cells) if "name" in mapping.place else ""
        country = mapping.place["country"].render(cells) if "country" in mapping.place else ""
        try:
            place = Place(
                LocalizedText.of(name or country, "und"),
                country=country,
                lat=_number(row, mapping.lat),
                lon=_number(row, mapping.lon),
            )
        except TimelineError as exc:
            raise row.fail(f"{mapping.lat}, {mapping.lon}", str(exc)) from exc
    title = mapping.title.render(cells)
    lang = mapping.lang
    try:
        event = Event(
            id=event_id,
            when=_when(mapping, row),
            title=LocalizedText({lang: title}, original=lang) if title else LocalizedText(),
            summary=LocalizedText({lang: mapping.summary.render(cells)}, original=lang)
            if mapping.summary
            else LocalizedText(),
            category=(_slug(mapping.category.render(cells)) or "other")
            if mapping.category
            else "other",
            importance=mapping.importance,
            actors=tuple(actors),
            tags=tuple(t for t in (*tags, *actor_tags) if t),
            places=(place,) if place is not None else (),
        )
    except ImportFailed:
        raise
    except (TimelineError, ValueError) as exc:
        columns = ", ".join(mapping.title.template.columns)
        raise row.fail(columns, f"event {event_id!r}: {exc}") from exc
    citation = None
    if mapping.reference is not None:
        locator = mapping.locator.render(cells) if mapping.locator else ""
        citation = Citation(event.id, mapping.reference.key, locator=locator)
    return event, citation


def mapped_rows(
    stream: IO[str], mapping: EventMapping, source: str
) -> Iterator[tuple[Event, Citation | None, Origin]]:
    """Each row of ``stream`` as an event, its citation of the data set, and its origin.

    The header is checked against every column the mapping names before the
    first row is read. A row's origin names its line and, when the mapping
    has a ``version`` column, that column's value: a newer version of a row
    is a revision whose reason says which.
    """
    reader = csv.reader(stream, delimiter=mapping.delimiter, strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise ImportFailed(f"{source}: line 1: not valid CSV: {exc}") from exc
    except UnicodeDecodeError as exc:  # the first block read holds the bytes
        raise ImportFailed(f"{source}: not UTF-8 text (byte {exc.start})") from exc
    if not header:
        raise ImportFailed(f"{source}: no header row")
    header = [name.lstrip("\ufeff").strip() for name in header]
    known = set(header)
    for key, column in mapping.columns:
        if column not in known:
            raise MappingError(
                f"{mapping.source}: {key} names column {column!r}, which {source} lacks "
                f"(its columns: {', '.join(header)})"
            )
    width = len(header)
    line = reader.line_num + 1
    try:
        for values in reader:
            if not values:
                line = reader.line_num + 1
                continue
            if len(values) != width:
                raise ImportFailed(
                    f"{source}: line {line}: {len(values)} cells for the header's {width} "
                    "columns (a delimiter too many, or a quote left open?)"
                )
            row = _Row(source, line, dict(zip(header, values, strict=True)))
            event, citation = _event(mapping, row)
            version = row.cells[mapping.version].strip() if mapping.version else ""
            entry = f"line {line}, {mapping.version} {version}" if version else f"line {line}"
            yield event, citation, Origin(source, None if version else line, entry)
            line = reader.line_num + 1
    except csv.Error as exc:
        raise ImportFailed(f"{source}: line {line}: not valid CSV: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise ImportFailed(f"{source}: line {line} or after: not UTF-8 text") from exc


def mapped_plan(path: Path, mapping: EventMapping | None = None) -> ImportPlan:
    """The import plan of a data file read with ``mapping`` (else the built-in its header
    matches): the data set's reference first, then every row's event and citation."""
    source = str(path)
    with _opened(path) as stream:
        mapping = mapping or _sniffed(stream, source)
        return _collect(mapped_rows(stream, mapping, source), mapping, source)


def mapped_parts(path: Path, mapping: EventMapping | None = None) -> Iterator[ImportPlan]:
    """The rows of a data file (read as :func:`mapped_plan` reads it) as events and
    citations, :data:`~timeline.importing._plan.PART` rows at a time, read as they are
    asked for."""
    source = str(path)
    with _opened(path) as stream:
        mapping = mapping or _sniffed(stream, source)
        rows = mapped_rows(stream, mapping, source)
        while part := list(itertools.islice(rows, PART)):
            events = tuple(event for event, _, _ in part)
            cited = [(citation, origin) for _, citation, origin in part if citation is not None]
            yield ImportPlan(
                events=events,
                citations=tuple(citation for citation, _ in cited),
                source=source,
                event_origins=tuple(origin for _, _, origin in part),
                citation_origins=tuple(origin for _, origin in cited),
            )


def mapped_reference(path: Path, mapping: EventMapping | None = None) -> ImportPlan:
    """The data set's reference a data file's mapping gives (none: an empty plan)."""
    if mapping is None:
        with _opened(path) as stream:
            mapping = _sniffed(stream, str(path))
    references = (mapping.reference,) if mapping.reference is not None else ()
    return ImportPlan(
        source=str(path),
        references=references,
        reference_origins=tuple(Origin(mapping.source) for _ in references),
    )


def _opened(path: Path) -> IO[str]:
    try:
        return path.open(encoding="utf-8", newline="")
    except OSError as exc:
        raise ImportFailed(f"{path}: cannot read: {exc.strerror}") from exc


def _sniffed(stream: IO[str], source: str) -> EventMapping:
    """The built-in mapping the header of ``stream`` matches (``stream`` left at its start)."""
    first = stream.readline()
    header = next(csv.reader([first]), [])
    name = sniff_mapping([h.lstrip("\ufeff").strip() for h in header])
    if name is None:
        raise ImportFailed(f"{source}: no mapping given and none built in fits its header")
    stream.seek(0)
    return load_mapping(name)


def _collect(
    rows: Iterator[tuple[Event, Citation | None, Origin]], mapping: EventMapping, source: str
) -> ImportPlan:
    events: list[Event] = []
    event_origins: list[Origin] = []
    citations: list[Citation] = []
    citation_origins: list[Origin] = []
    seen: dict[str, Origin] = {}
    for event, citation, origin in rows:
        if event.id in seen:
            raise ImportFailed(
                f"{origin}: event id {event.id!r} is given twice (first at {seen[event.id]})"
            )
        seen[event.id] = origin
        events.append(event)
        event_origins.append(origin)
        if citation is not None:
            citations.append(citation)
            citation_origins.append(origin)
    references = (mapping.reference,) if mapping.reference is not None else ()
    return ImportPlan(
        events=tuple(events),
        citations=tuple(citations),
        source=source,
        references=references,
        reference_origins=tuple(Origin(mapping.source) for _ in references),
        event_origins=tuple(event_origins),
        citation_origins=tuple(citation_origins),
    )
