"""Rebuild docs/examples/ from the seed data set: the chronology (Markdown, HTML,
a PNG screenshot of the HTML taken with headless Chromium) and the references (.bib).

    python docs/examples/regenerate.py                  # write docs/examples/
    python docs/examples/regenerate.py --out DIR --no-screenshot

It runs the same command as the README's main job (``timeline seed``) on a
fresh journal. The made-at time printed in the documents is ``--made-at``,
else ``$SOURCE_DATE_EPOCH``, else :data:`MADE_AT`, so the output depends only
on the seed data and the code (and the journal's hash, which covers the
moments the records were written: a test compares everything but that).
``chronology.png.sha256`` holds the SHA-256 of the HTML the screenshot shows.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from timeline.cli import cli

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = Path(__file__).resolve().parent
SEEDS = ROOT / "seeds"
#: The made-at time used unless --made-at or $SOURCE_DATE_EPOCH says otherwise.
MADE_AT = "2025-01-01T00:00:00Z"
#: The files written, besides the screenshot.
DOCUMENTS = ("chronology.md", "chronology.html", "references.bib")
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--window-size=1280,2000",
)


def build(out: Path, made_at: str, seeds: Path = SEEDS) -> None:
    """Import ``seeds`` into a fresh journal and write the documents into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        status = cli.main(
            ["seed", str(Path(work) / "seed"), "--seeds", str(seeds), "--made-at", made_at],
            prog_name="timeline",
            standalone_mode=False,
        )
        if status:
            raise SystemExit(status)
        for name in DOCUMENTS:
            shutil.copyfile(Path(work) / "seed" / name, out / name)


def chromium() -> str:
    """The Chromium executable."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    raise SystemExit("error: chromium is not installed; use --no-screenshot or install it")


def screenshot(out: Path) -> None:
    """Take ``chronology.png`` of ``chronology.html`` and record the HTML's SHA-256 beside it."""
    html = out / "chronology.html"
    png = out / "chronology.png"
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                chromium(),
                *CHROMIUM_FLAGS,
                f"--user-data-dir={profile}",
                f"--screenshot={png}",
                html.resolve().as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
    digest = hashlib.sha256(html.read_bytes()).hexdigest()
    (out / "chronology.png.sha256").write_text(f"{digest}  chronology.html\n", encoding="utf-8")


def _epoch() -> str:
    """``$SOURCE_DATE_EPOCH`` as an ISO instant, or ``""``."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if not epoch.isdigit():
        return ""
    return datetime.fromtimestamp(int(epoch), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def main(argv: list[str] | None = None) -> int:
    """Parse the options and rebuild the examples."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=EXAMPLES, help="output folder")
    parser.add_argument(
        "--made-at", help=f"ISO instant (default $SOURCE_DATE_EPOCH, else {MADE_AT})"
    )
    parser.add_argument("--seeds", type=Path, default=SEEDS, help="the seed data folder")
    parser.add_argument("--no-screenshot", action="store_true", help="skip the PNG")
    args = parser.parse_args(argv)
    build(args.out, args.made_at or _epoch() or MADE_AT, args.seeds)
    if not args.no_screenshot:
        screenshot(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
