"""Events written as an events file (TOML, JSON Lines or CSV) that imports back to them.

Each event is written with its citations and what their sources claim, in the
shapes the readers take (``docs/reference/import-formats.md``). What is written
is read back before it is returned: an event a format cannot hold exactly (CSV
has no claims, quotes or place coordinates) is refused with
:class:`~timeline.errors.DocumentError` naming it, never written with a loss.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

import attrs

from timeline.dates import format_edtf
from timeline.domain import UNDATED, Citation, Claim, EventState, LocalizedText, Place
from timeline.errors import DocumentError, TimelineError
from timeline.importing._files import parse_events

#: The formats :func:`write_events` writes.
EXPORT_FORMATS = ("toml", "jsonl", "csv")

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def _place(place: Place) -> dict[str, Any] | str:
    name = place.name
    plain = name.values == (("und", name.get("und")),) and name.original == "und"
    if plain and not place.country and place.lat is None and place.lon is None:
        return name.get("und")
    data: dict[str, Any] = {}
    if name.values:
        data["name"] = name.get("und") if plain else dict(name.values)
    if place.country:
        data["country"] = place.country
    for axis in ("lat", "lon"):
        if getattr(place, axis) is not None:
            data[axis] = getattr(place, axis)
    return data


def _claimed(claim: Claim) -> Any:
    """A claim's value as an events file writes it."""
    value = claim.value
    if claim.field == "when":
        return format_edtf(value)
    if claim.field == "place":
        return _place(value)
    if claim.field == "actors":
        return [str(actor) for actor in value]
    if isinstance(value, LocalizedText):
        return dict(value.values)
    return value


def _citation(citation: Citation, claims: Sequence[Claim], lang: str) -> dict[str, Any]:
    data: dict[str, Any] = {"key": citation.key}
    if citation.locator:
        data["locator"] = citation.locator
    if citation.quote:
        data["quote"] = citation.quote
    if citation.supports:
        data["supports"] = list(citation.supports)
    if not claims:
        return data
    table: dict[str, Any] = {}
    for claim in claims:
        entry: dict[str, Any] = {"value": _claimed(claim)}
        if claim.value_text:
            entry["text"] = claim.value_text
        entry["stance"] = claim.stance.value
        entry["rank"] = claim.rank.value
        table[claim.field] = entry
        if isinstance(claim.value, LocalizedText):
            texts = dict(claim.value.values)
            wanted = claim.value.original
            if (lang if lang in texts else "") != wanted:  # the citation's language says it
                data["lang"] = wanted or next(t for t in ("und", "zxx") if t not in texts)
    data["claims"] = table
    return data


def event_entry(state: EventState) -> dict[str, Any]:
    """One event with its citations and claims as the table an events file holds."""
    event = state.event
    data: dict[str, Any] = {"id": event.id}
    if not event.when_from_period:  # else its date is its period's: `during` says which
        data["when"] = format_edtf(event.when)
    if event.when_text:
        data["when_text"] = event.when_text
    if event.during:
        data["during"] = event.during
    if event.title.original:
        data["original"] = event.title.original
    data["title"] = dict(event.title.values)
    if event.summary.values:
        data["summary"] = dict(event.summary.values)
    data["category"] = event.category
    data["importance"] = event.importance
    if event.actors:
        data["actors"] = [str(actor) for actor in event.actors]
    if event.tags:
        data["tags"] = list(event.tags)
    if event.places:
        data["places"] = [_place(place) for place in event.places]
    if event.relations:
        data["relations"] = [{"type": r.type.value, "target": r.target} for r in event.relations]
    lang = event.title.original or "en"
    citations = [
        _citation(c, [claim for claim in state.claims if claim.citation_id == c.id], lang)
        for c in state.citations
    ]
    if citations:
        data["citations"] = citations
    return data


# -- TOML ----------------------------------------------------------------------


