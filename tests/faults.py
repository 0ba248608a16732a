"""Shared helpers of the fault tests: a seeded timeline file, the consistency check, and
child processes killed where they signal they are, never after a guessed delay."""

from __future__ import annotations

import itertools
import multiprocessing
import signal
import sqlite3
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from tools import HANG

from citations import Contributor, Reference
from timeline.application import Timeline
from timeline.views import SQLiteViews

KEYS = ("lukin2018", "lo2008", "wishnick2001")
EVENTS = ("1969-zhenbao", "2001-treaty", "2014-gas-deal")


def context() -> Any:
    """A forkserver context whose server has imported what opening a journal imports
    (the timeline package, and sqlite-utils for the migrations), so the processes a
    test races start at once instead of importing in turn under the journal's lock."""
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["timeline.application", "sqlite_utils.migrations"])
    return ctx


def finish(process: Any) -> int:
    """Wait for ``process`` to end and give its exit code (negative: killed by that signal)."""
    process.join(HANG)
    assert process.exitcode is not None, f"{process.name} still running after {HANG:.0f} s"
    return int(process.exitcode)


def pause_at(connection: sqlite3.Connection, k: int, ready: Connection) -> None:
    """Before the k-th SQL statement ``connection`` runs from now on, tell the parent through
    ``ready`` (the statement, and whether a transaction is open) and wait to be killed."""
    seen = itertools.count(1)

    def trace(sql: str) -> None:
        if next(seen) == k:
            ready.send((sql, connection.in_transaction))
            while True:
                signal.pause()

    connection.set_trace_callback(trace)


def start_paused(ctx: Any, target: Any, args: tuple[Any, ...]) -> tuple[Any, Connection]:
    """Start ``target(*args, ready)`` in a child; the parent keeps the reading end of ``ready``."""
    reader, writer = ctx.Pipe(duplex=False)
    process = ctx.Process(target=target, args=(*args, writer))
    process.start()
    writer.close()  # a child that dies before it signals closes the pipe: recv() fails
    return process, reader


def kill_when_paused(process: Any, reader: Connection) -> tuple[str, bool]:
    """Wait for the child's signal that it is at its kill point, SIGKILL it there, and give
    the SQL statement it was about to run and whether it was inside a transaction."""
    assert reader.poll(HANG), f"{process.name} never reached its kill point"
    try:
        sql, in_transaction = reader.recv()
    except EOFError:
        raise AssertionError(f"{process.name} ended (exit {finish(process)}) before it") from None
    process.kill()
    assert finish(process) == -signal.SIGKILL
    reader.close()
    return str(sql), bool(in_transaction)


def reference(key: str) -> Reference:
    """A small book reference under ``key``."""
    return Reference(
        key,
        "book",
        {"title": f"A book called {key}", "date": "2008", "publisher": "Polity"},
        (Contributor(family="Author", given=key),),
    )


def seed(path: str | Path) -> int:
    """Create a timeline at ``path`` with three references, three events and a citation."""
    with Timeline.open(path, author="seed") as tl:
        for key in KEYS:
            tl.add_reference(reference(key), reason="seed")
        for n, event_id in enumerate(EVENTS):
            tl.add_event(
                id=event_id,
                when=f"{1969 + 16 * n}-03-02",
                title={"en": f"Seed event {n}", "zh": f"事件{n}"},
                summary={"en": "A summary to index"},
                actors=["CHN:party", "RUS:party"],
                tags=["seed"],
                reason="seed",
            )
        tl.cite(EVENTS[0], KEYS[0], locator="p. 1", reason="seed")
        return tl.head().seq


def snapshot(conn: sqlite3.Connection) -> list[tuple[str, list[tuple[Any, ...]]]]:
    """Every read-model table's rows, in a stable order."""
    return list(SQLiteViews(conn).snapshot())


def check_consistent(path: str | Path) -> tuple[int, list[str]]:
    """Reopen ``path`` and check it: the chain verifies, the read models are at the head
    and equal a fresh replay of the journal. Returns the head seq and every record's reason.
    """
    with Timeline.open(path) as tl:
        report = tl.verify()
        assert report.ok, report
        head = tl.head().seq
        conn = tl.journal.connection
        assert SQLiteViews(conn).checkpoint() == head
        fresh = SQLiteViews.in_memory(tl.journal.read())
        assert snapshot(conn) == snapshot(fresh.connection)
        fresh.connection.close()
        reasons = [str(record.payload.get("reason", "")) for record in tl.records()]
    return head, reasons
