"""The ``timeline`` command line: one kebab-case command per :class:`~timeline.Timeline` operation.

This package is the only one that imports click (and rich, for tables and
progress bars). Every command opens the journal named by ``--journal``
(default ``$TIMELINE_JOURNAL``, else ``./timeline.db``), calls the Python API
and prints the result: a table on a terminal, JSON with ``--json``, plain
tab-separated lines when piped. Errors from :mod:`timeline` and
:mod:`citations` are printed to stderr as ``error: <message>`` with exit code 1.

The commands live by area: ``_journal`` (init, verify, dump, load, rebuild,
stats), ``_events``, ``_references`` (references and citations),
``_claims`` (what sources claim: claim, evidence, disputes, ...),
``_documents`` (chronology, bibliography) and ``_import`` (import, seed);
``_app`` holds the group and its global options, ``_output`` what they print.
"""

from __future__ import annotations

from timeline.cli import _claims, _documents, _events, _import, _journal, _references
from timeline.cli._app import Writes, cli, main
from timeline.cli._documents import (
    BIBLIOGRAPHY_FORMATS,
    CHRONOLOGY_DATES,
    CHRONOLOGY_FORMATS,
    CHRONOLOGY_GROUPINGS,
)

__all__ = [
    "BIBLIOGRAPHY_FORMATS",
    "CHRONOLOGY_DATES",
    "CHRONOLOGY_FORMATS",
    "CHRONOLOGY_GROUPINGS",
    "WRITE_COMMANDS",
    "Writes",
    "cli",
    "main",
]

#: The command modules, imported for the commands they add to :data:`cli`.
_AREAS = (_claims, _documents, _events, _import, _journal, _references)

#: The commands that write a journal (or create one); ``--as-of`` refuses them.
WRITE_COMMANDS = frozenset(name for name, c in cli.commands.items() if isinstance(c, Writes))
