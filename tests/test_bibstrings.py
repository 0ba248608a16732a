"""biblatex's localisation strings: kept in biblatex, text everywhere else.

``\\bibstring{jourser}`` reaches no CSL-JSON, RIS or classic BibTeX (their text is
biblatex's, from its ``.lbx`` files, in the reference's language); the biblatex
dialect writes the command, which biblatex prints. The table is checked against the
installed ``english.lbx`` and ``russian.lbx``, the outputs with real bibtex and biber.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from tools import build_bibliography, require_tool, run_tool

from citations import Contributor, Reference, parse_bibtex, read_bibtex, write_bibtex
from citations.bibstrings import bibstrings_as_text
from citations.csl import write_csl_json
from citations.ris import write_ris

ROOT = Path(__file__).resolve().parents[1]
REVIEW = Reference(
    "verdi",
    "review",
    {
        "title": "\\bibstring{reviewof} \\mkbibemph{Il corsaro}",
        "journaltitle": "Opera Quarterly",
        "number": "\\bibstring{jourser} 1, Operas",
        "date": "1998",
    },
    [Contributor(family="Hudson", given="Elizabeth")],
    "en",
)


def test_each_variant_gives_the_term_biblatex_prints() -> None:
    """Long by default and with ``l``, short with ``s``; ``cp`` capitalises, ``uc`` and ``lc``
    set the case; the optional wrapper is dropped; spaces inside the braces do not matter."""
    cases = {
        "\\bibstring{jourser} 1": "series 1",
        "\\biblstring{volume}": "volume",
        "\\bibsstring{volume} 2": "vol. 2",
        "\\bibcpstring{reviewof} X": "Review of X",
        "\\bibcpsstring{number}": "No.",
        "\\bibucstring{and}": "AND",
        "\\biblcstring{nodate}": "no date",
        "\\bibxstring{edition}": "edition",
        "\\bibstring[\\mkbibemph]{ newseries }": "new series",
        "no string here": "no string here",
        "\\bibliography{x}": "\\bibliography{x}",
    }
    assert {value: bibstrings_as_text(value) for value in cases} == cases


def test_the_language_chooses_the_table() -> None:
    """A Russian reference's terms are russian.lbx's; a language without a table here is
    English; biblatex-chicago's own keys are its English terms; a key nobody defines is
    the key."""
    assert bibstrings_as_text("\\bibstring{jourser} 2", "ru-RU") == "серия 2"
    assert bibstrings_as_text("\\bibsstring{volume} 2", "ru") == "т. 2"
    assert bibstrings_as_text("\\bibstring{jourser} 2", "de") == "series 2"
    assert bibstrings_as_text("\\bibstring{by} Waitzkin", "en") == "by Waitzkin"
    assert bibstrings_as_text("\\bibstring{revisededition}", "ru") == "rev. ed."
    assert bibstrings_as_text("\\bibstring{nosuchterm} x") == "nosuchterm x"


def test_no_bibstring_reaches_csl_json_or_ris() -> None:
    """CSL-JSON and RIS get the text; a review is CSL's ``review`` with its issue."""
    (record,) = json.loads(write_csl_json([REVIEW]))
    assert record["title"] == "review of <i>Il corsaro</i>"
    assert (record["type"], record["issue"]) == ("review", "series 1, Operas")
    assert record["container-title"] == "Opera Quarterly"
    ris = write_ris([REVIEW])
    assert "TI  - review of Il corsaro" in ris and "IS  - series 1, Operas" in ris
    assert "bibstring" not in ris


def test_biblatex_keeps_the_command_and_classic_bibtex_gets_the_text() -> None:
    """The biblatex dialect writes ``\\bibstring`` (it reads back the same); the classic
    one, whose styles know no localisation strings, the English text."""
    biblatex = write_bibtex([REVIEW])
    assert "  number = {\\bibstring{jourser} 1, Operas}" in biblatex
    assert parse_bibtex(biblatex).references == (REVIEW,)
    classic = write_bibtex([REVIEW], dialect="bibtex")
    assert "  number = {series 1, Operas}" in classic and "bibstring" not in classic


def test_real_biblatex_and_bibtex_print_the_term(tmp_path: Path) -> None:
    """biber and biblatex print the term of what the biblatex dialect writes (its short
    form: biblatex abbreviates by default), bibtex's .bbl has the text of the classic one."""
    bibtex = require_tool("bibtex")
    require_tool("biber")
    pdftotext = require_tool("pdftotext")
    (tmp_path / "refs.bib").write_text(write_bibtex([REVIEW]), "utf-8")
    log = build_bibliography(
        tmp_path,
        "\\usepackage[backend=biber]{biblatex}\\addbibresource{refs.bib}",
        "\\printbibliography",
    )
    assert "Missing string" not in log, log[-3000:]
    words = " ".join(run_tool([pdftotext, "doc.pdf", "-"], tmp_path).stdout.split())
    assert "Rev. of Il corsaro" in words and "ser. 1, Operas" in words, words
    assert "mkbib" not in words and "bibstring" not in words
    classic = tmp_path / "classic"
    classic.mkdir()
    (classic / "refs.bib").write_text(write_bibtex([REVIEW], dialect="bibtex"), "utf-8")
    (classic / "doc.aux").write_text(
        "\\relax\n\\citation{*}\n\\bibstyle{plain}\n\\bibdata{refs}\n", encoding="utf-8"
    )
    run = run_tool([bibtex, "doc"], classic)
    assert run.returncode == 0, run.stdout
    bbl = (classic / "doc.bbl").read_text("utf-8")
    assert "series 1, Operas" in bbl and "review of \\emph{Il corsaro}" in bbl
    assert "bibstring" not in bbl and "mkbib" not in bbl


def test_the_table_is_biblatexs() -> None:
    """citations/data/bibstrings.tsv is what docs/gen_bibstrings.py makes from the installed
    english.lbx, russian.lbx and biblatex-chicago's cms-american.lbx (run it after a
    biblatex update)."""
    require_tool("kpsewhich")
    spec = importlib.util.spec_from_file_location(
        "gen_bibstrings", ROOT / "docs" / "gen_bibstrings.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    table = (ROOT / "citations" / "data" / "bibstrings.tsv").read_text("utf-8")
    assert table == module.render(), "run python docs/gen_bibstrings.py"
    assert "en\tjourser\tseries\tser.\n" in table and "ru\tjourser\tсерия\tсер.\n" in table
    assert "en\trevisededition\trev. ed.\trev. ed.\n" in table  # biblatex-chicago's


@pytest.mark.parametrize("name", ["notes", "dates"])
def test_the_chicago_tests_reach_csl_json_and_ris_without_latex(name: str) -> None:
    """biblatex-chicago's test files (24 entries with bibstrings in each): no
    ``\\bibstring`` in CSL-JSON or RIS text, and no ``\\mkbib...`` command."""
    path = ROOT / "tests" / "data" / "bib" / f"biblatex-chicago-{name}-test.bib"
    refs = read_bibtex(path, strict=False).references
    for text in (write_csl_json(refs), write_ris(refs)):
        assert "bibstring" not in text and "mkbib" not in text
