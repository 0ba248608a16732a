"""Nothing lost on the round trip, checked by the real tools on the whole corpus.

For every ``.bib`` file of the corpus (``tests/data/bib``): biber reads the original
and the file we write from it (``biber --tool``, its normalised reading of a
data file), and every entry of the first reading is in the second with the same
fields and values, modulo the normalisations ``docs/bibtex.md`` lists
(each one a function below). biber reads files whose keys and macros do not meet
in one run (``_batches``): it takes seconds to start.
"""

from __future__ import annotations

import dataclasses
import functools
import pathlib
import re
import subprocess
import unicodedata
from collections.abc import Callable

import pytest
from tools import HANG, biber_reading, require_tool

from citations import read_bibtex, write_bibtex
from citations.entrytypes import BIBLATEX_TYPES, NAME_FIELDS
from citations.languages import is_known, langid_name

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


#: A command ended by ``{}`` or by spaces (``\\textasciitilde{}user``, ``\\textasciitilde user``).
_ENDED = re.compile(r"(\\[A-Za-z]+)(?:\{\}|\s+)")
_DOTS = re.compile(r"\\(?:l?dots|textellipsis)(?:\{\}|\s+|(?![A-Za-z]))")


def _symbols(text: str) -> str:
    """Text symbols are read as Unicode, the space after them gobbled as TeX does (``\\dots
    or`` is ``…or``, ``\\textellipsis`` likewise); a control space ``\\ `` and ``{}`` after
    a command are both a space."""
    return _ENDED.sub(r"\1 ", _DOTS.sub("…", text).replace("\\ ", " "))


#: ``langid`` names for a script or a transliteration are written as the language's name.
_LANGIDS = {"chinese-simplified": "chinese", "chinese-traditional": "chinese", "pinyin": "chinese"}


def _language(value: str) -> str:
    """A ``language`` holding a code or tag (``eng``, ``zh-CN``) is written as its
    ``langid`` name (``english``), which biblatex localises; case is not compared."""
    return (langid_name(value) if is_known(value) else value).lower()


def normalised(field: str, value: str, *, ours: bool) -> object:
    """A field's value with the documented normalisations applied."""
    if field in _VERBATIM:
        return value if ours else _percent(value)
    value = _symbols(_commands_as_text(_dotless(value)))
    if field in _NAME_LISTS:
        return _names(value)
    if field == "options":
        return sorted(value.split(","))  # biber's own order of expanded options varies
    if field == "language":
        return _language(value)
    if field == "langid":
        return _LANGIDS.get(value.lower(), value.lower())
    return " ".join(_braces(_specials(value)).split())


def normalised_entry(fields: dict[str, str], *, ours: bool) -> dict[str, object]:
    """An entry's fields, normalised; for the original's also what the reader adds.

    A type outside biblatex's data model is ``@misc`` with the type in
    ``entrysubtype``; an entry with a known ``language`` but no ``langid`` gets a ``langid``;
    the ``note`` (the reference's private note) is in the ``annotation``, after its own.
    """
    entry = {field: normalised(field, value, ours=ours) for field, value in fields.items()}
    if ours:
        return entry
    if "note" in entry:
        note = entry.pop("note")
        entry["annotation"] = f"{entry['annotation']} {note}" if "annotation" in entry else note
    if entry["@type"] not in BIBLATEX_TYPES:
        entry.setdefault("entrysubtype", entry["@type"])
        entry["@type"] = "misc"
    if "langid" not in entry and is_known(fields.get("language", "")):
        entry["langid"] = entry["language"]
    return entry


# ------------------------------------------------------------- the biber round trip

_DUPLICATE = re.compile(r"duplicate field '([^']+)'")
_ENTRY_KEY = re.compile(r"@\s*([A-Za-z]+)\s*[{(]\s*([^\s,]+)\s*,")
_KEY_FIELD = re.compile(
    r"\b(?:crossref|xref|xdata|related|entryset|ids)\s*=\s*[{\"]([^}\"]*)", re.IGNORECASE
)
_MACRO = re.compile(r"@\s*string\s*[{(]", re.IGNORECASE)


@dataclasses.dataclass(frozen=True)
class _File:
    """A corpus file, what we write from it and what it defines and refers to."""

    original: str
    written: str
    reported: frozenset[tuple[str, str]]
    keys: frozenset[str]  # the keys of its entries (biber's reading of them is its share)
    ours: frozenset[str]  # the keys of the references we read from it
    names: frozenset[str]  # its keys and the keys it refers to, case-folded
    # a skipped entry may be unbalanced text, which would swallow the next file; biber's
    # output writes a value that is a macro's name bare, read back as the macro
    alone: bool


