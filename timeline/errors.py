"""Errors raised by :mod:`timeline`.

Every error derives from :class:`TimelineError`; each concrete error also
subclasses the nearest builtin, so callers can catch what they already know::

    TimelineError(Exception)
    ├── JournalError
    │   ├── NotAJournal(ValueError)          the file is not a timeline journal
    │   ├── CorruptJournal(ValueError)       unreadable rows, broken hash chain
    │   ├── VersionConflict(ValueError)      stale expected version on append
    │   ├── RecordIdConflict(ValueError)     a record_id reused for other content
    │   ├── AppendOnlyViolation(PermissionError)  UPDATE or DELETE on records
    │   ├── UnknownRecordKind(LookupError)   a record kind the code does not know
    │   ├── SchemaTooNew(ValueError)         a record schema newer than the code
    │   ├── DumpFormatError(ValueError)      a JSON Lines dump that cannot be loaded
    │   ├── UntrustedJournal(ValueError)     the file holds SQL objects timeline did not make
    │   ├── JournalFull(OSError)             the disk (or the file's size limit) is full
    │   ├── JournalIOError(OSError)          the disk refused a read or a write
    │   ├── JournalUnavailable(OSError)      the file cannot be opened (missing, no permission)
    │   ├── JournalBusy(TimeoutError)        another process held the write lock too long
    │   ├── JournalExists(FileExistsError)   a new journal's path was taken meanwhile
    │   ├── JournalReadOnly(PermissionError) the file cannot be written
    │   └── JournalUsageError(ValueError)    an argument the journal cannot use
    ├── DateError(ValueError)
    │   ├── InvalidDate                      well-formed but impossible (2019-02-29)
    │   │   └── ContradictoryDate            two stated readings disagree (光绪26年辛丑)
    │   ├── UnparsableDate                   not EDTF / not a phrase we read
    │   │   └── UnknownEra                   a reign era the era table does not hold
    │   ├── AmbiguousDate                    several readings, none chosen
    │   └── MissingDocumentDate              a relative date (去年6月) without a document date
    ├── ImportFailed(ValueError)             an events file that cannot be imported
    │   └── MappingError                     a mapping file that cannot be used with a file
    ├── DocumentError(ValueError)            document options or a format that cannot be used
    └── DomainError
        ├── UnknownEvent(KeyError)
        ├── DuplicateEvent(ValueError)
        ├── UnknownReference(KeyError)
        ├── DuplicateReference(ValueError)
        ├── UnknownCitation(KeyError)
        ├── UnknownClaim(KeyError)           no claim for this citation and field
        ├── UnknownPeriod(KeyError)          no period definition has this id or label
        ├── DuplicatePeriod(ValueError)      a period definition with this id exists
        ├── AmbiguousPeriod(ValueError)      a label several definitions give (names them)
        ├── InvalidChange(ValueError)        a command that makes no sense now
        │   └── InvalidClaim                 a claim's field or value (names event, citation, field)
        └── ReadOnlyTimeline(PermissionError) writing to an as-of view

Warnings derive from :class:`TimelineWarning` (a :class:`UserWarning`)::

    TimelineWarning(UserWarning)
    └── PossibleDuplicateEvent           a new event with the date and title of another
"""

from __future__ import annotations


class TimelineError(Exception):
    """Root of every error raised by :mod:`timeline`."""


# -- journal -----------------------------------------------------------------


class JournalError(TimelineError):
    """A problem with the journal: its file, its records or an append."""


class NotAJournal(JournalError, ValueError):
    """The file exists but is not a timeline journal."""


class CorruptJournal(JournalError, ValueError):
    """The journal cannot be trusted: unreadable rows or a broken hash chain."""


class VersionConflict(JournalError, ValueError):
    """An append's expected stream version does not match the stored one."""

    def __init__(self, stream: str, expected: object, actual: int) -> None:
        self.stream = stream
        self.expected = expected
        self.actual = actual
        super().__init__(
            f"stream {stream!r}: expected version {expected}, but it is at version {actual}"
        )


class RecordIdConflict(JournalError, ValueError):
    """A record_id is already stored with different content."""


class AppendOnlyViolation(JournalError, PermissionError):
    """Something tried to change or delete a stored record."""


class UnknownRecordKind(JournalError, LookupError):
    """A stored record has a kind this code does not know."""


class SchemaTooNew(JournalError, ValueError):
    """A stored record has a schema number newer than this code knows."""


class DumpFormatError(JournalError, ValueError):
    """A JSON Lines dump is malformed, truncated or edited."""


class UntrustedJournal(JournalError, ValueError):
    """The file holds a trigger, view, table or index timeline did not create, or an altered one.

    Such objects run SQL on every read or write (a trigger can rewrite what is
    recorded, a view can hang a query), so the file is refused before use.
    """


class JournalFull(JournalError, OSError):
    """The disk, or the file's page limit, is full; the command wrote nothing."""


