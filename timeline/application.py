"""The :class:`Timeline`: commands that check the current state and append
changes to the journal, and queries answered by the read models.

A command flows one way: arguments → change → codec → journal, with the read
models updated in the same SQLite transaction. Commands that depend on another
entity (citing a reference) re-check it inside that transaction, and a command
that loses a race for its own stream is retried against the new state, so no
command is lost without an error.
"""

from __future__ import annotations

import contextlib
import getpass
import json
import os
import sqlite3
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Literal, TextIO

import attrs

from citations import Reference
from timeline import views
from timeline.chronology import Chronology, ChronologyEntry, JournalState
from timeline.dates import When, format_edtf
from timeline.domain import (
    EVENT_FIELDS,
    REGISTRY,
    Change,
    Citation,
    CitationAdded,
    CitationRemoved,
    Event,
    EventChange,
    EventRecorded,
    EventRestored,
    EventRetracted,
    EventRevised,
    EventState,
    LocalizedText,
    ReferenceAdded,
    ReferenceAmended,
    ReferenceMerged,
    apply,
    citation_id,
    decode,
    decode_event,
    decode_reference,
    encode,
    event_stream,
    read_event_fields,
    read_text,
    read_when,
)
from timeline.errors import (
    CorruptJournal,
    DomainError,
    DuplicateEvent,
    DuplicateReference,
    InvalidChange,
    JournalExists,
    JournalReadOnly,
    JournalUsageError,
    PossibleDuplicateEvent,
    ReadOnlyTimeline,
    UnknownCitation,
    UnknownEvent,
    UnknownReference,
    VersionConflict,
)
from timeline.importing import ImportPlan, Origin
from timeline.journal import (
    NO_STREAM,
    ExpectedVersion,
    Journal,
    Record,
    SQLiteJournal,
    VerifyReport,
)
from timeline.journal._sqlite import publish, remove_files, scratch_path

__all__ = ["FieldDiff", "HistoryEntry", "ImportSummary", "Timeline", "default_author"]

_RETRIES = 5


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
    """How much an import recorded."""

    references: int
    events: int
    citations: int
    revisions: int


@attrs.frozen
class FieldDiff:
    """One field's value before and after a change (``None``: absent)."""

    field: str
    old: Any
    new: Any


@attrs.frozen
class HistoryEntry:
    """One change to an event: when it was recorded, by whom, why, and what it changed."""

    seq: int
    recorded_at: datetime
    kind: str
    author: str
    reason: str
    diffs: tuple[FieldDiff, ...]


