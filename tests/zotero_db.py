"""Zotero databases for tests and benchmarks, built the way Zotero builds its own.

:func:`build` runs Zotero's own ``system.sql``, ``userdata.sql`` and
``triggers.sql`` (``tests/data/zotero/``), fills the item-type, field and
creator-type tables from Zotero's ``schema.json`` as Zotero's
``_updateGlobalSchema`` does, records the schema versions, and inserts items
through the real tables: ``items``, ``itemData`` and ``itemDataValues`` (one
row per distinct value), ``creators`` and ``itemCreators``, ``tags`` and
``itemTags``, ``collections`` and ``collectionItems``, ``deletedItems``,
``groups`` and ``libraries``. A field is stored under the item type's own
field (``bookTitle`` for a book section's ``publicationTitle``), as Zotero does.
Better BibTeX's key database is built with its own table definition.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data" / "zotero"
USERDATA_VERSION = 129

#: Better BibTeX's key table (retorquere/zotero-better-bibtex content/db/citation-key.sql).
BBT_TABLE = """
CREATE TABLE IF NOT EXISTS citationkey (
  itemID NOT NULL PRIMARY KEY,
  itemKey NOT NULL,
  libraryID NOT NULL,
  citationKey NOT NULL CHECK (citationKey <> ''),
  pinned CHECK (pinned in (0, 1)),
  UNIQUE (libraryID, itemKey)
);
CREATE INDEX IF NOT EXISTS citationkey_itemKey ON citationkey(itemKey);
CREATE INDEX IF NOT EXISTS citationkey_libraryID_itemKey ON citationkey(libraryID, itemKey);
CREATE INDEX IF NOT EXISTS citationkey_citationkey ON citationkey(citationKey);
"""


@cache
def schema() -> dict[str, Any]:
    """Zotero's schema.json (without its locales)."""
    data: dict[str, Any] = json.loads((DATA / "schema.json").read_text(encoding="utf-8"))
    return data


@cache
def type_fields() -> dict[str, dict[str, str]]:
    """Item type -> {base field or own field: the field stored for it}."""
    table: dict[str, dict[str, str]] = {}
    for entry in schema()["itemTypes"]:
        own = table.setdefault(entry["itemType"], {})
        for item_field in entry["fields"]:
            own[item_field["field"]] = item_field["field"]
            if "baseField" in item_field:
                own[item_field["baseField"]] = item_field["field"]
    return table


@dataclass
class Creator:
    """One creator: a two-part name, or one field (``first`` empty, ``single``)."""

    last: str
    first: str = ""
    creator_type: str = "author"
    single: bool = False


@dataclass
class Item:
    """One item; ``fields`` by base field name (``publicationTitle``) or own name."""

    item_type: str
    fields: dict[str, str] = field(default_factory=dict)
    creators: list[Creator] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    collections: list[str] = field(default_factory=list)  # paths, "Parent/Child"
    key: str = ""
    library: int = 1
    deleted: bool = False
    parent: int | None = None  # notes and attachments: the parent's index in the list


