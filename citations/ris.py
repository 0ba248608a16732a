"""RIS (Research Information Systems) records to :class:`Reference` values and back.

A record is a run of ``XX  - value`` lines from ``TY`` to ``ER``. Types map
to biblatex (``JOUR`` -> ``article``, ``CHAP`` -> ``incollection``, ...);
names are ``Family, Given, Suffix`` (``AU`` authors, ``A2``/``ED`` editors,
``A4`` translators), and a name without a comma is a literal name (an
organisation, a CJK name written as one unit), so a family-only name is
written with a trailing comma (``Plato,``). ``ID`` holds the citation key;
records without one get a key from :func:`citations.keys.make_key`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from types import MappingProxyType

from citations.bibstrings import bibstrings_as_text
from citations.eprints import eprint_url
from citations.errors import InvalidReference, RISParseError
from citations.keys import KeyRegistry
from citations.languages import language_tag
from citations.markup import join_title, plain_text
from citations.model import Contributor, Reference, Role, role_rank
from citations.sources import read_utf8
from citations.xdata import resolve_xdata

__all__ = ["RIS_TYPES", "parse_ris", "read_ris", "write_ris"]

#: biblatex entry type -> RIS type. Reading inverts it (plus a few synonyms).
RIS_TYPES: Mapping[str, str] = MappingProxyType(
    {
        "article": "JOUR",
        "book": "BOOK",
        "collection": "EDBOOK",
        "incollection": "CHAP",
        "inbook": "CHAP",
        "inproceedings": "CPAPER",
        "proceedings": "CONF",
        "report": "RPRT",
        "thesis": "THES",
        "online": "ELEC",
        "unpublished": "UNPB",
        "patent": "PAT",
        "dataset": "DATA",
        "software": "COMP",
        "manual": "STAND",
        "inreference": "ENCYC",
        "booklet": "PAMP",
        "periodical": "SER",
        "misc": "GEN",
    }
)
_TYPE_FROM_RIS = {ris: biblatex for biblatex, ris in RIS_TYPES.items() if biblatex != "inbook"}
_TYPE_FROM_RIS.update(
    {"JFULL": "periodical", "MGZN": "article", "NEWS": "article", "WEB": "online", "EBOOK": "book"}
)
_SUBTYPE_FROM_RIS = {"MGZN": "magazine", "NEWS": "newspaper"}
_SUBTYPE_TO_RIS = {"magazine": "MGZN", "newspaper": "NEWS"}

# biblatex field -> RIS tag, written in this order after the names.
_TAGS = (
    ("title", "TI"),
    ("journaltitle", "T2"),
    ("booktitle", "T2"),
    ("series", "T3"),
    ("shorttitle", "ST"),
    ("shortjournal", "J2"),
    ("volume", "VL"),
    ("number", "IS"),
    ("issue", "IS"),
    ("edition", "ET"),
    ("institution", "PB"),
    ("organization", "PB"),
    ("howpublished", "PB"),
    ("publisher", "PB"),
    ("location", "CY"),
    ("type", "M3"),
    ("isbn", "SN"),
    ("issn", "SN"),
    ("doi", "DO"),
    ("url", "UR"),
    ("abstract", "AB"),
    ("note", "N1"),
)
_ROLE_TAGS = ((Role.AUTHOR, "AU"), (Role.EDITOR, "A2"), (Role.TRANSLATOR, "A4"))
_ROLE_FROM_TAG = {"AU": Role.AUTHOR, "A1": Role.AUTHOR, "A2": Role.EDITOR, "ED": Role.EDITOR}
_ROLE_FROM_TAG["A4"] = Role.TRANSLATOR
_FIELD_FROM_TAG = {
    "TI": "title",
    "T1": "title",
    "CT": "title",
    "T3": "series",
    "ST": "shorttitle",
    "J2": "shortjournal",
    "JA": "shortjournal",
    "VL": "volume",
    "IS": "number",
    "ET": "edition",
    "CY": "location",
    "M3": "type",
    "DO": "doi",
    "AB": "abstract",
    "N2": "abstract",
    "N1": "note",
    "LA": "language",
}
# RIS lines end at \r\n, \r or \n only: str.splitlines would also split inside
# values at U+2028, U+2029, U+0085, U+000B, U+000C and U+001C-U+001E.
_LINE_END = re.compile(r"\r\n|\r|\n")
_LINE = re.compile(r"^([A-Z][A-Z0-9])  -(?: (.*))?$")
_SLASH_DATE = re.compile(r"^(\d{4})(?:/(\d{1,2})?(?:/(\d{1,2})?(?:/.*)?)?)?$")
_ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")


# ------------------------------------------------------------------ writing


def write_ris(refs: Iterable[Reference]) -> str:
    """The references as RIS text: ``\\n`` line endings, a blank line between records.

    An entry using ``@xdata`` has its containers' fields, as biber gives them
    (:func:`citations.resolve_xdata`); the containers are left out.
    """
    return "\n".join(_record(ref) for ref in resolve_xdata(refs))


def _record(ref: Reference) -> str:
    fields = {
        name: value if name in ("url", "doi") else bibstrings_as_text(value, ref.language or "en")
        for name, value in ref.fields
    }
    subtype = fields.get("entrysubtype", "")
    ris_type = RIS_TYPES.get(ref.entry_type, "GEN")
    if ref.entry_type == "article" and subtype in _SUBTYPE_TO_RIS:
        ris_type = _SUBTYPE_TO_RIS[subtype]
    lines = [f"TY  - {ris_type}", f"ID  - {ref.key}"]
    for role, tag in _ROLE_TAGS:
        lines.extend(f"{tag}  - {_name(person)}" for person in ref.contributors_in(role))
    lines.extend(f"{tag}  - {value}" for tag, value in _tag_values(ref.entry_type, fields).items())
    date = fields.get("date")
    if date:
        match = _ISO_DATE.match(date)
        lines.append(f"PY  - {date[:4] if date[:4].isdecimal() else date}")
        lines.append(f"DA  - {'/'.join(g for g in match.groups() if g) if match else date}")
    elif "year" in fields:
        lines.append(f"PY  - {_one_line(plain_text(fields['year']))}")
    if "urldate" in fields:
        lines.append(f"Y2  - {fields['urldate']}")
    lines.extend(_pages(fields.get("pages", "")))
    keywords = fields.get("keywords", "")
    lines.extend(f"KW  - {word.strip()}" for word in keywords.split(",") if word.strip())
    if ref.language:
        lines.append(f"LA  - {language_tag(ref.language)}")
    lines.append("ER  - ")
    return "\n".join(lines) + "\n"


#: One page range, as biber reads one: ``97--99``, ``97–99`` or ``e1-e5``.
_PAGE_RANGE = re.compile(r"([^\s,;–-]+)\s*(?:–|-)\s*([^\s,;–-]+)")


def _pages(pages: str) -> list[str]:
    """``SP`` and ``EP`` of one page range; ``SP`` alone holds one page or a list of
    ranges (``431–456, 791–823``), as plain text."""
    text = _one_line(plain_text(pages))
    match = _PAGE_RANGE.fullmatch(text)
    if match:
        return [f"SP  - {match[1]}", f"EP  - {match[2]}"]
    return [f"SP  - {text}"] if text else []


def _tag_values(entry_type: str, fields: Mapping[str, str]) -> dict[str, str]:
    """Each single-valued tag once, in :data:`_TAGS` order, as plain text.

    The title parts join into one title (``TI`` "Title: Subtitle. Addon", ``T2``
    likewise); fields sharing a tag (``institution``, ``organization``,
    ``howpublished`` and ``publisher`` in ``PB``, in CSL-JSON's order,
    ``isbn`` and ``issn`` in ``SN``, ``number`` and ``issue`` in ``IS``) are joined;
    ``journaltitle`` wins over ``booktitle`` in ``T2``. As in CSL-JSON, an issue of a
    periodical has its own title in ``TI`` and the periodical's in ``T2``, a ``part``
    follows its volume (``VL`` 7.2), and an ``eprint`` biblatex links is the ``UR``
    of an entry without a ``url``.
    """
    values: dict[str, list[str]] = {}
    titled = {
        prefix + "title": join_title(*(fields.get(name, "") for name in parts))
        for prefix, parts in _TITLE_PARTS.items()
    }
    if entry_type == "periodical" and titled["issuetitle"]:
        titled["journaltitle"], titled["title"] = titled["title"], titled["issuetitle"]
    if "part" in fields:
        titled["volume"] = ".".join(fields[name] for name in ("volume", "part") if name in fields)
    titled["url"] = fields.get("url") or eprint_url(fields)
    for name, tag in _TAGS:
        value = titled.get(name) or fields.get(name, "")
        if value:
            values.setdefault(tag, []).append(_one_line(plain_text(value)))
    return {
        tag: _JOINED_TAGS[tag].join(parts) if tag in _JOINED_TAGS else parts[0]
        for tag, parts in values.items()
    }


_TITLE_PARTS = {
    prefix: tuple(prefix + part for part in ("title", "subtitle", "titleaddon"))
    for prefix in ("", "journal", "book", "issue")
}
#: Tags two fields may share, with what joins them; any other tag takes its first field.
_JOINED_TAGS = {"PB": "; ", "SN": "; ", "IS": ", "}


def _one_line(value: str) -> str:
    return " ".join(value.split())


def _name(person: Contributor) -> str:
    """``Family, Given, Suffix`` (the particle before the family name), as plain text."""
    if person.literal:
        return plain_text(person.literal)
    family, given = plain_text(person.family), plain_text(person.given)
    if person.particle:
        family = f"{plain_text(person.particle)} {family}"
    if person.suffix:
        return f"{family}, {given}, {plain_text(person.suffix)}"
    return f"{family}, {given}" if given else f"{family},"


# ------------------------------------------------------------------ reading


def read_ris(path: str | os.PathLike[str]) -> tuple[Reference, ...]:
    """Read the RIS file at ``path`` (for text, see :func:`parse_ris`).

    A path that cannot be read raises :class:`UnreadableFile` naming it;
    text that is not UTF-8 or not RIS raises :class:`RISParseError`.
    """
    text, name = read_utf8(path, "read_ris", "parse_ris", RISParseError)
    return parse_ris(text, source_name=name)


def parse_ris(text: str, *, source_name: str = "<string>") -> tuple[Reference, ...]:
    """Read RIS text: records from ``TY`` to ``ER``.

    Lines without a tag continue the previous value. Raises
    :class:`RISParseError` naming ``source_name`` and the line for a record
    without ``TY``, an unterminated record, or a record that cannot be a
    reference.
    """
    if not isinstance(text, str):
        raise TypeError(
            f"parse_ris() needs str, not {type(text).__name__}; read_ris() reads a path"
        )
    name = source_name
    text = text.removeprefix("\ufeff")
    records: list[tuple[int, list[tuple[str, str]]]] = []
    current: list[tuple[str, str]] | None = None
    start: int = 0
    for number, raw in enumerate(_LINE_END.split(text), start=1):
        line = raw.rstrip()
        if "\x00" in line:
            tagged = _LINE.match(line.replace("\x00", " "))
            field = f"tag {tagged.group(1)!r}" if tagged else "a continuation line"
            raise RISParseError(
                f"{field}: a NUL character (U+0000) is not text", source=name, line=number
            )
        if not line.strip():
            continue
        match = _LINE.match(line)
        if match is None:
            if current:
                tag, value = current[-1]
                current[-1] = (tag, f"{value} {line.strip()}")
                continue
            raise RISParseError(
                f"expected a 'XX  - value' line, got {line[:40]!r}", source=name, line=number
            )
        tag, value = match.group(1), (match.group(2) or "").strip()
        if tag == "TY":
            if current is not None:
                raise RISParseError(
                    "record starts before the previous one ended (ER)", source=name, line=number
                )
            current, start = [(tag, value)], number
        elif current is None:
            raise RISParseError(
                f"tag {tag!r} outside a record (before TY)", source=name, line=number
            )
        elif tag == "ER":
            records.append((start, current))
            current = None
        else:
            current.append((tag, value))
    if current is not None:
        raise RISParseError("record not ended by 'ER  -'", source=name, line=start)
    registry = KeyRegistry()
    first_line: dict[str, int] = {}
    for record_line, tags in records:
        for key in (value for tag, value in tags if tag == "ID" and value):
            if key in first_line:
                raise RISParseError(
                    f"ID {key!r}: duplicate citation key (first defined at line {first_line[key]})",
                    source=name,
                    line=record_line,
                )
            first_line[key] = record_line
            if key not in registry:  # keys differing in case are two keys, as in BibTeX
                registry.reserve(key)
    refs = []
    for record_line, tags in records:
        try:
            refs.append(_reference(tags, registry))
        except InvalidReference as exc:
            raise RISParseError(str(exc), source=name, line=record_line) from exc
    return tuple(refs)


def _reference(tags: list[tuple[str, str]], registry: KeyRegistry) -> Reference:
    ris_type = tags[0][1].upper()
    entry_type = _TYPE_FROM_RIS.get(ris_type, "misc")
    fields: dict[str, str] = {}
    if ris_type in _SUBTYPE_FROM_RIS:
        fields["entrysubtype"] = _SUBTYPE_FROM_RIS[ris_type]
    contributors: list[Contributor] = []
    key = ""
    keywords: list[str] = []
    language = ""
    first_page = last_page = ""
    for tag, value in tags[1:]:
        if not value:
            continue
        if tag == "ID":
            key = value
        elif tag in _ROLE_FROM_TAG:
            contributors.append(_parse_name(value, _ROLE_FROM_TAG[tag]))
        elif tag in ("T2", "JO", "JF", "BT"):
            container = "journaltitle" if entry_type in ("article", "periodical") else "booktitle"
            fields.setdefault(container, value)
        elif tag == "PB":
            fields.setdefault(
                "institution" if entry_type in ("thesis", "report") else "publisher", value
            )
        elif tag == "SN":
            fields.setdefault("issn" if entry_type in ("article", "periodical") else "isbn", value)
        elif tag in ("UR", "L2"):
            fields.setdefault("url", value)
        elif tag in ("PY", "Y1", "DA"):
            date = _date(value)
            if date and (tag == "DA" or "date" not in fields):
                fields["date"] = date
        elif tag == "Y2":
            fields["urldate"] = _date(value) or value
        elif tag == "SP":
            first_page = value
        elif tag == "EP":
            last_page = value
        elif tag == "KW":
            keywords.append(value)
        elif tag == "LA":
            language = language_tag(value)
        elif tag in _FIELD_FROM_TAG:
            fields.setdefault(_FIELD_FROM_TAG[tag], value)
    if first_page:
        fields["pages"] = f"{first_page}--{last_page}" if last_page else first_page
    if keywords:
        fields["keywords"] = ", ".join(keywords)
    contributors.sort(key=lambda person: role_rank(person.role))
    ref = Reference(key or "ref", entry_type, fields, contributors, language)
    return ref if key else registry.assign(ref)


def _date(value: str) -> str:
    match = _SLASH_DATE.match(value.strip())
    if match is None:
        return value.strip()
    year, month, day = match.groups()
    if month and day:
        return f"{year}-{int(month):02d}-{int(day):02d}"
    return f"{year}-{int(month):02d}" if month else year


def _parse_name(value: str, role: Role) -> Contributor:
    if "," not in value:
        return Contributor(literal=value, role=role)
    family, _, rest = (part.strip() for part in value.partition(","))
    given, _, suffix = (part.strip() for part in rest.partition(","))
    words = family.split()
    particle_words = []
    while len(words) > 1 and words[0][:1].islower():
        particle_words.append(words.pop(0))
    return Contributor(
        family=" ".join(words),
        given=given,
        particle=" ".join(particle_words),
        suffix=suffix,
        role=role,
    )
