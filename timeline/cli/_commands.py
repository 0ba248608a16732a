"""Every ``timeline`` command: the module that defines it and its one-line summary.

``timeline --help`` lists the commands from this table without importing their
modules, so that it starts as fast as click allows; a command's module is
imported when that command runs (or its own ``--help`` is asked for). The
summary is written here only: it heads the command's ``--help``, above the
details of its docstring.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["COMMANDS", "Entry"]


class Entry(NamedTuple):
    """Where a command is defined (a module of :mod:`timeline.cli`) and what it does."""

    module: str
    summary: str


#: The commands by name, sorted.
COMMANDS: dict[str, Entry] = {
    "add-event": Entry(
        "_events",
        'Put a new event on the timeline: WHEN (EDTF or a phrase such as "early June 2019") '
        "and TITLE.",
    ),
    "amend-reference": Entry(
        "_references",
        "Correct reference KEY: some fields (--set, --unset, --type, --language) or all (--from).",
    ),
    "bibliography": Entry(
        "_documents",
        "Write the references as BibTeX, biblatex or CSL-JSON sorted by key, or formatted in "
        "a citation style as text, HTML or Markdown.",
    ),
    "chronology": Entry(
        "_documents",
        "Write the chronology as Markdown, Pandoc Markdown, HTML, SVG, TimelineJS, CSV or LaTeX.",
    ),
    "cite": Entry(
        "_references",
        "Cite reference KEY from event ID, with an optional locator and what the source claims.",
    ),
    "claim": Entry(
        "_claims",
        "Record that the source KEY (at --locator) cited by event ID claims FIELD=VALUE.",
    ),
    "claims-of": Entry(
        "_claims",
        "What the sources of event ID's citations claim, one claim a row.",
    ),
    "copy": Entry(
        "_journal",
        "Copy the journal at SOURCE into a new one at TARGET (files or PostgreSQL URLs), verified.",
    ),
    "define-period": Entry(
        "_periods",
        "Record a source's definition of the named period LABEL: dates, source and locator.",
    ),
    "diff": Entry(
        "_events",
        "What changed between two states of the journal (--since, --until): events and "
        "references added, revised, retracted, merged.",
    ),
    "disputes": Entry(
        "_claims",
        "Events whose sources disagree, one row per event and field, in historical order.",
    ),
    "dump": Entry("_journal", "Write the whole journal as JSON Lines (one record per line)."),
    "duplicates": Entry(
        "_references",
        "List pairs of references that look like the same work, with the reasons.",
    ),
    "event": Entry("_events", "Show one event with its citations."),
    "events": Entry(
        "_events",
        "List events in historical order (a table on a terminal, JSON with --json).",
    ),
    "events-citing": Entry(
        "_references",
        "List the events citing reference KEY (or a reference merged into it), in historical "
        "order.",
    ),
    "evidence": Entry(
        "_claims",
        "The claims on event ID (on FIELD, or every field) grouped by value, with their sources.",
    ),
    "export-events": Entry(
        "_import",
        "Write the events (not retracted) with their citations and claims as an events file.",
    ),
    "export-periodo": Entry(
        "_periods", "Write the period definitions as PeriodO JSON-LD, one authority per source."
    ),
    "follow": Entry(
        "_claims",
        "Conclude FIELD of event ID from the claim of source KEY, saying why.",
    ),
    "history": Entry(
        "_events",
        "Every change to event ID, oldest first: who, when, why and what changed.",
    ),
    "import": Entry("_import", "Import references and events from FILES, all or nothing."),
    "import-periodo": Entry(
        "_periods",
        "Import PeriodO JSON-LD period definitions from PATH, with their sources as references.",
    ),
    "init": Entry("_journal", "Create a new, empty journal at --journal."),
    "load": Entry(
        "_journal",
        "Create the journal at --journal from a JSON Lines dump (which must verify).",
    ),
    "merge-references": Entry(
        "_references",
        "Mark reference KEY as a duplicate of INTO: its citations count for INTO from now on.",
    ),
    "period": Entry("_periods", "Show the period definition ID."),
    "periods": Entry(
        "_periods",
        "List period definitions (of --label: every rival definition), in the order defined.",
    ),
    "rebuild": Entry("_journal", "Drop and rebuild the read models from the journal."),
    "reference": Entry(
        "_references",
        "Show reference KEY: its type, contributors, language and every field.",
    ),
    "references": Entry(
        "_references",
        "List the references by key: type, contributors and title (JSON: every field).",
    ),
    "restore": Entry("_events", "Put retracted event ID back on the timeline."),
    "retract": Entry(
        "_events",
        "Withdraw event ID from the timeline (it stays in the journal and its history).",
    ),
    "retract-period": Entry(
        "_periods", "Withdraw the period definition ID (it stays in the journal)."
    ),
    "revise": Entry("_events", "Correct some fields of event ID; only what changes is recorded."),
    "revise-claim": Entry(
        "_claims",
        "Correct the claim of source KEY on FIELD of event ID: its value, stance or rank.",
    ),
    "revise-period": Entry(
        "_periods",
        "Correct some parts of the period definition ID; only what is given changes.",
    ),
    "search": Entry("_events", "Find events whose title or summary contains TEXT."),
    "seed": Entry(
        "_import",
        "Import the seed data set into OUTDIR/seed.timeline and write its documents to OUTDIR.",
    ),
    "serve": Entry(
        "_serve",
        "Browse, search and edit the journal in a web browser, at http://127.0.0.1:8000/.",
    ),
    "stats": Entry("_journal", "Count events, references, citations and journal records."),
    "uncite": Entry("_references", "Remove the citation of KEY (at --locator) from event ID."),
    "unsourced": Entry(
        "_references",
        "List the events (not retracted) that cite nothing, in historical order.",
    ),
    "verify": Entry(
        "_journal",
        "Check the hash chain and the read models against it; exit code 1 if anything differs.",
    ),
    "withdraw-claim": Entry(
        "_claims",
        "Withdraw the claim of source KEY on FIELD of event ID (the event's fields stay).",
    ),
}
