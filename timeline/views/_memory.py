"""The in-memory views: every row version in Python lists, for tests and to prove the port.

Each entity keeps its versions in order, each with the ``seq`` range it held in
(``valid_to`` is :data:`OPEN` while it holds), as the SQLite tables do.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Generator, Iterable, Sequence
from typing import Any

import attrs

from citations import Reference
from timeline.domain import (
    Event,
    EventState,
    PeriodDefined,
    PeriodRetracted,
    PeriodRevised,
    ReferenceState,
    apply,
    decode,
    event_stream,
    reference_stream,
)
from timeline.errors import DomainError
from timeline.journal import Record
from timeline.views._port import (
    Batch,
    EventFields,
    EventQuery,
    EventTally,
    Progress,
    ReferenceRow,
    event_order,
    reference_rows,
)
from timeline.views._rows import OPEN


@attrs.define
class _Held:
    """One version of an entity and the ``seq`` range it held in."""

    valid_from: int
    value: Any
    valid_to: int = OPEN

    def held(self, as_of: int | None) -> bool:
        if as_of is None:
            return self.valid_to == OPEN
        return self.valid_from <= as_of < self.valid_to


def _now(versions: Sequence[_Held], as_of: int | None) -> Any:
    for version in reversed(versions):
        if version.held(as_of):
            return version.value
    return None


def _same(reference: Reference) -> Reference:
    return reference


def _plain(versions: Iterable[_Held]) -> list[tuple[int, int, Any]]:
    return [(v.valid_from, v.valid_to, v.value) for v in versions]


def _texts(event: Event, lang: str | None) -> list[str]:
    titles, summaries = event.title.as_dict(), event.summary.as_dict()
    languages = sorted(set(titles) | set(summaries))
    return [
        text
        for language in languages
        if lang is None or language == lang
        for text in (titles.get(language, ""), summaries.get(language, ""))
    ]


def _matches(view: EventState, query: EventQuery) -> bool:
    event = view.event
    lower, upper = event.when.bounds
    citing = {citation.key for citation in view.citations}
    text = query.text.casefold() if query.text else ""
    return (
        (query.ids is None or event.id in query.ids)
        and (query.include_retracted or not view.retracted)
        and (query.upper is None or lower <= query.upper)
        and (query.lower is None or upper >= query.lower)
        and (not query.actors or any(actor.code in query.actors for actor in event.actors))
        and (not query.tags or any(tag in query.tags for tag in event.tags))
        and (not query.categories or event.category in query.categories)
        and (query.importance is None or event.importance >= query.importance)
        and (not text or any(text in part.casefold() for part in _texts(event, query.lang)))
        and (not query.citing or bool(citing & set(query.citing)))
        and (not query.unsourced or not citing)
        and (not query.claimed or bool(view.claims))
    )


class MemoryViews:
    """The views as Python structures (nothing is stored; not transactional)."""

    def __init__(self) -> None:
        self._seq: int | None = 0
        self._streams: dict[str, list[_Held]] = {}  # stream -> versions of its state

    # -- applying changes -----------------------------------------------------

    def apply(self, batch: Batch) -> None:
        """Bring the views up to date with ``batch``, all or nothing: each stream's state
        after the change (:func:`timeline.domain.apply`) holds from the record's ``seq``.

        A change that does not fit raises, and the batch's earlier changes are undone.
        Period changes are no views' business: the timeline folds their stream itself.
        """
        seq = self._seq
        done: list[tuple[str, _Held | None]] = []  # (stream, the version the change ended)
        try:
            for record, change in batch:
                if isinstance(change, PeriodDefined | PeriodRevised | PeriodRetracted):
                    self._seq = record.seq
                    continue
                versions = self._streams.get(change.stream, [])
                current = versions[-1] if versions and versions[-1].valid_to == OPEN else None
                state = apply(current.value if current else None, change)
                if current is not None:
                    current.valid_to = record.seq
                self._streams.setdefault(change.stream, versions).append(_Held(record.seq, state))
                done.append((change.stream, current))
                self._seq = record.seq
        except BaseException:
            for stream, ended in reversed(done):
                self._streams[stream].pop()
                if ended is not None:
                    ended.valid_to = OPEN
                if not self._streams[stream]:
                    del self._streams[stream]
            self._seq = seq
            raise

    def checkpoint(self) -> int | None:
        """The last ``seq`` applied."""
        return self._seq

    def catch_up(self, records: Iterable[Record], progress: Progress | None = None) -> bool:
        """Apply ``records``; False (the views are left to be rebuilt) if they do not fit."""
        count = 0
        try:
            for record in records:
                self.apply([(record, decode(record))])
                count += 1
        except (DomainError, LookupError, TypeError):
            self._seq = None
            return False
        if progress is not None:
            progress(count)
        return True

    def rebuild(self, records: Iterable[Record], progress: Progress | None = None) -> int:
        """Forget everything and apply every record of ``records``."""
        self.__init__()  # type: ignore[misc]
        count = 0
        for record in records:
            self.apply([(record, decode(record))])
            count += 1
            if progress is not None and count % 1000 == 0:
                progress(count)
        if progress is not None:
            progress(count)
        return count

    def replica(self, records: Iterable[Record]) -> MemoryViews:
        """New in-memory views built from ``records``."""
        views = MemoryViews()
        views.rebuild(records)
        return views

    # -- queries --------------------------------------------------------------

    def _view(self, event_id: str, as_of: int | None) -> EventState | None:
        state: EventState | None = _now(self._streams.get(event_stream(event_id), ()), as_of)
        return state

    def event(self, event_id: str, *, as_of: int | None = None) -> EventState | None:
        """The event with this id (retracted or not), or None."""
        return self._view(event_id, as_of)

    def _all(self, as_of: int | None) -> list[EventState]:
        states = (_now(versions, as_of) for versions in self._streams.values())
        return sorted((s for s in states if isinstance(s, EventState)), key=event_order)

    def events(self, query: EventQuery, *, as_of: int | None = None) -> list[EventState]:
        """The events ``query`` selects, in historical order."""
        return [view for view in self._all(as_of) if _matches(view, query)]

    def iter_events(
        self, query: EventQuery, *, as_of: int | None = None, page: int = 2000
    ) -> Generator[EventState, None, None]:
        """The events of :meth:`events` (held in memory already: ``page`` changes nothing)."""
        yield from self.events(query, as_of=as_of)

    def event_fields(
        self, query: EventQuery, names: tuple[str, ...], *, as_of: int | None = None
    ) -> list[EventFields]:
        """The events of :meth:`events` as the fields ``names`` of each."""
        return [
            EventFields(view.event.id, view.retracted, tuple(getattr(view.event, n) for n in names))
            for view in self.events(query, as_of=as_of)
        ]

    def cited_keys(self, query: EventQuery, *, as_of: int | None = None) -> list[str]:
        """The reference keys the events ``query`` selects cite, sorted (merges not followed)."""
        found = self.events(query, as_of=as_of)
        return sorted({citation.key for view in found for citation in view.citations})

    def event_tally(self, query: EventQuery, *, as_of: int | None = None) -> EventTally:
        """How many of the events ``query`` selects have a title in each language, and how
        many of them are retracted."""
        found = self.events(query, as_of=as_of)
        titles = Counter(lang for view in found for lang in view.event.title.languages)
        return EventTally(dict(titles), sum(view.retracted for view in found))

    def events_dated(
        self, lower: int, upper: int, *, title: Sequence[str] = (), as_of: int | None = None
    ) -> list[EventState]:
        """Events (retracted too) with exactly these bounds; when there are more than 32 and
        every text of ``title`` has 3 characters or more, only those whose title holds one."""
        found = [view for view in self._all(as_of) if view.event.when.bounds == (lower, upper)]
        texts = [text.strip().casefold() for text in title]
        if len(found) > 32 and texts and all(len(text) >= 3 for text in texts):
            found = [
                view
                for view in found
                if any(
                    text in part.casefold()
                    for text in texts
                    for part in view.event.title.as_dict().values()
                )
            ]
        return found

    def events_on(
        self, bounds: Collection[tuple[int, int]], *, as_of: int | None = None
    ) -> list[EventState]:
        """Events (retracted too) whose ``(lower, upper)`` day bounds are one of ``bounds``."""
        wanted = set(bounds)
        return [view for view in self._all(as_of) if view.event.when.bounds in wanted]

    def reference(self, key: str, *, as_of: int | None = None) -> ReferenceState | None:
        """The reference with this key (merged or not), or None."""
        state: ReferenceState | None = _now(self._streams.get(reference_stream(key), ()), as_of)
        return state

    def references(
        self,
        *,
        keys: Iterable[str] | None = None,
        include_merged: bool = False,
        as_of: int | None = None,
    ) -> list[ReferenceState]:
        """References by key: all of them, or those of ``keys``; merged ones when asked."""
        if keys is None:
            states = (_now(versions, as_of) for versions in self._streams.values())
            found = [s for s in states if isinstance(s, ReferenceState)]
        else:
            read = (self.reference(key, as_of=as_of) for key in set(keys))
            found = [s for s in read if s is not None]
        found = [s for s in found if include_merged or s.merged_into is None]
        return sorted(found, key=lambda state: state.reference.key)

    def reference_rows(
        self, keys: Iterable[str], *, as_of: int | None = None
    ) -> list[ReferenceRow]:
        """The references of ``keys`` (merged ones too) in key order, each ``read`` as held."""
        found = self.references(keys=keys, include_merged=True, as_of=as_of)
        return reference_rows(((s.reference.key, s.merged_into, s.reference) for s in found), _same)

    def reference_keys(self, keys: Iterable[str], *, as_of: int | None = None) -> set[str]:
        """Those of ``keys`` that name a reference (merged or not), no reference read."""
        return {key for key in keys if self.reference(key, as_of=as_of) is not None}

    def merged_into(self, key: str, *, as_of: int | None = None) -> list[str]:
        """The keys of the references merged into ``key`` directly, sorted."""
        return [
            view.reference.key
            for view in self.references(include_merged=True, as_of=as_of)
            if view.merged_into == key
        ]

    # -- checking -------------------------------------------------------------

    def differences(self, records: Iterable[Record], *, limit: int = 5) -> tuple[str, ...]:
        """Where the views differ from a replay of ``records``, naming the stream."""
        fresh = self.replica(records)
        found = [
            f"stream {stream!r} differs from the journal"
            for stream in sorted(self._streams.keys() | fresh._streams.keys())
            if _plain(self._streams.get(stream, [])) != _plain(fresh._streams.get(stream, []))
        ]
        if self._seq != fresh._seq:
            found.insert(0, f"checkpoint {self._seq} differs from the journal's {fresh._seq}")
        return tuple(found[:limit])

    def damage(self) -> str:
        """Nothing can damage Python structures: always ""."""
        return ""
