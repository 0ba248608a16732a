"""Chronology documents through the real tools: Pandoc, xelatex with biber or BibTeX,
and headless Chromium. Each test skips outside CI when its tool is missing.
"""

from __future__ import annotations

import html
import re
import subprocess
from pathlib import Path

import pytest
from test_documents import HOSTILE_HTML, HOSTILE_LATEX, SAMPLE
from tools import HANG, require_tool

from timeline.documents import DocumentOptions, render, render_html
from timeline.documents.common import title_of


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=HANG, check=False)


@pytest.mark.parametrize("flavour", ["pandoc", "footnotes"])
def test_pandoc_renders_markdown_with_zero_warnings(tmp_path: Path, flavour: str) -> None:
    """Pandoc (with --citeproc and the exported .bib) reads the Markdown without a warning."""
    pandoc = require_tool("pandoc")
    options = DocumentOptions(flavour=flavour)
    (tmp_path / "chronology.md").write_text(render(SAMPLE, "markdown", options), "utf-8")
    (tmp_path / "references.bib").write_text(render(SAMPLE, "bibtex", options), "utf-8")
    args = [pandoc, "chronology.md", "-o", "out.html", "--wrap=none", "--fail-if-warnings"]
    if flavour == "pandoc":  # a standalone page: the title comes from the YAML block
        args += ["-s", "--citeproc", "--bibliography", "references.bib"]
    result = _run(args, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    out = (tmp_path / "out.html").read_text("utf-8")
    assert "<script>alert" not in out
    for entry in SAMPLE:  # Pandoc's smart punctuation: Xi Jinping’s
        title = title_of(entry.event, options).replace("'", "’")
        assert html.escape(title, quote=False) in out
    assert "Lukin" in out and "Рябушкин" in out and "欧阳" in out
    assert "<del>" in out  # the retracted entry is struck through
    if flavour == "pandoc":
        assert "[@" not in out and "???" not in out


@pytest.mark.parametrize(
    ("layout", "backend", "lang"),
    [("description", "biber", "zh"), ("longtable", "bibtex", "en")],
)
def test_latex_compiles_with_the_exported_bib(
    tmp_path: Path, layout: str, backend: str, lang: str
) -> None:
    """xelatex (xeCJK, Noto CJK) compiles the LaTeX with every citation resolved."""
    xelatex = require_tool("xelatex")
    processor = require_tool(backend)
    dialect = "biblatex" if backend == "biber" else "bibtex"
    options = DocumentOptions(lang=lang, latex_layout=layout, latex_backend=backend)
    (tmp_path / "chronology.tex").write_text(render(SAMPLE, "latex", options), "utf-8")
    (tmp_path / "references.bib").write_text(render(SAMPLE, dialect, options), "utf-8")
    latex = [xelatex, "-interaction=nonstopmode", "-halt-on-error", "chronology.tex"]
    first = _run(latex, tmp_path)
    assert first.returncode == 0, first.stdout[-3000:]
    bib = _run([processor, "chronology"], tmp_path)
    assert bib.returncode == 0, bib.stdout[-3000:] + bib.stderr[-3000:]
    for _ in range(2):  # natbib resolves citations on the second run after BibTeX
        again = _run(latex, tmp_path)
        assert again.returncode == 0, again.stdout[-3000:]
    log = (tmp_path / "chronology.log").read_text("utf-8", errors="replace")
    assert not re.search(r"Citation .* undefined|There were undefined", log), log[-3000:]
    assert "Missing character" not in log
    assert (tmp_path / "chronology.pdf").stat().st_size > 1000
    assert "\\input{x}" not in (tmp_path / "chronology.tex").read_text("utf-8")
    assert HOSTILE_LATEX  # the hostile title is in SAMPLE; the compile above proves it escaped


def _dump_dom(chromium: str, url: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return _run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=2000",
            "--dump-dom",
            url,
        ],
        tmp_path,
    )


def test_html_page_in_headless_chromium(tmp_path: Path) -> None:
    """Chromium loads the page offline: no script errors, every event shown, hostile text inert."""
    chromium = require_tool("chromium")
    page = tmp_path / "chronology.html"
    page.write_text(render_html(SAMPLE), "utf-8")
    result = _dump_dom(chromium, page.as_uri(), tmp_path)
    dom = result.stdout
    assert result.returncode == 0, result.stderr[-3000:]
    assert 'data-ready="yes"' in dom, "the page's script did not run to the end"
    assert '<ul id="page-errors"></ul>' in dom, dom[dom.find("page-errors") - 200 :][:1000]
    console = [line for line in result.stderr.splitlines() if "CONSOLE" in line]
    assert not [line for line in console if "rror" in line or "Uncaught" in line], console
    for entry in SAMPLE:
        assert dom.count(f'<li id="event-{entry.event.id}"') == 1
        assert dom.count(f'data-event="{entry.event.id}"') == 1
        assert html.escape(title_of(entry.event, DocumentOptions()), quote=False) in dom
    assert HOSTILE_HTML not in dom
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom
    assert '<canvas id="viewer"' in dom and 'class="entry retracted"' in dom


def test_html_language_switch_in_headless_chromium(tmp_path: Path) -> None:
    """Opening the page with #lang=ru switches titles to Russian (others fall back to English)."""
    chromium = require_tool("chromium")
    page = tmp_path / "chronology.html"
    page.write_text(render_html(SAMPLE), "utf-8")
    result = _dump_dom(chromium, page.as_uri() + "#lang=ru", tmp_path)
    dom = result.stdout
    assert result.returncode == 0, result.stderr[-3000:]
    assert re.search(r'<html[^>]* data-lang="ru"', dom), dom[:500]
    assert '<button type="button" data-set-lang="ru" aria-pressed="true">' in dom
    assert '<ul id="page-errors"></ul>' in dom
