"""Citation keys: one check refuses keys TeX or BibTeX would misread and keys that look alike."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from tools import require_tool

from citations import (
    BibTeXParseError,
    Contributor,
    CSLJSONParseError,
    InvalidKey,
    InvalidReference,
    Reference,
    RISParseError,
    check_key,
    parse_bibtex,
    parse_csl_json,
    parse_ris,
    read_bibtex,
    write_bibtex,
)

#: Keys that look like smith2020 (or like nothing) but are not it.
LOOKALIKES = {
    "zero width space": "smith\u200b2020",
    "zero width joiner": "smith\u200d2020",
    "word joiner": "smith2020\u2060",
    "byte order mark": "\ufeffsmith2020",
    "soft hyphen": "smi\u00adth2020",
    "right-to-left override": "smith\u202e0202",
    "left-to-right mark": "smith2020\u200e",
    "combining grapheme joiner": "smith\u034f2020",
    "variation selector": "smith2020\ufe0f",
    "Mongolian vowel separator": "smith\u180e2020",
    "Hangul filler": "smith\u31642020",
    "Cyrillic i": "sm\u0456th2020",
    "Greek omicron": "j\u03bfnes2020",
    "no-break space": "smith\u00a02020",
    "ideographic space": "smith\u30002020",
    "line separator": "smith\u20282020",
    "decomposed accent (not NFC)": "me\u0301ndez2020",
}
#: Keys with a character BibTeX, biber or TeX reads as markup.
UNSAFE = {
    "caret (^^5c is a backslash)": "k^^5cinput/etc/hostname",
    "backslash": "k\\input",
    "open brace": "k{",
    "close brace": "k}x",
    "percent": "k%x",
    "hash": "k#x",
    "tilde": "k~x",
    "comma": "a,b",
    "space": "a b",
    "tab": "a\tb",
    "newline": "a\nb",
    "NUL": "a\x00b",
    "escape": "a\x1b[2Jb",
    "double quote": 'a"b',
    "single quote": "a'b",
    "equals": "a=b",
    "parenthesis": "a(b)",
    "empty": "",
}
#: Keys in use that stay valid: seed, corpus and Better BibTeX styles.
VALID = [
    "ouyang2021feilianmeng",
    "doe:2020",
    "a-b_c.d/e+f",
    "Gosele1999161",
    "欧阳2021",
    "中国第一历史档案馆2001--a",
    "埃伯哈德$ullet$蔡德勒等2012--",
    "ivanov-иванов2020",
    "Медведев2006",
    "x!*;<>?@[]|`&",
]


@pytest.mark.parametrize("key", LOOKALIKES.values(), ids=LOOKALIKES.keys())
def test_keys_that_look_like_another_are_refused(key: str) -> None:
    """An invisible, bidi, mixed-script or non-NFC key is refused, naming the key."""
    with pytest.raises(InvalidKey) as caught:
        Reference(key, "book", {"title": "T"})
    assert caught.value.key == key
    assert repr(key) in str(caught.value)


@pytest.mark.parametrize("key", UNSAFE.values(), ids=UNSAFE.keys())
def test_keys_tex_or_bibtex_would_misread_are_refused(key: str) -> None:
    """A key with TeX or BibTeX markup is refused with a typed error saying which character."""
    with pytest.raises(InvalidKey, match="citation key") as caught:
        check_key(key)
    assert isinstance(caught.value, InvalidReference)
    if key:
        assert "at character" in str(caught.value)


@pytest.mark.parametrize("key", VALID)
def test_keys_in_use_stay_valid(key: str) -> None:
    """Seed and corpus keys, any script's letters and common punctuation are accepted as is."""
    assert check_key(key) == key
    assert Reference(key, "book", {"title": "T"}).key == key


def test_seed_keys_are_valid() -> None:
    """Every key of the seed bibliography passes the check."""
    seeds = Path(__file__).parent.parent / "seeds" / "references.bib"
    result = read_bibtex(seeds, strict=False)
    assert result.references and not result.problems
    assert all(check_key(ref.key) == ref.key for ref in result.references)


def test_bibtex_reader_names_file_line_and_key(tmp_path: Path) -> None:
    """A hostile key in a .bib is a problem (or, strict, an error) naming file, line and key."""
    text = "@book{good,\n  title = {T}\n}\n\n@book{k^^5cinput/etc/hostname,\n  title = {T}\n}\n"
    path = tmp_path / "stranger.bib"
    path.write_text(text, "utf-8")
    result = read_bibtex(path, strict=False)
    assert [ref.key for ref in result.references] == ["good"]
    (problem,) = result.problems
    assert problem.line == 5 and problem.key == "k^^5cinput/etc/hostname"
    assert str(path) in problem.source and "^" in problem.message
    with pytest.raises(BibTeXParseError, match=r"stranger\.bib:5: .*k\^\^5cinput"):
        read_bibtex(path, strict=True)
    zero_width = "@book{smith\u200b2020,\n  title = {T}\n}\n"
    with pytest.raises(BibTeXParseError, match=r"<string>:1: .*U\+200B ZERO WIDTH SPACE"):
        parse_bibtex(zero_width, strict=True)


def test_csl_json_and_ris_readers_name_the_record() -> None:
    """CSL-JSON names the record number, RIS the line, of a refused key."""
    records = json.dumps([{"id": "ok", "type": "book"}, {"id": "smith\u202e2020", "type": "book"}])
    with pytest.raises(CSLJSONParseError, match=r"record 2 .*RIGHT-TO-LEFT OVERRIDE"):
        parse_csl_json(records)
    ris = "TY  - BOOK\nID  - ok\nER  -\nTY  - BOOK\nID  - a~b\nER  -\n"
    with pytest.raises(RISParseError, match=r"<string>:4: .*'a~b'"):
        parse_ris(ris)


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["biber", "bibtex"])
def test_every_allowed_punctuation_resolves_in_cite(tmp_path: Path, backend: str) -> None:
    """xelatex resolves \\cite for keys with each ASCII punctuation the check allows."""
    xelatex = require_tool("xelatex")
    processor = require_tool(backend)
    keys = [f"a{char}b" for char in "!$&*+-./:;<>?@[]_`|"]
    refs = [
        Reference(key, "book", {"title": "T", "publisher": "P", "date": "2000"},
                  [Contributor(family="Doe", given="Jane")])
        for key in keys
    ]  # fmt: skip
    dialect = "biblatex" if backend == "biber" else "bibtex"
    (tmp_path / "refs.bib").write_text(write_bibtex(refs, dialect=dialect), "utf-8")
    if backend == "biber":
        preamble = "\\usepackage[backend=biber]{biblatex}\\addbibresource{refs.bib}"
        end = "\\printbibliography"
    else:
        preamble = "\\usepackage[numbers]{natbib}"
        end = "\\bibliographystyle{plainnat}\\bibliography{refs}"
    cites = "".join(f"\\cite[{{p. 1}}]{{{key}}} " for key in keys)
    (tmp_path / "doc.tex").write_text(
        f"\\documentclass{{article}}{preamble}\\begin{{document}}{cites}{end}\\end{{document}}\n",
        "utf-8",
    )
    latex = [xelatex, "-interaction=nonstopmode", "-halt-on-error", "doc.tex"]
    for command in (latex, [processor, "doc"], latex, latex):
        run = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, run.stdout[-3000:]
    log = (tmp_path / "doc.log").read_text("utf-8", errors="replace")
    assert "undefined" not in log, log[-3000:]
