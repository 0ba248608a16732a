#!/usr/bin/env python3
"""The web viewer with N events in headless Chromium: load, zoom and pan frames.

Usage: python bench/web.py [N] [JOURNAL]   (default 50000; JOURNAL reused if it exists)

Imports N events (bench/workload.py's data, 1-3 citations each) into JOURNAL
(a temporary file unless given), serves it with ``timeline serve --port 0``
and opens the events page in Debian's Chromium through Playwright (the Python
package; chromium at /usr/bin/chromium). Prints ``name value`` lines:

- ``serve_ready_s``: from starting ``timeline serve`` to its "serving" line (it opens
  the journal and reads the first visit's events ahead);
- ``cold_load_ms``: navigation start to the first frame drawn with every event (the
  page, the JSON of all events fetched and parsed, lanes laid out, the first
  frame) on the first visit;
- ``load_ms``: the same on a second visit (the server has kept the events it read
  for this journal head);
- ``written_load_ms``: the same after another process revised an event (a new
  journal head: the server reads the events from the views again);
- ``api_events_ms``: the server's answer of ``/api/events`` alone (kept, so the JSON);
- ``first_frame_ms``: from the data parsed to the first frame drawn;
- ``zoom_frame_p95_ms`` and ``pan_frame_p95_ms``: the 95th percentile of the
  script time of one frame over 100 wheel-sized zoom steps (in, then out) and
  100 pan steps at a zoom showing about a decade (the targets: load under
  2 s, a frame under 16 ms);
- ``vis_timeline_load_ms``: vis-timeline (its npm package, installed into
  ``$TIMELINEJS_CACHE`` or ``~/.cache/timeline-citations/npm`` when npm is
  there) loading the same events in the same browser, from navigation start
  to its first ``changed`` event, or ``did-not-finish`` after LIMIT seconds;
- ``timelinejs_load_ms``: TimelineJS 3 (its npm package, in the same cache)
  given the same events as slides, navigation start to its ``loaded`` event
  (or ``did-not-finish``).
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import workload

LIMIT = 300.0  # seconds a peer gets to show the events
VIS_TIMELINE = "vis-timeline@7.7.3"
TIMELINEJS = "@knight-lab/timelinejs@3.9.11"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def _journal(n: int, path: Path) -> None:
    if path.exists():
        return
    with tempfile.TemporaryDirectory() as folder:
        refs, events = workload.write_files(n, Path(folder))
        subprocess.run(
            [
                sys.executable,
                "-m",
                "timeline",
                "--journal",
                str(path),
                "import",
                str(refs),
                str(events),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )


def _frames(page: Any, action: str, steps: int) -> list[float]:
    """Script time of each frame after ``steps`` calls of ``action`` (one frame each)."""
    page.evaluate("() => { window.timelineViewer.frames.length = 0; }")
    for _ in range(steps):
        page.evaluate(f"() => window.timelineViewer.{action}")
        page.wait_for_function("() => !window.timelineViewer.drawing()")
    return list(page.evaluate("() => window.timelineViewer.frames"))


def _load(page: Any, url: str) -> Any:
    """The viewer's timing of one visit of ``url`` (navigation to the first frame drawn)."""
    page.goto(url, timeout=LIMIT * 1000)
    page.wait_for_function(
        "() => window.timelineViewer && window.timelineViewer.ready", timeout=LIMIT * 1000
    )
    return page.evaluate("() => window.timelineViewer.timing")


