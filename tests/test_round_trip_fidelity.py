"""Nothing lost on the round trip, checked by the real tools on the whole corpus.

For every ``.bib`` file of the corpus (``tests/data/bib``): biber reads the original
and the file we write from it (``biber --tool``, its normalised reading of a
data file), and every entry of the first reading is in the second with the same
fields and values, modulo the normalisations ``docs/bibtex.md`` lists
(each one a function below).
"""

from __future__ import annotations

import pathlib
import re
import unicodedata

import pytest
from tools import biber_reading

from citations import read_bibtex, write_bibtex
from citations.entrytypes import BIBLATEX_TYPES, NAME_FIELDS

DATA = pathlib.Path(__file__).parent / "data" / "bib"
#: Files biber needs more than half a minute for (twice: the original and ours).
_SLOW = {"tugboat.bib"}
CORPUS = [
    pytest.param(path.name, marks=pytest.mark.slow) if path.name in _SLOW else path.name
    for path in sorted(DATA.glob("*.bib"))
]


def _encoding(name: str) -> str:
    return "gbk" if ".gbk." in name else "utf-8"


# ------------------------------------------------------------- normalisations

_NAME_LISTS = frozenset(NAME_FIELDS) | {"editora", "editorb", "editorc"}
_VERBATIM = frozenset({"url", "doi", "eprint"})
_TEXTBACKSLASH = re.compile(r"\\textbackslash(?:\{\}|\s+|(?![A-Za-z]))")
_ESCAPED_SPECIAL = re.compile(r"\\([&%#_])")


def _dotless(text: str) -> str:
    """``\\'{\\i}`` is ``ı́`` to biber (a dotless i and an accent), ``í`` to us: NFC of i."""
    text = unicodedata.normalize("NFD", text)
    text = re.sub("ı(?=[\u0300-\u036f])", "i", text)
    text = re.sub("ȷ(?=[\u0300-\u036f])", "j", text)
    return unicodedata.normalize("NFC", text)


def _braces(text: str) -> str:
    """Without braces: we add ``{NATO}`` case protection and drop braces that protect
    nothing (``{ß}``, a title braced twice)."""
    return text.replace("{", "").replace("}", "")


def _commands_as_text(text: str) -> str:
    """A command the writer does not know is safe is written as text
    (``\\textbackslash{}AmSTeX``): both spellings as ``\\AmSTeX``."""
    return _TEXTBACKSLASH.sub(lambda _match: "\\", text)


def _specials(text: str) -> str:
    """``&``, ``%``, ``#`` and ``_`` written bare in the original are escaped in ours."""
    return _ESCAPED_SPECIAL.sub(r"\1", text)


def _names(value: str) -> tuple[str, ...]:
    """A name list as biber wrote it, split at top-level ``and``, each name without braces
    (we brace a family name biber would otherwise split: ``{Vallée Poussin}``)."""
    names, depth, start = [], 0, 0
    for match in re.finditer(r"[{}]|\sand\s", value):
        if match[0] == "{":
            depth += 1
        elif match[0] == "}":
            depth -= 1
        elif depth == 0:
            names.append(value[start : match.start()])
            start = match.end()
    names.append(value[start:])
    return tuple(" ".join(_braces(name).split()) for name in names)


def _percent(value: str) -> str:
    """A backslash, brace, space or ``^`` in a URL is percent-encoded (``%5C``) in ours."""
    return re.sub(r"[\\{}\s^]", lambda m: "".join(f"%{b:02X}" for b in m[0].encode()), value)


_DOTS = re.compile(r"\\l?dots(?:\{\}|\s+|(?![A-Za-z]))")


def _symbols(text: str) -> str:
    """Text symbols are read as Unicode, the space after them gobbled as TeX does (``\\dots
    or`` is ``…or``); a control space ``\\ `` and ``{}`` after a command are both a space."""
    return _DOTS.sub("…", text).replace("\\ ", " ")


#: ``langid`` names for a script or a transliteration are written as the language's name.
_LANGIDS = {"chinese-simplified": "chinese", "chinese-traditional": "chinese", "pinyin": "chinese"}


def normalised(field: str, value: str, *, ours: bool) -> object:
    """A field's value with the documented normalisations applied."""
    if field in _VERBATIM:
        return value if ours else _percent(value)
    value = _symbols(_commands_as_text(_dotless(value)))
    if field in _NAME_LISTS:
        return _names(value)
    if field == "options":
        return sorted(value.split(","))  # biber's own order of expanded options varies
    if field in ("langid", "language"):
        return _LANGIDS.get(value.lower(), value.lower())
    return " ".join(_braces(_specials(value)).split())


def normalised_entry(fields: dict[str, str], *, ours: bool) -> dict[str, object]:
    """An entry's fields, normalised; for the original's also what the reader adds.

    A type outside biblatex's data model is ``@misc`` with the type in
    ``entrysubtype``; an entry with a ``language`` but no ``langid`` gets a ``langid``.
    """
    entry = {field: normalised(field, value, ours=ours) for field, value in fields.items()}
    if ours:
        return entry
    if entry["@type"] not in BIBLATEX_TYPES:
        entry.setdefault("entrysubtype", entry["@type"])
        entry["@type"] = "misc"
    if "language" in entry and "langid" not in entry:
        entry["langid"] = entry["language"]
    return entry


# ------------------------------------------------------------- the biber round trip

_DUPLICATE = re.compile(r"duplicate field '([^']+)'")


def _ours(name: str) -> tuple[str, set[tuple[str, str]]]:
    """What we write from the corpus file ``name`` (crossref kept as a field, private
    fields kept), and what the reader reported: each entry it skipped (as ``(key, "")``)
    and each field given twice, of which it keeps the first (as ``(key, field)``)."""
    result = read_bibtex(
        DATA / name, encoding=_encoding(name), strict=False, resolve_crossref=False
    )
    reported = set()
    for problem in result.problems:
        match = _DUPLICATE.search(problem.message)
        if match and problem.key:
            reported.add((problem.key, match[1].lower()))
        elif problem.skipped and problem.key:
            reported.add((problem.key, ""))
    return write_bibtex(result.references, keep_private_fields=True), reported


def _differences(
    theirs: dict[str, dict[str, str]],
    ours: dict[str, dict[str, str]],
    reported: set[tuple[str, str]],
) -> list[str]:
    differences = []
    for key, their_fields in theirs.items():
        if key not in ours:
            if (key, "") not in reported:
                differences.append(f"{key}: missing (and not reported skipped)")
            continue
        mine = normalised_entry(ours[key], ours=True)
        other = normalised_entry(their_fields, ours=False)
        for field in sorted(set(mine) | set(other)):
            if mine.get(field) != other.get(field) and (key, field) not in reported:
                differences.append(
                    f"{key}: {field}: {their_fields.get(field)!r} -> {ours[key].get(field)!r}"
                )
    return differences


@pytest.mark.parametrize("name", CORPUS)
def test_biber_reads_our_output_as_the_original(tmp_path: pathlib.Path, name: str) -> None:
    """Every entry biber reads from the original, biber reads from ours with the same fields."""
    original = (DATA / name).read_bytes().decode(_encoding(name))
    written, reported = _ours(name)
    theirs = biber_reading(original, tmp_path, "original")
    ours = biber_reading(written, tmp_path, "ours")
    differences = _differences(theirs, ours, reported)
    assert differences == [], f"{len(differences)} differences:\n" + "\n".join(differences[:40])