def _sql(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


def build(
    path: Path,
    items: Sequence[Item],
    *,
    userdata_version: int | str = USERDATA_VERSION,
    groups: Iterable[tuple[int, str]] = (),
) -> Path:
    """A zotero.sqlite at ``path`` holding ``items`` (``groups``: (libraryID, name) pairs)."""
    db = sqlite3.connect(path)
    db.execute("PRAGMA synchronous = OFF")  # a test file: no need to wait for the disk
    db.execute("PRAGMA journal_mode = MEMORY")
    try:
        with db:
            _schema(db, userdata_version)
            db.execute(
                "INSERT INTO libraries (libraryID, type, editable, filesEditable) "
                "VALUES (1, 'user', 1, 1)"
            )
            for library, name in groups:
                db.execute(
                    "INSERT INTO libraries (libraryID, type, editable, filesEditable) "
                    "VALUES (?, 'group', 1, 1)",
                    (library,),
                )
                db.execute(
                    "INSERT INTO groups (groupID, libraryID, name, description, version) "
                    "VALUES (?, ?, ?, '', 0)",
                    (library * 1000, library, name),
                )
            _items(db, items)
    finally:
        db.close()
    return path


def _schema(db: sqlite3.Connection, userdata_version: int | str) -> None:
    db.executescript(_sql("system.sql"))
    db.executescript(_sql("userdata.sql"))
    db.executescript(_sql("triggers.sql"))
    data = schema()
    fields: dict[str, int] = {}
    creator_types: dict[str, int] = {}
    for entry in data["itemTypes"]:
        for item_field in entry["fields"]:
            for name in (item_field["field"], item_field.get("baseField")):
                if name and name not in fields:
                    fields[name] = len(fields) + 1
        for creator in entry["creatorTypes"]:
            creator_types.setdefault(creator["creatorType"], len(creator_types) + 1)
    db.executemany("INSERT INTO fields VALUES (?, ?, NULL)", [(i, n) for n, i in fields.items()])
    db.executemany(
        "INSERT INTO creatorTypes VALUES (?, ?)", [(i, n) for n, i in creator_types.items()]
    )
    for type_id, entry in enumerate(data["itemTypes"], 1):
        db.execute("INSERT INTO itemTypes VALUES (?, ?, NULL, 1)", (type_id, entry["itemType"]))
        for index, item_field in enumerate(entry["fields"]):
            field_id = fields[item_field["field"]]
            db.execute("INSERT INTO itemTypeFields VALUES (?, ?, 0, ?)", (type_id, field_id, index))
            if "baseField" in item_field:
                db.execute(
                    "INSERT INTO baseFieldMappings VALUES (?, ?, ?)",
                    (type_id, fields[item_field["baseField"]], field_id),
                )
        for creator in entry["creatorTypes"]:
            db.execute(
                "INSERT INTO itemTypeCreatorTypes VALUES (?, ?, ?)",
                (type_id, creator_types[creator["creatorType"]], int(bool(creator.get("primary")))),
            )
    db.executemany(
        "INSERT INTO version VALUES (?, ?)",
        [
            ("system", 32),
            ("userdata", userdata_version),
            ("triggers", 18),
            ("globalSchema", data["version"]),
        ],
    )


def _items(db: sqlite3.Connection, items: Sequence[Item]) -> None:
    type_ids = dict(db.execute("SELECT typeName, itemTypeID FROM itemTypes").fetchall())
    field_ids = dict(db.execute("SELECT fieldName, fieldID FROM fields").fetchall())
    creator_type_ids = dict(db.execute("SELECT creatorType, creatorTypeID FROM creatorTypes"))
    values: dict[str, int] = {}
    creators: dict[tuple[str, str, int], int] = {}
    tags: dict[str, int] = {}
    collections: dict[tuple[int, str], int] = {}
    data_rows, creator_rows, tag_rows, member_rows = [], [], [], []
    for item_id, item in enumerate(items, 1):
        key = item.key or f"K{item_id:07d}"
        db.execute(
            "INSERT INTO items (itemID, itemTypeID, libraryID, key) VALUES (?, ?, ?, ?)",
            (item_id, type_ids[item.item_type], item.library, key),
        )
        if item.item_type == "note":
            db.execute(
                "INSERT INTO itemNotes (itemID, parentItemID, note, title) VALUES (?, ?, ?, ?)",
                (item_id, None if item.parent is None else item.parent + 1, "<p>note</p>", "note"),
            )
        own = type_fields()[item.item_type]
        for name, value in item.fields.items():
            stored = own.get(name)
            if stored is None:
                raise KeyError(f"{item.item_type} has no field {name!r} in Zotero's schema")
            value_id = values.setdefault(value, len(values) + 1)
            data_rows.append((item_id, field_ids[stored], value_id))
        for order, creator in enumerate(item.creators):
            mode = 1 if creator.single else 0
            name = (creator.first, creator.last, mode)
            creator_id = creators.setdefault(name, len(creators) + 1)
            creator_rows.append(
                (item_id, creator_id, creator_type_ids[creator.creator_type], order)
            )
        for tag in item.tags:
            tag_rows.append((item_id, tags.setdefault(tag, len(tags) + 1), 0))
        for path in item.collections:
            parent = None
            for depth, name in enumerate(path.split("/"), 1):
                at = (item.library, "/".join(path.split("/")[:depth]))
                if at not in collections:
                    collections[at] = len(collections) + 1
                    db.execute(
                        "INSERT INTO collections (collectionID, collectionName, "
                        "parentCollectionID, libraryID, key) VALUES (?, ?, ?, ?, ?)",
                        (collections[at], name, parent, item.library, f"C{collections[at]:07d}"),
                    )
                parent = collections[at]
            member_rows.append((parent, item_id))
        if item.deleted:
            db.execute("INSERT INTO deletedItems (itemID) VALUES (?)", (item_id,))
    db.executemany(
        "INSERT INTO itemDataValues (valueID, value) VALUES (?, ?)",
        [(i, v) for v, i in values.items()],
    )
    db.executemany("INSERT INTO itemData VALUES (?, ?, ?)", data_rows)
    db.executemany(
        "INSERT INTO creators (creatorID, firstName, lastName, fieldMode) VALUES (?, ?, ?, ?)",
        [(i, first, last, mode) for (first, last, mode), i in creators.items()],
    )
    db.executemany("INSERT INTO itemCreators VALUES (?, ?, ?, ?)", creator_rows)
    db.executemany(
        "INSERT INTO tags (tagID, name) VALUES (?, ?)", [(i, t) for t, i in tags.items()]
    )
    db.executemany("INSERT INTO itemTags VALUES (?, ?, ?)", tag_rows)
    db.executemany("INSERT INTO collectionItems (collectionID, itemID) VALUES (?, ?)", member_rows)


def build_better_bibtex(path: Path, keys: Iterable[tuple[int, str, int, str]]) -> Path:
    """Better BibTeX's ``better-bibtex.sqlite``: (itemID, itemKey, libraryID, citationKey) rows."""
    db = sqlite3.connect(path)
    try:
        with db:
            db.executescript(BBT_TABLE)
            db.executemany(
                "INSERT INTO citationkey VALUES (?, ?, ?, ?, 0)",
                list(keys),
            )
    finally:
        db.close()
    return path
