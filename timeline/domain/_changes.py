"""What a journal record states: the changes to the timeline.

Each change is a frozen value named noun + past participle, with a stable
``KIND`` string stored in the journal (never a class path) and the ``stream``
it belongs to: ``event:<id>`` for an event and its citations,
``reference:<key>`` for a reference, ``periods`` for every period definition
(one stream, so that all of them are read at once). Every change carries who made it
(``author``) and why (``reason``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

import attrs

from citations import Reference
from timeline.domain._claims import Claim
from timeline.domain._model import UNDATED, Citation, Event
from timeline.domain._periods import Period
from timeline.errors import InvalidChange

__all__ = [
    "EVENT_FIELDS",
    "Change",
    "CitationAdded",
    "CitationRemoved",
    "ClaimFollowed",
    "ClaimRecorded",
    "ClaimRevised",
    "ClaimWithdrawn",
    "EventChange",
    "EventRecorded",
    "EventRestored",
    "EventRetracted",
    "EventRevised",
    "PeriodChange",
    "PeriodDefined",
    "PeriodRetracted",
    "PeriodRevised",
    "ReferenceAdded",
    "ReferenceAmended",
    "ReferenceChange",
    "ReferenceMerged",
    "PERIODS_STREAM",
    "event_stream",
    "reference_stream",
]

#: The event fields a revision may change (everything but the id; ``when_from_period``
#: follows ``when``: a revised ``when`` of None leaves the event dated by its period only).
EVENT_FIELDS = tuple(
    field.name for field in attrs.fields(Event) if field.name not in ("id", "when_from_period")
)


def event_stream(event_id: str) -> str:
    """The journal stream of an event and its citations."""
    return f"event:{event_id}"


#: The journal stream of every period definition.
PERIODS_STREAM = "periods"


def reference_stream(key: str) -> str:
    """The journal stream of a reference."""
    return f"reference:{key}"


@attrs.frozen(kw_only=True)
class _Change:
    """What every change carries: who made it and why."""

    author: str = ""
    reason: str = ""


@attrs.frozen(kw_only=True)
class _OnEvent(_Change):
    """A change to an existing event, stored in the event's stream."""

    event_id: str

    @property
    def stream(self) -> str:
        return event_stream(self.event_id)


@attrs.frozen(kw_only=True)
class _WholeReference(_Change):
    """A change that states a reference's whole value, stored in its stream."""

    reference: Reference

    @property
    def stream(self) -> str:
        return reference_stream(self.reference.key)


def _as_recorded(event: Event) -> Event:
    """The event as its record holds it: one dated by its period only at :data:`UNDATED`
    (the span the timeline gave it is no part of it)."""
    return attrs.evolve(event, when=UNDATED) if event.when_from_period else event


@attrs.frozen(kw_only=True)
class EventRecorded(_Change):
    """A new event was put on the timeline."""

    KIND: ClassVar[str] = "event.recorded"
    event: Event = attrs.field(converter=_as_recorded)
    # the event's JSON, kept by the codec's encode_recorded once made (it changes no state)
    _encoded: dict[str, Any] | None = attrs.field(default=None, init=False, eq=False, repr=False)

    @property
    def event_id(self) -> str:
        return self.event.id

    @property
    def stream(self) -> str:
        return event_stream(self.event.id)


def _revised_fields(
    value: Mapping[str, Any] | Iterable[tuple[str, Any]],
) -> tuple[tuple[str, Any], ...]:
    items = value.items() if isinstance(value, Mapping) else value
    fields = tuple(sorted(items, key=lambda item: item[0]))
    for name, _ in fields:
        if name not in EVENT_FIELDS:
            raise InvalidChange(
                f"{name!r} is not a revisable event field; use one of: {', '.join(EVENT_FIELDS)}"
            )
    if not fields:
        raise InvalidChange("a revision must change at least one field")
    return fields


@attrs.frozen(kw_only=True)
class EventRevised(_OnEvent):
    """Some fields of an event were corrected; ``fields`` holds only their new values."""

    KIND: ClassVar[str] = "event.revised"
    fields: tuple[tuple[str, Any], ...] = attrs.field(converter=_revised_fields)

    def apply(self, event: Event) -> Event:
        """The event with this revision's fields set (``when`` None: no date of its own)."""
        values = dict(self.fields)
        if "when" in values:
            values["when_from_period"] = values["when"] is None
            values["when"] = values["when"] if values["when"] is not None else UNDATED
        return attrs.evolve(event, **values)


