"""citations.zotero: Zotero's own database read read-only into references."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citations import (
    Contributor,
    Role,
    UnreadableFile,
    UnsupportedZoteroSchema,
    ZoteroError,
    read_zotero,
)
from citations.csl import CSL_TYPES
from citations.zotero import (
    ZOTERO_CSL_DATES,
    ZOTERO_CSL_NAMES,
    ZOTERO_CSL_TEXT,
    ZOTERO_CSL_TYPES,
)
from tests.zotero_db import Creator, Item, build, build_better_bibtex, schema


def _article(title: str = "Non-alliance", collections: tuple[str, ...] = (), **fields: str) -> Item:
    return Item(
        "journalArticle",
        {"title": title, **fields},
        [Creator("Lukin", "Alexander")],
        collections=list(collections),
    )


def test_the_tables_are_zoteros_published_mapping() -> None:
    """The vendored item type, field, date and creator tables equal schema.json's csl section."""
    csl = schema()["csl"]
    assert {k: list(v) for k, v in ZOTERO_CSL_TYPES.items()} == csl["types"]
    assert {k: list(v) for k, v in ZOTERO_CSL_TEXT.items()} == csl["fields"]["text"]
    assert dict(ZOTERO_CSL_DATES) == csl["fields"]["date"]
    assert dict(ZOTERO_CSL_NAMES) == csl["names"]


def test_reading_never_writes_even_while_zotero_holds_its_lock(tmp_path: Path) -> None:
    """The file's bytes and mtime stay the same, and a read succeeds under an exclusive lock."""
    path = build(tmp_path / "zotero.sqlite", [_article(citationKey="lukin2018")])
    before = (path.read_bytes(), os.stat(path).st_mtime_ns)
    zotero = sqlite3.connect(path)  # Zotero keeps its database locked exclusively
    zotero.execute("PRAGMA locking_mode = EXCLUSIVE")
    zotero.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            sqlite3.connect(path, timeout=0).execute("SELECT 1 FROM items").fetchall()
        (reference,) = read_zotero(path).references
    finally:
        zotero.rollback()
        zotero.close()
    assert reference.key == "lukin2018"
    assert (path.read_bytes(), os.stat(path).st_mtime_ns) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["zotero.sqlite"]


@pytest.mark.parametrize(
    "item_type",
    [
        t["itemType"]
        for t in schema()["itemTypes"]
        if t["itemType"] not in ("note", "attachment", "annotation")
    ],
)
def test_every_item_type_maps_through_its_csl_type(tmp_path: Path, item_type: str) -> None:
    """Each item type becomes the biblatex type that CSL-JSON's reader gives its CSL type."""
    from citations import parse_csl_json

    csl_type = next(c for c, types in schema()["csl"]["types"].items() if item_type in types)
    path = build(tmp_path / "z.sqlite", [Item(item_type, {"title": "T", "citationKey": "k"})])
    (reference,) = read_zotero(path).references
    (expected,) = parse_csl_json(f'[{{"id": "k", "type": "{csl_type}", "title": "T"}}]')
    assert (reference.entry_type, reference.field_map) == (expected.entry_type, expected.field_map)
    assert reference.entry_type in CSL_TYPES or reference.entry_type == "misc"


