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
``_documents`` (chronology, bibliography), ``_import`` (import, seed) and
``_serve`` (the web app);
``_app`` holds the group and its global options, ``_commands`` the table of
commands (module and summary, so that ``--help`` imports none), ``_output``
what they print.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from timeline.cli._app import Writes, cli, main

if TYPE_CHECKING:
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

#: WRITE_COMMANDS: the commands that write a journal (or create one); ``--as-of``
#: refuses them. It and the ``chronology``/``bibliography`` choices are made on
#: first use (PEP 562): finding them imports the command modules, which
#: ``timeline --help`` does not.


def __getattr__(name: str) -> Any:
    if name == "WRITE_COMMANDS":
        context = click.Context(cli)
        commands = [cli.get_command(context, n) for n in cli.list_commands(context)]
        return frozenset(c.name for c in commands if isinstance(c, Writes))
    if name in {
        "BIBLIOGRAPHY_FORMATS",
        "CHRONOLOGY_DATES",
        "CHRONOLOGY_FORMATS",
        "CHRONOLOGY_GROUPINGS",
    }:
        from timeline.cli import _documents

        return getattr(_documents, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
