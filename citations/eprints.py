"""The link an ``eprint`` stands for, as biblatex makes it.

biblatex prints ``eprint = {math/0307200v3}, eprinttype = {arxiv}`` as a link
to ``https://arxiv.org/abs/math/0307200v3`` (its ``eprint:arxiv`` field
format, and likewise for ``hdl``, ``jstor``, ``pubmed`` and ``googlebooks``).
CSL-JSON and RIS have no eprint field, only a URL: their writers give an
entry without a ``url`` this link, so it is not lost (Pandoc does the same).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

__all__ = ["EPRINT_URLS", "eprint_url"]

#: ``eprinttype`` (lower-cased) -> the URL biblatex.def links its ``eprint`` to, over https.
EPRINT_URLS: Mapping[str, str] = MappingProxyType(
    {
        "arxiv": "https://arxiv.org/abs/",
        "hdl": "https://hdl.handle.net/",
        "jstor": "https://www.jstor.org/stable/",
        "pubmed": "https://www.ncbi.nlm.nih.gov/pubmed/",
        "googlebooks": "https://books.google.com/books?id=",
    }
)


def eprint_url(fields: Mapping[str, str]) -> str:
    """The URL of an entry's ``eprint`` of a type biblatex links, else ``""``."""
    base = EPRINT_URLS.get(fields.get("eprinttype", "").strip().lower())
    eprint = fields.get("eprint", "").strip()
    return base + eprint if base and eprint else ""
