"""Date phrases in English, Chinese and Russian read into EDTF values."""

from __future__ import annotations

import pytest

from timeline import AmbiguousDate, InvalidDate, MissingDocumentDate, UnparsableDate
from timeline.dates import DateSet, format_edtf, parse_date

EN = [
    ("1969", "1969"),
    ("January 11--12, 1982", "1982-01-11/1982-01-12"),  # TeX's en dash, as .bib files write it
    ("23--25 August 2005", "2005-08-23/2005-08-25"),
    ("August 30--September 3, 2004", "2004-08-30/2004-09-03"),
    ("May 16–17, 1985", "1985-05-16/1985-05-17"),
    ("August 30 AD", "0030-08"),
    ("2 and 15 March 1969", "{1969-03-02,1969-03-15}"),
    ("March and April 1969", "{1969-03,1969-04}"),
    ("March 1969", "1969-03"),
    ("2 March 1969", "1969-03-02"),
    ("2nd of March 1969", "1969-03-02"),
    ("March 2, 1969", "1969-03-02"),
    ("2 Mar 1969", "1969-03-02"),
    ("c. 1969", "1969~"),
    ("circa March 1969", "1969-03~"),
    ("1969?", "1969?"),
    ("c. 1969?", "1969%"),
    ("the 1990s", "199X"),
    ("early 1990s", "1990/1993"),
    ("mid-1990s", "1994/1996"),
    ("late 1990s", "1997/1999"),
    ("early 2020", "2020-01/2020-04"),
    ("mid-2020", "2020-05/2020-08"),
    ("late 2020", "2020-09/2020-12"),
    ("early June 2019", "2019-06-01/2019-06-10"),
    ("mid-June 2019", "2019-06-11/2019-06-20"),
    ("late February 2020", "2020-02-21/2020-02-29"),
    ("221 BC", "-0220"),
    ("221 BCE", "-0220"),
    ("1 BC", "0000"),
    ("AD 1066", "1066"),
    ("between 2012 and 2018", "2012/2018"),
    ("2012 to 2018", "2012/2018"),
    ("from March 1969 to June 1970", "1969-03/1970-06"),
    ("2012–2018", "2012/2018"),
    ("2012-2018", "2012/2018"),
    ("1969-72", "1969/1972"),
    ("2–5 March 1969", "1969-03-02/1969-03-05"),
    ("March–June 1969", "1969-03/1969-06"),
    ("before 2001", "[..2000]"),
    ("before March 1969", "[..1969-02]"),
    ("before 1 January 2000", "[..1999-12-31]"),
    ("after 2001", "[2002..]"),
    ("since 2001", "2001/.."),
    ("until 2001", "../2001"),
    ("Spring 2019", "2019-21"),
    ("winter 2019", "2019-24"),
    ("Q1 2019", "2019-33"),
    ("third quarter of 2019", "2019-35"),
    ("first half of 2020", "2020-40"),
    ("H2 2020", "2020-41"),
    ("19th century", "18XX"),
    ("the 21st century", "20XX"),
    ("13/4/2022", "2022-04-13"),
    ("4/13/2022", "2022-04-13"),
    ("2022/4/2", "2022-04-02"),
    ("1969-03-02", "1969-03-02"),
    ("25 October 1917 (Old Style)", "1917-11-07 julian=1917-10-25"),
    ("25 October 1917 O.S.", "1917-11-07 julian=1917-10-25"),
    ("7 November 1917 (New Style)", "1917-11-07"),
    ("25 October (7 November) 1917", "1917-11-07 julian=1917-10-25"),
    ("October 1917 O.S.", "1917-10-14/1917-11-13 julian=1917-10"),
]

