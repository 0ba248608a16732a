"""CSL-JSON keeps what Pandoc reads, checked on the whole corpus.

For every ``.bib`` file of the corpus (``tests/data/bib``) that Pandoc reads,
``pandoc -f biblatex -t csljson`` converts the original, and every entry of
its conversion is in our CSL-JSON of the same file with every variable Pandoc
gave a value equal to ours, modulo the normalisations ``docs/csl-ris.md``
lists (each one a function below). Where Pandoc has no value and we have one
(a date Pandoc cannot parse, a conference's book title), nothing is lost.
"""

from __future__ import annotations

import json
import pathlib
import re
import subprocess
import unicodedata
from collections.abc import Sequence
from typing import Any

import pytest
from tools import HANG, require_tool

from citations import Problem, Reference, language_tag, read_bibtex, write_csl_json
from citations.bibstrings import bibstrings_as_text
from citations.entrytypes import FIELD_ALIASES

DATA = pathlib.Path(__file__).parent / "data" / "bib"
#: Files Pandoc 2.17 refuses as they stand (tests/data/bib/SOURCES.md) or reads in
#: another encoding than theirs.
_UNREAD = {
    "bibtexparser-article_with_strings.bib": "Pandoc refuses @STRING( ... )",
    "bibtexparser-gbk_test.gbk.bib": "GBK: Pandoc reads UTF-8 only",
    "biber-crossrefs.bib": "Pandoc 2.17 never ends on its crossref loops (memory grows)",
    "gb7714-2015-example.bib": "Pandoc refuses a full-width comma in a key",
    "pybtex-cyrillic.bib": "Pandoc refuses its @preamble",
}
CORPUS = [
    pytest.param(path.name, marks=pytest.mark.skip(reason=_UNREAD[path.name]))
    if path.name in _UNREAD
    else path.name
    for path in sorted(DATA.glob("*.bib"))
]
#: The variables compared (Pandoc's conversion gives no others from these files).
VARIABLES = (
    "title", "container-title", "collection-title", "original-title",
    "author", "editor", "translator",
    "issued", "DOI", "URL", "ISBN", "ISSN",
    "page", "volume", "issue", "number", "edition",
    "publisher", "publisher-place", "event-place", "language",
)  # fmt: skip
#: The CSL variable of a biblatex field that has an alias (``FIELD_ALIASES``).
_ALIASED_VARIABLES = {"location": "publisher-place", "institution": "publisher"}
_TWO_FIELDS = re.compile(r"fields '([^']+)' and '([^']+)' both given|duplicate field '([^']+)'")


#: The CSL variable of a field given twice (we keep the first, as bibtex; Pandoc and
#: biber the last: test_round_trip_fidelity leaves these out too).
_CHAPTER_LIKE = frozenset({"inbook", "incollection", "inproceedings", "inreference", "bookinbook"})
_TWICE = {"editor": "editor", "author": "author", "isbn": "ISBN", "title": "title"}


def _as_pandoc_misreads(
    unresolved: Sequence[Reference], resolved: Sequence[Reference]
) -> set[tuple[str, str]]:
    """(key, variable) where Pandoc 2.17 reads a crossref child otherwise than biblatex:
    it replaces a child's own ``year`` by the parent's whole ``date`` (biber keeps the
    year and inherits the other parts, test_biblatex_model), along the whole chain; and it
    takes the ``maintitle`` of a work as the title of every type but its chapter-like ones
    (a ``@suppbook`` too), with the entry's own subtitle when the work has none (we keep
    the volume's title and subtitle in ``volume-title``)."""
    by_key = {ref.key: ref for ref in unresolved}
    found = set()
    for ref in unresolved:
        parent = by_key.get(ref.get("crossref") or "")
        if parent is not None and (ref.get("year") or ref.get("date") or parent.get("crossref")):
            found.add((ref.key, "issued"))
    for ref in resolved:
        if ref.get("maintitle") and ref.entry_type not in _CHAPTER_LIKE:
            found.add((ref.key, "title"))
    return found


_ENTRY_START = re.compile(r"@\s*[A-Za-z]+\s*\{\s*([^\s,]+)\s*,")
_COMMAND_BEFORE_AND = re.compile(
    r"\b(author|editor|translator)\s*=\s*\{[^=]*?\\[A-Za-z]+\s+and\s", re.IGNORECASE
)


def _as_pandoc_joins(text: str) -> set[tuple[str, str]]:
    """(key, variable) of a name list where a command ends a name before ``and``
    (biblatex-chicago's ``C.~M\\adddot and Maler, Eve``): biber splits the list at the
    ``and`` (ours as biber), Pandoc takes the space for the command's and joins two names."""
    found = set()
    for match in _COMMAND_BEFORE_AND.finditer(text):
        entries = list(_ENTRY_START.finditer(text, 0, match.start()))
        if entries:
            found.add((entries[-1][1], match[1].lower()))
    return found


_BIBSTRING = re.compile(r"\\bib[a-z]*string\s*(?:\[[^\]]*\])?\s*\{\s*([A-Za-z]+)\s*\}")


