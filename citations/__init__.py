"""citations: bibliographic references, BibTeX/biblatex, CSL-JSON and RIS.

A standalone library: it knows nothing of the timeline journal.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from citations.bibtex import BibReadResult, Problem, parse_bibtex, read_bibtex, write_bibtex
    from citations.cache import CacheWarning, FormattedCache, formatted_cache
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
        InvalidKey,
        InvalidReference,
        KeyPatternError,
        LimitExceeded,
        ParseError,
        RISParseError,
        UnreadableFile,
        UnsupportedZoteroSchema,
        ZoteroError,
    )
    from citations.formatting import (
        format_bibliography,
        format_citation,
        format_entries,
        format_reference,
    )
    from citations.keycheck import check_key, writable_key
    from citations.keys import KeyPattern, KeyRegistry, make_key, transliterate
    from citations.languages import langid_name, language_tag
    from citations.latex import latex_to_unicode, unicode_to_latex
    from citations.model import IDENTIFIER_FIELDS, Contributor, Reference, Role, is_cjk
    from citations.private import PRIVATE_FIELDS
    from citations.ris import parse_ris, read_ris, write_ris
    from citations.styles import STYLES as CSL_STYLES
    from citations.styles import CSLStyle, load_style
    from citations.validation import ValidationProblem, validate
    from citations.xdata import resolve_xdata
    from citations.zotero import ZoteroLibrary, read_zotero

__all__ = [
    "BibReadResult",
    "BibTeXParseError",
    "CSLJSONParseError",
    "CSLStyle",
    "CSL_STYLES",
    "CacheWarning",
    "CitationsError",
    "Contributor",
    "CrossrefError",
    "DuplicateKey",
    "DuplicateMatch",
    "FormatError",
    "FormattedCache",
    "IDENTIFIER_FIELDS",
    "InvalidKey",
    "InvalidReference",
    "KeyPattern",
    "KeyPatternError",
    "KeyRegistry",
    "LimitExceeded",
    "PRIVATE_FIELDS",
    "ParseError",
    "Problem",
    "RISParseError",
    "Reference",
    "Role",
    "UnreadableFile",
    "UnsupportedZoteroSchema",
    "ValidationProblem",
    "ZoteroError",
    "ZoteroLibrary",
    "canonical_url",
    "check_key",
    "find_duplicates",
    "format_bibliography",
    "format_citation",
    "format_entries",
    "format_reference",
    "formatted_cache",
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
    "read_zotero",
    "resolve_xdata",
    "transliterate",
    "unicode_to_latex",
    "validate",
    "writable_key",
    "write_bibtex",
    "write_csl_json",
    "write_ris",
]

#: The module each public name comes from (``"STYLES as CSL_STYLES"`` when it has
#: another name there). Names are imported on first use (PEP 562), so ``import
#: citations`` costs nothing until one is needed: the ``timeline`` command line
#: imports only what its command uses.
_EXPORTS: dict[str, tuple[str, ...]] = {
    "citations.bibtex": (
        "BibReadResult",
        "Problem",
        "parse_bibtex",
        "read_bibtex",
        "write_bibtex",
    ),
    "citations.cache": ("CacheWarning", "FormattedCache", "formatted_cache"),
    "citations.csl": (
        "parse_csl_json",
        "read_csl_json",
        "write_csl_json",
    ),
    "citations.duplicates": (
        "DuplicateMatch",
        "canonical_url",
        "find_duplicates",
        "normalize_doi",
        "normalize_isbn",
    ),
    "citations.errors": (
        "BibTeXParseError",
        "CitationsError",
        "CrossrefError",
        "CSLJSONParseError",
        "DuplicateKey",
        "FormatError",
        "InvalidKey",
        "InvalidReference",
        "KeyPatternError",
        "LimitExceeded",
        "ParseError",
        "RISParseError",
        "UnreadableFile",
        "UnsupportedZoteroSchema",
        "ZoteroError",
    ),
    "citations.formatting": (
        "format_bibliography",
        "format_citation",
        "format_entries",
        "format_reference",
    ),
    "citations.keycheck": ("check_key", "writable_key"),
    "citations.keys": (
        "KeyPattern",
        "KeyRegistry",
        "make_key",
        "transliterate",
    ),
    "citations.languages": (
        "langid_name",
        "language_tag",
    ),
    "citations.latex": (
        "latex_to_unicode",
        "unicode_to_latex",
    ),
    "citations.model": (
        "IDENTIFIER_FIELDS",
        "Contributor",
        "Reference",
        "Role",
        "is_cjk",
    ),
    "citations.private": ("PRIVATE_FIELDS",),
    "citations.ris": (
        "parse_ris",
        "read_ris",
        "write_ris",
    ),
    "citations.styles": (
        "STYLES as CSL_STYLES",
        "CSLStyle",
        "load_style",
    ),
    "citations.validation": (
        "ValidationProblem",
        "validate",
    ),
    "citations.xdata": ("resolve_xdata",),
    "citations.zotero": ("ZoteroLibrary", "read_zotero"),
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
