"""biblatex's own text commands become plain LaTeX in the classic dialect (natbib
documents define none of them), and stay as they are in the biblatex dialect."""

from __future__ import annotations

from pathlib import Path

from tools import build_bibliography, require_tool

from citations import Reference, parse_bibtex, write_bibtex
from citations.classic import classic_latex


def test_each_command_becomes_plain_latex() -> None:
    """Wrappers become the kernel's commands or marks around their argument (nested too),
    punctuation commands their mark, localisation strings their text; others stay."""
    cases = {
        "\\mkbibemph{The {Last} Marlin}": "\\emph{The {Last} Marlin}",
        "\\mkbibitalic{a} \\mkbibbold{b}": "\\textit{a} \\textbf{b}",
        "H\\mkbibsuperscript{+} \\mkbibsubscript{2}": "H\\textsuperscript{+} \\textsubscript{2}",
        "\\mkbibquote{Hammer \\mkbibemph{klavier}}": "“Hammer \\emph{klavier}”",
        "XML \\mkbibparens{W3C} \\mkbibbrackets {sic}": "XML (W3C) [sic]",
        "C.~M\\adddot\\ and \\isdot x": "C.~M.\\ and x",  # TeX ends a command at the space
        "\\bibstring{reviewof} X": "review of X",
        "\\mkbibemph x": "\\emph x",
        "\\mkbibquote": "",
        "\\mkbibemphasis{x} \\emph{y}": "\\mkbibemphasis{x} \\emph{y}",
        "\\mkbibquote{unclosed": "{unclosed",
    }
    assert {value: classic_latex(value) for value in cases} == cases


def test_the_dialects_write_what_their_documents_define() -> None:
    """biblatex keeps \\mkbibemph and \\mkbibquote as commands (reading back the same);
    the classic dialect writes \\emph and quotation marks."""
    ref = Reference("k", "article", {"title": "\\mkbibemph{X} and \\mkbibquote{Y}", "date": "2000"})
    biblatex = write_bibtex([ref])
    assert "  title = {\\mkbibemph{X} and \\mkbibquote{Y}}" in biblatex
    assert parse_bibtex(biblatex).references == (ref,)
    assert "  title = {\\emph{X} and “Y”}" in write_bibtex([ref], dialect="bibtex")


def test_a_natbib_document_builds_from_the_classic_dialect(tmp_path: Path) -> None:
    """xelatex and bibtex (plainnat) build a natbib document from what the classic dialect
    writes of biblatex-only markup, with no undefined command."""
    require_tool("bibtex")
    ref = Reference(
        "k",
        "article",
        {
            "title": "\\bibstring{reviewof} \\mkbibemph{X}, \\mkbibquote{y} \\mkbibparens{z}",
            "journaltitle": "J",
            "date": "2000",
        },
    )
    (tmp_path / "refs.bib").write_text(write_bibtex([ref], dialect="bibtex"), "utf-8")
    log = build_bibliography(
        tmp_path, "\\usepackage{natbib}", "\\bibliographystyle{plainnat}\\bibliography{refs}"
    )
    assert "Undefined control sequence" not in log
    assert "review of \\emph{X}, “y” (z)" in (tmp_path / "doc.bbl").read_text("utf-8")
