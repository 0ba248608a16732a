"""Where a timeline is kept: the journal and views adapters chosen from the target.

A path or ``":memory:"`` is a SQLite file (or database) holding both: the
views' tables share the journal's connection, so a command's record and its
views are written in one transaction. A ``postgresql://`` URL is a schema of a
PostgreSQL database holding both, likewise on one connection. That coupling
lives here, between the adapters, and nowhere in the application.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Literal

import attrs

from timeline.domain import REGISTRY
from timeline.errors import NotAJournal
from timeline.journal import Journal, SQLiteJournal, is_postgres_target
from timeline.views import SQLiteViews, Views


@attrs.frozen
class Storage:
    """A journal, the views kept in step with it, and the context that types their errors."""

    journal: Journal
    views: Views
    typed_errors: Callable[[], AbstractContextManager[None]]


def shown(target: str | os.PathLike[str]) -> str:
    """``target`` as messages show it (a URL without its password)."""
    text = os.fspath(target)
    if not is_postgres_target(text):
        return text
    from timeline.journal import PostgresJournal

    return PostgresJournal.shown(text)


def storage_exists(target: str | os.PathLike[str]) -> bool:
    """Whether a journal is kept at ``target`` already (a file, or a schema's tables)."""
    text = os.fspath(target)
    if not is_postgres_target(text):
        return os.path.lexists(text)
    from timeline.journal import PostgresJournal

    try:
        PostgresJournal.open(text, read_only=True).close()
    except NotAJournal:
        return False
    return True


def open_storage(
    target: str | os.PathLike[str],
    *,
    synchronous: Literal["NORMAL", "FULL"] = "NORMAL",
    busy_timeout: float = 30.0,
    read_only: bool = False,
) -> Storage:
    """The journal and the views kept at ``target`` (the journal is opened, or created).

    A file or schema holding objects timeline did not create is refused with
    :class:`UntrustedJournal` (the journal is closed again). ``synchronous``
    is SQLite's; a PostgreSQL server makes its own commits durable.
    """
    if is_postgres_target(target):
        return _open_postgres(os.fspath(target), busy_timeout, read_only)
    journal = SQLiteJournal.open(
        target,
        registry=REGISTRY,
        synchronous=synchronous,
        busy_timeout=busy_timeout,
        read_only=read_only,
    )
    try:
        with journal.typed_errors():
            views = SQLiteViews(journal.connection, journal.path, journal=journal)
            views.check_objects(journal.other_objects())
    except BaseException:
        journal.close()
        raise
    return Storage(journal, views, journal.typed_errors)


def _open_postgres(target: str, busy_timeout: float, read_only: bool) -> Storage:
    from timeline.journal import PostgresJournal

    journal = PostgresJournal.open(
        target, registry=REGISTRY, busy_timeout=busy_timeout, read_only=read_only
    )
    from timeline.views import PostgresViews  # its module loads on a PostgreSQL open only

    try:
        views = PostgresViews(journal)
        views.open()
    except BaseException:
        journal.close()
        raise
    return Storage(journal, views, journal.typed_errors)
