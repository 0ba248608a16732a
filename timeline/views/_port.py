"""The Views port: what the application asks of any views adapter, and the values it gets.

Every query takes ``as_of``: ``None`` for the views at their checkpoint, or a
journal ``seq`` at or before it, answered from the row versions that held then
(nothing is replayed).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Generator, Iterable, Sequence
from typing import Any, NamedTuple, Protocol

import attrs

from citations import Reference
from timeline.dates import When, format_edtf
from timeline.domain import Change, EventState, ReferenceState
from timeline.journal import Record

#: A batch of records with the changes they state, in journal order.
Batch = Sequence[tuple[Record, Change]]

#: Called with the number of records applied so far.
Progress = Callable[[int], None]


def event_order(view: EventState) -> tuple[Any, ...]:
    """The key of the historical order :meth:`Views.events` gives: first day, the wider
    first, first second, EDTF text, id."""
    return when_order(view.event.when, view.event.id)


def when_order(when: When, event_id: str) -> tuple[Any, ...]:
    """:func:`event_order`'s key of an event's date and id."""
    lower, upper = when.bounds
    return (lower, -upper, when.sort_key[2], format_edtf(when), event_id)


def _codes(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(value.strip().upper() for value in values)


def _words(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(value.strip().lower() for value in values)


def _keys(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


def _ids(values: Iterable[str] | None) -> frozenset[str] | None:
    return None if values is None else frozenset(values)


@attrs.frozen(kw_only=True)
class EventQuery:
    """Which events :meth:`Views.events` returns (every given condition must hold).

    ``lower``/``upper`` keep events whose day bounds (Julian Day Numbers)
    overlap them; ``actors``, ``categories`` and ``tags`` keep events with any of
    those; ``importance`` is a minimum; ``text`` is searched in titles and
    summaries (in ``lang`` only, if given); ``citing`` keeps events citing one
    of these keys; ``unsourced`` keeps events citing nothing; ``claimed`` keeps
    events whose citations claim a value for some field; ``ids`` (unless None)
    keeps the events with these ids.
    """

    lower: int | None = None
    upper: int | None = None
    actors: tuple[str, ...] = attrs.field(default=(), converter=_codes)
    categories: tuple[str, ...] = attrs.field(default=(), converter=_words)
    tags: tuple[str, ...] = attrs.field(default=(), converter=_words)
    importance: int | None = None
    text: str | None = None
    lang: str | None = None
    include_retracted: bool = False
    citing: tuple[str, ...] = attrs.field(default=(), converter=_keys)
    unsourced: bool = False
    claimed: bool = False
    ids: frozenset[str] | None = attrs.field(default=None, converter=_ids)


class EventFields(NamedTuple):
    """Some fields of an event, read without building it (:meth:`Views.event_fields`)."""

    id: str
    retracted: bool
    #: The values of the fields asked for, in their order, as :class:`~timeline.domain.Event`
    #: holds them.
    values: tuple[Any, ...]


class ReferenceRow(NamedTuple):
    """A reference's key and merge target, read without building the reference
    (:meth:`Views.reference_rows`): :meth:`read` builds it from what was stored."""

    key: str
    #: The key it was merged into, None when it was not.
    merged_into: str | None
    #: What the views hold of it (a SQL adapter: its JSON), and what builds it from that.
    stored: Any
    decode: Callable[[Any], Reference]

    def read(self) -> Reference:
        """The reference."""
        return self.decode(self.stored)


def reference_rows(
    found: Iterable[Sequence[Any]], decode: Callable[[Any], Reference]
) -> list[ReferenceRow]:
    """:class:`ReferenceRow` of each ``key, merged_into, stored`` of ``found``, built by
    ``decode`` (made as plain tuples are: a NamedTuple's own constructor is Python code)."""
    new = tuple.__new__
    return [new(ReferenceRow, (key, merged, stored, decode)) for key, merged, stored in found]


class EventTally(NamedTuple):
    """What a page of the events a query selects needs before their first entry
    (:meth:`Views.event_tally`)."""

    #: How many of the events have a title in each language.
    titles: dict[str, int]
    #: How many of them are retracted.
    retracted: int


class Views(Protocol):
    """Read models derived from the journal, kept in step with it by :meth:`apply`."""

    def apply(self, batch: Batch) -> None:
        """Bring the views up to date with ``batch`` (inside the journal's write transaction),
        all or nothing: if it raises, the views are as they were before."""

    def checkpoint(self) -> int | None:
        """The last ``seq`` applied, or None when the views must be rebuilt."""

    def catch_up(self, records: Iterable[Record], progress: Progress | None = None) -> bool:
        """Apply the records after the checkpoint; False (nothing applied) when they do not fit."""

    def rebuild(self, records: Iterable[Record], progress: Progress | None = None) -> int:
        """Drop the views and build them again from every record; returns the count."""

    def event(self, event_id: str, *, as_of: int | None = None) -> EventState | None:
        """The event with this id (retracted or not), or None."""

    def events(self, query: EventQuery, *, as_of: int | None = None) -> list[EventState]:
        """The events ``query`` selects, in historical order."""

    def iter_events(
        self, query: EventQuery, *, as_of: int | None = None, page: int = 2000
    ) -> Generator[EventState, None, None]:
        """The events of :meth:`events`, read ``page`` events at a time (the memory they
        take is a page's, not the result's); close the iterator when stopping early."""

    def event_fields(
        self, query: EventQuery, names: tuple[str, ...], *, as_of: int | None = None
    ) -> list[EventFields]:
        """The events of :meth:`events`, in that order, as the fields ``names`` of each
        (field names of :class:`~timeline.domain.Event`; no citations or claims read)."""

    def cited_keys(self, query: EventQuery, *, as_of: int | None = None) -> list[str]:
        """The reference keys the events ``query`` selects cite, sorted (merges not followed)."""

    def event_tally(self, query: EventQuery, *, as_of: int | None = None) -> EventTally:
        """How many of the events ``query`` selects have a title in each language, and how
        many of them are retracted (no event read)."""

    def events_dated(
        self, lower: int, upper: int, *, title: Sequence[str] = (), as_of: int | None = None
    ) -> list[EventState]:
        """Events (retracted too) with exactly these bounds; when there are many and every
        text of ``title`` has 3 characters or more, only those whose title contains one."""

    def events_on(
        self, bounds: Collection[tuple[int, int]], *, as_of: int | None = None
    ) -> list[EventState]:
        """Events (retracted too) whose ``(lower, upper)`` day bounds are one of ``bounds``."""

    def reference(self, key: str, *, as_of: int | None = None) -> ReferenceState | None:
        """The reference with this key (merged or not), or None."""

    def references(
        self,
        *,
        keys: Iterable[str] | None = None,
        include_merged: bool = False,
        as_of: int | None = None,
    ) -> list[ReferenceState]:
        """References by key: all of them, or those of ``keys``; merged ones when asked."""

    def reference_rows(
        self, keys: Iterable[str], *, as_of: int | None = None
    ) -> list[ReferenceRow]:
        """The references of ``keys`` (merged ones too) in key order, each to be built when
        asked: what :meth:`references` finds, its decoding left to ``read``."""

    def reference_keys(self, keys: Iterable[str], *, as_of: int | None = None) -> set[str]:
        """Those of ``keys`` that name a reference (merged or not), no reference read."""

    def merged_into(self, key: str, *, as_of: int | None = None) -> list[str]:
        """The keys of the references merged into ``key`` directly, sorted."""

    def replica(self, records: Iterable[Record]) -> Views:
        """New views of the same kind, held in memory, built from ``records``."""

    def differences(self, records: Iterable[Record], *, limit: int = 5) -> tuple[str, ...]:
        """Where the views differ from a replay of ``records`` (those up to the checkpoint)."""

    def damage(self) -> str:
        """What a check of the storage the views are kept in finds wrong ("" when sound)."""
