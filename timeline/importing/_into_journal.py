"""Importing a plan into the journal at a path: a new journal built aside, or an existing one."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING

from timeline.errors import JournalExists

if TYPE_CHECKING:
    from timeline.application import ImportSummary
    from timeline.importing._plan import ImportPlan


def import_into(
    path: str | os.PathLike[str],
    plan: ImportPlan,
    *,
    author: str | None = None,
    busy_timeout: float = 30.0,
    progress: Callable[[int], None] | None = None,
) -> ImportSummary:
    """Record ``plan`` into the journal at ``path``, all or nothing.

    A journal that does not exist yet is built in a hidden file beside
    ``path`` and appears only when the import succeeded (its parent folders
    are created); one that exists, also one another process created
    meanwhile, gets the plan in one transaction. ``progress`` receives the
    number of changes recorded so far.
    """
    from timeline.application import Timeline

    target = os.fspath(path)
    if not os.path.lexists(target):
        os.makedirs(os.path.dirname(target) or ".", exist_ok=True)
        try:
            with Timeline.creating(target, author=author, busy_timeout=busy_timeout) as timeline:
                return timeline.import_plan(plan, author=author, progress=progress)
        except JournalExists:
            pass  # another process made it meanwhile: import into it as into any journal
    with (
        Timeline.open(target, author=author, busy_timeout=busy_timeout) as timeline,
        timeline.typed_errors(),
    ):
        return timeline.import_plan(plan, author=author, progress=progress)
