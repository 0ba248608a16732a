"""Reference formatting benchmark: a chronology's warm render against today's, and cold styles.

Usage: python bench/formatting.py [N]   (default 10000)

In one run:

- a chronology of N events citing N/10 references (bench/chronology.py's data)
  rendered as self-contained Markdown and as HTML: with pybtex's ``plain``
  style, which formats every reference again on each render (what every
  render did before CSL styles), then with the default CSL style cold (empty
  cache) and warm (a second render of the same chronology);
- N references formatted cold as a bibliography by pybtex's ``plain`` style
  and by the CSL styles (each with an empty cache).

Prints ``name value`` lines: seconds, and ratios (``warm_speedup`` is today's
seconds over the warm render's; ``cold_vs_pybtex`` is pybtex's seconds over the
style's, so 0.5 means half pybtex's speed).
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

from bench.chronology import _plan  # noqa: E402
from citations import Contributor, Reference, format_bibliography, load_style  # noqa: E402
from timeline.application import Timeline  # noqa: E402
from timeline.chronology import Chronology  # noqa: E402
from timeline.documents import DocumentOptions, render  # noqa: E402


def _timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def _rendering(chronology: Chronology, fmt: str, options: DocumentOptions) -> float:
    return _timed(lambda: render(chronology, fmt, options))


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
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    figures: dict[str, float] = {}
    plan, refs = _plan(n)
    with (
        tempfile.TemporaryDirectory() as tmp,
        Timeline.open(Path(tmp) / "bench.timeline", author="bench") as tl,
    ):
        tl.import_plan(plan, refs)
        chronology = tl.chronology()
    for fmt in ("markdown", "html"):
        today = DocumentOptions(flavour="footnotes", style="plain")
        figures[f"{fmt}_today_pybtex_s"] = _rendering(chronology, fmt, today)
        options = DocumentOptions(flavour="footnotes")
        load_style(options.citation_style).entries.clear()
        figures[f"{fmt}_csl_cold_s"] = _rendering(chronology, fmt, options)
        figures[f"{fmt}_csl_warm_s"] = _rendering(chronology, fmt, options)
        figures[f"{fmt}_warm_speedup"] = (
            figures[f"{fmt}_today_pybtex_s"] / figures[f"{fmt}_csl_warm_s"]
        )
    many = _references(n)
    pybtex = _timed(lambda: format_bibliography(many, "plain"))
    figures["cold_pybtex_plain_s"] = pybtex
    for name in ("chicago-author-date", "apa", "gb-t-7714-2015-numeric", "gost-r-7.0.5-2008"):
        style = load_style(name)
        style.entries.clear()
        style.orders.clear()
        seconds = _timed(lambda name=name: format_bibliography(many, name))  # type: ignore[misc]
        figures[f"cold_{name}_s"] = seconds
        figures[f"cold_{name}_vs_pybtex"] = pybtex / seconds
    for name, value in figures.items():
        print(f"{name} {value:.4g}")


if __name__ == "__main__":
    main()
