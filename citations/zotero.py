"""Zotero's own database (``zotero.sqlite``) read into :class:`Reference` values.

:func:`read_zotero` opens the file read-only and *immutable* (SQLite's
``immutable=1``): Zotero keeps its database locked while it runs, and an
immutable read takes no lock, writes no journal and never touches the file.
Each regular item (not a note, attachment or annotation; not in the trash;
not in a feed) becomes one reference, mapped the way Zotero itself maps
items to CSL-JSON: the item type to a CSL type, each field through its base
field to a CSL variable, each creator type to a CSL name variable (the
tables below are Zotero's, from its published ``schema.json``), and that
CSL record to a reference by :mod:`citations.csl`'s table.

The citation key is Zotero 7's own ``citationKey`` field, else the key
Better BibTeX kept in its ``better-bibtex.sqlite`` beside the database
(older Better BibTeX versions), else a ``Citation Key: ...`` line in the
Extra field, else one made from the item (:class:`KeyRegistry`). Tags become
``keywords`` (sorted, joined with ", "), the collections an item is in
become ``groups`` (each collection's path from the top, parts joined with
"/"; the field JabRef and Better BibTeX use for groups).

Zotero's userdata schema versions 107 to 129 (Zotero 5.0.78 to Zotero 8)
read the tables this module reads alike; a database of another version
raises :class:`UnsupportedZoteroSchema` naming the version it found.

The tables are vendored from zotero/zotero-schema ``schema.json`` (schema
version 41, commit 5eedf4402ea6e7393eaf16902b63f572f48707a7), its ``csl``
section: data Zotero publishes at https://api.zotero.org/schema (the
repository states no licence; these are facts about Zotero's data model,
kept as data).
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import quote

import attrs

from citations.csl import from_csl
from citations.errors import (
    InvalidReference,
    UnreadableFile,
    UnsupportedZoteroSchema,
    ZoteroError,
)
from citations.keys import KeyRegistry
from citations.model import Reference

__all__ = [
    "USERDATA_VERSIONS",
    "ZOTERO_CSL_DATES",
    "ZOTERO_CSL_NAMES",
    "ZOTERO_CSL_TEXT",
    "ZOTERO_CSL_TYPES",
    "ZoteroLibrary",
    "read_zotero",
]

#: The userdata schema versions read (``SELECT version FROM version WHERE schema='userdata'``).
USERDATA_VERSIONS = range(107, 130)
_KNOWN = f"{USERDATA_VERSIONS.start} to {USERDATA_VERSIONS.stop - 1}"

#: CSL type -> the Zotero item types mapped to it (schema.json ``csl.types``).
ZOTERO_CSL_TYPES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "article": ("preprint",),
        "article-journal": ("journalArticle",),
        "article-magazine": ("magazineArticle",),
        "article-newspaper": ("newspaperArticle",),
        "bill": ("bill",),
        "book": ("book",),
        "broadcast": ("podcast", "tvBroadcast", "radioBroadcast"),
        "chapter": ("bookSection",),
        "dataset": ("dataset",),
        "document": ("document", "attachment", "note"),
        "entry-dictionary": ("dictionaryEntry",),
        "entry-encyclopedia": ("encyclopediaArticle",),
        "graphic": ("artwork",),
        "hearing": ("hearing",),
        "interview": ("interview",),
        "legal_case": ("case",),
        "legislation": ("statute",),
        "manuscript": ("manuscript",),
        "map": ("map",),
        "motion_picture": ("film", "videoRecording"),
        "paper-conference": ("conferencePaper",),
        "patent": ("patent",),
        "personal_communication": ("letter", "email", "instantMessage"),
        "post": ("forumPost",),
        "post-weblog": ("blogPost",),
        "report": ("report",),
        "software": ("computerProgram",),
        "song": ("audioRecording",),
        "speech": ("presentation",),
        "standard": ("standard",),
        "thesis": ("thesis",),
        "webpage": ("webpage",),
    }
)

#: CSL variable -> the Zotero base fields it is read from, first present wins
#: (schema.json ``csl.fields.text``).
ZOTERO_CSL_TEXT: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "abstract": ("abstractNote",),
        "archive": ("archive",),
        "archive_location": ("archiveLocation",),
        "authority": ("authority",),
        "call-number": ("callNumber", "applicationNumber"),
        "chapter-number": ("session",),
        "citation-key": ("citationKey",),
        "collection-number": ("seriesNumber",),
        "collection-title": ("seriesTitle", "series"),
        "container-title": ("publicationTitle", "reporter", "code"),
        "dimensions": ("artworkSize", "runningTime"),
        "DOI": ("DOI",),
        "edition": ("edition",),
        "event-place": ("eventPlace",),
        "event-title": ("meetingName", "conferenceName"),
        "genre": ("type", "programmingLanguage"),
        "ISBN": ("ISBN",),
        "ISSN": ("ISSN",),
        "issue": ("issue", "priorityNumbers"),
        "journalAbbreviation": ("journalAbbreviation",),
        "language": ("language",),
        "license": ("rights",),
        "medium": ("medium", "system"),
        "note": ("extra",),
        "number": ("number",),
        "number-of-pages": ("numPages",),
        "number-of-volumes": ("numberOfVolumes",),
        "original-publisher": ("originalPublisher",),
        "original-publisher-place": ("originalPlace",),
        "part-number": ("partNumber",),
        "part-title": ("partTitle",),
        "page": ("pages",),
        "PMID": ("PMID",),
        "PMCID": ("PMCID",),
        "publisher": ("publisher",),
        "publisher-place": ("place",),
        "references": ("history", "references"),
        "scale": ("scale",),
        "section": ("section", "committee"),
        "shortTitle": ("shortTitle",),
        "source": ("libraryCatalog",),
        "status": ("status",),
        "title": ("title",),
        "title-short": ("shortTitle",),
        "URL": ("url",),
        "version": ("versionNumber",),
        "volume": ("volume", "codeNumber"),
    }
)

#: CSL date variable -> Zotero base field (schema.json ``csl.fields.date``).
ZOTERO_CSL_DATES: Mapping[str, str] = MappingProxyType(
    {
        "accessed": "accessDate",
        "issued": "date",
        "submitted": "filingDate",
        "original-date": "originalDate",
    }
)

#: Zotero creator type -> CSL name variable (schema.json ``csl.names``); an item
#: type's primary creator type counts as ``author``.
ZOTERO_CSL_NAMES: Mapping[str, str] = MappingProxyType(
    {
        "author": "author",
        "bookAuthor": "container-author",
        "chair": "chair",
        "castMember": "performer",
        "composer": "composer",
        "contributor": "contributor",
        "creator": "author",
        "director": "director",
        "editor": "editor",
        "executiveProducer": "executive-producer",
        "guest": "guest",
        "host": "host",
        "interviewer": "interviewer",
        "narrator": "narrator",
        "originalCreator": "original-author",
        "organizer": "organizer",
        "podcaster": "host",
        "producer": "producer",
        "recipient": "recipient",
        "reviewedAuthor": "reviewed-author",
        "seriesCreator": "series-creator",
        "seriesEditor": "collection-editor",
        "scriptwriter": "script-writer",
        "translator": "translator",
    }
)

_TYPE_OF_ITEM = {item: csl for csl, items in ZOTERO_CSL_TYPES.items() for item in items}


def _variables_of_fields() -> dict[str, list[tuple[str, int]]]:
    """Base field -> the CSL variables it is read into, each with its rank there (0 first).

    ``shortTitle`` is read as ``title-short`` only, and the key is chosen apart.
    """
    table: dict[str, list[tuple[str, int]]] = {}
    for variable, fields in ZOTERO_CSL_TEXT.items():
        if variable not in ("shortTitle", "citation-key"):
            for rank, name in enumerate(fields):
                table.setdefault(name, []).append((variable, rank))
    return table


_VARIABLES_OF_FIELD = _variables_of_fields()
#: Item types that are parts of other items, never references of their own.
_NOT_REFERENCES = ("note", "attachment", "annotation")
#: Zotero's stored date ("multipart"): the SQL date with 00 for unknown parts, then
#: the date as typed (``2019-06-00 June 2019``).
_MULTIPART = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?: |$)")
_SQL_DATETIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[ T]\d{2}:\d{2}:\d{2}")
_EXTRA_KEY = re.compile(r"^[ \t]*citation key[ \t]*:[ \t]*(\S+)[ \t]*$", re.I | re.M)


@attrs.frozen
class ZoteroLibrary:
    """What :func:`read_zotero` read: the references and, for each, its item.

    ``items[i]`` names the item ``references[i]`` came from
    (``"library 1, item ABCD2345"``); ``version`` is the database's userdata
    schema version.
    """

    references: tuple[Reference, ...]
    items: tuple[str, ...]
    version: int


def read_zotero(
    path: str | os.PathLike[str],
    *,
    collection: str | None = None,
    library: int | None = None,
    better_bibtex: str | os.PathLike[str] | None = None,
) -> ZoteroLibrary:
    """The regular items of the Zotero database at ``path`` as references, never writing to it.

    ``library`` keeps one library (1 is "My Library"; a group library has its
    own id, listed in the error for an unknown one). ``collection`` keeps the
    items in the collection of that name (or path, ``"Parent/Child"``) and in
    its subcollections. ``better_bibtex`` is Better BibTeX's database
    (default: ``better-bibtex.sqlite`` beside ``path``, when there).

    Raises :class:`UnreadableFile` for a missing file, :class:`ZoteroError`
    for a file that is not a Zotero database or an unknown collection or
    library, and :class:`UnsupportedZoteroSchema` for a schema version
    outside :data:`USERDATA_VERSIONS`.
    """
    where = Path(path)
    if not where.is_file():
        raise UnreadableFile(str(where), "no such file" if not where.exists() else "not a file")
    with _immutable(where) as db:
        version = _schema_version(db, where)
        reader = _Reader(db, where)
        ids = reader.item_ids(library, collection)
        bbt = _bbt_keys(
            Path(better_bibtex) if better_bibtex else where.with_name("better-bibtex.sqlite")
        )
        records = reader.records(ids)
    return _references(records, bbt, where, version)


class _immutable:
    """A read-only, lock-free connection to a database file (a context manager)."""

    def __init__(self, path: Path) -> None:
        uri = "file:" + quote(str(path.resolve())) + "?mode=ro&immutable=1"
        try:
            self.db = sqlite3.connect(uri, uri=True)
            self.db.execute("PRAGMA query_only = ON")
        except sqlite3.Error as exc:
            raise ZoteroError(f"{path}: cannot open as SQLite: {exc}") from exc

    def __enter__(self) -> sqlite3.Connection:
        return self.db

    def __exit__(self, *_exc: object) -> None:
        self.db.close()


def _schema_version(db: sqlite3.Connection, path: Path) -> int:
    try:
        row = db.execute("SELECT version FROM version WHERE schema = 'userdata'").fetchone()
    except sqlite3.DatabaseError as exc:
        raise ZoteroError(
            f"{path}: not a Zotero database (no userdata schema version: {exc})"
        ) from exc
    if row is None:
        raise ZoteroError(f"{path}: not a Zotero database (no userdata schema version)")
    try:
        version = int(row[0])
    except (TypeError, ValueError):
        raise UnsupportedZoteroSchema(path, str(row[0]), _KNOWN) from None
    if version not in USERDATA_VERSIONS:
        raise UnsupportedZoteroSchema(path, str(version), _KNOWN)
    return version


@attrs.frozen
class _Item:
    library: int
    key: str
    item_type: str
    primary_creator: str
    fields: dict[str, str]
    creators: list[tuple[str, str, str, int]]
    tags: list[str]
    collections: list[str]


class _Reader:
    """The queries, each one pass over a table (a 20,000-item library reads in a second)."""

    def __init__(self, db: sqlite3.Connection, path: Path) -> None:
        self.db = db
        self.path = path

    def _rows(self, sql: str, *params: Any) -> list[Any]:
        try:
            return self.db.execute(sql, params).fetchall()
        except sqlite3.DatabaseError as exc:
            raise ZoteroError(f"{self.path}: cannot read the database: {exc}") from exc

    def item_ids(self, library: int | None, collection: str | None) -> list[int]:
        marks = ", ".join("?" * len(_NOT_REFERENCES))
        sql = (
            "SELECT items.itemID, items.libraryID FROM items "
            "JOIN itemTypes USING (itemTypeID) JOIN libraries USING (libraryID) "
            f"WHERE itemTypes.typeName NOT IN ({marks}) AND libraries.type <> 'feed' "
            "AND items.itemID NOT IN (SELECT itemID FROM deletedItems) "
            "ORDER BY items.itemID"
        )
        rows = self._rows(sql, *_NOT_REFERENCES)
        if library is not None:
            self._check_library(library)
            rows = [row for row in rows if row[1] == library]
        ids = [row[0] for row in rows]
        if collection is not None:
            members = self._collection_items(collection, library)
            ids = [item for item in ids if item in members]
        return ids

    def _check_library(self, library: int) -> None:
        rows = self._rows(
            "SELECT libraries.libraryID, libraries.type, groups.name FROM libraries "
            "LEFT JOIN groups USING (libraryID) WHERE libraries.type <> 'feed' "
            "ORDER BY libraries.libraryID"
        )
        if all(row[0] != library for row in rows):
            known = "; ".join(f"{row[0]} ({row[2] or row[1]})" for row in rows)
            raise ZoteroError(f"{self.path}: no library {library}; the libraries are {known}")

    def collection_paths(self) -> dict[int, tuple[int, str]]:
        """Each collection's library and path from the top ("Parent/Child")."""
        rows = self._rows(
            "SELECT collectionID, collectionName, parentCollectionID, libraryID FROM collections "
            "WHERE collectionID NOT IN (SELECT collectionID FROM deletedCollections)"
        )
        table = {row[0]: row for row in rows}
        paths: dict[int, tuple[int, str]] = {}
        for cid, _name, _parent, lib in rows:
            names = []
            seen = set()
            current: int | None = cid
            while current is not None and current in table and current not in seen:
                seen.add(current)
                names.append(table[current][1])
                current = table[current][2]
            paths[cid] = (lib, "/".join(reversed(names)))
        return paths

    def _collection_items(self, name: str, library: int | None) -> set[int]:
        paths = {
            cid: path
            for cid, (lib, path) in self.collection_paths().items()
            if library is None or lib == library
        }
        wanted = name.strip("/")
        found = [cid for cid, path in paths.items() if wanted in (path, path.rsplit("/", 1)[-1])]
        if not found:
            known = ", ".join(sorted(set(paths.values()))) or "none"
            raise ZoteroError(f"{self.path}: no collection {name!r}; the collections are {known}")
        if len(found) > 1:
            shown = ", ".join(sorted(paths[cid] for cid in found))
            raise ZoteroError(
                f"{self.path}: {len(found)} collections are named {name!r} ({shown}); "
                "give the path, or the library with --library"
            )
        chosen = paths[found[0]]
        inside = {
            cid for cid, path in paths.items() if path == chosen or path.startswith(chosen + "/")
        }
        members = self._rows("SELECT collectionID, itemID FROM collectionItems")
        return {item for cid, item in members if cid in inside}

    def records(self, ids: list[int]) -> list[_Item]:
        wanted = set(ids)
        types = dict(self._rows("SELECT itemTypeID, typeName FROM itemTypes"))
        field_names = dict(self._rows("SELECT fieldID, fieldName FROM fields"))
        base = {
            (type_id, field_id): field_names.get(base_id, "")
            for type_id, base_id, field_id in self._rows(
                "SELECT itemTypeID, baseFieldID, fieldID FROM baseFieldMappings"
            )
        }
        creator_types = dict(self._rows("SELECT creatorTypeID, creatorType FROM creatorTypes"))
        primary = {
            type_id: creator_types.get(creator_id, "author")
            for type_id, creator_id in self._rows(
                "SELECT itemTypeID, creatorTypeID FROM itemTypeCreatorTypes WHERE primaryField = 1"
            )
        }
        items: dict[int, _Item] = {}
        item_types: dict[int, int] = {}
        for item_id, type_id, library, key in self._rows(
            "SELECT itemID, itemTypeID, libraryID, key FROM items"
        ):
            if item_id in wanted:
                item_types[item_id] = type_id
                items[item_id] = _Item(
                    library,
                    key,
                    types.get(type_id, ""),
                    primary.get(type_id, "author"),
                    {},
                    [],
                    [],
                    [],
                )
        for item_id, field_id, value in self._rows(
            "SELECT itemData.itemID, itemData.fieldID, itemDataValues.value FROM itemData "
            "JOIN itemDataValues USING (valueID)"
        ):
            item = items.get(item_id)
            if item is None or value is None:
                continue
            name = base.get((item_types[item_id], field_id)) or field_names.get(field_id, "")
            item.fields[name] = str(value)
        for item_id, first, last, mode, ctype, _order in self._rows(
            "SELECT itemCreators.itemID, creators.firstName, creators.lastName, "
            "creators.fieldMode, itemCreators.creatorTypeID, itemCreators.orderIndex "
            "FROM itemCreators JOIN creators USING (creatorID) "
            "ORDER BY itemCreators.itemID, itemCreators.orderIndex"
        ):
            item = items.get(item_id)
            if item is not None:
                item.creators.append(
                    (creator_types.get(ctype, "author"), first or "", last or "", mode or 0)
                )
        for item_id, tag in self._rows(
            "SELECT itemTags.itemID, tags.name FROM itemTags JOIN tags USING (tagID)"
        ):
            item = items.get(item_id)
            if item is not None:
                item.tags.append(tag)
        paths = self.collection_paths()
        for cid, item_id in self._rows("SELECT collectionID, itemID FROM collectionItems"):
            item = items.get(item_id)
            if item is not None and cid in paths:
                item.collections.append(paths[cid][1])
        return [items[item_id] for item_id in ids]


