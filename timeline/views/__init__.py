"""Views (read models): what queries read, derived from the journal and kept in step with it.

The views are never the source of truth: they are dropped and rebuilt from the
journal at any time. Today they are SQLite tables beside the journal, in the
same file (:mod:`timeline.views._sqlite`).
"""

from timeline.views._sqlite import (
    EVENT_ORDER,
    READ_MODEL_SCHEMA,
    apply,
    apply_records,
    check_objects,
    checkpoint,
    create,
    differences,
    drop,
    load_event,
    load_reference,
    rebuild,
    replayed,
    snapshot,
    text_index_damage,
)

__all__ = [
    "EVENT_ORDER",
    "READ_MODEL_SCHEMA",
    "apply",
    "apply_records",
    "check_objects",
    "checkpoint",
    "create",
    "differences",
    "drop",
    "load_event",
    "load_reference",
    "rebuild",
    "replayed",
    "snapshot",
    "text_index_damage",
]
