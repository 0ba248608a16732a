"""``timeline import zotero.sqlite``: a Zotero database through the normal import path."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from tests.zotero_db import Creator, Item, build
from timeline import Timeline
from timeline.cli import cli
from timeline.importing import read_import


def run(journal: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--journal", str(journal), *args], catch_exceptions=False)


def _library(tmp_path: Path) -> Path:
    items = [
        Item(
            "journalArticle",
            {
                "title": "非联盟国家深度合作可行性探究",
                "publicationTitle": "俄罗斯学刊",
                "date": "2021-00-00 2021",
                "language": "zh",
                "citationKey": "ouyang2021",
            },
            [Creator("欧阳", "向英")],
            tags=["alliances"],
            collections=["Thesis/Chapter 2"],
        ),
        Item(
            "book",
            {"title": "China and Russia", "citationKey": "lukin2018"},
            [Creator("Lukin", "Alexander")],
            collections=["Reading"],
        ),
    ]
    return build(tmp_path / "zotero.sqlite", items)


def test_import_reads_references_with_their_items_as_origins(tmp_path: Path) -> None:
    """read_import takes a .sqlite as Zotero's database; each reference's origin is its item."""
    plan = read_import([_library(tmp_path)], collection="Thesis")
    (reference,) = plan.references
    assert (reference.key, reference.get("groups")) == ("ouyang2021", "Thesis/Chapter 2")
    assert (
        str(plan.origin("references", 0))
        == f"{tmp_path / 'zotero.sqlite'}, library 1, item K0000001"
    )


def test_the_command_imports_a_collection_and_a_library(tmp_path: Path) -> None:
    """`timeline import zotero.sqlite --collection NAME` adds that collection's references."""
    library = _library(tmp_path)
    journal = tmp_path / "j.timeline"
    result = run(journal, "import", str(library), "--collection", "Reading", "--library", "1")
    assert result.exit_code == 0, result.stderr
    assert "imported 1 references" in result.stdout
    with Timeline.open(journal) as timeline:
        assert [r.key for r in timeline.references()] == ["lukin2018"]


def test_zotero_options_without_a_zotero_database_are_refused(tmp_path: Path) -> None:
    """--collection on a .bib import is an error that names the options; nothing is written."""
    bib = tmp_path / "refs.bib"
    bib.write_text("@book{a, title = {A}}\n", encoding="utf-8")
    journal = tmp_path / "j.timeline"
    result = run(journal, "import", str(bib), "--collection", "Reading")
    assert result.exit_code == 1
    assert "--collection and --library select from a Zotero database" in result.stderr
    assert not journal.exists()


def test_a_bad_collection_writes_nothing(tmp_path: Path) -> None:
    """An unknown collection is refused naming the file and the collections; no journal appears."""
    journal = tmp_path / "j.timeline"
    result = run(journal, "import", str(_library(tmp_path)), "--collection", "Nope")
    assert result.exit_code == 1
    assert "no collection 'Nope'; the collections are Reading, Thesis, Thesis/Chapter 2" in (
        result.stderr
    )
    assert not journal.exists()
