"""CSL-JSON: the biblatex <-> CSL mapping, round trips, errors, and Pandoc's citeproc."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from strategies import references

from citations import (
    Contributor,
    CSLJSONParseError,
    Reference,
    Role,
    parse_csl_json,
    read_bibtex,
    read_csl_json,
    write_csl_json,
)
from citations.csl import iter_csl_json
from citations.markup import join_title, plain_text
from tests.tools import HANG, require_tool

DATA = Path(__file__).parent / "data" / "bib"
BROAD_FILES = (
    "broad.bib",
    "bbt-2320-chinese-cnki.bib",
    "bbt-2413-russian.bib",
    "bbt-2624-cjk-literal-names.bib",
    "pybtex-cyrillic.bib",
    "thuthesis-refs.bib",
    "bibtexparser-crossref_entries.bib",
)


def _corpus(*names: str) -> list[Reference]:
    refs: list[Reference] = []
    for name in names:
        encoding = "gbk" if "gbk" in name else "utf-8"
        refs.extend(read_bibtex(DATA / name, encoding=encoding, strict=False).references)
    return refs


def _record(ref: Reference) -> dict[str, object]:
    (record,) = json.loads(write_csl_json([ref]))
    assert isinstance(record, dict)
    return record


def test_article_maps_to_csl_variables() -> None:
    """An article becomes article-journal with container-title, issue, page, dates and names."""
    ref = Reference(
        "knuth1984",
        "article",
        {
            "title": "Literate {TeX} programming",
            "journaltitle": "TUGboat",
            "number": "2",
            "volume": "27",
            "pages": "97--111",
            "date": "1984-05",
            "urldate": "2024-03-06",
            "doi": "10.1093/comjnl/27.2.97",
            "url": "https://example.org/a_b%20c~d&e=f",
        },
        [
            Contributor(family="Knuth", given="Donald E."),
            Contributor(family="Poussin", particle="de la Vallée", given="Charles", suffix="Jr."),
            Contributor(literal="European Research Council", role="editor"),
        ],
        "en",
    )
    assert _record(ref) == {
        "id": "knuth1984",
        "type": "article-journal",
        "title": 'Literate <span class="nocase">TeX</span> programming',
        "container-title": "TUGboat",
        "issue": "2",
        "volume": "27",
        "page": "97–111",
        "issued": {"date-parts": [[1984, 5]]},
        "accessed": {"date-parts": [[2024, 3, 6]]},
        "DOI": "10.1093/comjnl/27.2.97",
        "URL": "https://example.org/a_b%20c~d&e=f",
        "language": "en",
        "author": [
            {"family": "Knuth", "given": "Donald E."},
            {
                "family": "Poussin",
                "given": "Charles",
                "dropping-particle": "de la Vallée",
                "suffix": "Jr.",
            },
        ],
        "editor": [{"literal": "European Research Council"}],
    }


@pytest.mark.parametrize(
    ("entry_type", "fields", "csl_type"),
    [
        ("book", {}, "book"),
        ("incollection", {}, "chapter"),
        ("inproceedings", {}, "paper-conference"),
        ("report", {}, "report"),
        ("online", {}, "webpage"),
        ("thesis", {}, "thesis"),
        ("misc", {"entrysubtype": "jurisdiction"}, "legal_case"),
        ("misc", {"entrysubtype": "legislation"}, "legislation"),
        ("misc", {"entrysubtype": "speech"}, "speech"),
        ("article", {"entrysubtype": "newspaper"}, "article-newspaper"),
        ("mvbook", {}, "book"),
    ],
)
def test_entry_types_map_to_csl_types(
    entry_type: str, fields: dict[str, str], csl_type: str
) -> None:
    """Each biblatex type (and biblatex-apa subtype) has its CSL type."""
    assert _record(Reference("k", entry_type, {"title": "T", **fields}))["type"] == csl_type


@pytest.mark.parametrize(
    ("edtf", "csl"),
    [
        ("2020", {"date-parts": [[2020]]}),
        ("2020-05-17", {"date-parts": [[2020, 5, 17]]}),
        ("1917/1921", {"date-parts": [[1917], [1921]]}),
        ("1917~", {"date-parts": [[1917]], "circa": True}),
        ("1949?", {"raw": "1949?"}),
        ("1917-11/..", {"raw": "1917-11/.."}),
        ("2001-05-XX", {"raw": "2001-05-XX"}),
        ("2016-01-19T14:20:00.000Z", {"date-parts": [[2016, 1, 19]]}),
    ],
)
def test_dates_become_date_parts_or_raw(edtf: str, csl: dict[str, object]) -> None:
    """EDTF dates CSL can hold become date-parts (a date and time its day, CSL has no
    time); the others are kept as raw."""
    record = _record(Reference("k", "misc", {"title": "T", "date": edtf}))
    assert record["issued"] == csl
    assert (
        parse_csl_json(write_csl_json([Reference("k", "misc", {"date": edtf})]))[0].get("date")
        == edtf.partition("T")[0]
    )


def test_year_and_month_fields_become_issued() -> None:
    """Classic year and month fields are written as issued date-parts."""
    ref = Reference("k", "book", {"title": "T", "year": "1977", "month": "11"})
    assert _record(ref)["issued"] == {"date-parts": [[1977, 11]]}


def test_thesis_institution_is_publisher_and_type_is_genre() -> None:
    """A thesis's institution is the CSL publisher and its type a readable genre."""
    ref = Reference("k", "thesis", {"title": "T", "institution": "МГУ", "type": "phdthesis"})
    record = _record(ref)
    assert (record["publisher"], record["genre"]) == ("МГУ", "PhD thesis")
    assert parse_csl_json(write_csl_json([ref])) == (ref,)