class JournalIOError(JournalError, OSError):
    """The disk refused a read or a write (a size limit, a failing disk); nothing was written."""


class JournalUnavailable(JournalError, OSError):
    """The journal cannot be reached: a file missing, a folder or not readable, or a
    PostgreSQL server that cannot be reached or ended the connection."""


class JournalBusy(JournalError, TimeoutError):
    """Another process held the journal's write lock longer than the wait allowed."""


class JournalExists(JournalError, FileExistsError):
    """A new journal cannot be put at its path: a file is there (perhaps made meanwhile)."""


class JournalReadOnly(JournalError, PermissionError):
    """The journal file (or its folder) cannot be written; the command wrote nothing."""


class JournalUsageError(JournalError, ValueError):
    """An argument the journal cannot use: a payload that is not JSON, a bad kind or option."""


# -- dates -------------------------------------------------------------------


class DateError(TimelineError, ValueError):
    """A historical date that cannot be read or does not exist."""


class InvalidDate(DateError):
    """Well-formed but impossible, such as 2019-02-29 or month 13."""


class ContradictoryDate(InvalidDate):
    """A phrase giving one date twice that disagrees with itself (era year and 干支, dual dates)."""


class UnparsableDate(DateError):
    """Text that is neither EDTF nor a date phrase this library reads."""


class UnknownEra(UnparsableDate):
    """A reign-era phrase (大顺二年) whose era the era table does not hold."""


class AmbiguousDate(DateError):
    """Text with several plausible readings (2/4/2022) and no rule to choose."""


class MissingDocumentDate(DateError):
    """A relative date ("last June", 去年6月) read without the date of its document.

    The message names ``phrase`` and how to give the date: ``given_by`` is the
    API's keyword (``document_date=...``); the CLI names its flag with
    :meth:`given_by_flag`.
    """

    def __init__(self, phrase: str, given_by: str = "document_date=...") -> None:
        self.phrase = phrase
        super().__init__(
            f"{phrase!r}: a relative date needs the date of the document it comes from "
            f"({given_by}); it is never read against today's date"
        )

    def given_by_flag(self, flag: str) -> MissingDocumentDate:
        """The same error naming a command-line ``flag`` instead of the keyword."""
        return MissingDocumentDate(self.phrase, flag)


class ImportFailed(TimelineError, ValueError):
    """An events file that cannot be imported; the message names file, entry and field."""


class MappingError(ImportFailed):
    """A mapping file (column -> field) that cannot be used: bad TOML, an unknown key, or
    a column the data file lacks. The message names the mapping file and the key or column;
    nothing of the data file is read beyond its header."""


class DocumentError(TimelineError, ValueError):
    """Document options or an output format that cannot be used; the message names the option."""


# -- domain ------------------------------------------------------------------


class DomainError(TimelineError):
    """A command refused because of the timeline's current state."""


class UnknownEvent(DomainError, KeyError):
    """No event has this id."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class DuplicateEvent(DomainError, ValueError):
    """An event with this id already exists."""


class UnknownReference(DomainError, KeyError):
    """No reference has this citation key."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class DuplicateReference(DomainError, ValueError):
    """A reference with this citation key already exists."""


class UnknownCitation(DomainError, KeyError):
    """No such citation exists."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class UnknownClaim(DomainError, KeyError):
    """The citation makes no claim on this field."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class UnknownPeriod(DomainError, KeyError):
    """No period definition has this id (or this label)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class DuplicatePeriod(DomainError, ValueError):
    """A period definition with this id already exists."""


class AmbiguousPeriod(DomainError, ValueError):
    """A label that several period definitions give; ``definitions`` lists their ids."""

    def __init__(self, message: str, definitions: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.definitions = definitions


class InvalidChange(DomainError, ValueError):
    """A command that makes no sense in the current state."""


class InvalidClaim(InvalidChange):
    """A claim on a field that does not exist, or with a value that field cannot hold.

    ``event_id``, ``citation_id`` and ``field`` say where; the message names all three.
    """

    def __init__(
        self, message: str, *, event_id: str = "", citation_id: str = "", field: str = ""
    ) -> None:
        self.event_id = event_id
        self.citation_id = citation_id
        self.field = field
        super().__init__(message)

    @classmethod
    def at(cls, event_id: str, citation_id: str, field: str, problem: str) -> InvalidClaim:
        """The error for ``problem`` with the claim of ``citation_id`` on ``field``."""
        return cls(
            f"event {event_id!r}, citation {citation_id!r}, field {field!r}: {problem}",
            event_id=event_id,
            citation_id=citation_id,
            field=field,
        )


class ReadOnlyTimeline(DomainError, PermissionError):
    """A write was attempted on a read-only (as-of) timeline."""


# -- warnings ----------------------------------------------------------------


class TimelineWarning(UserWarning):
    """Root of every warning :mod:`timeline` gives."""


class PossibleDuplicateEvent(TimelineWarning):
    """A new event has the date and title of one already on the timeline (both are kept)."""
