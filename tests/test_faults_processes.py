"""Timelines under faults with real OS processes: concurrent writers, and SIGKILL at many points
of a command, of a rebuild and of a load. Each time the file reopens consistent by itself."""

from __future__ import annotations

import io
import itertools
import json
import os
import random
import shutil
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pytest
from faults import (
    EVENTS,
    KEYS,
    check_consistent,
    context,
    finish,
    kill_when_paused,
    pause_at,
    reference,
    seed,
    start_paused,
)

from timeline.application import Timeline
from timeline.cli import main
from timeline.dates import parse_edtf
from timeline.domain import Citation, Event
from timeline.errors import DomainError, VersionConflict
from timeline.importing import ImportPlan

pytestmark = pytest.mark.slow

# -- concurrency -----------------------------------------------------------------


def _worker(path: str, worker: int, commands: int, log: str) -> None:
    """Run random commands on shared events and references; log each outcome as JSON."""
    rng = random.Random(worker)
    with Timeline.open(path, author=f"worker-{worker}") as tl, open(log, "w") as out:
        for n in range(commands):
            tag = f"w{worker}-{n}"
            action = rng.choice(("record", "contested", "revise", "cite", "uncite", "retract"))
            target = rng.choice(EVENTS)
            if action in ("contested", "retract"):
                target = f"contested-{rng.randrange(4)}"
            try:
                if action == "record":
                    tl.add_event(id=tag, when="1991-12-25", title=f"Event {tag}", reason=tag)
                elif action == "contested":
                    tl.add_event(id=target, when="1992", title="Same", reason=tag)
                elif action == "revise":
                    tl.revise(target, summary={"en": f"Summary by {tag}"}, reason=tag)
                elif action == "cite":
                    tl.cite(target, rng.choice(KEYS), locator=f"p. {tag}", reason=tag)
                elif action == "uncite":
                    tl.uncite(EVENTS[0], KEYS[0], locator="p. 1", reason=tag)
                else:
                    tl.retract(target, reason=tag)
            except (DomainError, VersionConflict) as exc:
                outcome = type(exc).__name__
            else:
                outcome = "ok"
            line = {"tag": tag, "action": action, "target": target, "outcome": outcome}
            out.write(json.dumps(line) + "\n")
            out.flush()


def test_processes_record_revise_and_cite_at_once(tmp_path: Path) -> None:
    """Four processes on one file: every reported success is stored once, nothing else is,
    the chain verifies and the read models equal a rebuild."""
    path = str(tmp_path / "shared.timeline")
    seeded = seed(path)
    ctx = context()
    logs = [str(tmp_path / f"worker-{w}.jsonl") for w in range(4)]
    workers = [ctx.Process(target=_worker, args=(path, w, 40, logs[w])) for w in range(4)]
    for process in workers:
        process.start()
    for process in workers:
        assert finish(process) == 0
    outcomes = [json.loads(line) for log in logs for line in Path(log).read_text().splitlines()]
    assert len(outcomes) == 160
    head, reasons = check_consistent(path)
    ok = [o for o in outcomes if o["outcome"] == "ok"]
    stored = Counter(reasons[seeded:])
    assert set(stored) == {o["tag"] for o in ok} and set(stored.values()) == {1}
    assert head == seeded + len(ok)
    # each contested id was recorded by exactly one process; the others heard DuplicateEvent
    tried = {o["target"] for o in outcomes if o["action"] == "contested"}
    won = Counter(o["target"] for o in ok if o["action"] == "contested")
    assert set(won) == tried and set(won.values()) <= {1}
    assert sum(o["action"] == "uncite" for o in ok) <= 1
    with Timeline.open(path) as tl:
        recorded = {e.id for e in tl.events(include_retracted=True)}
        assert recorded == {*EVENTS, *tried, *(o["tag"] for o in ok if o["action"] == "record")}
        for event_id in EVENTS:
            cited = {c.locator for c in tl.citations_of(event_id)} - {"p. 1"}
            assert cited == {
                f"p. {o['tag']}" for o in ok if o["action"] == "cite" and o["target"] == event_id
            }