def _as_pandoc_keys(text: str, theirs: dict[str, dict[str, Any]]) -> set[tuple[str, str]]:
    """(key, variable) where Pandoc wrote a localisation string as its key (it knows a
    few: ``jourser`` is "series"), where we write the term (``revisededition``: "rev. ed.")."""
    keys = {
        key
        for key in _BIBSTRING.findall(text)
        if bibstrings_as_text(f"\\bibstring{{{key}}}") != key
    }
    return {
        (entry, variable)
        for entry, record in theirs.items()
        for variable, value in record.items()
        if isinstance(value, str) and any(re.search(rf"\b{key}\b", value) for key in keys)
    }


def _as_biber_reads(problems: Sequence[Problem]) -> set[tuple[str, str]]:
    """(key, variable) where Pandoc and biber read a field and its alias differently,
    biber's reading being ours: with ``school`` and ``institution`` (``address`` and
    ``location``) biber keeps the biblatex field alone (test_round_trip_fidelity),
    Pandoc joins both publishers (takes the address)."""
    found = set()
    for problem in problems:
        match = _TWO_FIELDS.search(problem.message)
        if match and problem.key:
            for field in filter(None, match.groups()):
                variable = _ALIASED_VARIABLES.get(FIELD_ALIASES.get(field.lower(), ""))
                if variable:
                    found.add((problem.key, variable))
                if match[3] and match[3].lower() in _TWICE:
                    found.add((problem.key, _TWICE[match[3].lower()]))
    return found


# ------------------------------------------------------------- normalisations

_TAG = re.compile(r"</?(?:i|b|sup|sub|span)\b[^>]*>")
_COMMAND = re.compile(r"\\([A-Za-z]+|[{}])")
_GREEK = re.compile(
    r"\\(varepsilon|varphi|epsilon|upsilon|lambda|Lambda|alpha|gamma|Gamma|delta|Delta|"
    r"theta|Theta|kappa|sigma|Sigma|omega|Omega|beta|zeta|iota|Psi|psi|Phi|phi|chi|eta|"
    r"rho|tau|mu|nu|xi|Xi|pi|Pi)"
)
_GREEK_LETTERS = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ϵ", "varepsilon": "ε",
    "zeta": "ζ", "eta": "η", "theta": "θ", "iota": "ι", "kappa": "κ", "lambda": "λ",
    "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π", "rho": "ρ", "sigma": "σ", "tau": "τ",
    "upsilon": "υ", "phi": "ϕ", "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω",
    "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π",
    "Sigma": "Σ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
}  # fmt: skip


def _case_and_tags(text: str) -> str:
    """Case-folded, without CSL's tags: Pandoc turns English titles to sentence case (CSL
    1.0.1's advice) and drops case-protecting braces; we keep the source's case and write
    its braces as ``nocase`` spans."""
    return _TAG.sub("", text).casefold()


def _typography(text: str) -> str:
    """Punctuation and symbols are not compared: Pandoc's smart quotes (``'`` as ’,
    ```x'`` as “x”), the dashes of page ranges (Pandoc keeps ``-``, we write the en
    dash LaTeX prints for ``--``), brackets around a command Pandoc drops. A dotless ı
    with an accent (from ``\\'{\\i}``) is í."""
    text = unicodedata.normalize("NFD", text)
    text = unicodedata.normalize("NFC", re.sub("ı(?=[\u0300-\u036f])", "i", text))
    return "".join(
        " " if unicodedata.category(char).startswith(("P", "S")) else char for char in text
    )


_DIMENSION = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:em|ex|pt)")


def _math(text: str) -> str:
    """Pandoc leaves some commands as written (``1\\Sigmag+``, ``\\hookrightarrow``,
    ``\\{``) and the dimension of a ``\\kern-.1em``: we print the commands' characters
    (``1Σg+``) or nothing, and no dimension."""
    text = _DIMENSION.sub("", _GREEK.sub(lambda match: _GREEK_LETTERS[match[1]], text))
    return _COMMAND.sub(lambda match: match[1] if match[1] in "{}" else " ", text)


def _text(value: str, *, ours: bool) -> str:
    value = _typography(_case_and_tags(value if ours else _math(value)))
    return " ".join(value.split())


def _name(name: dict[str, str], *, ours: bool) -> str:
    """A name as its parts' text: a family-only name is our ``literal`` (corporate bodies,
    CJK names), Pandoc's ``family``; a particle's kind is not compared (Pandoc reads a
    bare ``options = {useprefix}`` as false, biber as true)."""
    if "literal" in name:
        return _text(name["literal"], ours=ours)
    parts = ("given", "dropping-particle", "non-dropping-particle", "family", "suffix")
    return _text(" ".join(name[part] for part in parts if name.get(part)), ours=ours)


def _series(value: str) -> str:
    """A numeric ``series``: Pandoc writes it as biblatex prints it ("10th series")."""
    match = re.fullmatch(r"(\d+)(?:st|nd|rd|th) series", value)
    return match[1] if match else value


