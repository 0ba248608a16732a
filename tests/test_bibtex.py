"""Reading and writing BibTeX/biblatex with citations.bibtex."""

from __future__ import annotations

import functools
import pathlib
import subprocess
from pathlib import Path
from typing import Literal

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citations import BibTeXParseError, Contributor, Reference, Role
from citations.bibtex import BibReadResult, parse_bibtex, read_bibtex, write_bibtex
from citations.languages import is_known, langid_name, language_tag
from citations.latex import escape_verbatim
from tests.tools import require_tool

Dialect = Literal["bibtex", "biblatex"]

DATA = pathlib.Path(__file__).parent / "data" / "bib"
CORPUS = sorted(path.name for path in DATA.glob("*.bib"))


def _encoding(name: str) -> str:
    return "gbk" if "gbk" in name else "utf-8"


@functools.cache
def _read_corpus(name: str) -> BibReadResult:
    return read_bibtex(DATA / name, encoding=_encoding(name), strict=False)


def test_string_macros_concatenation_and_months() -> None:
    """@string macros and # expand; month macros and names become numbers."""
    result = read_bibtex(DATA / "bibtexparser-article_with_strings.bib")
    (ref,) = result.references
    assert ref.get("journaltitle") == "Nice Journal"
    assert ref.get("month") == "1"
    assert ref.authors == (Contributor(family="César", given="Jean"),)
    assert result.strings["cesar"] == "César"


def test_percent_comments_between_fields_and_entries_are_comments() -> None:
    """As in biber: ``%`` to the end of the line between fields, or on a line between
    entries (its ``@`` starts no entry), is a comment; inside a value it is text."""
    text = (
        "% @phdthesis is an alias for @thesis\n"
        "@book{a, % the key\n  title = {50% off {x % y}}, % a title, junk = {z}\n"
        "  url = {http://e.org/%20b},%\n  year = 2000 % the year\n}\n"
    )
    result = parse_bibtex(text)
    assert result.problems == () and [ref.field_map for ref in result.references] == [
        {"title": "50% off {x % y}", "url": "http://e.org/%20b", "year": "2000"}
    ]


def test_a_crossref_by_alias_inherits_and_bibtex_gets_keys_it_knows() -> None:
    """A crossref may name an ``ids`` alias, as biber reads it; classic BibTeX (no
    ``ids``, an error at a crossref naming no entry) gets the key, or no crossref."""
    text = (
        "@book{parent, ids = {alias}, title = {The book}, publisher = {P}, date = {1934}}\n"
        "@inbook{child, title = {A part}, crossref = {alias}}\n"
        "@inbook{lost, title = {Another}, crossref = {missing}}\n"
    )
    resolved = parse_bibtex(text).by_key()
    assert resolved["child"].field_map["booktitle"] == "The book"
    classic = write_bibtex(parse_bibtex(text, resolve_crossref=False).references, dialect="bibtex")
    assert "crossref = {parent}" in classic and "missing" not in classic
    assert "crossref = {alias}" in write_bibtex(
        parse_bibtex(text, resolve_crossref=False).references
    )


def test_comments_preamble_and_free_text_are_handled() -> None:
    """Free text and % comments are skipped; @preamble is kept; a macro can be a whole value."""
    result = read_bibtex(DATA / "bibtexparser-comments_spaces_and_declarations.bib")
    (ref,) = result.references
    assert result.preamble == "Blah blah"
    assert ref.title == "A great title"
    assert "multilines... and with a french érudit word" in (ref.get("abstract") or "")


def test_gbk_file_is_read_with_an_explicit_encoding() -> None:
    """A GBK-encoded file decodes with encoding='gbk'; as UTF-8 it fails with the line."""
    (ref,) = read_bibtex(DATA / "bibtexparser-gbk_test.gbk.bib", encoding="gbk").references
    assert ref.key == "凯撒2013" and ref.get("journaltitle") == "测试期刊"
    assert ref.authors == (Contributor(literal="凯撒"),)
    with pytest.raises(BibTeXParseError, match=r"gbk_test\.gbk\.bib:1: .*utf-8"):
        read_bibtex(DATA / "bibtexparser-gbk_test.gbk.bib")


def test_path_text_and_bytes_are_distinguished() -> None:
    """A PathLike is opened, a str is BibTeX text, bytes are decoded."""
    text = "@misc{k, title = {Zürich}}"
    from_text = parse_bibtex(text).references
    from_bytes = parse_bibtex(text.encode("utf-16"), encoding="utf-16").references
    assert from_text == from_bytes == (Reference("k", "misc", {"title": "Zürich"}),)


