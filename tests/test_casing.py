"""All-caps words stay capitals: one value with or without braces, protected on writing."""

from __future__ import annotations

import subprocess
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from citations import Contributor, Reference, parse_bibtex, write_bibtex
from citations.casing import _CAPITALS, _top_level, protect_capitals, unbrace_capitals
from citations.latex import braces_balanced
from tests.tools import require_tool


def test_protect_and_unbrace() -> None:
    """Acronyms and dotted initials outside braces are braced; source braces stay as written."""
    text = "CNPC and {iPhone} in the U.S. and NATO-led {de Gaulle} \\LaTeX"
    assert protect_capitals(text) == (
        "{CNPC} and {iPhone} in the {U.S.} and {NATO}-led {de Gaulle} \\LaTeX"
    )
    assert unbrace_capitals("{NATO} {An} {X ABC}") == "NATO {An} {X ABC}"
    assert protect_capitals("A single capital, unbalanced {") == "A single capital, unbalanced {"


def test_reference_holds_acronyms_without_braces() -> None:
    """{NATO} and NATO are one title; the writer protects it either way."""
    braced = Reference("k", "article", {"title": "{NATO} and CNPC"})
    assert braced == Reference("k", "article", {"title": "NATO and CNPC"})
    text = write_bibtex([braced], dialect="bibtex")
    assert "title = {{NATO} and {CNPC}}" in text
    assert parse_bibtex(text).references == (braced,)


def test_plain_bst_prints_cnpc(tmp_path: Path) -> None:
    """Real bibtex with plain.bst keeps CNPC and U.S. in capitals (it lowercases the rest)."""
    bibtex = require_tool("bibtex")
    ref = Reference(
        "cnpc2019",
        "article",
        {
            "title": "CNPC and the Power of Siberia pipeline in U.S. eyes",
            "journaltitle": "Energy Policy",
            "date": "2019",
        },
        [Contributor(family="Li", given="Wei")],
        "en",
    )
    (tmp_path / "refs.bib").write_text(write_bibtex([ref], dialect="bibtex"), encoding="utf-8")
    (tmp_path / "doc.aux").write_text(
        "\\relax\n\\citation{*}\n\\bibstyle{plain}\n\\bibdata{refs}\n", encoding="utf-8"
    )
    subprocess.run([bibtex, "doc"], cwd=tmp_path, capture_output=True, check=True, timeout=60)
    bbl = " ".join((tmp_path / "doc.bbl").read_text(encoding="utf-8").split())
    assert "{CNPC} and the power of siberia pipeline in {U.S.} eyes" in bbl


@given(st.text(alphabet="ABz.{}\\ 1", max_size=30))
def test_the_quick_check_skips_only_values_with_nothing_to_protect(value: str) -> None:
    """Skipping a value with no all-caps word anywhere never skips one outside braces."""
    if braces_balanced(value):
        assert protect_capitals(value) == _top_level(value, _CAPITALS, r"{\g<0>}")
