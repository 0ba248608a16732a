"""Take the screenshots of `timeline serve` in the docs from the seed data set.

    python docs/examples/screenshots.py            # write docs/images/web-*.png
    python docs/examples/screenshots.py --out DIR

Imports seeds/ into a fresh journal, serves it with ``timeline serve --port 0``
and photographs its pages in Debian's headless Chromium through Playwright
(the test extra): the events page with the viewer, an event with its sources,
claims and history, its correction forms, and the disputes page. Each file is
named in :data:`SHOTS`; tests/test_docs.py checks that the docs show every one.
"""

from __future__ import annotations

import argparse
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
IMAGES = ROOT / "docs" / "images"
#: The event the event-page shots show: sources that disagree on who fired first.
EVENT = "1969-03-02-zhenbao-island-clash"
#: file name -> (path on the server, the element photographed, or "" for the window)
SHOTS = {
    "web-events.png": ("/", ""),
    "web-event.png": (f"/events/{EVENT}", "article"),
    "web-correct.png": (f"/events/{EVENT}", "form#revise"),
    "web-disputes.png": ("/disputes", ""),
}
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--hide-scrollbars"]


def _journal(folder: Path) -> Path:
    journal = folder / "seed.timeline"
    files = [str(ROOT / "seeds" / name) for name in ("references.bib", "events.toml")]
    periods = str(ROOT / "seeds" / "prc-five-year-plans.jsonld")
    subprocess.run(
        [sys.executable, "-m", "timeline", "--journal", str(journal), "import-periodo", periods],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    subprocess.run(
        [sys.executable, "-m", "timeline", "--journal", str(journal), "import", *files],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return journal


def shoot(out: Path) -> None:
    """Write every file of :data:`SHOTS` into ``out``."""
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("error: chromium is not installed")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        journal = _journal(Path(folder))
        server = subprocess.Popen(
            [sys.executable, "-m", "timeline", "--journal", str(journal), "serve", "--port=0"],
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert server.stdout is not None
            found = re.match(r"serving (\S+) ", server.stdout.readline())
            if not found:
                raise SystemExit("error: timeline serve printed no address")
            url = found.group(1).rstrip("/")
            with sync_playwright() as driver:
                browser = driver.chromium.launch(executable_path=chromium, args=FLAGS)
                page = browser.new_page(viewport={"width": 1280, "height": 800})
                for name, (path, element) in SHOTS.items():
                    page.goto(url + path)
                    if page.query_selector("#viewer"):
                        page.wait_for_function("() => window.timelineViewer.ready")
                    target = page.locator(element) if element else page
                    target.screenshot(path=str(out / name))
                browser.close()
        finally:
            server.send_signal(signal.SIGINT)
            server.wait()


def main(argv: list[str] | None = None) -> int:
    """Parse the options and take the screenshots."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=IMAGES, help="output folder")
    shoot(parser.parse_args(argv).out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
