"""The one domain transition: what a stream is after one more change.

An event's stream folds into an :class:`EventState` (the event, its stream
version, whether it is retracted, its citations in the order added, the
claims their sources make and the claims the editor follows); a
reference's stream into a :class:`ReferenceState`. :func:`apply` is pure: the
read models, :meth:`Timeline.history` and ``as_of`` all fold changes with it,
so they cannot disagree on what a change means.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import overload

import attrs

from citations import Reference
from timeline.domain._changes import (
    CitationAdded,
    CitationRemoved,
    ClaimFollowed,
    ClaimRecorded,
    ClaimRevised,
    ClaimWithdrawn,
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
from timeline.domain._claims import Claim, Conclusion
from timeline.domain._model import Citation, Event
from timeline.errors import (
    DuplicateEvent,
    DuplicateReference,
    InvalidChange,
    UnknownCitation,
    UnknownClaim,
    UnknownEvent,
    UnknownReference,
)

__all__ = ["EventState", "ReferenceState", "apply", "order_claims"]


@attrs.frozen
class EventState:
    """An event as its stream's changes left it.

    ``version`` is the stream version of the last change (1 after the
    recording); ``citations`` are in the order they were added; ``claims``
    are what their sources claim, in citation order, then by field
    (:func:`order_claims`); ``conclusions`` the claims the editor follows,
    by field. The claims never change ``event``: it is the editor's conclusion.
    """

    event: Event
    version: int = 1
    retracted: bool = False
    citations: tuple[Citation, ...] = ()
    claims: tuple[Claim, ...] = ()
    conclusions: tuple[Conclusion, ...] = ()
    # citations by id, made on the first lookup and carried to the next state by a
    # citation.added, so that citing an event N times costs O(N), not O(N^2)
    _by_id: dict[str, Citation] | None = attrs.field(default=None, init=False, eq=False, repr=False)

    def citation(self, citation_id: str) -> Citation | None:
        """The citation with this id, if the event has it."""
        return self._citations_by_id().get(citation_id)

    def _citations_by_id(self) -> dict[str, Citation]:
        if self._by_id is None:
            self._index({c.id: c for c in self.citations})
        assert self._by_id is not None
        return self._by_id

    def _index(self, by_id: dict[str, Citation]) -> EventState:
        # a cache of what the frozen citations fix: setting it changes no state
        object.__setattr__(self, "_by_id", by_id)
        return self

    def claim(self, claim_id: str) -> Claim | None:
        """The claim with this id, if a citation of the event makes it."""
        return next((c for c in self.claims if c.id == claim_id), None)


def order_claims(citations: Sequence[Citation], claims: Iterable[Claim]) -> tuple[Claim, ...]:
    """``claims`` in the order of their citations in ``citations``, then by field."""
    place = {citation.id: n for n, citation in enumerate(citations)}
    return tuple(sorted(claims, key=lambda c: (place.get(c.citation_id, len(place)), c.field)))


def _without(state: EventState, gone: Callable[[Claim], bool], version: int) -> EventState:
    """``state`` without the claims ``gone`` selects, and without the conclusions following them."""
    dropped = {claim.id for claim in state.claims if gone(claim)}
    return attrs.evolve(
        state,
        claims=tuple(c for c in state.claims if c.id not in dropped),
        conclusions=tuple(c for c in state.conclusions if c.claim_id not in dropped),
        version=version,
    )


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
            by_id = state._citations_by_id()
            if citation.id in by_id:
                raise InvalidChange(f"event {state.event.id!r} already cites {citation.id!r}")
            citations = (*state.citations, citation)
            added = EventState(
                state.event,
                version,
                state.retracted,
                citations,
                state.claims,
                state.conclusions,
            )  # not attrs.evolve: an import cites this way thousands of times
            return added._index({**by_id, citation.id: citation})
        case CitationRemoved(citation_id=citation_id):
            if state.citation(citation_id) is None:
                raise UnknownCitation(f"event {state.event.id!r} has no citation {citation_id!r}")
            citations = tuple(c for c in state.citations if c.id != citation_id)
            state = _without(state, lambda claim: claim.citation_id == citation_id, version)
            return attrs.evolve(state, citations=citations)
        case ClaimRecorded() | ClaimRevised() | ClaimWithdrawn() | ClaimFollowed():
            return _claimed(state, change, version)
    raise TypeError(f"not an event change: {change!r}")  # pragma: no cover - exhaustive


def _claimed(
    state: EventState,
    change: ClaimRecorded | ClaimRevised | ClaimWithdrawn | ClaimFollowed,
    version: int,
) -> EventState:
    event_id = state.event.id
    if isinstance(change, ClaimWithdrawn | ClaimFollowed):
        claim_id = change.claim_id
        held = state.claim(claim_id)
        if held is None:
            raise UnknownClaim(f"event {event_id!r} has no claim {claim_id!r}")
        if isinstance(change, ClaimWithdrawn):
            return _without(state, lambda claim: claim.id == claim_id, version)
        conclusions = [c for c in state.conclusions if c.field != held.field]
        conclusions.append(Conclusion(held.field, claim_id, change.reason))
        return attrs.evolve(
            state, conclusions=tuple(sorted(conclusions, key=lambda c: c.field)), version=version
        )
    claim = change.claim
    if state.citation(claim.citation_id) is None:
        raise UnknownCitation(
            f"event {event_id!r} has no citation {claim.citation_id!r} "
            f"to claim its field {claim.field!r}"
        )
    held = state.claim(claim.id)
    if isinstance(change, ClaimRecorded) and held is not None:
        raise InvalidChange(
            f"event {event_id!r}, citation {claim.citation_id!r} already claims "
            f"field {claim.field!r}; revise that claim instead"
        )
    if isinstance(change, ClaimRevised) and held is None:
        raise UnknownClaim(f"event {event_id!r} has no claim {claim.id!r} to revise")
    others = [c for c in state.claims if c.id != claim.id]
    claims = order_claims(state.citations, [*others, claim])
    return attrs.evolve(state, claims=claims, version=version)


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
