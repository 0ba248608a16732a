"""One language table: BCP 47 tags in references, langid names LaTeX accepts in .bib files."""

from __future__ import annotations

import json
import pathlib
import re
import subprocess

import pytest

from citations import (
    Contributor,
    Reference,
    langid_name,
    language_tag,
    parse_bibtex,
    parse_csl_json,
    parse_ris,
    write_bibtex,
    write_csl_json,
    write_ris,
)
from tests.tools import HANG, require_tool

REFS = (
    Reference(
        "zh",
        "book",
        {"title": "中俄关系", "date": "2020", "publisher": "人民出版社", "location": "北京"},
        [Contributor(family="欧阳", given="向英")],
        "zh-CN",
    ),
    Reference(
        "ru",
        "book",
        {"title": "Война и мир", "date": "1869", "publisher": "Наука", "location": "Москва"},
        [Contributor(family="Толстой", given="Лев")],
        "ru-RU",
    ),
    Reference(
        "en",
        "book",
        {"title": "The Grand Chessboard", "date": "1997", "publisher": "Basic Books"},
        [Contributor(family="Brzezinski", given="Zbigniew")],
        "en-US",
    ),
)
LANGIDS = {"zh": "chinese", "ru": "russian", "en": "american"}


@pytest.mark.parametrize(
    ("tag", "name"),
    [
        ("zh-CN", "chinese"),
        ("zh-Hant-TW", "chinese"),
        ("ru-RU", "russian"),
        ("en-US", "american"),
        ("en", "english"),
        ("en-GB", "british"),
        ("de-DE", "ngerman"),
        ("de-1901", "german"),
        ("de-CH-1901", "swissgerman"),
        ("pt-BR", "brazilian"),
        ("sr-Cyrl-RS", "serbianc"),
        ("ka", "ka"),
    ],
)
def test_tags_become_langid_names(tag: str, name: str) -> None:
    """A tag is written as the most specific langid name the table has; unknown ones stay tags."""
    assert langid_name(tag) == name


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        ("chinese", "zh"),
        ("Russian", "ru"),
        ("american", "en-US"),
        ("USenglish", "en-US"),
        ("zh_cn", "zh-CN"),
        ("ZH-hans-cn", "zh-Hans-CN"),
        ("rus", "ru"),
        ("german", "de-1901"),
        ("ngerman", "de"),
        ("中文", "zh"),
        ("русский", "ru"),
        ("es-419", "es-419"),
        ("Klingon and Elvish", "Klingon and Elvish"),
    ],
)
def test_what_files_say_becomes_a_tag(text: str, tag: str) -> None:
    """langid names, English and native names, ISO 639-2 codes and tags in any case read as tags."""
    assert language_tag(text) == tag


def test_every_writer_and_reader_uses_the_table() -> None:
    """BibTeX langid/language, CSL-JSON language and RIS LA go through the one table, both ways."""
    bib = write_bibtex(REFS)
    for key, name in LANGIDS.items():
        assert re.search(rf"@book\{{{key},[^@]*langid = \{{{name}\}}", bib), (key, bib)
    assert [ref.language for ref in parse_bibtex(bib).references] == ["zh", "ru", "en-US"]
    csl = json.loads(write_csl_json(REFS))
    assert [record["language"] for record in csl] == ["zh-CN", "ru-RU", "en-US"]
    assert [ref.language for ref in parse_csl_json('[{"id": "a", "language": "zh_CN"}]')] == [
        "zh-CN"
    ]
    assert "LA  - ru-RU" in write_ris(REFS)
    (ris,) = parse_ris("TY  - BOOK\nID  - a\nTI  - T\nLA  - Chinese\nER  - \n")
    assert ris.language == "zh"


def test_bibtex_language_field_without_langid_is_the_language() -> None:
    """Zotero writes `language = {zh-CN}` where it has no langid: that is the reference's
    language, and it is written as a key biblatex localises (never a raw tag)."""
    (ref,) = parse_bibtex("@book{a, title={T}, language={zh-CN}}").references
    assert ref.language == "zh-CN"
    written = write_bibtex([ref])
    assert "langid = {chinese}" in written and "language = {chinese}" in written
    (named,) = parse_bibtex("@book{a, title={T}, language={English}}").references
    assert "language = {English}" in write_bibtex([named])  # a name stays as written


