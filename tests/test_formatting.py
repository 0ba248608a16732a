"""Formatted bibliographies through pybtex styles, with CJK and literal names kept whole."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from citations import (
    Contributor,
    FormatError,
    Reference,
    format_bibliography,
    format_reference,
    read_bibtex,
)
from tests.tools import HANG, require_tool

DATA = Path(__file__).parent / "data" / "bib"

ARTICLE = Reference(
    "fang2022",
    "article",
    {
        "title": "数字化转型是否促进了企业内共同富裕?——来自中国A股上市公司的证据",
        "journaltitle": "数量经济技术经济研究",
        "date": "2022-11",
        "pages": "50--70",
        "url": "https://kns.cnki.net/x?a=1&b=c_d%20e~f",
    },
    [
        Contributor(family="方", given="明月"),
        Contributor(literal="欧阳向英"),
        Contributor(literal="European Research Council"),
    ],
    "zh",
)
WESTERN = Reference(
    "poussin1899",
    "book",
    {"title": "Cours d'analyse 50% & more", "publisher": "Gauthier", "year": "1899"},
    [Contributor(family="Poussin", particle="de la Vallée", given="Charles Jean", suffix="Jr.")],
    "en",
)


def test_cjk_names_in_family_given_order() -> None:
    """CJK names render family first without a space; literal names stay whole."""
    text = format_reference(ARTICLE)
    assert text.startswith("方明月, 欧阳向英, and European Research Council. ")
    assert "中国A股" in text  # no English sentence case on a Chinese title
    assert "数量经济技术经济研究, pages 50–70, November 2022." in text
    assert "URL: https://kns.cnki.net/x?a=1&b=c_d%20e~f." in text


def test_western_names_and_escaping_per_output() -> None:
    """Given-first Western names; each output escapes what it must and keeps URLs working."""
    assert format_reference(WESTERN) == (
        "Charles Jean de la Vallée Poussin, Jr. Cours d'analyse 50% & more. Gauthier, 1899."
    )
    html = format_reference(WESTERN, output="html")
    assert "50% &amp; more" in html and "<em>Cours" in html
    latex = format_reference(WESTERN, output="latex")
    assert "50\\% \\& more" in latex and "\\newblock" in latex
    markdown = format_reference(ARTICLE, output="markdown")
    assert "(https://kns.cnki.net/x?a=1&b=c_d%20e~f)" in markdown


def test_font_commands_are_each_outputs_markup() -> None:
    """\\emph, \\mkbibemph, \\textbf, \\textsubscript are laid out per output, not printed
    ("\\emph The" in pybtex's reading); the emphasised text keeps its case."""
    ref = Reference(
        "k",
        "article",
        {"title": "Review of \\emph{The Last Marlin}, \\textbf{H\\textsubscript{2}O}",
         "journaltitle": "J", "date": "2000"},
        [Contributor(family="Barcott", given="Bruce")],
        "en",
    )  # fmt: skip
    outputs = {output: format_reference(ref, "plain", output) for output in
               ("text", "html", "markdown", "latex")}  # fmt: skip
    assert "Review of The Last Marlin, H2O" in outputs["text"]
    assert '<i><span class="bibtex-protected">The Last Marlin</span></i>' in outputs["html"]
    assert "<sub>" in outputs["html"] and "<b>" in outputs["html"]
    assert "Review of _The Last Marlin_, __H~2~O__" in outputs["markdown"]
    assert "\\emph{{The Last Marlin}}" in outputs["latex"]
    assert all("emph" not in text for key, text in outputs.items() if key != "latex")
    hostile = ref.with_fields(title="\ue010x \\emph{unclosed")
    assert "<i>" not in format_reference(hostile, "plain", "html")


def test_bibliography_outputs() -> None:
    """Text lines with labels, Markdown paragraphs, an HTML dl and a thebibliography."""
    refs = [WESTERN, ARTICLE]
    text = format_bibliography(refs)
    assert text.splitlines()[0].startswith("[1] Charles Jean de la Vallée Poussin")
    assert text.splitlines()[1].startswith("[2] 方明月")
    assert format_bibliography(refs, output="markdown").startswith("\\[1\\] Charles Jean")
    html = format_bibliography(refs, output="html")
    assert html.startswith('<dl class="bibliography">\n<dt id="ref-poussin1899">1</dt>')
    latex = format_bibliography(refs, style="alpha", output="latex")
    assert latex.startswith("\\begin{thebibliography}{")
    assert "\\bibitem[dlVP99]{poussin1899}" in latex and latex.endswith("\\end{thebibliography}\n")


def test_unsrt_keeps_input_order_and_plain_sorts() -> None:
    """plain sorts by author, year, title; unsrt keeps the given order."""
    late = Reference(
        "z", "book", {"title": "Z", "publisher": "P", "year": "1999"}, [Contributor(family="Zed")]
    )
    early = Reference(
        "a", "book", {"title": "A", "publisher": "P", "year": "1999"}, [Contributor(family="Able")]
    )
    assert format_bibliography([late, early]).index("Zed") > format_bibliography(
        [late, early]
    ).index("Able")
    unsrt = format_bibliography([late, early], style="unsrt")
    assert unsrt.index("Zed") < unsrt.index("Able")


def test_missing_required_fields_fall_back_to_misc() -> None:
    """An article without a journal is laid out as misc instead of failing."""
    ref = Reference(
        "k", "article", {"title": "Only a title", "year": "2001"}, [Contributor(family="Li")]
    )
    assert format_reference(ref) == "Li. Only a title. 2001."


@pytest.mark.parametrize(("style", "output"), [("chicago", "text"), ("plain", "pdf")])
def test_unknown_style_or_output(style: str, output: str) -> None:
    """Unknown styles and outputs raise FormatError naming the choices."""
    with pytest.raises(FormatError, match="use one of"):
        format_reference(WESTERN, style=style, output=output)


def test_corpus_formats_in_every_style() -> None:
    """Real-world entries (CJK, Cyrillic, crossref) format in every style and output."""
    refs = []
    for name in ("broad.bib", "pybtex-cyrillic.bib", "bbt-2624-cjk-literal-names.bib"):
        refs += read_bibtex(DATA / name, strict=False).references
    for style in ("plain", "unsrt", "alpha", "unsrtalpha"):
        for output in ("text", "markdown", "html", "latex"):
            result = format_bibliography(refs, style=style, output=output)
            assert result.count("\n") >= len(refs)
    assert "东方不败" in format_bibliography(refs)


def test_latex_output_compiles_with_xelatex(tmp_path: Path) -> None:
    """The LaTeX bibliography of a broad set compiles with xelatex without errors."""
    xelatex = require_tool("xelatex")
    refs = read_bibtex(DATA / "broad.bib").references
    body = format_bibliography(refs, output="latex")
    keys = ",".join(ref.key for ref in refs)
    document = (
        "\\documentclass{article}\n\\usepackage{fontspec}\n\\usepackage{xeCJK}\n"
        "\\setCJKmainfont{Noto Serif CJK SC}\n"
        "\\usepackage{hyperref}\n\\begin{document}\n"
        f"\\nocite{{{keys}}}\n{body}\\end{{document}}\n"
    )
    (tmp_path / "doc.tex").write_text(document, encoding="utf-8")
    result = subprocess.run(
        [xelatex, "-interaction=nonstopmode", "-halt-on-error", "doc.tex"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=HANG,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:]
