"""A bibliography too big to hold in memory, laid out by a CSL style.

:class:`SpooledBibliography` reads the references twice, a part at a time: the
first time for each one's sort keys (:func:`~citations.styles.style_sort_keys`),
written to a temporary SQLite database that sorts and numbers them and gives the
year suffixes ("2020a"); the second for each one's entry, formatted knowing its
place (:func:`~citations.styles.placed_entries`) and written there too. The
entries come back in the style's order, and a work's entry by its key: the same
text :func:`~citations.formatting.format_entries` gives, in memory that does not
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
    render_marked,
    strip_label,
    style_sort_keys,
    year_suffix_group,
)

__all__ = ["SpooledBibliography"]

#: References read, keyed or formatted at a time.
_PART = 500

_SCHEMA = """
CREATE TABLE items (rank INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, sort TEXT NOT NULL,
                    grp TEXT, position INTEGER, suffix TEXT NOT NULL DEFAULT '',
                    entry TEXT, body TEXT);
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
        rank = 0
        for part in _parts(refs):
            rows = []
            for ref, keys in zip(part, style_sort_keys(part, style), strict=True):
                rank += 1
                sort = json.dumps(keys, ensure_ascii=False)
                rows.append((rank, ref.key, sort, year_suffix_group(ref, style)))
            self._db.executemany("INSERT INTO items (rank, key, sort, grp) VALUES (?,?,?,?)", rows)

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
