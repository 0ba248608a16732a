"""The :class:`Timeline`: commands that check the current state and append
changes to the journal, and queries answered by the read models.

A command flows one way: arguments → change → codec → journal, with the views
updated in the journal's write transaction. Commands that depend on another
entity (citing a reference) re-check it inside that transaction, and a command
that loses a race for its own stream is retried against the new state, so no
command is lost without an error.
"""

from __future__ import annotations

import bisect
import collections
import contextlib
import getpass
import heapq
import itertools
import os
import warnings
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal, TextIO, TypeVar

import attrs

from citations import Reference
from timeline._collector import collector_paused
from timeline._seen import Seen
from timeline._storage import Storage, open_storage, shown, storage_exists
from timeline.chronology import (
    Chronology,
    ChronologyEntry,
    JournalState,
    StreamedEntries,
    StreamedReferences,
    Tally,
    with_references_read_later,
)
from timeline.dates import (
    MAX_BOUND,
    MIN_BOUND,
    When,
    format_edtf,
)
from timeline.domain import (
    CLAIM_FIELDS,
    EVENT_FIELDS,
    PERIODS_STREAM,
    UNDATED,
    Change,
    Citation,
    CitationAdded,
    CitationRemoved,
    Claim,
    ClaimFollowed,
    ClaimRecorded,
    ClaimRevised,
    ClaimWithdrawn,
    Event,
    EventChange,
    EventRecorded,
    EventRestored,
    EventRetracted,
    EventRevised,
    EventState,
    Evidence,
    LocalizedText,
    Period,
    PeriodBook,
    PeriodChange,
    PeriodDefined,
    PeriodRetracted,
    PeriodRevised,
    Rank,
    ReferenceAdded,
    ReferenceAmended,
    ReferenceMerged,
    ReferenceState,
    Stance,
    apply,
    check_field,
    citation_id,
    claim_id,
    concluded,
    decode,
    disputed_fields,
    encode,
    event_stream,
    evidence,
    read_claim,
    read_event_fields,
    read_text,
    read_when,
)
from timeline.errors import (
    AmbiguousPeriod,
    CorruptJournal,
    DocumentError,
    DomainError,
    DuplicateEvent,
    DuplicatePeriod,
    DuplicateReference,
    InvalidChange,
    InvalidClaim,
    JournalExists,
    JournalReadOnly,
    JournalUsageError,
    PossibleDuplicateEvent,
    ReadOnlyTimeline,
    UnknownCitation,
    UnknownClaim,
    UnknownEvent,
    UnknownPeriod,
    UnknownReference,
    VersionConflict,
)
from timeline.importing import ImportPlan, ImportStream, Origin, Revision
from timeline.journal import (
    GENESIS_HASH,
    NO_STREAM,
    Batch,
    Draft,
    ExpectedVersion,
    Head,
    Journal,
    Record,
    VerifyReport,
    built_aside,
    is_postgres_target,
)
from timeline.views import EventFields, EventQuery, ReferenceRow, Views, event_order, when_order

if TYPE_CHECKING:
    from citations import Problem

__all__ = [
    "Difference",
    "Dispute",
    "FieldDiff",
    "HistoryEntry",
    "ImportSummary",
    "ImportedEntry",
    "Timeline",
    "default_author",
]

_RETRIES = 5

#: An event as some query reads it (a state, or some of its fields).
_Item = TypeVar("_Item")

#: The field names of an event (what :meth:`Timeline.event_fields` reads).
_EVENT_FIELDS = tuple(field.name for field in attrs.fields(Event))

#: The fields of an event that place it in order, by its period if it has no date of its own.
_PLACING = ("when", "when_from_period", "during")

#: Changes appended (and applied to the views) together by an import.
_CHUNK = 10_000
#: Events (and reference keys) a streamed chronology reads at a time.
_PAGE = 1000

#: How many entries an import's summary lists unless asked for another number (it
#: counts them all).
LISTED = 1000


def default_author() -> str:
    """``$TIMELINE_AUTHOR``, else the login name, else ``"unknown"``."""
    author = os.environ.get("TIMELINE_AUTHOR")
    if author:
        return author
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # pragma: no cover - no login name at all
        return "unknown"


def _slug(text: str, limit: int = 48) -> str:
    """``text`` as lowercase ASCII words joined by ``-``, cut at a word within ``limit``.

    Chinese becomes pinyin and Russian BGN/PCGN (:func:`citations.keys.transliterate`,
    imported here: pypinyin's dictionaries take long to load).
    """
    from citations.keys import transliterate

    slug = transliterate(text, "-")
    if len(slug) <= limit:
        return slug
    cut = slug[: limit + 1].rsplit("-", 1)[0]
    return cut if "-" in slug[: limit + 1] else slug[:limit]


def _same_title(a: LocalizedText, b: LocalizedText) -> bool:
    """Whether the titles agree in every language both have (one at least; case aside)."""

    def norm(text: str) -> str:
        return " ".join(text.casefold().split())

    ours, theirs = a.as_dict(), b.as_dict()
    shared = ours.keys() & theirs.keys()
    return bool(shared) and all(norm(ours[lang]) == norm(theirs[lang]) for lang in shared)


@attrs.frozen
class ImportSummary:
    """What an import recorded (or, for a dry run, would record), and what it found.

    ``references``, ``events``, ``citations``, ``revisions`` and ``claims``
    count the changes of each sort recorded (references added or amended,
    events recorded, citations added, events revised, claims recorded or
    revised); ``records`` all of them. ``added``, ``changed``, ``unchanged``,
    ``missing`` and ``moved`` count the files' entries (references and events):
    missing ones were imported from these files before and are gone from them
    (``retracted`` of them were retracted); moved ones are references with a
    new citation key that are one gone from the files under an old key (the same
    Zotero item, or the same content or DOI). ``entries``
    lists what is not unchanged, in the order found, up to the import's ``listed``
    limit (:data:`LISTED` unless given); ``unlisted`` counts those left out.
    ``problems`` are what a tolerant BibTeX read skipped or warned about.
    """

    references: int
    events: int
    citations: int
    revisions: int
    claims: int = 0
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    missing: int = 0
    moved: int = 0
    retracted: int = 0
    records: int = 0
    dry_run: bool = False
    entries: tuple[ImportedEntry, ...] = ()
    unlisted: int = 0
    problems: tuple[Problem, ...] = ()


@attrs.frozen
class FieldDiff:
    """One field's value before and after a change (``None``: absent)."""

    field: str
    old: Any
    new: Any


@attrs.frozen
class ImportedEntry:
    """What an import does with one entry: ``status`` is ``added``, ``changed``,
    ``missing``, ``retracted`` (missing, and retracted by ``retract_missing``) or
    ``moved``; ``kind`` ``reference``, ``event``, ``citation`` or ``claim``; ``id``
    its key or id; ``origin`` where it was read (or, missing, the file it is gone
    from); ``diffs`` the fields that change; ``note`` more (a moved key's new key)."""

    status: str
    kind: str
    id: str
    origin: str
    diffs: tuple[FieldDiff, ...] = ()
    note: str = ""


@attrs.frozen
class Difference:
    """What changed about one event or reference between two states of the journal.

    ``status`` is ``added``, ``changed``, ``retracted`` or ``restored`` (an event),
    ``added``, ``changed`` or ``merged`` (a reference); ``diffs`` the fields, citations
    and claims that differ (``None``: absent on that side)."""

    status: str
    kind: str
    id: str
    diffs: tuple[FieldDiff, ...] = ()


@attrs.frozen
class HistoryEntry:
    """One change to an event: when it was recorded, by whom, why, and what it changed."""

    seq: int
    recorded_at: datetime
    kind: str
    author: str
    reason: str
    diffs: tuple[FieldDiff, ...]


@attrs.frozen
class Dispute:
    """A field of an event whose sources disagree, with the evidence for each value."""

    event: Event
    field: str
    evidence: tuple[Evidence, ...]


def _rekeyed(citation: Citation, moved: Mapping[str, str]) -> Citation:
    """The citation pointing to its reference's surviving key (``moved``: the surviving key
    of each merged one)."""
    key = moved.get(citation.key)
    return citation if key is None else attrs.evolve(citation, key=key)


def _moved(surviving: Mapping[str, Reference | ReferenceRow]) -> dict[str, str]:
    """The keys of ``surviving`` whose reference is another's (merged), with that one's."""
    return {key: ref.key for key, ref in surviving.items() if ref.key != key}


def _entry(view: EventState, moved: Mapping[str, str]) -> ChronologyEntry:
    """A chronology's entry for an event, its citations pointing to the surviving keys
    (``moved``: those of the merged keys; most timelines have none)."""
    citations = view.citations
    if moved and any(citation.key in moved for citation in citations):
        citations = tuple(_rekeyed(c, moved) for c in citations)
    if not view.claims:  # most events: no evidence, nothing disputed
        return ChronologyEntry(view.event, citations, view.retracted)
    return ChronologyEntry(
        view.event,
        citations,
        retracted=view.retracted,
        evidence=tuple(
            attrs.evolve(item, sources=tuple((k, _rekeyed(c, moved)) for k, c in item.sources))
            for item in evidence(view)
        ),
        disputed=disputed_fields(view),
    )


def _read(rows: Iterable[ReferenceRow]) -> dict[str, Reference]:
    """The references of ``rows`` by key (many small values, no cycles: collector paused)."""
    with collector_paused():
        return {row.key: row.read() for row in rows}


def _decoded(
    stored: Mapping[str, Any], decode: Callable[[Any], Reference] | None
) -> dict[str, Reference]:
    """The references ``decode`` makes of what the views ``stored`` of them, by key."""
    if decode is None:  # (none stored)
        return {}
    with collector_paused():
        return {key: decode(data) for key, data in stored.items()}


def _field(event: Event | None, name: str) -> Any:
    """A field's value as a history shows it: None for an absent event, and for the
    ``when`` of one with no date of its own."""
    if event is None or (name == "when" and event.when_from_period):
        return None
    return getattr(event, name)


def _diffs(before: EventState | None, after: EventState) -> tuple[FieldDiff, ...]:
    """What changed from one state of an event to the next (``before`` None: recorded)."""
    old_event = before.event if before is not None else None
    diffs = [
        FieldDiff(name, old, new)
        for name in EVENT_FIELDS
        if (old := _field(old_event, name)) != (new := _field(after.event, name))
    ]
    if before is not None and before.retracted != after.retracted:
        diffs.append(FieldDiff("retracted", before.retracted, after.retracted))
    old_ids = [c.id for c in before.citations] if before is not None else []
    new_ids = [c.id for c in after.citations]
    diffs += [FieldDiff("citations", cid, None) for cid in old_ids if cid not in new_ids]
    diffs += [FieldDiff("citations", None, cid) for cid in new_ids if cid not in old_ids]
    return tuple(diffs)


