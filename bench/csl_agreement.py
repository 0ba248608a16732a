"""How often the library's CSL formatting agrees with ``pandoc --citeproc``, per style.

Usage: python bench/csl_agreement.py [FILE.bib] [--show] [--pandoc=PATH]
(default seeds/references.bib and the ``pandoc`` on PATH; the ``pypandoc_binary``
wheel ships a current Pandoc 3, ``python -c "import pypandoc; print(pypandoc.get_pandoc_path())"``)

For each style of :data:`citations.styles.STYLES`, formats the references through
citations (one locale for all, the style's default, as Pandoc does) and through
``pandoc --citeproc`` with the same ``.csl`` file, and compares each entry after
normalising whitespace and punctuation. Prints ``style agreement agreed/total``
lines; ``--show`` also prints every entry that differs, both ways.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path

from citations import read_bibtex
from citations.csl import to_csl
from citations.model import Reference
from citations.styles import STYLES, load_style, render_marked, style_bibliography

_LABEL = re.compile(r"^\s*(?:\[\d+\]|\d+\.)\s*")


_RANGE = re.compile(r"\b(\d+)([–-])(\d+)\b")


def _full_range(match: re.Match[str]) -> str:
    """A page range in full, "985–997" for "985–97": Pandoc 2.17 predates CSL 1.0.2's
    ``page-range-format="chicago-16"``, which Chicago's styles ask for."""
    first, dash, last = match.groups()
    if len(last) < len(first) and int(first[-len(last) :]) < int(last):
        last = first[: len(first) - len(last)] + last
    return first + dash + last


def normalised(text: str) -> str:
    """``text`` without its label ("[3]", "3."), whitespace and punctuation, NFC; page
    ranges in full (see :func:`_full_range`)."""
    text = _LABEL.sub("", unicodedata.normalize("NFC", text))
    text = _RANGE.sub(_full_range, text)
    return "".join(
        c for c in text if not c.isspace() and not unicodedata.category(c).startswith(("P", "S"))
    )


def pandoc_entries(refs: list[Reference], csl: Path, pandoc: str = "pandoc") -> dict[str, str]:
    """Key -> plain text of each entry of Pandoc's bibliography for ``refs``."""
    with tempfile.TemporaryDirectory() as tmp:
        bib = Path(tmp) / "refs.json"
        records = []
        for ref in refs:
            record = to_csl(ref)  # its title holds the subtitle
            for private in ("note", "abstract", "keyword"):
                record.pop(private, None)
            records.append(record)
        bib.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
        doc = Path(tmp) / "doc.md"
        doc.write_text('---\nnocite: "@*"\n---\n', encoding="utf-8")
        out = subprocess.run(
            [
                pandoc,
                "--citeproc",
                "--bibliography",
                str(bib),
                "--csl",
                str(csl),
                "-t",
                "html",
                "--wrap=none",
                str(doc),
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    entries = {}
    for block in re.split(r'(?=<div id="ref-)', out):
        match = re.match(r'<div id="ref-([^"]+)"', block)
        if match:
            text = re.sub(r"<[^>]+>", " ", block[block.index(">") + 1 :])
            entries[html.unescape(match.group(1))] = " ".join(html.unescape(text).split())
    return entries


def agreement(
    refs: list[Reference], name: str, pandoc: str = "pandoc"
) -> tuple[list[str], dict[str, str], dict[str, str]]:
    """(keys that agree, our entries, Pandoc's entries) for style ``name``, key -> text;
    ``pandoc`` is the Pandoc binary to run."""
    style = load_style(name)
    ours = {
        item.key: render_marked(item.text, "text")
        for item in style_bibliography(refs, style, locale=style.default_locale)
    }
    theirs = pandoc_entries(refs, style.path, pandoc)
    agreed = [key for key in ours if normalised(ours[key]) == normalised(theirs.get(key, ""))]
    return agreed, ours, theirs


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    show = "--show" in sys.argv
    pandoc = next((a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--pandoc=")), "pandoc")
    version = subprocess.run([pandoc, "--version"], check=True, capture_output=True, text=True)
    print(version.stdout.splitlines()[0])
    path = (
        Path(args[0]) if args else Path(__file__).resolve().parents[1] / "seeds" / "references.bib"
    )
    refs = list(read_bibtex(path).references)
    for name in STYLES:
        agreed, ours, theirs = agreement(refs, name, pandoc)
        print(f"{name} agreement {len(agreed) / len(ours):.3f} {len(agreed)}/{len(ours)}")
        if show:
            for key in ours:
                if key not in agreed:
                    print(f"  {key}\n    ours:   {ours[key]}\n    pandoc: {theirs.get(key)}")


if __name__ == "__main__":
    main()
