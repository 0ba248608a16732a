"""CSL-JSON (what Zotero and Pandoc exchange) to :class:`Reference` values and back.

The mapping between biblatex and CSL is a table, not a guess: each biblatex
entry type, field and name role has one CSL counterpart, and reading inverts
it. Titles are joined with their subtitles and addons, and LaTeX markup
becomes CSL's rich text (:mod:`citations.markup`). References that stay
inside the mapped subset round-trip exactly:
``parse_csl_json(write_csl_json(refs)) == refs``. What has no CSL counterpart
(other fields, the ``commentator`` and similar roles, name transliterations)
is left out on writing, and CSL variables with no biblatex counterpart are
left out on reading.

Dates: a ``date`` field in the EDTF forms CSL can hold (``2020``,
``2020-05``, ``2020-05-17``, ranges with ``/``, a trailing ``~``) becomes
``{"date-parts": [[2020, 5, 17]]}`` (with ``"circa": true`` for ``~``).
EDTF counts years astronomically (``0000`` is 1 BCE, ``-0220`` is 221 BCE)
and CSL has no year 0 (``-1`` is 1 BCE, ``-221`` is 221 BCE), so years up
to 0 shift by one each way;
any other EDTF value is kept as ``{"raw": ...}``. Braces that protect
capitalisation (``{NATO}``) become ``<span class="nocase">NATO</span>``, the
CSL spelling, and back.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import sys
from collections.abc import Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import Any

from citations.bibstrings import bibstrings_as_text
from citations.eprints import eprint_url
from citations.errors import CSLJSONParseError
from citations.keys import KeyRegistry
from citations.languages import language_tag
from citations.markup import csl_text, join_title, plain_text
from citations.model import Contributor, Reference, Role, role_rank
from citations.sources import read_utf8
from citations.xdata import resolve_xdata
from citations.xnames import uses_prefix

__all__ = [
    "CSL_FIELDS",
    "CSL_ROLES",
    "CSL_TYPES",
    "from_csl",
    "iter_csl_json",
    "parse_csl_json",
    "read_csl_json",
    "write_csl_json",
]

#: biblatex entry type -> CSL type. Reading inverts it (see ``_TYPE_FROM_CSL``).
CSL_TYPES: Mapping[str, str] = MappingProxyType(
    {
        "article": "article-journal",
        "book": "book",
        "mvbook": "book",
        "collection": "book",
        "mvcollection": "book",
        "proceedings": "book",
        "mvproceedings": "book",
        "manual": "book",
        "booklet": "pamphlet",
        "incollection": "chapter",
        "inbook": "chapter",
        "bookinbook": "chapter",
        "suppbook": "chapter",
        "suppcollection": "chapter",
        "inreference": "entry-encyclopedia",
        "reference": "book",
        "mvreference": "book",
        "inproceedings": "paper-conference",
        "report": "report",
        "online": "webpage",
        "thesis": "thesis",
        "unpublished": "manuscript",
        "patent": "patent",
        "dataset": "dataset",
        "software": "software",
        "periodical": "periodical",
        "misc": "document",
        # biblatex-apa names, which the BibTeX reader keeps as misc + entrysubtype
        "jurisdiction": "legal_case",
        "legislation": "legislation",
        "speech": "speech",
        "letter": "personal_communication",
        "standard": "standard",
        # biblatex's review of another work: an article, its standard styles say
        "review": "review",
    }
)

_TYPE_FROM_CSL: dict[str, str] = {
    "article": "article",
    "article-journal": "article",
    "article-magazine": "article",
    "article-newspaper": "article",
    "book": "book",
    "pamphlet": "booklet",
    "chapter": "incollection",
    "entry": "inreference",
    "entry-dictionary": "inreference",
    "entry-encyclopedia": "inreference",
    "paper-conference": "inproceedings",
    "report": "report",
    "webpage": "online",
    "post": "online",
    "post-weblog": "online",
    "thesis": "thesis",
    "manuscript": "unpublished",
    "patent": "patent",
    "dataset": "dataset",
    "software": "software",
    "periodical": "periodical",
    "document": "misc",
}
_TYPE_FROM_CSL.update(
    {
        "legal_case": "jurisdiction",
        "legislation": "legislation",
        "bill": "legislation",
        "personal_communication": "letter",
        "standard": "standard",
        "review": "review",
        "review-book": "review",
    }
)
#: CSL types kept as ``misc`` with the biblatex-apa type in ``entrysubtype``.
_SUBTYPE_FROM_CSL = {"speech": "speech"}
_ARTICLE_SUBTYPES = {"magazine": "article-magazine", "newspaper": "article-newspaper"}
_ARTICLE_SUBTYPE_FROM_CSL = {csl_type: name for name, csl_type in _ARTICLE_SUBTYPES.items()}

#: biblatex field -> CSL variable, for every entry type (see ``_fields_to_csl``
#: for the type-dependent ones: ``number``, ``institution``, ``booktitle``...).
CSL_FIELDS: Mapping[str, str] = MappingProxyType(
    {
        "title": "title",
        "shorttitle": "title-short",
        "journaltitle": "container-title",
        "shortjournal": "container-title-short",
        "series": "collection-title",
        "volume": "volume",
        "volumes": "number-of-volumes",
        "pages": "page",
        "pagetotal": "number-of-pages",
        "chapter": "chapter-number",
        "edition": "edition",
        "publisher": "publisher",
        "location": "publisher-place",
        "eventtitle": "event-title",
        "venue": "event-place",
        "version": "version",
        "note": "note",
        "abstract": "abstract",
        "keywords": "keyword",
        "isbn": "ISBN",
        "issn": "ISSN",
        "doi": "DOI",
        "url": "URL",
        "origtitle": "original-title",
    }
)
_DATES = {
    "date": "issued",
    "urldate": "accessed",
    "eventdate": "event-date",
    "origdate": "original-date",
}

#: Contributor role -> CSL name variable.
CSL_ROLES: Mapping[Role, str] = MappingProxyType(
    {
        Role.AUTHOR: "author",
        Role.EDITOR: "editor",
        Role.TRANSLATOR: "translator",
        Role.BOOKAUTHOR: "container-author",
    }
)
_ROLE_FROM_CSL = {name: role for role, name in CSL_ROLES.items()}

#: Thesis and report ``type`` values and the CSL ``genre`` text they stand for.
_GENRES = {
    "phdthesis": "PhD thesis",
    "mathesis": "Master's thesis",
    "candthesis": "Candidate's thesis",
    "techreport": "Technical report",
    "resreport": "Research report",
}
_GENRE_FROM_CSL = {text.lower(): name for name, text in _GENRES.items()}

_JOURNAL_TYPES = frozenset({"article", "review", "periodical", "misc"})
#: Types that are part of a book, proceedings or reference work (CSL's container).
_PARTS = frozenset(
    [
        "inbook",
        "bookinbook",
        "suppbook",
        "incollection",
        "suppcollection",
        "inreference",
        "inproceedings",
    ]
)
_TITLE_FIELDS = frozenset(
    prefix + part
    for prefix in ("", "main", "book", "journal", "issue")
    for part in ("title", "subtitle", "titleaddon")
)
#: Fields CSL's one ``publisher`` holds, joined with "; " in this order (as Pandoc does).
_PUBLISHERS = ("institution", "organization", "howpublished", "publisher")
_VERBATIM = frozenset({"url", "doi", "isbn", "issn"})
#: A ``Citation Key: key`` line, as Better BibTeX keeps a key in Zotero's Extra field.
_NOTE_KEY = re.compile(r"^[ \t]*citation key[ \t]*:[ \t]*(\S+)[ \t]*(?:\n|$)", re.I | re.M)
_URI = re.compile(r"[a-z][a-z0-9+.-]*://", re.I)
_SIMPLE_DATE = re.compile(r"^(-?\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
#: The time of an EDTF/ISO 8601 date and time (``2001-01-03T15:00:00Z``): CSL dates have none.
_TIME = re.compile(r"(?<=\d-\d\d)T\d\d(?::\d\d(?::\d\d(?:\.\d+)?)?)?(?:Z|[+-]\d\d(?::?\d\d)?)?$")


# ------------------------------------------------------------------ writing


def write_csl_json(refs: Iterable[Reference]) -> str:
    """The references as a CSL-JSON array: sorted keys, two-space indent, UTF-8 text.

    Deterministic: the same references give the same text; records keep the
    order of ``refs``. The result ends with a newline. An entry using ``@xdata``
    has its containers' fields, as biber gives them (:func:`citations.resolve_xdata`);
    the containers are left out.
    """
    records = [to_csl(ref) for ref in resolve_xdata(refs)]
    return json.dumps(records, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def to_csl(ref: Reference) -> dict[str, Any]:
    """One reference as a CSL-JSON record (a dict)."""
    fields = _localised(ref)
    entry_type = ref.entry_type
    subtype = fields.get("entrysubtype", "")
    if entry_type == "misc" and subtype in CSL_TYPES:
        entry_type = subtype
        del fields["entrysubtype"]
    csl_type = CSL_TYPES.get(entry_type, "document")
    if entry_type == "article" and subtype in _ARTICLE_SUBTYPES:
        csl_type = _ARTICLE_SUBTYPES[subtype]
        del fields["entrysubtype"]
    record: dict[str, Any] = {"id": ref.key, "type": csl_type}
    if ref.language:
        record["language"] = language_tag(ref.language)
    options = fields.get("options", "")
    for person in ref.contributors:
        variable = CSL_ROLES.get(person.role)
        if variable is not None:
            record.setdefault(variable, []).append(_name_to_csl(person, options))
    record.update(_fields_to_csl(entry_type, fields))
    return record


def _localised(ref: Reference) -> dict[str, str]:
    """The fields of ``ref``, biblatex's localisation strings (``\\bibstring{jourser}``)
    written as their text in the reference's language (:mod:`citations.bibstrings`)."""
    fields = ref.field_map
    for name, value in fields.items():
        if "\\bib" in value and name not in _VERBATIM:
            fields[name] = bibstrings_as_text(value, ref.language or "en")
    return fields


