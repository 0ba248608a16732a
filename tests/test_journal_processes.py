"""Several OS processes on one journal file: concurrent appends and SIGKILL mid-batch."""

from __future__ import annotations

import multiprocessing
import random
import time
from collections import Counter
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pytest
from faults import finish, kill_when_paused, pause_at, start_paused

from timeline.errors import VersionConflict
from timeline.journal import Draft, Journal, SQLiteJournal

pytestmark = pytest.mark.slow

BATCH = 20


def _context() -> Any:
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["timeline.journal"])
    return ctx


def _appender(path: str, worker: int, batches: int) -> None:
    """Append batches to an own stream (exact versions) and a shared one (retrying conflicts)."""
    with SQLiteJournal.open(path) as journal:
        for batch in range(batches):
            own = f"worker-{worker}"
            journal.append(
                own,
                [Draft("test.written", {"w": worker, "b": batch, "n": n}) for n in range(3)],
                expected_version=batch * 3,
            )
            while True:
                version = journal.stream_version("shared")
                try:
                    journal.append(
                        "shared",
                        [Draft("test.shared", {"w": worker, "b": batch})],
                        expected_version=version,
                    )
                    break
                except VersionConflict:
                    continue


#: The SQL statements one append of BATCH records runs (BEGIN, 2 SELECTs, an INSERT per
#: record, COMMIT), roughly: kill points are drawn over a few batches.
STATEMENTS_PER_BATCH = BATCH + 4


def _crasher(path: str, k: int, ready: Connection) -> None:
    """Append batches of BATCH records for ever; before the k-th SQL statement, signal the
    parent through ``ready`` and wait to be killed."""
    with SQLiteJournal.open(path) as journal:
        pause_at(journal.connection, k, ready)
        batch = 0
        while True:
            label = f"{time.time_ns()}-{batch}"
            drafts = [Draft("test.written", {"batch": label, "n": n, "pad": "x" * 100})
                      for n in range(BATCH)]  # fmt: skip
            journal.append(f"stream-{batch % 3}", drafts)
            batch += 1


def _versions_contiguous(journal: Journal) -> None:
    versions: dict[str, int] = {}
    for record in journal.read():
        assert record.version == versions.get(record.stream, 0) + 1, record
        versions[record.stream] = record.version


def test_two_processes_append_concurrently(tmp_path: Path) -> None:
    """Two writers lose and duplicate nothing; versions stay contiguous; the chain verifies."""
    path = str(tmp_path / "shared.timeline")
    SQLiteJournal.open(path).close()
    ctx = _context()
    workers = [ctx.Process(target=_appender, args=(path, w, 40)) for w in range(2)]
    for process in workers:
        process.start()
    for process in workers:
        assert finish(process) == 0
    with SQLiteJournal.open(path) as journal:
        records = list(journal.read())
        written = Counter((r.payload["w"], r.payload["b"], r.payload.get("n")) for r in records)
        expected = {(w, b, n) for w in range(2) for b in range(40) for n in (0, 1, 2, None)}
        assert set(written) == expected and set(written.values()) == {1}
        assert journal.stream_version("shared") == 80
        _versions_contiguous(journal)
        assert journal.verify().ok


def test_sigkill_mid_batch_leaves_whole_batches(tmp_path: Path) -> None:
    """A writer killed at random moments leaves each batch wholly present or absent."""
    path = str(tmp_path / "crash.timeline")
    SQLiteJournal.open(path).close()
    ctx = _context()
    rng = random.Random(20240101)
    previous = 0
    killed_at = []
    for _ in range(10):
        k = rng.randint(1, 6 * STATEMENTS_PER_BATCH)  # somewhere in the first 6 batches
        killed_at.append(kill_when_paused(*start_paused(ctx, _crasher, (path, k))))
        with SQLiteJournal.open(path) as journal:
            report = journal.verify()
            assert report.ok, report
            counts = Counter(r.payload["batch"] for r in journal.read())
            assert set(counts.values()) <= {BATCH}
            _versions_contiguous(journal)
            head = journal.head().seq
            assert head >= previous
            previous = head
    assert previous > 0
    # kills land inside batches, between their first and last INSERT (records half written)
    assert any(sql.startswith("INSERT") and inside for sql, inside in killed_at), killed_at
