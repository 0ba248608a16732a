"""Headings from recorded periods (``group_by="period"`` with no document periods given).

An event goes under the period definition it is dated by (``during``), else the
narrowest definition whose span holds its first day (the first defined of equal
ones). The heading is the definition's label in the document's language; when
another definition has that label too (rival definitions), its span follows it,
"Cold War (1947–1991)", so that the reader sees whose Cold War it is.
"""

from __future__ import annotations

from collections.abc import Sequence

from timeline.dates import MAX_BOUND, MIN_BOUND, format_date
from timeline.documents.options import DocumentOptions
from timeline.domain import Event, Period

__all__ = ["PeriodHeadings"]


class PeriodHeadings:
    """The heading of each event, from the definitions a chronology was made with."""

    def __init__(self, periods: Sequence[Period], options: DocumentOptions, dates: str) -> None:
        """``dates`` is the language the document writes dates in."""
        labels = {p.id: p.label.get(options.lang, options.fallbacks) for p in periods}
        named = list(labels.values())
        self._headings = {
            p.id: labels[p.id]
            if named.count(labels[p.id]) == 1
            else f"{labels[p.id]} ({_span_label(p, dates)})"
            for p in periods
        }
        self._by_width = sorted(
            (p for p in periods if p.bounds != (MIN_BOUND, MAX_BOUND)),
            key=lambda p: p.bounds[1] - p.bounds[0],
        )  # stable: the first defined of equal widths first

    def heading(self, event: Event, day: int) -> str:
        """The heading of ``event`` whose first day is ``day`` ('' when no period holds it)."""
        if event.during in self._headings:
            return self._headings[event.during]
        for period in self._by_width:
            lower, upper = period.bounds
            if lower <= day <= upper:
                return self._headings[period.id]
        return ""


def _span_label(period: Period, lang: str) -> str:
    """A definition's span as a date label: "1947–1991", "1947—1991年"."""
    span = period.span
    return "" if span is None else format_date(span, lang)
