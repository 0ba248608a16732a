"""citations: bibliographic references, BibTeX/biblatex, CSL-JSON and RIS.

A standalone library: it knows nothing of the timeline journal.
"""

from citations.errors import (
    BibTeXParseError,
    CitationsError,
    CrossrefError,
    CSLJSONParseError,
    DuplicateKey,
    InvalidReference,
    KeyPatternError,
    LimitExceeded,
    ParseError,
    RISParseError,
)
from citations.model import IDENTIFIER_FIELDS, Contributor, Reference, Role, is_cjk

__all__ = [
    "BibTeXParseError",
    "CSLJSONParseError",
    "CitationsError",
    "Contributor",
    "CrossrefError",
    "DuplicateKey",
    "IDENTIFIER_FIELDS",
    "InvalidReference",
    "KeyPatternError",
    "LimitExceeded",
    "ParseError",
    "RISParseError",
    "Reference",
    "Role",
    "is_cjk",
]
