"""Issue 20's import, rebuild and as-of figures, as ratios to limits measured in the same run.

Usage: ``python bench/views.py [N ...]`` (default 10000 100000). For each N, on
N events with 1-3 citations each (``bench/workload.py``), one ``name value``
line per figure:

- ``import_vs_batch_append_N``: the import's changes per second (``import_plan``
  of the plan ``timeline import`` reads) over the journal's own ``append_batch``
  rate for the same records (same kinds, streams and payloads, in batches of 1000,
  into a fresh journal in raw mode); target ≥ 0.3; ``import_vs_batch_append_cpu_N``
  the same in CPU time (this process's, steadier on a shared machine);
- ``rebuild_vs_bare_read_N``: ``Timeline.rebuild()`` records per second over a bare
  loop reading every payload and decoding its JSON; target ≥ 0.3;
- ``rebuild_vs_bare_read_cpu_N``: the same ratio in CPU time (this process's), which
  a neighbour's load on a shared machine disturbs less than wall time;
- ``write_tables_vs_bare_read_cpu_N``: the floor of any rebuild that writes these
  tables: the rows the rebuild wrote, already made, inserted into empty tables of
  the same layout (indexes created after, one transaction), records per CPU second
  over the bare read's; a rebuild writing these tables cannot pass this ratio;
- ``as_of_middle_vs_head_N``: the time of a filtered query ``as_of`` the middle of
  the journal (opening the view included) over the same query at the head; target
  ≤ 3 at every N.

Each phase runs in a spawned child process of its own (its peak RSS is its own).
"""

from __future__ import annotations

import itertools
import json
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import workload

from timeline import Draft, Timeline
from timeline.journal import ANY, SQLiteJournal

BATCH = 1000
#: The filtered query: an actor, a date range and a kind.
QUERY: dict[str, Any] = {"actors": ["RUS"], "between": "1950/1960", "categories": ["treaty"]}


def import_phase(path: str, n: int, folder: str) -> dict[str, float]:
    start = time.perf_counter()
    plan = workload.plan(n, Path(folder))
    read = time.perf_counter() - start
    with Timeline.open(path, author="bench") as tl:
        start, cpu = time.perf_counter(), time.process_time()
        tl.import_plan(plan)
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
        records = tl.head().seq
    return {
        "read_files_s": read,
        "import_changes_per_s": plan.size / elapsed,
        "import_changes_per_cpu_s": plan.size / cpu,
        "import_records": records,
        "import_rss_mb": workload.peak_rss_mb(),
    }


def batch_append_phase(source: str, path: str) -> dict[str, float]:
    """The imported records appended again by the journal alone, a batch of 1000 at a time."""
    conn = sqlite3.connect(source)
    rows = conn.execute("SELECT stream, kind, payload FROM records ORDER BY seq").fetchall()
    conn.close()
    chunks = []
    for offset in range(0, len(rows), BATCH):
        chunk = rows[offset : offset + BATCH]
        streams: dict[str, list[Draft]] = {}
        for stream, kind, payload in chunk:
            streams.setdefault(stream, []).append(Draft(kind, json.loads(payload)))
        chunks.append([(stream, drafts, ANY) for stream, drafts in streams.items()])
    journal = SQLiteJournal.open(path)
    start, cpu = time.perf_counter(), time.process_time()
    for batches in chunks:
        journal.append_batch(batches)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    journal.close()
    return {
        "batch_append_records_per_s": len(rows) / elapsed,
        "batch_append_records_per_cpu_s": len(rows) / cpu,
    }


def rebuild_phase(path: str) -> dict[str, float]:
    with Timeline.open(path) as tl:
        start, cpu = time.perf_counter(), time.process_time()
        count = tl.rebuild()
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {
        "rebuild_records_per_s": count / elapsed,
        "rebuild_records_per_cpu_s": count / cpu,
        "rebuild_rss_mb": workload.peak_rss_mb(),
    }


def bare_read_phase(path: str) -> dict[str, float]:
    conn = sqlite3.connect(path)
    start, cpu = time.perf_counter(), time.process_time()
    count = 0
    for (payload,) in conn.execute("SELECT payload FROM records ORDER BY seq"):
        json.loads(payload)
        count += 1
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    conn.close()
    return {"bare_read_records_per_s": count / elapsed, "bare_read_records_per_cpu_s": count / cpu}


