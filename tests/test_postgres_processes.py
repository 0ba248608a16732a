"""Several OS processes on one PostgreSQL journal: 8 concurrent writers, SIGKILL mid-append,
and the server restarted mid-import.

Children are synchronised through pipes (never by sleeping): each writer waits for the
parent's start, the killed writer tells the parent where it is before it is killed, and the
importer waits mid-way while the parent restarts the server.
"""

from __future__ import annotations

import os
import signal
from collections import Counter
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pytest
from faults import context, finish
from postgres import PASSWORD_USER, own_server, password_login, with_login

from citations import Reference
from timeline.application import Timeline
from timeline.errors import JournalUnavailable, VersionConflict
from timeline.importing import import_into, read_import

pytestmark = pytest.mark.slow

WRITERS = 8
ROUNDS = 6


def _writer(target: str, n: int, go: Connection) -> None:
    """Record, cite and revise (a shared event and a shared reference, so commands race and
    are retried), and race the others to record one new event a round (exactly one wins, the
    others get VersionConflict); tell the parent each round's outcome."""
    from timeline.dates import parse_edtf
    from timeline.domain import Event as DomainEvent
    from timeline.domain import EventRecorded, decode, encode
    from timeline.journal import NO_STREAM
    from timeline.views import PostgresViews

    with Timeline.open(target, author=f"w{n}") as tl:
        views = PostgresViews(tl.journal)  # type: ignore[arg-type]

        def then(records: Any) -> None:
            views.apply([(record, decode(record)) for record in records])

        go.send("ready")
        go.recv()
        for r in range(ROUNDS):
            tl.add_event(id=f"e{n}-{r}", when=f"{1900 + r}", title=f"Event {n} {r}")
            tl.cite(f"e{n}-{r}", "shared")
            tl.revise("common", title=f"Common {n} {r}", reason=f"w{n} r{r}")
            race = EventRecorded(
                event=DomainEvent(id=f"race-{r}", when=parse_edtf("1980"), title={"en": f"{n}"}),
                author=f"w{n}",
                reason="race",
            )
            try:
                tl.journal.append(
                    race.stream, [encode(race)], expected_version=NO_STREAM, then=then
                )
                go.send("won")
            except VersionConflict:
                go.send("lost")


def test_eight_writers_keep_one_chain_and_lose_nothing(postgres_target: str) -> None:
    """8 processes recording, citing and revising at once: one gap-free seq, every record
    once, versions contiguous per stream, each race won once and lost as VersionConflict
    by the others, the chain verifies, and the views equal a rebuild."""
    with Timeline.open(postgres_target, author="owner") as tl:
        tl.add_reference(Reference("shared", "book", {"title": "Shared", "date": "2001"}))
        tl.add_event(id="common", when="1969", title="Common")
    ctx = context()
    pipes = [ctx.Pipe() for _ in range(WRITERS)]
    workers = [
        ctx.Process(target=_writer, args=(postgres_target, n, pipes[n][1])) for n in range(WRITERS)
    ]
    for worker in workers:
        worker.start()
    for _, there in pipes:
        there.close()  # a child that dies then ends its pipe: recv raises instead of waiting
    for here, _ in pipes:
        assert here.recv() == "ready"
    for here, _ in pipes:
        here.send("go")
    outcomes = Counter(here.recv() for here, _ in pipes for _ in range(ROUNDS))
    for worker in workers:
        assert finish(worker) == 0
    assert outcomes == {"won": ROUNDS, "lost": (WRITERS - 1) * ROUNDS}
    with Timeline.open(postgres_target) as tl:
        records = list(tl.records())
        assert [r.seq for r in records] == list(range(1, len(records) + 1))
        assert len({r.record_id for r in records}) == len(records)
        assert len(records) == 2 + WRITERS * ROUNDS * 3 + ROUNDS
        versions: dict[str, int] = {}
        for record in records:
            assert record.version == versions.get(record.stream, 0) + 1, record
            versions[record.stream] = record.version
        assert versions["event:common"] == 1 + WRITERS * ROUNDS
        assert len(tl.events()) == 1 + WRITERS * ROUNDS + ROUNDS
        assert tl.verify().ok


