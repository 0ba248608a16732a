"""The PostgreSQL journal beside eventsourcing's PostgreSQL recorder, on one server, in one run.

Usage: ``python bench/postgres.py [N [COMMITS]]`` (default N = 50000, COMMITS = 200) prints
``name value`` lines.
The server is ``$TIMELINE_BENCH_POSTGRES`` (a libpq URL), else a throwaway one started
from the ``pgserver`` wheel (the test extra). eventsourcing comes from the ``bench`` extra
(``eventsourcing[postgres]``).

- batch append: N records of ~150 bytes in batches of 1000, one stream each batch:
  ``PostgresJournal.append`` (canonical JSON, the SHA-256 chain, the advisory lock)
  against ``PostgresApplicationRecorder.insert_events`` (the same payloads as JSON bytes);
- replay: every record read back in order with its payload decoded (``journal.read()``
  against ``select_notifications`` pages of 1000 and ``json.loads`` of each state);
- 8 writers: 8 processes each making COMMITS one-record commits to its own stream at once
  (they start together on a signal); records/s over the wall time, then ``verify``;
  and one such process alone, for comparison (each commit waits for the server's
  flush to disk, and the journal's lock lets one writer commit at a time).

Each of ours and theirs runs ROUNDS (3) times, taking turns (ours, theirs, ours, ...), in a
schema of its own, and keeps its best time (as bench/run's rounds of the other peer-compared
scripts: on a shared machine a neighbour's burst then costs one round, not one side of a
ratio); ``*_vs_eventsourcing`` is their time over ours (above 1 when ours is faster).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import sys
import tempfile
import time
import urllib.parse
import uuid
import warnings
from pathlib import Path
from typing import Any

from workload import payload

BATCH = 1000
WRITERS = 8
ROUNDS = 3


def _server() -> str:
    given = os.environ.get("TIMELINE_BENCH_POSTGRES")
    if given:
        return given
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pgserver

        data = Path(tempfile.mkdtemp(prefix="timeline-bench-postgres-"))
        url: str = pgserver.get_server(data, cleanup_mode="delete").get_uri()
    return url


def _schema(url: str, name: str) -> str:
    return f"{url}#{name}_{os.urandom(4).hex()}"


def _ours(url: str, n: int) -> tuple[float, float]:
    from timeline.journal import Draft, PostgresJournal

    drafts = [Draft("event.recorded", payload(i)) for i in range(n)]
    with PostgresJournal.open(_schema(url, "ours")) as journal:
        start = time.perf_counter()
        for offset in range(0, n, BATCH):
            journal.append(f"stream-{offset // BATCH}", drafts[offset : offset + BATCH])
        appended = time.perf_counter() - start
        start = time.perf_counter()
        count = sum(1 for record in journal.read() if record.payload)
        replayed = time.perf_counter() - start
        assert count == n and journal.verify().ok
    return appended, replayed


def _datastore(url: str, schema: str) -> Any:
    from eventsourcing.postgres import PostgresDatastore

    parts = urllib.parse.urlsplit(url)
    query = dict(urllib.parse.parse_qsl(parts.query))
    host = query.get("host") or parts.hostname or "localhost"
    with __import__("psycopg").connect(url, autocommit=True) as admin:
        admin.execute(f'CREATE SCHEMA "{schema}"')
    return PostgresDatastore(
        dbname=parts.path.lstrip("/") or "postgres",
        host=host,
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password or "",
        schema=schema,
    )


def _theirs(url: str, n: int) -> tuple[float, float]:
    from eventsourcing.persistence import StoredEvent
    from eventsourcing.postgres import PostgresApplicationRecorder

    batches = []
    for offset in range(0, n, BATCH):
        stream = uuid.uuid4()
        batches.append(
            [
                StoredEvent(
                    originator_id=stream,
                    originator_version=i - offset + 1,
                    topic="event.recorded",
                    state=json.dumps(payload(i), ensure_ascii=False).encode(),
                )
                for i in range(offset, min(offset + BATCH, n))
            ]
        )
    datastore = _datastore(url, f"theirs_{os.urandom(4).hex()}")
    try:
        recorder = PostgresApplicationRecorder(datastore)
        recorder.create_table()
        start = time.perf_counter()
        for batch in batches:
            recorder.insert_events(batch)
        appended = time.perf_counter() - start
        start = time.perf_counter()
        count, after = 0, 0
        while True:
            page = recorder.select_notifications(after + 1, BATCH)
            if not page:
                break
            count += sum(1 for item in page if json.loads(item.state))
            after = page[-1].id
        replayed = time.perf_counter() - start
        assert count == n, count
    finally:
        datastore.close()
    return appended, replayed


def _writer(target: str, worker: int, commits: int, go: Any) -> None:
    from timeline.journal import Draft, PostgresJournal

    with PostgresJournal.open(target) as journal:
        go.send("ready")
        go.recv()
        for n in range(commits):
            journal.append(f"writer-{worker}", [Draft("event.recorded", payload(n))])


def _writers(url: str, writers: int, commits: int) -> float:
    from timeline.journal import PostgresJournal

    target = _schema(url, "writers")
    PostgresJournal.open(target).close()
    ctx = multiprocessing.get_context("spawn")
    pipes = [ctx.Pipe() for _ in range(writers)]
    workers = [
        ctx.Process(target=_writer, args=(target, w, commits, pipes[w][1])) for w in range(writers)
    ]
    for worker in workers:
        worker.start()
    for here, _ in pipes:
        assert here.recv() == "ready"
    start = time.perf_counter()
    for here, _ in pipes:
        here.send("go")
    for worker in workers:
        worker.join()
        assert worker.exitcode == 0
    elapsed = time.perf_counter() - start
    with PostgresJournal.open(target) as journal:
        assert journal.head().seq == writers * commits and journal.verify().ok
    return writers * commits / elapsed


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    commits = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    url = _server()
    ours: list[tuple[float, float]] = []
    theirs: list[tuple[float, float]] = []
    for _ in range(ROUNDS):
        ours.append(_ours(url, n))
        theirs.append(_theirs(url, n))
    append_ours, replay_ours = min(a for a, _ in ours), min(r for _, r in ours)
    append_theirs, replay_theirs = min(a for a, _ in theirs), min(r for _, r in theirs)
    print(f"n {n}")
    print(f"postgres_batch_append_records_per_s {n / append_ours:.0f}")
    print(f"eventsourcing_batch_append_records_per_s {n / append_theirs:.0f}")
    print(f"postgres_batch_append_vs_eventsourcing {append_theirs / append_ours:.2f}")
    print(f"postgres_replay_records_per_s {n / replay_ours:.0f}")
    print(f"eventsourcing_replay_records_per_s {n / replay_theirs:.0f}")
    print(f"postgres_replay_vs_eventsourcing {replay_theirs / replay_ours:.2f}")
    print(f"postgres_1_writer_commits_per_s {_writers(url, 1, commits):.0f}")
    print(f"postgres_{WRITERS}_writers_commits_per_s {_writers(url, WRITERS, commits):.0f}")


if __name__ == "__main__":
    main()
