"""Reading events, citations and revisions from files a researcher edits by hand,
and importing them with reference files into a journal.

TOML and YAML files hold a list ``event`` (each with optional ``citations``)
and a list ``revision``; JSON Lines holds one event per line (or
``{"revision": {...}}``); CSV holds one event per row with flattened columns
(``title.en``, ``actors`` separated by ``;``, citations as ``key@locator``).
The formats are documented in ``docs/reference/import-formats.md``.

Parsing is pure: it returns an :class:`ImportPlan` (or, read part by part while the
import plans it, an :class:`ImportStream`: :func:`stream_import`) or raises
:class:`~timeline.errors.ImportFailed` naming the file, the entry and the
field. Every item of a plan keeps its :class:`Origin` (file and entry line),
which the timeline records as the reason of each change. :func:`import_into`
applies a plan to the journal at a path all at once or not at all.

Modules: ``_plan`` (the values), ``_entries`` (one entry's fields), one module
per events format (``_toml``, ``_yaml``, ``_jsonl``, ``_csv``), ``_files``
(files by suffix), ``_encoding`` (a BibTeX file's bytes against its encoding),
``_zotero`` (Zotero's database), ``_mapping`` (data tables such as ACLED's
through a mapping file, ``mappings/`` holding the built-in ones),
``_periodo`` (PeriodO's JSON-LD period definitions, read and written),
``_into_journal`` and ``_export`` (events written back as an events file:
:func:`write_events`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from timeline._lazy import on_first_use
from timeline.importing._plan import ImportPlan, ImportStream, Origin, Revision

if TYPE_CHECKING:
    from timeline.importing._export import EXPORT_FORMATS, write_events
    from timeline.importing._files import (
        DATA_TABLES,
        EVENT_FORMATS,
        REFERENCE_FORMATS,
        parse_events,
        read_events,
        read_import,
        stream_import,
    )
    from timeline.importing._into_journal import import_into
    from timeline.importing._mapping import EventMapping, load_mapping, mapped_plan
    from timeline.importing._periodo import PERIODO_CONTEXT, read_periodo, write_periodo

__all__ = [
    "DATA_TABLES",
    "EVENT_FORMATS",
    "EXPORT_FORMATS",
    "EventMapping",
    "ImportPlan",
    "ImportStream",
    "Origin",
    "PERIODO_CONTEXT",
    "REFERENCE_FORMATS",
    "Revision",
    "import_into",
    "load_mapping",
    "mapped_plan",
    "parse_events",
    "read_events",
    "read_import",
    "read_periodo",
    "stream_import",
    "write_events",
    "write_periodo",
]

#: Each name the readers' modules define (loaded on first use: a command that imports
#: nothing does not pay for them), by module.
__getattr__, __dir__ = on_first_use(
    __name__,
    {
        "_export": ("EXPORT_FORMATS", "write_events"),
        "_files": (
            "DATA_TABLES",
            "EVENT_FORMATS",
            "REFERENCE_FORMATS",
            "parse_events",
            "read_events",
            "read_import",
            "stream_import",
        ),
        "_into_journal": ("import_into",),
        "_mapping": ("EventMapping", "load_mapping", "mapped_plan"),
        "_periodo": ("PERIODO_CONTEXT", "read_periodo", "write_periodo"),
    },
)
