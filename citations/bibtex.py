"""BibTeX and biblatex files to :class:`Reference` values and back.

The only module (with :mod:`citations.formatting`) that imports pybtex: its
low-level parser tokenises the file (``@string`` macros, ``#``
concatenation, ``@comment``, ``@preamble``); everything after that is ours.
Reading normalises to biblatex: classic field names become their biblatex
names (``journal`` -> ``journaltitle``), classic types their biblatex types
(``phdthesis`` -> ``thesis`` with ``type = {phdthesis}``), ``langid`` becomes
:attr:`Reference.language` (BCP 47), months become numbers, ``crossref``
parents are inherited and LaTeX turns into Unicode. Writing is our own string
builder: deterministic, verbatim ``url``/``doi``/``eprint``/date fields, and
classic types and field names for ``dialect="bibtex"``.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, Literal

import attrs
from pybtex.bibtex.utils import split_name_list
from pybtex.database import Person
from pybtex.database.input.bibtex import LowLevelParser, SkipEntry, UndefinedMacro, month_names
from pybtex.exceptions import PybtexError
from pybtex.scanner import Pattern, PybtexSyntaxError
from pybtex.utils import CaseInsensitiveDict

from citations.casing import CASED_FIELDS, protect_capitals
from citations.classic import classic_latex
from citations.entrytypes import BIBLATEX_TYPES, FIELD_ALIASES, TYPE_ALIASES, bibtex_type
from citations.errors import BibTeXParseError, InvalidKey, InvalidReference, LimitExceeded
from citations.keycheck import writable_key
from citations.languages import is_known, langid_name, language_tag
from citations.latex import braces_balanced, escape_verbatim, latex_to_unicode, unicode_to_latex
from citations.markup import join_title
from citations.model import Contributor, Reference, Role, is_cjk, role_rank
from citations.private import is_private
from citations.sources import read_bytes
from citations.xnames import (
    extended_name,
    is_extended,
    list_option,
    read_extended,
    with_list_options,
)

__all__ = [
    "MAX_BIBTEX_CHARS",
    "MAX_CROSSREF_DEPTH",
    "MAX_FIELD_CHARS",
    "BibReadResult",
    "Problem",
    "parse_bibtex",
    "read_bibtex",
    "write_bibtex",
]

#: The longest input :func:`read_bibtex` reads, in characters (a 50 MB file takes about a minute).
MAX_BIBTEX_CHARS = 64 * 1024 * 1024
#: The longest value of one field or ``@string``, in characters, after ``#`` and macros.
MAX_FIELD_CHARS = 1024 * 1024
#: How many ``crossref`` parents one entry may have above it (child -> parent -> ...).
MAX_CROSSREF_DEPTH = 32

_MONTH_NUMBER: dict[str, str] = {}
for _number, (_abbr, _full) in enumerate(month_names.items(), start=1):
    _MONTH_NUMBER[_abbr] = _MONTH_NUMBER[_full.lower()] = str(_number)
    _MONTH_NUMBER[str(_number)] = _MONTH_NUMBER[f"{_number:02d}"] = str(_number)
_MONTH_MACRO = {str(number): abbr for number, abbr in enumerate(month_names, start=1)}


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _words_list(text: str) -> list[str]:
    return text.split()


_ROLES = {role.value: role for role in Role}

#: Fields written and read verbatim: never LaTeX-escaped or decoded.
_VERBATIM = _words(
    "url doi eprint file pdf urlraw verba verbb verbc date urldate eventdate origdate"
)

#: Verbatim fields that styles typeset (``\\url``, ``\\doi``): escaped by escape_verbatim.
#: The rest are dates (parsed, never typeset) and file paths (never typeset).
_TYPESET_VERBATIM = _words("url urlraw doi eprint verba verbb verbc")

#: Fields holding citation keys (comma-separated): read and written as they are, never
#: as text (``kojeve_adr``, not ``kojeve\\_adr``), each key checked on writing.
_KEY_FIELDS = _words("ids crossref xref xdata related entryset")

# Fields a crossref child never inherits (biblatex's default exclusions, its manual's
# appendix B: \DeclareDataInheritance{*}{*}).
_NOT_INHERITED = _words(
    "ids crossref xref entryset entrysubtype execute label options presort related "
    "relatedoptions relatedstring relatedtype shorthand shorthandintro sortkey"
)
_DATE_FIELDS = _words("date urldate eventdate origdate")
#: The fields of the publication date: a child with its own date or year takes none of
#: the parent's (biber reads ``date`` into year, month and day before inheriting).
_DATE_PARTS = _words("date year month day")
_TITLE_PARTS = ("title", "subtitle", "titleaddon")
#: Fields the type-specific rules below do not pass on.
_NOT_INHERITED_BY_TYPE = _words("shorttitle sorttitle indextitle indexsorttitle")


def _type_rules(
    *rules: tuple[str, str, str],
) -> dict[tuple[str, str], tuple[str, ...]]:
    table = {}
    for parents, children, prefix in rules:
        for parent in parents.split():
            for child in children.split():
                table[parent, child] = tuple(prefix + part for part in _TITLE_PARTS)
    return table


#: biblatex's type-specific inheritance (its manual's appendix B, biblatex.def's
#: \DeclareDataInheritance): (parent type, child type) -> the names the parent's
#: title, subtitle and titleaddon take in the child. Later rules win, as in biber.
_TITLE_RENAMES = _type_rules(
    ("mvbook", "book inbook bookinbook suppbook", "main"),
    (
        "mvcollection mvreference",
        "collection reference incollection inreference suppcollection",
        "main",
    ),
    ("mvproceedings", "proceedings inproceedings", "main"),
    ("book", "inbook bookinbook suppbook", "book"),
    ("collection reference", "incollection inreference suppcollection", "book"),
    ("proceedings", "inproceedings", "book"),
    ("periodical", "article suppperiodical", "journal"),
)
_BOOKAUTHOR_RULE = (_words("mvbook book"), _words("inbook bookinbook suppbook"))

Severity = Literal["error", "warning"]


@attrs.frozen
class Problem:
    """Something wrong in the input: where (source, line, entry key) and what."""

    source: str
    line: int | None
    key: str | None
    message: str
    severity: Severity = "error"
    #: True when the problem made the reader leave the entry out (``strict=False``).
    skipped: bool = False

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line is not None else self.source
        entry = f" entry {self.key!r}:" if self.key else ""
        return f"{where}:{entry} {self.message}"


@attrs.frozen
class BibReadResult:
    """What :func:`read_bibtex` or :func:`parse_bibtex` found: references, problems, lines."""

    references: tuple[Reference, ...]
    problems: tuple[Problem, ...] = ()
    preamble: str = ""
    strings: Mapping[str, str] = attrs.field(factory=dict)
    #: The line each reference's entry starts on, by citation key.
    lines: Mapping[str, int] = attrs.field(factory=dict)

    def __len__(self) -> int:
        return len(self.references)

    @property
    def skipped(self) -> int:
        """How many entries a tolerant read left out (each has a problem saying so)."""
        return sum(problem.skipped for problem in self.problems)

    def by_key(self) -> dict[str, Reference]:
        """The references by citation key."""
        return {ref.key: ref for ref in self.references}


@attrs.define
class _Entry:
    key: str
    line: int
    entry_type: str
    fields: dict[str, str]
    contributors: list[Contributor]
    language: str


def read_bibtex(
    path: str | os.PathLike[str],
    *,
    encoding: str = "utf-8",
    strict: bool = True,
    resolve_crossref: bool = True,
) -> BibReadResult:
    """Read the BibTeX or biblatex file at ``path`` (for text, see :func:`parse_bibtex`).

    The bytes are decoded with ``encoding`` (``"gbk"`` for GBK files). A path
    that cannot be read raises :class:`UnreadableFile` naming it. Everything
    else is as in :func:`parse_bibtex`, with errors naming the file.
    """
    data, name = read_bytes(path, "read_bibtex", "parse_bibtex", _check_file_size)
    return parse_bibtex(
        data, encoding=encoding, strict=strict, source_name=name, resolve_crossref=resolve_crossref
    )


def parse_bibtex(
    text: str | bytes,
    *,
    encoding: str = "utf-8",
    strict: bool = True,
    source_name: str = "<string>",
    resolve_crossref: bool = True,
) -> BibReadResult:
    """Read BibTeX or biblatex text (``str``, or ``bytes`` decoded with ``encoding``).

    ``source_name`` is what errors call the text. With ``strict=True`` the
    first problem raises :class:`BibTeXParseError` naming the source and
    line; with ``strict=False`` bad entries are skipped and every problem is
    listed in the result. ``resolve_crossref`` copies fields from
    ``crossref`` parents into their children (biblatex's inheritance rules)
    and drops the ``crossref`` field.
    """
    if isinstance(text, bytes):
        _check_size(len(text), "bytes", source_name)
        text = _decode(text, encoding, source_name)
    elif not isinstance(text, str):
        raise TypeError(
            f"parse_bibtex() needs str or bytes, not {type(text).__name__}; "
            "read_bibtex() reads a path"
        )
    _check_size(len(text), "characters", source_name)
    return _Reader(text, source_name, strict).read(resolve_crossref)


def _check_file_size(size: int, name: str) -> None:
    _check_size(size, "bytes", name)


def _check_size(size: int, unit: str, name: str) -> None:
    # Bytes are checked against the character limit too: UTF-8 never has fewer bytes than
    # characters, so a file over the limit in characters is over it in bytes as well.
    if size > MAX_BIBTEX_CHARS and (unit == "characters" or size > 4 * MAX_BIBTEX_CHARS):
        raise LimitExceeded(
            f"the input has {size:,} {unit}, more than read_bibtex reads",
            limit=f"MAX_BIBTEX_CHARS = {MAX_BIBTEX_CHARS:,}",
            source=name,
        )


_AT_OR_COMMENT = re.compile(r"@|%[^\r\n]*")


class _Parser(LowLevelParser):  # type: ignore[misc]
    """pybtex's tokenizer, stopped before it joins a value longer than MAX_FIELD_CHARS.

    ``a # a # a`` keeps references to one macro text until the parts are joined,
    so checking the summed length here bounds memory against macro doubling.
    Between the fields of an entry, a ``%`` starts a comment to the end of the line,
    as biber reads it (``isbn = {...},% made up``); inside a value it is text.
    """

    WHITESPACE = Pattern(r"(?:\s|%[^\r\n]*)+", "whitespace")
    pos: int

    def parse_bibliography(self) -> Iterator[tuple[str, Any]]:
        """pybtex's loop over the commands, but an ``@`` in a ``%`` comment line between
        entries starts none (``% @phdthesis is an alias``), as in biber."""
        while True:
            match = _AT_OR_COMMENT.search(self.text, self.pos)
            if match is None:
                return
            self.update_lineno(self.text[self.pos : match.end()])
            self.pos = match.end()
            if match[0] != "@":
                continue
            self.command_start = self.pos - 1
            try:
                yield tuple(self.parse_command())
            except PybtexSyntaxError as error:
                self.handle_error(error)
            except SkipEntry:
                pass

    def parse_value(self) -> None:
        line = self.lineno  # where the value starts
        super().parse_value()
        size = sum(len(part) for part in self.current_value)
        if size > MAX_FIELD_CHARS:
            name, key = self.current_field_name, self.current_entry_key
            if key:
                what = f"entry {key!r}, field {name!r}"
            else:
                what = f"@string {name!r}" if name else "@preamble"
            raise LimitExceeded(
                f"{what}: the value has {size:,} characters",
                limit=f"MAX_FIELD_CHARS = {MAX_FIELD_CHARS:,}",
                source=self.filename or "<string>",
                line=line,
            )


def _decode(data: bytes, encoding: str, name: str) -> str:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise BibTeXParseError(
            f"bytes not valid in encoding {encoding!r} ({exc.reason})", source=name, line=line
        ) from exc
    except LookupError as exc:
        raise BibTeXParseError(f"unknown encoding {encoding!r}", source=name) from exc
    return text.removeprefix("\ufeff")


class _Reader:
    def __init__(self, text: str, source: str, strict: bool) -> None:
        self.text = text
        self.source = source
        self.strict = strict
        self.problems: list[Problem] = []
        self.bad_commands: set[int] = set()
        self._line_pos = 0
        self._line = 1
        self.parser: _Parser | None = None

    def problem(
        self, line: int | None, key: str | None, message: str, severity: Severity = "error"
    ) -> None:
        if self.strict and severity == "error":
            entry = f"entry {key!r}: " if key else ""
            raise BibTeXParseError(entry + message, source=self.source, line=line)
        self.problems.append(Problem(self.source, line, key, message, severity))

    def skip(self, line: int | None, key: str | None, message: str) -> None:
        """An error that leaves the entry out: raised when strict, else listed as skipped."""
        self.problem(line, key, message)
        self.problems[-1] = attrs.evolve(
            self.problems[-1], message=message + "; the entry is skipped", skipped=True
        )

    def warner(self, line: int, key: str, field: str) -> Callable[[str], None]:
        """A warning about field ``field`` of entry ``key``, as a function of its text."""
        return lambda message: self.problem(line, key, f"field {field!r}: {message}", "warning")

    def line_at(self, pos: int) -> int:
        if pos < self._line_pos:
            self._line_pos, self._line = 0, 1
        self._line += self.text.count("\n", self._line_pos, pos)
        self._line_pos = pos
        return self._line

    def handle_error(self, error: PybtexError) -> None:
        parser = self.parser
        assert parser is not None
        key = parser.current_entry_key
        line = getattr(error, "lineno", None)
        message = str(error.args[0]) if error.args else str(error)
        if isinstance(error, UndefinedMacro):
            self.problem(line, key, f"undefined @string macro {message!r}")
            return
        self.bad_commands.add(parser.command_start)
        self.skip(line, key, f"syntax error: {message}")

    def read(self, resolve_crossref: bool) -> BibReadResult:
        macros = CaseInsensitiveDict(month_names)
        parser = _Parser(
            self.text, macros=macros, handle_error=self.handle_error, filename=self.source
        )
        self.parser = parser
        preamble: list[str] = []
        entries: dict[str, _Entry] = {}
        for command, body in parser:
            start = parser.command_start
            kind = command.lower()
            if kind == "string":
                continue
            if kind == "preamble":
                preamble.append(" ".join("".join(body[0]).split()))
                continue
            if start in self.bad_commands:
                continue
            key, fields = body
            line = self.line_at(start)
            if not key:
                self.skip(line, None, "entry without a citation key")
                continue
            if key in entries:
                self.skip(
                    line, key, f"duplicate citation key (first defined at line {entries[key].line})"
                )
                continue
            entry = self.entry(kind, key, fields, line, (start, parser.pos))
            if entry is not None:
                entries[key] = entry
        if resolve_crossref:
            self.resolve(entries)
        references = []
        lines = {}
        for entry in entries.values():
            reference = self.reference(entry)
            if reference is not None:
                references.append(reference)
                lines[entry.key] = entry.line
        strings = {
            name.lower(): latex_to_unicode(" ".join(value.split()))
            for name, value in macros.items()
            if month_names.get(name.lower()) != value
        }
        return BibReadResult(
            tuple(references), tuple(self.problems), "\n".join(preamble), strings, lines
        )

    def entry(
        self,
        kind: str,
        key: str,
        fields: list[tuple[str, list[str]]],
        line: int,
        span: tuple[int, int],
    ) -> _Entry | None:
        values: dict[str, str] = {}
        contributors: list[Contributor] = []
        language = ""
        entry_type, implied_type = TYPE_ALIASES.get(kind, (kind, ""))
        aliased: dict[str, str] = {}  # biblatex name -> the alias that gave its value
        for field_name, parts in fields:
            name = field_name.lower()
            name = FIELD_ALIASES.get(name, name)
            if name in aliased and name == field_name.lower():
                # The biblatex field wins over its alias wherever they stand, as in biber
                # (``school`` then ``institution``: the institution is kept).
                self.problem(
                    line,
                    key,
                    f"fields {aliased.pop(name)!r} and {field_name!r} both given "
                    f"({field_name!r} is kept)",
                    severity="warning",
                )
                values.pop(name, None)
            elif name in values or (name == "langid" and language):
                self.problem(line, key, f"duplicate field {field_name!r} (the first is kept)")
                continue
            elif name != field_name.lower():
                aliased[name] = field_name
            raw = "".join(parts)
            if "\x00" in raw:
                at = self.text.find("\x00", *span)  # -1: it came from an @string macro
                self.skip(
                    line if at < 0 else self.line_at(at),
                    key,
                    f"field {name!r}: a NUL character (U+0000) is not text",
                )
                return None
            if "\n" in raw or "  " in raw or "\t" in raw:
                raw = " ".join(raw.split())
            else:
                raw = raw.strip()
            if name.startswith("_") and not name.startswith("__"):
                self.problem(
                    line,
                    key,
                    f"field {field_name!r} is switched off (it starts with '_'): biber "
                    "ignores it; kept as written",
                    severity="warning",
                )
                values[name] = raw
                continue
            role = _ROLES.get(name)
            if role is not None:
                try:
                    contributors.extend(_names(raw, role, self.warner(line, key, name)))
                except (PybtexError, InvalidReference) as exc:
                    self.skip(line, key, f"field {name!r}: bad name list {raw!r}: {exc}")
                    return None
                values[name] = ""
                continue
            if name == "langid":
                language = language_tag(raw)
                continue
            if name == "month":
                values[name] = _MONTH_NUMBER.get(raw.lower(), latex_to_unicode(raw))
            elif name in _DATE_FIELDS:
                values[name] = _edtf_date(raw)
            elif name in _VERBATIM or name in _KEY_FIELDS:
                values[name] = raw
            else:
                values[name] = latex_to_unicode(raw)
        if not language and is_known(values.get("language", "")):
            language = language_tag(values["language"])  # Zotero: a language with no langid
        if implied_type and not values.get("type"):
            values["type"] = implied_type
        if entry_type not in BIBLATEX_TYPES:
            if values.get("entrysubtype"):
                self.problem(
                    line,
                    key,
                    f"entry type {kind!r} is not biblatex's: read as 'misc'",
                    severity="warning",
                )
            else:
                values["entrysubtype"] = kind
            entry_type = "misc"
        for role_name in _ROLES:
            values.pop(role_name, None)
        contributors.sort(key=lambda person: role_rank(person.role))
        return _Entry(key, line, entry_type, values, contributors, language)

    def resolve(self, entries: dict[str, _Entry]) -> None:
        """Give each child what it lacks from its crossref parents, the topmost first.

        Iterative (a chain of any length cannot exhaust the stack); a chain longer
        than :data:`MAX_CROSSREF_DEPTH` raises :class:`LimitExceeded`.
        """
        lowered = {key.lower(): key for key in entries}
        for named in entries.values():  # a crossref may name an alias (ids), as in biber
            for alias in filter(None, named.fields.get("ids", "").replace(" ", "").split(",")):
                lowered.setdefault(alias.lower(), named.key)
        depth: dict[str, int] = {}  # resolved entries: how many parents above each
        for first in list(entries.values()):
            chain: list[_Entry] = []
            on_chain: set[str] = set()
            entry: _Entry | None = first
            while entry is not None and entry.key not in depth:
                chain.append(entry)
                on_chain.add(entry.key)
                if len(chain) > MAX_CROSSREF_DEPTH + 1:
                    self.too_deep(first)
                entry = self.parent(entry, entries, lowered, chain, on_chain)
            parent = entry
            for child in reversed(chain):
                if parent is None:
                    depth[child.key] = 0
                else:
                    depth[child.key] = depth[parent.key] + 1
                    if depth[child.key] > MAX_CROSSREF_DEPTH:
                        self.too_deep(child)
                    _inherit(child, parent)
                    del child.fields["crossref"]
                parent = child

    def parent(
        self,
        entry: _Entry,
        entries: dict[str, _Entry],
        lowered: dict[str, str],
        chain: list[_Entry],
        on_chain: set[str],
    ) -> _Entry | None:
        """The entry ``entry``'s crossref names, or None (no crossref, missing, or a cycle)."""
        target = entry.fields.get("crossref")
        if target is None:
            return None
        parent_key = target if target in entries else lowered.get(target.lower())
        if parent_key is None:
            self.problem(
                entry.line,
                entry.key,
                f"crossref {target!r} names no entry in the file",
                severity="warning",
            )
            return None
        if parent_key in on_chain:
            path = " -> ".join([*(link.key for link in chain), target])
            self.problem(entry.line, entry.key, f"crossref cycle: {path}")
            del entry.fields["crossref"]
            return None
        return entries[parent_key]

    def too_deep(self, entry: _Entry) -> None:
        raise LimitExceeded(
            f"entry {entry.key!r}: its crossref chain has more than {MAX_CROSSREF_DEPTH} parents",
            limit=f"MAX_CROSSREF_DEPTH = {MAX_CROSSREF_DEPTH}",
            source=self.source,
            line=entry.line,
        )

    def reference(self, entry: _Entry) -> Reference | None:
        try:
            return Reference(
                entry.key, entry.entry_type, entry.fields, entry.contributors, entry.language
            )
        except InvalidReference as exc:
            self.skip(entry.line, entry.key, str(exc))
            return None


def _inherit(child: _Entry, parent: _Entry) -> None:
    """Copy what ``child`` lacks from ``parent``, by biblatex's inheritance rules."""
    renames = _TITLE_RENAMES.get((parent.entry_type, child.entry_type))
    own_date = "date" in child.fields or "year" in child.fields
    if own_date:
        _inherit_date_parts(child.fields, parent.fields)
    for name, value in parent.fields.items():
        if name in _NOT_INHERITED or (own_date and name in _DATE_PARTS):
            continue
        if renames is not None:
            if name in _NOT_INHERITED_BY_TYPE:
                continue
            if name in _TITLE_PARTS:
                name = renames[_TITLE_PARTS.index(name)]
        if name not in child.fields:
            child.fields[name] = value
    have = {person.role for person in child.contributors}
    inherited = [person for person in parent.contributors if person.role not in have]
    parents, children = _BOOKAUTHOR_RULE
    if (
        parent.entry_type in parents
        and child.entry_type in children
        and Role.BOOKAUTHOR not in have
    ):
        inherited += [
            attrs.evolve(person, role=Role.BOOKAUTHOR)
            for person in parent.contributors
            if person.role is Role.AUTHOR
        ]
    if inherited:
        child.contributors = sorted(
            child.contributors + inherited, key=lambda person: role_rank(person.role)
        )
    if not child.language:
        child.language = parent.language


_DATE_END = r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?"
#: A date biber reads into parts: one day, month or year, or a range of them (open: ``1997/``).
_PARTED_DATE = re.compile(rf"{_DATE_END}(?:(/)(?:{_DATE_END}|\.\.)?)?")
_PART_NAMES = ("year", "month", "day", "endyear", "endmonth", "endday")


def _date_parts(fields: Mapping[str, str]) -> dict[str, str] | None:
    """The parts biber reads the publication date into: year, month, day and a range's
    endyear (empty for an open end), endmonth, endday; None for a date it reads otherwise
    (an era, ``~``, ``?``)."""
    date = fields.get("date")
    if date is None:
        parts = {name: fields[name] for name in ("year", "month", "day") if name in fields}
        return {name: value.lstrip("0") or "0" for name, value in parts.items()}
    match = _PARTED_DATE.fullmatch(date.strip())
    if match is None:
        return None
    *start, slash, end_year, end_month, end_day = match.groups()
    values = zip(_PART_NAMES, (*start, end_year, end_month, end_day), strict=True)
    parts = {name: value.lstrip("0") or "0" for name, value in values if value is not None}
    if slash and end_year is None:
        parts["endyear"] = ""
    return parts


def _date_text(parts: Mapping[str, str]) -> str:
    """``{"year": "1999", "endyear": ""}`` as a ``date``: ``1999/..`` (EDTF's open end)."""

    def end(year: str, month: str | None, day: str | None) -> str:
        text = year.zfill(4) if year else ""
        text += f"-{month.zfill(2)}" if year and month else ""
        return text + (f"-{day.zfill(2)}" if year and month and day else "")

    text = end(parts["year"], parts.get("month"), parts.get("day"))
    if "endyear" in parts:
        text += "/" + (end(parts["endyear"], parts.get("endmonth"), parts.get("endday")) or "..")
    return text


def _inherit_date_parts(child: dict[str, str], parent: Mapping[str, str]) -> None:
    """What biber does with a child's own date: it reads dates into parts (year, month,
    day, a range's end) before inheriting, part by part. A child's ``year`` takes the other
    parts of the parent's date: ``year = {1999}`` under a parent dated ``2001-05`` is May
    1999, under ``1997/`` (an open range) it is ``1999/..``. A child's own ``date`` takes
    none of the parent's ``date``, only a parent's ``month`` field."""
    own, theirs = _date_parts(child), _date_parts(parent)
    if own is None or theirs is None or "year" not in own:
        return
    if "date" in child:
        if "date" not in parent and set(own) == {"year"} and "month" in theirs:
            child["date"] = _date_text({**own, "month": theirs["month"]})
        return
    for name in _PART_NAMES[1:]:
        if name in theirs and name not in own:
            own[name] = theirs[name]
    if not own.keys() & {"day", "endyear"}:
        child.update({name: own[name] for name in ("month",) if name in own})
        return
    if not all(value.isdecimal() for value in own.values() if value):
        return  # a month biber cannot read (``Spring``): the child keeps its own fields
    child["date"] = _date_text(own)  # a day or a range: only a date holds it
    for name in ("year", "month", "day"):
        child.pop(name, None)


def _enclosed(text: str) -> bool:
    """True when ``text`` is one brace group: ``{...}`` with matching outer braces."""
    if len(text) < 2 or text[0] != "{" or text[-1] != "}":
        return False
    depth = 0
    for index, char in enumerate(text):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0 and index != len(text) - 1:
                return False
    return True


def _part(words: list[str]) -> str:
    text = " ".join(words).replace(_TIED, " ")
    if _enclosed(text):
        text = text[1:-1]
    return latex_to_unicode(text)


def _extended_part(value: str) -> str:
    """A part's value in the extended format: ties are spaces, outer braces go."""
    return _part([_TIE.sub(" ", value)])


def _names(value: str, role: Role, warn: Callable[[str], None]) -> list[Contributor]:
    people = []
    list_options: dict[str, str] = {}
    for name in split_name_list(value):
        name = name.strip()
        if not name:
            continue
        option = list_option(name)
        if option is not None:
            list_options[option[0]] = option[1]
            continue
        if _enclosed(name):
            people.append(Contributor(literal=latex_to_unicode(name[1:-1]), role=role))
            continue
        if is_extended(name):
            people.append(read_extended(name, role, _extended_part, warn))
            continue
        if "," not in name and not name.isascii() and is_cjk(name):
            people.append(Contributor(literal=latex_to_unicode(name), role=role))
            continue
        # A tie joins the words around it into one, as biber reads it: "НИИ~ГДААДАВБА"
        # is one family name, "D.~E. Knuth" has the given names "D. E.".
        person = Person(_SPACED_ACCENT.sub(_braced_accent, _TIE.sub(_TIED, name)))
        people.append(
            Contributor(
                family=_part(person.last_names),
                given=_part(person.first_names + person.middle_names),
                particle=_part(person.prelast_names),
                suffix=_part(person.lineage_names),
                role=role,
            )
        )
    return with_list_options(people, list_options, warn) if list_options else people


#: A tie between two characters of a name (not ``\\~`` the accent); pybtex would split
#: the name there, so it is held as a private-use character until the parts are read.
_TIE = re.compile(r"(?<=[^\s\\])~(?=\S)")
_TIED = "\ue000"
#: An accent command whose letter follows a space (``Dezs\\H o``): pybtex would split the
#: name there and take ``o`` for a particle; braced (``Dezs{\\H o}``) it stays one word.
_SPACED_ACCENT = re.compile(r"\\([`'^\"~=.]|[HcdkbrtuvG](?![A-Za-z]))\s+(\w)")


def _braced_accent(match: re.Match[str]) -> str:
    return "{\\" + match[1] + " " + match[2] + "}"


# ---------------------------------------------------------------- writing

_FIRST_FIELDS = _words_list(
    "title subtitle titleaddon shorttitle booktitle booksubtitle booktitleaddon maintitle "
    "mainsubtitle maintitleaddon journaltitle journal journalsubtitle shortjournal eventtitle "
    "eventdate venue edition series volume volumes number issue part chapter pages pagetotal "
    "eid type institution school organization publisher location address howpublished "
    "date year month day isbn issn doi eprint eprinttype eprintclass url urldate langid"
)
_POSITION = {name: index for index, name in enumerate(_FIRST_FIELDS)}
_LAST = len(_FIRST_FIELDS)
_CLASSIC_NAMES = {"journaltitle": "journal", "location": "address", "annotation": "annote"}
_IMPLIED_TYPES = frozenset({"mathesis", "phdthesis", "techreport"})
#: Classic titles and the subtitle and addon joined to each (after the renames above).
_CLASSIC_TITLES = (
    ("title", "subtitle", "titleaddon"),
    ("booktitle", "booksubtitle", "booktitleaddon"),
    ("journal", "journalsubtitle", "journaltitleaddon"),
)
_AND = re.compile(r"(?:^|\s)and(?:\s|$)", re.IGNORECASE)
_DATE_START = re.compile(r"(\d{4})(?:-(0[1-9]|1[0-2])(?![\d:]))?")


def write_bibtex(
    refs: Iterable[Reference],
    *,
    dialect: Literal["bibtex", "biblatex"] = "biblatex",
    ascii: bool = False,
    keep_private_fields: bool = False,
) -> str:
    """The references as BibTeX (classic types and fields) or biblatex text.

    Byte-for-byte deterministic: names first, then a fixed order of common
    fields, then the rest sorted; two-space indent, ``\\n`` line endings, a
    blank line between entries and a trailing newline. ``url``, ``doi``,
    ``eprint`` and date fields are written verbatim; other values are escaped
    only where LaTeX needs it. ``ascii=True`` spells accented letters as LaTeX
    commands (CJK and Cyrillic stay Unicode: LaTeX has no ASCII spelling).
    Fields about the user's own copy (``file``, ``annotation``, ``owner``, ...:
    :data:`citations.private.PRIVATE_FIELDS`) are left out unless
    ``keep_private_fields=True``. A reference's ``note`` is its private note
    (formatting never prints it either): it is written as ``annotation``
    (``annote`` in the classic dialect), after the reference's own annotation,
    where no standard style prints it, and so only with ``keep_private_fields=True``.
    """
    if dialect not in ("bibtex", "biblatex"):
        raise ValueError(f"dialect must be 'bibtex' or 'biblatex', not {dialect!r}")
    classic = dialect == "bibtex"
    refs = tuple(refs)
    if classic:
        refs = _classic_crossrefs(refs)
    out: list[str] = []
    for ref in refs:
        if out:
            out.append("\n")
        _entry(ref, classic, ascii, keep_private_fields, out)
    return "".join(out)


def _classic_crossrefs(refs: tuple[Reference, ...]) -> tuple[Reference, ...]:
    """BibTeX knows no ``ids`` and stops with an error at a ``crossref`` naming no entry:
    a crossref by alias names the entry's key, one naming no entry written is left out
    (biber ignores it with a warning; the reader warned too)."""
    keys = {ref.key.lower(): ref.key for ref in refs}
    for ref in refs:
        for alias in filter(None, (ref.get("ids") or "").replace(" ", "").split(",")):
            keys.setdefault(alias.lower(), ref.key)
    fixed = []
    for ref in refs:
        target = ref.get("crossref")
        if target is not None and keys.get(target.strip().lower()) != target:
            ref = ref.with_fields(crossref=keys.get(target.strip().lower()))
        fixed.append(ref)
    return tuple(fixed)


_ESCAPED, _VERBATIM_FIELD, _MONTH_FIELD, _KEYS_FIELD, _SWITCHED_OFF = 0, 1, 2, 3, 4


def _field_layout(names: tuple[str, ...], keep_private: bool) -> list[tuple[str, int, str]]:
    """The fields in writing order, each with how its value is written and its line's start."""
    layout = []
    if not keep_private:
        names = tuple(name for name in names if not is_private(name))
    for name in sorted(names, key=lambda name: (_POSITION.get(name, _LAST), name)):
        if name == "month":
            kind = _MONTH_FIELD
        elif name in _KEY_FIELDS:
            kind = _KEYS_FIELD
        elif name.startswith("_") and not name.startswith("__"):
            kind = _SWITCHED_OFF
        elif name in _VERBATIM:
            kind = _VERBATIM_FIELD
        else:
            kind = _ESCAPED
        layout.append((name, kind, f"  {name} = {{"))
    return layout


#: Writing order per set of field names (most entries of a file share a few sets), with
#: private fields (True) and without (False).
_LAYOUTS: dict[bool, dict[tuple[str, ...], list[tuple[str, int, str]]]] = {True: {}, False: {}}
#: Values up to this long are escaped once and remembered: a file repeats its journals,
#: publishers and @string texts in many entries. The caches hold at most a few MB.
_CACHED_CHARS = 512


@functools.lru_cache(maxsize=4096)
def _escaped(value: str) -> str:
    return unicode_to_latex(value)


@functools.lru_cache(maxsize=4096)
def _escaped_ascii(value: str) -> str:
    return unicode_to_latex(value, ascii=True)


@functools.lru_cache(maxsize=4096)
def _name_biblatex(person: Contributor, ascii: bool) -> str:
    """biblatex's extended format where the plain form would lose a part or option."""
    plain = _name(person, ascii)
    if person.is_literal or (
        person.useprefix is None
        and not person.initials
        and not person.options
        and _reads_back(plain, person)
    ):
        return plain
    return extended_name(person, _escaped_ascii if ascii else _escaped) or plain


@functools.lru_cache(maxsize=4096)
def _name_bibtex(person: Contributor, ascii: bool) -> str:
    """The plain form: classic BibTeX has no place for useprefix, initials or options."""
    return _name(person, ascii)


def _reads_back(plain: str, person: Contributor) -> bool:
    """True when the plain form ``plain`` of ``person`` reads back as ``person`` here
    and in biber: a capitalised particle (``Van de``, which biber reads as part of the
    family name) and a family name alone with a space (braced, a literal) do not."""
    if not person.particle and (person.given or person.suffix or " " not in person.family):
        return True
    if any(not word[:1].islower() for word in person.particle.split()):
        return False
    return _names(plain, person.role, lambda _message: None) == [person]


_ROLE_START = {role: f"  {role.value} = {{" for role in Role}


def _entry(ref: Reference, classic: bool, ascii: bool, keep_private: bool, out: list[str]) -> None:
    writable_key(ref.key)
    fields = dict(ref.fields)
    note = fields.pop("note", None)
    if note is not None:
        # the reference's private note, which plain.bst, plainnat and biblatex would print:
        # written where no standard style looks (annotation, annote), and private with it
        annotation = fields.get("annotation")
        fields["annotation"] = note if annotation is None else f"{annotation} {note}"
    for name in CASED_FIELDS.intersection(fields):
        fields[name] = protect_capitals(fields[name])  # plain.bst would print "cnpc"
    entry_type = ref.entry_type
    if entry_type not in BIBLATEX_TYPES:
        fields.setdefault("entrysubtype", entry_type)
        entry_type = "misc"
    if ref.language:
        fields["langid"] = langid_name(ref.language)
    language = fields.get("language", "")
    if is_known(language) and langid_name(language).lower() != language.strip().lower():
        # a tag or code (zh-CN, rus) as a key biblatex localises; a name stays as written
        fields["language"] = langid_name(language)
    raw: frozenset[str] = frozenset()
    if classic:
        for name, value in fields.items():
            if "\\" in value and name not in _VERBATIM:
                # natbib documents know no \mkbibemph, \adddot, \bibstring: plain LaTeX
                fields[name] = classic_latex(value, ref.language or "en")
        entry_type, raw = _classic(entry_type, fields)
    out.append(f"@{entry_type}{{{ref.key},\n")
    lines: list[str] = []
    escape = _escaped_ascii if ascii else _escaped
    if ref.contributors:
        name_of = _name_bibtex if classic else _name_biblatex
        by_role: dict[Role, list[str]] = {}
        for person in ref.contributors:
            written = name_of(person, ascii)
            names = by_role.get(person.role)
            if names is None:
                by_role[person.role] = [written]
            else:
                names.append(written)
        roles = sorted(by_role, key=role_rank) if len(by_role) > 1 else by_role
        for role in roles:
            lines.append(_ROLE_START[role] + " and ".join(by_role[role]) + "}")
    key = tuple(fields)
    layouts = _LAYOUTS[keep_private]
    layout = layouts.get(key)
    if layout is None:
        if len(layouts) >= 4096:
            layouts.clear()
        layout = layouts[key] = _field_layout(key, keep_private)
    for name, kind, start in layout:
        value = fields[name]
        if kind == _ESCAPED:
            if raw and name in raw:
                lines.append(start + value + "}")
            elif len(value) <= _CACHED_CHARS:
                lines.append(start + escape(value) + "}")
            else:
                lines.append(start + unicode_to_latex(value, ascii=ascii) + "}")
        elif kind == _VERBATIM_FIELD:
            lines.append(start + _verbatim(ref.key, name, value) + "}")
        elif kind == _KEYS_FIELD:
            lines.append(start + _keys(ref.key, name, value) + "}")
        elif kind == _SWITCHED_OFF:
            lines.append(start + _balanced(ref.key, name, value) + "}")
        elif value in _MONTH_MACRO:
            lines.append("  month = " + _MONTH_MACRO[value])
        else:
            lines.append(start + unicode_to_latex(value, ascii=ascii) + "}")
    out.append(",\n".join(lines))
    out.append("\n}\n" if lines else "}\n")


def _classic(entry_type: str, fields: dict[str, str]) -> tuple[str, frozenset[str]]:
    """Rename biblatex fields to classic ones in place; the type and the fields to write raw."""
    result = bibtex_type(entry_type, fields.get("type", ""))
    for new, old in _CLASSIC_NAMES.items():
        if new in fields and old not in fields:
            fields[old] = fields.pop(new)
    if entry_type == "thesis" and "institution" in fields and "school" not in fields:
        fields["school"] = fields.pop("institution")
    for title, subtitle, addon in _CLASSIC_TITLES:
        if title in fields and (subtitle in fields or addon in fields):
            # BibTeX styles know no subtitle: "Title: Subtitle. Addon", as biblatex prints it
            parts = fields.pop(subtitle, ""), fields.pop(addon, "")
            fields[title] = join_title(fields[title], *parts)
    if fields.get("type") in _IMPLIED_TYPES:
        del fields["type"]
    date = fields.get("date")
    if date and "year" not in fields:
        # The year and month of the date (its start, for a range); a date with more
        # (a day, a range) stays beside them, where bibtex ignores it.
        match = _DATE_START.match(date)
        if match:
            if match.end() == len(date):
                del fields["date"]
            fields["year"] = match.group(1)
            if match.group(2) and "month" not in fields:
                fields["month"] = str(int(match.group(2)))
    if "doi" in fields and fields.get("url", "").lower().endswith(
        "doi.org/" + fields["doi"].lower()
    ):
        del fields["url"]  # the DOI's own link: plainnat.bst prints it from the doi field
    if entry_type == "online" and "url" in fields and "howpublished" not in fields:
        # Moved, not copied: plain.bst prints howpublished only, plainnat.bst both (twice)
        fields["howpublished"] = "\\url{" + _url(fields.pop("url")) + "}"
        return result, frozenset({"howpublished"})
    return result, frozenset()


def _url(value: str) -> str:
    return escape_verbatim(value)


def _edtf_date(value: str) -> str:
    """A biblatex date as EDTF: biblatex's open-ended ``2004/`` and ``/2004`` are ``2004/..``
    and ``../2004``."""
    if value.endswith("/") and value.count("/") == 1 and len(value) > 1:
        return value + ".."
    if value.startswith("/") and value.count("/") == 1 and len(value) > 1:
        return ".." + value
    return value


def _biblatex_date(value: str) -> str:
    """An EDTF date as biblatex writes it: open-ended ranges as ``2004/`` and ``/2004``, the
    form biber and Pandoc both read (Pandoc drops a ``2004/..`` date)."""
    if value.endswith("/..") and value != "../..":
        return value[:-2]
    if value.startswith("../") and value != "../..":
        return value[2:]
    return value


def _verbatim(key: str, name: str, value: str) -> str:
    if name in _TYPESET_VERBATIM:
        return escape_verbatim(value)
    if name in _DATE_FIELDS:
        value = _biblatex_date(value)
    return _balanced(key, name, value)


def _balanced(key: str, name: str, value: str) -> str:
    """``value`` written as it is (a switched-off field, a date): its braces must pair."""
    if not braces_balanced(value):
        raise InvalidReference(f"entry {key!r}: field {name!r} has unbalanced braces: {value!r}")
    return value


def _keys(key: str, name: str, value: str) -> str:
    """A key field's comma-separated keys, each one a key a ``\\cite`` can take."""
    keys = [part.strip() for part in value.split(",")]
    for part in keys:
        try:
            writable_key(part)
        except InvalidKey as exc:
            raise InvalidReference(f"entry {key!r}: field {name!r}: {exc}") from exc
    return ",".join(keys)


def _protect(part: str, ascii: bool) -> str:
    text = unicode_to_latex(part, ascii=ascii)
    return "{" + text + "}" if "," in part or _AND.search(part) else text


def _name(person: Contributor, ascii: bool) -> str:
    if person.literal:
        return "{" + unicode_to_latex(person.literal, ascii=ascii) + "}"
    family = person.family
    if family == "others" and not (person.given or person.particle or person.suffix):
        return "others"
    # Braces keep a family name whole: bibtex would split "de la Cruz" or "García Márquez".
    # Alone, a braced name reads back as a literal: classic BibTeX cannot tell the two
    # apart (biblatex's extended format can: _name_biblatex).
    guarded = "," in family or " " in family or bool(_AND.search(family))
    if person.given or person.suffix:
        guarded = guarded or family[:1].islower()
    written = unicode_to_latex(family, ascii=ascii)
    if guarded:
        written = "{" + written + "}"
    if person.particle:
        written = f"{unicode_to_latex(person.particle, ascii=ascii)} {written}"
    if person.suffix:
        return f"{written}, {_protect(person.suffix, ascii)}, {_protect(person.given, ascii)}"
    if person.given:
        return f"{written}, {_protect(person.given, ascii)}"
    return written
