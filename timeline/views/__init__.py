"""Views (read models): what queries read, derived from the journal and kept in step with it.

The views are never the source of truth: they are dropped and rebuilt from the
journal at any time. :class:`Views` is the port the application uses: apply a
batch of ``(record, change)`` pairs inside the journal's write transaction,
bring them level with the journal (``checkpoint``, ``catch_up``,
``rebuild``), and typed queries returning the domain's states
(:class:`~timeline.domain.EventState`: an event with its version, retraction
and citations; :class:`~timeline.domain.ReferenceState`: a reference with its
version and merge target), each taking ``as_of`` (a journal ``seq``):
adapters keep every row version with the ``seq`` range it held in, so the
past is read, not replayed.

Adapters: :class:`SQLiteViews` (tables in the SQLite journal's file, sharing
its connection), :class:`PostgresViews` (the same tables in a PostgreSQL
journal's schema, sharing its connection) and :class:`MemoryViews` (plain
Python structures).
:mod:`timeline.testing.views` is the contract every adapter passes.
"""

from typing import TYPE_CHECKING

from timeline._lazy import on_first_use
from timeline.views._port import (
    Batch,
    EventFields,
    EventQuery,
    EventTally,
    Progress,
    ReferenceRow,
    Views,
    event_order,
    when_order,
)
from timeline.views._rows import OPEN
from timeline.views._sqlite import READ_MODEL_SCHEMA, SQLiteViews

if TYPE_CHECKING:
    from timeline.views._memory import MemoryViews
    from timeline.views._postgres import PostgresViews

__all__ = [
    "OPEN",
    "READ_MODEL_SCHEMA",
    "Batch",
    "EventFields",
    "EventQuery",
    "EventTally",
    "MemoryViews",
    "PostgresViews",
    "Progress",
    "ReferenceRow",
    "SQLiteViews",
    "Views",
    "event_order",
    "when_order",
]


#: :class:`MemoryViews` and :class:`PostgresViews`, imported on first use
#: (a SQLite timeline needs neither).
__getattr__, __dir__ = on_first_use(
    __name__, {"_memory": ("MemoryViews",), "_postgres": ("PostgresViews",)}
)