# -- SIGKILL at random moments -----------------------------------------------------------

#: About how many SQL statements a command of ``_busy`` runs (record, cite, revise).
STATEMENTS_PER_COMMAND = 26


def _busy(path: str, k: int, ready: Connection) -> None:
    """Record, cite and revise in a loop, logging each command after it returns; before the
    k-th SQL statement, signal the parent through ``ready`` and wait to be killed."""
    with Timeline.open(path, author="busy") as tl, open(path + ".log", "a") as out:
        pause_at(tl.journal.connection, k, ready)
        for n in itertools.count():
            tag = f"{os.getpid()}-{n}"
            if n % 3 == 0:
                tl.add_event(id=tag, when="2008-08-08", title=f"Busy {tag}", tags=["x"], reason=tag)
            elif n % 3 == 1:
                tl.cite(EVENTS[n % 3], KEYS[n % 3], locator=tag, reason=tag)
            else:
                tl.revise(EVENTS[n % 3], summary={"en": tag, "ru": tag}, reason=tag)
            out.write(tag + "\n")
            out.flush()


def test_sigkill_at_random_moments(tmp_path: Path) -> None:
    """A writer killed at random statements: every command it saw succeed is stored, at most
    one more (in flight) is, and the file reopens consistent each time."""
    path = str(tmp_path / "busy.timeline")
    log = Path(path + ".log")
    seeded = seed(path)
    log.touch()
    ctx = context()
    rng = random.Random(8)
    in_flight: set[str] = set()  # stored, killed before it could log: one per kill at most
    killed_at = []
    for _ in range(6):
        k = rng.randint(1, 8 * STATEMENTS_PER_COMMAND)  # somewhere in the first 8 commands
        killed_at.append(kill_when_paused(*start_paused(ctx, _busy, (path, k))))
        _head, reasons = check_consistent(path)
        logged = log.read_text().splitlines()
        stored = reasons[seeded:]
        assert len(stored) == len(set(stored))
        assert set(logged) <= set(stored)
        unlogged = set(stored) - set(logged)
        assert in_flight <= unlogged and len(unlogged - in_flight) <= 1
        in_flight = unlogged
    assert len(log.read_text().splitlines()) > 10
    assert any(in_transaction for _sql, in_transaction in killed_at), killed_at


# -- SIGKILL before each statement of a command ---------------------------------------------


def _record(tl: Timeline) -> None:
    tl.add_event(
        id="2019-new",
        when="2019-06-05",
        title={"en": "A new event", "zh": "新事件", "ru": "Новое событие"},
        summary={"en": "With a summary"},
        actors=["CHN:party", "RUS:party"],
        tags=["new", "visit"],
        reason="the command",
    )


def _revise(tl: Timeline) -> None:
    tl.revise(EVENTS[0], when="1969-03-15", tags=["border", "revised"], reason="the command")


def _cite(tl: Timeline) -> None:
    tl.cite(EVENTS[1], KEYS[2], locator="ch. 3", supports=["when"], reason="the command")


def _retract(tl: Timeline) -> None:
    tl.retract(EVENTS[2], reason="the command")


def _import(tl: Timeline) -> None:
    events = tuple(
        Event(id=f"imported-{n}", when=parse_edtf(f"{1900 + n}"), title={"en": f"Imported {n}"})
        for n in range(3)
    )
    citations = tuple(Citation(e.id, "imported-ref", locator="p. 2") for e in events)
    tl.import_plan(ImportPlan(events, citations, (), "import.yaml"), [reference("imported-ref")])


COMMANDS: dict[str, Callable[[Timeline], None]] = {
    "record": _record,
    "revise": _revise,
    "cite": _cite,
    "retract": _retract,
    "import": _import,
}
#: How many records each command appends.
APPENDS = {"record": 1, "revise": 1, "cite": 1, "retract": 1, "import": 7}


