"""Relative dates anchored to a document date, and one-of sets written in prose."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from timeline import DateError, InvalidDate, MissingDocumentDate
from timeline.dates import DateSet, HistoricalDate, format_edtf, parse_date

DOCUMENT = "2020-05-14"


@pytest.mark.parametrize(
    ("phrase", "lang", "edtf"),
    [
        ("去年6月", "zh", "2019-06"),
        ("去年年底", "zh", "2019-09/2019-12"),
        ("今年3月5日", "zh", "2020-03-05"),
        ("前年", "zh", "2018"),
        ("明年春", "zh", "2021-21"),
        ("上个月", "zh", "2020-04"),
        ("昨天", "zh", "2020-05-13"),
        ("上世纪60年代末", "zh", "1967/1969"),
        ("去年以来", "zh", "2019/.."),
        ("last June", "en", "2019-06"),
        ("last April", "en", "2020-04"),
        ("next June", "en", "2020-06"),
        ("this year", "en", "2020"),
        ("early last year", "en", "2019-01/2019-04"),
        ("June last year", "en", "2019-06"),
        ("in June of last year", "en", "2019-06"),
        ("the year before last", "en", "2018"),
        ("yesterday", "en", "2020-05-13"),
        ("3 years ago", "en", "2017"),
        ("last century", "en", "19XX"),
        ("since last year", "en", "2019/.."),
        ("в прошлом году", "ru", "2019"),
        ("в июне прошлого года", "ru", "2019-06"),
        ("в конце прошлого года", "ru", "2019-09/2019-12"),
        ("в прошлом месяце", "ru", "2020-04"),
        ("вчера", "ru", "2020-05-13"),
        ("3 года назад", "ru", "2017"),
        ("с прошлого года", "ru", "2019/.."),
        ("в прошлом веке", "ru", "19XX"),
    ],
)
def test_relative_dates_read_against_the_document_date(phrase: str, lang: str, edtf: str) -> None:
    """Each relative phrase is read against the document date the caller gives."""
    assert format_edtf(parse_date(phrase, lang, document_date=DOCUMENT).when) == edtf


@pytest.mark.parametrize(
    ("phrase", "lang"),
    [("去年6月", "zh"), ("last June", "en"), ("в прошлом году", "ru"), ("yesterday", "en")],
)
def test_relative_dates_without_a_document_date_are_refused(phrase: str, lang: str) -> None:
    """Without a document date a relative phrase raises MissingDocumentDate, never uses today."""
    with pytest.raises(MissingDocumentDate) as caught:
        parse_date(phrase, lang)
    assert str(caught.value).startswith(repr(phrase))
    assert "never read against today's date" in str(caught.value)
    assert "(document_date=...)" in str(caught.value) and caught.value.phrase == phrase


def test_a_coarse_document_date_cannot_anchor_a_finer_phrase() -> None:
    """'last month' against a document dated only to the year is refused, naming the need."""
    with pytest.raises(InvalidDate, match="not given to the month"):
        parse_date("last month", document_date="2020")
    with pytest.raises(DateError, match="must be one date"):
        parse_date("last year", document_date="2019/2020")


def test_the_document_date_may_be_a_value() -> None:
    """A HistoricalDate anchors as its EDTF text does."""
    value = parse_date("去年", "zh", document_date=HistoricalDate(1969, 3, 2)).when
    assert value == HistoricalDate(1968)


@given(st.integers(2, 9998), st.integers(1, 12))
def test_last_year_and_last_month_follow_the_document(year: int, month: int) -> None:
    """去年 is the document's year minus one; last month the month before, across a new year."""
    document = HistoricalDate(year, month, 1)
    assert parse_date("去年", "zh", document_date=document).when == HistoricalDate(year - 1)
    before = parse_date("last month", document_date=document).when
    assert isinstance(before, HistoricalDate)
    assert (before.year * 12 + before.month) == (year * 12 + month) - 1


@pytest.mark.parametrize(
    ("phrase", "lang", "edtf"),
    [
        ("1969 or 1970", "en", "[1969,1970]"),
        ("either 1969 or 1970", "en", "[1969,1970]"),
        ("March or April 1969", "en", "[1969-03,1969-04]"),
        ("2 or 3 March 1969", "en", "[1969-03-02,1969-03-03]"),
        ("1969年或1970年", "zh", "[1969,1970]"),
        ("1969或1970年", "zh", "[1969,1970]"),
        ("1969年3月或4月", "zh", "[1969-03,1969-04]"),
        ("1969 или 1970 г.", "ru", "[1969,1970]"),
        ("в 1969 или 1970 году", "ru", "[1969,1970]"),
        ("в марте или апреле 1969", "ru", "[1969-03,1969-04]"),
    ],
)
def test_one_of_sets_from_prose(phrase: str, lang: str, edtf: str) -> None:
    """'X or Y' in each language is an EDTF level 2 one-of set, the left borrowing the right."""
    when = parse_date(phrase, lang).when
    assert isinstance(when, DateSet) and not when.all_of
    assert format_edtf(when) == edtf


def test_edtf_unspecified_digits_and_qualifiers_read_in_phrases() -> None:
    """EDTF 19XX and 196X pass through parse_date; 可能是, 约, около and circa qualify."""
    assert format_edtf(parse_date("19XX").when) == "19XX"
    assert format_edtf(parse_date("196X", "zh").when) == "196X"
    assert format_edtf(parse_date("可能是1969年", "zh").when) == "1969?"
    assert format_edtf(parse_date("约1969年", "zh").when) == "1969~"
    assert format_edtf(parse_date("около 1969 г.", "ru").when) == "1969~"
    assert format_edtf(parse_date("circa 1969").when) == "1969~"
