"""biblatex's extended name format, read as biber reads it and written back.

``family=Poussin, given=Charles Louis, prefix=de la, useprefix=true`` names
each part (biblatex's manual, "Extended Name Format"): ``-i`` gives a part's
initials (``given-i=JPS``), per-name options sit among the parts, and a
pseudo-name such as ``useprefix=true`` in a name list is an option of the
whole list. As in biber, the items are comma-separated values with ``"`` as
the quote (``"family={Robert and Sons, Inc.}"``); braces do not protect a
comma, and a part's name ends at the item's last ``=``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import attrs

from citations.errors import InvalidReference
from citations.model import NAME_PARTS, Contributor, Role

__all__ = [
    "LIST_OPTIONS",
    "NAME_OPTIONS",
    "extended_name",
    "is_extended",
    "list_option",
    "read_extended",
    "uses_prefix",
    "with_list_options",
]

#: The options a name may carry in the extended format (biber's ``NAME`` scope).
NAME_OPTIONS = frozenset(
    {
        "nametemplates",
        "sortingnamekeytemplatename",
        "uniquenametemplatename",
        "uniquename",
        "labelalphanametemplatename",
        "useprefix",
    }
)
#: The options a pseudo-name sets for a whole name list (biber's ``NAMELIST`` scope).
LIST_OPTIONS = NAME_OPTIONS | {"uniquelist", "nohashothers", "nosortothers"}

_EXTENDED = re.compile(r"(?:family|given|prefix|suffix)\s*=")  # biber's test, case and all
_LIST_OPTION = re.compile(r"(\S+?)\s*=\s*(\S+)?")
_BOOLEANS = {"true": True, "1": True, "false": False, "0": False}
_FIELD_OF_PART = {"family": "family", "given": "given", "prefix": "particle", "suffix": "suffix"}
_AND = re.compile(r"(?:^|\s)and(?:\s|$)", re.IGNORECASE)

Warn = Callable[[str], None]


def is_extended(name: str) -> bool:
    """True when biber reads ``name`` (one name of a list) in the extended format."""
    return _EXTENDED.search(name) is not None


def list_option(name: str) -> tuple[str, str] | None:
    """``(option, value)`` when ``name`` is a name list's option (``useprefix=true``)."""
    match = _LIST_OPTION.fullmatch(name)
    if match is None or match[1].lower() not in LIST_OPTIONS:
        return None
    return match[1].lower(), match[2] or "true"


def _items(name: str) -> list[str]:
    """The comma-separated items of ``name``, as Text::CSV (biber's reader) splits them."""
    from citations.latex import braces_balanced  # (its tables load for extended names only)

    items, at, end = [], 0, len(name)
    while True:
        while at < end and name[at].isspace():
            at += 1
        if name.startswith('"', at):
            parts, at = [], at + 1
            while True:
                close = name.find('"', at)
                if close < 0:
                    raise InvalidReference(f"extended name {name!r}: a quote is not closed")
                parts.append(name[at:close])
                at = close + 1
                if not name.startswith('"', at):
                    break
                parts.append('"')
                at += 1
            item = "".join(parts)
            while at < end and name[at].isspace():
                at += 1
            if at < end and name[at] != ",":
                raise InvalidReference(f"extended name {name!r}: text after a quoted item")
        else:
            close = name.find(",", at)
            close = end if close < 0 else close
            item = name[at:close].strip()
            if '"' in item:
                raise InvalidReference(
                    f"extended name {name!r}: a quote inside the item {item!r} "
                    '(quote the whole item: "family={Robert and Sons, Inc.}")'
                )
            at = close
        if not braces_balanced(item):
            raise InvalidReference(
                f"extended name {name!r}: the item {item!r} has unbalanced braces (braces "
                'do not protect a comma: quote the whole item, "given={A, B}")'
            )
        items.append(item)
        if at >= end:
            return items
        at += 1


def _boolean(option: str, value: str, warn: Warn) -> bool | None:
    flag = _BOOLEANS.get(value.strip().lower())
    if flag is None:
        warn(f"{option}={value!r} is not a boolean (true or false): ignored")
    return flag