@attrs.frozen(kw_only=True)
class EventRetracted(_OnEvent):
    """An event was withdrawn from the timeline (it stays in the journal)."""

    KIND: ClassVar[str] = "event.retracted"


@attrs.frozen(kw_only=True)
class EventRestored(_OnEvent):
    """A retracted event was put back on the timeline."""

    KIND: ClassVar[str] = "event.restored"


@attrs.frozen(kw_only=True)
class ReferenceAdded(_WholeReference):
    """A bibliographic reference was added."""

    KIND: ClassVar[str] = "reference.added"


@attrs.frozen(kw_only=True)
class ReferenceAmended(_WholeReference):
    """A reference was corrected; ``reference`` is its new value (same key)."""

    KIND: ClassVar[str] = "reference.amended"


@attrs.frozen(kw_only=True)
class ReferenceMerged(_Change):
    """Reference ``key`` was found to duplicate ``into``; citations of it now count for ``into``."""

    KIND: ClassVar[str] = "reference.merged"
    key: str
    into: str

    @property
    def stream(self) -> str:
        return reference_stream(self.key)


@attrs.frozen(kw_only=True)
class CitationAdded(_Change):
    """An event now cites a reference."""

    KIND: ClassVar[str] = "citation.added"
    citation: Citation

    @property
    def event_id(self) -> str:
        return self.citation.event_id

    @property
    def stream(self) -> str:
        return event_stream(self.citation.event_id)


@attrs.frozen(kw_only=True)
class CitationRemoved(_OnEvent):
    """A citation was withdrawn from an event."""

    KIND: ClassVar[str] = "citation.removed"
    citation_id: str


@attrs.frozen(kw_only=True)
class _ClaimValue(_Change):
    """A change stating a claim's whole value, stored in its event's stream."""

    claim: Claim

    @property
    def event_id(self) -> str:
        return self.claim.event_id

    @property
    def stream(self) -> str:
        return event_stream(self.claim.event_id)


@attrs.frozen(kw_only=True)
class ClaimRecorded(_ClaimValue):
    """A citation's source was found to claim a value for one field of its event."""

    KIND: ClassVar[str] = "claim.recorded"


@attrs.frozen(kw_only=True)
class ClaimRevised(_ClaimValue):
    """A claim was corrected (its value, stance or rank); ``claim`` is its new value."""

    KIND: ClassVar[str] = "claim.revised"


@attrs.frozen(kw_only=True)
class ClaimWithdrawn(_OnEvent):
    """A claim was withdrawn (the source does not say it, after all)."""

    KIND: ClassVar[str] = "claim.withdrawn"
    claim_id: str


@attrs.frozen(kw_only=True)
class ClaimFollowed(_OnEvent):
    """The event's conclusion on the claim's field follows this claim; ``reason`` says why."""

    KIND: ClassVar[str] = "claim.followed"
    claim_id: str


@attrs.frozen(kw_only=True)
class _WholePeriod(_Change):
    """A change that states a period definition's whole value."""

    period: Period

    @property
    def stream(self) -> str:
        return PERIODS_STREAM


@attrs.frozen(kw_only=True)
class PeriodDefined(_WholePeriod):
    """A source's definition of a named period was recorded."""

    KIND: ClassVar[str] = "period.defined"


@attrs.frozen(kw_only=True)
class PeriodRevised(_WholePeriod):
    """A period definition was corrected; ``period`` is its new value (same id)."""

    KIND: ClassVar[str] = "period.revised"


@attrs.frozen(kw_only=True)
class PeriodRetracted(_Change):
    """A period definition was withdrawn (it stays in the journal)."""

    KIND: ClassVar[str] = "period.retracted"
    period_id: str

    @property
    def stream(self) -> str:
        return PERIODS_STREAM


EventChange = (
    EventRecorded
    | EventRevised
    | EventRetracted
    | EventRestored
    | CitationAdded
    | CitationRemoved
    | ClaimRecorded
    | ClaimRevised
    | ClaimWithdrawn
    | ClaimFollowed
)
"""A change stored in an event's stream."""

ReferenceChange = ReferenceAdded | ReferenceAmended | ReferenceMerged
"""A change stored in a reference's stream."""

PeriodChange = PeriodDefined | PeriodRevised | PeriodRetracted
"""A change stored in the periods stream."""

Change = EventChange | ReferenceChange | PeriodChange
"""Any change a journal record states."""