ZH = [
    ("至2024年", "../2024"),
    ("1969年3月2日和15日", "{1969-03-02,1969-03-15}"),
    ("1969和1970年", "{1969,1970}"),
    ("2020年年底", "2020-09/2020-12"),
    ("2020年年中", "2020-05/2020-08"),
    ("直到2035年", "../2035"),
    ("1705(康熙四十四年)", "1705"),  # a year field with its era year
    ("1947(民国三十六年)", "1947"),
    ("1969年", "1969"),
    ("1969年3月", "1969-03"),
    ("1969年3月2日", "1969-03-02"),
    ("１９６９年３月２日", "1969-03-02"),
    ("一九六九年三月二日", "1969-03-02"),
    ("一九六九年十二月二十一日", "1969-12-21"),
    ("2019年6月初", "2019-06-01/2019-06-10"),
    ("2019年6月上旬", "2019-06-01/2019-06-10"),
    ("2019年6月中旬", "2019-06-11/2019-06-20"),
    ("2019年6月下旬", "2019-06-21/2019-06-30"),
    ("2019年6月底", "2019-06-21/2019-06-30"),
    ("2020年初", "2020-01/2020-04"),
    ("2020年底", "2020-09/2020-12"),
    ("2020年上半年", "2020-40"),
    ("2020年下半年", "2020-41"),
    ("2019年第一季度", "2019-33"),
    ("2019年春", "2019-21"),
    ("2019年冬季", "2019-24"),
    ("20世纪90年代", "199X"),
    ("20世纪90年代初", "1990/1993"),
    ("20世纪90年代中期", "1994/1996"),
    ("20世纪90年代末", "1997/1999"),
    ("1990年代", "199X"),
    ("20世纪", "19XX"),
    ("2012年至2018年期间", "2012/2018"),
    ("2012年到2018年", "2012/2018"),
    ("2021—2025年", "2021/2025"),
    ("2021-2025年", "2021/2025"),
    ("1969年3月2日至5日", "1969-03-02/1969-03-05"),
    ("公元前221年", "-0220"),
    ("约1969年", "1969~"),
    ("1969年左右", "1969~"),
    ("可能1969年", "1969?"),
    ("2001年以前", "[..2000]"),
    ("2001年以后", "[2002..]"),
    ("2001年以来", "2001/.."),
    ("1917年10月25日（俄历）", "1917-11-07 julian=1917-10-25"),
]

RU = [
    ("1969", "1969"),
    ("в 1969 году", "1969"),
    ("1969 г.", "1969"),
    ("март 1969 г.", "1969-03"),
    ("в марте 1969 года", "1969-03"),
    ("в мае 1969 года", "1969-05"),
    ("2 марта 1969 года", "1969-03-02"),
    ("2 марта 1969 г.", "1969-03-02"),
    ("02.03.1969", "1969-03-02"),
    ("03.1969", "1969-03"),
    ("в начале июня 2019", "2019-06-01/2019-06-10"),
    ("в середине июня 2019 года", "2019-06-11/2019-06-20"),
    ("в конце июня 2019 г.", "2019-06-21/2019-06-30"),
    ("в начале 2020 года", "2020-01/2020-04"),
    ("1990-е годы", "199X"),
    ("в 1990-х годах", "199X"),
    ("в начале 1990-х", "1990/1993"),
    ("в конце 1990-х годов", "1997/1999"),
    ("221 г. до н. э.", "-0220"),
    ("около 1969 г.", "1969~"),
    ("ок. 1969 г.", "1969~"),
    ("с 2012 по 2018 год", "2012/2018"),
    ("между 2012 и 2018 годами", "2012/2018"),
    ("2012–2018 гг.", "2012/2018"),
    ("в 2012—2018 годах", "2012/2018"),
    ("до 2001 года", "[..2000]"),
    ("после 2001 года", "[2002..]"),
    ("с 2001 года", "2001/.."),
    ("XX век", "19XX"),
    ("в XIX веке", "18XX"),
    ("весной 2019 года", "2019-21"),
    ("в первой половине 2020 года", "2020-40"),
    ("во втором полугодии 2020 г.", "2020-41"),
    ("в I квартале 2019 г.", "2019-33"),
    ("25 октября (7 ноября) 1917", "1917-11-07 julian=1917-10-25"),
    ("25 октября (7 ноября) 1917 г.", "1917-11-07 julian=1917-10-25"),
    ("25 октября 1917 г. (ст. ст.)", "1917-11-07 julian=1917-10-25"),
    ("25 октября 1917 г. по старому стилю", "1917-11-07 julian=1917-10-25"),
    ("7 ноября 1917 г. (н. ст.)", "1917-11-07"),
    ("31 января 1918 г. (ст. ст.)", "1918-02-13 julian=1918-01-31"),
    ("25 октября 1917 г. по ст. ст.", "1917-11-07 julian=1917-10-25"),
    ("7 ноября 1917 г. по н. ст.", "1917-11-07"),
    ("примерно в 1969 г.", "1969~"),
    ("16(28) мая 1858 г.", "1858-05-28 julian=1858-05-16"),
    ("со 2 по 16 марта 1969 г.", "1969-03-02/1969-03-16"),
    ("2 и 15 марта 1969 года", "{1969-03-02,1969-03-15}"),
    ("в 1858 и 1860 годах", "{1858,1860}"),
    ("около в 1969 году", "1969~"),
]


@pytest.mark.parametrize(("text", "edtf"), EN)
def test_english_phrases(text: str, edtf: str) -> None:
    """English phrases read to the documented EDTF and keep the text as written."""
    parsed = parse_date(text, lang="en")
    assert format_edtf(parsed.when) == edtf
    assert (parsed.text, parsed.lang) == (text, "en")


@pytest.mark.parametrize(("text", "edtf"), ZH)
def test_chinese_phrases(text: str, edtf: str) -> None:
    """Chinese phrases (full-width and Chinese-character digits too) read to EDTF."""
    parsed = parse_date(text, lang="zh")
    assert format_edtf(parsed.when) == edtf
    assert parsed.text == text


