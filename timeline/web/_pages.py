"""The pages that read: events (filtered, searched, unsourced), an event, references,
disputes, the journal's head and verify result. None of them writes."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any

import attrs
from starlette.requests import Request
from starlette.responses import Response

from citations import Role, format_reference
from citations.errors import CitationsError
from timeline.application import FieldDiff, Timeline
from timeline.domain import Event, LocalizedText, reference_stream
from timeline.errors import InvalidChange, TimelineError, UnknownEvent, UnknownReference
from timeline.web._listing import Listing, Listings
from timeline.web._render import Page, page

__all__ = [
    "NAME_PARTS",
    "compare",
    "disputes",
    "event",
    "event_context",
    "events",
    "events_data",
    "handled",
    "journal",
    "new_event",
    "read_ahead",
    "reference",
    "reference_context",
    "references",
    "search",
    "unsourced",
]

Handler = Callable[[Request], Awaitable[Response]]

#: The parts of a name the reference form edits, one input each per row.
NAME_PARTS = ("role", "family", "given", "particle", "suffix", "literal")

#: The most events the events page lists (the viewer draws them all).
LISTED = 500

#: The query parameters of the events filter form, with the keyword of Timeline.events.
FILTERS = ("text", "actor", "category", "tag", "from", "to", "importance", "retracted")


def handled(handler: Handler) -> Handler:
    """A typed error from the library becomes a page saying what was wrong (nothing written)."""

    @functools.wraps(handler)
    async def answer(request: Request) -> Response:
        try:
            return await handler(request)
        except (UnknownEvent, UnknownReference) as exc:
            return page(request, "error.html", 404, message=_sentence(exc))
        except (TimelineError, CitationsError) as exc:
            return page(request, "error.html", 400, message=_sentence(exc))

    return answer


def _sentence(exc: BaseException) -> str:
    return " ".join((str(exc).strip() or type(exc).__name__).split())


def event_filters(request: Request) -> dict[str, Any]:
    """The keywords of :meth:`Timeline.events` that the filter form's parameters ask for."""
    params = request.query_params
    keywords: dict[str, Any] = {}
    if text := params.get("text", "").strip():
        keywords["text"] = text
    for name, keyword in (("actor", "actors"), ("category", "categories"), ("tag", "tags")):
        values = [v for item in params.getlist(name) for v in item.replace(",", " ").split()]
        if values:
            keywords[keyword] = values
    start, end = params.get("from", "").strip(), params.get("to", "").strip()
    if start or end:
        keywords["between"] = (start or None, end or None)
    importance = params.get("importance", "").strip()
    if importance:
        if importance not in ("1", "2", "3"):
            raise InvalidChange(f"importance is 1, 2 or 3, not {importance!r}")
        keywords["importance"] = int(importance)
    if params.get("retracted"):
        keywords["include_retracted"] = True
    return keywords


@handled
async def events(request: Request) -> Response:
    """The events, filtered by the form's parameters, in historical order."""
    view = Page(request)
    listing = _listing(view, event_filters(request))
    params = {name: request.query_params.get(name, "") for name in FILTERS}
    return page(
        request,
        "events.html",
        view=view,
        heading="Events",
        events=listing.listed,
        count=listing.count,
        retracted=listing.retracted,
        params=params,
    )


def read_ahead(timeline: Timeline, listings: Listings) -> None:
    """Read the events page's listing (no filters, now) and the viewer's data in English,
    as the first visit asks for them, so that it answers from them (until a write)."""
    listings.get(timeline, "", {}, LISTED).data("en")


def _listing(view: Page, filters: dict[str, Any]) -> Listing:
    """The filtered events the page lists and the viewer draws, read once per journal head."""
    listings: Listings = view.request.app.state.listings
    return listings.get(view.timeline, view.as_of_text, filters, LISTED)


@handled
async def search(request: Request) -> Response:
    """Full-text search of titles and summaries (``?q=``)."""
    view = Page(request)
    query = request.query_params.get("q", "").strip()
    found = view.timeline.events(text=query) if query else []
    return page(request, "search.html", view=view, query=query, events=found)


@handled
async def unsourced(request: Request) -> Response:
    """Events that cite nothing."""
    view = Page(request)
    found = view.timeline.unsourced()
    return page(request, "list.html", view=view, heading="Unsourced events", events=found)


@handled
async def event(request: Request) -> Response:
    """One event: its fields, citations with their references, claims and history (and,
    when editable, the forms that change it)."""
    view = Page(request)
    event_id = request.path_params["event_id"]
    with view.timeline.read_transaction():
        context = event_context(view.timeline, event_id)
        pair = _pair(request, [entry.seq for entry in context["history"]])
        comparison = compare(view.timeline, event_id, *pair) if pair else None
    done = request.query_params.get("done", "")
    notes = request.query_params.getlist("warning")
    return page(
        request,
        "event.html",
        view=view,
        done=done,
        notes=notes,
        pair=pair,
        comparison=comparison,
        **context,
    )


