"""PeriodO's JSON-LD: period definitions read into periods and references, and written back.

PeriodO (a gazetteer of scholarly period definitions) groups periods by
**authority**, the work that defines them: ``{"authorities": {ID: {"source":
{...}, "periods": {ID: {...}}}}}`` (older dumps: ``periodCollections`` and
``definitions``). A period has a ``label`` in its ``languageTag``,
``localizedLabels`` (language -> labels), ``spatialCoverageDescription`` and
``spatialCoverage`` (places with an ``id`` and a ``label``), and ``start`` and
``stop``, each a ``label`` as the source writes it and ``in``: a ``year``, or
``earliestYear`` and ``latestYear`` when the source gives a range (years
astronomical: ``-0799`` is 800 BCE), or nothing (an end the source leaves
open). Its ``source`` may add a ``locator``. An authority's source becomes a
reference keyed ``periodo-ID``; each period a :class:`~timeline.domain.Period`
citing it.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from citations import Contributor, Reference
from timeline.dates import DateInterval, HistoricalDate, When
from timeline.domain import Coverage, LocalizedText, Period
from timeline.errors import DomainError, ImportFailed

__all__ = ["PERIODO_CONTEXT", "read_periodo", "write_periodo"]

#: The context PeriodO's own dumps name.
PERIODO_CONTEXT = "http://n2t.net/ark:/99152/p0c"

_KEY_PREFIX = "periodo-"


def _short(identifier: str) -> str:
    """A PeriodO identifier (``p0trgkvkhrv`` or an address ending in it) as a slug."""
    tail = re.split(r"[/#]", identifier.rstrip("/"))[-1]
    return re.sub(r"[^a-z0-9._-]+", "-", tail.lower()).strip("-")


def _text(value: Any, where: str) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise ImportFailed(f"{where}: expected text, got {json.dumps(value)[:60]}")
    return value


def _year(value: Any, where: str) -> HistoricalDate:
    text = _text(value, where)
    if not re.fullmatch(r"[+-]?\d{1,9}", text.strip()):
        raise ImportFailed(f"{where}: {text!r} is not a year (PeriodO writes -0799 for 800 BCE)")
    return HistoricalDate(int(text))


def _end(data: Any, where: str) -> tuple[When | None, str]:
    """A start or stop: the date it gives (None when none) and its label."""
    if data is None:
        return None, ""
    if not isinstance(data, Mapping):
        raise ImportFailed(f"{where}: expected an object with 'label' and 'in'")
    label = _text(data.get("label", ""), f"{where}.label")
    found = data.get("in")
    if found is None:
        return None, label
    if not isinstance(found, Mapping):
        raise ImportFailed(f"{where}.in: expected an object with 'year' or 'earliestYear'")
    if "year" in found:
        return _year(found["year"], f"{where}.in.year"), label
    if "earliestYear" in found and "latestYear" in found:
        first = _year(found["earliestYear"], f"{where}.in.earliestYear")
        last = _year(found["latestYear"], f"{where}.in.latestYear")
        if last.year < first.year:
            raise ImportFailed(f"{where}.in: latestYear {last.year} is before earliestYear")
        return (first if first == last else DateInterval(first, last)), label
    raise ImportFailed(f"{where}.in: give 'year', or 'earliestYear' and 'latestYear'")


def _reference(authority: str, source: Mapping[str, Any], where: str) -> Reference:
    """The reference an authority's source describes (its ``partOf`` if it has one)."""
    work = source.get("partOf") if isinstance(source.get("partOf"), Mapping) else source
    assert isinstance(work, Mapping)
    fields: dict[str, str] = {}
    title = work.get("title") or source.get("citation") or authority
    fields["title"] = _text(title, f"{where}.title")
    if work.get("yearPublished") is not None:
        fields["date"] = _text(work["yearPublished"], f"{where}.yearPublished")
    url = work.get("url") or work.get("id") or work.get("@id")
    if isinstance(url, str) and url.startswith("http"):
        fields["url"] = url
    people = [
        Contributor(literal=_text(person.get("name", ""), f"{where}.creators"))
        for person in work.get("creators", ())
        if isinstance(person, Mapping) and person.get("name")
    ]
    return Reference(_KEY_PREFIX + authority, "book", fields, people)


def _labels(data: Mapping[str, Any], where: str) -> tuple[LocalizedText, list[tuple[str, str]]]:
    """The label (in its language tag) and the other localized labels as aliases."""
    tag = _text(data.get("languageTag") or data.get("language") or "und", f"{where}.languageTag")
    label = _text(data.get("label", ""), f"{where}.label").strip()
    if not label:
        raise ImportFailed(f"{where}: a period needs a label")
    texts = {tag: label}
    aliases = []
    localized = data.get("localizedLabels", {})
    if not isinstance(localized, Mapping):
        raise ImportFailed(f"{where}.localizedLabels: expected language -> labels")
    for lang, names in localized.items():
        for name in [names] if isinstance(names, str) else names:
            text = _text(name, f"{where}.localizedLabels.{lang}")
            if lang not in texts:
                texts[lang] = text
            elif texts[lang] != text:
                aliases.append((lang, text))
    return LocalizedText(texts, original=tag), aliases