@pytest.mark.parametrize(("text", "edtf"), RU)
def test_russian_phrases(text: str, edtf: str) -> None:
    """Russian phrases, including Old Style markers and dual dates, read to EDTF."""
    parsed = parse_date(text, lang="ru")
    assert format_edtf(parsed.when) == edtf
    assert parsed.text == text


@pytest.mark.parametrize(
    ("text", "lang", "error", "message"),
    [
        ("2/4/2022", "en", AmbiguousDate, "2022-02-04 or 2022-04-02"),
        ("1900s", "en", AmbiguousDate, "decade 1900-1909 or the century"),
        ("90年代", "zh", AmbiguousDate, "century is not given"),
        ("в середине 60-х гг.", "ru", AmbiguousDate, "write 1960-е or 1860-е"),
        ("60-е годы", "ru", AmbiguousDate, "the century is not given"),
        ("31/4/2022", "en", InvalidDate, "neither day/month nor month/day"),
        ("29 February 2019", "en", InvalidDate, "2019 is not a leap year"),
        ("2019年2月29日", "zh", InvalidDate, "2019 is not a leap year"),
        ("30.02.2020", "ru", InvalidDate, "February has 29 days"),
        ("25 October (8 November) 1917", "en", InvalidDate, "is 7.11.1917"),
        ("25 октября (8 ноября) 1917", "ru", InvalidDate, "not 8.11"),
        ("0 BC", "en", InvalidDate, "no year 0 BCE"),
        ("next Tuesday", "en", UnparsableDate, "'next Tuesday'"),
        ("August 30", "en", UnparsableDate, "not a date phrase"),  # a day, not the year 30
        ("明天", "zh", MissingDocumentDate, "needs the date of the document"),
        ("завтра", "ru", MissingDocumentDate, "needs the date of the document"),
        ("", "en", UnparsableDate, "empty"),
        ("1969", "fr", UnparsableDate, "'fr'"),
        ("2019?~", "en", UnparsableDate, "malformed qualifier"),
    ],
)
def test_refused_phrases(text: str, lang: str, error: type[Exception], message: str) -> None:
    """Ambiguous, impossible or unknown phrases raise typed errors quoting the text."""
    with pytest.raises(error) as caught:
        parse_date(text, lang=lang)
    assert message in str(caught.value)
    if text:
        assert text in str(caught.value)


def test_ambiguous_numeric_date_as_a_set_on_request() -> None:
    """With ambiguous='set', 2/4/2022 becomes the one-of set of both readings."""
    parsed = parse_date("2/4/2022", ambiguous="set")
    assert isinstance(parsed.when, DateSet)
    assert format_edtf(parsed.when) == "[2022-02-04,2022-04-02]"
    assert parsed.when.is_uncertain


def test_same_reading_in_both_orders_is_not_ambiguous() -> None:
    """4/4/2022 reads the same either way, so it is accepted."""
    assert format_edtf(parse_date("4/4/2022").when) == "2022-04-04"


def test_edtf_is_read_in_every_language() -> None:
    """EDTF text is accepted whatever the language."""
    for lang in ("en", "zh", "ru"):
        assert format_edtf(parse_date("1969-03-02/1969-03-05", lang).when) == (
            "1969-03-02/1969-03-05"
        )


@pytest.mark.parametrize(
    ("text", "lang", "edtf"),
    [
        ("20世纪初", "zh", "1900/1939"),
        ("二十世纪中叶", "zh", "1940/1969"),
        ("19世纪末", "zh", "1870/1899"),
        ("20世纪上半叶", "zh", "1900/1949"),
        ("19世纪下半叶", "zh", "1850/1899"),
        ("公元前3世纪末", "zh", "-0229/-0200"),
        ("early 20th century", "en", "1900/1939"),
        ("the mid-19th century", "en", "1840/1869"),
        ("late 1st century", "en", "0070/0099"),
        ("early 1st century", "en", "0001/0039"),
        ("first half of the 20th century", "en", "1900/1949"),
        ("second half of the 3rd century BC", "en", "-0249/-0200"),
        ("начало XX века", "ru", "1900/1939"),
        ("в конце XIX века", "ru", "1870/1899"),
        ("середина XVIII века", "ru", "1740/1769"),
        ("вторая половина XIX века", "ru", "1850/1899"),
    ],
)
def test_parts_of_centuries(text: str, lang: str, edtf: str) -> None:
    """Early, mid and late centuries split by decades (0-3, 4-6, 7-9), halves by 50 years."""
    assert format_edtf(parse_date(text, lang).when) == edtf


def test_parts_of_the_last_century_against_the_document_date() -> None:
    """上世纪初 in a 2020 document is the early 20th century."""
    assert format_edtf(parse_date("上世纪初", "zh", document_date="2020").when) == "1900/1939"
