"""The :class:`Chronology` projection: selected events in historical order, with
their citations, what their sources claim, the references they cite, and the
journal state they came from.

Every document renderer takes a :class:`Chronology`; the :class:`~timeline.Timeline`
builds one with :meth:`~timeline.Timeline.chronology`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import overload

import attrs

from citations import Reference
from timeline.domain import Citation, Event, Evidence, Period

__all__ = ["Chronology", "ChronologyEntry", "JournalState", "StreamedEntries"]


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


class StreamedEntries(Sequence[ChronologyEntry]):
    """A chronology's entries, read anew by ``read`` each time they are iterated.

    :meth:`~timeline.Timeline.chronology` with ``stream=True`` gives these: a page of
    events at a time comes from the views, as of the chronology's state, so a
    renderer that goes through them once (as :func:`~timeline.documents.write_markdown`
    does) holds a page, not the document. ``len()`` and indexing read them all.
    """

    def __init__(self, read: Callable[[], Iterator[ChronologyEntry]]) -> None:
        self._read = read

    def __iter__(self) -> Iterator[ChronologyEntry]:
        return self._read()

    def __len__(self) -> int:
        return sum(1 for _ in self._read())

    @overload
    def __getitem__(self, index: int) -> ChronologyEntry: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[ChronologyEntry, ...]: ...
    def __getitem__(self, index: int | slice) -> ChronologyEntry | tuple[ChronologyEntry, ...]:
        return tuple(self._read())[index]


def _references(value: Mapping[str, Reference]) -> tuple[tuple[str, Reference], ...]:
    return tuple(sorted(value.items()))


@attrs.frozen
class Chronology:
    """Events in historical order, the references they cite, and where they came from.

    ``entries`` is a tuple, or :class:`StreamedEntries` read from the views as
    they are iterated; ``references`` holds every reference cited by an entry (keyed
    by citation key, sorted); ``made_at`` is when the chronology was built (UTC);
    ``periods`` the period definitions recorded then (not retracted), which headings
    by period name (``group_by="period"``).
    """

    entries: Sequence[ChronologyEntry]
    references: tuple[tuple[str, Reference], ...] = attrs.field(converter=_references)
    state: JournalState
    made_at: datetime
    title: str = "Chronology"
    periods: tuple[Period, ...] = ()

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