def test_output_is_deterministic_unicode_with_sorted_keys() -> None:
    """The same references give the same text: sorted keys, no \\u escapes, trailing newline."""
    refs = _corpus("broad.bib")
    text = write_csl_json(refs)
    assert text == write_csl_json(list(refs))
    assert "数量经济技术经济研究" in text and "\\u" not in text and text.endswith("]\n")
    for record in json.loads(text):
        assert list(record) == sorted(record)


@settings(max_examples=150, deadline=None)
@given(references("csl"))
def test_round_trip_in_the_mapped_subset(ref: Reference) -> None:
    """parse_csl_json(write_csl_json(refs)) == refs for references in the mapped subset."""
    assert parse_csl_json(write_csl_json([ref])) == (ref,)


def test_corpus_converts_and_reads_back_every_key() -> None:
    """Every reference of the real-world files survives CSL-JSON with its key and names."""
    refs = _corpus(*BROAD_FILES, "russian-phd-external.bib", "gb7714-2015-example.bib")
    back = parse_csl_json(write_csl_json(refs))
    assert [ref.key for ref in back] == [ref.key for ref in refs]
    for before, after in zip(refs, back, strict=True):
        # the printed text survives: LaTeX markup becomes CSL's, the subtitle joins the title
        title = join_title(*(before.get(name, "") for name in ("title", "subtitle", "titleaddon")))
        assert plain_text(after.title).split() == plain_text(title).split()
        assert [p.family_or_literal for p in after.authors] == [  # names as printed
            plain_text(p.family_or_literal) for p in before.authors
        ]


