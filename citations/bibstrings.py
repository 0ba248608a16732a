"""biblatex's localisation strings (``\\bibstring{jourser}``) as the text biblatex prints.

Data files written for biblatex name a term by its localisation key, which
biblatex prints in the entry's language (biblatex-chicago's tests:
``number = {\\bibstring{jourser} 1}``, ``title = {\\bibstring{reviewof} ...}``).
CSL-JSON, RIS and classic BibTeX have no such strings, so
:func:`bibstrings_as_text` writes each as its text: in Russian for a Russian
reference, else in English (biblatex's own ``russian.lbx`` and ``english.lbx``,
with biblatex-chicago's ``cms-american.lbx`` for the English keys biblatex lacks,
such as ``by``, ``pseudonym``, ``revisededition``; kept in
``citations/data/bibstrings.tsv`` by ``docs/gen_bibstrings.py``).
``\\bibstring`` and the ``l`` variants give the long form (a CSL style
abbreviates, not its data), the ``s`` variants (``\\bibsstring``) the short;
the ``cp`` variants capitalise the first letter, ``uc`` and ``lc`` the whole
term. A key none of them defines (another style's own) is written as the key,
as Pandoc prints it.
"""

from __future__ import annotations

import functools
import re
from importlib import resources

__all__ = ["bibstrings_as_text"]

_COMMAND = re.compile(
    r"\\bib(x|ncp|cp|uc|lc)?(l|s)?string(?![A-Za-z])\s*(?:\[[^\]]*\])?\s*\{\s*([A-Za-z]+)\s*\}"
)


@functools.cache
def _table() -> dict[str, dict[str, tuple[str, str]]]:
    """Language subtag -> key -> (long form, short form)."""
    table: dict[str, dict[str, tuple[str, str]]] = {}
    text = resources.files("citations").joinpath("data", "bibstrings.tsv").read_text("utf-8")
    for line in text.splitlines():
        if not line.startswith("#"):
            language, key, long, short = line.split("\t")
            table.setdefault(language, {})[key] = (long, short)
    return table


def _bibstring(key: str, language: str, *, short: bool) -> str:
    """The text of biblatex's localisation string ``key`` in ``language`` (a BCP 47 tag;
    English where biblatex's table for it is not kept here), long unless ``short``; the
    key itself for a key biblatex does not define."""
    table = _table()
    strings = table.get(language.split("-")[0].lower(), table["en"])
    forms = strings.get(key.lower()) or table["en"].get(key.lower())
    if forms is None:
        return key
    return forms[1] if short else forms[0]


def bibstrings_as_text(value: str, language: str = "en") -> str:
    """``value`` with each ``\\bibstring{key}`` (and its variants) as its text in
    ``language`` (see the module)."""
    if "\\bib" not in value:
        return value
    return _COMMAND.sub(lambda match: _text(match, language), value)


def _text(match: re.Match[str], language: str) -> str:
    case, form, key = match.groups()
    text = _bibstring(key, language, short=form == "s")
    if case == "cp":
        return text[:1].upper() + text[1:]
    if case == "uc":
        return text.upper()
    if case == "lc":
        return text.lower()
    return text