def _title(fields: Mapping[str, str], prefix: str) -> str:
    """A title joined with its subtitle and addon (``booktitle``, ``booksubtitle``, ...)."""
    return join_title(
        *(_text(fields.get(prefix + part, "")) for part in ("title", "subtitle", "titleaddon"))
    )


def _titles_to_csl(entry_type: str, fields: Mapping[str, str]) -> dict[str, str]:
    """``title``, ``container-title`` and ``volume-title``, each with its subtitle and addon.

    A volume of a multi-volume work has the work's title (``maintitle``) as its CSL
    ``title`` and its own as ``volume-title``; a part of one (a chapter) has the
    work's title as ``container-title`` and the volume's as ``volume-title``. An
    issue of a periodical (``@periodical`` with an ``issuetitle``) has the issue's
    title as ``title`` and the periodical's as ``container-title``, as Pandoc reads it.
    """
    own, main = _title(fields, ""), _title(fields, "main")
    book, journal = _title(fields, "book"), _title(fields, "journal")
    titles = {"title": own}
    issue = _title(fields, "issue")
    if entry_type == "periodical" and issue:
        return {"title": issue, "container-title": own}
    if entry_type in _PARTS:
        titles["container-title"] = main or book
        titles["volume-title"] = book if main else ""
    elif main:
        titles["title"], titles["volume-title"] = main, own
    if entry_type not in _PARTS:
        titles["container-title"] = journal or (book if entry_type not in _JOURNAL_TYPES else "")
    return {variable: text for variable, text in titles.items() if text}


