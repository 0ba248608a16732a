"""Limits at full size: a 50 MB .bib, read in one go (time and peak memory).

Run as a script: ``python bench/limits.py [megabytes]``. The test suite reads a
2 MB file and checks the limit errors; this measures what the limits allow.
"""

from __future__ import annotations

import resource
import sys
import time

from citations import parse_bibtex
from citations.bibtex import MAX_BIBTEX_CHARS

ENTRY = (
    "@article{{key{n},\n  author = {{Doe, Jane and Roe, Richard and Li, Xiaoming}},\n"
    "  title = {{On the {{Theory}} of Things, with {{\\'E}}tudes, part {n}}},\n"
    "  journal = {{J. Things}},\n  volume = {{{n}}},\n  year = {{2001}},\n"
    "  pages = {{1--{n}}},\n  doi = {{10.1000/{n}}}\n}}\n\n"
)


def main(megabytes: float = 50.0) -> None:
    """Generate ``megabytes`` of BibTeX, read it, print entries, seconds and peak memory."""
    size = int(megabytes * 1_000_000)
    count = size // len(ENTRY.format(n=100_000))
    text = "".join(ENTRY.format(n=n) for n in range(count))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    result = parse_bibtex(text, source_name=f"generated-{megabytes:g}MB.bib")
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        f"{len(text) / 1e6:.1f} MB ({len(text):,} characters; limit {MAX_BIBTEX_CHARS:,}): "
        f"{len(result.references):,} entries in {seconds:.1f} s "
        f"({len(result.references) / seconds:,.0f} entries/s, "
        f"{len(text) / seconds / 1e6:.2f} MB/s); "
        f"peak RSS {peak / 1024:.0f} MiB (text and generator alone {before / 1024:.0f} MiB)"
    )


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 50.0)
