"""Validation: problems as data for required fields, checksums, pages, dates and braces."""

from __future__ import annotations

from pathlib import Path

import pytest

from citations import Contributor, Reference, ValidationProblem, read_bibtex, validate

DATA = Path(__file__).parent / "data" / "bib"
AUTHOR = [Contributor(family="Knuth", given="Donald")]


def _messages(ref: Reference) -> list[tuple[str, str, str]]:
    return [(p.field, p.severity, p.message) for p in validate(ref)]


def test_a_complete_article_has_no_problems() -> None:
    """An article with author, title, journal and date passes."""
    ref = Reference(
        "k",
        "article",
        {
            "title": "Literate {Programming}",
            "journaltitle": "TUGboat",
            "date": "1984-05",
            "pages": "97--111",
            "issn": "0896-3207",
            "doi": "10.1093/comjnl/27.2.97",
            "url": "https://example.org/a_b%20c~d",
        },
        AUTHOR,
        "en",
    )
    assert validate(ref) == ()


def test_missing_required_fields_per_type() -> None:
    """Missing requirements are reported with their alternatives, from the biblatex data model."""
    assert _messages(Reference("k", "article", {"title": "T"})) == [
        ("author", "error", "missing required field 'author'"),
        ("journaltitle", "error", "missing required field 'journaltitle'"),
        ("date", "error", "missing required field 'date' or 'year'"),
    ]
    online = Reference("k", "online", {"title": "T", "year": "2020"})
    assert _messages(online) == [
        ("url", "error", "missing required field 'url' or 'doi' or 'eprint'")
    ]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"isbn": "0-306-40615-3"}, ("isbn", "error", "ISBN '0-306-40615-3' has a wrong")),
        ({"isbn": "978-0-306-40615-7; 0-8044-2957-X"}, None),
        ({"issn": "0896-3208"}, ("issn", "error", "ISSN '0896-3208' has a wrong form")),
        ({"issn": "2434-561X"}, None),
        ({"pages": "111--97"}, ("pages", "error", "page range '111--97' ends before it starts")),
        ({"pages": "Cover 3"}, ("pages", "warning", "page range 'Cover 3' is not")),
        ({"pages": "iv--xii, 1-3; M-1--M-12"}, None),
        ({"year": "c1988"}, ("year", "warning", "year 'c1988' is not a number")),
        ({"month": "13"}, ("month", "error", "month '13' is not 1 to 12")),
        ({"date": "June 2010"}, ("date", "error", "date 'June 2010' is not an ISO 8601")),
        ({"date": "2020-13"}, ("date", "error", "date '2020-13' has month 13")),
        ({"date": "1917-11/..", "urldate": "2020-05-17T10:00:00Z"}, None),
        ({"note": "an {unbalanced"}, ("note", "error", "unbalanced braces in 'an {unbalanced'")),
        ({"doi": "doi 123"}, ("doi", "error", "DOI 'doi 123' does not look like")),
        ({"url": "www.example.org"}, ("url", "error", "URL 'www.example.org' needs a scheme")),
        ({"pagetotal": "9", "foo": "x"}, ("foo", "warning", "field 'foo' is not part of @book")),
    ],
)
def test_field_checks(fields: dict[str, str], expected: tuple[str, str, str] | None) -> None:
    """Each bad value gives one problem naming the field; good values give none."""
    ref = Reference("k", "book", {"title": "T", "date": "2000", **fields}, AUTHOR)
    problems = [p for p in _messages(ref) if p[0] == "foo" or "is not part of" not in p[2]]
    if expected is None:
        assert problems == []
    else:
        assert len(problems) == 1
        field, severity, message = problems[0]
        assert (field, severity) == expected[:2] and message.startswith(expected[2])


def test_names_language_and_unknown_types() -> None:
    """Unbalanced braces in names are errors; odd language tags and types are warnings."""
    ref = Reference("k", "newspaper", {"title": "T"}, [Contributor(literal="{Court")], "x_y")
    assert _messages(ref) == [
        ("", "warning", "entry type 'newspaper' is not a biblatex type"),
        ("author", "error", "unbalanced braces in name part '{Court'"),
        ("langid", "warning", "language 'x_y' is not a BCP 47 tag"),
    ]
    assert (
        str(validate(ref)[1])
        == "entry 'k', field 'author': unbalanced braces in name part '{Court'"
    )
    assert isinstance(validate(ref)[0], ValidationProblem)


def test_corpus_validation_is_data_not_exceptions() -> None:
    """Real files validate without raising; a CNKI export has only known problems."""
    refs = read_bibtex(DATA / "bbt-2320-chinese-cnki.bib").references
    problems = [p for ref in refs for p in validate(ref) if p.severity == "error"]
    assert problems == []
    tugboat = read_bibtex(DATA / "tugboat.bib", strict=False).references
    assert all(isinstance(p, ValidationProblem) for ref in tugboat for p in validate(ref))
