#!/usr/bin/env python3
"""Write ``citations/data/bibstrings.tsv``: biblatex's localisation strings as text.

Usage: ``python docs/gen_bibstrings.py`` (``kpsewhich`` finds the ``.lbx`` files of
the TeX installation: biblatex 3.18's ``english.lbx`` and ``russian.lbx``, and for the
English keys biblatex lacks, biblatex-chicago 3.18b's ``cms-american.lbx``).

Each row is a language subtag, a string's key, its long form and its short form,
as biblatex prints them: ``\\adddot`` is ".", ``\\adddotspace`` ". ",
``\\addabbrvspace`` and ``\\ `` a space, ``\\addcolon`` ":", ``\\addcomma`` ",",
``\\S`` "§", ``\\textellipsis`` "…", ``\\space`` and ``\\addspace`` a space,
``\\mkbibemph{x}`` x, ``\\finalandcomma`` English's serial comma
(nothing in Russian), and ``\\lbx@lfromlang`` and its kin (the "from German" of
``bytranslator``, empty for a work without ``origlanguage``) nothing, with no
space left before a punctuation mark.
tests/test_bibstrings.py fails while the file is out of date.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

TABLE = Path(__file__).resolve().parents[1] / "citations" / "data" / "bibstrings.tsv"
#: Language subtag -> the .lbx file and its serial comma.
LANGUAGES = {"en": ("english.lbx", ","), "ru": ("russian.lbx", "")}
#: The strings biblatex-chicago adds (``by``, ``pseudonym``, ``revisededition``: the data
#: files written for it use them), kept in English for the keys biblatex lacks.
CHICAGO = "cms-american.lbx"
_COMMENT = re.compile(r"(?<!\\)%[^\n]*")
_KEY = re.compile(r"([a-z]+)\s*=\s*\{")
#: A space left before a mark where ``\lbx@lfromlang`` printed nothing ("translated ,").
_SPACED_MARK = re.compile(r"\s+([,.:;])")
_COMMANDS = (
    (re.compile(r"\\adddotspace\b\s*"), ". "),
    (re.compile(r"\\adddot\b\s*"), "."),
    (re.compile(r"\\addabbrvspace\b\s*"), " "),
    (re.compile(r"\\addcolon\b\s*"), ":"),
    (re.compile(r"\\addcomma\b\s*"), ","),
    (re.compile(r"\\textellipsis\b\s*"), "…"),
    (re.compile(r"\\S\b\s*"), "§"),
    (re.compile(r"\\lbx@[lsc]?fromlang\b\s*"), ""),
    (re.compile(r"\\(?:space|addspace)\b\s*"), " "),
    (re.compile(r"\\addnbspace\b\s*"), "\u00a0"),
    (re.compile(r"\\mkbibemph\{([^{}]*)\}"), r"\1"),
    (re.compile(r"\{\}"), ""),
    (re.compile(r"\\ "), " "),
)


def lbx_file(name: str) -> Path:
    """The installed ``.lbx`` file ``name`` (``kpsewhich``)."""
    found = subprocess.run(["kpsewhich", name], capture_output=True, text=True, check=True)
    return Path(found.stdout.strip())


def _group(text: str, start: int) -> int:
    """The index after the group whose ``{`` is at ``start``."""
    depth, at = 0, start
    while True:
        depth += {"{": 1, "}": -1}.get(text[at], 0)
        at += 1
        if depth == 0:
            return at


def strings(text: str) -> dict[str, tuple[str, str]]:
    """The ``\\DeclareBibliographyStrings`` of an ``.lbx`` file: key -> (long, short), as
    LaTeX."""
    text = _COMMENT.sub("", text)
    found: dict[str, tuple[str, str]] = {}
    declared = text.find("\\DeclareBibliographyStrings{")
    while declared >= 0:
        opening = text.index("{", declared)
        end = _group(text, opening)
        body, at = text[opening + 1 : end - 1], 0
        while (match := _KEY.search(body, at)) is not None:
            at = _group(body, match.end() - 1)
            inner = body[match.end() : at - 1].strip()
            if not inner.startswith("{"):
                continue  # inherit = {english}
            long_end = _group(inner, 0)
            short_start = inner.index("{", long_end)
            long, short = (
                inner[1 : long_end - 1],
                inner[short_start + 1 : _group(inner, short_start) - 1],
            )
            found.setdefault(match[1], (long, short))
        declared = text.find("\\DeclareBibliographyStrings{", end)
    return found


def _text(value: str, serial_comma: str) -> str:
    value = value.replace("\\finalandcomma", serial_comma)
    for command, replacement in _COMMANDS:
        value = command.sub(replacement, value)
    if "\\" in value or "{" in value:
        raise ValueError(f"a command this script does not know: {value!r}")
    return _SPACED_MARK.sub(r"\1", " ".join(value.split()))


def render() -> str:
    """The table's text, from the installed ``.lbx`` files."""
    rows = ["# language\tkey\tlong\tshort (docs/gen_bibstrings.py; from biblatex's .lbx files)"]
    for language, (name, serial_comma) in LANGUAGES.items():
        table = strings(lbx_file(name).read_text(encoding="utf-8"))
        if language == "en":
            table = {**strings(lbx_file(CHICAGO).read_text(encoding="utf-8")), **table}
        for key in sorted(table):
            forms = (_text(form, serial_comma) for form in table[key])
            rows.append("\t".join((language, key, *forms)))
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    TABLE.parent.mkdir(exist_ok=True)
    TABLE.write_text(render(), encoding="utf-8")
