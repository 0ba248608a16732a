"""A document is the state it names, and a command with several changes is all or nothing."""

from __future__ import annotations

import itertools
from pathlib import Path

from click.testing import CliRunner
from faults import EVENTS, KEYS, seed

from timeline.application import Timeline
from timeline.cli import cli


def test_a_chronology_made_while_another_connection_writes_matches_its_state(
    tmp_path: Path,
) -> None:
    """A second connection records and cites between the chronology's queries (made to, from
    the reader's own statement trace): the entries are exactly the state it names."""
    path = tmp_path / "busy.timeline"
    seed(path)
    writer = Timeline.open(path, author="writer")
    reader = Timeline.open(path, author="reader")
    counter = itertools.count()

    def write_meanwhile(sql: str) -> None:
        if sql.lstrip().upper().startswith("SELECT") and (n := next(counter)) < 3:
            writer.add_event(id=f"meanwhile-{n}", when="1970", title=f"Meanwhile {n}")
            writer.cite(EVENTS[0], KEYS[1], locator=f"p. {n}")

    reader.journal.connection.set_trace_callback(write_meanwhile)
    try:
        chronology = reader.chronology()
    finally:
        reader.journal.connection.set_trace_callback(None)
    assert next(counter) >= 3  # the writer did write while the chronology was made
    with Timeline.open(path) as check:
        then = check.as_of(chronology.state.seq)
        assert then.head() == chronology.state
        expected = then.chronology(made_at=chronology.made_at)
    assert chronology.entries == expected.entries
    assert chronology.references == expected.references
    writer.close()
    reader.close()


def test_add_with_an_unknown_citation_records_nothing(tmp_path: Path) -> None:
    """`add ... --cite nosuchkey` fails in one line and leaves the journal as it was."""
    path = tmp_path / "add.timeline"
    head = seed(path)
    done = CliRunner().invoke(
        cli,
        ["--journal", str(path), "add-event", "1970", "A new event", "--id", "new",
         "--cite", f"{KEYS[0]}@p. 2", "--cite", "nosuchkey"],
    )  # fmt: skip
    assert done.exit_code == 1 and "nosuchkey" in done.output
    with Timeline.open(path) as tl:
        assert tl.head().seq == head
        assert "new" not in [e.id for e in tl.events()]