def test_cjk_and_brace_protected_names_are_not_split() -> None:
    """方, 明月 is family/given; {东方不败} and {European Research Council} stay literal."""
    text = (
        "@book{k, author = {方, 明月 and {东方不败} and 欧阳向英 and "
        "{European Research Council} and de la Vall{\\'e}e Poussin, Jr., Charles}}"
    )
    (ref,) = parse_bibtex(text).references
    assert ref.authors == (
        Contributor(family="方", given="明月"),
        Contributor(literal="东方不败"),
        Contributor(literal="欧阳向英"),
        Contributor(literal="European Research Council"),
        Contributor(family="Vallée Poussin", given="Charles", particle="de la", suffix="Jr."),
    )


def test_langid_becomes_a_bcp47_language_and_back() -> None:
    """langid chinese/russian/english is Reference.language zh/ru/en, written back as langid."""
    text = "@book{a, title={T}, langid={chinese}}\n@book{b, title={T}, hyphenation={russian}}"
    refs = parse_bibtex(text).references
    assert [ref.language for ref in refs] == ["zh", "ru"]
    assert "langid = {russian}" in write_bibtex(refs)


def test_classic_names_become_biblatex_names() -> None:
    """journal/address/school and phdthesis/techreport read as their biblatex forms."""
    text = "@phdthesis{t, author={A, B}, title={T}, school={MIT}, address={Cambridge}, year={1990}}"
    (ref,) = parse_bibtex(text).references
    assert ref.entry_type == "thesis"
    assert ref.field_map == {
        "type": "phdthesis",
        "institution": "MIT",
        "location": "Cambridge",
        "title": "T",
        "year": "1990",
    }


def test_crossref_children_inherit_with_biblatex_renaming() -> None:
    """A crossref child gets its parent's fields; a proceedings title becomes booktitle."""
    refs = read_bibtex(DATA / "bibtexparser-crossref_entries.bib", strict=False).by_key()
    child = refs["cr6"]
    assert child.get("booktitle") == "Manual booktitle"  # the child's own value wins
    assert child.get("eventtitle") == "Title of the event" and "crossref" not in child
    inbook = refs["cr1"]
    assert inbook.get("booktitle") == "Graphs of the Continent"
    assert inbook.get("publisher") == "Grimble" and inbook.get("year") == "1974"
    assert inbook.contributors_in(Role.EDITOR) == (
        Contributor(family="Erbriss", given="Edgar", role=Role.EDITOR),
    )
    kept = read_bibtex(
        DATA / "bibtexparser-crossref_entries.bib", strict=False, resolve_crossref=False
    ).by_key()
    assert kept["cr1"].get("crossref") == "cr_m" and "booktitle" not in kept["cr1"]


def test_strict_mode_raises_at_the_first_problem_with_file_and_line() -> None:
    """strict=True stops at a duplicate field with the file name and line."""
    with pytest.raises(BibTeXParseError, match=r"external\.bib:486: entry 'Gosele1999161'"):
        read_bibtex(DATA / "russian-phd-external.bib")


def test_tolerant_mode_reports_every_problem_and_keeps_going() -> None:
    """strict=False skips a broken entry, reports duplicates, and reads the rest."""
    text = (
        "@book{a, title={One}}\n"
        "@book{a, title={Again}}\n"
        "@book{b, title={T}, title={U}}\n"
        "@book{c, title={Broken}\n"
        "@book{d, title={Fine}}\n"
    )
    result = parse_bibtex(text, strict=False, source_name="refs.bib")
    assert [ref.key for ref in result.references] == ["a", "b", "d"]
    assert result.by_key()["a"].title == "One" and result.by_key()["b"].title == "T"
    messages = [(p.line, p.key, p.message) for p in result.problems]
    assert messages[0] == (
        2,
        "a",
        "duplicate citation key (first defined at line 1); the entry is skipped",
    )
    assert messages[1] == (3, "b", "duplicate field 'title' (the first is kept)")
    assert messages[2][:2] == (5, "c") and "syntax error" in messages[2][2]
    assert messages[2][2].endswith("; the entry is skipped")
    assert str(result.problems[0]).startswith("refs.bib:2: entry 'a':")
    assert [p.skipped for p in result.problems] == [True, False, True]
    assert result.skipped == 2


def test_unknown_types_become_misc_with_entrysubtype() -> None:
    """A type biblatex lacks (@newspaper) reads as misc with entrysubtype, and writes so."""
    (ref,) = parse_bibtex("@newspaper{n, title={T}, date={2001}}").references
    assert ref.entry_type == "misc" and ref.get("entrysubtype") == "newspaper"
    assert write_bibtex([Reference("x", "newspaper", {"title": "T"})]).startswith(
        "@misc{x,\n  title = {T},\n  entrysubtype = {newspaper}\n}"
    )


