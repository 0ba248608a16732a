"""The TimelineJS export in the real TimelineJS 3 (its npm package) in headless Chromium.

The package is installed once into a cache folder (``$TIMELINEJS_CACHE``, else
``~/.cache/timeline-citations/npm``) with npm. Outside CI a missing ``chromium`` or
``npm``, or an npm install that fails (no network), skips these tests; under CI
(``CI=true``) it fails them.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from tools import HANG, in_ci, require_tool

SEEDS = Path(__file__).parent.parent / "seeds"
#: The TimelineJS release the tests load (pinned so that a new release cannot change them).
TIMELINEJS = "@knight-lab/timelinejs@3.9.11"

TWO_EVENTS = """\
[[event]]
id = "1969-zhenbao"
when = "1969-03-02"
title = "Zhenbao Island clash"

[[event]]
id = "2001-treaty"
when = "2001-07-16"
title = "Treaty of Good-Neighbourliness"
"""


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=HANG, check=False)


def _unavailable(reason: str) -> None:
    if in_ci():
        pytest.fail(f"{reason}, but CI=true: .ci/run should make it available")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def timelinejs_dist() -> Path:
    """The ``dist`` folder of the TimelineJS npm package, installed on first use."""
    npm = require_tool("npm")
    default = Path.home() / ".cache" / "timeline-citations" / "npm"
    cache = Path(os.environ.get("TIMELINEJS_CACHE", default))
    cache.mkdir(parents=True, exist_ok=True)
    dist = cache / "node_modules" / "@knight-lab" / "timelinejs" / "dist"
    with open(cache / ".lock", "w") as lock:  # one installer at a time (xdist workers)
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (dist / "js" / "timeline.js").is_file():
            install = [npm, "install", "--no-audit", "--no-fund", "--prefix", str(cache)]
            result = _run([*install, TIMELINEJS], cache)
            if result.returncode != 0:
                _unavailable(f"npm could not install {TIMELINEJS}: {result.stderr[-1000:]}")
    return dist


def _export(tmp_path: Path, events: Path) -> dict[str, object]:
    """Import the seed periods, references and ``events`` with the CLI; the TimelineJS document."""
    journal = tmp_path / "j.timeline"
    timeline = [sys.executable, "-m", "timeline", "--journal", str(journal)]
    periods = _run(
        [*timeline, "import-periodo", str(SEEDS / "prc-five-year-plans.jsonld")], tmp_path
    )
    assert periods.returncode == 0, periods.stderr
    imported = _run([*timeline, "import", str(SEEDS / "references.bib"), str(events)], tmp_path)
    assert imported.returncode == 0, imported.stderr
    out = tmp_path / "timeline.json"
    written = _run([*timeline, "chronology", "--format", "timelinejs", "-o", str(out)], tmp_path)
    assert written.returncode == 0, written.stderr
    document: dict[str, object] = json.loads(out.read_text("utf-8"))
    return document


def _slides_shown(dist: Path, document: dict[str, object], tmp_path: Path) -> int:
    """The slides TimelineJS renders for ``document``; fails with its message if it refuses."""
    chromium = require_tool("chromium")
    data = json.dumps(document).replace("</", "<\\/")
    page = tmp_path / "page.html"
    page.write_text(
        f"""<!doctype html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="{(dist / "css" / "timeline.css").as_uri()}">
<script src="{(dist / "js" / "timeline.js").as_uri()}"></script></head>
<body><div id="embed" style="width:1000px;height:600px"></div><pre id="result"></pre>
<script>
const timeline = new TL.Timeline("embed", {data});
timeline.on("loaded", function () {{
  const slides = document.querySelectorAll("#embed .tl-slide").length;
  document.getElementById("result").textContent = "slides=" + slides;
}});
</script></body></html>""",
        "utf-8",
    )
    result = _run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--virtual-time-budget=60000",
            "--dump-dom",
            page.as_uri(),
        ],
        tmp_path,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    dom = result.stdout
    shown = re.search(r'<pre id="result">slides=(\d+)</pre>', dom)
    message = re.search(r'class="tl-message-content">(.*?)</div>', dom, re.DOTALL)
    assert shown, f"TimelineJS did not load: {message.group(1) if message else dom[-2000:]}"
    return int(shown.group(1))


def _events(document: dict[str, object]) -> list[object]:
    events = document["events"]
    assert isinstance(events, list)
    return events


def test_seed_data_set_loads_with_every_slide(timelinejs_dist: Path, tmp_path: Path) -> None:
    """TimelineJS shows the seed chronology: a title slide and one slide per event."""
    document = _export(tmp_path, SEEDS / "events.toml")
    assert document["eras"]
    assert _slides_shown(timelinejs_dist, document, tmp_path) == 1 + len(_events(document))


def test_two_one_day_events_in_two_years_load(timelinejs_dist: Path, tmp_path: Path) -> None:
    """Each year's era holds one one-day event: TimelineJS still accepts the eras."""
    events = tmp_path / "events.toml"
    events.write_text(TWO_EVENTS, "utf-8")
    document = _export(tmp_path, events)
    assert _slides_shown(timelinejs_dist, document, tmp_path) == 3