#: Types whose ``number`` is a journal's issue number (CSL ``issue``, with biblatex's ``issue``).
_ISSUES = frozenset({"article", "review", "periodical", "suppperiodical"})


def _fields_to_csl(entry_type: str, fields: dict[str, str]) -> dict[str, Any]:
    record: dict[str, Any] = _titles_to_csl(entry_type, fields)
    publishers = [fields[name] for name in _PUBLISHERS if name in fields]
    if publishers:
        record["publisher"] = "; ".join(_text(value) for value in publishers)
    issue = [fields[name] for name in ("number", "issue") if name in fields]
    if entry_type in _ISSUES and issue:
        record["issue"] = ", ".join(_text(value) for value in issue)
    for name, value in fields.items():
        variable = CSL_FIELDS.get(name)
        if name in _TITLE_FIELDS or name in _PUBLISHERS or name == "issue":
            continue
        if name in _DATES:
            record[_DATES[name]] = _date_to_csl(value)
        elif name == "number":
            if entry_type not in _ISSUES:
                record["number"] = _text(value)
        elif name == "type":
            record["genre"] = _GENRES.get(value, _text(value))
        elif name == "pages":
            record["page"] = _text(value.replace("--", "–"))
        elif variable is not None:
            record[variable] = value if name in _VERBATIM else _text(value)
    if "date" not in fields and "year" in fields:
        record["issued"] = _year_to_csl(fields["year"], fields.get("month", ""))
    if entry_type not in _ISSUES and "issue" in fields:
        record["issue"] = _text(fields["issue"])
    if "part" in fields:  # biblatex prints the physical part after the volume: 7.2
        record["volume"] = ".".join(
            _text(fields[name]) for name in ("volume", "part") if name in fields
        )
    if "url" not in fields and eprint_url(fields):
        record["URL"] = eprint_url(fields)
    return record


