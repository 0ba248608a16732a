"""A full disk and a read-only file: a typed error naming the file, and nothing half-written."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from faults import EVENTS, KEYS, check_consistent, reference, seed, snapshot
from tools import require_tool

from timeline.application import Timeline
from timeline.dates import parse_edtf
from timeline.domain import REGISTRY, Citation, Event, EventRetracted, encode
from timeline.errors import JournalError, JournalFull, JournalReadOnly
from timeline.importing import ImportPlan
from timeline.journal import Journal, SQLiteJournal

pytestmark = pytest.mark.slow


def _limit(tl: Timeline, spare_pages: int) -> None:
    """Cap the file at its current size plus ``spare_pages`` pages (a disk about to fill)."""
    conn = tl.journal.connection
    (pages,) = conn.execute("PRAGMA page_count").fetchone()
    conn.execute(f"PRAGMA max_page_count = {pages + spare_pages}")


def _big_event(n: int) -> Event:
    return Event(
        id=f"big-{n}",
        when=parse_edtf("1999-12-20"),
        title={"en": f"Big event {n} " + "x" * 900, "ru": "Большое " * 100},
        summary={"en": "A long summary " * 300},
    )


def test_disk_full_mid_command_writes_nothing(tmp_path: Path) -> None:
    """Commands on a filling disk fail with JournalFull naming the file; each one before the
    failure is whole, the failed one left nothing, and the file reopens consistent."""
    path = tmp_path / "full.timeline"
    seed(path)
    with Timeline.open(path) as tl:
        _limit(tl, 12)
        recorded = 0
        with pytest.raises(JournalFull, match=r"full\.timeline: cannot write.*full") as caught:
            for n in range(200):
                tl.add_event(_big_event(n), reason=f"big {n}")
                recorded += 1
        assert isinstance(caught.value, OSError) and isinstance(caught.value, JournalError)
        assert 0 < recorded < 200
        assert [e.id for e in tl.events(text="Big event")] == [f"big-{n}" for n in range(recorded)]
        head = tl.head().seq
        with pytest.raises(JournalFull):
            tl.cite(f"big-{recorded - 1}", KEYS[0], locator="p. " + "9" * 20000)
        assert tl.head().seq == head
        assert not tl.journal.connection.in_transaction
    assert check_consistent(path)[0] == head
    with Timeline.open(path) as tl:  # room again: the timeline goes on
        tl.add_event(_big_event(recorded), reason="after")
    assert check_consistent(path)[0] == head + 1


def test_disk_full_during_import_imports_nothing(tmp_path: Path) -> None:
    """An import that fills the disk part way rolls back whole."""
    path = tmp_path / "import.timeline"
    seeded = seed(path)
    events = tuple(_big_event(n) for n in range(100))
    citations = tuple(Citation(e.id, "imported", locator="p. 1") for e in events)
    with Timeline.open(path) as tl:
        before = snapshot(tl.journal.connection)
        _limit(tl, 30)
        with pytest.raises(JournalFull):
            tl.import_plan(ImportPlan(events, citations, (), "big.yaml"), [reference("imported")])
        assert tl.head().seq == seeded
        assert snapshot(tl.journal.connection) == before
    assert check_consistent(path)[0] == seeded


def test_disk_full_during_journal_load_loads_nothing(tmp_path: Path) -> None:
    """Loading a dump onto a full disk fails whole: the journal stays empty."""
    source = tmp_path / "source.timeline"
    seed(source)
    with Timeline.open(source) as tl:
        for n in range(30):
            tl.add_event(_big_event(n))
        dump = io.StringIO()
        count = tl.dump(dump)
    with SQLiteJournal.open(tmp_path / "target.timeline") as target:
        (pages,) = target.connection.execute("PRAGMA page_count").fetchone()
        target.connection.execute(f"PRAGMA max_page_count = {pages + 5}")
        with pytest.raises(JournalFull, match=r"target\.timeline"):
            Journal.load(io.StringIO(dump.getvalue()), into=target)
        assert target.head().seq == 0
        target.connection.execute("PRAGMA max_page_count = 1073741823")
        assert Journal.load(io.StringIO(dump.getvalue()), into=target) == count


def _read_only_uri(path: Path) -> str:
    return f"file:{path}?mode=ro"


def test_read_only_file_refuses_commands_and_answers_queries(tmp_path: Path) -> None:
    """Opened read-only, a timeline answers queries; every command raises JournalReadOnly
    naming the file, and the file is unchanged."""
    path = tmp_path / "ro.timeline"
    seeded = seed(path)
    before = path.read_bytes()
    with Timeline.open(_read_only_uri(path)) as tl:
        assert tl.head().seq == seeded
        assert [e.id for e in tl.events()] == list(EVENTS)
        commands = (
            lambda: tl.add_event(id="new", when="2020", title="New"),
            lambda: tl.revise(EVENTS[0], reason="r", tags=["changed"]),
            lambda: tl.cite(EVENTS[1], KEYS[1], locator="p. 2"),
            lambda: tl.retract(EVENTS[2], reason="r"),
            lambda: tl.add_reference(reference("another")),
            tl.rebuild,
        )
        for command in commands:
            with pytest.raises(JournalReadOnly, match=r"ro\.timeline.*read-only"):
                command()
            assert not tl.journal.connection.in_transaction
        assert isinstance(JournalReadOnly("x"), PermissionError)
        assert tl.head().seq == seeded
    assert path.read_bytes() == before
    assert check_consistent(path)[0] == seeded


def test_read_only_file_behind_its_journal_is_read_from_the_journal(tmp_path: Path) -> None:
    """A read-only file whose read models need catching up opens: they are replayed in
    memory, so queries show the journal's state, and the file is not written."""
    path = tmp_path / "behind.timeline"
    seed(path)
    change = EventRetracted(event_id=EVENTS[0], author="someone", reason="behind")
    with SQLiteJournal.open(path, registry=REGISTRY) as journal:  # a record the read models miss
        journal.append(change.stream, [encode(change)])
    before = path.read_bytes()
    with Timeline.open(_read_only_uri(path)) as tl:
        assert tl.is_retracted(EVENTS[0])
        assert EVENTS[0] not in [e.id for e in tl.events()]
    assert path.read_bytes() == before


_RECORD_IN_READ_ONLY_FILE = """
import sys
from timeline.application import Timeline
from timeline.errors import JournalReadOnly
with Timeline.open(sys.argv[1]) as tl:
    try:
        tl.add_event(id="new", when="2020", title="New")
    except JournalReadOnly as exc:
        print(exc)
        sys.exit(3)
"""


def test_chmod_read_only_file(tmp_path: Path) -> None:
    """A file without write permission: JournalReadOnly on the first command.

    Root writes to any file, so as root the command runs under ``setpriv`` without
    the capabilities that override file permissions (it can still read them).
    """
    path = tmp_path / "locked.timeline"
    seeded = seed(path)
    path.chmod(0o444)
    command = [sys.executable, "-c", _RECORD_IN_READ_ONLY_FILE, str(path)]
    if os.geteuid() == 0:
        command = [require_tool("setpriv"), "--bounding-set", "-dac_override,-fowner", *command]
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, check=False, cwd=Path(__file__).parents[1]
        )
    finally:
        path.chmod(0o644)
    assert done.returncode == 3, done.stderr
    assert "locked.timeline" in done.stdout and "read-only" in done.stdout
    assert check_consistent(path)[0] == seeded
