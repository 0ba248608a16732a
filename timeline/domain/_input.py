"""Friendly input to domain values, in one place for the API, events files and the CLI.

A date is a date value, an EDTF string or a phrase ("early June 2019",
"2019年6月初"); an actor ``"CHN"`` or ``"CHN:host"``; a place a name or a
mapping of ``name``, ``country``, ``lat``, ``lon``; a relation a mapping of
``type`` and ``target``; a text one string (in the ``original`` language) or a
mapping of language to text; a citation ``"key@p. 104"``; a claim a field and
a value of that field's kind (``when="1969-03-15"``, ``_casualties="31"``). Bad input raises
:class:`InvalidChange` or a :class:`DateError` naming what is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from timeline.dates import When, parse_date, parse_edtf
from timeline.domain._claims import Claim, Rank, Stance, check_field
from timeline.domain._model import Actor, Citation, LocalizedText, Place, Relation, RelationType
from timeline.errors import DateError, InvalidChange, InvalidClaim, InvalidDate

__all__ = [
    "CALENDARS",
    "read_actor",
    "read_citation",
    "read_claim",
    "read_event_fields",
    "read_place",
    "read_relation",
    "read_text",
    "read_when",
]

#: How a source's dates are reckoned: ``old-style`` reads phrases as Old Style
#: (Julian) before 1918 and EDTF as Gregorian; ``julian`` reads EDTF as Julian.
CALENDARS = ("gregorian", "julian", "old-style")

_PLACE_KEYS = {"name", "country", "lat", "lon"}


def read_when(
    value: When | str | int,
    *,
    lang: str = "en",
    calendar: str = "gregorian",
    document_date: When | str | None = None,
) -> tuple[When, str]:
    """A date and the phrase it was read from ("" for a date value or EDTF).

    EDTF first; text that is EDTF in form but impossible (``1969-99``) is an
    :class:`InvalidDate`, not a phrase. Other text is a phrase in ``lang``
    (relative phrases need ``document_date``); Julian dates are EDTF only.
    """
    if not isinstance(value, str | int):
        return value, ""
    if calendar not in CALENDARS:
        raise InvalidChange(f"unknown calendar {calendar!r}; use {', '.join(map(repr, CALENDARS))}")
    text = str(value)
    old_style = calendar == "old-style"
    try:
        return parse_edtf(text, "gregorian" if old_style else calendar), ""
    except DateError as edtf_error:
        if calendar == "julian" or isinstance(edtf_error, InvalidDate):
            raise
    parsed = parse_date(text, lang=lang, old_style=old_style, document_date=document_date)
    return parsed.when, text


def read_text(
    value: LocalizedText | Mapping[str, str] | str | None, original: str = ""
) -> LocalizedText:
    """Text in one language (``original``, else 'und') or a mapping of language to text.

    A mapping's original language is ``original`` when the mapping has it.
    """
    if value is None or isinstance(value, LocalizedText):
        return LocalizedText.of(value)
    if isinstance(value, str):
        return LocalizedText.of(value, original=original or "und")
    if isinstance(value, Mapping):
        return LocalizedText(value, original=original if original in value else "")
    raise InvalidChange(f"expected text or a table of language = text, got {value!r:.40}")


def read_actor(value: Actor | str) -> Actor:
    """``"CHN"`` or ``"CHN:signatory"`` as an :class:`Actor`."""
    if isinstance(value, Actor):
        return value
    if not isinstance(value, str):
        raise InvalidChange(f"expected an actor such as 'CHN:host', got {value!r:.40}")
    return Actor.parse(value)


def _number(name: str, value: Any) -> float | None:
    if value is None or (isinstance(value, int | float) and not isinstance(value, bool)):
        return value
    raise InvalidChange(f"place {name}: expected a number, got {type(value).__name__}")


def read_place(value: Place | Mapping[str, Any] | str) -> Place:
    """A place from its name (language unknown) or a mapping of its fields."""
    if isinstance(value, Place):
        return value
    if isinstance(value, str):
        return Place(read_text(value))
    if not isinstance(value, Mapping):
        raise InvalidChange(f"expected a place name or table, got {value!r:.40}")
    unknown = sorted(set(value) - _PLACE_KEYS)
    if unknown:
        raise InvalidChange(f"unknown place field(s) {', '.join(map(str, unknown))}")
    country = value.get("country", "")
    if not isinstance(country, str):
        raise InvalidChange(f"place country: expected text, got {type(country).__name__}")
    return Place(
        read_text(value.get("name")),
        country=country,
        lat=_number("lat", value.get("lat")),
        lon=_number("lon", value.get("lon")),
    )


def read_relation(value: Relation | Mapping[str, Any]) -> Relation:
    """A relation from a mapping of exactly ``type`` and ``target``."""
    if isinstance(value, Relation):
        return value
    if not isinstance(value, Mapping) or set(value) != {"type", "target"}:
        raise InvalidChange(f"expected a relation {{type = ..., target = ...}}, got {value!r:.40}")
    kind, target = value["type"], value["target"]
    if not isinstance(kind, str) or not isinstance(target, str):
        raise InvalidChange(f"a relation's type and target are text, got {value!r:.40}")
    try:
        return Relation(kind, target)
    except ValueError as exc:
        types = ", ".join(t.value for t in RelationType)
        raise InvalidChange(f"relation type {kind!r} is not one of: {types}") from exc


def read_citation(event_id: str, value: Citation | str) -> Citation:
    """``"key"`` or ``"key@locator"`` (``"lukin2018@p. 104"``) as a citation by ``event_id``."""
    if isinstance(value, Citation):
        return value
    if not isinstance(value, str):
        raise InvalidChange(f"expected a citation such as 'key@p. 104', got {value!r:.40}")
    key, _, locator = value.partition("@")
    if not key.strip():
        raise InvalidChange(f"citation {value!r} has no reference key before '@'")
    return Citation(event_id, key.strip(), locator=locator)


_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def _claimed_number(text: str) -> int | float | str:
    """A number written as text (``"31"``, ``"1.5e3"``) as a number; other text as it is."""
    stripped = text.strip()
    if not _NUMBER.match(stripped):
        return stripped
    number = float(stripped)
    return int(stripped) if stripped.lstrip("+-").isdigit() else number


def _claimed_actors(value: Any) -> tuple[Actor, ...]:
    items: Iterable[Any] = value.split(",") if isinstance(value, str) else value
    return tuple(read_actor(item.strip() if isinstance(item, str) else item) for item in items)


def read_claim(
    citation_id: str,
    field: str,
    value: Any,
    *,
    lang: str = "en",
    calendar: str = "gregorian",
    document_date: When | str | None = None,
    stance: Stance | str = Stance.SUPPORTS,
    rank: Rank | str = Rank.NORMAL,
) -> Claim:
    """A claim of the citation ``citation_id`` on ``field`` from friendly input.

    ``when`` reads a date value, EDTF or a phrase (in ``lang``, reckoned in
    ``calendar``; the phrase is kept as ``value_text``); ``place`` a name or a
    place mapping; ``actors`` ``"SUN:initiator, CHN"`` or a list; ``title`` a
    text in ``lang`` or a mapping; a user field (``_casualties``) a number or a
    text, numbers written as text read as numbers. Anything wrong raises
    :class:`InvalidClaim` naming the event, the citation and the field.
    """
    event_id = citation_id.partition("/")[0]

    def refuse(problem: str) -> InvalidClaim:
        return InvalidClaim.at(event_id, citation_id, field, problem)

    check_field(event_id, citation_id, field)
    if stance not in tuple(Stance):
        raise refuse(f"stance {stance!r} is not one of: {', '.join(Stance)}")
    if rank not in tuple(Rank):
        raise refuse(f"rank {rank!r} is not one of: {', '.join(Rank)}")
    text = ""
    claimed: Any
    try:
        if field == "when":
            claimed, text = read_when(
                value, lang=lang, calendar=calendar, document_date=document_date
            )
        elif field == "place":
            claimed = read_place(value)
        elif field == "actors":
            claimed = _claimed_actors(value)
        elif field == "title":
            claimed = read_text(value, lang)
        else:
            claimed = _claimed_number(value) if isinstance(value, str) else value
    except (DateError, InvalidChange) as exc:
        if isinstance(exc, InvalidClaim):
            raise
        raise refuse(f"{value!r:.60} cannot be read: {exc}") from exc
    return Claim(citation_id, field, claimed, value_text=text, stance=stance, rank=rank)


_READERS: Mapping[str, Callable[[Any, str], Any]] = {
    "when": lambda value, lang: read_when(value, lang=lang)[0],
    "title": read_text,
    "summary": read_text,
    "actors": lambda values, _lang: tuple(read_actor(a) for a in values),
    "places": lambda values, _lang: tuple(read_place(p) for p in values),
    "relations": lambda values, _lang: tuple(read_relation(r) for r in values),
}


def read_event_fields(fields: Mapping[str, Any], *, lang: str = "en") -> dict[str, Any]:
    """Event field values from friendly input: phrases and text in ``lang``, actor strings,
    place and relation mappings; other fields as given (the event checks them)."""
    return {
        name: _READERS[name](value, lang) if name in _READERS else value
        for name, value in fields.items()
    }
