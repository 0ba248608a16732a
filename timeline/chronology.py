"""The :class:`Chronology` projection: selected events in historical order, with
their citations, what their sources claim, the references they cite, and the
journal state they came from.

Every document renderer takes a :class:`Chronology`; the :class:`~timeline.Timeline`
builds one with :meth:`~timeline.Timeline.chronology`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime

import attrs

from citations import Reference
from timeline.domain import Citation, Event, Evidence

__all__ = ["Chronology", "ChronologyEntry", "JournalState"]


@attrs.frozen
class JournalState:
    """The journal state a document was made from: head ``seq`` and its ``hash``."""

    seq: int
    hash: str


@attrs.frozen
class ChronologyEntry:
    """One event of a chronology with its citations; ``retracted`` when it was withdrawn.

    ``evidence`` is what the citations' sources claim, grouped by field and
    value (:func:`~timeline.domain.evidence`); ``disputed`` the fields whose
    claims disagree (:func:`~timeline.domain.disputed_fields`).
    """

    event: Event
    citations: tuple[Citation, ...] = ()
    retracted: bool = False
    evidence: tuple[Evidence, ...] = ()
    disputed: tuple[str, ...] = ()


def _references(value: Mapping[str, Reference]) -> tuple[tuple[str, Reference], ...]:
    return tuple(sorted(value.items()))


@attrs.frozen
class Chronology:
    """Events in historical order, the references they cite, and where they came from.

    ``references`` holds every reference cited by an entry (keyed by citation
    key, sorted); ``made_at`` is when the chronology was built (UTC).
    """

    entries: tuple[ChronologyEntry, ...]
    references: tuple[tuple[str, Reference], ...] = attrs.field(converter=_references)
    state: JournalState
    made_at: datetime
    title: str = "Chronology"

    def __iter__(self) -> Iterator[ChronologyEntry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    @property
    def reference_map(self) -> dict[str, Reference]:
        """The references as a new dict keyed by citation key."""
        return dict(self.references)

    def cited_keys(self) -> tuple[str, ...]:
        """Citation keys in order of first citation."""
        seen: dict[str, None] = {}
        for entry in self.entries:
            for citation in entry.citations:
                seen.setdefault(citation.key, None)
        return tuple(seen)
