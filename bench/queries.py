"""How many SQL statements a chronology of N events runs (issue 20: a constant, not N+1).

Usage: ``python bench/queries.py [N ...]`` (default 10 100 1000). For each N, a
journal of N events with 1-3 citations each (``bench/workload.py``) is imported,
and the statements SQLite runs while ``Timeline.chronology()`` builds the whole
chronology are counted with the connection's trace callback. Prints
``chronology_statements_N`` lines and ``chronology_statements_growth``: the count
at the largest N over the count at the smallest (1 when constant).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import workload

from timeline import Timeline


def statements(n: int) -> int:
    """The statements one ``chronology()`` of all n events runs."""
    with tempfile.TemporaryDirectory() as tmp:
        plan = workload.plan(n, Path(tmp))
        with Timeline.open(Path(tmp) / "q.timeline", author="bench") as tl:
            tl.import_plan(plan)
            seen: list[str] = []
            connection = tl.journal.connection
            connection.set_trace_callback(seen.append)
            try:
                chronology = tl.chronology()
            finally:
                connection.set_trace_callback(None)
            assert len(chronology.entries) == n
    return len(seen)


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [10, 100, 1000]
    counts = {n: statements(n) for n in sizes}
    for n, count in counts.items():
        print(f"chronology_statements_{n} {count}")
    print(f"chronology_statements_growth {counts[max(sizes)] / counts[min(sizes)]:.4g}")


if __name__ == "__main__":
    main()