def test_urls_dois_and_dates_are_written_verbatim() -> None:
    """url/doi/eprint/date are never escaped; other fields escape & % # _."""
    url = "https://example.org/a_b%20c~d&e=f#g"
    ref = Reference(
        "k",
        "online",
        {"title": "50% & #1_x", "url": url, "doi": "10.1000/a_b%c", "date": "2020-01/2020-03"},
    )
    text = write_bibtex([ref])
    assert f"  url = {{{url}}}" in text
    assert "  doi = {10.1000/a_b%c}" in text and "  date = {2020-01/2020-03}" in text
    assert r"  title = {50\% \& \#1\_x}" in text
    assert parse_bibtex(text).references == (ref,)


def test_output_is_deterministic_and_ordered() -> None:
    """Names first, then title and a fixed order, then the rest sorted; \\n and final newline."""
    ref = Reference(
        "k",
        "article",
        {"zzz": "last", "title": "T", "journaltitle": "J", "month": "3", "year": "2001"},
        [Contributor(family="Doe", given="Jane"), Contributor(literal="ACME Inc.")],
    )
    expected = (
        "@article{k,\n"
        "  author = {Doe, Jane and {ACME Inc.}},\n"
        "  title = {T},\n"
        "  journaltitle = {J},\n"
        "  year = {2001},\n"
        "  month = mar,\n"
        "  zzz = {last}\n"
        "}\n"
    )
    assert write_bibtex([ref]) == expected
    assert write_bibtex([ref, ref]) == expected + "\n" + expected
    assert write_bibtex([]) == ""


def test_literal_names_are_double_braced() -> None:
    """A lone literal author is written {{...}} so no tool splits it."""
    ref = Reference("k", "book", {"title": "T"}, [Contributor(literal="东方不败")])
    assert "  author = {{东方不败}}," in write_bibtex([ref])


def test_bibtex_dialect_uses_classic_types_and_fields() -> None:
    """dialect='bibtex' writes journal/address/school, phdthesis, year and month from date."""
    refs = [
        Reference("a", "article", {"title": "T", "journaltitle": "J", "date": "2020-05"}),
        Reference("t", "thesis", {"title": "T", "type": "mathesis", "institution": "U"}),
        Reference("o", "online", {"title": "T", "url": "https://x.org/a_b", "date": "2021"}),
        Reference("r", "report", {"title": "T", "type": "techreport", "location": "L"}),
    ]
    text = write_bibtex(refs, dialect="bibtex")
    assert (
        "@article{a,\n  title = {T},\n  journal = {J},\n  year = {2020},\n  month = may\n}" in text
    )
    assert "@mastersthesis{t,\n  title = {T},\n  school = {U}\n}" in text
    assert "@misc{o,\n  title = {T},\n  howpublished = {\\url{https://x.org/a_b}}," in text
    assert "@techreport{r,\n  title = {T},\n  address = {L}\n}" in text
    assert parse_bibtex(text).by_key()["t"] == refs[1]


def test_ascii_output_spells_accents_as_latex() -> None:
    """ascii=True gives LaTeX accents that read back to the same Unicode."""
    ref = Reference(
        "k", "book", {"title": "Łódź café"}, [Contributor(family="Müller", given="Zoë")]
    )
    text = write_bibtex([ref], ascii=True)
    assert r"author = {M{\"u}ller, Zo{\"e}}" in text and r"{\L}{\'o}d{\'z}" in text
    assert parse_bibtex(text).references == (ref,)


@pytest.mark.parametrize("name", CORPUS)
@pytest.mark.parametrize("dialect", ["biblatex", "bibtex"])
@pytest.mark.parametrize("ascii", [False, True])
def test_corpus_survives_write_and_read(name: str, dialect: Dialect, ascii: bool) -> None:
    """Each corpus file reads; our output reads back cleanly, equal (biblatex) and stable."""
    result = _read_corpus(name)
    assert result.references
    text = write_bibtex(result.references, dialect=dialect, ascii=ascii, keep_private_fields=True)
    again = parse_bibtex(text)
    assert len(again.references) == len(result.references)
    if dialect == "biblatex":
        assert [_alone(ref) for ref in again.references] == [
            _alone(_note_as_annotation(ref)) for ref in result.references
        ]
    second = write_bibtex(again.references, dialect=dialect, ascii=ascii, keep_private_fields=True)
    third = parse_bibtex(second).references
    assert write_bibtex(third, dialect=dialect, ascii=ascii, keep_private_fields=True) == second


