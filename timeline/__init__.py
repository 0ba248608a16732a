"""timeline: a research project's dated events and sources as one append-only log."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from timeline.application import FieldDiff, HistoryEntry, ImportSummary, Timeline
    from timeline.chronology import Chronology, ChronologyEntry, JournalState
    from timeline.dates import (
        MAX_BOUND,
        MIN_BOUND,
        NAMED_PERIODS,
        DateInterval,
        DateSet,
        HistoricalDate,
        ParsedDate,
        When,
        format_date,
        format_edtf,
        parse_date,
        parse_edtf,
    )
    from timeline.documents import FORMATS, DocumentOptions, render, write_bibliography
    from timeline.domain import Actor, Citation, Event, LocalizedText, Place, Relation, RelationType
    from timeline.errors import (
        AmbiguousDate,
        AppendOnlyViolation,
        ContradictoryDate,
        CorruptJournal,
        DateError,
        DocumentError,
        DomainError,
        DumpFormatError,
        DuplicateEvent,
        DuplicateReference,
        ImportFailed,
        InvalidChange,
        InvalidDate,
        JournalBusy,
        JournalError,
        JournalExists,
        JournalFull,
        JournalIOError,
        JournalReadOnly,
        JournalUnavailable,
        JournalUsageError,
        MappingError,
        MissingDocumentDate,
        NotAJournal,
        PossibleDuplicateEvent,
        ReadOnlyTimeline,
        RecordIdConflict,
        SchemaTooNew,
        TimelineError,
        TimelineWarning,
        UnknownCitation,
        UnknownEra,
        UnknownEvent,
        UnknownRecordKind,
        UnknownReference,
        UnparsableDate,
        UntrustedJournal,
        VersionConflict,
    )
    from timeline.importing import ImportPlan, read_events
    from timeline.journal import (
        ANY,
        NO_STREAM,
        Draft,
        Head,
        Journal,
        KindRegistry,
        MemoryJournal,
        Record,
        SQLiteJournal,
        VerifyReport,
        canonical_json,
    )

__all__ = [
    "ANY",
    "Actor",
    "AmbiguousDate",
    "AppendOnlyViolation",
    "Chronology",
    "ChronologyEntry",
    "Citation",
    "ContradictoryDate",
    "CorruptJournal",
    "DateError",
    "DateInterval",
    "DateSet",
    "DocumentError",
    "DocumentOptions",
    "DomainError",
    "Draft",
    "DumpFormatError",
    "DuplicateEvent",
    "DuplicateReference",
    "Event",
    "FORMATS",
    "FieldDiff",
    "Head",
    "HistoricalDate",
    "HistoryEntry",
    "ImportFailed",
    "ImportPlan",
    "ImportSummary",
    "InvalidChange",
    "InvalidDate",
    "Journal",
    "JournalBusy",
    "JournalError",
    "JournalExists",
    "JournalFull",
    "JournalIOError",
    "JournalReadOnly",
    "JournalState",
    "JournalUnavailable",
    "JournalUsageError",
    "KindRegistry",
    "LocalizedText",
    "MAX_BOUND",
    "MIN_BOUND",
    "MappingError",
    "MemoryJournal",
    "MissingDocumentDate",
    "NAMED_PERIODS",
    "NO_STREAM",
    "NotAJournal",
    "ParsedDate",
    "Place",
    "PossibleDuplicateEvent",
    "ReadOnlyTimeline",
    "Record",
    "RecordIdConflict",
    "Relation",
    "RelationType",
    "SQLiteJournal",
    "SchemaTooNew",
    "Timeline",
    "TimelineError",
    "TimelineWarning",
    "UnknownCitation",
    "UnknownEra",
    "UnknownEvent",
    "UnknownRecordKind",
    "UnknownReference",
    "UnparsableDate",
    "UntrustedJournal",
    "VerifyReport",
    "VersionConflict",
    "When",
    "canonical_json",
    "format_date",
    "format_edtf",
    "parse_date",
    "parse_edtf",
    "read_events",
    "render",
    "write_bibliography",
]

#: The module each public name comes from (``"STYLES as CSL_STYLES"`` when it has
#: another name there). Names are imported on first use (PEP 562), so ``import
#: timeline`` costs nothing until one is needed: the ``timeline`` command line
#: imports only what its command uses.
_EXPORTS: dict[str, tuple[str, ...]] = {
    "timeline.application": (
        "FieldDiff",
        "HistoryEntry",
        "ImportSummary",
        "Timeline",
    ),
    "timeline.chronology": (
        "Chronology",
        "ChronologyEntry",
        "JournalState",
    ),
    "timeline.dates": (
        "MAX_BOUND",
        "MIN_BOUND",
        "NAMED_PERIODS",
        "DateInterval",
        "DateSet",
        "HistoricalDate",
        "ParsedDate",
        "When",
        "format_date",
        "format_edtf",
        "parse_date",
        "parse_edtf",
    ),
    "timeline.documents": (
        "FORMATS",
        "DocumentOptions",
        "render",
        "write_bibliography",
    ),
    "timeline.domain": (
        "Actor",
        "Citation",
        "Event",
        "LocalizedText",
        "Place",
        "Relation",
        "RelationType",
    ),
    "timeline.errors": (
        "AmbiguousDate",
        "AppendOnlyViolation",
        "ContradictoryDate",
        "CorruptJournal",
        "DateError",
        "DocumentError",
        "DomainError",
        "DumpFormatError",
        "DuplicateEvent",
        "DuplicateReference",
        "ImportFailed",
        "InvalidChange",
        "InvalidDate",
        "JournalBusy",
        "JournalError",
        "JournalExists",
        "JournalFull",
        "JournalIOError",
        "JournalReadOnly",
        "JournalUnavailable",
        "JournalUsageError",
        "MappingError",
        "MissingDocumentDate",
        "NotAJournal",
        "PossibleDuplicateEvent",
        "ReadOnlyTimeline",
        "RecordIdConflict",
        "SchemaTooNew",
        "TimelineError",
        "TimelineWarning",
        "UnknownCitation",
        "UnknownEra",
        "UnknownEvent",
        "UnknownRecordKind",
        "UnknownReference",
        "UnparsableDate",
        "UntrustedJournal",
        "VersionConflict",
    ),
    "timeline.importing": (
        "ImportPlan",
        "read_events",
    ),
    "timeline.journal": (
        "ANY",
        "Draft",
        "Head",
        "Journal",
        "KindRegistry",
        "MemoryJournal",
        "NO_STREAM",
        "Record",
        "SQLiteJournal",
        "VerifyReport",
        "canonical_json",
    ),
}


def _home_table() -> dict[str, tuple[str, str]]:
    """Each public name's module and the name it has in that module."""
    table = {}
    for module, entries in _EXPORTS.items():
        for entry in entries:
            attribute, _, public = entry.partition(" as ")
            table[public or attribute] = (module, attribute)
    return table


_HOMES = _home_table()


def __getattr__(name: str) -> object:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module, attribute = _HOMES[name]
    value = getattr(importlib.import_module(module), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
