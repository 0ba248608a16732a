"""The :class:`Chronology` projection: selected events in historical order, with
their citations, what their sources claim, the references they cite, and the
journal state they came from.

Every document renderer takes a :class:`Chronology`; the :class:`~timeline.Timeline`
builds one with :meth:`~timeline.Timeline.chronology`.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple, overload

import attrs

from citations import Reference
from timeline.domain import Citation, Event, Evidence, Period

__all__ = [
    "Chronology",
    "ChronologyEntry",
    "JournalState",
    "StreamedEntries",
    "StreamedReferences",
    "Tally",
]


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


class Tally(NamedTuple):
    """What a document needs to know of all its entries before writing the first."""

    #: The languages the entries' titles are in, sorted.
    languages: tuple[str, ...]
    #: Whether any entry is retracted.
    retracted: bool


def _tally(entries: Iterable[ChronologyEntry]) -> Tally:
    languages: set[str] = set()
    retracted = False
    for entry in entries:
        languages.update(entry.event.title.languages)
        retracted = retracted or entry.retracted
    return Tally(tuple(sorted(languages)), retracted)


class StreamedEntries(Sequence[ChronologyEntry]):
    """A chronology's entries, read anew by ``read`` each time they are iterated.

    :meth:`~timeline.Timeline.chronology` with ``stream=True`` gives these: a page of
    events at a time comes from the views, as of the chronology's state, so a
    renderer that goes through them once (as :func:`~timeline.documents.write_markdown`
    does) holds a page, not the document. ``len()`` and indexing read them all;
    :meth:`tally` asks ``tally`` (once), if given, instead of reading them.
    """

    def __init__(
        self,
        read: Callable[[], Iterator[ChronologyEntry]],
        tally: Callable[[], Tally] | None = None,
    ) -> None:
        self._read = read
        self._count_tally = tally
        self._tally: Tally | None = None

    def tally(self) -> Tally:
        """The entries' :class:`Tally`."""
        if self._tally is None:
            count = self._count_tally
            self._tally = count() if count is not None else _tally(self._read())
        return self._tally

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


#: References a :class:`StreamedReferences` keeps after reading them.
_KEPT = 4096


class StreamedReferences(Sequence[tuple[str, Reference]]):
    """A streamed chronology's references: ``(key, reference)`` in key order, read anew by
    ``read`` each time they are iterated, and one by one by :meth:`get` (``find`` reads
    those a cache of the :data:`_KEPT` last read lacks).

    :meth:`~timeline.Timeline.chronology` with ``stream=True`` gives these, so that a
    document citing a million works holds those of a page of events, not all of them.
    ``len()`` is counted when the chronology is made; indexing reads them all.
    """

    def __init__(
        self,
        read: Callable[[], Iterator[tuple[str, Reference]]],
        find: Callable[[Collection[str]], Mapping[str, Reference]],
        count: int,
    ) -> None:
        self._read = read
        self._find = find
        self._count = count
        self._kept: OrderedDict[str, Reference] = OrderedDict()

    def __iter__(self) -> Iterator[tuple[str, Reference]]:
        return self._read()

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> tuple[str, Reference]: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[tuple[str, Reference], ...]: ...
    def __getitem__(
        self, index: int | slice
    ) -> tuple[str, Reference] | tuple[tuple[str, Reference], ...]:
        return tuple(self._read())[index]

    def get(self, key: str) -> Reference | None:
        """The reference of ``key`` (a surviving key), None when the chronology has none."""
        found = self._kept.get(key)
        if found is None:
            found = self._find((key,)).get(key)
            if found is not None:
                self.keep({key: found})
        else:
            self._kept.move_to_end(key)
        return found

    def keep(self, references: Mapping[str, Reference]) -> None:
        """Hold ``references`` (read with a page of entries) for :meth:`get`."""
        kept = self._kept
        for key, reference in references.items():
            kept[key] = reference
            kept.move_to_end(key)
        while len(kept) > _KEPT:
            kept.popitem(last=False)


