"""Fields about the user's own copy stay home: exports drop them, footnotes never print notes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

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
    "note": "Seen in print; cited in fn. 3 of article 1.",
}
REF = Reference(
    "gabuev2022china",
    "article",
    {**PUBLIC, **PRIVATE},
    [Contributor(family="Gabuev", given="Alexander")],
    "en",
)


@pytest.mark.parametrize("dialect", ["biblatex", "bibtex"])
def test_bibtex_export_drops_private_fields_unless_asked(dialect: str) -> None:
    """file, annotation, owner, timestamp, groups, ... are left out; abstract, keywords, note
    stay; keep_private_fields=True writes everything."""
    text = write_bibtex([REF], dialect=dialect)  # type: ignore[arg-type]
    for value in PRIVATE.values():
        assert value not in text
    for name in PUBLIC:
        assert f"  {name} = " in text or name in ("journaltitle", "date")
    kept = write_bibtex([REF], dialect=dialect, keep_private_fields=True)  # type: ignore[arg-type]
    for value in PRIVATE.values():
        assert value in kept
    assert parse_bibtex(write_bibtex([REF], keep_private_fields=True)).references == (REF,)


def test_the_private_list_is_the_documented_one() -> None:
    """Every field named private is one no style prints as data about the work."""
    assert {"abstract", "keywords", "note", "url", "urldate", "doi"}.isdisjoint(PRIVATE_FIELDS)
    assert all(is_private(name) for name in PRIVATE)
    assert not is_private("title")


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
        if fmt == "csl-json":
            assert json.loads(plain.stdout)[0]["note"] == PUBLIC["note"]
    kept = runner.invoke(
        cli, ["--journal", journal, "bibliography", "--keep-private-fields"], catch_exceptions=False
    )
    assert kept.exit_code == 0 and PRIVATE["file"] in kept.stdout and "argues" in kept.stdout


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