def _alone(ref: Reference) -> Reference:
    """langid names a language, not a script or region (zh-Hant is written chinese, read
    zh), a ``language`` code is written as its langid name (``eng``: ``english``), and a
    backslash or brace in a URL or DOI is percent-encoded (escape_verbatim)."""
    links = {
        name: escape_verbatim(ref.get(name) or "") or None for name in ("url", "doi", "eprint")
    }
    language = ref.get("language") or ""
    if is_known(language) and langid_name(language).lower() != language.strip().lower():
        links["language"] = langid_name(language)
    ref = ref.with_fields(**links)
    return attrs.evolve(ref, language=language_tag(langid_name(ref.language)))


def _note_as_annotation(ref: Reference) -> Reference:
    """The note is the reference's private note: written (private fields kept) as the
    annotation, after the reference's own, and read back as the annotation."""
    note, annotation = ref.get("note"), ref.get("annotation")
    if note is None:
        return ref
    return ref.with_fields(
        note=None, annotation=note if annotation is None else f"{annotation} {note}"
    )


def test_known_corpus_problems_are_reported() -> None:
    """russian-phd's duplicate keywords are found; gb7714's entry with ``%`` comments
    between its fields (line 469) is read as biber reads it, the comments left out."""
    gb = read_bibtex(DATA / "gb7714-2015-example.bib", strict=False).by_key()
    assert gb["萨利斯2000"].field_map["title"] == "想象的真理"
    assert [p.literal or p.family for p in gb["萨利斯2000"].contributors][:1] == ["萨利斯"]
    phd = read_bibtex(DATA / "russian-phd-external.bib", strict=False)
    assert any("duplicate field 'keywords'" in p.message for p in phd.problems)


# -- round trips over generated references --------------------------------------------

_text = (
    st.text(
        st.characters(
            whitelist_categories=("Lu", "Ll", "Lo", "Nd", "Pd", "Po", "Sm", "Sc"),
            blacklist_characters="\\{}$,",
        ),
        min_size=1,
        max_size=12,
    )
    .map(lambda s: s.strip())
    .filter(bool)
)
_words = st.lists(_text, min_size=1, max_size=4).map(" ".join)
_capital = st.sampled_from(["Müller", "Smith", "Ouyang", "Иванов", "Łukasz", "O'Neil", "Doe"])
_given = st.sampled_from(["Hans", "Zoë", "Иван Петрович", "J. R. R.", "Mary Ann", "明月"])


@st.composite
def _contributors(draw: st.DrawFn) -> Contributor:
    role = draw(st.sampled_from(list(Role)))
    kind = draw(st.sampled_from(["western", "cjk", "literal", "particle"]))
    if kind == "cjk":
        return Contributor(
            family=draw(st.sampled_from(["方", "欧阳", "李"])),
            given=draw(st.sampled_from(["明月", "向英"])),
            role=role,
        )
    if kind == "literal":
        return Contributor(literal=draw(_words), role=role)
    particle = draw(st.sampled_from(["von", "de la", "van der"])) if kind == "particle" else ""
    return Contributor(
        family=draw(_capital),
        given=draw(_given),
        particle=particle,
        suffix=draw(st.sampled_from(["", "", "Jr.", "III"])),
        role=role,
    )


_biblatex_fields = {
    "title": _words,
    "subtitle": _words,
    "note": _words,
    "publisher": _words,
    "location": _words,
    "journaltitle": _words,
    "pages": st.sampled_from(["1--10", "xii", "50–70"]),
    "month": st.integers(1, 12).map(str),
    "date": st.sampled_from(["2020", "1999-05-01", "2001-02/2001-03", "1850~"]),
    "url": st.sampled_from(["https://x.org/a_b%20c~d&e=f#g", "http://例子.cn/路径?q=1"]),
    "doi": st.sampled_from(["10.1000/a_b%c", "10.13653/j.cnki.jqte.2022.11.003"]),
    "keywords": _words,
}


@st.composite
def _references(
    draw: st.DrawFn, types: list[str], fields: dict[str, st.SearchStrategy[str]]
) -> Reference:
    names = draw(st.lists(st.sampled_from(sorted(fields)), max_size=6, unique=True))
    people = draw(st.lists(_contributors(), max_size=4))
    people.sort(key=lambda person: list(Role).index(person.role))
    return Reference(
        draw(st.from_regex(r"[a-z][a-z0-9:_-]{0,12}", fullmatch=True)),
        draw(st.sampled_from(types)),
        {name: draw(fields[name]) for name in names},
        people,
        draw(st.sampled_from(["", "en", "zh", "ru", "de"])),
    )


