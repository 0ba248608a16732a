"""What we write passes the real bibtex, biber and pandoc --citeproc.

The broad test set (``tests/data/bib/broad.bib``: CJK, Cyrillic, URLs with
``%``, ``_``, ``~``, ``&``, ``#``, macros, crossref, literal names) must give
zero errors and zero warnings. The real-world corpus must give zero errors;
the only warnings allowed there are about the data itself (a missing field,
a field the data model lacks), never about our syntax.
"""

from __future__ import annotations

import functools
import pathlib
import re
import subprocess

import attrs
import pytest

from citations import Reference, read_bibtex, write_bibtex
from tests.tools import HANG, require_tool

DATA = pathlib.Path(__file__).parent / "data" / "bib"
CORPUS = sorted(path.name for path in DATA.glob("*.bib") if path.name != "broad.bib")

# bibtex (plain.bst) and biber warnings that describe the input data, not our output.
_DATA_WARNINGS = re.compile(
    r"empty |can't use both|there's a (?:number|month) but no|to sort, need|multiple volumes"
    r"|Missing mandatory field|invalid in data model|Invalid field '|Invalid value of field"
    r"|legacy year field|Invalid format '.*' of date field|ISBN '|ISSN '|Invalid IS[BS]N"
    r"|I didn't find a database entry for (?:xref|crossref|related entry|xdata) "
    r"|Overwriting field '(?:year|month)' with \w+ value from field 'date'"
)


def _broad() -> tuple[Reference, ...]:
    return read_bibtex(DATA / "broad.bib").references


@functools.cache
def _corpus(name: str) -> tuple[Reference, ...]:
    encoding = "gbk" if "gbk" in name else "utf-8"
    refs = read_bibtex(DATA / name, encoding=encoding, strict=False).references
    # Keys are ASCII on the way out (citations.keys makes them); stand in for it here.
    return tuple(
        ref if ref.key.isascii() else attrs.evolve(ref, key=f"key{index}")
        for index, ref in enumerate(refs)
    )


def _run(args: list[str], cwd: pathlib.Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, cwd=cwd, capture_output=True, text=True, encoding="utf-8", timeout=HANG, check=False
    )


def _bibtex(refs: tuple[Reference, ...], tmp_path: pathlib.Path, ascii: bool) -> list[str]:
    """Run bibtex with plain.bst citing every key; return its warnings."""
    bibtex = require_tool("bibtex")
    (tmp_path / "refs.bib").write_text(
        write_bibtex(refs, dialect="bibtex", ascii=ascii), encoding="utf-8"
    )
    (tmp_path / "doc.aux").write_text(
        "\\relax\n\\citation{*}\n\\bibstyle{plain}\n\\bibdata{refs}\n", encoding="utf-8"
    )
    result = _run([bibtex, "doc"], tmp_path)
    log = (tmp_path / "doc.blg").read_text(encoding="utf-8", errors="replace")
    assert result.returncode in (0, 1), log
    assert "error message" not in log and "I didn't find" not in log, log
    assert "Repeated entry" not in log, log
    bbl = (tmp_path / "doc.bbl").read_text(encoding="utf-8")
    for ref in refs:
        assert f"\\bibitem{{{ref.key}}}" in bbl, ref.key
    return [line for line in log.splitlines() if line.startswith("Warning--")]


def _biber(refs: tuple[Reference, ...], tmp_path: pathlib.Path) -> list[str]:
    """Run biber --tool --validate-datamodel on our biblatex; return its warnings."""
    biber = require_tool("biber")
    (tmp_path / "refs.bib").write_text(write_bibtex(refs), encoding="utf-8")
    result = _run(
        [biber, "--tool", "--validate-datamodel", "--output-file=out.bib", "refs.bib"], tmp_path
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "ERROR" not in output, output
    assert len(read_bibtex(tmp_path / "out.bib", strict=False).references) == len(refs)
    return [line for line in output.splitlines() if line.startswith("WARN")]


def _pandoc(refs: tuple[Reference, ...], tmp_path: pathlib.Path) -> None:
    """Render every key with pandoc --citeproc: no stderr, every reference present.

    @xdata entries only lend fields to others: biblatex and Pandoc cite neither.
    """
    pandoc = require_tool("pandoc")
    (tmp_path / "refs.bib").write_text(write_bibtex(refs), encoding="utf-8")
    refs = tuple(ref for ref in refs if ref.entry_type != "xdata")
    cites = "; ".join(f"@{{{ref.key}}}" for ref in refs)  # @{key}: any characters
    (tmp_path / "doc.md").write_text(f"Cited [{cites}].\n", encoding="utf-8")
    result = _run(
        [pandoc, "--citeproc", "--bibliography", "refs.bib", "doc.md", "-t", "html"], tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    for ref in refs:
        assert f'id="ref-{ref.key}"' in result.stdout, ref.key
    assert "???" not in result.stdout


@pytest.mark.parametrize("ascii", [False, True])
def test_bibtex_accepts_the_broad_set_without_warnings(tmp_path: pathlib.Path, ascii: bool) -> None:
    """bibtex with plain.bst: no error, no warning, every key in the .bbl."""
    assert _bibtex(_broad(), tmp_path, ascii) == []


def test_biber_validates_the_broad_set_without_warnings(tmp_path: pathlib.Path) -> None:
    """biber --tool --validate-datamodel: no error, no warning."""
    assert _biber(_broad(), tmp_path) == []


def test_pandoc_renders_the_broad_set(tmp_path: pathlib.Path) -> None:
    """pandoc --citeproc renders every key with nothing on stderr."""
    _pandoc(_broad(), tmp_path)


def test_bibtex_output_keeps_urls_intact(tmp_path: pathlib.Path) -> None:
    """The .bbl that bibtex makes carries our URL byte for byte (with %, _, ~, &, #)."""
    _bibtex(_broad(), tmp_path, ascii=False)
    bbl = (tmp_path / "doc.bbl").read_text(encoding="utf-8")
    assert "\\url{https://erc.europa.eu/funding?type=starting_grant&lang=en%2Fall}" in bbl


@pytest.mark.parametrize("name", CORPUS)
def test_corpus_output_passes_bibtex(tmp_path: pathlib.Path, name: str) -> None:
    """bibtex: no errors on what we write from each corpus file; warnings only about data."""
    for warning in _bibtex(_corpus(name), tmp_path, ascii=False):
        assert _DATA_WARNINGS.search(warning), warning


@pytest.mark.parametrize("name", CORPUS)
def test_corpus_output_passes_biber(tmp_path: pathlib.Path, name: str) -> None:
    """biber: no errors on what we write from each corpus file; warnings only about data."""
    refs = _corpus(name)[:400]  # biber takes ~6 ms an entry: tugboat's first 400 suffice
    for warning in _biber(refs, tmp_path):
        assert _DATA_WARNINGS.search(warning), warning


@pytest.mark.parametrize("name", [name for name in CORPUS if name != "tugboat.bib"])
def test_corpus_output_passes_pandoc(tmp_path: pathlib.Path, name: str) -> None:
    """pandoc --citeproc reads what we write from each corpus file and renders every key."""
    _pandoc(_corpus(name), tmp_path)