def _diffs(before: EventState | None, after: EventState) -> tuple[FieldDiff, ...]:
    """What changed from one state of an event to the next (``before`` None: recorded)."""
    old_event = before.event if before is not None else None
    diffs = [
        FieldDiff(name, old, new)
        for name in EVENT_FIELDS
        if (old := getattr(old_event, name, None)) != (new := getattr(after.event, name))
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
        journal: SQLiteJournal,
        conn: sqlite3.Connection,
        *,
        author: str | None = None,
        upto: int | None = None,
    ) -> None:
        self._journal = journal
        self._conn = conn
        self._author = author or default_author()
        self._upto = upto

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
        """Open (or create) the timeline stored at ``path``.

        Read models behind the journal (after a crash, or a journal loaded
        from a dump) are brought up to date here; ``progress`` sees the count.
        A command waits up to ``busy_timeout`` seconds for another process's
        lock, then raises :class:`JournalBusy`. ``read_only=True`` (or a
        ``file:...?mode=ro`` URI) never writes to the file: read models that
        are behind are replayed in memory instead. A file holding SQL objects
        timeline did not create is refused with :class:`UntrustedJournal`.
        """
        journal = SQLiteJournal.open(
            path,
            registry=REGISTRY,
            synchronous=synchronous,
            busy_timeout=busy_timeout,
            read_only=read_only,
        )
        try:
            with journal.typed_errors():
                complete = views.check_objects(
                    journal.connection, journal.other_objects(), journal.path
                )
                timeline = cls(journal, journal.connection, author=author)
                timeline._catch_up(progress, rebuild=not complete)
        except BaseException:
            journal.close()
            raise
        return timeline

    def _in_step(self) -> bool:
        state = views.checkpoint(self._conn)
        return state == (views.READ_MODEL_SCHEMA, self._journal.head().seq)

    def _catch_up(self, progress: Callable[[int], None] | None, *, rebuild: bool) -> None:
        """Bring the read models level with the journal; no lock is taken when they are.

        Read models that cannot be caught up (their checkpoint was set back, so
        records would apply twice) are rebuilt. A file that cannot be written
        gets read models replayed in memory.
        """
        if not rebuild and self._in_step():
            return
        if self._journal.read_only:
            self._conn = _replayed(self._journal, self._journal.head().seq)
            return
        try:
            with self._journal.transaction():
                conn = self._journal.connection
                state = views.checkpoint(conn)
                head = self._journal.head().seq
                if (
                    rebuild
                    or state is None
                    or state[0] != views.READ_MODEL_SCHEMA
                    or state[1] > head
                    or not self._caught_up(conn, state[1], progress)
                ):
                    with contextlib.closing(self._journal.read()) as records:
                        views.rebuild(conn, records, progress)
        except JournalReadOnly:
            self._conn = _replayed(self._journal, self._journal.head().seq)

    def _caught_up(
        self, conn: sqlite3.Connection, seq: int, progress: Callable[[int], None] | None
    ) -> bool:
        """Apply the records after ``seq``; False (nothing applied) when they do not fit."""
        conn.execute("SAVEPOINT catch_up")
        try:
            with contextlib.closing(self._journal.read(after=seq)) as records:
                views.apply_records(conn, records, progress)
        except (sqlite3.IntegrityError, LookupError, TypeError):
            conn.execute("ROLLBACK TO catch_up")
            conn.execute("RELEASE catch_up")
            return False
        conn.execute("RELEASE catch_up")
        return True

    def close(self) -> None:
        """Close the journal file."""
        self._journal.close()

    def __enter__(self) -> Timeline:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @property
    def journal(self) -> SQLiteJournal:
        """The underlying journal."""
        return self._journal

    @property
    def read_only(self) -> bool:
        """True for an :meth:`as_of` view."""
        return self._upto is not None

    # -- commands -------------------------------------------------------------

    def _append(
        self,
        build: Callable[[], tuple[Change, ExpectedVersion] | None],
        check: Callable[[sqlite3.Connection], None] | None = None,
    ) -> Record | None:
        """Build a change from the current state and append it, retrying lost races."""
        if self.read_only:
            raise ReadOnlyTimeline("this is an as-of view of the timeline; it cannot be changed")
        for attempt in range(_RETRIES):
            built = build()
            if built is None:
                return None
            change, expected = built

            def then(records: Sequence[Record], change: Change = change) -> None:
                conn = self._journal.connection
                if check is not None:
                    check(conn)
                for record in records:
                    views.apply(conn, record, change)

            try:
                stored = self._journal.append(
                    change.stream,
                    [encode(change)],
                    expected_version=expected,
                    then=then,
                )
            except VersionConflict:
                if attempt == _RETRIES - 1:
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
        """
        if event is None:
            if when is None or title is None:
                raise InvalidChange("an event needs at least `when` and `title`")
            calendar = "old-style" if old_style else "gregorian"
            when_value, when_text = read_when(
                when, lang=lang, calendar=calendar, document_date=document_date
            )
            titles = read_text(title, lang)
            fields.setdefault("when_text", when_text)
            event = Event(
                id=id or self._derive_id(when_value, titles),
                when=when_value,
                title=titles,
                **read_event_fields(fields, lang=lang),
            )
        return self._record(event, author=author, reason=reason)

    def _record(self, event: Event, *, author: str | None, reason: str, where: str = "") -> Event:
        """Append ``event``; warn (naming ``where``) if one like it is on the timeline."""

        def build() -> tuple[Change, ExpectedVersion]:
            if views.load_event(self._conn, event.id) is not None:
                raise DuplicateEvent(f"an event with id {event.id!r} already exists")
            return EventRecorded(event=event, **self._meta(author, reason)), NO_STREAM

        alike = self._alike(event)
        if alike and views.load_event(self._conn, event.id) is None:
            others = ", ".join(
                f"{other!r}" + (" (retracted)" if retracted else "") for other, retracted in alike
            )
            warnings.warn(
                f"{where}event {event.id!r} has the date {format_edtf(event.when)} and the title "
                f"of {others}; both are kept (retract one if they are the same event)",
                PossibleDuplicateEvent,
                stacklevel=3,
            )
        self._append(build)
        return event

    def _alike(self, event: Event) -> list[tuple[str, bool]]:
        """Events (id, retracted) with ``event``'s date and title.

        Candidates are the events with the same bounds; when there are many,
        only those the full-text index finds the title in (three characters
        or more).
        """
        bounds = event.when.bounds
        same_bounds = "SELECT id FROM events WHERE lower = ? AND upper = ?"
        ids = [row[0] for row in self._conn.execute(same_bounds + " LIMIT 33", bounds)]
        texts = [text.strip() for text in event.title.as_dict().values()]
        if len(ids) > 32 and all(len(text) >= 3 for text in texts):
            found: set[str] = set()
            for text in texts:
                rows = self._conn.execute(
                    "SELECT event_id FROM event_text JOIN events ON events.id = event_id "
                    "WHERE title MATCH ? AND lower = ? AND upper = ?",
                    ('"' + text.replace('"', '""') + '"', *bounds),
                )
                found.update(row[0] for row in rows)
            ids = sorted(found)
        elif len(ids) > 32:
            ids = [row[0] for row in self._conn.execute(same_bounds, bounds)]
        candidates = filter(None, (views.load_event(self._conn, other) for other in ids))
        return [
            (other.id, retracted)
            for other, _, retracted in candidates
            if other.id != event.id
            and other.when == event.when
            and _same_title(event.title, other.title)
        ]

    def _derive_id(self, when: When, title: LocalizedText) -> str:
        stem = format_edtf(when).split("/")[0].lstrip("[")
        stem = _slug(stem.replace("..", "")) or "undated"
        words = _slug(title.get("en")) or _slug(title.get(title.original))
        candidate = f"{stem}-{words}" if words else stem
        unique, n = candidate, 2
        while views.load_event(self._conn, unique) is not None:
            unique, n = f"{candidate}-{n}", n + 1
        return unique

    def _current_event(self, event_id: str) -> tuple[Event, int, bool]:
        current = views.load_event(self._conn, event_id)
        if current is None:
            raise UnknownEvent(f"no event with id {event_id!r}")
        return current

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
        unknown = sorted(set(fields) - set(EVENT_FIELDS))
        if unknown:
            raise InvalidChange(
                f"cannot revise {', '.join(unknown)} of event {event_id!r}; "
                f"revisable fields: {', '.join(EVENT_FIELDS)}"
            )
        if "when" in fields:
            # The phrase as written describes the old date: a new phrase replaces it,
            # an EDTF date (or a date value) clears it, unless `when_text` is given too.
            fields["when"], when_text = read_when(
                fields["when"],
                lang=lang,
                calendar="old-style" if old_style else "gregorian",
                document_date=document_date,
            )
            fields.setdefault("when_text", when_text)
        result: list[Event] = []

        def build() -> tuple[Change, int] | None:
            event, version, _ = self._current_event(event_id)
            revised = attrs.evolve(event, **read_event_fields(fields, lang=lang))
            changed = {name: getattr(revised, name) for name in fields}
            changed = {k: v for k, v in changed.items() if getattr(event, k) != v}
            result[:] = [revised]
            if not changed:
                return None
            change = EventRevised(event_id=event_id, fields=changed, **self._meta(author, reason))
            return change, version

        self._append(build)
        return result[0]

    def _set_retracted(
        self, event_id: str, retracted: bool, reason: str, author: str | None
    ) -> None:
        def build() -> tuple[Change, int]:
            _, version, is_retracted = self._current_event(event_id)
            if is_retracted == retracted:
                state = "already retracted" if retracted else "not retracted"
                raise InvalidChange(f"event {event_id!r} is {state}")
            meta = self._meta(author, reason)
            change: Change = (
                EventRetracted(event_id=event_id, **meta)
                if retracted
                else EventRestored(event_id=event_id, **meta)
            )
            return change, version

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
            if views.load_reference(self._conn, reference.key) is not None:
                raise DuplicateReference(f"a reference with key {reference.key!r} already exists")
            return ReferenceAdded(reference=reference, **self._meta(author, reason)), NO_STREAM

        self._append(build)
        return reference

    def _current_reference(self, key: str) -> tuple[Reference, int, str | None]:
        current = views.load_reference(self._conn, key)
        if current is None:
            raise UnknownReference(f"no reference with key {key!r}")
        return current

    def amend_reference(
        self, reference: Reference, *, reason: str, author: str | None = None
    ) -> Reference:
        """Replace a reference's content (same key); nothing is written when it is unchanged."""

        def build() -> tuple[Change, int] | None:
            current, version, _ = self._current_reference(reference.key)
            if current == reference:
                return None
            return ReferenceAmended(reference=reference, **self._meta(author, reason)), version

        self._append(build)
        return reference

    def merge_references(
        self, key: str, into: str, *, reason: str, author: str | None = None
    ) -> None:
        """Mark reference ``key`` as a duplicate of ``into``; its citations count for ``into``."""
        if key == into:
            raise InvalidChange(f"cannot merge reference {key!r} into itself")

        def build() -> tuple[Change, int]:
            _, version, merged = self._current_reference(key)
            if merged is not None:
                raise InvalidChange(f"reference {key!r} is already merged into {merged!r}")
            target = self._resolve_key(into)
            if target == key:
                raise InvalidChange(f"merging {key!r} into {into!r} would make a cycle")
            change = ReferenceMerged(key=key, into=target, **self._meta(author, reason))
            return change, version

        self._append(build, check=lambda conn: self._require_reference(conn, into))

    def _resolve_key(self, key: str) -> str:
        """Follow merges from ``key`` to the surviving reference."""
        seen = {key}
        _, _, merged = self._current_reference(key)
        while merged is not None:
            key = merged
            if key in seen:  # pragma: no cover - merges refuse cycles
                break
            seen.add(key)
            _, _, merged = self._current_reference(key)
        return key

    @staticmethod
    def _require_reference(conn: sqlite3.Connection, key: str) -> None:
        if views.load_reference(conn, key) is None:
            raise UnknownReference(f"no reference with key {key!r}")

    def cite(
        self,
        event_id: str,
        key: str,
        *,
        locator: str = "",
        quote: str = "",
        supports: Iterable[str] = (),
        reason: str = "",
        author: str | None = None,
    ) -> Citation:
        """Cite reference ``key`` from an event, with a locator ("p. 104", "fn. 12").

        Raises :class:`UnknownEvent` or :class:`UnknownReference`, and
        :class:`InvalidChange` when the same citation exists already.
        """
        supported = tuple(supports)
        unknown = sorted(set(supported) - set(EVENT_FIELDS))
        if unknown:
            raise InvalidChange(
                f"a citation can support event fields only, not {', '.join(unknown)}"
            )
        citation = Citation(event_id, key, locator=locator, quote=quote, supports=supported)

        def build() -> tuple[Change, int]:
            _, version, _ = self._current_event(event_id)
            self._require_reference(self._conn, key)
            if self._conn.execute(
                "SELECT 1 FROM citations WHERE id = ?", (citation.id,)
            ).fetchone():
                raise InvalidChange(f"event {event_id!r} already cites {key!r} at {locator!r}")
            return CitationAdded(citation=citation, **self._meta(author, reason)), version

        self._append(build, check=lambda conn: self._require_reference(conn, key))
        return citation

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
            _, version, _ = self._current_event(event_id)
            if not self._conn.execute("SELECT 1 FROM citations WHERE id = ?", (cid,)).fetchone():
                raise UnknownCitation(f"event {event_id!r} has no citation {cid!r}")
            change = CitationRemoved(
                event_id=event_id, citation_id=cid, **self._meta(author, reason)
            )
            return change, version

        self._append(build)

    # -- queries --------------------------------------------------------------

    def event(self, event_id: str) -> Event:
        """The event with this id (retracted or not); raises :class:`UnknownEvent`."""
        return self._current_event(event_id)[0]

    def is_retracted(self, event_id: str) -> bool:
        """True when the event has been retracted."""
        return self._current_event(event_id)[2]

    def events(
        self,
        *,
        between: When | str | tuple[When | str | None, When | str | None] | None = None,
        actors: Iterable[str] | None = None,
        kinds: Iterable[str] | None = None,
        tags: Iterable[str] | None = None,
        importance: int | None = None,
        text: str | None = None,
        lang: str | None = None,
        include_retracted: bool = False,
    ) -> list[Event]:
        """Events in historical order, filtered.

        ``between`` keeps events whose dates overlap a date, an EDTF interval
        or a ``(start, end)`` pair (``None`` for an open end); ``actors``,
        ``kinds`` and ``tags`` keep events with any of those; ``importance``
        is a minimum; ``text`` searches titles and summaries (in ``lang``
        only, if given).
        """
        sql, params = _event_query(
            between=between,
            actors=actors,
            kinds=kinds,
            tags=tags,
            importance=importance,
            text=text,
            lang=lang,
            include_retracted=include_retracted,
        )
        return [decode_event(json.loads(row[0])) for row in self._conn.execute(sql, params)]

    def references(self, *, include_merged: bool = False) -> list[Reference]:
        """All references, by key; merged duplicates only when asked."""
        where = "" if include_merged else "WHERE merged_into IS NULL"
        rows = self._conn.execute(f"SELECT data FROM bib_references {where} ORDER BY key")
        return [decode_reference(json.loads(row[0])) for row in rows]

    def reference(self, key: str) -> Reference:
        """The reference with this key; raises :class:`UnknownReference`."""
        return self._current_reference(key)[0]

    def citations_of(self, event_id: str) -> list[Citation]:
        """The citations of an event, in the order they were added."""
        self._current_event(event_id)
        rows = self._conn.execute(
            "SELECT event_id, key, locator, quote, supports FROM citations "
            "WHERE event_id = ? ORDER BY seq",
            (event_id,),
        )
        return [
            Citation(
                row[0], row[1], locator=row[2], quote=row[3], supports=tuple(json.loads(row[4]))
            )
            for row in rows
        ]

    def events_citing(self, key: str) -> list[Event]:
        """Events citing ``key`` or any reference merged into it, in historical order."""
        self._current_reference(key)
        keys = [key] + [
            row[0]
            for row in self._conn.execute(
                "SELECT key FROM bib_references WHERE merged_into = ?", (key,)
            )
        ]
        marks = ",".join("?" * len(keys))
        rows = self._conn.execute(
            f"""SELECT data FROM events WHERE retracted = 0 AND id IN
                (SELECT event_id FROM citations WHERE key IN ({marks}))
                ORDER BY {views.EVENT_ORDER}""",
            keys,
        )
        return [decode_event(json.loads(row[0])) for row in rows]

    def unsourced(self) -> list[Event]:
        """Events (not retracted) that cite nothing, in historical order."""
        rows = self._conn.execute(
            f"""SELECT data FROM events WHERE retracted = 0 AND NOT EXISTS
               (SELECT 1 FROM citations WHERE citations.event_id = events.id)
               ORDER BY {views.EVENT_ORDER}"""
        )
        return [decode_event(json.loads(row[0])) for row in rows]

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
        return JournalState(last.seq, last.hash) if last else JournalState(0, "")

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
        return Timeline(self._journal, _replayed(self._journal, seq), author=self._author, upto=seq)

    def chronology(
        self,
        *,
        title: str = "Chronology",
        include_retracted: bool = False,
        made_at: datetime | None = None,
        **filters: Any,
    ) -> Chronology:
        """The selected events with their citations and the references they cite.

        ``filters`` are those of :meth:`events`. Citations of merged references
        point to the surviving reference. Read from one snapshot of the file, so
        its ``state`` is the journal state its entries show.
        """
        with self.read_transaction():
            merged = dict(
                self._conn.execute(
                    "SELECT key, merged_into FROM bib_references WHERE merged_into IS NOT NULL"
                ).fetchall()
            )
            entries = []
            keys: set[str] = set()
            for event in self.events(include_retracted=include_retracted, **filters):
                citations = tuple(
                    attrs.evolve(citation, key=_follow(merged, citation.key))
                    for citation in self.citations_of(event.id)
                )
                keys.update(citation.key for citation in citations)
                entries.append(
                    ChronologyEntry(event, citations, retracted=self.is_retracted(event.id))
                )
            references = {key: self.reference(key) for key in keys}
            return Chronology(
                entries=tuple(entries),
                references=references,
                state=self.head(),
                made_at=made_at or datetime.now(UTC),
                title=title,
            )

    # -- bulk import ----------------------------------------------------------

    def import_plan(
        self,
        plan: ImportPlan,
        references: Iterable[Reference] = (),
        *,
        author: str | None = None,
        reason: str = "",
        progress: Callable[[int], None] | None = None,
    ) -> ImportSummary:
        """Add references, then record a plan's events, citations and revisions: all or nothing.

        ``references`` come after the plan's own (read from ``plan.source``).
        Each change's reason names the file and line its item was read from
        (after ``reason``, when given). Every change is checked as if made one
        by one; the first refusal rolls back the whole import and is raised
        naming that file and line.
        """
        if self.read_only:
            raise ReadOnlyTimeline("this is an as-of view of the timeline; it cannot be changed")
        refs = [(ref, plan.origin("references", n)) for n, ref in enumerate(plan.references)]
        refs += [(ref, Origin(plan.source)) for ref in references]
        _refuse_repeats(
            ((ref.key, origin) for ref, origin in refs), "reference key", DuplicateReference
        )
        _refuse_repeats(
            ((event.id, plan.origin("events", n)) for n, event in enumerate(plan.events)),
            "event id",
            DuplicateEvent,
        )
        done = 0

        def step() -> None:
            nonlocal done
            done += 1
            if progress is not None and done % 100 == 0:
                progress(done)

        with self._journal.transaction():
            for reference, origin in refs:
                with _imported_from(origin):
                    self.add_reference(
                        reference, author=author, reason=_import_reason(reason, origin)
                    )
                step()
            for n, event in enumerate(plan.events):
                origin = plan.origin("events", n)
                with _imported_from(origin):
                    self._record(
                        event,
                        author=author,
                        reason=_import_reason(reason, origin),
                        where=f"{origin}: ",
                    )
                step()
            for n, citation in enumerate(plan.citations):
                origin = plan.origin("citations", n)
                with _imported_from(origin):
                    self.cite(
                        citation.event_id,
                        citation.key,
                        locator=citation.locator,
                        quote=citation.quote,
                        supports=citation.supports,
                        author=author,
                        reason=_import_reason(reason, origin),
                    )
                step()
            for n, revision in enumerate(plan.revisions):
                origin = plan.origin("revisions", n)
                with _imported_from(origin):
                    self.revise(
                        revision.event_id,
                        reason=_import_reason(revision.reason, origin),
                        author=revision.author or author,
                        **dict(revision.fields),
                    )
                step()
        if progress is not None:
            progress(done)
        return ImportSummary(
            references=len(refs),
            events=len(plan.events),
            citations=len(plan.citations),
            revisions=len(plan.revisions),
        )

    # -- maintenance ----------------------------------------------------------

    def verify(self) -> VerifyReport:
        """Check the journal and the read models every output is made from; never writes.

        Re-walks the hash chain (:meth:`Journal.verify`), runs SQLite's
        integrity check of the file, and compares the stored read models with
        a replay of the journal up to their checkpoint: a row changed, added
        or removed behind the library's back is named in ``differences``
        (:meth:`rebuild` repairs it). An as-of view checks the chain only.
        """
        with self._journal.read_transaction():
            conn = self._journal.connection
            report = self._journal.verify()
            if not report.ok or self.read_only:
                return report
            damage = [row[0] for row in conn.execute("PRAGMA integrity_check(5)")]
            if damage != ["ok"]:
                return attrs.evolve(
                    report,
                    ok=False,
                    reason="the file is damaged: SQLite's integrity check says "
                    + "; ".join(damage),
                )
            state = views.checkpoint(conn)
            if state is None or state[0] != views.READ_MODEL_SCHEMA:
                return report  # rebuilt from the journal before any output is made
            if state[1] > report.checked:
                return report
            with contextlib.closing(self._journal.read(upto=state[1])) as records:
                differences = views.differences(conn, records)
            text_damage = views.text_index_damage(conn)
        if text_damage:
            differences = (*differences, text_damage)
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
        with self._journal.transaction(), contextlib.closing(self._journal.read()) as records:
            return views.rebuild(self._journal.connection, records, progress)

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
        ``path`` exists, also when another process created it meanwhile.
        """
        text = os.fspath(path)
        if os.path.lexists(text):
            raise JournalExists(f"{text} already exists")
        scratch = scratch_path(text)
        try:
            with cls.open(scratch, author=author, busy_timeout=busy_timeout) as timeline:
                yield timeline
            publish(scratch, text)
        finally:
            remove_files(scratch)

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
        if text in (":memory:", "") or os.path.lexists(text):
            return cls._load_into(fp, text, author, progress)
        scratch = scratch_path(text)
        try:
            cls._load_into(fp, scratch, author, progress).close()
            publish(scratch, text)
        finally:
            remove_files(scratch)
        return cls.open(text, author=author)

    @classmethod
    def _load_into(
        cls,
        fp: TextIO,
        path: str,
        author: str | None,
        progress: Callable[[int], None] | None,
    ) -> Timeline:
        target = SQLiteJournal.open(path, registry=REGISTRY)
        timeline = cls(target, target.connection, author=author)
        try:
            with target.transaction():
                Journal.load(fp, into=target)
                timeline._catch_up(progress, rebuild=False)
        except BaseException:
            target.close()
            raise
        return timeline

    def records(self) -> Iterator[Record]:
        """The journal records this timeline shows, in order."""
        return self._journal.read(upto=self._upto)


def _import_reason(reason: str, origin: Origin) -> str:
    """The reason recorded for an imported item: ``reason`` (if any) and where it was read."""
    return f"{reason} (imported from {origin})" if reason else f"imported from {origin}"


@contextlib.contextmanager
def _imported_from(origin: Origin) -> Iterator[None]:
    """Name ``origin`` in a refusal of the item read there; the whole import rolls back."""
    try:
        yield
    except (DomainError, JournalUsageError) as exc:
        raise type(exc)(f"{origin}: {exc}; nothing was imported") from exc


def _refuse_repeats(
    items: Iterable[tuple[str, Origin]], what: str, error: type[DomainError]
) -> None:
    """Raise ``error`` naming both places when one key or id comes twice in an import."""
    first: dict[str, Origin] = {}
    for key, origin in items:
        if key in first:
            raise error(
                f"{origin}: {what} {key!r} is given twice in this import "
                f"(first at {first[key]}); nothing was imported"
            )
        first[key] = origin


def _replayed(journal: Journal, upto: int) -> sqlite3.Connection:
    """In-memory read models of the journal's records up to ``upto``."""
    with contextlib.closing(journal.read(upto=upto)) as records:
        return views.replayed(records)


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
    between: When | str | tuple[When | str | None, When | str | None] | None,
    actors: Iterable[str] | None,
    kinds: Iterable[str] | None,
    tags: Iterable[str] | None,
    importance: int | None,
    text: str | None,
    lang: str | None,
    include_retracted: bool,
) -> tuple[str, list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    if not include_retracted:
        where.append("retracted = 0")
    if between is not None:
        if isinstance(between, tuple):
            start, end = (_bounds_of(part) for part in between)
            lower = start[0] if start else None
            upper = end[1] if end else None
        else:
            lower, upper = _bounds_of(between) or (None, None)
        if upper is not None:
            where.append("lower <= ?")
            params.append(upper)
        if lower is not None:
            where.append("upper >= ?")
            params.append(lower)
    for column, table, values in (
        ("code", "event_actors", [a.strip().upper() for a in actors or ()]),
        ("tag", "event_tags", [t.strip().lower() for t in tags or ()]),
    ):
        if values:
            marks = ",".join("?" * len(values))
            where.append(f"id IN (SELECT event_id FROM {table} WHERE {column} IN ({marks}))")
            params.extend(values)
    kind_list = [k.strip().lower() for k in kinds or ()]
    if kind_list:
        where.append(f"kind IN ({','.join('?' * len(kind_list))})")
        params.extend(kind_list)
    if importance is not None:
        where.append("importance >= ?")
        params.append(importance)
    if text:
        lang_clause = " AND lang = ?" if lang else ""
        if len(text) >= 3:
            phrase = '"' + text.replace('"', '""') + '"'
            where.append(
                f"id IN (SELECT event_id FROM event_text WHERE event_text MATCH ?{lang_clause})"
            )
            params.append(phrase)
        else:
            pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            where.append(
                "id IN (SELECT event_id FROM event_text WHERE (title LIKE ? ESCAPE '\\' "
                f"OR summary LIKE ? ESCAPE '\\'){lang_clause})"
            )
            params.extend([pattern, pattern])
        if lang:
            params.append(lang)
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    return f"SELECT data FROM events {clause} ORDER BY {views.EVENT_ORDER}", params
