"""citations: bibliographic references, BibTeX/biblatex, CSL-JSON and RIS.

A standalone library: it knows nothing of the timeline journal.
"""

from citations.bibtex import BibReadResult, Problem, read_bibtex, write_bibtex
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
from citations.latex import latex_to_unicode, unicode_to_latex
from citations.model import IDENTIFIER_FIELDS, Contributor, Reference, Role, is_cjk

__all__ = [
    "BibReadResult",
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
    "Problem",
    "RISParseError",
    "Reference",
    "Role",
    "is_cjk",
    "latex_to_unicode",
    "read_bibtex",
    "unicode_to_latex",
    "write_bibtex",
]
