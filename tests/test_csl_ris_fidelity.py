"""CSL-JSON and RIS keep what biblatex says: title parts, publishers, issues, original
titles, no LaTeX markup, and each single-valued RIS tag once. CSL is checked against
Pandoc's own conversion of the same .bib."""

from __future__ import annotations

import json
import pathlib
import subprocess

from tools import HANG, require_tool

from citations import parse_bibtex, write_csl_json, write_ris

BIB = """\
@book{vol, author = {Knuth, Donald E.}, title = {Computer modern typefaces},
  subtitle = {A volume}, maintitle = {Computers and typesetting}, mainsubtitle = {The series},
  volume = {E}, date = {1986}, publisher = {Addison-Wesley}, origtitle = {Original title}}
@incollection{ch, author = {Doe, Jane}, title = {The chapter}, booktitle = {The book},
  booksubtitle = {Its subtitle}, editor = {Roe, Rick}, date = {2000}, publisher = {Pub}}
@incollection{part, author = {Doe, Jane}, title = {A part}, booktitle = {The volume},
  maintitle = {The work}, editor = {Roe, Rick}, date = {2000}, publisher = {Pub}}
@article{art, author = {Doe, Jane}, title = {An \\mkbibemph{emphatic} {{NATO}} study, 1990--2000},
  subtitle = {With a subtitle}, titleaddon = {An addon}, journaltitle = {The journal},
  journalsubtitle = {Its subtitle}, number = {3}, issue = {Spring}, date = {2000}}
@misc{m, title = {A report}, howpublished = {Online only}, organization = {The organization},
  date = {2000}}
"""
_COMPARED = ("title", "container-title", "volume-title", "publisher", "issue", "original-title")


def _csl() -> dict[str, dict[str, object]]:
    records = json.loads(write_csl_json(parse_bibtex(BIB).references))
    return {record["id"]: record for record in records}


def test_csl_joins_title_parts_as_csl_expects() -> None:
    """Subtitles and addons join their titles; a volume has the work's title and its own."""
    csl = _csl()
    assert csl["art"]["title"] == (
        'An <i>emphatic</i> <span class="nocase">NATO</span> study, 1990–2000: '
        "With a subtitle. An addon"
    )
    assert csl["art"]["container-title"] == "The journal: Its subtitle"
    assert csl["ch"]["container-title"] == "The book: Its subtitle"
    assert csl["vol"]["title"] == "Computers and typesetting: The series"
    assert csl["vol"]["volume-title"] == "Computer modern typefaces: A volume"
    assert (csl["part"]["container-title"], csl["part"]["volume-title"]) == (
        "The work",
        "The volume",
    )


def test_csl_keeps_publishers_issue_and_original_title() -> None:
    """organization and howpublished join the publisher; issue joins number; origtitle stays."""
    csl = _csl()
    assert csl["m"]["publisher"] == "The organization; Online only"
    assert csl["art"]["issue"] == "3, Spring"
    assert csl["vol"]["original-title"] == "Original title"


def test_no_latex_markup_reaches_csl_or_ris() -> None:
    """No backslash command, brace or `--` in CSL-JSON text or RIS values."""
    refs = parse_bibtex(BIB).references
    for record in json.loads(write_csl_json(refs)):
        for variable, value in record.items():
            if isinstance(value, str):
                assert "\\" not in value and "{" not in value and "--" not in value, variable
    ris = write_ris(refs)
    assert "\\" not in ris and "{" not in ris and "--" not in ris and "<" not in ris
    assert "TI  - An emphatic NATO study, 1990–2000: With a subtitle. An addon\n" in ris


def test_ris_writes_each_single_valued_tag_once() -> None:
    """Two fields sharing a tag give one line: PB, SN and IS joined, T2 the journal's."""
    (ref,) = parse_bibtex(
        "@article{a, title = {T}, subtitle = {S}, journaltitle = {J}, booktitle = {B},"
        " publisher = {P}, institution = {I}, isbn = {978-0-306-40615-7}, issn = {0378-5955},"
        " number = {3}, issue = {Spring}, date = {2000}}"
    ).references
    lines = write_ris([ref]).splitlines()
    tags = [line[:2] for line in lines]
    assert len(tags) == len(set(tags))
    assert "TI  - T: S" in lines and "T2  - J" in lines
    assert "PB  - P; I" in lines and "IS  - 3, Spring" in lines
    assert "SN  - 978-0-306-40615-7; 0378-5955" in lines


def test_csl_agrees_with_pandocs_conversion(tmp_path: pathlib.Path) -> None:
    """Pandoc's biblatex -> CSL-JSON gives the same titles, publishers and issues as ours."""
    pandoc = require_tool("pandoc")
    (tmp_path / "refs.bib").write_text(BIB, "utf-8")
    result = subprocess.run(
        [pandoc, "-f", "biblatex", "-t", "csljson", "refs.bib"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=HANG,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    theirs = {record["id"]: record for record in json.loads(result.stdout)}
    ours = _csl()
    for key in ("vol", "ch", "m"):
        for variable in _COMPARED:
            assert ours[key].get(variable) == theirs[key].get(variable), (key, variable)
    assert ours["art"]["issue"] == theirs["art"]["issue"]