def _pair(request: Request, seqs: list[int]) -> tuple[int, int] | None:
    """The two records of the event's history that ``?compare=A&to=B`` names, if any."""
    first, second = request.query_params.get("compare", ""), request.query_params.get("to", "")
    if not first and not second:
        return None
    if not (first.isdigit() and second.isdigit() and {int(first), int(second)} <= set(seqs)):
        shown = ", ".join(map(str, seqs))
        raise InvalidChange(
            f"compare and to name two records of this event's history ({shown}), "
            f"not {first!r} and {second!r}"
        )
    return int(first), int(second)


def compare(tl: Timeline, event_id: str, first: int, second: int) -> list[FieldDiff]:
    """What differs in the event between journal records ``first`` and ``second``: each
    field, retracted or not, and its citations (key and locator)."""
    before, after = tl.as_of(first), tl.as_of(second)
    old, new = before.event(event_id), after.event(event_id)
    diffs = [
        FieldDiff(field.name, _comparable(getattr(old, field.name)), _comparable(value))
        for field in attrs.fields(Event)
        if (value := getattr(new, field.name)) != getattr(old, field.name)
    ]
    retracted = (before.is_retracted(event_id), after.is_retracted(event_id))
    if retracted[0] != retracted[1]:
        diffs.append(FieldDiff("retracted", *retracted))
    cited = [
        {f"{c.key}, {c.locator}" if c.locator else c.key for c in side.citations_of(event_id)}
        for side in (before, after)
    ]
    if cited[0] != cited[1]:
        diffs.append(FieldDiff("citations", sorted(cited[0]), sorted(cited[1])))
    return diffs


def _comparable(value: Any) -> Any:
    """A text in every language it has (a diff shows a Chinese title changed on an English
    page too); anything else as it is."""
    if isinstance(value, LocalizedText):
        return "; ".join(f"{lang}: {text}" for lang, text in value.values)
    return value


def event_context(tl: Timeline, event_id: str) -> dict[str, Any]:
    """What an event's page shows (read in the caller's snapshot)."""
    history = tl.history(event_id)
    return {
        "event": tl.event(event_id),
        "retracted": tl.is_retracted(event_id),
        "citations": [(c, _formatted(tl, c.key)) for c in tl.citations_of(event_id)],
        "evidence": tl.evidence(event_id),
        "disputed": {d.field for d in tl.disputes() if d.event.id == event_id},
        "history": history,
        "version": len(history),
        "versions": {event_id: len(history)},
        "keys": [ref.key for ref in tl.references()],
    }


def _formatted(tl: Timeline, key: str) -> str:
    """The reference as the default style lays it out (plain text, escaped by the page)."""
    return format_reference(tl.reference(key))


@handled
async def new_event(request: Request) -> Response:
    """The form that records a new event."""
    view = Page(request)
    return page(request, "new.html", view=view, message=None, conflict=False, typed={})


@handled
async def references(request: Request) -> Response:
    """All references, by key."""
    view = Page(request)
    found = [(ref, format_reference(ref)) for ref in view.timeline.references()]
    return page(request, "references.html", view=view, references=found)


@handled
async def reference(request: Request) -> Response:
    """One reference and the events citing it."""
    view = Page(request)
    with view.timeline.read_transaction():
        context = reference_context(view.timeline, request.path_params["key"])
    done = request.query_params.get("done", "")
    return page(request, "reference.html", view=view, done=done, **context)


def reference_context(tl: Timeline, key: str) -> dict[str, Any]:
    """What a reference's page shows (read in the caller's snapshot); ``version`` is its
    stream's, which its forms carry to see whether someone changed it first."""
    ref = tl.reference(key)
    return {
        "reference": ref,
        "merged_into": tl.merged_into(key),
        "formatted": format_reference(ref),
        "events": tl.events_citing(key),
        "version": tl.journal.stream_version(reference_stream(key)),
        "keys": [other.key for other in tl.references() if other.key != key],
        "name_parts": NAME_PARTS,
        "roles": [role.value for role in Role],
    }


@handled
async def disputes(request: Request) -> Response:
    """The fields of events whose sources disagree, each value with its sources."""
    view = Page(request)
    with view.timeline.read_transaction():
        found = view.timeline.disputes(**event_filters(request))
        versions = (
            {d.event.id: len(view.timeline.history(d.event.id)) for d in found}
            if view.editable
            else {}
        )
    return page(request, "disputes.html", view=view, disputes=found, versions=versions)


@handled
async def journal(request: Request) -> Response:
    """The journal's head (last seq and hash) and what ``verify`` finds."""
    view = Page(request)
    with view.timeline.read_transaction():
        head = view.timeline.head()
        report = view.timeline.verify() if request.query_params.get("verify") else None
    return page(request, "journal.html", view=view, head=head, report=report)


@handled
async def events_data(request: Request) -> Response:
    """The filtered events as the viewer draws them, in compact JSON (see
    :func:`timeline.viewer.compact`): titles and actor names in the page's language, lanes,
    date spans (JDN days, ``null`` for an open end) and marks; kept until the journal moves on."""
    view = Page(request)
    listing = _listing(view, event_filters(request))
    return Response(listing.data(view.lang), media_type="application/json")
