"""Every document prints references through one formatter, in the document's citation style."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import attrs
import pytest
from click.testing import CliRunner

from citations import format_entries, read_bibtex
from timeline import DocumentError
from timeline.application import Timeline
from timeline.chronology import Chronology
from timeline.cli import cli
from timeline.documents import DocumentOptions, render, write_bibliography
from timeline.documents import sources as documents_sources
from timeline.importing import read_events

SEEDS = Path(__file__).parent.parent / "seeds"
STYLE = "chicago-author-date"  # the default for English documents


@pytest.fixture(scope="module")
def seed() -> Chronology:
    refs = read_bibtex(SEEDS / "references.bib").references
    with Timeline.open(":memory:", author="test") as tl:
        tl.import_periodo(SEEDS / "prc-five-year-plans.jsonld")
        tl.import_plan(read_events(SEEDS / "events.toml"), refs)
        return tl.chronology(title="Seed")


def _private_notes(chronology: Chronology) -> list[str]:
    """A long enough piece of each reference's internal note to spot it in a document."""
    return [ref.get("note", "")[:40] for _key, ref in chronology.references if ref.get("note")]


@pytest.mark.parametrize("fmt", ["markdown", "html", "svg", "timelinejs"])
def test_no_private_note_and_no_bare_key(seed: Chronology, fmt: str) -> None:
    """No document prints a reference's internal note, or a citation key in place of it."""
    text = render(seed, fmt, DocumentOptions(flavour="footnotes"))
    for note in _private_notes(seed):
        assert note not in text
    if fmt == "timelinejs":
        slides = " ".join(e["text"]["text"] for e in json.loads(text)["events"])
        assert "Sources:" in slides
        for key, _ref in seed.references:
            assert not re.search(rf"(?<![\w/.-]){re.escape(key)}(?![\w/.-])", slides), key


def test_footnotes_give_the_full_reference_once_then_the_short_form(seed: Chronology) -> None:
    """A work's first note is its full reference; later notes take the style's short form."""
    text = render(seed, "markdown", DocumentOptions(flavour="footnotes"))
    notes = re.findall(r"^\[\^\d+\]: (.*)$", text, re.MULTILINE)
    duan = [note for note in notes if note.startswith("端传媒")]
    assert duan[0].startswith(
        "端传媒. 2022. “北京‘策应’莫斯科？俄乌战争与中美冲突背景下的中俄联盟本质.”"
    )
    assert all(re.match(r"端传媒 2022, (sec\. \d|lead|caption \d)\.", note) for note in duan[1:])
    assert len(duan) > 20


def test_style_option_reaches_every_output(seed: Chronology) -> None:
    """DocumentOptions.style formats the notes, bibliography, tooltips and slides."""
    options = DocumentOptions(flavour="footnotes", style="gb-t-7714-2015-numeric")
    assert "\\[J\\]" in render(seed, "markdown", options)
    assert "[J]" in render(seed, "html", options)
    assert "WESTAD O A" in render(seed, "timelinejs", options)
    assert "Sources: " in render(seed, "svg", options)


def test_default_style_follows_the_document_language() -> None:
    """en: Chicago author-date; zh: GB/T 7714 author-date; ru: ГОСТ; a style set wins."""
    assert DocumentOptions().citation_style == "chicago-author-date"
    assert DocumentOptions(lang="zh").citation_style == "gb-t-7714-2015-author-date"
    assert DocumentOptions(lang="ru-RU").citation_style == "gost-r-7.0.5-2008"
    assert DocumentOptions(lang="fr").citation_style == "chicago-author-date"
    assert DocumentOptions(lang="zh", style="apa").citation_style == "apa"
    with pytest.raises(DocumentError, match="unknown citation style 'nope'"):
        DocumentOptions(style="nope")


def test_write_bibliography_formats_in_a_style(seed: Chronology) -> None:
    """write_bibliography's text, html and markdown formats follow the style and its order."""
    refs = [ref for _key, ref in seed.references]
    text = write_bibliography(refs, "text", style="gost-r-7.0.5-2008")
    assert text.startswith("1. ")
    html = write_bibliography(refs, "html", style="apa")
    assert '<div class="csl-entry" id="ref-westad2022next">Westad, O. A. (2022).' in html
    assert "Westad, Odd Arne. 2022." in write_bibliography(refs, "markdown")


