"""The seed chronology's LaTeX builds with the documented command and looks right.

Each layout and backend is built with ``latexmk -xelatex`` (which runs biber or
bibtex as the document needs; the ``text`` backend needs neither); the test
reads the log (no missing character, no missing font shape, no line past the
margin, every citation resolved), the fonts in the PDF (``pdffonts``) and its
text (``pdftotext``). Each test skips outside CI when a tool is missing.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from tools import HANG, require_tool

from citations import read_bibtex
from timeline.application import Timeline
from timeline.chronology import Chronology
from timeline.documents import DocumentOptions, render
from timeline.importing import read_events

SEEDS = Path(__file__).parent.parent / "seeds"

#: What the log of a good build never says.
_LOG_PROBLEMS = re.compile(
    r"Missing character|Font shape `[^']*' undefined|Overfull \\hbox|Warning: Citation"
    r"|There were undefined|xeCJK Warning|^!",
    re.MULTILINE,
)


@pytest.fixture(scope="module")
def seed() -> Chronology:
    refs = read_bibtex(SEEDS / "references.bib").references
    with Timeline.open(":memory:", author="test") as tl:
        tl.import_periodo(SEEDS / "prc-five-year-plans.jsonld")
        tl.import_plan(read_events(SEEDS / "events.toml"), refs)
        return tl.chronology(title="China–Russia relations")


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=HANG, check=False)


def _flat(text: str) -> str:
    """``text`` without white space and hyphens (pdftotext joins words broken at line ends)."""
    return re.sub(r"[\s\-‐‑]", "", text)


@pytest.mark.parametrize(
    ("layout", "backend", "lang"),
    [
        ("description", "biber", "en"),
        ("longtable", "bibtex", "zh"),
        ("description", "bibtex", "ru"),
        ("longtable", "biber", "ru"),
        ("description", "text", "en"),
        ("longtable", "text", "zh"),
    ],
)
def test_seed_latex_builds_and_looks_right(
    seed: Chronology, tmp_path: Path, layout: str, backend: str, lang: str
) -> None:
    """latexmk -xelatex builds the seed chronology: a clean log, italics, every character."""
    latexmk = require_tool("latexmk")
    require_tool("xelatex")
    if backend != "text":
        require_tool(backend)
    pdftotext = require_tool("pdftotext")
    pdffonts = require_tool("pdffonts")
    options = DocumentOptions(
        lang=lang,
        fallbacks=(lang, "en", "zh", "ru"),
        latex_layout=layout,
        latex_backend=backend,
    )
    dialect = "biblatex" if backend == "biber" else "bibtex"
    document = render(seed, "latex", options)
    (tmp_path / "chronology.tex").write_text(document, "utf-8")
    if backend != "text":
        (tmp_path / "references.bib").write_text(render(seed, dialect, options), "utf-8")

    build = _run(
        [latexmk, "-xelatex", "-interaction=nonstopmode", "-halt-on-error", "chronology"],
        tmp_path,
    )
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    log = (tmp_path / "chronology.log").read_text("utf-8", errors="replace")
    problems = [m.group(0) for m in _LOG_PROBLEMS.finditer(log)]
    assert problems == [], log[-3000:]

    fonts = _run([pdffonts, "chronology.pdf"], tmp_path).stdout
    if backend != "text" or "\\emph{" in document:  # (GB/T 7714 prints no italics)
        assert "DejaVuSerif-Italic" in fonts  # titles in italics, not the upright CJK font
    text = _run([pdftotext, "chronology.pdf", "-"], tmp_path).stdout
    words = " ".join(text.split())
    assert "Ośrodek Studiów Wschodnich" in words  # "ś" is not dropped
    assert "russia’s unprovoked" in words.lower()
    # the journal hash wraps at the margin (the log has no overfull line) and stays whole
    assert seed.state.hash in _flat(text)
    flat = _flat(text)
    if backend == "text":  # the library's formatted references, never a bare key
        for key, ref in seed.references:
            assert key not in words, key
            assert _flat(ref.get("url", "")) in flat, key
        return
    # the references' private notes are printed by neither bibtex nor biber (issue 15)
    assert "Putin a “pariah”" not in words and "Article 1, fn." not in words
    if lang != "zh":  # the English title, with its Latin quotes keeping their spaces
        assert "Palmerston: “no eternal allies, no perpetual enemies”" in words
    # every URL is printed once (plainnat and biblatex printed some twice)
    for key, ref in seed.references:
        url = ref.get("url", "")
        if url and "doi.org/" not in url:
            assert flat.count(_flat(url)) == 1, (key, url)
        elif url:
            assert flat.count(_flat(url)) == 0 and _flat(ref.get("doi", "")) in flat, key
