"""How many SQL statements a chronology of N events runs (issue 20: a constant, not N+1).

Usage: ``python bench/queries.py [N ...]`` (default 10 100 1000). For each N, a
journal of N events with 1-3 citations each (``bench/workload.py``) is imported,
and the statements SQLite runs while ``Timeline.chronology()`` builds the whole
chronology are counted with the connection's trace callback, and again for the
chronology streamed (``stream=True``: one statement for its events, two for each
page of 2,000 events' citations and claims) as ``write_markdown`` writes it. Prints
``chronology_statements_N`` and ``streamed_chronology_statements_N`` lines and each
one's ``..._statements_growth``: the count at the largest N over the count at the
smallest (1 when constant).
"""

from __future__ import annotations

import io
import sys
import tempfile
from pathlib import Path

import workload

from timeline import Timeline
from timeline.documents import write_markdown


def statements(n: int) -> tuple[int, int]:
    """The statements one ``chronology()`` of all n events runs, and those of the same
    chronology streamed (``stream=True``) and written with ``write_markdown``."""
    counts = []
    with tempfile.TemporaryDirectory() as tmp:
        plan = workload.plan(n, Path(tmp))
        with Timeline.open(Path(tmp) / "q.timeline", author="bench") as tl:
            tl.import_plan(plan)
            for stream in (False, True):
                seen: list[str] = []
                connection = tl.journal.connection
                connection.set_trace_callback(seen.append)
                try:
                    chronology = tl.chronology(stream=stream)
                    written = write_markdown(chronology, io.StringIO())
                finally:
                    connection.set_trace_callback(None)
                assert written == n
                counts.append(len(seen))
    return counts[0], counts[1]


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [10, 100, 1000]
    counts = {n: statements(n) for n in sizes}
    for n, (built, streamed) in counts.items():
        print(f"chronology_statements_{n} {built}")
        print(f"streamed_chronology_statements_{n} {streamed}")
    for index, name in enumerate(("chronology", "streamed_chronology")):
        growth = counts[max(sizes)][index] / counts[min(sizes)][index]
        print(f"{name}_statements_growth {growth:.4g}")


if __name__ == "__main__":
    main()
