"""Every TeX file and font the LaTeX writers' output loads is installed.

The requirements are read from the writers' real output (the chronology for
every layout, backend and source setting; the formatted bibliography in every
style), so a package a writer starts to load is checked without editing this
file. A missing file skips the test naming it outside CI and fails under CI,
since ``.ci/run`` installs the TeX Live packages the docs list.
"""

from __future__ import annotations

import itertools
import re
import subprocess
from collections import defaultdict
from pathlib import Path

import pytest
from test_documents import SAMPLE
from tools import in_ci, require_tool

from citations import format_bibliography, read_bibtex
from citations.formatting import STYLES
from timeline.documents import DocumentOptions, render_latex
from timeline.documents.options import LATEX_BACKENDS, LATEX_LAYOUTS

ROOT = Path(__file__).parent.parent
BIB = ROOT / "tests" / "data" / "bib" / "broad.bib"
HOW_TO = ROOT / "docs" / "how-to" / "publish-with-pandoc-or-latex.md"

_OPTIONS = r"(?:\[(?P<options>[^\]]*)\])?"
_DOCUMENTCLASS = re.compile(r"\\documentclass" + _OPTIONS + r"\{(?P<names>[^}]*)\}")
_USEPACKAGE = re.compile(r"\\(?:usepackage|RequirePackage)" + _OPTIONS + r"\{(?P<names>[^}]*)\}")
_BIBLIOGRAPHYSTYLE = re.compile(r"\\bibliographystyle\{(?P<names>[^}]*)\}")
_FONT = re.compile(r"\\set(?:main|sans|mono|CJKmain|CJKsans|CJKmono)font\{(?P<names>[^}]*)\}")
#: Commands of the formatted bibliography that the LaTeX kernel lacks, and the
#: package the docs tell users to load for them.
_FRAGMENT_COMMANDS = {"href": "hyperref", "url": "hyperref"}
#: A font a package opens by name (``\font\XeTeXLink@font=pzdr at 1sp`` in hyperref).
_FONT_LOADED = re.compile(r"\\font\\[A-Za-z@]+=([A-Za-z0-9]+)")


def _chronologies() -> dict[str, str]:
    documents = {}
    for layout, backend, sources in itertools.product(LATEX_LAYOUTS, LATEX_BACKENDS, (True, False)):
        options = DocumentOptions(latex_layout=layout, latex_backend=backend, show_sources=sources)
        name = f"the {layout} chronology ({backend}{'' if sources else ', no sources'})"
        documents[name] = render_latex(SAMPLE, options)
    return documents


def _names(match: re.Match[str]) -> list[str]:
    return [name.strip() for name in match["names"].split(",") if name.strip()]


def _tex_files(document: str) -> set[str]:
    """The class, package, bibliography style and biblatex style files ``document`` loads."""
    files = {f"{name}.cls" for m in _DOCUMENTCLASS.finditer(document) for name in _names(m)}
    files |= {f"{name}.bst" for m in _BIBLIOGRAPHYSTYLE.finditer(document) for name in _names(m)}
    for match in _USEPACKAGE.finditer(document):
        files |= {f"{name}.sty" for name in _names(match)}
        if "biblatex" in _names(match):
            for option in (match["options"] or "").split(","):
                key, _, value = option.strip().partition("=")
                if key == "style":
                    files |= {f"{value}.bbx", f"{value}.cbx"}
    return files


def _fragment_packages() -> set[str]:
    """The packages the formatted LaTeX bibliography needs, in every style."""
    references = read_bibtex(BIB).references
    packages = set()
    for style in STYLES:
        fragment = format_bibliography(references, style=style, output="latex")
        commands = set(re.findall(r"\\([A-Za-z]+)", fragment))
        packages |= {_FRAGMENT_COMMANDS[c] for c in commands & _FRAGMENT_COMMANDS.keys()}
    return packages


