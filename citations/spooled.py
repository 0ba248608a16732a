"""A bibliography too big to hold in memory, laid out by a CSL style.

:class:`SpooledBibliography` reads the references a part at a time, twice.
The first time, each one's first sort key (:func:`~citations.styles.style_sort_keys`)
and its CSL-JSON are written to a temporary SQLite database; then, a key at a
time, the next key is computed from that CSL-JSON for only the references still
tied with another on the keys before it (a style's later keys, such as the title
and source rendered again, are most of the time sorting takes, and rarely
decide). The database sorts and numbers them and gives the year suffixes
("2020a"). The second time, each one's entry is formatted knowing its place
(:func:`~citations.styles.placed_entries`) and written there too. The entries
come back in the style's order, and a work's entry by its key: the same text
:func:`~citations.formatting.format_entries` gives, in memory that does not
grow with the number of references.
"""

from __future__ import annotations

import functools
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from citations.model import Reference
from citations.styles import (
    CSLStyle,
    compare_sort_keys,
    placed_entries,
    record_sort_keys,
    render_marked,
    sort_record,
    strip_label,
    style_sort_key_count,
    style_sort_keys,
    year_suffix_group,
)

__all__ = ["SpooledBibliography"]

#: References read, keyed or formatted at a time.
_PART = 500

_SCHEMA = """
CREATE TABLE items (rank INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, sort TEXT NOT NULL,
                    depth INTEGER NOT NULL, record TEXT NOT NULL, grp TEXT,
                    position INTEGER, suffix TEXT NOT NULL DEFAULT '', entry TEXT, body TEXT);
CREATE TABLE tied (rank INTEGER PRIMARY KEY, sort TEXT NOT NULL, record TEXT NOT NULL);
"""


def _parts(refs: Iterable[Reference]) -> Iterator[list[Reference]]:
    part: list[Reference] = []
    for ref in refs:
        part.append(ref)
        if len(part) == _PART:
            yield part
            part = []
    if part:
        yield part


def _suffix(number: int) -> str:
    return chr(ord("a") + number - 1) if number <= 26 else str(number)