def test_fields_reach_references_through_their_base_fields(tmp_path: Path) -> None:
    """A book section's bookTitle, a webpage's websiteTitle and dates map as their base fields."""
    items = [
        Item(
            "bookSection",
            {
                "title": "A chapter",
                "publicationTitle": "The Book",  # stored as bookTitle
                "date": "1999-06-00 June 1999",
                "publisher": "OUP",
                "place": "Oxford",
                "pages": "12-30",
                "ISBN": "9780198000000",
                "citationKey": "smith1999",
            },
            [Creator("Smith", "John"), Creator("Jones", "Ann", "editor")],
        ),
        Item(
            "webpage",
            {
                "title": "President of Russia",
                "publicationTitle": "Kremlin",  # stored as websiteTitle
                "url": "http://kremlin.ru",
                "accessDate": "2020-01-02 10:00:00",
                "date": "0000-00-00 spring of 2019",
                "citationKey": "kremlin",
            },
        ),
    ]
    chapter, page = read_zotero(build(tmp_path / "z.sqlite", items)).references
    assert chapter.entry_type == "incollection"
    assert chapter.field_map == {
        "title": "A chapter",
        "booktitle": "The Book",
        "date": "1999-06",
        "publisher": "OUP",
        "location": "Oxford",
        "pages": "12--30",
        "isbn": "9780198000000",
    }
    assert [(p.family, p.role) for p in chapter.contributors] == [
        ("Smith", Role.AUTHOR),
        ("Jones", Role.EDITOR),
    ]
    assert page.get("urldate") == "2020-01-02"
    assert page.get("date") == "spring of 2019"  # no year in the stored date: the typed text
    assert page.get("booktitle") == "Kremlin"


def test_creators_primary_type_single_field_and_roles(tmp_path: Path) -> None:
    """A film's director is its author; one-field names stay whole; bookAuthor is bookauthor."""
    items = [
        Item(
            "film",
            {"title": "F", "citationKey": "f"},
            [Creator("Eisenstein", "Sergei", "director")],
        ),
        Item(
            "bookSection",
            {"title": "C", "citationKey": "c"},
            [
                Creator("中国社会科学院", single=True),
                Creator("United Nations", creator_type="bookAuthor", single=True),
                Creator("Tr", "An", "translator"),
                Creator("Some", "One", "contributor"),  # CSL has no biblatex role for it
            ],
        ),
    ]
    film, chapter = read_zotero(build(tmp_path / "z.sqlite", items)).references
    assert film.contributors == (Contributor(family="Eisenstein", given="Sergei"),)
    assert chapter.contributors == (
        Contributor(literal="中国社会科学院"),
        Contributor(family="Tr", given="An", role=Role.TRANSLATOR),
        Contributor(literal="United Nations", role=Role.BOOKAUTHOR),
    )


def test_keys_native_then_better_bibtex_then_extra_then_made(tmp_path: Path) -> None:
    """Zotero's citationKey wins, then Better BibTeX's database, then Extra, then a made key."""
    items = [
        _article("One", citationKey="native2018", extra="Citation Key: ignored"),
        _article("Two", extra="Citation Key: extra2018\nsomething else"),
        _article("Three", extra="Citation Key: shadowed"),
        Item("book", {"title": "Four", "date": "2001-00-00 2001"}, [Creator("Lukin", "A")]),
    ]
    items[2].key = "THREE333"
    path = build(tmp_path / "zotero.sqlite", items)
    build_better_bibtex(tmp_path / "better-bibtex.sqlite", [(3, "THREE333", 1, "bbt2018")])
    library = read_zotero(path)
    assert [r.key for r in library.references] == [
        "native2018",
        "extra2018",
        "bbt2018",
        "lukin2001four",
    ]
    assert library.references[1].get("note") == "something else"
    assert library.items[2] == "library 1, item THREE333"
    assert library.version == 129
    assert [r.key for r in read_zotero(path, better_bibtex=tmp_path / "none").references][2] == (
        "shadowed"
    )


def test_one_key_on_two_items_is_refused_naming_both(tmp_path: Path) -> None:
    """Two items with one citation key: an error naming both items and the key."""
    items = [_article("A", citationKey="same"), _article("B", citationKey="Same")]
    items[0].key, items[1].key = "AAAA1111", "BBBB2222"
    with pytest.raises(ZoteroError, match=r"item AAAA1111 and library 1, item BBBB2222 .*'Same'"):
        read_zotero(build(tmp_path / "z.sqlite", items))


