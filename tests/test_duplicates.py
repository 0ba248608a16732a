"""Duplicate detection: normalised DOI, ISBN, URL, and title + first family name + year."""

from __future__ import annotations

import pytest

from citations import (
    Contributor,
    DuplicateMatch,
    Reference,
    canonical_url,
    find_duplicates,
    normalize_doi,
    normalize_isbn,
)


@pytest.mark.parametrize(
    ("text", "doi"),
    [
        ("10.1000/ABC.def", "10.1000/abc.def"),
        ("doi:10.1000/xyz", "10.1000/xyz"),
        ("https://doi.org/10.1000/xyz", "10.1000/xyz"),
        ("http://dx.doi.org/10.1000/a%2Fb", "10.1000/a/b"),
        ("  10.1000/xyz. ", "10.1000/xyz"),
        ("11.1000/xyz", None),
        ("not a doi", None),
    ],
)
def test_normalize_doi(text: str, doi: str | None) -> None:
    """DOIs lose prefixes and case; text that is no DOI gives None."""
    assert normalize_doi(text) == doi


@pytest.mark.parametrize(
    ("text", "isbn"),
    [
        ("0-306-40615-2", "9780306406157"),
        ("978-0-306-40615-7", "9780306406157"),
        ("ISBN 0 8044 2957 X", "9780804429573"),
        ("ISBN-13: 978-7-04-019491-3", "9787040194913"),
        ("0-306-40615-3", None),
        ("978-0-306-40615-8", None),
        ("12345", None),
    ],
)
def test_normalize_isbn(text: str, isbn: str | None) -> None:
    """ISBN-10 and ISBN-13 become ISBN-13 digits; a wrong check digit gives None."""
    assert normalize_isbn(text) == isbn


@pytest.mark.parametrize(
    ("text", "url"),
    [
        (
            "HTTP://WWW.Example.org:80/a/b/?utm_source=x&b=2&a=1#top",
            "https://example.org/a/b?a=1&b=2",
        ),
        ("https://example.org/%7Euser/a%20b", "https://example.org/~user/a%20b"),
        ("https://example.org:8443/", "https://example.org:8443"),
        ("https://doi.org/10.1000/XYZ", "https://doi.org/10.1000/xyz"),
        ("ftp://example.org/x", None),
        ("example.org", None),
    ],
)
def test_canonical_url(text: str, url: str | None) -> None:
    """URLs get https, a bare lowercase host, sorted query without tracking, no fragment."""
    assert canonical_url(text) == url


def _ref(key: str, **fields: str) -> Reference:
    people = [Contributor(family="Tolstoy", given="Leo")]
    return Reference(key, "book", {"title": "War and Peace", **fields}, people)


def test_matches_say_why() -> None:
    """Each pair lists every shared identifier; unrelated references do not match."""
    refs = [
        _ref("a", doi="10.1000/WP", isbn="0-306-40615-2", year="1869"),
        _ref("b", doi="https://doi.org/10.1000/wp", isbn="978-0-306-40615-7"),
        _ref("c", url="https://www.example.org/wp/", year="1869", title="War & Peace!"),
        _ref("d", url="http://example.org/wp?utm_medium=mail"),
        Reference("e", "book", {"title": "Anna Karenina", "year": "1878"}),
    ]
    matches = find_duplicates(refs)
    assert [(m.a.key, m.b.key) for m in matches] == [("a", "b"), ("a", "c"), ("c", "d")]
    assert matches[0].reasons == ("same DOI: 10.1000/wp", "same ISBN: 9780306406157")
    assert matches[1].reasons == (
        "same title, first family name and year: war and peace / tolstoy / 1869",
    )
    assert matches[2].reasons == ("same URL: https://example.org/wp",)
    assert str(matches[2]) == "c = d (same URL: https://example.org/wp)"
    assert isinstance(matches[0], DuplicateMatch)


def test_title_match_needs_name_and_year() -> None:
    """Same title alone, or with a different year or first author, is no match."""
    refs = [
        _ref("a", year="1869"),
        _ref("b", year="1870"),
        Reference("c", "book", {"title": "War and Peace", "year": "1869"}),
        Reference(
            "d", "book", {"title": "War and Peace", "year": "1869"}, [Contributor(family="Other")]
        ),
    ]
    assert find_duplicates(refs) == ()


def test_cjk_titles_and_literal_names_match() -> None:
    """CJK titles and literal names are compared after normalisation (spaces, punctuation)."""
    name = [Contributor(literal="欧阳向英")]
    a = Reference("a", "article", {"title": "中国 近代史?", "date": "2001-05"}, name)
    b = Reference("b", "article", {"title": "中国近代史", "date": "2001"}, name)
    c = Reference("c", "article", {"title": "中国近代史", "year": "2001"}, name)
    assert [(m.a.key, m.b.key) for m in find_duplicates([a, b, c])] == [("b", "c")]