#: The tables a rebuild writes (the views' own, but the checkpoint).
VIEW_TABLES = (
    "events",
    "event_contents",
    "event_actors",
    "event_tags",
    "event_text",
    "bib_references",
    "citations",
    "claims",
)


def write_tables_phase(source: str, path: str) -> dict[str, float]:
    """The rows of the rebuilt views inserted again into empty tables: the SQL alone."""
    conn = sqlite3.connect(source)
    (records,) = conn.execute("SELECT count(*) FROM records").fetchone()
    schema = dict(
        conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE name IN "
            f"({','.join('?' * len(VIEW_TABLES))})",
            VIEW_TABLES,
        ).fetchall()
    )
    marks = ",".join("?" * len(VIEW_TABLES))
    indexes = [
        sql
        for (sql,) in conn.execute(
            f"SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            f"AND tbl_name IN ({marks})",
            VIEW_TABLES,
        )
    ]
    rows = {}
    for table in VIEW_TABLES:
        columns = "rowid, event_id, lang, title, summary" if table == "event_text" else "*"
        rows[table] = conn.execute(f"SELECT {columns} FROM {table}").fetchall()
    conn.close()
    target = sqlite3.connect(path, isolation_level=None)
    target.execute("PRAGMA journal_mode = WAL")
    target.execute("PRAGMA synchronous = NORMAL")
    start, cpu = time.perf_counter(), time.process_time()
    target.execute("BEGIN")
    for table in VIEW_TABLES:
        target.execute(schema[table])
        if rows[table]:
            names = "(rowid, event_id, lang, title, summary)" if table == "event_text" else ""
            marks = ",".join("?" * len(rows[table][0]))
            target.executemany(f"INSERT INTO {table} {names} VALUES ({marks})", rows[table])
    for sql in indexes:
        target.execute(sql)
    target.execute("COMMIT")
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    target.close()
    return {
        "write_tables_records_per_s": records / elapsed,
        "write_tables_records_per_cpu_s": records / cpu,
    }


def _best_time(run: Any, budget: float = 2.0, most: int = 20) -> float:
    """The best of several timed runs (as many as fit in ``budget`` seconds, 1 at least)."""
    best = float("inf")
    spent = 0.0
    for _ in itertools.count():
        start = time.perf_counter()
        run()
        took = time.perf_counter() - start
        best, spent = min(best, took), spent + took
        if spent >= budget or _ >= most - 1:
            return best
    raise AssertionError  # pragma: no cover


def as_of_phase(path: str) -> dict[str, float]:
    with Timeline.open(path) as tl:
        middle = tl.head().seq // 2
        head = _best_time(lambda: tl.events(**QUERY))
        past = _best_time(lambda: tl.as_of(middle).events(**QUERY))
        found = len(tl.as_of(middle).events(**QUERY))
    return {
        "query_head_ms": head * 1000,
        "query_as_of_middle_ms": past * 1000,
        "query_as_of_middle_events": found,
        "as_of_rss_mb": workload.peak_rss_mb(),
    }


def measure(n: int) -> dict[str, float]:
    """Every figure at N events, with the ratios."""
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "bench.timeline")
        f = workload.child(import_phase, path, n, tmp)
        f |= workload.child(batch_append_phase, path, str(Path(tmp) / "append.timeline"))
        f |= workload.child(rebuild_phase, path)
        f |= workload.child(bare_read_phase, path)
        f |= workload.child(write_tables_phase, path, str(Path(tmp) / "tables.sqlite"))
        f |= workload.child(as_of_phase, path)
    f["import_vs_batch_append"] = f["import_changes_per_s"] / f["batch_append_records_per_s"]
    append_cpu = f["batch_append_records_per_cpu_s"]
    f["import_vs_batch_append_cpu"] = f["import_changes_per_cpu_s"] / append_cpu
    f["rebuild_vs_bare_read"] = f["rebuild_records_per_s"] / f["bare_read_records_per_s"]
    bare_cpu = f["bare_read_records_per_cpu_s"]
    f["rebuild_vs_bare_read_cpu"] = f["rebuild_records_per_cpu_s"] / bare_cpu
    f["write_tables_vs_bare_read_cpu"] = f["write_tables_records_per_cpu_s"] / bare_cpu
    f["as_of_middle_vs_head"] = f["query_as_of_middle_ms"] / f["query_head_ms"]
    return f


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [10_000, 100_000]
    for n in sizes:
        for name, value in measure(n).items():
            print(f"{name}_{n} {value:.4g}")


if __name__ == "__main__":
    main()