def test_reads_zotero_style_records() -> None:
    """Zotero CSL-JSON: numbers, string date-parts, dropping particles, literal dates."""
    text = json.dumps(
        [
            {
                "id": 42,
                "type": "article-journal",
                "title": 'The <span class="nocase">iPhone</span> and <i>Ulysses</i>',
                "container-title": "Journal",
                "volume": 12,
                "issue": "3",
                "page": "5-9",
                "author": [
                    {"family": "Beethoven", "given": "Ludwig", "dropping-particle": "van"},
                    {"literal": "欧阳向英"},
                ],
                "issued": {"date-parts": [["2003", "7"]]},
                "accessed": {"literal": "2020-01-02"},
                "unknown-variable": "ignored",
            }
        ]
    )
    (ref,) = parse_csl_json(text)
    assert ref.key == "42" and ref.entry_type == "article"
    assert ref.field_map == {
        "title": "The {iPhone} and \\emph{Ulysses}",
        "journaltitle": "Journal",
        "volume": "12",
        "number": "3",
        "pages": "5--9",
        "date": "2003-07",
        "urldate": "2020-01-02",
    }
    assert ref.authors == (
        Contributor(family="Beethoven", given="Ludwig", particle="van"),
        Contributor(literal="欧阳向英"),
    )


def test_reads_a_file_path(tmp_path: Path) -> None:
    """A path is read as UTF-8 (with or without BOM)."""
    path = tmp_path / "refs.json"
    path.write_text("\ufeff" + write_csl_json(_corpus("bbt-2413-russian.bib")), encoding="utf-8")
    assert read_csl_json(path) == parse_csl_json(write_csl_json(_corpus("bbt-2413-russian.bib")))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[\n  {"id": "a",\n  }\n]', "<string>:3: malformed JSON"),
        ('{"id": 1} junk', "<string>:1: malformed JSON"),
        ('"just text"', "expected a JSON array"),
        ("[1]", "record 1: expected an object"),
        ('[{"type": "book"}]', "record 1: no usable 'id'"),
        ('[{"id": "a b"}]', "record 1 (id 'a b'): invalid citation key"),
        ('[{"id": "a", "author": "Smith"}]', "record 1 (id 'a'): 'author' must be a list"),
        ('[{"id": "a", "author": [{"given": ""}]}]', "needs 'family' or 'literal'"),
        ('[{"id": "a", "issued": {"date-parts": [["x"]]}}]', "date parts must be numbers"),
        (
            '[{"id": "a", "title": ["x"]}]',
            "record 1 (id 'a'): 'title' must be text or a number, got an array",
        ),
        (
            '[{"id": "a"}, {"id": "b", "title": {"x": 1}}]',
            "record 2 (id 'b'): 'title' must be text or a number, got an object",
        ),
        (
            '[{"id": "a", "title": NaN}]',
            "record 1 (id 'a'): 'title' must be text or a number, got NaN",
        ),
        ('[{"id": "a", "volume": -Infinity}]', "'volume' must be text or a number, got -Infinity"),
        ('[{"id": "a", "title": true}]', "'title' must be text or a number, got true"),
        (
            '[{"id": "a", "volume": 1' + "0" * 4300 + "}]",
            "'volume': a number of 4,301 digits (Python reads at most 4,300)",
        ),
        (
            '[{"id": "a", "issued": {"date-parts": [[1' + "0" * 5000 + "]]}}]",
            "'issued': date parts must be numbers, got a number of 5,001 digits",
        ),
        ('[{"id": "a", "unknown-variable": NaN, "x": [1' + "0" * 5000 + "]}]", ""),
    ],
)
def test_bad_input_raises_located_errors(text: str, message: str, tmp_path: Path) -> None:
    """Malformed JSON names the line; a bad record names its number and id; reading the
    text as a file a batch at a time says the same, naming the file."""
    path = tmp_path / "refs.json"
    path.write_text(text, encoding="utf-8")
    if not message:
        assert [ref.key for ref in parse_csl_json(text)] == ["a"]  # unmapped variables: ignored
        assert [ref.key for batch in iter_csl_json(path, size=1) for ref in batch] == ["a"]
        return
    with pytest.raises(CSLJSONParseError) as info:
        parse_csl_json(text, source_name="<string>")
    assert message in str(info.value) and "\n" not in str(info.value)
    with pytest.raises(CSLJSONParseError) as info:
        list(iter_csl_json(path, size=1))
    assert message.replace("<string>", str(path)) in str(info.value)


