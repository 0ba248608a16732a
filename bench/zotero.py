"""Issue 14's Zotero figure: a 20,000-item zotero.sqlite read and imported.

Usage: ``python bench/zotero.py [N]`` (default 20000). Builds a Zotero database
of N regular items (journal articles, books, chapters, web pages, reports and
theses with 1-4 creators, tags and collections; plus a note per ten items, and
Better BibTeX-style keys in Extra on a tenth) with Zotero's own DDL
(``tests/zotero_db.py``), then prints one ``name value`` line per figure:

- ``read_s_N``: ``citations.read_zotero`` of the whole library;
- ``csl_json_read_s_N``: ``parse_csl_json`` of the same references as one
  CSL-JSON file (what reading Zotero's own export costs), and
  ``read_vs_csl_json_N``, the ratio of the two rates (above 1: the database is
  read faster than its export);
- ``command_s_N``: ``timeline import zotero.sqlite`` as the command does it
  (``read_import``, then ``import_into`` a new journal); target under 10 s at
  N = 20,000.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

# the Zotero database builder lives with the tests
sys.path.append(str(Path(__file__).resolve().parents[1] / "tests"))

from zotero_db import Creator, Item, build

from citations import parse_csl_json, read_zotero, write_csl_json
from timeline.importing import import_into, read_import

_TYPES = ("journalArticle", "book", "bookSection", "webpage", "report", "thesis")
_WORDS = [
    "alliance",
    "border",
    "treaty",
    "summit",
    "energy",
    "pipeline",
    "security",
    "cooperation",
    "partnership",
]
_NAMES = [("Lukin", "Alexander"), ("Gabuev", "Alexander"), ("欧阳", "向英"), ("Смирнов", "Пётр")]


def library(n: int) -> list[Item]:
    """N regular items (and a note for every tenth), fixed by the seed."""
    rng = random.Random(14)
    items: list[Item] = []
    for number in range(n):
        item_type = _TYPES[number % len(_TYPES)]
        title = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(3, 8))).capitalize()
        fields = {
            "title": f"{title} {number}",
            "date": f"{rng.randint(1950, 2025)}-{rng.randint(0, 12):02d}-00 as typed",
            "url": f"https://example.org/{number}",
            "language": rng.choice(["en", "zh", "ru"]),
            "abstractNote": title,
        }
        if item_type in ("journalArticle", "bookSection", "webpage"):
            fields["publicationTitle"] = rng.choice(["Foreign Affairs", "国际经济评论", "Россия"])
        if item_type in ("book", "bookSection", "report", "thesis"):
            fields["place"] = rng.choice(["Moscow", "Beijing", "London"])
        if item_type == "journalArticle":
            fields |= {"volume": str(rng.randint(1, 60)), "pages": "12-30", "DOI": f"10.1/{number}"}
        if number % 10 == 3:
            fields["extra"] = f"Citation Key: bbt{number}"
        elif number % 3:
            fields["citationKey"] = f"key{number}"
        creators = [
            Creator(*rng.choice(_NAMES), creator_type="author") for _ in range(rng.randint(1, 4))
        ]
        items.append(
            Item(
                item_type,
                fields,
                creators,
                tags=rng.sample(_WORDS, rng.randint(0, 3)),
                collections=[rng.choice(["Thesis", "Thesis/Chapter 2", "Reading"])],
            )
        )
        if number % 10 == 0:
            items.append(Item("note", parent=len(items) - 1))
    return items


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    with tempfile.TemporaryDirectory() as tmp:
        database = build(Path(tmp) / "zotero.sqlite", library(n))
        start = time.perf_counter()
        read = read_zotero(database)
        read_s = time.perf_counter() - start
        assert len(read.references) == n
        text = write_csl_json(read.references)
        start = time.perf_counter()
        parse_csl_json(text)
        csl_s = time.perf_counter() - start
        start = time.perf_counter()
        summary = import_into(Path(tmp) / "journal.timeline", read_import([database]))
        command_s = time.perf_counter() - start
        assert summary.references == n
    print(f"read_s_{n} {read_s:.2f}")
    print(f"csl_json_read_s_{n} {csl_s:.2f}")
    print(f"read_vs_csl_json_{n} {csl_s / read_s:.2f}")
    print(f"command_s_{n} {command_s:.2f}")


if __name__ == "__main__":
    main()
