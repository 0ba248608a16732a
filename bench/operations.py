"""Timeline benchmark: recording, rebuilding, querying and as-of on an N-event journal.

Usage: python bench/operations.py [N]   (default 20000)

Prints one ``name value`` line per figure. Each phase runs in a child process so
its peak RSS is its own. The reference ("limit") is a bare loop that reads every
journal row and decodes its JSON payload, which no replay can beat.
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

from workload import articles, peak_rss_mb

from citations import Reference
from timeline.application import Timeline
from timeline.dates import parse_edtf
from timeline.domain import Citation, Event
from timeline.importing import ImportPlan

ACTORS = ["CHN", "RUS", "USA", "SUN", "KAZ", "IND"]
CATEGORIES = ["treaty", "statement", "visit", "meeting", "speech", "report"]


def _plan(n: int) -> tuple[ImportPlan, list[Reference]]:
    refs = articles(max(1, n // 10))
    events = []
    citations = []
    for i in range(n):
        year = 1900 + i % 120
        event = Event(
            id=f"e{i}",
            when=parse_edtf(f"{year}-{1 + i % 12:02d}-{1 + i % 28:02d}"),
            title={"en": f"Event {i} between states", "zh": f"事件{i}"},
            category=CATEGORIES[i % len(CATEGORIES)],
            actors=(),
            tags=(f"tag{i % 20}",),
            importance=1 + i % 3,
        )
        events.append(event)
        citations.append(Citation(event.id, f"ref{i % len(refs)}", locator=f"p. {i % 300}"))
    return ImportPlan(tuple(events), tuple(citations), (), "bench"), refs


def _record(path: str, n: int, queue: Any) -> None:
    plan, refs = _plan(n)
    with Timeline.open(path, author="bench") as tl:
        start = time.perf_counter()
        tl.import_plan(plan, refs)
        elapsed = time.perf_counter() - start
    queue.put(
        {"record_changes_per_s": (len(refs) + 2 * n) / elapsed, "record_rss_mb": peak_rss_mb()}
    )


def _single(path: str, count: int, queue: Any) -> None:
    with Timeline.open(path, author="bench") as tl:
        start = time.perf_counter()
        for i in range(count):
            tl.add_event(id=f"single{i}", when="2001-07-16", title={"en": f"Single {i}"})
        elapsed = time.perf_counter() - start
    queue.put({"record_one_by_one_commands_per_s": count / elapsed})


def _rebuild(path: str, queue: Any) -> None:
    with Timeline.open(path) as tl:
        start = time.perf_counter()
        count = tl.rebuild()
        elapsed = time.perf_counter() - start
    queue.put({"rebuild_records_per_s": count / elapsed, "rebuild_rss_mb": peak_rss_mb()})


def _query(path: str, queue: Any) -> None:
    with Timeline.open(path) as tl:
        head = tl.head().seq
        start = time.perf_counter()
        rounds = 20
        for i in range(rounds):
            tl.events(
                between=f"{1950 + i}/{1955 + i}", actors=None, categories=["treaty"], tags=["tag3"]
            )
        query_ms = (time.perf_counter() - start) / rounds * 1000
        start = time.perf_counter()
        tl.events(text="Event 123")
        text_ms = (time.perf_counter() - start) * 1000
        start = time.perf_counter()
        past = tl.as_of(head // 2)
        as_of_s = time.perf_counter() - start
        past.events(categories=["treaty"])
    queue.put(
        {
            "filtered_query_ms": query_ms,
            "text_query_ms": text_ms,
            "as_of_half_journal_s": as_of_s,
            "query_rss_mb": peak_rss_mb(),
        }
    )


def _bare_loop(path: str, queue: Any) -> None:
    conn = sqlite3.connect(path)
    start = time.perf_counter()
    count = 0
    for (payload,) in conn.execute("SELECT payload FROM records ORDER BY seq"):
        json.loads(payload)
        count += 1
    elapsed = time.perf_counter() - start
    conn.close()
    queue.put({"limit_bare_replay_records_per_s": count / elapsed})


def _child(target: Any, *args: Any) -> dict[str, float]:
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    process = ctx.Process(target=target, args=(*args, queue))
    process.start()
    result: dict[str, float] = queue.get()
    process.join()
    return result


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "bench.timeline")
        figures: dict[str, float] = {"events": n}
        figures |= _child(_record, path, n)
        figures |= _child(_rebuild, path)
        figures |= _child(_query, path)
        figures |= _child(_bare_loop, path)
        figures |= _child(_single, str(Path(tmp) / "single.timeline"), min(n, 2000))
    figures["rebuild_vs_limit"] = (
        figures["rebuild_records_per_s"] / figures["limit_bare_replay_records_per_s"]
    )
    for name, value in figures.items():
        print(f"{name} {value:.4g}" if isinstance(value, float) else f"{name} {value}")


if __name__ == "__main__":
    main()