def _references(
    value: Mapping[str, Reference] | StreamedReferences,
) -> tuple[tuple[str, Reference], ...] | StreamedReferences:
    if isinstance(value, StreamedReferences):
        return value
    return tuple(sorted(value.items()))


class _ReadLater:
    """:class:`Chronology`'s base: a slot, beside the fields attrs makes, for what reads its
    references when they are first asked for (see :func:`with_references_read_later`)."""

    __slots__ = ("_later",)


def with_references_read_later(
    read: Callable[[], Mapping[str, Reference]], count: int, **fields: Any
) -> Chronology:
    """A :class:`Chronology` of ``fields`` whose references (``count`` of them) are
    ``read()`` when ``references`` is first read: the value it then holds for good, so
    that it shows what it would have shown had they been read at once. ``read`` must not
    ask the journal (it may be closed by then), only decode what was read from it."""
    chronology = Chronology(references={}, **fields)
    object.__delattr__(chronology, "references")
    object.__setattr__(chronology, "_later", (read, count))
    return chronology


def cites_any(chronology: Chronology) -> bool:
    """Whether ``chronology`` holds any reference, as ``bool(chronology.references)``, but
    none read when they are read later."""
    later: tuple[Any, int] | None = getattr(chronology, "_later", None)
    return later[1] > 0 if later is not None else bool(chronology.references)


@attrs.frozen
class Chronology(_ReadLater):
    """Events in historical order, the references they cite, and where they came from.

    ``entries`` is a tuple, or :class:`StreamedEntries` read from the views as
    they are iterated; ``references`` holds every reference cited by an entry (keyed
    by citation key, sorted), or is :class:`StreamedReferences` read from the views;
    ``made_at`` is when the chronology was built (UTC);
    ``periods`` the period definitions recorded then (not retracted), which headings
    by period name (``group_by="period"``).
    """

    entries: Sequence[ChronologyEntry]
    references: tuple[tuple[str, Reference], ...] | StreamedReferences = attrs.field(
        converter=_references
    )
    state: JournalState
    made_at: datetime
    title: str = "Chronology"
    periods: tuple[Period, ...] = ()

    if not TYPE_CHECKING:  # (for mypy, no attribute is made on demand)

        def __getattr__(self, name: str) -> Any:
            """The references of :func:`with_references_read_later`, read on first use."""
            if name != "references":
                raise AttributeError(
                    f"{type(self).__name__!r} object has no attribute {name!r}", name=name, obj=self
                )
            later = object.__getattribute__(self, "_later")
            if later is None:  # read meanwhile, in another thread
                return object.__getattribute__(self, "references")
            references = _references(later[0]())
            object.__setattr__(self, "references", references)
            object.__setattr__(self, "_later", None)
            return references

    def __iter__(self) -> Iterator[ChronologyEntry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    @property
    def reference_map(self) -> dict[str, Reference]:
        """The references as a new dict keyed by citation key (streamed ones: all read)."""
        return dict(self.references)

    def lookup(self) -> Callable[[str], Reference | None]:
        """A reference by citation key, None for one not cited: what a document asks as it
        writes each citation (streamed references are read as asked, a few kept)."""
        if isinstance(self.references, StreamedReferences):
            return self.references.get
        return dict(self.references).get

    def tally(self) -> Tally:
        """The title languages and whether any entry is retracted (streamed entries: counted
        by the views, not read)."""
        if isinstance(self.entries, StreamedEntries):
            return self.entries.tally()
        return _tally(self.entries)

    def cited_keys(self) -> tuple[str, ...]:
        """Citation keys in order of first citation."""
        seen: dict[str, None] = {}
        for entry in self.entries:
            for citation in entry.citations:
                seen.setdefault(citation.key, None)
        return tuple(seen)
