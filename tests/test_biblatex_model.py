"""biblatex's data model kept whole: switched-off fields, key fields, @xdata, crossref
inheritance (biblatex's manual, appendix B), its own entry types, \\url, \\( \\) math,
ties in names, and the classic dialect's dates. Checked against biber where it reads."""

from __future__ import annotations

import pathlib
import re
import subprocess

import pytest
from click.testing import CliRunner
from tools import HANG, require_tool

from citations import (
    BibTeXParseError,
    InvalidReference,
    Reference,
    parse_bibtex,
    write_bibtex,
)
from citations.entrytypes import MISC_LIKE_TYPES
from timeline.cli import cli

GOST = """\
@book{gost,
  author = {Иванов, И. И.},
  title = {Заглавие},
  date = {2001},
  _related = {other_key},
  _shorthand = {ИИИ},
}
@book{other_key, title = {Other}, date = {2002}}
"""


def _biber_tool(text: str, tmp_path: pathlib.Path) -> tuple[str, str]:
    """biber --tool's reading of ``text`` (its normalised .bib output) and its log."""
    biber = require_tool("biber")
    (tmp_path / "in.bib").write_text(text, "utf-8")
    result = subprocess.run(
        [biber, "--tool", "--output-resolve", "--output-file=out.bib", "in.bib"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=HANG,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    return (tmp_path / "out.bib").read_text("utf-8"), result.stdout


@pytest.mark.parametrize("strict", [True, False])
def test_switched_off_field_keeps_the_entry_with_a_warning(strict: bool) -> None:
    """A `_related` field is kept as written with a warning; the entry is never dropped."""
    result = parse_bibtex(GOST, strict=strict)
    refs = result.by_key()
    assert set(refs) == {"gost", "other_key"}
    assert refs["gost"].get("_related") == "other_key"
    assert refs["gost"].get("_shorthand") == "ИИИ"
    warnings = [p for p in result.problems if p.key == "gost"]
    assert [p.severity for p in warnings] == ["warning", "warning"]
    assert "'_related' is switched off" in warnings[0].message
    assert result.skipped == 0
    written = write_bibtex(result.references)
    assert "  _related = {other_key}," in written
    assert "  _shorthand = {ИИИ}" in written


def test_biber_reads_the_written_switched_off_field_like_the_original(
    tmp_path: pathlib.Path,
) -> None:
    """biber ignores `_related` in our output as in the original: both readings agree."""
    original, _ = _biber_tool(GOST, tmp_path)
    ours, _ = _biber_tool(write_bibtex(parse_bibtex(GOST).references), tmp_path)
    assert ours == original


def test_import_summary_counts_skipped_entries(tmp_path: pathlib.Path) -> None:
    """A tolerant import names each skipped entry and says how many it skipped."""
    bib = tmp_path / "refs.bib"
    bib.write_text(
        "@book{a, title={One}, date={2001}}\n"
        "@book{a, title={Again}, date={2002}}\n"
        "@book{b, author={{Unbalanced}, title={T}, date={2003}}\n"
        "@book{c, title={Fine}, date={2004}}\n",
        "utf-8",
    )
    journal = tmp_path / "j.timeline"
    result = CliRunner().invoke(cli, ["--journal", str(journal), "import", "--tolerant", str(bib)])
    assert result.exit_code == 0, result.output
    assert "imported 2 references" in result.stdout
    assert f"{bib}:2: entry 'a': duplicate citation key" in result.stderr
    assert "the entry is skipped" in result.stderr
    assert "warning: skipped 2 entries that could not be read" in result.stderr


KEYS = """\
@book{kojeve_adr, ids = {kojeve_alias,k_2}, title = {T}, date = {1947},
  related = {a_b}, xref = {x_y}, xdata = {d_1}}
@xdata{d_1, publisher = {Gallimard}, location = {Paris}}
@book{a_b, title = {A}, date = {1950}}
@book{x_y, title = {X}, date = {1950}}
"""


def test_key_fields_are_written_as_keys_not_text() -> None:
    """ids, related, xref and xdata keep `_` as it is (`\\_` would break \\cite by alias)."""
    written = write_bibtex(parse_bibtex(KEYS).references)
    assert "ids = {kojeve_alias,k_2}" in written
    assert "related = {a_b}" in written and "xref = {x_y}" in written
    assert "xdata = {d_1}" in written
    assert "\\_" not in written


def test_a_key_field_with_a_key_no_cite_can_take_is_refused() -> None:
    """A key field naming something that cannot be a key is an error naming entry and field."""
    ref = Reference("k", "book", {"title": "T", "ids": "good,bad key"})
    with pytest.raises(InvalidReference, match=r"entry 'k': field 'ids':"):
        write_bibtex([ref])


def test_xdata_entries_stay_xdata_and_biber_resolves_them(tmp_path: pathlib.Path) -> None:
    """@xdata is written as @xdata (not @misc): biber reads our output as the original."""
    refs = parse_bibtex(KEYS).by_key()
    assert refs["d_1"].entry_type == "xdata"
    written = write_bibtex(refs.values())
    assert "@xdata{d_1," in written
    original, _ = _biber_tool(KEYS, tmp_path)
    ours, _ = _biber_tool(written, tmp_path)
    assert re.findall(r"@(\w+)\{d_1", ours) == ["XDATA"]
    assert _entries(ours) == _entries(original)


def _entries(biber_bib: str) -> dict[str, str]:
    return {
        match[0]: match[1] for match in re.findall(r"@\w+\{([^,]+),\n(.*?)\n\}", biber_bib, re.S)
    }


CROSSREF = """\
@mvbook{mv, title = {Collected Works}, date = {1990}}
@book{parent, author = {Doe, Jane}, title = {Parent Book}, subtitle = {Sub},
  shorttitle = {PB}, sorttitle = {Parent}, indextitle = {Parent, The}, date = {2001-05},
  publisher = {Pub}, crossref = {mv}}
@inbook{child, author = {Roe, Rick}, title = {Chapter}, year = {1999}, crossref = {parent}}
@inproceedings{talk, author = {Poe, Ed}, title = {Talk}, crossref = {parent}}
@article{art, author = {Loe, Al}, title = {Art}, crossref = {per}}
@periodical{per, title = {The Journal}, shorttitle = {TJ}, date = {2010}}
"""


def test_crossref_inheritance_follows_biblatex_appendix_b() -> None:
    """Type rules rename titles and keep short/sort/index titles; an own year wins."""
    refs = parse_bibtex(CROSSREF).by_key()
    child = refs["child"]
    assert child.get("booktitle") == "Parent Book" and child.get("booksubtitle") == "Sub"
    assert child.get("maintitle") == "Collected Works"
    assert child.title == "Chapter"
    for name in ("shorttitle", "sorttitle", "indextitle"):
        assert child.get(name) is None, name
    assert child.get("year") == "1999" and child.get("date") is None
    assert child.get("month") == "5"  # biber reads the parent's date into parts first
    assert child.get("publisher") == "Pub"
    assert [p.family for p in child.contributors if p.role == "bookauthor"] == ["Doe"]
    # book -> inproceedings is no biblatex rule: fields are inherited under their own names
    talk = refs["talk"]
    assert talk.get("booktitle") is None and talk.title == "Talk"
    assert talk.get("shorttitle") == "PB" and talk.get("date") == "2001-05"
    assert not [p for p in talk.contributors if p.role == "bookauthor"]
    art = refs["art"]
    assert art.get("journaltitle") == "The Journal" and art.get("shorttitle") is None


def _biblatex_fields(text: str, tmp_path: pathlib.Path) -> dict[str, dict[str, str]]:
    """The fields biblatex gets for each entry of ``text``: xelatex, biber, then the .bbl.

    In a document biber takes biblatex's own inheritance rules (biblatex.def, through the
    .bcf); biber --tool uses its own configuration, which lacks some of them.
    """
    xelatex, biber = require_tool("xelatex"), require_tool("biber")
    (tmp_path / "refs.bib").write_text(text, "utf-8")
    (tmp_path / "doc.tex").write_text(
        "\\documentclass{article}\\usepackage[backend=biber]{biblatex}"
        "\\addbibresource{refs.bib}\\begin{document}\\nocite{*}\\end{document}\n",
        "utf-8",
    )
    for command in ([xelatex, "-interaction=nonstopmode", "doc"], [biber, "doc"]):
        run = subprocess.run(
            command, cwd=tmp_path, capture_output=True, text=True, timeout=HANG, check=False
        )
        assert run.returncode == 0, run.stdout[-3000:]
    bbl = (tmp_path / "doc.bbl").read_text("utf-8")
    return {
        key: dict(re.findall(r"\\field\{(\w+)\}\{(.*)\}$", body, re.M))
        for key, body in re.findall(r"\\entry\{([^}]+)\}(.*?)\\endentry", bbl, re.S)
    }


def test_crossref_inheritance_agrees_with_biblatex(tmp_path: pathlib.Path) -> None:
    """biblatex, reading the original, gives each child the title and date fields ours has."""
    theirs = _biblatex_fields(CROSSREF, tmp_path)
    ours = parse_bibtex(CROSSREF).by_key()
    names = ("booktitle", "booksubtitle", "maintitle", "journaltitle", "shorttitle")
    for key in ("child", "talk", "art"):
        for name in names:
            assert ours[key].get(name) == theirs[key].get(name), (key, name)
    assert (theirs["child"]["year"], theirs["child"]["month"]) == ("1999", "5")
    assert (ours["child"].get("year"), ours["child"].get("month")) == ("1999", "5")


HYPHENATION = """\
@book{old, title = {T}, hyphenation = {german}}
@book{both, title = {T}, hyphenation = {german}, langid = {english}}
@book{new, title = {T}, langid = {russian}}
"""


def test_hyphenation_is_langid_as_biblatex_reads_it(tmp_path: pathlib.Path) -> None:
    """``hyphenation`` (biblatex's old name of ``langid``) is the entry's language, and a
    ``langid`` beside it wins, as in a biblatex document (biblatex's default source map;
    biber --tool alone drops the field): biblatex gets the same langid from ours."""
    refs = parse_bibtex(HYPHENATION).references
    assert [ref.language for ref in refs] == ["de-1901", "en", "ru"]
    (tmp_path / "original").mkdir()
    (tmp_path / "ours").mkdir()
    theirs = _biblatex_fields(HYPHENATION, tmp_path / "original")
    ours = _biblatex_fields(write_bibtex(refs), tmp_path / "ours")
    assert {key: fields["langid"] for key, fields in theirs.items()} == {
        "old": "german", "both": "english", "new": "russian"
    }  # fmt: skip
    assert {key: fields["langid"] for key, fields in ours.items()} == {
        key: fields["langid"] for key, fields in theirs.items()
    }


DATED = """\
@book{range, title = {P}, date = {2001-05-03/2002-06-04}}
@book{own-date, crossref = {range}, date = {1999}}
@book{own-year, crossref = {range}, year = {1999}}
@book{own-month, crossref = {range}, year = {1999}, month = {7}}
@book{day, title = {P}, date = {2001-05-03}}
@book{year-under-day, crossref = {day}, year = {1999}}
@collection{open, title = {P}, date = {1997/}}
@collection{year-under-open, crossref = {open}, year = {1998}}
@book{legacy, title = {P}, year = {2001}, month = {5}}
@book{date-under-legacy, crossref = {legacy}, date = {1999}}
"""
_DATE_PART_FIELDS = ("year", "month", "day", "endyear", "endmonth", "endday")


def test_crossref_dates_are_inherited_part_by_part_as_in_biblatex(
    tmp_path: pathlib.Path,
) -> None:
    """A child's year takes the rest of its parent's date (a range's end, an open end,
    month and day); a child's own date takes none of the parent's date, only a legacy
    month: biblatex's reading of our resolved entries is its reading of the original."""
    refs = parse_bibtex(DATED).references
    assert {ref.key: ref.get("date") for ref in refs if ref.get("crossref") is None} == {
        "range": "2001-05-03/2002-06-04",
        "own-date": "1999",
        "own-year": "1999-05-03/2002-06-04",
        "own-month": "1999-07-03/2002-06-04",
        "day": "2001-05-03",
        "year-under-day": "1999-05-03",
        "open": "1997/..",
        "year-under-open": "1998/..",
        "legacy": None,
        "date-under-legacy": "1999-05",
    }
    (tmp_path / "original").mkdir()
    (tmp_path / "ours").mkdir()
    theirs = _biblatex_fields(DATED, tmp_path / "original")
    ours = _biblatex_fields(write_bibtex(refs), tmp_path / "ours")
    for key, fields in theirs.items():
        assert {name: ours[key].get(name) for name in _DATE_PART_FIELDS} == {
            name: fields.get(name) for name in _DATE_PART_FIELDS
        }, key


@pytest.mark.parametrize("entry_type", sorted(MISC_LIKE_TYPES))
def test_biblatex_types_are_kept_in_biblatex_and_mapped_in_classic(entry_type: str) -> None:
    """@standard, @letter, @customa ... stay themselves in biblatex; classic BibTeX gets misc
    (an article for @review, which biblatex's standard styles print as one)."""
    (ref,) = parse_bibtex(f"@{entry_type}{{k, title = {{T}}, date = {{2020}}}}").references
    assert ref.entry_type == entry_type and ref.get("entrysubtype") is None
    assert write_bibtex([ref]).startswith(f"@{entry_type}{{k,")
    classic = "article" if entry_type == "review" else "misc"
    assert write_bibtex([ref], dialect="bibtex").startswith(f"@{classic}{{k,")


def test_url_in_a_text_field_keeps_its_underscore(tmp_path: pathlib.Path) -> None:
    """`\\url{...}` in an addendum is verbatim: `_` is not escaped, and biber reads it unchanged."""
    text = "@misc{u, title = {T}, date = {2020}, addendum = {See \\url{http://x.org/a_b~c} now}}"
    (ref,) = parse_bibtex(text).references
    assert ref.get("addendum") == "See \\url{http://x.org/a_b~c} now"
    written = write_bibtex([ref])
    assert "addendum = {See \\url{http://x.org/a_b~c} now}" in written
    original, _ = _biber_tool(text, tmp_path)
    ours, _ = _biber_tool(written, tmp_path)
    assert _entries(ours) == _entries(original)


def test_inline_math_in_parentheses_is_math() -> None:
    """`\\( x_1^2 \\)` is written as math; unsafe content in it is still written as text."""
    (ref,) = parse_bibtex("@misc{m, title = {On \\(x_1^2\\) and $y_2$}, date = {2020}}").references
    assert "title = {On \\(x_1^2\\) and $y_2$}" in write_bibtex([ref])
    hostile = Reference("h", "misc", {"title": "A \\(\\input{x}\\) B", "date": "2020"})
    written = write_bibtex([hostile])
    assert "\\input" not in written.replace("\\textbackslash{}input", "")


def test_a_tie_joins_a_corporate_name(tmp_path: pathlib.Path) -> None:
    """`НИИ~ГДААДАВБА` is one name, as biber reads it; `D.~E. Knuth` keeps its given names."""
    text = "@book{t, author = {НИИ~ГДААДАВБА and D.~E. Knuth}, title = {T}, date = {2000}}"
    (ref,) = parse_bibtex(text).references
    institute, knuth = ref.contributors
    assert (institute.family_or_literal, institute.given) == ("НИИ ГДААДАВБА", "")
    assert (knuth.family, knuth.given) == ("Knuth", "D. E.")
    original, _ = _biber_tool(text, tmp_path)
    assert "НИИ ГДААДАВБА and Knuth, D. E." in original


def test_classic_dialect_keeps_the_month_of_a_full_date() -> None:
    """A full `date` gives classic BibTeX its year and month (the date stays for the day)."""
    ref = Reference("d", "article", {"title": "T", "journaltitle": "J", "date": "2019-06-05"})
    written = write_bibtex([ref], dialect="bibtex")
    assert "year = {2019}" in written and "month = jun" in written
    season = Reference("s", "article", {"title": "T", "journaltitle": "J", "date": "2019-21"})
    assert "month" not in write_bibtex([season], dialect="bibtex")


def test_strict_mode_still_refuses_a_broken_entry() -> None:
    """Strict reading raises on an entry it would skip, naming the line and the key."""
    with pytest.raises(BibTeXParseError, match=r"<string>:2: entry 'a': duplicate"):
        parse_bibtex("@book{a, title={A}}\n@book{a, title={B}}\n")


def test_a_biblatex_field_wins_over_its_alias_as_in_biber(tmp_path: pathlib.Path) -> None:
    """`school` then `institution`: the institution is kept (biber's choice), with a warning."""
    text = (
        "@thesis{t, author = {Doe, J.}, title = {T}, date = {2000}, type = {phdthesis},\n"
        "  school = {School}, institution = {Institution},\n"
        "  archiveprefix = {arXiv}, eprinttype = {hal}}\n"
    )
    result = parse_bibtex(text)
    (ref,) = result.references
    assert (ref.get("institution"), ref.get("eprinttype")) == ("Institution", "hal")
    messages = [p.message for p in result.problems]
    assert "fields 'school' and 'institution' both given ('institution' is kept)" in messages
    original, _ = _biber_tool(text, tmp_path)
    assert "INSTITUTION = {Institution}" in original and "EPRINTTYPE = {hal}" in original


def test_an_accent_before_a_space_stays_in_its_name(tmp_path: pathlib.Path) -> None:
    """`Dezs\\H o Nagy` is Dezső Nagy (biber's reading), not given `Dezs\\H`, particle `o`."""
    text = "@article{n, author = {Dezs\\H o Nagy and Fran\\c cois Roe}, title = {T}, date = {1989}}"
    (ref,) = parse_bibtex(text).references
    assert [(p.given, p.particle, p.family) for p in ref.contributors] == [
        ("Dezső", "", "Nagy"),
        ("François", "", "Roe"),
    ]
    original, _ = _biber_tool(text, tmp_path)
    assert "AUTHOR = {Nagy, Dezső and Roe, François}" in original


def test_old_font_switches_are_kept_as_latex() -> None:
    """`{\\tt MANGLE}` and `{\\bf x}` stay commands (LaTeX's classes define them)."""
    ref = Reference("f", "misc", {"title": "How to {\\tt MANGLE} {\\bf it}", "date": "1987"})
    assert "title = {How to {\\tt MANGLE} {\\bf it}}" in write_bibtex([ref])