def _year_to_csl(year: str, month: str) -> dict[str, Any]:
    if re.fullmatch(r"-?\d{1,4}", year.strip()):
        parts = [_csl_year(int(year))]
        if month.strip().isdecimal() and 1 <= int(month) <= 12:
            parts.append(int(month))
        return {"date-parts": [parts]}
    if not month.strip() and re.fullmatch(r"-?\d{1,4}/-?\d{1,4}", year.strip()):
        return _date_to_csl(year.strip())  # a range of years, "1957/1990"
    return {"literal": year}


def _csl_year(year: int) -> int:
    """An ISO/EDTF year as a CSL year: CSL has no year 0, so 0 is 1 BCE (-1), -220 is -221."""
    return year - 1 if year <= 0 else year


def _name_to_csl(person: Contributor, options: str) -> dict[str, str]:
    """A name's parts as CSL's, each as the text LaTeX would print (``{\\TeX} {Users}``:
    "TeX Users"); CSL names hold no markup. The particle is non-dropping where
    biblatex's ``useprefix`` is true (the name's, else the entry's ``options``), else
    dropping, as biblatex prints it ("Gogh, Vincent van")."""
    if person.literal:
        return {"literal": plain_text(person.literal)}
    name = {"family": plain_text(person.family)}
    if person.given:
        name["given"] = plain_text(person.given)
    if person.particle:
        kind = "non-dropping-particle" if uses_prefix(person, options) else "dropping-particle"
        name[kind] = plain_text(person.particle)
    if person.suffix:
        name["suffix"] = plain_text(person.suffix)
    return name


def _date_to_csl(value: str) -> dict[str, Any]:
    circa = value.endswith("~") and "/" not in value
    core = value[:-1] if circa else value
    ends = core.split("/")
    parts: list[list[int]] = []
    if len(ends) <= 2:
        for end in ends:
            match = _SIMPLE_DATE.match(_TIME.sub("", end))
            if match is None:
                return {"raw": value}
            year, *rest = (int(group) for group in match.groups() if group is not None)
            parts.append([_csl_year(year), *rest])
    else:
        return {"raw": value}
    if any(part[1:2] == [0] or part[2:3] == [0] for part in parts):
        return {"raw": value}
    if len(parts) == 2 and len(parts[0]) != len(parts[1]):
        return {"raw": value}
    date: dict[str, Any] = {"date-parts": parts}
    if circa:
        date["circa"] = True
    return date


def _text(value: str) -> str:
    """Text in CSL's rich text: case-protecting braces as ``nocase`` spans, LaTeX markup as
    CSL's tags or plain text (:func:`citations.markup.csl_text`)."""
    return csl_text(value)


# ------------------------------------------------------------------ reading