def _bbt_keys(path: Path) -> dict[tuple[int, str], str]:
    """Better BibTeX's keys by (library, item key), from its own database when there."""
    if not path.is_file():
        return {}
    with _immutable(path) as db:
        try:
            rows = db.execute("SELECT libraryID, itemKey, citationKey FROM citationkey").fetchall()
        except sqlite3.DatabaseError as exc:
            raise ZoteroError(
                f"{path}: not a Better BibTeX key database (no citationkey table: {exc})"
            ) from exc
    return {(int(lib), str(key)): str(cite) for lib, key, cite in rows if cite}


def _date(value: str) -> dict[str, Any] | None:
    """A stored date as CSL: date parts from the SQL part, the typed text when it has none."""
    match = _MULTIPART.match(value) or _SQL_DATETIME.match(value)
    if match is None:
        return {"literal": value} if value.strip() else None
    year, month, day = (int(part) for part in match.groups())
    if year == 0:
        typed = value[11:].strip()
        return {"literal": typed} if typed else None
    parts = [year]
    if month:
        parts.append(month)
        if day:
            parts.append(day)
    return {"date-parts": [parts]}


def _csl(item: _Item) -> dict[str, Any]:
    """The item as Zotero's own CSL-JSON export writes it (``itemToCSLJSON``)."""
    record: dict[str, Any] = {"type": _TYPE_OF_ITEM.get(item.item_type, "document")}
    ranks: dict[str, int] = {}
    for field_name, text in item.fields.items():
        if not text:
            continue
        for variable, rank in _VARIABLES_OF_FIELD.get(field_name, ()):
            if rank < ranks.get(variable, len(ZOTERO_CSL_TEXT[variable])):
                ranks[variable] = rank
                record[variable] = text
    if "journalAbbreviation" in record:  # citeproc-js's name for container-title-short
        record["container-title-short"] = record.pop("journalAbbreviation")
    for variable, field in ZOTERO_CSL_DATES.items():
        value = item.fields.get(field)
        date = _date(value) if value else None
        if date is not None:
            record[variable] = date
    for ctype, first, last, mode in item.creators:
        name_variable = ZOTERO_CSL_NAMES.get("author" if ctype == item.primary_creator else ctype)
        if name_variable is None:
            continue
        if mode == 1 or not first:
            name = {"literal": last or first}
        else:
            name = {"family": last, "given": first} if last else {"literal": first}
        if any(name.values()):
            record.setdefault(name_variable, []).append(name)
    if item.tags:
        record["keyword"] = ", ".join(sorted(set(item.tags), key=str.casefold))
    return record


