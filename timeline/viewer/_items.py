"""Events as the viewer draws them: date spans with their inner and outer bounds."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from timeline.dates import MAX_BOUND, MIN_BOUND, DateInterval, DateSet, HistoricalDate, When
from timeline.domain import Event

__all__ = ["spans", "viewer_item"]


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
    event: Event,
    title: str,
    disputed: bool,
    retracted: bool,
    claimed: Iterable[When] = (),
) -> dict[str, Any]:
    """One event for the viewer, with short keys (the data of 50,000 events is sent at once).

    ``claimed``: the other dates its sources give, drawn under the event's own.
    """
    when = event.when
    item: dict[str, Any] = {
        "i": event.id,
        "t": title,
        "s": spans(when),
        "c": event.category,
        "a": [actor.code for actor in event.actors],
        "g": list(event.tags),
        "m": event.importance,
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
    if other := [span for date in claimed for span in spans(date)]:
        item["k"] = other
    return item
