"""Bibliographic values: :class:`Reference`, :class:`Contributor`, :class:`Role`.

All are frozen: change them with :func:`attrs.evolve` (or
:meth:`Reference.with_fields`). Field values are Unicode text; the readers turn
LaTeX accents and commands into Unicode and the writers escape on the way out.
Braces that protect capitalisation (``{NATO}``) are the only markup kept.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, TypeVar

import attrs

from citations.casing import CASED_FIELDS, unbrace_capitals
from citations.entrytypes import BIBLATEX_FIELDS
from citations.errors import InvalidReference
from citations.keycheck import check_key

__all__ = [
    "IDENTIFIER_FIELDS",
    "NAME_PARTS",
    "Contributor",
    "Reference",
    "Role",
    "is_cjk",
    "role_rank",
]

#: Fields that identify a work rather than describe it.
IDENTIFIER_FIELDS = ("doi", "isbn", "issn", "url", "eprint")

# A leading "__" marks a tool's bookkeeping field (JabRef's ``__markedentry``), a leading
# "_" a switched-off field (biblatex-gost's ``_related``: biber ignores it).
_FIELD_NAME = re.compile(r"^_{0,2}[a-z][a-z0-9_+:.-]*$")
# Lone surrogates (from JSON "\ud800" escapes) cannot be written as UTF-8 anywhere.
_SURROGATE = re.compile("[\ud800-\udfff]")


class Role(enum.StrEnum):
    """What a contributor did for a work (the biblatex name lists)."""

    AUTHOR = "author"
    EDITOR = "editor"
    TRANSLATOR = "translator"
    BOOKAUTHOR = "bookauthor"
    COMMENTATOR = "commentator"
    ANNOTATOR = "annotator"
    INTRODUCTION = "introduction"
    FOREWORD = "foreword"
    AFTERWORD = "afterword"
    HOLDER = "holder"


_ROLE_RANK = {role: index for index, role in enumerate(Role)}


def role_rank(role: Role) -> int:
    """Where ``role``'s name list comes in a work: :class:`Role`'s order, authors first."""
    return _ROLE_RANK[role]


def is_cjk(text: str) -> bool:
    """True when ``text`` contains Chinese, Japanese or Korean characters."""
    for char in text:
        name = unicodedata.name(char, "")
        if name.startswith(("CJK ", "HIRAGANA", "KATAKANA", "HANGUL")):
            return True
    return False


def _unicode(value: str, what: str) -> str:
    """``value`` unless it holds a lone surrogate, which no UTF-8 file or database can store."""
    if isinstance(value, str) and value.isascii():
        return value  # most text, and none holds a surrogate
    found = _SURROGATE.search(value)
    if found:
        raise InvalidReference(
            f"{what} holds a lone surrogate {found.group()!r} at character {found.start()}: "
            "not a Unicode character"
        )
    return value


def _strip(value: str) -> str:
    if value == "":
        return ""  # most name parts
    return " ".join(_unicode(value, "a name").split())


_T = TypeVar("_T")


def _unchecked(cls: type[_T]) -> Callable[..., _T]:
    """A function building ``cls`` from every one of its field values, in order, with its
    slots set directly: attrs' converters and validators are skipped."""
    setters = tuple(getattr(cls, field.name).__set__ for field in attrs.fields(cls))  # type: ignore[arg-type]
    new = object.__new__

    def make(*values: Any) -> _T:
        made = new(cls)
        for set_slot, value in zip(setters, values, strict=True):
            set_slot(made, value)
        return made

    return make


#: The parts of a name (biblatex's data model constant ``nameparts``; ``prefix`` is
#: :attr:`Contributor.particle`).
NAME_PARTS = ("family", "given", "prefix", "suffix")


