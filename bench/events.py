#!/usr/bin/env python3
"""The read path: ``Timeline.events()`` and ``Timeline.chronology()`` of N events.

Usage: python bench/events.py [N] [JOURNAL] [ROUNDS]   (default 50000; JOURNAL made
with bench/workload.py's data, 1-3 citations each, if it does not exist; 3 rounds)

Prints ``name value`` lines: the best CPU and wall seconds of a round for all N
events (``events_cpu_s``, ``events_wall_s``), and the same for the chronology of
all of them (``chronology_cpu_s``, ``chronology_wall_s``). The web viewer's page
asks ``Timeline.events()`` for every event (bench/web.py; issue 18's load target
is under 2 s at 50,000).
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import workload  # first: it puts the repository before bench/ on sys.path

from timeline import Timeline
from timeline.importing import import_into, read_import


def _journal(n: int, path: Path) -> None:
    if path.exists():
        return
    with tempfile.TemporaryDirectory() as folder:
        import_into(path, read_import(workload.write_files(n, Path(folder))))


def _best(action: Callable[[], object], rounds: int) -> tuple[float, float]:
    cpu = wall = float("inf")
    for _ in range(rounds):
        started, spent = time.perf_counter(), time.process_time()
        action()
        cpu = min(cpu, time.process_time() - spent)
        wall = min(wall, time.perf_counter() - started)
    return cpu, wall


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(tmp) / "events.timeline"
        _journal(n, path)
        with Timeline.open(path, read_only=True) as timeline:
            count = len(timeline.events())
            figures = {"events": float(count)}
            for name, action in (("events", timeline.events), ("chronology", timeline.chronology)):
                cpu, wall = _best(action, rounds)
                figures[f"{name}_cpu_s"], figures[f"{name}_wall_s"] = cpu, wall
    for name, value in figures.items():
        print(f"{name} {value:.4g}")


if __name__ == "__main__":
    main()
