"""CSL-JSON and RIS keep what biblatex says: title parts, publishers, issues, original
titles, no LaTeX markup, and each single-valued RIS tag once. CSL is checked against
Pandoc's own conversion of the same .bib."""

from __future__ import annotations

import json
import pathlib
import re
import subprocess

import pytest
from tools import HANG, biber_reading, require_tool

from citations import (
    parse_bibtex,
    parse_csl_json,
    read_bibtex,
    resolve_xdata,
    write_bibtex,
    write_csl_json,
    write_ris,
)

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


_MARKUP = re.compile(r"\\[A-Za-z]|[{}$]|(?<!-)--(?!-)")
_CORPUS = [
    pytest.param(path, id=path.name, marks=[pytest.mark.slow] if path.name == "tugboat.bib" else [])
    for path in sorted(pathlib.Path(__file__).parent.joinpath("data", "bib").glob("*.bib"))
]  # tugboat.bib (2720 entries, ~5 s) is slow, as in the biber round trip


@pytest.mark.parametrize("path", _CORPUS)
def test_no_latex_markup_reaches_csl_or_ris_from_the_corpus(path: pathlib.Path) -> None:
    """No command, brace, math or ``--`` in any CSL-JSON text, name or RIS value written
    from a corpus file (but a brace the source prints, TUGboat's ``$\\{$Meta$\\}$``)."""
    encoding = "gbk" if ".gbk." in path.name else "utf-8"
    refs = read_bibtex(path, encoding=encoding, strict=False).references
    found = []
    for record in json.loads(write_csl_json(refs)):
        for variable, value in record.items():
            texts = [value] if isinstance(value, str) else []
            if variable in ("author", "editor", "translator", "container-author"):
                texts = [part for name in value for part in name.values()]
            if variable not in ("id", "URL", "DOI"):
                found += [(record["id"], variable, t) for t in texts if _MARKUP.search(t)]
    for line in write_ris(refs).splitlines():
        if line[:2] not in ("ID", "UR", "DO") and _MARKUP.search(line):
            found.append(("RIS", line[:2], line))
    printed = "{Meta}Font Forum redux"  # the braces are the title's text
    assert [entry for entry in found if printed not in entry[2]] == []


def test_ris_pages_are_plain_text_with_one_range_split() -> None:
    """SP and EP split one range (``--``, ``-``, braced or not); a list of ranges or a
    page that is no range stays whole in SP; empty pages write no SP."""
    bib = (
        "@article{a, title = {T}, pages = {{011-012}}}\n"
        "@article{b, title = {T}, pages = {431--456, 791--823}}\n"
        "@article{c, title = {T}, pages = {{}}}\n"
    )
    records = write_ris(parse_bibtex(bib).references).split("\n\n")
    pages = [line for line in records[0].splitlines() if line[:2] in ("SP", "EP")]
    assert pages == ["SP  - 011", "EP  - 012"]
    assert "SP  - 431–456, 791–823" in records[1].splitlines()
    assert "SP  -" not in records[2] and "EP  -" not in records[2]
    (year,) = parse_bibtex("@book{y, title = {T}, year = {1995--1996}}").references
    assert "PY  - 1995–1996" in write_ris([year]).splitlines()  # a year is plain text too


def test_ris_writes_each_single_valued_tag_once() -> None:
    """Two fields sharing a tag give one line: PB (in CSL's order), SN and IS joined."""
    (ref,) = parse_bibtex(
        "@article{a, title = {T}, subtitle = {S}, journaltitle = {J}, booktitle = {B},"
        " publisher = {P}, institution = {I}, isbn = {978-0-306-40615-7}, issn = {0378-5955},"
        " number = {3}, issue = {Spring}, date = {2000}}"
    ).references
    lines = write_ris([ref]).splitlines()
    tags = [line[:2] for line in lines]
    assert len(tags) == len(set(tags))
    assert "TI  - T: S" in lines and "T2  - J" in lines
    assert "PB  - I; P" in lines and "IS  - 3, Spring" in lines
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


LINKED = """\
@article{arxiv, title = {Higher-dimensional algebra}, journaltitle = {TAC}, date = {2004},
  eprint = {math/0307200v3}, eprinttype = {arxiv}}
@book{gb, title = {The importance of being earnest}, year = {1899},
  eprint = {4HIWAAAAYAAJ}, eprinttype = {googlebooks}}
@online{own, title = {Its own link}, url = {https://example.org/x}, date = {2004},
  eprint = {1008.2849}, eprinttype = {arxiv}}
@book{part, title = {Biographia literaria}, maintitle = {Collected works}, volume = {7},
  part = {2}, date = {1983}}
@periodical{issue, title = {Computers and Graphics}, issuetitle = {Semantic {3D} media},
  issuesubtitle = {A subtitle}, volume = {35}, number = {4}, year = {2011}}
"""


