"""Hostile text through the real TeX tools: nothing a field holds may read, write or run.

Every payload below is put in the fields of a reference (title, note, a name, url,
doi, eprint) and in an event's title and citation locator; the chronology and its
bibliography then go through xelatex with biber and with BibTeX, and the formatted
LaTeX bibliography through xelatex, as a user would run them (TeX Live's default
restricted shell escape, no extra flags). The tests
assert that the secret in a canary file never reaches the PDF, the log or the .bbl,
that TeX opened no file it should not (``-recorder``), wrote none and ran nothing,
and that the text around every payload is typeset, so no payload hid another.
"""

from __future__ import annotations

import re
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pypdf
import pytest
from tools import require_tool

from citations import Contributor, Reference, format_bibliography
from timeline.chronology import Chronology, ChronologyEntry, JournalState
from timeline.dates import parse_edtf
from timeline.documents import DocumentOptions, render
from timeline.domain import Citation, Event

SECRET = "SecretCanaryQ7Z4"
CANARY = "canary.txt"
#: What an attacker writes, by kind; CANARY is the file to read, "pwned" the one to write.
PAYLOADS = {
    "caret hex in math": r"$^^5cinput{canary.txt}$",
    "caret hex in a command name": r"$\inp^^75t{canary.txt}$",
    "caret hex in text": r"^^5cinput{canary.txt}",
    "four carets (XeTeX)": r"$^^^^005cinput{canary.txt}$",
    "caret and one character": "$^^\x1cinput{canary.txt}$",
    "caret M ends the line": r"$^^M}\input{canary.txt}$",
    "caret question mark": r"$a^^?\input{canary.txt}$",
    "accent then carets": r"\^^69nput{canary.txt}",
    "input": r"\input{canary.txt} \input canary.txt \@@input canary.txt",
    "input in math": r"$\input{canary.txt}$",
    "file reading": r"\openin1=canary.txt \read1 to\x \x \InputIfFileExists{canary.txt}{}{}",
    "file writing": r"\immediate\openout1=pwned.tex \immediate\write1{x}\immediate\closeout1",
    "file writing in math": (
        r"$^^5cimmediate^^5copenout1=pwned.tex ^^5cimmediate^^5cwrite1{x}"
        r"^^5cimmediate^^5ccloseout1$"
    ),
    "shell escape": r"\immediate\write18{kpsewhich -var-value=TEXMFROOT}",
    "shell escape in math": r"$^^5cimmediate^^5cwrite18{kpsewhich --version}$",
    "csname": r"\csname input\endcsname{canary.txt} $\csname in^^70ut\endcsname{canary.txt}$",
    "catcode": "\\catcode`\\Q=0 Qinput{canary.txt} $\\catcode`\\Q=0 Qinput{canary.txt}$",
    "active tilde": r"\let~\input ~{canary.txt} \def~{\input{canary.txt}}~",
    "comment swallows a brace": "100% }\\input{canary.txt}{ $x%$ %",
    "unbalanced braces": r"}}}\input{canary.txt}{{{",
    "verb": r"\verb+\input{canary.txt}+ \verb|^^5cinput{canary.txt}|",
    "url and href": r"\url{^^5cinput{canary.txt}} \href{x}{\input{canary.txt}}",
    "control characters": "a\x00b\x0c\r\n\x7f\x1b\\input{canary.txt}\x0b\x0b5cinput",
    "display math": r"$$^^5cinput{canary.txt}$$",
    "rescanning": r"\scantokens{\input{canary.txt}} \lowercase{\INPUT{canary.txt}}",
    "expl3": r"\ExplSyntaxOn \file_input:n{canary.txt} \sys_shell_now:n{ls}",
    "dollar and backslash": r"\$\input{canary.txt}\$ \\input{canary.txt}",
}


def _marked(kind: str, where: str, text: str) -> str:
    """``text`` between two markers that must both be typeset."""
    return f"{_marker(kind, where, 'a')} {text} {_marker(kind, where, 'b')}"


def _marker(kind: str, where: str, side: str) -> str:
    return f"zq{where}{list(PAYLOADS).index(kind):02d}{side}"


def _chronology() -> Chronology:
    entries = []
    references = {}
    for number, (kind, payload) in enumerate(PAYLOADS.items()):
        key = f"evil{number:02d}"
        references[key] = Reference(
            key,
            "book",
            {
                "title": _marked(kind, "t", payload),
                "series": _marked(kind, "s", payload),
                "note": _marked(kind, "n", payload),  # private: in no document
                "publisher": payload,
                "date": "2000",
                "url": "https://e.org/" + payload,
                "doi": "10.1000/" + payload,
                "eprint": payload,
            },
            [Contributor(family=f"Evil{number:02d}", given=payload)],
        )
        event = Event(
            f"2000-e{number:02d}", parse_edtf("2000"), {"en": _marked(kind, "e", payload)}
        )
        entries.append(ChronologyEntry(event, (Citation(event.id, key, locator=payload),)))
    return Chronology(
        entries=tuple(entries),
        references=references,
        state=JournalState(seq=1, hash="0" * 64),
        made_at=datetime(2026, 1, 2, tzinfo=UTC),
        title="Hostile chronology",
    )


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=300, check=False)


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text).lower()


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["biber", "bibtex"])
def test_no_payload_acts_through_xelatex(tmp_path: Path, backend: str) -> None:
    """xelatex with biber or BibTeX typesets every payload as text: no file read, written or run."""
    xelatex = require_tool("xelatex")
    processor = require_tool(backend)
    options = DocumentOptions(latex_backend=backend)
    chronology = _chronology()
    dialect = "biblatex" if backend == "biber" else "bibtex"
    (tmp_path / "doc.tex").write_text(render(chronology, "latex", options), "utf-8")
    (tmp_path / "references.bib").write_text(render(chronology, dialect, options), "utf-8")
    latex = [xelatex, "-interaction=nonstopmode", "-recorder", "doc.tex"]
    _assert_inert(tmp_path, [latex, [processor, "doc"], latex, latex], "tse")