def _references(
    records: list[_Item], bbt: Mapping[tuple[int, str], str], path: Path, version: int
) -> ZoteroLibrary:
    keys: list[str] = []
    for item in records:
        key = item.fields.get("citationKey", "").strip() or bbt.get((item.library, item.key), "")
        if not key:
            found = _EXTRA_KEY.search(item.fields.get("extra", ""))
            key = found.group(1) if found else ""
        keys.append(key)
    registry = KeyRegistry()
    owners: dict[str, str] = {}
    for item, key in zip(records, keys, strict=True):
        if not key:
            continue
        name = _name(item)
        if key.casefold() in owners:
            raise ZoteroError(
                f"{path}: {owners[key.casefold()]} and {name} have one citation key {key!r}"
            )
        owners[key.casefold()] = name
        registry.reserve(key)
    references = []
    for item, key in zip(records, keys, strict=True):
        also = {}
        if item.collections:
            also["groups"] = ", ".join(sorted(set(item.collections), key=str.casefold))
        try:
            reference = from_csl(_csl(item), key or "ref", also=also)
            if not key:
                reference = registry.assign(reference)
        except (InvalidReference, ValueError) as exc:
            raise ZoteroError(f"{path}: {_name(item)}: {exc}") from exc
        references.append(reference)
    return ZoteroLibrary(tuple(references), tuple(_name(item) for item in records), version)


def _name(item: _Item) -> str:
    return f"library {item.library}, item {item.key}"
