"""Events as the viewer draws them: date spans with their inner and outer bounds, and the
compact columns sent to it (a list per field, codes and words as indexes)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from typing import Any, NamedTuple, Protocol

from timeline.dates import MAX_BOUND, MIN_BOUND, DateInterval, DateSet, HistoricalDate, When
from timeline.domain import Actor, Evidence

__all__ = ["DRAWN_FIELDS", "Drawable", "Drawn", "compact", "spans", "viewer_item"]


class Drawable(Protocol):
    """What the viewer draws of an event (an :class:`~timeline.domain.Event` is one)."""

    @property
    def id(self) -> str: ...
    @property
    def when(self) -> When: ...
    @property
    def category(self) -> str: ...
    @property
    def actors(self) -> Sequence[Actor]: ...
    @property
    def tags(self) -> Sequence[str]: ...


class Drawn(NamedTuple):
    """An event's fields the viewer draws, read without the event
    (:meth:`Timeline.event_fields` of :data:`DRAWN_FIELDS`)."""

    id: str
    when: When
    category: str
    actors: Sequence[Actor]
    tags: Sequence[str]


#: The fields of :class:`Drawn` after its id, in order.
DRAWN_FIELDS = Drawn._fields[1:]


def _day(jdn: int) -> int | None:
    return None if jdn in (MIN_BOUND, MAX_BOUND) else jdn


def spans(when: When) -> list[list[int | None]]:
    """``[outer start, inner start, inner end, outer end]`` per member of the date (JDN days).

    A date of month or year precision happened on one day between its bounds:
    its inner span is empty (``null``s). An interval surely covers the days from
    its start's latest to its end's earliest day; ``null`` outer ends are open.
    """
    if isinstance(when, DateSet):
        return [span for member in when.members for span in spans(member)]
    if isinstance(when, DateInterval):
        lower, upper = when.bounds
        start = when.start.bounds[1] if isinstance(when.start, HistoricalDate) else None
        end = when.end.bounds[0] if isinstance(when.end, HistoricalDate) else None
        sure = start is not None and end is not None and start <= end
        inner: list[int | None] = [start, end] if sure else [None, None]
        return [[_day(lower), *inner, _day(upper)]]
    lower, upper = when.bounds
    day: list[int | None] = [lower, upper] if lower == upper else [None, None]
    return [[lower, *day, upper]]


def viewer_item(
    event: Drawable,
    title: str,
    disputed: Collection[str],
    retracted: bool,
    evidence: Iterable[Evidence] = (),
) -> dict[str, Any]:
    """One event for the viewer, with short keys (:func:`compact` makes the columns sent).

    ``disputed``: the fields whose sources disagree; ``evidence``: the values its sources
    claim (any fields). The one rule of the app and the HTML chronology: where its date is
    disputed, each other date a source asserts for it (not the event's own) is drawn under
    it; a claimed date that agrees with the event's draws nothing.
    """
    when = event.when
    item: dict[str, Any] = {
        "i": event.id,
        "t": title,
        "s": spans(when),
        "c": event.category,
        "a": [actor.code for actor in event.actors],
        "g": list(event.tags),
    }
    marks = ("~" if when.is_approximate else "") + ("?" if when.is_uncertain else "")
    if marks:
        item["f"] = marks
    if isinstance(when, DateSet) and not when.all_of:
        item["o"] = 1  # one of the members, not all
    if disputed:
        item["d"] = 1
    if retracted:
        item["r"] = 1
    claimed = [
        span
        for found in evidence
        if "when" in disputed and found.field == "when"
        if found.claims[0].asserts and not found.concluded
        for span in spans(found.value)
    ]
    if claimed:
        item["k"] = claimed
    return item


#: The marks of an item that few events have, sent as ``[index, value]`` pairs.
SPARSE = ("f", "o", "d", "r", "k")


def compact(
    items: Sequence[dict[str, Any]],
    *,
    words: dict[str, dict[str, int]] | None = None,
    start: int = 0,
) -> dict[str, Any]:
    """The items of :func:`viewer_item` as the viewer reads them: one list per field
    (``i`` ids, ``t`` titles, ``s`` spans or, for an event on one sure day, that day),
    categories, actor codes and tags as indexes into ``cats``, ``codes`` and ``tags``
    (an event's actors and tags as a tuple of them: tuples of numbers drop out of the
    cycle collector's passes, which the lists of a 50,000-event listing called for),
    and the rarer marks (``f o d r k``) as ``[index, value]`` pairs.

    A long list can be packed a run of items at a time: pass the same ``words`` (a dict,
    filled with ``cats``, ``codes`` and ``tags`` as first seen) to each run and ``start``,
    the index of the run's first item; each run's lists continue the previous run's.
    """
    tables = {} if words is None else words
    cats = tables.setdefault("cats", {})
    codes = tables.setdefault("codes", {})
    tags = tables.setdefault("tags", {})
    columns: dict[str, Any] = {
        "i": [item["i"] for item in items],
        "t": [item["t"] for item in items],
        "s": [_span_column(item["s"]) for item in items],
        "c": [cats.setdefault(item["c"], len(cats)) for item in items],
        "a": [tuple([codes.setdefault(code, len(codes)) for code in item["a"]]) for item in items],
        "g": [tuple([tags.setdefault(tag, len(tags)) for tag in item["g"]]) for item in items],
    }
    for key in SPARSE:
        columns[key] = [[n, item[key]] for n, item in enumerate(items, start) if key in item]
    columns.update(cats=list(cats), codes=list(codes), tags=list(tags))
    return columns


def _span_column(item_spans: list[list[int | None]]) -> int | list[list[int | None]]:
    if len(item_spans) == 1 and len(set(item_spans[0])) == 1 and item_spans[0][0] is not None:
        return item_spans[0][0]
    return item_spans