@pytest.mark.slow
def test_no_payload_acts_in_the_formatted_latex_bibliography(tmp_path: Path) -> None:
    """format_bibliography(output="latex") in a document: every payload is typeset as text."""
    xelatex = require_tool("xelatex")
    refs = [ref for _key, ref in _chronology().references]
    bibliography = format_bibliography(refs, output="latex")
    (tmp_path / "doc.tex").write_text(
        "\\documentclass{article}\\usepackage{fontspec}\\usepackage{hyperref}\n"
        f"\\begin{{document}}\n{bibliography}\n\\end{{document}}\n",
        "utf-8",
    )
    latex = [xelatex, "-interaction=nonstopmode", "-recorder", "doc.tex"]
    _assert_inert(tmp_path, [latex], "t")  # formatted references never print the note


def _assert_inert(tmp_path: Path, commands: list[list[str]], marked: str) -> None:
    """Run ``commands`` in ``tmp_path`` beside the canary; assert nothing acted."""
    (tmp_path / CANARY).write_text(SECRET + "\n", "utf-8")
    before = set(tmp_path.iterdir())
    runs = [_run(command, tmp_path) for command in commands]
    made = {path.name for path in set(tmp_path.iterdir()) - before}
    assert not {name for name in made if name.startswith("pwned")}, made
    log = (tmp_path / "doc.log").read_text("utf-8", errors="replace")
    bbl = (tmp_path / "doc.bbl").read_text("utf-8") if (tmp_path / "doc.bbl").exists() else ""
    recorded = (tmp_path / "doc.fls").read_text("utf-8")
    pdf = "".join(page.extract_text() for page in pypdf.PdfReader(tmp_path / "doc.pdf").pages)
    everything = log + bbl + pdf + "".join(run.stdout + run.stderr for run in runs)
    assert SECRET.lower() not in everything.lower()
    assert CANARY not in recorded  # TeX never opened it (\input, \openin, ...)
    assert not re.search(r"^OUTPUT (?!doc\.)", recorded, re.MULTILINE), recorded
    assert "runsystem" not in log
    assert not re.findall(r"^! .*", log, re.MULTILINE), log[-3000:]
    assert runs[-1].returncode == 0, runs[-1].stdout[-3000:]
    text = _squeezed(pdf)
    missing = [
        _marker(kind, where, side)
        for kind in PAYLOADS
        for where in marked
        for side in "ab"
        if _marker(kind, where, side) not in text
    ]
    assert not missing, missing


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["biber", "bibtex"])
def test_brackets_in_a_locator_stay_in_the_citation(tmp_path: Path, backend: str) -> None:
    """A locator "fn. 12 [bis]" is printed whole in the citation; the key still resolves."""
    xelatex = require_tool("xelatex")
    processor = require_tool(backend)
    ref = Reference("k", "book", {"title": "T", "publisher": "P", "date": "2000"},
                    [Contributor(family="Doe", given="Jane")])  # fmt: skip
    event = Event("2000-e", parse_edtf("2000"), {"en": "E"})
    chronology = Chronology(
        entries=(ChronologyEntry(event, (Citation(event.id, "k", locator="fn. 12 [bis]"),)),),
        references={"k": ref},
        state=JournalState(seq=1, hash="0" * 64),
        made_at=datetime(2026, 1, 2, tzinfo=UTC),
        title="Brackets",
    )
    options = DocumentOptions(latex_backend=backend)
    dialect = "biblatex" if backend == "biber" else "bibtex"
    (tmp_path / "doc.tex").write_text(render(chronology, "latex", options), "utf-8")
    (tmp_path / "references.bib").write_text(render(chronology, dialect, options), "utf-8")
    latex = [xelatex, "-interaction=nonstopmode", "-halt-on-error", "doc.tex"]
    for command in (latex, [processor, "doc"], latex, latex):
        run = _run(command, tmp_path)
        assert run.returncode == 0, run.stdout[-3000:]
    log = (tmp_path / "doc.log").read_text("utf-8", errors="replace")
    assert not re.search(r"Citation .* undefined", log), log[-3000:]
    pdf = "".join(page.extract_text() for page in pypdf.PdfReader(tmp_path / "doc.pdf").pages)
    assert "[1, fn. 12 [bis]]" in pdf, pdf