def test_a_key_tex_would_misread_names_the_item(tmp_path: Path) -> None:
    """A citation key with a space is refused with the item's library and key."""
    item = _article(citationKey="bad key")
    item.key = "BADK1234"
    with pytest.raises(ZoteroError, match=r"library 1, item BADK1234: .*bad key"):
        read_zotero(build(tmp_path / "z.sqlite", [item]))


def test_tags_and_collections_are_kept(tmp_path: Path) -> None:
    """Tags become keywords, collections become groups (paths from the top)."""
    item = _article(citationKey="k")
    item.tags = ["Russia", "alliances", "China"]
    item.collections = ["Thesis/Chapter 2", "Reading"]
    (reference,) = read_zotero(build(tmp_path / "z.sqlite", [item])).references
    assert reference.get("keywords") == "alliances, China, Russia"
    assert reference.get("groups") == "Reading, Thesis/Chapter 2"


def test_notes_attachments_trash_and_feeds_are_not_references(tmp_path: Path) -> None:
    """Only regular items that are not in the trash are read."""
    items = [
        _article(citationKey="kept"),
        Item("note", parent=0),
        Item("note"),
        Item("attachment", {"title": "PDF"}),
        Item("book", {"title": "Deleted", "citationKey": "gone"}, deleted=True),
    ]
    path = build(tmp_path / "z.sqlite", items)
    db = sqlite3.connect(path)
    with db:
        db.execute(
            "INSERT INTO libraries (libraryID, type, editable, filesEditable) "
            "VALUES (9, 'feed', 0, 0)"
        )
        db.execute(
            "INSERT INTO items (itemID, itemTypeID, libraryID, key) "
            "SELECT 99, itemTypeID, 9, 'FEED0001' FROM itemTypes WHERE typeName = 'journalArticle'"
        )
    db.close()
    assert [r.key for r in read_zotero(path).references] == ["kept"]


def _filtered_library(tmp_path: Path) -> Path:
    items = [
        _article("Mine", citationKey="mine", collections=("Thesis",)),
        _article("Sub", citationKey="sub", collections=("Thesis/Chapter 2",)),
        _article("Other", citationKey="other", collections=("Reading",)),
        _article("Group", citationKey="group", collections=("Reading",)),
    ]
    items[3].library = 2
    return build(tmp_path / "z.sqlite", items, groups=[(2, "Sino-Russian project")])


def test_collection_filter_takes_subcollections_and_paths(tmp_path: Path) -> None:
    """--collection keeps the items of a collection and of its subcollections, by name or path."""
    path = _filtered_library(tmp_path)
    assert [r.key for r in read_zotero(path, collection="Thesis").references] == ["mine", "sub"]
    assert [r.key for r in read_zotero(path, collection="Chapter 2").references] == ["sub"]
    assert [r.key for r in read_zotero(path, collection="Thesis/Chapter 2").references] == ["sub"]
    assert [r.key for r in read_zotero(path, collection="Reading", library=2).references] == [
        "group"
    ]
    with pytest.raises(ZoteroError, match=r"2 collections are named 'Reading'"):
        read_zotero(path, collection="Reading")
    with pytest.raises(ZoteroError, match=r"no collection 'Nope'; the collections are .*Thesis"):
        read_zotero(path, collection="Nope")


def test_library_filter_and_unknown_library(tmp_path: Path) -> None:
    """--library keeps one library; an unknown id lists the libraries there are."""
    path = _filtered_library(tmp_path)
    assert [r.key for r in read_zotero(path, library=1).references] == ["mine", "sub", "other"]
    assert [r.key for r in read_zotero(path, library=2).references] == ["group"]
    with pytest.raises(ZoteroError, match=r"no library 5; the libraries are 1 \(user\); 2 \(Sino"):
        read_zotero(path, library=5)