def _period(data: Any, key: str, locator: str, where: str) -> Period:
    if not isinstance(data, Mapping):
        raise ImportFailed(f"{where}: expected a period object")
    label, aliases = _labels(data, where)
    start, start_text = _end(data.get("start"), f"{where}.start")
    end, end_text = _end(data.get("stop"), f"{where}.stop")
    given = data.get("source")
    source: Mapping[str, Any] = given if isinstance(given, Mapping) else {}
    coverage = [
        Coverage(
            _text(place.get("id") or place.get("@id") or "", f"{where}.spatialCoverage"),
            _text(place.get("label", ""), f"{where}.spatialCoverage"),
        )
        for place in data.get("spatialCoverage", ())
        if isinstance(place, Mapping)
    ]
    try:
        return Period(
            id=_short(_text(data.get("id", ""), f"{where}.id")),
            label=label,
            aliases=aliases,
            start=start,
            end=end,
            start_text=start_text,
            end_text=end_text,
            region=_text(data.get("spatialCoverageDescription", ""), f"{where}.region"),
            coverage=coverage,
            source=key,
            locator=_text(source.get("locator", locator), f"{where}.source.locator"),
            note=_text(data.get("note", ""), f"{where}.note"),
        )
    except DomainError as exc:
        raise ImportFailed(f"{where}: {exc}") from exc


def read_periodo(path: str | os.PathLike[str]) -> tuple[list[Reference], list[Period]]:
    """The references (one per authority) and periods of a PeriodO JSON-LD file.

    Raises :class:`ImportFailed` naming the file and the period (authority id,
    period id, field) for what it cannot read.
    """
    name = str(path)
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ImportFailed(f"{name}: not a PeriodO JSON-LD file: {exc}") from exc
    if not isinstance(data, Mapping):
        raise ImportFailed(f"{name}: not a PeriodO JSON-LD file: expected an object")
    authorities = data.get("authorities", data.get("periodCollections"))
    if not isinstance(authorities, Mapping):
        raise ImportFailed(f"{name}: no 'authorities' (or 'periodCollections') object")
    references, periods = [], []
    for authority_id, authority in authorities.items():
        short = _short(str(authority.get("id", authority_id)))
        where = f"{name}: authority {short}"
        source = authority.get("source", {})
        if not isinstance(source, Mapping):
            raise ImportFailed(f"{where}.source: expected an object")
        reference = _reference(short, source, f"{where}.source")
        references.append(reference)
        locator = _text(source.get("locator", ""), f"{where}.source.locator")
        found = authority.get("periods", authority.get("definitions", {}))
        if not isinstance(found, Mapping):
            raise ImportFailed(f"{where}: 'periods' is not an object")
        for period_id, item in found.items():
            where_period = f"{where}, period {_short(str(period_id))}"
            periods.append(_period(item, reference.key, locator, where_period))
    return references, periods


def _year_text(date: HistoricalDate) -> str:
    return f"-{-date.year:04d}" if date.year < 0 else f"{date.year:04d}"


def _end_json(when: When | None, label: str) -> dict[str, Any]:
    data: dict[str, Any] = {"label": label}
    if isinstance(when, HistoricalDate):
        data["in"] = {"year": _year_text(when)}
    elif isinstance(when, DateInterval) and all(
        isinstance(point, HistoricalDate) for point in (when.start, when.end)
    ):
        first, last = when.start, when.end
        assert isinstance(first, HistoricalDate) and isinstance(last, HistoricalDate)
        data["in"] = {"earliestYear": _year_text(first), "latestYear": _year_text(last)}
    elif when is not None:
        raise ImportFailed(f"{label or when!r}: PeriodO gives a start or stop as years only")
    return data


def _period_json(period: Period) -> dict[str, Any]:
    tag = period.label.original or period.label.languages[0]
    localized: dict[str, list[str]] = {}
    for lang, text in (*period.label.values, *period.aliases):
        localized.setdefault(lang, []).append(text)
    data: dict[str, Any] = {
        "id": period.id,
        "type": "Period",
        "label": period.label.get(tag),
        "languageTag": tag,
        "localizedLabels": localized,
        "start": _end_json(period.start, period.start_text),
        "stop": _end_json(period.end, period.end_text),
    }
    if period.region:
        data["spatialCoverageDescription"] = period.region
    if period.coverage:
        data["spatialCoverage"] = [{"id": c.id, "label": c.label} for c in period.coverage]
    if period.locator:
        data["source"] = {"locator": period.locator}
    if period.note:
        data["note"] = period.note
    return data


def _source_json(reference: Reference | None) -> dict[str, Any]:
    if reference is None:
        return {}
    fields = dict(reference.fields)
    source: dict[str, Any] = {"title": fields.get("title", reference.key)}
    people = [person.literal or str(person) for person in reference.contributors]
    if people:
        source["creators"] = [{"name": name} for name in people]
    year = fields.get("date", "")[:4]
    if year.isdigit():
        source["yearPublished"] = int(year)
    if fields.get("url"):
        source["url"] = fields["url"]
    return source


def write_periodo(periods: Iterable[Period], references: Mapping[str, Reference]) -> dict[str, Any]:
    """PeriodO JSON-LD for ``periods``, one authority per source (``references``
    by key; a period without a source goes under the authority ``unsourced``).
    Dates are written as years, PeriodO's precision; labels as written stay."""
    authorities: dict[str, dict[str, Any]] = {}
    for period in periods:
        key = period.source
        authority = key.removeprefix(_KEY_PREFIX) if key else "unsourced"
        entry = authorities.setdefault(
            authority,
            {
                "id": authority,
                "type": "Authority",
                "source": _source_json(references.get(key)),
                "periods": {},
            },
        )
        entry["periods"][period.id] = _period_json(period)
    return {"@context": PERIODO_CONTEXT, "type": "rdf:Bag", "authorities": authorities}
