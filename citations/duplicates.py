"""Duplicate references, found by normalised identifiers, with the reasons they match.

Two references match when they share a normalised DOI, an ISBN (ISBN-10 and
ISBN-13 compared as ISBN-13, checksums verified), a canonical URL, or the
same normalised title, first family name and year. Each
:class:`DuplicateMatch` lists every reason that holds, as text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

import attrs

from citations.model import Reference, Role

__all__ = [
    "DuplicateMatch",
    "canonical_url",
    "find_duplicates",
    "isbn_checksum_ok",
    "normalize_doi",
    "normalize_isbn",
    "normalize_title",
]

_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
_DOI_PREFIX = re.compile(
    r"^(?:doi:\s*|https?://(?:dx\.)?doi\.org/|https?://doi\.acm\.org/|info:doi/)", re.IGNORECASE
)
_ISBN_CHARS = re.compile(r"[\s\-‐‑–]")
_TRACKING = re.compile(r"^(?:utm_.*|fbclid|gclid|mc_cid|mc_eid|ref_src|_ga)$")
_SAFE_PATH = "/:@!$&'()*+,;=-._~%"


def normalize_doi(text: str) -> str | None:
    """The DOI in ``text`` in lowercase, without ``doi:`` or resolver prefix; None if none."""
    value = unquote(text.strip())
    value = _DOI_PREFIX.sub("", value).strip().rstrip(".")
    value = value.lower()
    return value if _DOI.match(value) else None


def isbn_checksum_ok(digits: str) -> bool:
    """True for a 10- or 13-character ISBN (no separators) whose check digit is right."""
    check_ok = digits[9:10].isdecimal() or digits[9:10] in ("X", "x")
    if len(digits) == 10 and digits[:9].isdecimal() and check_ok:
        total = sum((10 - i) * int(d) for i, d in enumerate(digits[:9]))
        check = 10 if digits[9] in "Xx" else int(digits[9])
        return (total + check) % 11 == 0
    if len(digits) == 13 and digits.isdecimal():
        total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(digits))
        return total % 10 == 0
    return False


def normalize_isbn(text: str) -> str | None:
    """The ISBN in ``text`` as ISBN-13 digits, or None when it is not a valid ISBN.

    Hyphens, spaces and an ``ISBN`` / ``ISBN-13:`` prefix are ignored; an
    ISBN-10 is converted (``978`` prefix, new check digit).
    """
    value = re.sub(r"^isbn(?:-1[03])?:?", "", text.strip(), flags=re.IGNORECASE)
    digits = _ISBN_CHARS.sub("", value).upper()
    if not isbn_checksum_ok(digits):
        return None
    if len(digits) == 13:
        return digits
    body = "978" + digits[:9]
    check = (10 - sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(body)) % 10) % 10
    return body + str(check)


def _isbns(value: str) -> set[str]:
    found = set()
    for part in re.split(r"[;,/]|\s(?=\d{3})", value):
        isbn = normalize_isbn(part)
        if isbn:
            found.add(isbn)
    return found


def canonical_url(text: str) -> str | None:
    """A canonical form of the URL ``text``: https, lowercase host without ``www.``.

    Default ports, fragments, tracking parameters (``utm_*``, ``fbclid``,
    ...) and a trailing slash go; the other query parameters are sorted and
    percent-encoding is normalised. DOI resolver links become
    ``https://doi.org/<doi>``. None for text that is not an http(s) URL.
    """
    value = text.strip()
    doi = normalize_doi(value) if _DOI_PREFIX.match(value) else None
    if doi:
        return f"https://doi.org/{doi}"
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower().removeprefix("www.")
    if port and port not in (80, 443):
        host = f"{host}:{port}"
    path = quote(unquote(parts.path), safe=_SAFE_PATH).rstrip("/")
    query = sorted(
        (name, item)
        for name, item in parse_qsl(parts.query, keep_blank_values=True)
        if not _TRACKING.match(name.lower())
    )
    return urlunsplit(("https", host, path, urlencode(query), ""))


def normalize_title(text: str) -> str:
    """``text`` casefolded, ``&`` as ``and``, without punctuation, diacritics or extra spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().replace("&", " and "))
    kept = []
    for char in decomposed:
        category = unicodedata.category(char)
        if category.startswith("M"):
            continue
        kept.append(char if category[0] in "LN" else " ")
    return " ".join("".join(kept).split())


@attrs.frozen
class DuplicateMatch:
    """References ``a`` and ``b`` (``a`` first in the input) and why they match.

    Each reason names what is shared and its normalised value:
    ``"same DOI: 10.1000/182"``, ``"same ISBN: 9780306406157"``,
    ``"same URL: https://example.org/a"``,
    ``"same title, first family name and year: war and peace / tolstoy / 1869"``.
    """

    a: Reference
    b: Reference
    reasons: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.a.key} = {self.b.key} ({'; '.join(self.reasons)})"


def _signatures(ref: Reference) -> list[str]:
    found: list[str] = []
    doi = normalize_doi(ref.get("doi") or "")
    url = canonical_url(ref.get("url") or "")
    if doi is None and url and url.startswith("https://doi.org/"):
        doi = url.removeprefix("https://doi.org/")
    if doi:
        found.append(f"same DOI: {doi}")
    found.extend(f"same ISBN: {isbn}" for isbn in sorted(_isbns(ref.get("isbn") or "")))
    if url and not url.startswith("https://doi.org/"):
        found.append(f"same URL: {url}")
    title = normalize_title(ref.title)
    people = ref.authors or ref.contributors_in(Role.EDITOR) or ref.contributors
    family = normalize_title(people[0].family_or_literal) if people else ""
    if title and family and ref.year:
        found.append(f"same title, first family name and year: {title} / {family} / {ref.year}")
    return found


def find_duplicates(refs: Iterable[Reference]) -> tuple[DuplicateMatch, ...]:
    """Every pair of references that match, in input order, each with its reasons."""
    items = list(refs)
    buckets: dict[str, list[int]] = {}
    for index, ref in enumerate(items):
        for reason in _signatures(ref):
            bucket = buckets.setdefault(reason, [])
            if not bucket or bucket[-1] != index:
                bucket.append(index)
    pairs: dict[tuple[int, int], list[str]] = {}
    for reason, indexes in buckets.items():
        for position, first in enumerate(indexes):
            for second in indexes[position + 1 :]:
                pairs.setdefault((first, second), []).append(reason)
    return tuple(DuplicateMatch(items[i], items[j], tuple(pairs[i, j])) for i, j in sorted(pairs))
