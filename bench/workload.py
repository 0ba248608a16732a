"""The data issue 20's benchmarks share: N events with 1-3 citations each, and references.

``plan(n)`` gives them as values for the Python API; ``write_files(n, folder)``
as the files a user imports (JSON Lines events, CSL-JSON references), which the
peer implementations of ``bench/job.py`` read too. Deterministic: the same n
gives the same data.
"""

from __future__ import annotations

import json
import multiprocessing
import resource
from pathlib import Path
from typing import Any

from citations import Contributor, Reference

ACTORS = ("CHN", "RUS", "USA", "SUN", "KAZ", "IND")
KINDS = ("treaty", "statement", "visit", "meeting", "speech", "report")


def payload(n: int) -> dict[str, Any]:
    """A ~150-byte ``event.recorded`` payload, for the journal-only benchmarks."""
    return {
        "event_id": f"event-{n:08d}",
        "title": {"en": f"Treaty number {n}", "zh": "条约"},
        "when": f"{1800 + n % 200}-{1 + n % 12:02d}-{1 + n % 28:02d}",
        "tags": ["treaty", "border"],
        "importance": n % 5,
    }


def articles(count: int) -> list[Reference]:
    """``count`` journal articles, keys ``ref0``, ``ref1``, ... (one author each)."""
    return [
        Reference(
            f"ref{i}",
            "article",
            {"title": f"Article number {i}", "date": str(1950 + i % 70), "journaltitle": "Journal"},
            [Contributor(family="Author", given=str(i))],
        )
        for i in range(count)
    ]


def peak_rss_mb() -> float:
    """This process's peak resident set size, in MB: Linux's ``VmHWM``, the peak of this
    program's own memory. ``ru_maxrss`` (the fallback elsewhere) also counts the parent's
    memory a spawned child was forked with before it ran Python anew: a benchmark's
    parent that wrote 1,000,000 events' files (200 MB) gave every phase at least that."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def event_fields(i: int, references: int) -> dict[str, Any]:
    """Event ``i`` as an events-file row, citing 1-3 of ``references`` references."""
    return {
        "id": f"e{i}",
        "when": f"{1900 + i % 120}-{1 + i % 12:02d}-{1 + i % 28:02d}",
        "title": {"en": f"Event {i} between states", "zh": f"事件{i}"},
        "kind": KINDS[i % len(KINDS)],
        "actors": [ACTORS[i % len(ACTORS)], ACTORS[(i + 1) % len(ACTORS)]],
        "tags": [f"tag{i % 20}"],
        "importance": 1 + i % 3,
        "citations": [
            f"ref{(i * 7 + j) % references}@p. {1 + (i + j) % 300}" for j in range(1 + i % 3)
        ],
    }


def reference_fields(i: int) -> dict[str, Any]:
    """Reference ``i`` as a CSL-JSON item."""
    return {
        "id": f"ref{i}",
        "type": "article-journal",
        "title": f"Article number {i} on relations between states",
        "container-title": "Journal of International Relations",
        "author": [{"family": f"Author{i % 500}", "given": "Anna"}],
        "issued": {"date-parts": [[1950 + i % 70]]},
        "page": f"{1 + i % 200}-{20 + i % 200}",
    }


def reference_count(n: int) -> int:
    """References for an n-event data set: one per ten events (at least one)."""
    return max(1, n // 10)


def write_files(n: int, folder: Path, references: int | None = None) -> tuple[Path, Path]:
    """Write ``events.jsonl`` (n events) and ``references.json``; return both paths."""
    count = reference_count(n) if references is None else references
    refs = folder / "references.json"
    refs.write_text(json.dumps([reference_fields(i) for i in range(count)]), encoding="utf-8")
    events = folder / "events.jsonl"
    with events.open("w", encoding="utf-8") as out:
        for i in range(n):
            out.write(json.dumps(event_fields(i, count), ensure_ascii=False) + "\n")
    return refs, events


def plan(n: int, folder: Path) -> Any:
    """The import plan of ``write_files(n, folder)``, read as ``timeline import`` reads it."""
    from timeline.importing import read_import

    return read_import(write_files(n, folder))


def _run(queue: Any, target: Any, *args: Any) -> None:
    queue.put(target(*args))


def child(target: Any, *args: Any) -> dict[str, float]:
    """Run ``target(*args)`` in a spawned process and return the figures it gives back."""
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    process = ctx.Process(target=_run, args=(queue, target, *args))
    process.start()
    result: dict[str, float] = queue.get()
    process.join()
    if process.exitcode != 0:
        raise SystemExit(f"{target.__name__} failed with exit code {process.exitcode}")
    return result
