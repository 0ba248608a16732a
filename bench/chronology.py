"""Chronology documents benchmark: events per second rendered in each format.

Usage: python bench/chronology.py [N]   (default 5000)

Records N events (with citations, titles in two languages) through a
:class:`~timeline.Timeline` in a temporary journal, builds the chronology from
the read models, then times each format's renderer on it. The reference is a
replay of the same journal in the same run: ``as_of(head)`` folds every record,
then builds the same chronology. Prints one ``name value`` line per figure.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from workload import articles

from citations import Reference
from timeline.application import Timeline
from timeline.chronology import Chronology
from timeline.dates import parse_edtf
from timeline.documents import FORMATS, DocumentOptions
from timeline.domain import Actor, Citation, Event
from timeline.importing import ImportPlan

ACTORS = ["CHN", "RUS", "USA", "SUN", "KAZ", "IND"]
CATEGORIES = ["treaty", "statement", "visit", "meeting", "speech", "report"]
QUALIFIERS = ["", "", "", "~", "?"]


def _plan(n: int) -> tuple[ImportPlan, list[Reference]]:
    refs = articles(max(1, n // 10))
    events, citations = [], []
    for i in range(n):
        year = 1800 + i % 220
        text = f"{year}-{1 + i % 12:02d}-{1 + i % 28:02d}{QUALIFIERS[i % len(QUALIFIERS)]}"
        if i % 7 == 0:
            text = f"{year}/{year + 1 + i % 5}"
        event = Event(
            id=f"e{i}",
            when=parse_edtf(text),
            title={"en": f"Event {i} <between> states & co", "zh": f"事件{i}"},
            category=CATEGORIES[i % len(CATEGORIES)],
            actors=(Actor(ACTORS[i % len(ACTORS)]),),
            tags=(f"tag{i % 20}",),
        )
        events.append(event)
        citations.append(Citation(event.id, f"ref{i % len(refs)}", locator=f"p. {i % 300}"))
    return ImportPlan(tuple(events), tuple(citations), (), "bench"), refs


def _timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    figures: dict[str, float | int] = {"events": n}
    with tempfile.TemporaryDirectory() as tmp:
        plan, refs = _plan(n)
        with Timeline.open(Path(tmp) / "bench.timeline", author="bench") as tl:
            tl.import_plan(plan, refs)
            head = tl.head().seq
            chronologies: list[Chronology] = []
            elapsed = _timed(lambda: chronologies.append(tl.chronology()))
            figures["chronology_from_read_models_events_per_s"] = n / elapsed
            replay = _timed(lambda: tl.as_of(head).chronology())
            figures["reference_replay_and_chronology_events_per_s"] = n / replay
    chronology = chronologies[0]
    options = DocumentOptions()
    for name, fmt in FORMATS.items():
        seconds = _timed(lambda fmt=fmt: fmt.render(chronology, options))  # type: ignore[misc]
        figures[f"render_{name}_events_per_s"] = n / seconds
    for name, value in figures.items():
        print(f"{name} {value:.4g}" if isinstance(value, float) else f"{name} {value}")


if __name__ == "__main__":
    main()
