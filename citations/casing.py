"""Capitals that case-changing styles must keep: all-caps words are always protected.

BibTeX styles (``plain.bst``) lower-case titles and CSL styles change their
case; a word written in capitals throughout (CNPC, NATO, U.S.) is an acronym
or a name either way. So :class:`~citations.model.Reference` holds such a word
without braces (``{NATO}`` and ``NATO`` are the same value), and the BibTeX
and biblatex writers put braces around every one (:func:`protect_capitals`),
beside the braces the source itself wrote around other words (``{iPhone}``).
"""

from __future__ import annotations

import re

__all__ = ["CASED_FIELDS", "protect_capitals", "unbrace_capitals"]

#: Fields whose case a style may change.
CASED_FIELDS = frozenset(
    (
        "title",
        "subtitle",
        "titleaddon",
        "shorttitle",
        "booktitle",
        "booksubtitle",
        "booktitleaddon",
        "maintitle",
        "mainsubtitle",
        "maintitleaddon",
        "eventtitle",
        "series",
    )
)

# Two or more capitals (digits may follow or sit between), or dotted initials (U.S.).
_WORD = r"(?:[A-Z][A-Z0-9]*[A-Z][A-Z0-9]*|[A-Z](?:\.[A-Z])+\.?)"
_CAPITALS = re.compile(rf"(?<![\w\\{{]){_WORD}(?![\w}}])")
_BRACED = re.compile(rf"(?<![\w\\{{])\{{({_WORD})\}}(?![\w}}])")


def _top_level(value: str, change: re.Pattern[str], replace: str) -> str:
    """``value`` with ``change`` applied only outside braces."""
    if "{" not in value:
        return change.sub(replace, value)
    out, depth, start = [], 0, 0
    for index, char in enumerate(value):
        if char == "{" and (index == 0 or value[index - 1] != "\\"):
            if depth == 0:
                out.append(change.sub(replace, value[start:index]))
                start = index
            depth += 1
        elif char == "}" and depth and value[index - 1] != "\\":
            depth -= 1
            if depth == 0:
                out.append(value[start : index + 1])
                start = index + 1
    out.append(change.sub(replace, value[start:]) if depth == 0 else value[start:])
    return "".join(out)


def protect_capitals(value: str) -> str:
    """``value`` with each all-caps word outside braces put in braces: ``{CNPC}``."""
    # No all-caps word in the whole value means none outside its braces either: a
    # brace on either side of a word is no letter, so the boundaries read the same.
    if _CAPITALS.search(value) is None:
        return value
    from citations.latex import braces_balanced  # (its tables load for BibTeX output only)

    if not braces_balanced(value):
        return value
    return _top_level(value, _CAPITALS, r"{\g<0>}")


def unbrace_capitals(value: str) -> str:
    """``value`` without braces that hold nothing but one all-caps word: ``NATO``."""
    if "{" not in value:
        return value
    return _BRACED.sub(r"\1", value)
