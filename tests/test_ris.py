"""RIS: type and tag mapping, names, round trips, keys for records without ID, errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import references

from citations import (
    BibTeXParseError,
    Contributor,
    Reference,
    RISParseError,
    parse_bibtex,
    parse_ris,
    read_bibtex,
    read_ris,
    write_ris,
)
from citations.markup import join_title, plain_text

DATA = Path(__file__).parent / "data" / "bib"

ZOTERO_RIS = """\ufeffTY  - JOUR
AU  - Acemoglu, Daron
AU  - 方明月
AU  - European Research Council
AU  - van der Berg, Jan, Jr.
TI  - Automation and the Workforce:
  A Firm-Level View
T2  - Journal of Things
PY  - 2022/11/05/
VL  - 39
IS  - 11
SP  - 50
EP  - 70
SN  - 1000-3894
DO  - 10.3386/w30659
UR  - https://example.org/a_b%20c~d&e=f
KW  - automation
KW  - 中国
LA  - en
ER  -

TY  - BOOK
TI  - Война и мир
A1  - Толстой, Лев Николаевич
PY  - 1869
SN  - 0-306-40615-2
ER  -
"""


def test_reads_a_zotero_style_export() -> None:
    """Tags map to biblatex fields; names split at commas; literal names stay whole."""
    article, book = parse_ris(ZOTERO_RIS)
    assert article.entry_type == "article"
    assert article.field_map == {
        "title": "Automation and the Workforce: A Firm-Level View",
        "journaltitle": "Journal of Things",
        "date": "2022-11-05",
        "volume": "39",
        "number": "11",
        "pages": "50--70",
        "issn": "1000-3894",
        "doi": "10.3386/w30659",
        "url": "https://example.org/a_b%20c~d&e=f",
        "keywords": "automation, 中国",
    }
    assert article.language == "en"
    assert article.authors == (
        Contributor(family="Acemoglu", given="Daron"),
        Contributor(literal="方明月"),
        Contributor(literal="European Research Council"),
        Contributor(family="Berg", particle="van der", given="Jan", suffix="Jr."),
    )
    assert (book.entry_type, book.get("isbn"), book.year) == ("book", "0-306-40615-2", "1869")


def test_records_without_id_get_generated_unique_keys() -> None:
    """A record without ID gets a pattern key (pinyin/BGN-PCGN), suffixed on collision."""
    article, book = parse_ris(ZOTERO_RIS)
    assert article.key == "acemoglu2022automation"
    assert book.key == "tolstoy1869voyna"
    twice = parse_ris(
        ZOTERO_RIS.split("\n\n")[1] * 2 + "TY  - GEN\nID  - tolstoy1869voyna\nER  -\n"
    )
    assert [ref.key for ref in twice] == [
        "tolstoy1869voynaa",
        "tolstoy1869voynab",
        "tolstoy1869voyna",
    ]


def test_writes_tags_in_a_fixed_order() -> None:
    """Writing gives TY, ID, names, fields, dates, pages, keywords, LA, ER."""
    ref = Reference(
        "plato",
        "book",
        {"title": "Republic", "date": "2001-05", "pages": "1--9", "isbn": "978-0-306-40615-7"},
        [Contributor(family="Plato"), Contributor(family="Jowett", given="B.", role="translator")],
        "en",
    )
    assert write_ris([ref]) == (
        "TY  - BOOK\nID  - plato\nAU  - Plato,\nA4  - Jowett, B.\nTI  - Republic\n"
        "SN  - 978-0-306-40615-7\nPY  - 2001\nDA  - 2001/05\nSP  - 1\nEP  - 9\nLA  - en\nER  - \n"
    )


@settings(max_examples=150, deadline=None)
@given(references("ris"))
def test_round_trip_in_the_mapped_subset(ref: Reference) -> None:
    """parse_ris(write_ris(refs)) == refs for references in the subset RIS holds."""
    assert parse_ris(write_ris([ref])) == (ref,)


def test_corpus_keeps_keys_titles_and_names(tmp_path: Path) -> None:
    """Real-world entries written as RIS read back with the same keys, titles and authors."""
    refs = read_bibtex(DATA / "bbt-2320-chinese-cnki.bib").references
    refs += read_bibtex(DATA / "russian-phd-external.bib", strict=False).references
    path = tmp_path / "refs.ris"
    path.write_text(write_ris(refs), encoding="utf-8")
    back = read_ris(path)
    assert [ref.key for ref in back] == [ref.key for ref in refs]
    for before, after in zip(refs, back, strict=True):
        title = join_title(*(before.get(name, "") for name in ("title", "subtitle", "titleaddon")))
        assert after.title == " ".join(plain_text(title).split())  # RIS has no markup
        assert len(after.authors) == len(before.authors)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("AU  - Smith, J.\n", "<string>:1: tag 'AU' outside a record"),
        ("TY  - JOUR\nTI  - x\n", "<string>:1: record not ended"),
        ("TY  - JOUR\nTY  - BOOK\nER  -\n", "<string>:2: record starts before"),
        ("garbage line\n", "<string>:1: expected a 'XX  - value' line"),
        ("TY  - JOUR\nID  - a b\nER  -\n", "<string>:1: invalid citation key"),
    ],
)
def test_bad_input_raises_located_errors(text: str, message: str) -> None:
    """Malformed RIS raises RISParseError naming the source and line."""
    with pytest.raises(RISParseError) as info:
        parse_ris(text)
    assert message in str(info.value)


_NOT_LINE_ENDS = "\u2028\u2029\x85\x0b\x0c\x1c\x1d\x1e"


@given(
    st.lists(st.sampled_from(["a", "é", "中", " ", "TI  - "]), max_size=4).map("".join),
    st.sampled_from(_NOT_LINE_ENDS),
    st.lists(st.sampled_from(["b", "ж", " ", "TI  - ", "ER  - "]), max_size=4).map("".join),
    st.sampled_from(["\n", "\r\n", "\r"]),
)
def test_only_cr_and_lf_end_lines(before: str, inner: str, after: str, end: str) -> None:
    """U+2028, U+0085, U+001C... inside a value stay in it; only CR, LF and CRLF end lines."""
    value = f"x{before}{inner}{after}y"
    text = end.join(["TY  - JOUR", "ID  - a", f"AB  - {value}", "ER  - ", "bad line", ""])
    with pytest.raises(RISParseError) as info:
        parse_ris(text)
    assert info.value.line == 5
    (ref,) = parse_ris(text.replace("bad line", ""))
    assert ref.field_map == {"abstract": value}


def _ris(*ids: str) -> str:
    return "".join(f"TY  - JOUR\nID  - {key}\nTI  - Title {key}\nER  - \n\n" for key in ids)


def test_a_repeated_id_names_file_line_and_key(tmp_path: Path) -> None:
    """Two records with one ID raise RISParseError at the second, as the BibTeX reader does."""
    path = tmp_path / "twice.ris"
    path.write_text(_ris("smith2020", "jones", "smith2020"), encoding="utf-8")
    with pytest.raises(RISParseError) as info:
        read_ris(path)
    assert (info.value.source, info.value.line) == (str(path), 11)
    assert "'smith2020': duplicate citation key (first defined at line 1)" in str(info.value)
    bib = "".join(f"@article{{{key}, title={{x}}}}\n" for key in ("smith2020", "smith2020"))
    with pytest.raises(BibTeXParseError, match="duplicate citation key"):
        parse_bibtex(bib)


def test_ids_differing_only_in_case_are_two_keys_as_in_bibtex() -> None:
    """Smith and smith are two citation keys in RIS as in the BibTeX reader; a record
    without ID gets a key that collides with neither."""
    bib = "@article{Smith, title={x}}\n@article{smith, title={y}}\n"
    assert [ref.key for ref in parse_bibtex(bib).references] == ["Smith", "smith"]
    assert [ref.key for ref in parse_ris(_ris("Smith", "smith"))] == ["Smith", "smith"]
    text = _ris("Ref", "REFA") + "TY  - JOUR\nTI  - No id\nER  - \n"
    keys = [ref.key for ref in parse_ris(text)]
    assert keys[:2] == ["Ref", "REFA"]
    assert keys[2].lower() not in {"ref", "refa"}