class SpooledBibliography:
    """The references ``read`` gives (anew each call, in the same order) laid out by
    ``style`` for ``output``, kept in a temporary file until :meth:`close`."""

    def __init__(
        self, read: Callable[[], Iterable[Reference]], style: CSLStyle, output: str
    ) -> None:
        self._db = sqlite3.connect("")  # a private database in a temporary file
        self._db.executescript(_SCHEMA)
        compare = compare_sort_keys(style)
        decoded = functools.lru_cache(maxsize=8192)(json.loads)
        self._db.create_collation("csl", lambda a, b: compare(decoded(a), decoded(b)))
        with self._db:
            self._keys(read(), style)
            self._place(style)
            self._format(read(), style, output)

    def _keys(self, refs: Iterable[Reference], style: CSLStyle) -> None:
        """Each reference's sort keys as far as the first that tells it from all others."""
        count = style_sort_key_count(style)
        depth = min(count, 2 if style.sorts_by_language else 1)
        rank = 0
        for part in _parts(refs):
            rows = []
            records = [sort_record(ref) for ref in part]
            keys = style_sort_keys(part, style, 0, depth, records=records)
            for ref, record, key in zip(part, records, keys, strict=True):
                rank += 1
                sort = json.dumps(key, ensure_ascii=False)
                text = json.dumps(record, ensure_ascii=False)
                rows.append((rank, ref.key, sort, depth, text, year_suffix_group(ref, style)))
            self._db.executemany(
                "INSERT INTO items (rank, key, sort, depth, record, grp) VALUES (?,?,?,?,?,?)",
                rows,
            )
        for position in range(depth, count):
            self._db.execute("DELETE FROM tied")
            self._db.execute(
                "INSERT INTO tied SELECT rank, sort, record FROM (SELECT rank, sort, record, "
                "COUNT(*) OVER (PARTITION BY sort COLLATE csl) AS peers FROM items "
                "WHERE depth = ?) WHERE peers > 1",
                (position,),
            )
            tied = self._db.execute("SELECT rank, sort, record FROM tied ORDER BY rank")
            while batch := tied.fetchmany(_PART):
                self._add_key(batch, style, position)
            if self._db.execute("SELECT NOT EXISTS (SELECT 1 FROM tied)").fetchone()[0]:
                break

    def _add_key(self, tied: list[tuple[int, str, str]], style: CSLStyle, position: int) -> None:
        """Add key ``position`` to the sort keys of the ``tied`` references (rank, keys
        so far, record)."""
        records = [json.loads(record) for _rank, _sort, record in tied]
        keys = record_sort_keys(records, style, position, position + 1)
        self._db.executemany(
            "UPDATE items SET sort = ?, depth = ? WHERE rank = ?",
            [
                (json.dumps([*json.loads(sort), *key], ensure_ascii=False), position + 1, rank)
                for (rank, sort, _record), key in zip(tied, keys, strict=True)
            ],
        )

    def _place(self, style: CSLStyle) -> None:
        """Number the references in the style's order (ties in their order), then give
        each work that shares its names and year with another its suffix, in that order."""
        self._db.execute("CREATE TABLE placed (rank INTEGER PRIMARY KEY, position INTEGER)")
        self._db.execute(
            "INSERT INTO placed SELECT rank, "
            "ROW_NUMBER() OVER (ORDER BY sort COLLATE csl, rank) FROM items"
        )
        self._db.execute(
            "UPDATE items SET position = "
            "(SELECT position FROM placed WHERE placed.rank = items.rank)"
        )
        self._db.execute("CREATE INDEX items_position ON items (position)")
        if style.year_suffix:
            rows = self._db.execute(
                "SELECT rank, ROW_NUMBER() OVER (PARTITION BY grp ORDER BY position), "
                "COUNT(*) OVER (PARTITION BY grp) FROM items WHERE grp IS NOT NULL"
            ).fetchall()
            self._db.executemany(
                "UPDATE items SET suffix = ? WHERE rank = ?",
                [(_suffix(number), rank) for rank, number, count in rows if count > 1],
            )

    def _format(self, refs: Iterable[Reference], style: CSLStyle, output: str) -> None:
        rank = 0
        for part in _parts(refs):
            places = self._db.execute(
                "SELECT key, position, suffix FROM items WHERE rank > ? ORDER BY rank LIMIT ?",
                (rank, len(part)),
            ).fetchall()
            if [key for key, _position, _suffix in places] != [ref.key for ref in part]:
                raise RuntimeError("the references changed between their two readings")
            placed = [
                (ref, position, suffix)
                for ref, (_k, position, suffix) in zip(part, places, strict=True)
            ]
            rows: list[tuple[Any, ...]] = []
            for text in placed_entries(placed, style):
                rank += 1
                if text is None:
                    rows.append((None, None, rank))
                else:
                    body = render_marked(strip_label(text), output)
                    rows.append((render_marked(text, output), body, rank))
            self._db.executemany("UPDATE items SET entry = ?, body = ? WHERE rank = ?", rows)

    def body(self, key: str) -> str | None:
        """The entry of ``key`` without a numeric style's label; None for a work the
        style leaves out or a key it was not given."""
        row = self._db.execute("SELECT body FROM items WHERE key = ?", (key,)).fetchone()
        return None if row is None else row[0]

    def entries(self) -> Iterator[tuple[str, str]]:
        """(key, entry) in the style's order, read from the file as they are asked for."""
        rows = self._db.execute(
            "SELECT key, entry FROM items WHERE entry IS NOT NULL ORDER BY position"
        )
        yield from rows

    def close(self) -> None:
        """Delete the temporary file."""
        self._db.close()