def _run(args: list[str], cwd: pathlib.Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, cwd=cwd, capture_output=True, text=True, encoding="utf-8", timeout=HANG, check=False
    )


def test_biber_validates_the_langid_names(tmp_path: pathlib.Path) -> None:
    """biber --validate-datamodel accepts what we write for zh-CN, ru-RU and en-US."""
    biber = require_tool("biber")
    (tmp_path / "refs.bib").write_text(write_bibtex(REFS), encoding="utf-8")
    result = _run(
        [biber, "--tool", "--validate-datamodel", "--output-file=out.bib", "refs.bib"], tmp_path
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0 and "WARN" not in output and "ERROR" not in output, output


_FONTS = r"""\usepackage{fontspec}
\setmainfont{DejaVu Serif}
"""
_POLYGLOSSIA = r"""\usepackage{polyglossia}
\setmainlanguage{%s}
\setotherlanguages{%s}
\usepackage{xeCJK}
\setCJKmainfont{Noto Serif CJK SC}
"""
# Each entry's title reports the language biblatex switched to for it.
_REPORT = r"\DeclareFieldFormat{title}{\typeout{LANGUAGE \thefield{entrykey}=\currentlang}#1}"
SETUPS = {
    "babel": (_FONTS + "\\usepackage[russian,american,english]{babel}\n", "", ("ru", "en")),
    "polyglossia": (_FONTS + _POLYGLOSSIA % ("english", "russian,chinese"), "", tuple(LANGIDS)),
    "gb7714-2015": (
        _FONTS + _POLYGLOSSIA % ("english", "russian,chinese"),
        "style=gb7714-2015,",
        (),
    ),
    "gost-numeric": (
        _FONTS + _POLYGLOSSIA % ("russian", "english,chinese"),
        "style=gost-numeric,",
        ("ru", "en"),
    ),
}


@pytest.mark.parametrize("setup", list(SETUPS))
def test_latex_switches_to_each_langid(tmp_path: pathlib.Path, setup: str) -> None:
    """xelatex + biber with babel, polyglossia, biblatex-gb7714-2015 and biblatex-gost: no error,
    and biblatex sets each entry in the language its langid names."""
    xelatex, biber = require_tool("xelatex"), require_tool("biber")
    preamble, style, checked = SETUPS[setup]
    (tmp_path / "refs.bib").write_text(write_bibtex(REFS), encoding="utf-8")
    cites = ",".join(LANGIDS) if setup != "babel" else "ru,en"
    (tmp_path / "doc.tex").write_text(
        "\\documentclass{article}\n" + preamble + f"\\usepackage[backend=biber,{style}"
        "autolang=other]{biblatex}\n\\addbibresource{refs.bib}\n" + _REPORT + "\n"
        f"\\begin{{document}}\n\\nocite{{{cites}}}\n\\printbibliography\n\\end{{document}}\n",
        encoding="utf-8",
    )
    latex = [xelatex, "-interaction=nonstopmode", "-halt-on-error", "doc"]
    first = _run(latex, tmp_path)
    assert first.returncode == 0, first.stdout[-3000:]
    bib = _run([biber, "doc"], tmp_path)
    assert bib.returncode == 0 and "ERROR" not in bib.stdout, bib.stdout
    assert not [line for line in bib.stdout.splitlines() if "langid" in line], bib.stdout
    second = _run(latex, tmp_path)
    assert second.returncode == 0, second.stdout[-3000:]
    log = (tmp_path / "doc.log").read_text(encoding="utf-8", errors="replace")
    reported = dict(re.findall(r"^LANGUAGE (\w+)=(\S+)$", log, re.MULTILINE))
    for key in checked:
        assert reported.get(key) == LANGIDS[key], (key, reported)
    assert "Undefined control sequence" not in log
