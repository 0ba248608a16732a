"""Reference formatting benchmark: a chronology's warm render against today's, and cold styles.

Usage: python bench/formatting.py [N] [--no-bibliographies] [--rounds R]
(N: default 10000; R: default 3)

In one run:

- a chronology of N events citing N/10 references (bench/chronology.py's data)
  rendered as self-contained Markdown and as HTML: with pybtex's ``plain``
  style, which formats every reference again on each render (what every
  render did before CSL styles), then with the default CSL style cold
  (nothing formatted yet, the persistent cache filled as ``timeline
  chronology`` fills it), warm (a second render in the same process) and
  stored (this process's memory emptied, the persistent cache filled: what a
  new ``timeline chronology`` process pays after the first);
- N references formatted cold as a bibliography by pybtex's ``plain`` style
  and by the CSL styles (each with an empty cache).

Prints ``name value`` lines: CPU seconds of this process (the machine is shared,
so wall time would measure the others' load too; the today, warm and stored renders
are each the best of R rounds taking turns, the cold render is one), and ratios
(``warm_speedup`` and ``stored_speedup`` are today's seconds over the warm or stored
render's; ``cold_vs_pybtex`` is pybtex's seconds over the style's, so 0.5 means half
pybtex's speed).
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from chronology import _plan

from citations import (
    Contributor,
    CSLStyle,
    Reference,
    format_bibliography,
    formatted_cache,
    load_style,
)
from timeline.application import Timeline
from timeline.chronology import Chronology
from timeline.documents import DocumentOptions, render


def _timed(action: Callable[[], object]) -> float:
    """The CPU seconds ``action`` takes (other processes' load does not count)."""
    start = time.process_time()
    action()
    return time.process_time() - start


def _rendering(chronology: Chronology, fmt: str, options: DocumentOptions) -> float:
    return _timed(lambda: render(chronology, fmt, options))


def _forget(style: CSLStyle) -> None:
    """Empty what ``style`` formatted in this process, as a new process starts."""
    for store in (style.entries, style.orders, style.citations):
        store.clear()


def _references(n: int) -> list[Reference]:
    """N varied references: articles and books, English, Chinese and Russian."""
    refs = []
    for i in range(n):
        lang = ("en", "zh", "ru")[i % 3]
        family = {"en": f"Author{i}", "zh": "王", "ru": f"Иванов{i}"}[lang]
        given = {"en": "Anne B.", "zh": f"小{i}", "ru": "Иван"}[lang]
        fields = {"title": f"Title number {i}: a study", "date": str(1950 + i % 70)}
        if i % 2:
            fields |= {
                "journaltitle": "Journal of Studies",
                "volume": str(i % 40),
                "pages": "1--20",
            }
            kind = "article"
        else:
            fields |= {"publisher": "Press", "location": "City"}
            kind = "book"
        refs.append(
            Reference(f"r{i}", kind, fields, [Contributor(family=family, given=given)], lang)
        )
    return refs


def main() -> None:
    numbers = [arg for arg in sys.argv[1:] if arg.isdecimal()]
    n = int(numbers[0]) if numbers else 10_000
    figures: dict[str, float] = {}
    plan, refs = _plan(n)
    with (
        tempfile.TemporaryDirectory() as tmp,
        Timeline.open(Path(tmp) / "bench.timeline", author="bench") as tl,
    ):
        tl.import_plan(plan, refs)
        chronology = tl.chronology()
    at = sys.argv.index("--rounds") if "--rounds" in sys.argv else -1
    rounds = int(sys.argv[at + 1]) if at >= 0 else 3
    for fmt in ("markdown", "html"):
        today = DocumentOptions(flavour="footnotes", style="plain")
        options = DocumentOptions(flavour="footnotes")
        style = load_style(options.citation_style)
        _forget(style)
        with tempfile.TemporaryDirectory() as tmp:
            cache = Path(tmp) / "bench.timeline-formatted"
            with formatted_cache(cache):
                figures[f"{fmt}_csl_cold_s"] = _rendering(chronology, fmt, options)
            best = dict.fromkeys(("today_pybtex", "csl_warm", "csl_stored"), float("inf"))
            for _ in range(rounds):
                seconds = _rendering(chronology, fmt, today)
                best["today_pybtex"] = min(best["today_pybtex"], seconds)
                seconds = _rendering(chronology, fmt, options)
                best["csl_warm"] = min(best["csl_warm"], seconds)
                _forget(style)
                with formatted_cache(cache):
                    seconds = _rendering(chronology, fmt, options)
                best["csl_stored"] = min(best["csl_stored"], seconds)
            for kind, seconds in best.items():
                figures[f"{fmt}_{kind}_s"] = seconds
        for kind in ("warm", "stored"):
            figures[f"{fmt}_{kind}_speedup"] = (
                figures[f"{fmt}_today_pybtex_s"] / figures[f"{fmt}_csl_{kind}_s"]
            )
    if "--no-bibliographies" in sys.argv:
        _print(figures)
        return
    many = _references(n)
    pybtex = _timed(lambda: format_bibliography(many, "plain"))
    figures["cold_pybtex_plain_s"] = pybtex
    for name in ("chicago-author-date", "apa", "gb-t-7714-2015-numeric", "gost-r-7.0.5-2008"):
        _forget(load_style(name))
        seconds = _timed(lambda name=name: format_bibliography(many, name))  # type: ignore[misc]
        figures[f"cold_{name}_s"] = seconds
        figures[f"cold_{name}_vs_pybtex"] = pybtex / seconds
    _print(figures)


def _print(figures: dict[str, float]) -> None:
    for name, value in figures.items():
        print(f"{name} {value:.4g}")


if __name__ == "__main__":
    main()
