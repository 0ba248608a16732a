"""What the sources claim, as Wikidata-style JSON: one statement per claim, with its
reference and rank.

Each event with claims is an entity (keyed by the event's id, with its titles as
labels and summaries as descriptions) whose ``claims`` hold one statement per
claim, in Wikidata's JSON shapes (``mainsnak``, ``qualifiers``, ``references``,
``rank``), so that a tool such as QuickStatements or Wikibase's API can take them
once items are matched:

- ``when``: a date is point in time (P585) with Wikidata's precision (day 11,
  month 10, year 9, decade 8, century 7, millennium 6) and calendar model: a
  Julian date stays Julian (its own year, month and day, the Julian model), not
  relabelled; a season or quarter is its year with earliest (P1319) and latest
  (P1326) days; an approximate date has sourcing circumstances (P1480) circa
  (Q5727902). An interval is start time (P580) with end time (P582); a set of
  possible dates is P585 "some value" between earliest and latest days.
- ``place``: location (P276) "some value" named as (P1932) each of its names,
  with its coordinates (P625) when it has them; ``actors``: participant (P710)
  "some value" named as each actor (``SUN:initiator``); ``title``: title
  (P1476) in each language.
- A user field (``_casualties``) has no Wikidata property: it keeps its name,
  a quantity for a number, a string for a text.
- The reference: stated in (P248), the item when the reference has a
  ``wikidata`` field (``Q…``), else "some value" with the work's title
  (P1476), author name strings (P2093), publication date (P577) and reference
  URL (P854); page(s) (P304) is the citation's locator. ``citation`` gives the
  reference's citation key, beside Wikidata's own keys.
- Rank: preferred, normal, and doubted as deprecated; a claim whose source
  denies the value is deprecated too, its ``stance`` (``contradicts``) kept
  beside Wikidata's keys, as is a qualifying one's.
"""

from __future__ import annotations

import json
import re
from typing import Any

from citations import Reference
from timeline.chronology import Chronology, ChronologyEntry
from timeline.dates import (
    MAX_BOUND,
    MIN_BOUND,
    DateInterval,
    DateSet,
    HistoricalDate,
    jdn_to_gregorian,
    parse_edtf,
)
from timeline.documents.common import made_at_text
from timeline.documents.options import DocumentOptions
from timeline.domain import Citation, Claim, Place, Rank, Stance
from timeline.errors import TimelineError

__all__ = ["GREGORIAN", "JULIAN", "render_wikidata", "wikidata_document", "wikidata_time"]

#: Wikidata's calendar models: the proleptic Gregorian and Julian calendars.
GREGORIAN = "http://www.wikidata.org/entity/Q1985727"
JULIAN = "http://www.wikidata.org/entity/Q1985786"
_EARTH = "http://www.wikidata.org/entity/Q2"
_CIRCA = "Q5727902"

_PRECISION = {"day": 11, "month": 10, "year": 9, "decade": 8, "century": 7, "millennium": 6}
_RANKS = {Rank.PREFERRED: "preferred", Rank.NORMAL: "normal", Rank.DOUBTED: "deprecated"}
_QID = re.compile(r"^Q[1-9][0-9]*$")


def _year(astronomical: int) -> int:
    """Wikidata's year: no year 0, 1 BCE is -1."""
    return astronomical if astronomical > 0 else astronomical - 1


def _time(year: int, month: int, day: int, precision: int, model: str) -> dict[str, Any]:
    sign = "+" if year >= 0 else "-"
    return {
        "time": f"{sign}{abs(year):04d}-{month:02d}-{day:02d}T00:00:00Z",
        "timezone": 0,
        "before": 0,
        "after": 0,
        "precision": precision,
        "calendarmodel": model,
    }


def wikidata_time(date: HistoricalDate) -> dict[str, Any]:
    """A date as a Wikidata time value, in its own calendar and at its precision.

    A decade, century or millennium is given by its middle year (``18XX`` is
    1850, century precision); a season, quarter or half by its year.
    """
    model = JULIAN if date.calendar == "julian" else GREGORIAN
    precision = _PRECISION.get(date.precision, 11 if date.precision == "second" else 9)
    year = date.year + (10**date.year_x) // 2 if date.year_x else date.year
    month = date.month if precision >= 10 else 0
    day = date.day if precision >= 11 else 0
    return _time(_year(year), month, day, precision, model)


def _day(jdn: int) -> dict[str, Any]:
    year, month, day = jdn_to_gregorian(jdn)
    return _time(_year(year), month, day, 11, GREGORIAN)


def _snak(prop: str, datatype: str, value: Any = None, kind: str = "") -> dict[str, Any]:
    if value is None:
        return {"snaktype": "somevalue", "property": prop, "datatype": datatype}
    return {
        "snaktype": "value",
        "property": prop,
        "datatype": datatype,
        "datavalue": {"value": value, "type": kind or datatype},
    }


def _date_snak(prop: str, date: Any) -> dict[str, Any]:
    if isinstance(date, HistoricalDate):
        return _snak(prop, "time", wikidata_time(date))
    return _snak(prop, "time")


def _bounds(lower: int, upper: int) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    if lower != MIN_BOUND:
        found["P1319"] = [_snak("P1319", "time", _day(lower))]
    if upper != MAX_BOUND:
        found["P1326"] = [_snak("P1326", "time", _day(upper))]
    return found


