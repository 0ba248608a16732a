"""Where a timeline is kept: the journal and views adapters chosen from the target.

A path or ``":memory:"`` is a SQLite file (or database) holding both: the
views' tables share the journal's connection, so a command's record and its
views are written in one transaction. That coupling lives here, between the
two SQLite adapters, and nowhere in the application.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Literal

import attrs

from timeline.domain import REGISTRY
from timeline.journal import Journal, SQLiteJournal
from timeline.views import SQLiteViews, Views


@attrs.frozen
class Storage:
    """A journal, the views kept in step with it, and the context that types their errors."""

    journal: Journal
    views: Views
    typed_errors: Callable[[], AbstractContextManager[None]]


def open_storage(
    target: str | os.PathLike[str],
    *,
    synchronous: Literal["NORMAL", "FULL"] = "NORMAL",
    busy_timeout: float = 30.0,
    read_only: bool = False,
) -> Storage:
    """The journal and the views kept at ``target`` (the journal is opened, or created).

    A file holding objects timeline did not create is refused with
    :class:`UntrustedJournal` (the journal is closed again).
    """
    journal = SQLiteJournal.open(
        target,
        registry=REGISTRY,
        synchronous=synchronous,
        busy_timeout=busy_timeout,
        read_only=read_only,
    )
    try:
        with journal.typed_errors():
            views = SQLiteViews(journal.connection, journal.path)
            views.check_objects(journal.other_objects())
    except BaseException:
        journal.close()
        raise
    return Storage(journal, views, journal.typed_errors)