_NOCASE_OPEN = '<span class="nocase">'
_PAGE_DASH = re.compile(r"(?<=\w)\s*[–-]\s*(?=\w)")
_MARKUP_TAG = re.compile(r"<span\b[^>]*>|</span>|</?(?:i|b|sup|sub)>")
#: CSL's rich-text tags and the LaTeX each opens (spans of other classes open nothing).
_LATEX_FOR_TAG = {
    _NOCASE_OPEN: "{",
    '<span style="font-variant:small-caps;">': "\\textsc{",
    "<i>": "\\emph{",
    "<b>": "\\textbf{",
    "<sup>": "\\textsuperscript{",
    "<sub>": "\\textsubscript{",
}


def read_csl_json(path: str | os.PathLike[str]) -> tuple[Reference, ...]:
    """Read the CSL-JSON file at ``path`` (for text, see :func:`parse_csl_json`).

    A path that cannot be read raises :class:`UnreadableFile` naming it;
    text that is not UTF-8 or not CSL-JSON raises :class:`CSLJSONParseError`.
    """
    text, name = read_utf8(path, "read_csl_json", "parse_csl_json", CSLJSONParseError)
    return parse_csl_json(text, source_name=name)


def parse_csl_json(text: str, *, source_name: str = "<string>") -> tuple[Reference, ...]:
    """Read CSL-JSON text: an array of records (or one record, or Zotero's ``{"items": [...]}``).

    Raises :class:`CSLJSONParseError` naming ``source_name`` (and the line for
    malformed JSON, the record number and id for a record that cannot be a
    reference).
    """
    if not isinstance(text, str):
        raise TypeError(
            f"parse_csl_json() needs str, not {type(text).__name__}; read_csl_json() reads a path"
        )
    name = source_name
    with _json_errors(text, name):
        data = json.loads(text, parse_int=_integer)
    if isinstance(data, dict) and "items" in data:
        data = data["items"]
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise CSLJSONParseError(
            f"expected a JSON array of records, got {type(data).__name__}", source=name
        )
    records = [_checked(record, number, name) for number, record in enumerate(data, start=1)]
    keys = [_key(record) for record in records]
    registry = KeyRegistry()
    for key in keys:
        if key and key not in registry:
            registry.reserve(key)
    refs = []
    for number, (record, key) in enumerate(zip(records, keys, strict=True), start=1):
        ref = _record(record, key or "ref", number, name)
        refs.append(ref if key else registry.assign(ref))
    return tuple(refs)


def iter_csl_json(
    path: str | os.PathLike[str], *, size: int = 1000
) -> Iterator[tuple[Reference, ...]]:
    """The references :func:`read_csl_json` reads, ``size`` at a time, in its order and
    with its keys: the file's text is held, but each record is decoded only as its batch
    is made (twice: first for the keys, so that a record without one is given a key none
    of the others has). An array's faults are raised as the reading reaches them; a file
    holding one record or Zotero's ``{"items": [...]}`` is read whole.
    """
    text, name = read_utf8(path, "read_csl_json", "parse_csl_json", CSLJSONParseError)
    start = _skip(text, 0)
    if not text.startswith("[", start):
        yield parse_csl_json(text, source_name=name)
        return
    registry = KeyRegistry()
    keys = []
    for number, record in _records(text, start + 1, name):
        key = _key(_checked(record, number, name))
        if key and key not in registry:
            registry.reserve(key)
        keys.append(key)
    batch: list[Reference] = []
    for (number, record), key in zip(_records(text, start + 1, name), keys, strict=True):
        ref = _record(record, key or "ref", number, name)
        batch.append(ref if key else registry.assign(ref))
        if len(batch) >= size:
            yield tuple(batch)
            batch = []
    if batch:
        yield tuple(batch)


@contextlib.contextmanager
def _json_errors(text: str, source: str) -> Iterator[None]:
    """JSON's errors while reading ``text`` as :class:`CSLJSONParseError` naming the line."""
    try:
        yield
    except json.JSONDecodeError as exc:
        raise CSLJSONParseError(
            f"malformed JSON: {exc.msg}", source=source, line=exc.lineno
        ) from exc
    except RecursionError as exc:
        raise CSLJSONParseError(
            "arrays and objects nested too deeply to read (CSL-JSON needs four levels)",
            source=source,
            line=_deepest_line(text),
        ) from exc


