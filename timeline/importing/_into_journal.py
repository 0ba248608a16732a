"""Importing a plan into the journal at a path: a new journal built aside, or an existing one."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING

from timeline._storage import storage_exists
from timeline.errors import JournalExists
from timeline.journal import is_postgres_target

if TYPE_CHECKING:
    from timeline.application import ImportSummary
    from timeline.importing._plan import ImportPlan, ImportStream


def import_into(
    path: str | os.PathLike[str],
    plan: ImportPlan | ImportStream,
    *,
    author: str | None = None,
    busy_timeout: float = 30.0,
    progress: Callable[[int], None] | None = None,
    dry_run: bool = False,
    retract_missing: bool = False,
    listed: int | None = None,
) -> ImportSummary:
    """Bring the journal at ``path`` in step with ``plan``, all or nothing
    (:meth:`Timeline.import_plan <timeline.Timeline.import_plan>`).

    A journal that does not exist yet is built in a hidden file beside
    ``path`` and appears only when the import succeeded (its parent folders
    are created); one that exists, also one another process created
    meanwhile, gets the plan in one transaction. ``progress`` receives the
    number of entries done so far. ``dry_run=True`` writes nothing, and
    creates no file: the plan is made against the journal as it is (or an
    empty one). ``listed``: how many entries the summary lists (it counts them all;
    :data:`timeline.application.LISTED` unless given).
    """
    from timeline.application import LISTED, Timeline

    def run(timeline: Timeline) -> ImportSummary:
        return timeline.import_plan(
            plan,
            author=author,
            progress=progress,
            dry_run=dry_run,
            retract_missing=retract_missing,
            listed=LISTED if listed is None else listed,
        )

    target = os.fspath(path)
    exists = storage_exists(target)
    if dry_run:
        with Timeline.open(
            target if exists else ":memory:",
            author=author,
            busy_timeout=busy_timeout,
            read_only=exists,
        ) as timeline:
            return run(timeline)
    if not exists:
        if not is_postgres_target(target):
            os.makedirs(os.path.dirname(target) or ".", exist_ok=True)
        try:
            with Timeline.creating(target, author=author, busy_timeout=busy_timeout) as timeline:
                return run(timeline)
        except JournalExists:
            pass  # another process made it meanwhile: import into it as into any journal
    with (
        Timeline.open(target, author=author, busy_timeout=busy_timeout) as timeline,
        timeline.typed_errors(),
    ):
        return run(timeline)