def _requirements() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """TeX files and font families, each with the documents that load it."""
    files: dict[str, set[str]] = defaultdict(set)
    fonts: dict[str, set[str]] = defaultdict(set)
    for name, document in _chronologies().items():
        for file in _tex_files(document):
            files[file].add(name)
        for match in _FONT.finditer(document):
            fonts[match["names"]].add(name)
    for package in _fragment_packages():
        files[f"{package}.sty"].add("the formatted LaTeX bibliography")
    return files, fonts


FILES, FONTS = _requirements()


def _missing(what: str) -> None:
    reason = f"{what}; install the TeX Live packages listed in {HOW_TO.relative_to(ROOT)}"
    if in_ci():
        pytest.fail(f"{reason} (CI=true: .ci/run should have installed it)")
    pytest.skip(reason)


def _kpsewhich(name: str) -> str:
    kpsewhich = require_tool("kpsewhich")
    found = subprocess.run([kpsewhich, name], capture_output=True, text=True, check=False)
    return found.stdout.strip()


def test_requirements_come_from_the_writers() -> None:
    """The collected list holds what the writers are known to load (the parser finds them)."""
    assert {"article.cls", "fontspec.sty", "xeCJK.sty", "ulem.sty", "longtable.sty"} <= FILES.keys()
    assert {"biblatex.sty", "numeric.bbx", "natbib.sty", "plainnat.bst"} <= FILES.keys()
    assert "hyperref.sty" in FILES
    assert {"Noto Serif CJK SC", "DejaVu Serif"} <= FONTS.keys()


@pytest.mark.parametrize("name", sorted(FILES))
def test_tex_file_is_installed(name: str) -> None:
    """kpsewhich finds each file the LaTeX outputs load, and the fonts it opens by name."""
    path = _kpsewhich(name)
    if not path:
        _missing(f"kpsewhich cannot find {name} ({'; '.join(sorted(FILES[name]))} loads it)")
    text = Path(path).read_text("utf-8", errors="replace")
    for font in sorted(set(_FONT_LOADED.findall(text))):  # hyperref under XeTeX: pzdr
        if not _kpsewhich(f"{font}.tfm"):
            _missing(f"kpsewhich cannot find the font {font}.tfm ({name} loads it)")


@pytest.mark.parametrize("family", sorted(FONTS))
def test_font_is_installed(family: str) -> None:
    """fontconfig knows each font family the LaTeX chronology sets (xelatex finds fonts there)."""
    fc_list = require_tool("fc-list")
    found = subprocess.run(
        [fc_list, f":family={family}", "family"], capture_output=True, text=True, check=False
    )
    if not found.stdout.strip():
        _missing(f"fontconfig has no font family {family!r} ({'; '.join(sorted(FONTS[family]))})")


def test_main_font_has_italics() -> None:
    """The default main font has an italic (biblatex sets titles in it) and Cyrillic."""
    fc_list = require_tool("fc-list")
    family = DocumentOptions().main_font
    for pattern in (f":family={family}:style=Italic", f":family={family}:lang=ru"):
        found = subprocess.run([fc_list, pattern, "file"], capture_output=True, text=True)
        if not found.stdout.strip():
            _missing(f"fontconfig has no font for {pattern!r}")


def test_docs_list_the_packages_ci_installs() -> None:
    """Every TeX Live and font package .ci/run installs is named in the publishing how-to."""
    run = (ROOT / ".ci" / "run").read_text("utf-8")
    packages = set(re.findall(r"\b((?:texlive|fonts)-[a-z0-9-]+|biber)\b", run))
    assert {"texlive-plain-generic", "texlive-fonts-recommended"} <= packages
    how_to = HOW_TO.read_text("utf-8")
    assert not [p for p in sorted(packages) if f"`{p}`" not in how_to]


def test_docs_name_every_file_the_outputs_load() -> None:
    """The publishing how-to names each class, package and style the LaTeX outputs load."""
    how_to = HOW_TO.read_text("utf-8")
    named = {name for name in FILES if f"`{name}`" in how_to or f"`{Path(name).stem}`" in how_to}
    assert sorted(FILES.keys() - named) == []