def _pairs(value: Mapping[str, str] | Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    if value == ():
        return ()  # most names
    items = value.items() if isinstance(value, Mapping) else value
    pairs = {str(name).strip().lower(): _strip(str(text)) for name, text in items}
    return tuple(sorted((name, text) for name, text in pairs.items() if text))


def _useprefix(value: object) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    raise InvalidReference(f"useprefix must be true, false or None, got {value!r}")


@attrs.frozen
class Contributor:
    """A person or organisation with a role in a work.

    Either ``family`` (with optional ``given``, ``particle`` and ``suffix``) or
    ``literal`` is set, never both. ``literal`` holds a name that must not be
    split: an organisation, or a CJK name written as one unit (欧阳向英).
    ``transliteration`` is an optional Latin-script form of the name.

    biblatex's extended name format adds the rest: ``useprefix`` (whether the
    particle counts with the family name in citations and sorting; None: the
    entry's ``options`` or biblatex's default, false, decide), ``initials`` (a
    part's initials as written, ``{"given": "JPS"}``) and ``options`` (other
    per-name options, ``{"sortingnamekeytemplatename": "test"}``).
    """

    family: str = attrs.field(default="", converter=_strip)
    given: str = attrs.field(default="", converter=_strip)
    particle: str = attrs.field(default="", converter=_strip)
    suffix: str = attrs.field(default="", converter=_strip)
    literal: str = attrs.field(default="", converter=_strip)
    role: Role = attrs.field(default=Role.AUTHOR, converter=Role)
    transliteration: str = attrs.field(default="", converter=_strip)
    useprefix: bool | None = attrs.field(default=None, converter=_useprefix)
    initials: tuple[tuple[str, str], ...] = attrs.field(factory=tuple, converter=_pairs)
    options: tuple[tuple[str, str], ...] = attrs.field(factory=tuple, converter=_pairs)

    def __attrs_post_init__(self) -> None:
        if bool(self.literal) == bool(self.family):
            raise InvalidReference(
                "a contributor needs either a family name or a literal name, not both: "
                f"family={self.family!r}, literal={self.literal!r}"
            )
        if self.literal and (self.given or self.particle or self.suffix):
            raise InvalidReference(
                f"literal name {self.literal!r} cannot also have given, particle or suffix parts"
            )
        if self.initials:
            present = {"family": self.family, "given": self.given, "prefix": self.particle}
            present["suffix"] = self.suffix
            for part, _ in self.initials:
                if not present.get(part):
                    parts = ", ".join(name for name in NAME_PARTS if present[name])
                    raise InvalidReference(
                        f"name {self.display_name!r}: initials for {part!r}, "
                        f"which is not one of its parts ({parts})"
                    )
        if self.options and "useprefix" in dict(self.options):
            raise InvalidReference("useprefix is Contributor.useprefix, not one of its options")

    @classmethod
    def trusted(
        cls,
        family: str = "",
        given: str = "",
        particle: str = "",
        suffix: str = "",
        literal: str = "",
        role: Role = Role.AUTHOR,
        transliteration: str = "",
        useprefix: bool | None = None,
        initials: tuple[tuple[str, str], ...] = (),
        options: tuple[tuple[str, str], ...] = (),
    ) -> Contributor:
        """A contributor from parts already in the form its constructor gives them (read
        back from a store that wrote a checked one): nothing is converted or checked."""
        return _new_contributor(
            family,
            given,
            particle,
            suffix,
            literal,
            role,
            transliteration,
            useprefix,
            initials,
            options,
        )

    @property
    def is_literal(self) -> bool:
        """True for an undivided name (organisation or CJK name as one unit)."""
        return bool(self.literal)

    @property
    def display_name(self) -> str:
        """The name in reading order: "Given von Family, Jr." or 方明月 for CJK."""
        if self.literal:
            return self.literal
        if is_cjk(self.family):
            return self.family + self.given
        parts = [self.given, self.particle, self.family]
        name = " ".join(p for p in parts if p)
        return f"{name}, {self.suffix}" if self.suffix else name

    @property
    def sort_name(self) -> str:
        """The name in sorting order: "von Family, Given" (CJK and literal as written)."""
        if self.literal:
            return self.literal
        if is_cjk(self.family):
            return self.family + self.given
        family = " ".join(p for p in (self.particle, self.family) if p)
        rest = ", ".join(p for p in (self.suffix, self.given) if p)
        return f"{family}, {rest}" if rest else family

    @property
    def family_or_literal(self) -> str:
        """The family name, or the literal name for undivided names."""
        return self.family or self.literal


_new_contributor = _unchecked(Contributor)


def _fields(value: Mapping[str, str] | Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    items = value.items() if isinstance(value, Mapping) else value
    result: dict[str, str] = {}
    for name, text in items:
        if type(name) is str and name in BIBLATEX_FIELDS:
            key = name  # most fields: lower case, and a valid name
        else:
            key = str(name).strip().lower()
            if not _FIELD_NAME.match(key):
                raise InvalidReference(f"invalid field name {name!r}")
        if not isinstance(text, str):
            raise InvalidReference(f"field {key!r} must be text, got {type(text).__name__}")
        if text.strip():
            if not text.isascii():
                text = _unicode(text, f"field {key!r}")
            result[key] = unbrace_capitals(text) if key in CASED_FIELDS else text
    return tuple(sorted(result.items()))


def _contributors(value: Iterable[Contributor]) -> tuple[Contributor, ...]:
    people = tuple(value)
    for person in people:
        if not isinstance(person, Contributor):
            raise InvalidReference(f"contributors must be Contributor values, got {person!r}")
    return people


def _entry_type(value: str) -> str:
    entry_type = value.strip().lower()
    if not entry_type.isidentifier():
        raise InvalidReference(f"invalid entry type {value!r}")
    return entry_type


#: A key that passes :func:`check_key`, replaced at once by a stored key.
_STORED_KEY_PLACEHOLDER = "stored"


@attrs.frozen
class Reference:
    """A bibliographic work, identified by its citation key.

    ``entry_type`` is a biblatex entry type (``article``, ``book``,
    ``online``, ...). ``fields`` maps lowercase biblatex field names to
    Unicode text and is kept sorted by name, so two references with the same
    content are equal whatever order they were read in. Names live in
    ``contributors``, never in ``fields``. ``language`` is a BCP 47 tag.
    """

    key: str = attrs.field()
    entry_type: str = attrs.field(converter=_entry_type)
    fields: tuple[tuple[str, str], ...] = attrs.field(factory=tuple, converter=_fields)
    contributors: tuple[Contributor, ...] = attrs.field(factory=tuple, converter=_contributors)
    language: str = attrs.field(default="", converter=_strip)

    @key.validator
    def _check_key(self, _attribute: attrs.Attribute[str], key: str) -> None:
        check_key(key)

    @classmethod
    def as_stored(
        cls,
        key: str,
        entry_type: str,
        fields: Mapping[str, str] | Iterable[tuple[str, str]] = (),
        contributors: Iterable[Contributor] = (),
        language: str = "",
    ) -> Reference:
        """A reference as a store kept it: its key is not checked against today's key rules.

        Records written before a key rule existed must still be read, so a
        journal never refuses to open over a key. Writers that print keys
        (BibTeX, LaTeX) check them before they do.
        """
        if not isinstance(key, str) or not key:
            raise InvalidReference(f"a stored citation key must be non-empty text, got {key!r}")
        reference = cls(_STORED_KEY_PLACEHOLDER, entry_type, fields, contributors, language)
        object.__setattr__(reference, "key", key)
        return reference

    @classmethod
    def trusted(
        cls,
        key: str,
        entry_type: str,
        fields: tuple[tuple[str, str], ...] = (),
        contributors: tuple[Contributor, ...] = (),
        language: str = "",
    ) -> Reference:
        """A reference from values already in the form its constructor gives them (read
        back from a store that wrote a checked one, fields sorted by name): nothing is
        converted or checked, its key included (see :meth:`as_stored`)."""
        return _new_reference(key, entry_type, fields, contributors, language)

    def get(self, name: str, default: str | None = None) -> str | None:
        """The value of field ``name``, or ``default`` when absent."""
        for field_name, value in self.fields:
            if field_name == name:
                return value
        return default

    def __contains__(self, name: object) -> bool:
        return any(field_name == name for field_name, _ in self.fields)

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self.fields)

    @property
    def field_map(self) -> dict[str, str]:
        """The fields as a new dict."""
        return dict(self.fields)

    @property
    def title(self) -> str:
        """The title, or an empty string."""
        return self.get("title") or ""

    @property
    def identifiers(self) -> dict[str, str]:
        """The identifying fields present: doi, isbn, issn, url, eprint."""
        return {name: value for name, value in self.fields if name in IDENTIFIER_FIELDS}

    def contributors_in(self, role: Role) -> tuple[Contributor, ...]:
        """The contributors with ``role``, in order."""
        return tuple(person for person in self.contributors if person.role is role)

    @property
    def authors(self) -> tuple[Contributor, ...]:
        """The authors, in order."""
        return self.contributors_in(Role.AUTHOR)

    @property
    def year(self) -> str:
        """The year from ``date`` (its first four-digit run) or ``year``, else ''."""
        for name in ("date", "year"):
            value = self.get(name)
            if value:
                match = re.search(r"-?\d{4}", value)
                if match:
                    return match.group()
        return ""

    def with_fields(self, **changes: str | None) -> Reference:
        """A copy with fields set (``None`` removes a field)."""
        merged = self.field_map
        for name, value in changes.items():
            if value is None:
                merged.pop(name, None)
            else:
                merged[name] = value
        return attrs.evolve(self, fields=merged)


_new_reference = _unchecked(Reference)