@pytest.mark.parametrize("version", [130, 106, "x1"])
def test_an_unknown_schema_version_says_which_it_found(tmp_path: Path, version: object) -> None:
    """A userdata schema version outside 107..129 is refused naming the version found."""
    path = build(tmp_path / "z.sqlite", [_article()], userdata_version=version)  # type: ignore[arg-type]
    with pytest.raises(UnsupportedZoteroSchema, match=f"schema version {version} is not") as info:
        read_zotero(path)
    assert info.value.version == str(version)


def test_files_that_are_not_zotero_databases(tmp_path: Path) -> None:
    """A missing file, a text file and another SQLite database each get a typed error."""
    with pytest.raises(UnreadableFile, match="no such file"):
        read_zotero(tmp_path / "missing.sqlite")
    text = tmp_path / "notes.sqlite"
    text.write_text("not a database at all, just some text " * 30, encoding="utf-8")
    with pytest.raises(ZoteroError, match="not a Zotero database"):
        read_zotero(text)
    other = tmp_path / "other.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(ZoteroError, match="not a Zotero database"):
        read_zotero(other)
    path = build(tmp_path / "zotero.sqlite", [_article()])
    (tmp_path / "bbt").mkdir()
    bbt = tmp_path / "bbt" / "better-bibtex.sqlite"
    sqlite3.connect(bbt).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(ZoteroError, match="not a Better BibTeX key database"):
        read_zotero(path, better_bibtex=bbt)


# -- round trip --------------------------------------------------------------------

_words = st.text(
    st.characters(whitelist_categories=("Lu", "Ll", "Nd", "Lo")), min_size=1, max_size=12
)
_texts = st.lists(_words, min_size=1, max_size=4).map(" ".join)
#: Zotero base field -> biblatex field, for fields that map one to one on a journal article.
_ARTICLE_FIELDS = {
    "title": "title",
    "publicationTitle": "journaltitle",
    "volume": "volume",
    "issue": "number",
    "series": "series",
    "journalAbbreviation": "shortjournal",
    "abstractNote": "abstract",
    "DOI": "doi",
    "ISSN": "issn",
    "url": "url",
}


@st.composite
def _articles(draw: st.DrawFn) -> tuple[Item, dict[str, str], list[tuple[str, str]]]:
    fields = draw(st.dictionaries(st.sampled_from(sorted(_ARTICLE_FIELDS)), _texts, min_size=1))
    fields.setdefault("title", draw(_texts))
    year, month, day = (
        draw(st.integers(1000, 2099)),
        draw(st.integers(0, 12)),
        draw(st.integers(0, 28)),
    )
    day = day if month else 0
    fields["date"] = f"{year:04d}-{month:02d}-{day:02d} as typed"
    people = draw(st.lists(st.tuples(_words, _words), max_size=3, unique=True))
    item = Item("journalArticle", dict(fields), [Creator(last, first) for last, first in people])
    expected = {_ARTICLE_FIELDS[name]: value for name, value in fields.items() if name != "date"}
    expected["date"] = (
        f"{year:04d}" + (f"-{month:02d}" if month else "") + (f"-{day:02d}" if day else "")
    )
    return item, expected, people


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(_articles(), min_size=1, max_size=5))
def test_items_round_trip_through_a_zotero_database(
    tmp_path: Path, articles: list[tuple[Item, dict[str, str], list[tuple[str, str]]]]
) -> None:
    """Items written into Zotero's tables come back as references with the same fields."""
    path = tmp_path / "round.sqlite"
    path.unlink(missing_ok=True)
    for number, (item, _, _) in enumerate(articles):
        item.fields["citationKey"] = f"item{number}"
    build(path, [item for item, _, _ in articles])
    references = read_zotero(path).references
    assert [r.key for r in references] == [f"item{n}" for n in range(len(articles))]
    for reference, (_, expected, people) in zip(references, articles, strict=True):
        assert reference.entry_type == "article"
        assert reference.field_map == expected
        assert [(p.family, p.given) for p in reference.contributors] == people