def test_cli_style_options(tmp_path: Path) -> None:
    """`chronology --style` and `bibliography --format text --style` use the named style."""
    runner = CliRunner()
    journal = str(tmp_path / "j.timeline")
    args = ["--journal", journal]
    runner.invoke(cli, [*args, "import-periodo", str(SEEDS / "prc-five-year-plans.jsonld")])
    result = runner.invoke(
        cli, [*args, "import", str(SEEDS / "references.bib"), str(SEEDS / "events.toml")]
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        cli, [*args, "bibliography", "--format", "text", "--style", "gb-t-7714-2015-numeric"]
    )
    assert result.exit_code == 0 and result.stdout.startswith("[1]")
    result = runner.invoke(cli, [*args, "chronology", "--format", "md", "--style", "apa"])
    assert result.exit_code == 0 and "(Westad, 2022)" not in result.stdout
    assert "Westad, O. A. (2022)." in result.stdout
    result = runner.invoke(cli, [*args, "chronology", "--style", str(tmp_path / "none.csl")])
    assert result.exit_code == 1 and "does not exist" in result.stderr


def test_cli_latex_options(tmp_path: Path) -> None:
    """`chronology --format latex` takes the layout, backend, style and fonts; bad names fail."""
    runner = CliRunner()
    args = ["--journal", str(tmp_path / "j.timeline")]
    runner.invoke(cli, [*args, "import-periodo", str(SEEDS / "prc-five-year-plans.jsonld")])
    result = runner.invoke(
        cli, [*args, "import", str(SEEDS / "references.bib"), str(SEEDS / "events.toml")]
    )
    assert result.exit_code == 0, result.output
    latex = [*args, "chronology", "--format", "latex"]
    result = runner.invoke(
        cli,
        [
            *latex,
            "--latex-layout",
            "longtable",
            "--latex-backend",
            "bibtex",
            "--latex-style",
            "unsrtnat",
            "--main-font",
            "DejaVu Sans",
            "--cjk-font",
            "AR PL SungtiL GB",
        ],
    )
    assert result.exit_code == 0, result.output
    tex = result.stdout
    assert "\\begin{longtable}" in tex and "\\bibliographystyle{unsrtnat}" in tex
    assert "\\setmainfont{DejaVu Sans}" in tex and "\\setCJKmainfont{AR PL SungtiL GB}" in tex
    result = runner.invoke(cli, [*latex, "--latex-style", "authoryear"])
    assert "\\usepackage[backend=biber,style=authoryear]{biblatex}" in result.stdout
    for option, value in (("--main-font", "X}\\input{y"), ("--latex-style", "a,b]{x}")):
        result = runner.invoke(cli, [*latex, option, value])
        assert result.exit_code == 1 and "DocumentOptions." in result.stderr, result.output


def test_latex_text_backend_prints_formatted_references(seed: Chronology, tmp_path: Path) -> None:
    """`chronology --format latex --backend text`: footnotes and a list from the formatter."""
    runner = CliRunner()
    args = ["--journal", str(tmp_path / "j.timeline")]
    runner.invoke(cli, [*args, "import-periodo", str(SEEDS / "prc-five-year-plans.jsonld")])
    result = runner.invoke(
        cli, [*args, "import", str(SEEDS / "references.bib"), str(SEEDS / "events.toml")]
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, [*args, "chronology", "--format", "latex", "--backend", "text"])
    assert result.exit_code == 0, result.output
    tex = result.stdout
    assert "\\cite" not in tex and "biblatex" not in tex and "natbib" not in tex
    notes = re.findall(r"\\footnote\{(端传媒[^}]*)\}", tex)
    assert notes[0].startswith("端传媒. 2022. “北京‘策应’莫斯科？")
    assert len(notes) > 20 and all(note.startswith("端传媒 2022, ") for note in notes[1:])
    body = tex.split("\\section*{References}", 1)[1]
    entries = re.findall(r"^  \\item\{\} (.*)$", body, re.MULTILINE)
    refs = [ref for _key, ref in seed.references]
    assert entries == [entry for _key, entry, _body in format_entries(refs, STYLE, "latex")]
    assert entries[0].startswith("Biden, Joseph R. 2022.") and len(entries) == len(refs)
    result = runner.invoke(
        cli, [*args, "chronology", "--format", "latex", "--backend", "text", "--style", "plain"]
    )
    assert "\\usepackage[hyphens]{url}" in result.stdout and "\\item{} [" in result.stdout


@pytest.mark.parametrize("style", [STYLE, "chicago-notes", "gb-t-7714-2015-numeric"])
@pytest.mark.parametrize(
    ("fmt", "options"),
    [
        ("markdown", DocumentOptions(flavour="footnotes")),
        ("html", DocumentOptions()),
        ("latex", DocumentOptions(latex_backend="text")),
    ],
)
def test_a_spooled_bibliography_prints_what_one_held_prints(
    seed: Chronology, monkeypatch: pytest.MonkeyPatch, style: str, fmt: str, options: Any
) -> None:
    """A bibliography of more references than are formatted at once is spooled to a
    temporary file (here: any of more than none): the notes and entries are the same."""
    chosen = attrs.evolve(options, style=style)
    held = render(seed, fmt, chosen)
    monkeypatch.setattr(documents_sources, "_HELD", 0)
    assert render(seed, fmt, chosen) == held
