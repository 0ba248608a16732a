"""A chronology as TimelineJS3 JSON: events, eras and groups, ready for that viewer.

Years are historical with BCE as negative numbers (221 BCE is ``-221``); an
approximate or uncertain date keeps its exact fields and adds ``display_date``
("c. June 2019"). Headlines and texts are HTML, so every piece of user text is
escaped. An era (one per heading) runs from the start of its first day to the
start of the day after its last: TimelineJS reads a date as the instant a day
begins, drops an era's end equal to its start and then refuses the whole
timeline ("All eras must have start and end dates"), so an end on the last day
itself would refuse any heading holding one one-day event. A slide's sources
are its citations formatted in the document's citation style, each in full
with its locator (a slide is read on its own); where sources claim other values
than the event's, or disagree, the slide text gives each value with the names of
its sources (in bold where disputed).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from timeline.chronology import Chronology, ChronologyEntry
from timeline.dates import DateInterval, DateSet, HistoricalDate, jdn_to_gregorian
from timeline.documents.common import (
    account_text,
    accounts,
    computed_label,
    date_label,
    end_day,
    escape_html,
    group_entries,
    lane_of,
    named_sources,
    provenance,
    start_day,
    summary_of,
    title_of,
    word,
)
from timeline.documents.options import DocumentOptions
from timeline.documents.sources import Sources, formatted_sources
from timeline.domain import Citation

__all__ = ["render_timelinejs", "timelinejs_date", "timelinejs_document"]


def _year(astronomical: int) -> int:
    return astronomical if astronomical > 0 else astronomical - 1


def timelinejs_date(day: int, precision: str = "day") -> dict[str, Any]:
    """A TimelineJS date object for a Julian Day Number, to ``precision``."""
    year, month, dom = jdn_to_gregorian(day)
    value: dict[str, Any] = {"year": _year(year)}
    if precision in ("month", "day", "second"):
        value["month"] = month
    if precision in ("day", "second"):
        value["day"] = dom
    return value


def _one(date: HistoricalDate, first: bool) -> dict[str, Any]:
    day = date.bounds[0] if first else date.bounds[1]
    precision = date.precision
    if precision in ("year", "decade", "century", "millennium"):
        return timelinejs_date(day, "year")
    if precision == "month":
        return timelinejs_date(day, "month")
    return timelinejs_date(day, "day")  # days, and the first or last day of a season


def _dates(entry: ChronologyEntry) -> tuple[dict[str, Any], dict[str, Any] | None]:
    when = entry.event.when
    if isinstance(when, HistoricalDate):
        return _one(when, True), None
    if isinstance(when, DateInterval):
        if isinstance(when.start, HistoricalDate):
            start = _one(when.start, True)
        else:
            start = timelinejs_date(start_day(when))
        end = _one(when.end, False) if isinstance(when.end, HistoricalDate) else None
        return start, end
    lower, upper = start_day(when), end_day(when)
    return timelinejs_date(lower), (timelinejs_date(upper) if upper != lower else None)


def _needs_display_date(entry: ChronologyEntry, options: DocumentOptions) -> bool:
    """Whether TimelineJS's own rendering of the dates would not say what the label says."""
    if date_label(entry.event, options) != computed_label(entry.event, options):
        return True
    when = entry.event.when
    if when.is_approximate or when.is_uncertain or isinstance(when, DateSet):
        return True
    if when.calendar == "julian":
        return True
    return isinstance(when, DateInterval) and any(
        not isinstance(end, HistoricalDate) for end in (when.start, when.end)
    )


def _text(
    entry: ChronologyEntry,
    options: DocumentOptions,
    sources: Sources | None,
    named: Callable[[tuple[Citation, ...]], str],
) -> str:
    parts = []
    summary = summary_of(entry.event, options) if options.show_summaries else ""
    if summary:
        parts.append(f"<p>{escape_html(summary)}</p>")
    for account in accounts(entry, options):
        text = account_text(account, options, escape_html, named)
        parts.append(f"<p><strong>{text}</strong></p>" if account.disputed else f"<p>{text}</p>")
    if entry.retracted:
        parts.append(f"<p><em>({escape_html(word(options, 'retracted'))})</em></p>")
    if sources is not None and entry.citations:
        cites = " ".join(sources.note(citation) for citation in entry.citations)
        parts.append(f"<p>{escape_html(word(options, 'sources'))}: {cites}</p>")
    return "".join(parts)


def timelinejs_document(
    chronology: Chronology, options: DocumentOptions | None = None
) -> dict[str, Any]:
    """The TimelineJS3 document as a dict (see :func:`render_timelinejs`)."""
    options = options or DocumentOptions()
    sources = formatted_sources(chronology, options, "html") if options.show_sources else None
    named = named_sources(chronology, escape_html)
    events = []
    for entry in chronology.entries:
        event = entry.event
        start, end = _dates(entry)
        headline = escape_html(title_of(event, options))
        if entry.retracted:
            headline = f"<s>{headline}</s>"
        item: dict[str, Any] = {
            "unique_id": event.id,
            "start_date": start,
            "text": {"headline": headline, "text": _text(entry, options, sources, named)},
        }
        if end is not None:
            item["end_date"] = end
        if _needs_display_date(entry, options):
            item["display_date"] = escape_html(date_label(event, options))
        lane = lane_of(event, options)
        if lane:
            item["group"] = lane
        events.append(item)
    document: dict[str, Any] = {
        "title": {
            "text": {
                "headline": escape_html(chronology.title),
                "text": f"<p>{escape_html(provenance(chronology, options))}</p>",
            }
        },
        "events": events,
    }
    if options.group_by != "none":
        eras = []
        for group in group_entries(chronology, options):
            first = min(start_day(e.event.when) for e in group.entries)
            last = max(first, max(end_day(e.event.when) for e in group.entries))
            eras.append(
                {
                    "start_date": timelinejs_date(first),
                    "end_date": timelinejs_date(last + 1),
                    "text": {"headline": escape_html(group.label)},
                }
            )
        document["eras"] = eras
    document["scale"] = "human"
    return document


def render_timelinejs(chronology: Chronology, options: DocumentOptions | None = None) -> str:
    """The chronology as TimelineJS3 JSON text (UTF-8, keys in a fixed order)."""
    return json.dumps(timelinejs_document(chronology, options), ensure_ascii=False, indent=2) + "\n"