_SPACE = re.compile(r"[ \t\n\r]*")
_COMMA = re.compile(r"[ \t\n\r]*,[ \t\n\r]*")


def _skip(text: str, at: int) -> int:
    """Where the JSON white space from ``at`` ends."""
    match = _SPACE.match(text, at)
    return match.end() if match else at


def _records(text: str, at: int, source: str) -> Iterator[tuple[int, Any]]:
    """Each record of the JSON array whose items start at ``at``, numbered, decoded as it
    is asked for (not checked: see :func:`_checked`)."""
    decode = json.JSONDecoder(parse_int=_integer).raw_decode
    at = _skip(text, at)
    number = 0
    if not text.startswith("]", at):
        with _json_errors(text, source):  # raised by decode alone
            while True:
                record, at = decode(text, at)
                number += 1
                yield number, record
                comma = _COMMA.match(text, at)
                if comma is None:
                    at = _skip(text, at)
                    break
                at = comma.end()
    if not text.startswith("]", at):
        line = text.count("\n", 0, at) + 1
        raise CSLJSONParseError("malformed JSON: expecting ',' or ']'", source=source, line=line)
    end = _skip(text, at + 1)
    if end != len(text):
        line = text.count("\n", 0, end) + 1
        raise CSLJSONParseError("malformed JSON: text after the array", source=source, line=line)


def _deepest_line(text: str) -> int:
    """The line where ``[`` and ``{`` outside strings nest deepest (for an error message)."""
    depth = deepest = 0
    line = at = 1
    in_string = escaped = False
    for char in text:
        if char == "\n":
            line += 1
        elif in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > deepest:
                deepest, at = depth, line
        elif char in "]}":
            depth -= 1
    return at


def _checked(record: object, number: int, source: str) -> dict[str, Any]:
    """The record if it is an object with an ``id`` or ``citation-key``."""
    if not isinstance(record, dict):
        raise CSLJSONParseError(
            f"record {number}: expected an object, got {type(record).__name__}", source=source
        )
    for variable in ("citation-key", "id"):
        value = record.get(variable)
        if isinstance(value, int) and not isinstance(value, bool):
            return record
        if isinstance(value, str) and value.strip():
            return record
    raise CSLJSONParseError(f"record {number}: no usable 'id'", source=source)


def _key(record: dict[str, Any]) -> str:
    """The citation key a record names, or "" when it names none (its ``id`` is a URI).

    ``citation-key`` first, then a Better BibTeX ``Citation Key:`` line in
    ``note`` (Zotero's Extra field), then ``id`` unless it is a URI: Zotero's
    own export gives every item ``http://zotero.org/users/.../items/...``.
    """
    key = record.get("citation-key")
    if isinstance(key, str) and key.strip():
        return key.strip()
    note = record.get("note")
    if isinstance(note, str):
        match = _NOTE_KEY.search(note)
        if match:
            return match.group(1)
    key = record.get("id")
    if isinstance(key, int) and not isinstance(key, bool):
        return str(key)
    if not isinstance(key, str) or _URI.match(key.strip()):
        return ""
    return key.strip()


def _record(record: dict[str, Any], key: str, number: int, source: str) -> Reference:
    try:
        return _reference(record, key)
    except (TypeError, ValueError) as exc:  # InvalidReference among them
        shown = record.get("citation-key") or record.get("id")
        raise CSLJSONParseError(f"record {number} (id {shown!r}): {exc}", source=source) from exc


def from_csl(
    record: dict[str, Any], key: str, *, also: Mapping[str, str] | None = None
) -> Reference:
    """One CSL-JSON record (a dict) as a reference keyed ``key``: the inverse of :func:`to_csl`.

    ``also`` holds fields CSL has no variable for that the caller read beside
    the record (Zotero's collections as ``groups``). Raises
    :class:`InvalidReference`, :class:`ValueError` or :class:`TypeError` for a
    record that cannot be a reference.
    """
    return _reference(record, key, also or {})