def test_eprint_links_parts_and_issue_titles_survive_in_csl_and_ris() -> None:
    """An eprint biblatex links is the URL of an entry without one; a part follows its
    volume (7.2, as biblatex prints it); a periodical's issue has its own title, and the
    periodical is its container."""
    refs = parse_bibtex(LINKED).references
    csl = {record["id"]: record for record in json.loads(write_csl_json(refs))}
    assert csl["arxiv"]["URL"] == "https://arxiv.org/abs/math/0307200v3"
    assert csl["gb"]["URL"] == "https://books.google.com/books?id=4HIWAAAAYAAJ"
    assert csl["own"]["URL"] == "https://example.org/x"
    assert csl["part"]["volume"] == "7.2"
    assert (csl["issue"]["title"], csl["issue"]["container-title"]) == (
        'Semantic <span class="nocase">3D</span> media: A subtitle',
        "Computers and Graphics",
    )
    ris = {record.split("\n")[1]: record.split("\n") for record in write_ris(refs).split("\n\n")}
    assert "UR  - https://arxiv.org/abs/math/0307200v3" in ris["ID  - arxiv"]
    assert "UR  - https://example.org/x" in ris["ID  - own"]
    assert "VL  - 7.2" in ris["ID  - part"]
    assert {"TI  - Semantic 3D media: A subtitle", "T2  - Computers and Graphics"} <= set(
        ris["ID  - issue"]
    )
    (issue,) = parse_csl_json(json.dumps([csl["issue"]]))
    assert issue.field_map["title"] == "Computers and Graphics"
    assert issue.field_map["issuetitle"] == "Semantic {3D} media: A subtitle"


XDATA = """\
@xdata{pub, publisher = {Gallimard}, location = {Paris}, xdata = {series}, langid = {french}}
@xdata{series, series = {Bibliothèque des idées}, editor = {Queneau, Raymond}}
@book{kojeve, author = {Kojève, Alexandre}, title = {Introduction à la lecture de Hegel},
  date = {1947}, xdata = {pub}}
@book{own, author = {Doe, Jane}, editor = {Roe, Rick}, title = {Own}, date = {2000},
  publisher = {Mine}, xdata = {pub}}
@book{plain, title = {Plain}, date = {2001}, xdata = {nowhere}}
"""


def test_xdata_resolves_as_biber_resolves_it(tmp_path: pathlib.Path) -> None:
    """Each entry gets what biber --output-resolve-xdata gives it: nested containers, the
    container's fields over the entry's own, its name lists and langid; containers go."""
    refs = parse_bibtex(XDATA, strict=False).references
    resolved = resolve_xdata(refs)
    assert [ref.key for ref in resolved] == ["kojeve", "own", "plain"]
    theirs = biber_reading(XDATA, tmp_path, "original", "--output-resolve-xdata")
    ours = biber_reading(write_bibtex(resolved), tmp_path, "ours")
    for key in ("kojeve", "own"):
        assert ours[key] == theirs[key], key
    assert ours["own"]["publisher"] == "Gallimard" and ours["own"]["editor"] == "Queneau, Raymond"
    assert ours["plain"] == {"@type": "book", "date": "2001", "title": "Plain"}


def test_csl_and_ris_carry_the_xdata_fields() -> None:
    """CSL-JSON and RIS records have the inherited publisher, place, series and editor."""
    refs = parse_bibtex(XDATA, strict=False).references
    records = {record["id"]: record for record in json.loads(write_csl_json(refs))}
    assert set(records) == {"kojeve", "own", "plain"}
    kojeve = records["kojeve"]
    assert (kojeve["publisher"], kojeve["publisher-place"]) == ("Gallimard", "Paris")
    assert kojeve["collection-title"] == "Bibliothèque des idées"
    assert kojeve["editor"] == [{"family": "Queneau", "given": "Raymond"}]
    assert kojeve["language"] == "fr"
    ris = write_ris(refs)
    assert "ID  - pub" not in ris and "ID  - series" not in ris
    kojeve_ris = ris.split("\n\n")[0].splitlines()
    for line in ("PB  - Gallimard", "CY  - Paris", "T3  - Bibliothèque des idées"):
        assert line in kojeve_ris
    assert "A2  - Queneau, Raymond" in kojeve_ris


def test_an_xdata_loop_is_read_once() -> None:
    """Two containers naming each other (biber refuses the file) resolve without looping."""
    text = (
        "@book{b, title = {B}, xdata = {one}}\n"
        "@xdata{one, note = {One}, xdata = {two}}\n"
        "@xdata{two, pages = {2}, xdata = {one}}\n"
    )
    (ref,) = resolve_xdata(parse_bibtex(text).references)
    assert (ref.get("note"), ref.get("pages"), ref.get("xdata")) == ("One", "2", None)


SEEDS = pathlib.Path(__file__).parent.parent / "seeds" / "references.bib"


def test_the_seed_commentary_keeps_its_description_everywhere() -> None:
    """端传媒's `howpublished` is CSL's publisher (as Pandoc has it), RIS's PB, BibTeX's
    howpublished; its subtitle joins the title where the format has no subtitle."""
    (ref,) = [r for r in read_bibtex(SEEDS).references if r.key == "duanchuanmei2022beijing"]
    described = "Web commentary, tagged 评论 / 国际 / 深度 and labelled 【重磅】"
    title = "北京“策应”莫斯科？俄乌战争与中美冲突背景下的中俄联盟本质"
    (record,) = json.loads(write_csl_json([ref]))
    assert (record["publisher"], record["title"], record["type"]) == (described, title, "document")
    assert record["author"] == [{"literal": "端传媒"}] and record["language"] == "zh"
    ris = write_ris([ref]).splitlines()
    assert f"PB  - {described}" in ris and f"TI  - {title}" in ris and "AU  - 端传媒" in ris
    for dialect in ("biblatex", "bibtex"):
        assert f"  howpublished = {{{described}}}," in write_bibtex([ref], dialect=dialect)
    classic = write_bibtex([ref], dialect="bibtex")
    assert f"  title = {{{title}}}," in classic and "subtitle" not in classic
