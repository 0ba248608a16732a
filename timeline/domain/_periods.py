"""Named periods as sourced records: a definition of a label, with its bounds and its source.

A period is an argument, not a fact: "the Cold War" is 1947-1991 for one
author and 1945-1989 for another, so one label may have rival definitions,
each its own :class:`Period` with its own id, source and locator. Start and
end are dates, themselves uncertain (an interval of years when the source
gives one, None when it gives none).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from timeline.dates import (
    MAX_BOUND,
    MIN_BOUND,
    Boundless,
    DateInterval,
    HistoricalDate,
    When,
    jdn_to_gregorian,
)
from timeline.domain._model import LocalizedText, check_slug
from timeline.errors import InvalidChange

__all__ = ["Coverage", "Period", "PeriodState", "label_key"]


@attrs.frozen
class Coverage:
    """A place a period covers (PeriodO's spatial coverage): an identifier (a Wikidata
    entity's address) and its label."""

    id: str = ""
    label: str = ""


def _coverage(values: Iterable[Coverage | Mapping[str, Any] | str]) -> tuple[Coverage, ...]:
    found = []
    for value in values:
        if isinstance(value, Coverage):
            found.append(value)
        elif isinstance(value, str):
            found.append(Coverage(label=value))
        else:
            found.append(Coverage(str(value.get("id", "")), str(value.get("label", ""))))
    return tuple(found)


def _aliases(
    values: Iterable[tuple[str, str]] | Mapping[str, Iterable[str]],
) -> tuple[tuple[str, str], ...]:
    if isinstance(values, Mapping):
        return tuple((lang, text) for lang, texts in values.items() for text in texts)
    return tuple((lang, text) for lang, text in values)


def _period_id(value: str) -> str:
    return check_slug(value, "period id")


def _label(value: LocalizedText | Mapping[str, str] | str) -> LocalizedText:
    return LocalizedText.of(value)


def label_key(text: str) -> str:
    """A label as periods are looked up by it: NFKC, case-folded, quotes and spaces trimmed."""
    return unicodedata.normalize("NFKC", text).casefold().strip(" \"'“”‘’「」『』《》«»")


@attrs.frozen(kw_only=True)
class Period:
    """One definition of a named period.

    ``label`` is its name in one or more languages (``original`` the language the
    source uses), ``aliases`` further ``(language, name)`` labels; ``start`` and
    ``end`` when it began and ended (None: the source gives no date, as for an
    end that is "present"), ``start_text`` and ``end_text`` as the source wrote
    them; ``region`` the area as the source describes it and ``coverage`` the
    places it covers; ``source`` the citation key of the reference that defines
    it and ``locator`` where in it; ``note`` what the source adds.
    """

    id: str = attrs.field(converter=_period_id)
    label: LocalizedText = attrs.field(converter=_label)
    start: When | None = None
    end: When | None = None
    start_text: str = ""
    end_text: str = ""
    region: str = ""
    coverage: tuple[Coverage, ...] = attrs.field(factory=tuple, converter=_coverage)
    source: str = ""
    locator: str = ""
    note: str = ""
    aliases: tuple[tuple[str, str], ...] = attrs.field(factory=tuple, converter=_aliases)

    def __attrs_post_init__(self) -> None:
        if not self.label:
            raise InvalidChange(f"period {self.id!r} needs a label in at least one language")
        ends = (self.start, self.end)
        if ends[0] is not None and ends[1] is not None and ends[1].bounds[1] < ends[0].bounds[0]:
            raise InvalidChange(f"period {self.id!r} ends before it starts")

    @property
    def bounds(self) -> tuple[int, int]:
        """The days it may cover: from the earliest day of its start to the latest of its
        end (Julian Day Numbers; an end the source does not give is open)."""
        lower = self.start.bounds[0] if self.start is not None else MIN_BOUND
        upper = self.end.bounds[1] if self.end is not None else MAX_BOUND
        return lower, upper

    @property
    def span(self) -> When | None:
        """Its start and end as one date, from the start's earliest day to the end's latest
        (an end the source does not give is open); None when it gives no dates."""
        start, end = _end_point(self.start, first=True), _end_point(self.end, first=False)
        if isinstance(start, Boundless) and isinstance(end, Boundless):
            return None
        if start == end:
            assert isinstance(start, HistoricalDate)
            return start
        return DateInterval(start, end)

    @property
    def labels(self) -> tuple[str, ...]:
        """Every name of the period: its labels, then its aliases."""
        return (*(text for _, text in self.label.values), *(text for _, text in self.aliases))

    def named(self, label: str) -> bool:
        """True when ``label`` is one of its names (case and width aside)."""
        key = label_key(label)
        return any(label_key(name) == key for name in self.labels)


@attrs.frozen
class PeriodState:
    """A definition as it stands, and whether it was retracted."""

    period: Period
    retracted: bool = False


def _end_point(when: When | None, *, first: bool) -> HistoricalDate | Boundless:
    """The first (or last) date of a period's start (or end)."""
    if when is None:
        return Boundless.OPEN
    if isinstance(when, HistoricalDate):
        return when
    if isinstance(when, DateInterval):
        return when.start if first else when.end
    lower, upper = when.bounds
    return HistoricalDate(*jdn_to_gregorian(lower if first else upper))