def _revise(journal: Path) -> None:
    """Revise one event from another process (a new journal head for the server)."""
    subprocess.run(
        [
            *(sys.executable, "-m", "timeline", "--journal", str(journal), "revise", "e0"),
            *("--summary", f"bench write {time.time()}", "--reason", "bench/web.py"),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def _ours(browser: Any, url: str, journal: Path) -> dict[str, float]:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    cold = _load(page, url)["drawn"]
    timing = _load(page, url)
    asked = time.perf_counter()
    page.request.get(url + "api/events", timeout=LIMIT * 1000)
    api_ms = (time.perf_counter() - asked) * 1000
    count = page.evaluate("() => window.timelineViewer.count")
    zoom = _frames(page, "zoom(1.15)", 50) + _frames(page, "zoom(1 / 1.15)", 50)
    page.evaluate("() => window.timelineViewer.showPeriod('1960-01-01', '1970-01-01')")
    page.wait_for_function("() => !window.timelineViewer.drawing()")
    pan = _frames(page, "pan(-12)", 100)
    _revise(journal)
    written = _load(page, url)["drawn"]
    page.close()
    return {
        "events": count,
        "cold_load_ms": cold,
        "load_ms": timing["drawn"],
        "written_load_ms": written,
        "api_events_ms": api_ms,
        "first_frame_ms": timing["drawn"] - timing["fetched"],
        "zoom_frame_p95_ms": _p95(zoom),
        "pan_frame_p95_ms": _p95(pan),
    }


def _npm_file(package: str, path: str) -> Path | None:
    """A file of an npm package, installed on first use (None without npm)."""
    default = Path.home() / ".cache" / "timeline-citations" / "npm"
    cache = Path(os.environ.get("TIMELINEJS_CACHE", default))
    found = cache / "node_modules" / path
    if not found.is_file():
        cache.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--prefix", str(cache), package],
            capture_output=True,
            check=False,
        )
        if done.returncode != 0 or not found.is_file():
            return None
    return found


def _peer(browser: Any, folder: Path, name: str, head: str, script: str) -> str:
    """A peer's page (``head``, then ``script`` that sets ``window.shown`` when the peer has
    shown the events): milliseconds from navigation start to then, or did-not-finish."""
    html = folder / f"{name}.html"
    html.write_text(
        f"<!doctype html><meta charset=utf-8>{head}<div id=t style='height:600px'></div>"
        f"<script>window.shown=null;{script}</script>",
        encoding="utf-8",
    )
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(html.as_uri(), timeout=LIMIT * 1000)
    try:
        page.wait_for_function("() => window.shown !== null", timeout=LIMIT * 1000)
    except Exception:  # Playwright's TimeoutError: it did not show them within LIMIT
        page.close()
        return "did-not-finish"
    shown = page.evaluate("() => window.shown")
    page.close()
    return f"{shown:.0f}"


def _vis(browser: Any, data: dict[str, Any], folder: Path) -> str:
    """vis-timeline given the same events (one item per event, grouped by first actor)."""
    script = _npm_file(VIS_TIMELINE, "vis-timeline/standalone/umd/vis-timeline-graph2d.min.js")
    if script is None:
        return "not-installed"
    items = [
        {
            "id": item["i"],
            "content": item["t"],
            "group": (item["a"] or ["-"])[0],
            "start": _iso(_day(item)),
            "type": "point",
        }
        for item in _items(data)
    ]
    groups = [{"id": g, "content": g} for g in sorted({item["group"] for item in items})]
    return _peer(
        browser,
        folder,
        "vis",
        f"<script src='{script.as_uri()}'></script>",
        f"var items=new vis.DataSet({json.dumps(items)});"
        f"var groups=new vis.DataSet({json.dumps(groups)});"
        "var tl=new vis.Timeline(document.getElementById('t'),items,groups,{});"
        "tl.once('changed',function(){window.shown=performance.now();});",
    )


def _timelinejs(browser: Any, data: dict[str, Any], folder: Path) -> str:
    """TimelineJS 3 given the same events, one slide each (its headline the title)."""
    script = _npm_file(TIMELINEJS, "@knight-lab/timelinejs/dist/js/timeline.js")
    if script is None:
        return "not-installed"
    css = script.parent.parent / "css" / "timeline.css"
    events = []
    for item in _items(data):
        year, month, day = (int(part) for part in _iso(_day(item)).split("-"))
        start = {"year": year, "month": month, "day": day}
        events.append({"start_date": start, "text": {"headline": item["t"]}})
    document = json.dumps({"events": events}).replace("</", "<\\/")
    return _peer(
        browser,
        folder,
        "timelinejs",
        f"<link rel=stylesheet href='{css.as_uri()}'><script src='{script.as_uri()}'></script>",
        f"var tl=new TL.Timeline('t',{document});"
        "tl.on('loaded',function(){window.shown=performance.now();});",
    )


def _items(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The events of the viewer's compact data (its columns) as one dict each."""
    return [
        {
            "i": data["i"][n],
            "t": data["t"][n],
            "s": [[s, s, s, s]] if isinstance(s := data["s"][n], int) else s,
            "a": [data["codes"][code] for code in data["a"][n]],
        }
        for n in range(len(data["i"]))
    ]


def _day(item: dict[str, Any]) -> int:
    """An event's first known day (JDN) as the viewer's data gives it."""
    span = item["s"][0]
    return int(span[0] if span[0] is not None else span[3])


def _iso(jdn: int) -> str:
    from timeline.dates import jdn_to_iso

    return jdn_to_iso(jdn)


def main() -> None:
    from playwright.sync_api import sync_playwright

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    with tempfile.TemporaryDirectory() as folder:
        journal = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(folder) / "bench.timeline"
        _journal(n, journal)
        started = time.perf_counter()
        server = subprocess.Popen(
            [sys.executable, "-m", "timeline", "--journal", str(journal), "serve", "--port=0"],
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert server.stdout is not None
            found = re.match(r"serving (\S+) ", server.stdout.readline())
            assert found, "timeline serve printed no address"
            _print({"serve_ready_s": time.perf_counter() - started})
            url = found.group(1)
            with sync_playwright() as driver:
                browser = driver.chromium.launch(
                    executable_path="/usr/bin/chromium", headless=True, args=FLAGS
                )
                _print(_ours(browser, url, journal))
                page = browser.new_page()
                data = page.request.get(url + "api/events", timeout=LIMIT * 1000).json()
                page.close()
                _print({"vis_timeline_load_ms": _vis(browser, data, Path(folder))})
                _print({"timelinejs_load_ms": _timelinejs(browser, data, Path(folder))})
                browser.close()
        finally:
            server.send_signal(signal.SIGINT)
            server.wait()


def _print(figures: dict[str, Any]) -> None:
    for name, value in figures.items():
        print(f"{name} {value:.1f}" if isinstance(value, float) else f"{name} {value}", flush=True)


if __name__ == "__main__":
    main()