class Timeline:
    """A research timeline: historical events, references and citations, kept as a journal.

    Open one with :meth:`open` (a file path, or ``":memory:"``). Commands
    (:meth:`add_event`, :meth:`revise`, :meth:`cite`, ...) append changes; queries
    (:meth:`events`, :meth:`history`, ...) read the read models. :meth:`as_of`
    gives a read-only view of the timeline as it stood at an earlier moment.
    """

    def __init__(
        self,
        journal: Journal,
        views: Views,
        *,
        author: str | None = None,
        upto: int | None = None,
        typed_errors: Callable[[], contextlib.AbstractContextManager[None]] = (
            contextlib.nullcontext
        ),
    ) -> None:
        self._journal = journal
        self._views = views
        self._typed_errors = typed_errors
        self._stored = views  # the views kept with the journal (self._views may be a replica)
        self._author = author or default_author()
        self._upto = upto
        self._book: tuple[int, PeriodBook] | None = None  # the periods stream's fold, by version

    # -- opening --------------------------------------------------------------

    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str] = ":memory:",
        *,
        author: str | None = None,
        synchronous: Literal["NORMAL", "FULL"] = "NORMAL",
        progress: Callable[[int], None] | None = None,
        busy_timeout: float = 30.0,
        read_only: bool = False,
    ) -> Timeline:
        """Open (or create) the timeline stored at ``path``: a file, ``":memory:"``, or a
        PostgreSQL URL (``postgresql://user@host/db#schema``: the journal and its views in
        that schema, ``timeline`` when no ``#schema`` is given; every libpq parameter, such as
        ``sslmode``, ``passfile`` or ``service``, in its query; the ``postgres`` extra).

        Read models behind the journal (after a crash, or a journal loaded
        from a dump) are brought up to date here; ``progress`` sees the count.
        A command waits up to ``busy_timeout`` seconds for another process's
        lock, then raises :class:`JournalBusy`. ``read_only=True`` (or a
        ``file:...?mode=ro`` URI) never writes to the file: read models that
        are behind are replayed in memory instead. A file holding SQL objects
        timeline did not create is refused with :class:`UntrustedJournal`.
        """
        storage = open_storage(
            path, synchronous=synchronous, busy_timeout=busy_timeout, read_only=read_only
        )
        try:
            with storage.typed_errors():
                timeline = cls._of(storage, author)
                timeline._catch_up(progress)
        except BaseException:
            storage.journal.close()
            raise
        return timeline

    @classmethod
    def _of(cls, storage: Storage, author: str | None) -> Timeline:
        return cls(storage.journal, storage.views, author=author, typed_errors=storage.typed_errors)

    def typed_errors(self) -> contextlib.AbstractContextManager[None]:
        """A context turning the storage's own errors (SQLite's) into typed
        :class:`JournalError` s naming the file."""
        return self._typed_errors()

    def _catch_up(self, progress: Callable[[int], None] | None) -> None:
        """Bring the views level with the journal; no lock is taken when they are.

        Views that cannot be caught up (their checkpoint was set back, so
        records would apply twice) are rebuilt. A file that cannot be written
        gets views replayed in memory.
        """
        if self._views.checkpoint() == self._journal.head().seq:
            return
        if self._journal.read_only:
            self._views = self._replica()
            return
        try:
            with self._journal.transaction(), collector_paused():
                seq = self._views.checkpoint()
                head = self._journal.head().seq
                if seq is None or seq > head or not self._caught_up(seq, progress):
                    with contextlib.closing(self._journal.read()) as records:
                        self._views.rebuild(records, progress)
        except JournalReadOnly:
            self._views = self._replica()

    def _caught_up(self, seq: int, progress: Callable[[int], None] | None) -> bool:
        with contextlib.closing(self._journal.read(after=seq)) as records:
            return self._views.catch_up(records, progress)

    def _replica(self) -> Views:
        """Views of the whole journal held in memory (for a file that cannot be written)."""
        with contextlib.closing(self._journal.read()) as records:
            return self._views.replica(records)

    def close(self) -> None:
        """Close the journal file."""
        self._journal.close()

    def __enter__(self) -> Timeline:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @property
    def journal(self) -> Journal:
        """The underlying journal."""
        return self._journal

    @property
    def read_only(self) -> bool:
        """True for an :meth:`as_of` view."""
        return self._upto is not None

    # -- commands -------------------------------------------------------------

    def _append(
        self,
        build: Callable[[], tuple[Change | Sequence[Change], ExpectedVersion] | None],
        check: Callable[[], None] | None = None,
    ) -> Record | None:
        """Build changes (to one stream) from the current state and append them, retrying
        lost races; returns the first record.

        The last attempt builds inside the write transaction, holding the journal's lock:
        the state it reads is the latest, so however many writers race, it cannot lose."""
        if self.read_only:
            raise ReadOnlyTimeline("this is an as-of view of the timeline; it cannot be changed")
        for attempt in range(_RETRIES):
            last = attempt == _RETRIES - 1
            with self._journal.transaction() if last else contextlib.nullcontext():
                built = build()
                if built is None:
                    return None
                made, expected = built
                changes = [made] if isinstance(made, Change) else list(made)

                def then(records: Sequence[Record], changes: list[Change] = changes) -> None:
                    if check is not None:
                        check()
                    self._views.apply(list(zip(records, changes, strict=True)))

                try:
                    stored = self._journal.append(
                        changes[0].stream,
                        [encode(change) for change in changes],
                        expected_version=expected,
                        then=then,
                    )
                except VersionConflict:
                    if last:
                        raise
                    continue
            return stored[0]
        raise AssertionError("unreachable")  # pragma: no cover

    def _meta(self, author: str | None, reason: str) -> dict[str, str]:
        return {"author": author or self._author, "reason": reason}

    def add_event(
        self,
        event: Event | None = None,
        *,
        id: str | None = None,
        when: When | str | None = None,
        title: LocalizedText | Mapping[str, str] | str | None = None,
        lang: str = "en",
        reason: str = "",
        author: str | None = None,
        old_style: bool = False,
        document_date: When | str | None = None,
        during: str | None = None,
        **fields: Any,
    ) -> Event:
        """Put a new event on the timeline and return it.

        Pass an :class:`Event`, or its parts: ``when`` may be a date value, an
        EDTF string or a phrase in ``lang`` ("2 March 1969", "2019年6月初");
        ``old_style=True`` reads an unmarked phrase before 14 February 1918 as
        Julian, and ``document_date`` anchors a relative one ("last June"), as
        :func:`~timeline.dates.parse_date` does.
        ``title`` a mapping of language to text, or one string in ``lang``.
        Without ``id`` one is derived from the date and the English title
        (else the original, in pinyin or BGN/PCGN romanisation:
        ``1969-03-02-zhen-bao-dao-shi-jian``). Raises :class:`DuplicateEvent`
        if the id is taken; warns :class:`PossibleDuplicateEvent` (and records
        it all the same) when an event with the same date and title exists.
        ``during`` dates it by a period definition (its id, or a label only one
        definition has, else :class:`AmbiguousPeriod` names them): without ``when``
        the event has no date of its own (``when_from_period``; the journal stores
        none) and shows the definition's span as it stands, its phrase the period's
        label; with ``when``, the date must lie in the span.
        """
        if event is None:
            period = None if during is None else self._resolve_period(during)
            if title is None or (when is None and period is None):
                raise InvalidChange("an event needs at least `when` (or `during`) and `title`")
            calendar = "old-style" if old_style else "gregorian"
            if when is None:
                assert period is not None
                when_value, when_text = _period_span(period), period.label.get(lang)
            else:
                when_value, when_text = read_when(
                    when, lang=lang, calendar=calendar, document_date=document_date
                )
            if period is not None:
                _check_during(id or "the new event", when_value, period)
                fields["during"] = period.id
            titles = read_text(title, lang)
            fields.setdefault("when_text", when_text)
            event = Event(
                id=id or self._derive_id(when_value, titles),
                when=when_value,
                title=titles,
                when_from_period=when is None,
                **read_event_fields(fields, lang=lang),
            )
        return self._record(event, author=author, reason=reason)

    def _record(self, event: Event, *, author: str | None, reason: str, where: str = "") -> Event:
        """Append ``event``; warn (naming ``where``) if one like it is on the timeline."""

        def build() -> tuple[Change, ExpectedVersion]:
            if self._views.event(event.id) is not None:
                raise DuplicateEvent(f"an event with id {event.id!r} already exists")
            return EventRecorded(event=event, **self._meta(author, reason)), NO_STREAM

        alike = self._alike(event)
        if alike and self._views.event(event.id) is None:
            _warn_alike(event, alike, where)
        self._append(build)
        return event

    def _alike(self, event: Event) -> list[EventState]:
        """Events with ``event``'s date and title (or dated by its period only, as it is)."""
        if event.when_from_period:  # the views hold such events at UNDATED
            event = attrs.evolve(event, when=UNDATED)
        lower, upper = event.when.bounds
        texts = list(event.title.as_dict().values())
        return [
            other
            for other in self._views.events_dated(lower, upper, title=texts)
            if _alike(event, other.event)
        ]

    def _derive_id(self, when: When, title: LocalizedText) -> str:
        stem = format_edtf(when).split("/")[0].lstrip("[")
        stem = _slug(stem.replace("..", "")) or "undated"
        words = _slug(title.get("en")) or _slug(title.get(title.original))
        candidate = f"{stem}-{words}" if words else stem
        unique, n = candidate, 2
        while self._views.event(unique) is not None:
            unique, n = f"{candidate}-{n}", n + 1
        return unique

    def _current_event(self, event_id: str) -> EventState:
        current = self._views.event(event_id, as_of=self._upto)
        if current is None:
            raise UnknownEvent(f"no event with id {event_id!r}")
        return next(self._dated([current]))

    def _events(self, query: EventQuery) -> list[EventState]:
        """The events ``query`` selects as this timeline shows them, in historical order."""
        return list(self._dated(self._views.events(query, as_of=self._upto), query))

    def _dated(
        self, states: Iterable[EventState], query: EventQuery | None = None
    ) -> Iterator[EventState]:
        """``states`` (in the views' historical order) with each event dated only by a period
        given the span of that definition as this timeline shows it (see :meth:`_placed`)."""
        return self._placed(
            states,
            query,
            lambda state: state.event.during if state.event.when_from_period else None,
            lambda state, span: attrs.evolve(state, event=attrs.evolve(state.event, when=span)),
            event_order,
        )

    def _placed(
        self,
        items: Iterable[_Item],
        query: EventQuery | None,
        period_of: Callable[[_Item], str | None],
        dated: Callable[[_Item, When], _Item],
        order: Callable[[_Item], tuple[Any, ...]],
    ) -> Iterator[_Item]:
        """``items`` (events in the views' historical order) with each one dated only by a
        period (``period_of`` gives that period's id, else None) given the span of that
        definition as this timeline shows it (so, as of a seq, the span it had then) by
        ``dated`` and put in its place by ``order``; those whose span misses ``query``'s
        dates are left out. The views hold such events at every day, so they come first."""
        found = iter(items)
        undated: list[tuple[_Item, str]] = []
        for item in found:
            period = period_of(item)
            if period is None:
                found = itertools.chain([item], found)
                break
            undated.append((item, period))
        placed: list[_Item] = []
        if undated:
            book = self._periods()
            lower = MIN_BOUND if query is None or query.lower is None else query.lower
            upper = MAX_BOUND if query is None or query.upper is None else query.upper
            for item, period in undated:
                held = book.get(period)
                span = UNDATED if held is None else _period_span(held.period, UNDATED)
                if span.bounds[0] <= upper and span.bounds[1] >= lower:
                    placed.append(dated(item, span))
            placed.sort(key=order, reverse=True)
        for item in found:
            while placed and order(placed[-1]) <= order(item):
                yield placed.pop()
            yield item
        yield from reversed(placed)

    def _left_out(self, query: EventQuery) -> list[EventState]:
        """The events ``query`` selects from the views that this timeline does not show:
        those dated by a period whose span misses its dates (see :meth:`_placed`)."""
        if query.lower is None and query.upper is None:
            return []
        found = self._views.iter_events(query, as_of=self._upto, page=64)  # they come first
        with contextlib.closing(found):
            undated = list(itertools.takewhile(lambda s: s.event.when_from_period, found))
        shown = {state.event.id for state in self._dated(undated, query)}
        return [state for state in undated if state.event.id not in shown]

    def _cited_keys(self, query: EventQuery) -> set[str]:
        """The reference keys the events ``query`` selects cite, as this timeline shows them:
        not those cited only by events dated by a period whose span misses its dates."""
        keys = set(self._views.cited_keys(query, as_of=self._upto))
        for key in {c.key for s in self._left_out(query) for c in s.citations}:
            citing = self._views.events(attrs.evolve(query, citing=(key,)), as_of=self._upto)
            if next(self._dated(citing, query), None) is None:
                keys.discard(key)
        return keys

    def _tally(self, query: EventQuery) -> Tally:
        """The title languages of the events ``query`` selects and whether any is retracted,
        as this timeline shows them: the views' counts less the events it leaves out."""
        tally = self._views.event_tally(query, as_of=self._upto)
        titles, retracted = collections.Counter(tally.titles), tally.retracted
        for state in self._left_out(query):
            titles.subtract(state.event.title.languages)
            retracted -= state.retracted
        return Tally(tuple(sorted(lang for lang, n in titles.items() if n > 0)), retracted > 0)

    def revise(
        self,
        event_id: str,
        *,
        reason: str,
        author: str | None = None,
        lang: str = "en",
        old_style: bool = False,
        document_date: When | str | None = None,
        **fields: Any,
    ) -> Event:
        """Correct some fields of an event; only the fields that change are recorded.

        A new ``when`` replaces the phrase as written (``when_text``) by its
        own phrase, or clears it for an EDTF date, unless ``when_text`` is
        given too; ``old_style`` and ``document_date`` read its phrase as in
        :meth:`record`. Returns the revised event. Raises :class:`UnknownEvent`, or
        :class:`InvalidChange` for an unknown field name.
        """
        fields = _revision_fields(
            event_id, fields, lang, old_style=old_style, document_date=document_date
        )
        self._dated_by(fields)
        result: list[Event] = []

        def build() -> tuple[Change, int] | None:
            current = self._current_event(event_id)
            revised, change = _revision(current, fields, lang, self._meta(author, reason))
            if change is not None:
                self._within_period(revised)
            result[:] = [revised]
            return None if change is None else (change, current.version)

        self._append(build)
        return next(self._dated([EventState(result[0])])).event

    def _set_retracted(
        self, event_id: str, retracted: bool, reason: str, author: str | None
    ) -> None:
        def build() -> tuple[Change, int]:
            current = self._current_event(event_id)
            if current.retracted == retracted:
                state = "already retracted" if retracted else "not retracted"
                raise InvalidChange(f"event {event_id!r} is {state}")
            meta = self._meta(author, reason)
            change: Change = (
                EventRetracted(event_id=event_id, **meta)
                if retracted
                else EventRestored(event_id=event_id, **meta)
            )
            return change, current.version

        self._append(build)

    def retract(self, event_id: str, *, reason: str, author: str | None = None) -> None:
        """Withdraw an event from the timeline; it stays in the journal and its history."""
        if not reason.strip():
            raise InvalidChange(f"retracting event {event_id!r} needs a reason")
        self._set_retracted(event_id, True, reason, author)

    def restore(self, event_id: str, *, reason: str, author: str | None = None) -> None:
        """Put a retracted event back on the timeline."""
        self._set_retracted(event_id, False, reason, author)

    def add_reference(
        self, reference: Reference, *, reason: str = "", author: str | None = None
    ) -> Reference:
        """Add a bibliographic reference; raises :class:`DuplicateReference` if its key is taken."""

        def build() -> tuple[Change, ExpectedVersion]:
            if self._views.reference(reference.key) is not None:
                raise DuplicateReference(f"a reference with key {reference.key!r} already exists")
            return ReferenceAdded(reference=reference, **self._meta(author, reason)), NO_STREAM

        self._append(build)
        return reference

    def _current_reference(self, key: str) -> ReferenceState:
        current = self._views.reference(key, as_of=self._upto)
        if current is None:
            raise UnknownReference(f"no reference with key {key!r}")
        return current

    def amend_reference(
        self, reference: Reference, *, reason: str, author: str | None = None
    ) -> Reference:
        """Replace a reference's content (same key); nothing is written when it is unchanged."""

        def build() -> tuple[Change, int] | None:
            current = self._current_reference(reference.key)
            if current.reference == reference:
                return None
            change = ReferenceAmended(reference=reference, **self._meta(author, reason))
            return change, current.version

        self._append(build)
        return reference

    def merge_references(
        self, key: str, into: str, *, reason: str, author: str | None = None
    ) -> None:
        """Mark reference ``key`` as a duplicate of ``into``; its citations count for ``into``."""
        if key == into:
            raise InvalidChange(f"cannot merge reference {key!r} into itself")

        def build() -> tuple[Change, int]:
            current = self._current_reference(key)
            if current.merged_into is not None:
                raise InvalidChange(
                    f"reference {key!r} is already merged into {current.merged_into!r}"
                )
            target = self._resolve_key(into)
            if target == key:
                raise InvalidChange(f"merging {key!r} into {into!r} would make a cycle")
            change = ReferenceMerged(key=key, into=target, **self._meta(author, reason))
            return change, current.version

        self._append(build, check=lambda: self._require_reference(into))

    def _resolve_key(self, key: str) -> str:
        """Follow merges from ``key`` to the surviving reference."""
        seen = {key}
        merged = self._current_reference(key).merged_into
        while merged is not None:
            key = merged
            if key in seen:  # pragma: no cover - merges refuse cycles
                break
            seen.add(key)
            merged = self._current_reference(key).merged_into
        return key

    def _require_reference(self, key: str) -> None:
        if self._views.reference(key) is None:
            raise UnknownReference(f"no reference with key {key!r}")

    def cite(
        self,
        event_id: str,
        key: str,
        *,
        locator: str = "",
        quote: str = "",
        supports: Iterable[str] = (),
        claims: Mapping[str, Any] | Iterable[Claim] = (),
        stance: Stance | str = Stance.SUPPORTS,
        rank: Rank | str = Rank.NORMAL,
        lang: str = "en",
        calendar: str = "gregorian",
        reason: str = "",
        author: str | None = None,
    ) -> Citation:
        """Cite reference ``key`` from an event, with a locator ("p. 104", "fn. 12").

        ``claims`` are the values this source gives for the event's fields, a
        mapping of field to value (``{"when": "15 March 1969", "_casualties":
        31}``, read by :func:`~timeline.domain.read_claim` in ``lang`` and
        ``calendar``, each with ``stance`` and ``rank``) or :class:`Claim`
        values; they are recorded with the citation, all or nothing, and never
        change the event's own fields. Raises :class:`UnknownEvent` or
        :class:`UnknownReference`, :class:`InvalidClaim` for a claim that cannot
        be read, and :class:`InvalidChange` when the same citation exists already.
        """
        citation = _new_citation(event_id, key, locator, quote, supports)
        claimed = _read_claims(citation.id, claims, lang, calendar, stance, rank)

        def build() -> tuple[list[Change], int]:
            current = self._current_event(event_id)
            self._require_reference(key)
            meta = self._meta(author, reason)
            changes: list[Change] = [_citing(current, citation, meta)]
            changes += [ClaimRecorded(claim=claim, **meta) for claim in claimed]
            _fold_all(current, changes)
            return changes, current.version

        self._append(build, check=lambda: self._require_reference(key))
        return citation

    def _claim_change(
        self,
        event_id: str,
        make: Callable[[EventState], Change | Sequence[Change]],
    ) -> EventState:
        """Append what ``make`` builds from the event's state; returns the state after it."""
        after: list[EventState] = []

        def build() -> tuple[Change | Sequence[Change], int]:
            current = self._current_event(event_id)
            made = make(current)
            after[:] = [_fold_all(current, [made] if isinstance(made, Change) else made)]
            return made, current.version

        self._append(build)
        return after[0]

    def claim(
        self,
        event_id: str,
        key: str,
        field: str,
        value: Any,
        *,
        locator: str = "",
        stance: Stance | str = Stance.SUPPORTS,
        rank: Rank | str = Rank.NORMAL,
        lang: str = "en",
        calendar: str = "gregorian",
        reason: str = "",
        author: str | None = None,
    ) -> Claim:
        """Record that the source of an event's citation (``key`` at ``locator``) claims
        ``value`` for ``field``; the event's own fields do not change.

        Raises :class:`UnknownCitation` when the event has no such citation,
        :class:`InvalidClaim` for a field no claim can give or a value that
        cannot be read, :class:`InvalidChange` when the citation claims that field already.
        """
        cid = citation_id(event_id, key, locator)
        made = read_claim(cid, field, value, lang=lang, calendar=calendar, stance=stance, rank=rank)
        self._claim_change(
            event_id, lambda _: ClaimRecorded(claim=made, **self._meta(author, reason))
        )
        return made

    def revise_claim(
        self,
        event_id: str,
        key: str,
        field: str,
        value: Any = None,
        *,
        locator: str = "",
        stance: Stance | str | None = None,
        rank: Rank | str | None = None,
        lang: str = "en",
        calendar: str = "gregorian",
        reason: str,
        author: str | None = None,
    ) -> Claim:
        """Correct a claim: its value (unless None), stance or rank.

        Raises :class:`UnknownClaim` when the citation makes no claim on ``field``.
        """
        cid = citation_id(event_id, key, locator)
        revised: list[Claim] = []

        def make(current: EventState) -> Change:
            held = current.claim(claim_id(cid, field))
            if held is None:
                raise UnknownClaim(
                    f"event {event_id!r}, citation {cid!r} makes no claim on field {field!r}"
                )
            new = (
                read_claim(cid, field, value, lang=lang, calendar=calendar)
                if value is not None
                else held
            )
            new = attrs.evolve(new, stance=stance or held.stance, rank=rank or held.rank)
            revised[:] = [new]
            return ClaimRevised(claim=new, **self._meta(author, reason))

        self._claim_change(event_id, make)
        return revised[0]

    def withdraw_claim(
        self,
        event_id: str,
        key: str,
        field: str,
        *,
        locator: str = "",
        reason: str,
        author: str | None = None,
    ) -> None:
        """Withdraw a claim (and the conclusion following it); the event's fields stay."""
        cid = claim_id(citation_id(event_id, key, locator), field)
        self._claim_change(
            event_id,
            lambda _: ClaimWithdrawn(event_id=event_id, claim_id=cid, **self._meta(author, reason)),
        )

    def follow(
        self,
        event_id: str,
        key: str,
        field: str,
        *,
        locator: str = "",
        reason: str,
        author: str | None = None,
    ) -> Event:
        """Conclude ``field`` of an event from one claim, saying why (``reason``).

        The event takes the claim's value when it has another (``when`` and its
        phrase, ``place`` as its only place, ``actors``, ``title``), recorded as a
        revision with the same reason in the same write; a user field has no
        value on the event, only the conclusion. Returns the event.
        """
        if not reason.strip():
            raise InvalidChange(f"following a claim on event {event_id!r} needs a reason")
        cid = claim_id(citation_id(event_id, key, locator), field)

        def make(current: EventState) -> list[Change]:
            held = current.claim(cid)
            if held is None:
                raise UnknownClaim(f"event {event_id!r} has no claim {cid!r}")
            meta = self._meta(author, reason)
            changes: list[Change] = []
            if held.field in CLAIM_FIELDS and not concluded(current.event, field, held.value):
                fields = _adopted(held)
                changes.append(EventRevised(event_id=event_id, fields=fields, **meta))
            changes.append(ClaimFollowed(event_id=event_id, claim_id=cid, **meta))
            return changes

        return self._claim_change(event_id, make).event

    def uncite(
        self,
        event_id: str,
        key: str,
        *,
        locator: str = "",
        reason: str,
        author: str | None = None,
    ) -> None:
        """Remove a citation; raises :class:`UnknownCitation` if the event does not cite it."""
        cid = citation_id(event_id, key, locator)

        def build() -> tuple[Change, int]:
            current = self._current_event(event_id)
            if all(cited.id != cid for cited in current.citations):
                raise UnknownCitation(f"event {event_id!r} has no citation {cid!r}")
            change = CitationRemoved(
                event_id=event_id, citation_id=cid, **self._meta(author, reason)
            )
            return change, current.version

        self._append(build)

    # -- periods --------------------------------------------------------------

    def _periods(self) -> PeriodBook:
        """The fold of the periods stream (up to ``as_of``), kept while the stream is unchanged."""
        version = self._journal.stream_version(PERIODS_STREAM)
        if self._book is not None and self._book[0] == version and self._upto is None:
            return self._book[1]
        changes = []
        for record in self._journal.read_stream(PERIODS_STREAM, upto=self._upto):
            change = decode(record)
            if not isinstance(change, PeriodDefined | PeriodRevised | PeriodRetracted):
                raise CorruptJournal(
                    f"record seq {record.seq}: {record.kind} in the periods stream"
                )
            changes.append(change)
        try:
            book = PeriodBook.of(changes)
        except DomainError as exc:
            raise CorruptJournal(f"the periods stream: {exc}") from exc
        if self._upto is None:
            self._book = (version, book)
        return book

    def _append_period(self, make: Callable[[PeriodBook], PeriodChange]) -> None:
        """Append the change ``make`` builds from the periods as they stand (retried when
        another writer got there first); a definition's source must be a reference."""
        made: list[PeriodChange] = []
        used: list[PeriodBook] = []

        def build() -> tuple[Change, ExpectedVersion]:
            book = self._periods()
            made[:], used[:] = [make(book)], [book]
            return made[0], (book.version or NO_STREAM)

        def check() -> None:
            change = made[0]
            if isinstance(change, PeriodDefined | PeriodRevised) and change.period.source:
                self._require_reference(change.period.source)

        self._append(build, check=check)
        self._advance(used[0], made)

    def _advance(self, book: PeriodBook, changes: Sequence[PeriodChange]) -> None:
        """Fold ``changes``, just appended after ``book``'s version, into the kept book
        (so that defining periods one by one does not read the stream each time)."""
        if self._book is not None and self._book[1] is book:
            for change in changes:
                book.apply(change)
            self._book = (book.version, book)

    def define_period(
        self,
        period: Period | None = None,
        *,
        id: str | None = None,
        label: LocalizedText | Mapping[str, str] | str | None = None,
        start: When | str | None = None,
        end: When | str | None = None,
        source: str = "",
        locator: str = "",
        lang: str = "en",
        reason: str = "",
        author: str | None = None,
        **fields: Any,
    ) -> Period:
        """Record a source's definition of a named period and return it.

        Pass a :class:`Period`, or its parts: ``label`` a mapping of language to
        name, or one name in ``lang``; ``start`` and ``end`` dates, EDTF or
        phrases in ``lang`` (an interval when the source gives a range: ``"-0480/-0475"``;
        None when it gives none); ``source`` the key of the reference defining it
        and ``locator`` where in it; ``region``, ``coverage``, ``note``, ``aliases``,
        ``start_text`` and ``end_text`` as :class:`Period` has them. Rival
        definitions of one label are allowed, each with its own id (derived from
        the label and the source without ``id``). Raises :class:`DuplicatePeriod`
        for a taken id, :class:`UnknownReference` for an unknown source.
        """
        if period is None:
            if label is None:
                raise InvalidChange("a period needs at least a `label`")
            labels = read_text(label, lang)
            period = Period(
                id=id or "unnamed",
                label=labels,
                start=_period_end(start, lang, fields, "start_text"),
                end=_period_end(end, lang, fields, "end_text"),
                source=source,
                locator=locator,
                **fields,
            )
            if id is None:
                period = attrs.evolve(period, id=self._derive_period_id(period))

        def make(book: PeriodBook) -> PeriodChange:
            if book.get(period.id) is not None:
                raise DuplicatePeriod(f"a period with id {period.id!r} already exists")
            return PeriodDefined(period=period, **self._meta(author, reason))

        self._append_period(make)
        return period

    def _derive_period_id(self, period: Period) -> str:
        words = _slug(period.label.get("en")) or _slug(period.label.get(period.label.original))
        candidate = "-".join(part for part in (words or "period", _slug(period.source)) if part)
        book = self._periods()
        unique, n = candidate, 2
        while book.get(unique) is not None:
            unique, n = f"{candidate}-{n}", n + 1
        return unique

    def revise_period(
        self,
        period_id: str,
        *,
        reason: str,
        author: str | None = None,
        lang: str = "en",
        **fields: Any,
    ) -> Period:
        """Correct some parts of a period definition (as :meth:`define_period` names them;
        ``label`` replaces every label); returns the revised definition. Raises
        :class:`UnknownPeriod`, :class:`InvalidChange` for a part periods do not have."""
        unknown = sorted(set(fields) - set(_PERIOD_PARTS))
        if unknown:
            raise InvalidChange(
                f"period {period_id!r}: {', '.join(map(repr, unknown))} is not a part of a "
                f"period; use one of: {', '.join(_PERIOD_PARTS)}"
            )
        result: list[Period] = []

        def make(book: PeriodBook) -> PeriodChange:
            current = book.require(period_id).period
            values = dict(fields)
            if "label" in values:
                values["label"] = read_text(values["label"], lang)
            for end in ("start", "end"):
                if end in values:
                    values[end] = _period_end(values[end], lang, values, f"{end}_text")
            revised = attrs.evolve(current, **values)
            if revised == current:
                raise InvalidChange(f"revising period {period_id!r} changes nothing")
            result[:] = [revised]
            return PeriodRevised(period=revised, **self._meta(author, reason))

        self._append_period(make)
        return result[0]

    def retract_period(self, period_id: str, *, reason: str, author: str | None = None) -> None:
        """Withdraw a period definition; it stays in the journal, and events dated during it
        keep their id."""
        if not reason.strip():
            raise InvalidChange(f"retracting period {period_id!r} needs a reason")

        def make(book: PeriodBook) -> PeriodChange:
            if book.require(period_id).retracted:
                raise InvalidChange(f"period {period_id!r} is already retracted")
            return PeriodRetracted(period_id=period_id, **self._meta(author, reason))

        self._append_period(make)

    def import_periodo(
        self, path: str | os.PathLike[str], *, reason: str = "", author: str | None = None
    ) -> dict[str, int]:
        """Read a PeriodO JSON-LD file: each authority's source becomes a reference
        (``periodo-ID``, added unless its key exists) and each period a definition citing
        it, defined if new, revised if changed, left alone if the same (so importing a
        file again writes nothing). Returns the counts (``references``, ``defined``,
        ``revised``, ``unchanged``). Raises :class:`ImportFailed` naming file and period;
        nothing is written then."""
        from timeline.importing import read_periodo

        references, periods = read_periodo(path)
        reason = reason or f"imported from {os.fspath(path)}"
        counts = dict.fromkeys(("references", "defined", "revised", "unchanged"), 0)
        with self.transaction():
            for reference in references:
                if self._views.reference(reference.key) is None:
                    self.add_reference(reference, reason=reason, author=author)
                    counts["references"] += 1
            meta = self._meta(author, reason)

            def build() -> tuple[list[Change], ExpectedVersion] | None:
                book = self._periods()
                changes: list[Change] = []
                for key in ("defined", "revised", "unchanged"):
                    counts[key] = 0
                for period in periods:
                    held = book.get(period.id)
                    if held is None:
                        changes.append(PeriodDefined(period=period, **meta))
                        counts["defined"] += 1
                    elif held.period != period:
                        changes.append(PeriodRevised(period=period, **meta))
                        counts["revised"] += 1
                    else:
                        counts["unchanged"] += 1
                used[:] = [book]
                planned[:] = changes
                return (changes, book.version or NO_STREAM) if changes else None

            used: list[PeriodBook] = []
            planned: list[Change] = []
            self._append(build)
            if planned:
                self._advance(
                    used[0],
                    [c for c in planned if isinstance(c, PeriodDefined | PeriodRevised)],
                )
        return counts

    def export_periodo(self, *, include_retracted: bool = False) -> dict[str, Any]:
        """The period definitions as PeriodO JSON-LD, one authority per source reference
        (dates as years, PeriodO's precision)."""
        from timeline.importing import write_periodo

        periods = self.periods(include_retracted=include_retracted)
        keys = sorted({p.source for p in periods if p.source})
        found = self._views.references(keys=keys, include_merged=True, as_of=self._upto)
        return write_periodo(periods, {state.reference.key: state.reference for state in found})

    def _dated_by(self, fields: dict[str, Any]) -> None:
        """``fields["during"]`` (an id, or a label only one definition has) as the id."""
        if fields.get("during"):
            fields["during"] = self._resolve_period(fields["during"]).id

    def _within_period(self, event: Event) -> None:
        """Refuse an event whose date is outside the span of the period it is dated by, or
        dated only by a period that gives no dates."""
        held = self._periods().get(event.during) if event.during else None
        if held is not None and event.when_from_period:
            _period_span(held.period)
        elif held is not None:
            _check_during(event.id, event.when, held.period)

    def _resolve_period(self, name: str) -> Period:
        """The period definition with id ``name``, else the one definition labelled ``name``."""
        book = self._periods()
        held = book.get(name)
        if held is not None:
            return held.period
        found = book.periods(label=name)
        if len(found) == 1:
            return found[0]
        if not found:
            raise UnknownPeriod(
                f"no period definition has the id or label {name!r}; "
                "record one with define_period (timeline define-period)"
            )
        rivals = "; ".join(_period_line(p) for p in found)
        raise AmbiguousPeriod(
            f"{name!r} has {len(found)} definitions: {rivals}; name one by its id",
            tuple(p.id for p in found),
        )

    def period(self, period_id: str) -> Period:
        """The period definition with this id (retracted or not); raises :class:`UnknownPeriod`."""
        return self._periods().require(period_id).period

    def periods(self, *, label: str | None = None, include_retracted: bool = False) -> list[Period]:
        """Period definitions (those with ``label`` among their names, if given: rival
        definitions of one label are all there), in the order they were defined."""
        return self._periods().periods(label=label, include_retracted=include_retracted)

    # -- queries --------------------------------------------------------------

    def event(self, event_id: str) -> Event:
        """The event with this id (retracted or not); raises :class:`UnknownEvent`."""
        return self._current_event(event_id).event

    def is_retracted(self, event_id: str) -> bool:
        """True when the event has been retracted."""
        return self._current_event(event_id).retracted

    def events(
        self,
        *,
        between: When | str | tuple[When | str | None, When | str | None] | None = None,
        actors: Iterable[str] | None = None,
        categories: Iterable[str] | None = None,
        tags: Iterable[str] | None = None,
        importance: int | None = None,
        text: str | None = None,
        lang: str | None = None,
        include_retracted: bool = False,
        during: str | None = None,
        limit: int | None = None,
    ) -> list[Event]:
        """Events in historical order, filtered.

        ``between`` keeps events whose dates overlap a date, an EDTF interval
        or a ``(start, end)`` pair (``None`` for an open end); ``actors``,
        ``categories`` and ``tags`` keep events with any of those; ``importance``
        is a minimum; ``text`` searches titles and summaries (in ``lang``
        only, if given). ``during`` (a period definition's id, or a label only one
        definition has, else :class:`AmbiguousPeriod` names them) keeps the events
        dated by that definition and those whose dates lie within its span.
        ``limit``: the first that many only (the rest are not read).
        """
        query, within = self._selection(
            between=between,
            actors=actors,
            categories=categories,
            tags=tags,
            importance=importance,
            text=text,
            lang=lang,
            include_retracted=include_retracted,
            during=during,
        )
        if limit is not None and limit < 0:
            raise InvalidChange(f"limit is 0 or more, not {limit}")
        if limit is None:
            return [
                view.event
                for view in self._events(query)
                if within is None or within(view.event.when, view.event.during)
            ]
        if limit == 0:
            return []
        found = self._views.iter_events(query, as_of=self._upto, page=limit)
        try:
            kept = (
                view.event
                for view in self._dated(found, query)
                if within is None or within(view.event.when, view.event.during)
            )
            return list(itertools.islice(kept, limit))
        finally:
            found.close()

    def _selection(
        self, *, during: str | None, **filters: Any
    ) -> tuple[EventQuery, Callable[[When, str], bool] | None]:
        """The views' query of :meth:`events`' filters, and for ``during`` the test an event's
        date and period must pass (None: every event the query selects is kept)."""
        query = _event_query(**filters)
        if during is None:
            return query, None
        period = self._resolve_period(during)
        lower, upper = period.bounds
        query = attrs.evolve(
            query,
            lower=lower if query.lower is None else max(lower, query.lower),
            upper=upper if query.upper is None else min(upper, query.upper),
        )

        def within(when: When, dated_by: str) -> bool:
            return dated_by == period.id or (lower <= when.bounds[0] and when.bounds[1] <= upper)

        return query, within

    def event_fields(
        self,
        names: Sequence[str],
        *,
        between: When | str | tuple[When | str | None, When | str | None] | None = None,
        actors: Iterable[str] | None = None,
        categories: Iterable[str] | None = None,
        tags: Iterable[str] | None = None,
        importance: int | None = None,
        text: str | None = None,
        lang: str | None = None,
        include_retracted: bool = False,
        during: str | None = None,
    ) -> list[EventFields]:
        """The events of :meth:`events` (the same filters, in the same order) as the fields
        ``names`` of each (of :class:`Event`: ``"when"``, ``"title"``, ...), with its id and
        whether it is retracted, read without building the events or their citations: the
        quick read of many events (the web viewer draws 50,000 from it). A name that is no
        field of :class:`Event` raises :class:`InvalidChange`."""
        wanted = tuple(names)
        for name in wanted:
            if name not in _EVENT_FIELDS:
                raise InvalidChange(
                    f"event_fields: {name!r} is no field of an event ({', '.join(_EVENT_FIELDS)})"
                )
        query, within = self._selection(
            between=between,
            actors=actors,
            categories=categories,
            tags=tags,
            importance=importance,
            text=text,
            lang=lang,
            include_retracted=include_retracted,
            during=during,
        )
        # then what placing and ``during`` need, unless asked for
        asked = (*wanted, *(name for name in _PLACING if name not in wanted))
        rows = self._views.event_fields(query, asked, as_of=self._upto)
        when, from_period, dated_by = (asked.index(name) for name in _PLACING)
        whens = [i for i, name in enumerate(asked) if name == "when"]

        def dated(row: EventFields, span: When) -> EventFields:
            values = list(row.values)
            for i in whens:
                values[i] = span
            return row._replace(values=tuple(values))

        placed = self._placed(
            rows,
            query,
            lambda row: row.values[dated_by] if row.values[from_period] else None,
            dated,
            lambda row: when_order(row.values[when], row.id),
        )
        n = len(wanted)
        if within is None and n == len(asked):
            return list(placed)
        return [
            EventFields(row.id, row.retracted, row.values[:n])
            for row in placed
            if within is None or within(row.values[when], row.values[dated_by])
        ]

    def references(self, *, include_merged: bool = False) -> list[Reference]:
        """All references, by key; merged duplicates only when asked."""
        found = self._views.references(include_merged=include_merged, as_of=self._upto)
        return [view.reference for view in found]

    def reference(self, key: str) -> Reference:
        """The reference with this key; raises :class:`UnknownReference`."""
        return self._current_reference(key).reference

    def citations_of(self, event_id: str) -> list[Citation]:
        """The citations of an event, in the order they were added."""
        return list(self._current_event(event_id).citations)

    def claims_of(self, event_id: str) -> list[Claim]:
        """What the sources of an event's citations claim, in citation order, then by field."""
        return list(self._current_event(event_id).claims)

    def evidence(self, event_id: str, field: str | None = None) -> list[Evidence]:
        """An event's claims (on ``field``, or on every field) grouped by value, each value
        with its claims and their citations (key and locator), and whether the event's
        own value is that one. Raises :class:`UnknownEvent`, :class:`InvalidClaim` for a
        field no claim can give."""
        current = self._current_event(event_id)
        if field is not None:
            check_field(event_id, "", field)
        return list(evidence(current, field))

    def disputes(
        self,
        *,
        between: When | str | tuple[When | str | None, When | str | None] | None = None,
        actors: Iterable[str] | None = None,
        categories: Iterable[str] | None = None,
        tags: Iterable[str] | None = None,
        importance: int | None = None,
        text: str | None = None,
        lang: str | None = None,
        include_retracted: bool = False,
    ) -> list[Dispute]:
        """The fields of events whose claims disagree (dates that do not overlap,
        different places, actors or numbers, or a value one source denies and another
        asserts), in historical order, one :class:`Dispute` per event and field; the
        filters are those of :meth:`events`."""
        query = attrs.evolve(
            _event_query(
                between=between,
                actors=actors,
                categories=categories,
                tags=tags,
                importance=importance,
                text=text,
                lang=lang,
                include_retracted=include_retracted,
            ),
            claimed=True,
        )
        return [
            Dispute(view.event, name, evidence(view, name))
            for view in self._events(query)
            for name in disputed_fields(view)
        ]

    def events_citing(self, key: str) -> list[Event]:
        """Events citing ``key`` or any reference merged into it, in historical order."""
        self._current_reference(key)
        keys = (key, *self._views.merged_into(key, as_of=self._upto))
        found = self._events(EventQuery(citing=keys))
        return [view.event for view in found]

    def merged_into(self, key: str) -> str | None:
        """The key reference ``key`` was merged into (a duplicate of it), or None;
        raises :class:`UnknownReference`."""
        return self._current_reference(key).merged_into

    def unsourced(self) -> list[Event]:
        """Events (not retracted) that cite nothing, in historical order."""
        found = self._events(EventQuery(unsourced=True))
        return [view.event for view in found]

    def history(self, event_id: str) -> list[HistoryEntry]:
        """Every change to one event, oldest first, with who, when, why and field diffs."""
        self._current_event(event_id)
        entries = []
        state: EventState | None = None
        for record in self._journal.read_stream(event_stream(event_id), upto=self._upto):
            change = decode(record)
            if not isinstance(change, EventChange):
                raise CorruptJournal(f"record seq {record.seq}: {record.kind} in an event's stream")
            try:
                before, state = state, apply(state, change)
            except DomainError as exc:
                raise CorruptJournal(f"record seq {record.seq} ({record.kind}): {exc}") from exc
            diffs = _diffs(before, state)
            entries.append(
                HistoryEntry(
                    seq=record.seq,
                    recorded_at=record.recorded_at,
                    kind=record.kind,
                    author=change.author,
                    reason=change.reason,
                    diffs=diffs,
                )
            )
        return entries

    def head(self) -> JournalState:
        """The journal state this timeline shows: last ``seq`` and its hash."""
        if self._upto is None:
            head = self._journal.head()
            return JournalState(head.seq, head.hash)
        with contextlib.closing(
            self._journal.read(after=max(self._upto - 1, 0), upto=self._upto)
        ) as records:
            last = next(records, None)
        return JournalState(last.seq, last.hash) if last else JournalState(0, GENESIS_HASH)

    def as_of(self, moment: int | datetime) -> Timeline:
        """A read-only timeline exactly as it stood at journal ``seq`` or at an instant (UTC)."""
        if isinstance(moment, datetime):
            if moment.tzinfo is None:
                raise InvalidChange(
                    f"as_of needs an aware instant (with a time zone), got {moment}"
                )
            seq = self._journal.seq_at(moment)
        else:
            seq = moment
        if seq < 0:
            raise InvalidChange(f"as_of needs a seq of 0 or more, got {seq}")
        seq = min(seq, self._upto if self._upto is not None else self._journal.head().seq)
        return Timeline(
            self._journal,
            self._views,
            author=self._author,
            upto=seq,
            typed_errors=self._typed_errors,
        )

    def chronology(
        self,
        *,
        title: str = "Chronology",
        include_retracted: bool = False,
        made_at: datetime | None = None,
        stream: bool = False,
        **filters: Any,
    ) -> Chronology:
        """The selected events with their citations and the references they cite.

        ``filters`` are those of :meth:`events`. Citations of merged references
        point to the surviving reference. Read from one snapshot of the file, so
        its ``state`` is the journal state its entries show. ``stream=True`` reads
        the entries from the views a page at a time whenever they are iterated
        (:class:`~timeline.chronology.StreamedEntries`, as of that state: later
        writes are not seen), so that a document of any length is written in
        bounded memory (:func:`~timeline.documents.write_markdown`).
        """
        # many small values and no cycles among them: the collector's passes are wasted
        with self.read_transaction(), collector_paused():
            query = _event_query(include_retracted=include_retracted, **filters)
            state = self.head()
            made: dict[str, Any] = {
                "state": state,
                "made_at": made_at or datetime.now(UTC),
                "title": title,
                "periods": tuple(self.periods()),
            }
            if stream:
                at = self.as_of(state.seq)
                streamed = at._streamed_references(query)
                entries = StreamedEntries(
                    lambda: at._entries(query, streamed), lambda: at._tally(query)
                )
                return Chronology(entries=entries, references=streamed, **made)
            # (its states and rows gone when the collector resumes: fewer values to pass)
            return self._chronology(query, made)

    def _chronology(self, query: EventQuery, made: dict[str, Any]) -> Chronology:
        """The chronology of :meth:`chronology` (not streamed) of ``made`` fields: its
        references decoded when first asked for (a Pandoc document never does) from the
        rows read now."""
        found = self._events(query)
        rows = self._survivors({c.key for view in found for c in view.citations})
        moved = _moved(rows)
        # what the views hold of each (their JSON: no value the collector walks), and how
        # to decode it (the same for every row)
        cited = {row.key: row.stored for row in rows.values()}
        decode = next((row.decode for row in rows.values()), None)
        return with_references_read_later(
            lambda: _decoded(cited, decode),
            len(cited),
            entries=tuple(_entry(view, moved) for view in found),
            **made,
        )

    def _entries(
        self, query: EventQuery, references: StreamedReferences
    ) -> Iterator[ChronologyEntry]:
        """The entries of a streamed chronology (this timeline is as of its state), a page
        at a time: each page's references read in one go, and kept in ``references``."""
        views = self._dated(self._views.iter_events(query, as_of=self._upto), query)
        while page := list(itertools.islice(views, _PAGE)):
            surviving = self._surviving({c.key for view in page for c in view.citations})
            references.keep({ref.key: ref for ref in surviving.values()})
            moved = _moved(surviving)
            for view in page:
                yield _entry(view, moved)

    def _streamed_references(self, query: EventQuery) -> StreamedReferences:
        """The references the events of ``query`` cite (merges followed), to be read in key
        order as a streamed chronology's; counted here, a page of keys at a time."""
        cited = sorted(self._cited_keys(query))
        merged: set[str] = set()  # the surviving keys of merged ones, not themselves cited
        count = 0
        for start in range(0, len(cited), _PAGE):
            for key, row in self._survivors(cited[start : start + _PAGE]).items():
                at = bisect.bisect_left(cited, row.key)
                if row.key == key:
                    count += 1
                elif at == len(cited) or cited[at] != row.key:
                    merged.add(row.key)
        others = sorted(merged)

        def find(keys: Collection[str]) -> dict[str, Reference]:
            try:
                return {ref.key: ref for ref in self._surviving(keys).values()}
            except KeyError:  # (a key no reference has)
                return {}

        def read() -> Iterator[tuple[str, Reference]]:
            keys = sorted(self._cited_keys(query))
            pages = (keys[start : start + _PAGE] for start in range(0, len(keys), _PAGE))
            own = (
                (key, row.read())
                for page in pages
                for key, row in self._survivors(page).items()
                if row.key == key
            )
            yield from heapq.merge(own, sorted(find(others).items()), key=lambda pair: pair[0])

        return StreamedReferences(read, find, count + len(others))

    def diff(self, since: int | datetime, until: int | datetime | None = None) -> list[Difference]:
        """What changed between journal ``since`` and ``until`` (a seq or an aware
        instant; ``until`` defaults to what this timeline shows): events added, revised
        (with field diffs, citations and claims), retracted or restored, references added,
        amended or merged, one :class:`Difference` each, in the order first changed."""
        before = self.as_of(since)._upto or 0
        after = self.as_of(until)._upto if until is not None else self.head().seq
        if after is None or after < before:
            raise InvalidChange(f"diff needs until ({after}) at or after since ({before})")
        streams: dict[str, None] = {}
        with contextlib.closing(self._journal.read(after=before, upto=after)) as records:
            for record in records:
                streams.setdefault(record.stream, None)
        found = []
        for stream in streams:
            kind, _, name = stream.partition(":")
            if kind == "event":
                old, new = (self._views.event(name, as_of=at) for at in (before, after))
                if new is not None:
                    found.append(_event_difference(old, new))
            elif kind == "reference":
                was, now = (self._views.reference(name, as_of=at) for at in (before, after))
                if now is not None:
                    found.append(_reference_difference(was, now))
        return [difference for difference in found if difference.diffs]

    def export_events(self, fmt: str = "toml", **filters: Any) -> str:
        """The events (``filters`` as :meth:`events`'s, retracted ones left out) with their
        citations and claims as an events file in ``fmt``: ``toml``, ``jsonl`` or ``csv``.

        The file imports back to the same events: edit it and import it, and
        what you changed is recorded as revisions, nothing else. Raises
        :class:`DocumentError` for an event the format cannot hold exactly
        (CSV has no claims, quotes or place coordinates).
        """
        if filters.pop("include_retracted", False):
            raise DocumentError("an events file holds no retractions; export without them")
        from timeline.importing import write_events

        query = _event_query(**filters)
        return write_events(self._events(query), fmt)

    def _surviving(self, keys: Iterable[str]) -> dict[str, Reference]:
        """Each key's surviving reference (merges followed), each read once."""
        rows = self._survivors(keys)
        read = _read(rows.values())
        return {key: read[row.key] for key, row in rows.items()}

    def _survivors(self, keys: Iterable[str]) -> dict[str, ReferenceRow]:
        """Each key's surviving reference's row (merges followed; no reference read), one
        query per merge step."""
        held: dict[str, ReferenceRow] = {}
        wanted = set(keys)
        while wanted:
            found = self._views.reference_rows(wanted, as_of=self._upto)
            held.update((row.key, row) for row in found)
            wanted = {row.merged_into for row in found if row.merged_into} - held.keys()
        merged = {key: row.merged_into for key, row in held.items() if row.merged_into}
        return {key: held[_follow(merged, key)] for key in keys}

    # -- bulk import ----------------------------------------------------------

    def _append_all(self, changes: Sequence[tuple[Change, ExpectedVersion]]) -> None:
        """Append checked changes in order with one multi-stream append per chunk (inside
        the caller's write transaction), their views applied in one batch with each."""
        for start in range(0, len(changes), _CHUNK):
            part = changes[start : start + _CHUNK]

            def then(records: Sequence[Record], part: Sequence[tuple[Change, Any]] = part) -> None:
                self._views.apply(list(zip(records, [change for change, _ in part], strict=True)))

            self._journal.append_batch(_stream_batches(part), then=then)

    def import_plan(
        self,
        plan: ImportPlan | ImportStream,
        references: Iterable[Reference] = (),
        *,
        author: str | None = None,
        reason: str = "",
        progress: Callable[[int], None] | None = None,
        dry_run: bool = False,
        retract_missing: bool = False,
        listed: int = LISTED,
    ) -> ImportSummary:
        """Bring the timeline in step with a plan read from files: all or nothing.

        An entry (reference or event) the timeline lacks is added; one it
        holds is compared and only what changed is recorded (a
        ``reference.amended``, an ``event.revised`` of the changed fields,
        citations and claims added, revised or dropped); an unchanged one
        writes nothing, so importing the same files twice writes nothing the
        second time. Entries imported from these files before and gone from
        them now are reported as missing; ``retract_missing=True`` retracts
        such events (and drops such citations and claims of the plan's
        events). A reference whose citation key changed (the same Zotero item,
        or, in any file, an entry with the content or DOI of one gone from it)
        is reported as moved and amended under the old key, never duplicated.
        ``dry_run=True`` plans it all and writes nothing.

        ``plan`` is a whole :class:`ImportPlan` or an :class:`ImportStream`
        (:func:`~timeline.importing.stream_import`), read and written part by
        part in the one transaction: only hashes of what it has seen outlive a
        part, so a file of any size imports in bounded memory (a dry run keeps
        every planned state). The summary lists the first ``listed`` entries
        that are not unchanged and counts them all.

        ``references`` come after the plan's own (read from ``plan.source``).
        Each change's reason names the file and line its item was read from
        (after ``reason``, when given). Every change is checked as if made one
        by one; the first refusal rolls back the whole import and is raised
        naming that file and line.
        """
        if self.read_only and not dry_run:
            raise ReadOnlyTimeline("this is an as-of view of the timeline; it cannot be changed")
        stream = plan if isinstance(plan, ImportStream) else ImportStream.of(plan)
        sink = None if dry_run else self._append_all
        sync = _Import(
            self, author, progress, retract_missing=retract_missing, sink=sink, listed=listed
        )
        if dry_run:
            with self._journal.read_transaction(), collector_paused():
                sync.plan(stream, tuple(references), reason)
        else:
            with self._journal.transaction(join_nested=True), collector_paused():
                sync.plan(stream, tuple(references), reason)
        if progress is not None:
            progress(sync.done)
        return sync.summary(dry_run)

    # -- maintenance ----------------------------------------------------------

    def verify(self) -> VerifyReport:
        """Check the journal and the read models every output is made from; never writes.

        Re-walks the hash chain (:meth:`Journal.verify`), runs SQLite's
        integrity check of the file, and compares the stored read models with
        a replay of the journal up to their checkpoint: a row changed, added
        or removed behind the library's back is named in ``differences``
        (:meth:`rebuild` repairs it). An as-of view checks the chain up to its
        record only (the journal as it stood then).
        """
        with self._journal.read_transaction():
            report = self._journal.verify(upto=self._upto)
            if not report.ok or self.read_only:
                return report
            damage = self._stored.damage()
            if damage:
                return attrs.evolve(report, ok=False, reason=damage)
            seq = self._stored.checkpoint()
            if seq is None or seq > report.checked:
                return report  # rebuilt from the journal before any output is made
            with contextlib.closing(self._journal.read(upto=seq)) as records:
                differences = self._stored.differences(records)
        if not differences:
            return report
        return attrs.evolve(
            report,
            ok=False,
            differences=differences,
            reason=(
                f"the read models differ from the journal ({'; '.join(differences)}); "
                f"`timeline rebuild` rebuilds them"
            ),
        )

    @contextlib.contextmanager
    def read_transaction(self) -> Iterator[Timeline]:
        """Queries inside all read one snapshot of the file (writes by others are not seen)."""
        with self._journal.read_transaction():
            yield self

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Timeline]:
        """Commands inside are one write transaction: all of them are stored, or none."""
        if self.read_only:
            raise ReadOnlyTimeline("this is an as-of view of the timeline; it cannot be changed")
        with self._journal.transaction():
            yield self

    def rebuild(self, progress: Callable[[int], None] | None = None) -> int:
        """Drop and rebuild the read models from the journal; returns the records replayed."""
        if self.read_only:
            raise ReadOnlyTimeline("an as-of view has no stored read models to rebuild")
        with (
            self._journal.transaction(),
            contextlib.closing(self._journal.read()) as records,
            collector_paused(),
        ):
            return self._views.rebuild(records, progress)

    def dump(self, fp: TextIO) -> int:
        """Write the journal as JSON Lines; returns the number of records."""
        return self._journal.dump(fp)

    @classmethod
    @contextlib.contextmanager
    def creating(
        cls,
        path: str | os.PathLike[str],
        *,
        author: str | None = None,
        busy_timeout: float = 30.0,
    ) -> Iterator[Timeline]:
        """A new timeline that appears at ``path`` whole when the block succeeds, or not at all.

        It is built in a hidden file beside ``path`` that no other process
        opens, and linked into place at the end: a failure removes the hidden
        file and leaves ``path`` untouched. Raises :class:`JournalExists` if
        ``path`` exists, also when another process created it meanwhile. A
        PostgreSQL URL's block is one transaction, in a schema holding no record.
        """
        text = os.fspath(path)
        if is_postgres_target(text):
            if storage_exists(text):
                raise JournalExists(f"{shown(text)} holds a journal already")
            with (
                cls.open(text, author=author, busy_timeout=busy_timeout) as timeline,
                timeline.transaction(),
            ):
                if timeline.head().seq:
                    raise JournalExists(f"{shown(text)} holds a journal already")
                yield timeline
            return
        if os.path.lexists(text):
            raise JournalExists(f"{text} already exists")
        with (
            built_aside(text) as scratch,
            cls.open(scratch, author=author, busy_timeout=busy_timeout) as timeline,
        ):
            yield timeline

    @classmethod
    def copy(
        cls,
        source: str | os.PathLike[str],
        target: str | os.PathLike[str],
        *,
        progress: Callable[[int], None] | None = None,
        busy_timeout: float = 30.0,
    ) -> Head:
        """Copy the timeline at ``source`` into a new one at ``target``, all or nothing.

        Either may be a file or a PostgreSQL URL. The records are read in one
        snapshot of ``source`` and stored as they are (the same bytes, so the
        same hashes and head hash); the views are built at ``target``, and the
        copy is verified (its chain, its head against ``source``'s, its views
        against its records) before it is kept. ``progress`` gets the count of
        records copied. :class:`JournalExists` if ``target`` holds a journal;
        a ``source`` whose chain is broken is :class:`CorruptJournal`; either
        way nothing is written. Returns the copy's head.
        """
        storage = open_storage(source, busy_timeout=busy_timeout, read_only=True)
        try:
            with (
                storage.typed_errors(),
                cls.creating(target, busy_timeout=busy_timeout) as copied,
                copied.transaction(),
            ):
                Journal.copy(storage.journal, copied._journal, progress)
                copied._catch_up(None)
                head, expected = copied.journal.head(), storage.journal.head()
                report = copied.verify()
                if not report.ok or head != expected:
                    why = report.reason if not report.ok else f"its head is {head}, not {expected}"
                    raise CorruptJournal(
                        f"the copy of {shown(source)} at {shown(target)} does not verify: "
                        f"{why}; nothing was written"
                    )
        finally:
            storage.journal.close()
        return head

    @classmethod
    def load(
        cls,
        fp: TextIO,
        path: str | os.PathLike[str],
        *,
        author: str | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> Timeline:
        """Create a timeline at ``path`` from a JSON Lines dump, all or nothing.

        The dump must verify, and every record must decode into a change. A
        new ``path`` is built aside and appears only once the load succeeded
        (:class:`JournalExists` if another process created it meanwhile); an
        existing empty journal gets the records and the read models built from
        them in one transaction. A dump that fails either check writes nothing.
        """
        text = os.fspath(path)
        if text in (":memory:", "") or is_postgres_target(text) or os.path.lexists(text):
            return cls._load_into(fp, text, author, progress)
        with built_aside(text) as scratch:
            cls._load_into(fp, scratch, author, progress).close()
        return cls.open(text, author=author)

    @classmethod
    def _load_into(
        cls,
        fp: TextIO,
        path: str,
        author: str | None,
        progress: Callable[[int], None] | None,
    ) -> Timeline:
        storage = open_storage(path)
        target = storage.journal
        timeline = cls._of(storage, author)
        try:
            with target.transaction():
                Journal.load(fp, into=target)
                timeline._catch_up(progress)
        except BaseException:
            target.close()
            raise
        return timeline

    def records(self) -> Iterator[Record]:
        """The journal records this timeline shows, in order."""
        return self._journal.read(upto=self._upto)


#: The parts of a period :meth:`Timeline.revise_period` may change.
_PERIOD_PARTS = tuple(field.name for field in attrs.fields(Period) if field.name != "id")


def _period_line(period: Period) -> str:
    """A definition in a line: id (source, locator: start-end)."""
    ends = "–".join(
        text or (format_edtf(when) if when is not None else "..")
        for when, text in ((period.start, period.start_text), (period.end, period.end_text))
    )
    source = ", ".join(part for part in (period.source, period.locator) if part)
    return f"{period.id} ({source + ': ' if source else ''}{ends})"


def _period_span(period: Period, undated: When | None = None) -> When:
    """The span of a definition as a date (``undated`` for one that gives no dates, else
    refused)."""
    span = period.span
    if span is not None:
        return span
    if undated is not None:
        return undated
    raise InvalidChange(f"period {period.id!r} gives no dates; date the event with `when` as well")


def _check_during(event_id: str, when: When, period: Period) -> None:
    """Refuse a date outside the span of the period an event is dated by."""
    lower, upper = period.bounds
    if when.bounds[0] < lower or when.bounds[1] > upper:
        raise InvalidChange(
            f"event {event_id!r}: {format_edtf(when)} is not within period {_period_line(period)}"
        )


def _period_end(
    value: When | str | None, lang: str, fields: dict[str, Any], text_field: str
) -> When | None:
    """A period's start or end read from a date or text; a phrase is kept as written."""
    if value is None:
        return None
    when, text = read_when(value, lang=lang)
    if text and not fields.get(text_field):
        fields[text_field] = text
    return when


def _alike(event: Event, other: Event) -> bool:
    """Whether ``other`` is another event with ``event``'s date and title."""
    return (
        other.id != event.id and other.when == event.when and _same_title(event.title, other.title)
    )


def _warn_alike(event: Event, alike: Iterable[EventState], where: str) -> None:
    """Warn that ``event`` looks like the events ``alike`` (it is recorded all the same)."""
    others = ", ".join(
        f"{other.event.id!r}" + (" (retracted)" if other.retracted else "") for other in alike
    )
    warnings.warn(
        f"{where}event {event.id!r} has the date {format_edtf(event.when)} and the title "
        f"of {others}; both are kept (retract one if they are the same event)",
        PossibleDuplicateEvent,
        stacklevel=4,
    )


def _revision_fields(
    event_id: str,
    fields: dict[str, Any],
    lang: str,
    *,
    old_style: bool = False,
    document_date: When | str | None = None,
) -> dict[str, Any]:
    """The fields of a revision, checked; a new ``when`` read (``old_style`` and
    ``document_date`` as :func:`~timeline.dates.parse_date`'s), with its phrase as written."""
    unknown = sorted(set(fields) - set(EVENT_FIELDS))
    if unknown:
        raise InvalidChange(
            f"cannot revise {', '.join(unknown)} of event {event_id!r}; "
            f"revisable fields: {', '.join(EVENT_FIELDS)}"
        )
    if fields.get("when", "") is None:
        fields.setdefault("when_text", "")  # no date of its own: its period's span
    elif "when" in fields:
        # The phrase as written describes the old date: a new phrase replaces it,
        # an EDTF date (or a date value) clears it, unless `when_text` is given too.
        fields["when"], when_text = read_when(
            fields["when"],
            lang=lang,
            calendar="old-style" if old_style else "gregorian",
            document_date=document_date,
        )
        fields.setdefault("when_text", when_text)
    return fields


def _revision(
    current: EventState, fields: Mapping[str, Any], lang: str, meta: Mapping[str, str]
) -> tuple[Event, EventRevised | None]:
    """The event revised with ``fields``, and the change (None when nothing changes).
    A ``when`` given to an event dated by its period only is a date of its own; None
    leaves it dated by its period only."""
    event = current.event
    values = read_event_fields({k: v for k, v in fields.items() if k != "when"}, lang=lang)
    revised = attrs.evolve(event, **values)
    changed = {k: getattr(revised, k) for k in values if getattr(event, k) != getattr(revised, k)}
    own = fields.get("when")
    if "when" in fields and (
        (own is None) != event.when_from_period or (own is not None and own != event.when)
    ):
        changed["when"] = own
    if not changed:
        return event, None
    change = EventRevised(event_id=event.id, fields=changed, **meta)
    return change.apply(event), change


def _new_citation(
    event_id: str, key: str, locator: str, quote: str, supports: Iterable[str]
) -> Citation:
    supported = tuple(supports)
    unknown = sorted(set(supported) - set(EVENT_FIELDS))
    if unknown:
        raise InvalidChange(f"a citation can support event fields only, not {', '.join(unknown)}")
    return Citation(event_id, key, locator=locator, quote=quote, supports=supported)


def _citing(current: EventState, citation: Citation, meta: Mapping[str, str]) -> CitationAdded:
    """The change citing ``citation`` from the event; refused if it cites it already."""
    if current.citation(citation.id) is not None:
        raise InvalidChange(
            f"event {citation.event_id!r} already cites {citation.key!r} at {citation.locator!r}"
        )
    return CitationAdded(citation=citation, **meta)


def _read_claims(
    cid: str,
    claims: Mapping[str, Any] | Iterable[Claim],
    lang: str,
    calendar: str,
    stance: Stance | str,
    rank: Rank | str,
) -> list[Claim]:
    """The claims given to :meth:`Timeline.cite` as values, each on ``cid``."""
    if isinstance(claims, Mapping):
        return [
            read_claim(cid, field, value, lang=lang, calendar=calendar, stance=stance, rank=rank)
            for field, value in claims.items()
        ]
    made = list(claims)
    for claim in made:
        if claim.citation_id != cid:
            raise InvalidClaim.at(
                claim.event_id, claim.citation_id, claim.field, f"is not a claim of {cid!r}"
            )
    return made


def _fold_all(state: EventState, changes: Iterable[Change]) -> EventState:
    """``state`` after ``changes`` (event changes), refused as :func:`apply` refuses them."""
    for change in changes:
        if not isinstance(change, EventChange):  # pragma: no cover - event commands only
            raise TypeError(f"not an event change: {change!r}")
        state = apply(state, change)
    return state


def _adopted(claim: Claim) -> dict[str, Any]:
    """The event fields that take a claim's value (a ``when`` with its phrase)."""
    if claim.field == "when":
        return {"when": claim.value, "when_text": claim.value_text}
    if claim.field == "place":
        return {"places": (claim.value,)}
    return {claim.field: claim.value}


def _stream_batches(changes: Sequence[tuple[Change, ExpectedVersion]]) -> list[Batch]:
    """``changes`` encoded as journal batches, a run of changes to one stream in one batch:
    the same checks (a change joins the run only when expected at the version the run
    reaches), an append's work per stream done once per run instead of once per change."""
    batches: list[Batch] = []
    drafts: list[Draft] = []
    stream = ""
    reached: int | None = None  # the version the run reaches (None: not known, ANY)
    for change, expected in changes:
        if change.stream == stream and reached is not None and expected == reached:
            drafts.append(encode(change))
        else:
            stream, drafts = change.stream, [encode(change)]
            batches.append((stream, drafts, expected))
            reached = expected if isinstance(expected, int) else None
            if expected is NO_STREAM:
                reached = 0
        if reached is not None:
            reached += 1
    return batches


class _Import:
    """An import as a sync: each entry of a stream compared with the timeline, and the
    changes that bring the timeline in step, each checked as if made one by one.

    The stream is planned part by part: for each part the views are read once per table
    (its events, its references, held events of its new events' dates), and each part's
    changes are handed to the sink (written in the caller's transaction) before the next
    part is read, so that only hashes of what the import has seen (event ids, reference
    keys, new events' titles) outlive a part. Without a sink (a dry run, which writes
    nothing) every planned state is kept instead. The journal is read once for what
    earlier imports of the same files wrote, and again only for events gone from them.
    """

    def __init__(
        self,
        timeline: Timeline,
        author: str | None,
        progress: Callable[[int], None] | None,
        *,
        retract_missing: bool = False,
        sink: Callable[[Sequence[tuple[Change, ExpectedVersion]]], None] | None = None,
        listed: int = 1000,
    ) -> None:
        self._timeline = timeline
        self._views = timeline._views
        self._author = author
        self._progress = progress
        self._retract_missing = retract_missing
        self._done = 0
        # the changes planned and not yet handed to ``sink`` (none are kept without one)
        self._changes: list[tuple[Change, ExpectedVersion]] = []
        self._sink = sink
        self._kinds: collections.Counter[str] = collections.Counter()
        self._start = 0  # the journal's head before the import
        # what the import has seen, kept to its end as hashes
        self._event_ids = Seen()
        self._reference_keys = Seen()
        # title keys of the events the import adds: 32 bits do, a hit is checked in the views
        self._titles = Seen(small=True)
        # the states of the part being planned (of every part, without a sink)
        self._events: dict[str, EventState] = {}
        self._before: set[str] = set()  # ids of the events the timeline held before
        self._references: dict[str, ReferenceState] = {}
        self._keys: set[str] = set()  # reference keys held, those this import adds too
        self._titled: dict[tuple[tuple[int, int], str, str], list[EventState]] = {}
        self._cited: set[str] = set()  # citation ids given by this part
        self._claimed: set[str] = set()  # claim ids given by this part
        self._touched: dict[str, tuple[Origin, list[FieldDiff]]] = {}
        # events revised by the stream's revisions: counted once those are planned
        self._revised: dict[str, set[str]] = {}
        self._later: dict[str, tuple[Origin, list[FieldDiff]]] = {}
        # the summary
        self._listed: list[ImportedEntry] = []
        self._limit = listed
        self._statuses: collections.Counter[str] = collections.Counter()
        self._unchanged = 0
        self._problems: list[Problem] = []
        self._earlier = _Earlier(Seen())
        self._moved: dict[str, str] = {}  # new citation key -> the key kept
        # what identifies a reference gone from the files (its content, its DOI) -> its key
        self._gone_signs: dict[tuple[str, ...], str] = {}
        # the last change's reason, author and meta, the last item's origin, reason and
        # the reason recorded
        self._last_meta: tuple[str, str | None, dict[str, str]] = ("", None, {})
        self._last_reason: tuple[Origin | None, str, str] = (None, "", "")

    def _emit(self, change: Change, expected: ExpectedVersion) -> None:
        self._kinds[change.KIND] += 1
        if self._sink is not None:
            self._changes.append((change, expected))
            if len(self._changes) >= _CHUNK:
                self._flush()

    def _flush(self) -> None:
        """Hand the changes planned so far to the sink (written in the caller's
        transaction: a later refusal still takes them back), and forget them."""
        if self._sink is not None and self._changes:
            self._sink(self._changes)
            self._changes = []

    @property
    def done(self) -> int:
        """How many entries were planned."""
        return self._done

    def _step(self) -> None:
        self._done += 1
        if self._progress is not None and self._done % 100 == 0:
            self._progress(self._done)

    def _meta(self, author: str | None, reason: str) -> dict[str, str]:
        """The author and reason of a change (the last one's, when they are the same: an
        entry's changes share them)."""
        if reason is not self._last_meta[0] or author is not self._last_meta[1]:
            self._last_meta = (reason, author, self._timeline._meta(author or self._author, reason))
        return self._last_meta[2]

    def _reason(self, reason: str, origin: Origin) -> str:
        """The reason recorded for an item read at ``origin`` (:func:`_import_reason`), made
        once for the items of one entry (which share their origin)."""
        if origin is not self._last_reason[0] or reason is not self._last_reason[1]:
            self._last_reason = (origin, reason, _import_reason(reason, origin))
        return self._last_reason[2]

    def _added(self, kind: str, name: str, origin: Origin) -> None:
        """Count an entry the import adds, listed (and so built) only while fewer than the
        limit are."""
        self._statuses["added"] += 1
        if len(self._listed) < self._limit:
            self._listed.append(ImportedEntry("added", kind, name, str(origin)))

    def _found(self, entry: ImportedEntry) -> None:
        """Count an entry that is not unchanged, listing it while fewer than the limit are."""
        self._statuses[entry.status] += 1
        if len(self._listed) < self._limit:
            self._listed.append(entry)

    # -- the stream, part by part ---------------------------------------------

    def plan(self, stream: ImportStream, extra: Sequence[Reference], reason: str) -> None:
        """Plan the changes of ``stream`` (then of ``extra`` references) in order, handing
        them to the sink part by part; the first refusal names its file and line."""
        journal = self._timeline._journal
        self._start = journal.head().seq
        sources = [*stream.sources, *([stream.source] if extra else [])]
        self._earlier = _Earlier.read(journal, _sources(sources))

        def references() -> Iterator[ImportPlan]:
            yield from stream.references()
            if extra:
                yield ImportPlan(source=stream.source, references=tuple(extra))

        self._read_gone(references)
        for part in references():
            self._problems.extend(part.problems)
            self._reference_part(part, reason, references)
        revisions = stream.revisions()
        for revision in revisions.revisions:
            names = self._revised.setdefault(revision.event_id, set())
            names.update(name for name, _ in revision.fields)
            if "when" in names:
                names.add("when_text")
        for part in stream.events():
            self._event_part(part, reason, stream.events)
        self._touched, self._later = self._later, {}
        for n, revision in enumerate(revisions.revisions):
            origin = revisions.origin("revisions", n)
            with _ImportedFrom(origin):
                self._revision(revision, origin, self._reason(revision.reason, origin))
        self._count_touched(set())
        self._missing_events()
        self._missing_references()
        self._flush()

    def _end_part(self, gone: Iterable[ImportedEntry] = ()) -> None:
        """Count the part's events held before (then what is ``gone`` from them), write its
        changes and, with a sink, forget its states (the views hold them now)."""
        self._count_touched(self._revised)
        for entry in gone:
            self._found(entry)
        self._flush()
        self._cited.clear()
        self._claimed.clear()
        if self._sink is not None:
            self._events.clear()
            self._before.clear()
            self._references.clear()
            self._keys.clear()
            self._titled.clear()

    def _count_touched(self, later: Collection[str]) -> None:
        """Count the events held before that the import touched as changed or unchanged,
        but for those in ``later`` (revised later in the import)."""
        for event_id, (origin, diffs) in self._touched.items():
            if event_id in later:
                self._later[event_id] = (origin, diffs)
            elif diffs:
                self._found(ImportedEntry("changed", "event", event_id, str(origin), tuple(diffs)))
            else:
                self._unchanged += 1
        self._touched = {}

    def _repeated(
        self,
        parts: Callable[[], Iterator[ImportPlan]],
        items: str,
        name: str,
        origin: Origin,
        error: type[DomainError],
    ) -> None:
        """Refuse ``name`` (a key or id already seen) naming both places, if the stream
        does give it twice (and not only a name of the same hash)."""
        what = "reference key" if items == "references" else "event id"
        found = []
        for part in parts():
            for n, item in enumerate(getattr(part, items)):
                if (item.key if items == "references" else item.id) == name:
                    found.append(part.origin(items, n))
                    if len(found) == 2:
                        raise error(
                            f"{origin}: {what} {name!r} is given twice in this import "
                            f"(first at {found[0]}); nothing was imported"
                        )

    def _read_gone(self, references: Callable[[], Iterator[ImportPlan]]) -> None:
        """What identifies each reference earlier imports of these files wrote and the
        stream lacks now (read through once more for its keys, only if there are any)."""
        if not self._earlier.references:
            return
        present = Seen()
        for part in references():
            for reference in part.references:
                present.add(reference.key)
        gone = [key for key in self._earlier.references if key not in present]
        for view in self._views.references(keys=gone, include_merged=True) if gone else ():
            if view.merged_into is None:
                for sign in _signs(view.reference):
                    self._gone_signs.setdefault(sign, view.reference.key)

    def _reference_part(
        self, part: ImportPlan, reason: str, parts: Callable[[], Iterator[ImportPlan]]
    ) -> None:
        refs = [(ref, part.origin("references", n)) for n, ref in enumerate(part.references)]
        for ref, origin in refs:
            if not self._reference_keys.add(ref.key):
                self._repeated(parts, "references", ref.key, origin, DuplicateReference)
        keys = {ref.key for ref, _ in refs} | set(self._gone_signs.values())
        keys.update(
            kept
            for _, origin in refs
            if origin.stable and (kept := self._earlier.items.get(str(origin))) is not None
        )
        keys.difference_update(self._references)
        held = self._views.references(keys=keys, include_merged=True) if keys else []
        for view in held:
            self._references[view.reference.key] = view
            self._keys.add(view.reference.key)
        for reference, origin in refs:
            with _ImportedFrom(origin):
                self._reference(reference, origin, self._reason(reason, origin))
        self._end_part()

    def _event_part(
        self, part: ImportPlan, reason: str, parts: Callable[[], Iterator[ImportPlan]]
    ) -> None:
        for n, event in enumerate(part.events):
            if not self._event_ids.add(event.id):
                self._repeated(parts, "events", event.id, part.origin("events", n), DuplicateEvent)
        own = {event.id for event in part.events}
        ids = own | {c.event_id for c in part.citations} | {c.event_id for c in part.claims}
        ids.difference_update(self._events)
        for view in self._views.events(EventQuery(ids=ids, include_retracted=True)) if ids else ():
            event_id = view.event.id
            self._events[event_id] = view
            if event_id in own or event_id not in self._event_ids:
                self._before.add(event_id)
        keys = {c.key for c in part.citations} - self._keys
        self._keys.update(self._views.reference_keys(keys) if keys else ())
        new = {event.when.bounds for event in part.events if event.id not in self._events}
        if new and self._start:
            as_of = self._start if self._sink is not None else None
            for view in self._views.events_on(new, as_of=as_of):
                for title in _title_keys(view.event):
                    self._titled.setdefault(title, []).append(view)
        cited = claimed = 0  # the citations and claims planned so far
        citations, claims = part.citations, part.claims
        for n, event in enumerate(part.events):
            origin = part.origin("events", n)
            with _ImportedFrom(origin):
                self._event(event, origin, self._reason(reason, origin))
            # the entry's own citations and claims, which follow it in the part, come next:
            # an event's changes written together end fewer of its row versions of an
            # earlier batch; the others keep their order after the part's events
            while cited < len(citations) and citations[cited].event_id == event.id:
                self._cited_at(part, cited, reason)
                cited += 1
            while (
                claimed < len(claims)
                and claims[claimed].event_id == event.id
                and claims[claimed].citation_id in self._cited
            ):
                self._claimed_at(part, claimed, reason)
                claimed += 1
        for n in range(cited, len(citations)):
            self._cited_at(part, n, reason)
        for n in range(claimed, len(claims)):
            self._claimed_at(part, n, reason)
        self._end_part(self._gone_from_events(part))

    def _cited_at(self, part: ImportPlan, n: int, reason: str) -> None:
        """Plan citation ``n`` of ``part``."""
        origin = part.origin("citations", n)
        with _ImportedFrom(origin):
            self._citation(part.citations[n], origin, self._reason(reason, origin))

    def _claimed_at(self, part: ImportPlan, n: int, reason: str) -> None:
        """Plan claim ``n`` of ``part``."""
        origin = part.origin("claims", n)
        with _ImportedFrom(origin):
            self._claim(part.claims[n], origin, self._reason(reason, origin))

    # -- entries --------------------------------------------------------------

    def _reference(self, reference: Reference, origin: Origin, reason: str) -> None:
        kept = self._earlier.items.get(str(origin)) if origin.stable else None
        if kept is None and self._gone_signs and reference.key not in self._references:
            kept = next(
                (self._gone_signs[s] for s in _signs(reference) if s in self._gone_signs), None
            )
        if kept is not None and kept != reference.key and kept in self._references:
            for sign in _signs(self._references[kept].reference):
                self._gone_signs.pop(sign, None)
            self._found(
                ImportedEntry(
                    "moved", "reference", kept, str(origin), note=f"its key is now {reference.key}"
                )
            )
            self._moved[reference.key] = kept
            reference = Reference.as_stored(
                kept,
                reference.entry_type,
                reference.fields,
                reference.contributors,
                reference.language,
            )
        current = self._references.get(reference.key)
        meta = self._meta(None, reason)
        if current is None:
            if reference.key in self._keys:
                raise DuplicateReference(f"a reference with key {reference.key!r} already exists")
            self._keys.add(reference.key)
            self._emit(ReferenceAdded(reference=reference, **meta), NO_STREAM)
            self._added("reference", reference.key, origin)
        elif current.reference == reference:
            self._unchanged += 1
        else:
            self._emit(ReferenceAmended(reference=reference, **meta), current.version)
            diffs = _reference_diffs(current.reference, reference)
            self._found(ImportedEntry("changed", "reference", reference.key, str(origin), diffs))
        self._step()

    def _event(self, event: Event, origin: Origin, reason: str) -> None:
        if event.during:
            event = attrs.evolve(event, during=self._timeline._resolve_period(event.during).id)
            self._timeline._within_period(event)
        current = self._events.get(event.id)
        if current is not None:
            self._touch(event.id, origin)
            skip = self._revised.get(event.id, set())
            fields = {
                name: new
                for name in EVENT_FIELDS
                if name not in skip
                and getattr(current.event, name) != (new := getattr(event, name))
            }
            if "when" in fields and event.when_from_period:
                fields["when"] = None  # now dated by its period only
            if fields:
                self._apply(
                    EventRevised(event_id=event.id, fields=fields, **self._meta(None, reason))
                )
            self._step()
            return
        titles = _title_keys(event)
        candidates = {
            other.event.id: other for title in titles for other in self._titled.get(title, ())
        }
        codes = [self._titles.code(title) for title in titles]
        if self._sink is not None and any(self._titles.has_hash(code) for code in codes):
            lower, upper = event.when.bounds
            texts = list(event.title.as_dict().values())
            for other in self._views.events_dated(lower, upper, title=texts):
                candidates.setdefault(other.event.id, other)
        alike = sorted(
            (other for other in candidates.values() if _alike(event, other.event)),
            key=lambda other: other.event.id,
        )
        if alike:
            _warn_alike(event, alike, f"{origin}: ")
        change = EventRecorded(event=event, **self._meta(None, reason))
        self._emit(change, NO_STREAM)
        state = apply(None, change)
        self._events[event.id] = state
        for title, code in zip(titles, codes, strict=True):
            self._titled.setdefault(title, []).append(state)
            if self._sink is not None:
                self._titles.add_hash(code)
        self._added("event", event.id, origin)
        self._step()

    def _touch(self, event_id: str, origin: Origin) -> None:
        """Count an event the timeline held as an entry of this import (read at ``origin``)."""
        if event_id not in self._touched and self._held_before(event_id):
            self._touched[event_id] = (origin, [])

    def _held_before(self, event_id: str) -> bool:
        if event_id in self._before:
            return True
        if self._sink is None or not self._start or event_id in self._events:
            return False  # a dry run keeps what it read, and the states of the part are read
        held = self._views.event(event_id, as_of=self._start) is not None
        if held:
            self._before.add(event_id)
        return held

    def _apply(self, change: EventChange) -> None:
        """Plan ``change`` on its event, noting what it changes on an event held before."""
        current = self._current(change.event_id)
        after = apply(current, change)
        self._emit(change, current.version)
        self._events[change.event_id] = after
        touched = self._touched.get(change.event_id)
        if touched is not None:
            touched[1].extend((*_diffs(current, after), *_claim_diffs(current, after)))

    def _current(self, event_id: str) -> EventState:
        current = self._events.get(event_id)
        if current is None and self._sink is not None:
            # an event of an earlier part (written), or one the stream does not give
            held = self._views.event(event_id)
            if held is not None:
                self._held_before(event_id)
                self._events[event_id] = current = held
        if current is None:
            raise UnknownEvent(f"no event with id {event_id!r}")
        return current

    def _citation(self, cited: Citation, origin: Origin, reason: str) -> None:
        event_id, cid = cited.event_id, cited.id
        current = self._events.get(event_id)
        held = current.citation(cid) if current is not None else None
        if held == cited and event_id in self._before and cid not in self._cited:
            self._touch(event_id, origin)  # unchanged: the common case of a re-import
            self._cited.add(cid)
            self._step()
            return
        citation = cited  # as read; what it supports is checked as a command checks it
        if cited.supports:
            supports = cited.supports
            citation = _new_citation(event_id, cited.key, cited.locator, cited.quote, supports)
        if current is None:
            current = self._current(event_id)
            held = current.citation(cid)
        if citation.key not in self._keys:
            moved = [f"{new!r} (now the key of {kept!r})" for new, kept in self._moved.items()]
            hint = f"; moved keys: {', '.join(moved)}" if moved else ""
            raise UnknownReference(f"no reference with key {citation.key!r}{hint}")
        meta = self._meta(None, reason)
        self._touch(event_id, origin)
        if cid in self._cited or held is None:
            self._apply(_citing(current, citation, meta))
        elif held != citation:
            self._apply(CitationRemoved(event_id=event_id, citation_id=cid, **meta))
            self._apply(_citing(self._current(event_id), citation, meta))
        self._cited.add(cid)
        self._step()

    def _claim(self, claim: Claim, origin: Origin, reason: str) -> None:
        current = self._current(claim.event_id)
        self._touch(claim.event_id, origin)
        held = current.claim(claim.id)
        meta = self._meta(None, reason)
        if claim.id in self._claimed or held is None:
            self._apply(ClaimRecorded(claim=claim, **meta))
        elif held != claim:
            self._apply(ClaimRevised(claim=claim, **meta))
        self._claimed.add(claim.id)
        self._step()

    def _revision(self, revision: Revision, origin: Origin, reason: str) -> None:
        fields = _revision_fields(revision.event_id, dict(revision.fields), "en")
        self._timeline._dated_by(fields)
        current = self._current(revision.event_id)
        self._touch(revision.event_id, origin)
        meta = self._timeline._meta(revision.author or self._author, reason)
        revised, change = _revision(current, fields, "en", meta)
        if change is not None:
            self._timeline._within_period(revised)
            self._apply(change)
        self._step()

    # -- what is gone ---------------------------------------------------------

    def _gone_from_events(self, part: ImportPlan) -> list[ImportedEntry]:
        """The citations and claims of the part's events held before that it lacks (dropped
        with ``retract_missing``)."""
        gone = []
        for n, event in enumerate(part.events):
            if event.id not in self._before:
                continue
            origin = part.origin("events", n)
            reason = f"not in {origin} any more"
            meta = self._meta(None, reason)
            for citation in self._current(event.id).citations:
                if citation.id not in self._cited:
                    gone.append(self._gone_entry("citation", citation.id, origin))
                    if self._retract_missing:
                        self._apply(
                            CitationRemoved(event_id=event.id, citation_id=citation.id, **meta)
                        )
            for claim in self._current(event.id).claims:
                if claim.id not in self._claimed:
                    gone.append(self._gone_entry("claim", claim.id, origin))
                    if self._retract_missing:
                        self._apply(ClaimWithdrawn(event_id=event.id, claim_id=claim.id, **meta))
        return gone

    def _gone_entry(self, kind: str, name: str, origin: Origin | str) -> ImportedEntry:
        status = "retracted" if self._retract_missing and kind != "reference" else "missing"
        return ImportedEntry(status, kind, name, str(origin))

    def _missing_events(self) -> None:
        """Events earlier imports of these files wrote that the files lack now (the journal
        read again for their ids, only if there are any)."""
        earlier, seen = self._earlier.events, self._event_ids
        if not any(not seen.has_hash(code) for code in earlier.hashes()):
            return
        gone: dict[str, str] = {}
        for kind, name, source, _ in _imported_records(
            self._timeline._journal, self._earlier.sources, upto=self._start
        ):
            if kind == "event" and name not in seen:
                gone[name] = source  # in the order of the first record naming it
        found = self._views.events(EventQuery(ids=set(gone), include_retracted=True))
        states = {view.event.id: view for view in found}
        for event_id, source in gone.items():
            state = self._events.get(event_id) or states.get(event_id)
            if state is None or state.retracted:
                continue
            self._found(self._gone_entry("event", event_id, source))
            if self._retract_missing:
                reason = f"not in {source} any more"
                self._events[event_id] = state
                self._apply(EventRetracted(event_id=event_id, **self._meta(None, reason)))

    def _missing_references(self) -> None:
        """References earlier imports of these files wrote that the files lack now."""
        kept = set(self._moved.values())
        gone = {
            key: source
            for key, source in self._earlier.references.items()
            if key not in self._reference_keys and key not in kept
        }
        held = self._views.references(keys=set(gone), include_merged=True) if gone else []
        unmerged = {view.reference.key for view in held if view.merged_into is None}
        for key, source in gone.items():
            if key in unmerged:
                self._found(self._gone_entry("reference", key, source))

    # -- the summary ----------------------------------------------------------

    def summary(self, dry_run: bool) -> ImportSummary:
        """What was planned, counted (see :class:`ImportSummary`)."""
        kinds, statuses = self._kinds, self._statuses
        return ImportSummary(
            references=kinds["reference.added"] + kinds["reference.amended"],
            events=kinds["event.recorded"],
            citations=kinds["citation.added"],
            revisions=kinds["event.revised"],
            claims=kinds["claim.recorded"] + kinds["claim.revised"],
            added=statuses["added"],
            changed=statuses["changed"],
            unchanged=self._unchanged,
            missing=statuses["missing"] + statuses["retracted"],
            moved=statuses["moved"],
            retracted=statuses["retracted"],
            records=kinds.total(),
            dry_run=dry_run,
            entries=tuple(self._listed),
            unlisted=statuses.total() - len(self._listed),
            problems=tuple(self._problems),
        )


@attrs.define
class _Earlier:
    """What earlier imports of an import's files wrote: the events (their ids' hashes) and
    references (each with the file it names) and, for items whose identity the source keeps
    (Zotero's), the reference key each item was imported under; ``sources`` the spellings of
    the files (-> the path as this import names it)."""

    events: Seen
    references: dict[str, str] = attrs.field(factory=dict)
    items: dict[str, str] = attrs.field(factory=dict)
    sources: Mapping[str, str] = attrs.field(factory=dict)

    @classmethod
    def read(cls, journal: Journal, sources: Mapping[str, str]) -> _Earlier:
        """Scan the journal's reasons for ``imported from`` one of ``sources``."""
        earlier = cls(Seen(), sources=sources)
        for kind, name, source, where in _imported_records(journal, sources):
            if kind == "event":
                earlier.events.add(name)
            elif kind == "reference":
                earlier.references[name] = source
                earlier.items[where] = name
        return earlier


def _imported_records(
    journal: Journal, sources: Mapping[str, str], *, upto: int | None = None
) -> Iterator[tuple[str, str, str, str]]:
    """For each record (up to seq ``upto``) whose reason says it was imported from one of
    ``sources`` (spellings of a path -> the path as this import names it): its stream's
    kind and name, the path, and the origin as this import would name it."""
    if not sources or journal.head().seq == 0:
        return
    spellings = sorted(sources, key=len, reverse=True)
    with contextlib.closing(journal.read(upto=upto)) as records:
        for record in records:
            where = _imported_at(str(record.payload.get("reason", "")))
            if where is None:
                continue
            spelling = next((s for s in spellings if _names(where, s)), None)
            if spelling is None:
                continue
            source = sources[spelling]
            kind, _, name = record.stream.partition(":")
            yield kind, name, source, source + where[len(spelling) :]


def _imported_at(reason: str) -> str | None:
    """Where a record's reason says its item was imported from (``FILE:LINE``), or None."""
    if reason.startswith("imported from "):
        return reason[len("imported from ") :]
    _, found, tail = reason.rpartition(" (imported from ")
    return tail[:-1] if found and tail.endswith(")") else None


def _names(where: str, source: str) -> bool:
    """Whether an origin's text (``FILE:LINE``, ``FILE, item K``) names the file ``source``."""
    if not where.startswith(source):
        return False
    rest = where[len(source) :]
    return not rest or rest.startswith((":", ", "))


def _sources(names: Iterable[str]) -> dict[str, str]:
    """The files an import reads, each under the spellings an earlier import may have
    given it (as given, absolute, relative to the working folder)."""
    spellings: dict[str, str] = {}
    for name in dict.fromkeys(names):
        spellings[name] = name
        if os.path.exists(name):
            absolute = os.path.abspath(name)
            spellings.setdefault(absolute, name)
            with contextlib.suppress(ValueError):
                spellings.setdefault(os.path.relpath(absolute), name)
    return spellings


def _title_keys(event: Event) -> list[tuple[tuple[int, int], str, str]]:
    """Keys under which events with the same date and a title in common meet (one per
    language of the title): the linear index of the duplicate check."""
    return [
        (event.when.bounds, lang, " ".join(text.casefold().split()))
        for lang, text in event.title.as_dict().items()
    ]


def _signs(reference: Reference) -> list[tuple[str, ...]]:
    """What says a reference under a new key is one gone from the files under an old one:
    the same content, or the same DOI."""
    content = repr((reference.entry_type, reference.fields, reference.contributors))
    signs: list[tuple[str, ...]] = [("content", content, reference.language)]
    doi = (reference.get("doi") or "").strip().casefold()
    if doi:
        signs.append(("doi", doi))
    return signs


def _event_difference(before: EventState | None, after: EventState) -> Difference:
    """An event's :class:`Difference` from one state to another (None: not yet recorded)."""
    diffs = (*_diffs(before, after), *_claim_diffs(before, after))
    if before is None:
        status = "added"
    elif before.retracted != after.retracted:
        status = "retracted" if after.retracted else "restored"
    else:
        status = "changed"
    return Difference(status, "event", after.event.id, tuple(diffs))


def _reference_difference(before: ReferenceState | None, after: ReferenceState) -> Difference:
    """A reference's :class:`Difference` from one state to another."""
    key = after.reference.key
    if before is None:
        return Difference("added", "reference", key, (FieldDiff("key", None, key),))
    diffs = _reference_diffs(before.reference, after.reference)
    if before.merged_into != after.merged_into:
        merged = FieldDiff("merged_into", before.merged_into, after.merged_into)
        return Difference("merged", "reference", key, (*diffs, merged))
    return Difference("changed", "reference", key, diffs)


def _reference_diffs(old: Reference, new: Reference) -> tuple[FieldDiff, ...]:
    """The parts of a reference that differ: its type, language, contributors, fields."""
    diffs = [
        FieldDiff(name, a, b)
        for name in ("entry_type", "language", "contributors")
        if (a := getattr(old, name)) != (b := getattr(new, name))
    ]
    before, after = old.field_map, new.field_map
    diffs += [
        FieldDiff(name, before.get(name), after.get(name))
        for name in sorted(before.keys() | after.keys())
        if before.get(name) != after.get(name)
    ]
    return tuple(diffs)


def _claim_diffs(before: EventState | None, after: EventState) -> list[FieldDiff]:
    """The claims recorded, revised or dropped from one state of an event to the next."""
    old = {claim.id: claim for claim in before.claims} if before is not None else {}
    new = {claim.id: claim for claim in after.claims}
    return [
        FieldDiff(f"claim {name}", _claim_text(old.get(name)), _claim_text(new.get(name)))
        for name in [*old, *(name for name in new if name not in old)]
        if old.get(name) != new.get(name)
    ]


def _claim_text(claim: Claim | None) -> str | None:
    if claim is None:
        return None
    return f"{claim.value_text or claim.value} ({claim.stance.value}, {claim.rank.value})"


def _import_reason(reason: str, origin: Origin) -> str:
    """The reason recorded for an imported item: ``reason`` (if any) and where it was read."""
    return f"{reason} (imported from {origin})" if reason else f"imported from {origin}"


class _ImportedFrom:
    """Name ``origin`` in a refusal of the item read there; the whole import rolls back.

    A class rather than a generator: an import enters one for each of its items.
    """

    __slots__ = ("origin",)

    def __init__(self, origin: Origin) -> None:
        self.origin = origin

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, _: Any) -> None:
        if isinstance(exc, DomainError | JournalUsageError):
            raise type(exc)(f"{self.origin}: {exc}; nothing was imported") from exc


def _follow(merged: Mapping[str, str], key: str) -> str:
    seen = {key}
    while key in merged and merged[key] not in seen:
        key = merged[key]
        seen.add(key)
    return key


def _bounds_of(value: When | str | None, lang: str = "en") -> tuple[int, int] | None:
    if value is None:
        return None
    return read_when(value, lang=lang)[0].bounds


def _event_query(
    *,
    between: When | str | tuple[When | str | None, When | str | None] | None = None,
    actors: Iterable[str] | None = None,
    categories: Iterable[str] | None = None,
    tags: Iterable[str] | None = None,
    importance: int | None = None,
    text: str | None = None,
    lang: str | None = None,
    include_retracted: bool = False,
) -> EventQuery:
    lower = upper = None
    if isinstance(between, tuple):
        start, end = (_bounds_of(part) for part in between)
        lower = start[0] if start else None
        upper = end[1] if end else None
    elif between is not None:
        lower, upper = read_when(between)[0].bounds
    return EventQuery(
        lower=lower,
        upper=upper,
        actors=actors or (),
        categories=categories or (),
        tags=tags or (),
        importance=importance,
        text=text or None,
        lang=lang,
        include_retracted=include_retracted,
    )