def _toml_string(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's; DEL must be escaped too)."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _toml_key(key: str) -> str:
    return key if _BARE_KEY.match(key) else _toml_string(key)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    if not value:
        return "{}"
    pairs = ", ".join(f"{_toml_key(str(k))} = {_toml_value(v)}" for k, v in value.items())
    return "{ " + pairs + " }"


def _toml(entries: Iterable[dict[str, Any]]) -> str:
    blocks = []
    for entry in entries:
        citations = entry.pop("citations", [])
        lines = ["[[event]]", *(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in entry.items())]
        for citation in citations:
            lines.append("[[event.citations]]")
            lines.extend(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in citation.items())
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks)


# -- CSV -----------------------------------------------------------------------


def _csv(entries: Sequence[dict[str, Any]]) -> str:
    """One row per event; titles and summaries a column per language, lists joined by ``;``."""
    langs = {name: sorted({lang for e in entries for lang in e.get(name, {})}) for name in
             ("title", "summary")}  # fmt: skip
    columns = ["id", "when", "when_text"]
    columns += ["during"] if any("during" in entry for entry in entries) else []
    columns += ["original"]
    columns += [f"title.{lang}" for lang in langs["title"]]
    columns += [f"summary.{lang}" for lang in langs["summary"]]
    columns += ["category", "importance", "actors", "tags", "places", "citations"]
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, lineterminator="\n")
    writer.writeheader()
    for entry in entries:
        row = {k: v for k, v in entry.items() if k in columns}
        for name in ("title", "summary"):
            row.update({f"{name}.{lang}": text for lang, text in entry.get(name, {}).items()})
        for name in ("actors", "tags", "places"):
            if name in entry:
                row[name] = ";".join(item if isinstance(item, str) else "" for item in entry[name])
        row["citations"] = ";".join(
            f"{c['key']}@{c['locator']}" if "locator" in c else c["key"]
            for c in entry.get("citations", [])
        )
        writer.writerow(row)
    return out.getvalue()


# -- writing and checking ------------------------------------------------------


def _check(text: str, fmt: str, states: Sequence[EventState]) -> None:
    """Read ``text`` back: every event, citation and claim must come back the same."""
    try:
        plan = parse_events(text, fmt, source=f"<{fmt}>")
    except TimelineError as exc:
        raise DocumentError(f"the events cannot be written as {fmt}: {exc}") from exc
    events = {event.id: event for event in plan.events}
    citations: dict[str, list[Citation]] = {}
    for citation in plan.citations:
        citations.setdefault(citation.event_id, []).append(citation)
    claims: dict[str, list[Claim]] = {}
    for claim in plan.claims:
        claims.setdefault(claim.event_id, []).append(claim)
    for state in states:
        event_id = state.event.id
        read = events.get(event_id)
        cited = citations.get(event_id, [])
        claimed = sorted(claims.get(event_id, []), key=_claim_key)
        shown = state.event  # one dated by its period only is read back with no date
        own = attrs.evolve(shown, when=UNDATED) if shown.when_from_period else shown
        lost = (
            "its fields"
            if read != own
            else "its citations"
            if cited != list(state.citations)
            else "its claims"
            if claimed != sorted(state.claims, key=_claim_key)
            else ""
        )
        if lost:
            other = "toml or jsonl" if fmt == "csv" else "another format"
            raise DocumentError(
                f"event {event_id!r} cannot be written as {fmt} without losing {lost}; use {other}"
            )


def _claim_key(claim: Claim) -> str:
    return claim.id


def write_events(states: Iterable[EventState], fmt: str) -> str:
    """The events of ``states`` (with their citations and claims) as an events file in
    ``fmt`` (toml, jsonl or csv), checked to import back to them.

    Raises :class:`~timeline.errors.DocumentError` for an unknown format or an
    event the format cannot hold exactly.
    """
    if fmt not in EXPORT_FORMATS:
        raise DocumentError(f"unknown events format {fmt!r}; use {', '.join(EXPORT_FORMATS)}")
    kept = list(states)
    entries = [event_entry(state) for state in kept]
    if fmt == "toml":
        text = _toml(entries)
    elif fmt == "jsonl":
        text = "".join(json.dumps(entry, ensure_ascii=False) + "\n" for entry in entries)
    else:
        text = _csv(entries)
    _check(text, fmt, kept)
    return text