@settings(max_examples=120, deadline=None)
@given(
    st.lists(
        _references(
            ["article", "book", "inbook", "online", "thesis", "report", "misc", "inproceedings"],
            _biblatex_fields,
        ),
        max_size=4,
    ),
    st.booleans(),
)
def test_biblatex_round_trip(refs: list[Reference], ascii: bool) -> None:
    """read(write(refs)) == refs for biblatex, in Unicode and ASCII mode (the private note
    left out, or kept as the annotation)."""
    refs = list({ref.key: ref for ref in refs}.values())
    back = parse_bibtex(write_bibtex(refs, ascii=ascii)).references
    assert back == tuple(ref.with_fields(note=None) for ref in refs)
    kept = parse_bibtex(write_bibtex(refs, ascii=ascii, keep_private_fields=True)).references
    assert kept == tuple(_note_as_annotation(ref) for ref in refs)


_classic_fields = {
    name: _biblatex_fields[name]
    for name in (
        "title",
        "note",
        "publisher",
        "location",
        "journaltitle",
        "pages",
        "month",
        "url",
        "doi",
    )
} | {"year": st.integers(1000, 2100).map(str)}


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        _references(
            [
                "article",
                "book",
                "booklet",
                "inbook",
                "incollection",
                "inproceedings",
                "manual",
                "misc",
                "proceedings",
                "unpublished",
            ],
            _classic_fields,
        ),
        max_size=4,
    )
)
def test_bibtex_round_trip(refs: list[Reference]) -> None:
    """read(write(refs, dialect='bibtex')) == refs for references classic BibTeX can carry
    (the private note left out, or kept as the annotation, written ``annote``)."""
    refs = list({ref.key: ref for ref in refs}.values())
    back = parse_bibtex(write_bibtex(refs, dialect="bibtex")).references
    assert back == tuple(ref.with_fields(note=None) for ref in refs)
    text = write_bibtex(refs, dialect="bibtex", keep_private_fields=True)
    assert parse_bibtex(text).references == tuple(_note_as_annotation(ref) for ref in refs)


OPEN_RANGES = [("2004/..", "2004/"), ("../2004", "/2004"), ("1917-11/..", "1917-11/")]


@pytest.mark.parametrize(("edtf", "biblatex"), OPEN_RANGES)
def test_open_ended_ranges_are_written_the_biblatex_way(edtf: str, biblatex: str) -> None:
    """EDTF 2004/.. and ../2004 are written 2004/ and /2004 (biblatex manual); both read back."""
    ref = Reference("k", "book", {"title": "T", "date": edtf, "urldate": edtf})
    text = write_bibtex([ref])
    assert f"date = {{{biblatex}}}" in text and f"urldate = {{{biblatex}}}" in text
    assert parse_bibtex(text).references == (ref,)
    assert parse_bibtex(text.replace(biblatex, edtf)).references == (ref,)


def test_open_ended_ranges_pass_biber_and_pandoc(tmp_path: Path) -> None:
    """biber --validate-datamodel reads our open ranges without a warning, and pandoc
    --citeproc prints them as open ranges (it reads 2004/.. as no date at all)."""
    biber, pandoc = require_tool("biber"), require_tool("pandoc")
    refs = [
        Reference(
            f"k{n}", "book", {"title": "T", "date": edtf, "publisher": "P"}, [Contributor("A")]
        )
        for n, (edtf, _) in enumerate(OPEN_RANGES)
    ]
    (tmp_path / "refs.bib").write_text(write_bibtex(refs), encoding="utf-8")
    args = [biber, "--tool", "--validate-datamodel", "--output-file=out.bib", "refs.bib"]
    checked = subprocess.run(args, cwd=tmp_path, capture_output=True, text=True, check=False)
    assert checked.returncode == 0 and "WARN" not in checked.stdout + checked.stderr, checked.stdout
    (tmp_path / "doc.md").write_text("See [@k0; @k1; @k2].\n", encoding="utf-8")
    args = [pandoc, "--citeproc", "--bibliography", "refs.bib", "-t", "plain", "doc.md"]
    cited = subprocess.run(args, cwd=tmp_path, capture_output=True, text=True, check=False)
    assert cited.returncode == 0 and cited.stderr == "", cited.stderr
    assert "n.d." not in cited.stdout and "2004–" in cited.stdout and "1917–" in cited.stdout
