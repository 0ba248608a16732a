"""Errors raised by :mod:`citations`.

Every error derives from :class:`CitationsError`; each concrete error also
subclasses the nearest builtin::

    CitationsError(Exception)
    ├── ParseError(ValueError)            malformed input; names source and line
    │   ├── BibTeXParseError
    │   ├── CSLJSONParseError
    │   └── RISParseError
    ├── UnreadableFile(OSError)           a path to read that is missing or cannot be opened
    ├── ZoteroError(ValueError)           a zotero.sqlite that cannot be read as asked; names it
    │   └── UnsupportedZoteroSchema       a schema version the reader does not know; ``version``
    ├── InvalidReference(ValueError)      a Reference value that cannot exist
    │   └── InvalidKey                    a citation key TeX or BibTeX would misread
    ├── CrossrefError(ValueError)         missing target or cycle in crossref
    ├── DuplicateKey(ValueError)          two entries with one citation key
    ├── FormatError(ValueError)           an unknown bibliography style or output format
    ├── KeyPatternError(ValueError)       a citation-key pattern that cannot be used
    └── LimitExceeded(ValueError)         input beyond a documented size limit
"""

from __future__ import annotations


class CitationsError(Exception):
    """Root of every error raised by :mod:`citations`."""


class ParseError(CitationsError, ValueError):
    """Input that cannot be read. ``source`` and ``line`` say where."""

    def __init__(self, message: str, *, source: str = "<string>", line: int | None = None) -> None:
        self.source = source
        self.line = line
        self.message = message
        where = f"{source}:{line}" if line is not None else source
        super().__init__(f"{where}: {message}")


class BibTeXParseError(ParseError):
    """Malformed BibTeX or biblatex."""


class CSLJSONParseError(ParseError):
    """Malformed CSL-JSON."""


class RISParseError(ParseError):
    """Malformed RIS."""


class UnreadableFile(CitationsError, OSError):
    """A path given to a ``read_*`` function that is missing or unreadable; ``path`` names it."""

    def __init__(self, path: str, reason: str, *, hint: str = "") -> None:
        self.path = path
        self.reason = reason
        self.message = f"{path}: cannot read the file: {reason}" + (f" ({hint})" if hint else "")
        super().__init__(self.message)


class ZoteroError(CitationsError, ValueError):
    """A Zotero database that cannot be read as asked (not Zotero's, unknown collection, ...)."""


class UnsupportedZoteroSchema(ZoteroError):
    """A Zotero database of a userdata schema version the reader does not know.

    ``version`` is the version found (text, as stored); ``path`` the database.
    """

    def __init__(self, path: object, version: str, known: str) -> None:
        self.path = str(path)
        self.version = version
        super().__init__(
            f"{path}: Zotero userdata schema version {version} is not one this reader knows "
            f"({known}: Zotero 5.0.78 to 8); export the library as CSL-JSON or BibTeX instead"
        )


class InvalidReference(CitationsError, ValueError):
    """A reference value that cannot exist (empty key, unknown role, ...)."""


class InvalidKey(InvalidReference):
    """A citation key that BibTeX, biber or TeX would misread, or that looks like another.

    ``key`` is the key refused; the message says which character and why.
    """

    def __init__(self, message: str, *, key: str) -> None:
        self.key = key
        super().__init__(message)


class CrossrefError(CitationsError, ValueError):
    """A crossref that names a missing entry or forms a cycle."""


class DuplicateKey(CitationsError, ValueError):
    """Two entries share one citation key."""


class FormatError(CitationsError, ValueError):
    """An unknown bibliography style or output format."""


class KeyPatternError(CitationsError, ValueError):
    """A citation-key pattern that cannot be used."""


class LimitExceeded(CitationsError, ValueError):
    """Input beyond a documented limit; ``limit`` names it, ``source`` and ``line`` say where."""

    def __init__(
        self, message: str, *, limit: str, source: str = "<string>", line: int | None = None
    ) -> None:
        self.limit = limit
        self.source = source
        self.line = line
        self.message = message
        where = f"{source}:{line}" if line is not None else source
        super().__init__(f"{where}: {message} (limit: {limit})")
