"""Peak memory of the journal appending then replaying N records.

Usage: ``python bench/memory.py N [N ...]`` (default 100000 1000000) prints
``journal_peak_rss_mb_<N> value`` per N, each measured in a spawned process of
its own: the drafts are made a batch at a time, so what grows with N is only the
journal's own working set. The reference is the same process before it opened
the journal (``baseline_rss_mb_<N>``: the interpreter with the package imported).
"""

from __future__ import annotations

import multiprocessing
import sys
import tempfile
from pathlib import Path
from typing import Any

from workload import peak_rss_mb

BATCH = 1000


def append_and_replay(path: str, n: int) -> dict[str, float]:
    """Append ``n`` records in batches of 1000 over 50 streams, then read them all back."""
    from timeline.journal import Draft, SQLiteJournal

    baseline = peak_rss_mb()
    with SQLiteJournal.open(path) as journal:
        for offset in range(0, n, BATCH):
            journal.append(
                f"stream-{offset // BATCH % 50}",
                [
                    Draft("event.recorded", {"event_id": f"event-{i:08d}", "title": f"T {i}"})
                    for i in range(offset, min(offset + BATCH, n))
                ],
            )
        count = sum(1 for _record in journal.read())
    assert count == n
    return {f"baseline_rss_mb_{n}": baseline, f"journal_peak_rss_mb_{n}": peak_rss_mb()}


def _run(queue: Any, n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        queue.put(append_and_replay(str(Path(tmp) / "memory.journal"), n))


def main() -> None:
    sizes = [int(arg) for arg in sys.argv[1:]] or [100_000, 1_000_000]
    ctx = multiprocessing.get_context("spawn")
    for n in sizes:
        queue = ctx.Queue()
        process = ctx.Process(target=_run, args=(queue, n))
        process.start()
        figures: dict[str, float] = queue.get()
        process.join()
        for name, value in figures.items():
            print(f"{name} {value:.4g}")


if __name__ == "__main__":
    main()