@functools.cache
def _file(name: str) -> _File:
    """The corpus file ``name`` read as we write it (crossref kept as a field, private
    fields kept), with what the reader reported: each entry it skipped (as ``(key, "")``)
    and each field given twice, of which it keeps the first (as ``(key, field)``)."""
    original = (DATA / name).read_bytes().decode(_encoding(name))
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
    keys = {
        match[2] for match in _ENTRY_KEY.finditer(original)
        if match[1].lower() not in ("string", "preamble", "comment")
    }  # fmt: skip
    referred = {
        key.strip() for match in _KEY_FIELD.finditer(original) for key in match[1].split(",")
    }
    return _File(
        original=original,
        written=write_bibtex(result.references, keep_private_fields=True),
        reported=frozenset(reported),
        keys=frozenset(keys),
        ours=frozenset(ref.key for ref in result.references),
        names=frozenset(name.casefold() for name in keys | referred),
        alone=result.skipped > 0 or name in _SLOW or bool(_MACRO.search(original)),
    )


@functools.cache
def _batches() -> dict[str, tuple[str, ...]]:
    """Corpus file -> the files biber reads with it in one run (biber takes seconds to
    start): files join while their keys and the keys they refer to are disjoint; a file
    with ``@string`` macros or a skipped entry is read alone (``_File.alone``). So each
    entry biber reads is one file's and reads as in that file alone."""
    batches: list[tuple[list[str], set[str]]] = []
    for name in sorted(path.name for path in DATA.glob("*.bib")):
        file = _file(name)
        batch = next(
            (batch for batch in batches if not file.alone and not batch[1] & file.names),
            None,
        )
        if batch is None or file.alone:
            batches.append(([name], set() if file.alone else set(file.names)))
        else:
            batch[0].append(name)
            batch[1].update(file.names)
    return {name: tuple(names) for names, _ in batches for name in names}


_Readings = dict[str, dict[str, str]]


#: The step of biblatex's default source map (biblatex.def) that biber --tool's own
#: configuration lacks: biblatex's old name of ``langid``.
_HYPHENATION = '<map_step map_field_source="hyphenation" map_field_target="langid"/>'
_ADDRESS = '<map_step map_field_source="address" map_field_target="location"/>'


def _tool_config(directory: pathlib.Path) -> pathlib.Path:
    """biber --tool's configuration with biblatex's ``hyphenation`` -> ``langid`` step,
    so that biber reads a data file as it does for a biblatex document (tool mode alone
    drops ``hyphenation``, a field outside the data model)."""
    biber = require_tool("biber")
    found = subprocess.run(
        [biber, "--tool-config"], capture_output=True, text=True, timeout=HANG, check=True
    )
    config = pathlib.Path(found.stdout.strip().splitlines()[-1]).read_text("utf-8")
    assert _ADDRESS in config, "biber's tool configuration has changed"
    path = directory / "biber-tool.conf"
    path.write_text(config.replace(_ADDRESS, f"{_HYPHENATION}\n        {_ADDRESS}"), "utf-8")
    return path


@pytest.fixture(scope="module")
def readings(
    tmp_path_factory: pytest.TempPathFactory,
) -> Callable[[str], tuple[_Readings, _Readings]]:
    """biber's readings of a file's batch, originals and ours, each run once."""
    done: dict[tuple[str, ...], tuple[_Readings, _Readings]] = {}
    config = f"--configfile={_tool_config(tmp_path_factory.mktemp('config'))}"

    def read(name: str) -> tuple[_Readings, _Readings]:
        batch = _batches()[name]
        if batch not in done:
            work = tmp_path_factory.mktemp("biber")
            files = [_file(member) for member in batch]
            original = "\n".join(file.original for file in files)
            done[batch] = (
                biber_reading(original, work, "original", config),
                biber_reading("\n".join(file.written for file in files), work, "ours", config),
            )
        return done[batch]

    return read


def _differences(
    theirs: dict[str, dict[str, str]],
    ours: dict[str, dict[str, str]],
    reported: frozenset[tuple[str, str]],
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
def test_biber_reads_our_output_as_the_original(
    readings: Callable[[str], tuple[_Readings, _Readings]], name: str
) -> None:
    """Every entry biber reads from the original, biber reads from ours with the same fields."""
    file = _file(name)
    theirs, ours = readings(name)
    share = {key: fields for key, fields in theirs.items() if key in file.keys}
    assert file.ours <= set(share), "entries we read that biber did not (or not from this file)"
    differences = _differences(
        share,
        {key: fields for key, fields in ours.items() if key in file.ours},
        file.reported,
    )
    assert differences == [], f"{len(differences)} differences:\n" + "\n".join(differences[:40])
