"""Peak memory as the journal grows (issue 20: at 1M events within 1.5x that at 100k).

Usage: ``python bench/scale.py [--1m | --sizes SMALL LARGE]``. Without ``--1m`` it
compares 10,000 and 100,000 events (a few minutes); with it, 100,000 and 1,000,000
(slow: the 1M import alone took 40-45 minutes when the issue was filed). For each
size, events with 1-3 citations each (``bench/workload.py``) go through what a user
runs, each in a fresh spawned process so its peak RSS is its own: the import from
files (``stream_import`` + ``import_into``, as ``timeline import`` does), a full
rebuild, a filtered query ``as_of`` the middle (``as_of``; ``as_of_1000``: its first
1,000 events only, so that the answer, about 1 % of the journal's events and growing
with it, is not what is measured), and the chronology documents, streamed
(``chronology(stream=True)``):
Markdown with Pandoc citations and with numbered footnotes (``write_markdown``),
and the HTML page (``write_html``). Prints ``NAME_rss_mb_N`` and
``NAME_s_N`` (wall seconds) for each phase, and ``NAME_rss_large_vs_small``.
``--phases import,markdown,html`` runs only those (the import always first).
``--folder DIR`` keeps each size's files and journal in ``DIR/N`` and reuses them:
a size whose journal is there already is not imported again (its import not measured).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import workload

from timeline import Timeline
from timeline.documents import DocumentOptions, write_html, write_markdown
from timeline.importing import import_into, stream_import

PHASES = ("import", "rebuild", "as_of", "as_of_1000", "markdown", "markdown_footnotes", "html")
#: The document phases: the writer and its options.
DOCUMENTS = {
    "markdown": (write_markdown, DocumentOptions(), "md"),
    "markdown_footnotes": (write_markdown, DocumentOptions(flavour="footnotes"), "md"),
    "html": (write_html, DocumentOptions(), "html"),
}


def _phase(name: str, folder: str) -> tuple[float, float]:
    """Run phase ``name`` on the journal in ``folder``: (seconds, peak RSS in MB)."""
    root = Path(folder)
    path = root / "scale.timeline"
    start = time.perf_counter()
    if name == "import":
        import_into(path, stream_import([root / "references.json", root / "events.jsonl"]))
    else:
        with Timeline.open(path, author="bench") as tl:
            if name == "rebuild":
                tl.rebuild()
            elif name.startswith("as_of"):
                limit = 1000 if name == "as_of_1000" else None
                tl.as_of(tl.head().seq // 2).events(
                    actors=["RUS"], between="1950/1960", limit=limit
                )
            else:
                writer, options, suffix = DOCUMENTS[name]
                with (root / f"chronology.{suffix}").open("w", encoding="utf-8") as out:
                    writer(tl.chronology(stream=True), out, options)
    took = time.perf_counter() - start
    return took, workload.peak_rss_mb()


def _run(queue: Any, name: str, folder: str) -> None:
    queue.put(_phase(name, folder))


def child(name: str, folder: str) -> tuple[float, float]:
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    process = ctx.Process(target=_run, args=(queue, name, folder))
    process.start()
    result: tuple[float, float] = queue.get()
    process.join()
    if process.exitcode != 0:
        raise SystemExit(f"{name} failed with exit code {process.exitcode}")
    return result


def main() -> None:
    small, large = (100_000, 1_000_000) if "--1m" in sys.argv[1:] else (10_000, 100_000)
    if "--sizes" in sys.argv[1:]:  # a smoke test: --sizes SMALL LARGE
        at = sys.argv.index("--sizes")
        small, large = int(sys.argv[at + 1]), int(sys.argv[at + 2])
    phases = PHASES
    if "--phases" in sys.argv[1:]:
        chosen = sys.argv[sys.argv.index("--phases") + 1].split(",")
        phases = ("import", *(name for name in PHASES[1:] if name in chosen))
    kept = Path(sys.argv[sys.argv.index("--folder") + 1]) if "--folder" in sys.argv else None
    rss: dict[tuple[str, int], float] = {}
    for n in (small, large):
        with contextlib.ExitStack() as stack:
            if kept is None:
                folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
            else:
                folder = kept / str(n)
                folder.mkdir(parents=True, exist_ok=True)
            imported = (folder / "scale.timeline").exists()
            if not imported:
                workload.write_files(n, folder)
            for name in phases:
                if name == "import" and imported:
                    continue
                took, rss[name, n] = child(name, str(folder))
                print(f"{name}_s_{n} {took:.4g}", flush=True)
                print(f"{name}_rss_mb_{n} {rss[name, n]:.4g}", flush=True)
    for name in phases:
        if (name, small) in rss and (name, large) in rss:
            print(f"{name}_rss_large_vs_small {rss[name, large] / rss[name, small]:.4g}")


if __name__ == "__main__":
    main()