def _reference(
    record: dict[str, Any], key: str, also: Mapping[str, str] | None = None
) -> Reference:
    csl_type = _string(record.get("type", "document"), "type")
    fields: dict[str, str] = {}
    if csl_type in _SUBTYPE_FROM_CSL:
        entry_type = "misc"
        fields["entrysubtype"] = _SUBTYPE_FROM_CSL[csl_type]
    else:
        entry_type = _TYPE_FROM_CSL.get(csl_type, "misc")
        if csl_type in _ARTICLE_SUBTYPE_FROM_CSL:
            fields["entrysubtype"] = _ARTICLE_SUBTYPE_FROM_CSL[csl_type]
    for variable, value in record.items():
        name: str | None = _PLAIN_FIELDS.get(variable)
        if name is not None:  # most variables
            if value is not None:
                text = _string(value, variable)
                fields[name] = text if name in _VERBATIM else _untext(text)
            continue
        if variable in _NOT_FIELDS:
            continue
        if variable == "note" and isinstance(value, str):
            value = _NOTE_KEY.sub("", value).strip("\n") or None
        if variable in _DATE_VARIABLES:
            date = _date_from_csl(value, variable)
            if date:
                fields[_DATE_VARIABLES[variable]] = date
            continue
        if value is None:
            continue
        name = _FIELD_FROM_CSL.get(variable)
        if variable == "container-title":
            name = "journaltitle" if entry_type in _JOURNAL_TYPES else "booktitle"
        elif variable in ("issue", "number"):
            if "number" in fields:
                continue
            name = "number"
        elif variable == "publisher" and entry_type in ("thesis", "report"):
            name = "institution"
        elif variable == "genre":
            name = "type"
        elif variable == "event":
            name = "eventtitle"
        if variable == "volume-title":
            name = "volume-title"  # placed below, once the container and title are known
        if name is None:
            continue  # a variable biblatex has no field for
        text = _string(value, variable)
        if name == "type":
            text = _GENRE_FROM_CSL.get(text.lower(), text)
        if name == "pages":
            text = _PAGE_DASH.sub("--", text)
        fields[name] = text if name in _VERBATIM else _untext(text)
    if entry_type == "periodical" and "journaltitle" in fields and "title" in fields:
        # an issue of a periodical: the inverse of _titles_to_csl
        fields["issuetitle"] = fields["title"]
        fields["title"] = fields.pop("journaltitle")
    volume = fields.pop("volume-title", "")
    if volume:  # the inverse of _titles_to_csl
        if entry_type in _PARTS:
            if "booktitle" in fields:
                fields["maintitle"] = fields["booktitle"]
            fields["booktitle"] = volume
        else:
            if "title" in fields:
                fields["maintitle"] = fields["title"]
            fields["title"] = volume
    contributors: list[Contributor] = []
    for variable, role in _NAME_VARIABLES:
        names = record.get(variable)
        if names is None:
            continue
        if not isinstance(names, list):
            raise ValueError(f"{variable!r} must be a list of names")
        contributors.extend(_name_from_csl(name, role, variable) for name in names)
    language = record.get("language", "")
    if also:
        fields.update(also)
    return Reference(
        key,
        entry_type,
        fields,
        contributors,
        language_tag(_string(language, "language")) if language else "",
    )


_DATE_VARIABLES = {variable: name for name, variable in _DATES.items()}
_FIELD_FROM_CSL = {variable: name for name, variable in CSL_FIELDS.items()}
#: Variables that are one field whatever the type, as they are (but CSL's rich text).
_PLAIN_FIELDS = {
    variable: name
    for variable, name in _FIELD_FROM_CSL.items()
    if variable not in ("container-title", "publisher", "page", "note")
}
#: What a record holds beside its fields.
_NOT_FIELDS = frozenset({*_ROLE_FROM_CSL, "id", "type", "language", "citation-key"})
#: The name variables and their roles, in the roles' order (:func:`role_rank`).
_NAME_VARIABLES = sorted(_ROLE_FROM_CSL.items(), key=lambda item: role_rank(item[1]))