def _kill_at(path: str, command: str, prefix: str, k: int) -> None:
    """Open ``path``, then run ``command`` and SIGKILL this process just before the k-th
    SQL statement starting with ``prefix`` runs."""
    tl = Timeline.open(path, author="killed")
    seen = itertools.count(1)

    def trace(sql: str) -> None:
        if sql.lstrip().upper().startswith(prefix) and next(seen) == k:
            os.kill(os.getpid(), signal.SIGKILL)

    tl.journal.connection.set_trace_callback(trace)
    COMMANDS[command](tl)
    tl.close()


def _statements(path: str, command: str) -> int:
    """How many SQL statements ``command`` runs on a copy of ``path``."""
    copy = path + ".count"
    shutil.copy(path, copy)
    with Timeline.open(copy) as tl:
        count = itertools.count()
        tl.journal.connection.set_trace_callback(lambda _sql: next(count))
        COMMANDS[command](tl)
        tl.journal.connection.set_trace_callback(None)
        return next(count)


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_sigkill_before_every_statement_of_a_command(tmp_path: Path, command: str) -> None:
    """Killed before any one SQL statement of a command (the journal insert, each read-model
    update, the COMMIT), the timeline reopens consistent with the whole command or none of it."""
    base = str(tmp_path / "base.timeline")
    seeded = seed(base)
    total = _statements(base, command)
    assert total > 4
    ctx = context()
    stride = -(-total // 16)  # at most 16 points, the first and the last (COMMIT) among them
    points = sorted({*range(1, total + 1, stride), total})
    applied = 0
    for k in points:
        path = str(tmp_path / f"kill-{k}.timeline")
        shutil.copy(base, path)
        process = ctx.Process(target=_kill_at, args=(path, command, "", k))
        process.start()
        assert finish(process) == -signal.SIGKILL, k
        head, _ = check_consistent(path)
        assert head in (seeded, seeded + APPENDS[command]), (k, head)
        applied += head != seeded
        os.remove(path)
    # the last statement is the COMMIT: killed before it, nothing is stored
    assert applied == 0


def test_sigkill_after_commit_keeps_the_command(tmp_path: Path) -> None:
    """A process killed right after a command returned loses nothing of it."""
    path = str(tmp_path / "after.timeline")
    seeded = seed(path)
    process = context().Process(target=_kill_at, args=(path, "record", "SELECT", 10**9))
    process.start()
    assert finish(process) == 0
    head, reasons = check_consistent(path)
    assert head == seeded + 1 and reasons[-1] == "the command"


# -- SIGKILL during rebuild and load ------------------------------------------------------------


def _bulk(path: str, n: int) -> int:
    events = tuple(
        Event(id=f"bulk-{i}", when=parse_edtf(f"{1800 + i % 200}"), title={"en": f"Bulk {i}"})
        for i in range(n)
    )
    citations = tuple(Citation(e.id, KEYS[0], locator=f"p. {i}") for i, e in enumerate(events))
    with Timeline.open(path, author="bulk") as tl:
        tl.import_plan(ImportPlan(events, citations, (), "bulk.yaml"))
        return tl.head().seq


def _rebuild_and_kill(path: str, prefix: str, k: int) -> None:
    tl = Timeline.open(path)
    seen = itertools.count(1)

    def trace(sql: str) -> None:
        if sql.lstrip().upper().startswith(prefix) and next(seen) == k:
            os.kill(os.getpid(), signal.SIGKILL)

    tl.journal.connection.set_trace_callback(trace)
    tl.rebuild()


@pytest.mark.parametrize(
    ("prefix", "k"),
    [("DROP TABLE", 1), ("DROP TABLE", 4), ("CREATE", 3), ("INSERT INTO EVENTS", 1),
     ("INSERT INTO EVENTS", 100), ("INSERT INTO CITATIONS", 199), ("COMMIT", 1)],
)  # fmt: skip
def test_sigkill_during_rebuild(tmp_path: Path, prefix: str, k: int) -> None:
    """A rebuild killed part way leaves the previous read models, whole and at the head."""
    path = str(tmp_path / "rebuild.timeline")
    seed(path)
    head = _bulk(path, 200)
    process = context().Process(target=_rebuild_and_kill, args=(path, prefix, k))
    process.start()
    assert finish(process) == -signal.SIGKILL
    assert check_consistent(path)[0] == head


@pytest.fixture(scope="module")
def dumped(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, int]:
    """A dump of 1,200-odd records (two load batches) and its record count."""
    folder = tmp_path_factory.mktemp("dump")
    source = str(folder / "source.timeline")
    seed(source)
    head = _bulk(source, 600)
    dump = str(folder / "dump.jsonl")
    with Timeline.open(source) as tl, open(dump, "w", encoding="utf-8") as fp:
        tl.dump(fp)
    return dump, head


def _load_and_kill(dump: str, path: str, prefix: str, k: int, cli: bool = False) -> None:
    """Load ``dump`` into ``path`` (``Timeline.load``, or ``timeline load`` when ``cli``) and
    SIGKILL this process before the k-th SQL statement starting with ``prefix``."""
    seen = itertools.count(1)
    import sqlite3

    connect = sqlite3.connect

    def traced(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        conn = connect(*args, **kwargs)

        def trace(sql: str) -> None:
            if sql.lstrip().upper().startswith(prefix) and next(seen) == k:
                os.kill(os.getpid(), signal.SIGKILL)

        conn.set_trace_callback(trace)
        return conn

    sqlite3.connect = traced  # type: ignore[assignment]
    if cli:
        main(["--journal", path, "load", dump])
    with open(dump, encoding="utf-8") as fp:
        Timeline.load(fp, path)


@pytest.mark.parametrize(
    ("prefix", "k"),
    [
        ("INSERT INTO RECORDS", 1),
        ("INSERT INTO RECORDS", 1100),  # a row of the second load batch (rows 1001-1207)
        ("COMMIT", 2),  # the first COMMIT creates the schema, the second ends the load
        # the read models are built in the load's own transaction: killed then, nothing is kept
        ("CREATE TABLE IF NOT EXISTS EVENTS", 1),
        ("INSERT INTO EVENTS", 400),
    ],
)
def test_sigkill_during_load(tmp_path: Path, dumped: tuple[str, int], prefix: str, k: int) -> None:
    """A load killed at any point leaves no journal at its path, and loading again works."""
    dump, head = dumped
    target = str(tmp_path / "target.timeline")
    process = context().Process(target=_load_and_kill, args=(dump, target, prefix, k))
    process.start()
    assert finish(process) == -signal.SIGKILL
    assert check_consistent(target)[0] == 0
    with open(dump, encoding="utf-8") as fp:
        Timeline.load(fp, target).close()
    assert check_consistent(target)[0] == head
    text = io.StringIO()
    with Timeline.open(target) as tl:
        tl.dump(text)
    assert text.getvalue() == Path(dump).read_text(encoding="utf-8")


def _timeline(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "timeline", *args]
    return subprocess.run(command, capture_output=True, text=True, check=False)


def _files(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


@pytest.mark.parametrize(("prefix", "k"), [("INSERT INTO RECORDS", 1100), ("COMMIT", 2)])
def test_killed_timeline_load_leaves_no_journal_and_loads_again(
    tmp_path: Path, dumped: tuple[str, int], prefix: str, k: int
) -> None:
    """A killed ``timeline load`` leaves no journal at its path (only its hidden scratch
    file), so the same ``timeline load`` run again works."""
    dump, head = dumped
    folder = tmp_path / "killed"
    folder.mkdir()
    target = folder / "target.timeline"
    process = context().Process(target=_load_and_kill, args=(dump, str(target), prefix, k, True))
    process.start()
    assert finish(process) == -signal.SIGKILL
    assert not target.exists()
    assert all(name.startswith(".target.timeline.") for name in _files(folder))
    again = _timeline("--journal", str(target), "load", dump)
    assert again.returncode == 0, again.stderr
    assert check_consistent(target)[0] == head