def read_extended(name: str, role: Role, decode: Callable[[str], str], warn: Warn) -> Contributor:
    """The contributor ``name`` (in the extended format) gives, each part through ``decode``.

    What biber ignores is ignored with a ``warn``: an unknown part or option, an
    item without ``=`` or value, initials of a part the name does not have.
    Raises :class:`InvalidReference` for what biber cannot read either (an
    unclosed quote, unbalanced braces) and for a name without a family part.
    """
    from citations.latex import latex_to_unicode

    parts: dict[str, str] = {}
    initials: dict[str, str] = {}
    options: dict[str, str] = {}
    useprefix: bool | None = None
    for item in _items(name):
        written, equals, value = item.rpartition("=")
        key = written.lower()
        if not equals or not key or not value.strip():
            warn(f"extended name {name!r}: the item {item!r} has no part=value: ignored")
        elif key == "useprefix":
            useprefix = _boolean(key, value, warn)
        elif key in NAME_OPTIONS:
            options[key] = value.strip()
        elif key in NAME_PARTS:
            parts[_FIELD_OF_PART[key]] = decode(value.strip())
        elif key.endswith("-i") and key[:-2] in NAME_PARTS:
            initials[key[:-2]] = latex_to_unicode(value.strip())  # {Ch}: one initial
        else:
            warn(
                f"extended name {name!r}: {written!r} is not a name part or option: "
                "biber ignores it"
            )
    if not parts.get("family"):
        raise InvalidReference(f"extended name {name!r} has no family part")
    for part in list(initials):
        if not parts.get(_FIELD_OF_PART[part]):
            warn(f"extended name {name!r}: initials for {part!r}, a part it lacks: ignored")
            del initials[part]
    return Contributor(**parts, role=role, useprefix=useprefix, initials=initials, options=options)


def with_list_options(
    people: list[Contributor], options: dict[str, str], warn: Warn
) -> list[Contributor]:
    """``people`` (one name list) with the list's ``options`` on each split name that
    does not set its own: biblatex's scopes, the name's over the list's. An option of
    the list alone (``nosortothers``) has no place in the model: warned, not kept."""
    useprefix = None
    if "useprefix" in options:
        useprefix = _boolean("useprefix", options["useprefix"], warn)
    shared = {key: value for key, value in options.items() if key in NAME_OPTIONS - {"useprefix"}}
    for key in sorted(options.keys() - NAME_OPTIONS):
        warn(f"name list option {key}={options[key]} applies to the whole list: not kept")
    result = []
    for person in people:
        if not person.is_literal:
            person = attrs.evolve(
                person,
                useprefix=useprefix if person.useprefix is None else person.useprefix,
                options={**shared, **dict(person.options)},
            )
        result.append(person)
    return result


def _item(key: str, text: str, *, part: bool = False) -> str | None:
    """``key=text`` as one item; a part's text braced where the reader would take its
    braces off or split the list at its "and". None when the text holds ``=`` (biber
    would end the key at it) or, not a part, an "and"."""
    if "=" in text:
        return None
    if _AND.search(text) or (part and text.startswith("{") and text.endswith("}")):
        if not part:
            return None
        text = "{" + text + "}"
    item = f"{key}={text}"
    return '"' + item.replace('"', '""') + '"' if "," in item or '"' in item else item


def extended_name(person: Contributor, escape: Callable[[str], str]) -> str | None:
    """``person`` (a split name) in the extended format, each part through ``escape``;
    None when it cannot carry the name: a text holding ``=``, an option or initials
    holding the word "and"."""
    items = [
        _item(part, escape(value), part=True)
        for part, value in (
            ("family", person.family),
            ("given", person.given),
            ("prefix", person.particle),
            ("suffix", person.suffix),
        )
        if value
    ]
    items += [_item(f"{part}-i", escape(value)) for part, value in person.initials]
    if person.useprefix is not None:
        items.append(f"useprefix={'true' if person.useprefix else 'false'}")
    items += [_item(key, value) for key, value in person.options]
    if None in items:
        return None
    return ", ".join(item for item in items if item is not None)


_ENTRY_USEPREFIX = re.compile(r"(?:^|,)\s*useprefix\s*(?:=\s*([^,\s]*))?\s*(?=,|$)", re.I)


def uses_prefix(person: Contributor, options: str) -> bool:
    """Whether ``person``'s particle counts with the family name (biblatex's ``useprefix``):
    the name's own setting, else the entry's ``options`` field's, else false as in biblatex."""
    if person.useprefix is not None:
        return person.useprefix
    found = _ENTRY_USEPREFIX.findall(options)
    return bool(found) and _BOOLEANS.get((found[-1] or "true").lower(), False)
