"""citations: bibliographic references, BibTeX/biblatex, CSL-JSON and RIS.

A standalone library: it knows nothing of the timeline journal.
"""

from citations.bibtex import BibReadResult, Problem, parse_bibtex, read_bibtex, write_bibtex
from citations.csl import parse_csl_json, read_csl_json, write_csl_json
from citations.duplicates import (
    DuplicateMatch,
    canonical_url,
    find_duplicates,
    normalize_doi,
    normalize_isbn,
)
from citations.errors import (
    BibTeXParseError,
    CitationsError,
    CrossrefError,
    CSLJSONParseError,
    DuplicateKey,
    FormatError,
    InvalidReference,
    KeyPatternError,
    LimitExceeded,
    ParseError,
    RISParseError,
    UnreadableFile,
)
from citations.formatting import format_bibliography, format_citation, format_reference
from citations.keys import KeyPattern, KeyRegistry, make_key, transliterate
from citations.languages import langid_name, language_tag
from citations.latex import latex_to_unicode, unicode_to_latex
from citations.model import IDENTIFIER_FIELDS, Contributor, Reference, Role, is_cjk
from citations.ris import parse_ris, read_ris, write_ris
from citations.styles import STYLES as CSL_STYLES
from citations.styles import CSLStyle, load_style
from citations.validation import ValidationProblem, validate

__all__ = [
    "BibReadResult",
    "BibTeXParseError",
    "CSLJSONParseError",
    "CSLStyle",
    "CSL_STYLES",
    "CitationsError",
    "Contributor",
    "CrossrefError",
    "DuplicateKey",
    "DuplicateMatch",
    "FormatError",
    "IDENTIFIER_FIELDS",
    "InvalidReference",
    "KeyPattern",
    "KeyPatternError",
    "KeyRegistry",
    "LimitExceeded",
    "ParseError",
    "Problem",
    "RISParseError",
    "Reference",
    "Role",
    "UnreadableFile",
    "ValidationProblem",
    "canonical_url",
    "find_duplicates",
    "format_bibliography",
    "format_citation",
    "format_reference",
    "is_cjk",
    "langid_name",
    "language_tag",
    "latex_to_unicode",
    "load_style",
    "make_key",
    "normalize_doi",
    "normalize_isbn",
    "parse_bibtex",
    "parse_csl_json",
    "parse_ris",
    "read_bibtex",
    "read_csl_json",
    "read_ris",
    "transliterate",
    "unicode_to_latex",
    "validate",
    "write_bibtex",
    "write_csl_json",
    "write_ris",
]