def test_pandoc_citeproc_accepts_the_output(tmp_path: Path) -> None:
    """pandoc --citeproc reads the CSL-JSON of a broad set and cites every key without warnings."""
    pandoc = require_tool("pandoc")
    refs = _corpus(*BROAD_FILES)
    keys = [ref.key for ref in refs]
    assert len(keys) == len(set(keys))
    (tmp_path / "refs.json").write_text(write_csl_json(refs), encoding="utf-8")
    citations = "\n\n".join(f"See [@{key}]." for key in keys)
    (tmp_path / "doc.md").write_text(citations + "\n", encoding="utf-8")
    result = subprocess.run(
        [pandoc, "--citeproc", "--bibliography", "refs.json", "-t", "plain", "doc.md"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=HANG,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "方" in result.stdout and "Викторов" in result.stdout
    assert "European Research Council" in result.stdout
    assert "???" not in result.stdout


ZOTERO_URI = "http://zotero.org/users/1234567/items/ABCD2345"


def test_citation_key_wins_over_id() -> None:
    """Better BibTeX and Zotero 7 write citation-key beside the item id: the key is the key."""
    text = json.dumps([{"id": ZOTERO_URI, "citation-key": "gabuev2022china", "title": "T"}])
    assert [ref.key for ref in parse_csl_json(text)] == ["gabuev2022china"]
    text = json.dumps([{"id": "old-id", "citation-key": "gabuev2022china", "title": "T"}])
    assert [ref.key for ref in parse_csl_json(text)] == ["gabuev2022china"]


def test_citation_key_line_in_note_is_the_key_and_leaves_the_note() -> None:
    """A 'Citation Key:' line in note (Zotero's Extra) is the key, not part of the note."""
    note = "Citation Key: gabuev2022china\ntex.howpublished: print"
    (ref,) = parse_csl_json(json.dumps([{"id": ZOTERO_URI, "title": "T", "note": note}]))
    assert ref.key == "gabuev2022china" and ref.get("note") == "tex.howpublished: print"
    (ref,) = parse_csl_json(json.dumps([{"id": ZOTERO_URI, "note": "citation key:  k2"}]))
    assert ref.key == "k2" and ref.get("note") is None


def test_a_zotero_item_uri_never_becomes_a_key() -> None:
    """Zotero's own export ids every item by URI: keys come from the key pattern instead."""
    record = {
        "id": ZOTERO_URI,
        "type": "article-journal",
        "title": "China's New Vassal",
        "author": [{"family": "Gabuev", "given": "Alexander"}],
        "issued": {"date-parts": [[2022, 8, 9]]},
    }
    twin = {**record, "id": ZOTERO_URI.replace("ABCD", "WXYZ")}
    refs = parse_csl_json(json.dumps([record, twin, {**record, "id": "gabuev2022china"}]))
    assert [ref.key for ref in refs] == ["gabuev2022chinaa", "gabuev2022chinab", "gabuev2022china"]
    assert not any("zotero" in ref.key for ref in refs)


@pytest.mark.parametrize(
    ("edtf", "year"), [("-0220", -221), ("0000", -1), ("-0001", -2), ("0001", 1)]
)
def test_bce_years_shift_by_one(edtf: str, year: int) -> None:
    """CSL has no year 0: EDTF -0220 (221 BCE) is CSL -221, and back."""
    ref = Reference("qin", "book", {"title": "T", "date": edtf})
    assert _record(ref)["issued"] == {"date-parts": [[year]]}
    assert parse_csl_json(write_csl_json([ref])) == (ref,)
    ranged = Reference("qin", "book", {"title": "T", "date": f"{edtf}/0100"})
    assert _record(ranged)["issued"] == {"date-parts": [[year], [100]]}
    year_field = Reference("qin", "book", {"title": "T", "year": str(int(edtf))})
    assert _record(year_field)["issued"] == {"date-parts": [[year]]}


def test_bce_years_agree_with_pandoc_both_ways(tmp_path: Path) -> None:
    """pandoc turns biblatex -0220 into the CSL we write, we read its CSL back as -0220,
    and pandoc --citeproc prints our CSL-JSON year as 221 BC."""
    pandoc = require_tool("pandoc")
    ref = Reference(
        "qin", "book", {"title": "Qin", "date": "-0220", "publisher": "P"}, [Contributor("Sima")]
    )
    (tmp_path / "refs.bib").write_text(
        "@book{qin, title = {Qin}, author = {Sima}, date = {-0220}, publisher = {P}}\n",
        encoding="utf-8",
    )
    converted = subprocess.run(
        [pandoc, "refs.bib", "-f", "biblatex", "-t", "csljson"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=HANG,
        check=False,
    )
    assert converted.returncode == 0 and converted.stderr == "", converted.stderr
    (theirs,) = json.loads(converted.stdout)
    assert theirs["issued"] == _record(ref)["issued"] == {"date-parts": [[-221]]}
    assert parse_csl_json(converted.stdout)[0].get("date") == "-0220"
    (tmp_path / "refs.json").write_text(write_csl_json([ref]), encoding="utf-8")
    (tmp_path / "doc.md").write_text("See [@qin].\n", encoding="utf-8")
    cited = subprocess.run(
        [pandoc, "--citeproc", "--bibliography", "refs.json", "-t", "plain", "doc.md"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=HANG,
        check=False,
    )
    assert cited.returncode == 0 and cited.stderr == "", cited.stderr
    assert "221BC" in cited.stdout.replace(" ", "") and "222" not in cited.stdout


@pytest.mark.parametrize(
    ("particles", "particle", "useprefix"),
    [
        ({}, "", None),
        ({"non-dropping-particle": "van"}, "van", True),
        ({"dropping-particle": "de la"}, "de la", None),
        ({"dropping-particle": "de", "non-dropping-particle": "la"}, "de la", None),
        ({"dropping-particle": "", "non-dropping-particle": "van"}, "van", True),
    ],
)
def test_name_particles_are_joined_and_decide_useprefix(
    particles: dict[str, str], particle: str, useprefix: bool | None
) -> None:
    """A name's particles are its particle (dropping first); a non-dropping one alone is
    biblatex's useprefix=true, any other mix leaves it to the entry."""
    name = {"family": "Gogh", "given": "Vincent", **particles}
    (ref,) = parse_csl_json(json.dumps([{"id": "k", "editor": [name], "author": [name]}]))
    expected = Contributor(family="Gogh", given="Vincent", particle=particle, useprefix=useprefix)
    assert ref.contributors == (expected, attrs.evolve(expected, role=Role.EDITOR))


def test_date_parts_read_as_edtf() -> None:
    """Date parts become an EDTF date: a range with '/', text numbers read as numbers,
    circa only on a single date, raw or literal text when there are no parts."""
    cases = [
        ({"date-parts": [[2020, 5, 7]]}, "2020-05-07"),
        ({"date-parts": [[-221], [" -1 "]]}, "-0220/0000"),
        ({"date-parts": [["1999", 12]], "circa": True}, "1999-12~"),
        ({"date-parts": [[1917], [1921]], "circa": True}, "1917/1921"),
        ({"date-parts": [[], [2001]]}, "2001"),
        ({"date-parts": [[]], "raw": " 1850s "}, "1850s"),
        ({"literal": "Spring 1900"}, "Spring 1900"),
    ]
    for issued, date in cases:
        (ref,) = parse_csl_json(json.dumps([{"id": "k", "issued": issued}]))
        assert ref.get("date") == date
    with pytest.raises(CSLJSONParseError, match="'issued': date parts must be numbers"):
        parse_csl_json(json.dumps([{"id": "k", "issued": {"date-parts": [[2020, "May"]]}}]))