def _killed(target: str, ready: Connection) -> None:
    """Append a batch of records with their view rows, and, inside the transaction after the
    inserts, tell the parent its backend pid and wait to be killed there."""
    from timeline.dates import parse_edtf
    from timeline.domain import Event as DomainEvent
    from timeline.domain import EventRecorded, decode, encode
    from timeline.journal import NO_STREAM
    from timeline.views import PostgresViews

    with Timeline.open(target, author="k") as tl:
        journal: Any = tl.journal
        (pid,) = journal.connection.execute("SELECT pg_backend_pid()").fetchone()

        views = PostgresViews(journal)
        changes = [
            EventRecorded(
                event=DomainEvent(id=f"k{n}", when=parse_edtf("1970"), title={"en": "K"}),
                author="k",
                reason="r",
            )
            for n in range(20)
        ]

        def then(records: Any) -> None:
            views.apply([(record, decode(record)) for record in records])
            ready.send(pid)
            ready.recv()  # never answered: the parent kills this process

        journal.append_batch([(c.stream, [encode(c)], NO_STREAM) for c in changes], then=then)


def test_a_writer_killed_mid_append_leaves_nothing_and_frees_the_lock(
    postgres_target: str,
) -> None:
    """SIGKILL inside an append's transaction (rows and view rows inserted, not committed):
    none of the batch is stored, the chain and the views verify, and another writer appends."""
    with Timeline.open(postgres_target, author="owner") as tl:
        tl.add_event(id="before", when="1969", title="Before")
    ctx = context()
    here, there = ctx.Pipe()
    process = ctx.Process(target=_killed, args=(postgres_target, there))
    process.start()
    there.close()
    backend = here.recv()
    os.kill(process.pid, signal.SIGKILL)
    assert finish(process) == -signal.SIGKILL
    with Timeline.open(postgres_target, author="after") as tl:
        tl.add_event(id="after", when="1971", title="After")  # waits for the lock to be freed
        assert [e.id for e in tl.events()] == ["before", "after"]
        assert tl.head().seq == 2 and tl.verify().ok
        conn: Any = tl.journal.connection  # type: ignore[attr-defined]
        gone = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", (backend,))
        assert gone.fetchone() == (0,)


def _importer(target: str, events: str, told: Connection) -> None:
    """Import ``events``; after the 100th entry tell the parent and wait for its word (it
    restarts the server meanwhile); then tell it the import's outcome."""

    def progress(done: int) -> None:
        if done == 100:
            told.send("at 100")
            told.recv()

    try:
        summary = import_into(target, read_import([Path(events)]), author="i", progress=progress)
        told.send(("imported", str(summary.records)))
    except JournalUnavailable as exc:
        told.send(("JournalUnavailable", str(exc)))


def test_a_server_restarted_mid_import_leaves_nothing_and_the_retry_succeeds(
    tmp_path: Path,
) -> None:
    """A server of the test's own restarted (pg_ctl restart -m fast) while a child's import of
    300 events is in its transaction: the child gets JournalUnavailable saying the server
    restarted, without the URL's password; none of the import is stored, the journal
    verifies, and the same import run again afterwards stores all of it."""
    events = tmp_path / "events.toml"
    events.write_text(
        "".join(
            f'[[event]]\nid = "e{n}"\nwhen = "{1900 + n}"\ntitle = "E {n}"\n' for n in range(300)
        ),
        encoding="utf-8",
    )
    with own_server() as (url, restart):
        password = password_login(url)
        target = with_login(url, PASSWORD_USER, password) + "#restarted"
        with Timeline.open(target, author="a") as tl:
            tl.add_event(id="before", when="1969", title="Before")
        ctx = context()
        here, there = ctx.Pipe()
        process = ctx.Process(target=_importer, args=(target, str(events), there))
        process.start()
        there.close()
        assert here.recv() == "at 100"
        restart()
        here.send("go on")
        kind, said = here.recv()
        assert finish(process) == 0
        assert kind == "JournalUnavailable", said
        assert "shut down or restarted" in said and "nothing of this command" in said, said
        assert password not in said and PASSWORD_USER in said
        with Timeline.open(target, read_only=True) as tl:
            assert [e.id for e in tl.events()] == ["before"] and tl.verify().ok
        summary = import_into(target, read_import([events]), author="i")
        with Timeline.open(target, read_only=True) as tl:
            assert len(tl.events()) == 301 and tl.head().seq == 301 and tl.verify().ok
        assert summary.records == summary.events == 300