def _when(value: Any) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
    qualifiers: dict[str, list[dict[str, Any]]] = {}
    if value.is_approximate:
        circa = {"entity-type": "item", "numeric-id": int(_CIRCA[1:]), "id": _CIRCA}
        qualifiers["P1480"] = [_snak("P1480", "wikibase-item", circa, "wikibase-entityid")]
    if isinstance(value, DateInterval):
        qualifiers["P582"] = [_date_snak("P582", value.end)]
        return _date_snak("P580", value.start), qualifiers
    if isinstance(value, DateSet):
        return _snak("P585", "time"), {**_bounds(*value.bounds), **qualifiers}
    if value.precision in _PRECISION or value.precision == "second":
        return _date_snak("P585", value), qualifiers
    return _date_snak("P585", value), {**_bounds(*value.bounds), **qualifiers}


def _named(names: list[str]) -> list[dict[str, Any]]:
    return [_snak("P1932", "string", name) for name in names]


def _place(place: Place) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
    qualifiers = {"P1932": _named(list(dict.fromkeys(text for _, text in place.name.values)))}
    if place.lat is not None and place.lon is not None:
        coordinates = {
            "latitude": place.lat,
            "longitude": place.lon,
            "altitude": None,
            "precision": 0.0001,
            "globe": _EARTH,
        }
        qualifiers["P625"] = [_snak("P625", "globe-coordinate", coordinates, "globecoordinate")]
    return _snak("P276", "wikibase-item"), qualifiers


def _text(lang: str, text: str) -> dict[str, str]:
    return {"language": lang, "text": text}


def _mainsnak(claim: Claim) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
    value = claim.value
    if claim.field == "when":
        return _when(value)
    if claim.field == "place":
        return _place(value)
    if claim.field == "actors":
        return _snak("P710", "wikibase-item"), {"P1932": _named([str(a) for a in value])}
    if claim.field == "title":
        (lang, text), *others = value.values
        more = {"P1476": [_snak("P1476", "monolingualtext", _text(*o)) for o in others]}
        return _snak("P1476", "monolingualtext", _text(lang, text)), more if others else {}
    if isinstance(value, str):
        return _snak(claim.field, "string", value), {}
    return _snak(claim.field, "quantity", {"amount": f"{value:+}", "unit": "1"}), {}


def _reference(citation: Citation, reference: Reference | None) -> dict[str, Any]:
    snaks: dict[str, list[dict[str, Any]]] = {}
    fields = dict(reference.fields) if reference is not None else {}
    item = fields.get("wikidata", "")
    if _QID.match(item):
        value = {"entity-type": "item", "numeric-id": int(item[1:]), "id": item}
        snaks["P248"] = [_snak("P248", "wikibase-item", value, "wikibase-entityid")]
    else:
        snaks["P248"] = [_snak("P248", "wikibase-item")]
    if reference is not None:
        lang = (reference.language or "und").split("-")[0].lower()
        if fields.get("title"):
            snaks["P1476"] = [_snak("P1476", "monolingualtext", _text(lang, fields["title"]))]
        authors = [c.display_name for c in reference.contributors if c.role.value == "author"]
        if authors:
            snaks["P2093"] = [_snak("P2093", "string", name) for name in authors]
        published = _published(fields.get("date", ""))
        if published is not None:
            snaks["P577"] = [_snak("P577", "time", published)]
        if fields.get("url"):
            snaks["P854"] = [_snak("P854", "url", fields["url"], "string")]
    if citation.locator:
        snaks["P304"] = [_snak("P304", "string", citation.locator)]
    return {"citation": citation.key, "snaks": snaks, "snaks-order": list(snaks)}


def _published(text: str) -> dict[str, Any] | None:
    try:
        date = parse_edtf(text) if text else None
    except TimelineError:
        return None
    return wikidata_time(date) if isinstance(date, HistoricalDate) else None


def _statement(
    claim: Claim, citation: Citation, references: dict[str, Reference]
) -> dict[str, Any]:
    mainsnak, qualifiers = _mainsnak(claim)
    rank = "deprecated" if claim.stance is Stance.CONTRADICTS else _RANKS[claim.rank]
    statement: dict[str, Any] = {
        "id": claim.id,
        "type": "statement",
        "mainsnak": mainsnak,
        "rank": rank,
    }
    if qualifiers:
        statement["qualifiers"] = qualifiers
        statement["qualifiers-order"] = list(qualifiers)
    statement["references"] = [_reference(citation, references.get(citation.key))]
    if claim.stance is not Stance.SUPPORTS:
        statement["stance"] = claim.stance.value
    return statement


def _entity(entry: ChronologyEntry, references: dict[str, Reference]) -> dict[str, Any]:
    event = entry.event
    statements: dict[str, list[dict[str, Any]]] = {}
    for item in entry.evidence:
        for claim, citation in item.sources:
            made = _statement(claim, citation, references)
            statements.setdefault(made["mainsnak"]["property"], []).append(made)
    return {
        "id": event.id,
        "type": "item",
        "labels": {lang: {"language": lang, "value": text} for lang, text in event.title.values},
        "descriptions": {
            lang: {"language": lang, "value": text} for lang, text in event.summary.values
        },
        "claims": statements,
    }


def wikidata_document(
    chronology: Chronology, options: DocumentOptions | None = None
) -> dict[str, Any]:
    """The Wikidata-style document as a dict (see :func:`render_wikidata`)."""
    references = chronology.reference_map
    return {
        "entities": {
            entry.event.id: _entity(entry, references) for entry in chronology if entry.evidence
        },
        "journal": {"seq": chronology.state.seq, "hash": chronology.state.hash},
        "made_at": made_at_text(chronology),
    }


def render_wikidata(chronology: Chronology, options: DocumentOptions | None = None) -> str:
    """The claims of a chronology's events as Wikidata-style JSON text (UTF-8)."""
    return json.dumps(wikidata_document(chronology, options), ensure_ascii=False, indent=2) + "\n"
