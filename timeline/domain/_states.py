"""The one domain transition: what a stream is after one more change.

An event's stream folds into an :class:`EventState` (the event, its stream
version, whether it is retracted, its citations in the order added); a
reference's stream into a :class:`ReferenceState`. :func:`apply` is pure: the
read models, :meth:`Timeline.history` and ``as_of`` all fold changes with it,
so they cannot disagree on what a change means.
"""

from __future__ import annotations

from typing import overload

import attrs

from citations import Reference
from timeline.domain._changes import (
    CitationAdded,
    CitationRemoved,
    EventChange,
    EventRecorded,
    EventRestored,
    EventRetracted,
    EventRevised,
    ReferenceAdded,
    ReferenceAmended,
    ReferenceChange,
    ReferenceMerged,
)
from timeline.domain._model import Citation, Event
from timeline.errors import (
    DuplicateEvent,
    DuplicateReference,
    InvalidChange,
    UnknownCitation,
    UnknownEvent,
    UnknownReference,
)

__all__ = ["EventState", "ReferenceState", "apply"]


@attrs.frozen
class EventState:
    """An event as its stream's changes left it.

    ``version`` is the stream version of the last change (1 after the
    recording); ``citations`` are in the order they were added.
    """

    event: Event
    version: int = 1
    retracted: bool = False
    citations: tuple[Citation, ...] = ()

    def citation(self, citation_id: str) -> Citation | None:
        """The citation with this id, if the event has it."""
        return next((c for c in self.citations if c.id == citation_id), None)


@attrs.frozen
class ReferenceState:
    """A reference as its stream's changes left it (``merged_into``: the key it duplicates)."""

    reference: Reference
    version: int = 1
    merged_into: str | None = None


@overload
def apply(state: EventState | None, change: EventChange) -> EventState: ...
@overload
def apply(state: ReferenceState | None, change: ReferenceChange) -> ReferenceState: ...
def apply(
    state: EventState | ReferenceState | None, change: EventChange | ReferenceChange
) -> EventState | ReferenceState:
    """The state after ``change`` (``state`` None: the stream is new).

    Raises the domain error a command would have met when the change does not
    fit the state (:class:`UnknownEvent` before the event is recorded,
    :class:`DuplicateEvent`, :class:`UnknownCitation`, :class:`InvalidChange`
    for retracting a retracted event, ...).
    """
    if isinstance(change, ReferenceAdded | ReferenceAmended | ReferenceMerged):
        if state is not None and not isinstance(state, ReferenceState):
            raise InvalidChange(f"{change.KIND} applies to a reference, not to {state!r:.60}")
        return _reference(state, change)
    if state is not None and not isinstance(state, EventState):
        raise InvalidChange(f"{change.KIND} applies to an event, not to {state!r:.60}")
    return _event(state, change)


def _event(state: EventState | None, change: EventChange) -> EventState:
    if isinstance(change, EventRecorded):
        if state is not None:
            raise DuplicateEvent(f"an event with id {change.event.id!r} already exists")
        return EventState(change.event)
    if state is None:
        raise UnknownEvent(f"no event with id {change.event_id!r}")
    version = state.version + 1
    match change:
        case EventRevised():
            return attrs.evolve(state, event=change.apply(state.event), version=version)
        case EventRetracted() | EventRestored():
            retracted = isinstance(change, EventRetracted)
            if state.retracted == retracted:
                being = "already retracted" if retracted else "not retracted"
                raise InvalidChange(f"event {state.event.id!r} is {being}")
            return attrs.evolve(state, retracted=retracted, version=version)
        case CitationAdded(citation=citation):
            if state.citation(citation.id) is not None:
                raise InvalidChange(f"event {state.event.id!r} already cites {citation.id!r}")
            citations = (*state.citations, citation)
            return attrs.evolve(state, citations=citations, version=version)
        case CitationRemoved(citation_id=citation_id):
            if state.citation(citation_id) is None:
                raise UnknownCitation(f"event {state.event.id!r} has no citation {citation_id!r}")
            citations = tuple(c for c in state.citations if c.id != citation_id)
            return attrs.evolve(state, citations=citations, version=version)
    raise TypeError(f"not an event change: {change!r}")  # pragma: no cover - exhaustive


def _reference(state: ReferenceState | None, change: ReferenceChange) -> ReferenceState:
    match change:
        case ReferenceAdded(reference=reference):
            if state is not None:
                raise DuplicateReference(f"a reference with key {reference.key!r} already exists")
            return ReferenceState(reference)
        case ReferenceAmended(reference=reference):
            if state is None:
                raise UnknownReference(f"no reference with key {reference.key!r}")
            return attrs.evolve(state, reference=reference, version=state.version + 1)
        case ReferenceMerged(key=key, into=into):
            if state is None:
                raise UnknownReference(f"no reference with key {key!r}")
            return attrs.evolve(state, merged_into=into, version=state.version + 1)
    raise TypeError(f"not a reference change: {change!r}")  # pragma: no cover - exhaustive
