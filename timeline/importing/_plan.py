"""What files ask to record: the import plan, its revisions and where each item was read."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from citations import Reference
from timeline.domain import Citation, Claim, Event

if TYPE_CHECKING:
    from citations import Problem


@attrs.frozen
class Revision:
    """A correction to apply after import: new values for some fields of an event."""

    event_id: str
    fields: tuple[tuple[str, Any], ...]
    reason: str
    author: str = ""


@attrs.frozen
class Origin:
    """Where an imported item was read: its file and the line (or record) its entry starts at.

    ``stable`` says that ``entry`` names the item itself, an identity its source
    keeps when its citation key changes (a Zotero item), not a place in a file.
    """

    source: str
    line: int | None = None
    entry: str = ""
    stable: bool = attrs.field(default=False, kw_only=True)

    def __str__(self) -> str:
        if self.line is not None:
            return f"{self.source}:{self.line}"
        return f"{self.source}, {self.entry}" if self.entry else self.source


def _origins(attribute: str) -> Any:
    """An ``ImportPlan`` field: one origin per item of ``attribute``, or none at all."""

    def check(plan: ImportPlan, field: attrs.Attribute[Any], value: tuple[Origin, ...]) -> None:
        items = getattr(plan, attribute)
        if value and len(value) != len(items):
            raise ValueError(f"{field.name} has {len(value)} origins for {len(items)} {attribute}")

    return attrs.field(default=(), validator=check, kw_only=True)


#: The field of :class:`ImportPlan` holding the origins of each sort of item.
_ORIGINS = {
    items: items[:-1] + "_origins"
    for items in ("references", "events", "citations", "claims", "revisions")
}


@attrs.frozen
class ImportPlan:
    """What files ask to record: references, events, their citations and what those
    citations' sources claim, then revisions.

    Each ``*_origins`` tuple gives the :class:`Origin` of the item at the same
    place (empty: every item comes from ``source``); :meth:`origin` reads them.
    ``problems`` are what a tolerant BibTeX read skipped or warned about.
    """

    events: tuple[Event, ...] = ()
    citations: tuple[Citation, ...] = ()
    revisions: tuple[Revision, ...] = ()
    source: str = "<input>"
    claims: tuple[Claim, ...] = attrs.field(default=(), kw_only=True)
    references: tuple[Reference, ...] = attrs.field(default=(), kw_only=True)
    problems: tuple[Problem, ...] = attrs.field(default=(), kw_only=True)
    reference_origins: tuple[Origin, ...] = _origins("references")
    event_origins: tuple[Origin, ...] = _origins("events")
    citation_origins: tuple[Origin, ...] = _origins("citations")
    claim_origins: tuple[Origin, ...] = _origins("claims")
    revision_origins: tuple[Origin, ...] = _origins("revisions")

    @property
    def size(self) -> int:
        """How many changes the plan asks for: references, events, citations, claims and
        revisions."""
        return (
            len(self.references)
            + len(self.events)
            + len(self.citations)
            + len(self.claims)
            + len(self.revisions)
        )

    def origin(self, items: str, index: int) -> Origin:
        """Where item ``index`` of ``items`` ("references", "events", ...) was read."""
        origins: tuple[Origin, ...] = getattr(self, _ORIGINS[items])
        return origins[index] if origins else Origin(self.source)

    @classmethod
    def join(cls, plans: Sequence[ImportPlan]) -> ImportPlan:
        """One plan doing what ``plans`` do, in order; every item keeps its origin."""
        parts: dict[str, Any] = {"source": ", ".join(p.source for p in plans) or "<nothing>"}
        for items in ("references", "events", "citations", "claims", "revisions"):
            parts[items] = tuple(item for p in plans for item in getattr(p, items))
            parts[items[:-1] + "_origins"] = tuple(
                p.origin(items, n) for p in plans for n in range(len(getattr(p, items)))
            )
        parts["problems"] = tuple(problem for p in plans for problem in p.problems)
        return cls(**parts)


#: How many entries (events with their citations and claims) a part of a streamed
#: import holds.
PART = 5_000


@attrs.frozen
class ImportStream:
    """An import read part by part while it is planned, so that a file of any size is
    imported in bounded memory: what :func:`~timeline.importing.stream_import` gives, and
    what :meth:`Timeline.import_plan <timeline.Timeline.import_plan>` takes besides a
    whole :class:`ImportPlan`.

    ``references()`` gives the references (each part with their origins and what a
    tolerant BibTeX read skipped), ``revisions()`` every revision, ``events()`` parts of
    at most :data:`PART` entries, each event with its citations and claims. Each call
    reads the files again from their start; a reader's refusal (file, line, field) is
    raised when its part is read. ``sources`` names the files.
    """

    source: str
    sources: tuple[str, ...]
    read_references: Callable[[], Iterator[ImportPlan]]
    read_revisions: Callable[[], ImportPlan]
    read_events: Callable[[], Iterator[ImportPlan]]

    def references(self) -> Iterator[ImportPlan]:
        """The references, part by part."""
        return self.read_references()

    def revisions(self) -> ImportPlan:
        """Every revision, with its origin."""
        return self.read_revisions()

    def events(self) -> Iterator[ImportPlan]:
        """The events with their citations and claims, part by part."""
        return self.read_events()

    @classmethod
    def of(cls, plan: ImportPlan) -> ImportStream:
        """A whole plan as a stream of one part of each sort."""
        references = ImportPlan(
            source=plan.source,
            references=plan.references,
            problems=plan.problems,
            reference_origins=plan.reference_origins,
        )
        revisions = ImportPlan(
            revisions=plan.revisions, source=plan.source, revision_origins=plan.revision_origins
        )
        events = attrs.evolve(
            plan,
            references=(),
            reference_origins=(),
            problems=(),
            revisions=(),
            revision_origins=(),
        )
        names: dict[str, None] = {}
        for items, field in _ORIGINS.items():
            origins: tuple[Origin, ...] = getattr(plan, field)
            if origins:
                names.update((origin.source, None) for origin in origins)
            elif getattr(plan, items):
                names[plan.source] = None
        return cls(
            plan.source,
            tuple(names),
            lambda: iter((references,)),
            lambda: revisions,
            lambda: iter((events,)),
        )

    def collect(self) -> ImportPlan:
        """The whole import as one plan (every file read through)."""
        parts = [*self.references(), self.revisions(), *self.events()]
        return attrs.evolve(ImportPlan.join(parts), source=self.source)
