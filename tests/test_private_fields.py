"""Fields about the user's own copy stay home: exports drop them, footnotes never print notes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from tools import build_bibliography, require_tool, run_tool

from citations import Contributor, Reference, format_reference, parse_bibtex, write_bibtex
from citations.csl import write_csl_json
from citations.private import PRIVATE_FIELDS, is_private
from timeline import Timeline
from timeline.cli import cli
from timeline.documents import DocumentOptions, render

PRIVATE = {
    "file": "/home/me/Zotero/storage/AB12/gabuev.pdf",
    "annotation": "argues the opposite of what I need",
    "owner": "alice@example.org",
    "timestamp": "2024-05-01",
    "groups": "reading",
    "bdsk-file-1": "YnBsaXN0MDDUAQIDBAUGJCVYJHZlcnNpb24=",
}
PUBLIC = {
    "title": "China's New Vassal",
    "journaltitle": "Foreign Affairs",
    "date": "2022-08-09",
    "abstract": "How Moscow came to depend on Beijing.",
    "keywords": "Russia, China",
}
#: The reference's own note: formatting never prints it, the BibTeX writers write it as
#: the private annotation.
NOTE = "Seen in print; cited in fn. 3 of article 1."
REF = Reference(
    "gabuev2022china",
    "article",
    {**PUBLIC, **PRIVATE, "note": NOTE},
    [Contributor(family="Gabuev", given="Alexander")],
    "en",
)


@pytest.mark.parametrize("dialect", ["biblatex", "bibtex"])
def test_bibtex_export_drops_private_fields_unless_asked(dialect: str) -> None:
    """file, annotation, the note, owner, timestamp, groups, ... are left out; abstract and
    keywords stay; keep_private_fields=True writes everything, the note in the annotation."""
    text = write_bibtex([REF], dialect=dialect)  # type: ignore[arg-type]
    for value in (*PRIVATE.values(), NOTE):
        assert value not in text
    for name in PUBLIC:
        assert f"  {name} = " in text or name in ("journaltitle", "date")
    kept = write_bibtex([REF], dialect=dialect, keep_private_fields=True)  # type: ignore[arg-type]
    for value in PRIVATE.values():
        assert value in kept
    annotation = "annote" if dialect == "bibtex" else "annotation"
    assert f"  {annotation} = {{{PRIVATE['annotation']} {NOTE}}}" in kept
    assert "note = " not in kept.replace(f"{annotation} = ", "")


def test_the_note_comes_back_as_the_annotation() -> None:
    """Read back, the note is the annotation (after the reference's own): kept, still private,
    and written the same way again."""
    (back,) = parse_bibtex(write_bibtex([REF], keep_private_fields=True)).references
    joined = f"{PRIVATE['annotation']} {NOTE}"
    assert back == REF.with_fields(note=None, annotation=joined)
    alone = REF.with_fields(annotation=None)
    (back,) = parse_bibtex(write_bibtex([alone], keep_private_fields=True)).references
    assert back == alone.with_fields(note=None, annotation=NOTE)
    assert write_bibtex([back], keep_private_fields=True) == write_bibtex(
        [alone], keep_private_fields=True
    )


def test_the_private_list_is_the_documented_one() -> None:
    """Every field named private is one no style prints as data about the work."""
    assert {"abstract", "keywords", "url", "urldate", "doi"}.isdisjoint(PRIVATE_FIELDS)
    assert all(is_private(name) for name in PRIVATE)
    assert not is_private("title")


@pytest.mark.parametrize("style", ["plain", "plainnat"])
def test_bibtex_prints_neither_the_note_nor_the_annotation(tmp_path: Path, style: str) -> None:
    """Real bibtex, given everything the classic dialect writes (private fields kept):
    the .bbl has the work, not the note nor the annotation (written as ``annote``)."""
    bibtex = require_tool("bibtex")
    text = write_bibtex([REF], dialect="bibtex", keep_private_fields=True)
    (tmp_path / "refs.bib").write_text(text, encoding="utf-8")
    (tmp_path / "doc.aux").write_text(
        f"\\relax\n\\citation{{*}}\n\\bibstyle{{{style}}}\n\\bibdata{{refs}}\n",
        encoding="utf-8",
    )
    run = run_tool([bibtex, "doc"], tmp_path)
    assert run.returncode == 0, run.stdout
    bbl = (tmp_path / "doc.bbl").read_text(encoding="utf-8")
    assert "vassal" in bbl.lower() and "Foreign Affairs" in bbl
    assert "fn. 3" not in bbl and "Seen in print" not in bbl and "argues" not in bbl


@pytest.mark.parametrize("style", ["numeric", "authoryear"])
def test_biblatex_prints_neither_the_note_nor_the_annotation(tmp_path: Path, style: str) -> None:
    """Real biber and biblatex, given everything the biblatex dialect writes: the note is in
    the .bbl as the annotation only, which no standard style prints (the PDF's text)."""
    require_tool("biber")
    pdftotext = require_tool("pdftotext")
    (tmp_path / "refs.bib").write_text(write_bibtex([REF], keep_private_fields=True), "utf-8")
    build_bibliography(
        tmp_path,
        f"\\usepackage[backend=biber,style={style}]{{biblatex}}\\addbibresource{{refs.bib}}",
        "\\printbibliography",
    )
    bbl = (tmp_path / "doc.bbl").read_text("utf-8")
    assert f"\\field{{annotation}}{{{PRIVATE['annotation']} {NOTE}}}" in bbl
    assert "\\field{note}" not in bbl
    words = " ".join(run_tool([pdftotext, "doc.pdf", "-"], tmp_path).stdout.split())
    assert "China’s New Vassal" in words or "China's New Vassal" in words, words
    assert "Seen in print" not in words and "argues" not in words


def test_csl_json_has_no_private_fields() -> None:
    """CSL-JSON has no place for the private fields: none is written."""
    text = write_csl_json([REF])
    assert not any(value in text for value in PRIVATE.values())


def test_cli_bibliography_drops_private_fields_unless_asked(tmp_path: Path) -> None:
    """`timeline bibliography` leaves private fields out; --keep-private-fields keeps them."""
    bib = tmp_path / "zotero.bib"
    bib.write_text(write_bibtex([REF], keep_private_fields=True), encoding="utf-8")
    journal = str(tmp_path / "j.timeline")
    runner = CliRunner()
    assert runner.invoke(cli, ["--journal", journal, "import", str(bib)]).exit_code == 0
    for fmt in ("biblatex", "bibtex", "csl-json"):
        plain = runner.invoke(cli, ["--journal", journal, "bibliography", "--format", fmt])
        assert plain.exit_code == 0, plain.output
        assert PRIVATE["file"] not in plain.stdout and "argues" not in plain.stdout
        assert NOTE not in plain.stdout  # written as the annotation, read back as one
        if fmt == "csl-json":
            assert json.loads(plain.stdout)[0]["title"] == PUBLIC["title"]
    kept = runner.invoke(
        cli, ["--journal", journal, "bibliography", "--keep-private-fields"], catch_exceptions=False
    )
    assert kept.exit_code == 0 and PRIVATE["file"] in kept.stdout and "argues" in kept.stdout
    assert NOTE in kept.stdout


def test_formatted_references_print_neither_note_nor_annotation() -> None:
    """A formatted reference (pybtex styles) shows the work, not the note kept about it."""
    for output in ("text", "markdown", "html", "latex"):
        text = format_reference(REF, output=output)
        assert "vassal" in text.lower()
        assert "fn. 3" not in text and "Seen in print" not in text and "argues" not in text


def test_chronology_footnotes_do_not_print_the_note() -> None:
    """Markdown footnotes and the HTML page give the reference without its internal note."""
    with Timeline.open(":memory:", author="me") as tl:
        tl.add_reference(REF)
        tl.add_event(id="2022-vassal", when="2022-08-09", title="Gabuev on China and Russia")
        tl.cite("2022-vassal", REF.key, locator="p. 3")
        chronology = tl.chronology()
        footnotes = render(chronology, "markdown", DocumentOptions(flavour="footnotes"))
        page = render(chronology, "html")
    for text in (footnotes, page):
        assert "vassal" in text.lower() and "Foreign Affairs" in text
        assert "Seen in print" not in text and "argues" not in text


JABREF_BIB = """% Encoding: UTF-8

@Article{Gabuev2022,
  author        = {Gabuev, Alexander},
  date          = {2022-08-09},
  journaltitle  = {Foreign Affairs},
  title         = {China's New Vassal},
  __markedentry = {[alice:6]},
  owner         = {alice},
  timestamp     = {2024-05-01},
}

@Comment{jabref-meta: databaseType:biblatex;}
"""


def test_a_jabref_file_with_a_marked_entry_reads() -> None:
    """JabRef's __markedentry is read and kept as a private field: exports drop it unless asked."""
    (ref,) = parse_bibtex(JABREF_BIB).references
    assert ref.field_map["__markedentry"] == "[alice:6]"
    assert is_private("__markedentry")
    assert "__markedentry" not in write_bibtex([ref])
    kept = write_bibtex([ref], keep_private_fields=True)
    assert "  __markedentry = {[alice:6]}" in kept
    assert parse_bibtex(kept).references == (ref,)