_OPEN_RANGE = re.compile(r"(\.\.|-?\d{4}(?:-\d\d){0,2})~?/(\.\.|-?\d{4}(?:-\d\d){0,2})")


def _open_range(date: dict[str, Any]) -> object:
    """An open range: CSL-JSON has none, so we keep EDTF's (``{"raw": "1980/.."}``);
    Pandoc writes the open end as year 0 (``[[1980], [0]]``)."""
    match = _OPEN_RANGE.fullmatch(date.get("raw", ""))
    if match is None or ".." not in match.groups():
        return date.get("date-parts")
    return [
        [0] if end == ".." else [int(part) for part in end.split("-")] for end in match.groups()
    ]


def normalised(variable: str, value: Any, *, ours: bool) -> object:
    """A CSL variable's value with the documented normalisations applied."""
    if variable == "language":  # Pandoc gives a langid a region: english is en-US
        return language_tag(value).split("-")[0]
    if variable in ("author", "editor", "translator"):
        return [_name(name, ours=ours) for name in value]
    if variable == "issued":
        uncertain = re.fullmatch(r"(\d{4})\?", value.get("raw", ""))
        if ours and uncertain:  # an uncertain year, kept as EDTF; Pandoc drops the ``?``
            return [[int(uncertain[1])]]
        return _open_range(value) if ours else value.get("date-parts")
    if variable == "collection-title" and not ours:
        value = _series(value)
    return _text(value, ours=ours)


def _periodical(record: dict[str, Any]) -> dict[str, Any]:
    """A ``@periodical`` is CSL 1.0.2's ``periodical`` with its title here; Pandoc 2.17
    has no such type and makes it an ``article-journal`` whose container is the entry's
    ``title`` (ours too, but for a periodical with a ``maintitle``, whose own title is our
    ``volume-title``; an issue with its own title has the periodical's as container in
    both)."""
    if record.get("type") == "periodical" and "title" in record and "container-title" not in record:
        return {**record, "container-title": record.get("volume-title", record["title"])}
    return record


# ------------------------------------------------------------- the comparison


def _empty(value: object) -> bool:
    return value in (None, "", [], {}, {"date-parts": []})


def _differences(
    as_biber_reads: set[tuple[str, str]],
    theirs: dict[str, dict[str, Any]],
    ours: dict[str, dict[str, Any]],
) -> list[str]:
    differences = []
    for key, their_record in theirs.items():
        if key not in ours:
            differences.append(f"{key}: missing")
            continue
        our_record = _periodical(ours[key])
        for variable in VARIABLES:
            their_value = their_record.get(variable)
            if _empty(their_value) or (key, variable) in as_biber_reads:
                continue
            our_value = our_record.get(variable)
            if _empty(our_value) or not _kept(
                normalised(variable, their_value, ours=False),
                normalised(variable, our_value, ours=True),
            ):
                differences.append(f"{key}: {variable}: {their_value!r} -> {our_value!r}")
    return differences


def _kept(theirs: object, ours: object) -> bool:
    """Nothing of Pandoc's value missing from ours: equal values, but for a text each of
    Pandoc's characters in ours, in order, and for a name list each of its names: where the
    original has a command no one knows (TUGboat's ``\\Dash {August}``,
    ``\\rlap{Lutz Birkhahn}``), Pandoc drops it with the group after it, we print the group."""
    if isinstance(theirs, str) and isinstance(ours, str):
        return _in_order(theirs.replace(" ", ""), ours.replace(" ", ""))
    if isinstance(theirs, list) and isinstance(ours, list):
        return _in_order(theirs, ours)
    return theirs == ours


def _in_order(part: Sequence[object], whole: Sequence[object]) -> bool:
    items = iter(whole)
    return all(any(item == wanted for item in items) for wanted in part)


@pytest.mark.parametrize("name", CORPUS)
def test_csl_json_keeps_what_pandoc_reads(tmp_path: pathlib.Path, name: str) -> None:
    """Every entry Pandoc converts from the original is in our CSL-JSON, same values."""
    pandoc = require_tool("pandoc")
    done = subprocess.run(
        [pandoc, "-f", "biblatex", "-t", "csljson", str(DATA / name)],
        capture_output=True,
        text=True,
        timeout=HANG,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    theirs = {record["id"]: record for record in json.loads(done.stdout)}
    result = read_bibtex(DATA / name, strict=False)
    ours = {record["id"]: record for record in json.loads(write_csl_json(result.references))}
    unresolved = read_bibtex(DATA / name, strict=False, resolve_crossref=False).references
    skipped = _as_biber_reads(result.problems) | _as_pandoc_misreads(unresolved, result.references)
    text = (DATA / name).read_text(encoding="utf-8")
    skipped |= _as_pandoc_joins(text) | _as_pandoc_keys(text, theirs)
    differences = _differences(skipped, theirs, ours)
    assert differences == [], f"{len(differences)} differences:\n" + "\n".join(differences[:40])