def _string(value: object, variable: str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{variable!r} must be text or a number, got {json.dumps(value)}")
        return str(value)
    if isinstance(value, _HugeNumber):
        raise ValueError(f"{variable!r}: {value}")
    shown = (
        "an array"
        if isinstance(value, list)
        else "an object"
        if isinstance(value, dict)
        else (json.dumps(value))
    )
    raise ValueError(f"{variable!r} must be text or a number, got {shown}")


class _HugeNumber:
    """A JSON integer too long for Python to convert (``sys.get_int_max_str_digits``)."""

    def __init__(self, digits: str) -> None:
        self.size = len(digits.lstrip("-"))

    def __repr__(self) -> str:
        limit = sys.get_int_max_str_digits()
        return f"a number of {self.size:,} digits (Python reads at most {limit:,})"


def _integer(digits: str) -> int | _HugeNumber:
    """A JSON integer, or a marker for one too long to convert (named where it is used)."""
    try:
        return int(digits)
    except ValueError:
        return _HugeNumber(digits)


def _untext(value: str) -> str:
    """CSL rich text back to a field value: ``nocase`` spans as braces, ``<i>``, ``<b>``,
    ``<sup>``, ``<sub>`` and small capitals as LaTeX commands, other spans dropped."""
    if "<" not in value:
        return value
    stack: list[str] = []  # what closes each open tag
    out: list[str] = []
    last = 0
    for match in _MARKUP_TAG.finditer(value):
        out.append(value[last : match.start()])
        tag = match.group()
        if tag.startswith("</"):
            if stack:
                out.append(stack.pop())
        else:
            opening = _LATEX_FOR_TAG.get(tag, "")
            stack.append("}" if opening else "")
            out.append(opening)
        last = match.end()
    out.append(value[last:])
    out.extend(reversed(stack))
    return "".join(out)


def _name_from_csl(name: object, role: Role, variable: str) -> Contributor:
    if not isinstance(name, dict):
        raise ValueError(f"{variable!r}: a name must be an object, got {name!r}")
    literal = name.get("literal")
    if literal:
        return Contributor(literal=_string(literal, variable), role=role)
    family = _string(name.get("family", ""), variable)
    dropping = name.get("dropping-particle")
    non_dropping = name.get("non-dropping-particle")
    particles = [_string(part, variable) for part in (dropping, non_dropping) if part]
    given = _string(name.get("given", ""), variable)
    if not family:
        if not given:
            raise ValueError(f"{variable!r}: a name needs 'family' or 'literal': {name!r}")
        return Contributor(literal=given, role=role)
    return Contributor(
        family=family,
        given=given,
        particle=" ".join(particles),
        suffix=_string(name.get("suffix", ""), variable),
        role=role,
        # a non-dropping particle alone is biblatex's useprefix=true; a dropping one its
        # default (false); both are joined, undecided
        useprefix=True if non_dropping and not dropping else None,
    )


def _date_from_csl(value: object, variable: str) -> str:
    if isinstance(value, str):
        return value.strip()
    if not isinstance(value, dict):
        raise ValueError(f"{variable!r} must be a date object, got {type(value).__name__}")
    parts = value.get("date-parts")
    if parts:
        if not isinstance(parts, list) or not all(isinstance(p, list) for p in parts):
            raise ValueError(f"{variable!r}: 'date-parts' must be a list of lists")
        text = "/".join([_date_end(part, variable) for part in parts[:2] if part])
        if text and value.get("circa") and "/" not in text:
            text += "~"
        if text:
            return text
    for other in ("raw", "literal"):
        if value.get(other):
            return _string(value[other], variable).strip()
    return ""


def _date_end(part: list[object], variable: str) -> str:
    numbers = []
    for item in part[:3]:
        if isinstance(item, str) and item.strip().lstrip("-").isdecimal():
            item = int(item)
        if not isinstance(item, int) or isinstance(item, bool):
            raise ValueError(f"{variable!r}: date parts must be numbers, got {item!r}")
        numbers.append(item)
    # CSL -221 is 221 BCE, EDTF -0220. CSL has no 0; pandoc writes it for ISO 0000 (1 BCE).
    year = numbers[0] + 1 if numbers[0] < 0 else numbers[0]
    text = f"-{-year:04d}" if year < 0 else f"{year:04d}"
    for number in numbers[1:]:
        text += f"-{number:02d}"
    return text
