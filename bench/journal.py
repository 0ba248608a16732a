"""Journal throughput against plain sqlite3 + executemany + json on the same data.

Usage: ``python bench/journal.py N`` prints one ``name value`` line per figure.
Every figure is measured in a child process of its own (spawned), so peak RSS
figures are comparable between runs and values of N.
"""

from __future__ import annotations

import json
import multiprocessing
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from workload import payload, peak_rss_mb

BATCH = 1000


def _journal_batch(path: str, n: int) -> dict[str, float]:
    from timeline.journal import Draft, SQLiteJournal

    drafts = [Draft("event.recorded", payload(i)) for i in range(n)]
    with SQLiteJournal.open(path) as journal:
        start = time.perf_counter()
        for offset in range(0, n, BATCH):
            journal.append(f"stream-{offset // BATCH % 50}", drafts[offset : offset + BATCH])
        elapsed = time.perf_counter() - start
    return {"journal_batch_append_records_per_s": n / elapsed}


def _journal_multi(path: str, n: int) -> dict[str, float]:
    """append_batch as a bulk import uses it: a new stream per event, 1-3 records each."""
    from timeline.journal import NO_STREAM, Draft, SQLiteJournal

    parts = []
    i = 0
    while i < n:
        size = min(1 + i % 3, n - i)
        parts.append((f"event-{i}", [Draft("event.recorded", payload(i + k)) for k in range(size)]))
        i += size
    with SQLiteJournal.open(path) as journal:
        start = time.perf_counter()
        chunk: list[Any] = []
        count = 0
        for stream, drafts in parts:
            chunk.append((stream, drafts, NO_STREAM))
            count += len(drafts)
            if count >= BATCH:
                journal.append_batch(chunk)
                chunk, count = [], 0
        if chunk:
            journal.append_batch(chunk)
        elapsed = time.perf_counter() - start
    return {"journal_append_batch_records_per_s": n / elapsed, "append_batch_streams": len(parts)}


def _journal_read(path: str) -> dict[str, float]:
    from timeline.journal import SQLiteJournal

    with SQLiteJournal.open(path) as journal:
        start = time.perf_counter()
        count = 0
        for record in journal.read():
            record.payload["title"]
            count += 1
        elapsed = time.perf_counter() - start
    return {
        "journal_read_records_per_s": count / elapsed,
        "journal_read_peak_rss_mb": peak_rss_mb(),
    }


def _journal_single(path: str, n: int, synchronous: str) -> dict[str, float]:
    from timeline.journal import Draft, SQLiteJournal

    with SQLiteJournal.open(path, synchronous=synchronous) as journal:  # type: ignore[arg-type]
        start = time.perf_counter()
        for i in range(n):
            journal.append(f"single-{i % 20}", [Draft("event.recorded", payload(i))])
        elapsed = time.perf_counter() - start
    return {f"journal_single_append_{synchronous.lower()}_commits_per_s": n / elapsed}


def _plain_connect(path: str, synchronous: str = "NORMAL") -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute(f"PRAGMA synchronous = {synchronous}")
    conn.execute(
        "CREATE TABLE IF NOT EXISTS records (seq INTEGER PRIMARY KEY, stream TEXT, "
        "version INTEGER, kind TEXT, payload TEXT)"
    )
    return conn


def _plain_batch(path: str, n: int) -> dict[str, float]:
    payloads = [payload(i) for i in range(n)]
    conn = _plain_connect(path)
    start = time.perf_counter()
    for offset in range(0, n, BATCH):
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO records (stream, version, kind, payload) VALUES (?, ?, ?, ?)",
            [
                (f"stream-{offset // BATCH % 50}", i, "event.recorded", json.dumps(p))
                for i, p in enumerate(payloads[offset : offset + BATCH], start=offset)
            ],
        )
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    conn.close()
    return {"plain_batch_append_records_per_s": n / elapsed}


def _plain_read(path: str) -> dict[str, float]:
    conn = sqlite3.connect(path)
    start = time.perf_counter()
    count = 0
    for _seq, _stream, _version, _kind, text in conn.execute(
        "SELECT seq, stream, version, kind, payload FROM records ORDER BY seq"
    ):
        json.loads(text)["title"]
        count += 1
    elapsed = time.perf_counter() - start
    conn.close()
    return {"plain_read_records_per_s": count / elapsed, "plain_read_peak_rss_mb": peak_rss_mb()}


def _plain_single(path: str, n: int, synchronous: str) -> dict[str, float]:
    conn = _plain_connect(path, synchronous)
    start = time.perf_counter()
    for i in range(n):
        conn.execute(
            "INSERT INTO records (stream, version, kind, payload) VALUES (?, ?, ?, ?)",
            (f"single-{i % 20}", i, "event.recorded", json.dumps(payload(i))),
        )
    elapsed = time.perf_counter() - start
    conn.close()
    return {f"plain_single_append_{synchronous.lower()}_commits_per_s": n / elapsed}


def _run(queue: Any, target: Any, *args: Any) -> None:
    queue.put(target(*args))


def _child(target: Any, *args: Any) -> dict[str, float]:
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    process = ctx.Process(target=_run, args=(queue, target, *args))
    process.start()
    process.join()
    if process.exitcode != 0:
        raise SystemExit(f"{target.__name__} failed with exit code {process.exitcode}")
    result: dict[str, float] = queue.get(timeout=10)
    return result


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    singles = min(n, 2000)
    figures: dict[str, float] = {"records": n}
    with tempfile.TemporaryDirectory() as tmp:
        journal, plain = str(Path(tmp) / "journal.db"), str(Path(tmp) / "plain.db")
        figures |= _child(_journal_batch, journal, n)
        figures |= _child(_journal_multi, str(Path(tmp) / "multi.db"), n)
        figures |= _child(_plain_batch, plain, n)
        figures |= _child(_journal_read, journal)
        figures |= _child(_plain_read, plain)
        for sync in ("NORMAL", "FULL"):
            figures |= _child(_journal_single, str(Path(tmp) / f"js-{sync}.db"), singles, sync)
            figures |= _child(_plain_single, str(Path(tmp) / f"ps-{sync}.db"), singles, sync)
        figures["journal_file_mb"] = Path(journal).stat().st_size / 2**20
    figures["batch_append_vs_plain"] = (
        figures["journal_batch_append_records_per_s"] / figures["plain_batch_append_records_per_s"]
    )
    figures["append_batch_vs_batch_append"] = (
        figures["journal_append_batch_records_per_s"]
        / figures["journal_batch_append_records_per_s"]
    )
    figures["read_vs_plain"] = (
        figures["journal_read_records_per_s"] / figures["plain_read_records_per_s"]
    )
    for name, value in figures.items():
        print(f"{name} {value:.4g}" if isinstance(value, float) else f"{name} {value}")


if __name__ == "__main__":
    main()
