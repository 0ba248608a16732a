"""Dual dates: a date given in two calendars, each reading checked against the other."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from timeline import ContradictoryDate, InvalidDate, UnparsableDate, read_events
from timeline.dates import HistoricalDate, format_edtf, jdn_to_gregorian, jdn_to_julian, parse_date

RU_MONTHS = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа")
RU_MONTHS += ("сентября", "октября", "ноября", "декабря")
EN_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August")
EN_MONTHS += ("September", "October", "November", "December")


@pytest.mark.parametrize(
    ("phrase", "lang", "edtf"),
    [
        ("25 October (7 November) 1917", "en", "1917-11-07 julian=1917-10-25"),
        ("7 November [O.S. 25 October] 1917", "en", "1917-11-07 julian=1917-10-25"),
        ("31 December 1917 (13 January 1918)", "en", "1918-01-13 julian=1917-12-31"),
        ("16 (28) мая 1858 г.", "ru", "1858-05-28 julian=1858-05-16"),
        ("31 декабря 1917 г. (13 января 1918 г.)", "ru", "1918-01-13 julian=1917-12-31"),
        ("1917年11月7日（俄历10月25日）", "zh", "1917-11-07 julian=1917-10-25"),
        ("1917年10月25日（公历11月7日）", "zh", "1917-11-07 julian=1917-10-25"),
        ("1918年1月13日（俄历12月31日）", "zh", "1918-01-13 julian=1917-12-31"),
        ("1900年1月31日（农历正月初一）", "zh", "1900-01-31"),
        ("1917年10月25日(11月7日)", "zh", "1917-11-07 julian=1917-10-25"),
        ("1917年11月7日（10月25日）", "zh", "1917-11-07 julian=1917-10-25"),
        ("1918年1月13日(12月31日)", "zh", "1918-01-13 julian=1917-12-31"),
        ("1917年12月31日(1918年1月13日)", "zh", "1918-01-13 julian=1917-12-31"),
        ("16/28 May 1858", "en", "1858-05-28 julian=1858-05-16"),
        ("25 октября 1917 г. (7 ноября)", "ru", "1917-11-07 julian=1917-10-25"),
        ("31 декабря 1917 г. (13 января)", "ru", "1918-01-13 julian=1917-12-31"),
        ("25 October 1917 (7 November)", "en", "1917-11-07 julian=1917-10-25"),
        ("25 октября/7 ноября 1917 г.", "ru", "1917-11-07 julian=1917-10-25"),
        ("宣统三年八月十九日（1911年10月10日）", "zh", "1911-10-10"),
        ("1711年4月20日（康熙五十年三月）", "zh", "1711-04-20"),
        ("民国三十八年（1949年）", "zh", "1949"),
    ],
)
def test_dual_dates_read_both_readings(phrase: str, lang: str, edtf: str) -> None:
    """Each dual form reads to one value carrying both readings."""
    assert format_edtf(parse_date(phrase, lang).when) == edtf


@pytest.mark.parametrize(
    ("phrase", "lang", "words"),
    [
        ("25 October (8 November) 1917", "en", "is 7.11.1917 in the Gregorian calendar"),
        ("16 (29) мая 1858 г.", "ru", "is 28.05.1858 in the Gregorian calendar, not 29.05.1858"),
        ("1917年11月8日（俄历10月25日）", "zh", "not 8.11.1917"),
        ("1917年10月25日(11月8日)", "zh", "is 7.11.1917 in the Gregorian calendar, not 8.11.1917"),
        ("31 December 1917 (13 January 1917)", "en", "not 13.01.1917"),
        ("1911年10月10日（阴历八月二十）", "zh", "the day is 8月19日 of the lunar year 1911"),
        ("16/29 мая 1858 г.", "ru", "is 28.05.1858 in the Gregorian calendar, not 29.05.1858"),
        ("25 октября 1917 г. (8 ноября)", "ru", "is 7.11.1917 in the Gregorian calendar, not 8.11"),
        ("康熙五十年三月（1711年5月）", "zh", "is 1711-04-18/1711-05-16, which 1711年5月"),
        ("康熙二十八年（1690年）", "zh", "is 1689-01-21/1690-02-08, which 1690年 (1690) does not"),
        ("1911年10月11日（宣统三年八月十九日）", "zh", "宣统3年8月19日 is 1911-10-10"),
        ("1706(康熙四十四年)", "zh", "which 1706年 (1706) does not hold"),
    ],
)
def test_dual_dates_that_disagree_are_refused(phrase: str, lang: str, words: str) -> None:
    """Two readings that are not the same day raise ContradictoryDate naming both."""
    with pytest.raises(ContradictoryDate) as caught:
        parse_date(phrase, lang)
    assert str(caught.value).startswith(repr(phrase))
    assert words in str(caught.value)


days = st.integers(HistoricalDate(1582, 10, 15).bounds[0], HistoricalDate(2100, 12, 31).bounds[0])


@given(days)
def test_any_consistent_dual_date_reads_to_its_day(jdn: int) -> None:
    """For any day, its Julian and Gregorian dates written as a dual date read back to it."""
    jy, jm, jd = jdn_to_julian(jdn)
    gy, gm, gd = jdn_to_gregorian(jdn)
    ru = f"{jd} {RU_MONTHS[jm - 1]} {jy} г. ({gd} {RU_MONTHS[gm - 1]} {gy} г.)"
    en = f"{jd} {EN_MONTHS[jm - 1]} {jy} ({gd} {EN_MONTHS[gm - 1]} {gy})"
    zh = f"{gy}年{gm}月{gd}日（俄历{jy}年{jm}月{jd}日）"
    for phrase, lang in ((ru, "ru"), (en, "en"), (zh, "zh")):
        assert parse_date(phrase, lang).when.bounds == (jdn, jdn)


@pytest.mark.parametrize(
    ("phrase", "lang", "edtf"),
    [
        ("25 октября 1917 г.", "ru", "1917-11-07 julian=1917-10-25"),
        ("29 февраля 1900 г.", "ru", "1900-03-13 julian=1900-02-29"),
        ("октябрь 1917", "ru", "1917-10-14/1917-11-13 julian=1917-10"),
        ("25 October 1917", "en", "1917-11-07 julian=1917-10-25"),
        ("с 1 по 5 мая 1905 г.", "ru", "1905-05-14/1905-05-18 julian=1905-05-01/1905-05-05"),
        ("14 февраля 1918 г.", "ru", "1918-02-14"),
        ("1918 г.", "ru", "1918"),
        ("7 ноября 1917 г. (н. ст.)", "ru", "1917-11-07"),
        ("16 (28) мая 1858 г.", "ru", "1858-05-28 julian=1858-05-16"),
        ("1917-10-25", "ru", "1917-10-25"),
        ("мая 16 дня 1858 года", "ru", "1858-05-28 julian=1858-05-16"),
        ("в 1858-м году", "ru", "1858-01-13/1859-01-12 julian=1858"),
        ("1917年10月25日", "zh", "1917-10-25"),
    ],
)
def test_old_style_policy_reads_unmarked_dates_before_the_switch_as_julian(
    phrase: str, lang: str, edtf: str
) -> None:
    """Under old_style=True an unmarked en/ru date before 14 February 1918 is Julian."""
    assert format_edtf(parse_date(phrase, lang, old_style=True).when) == edtf


def test_old_style_policy_is_off_by_default_and_refuses_skipped_days() -> None:
    """Without the policy dates are Gregorian; with it 1-13 February 1918 did not exist."""
    assert format_edtf(parse_date("25 октября 1917 г.", "ru").when) == "1917-10-25"
    with pytest.raises(InvalidDate, match="5 February 1918 did not exist in Russia"):
        parse_date("5 февраля 1918 г.", "ru", old_style=True)


def test_julian_leap_day_with_a_marker() -> None:
    """29 февраля 1900 г. ст. ст. exists: 1900 is a leap year in the Julian calendar."""
    for phrase, lang in (("29 февраля 1900 г. ст. ст.", "ru"), ("29 February 1900 O.S.", "en")):
        assert format_edtf(parse_date(phrase, lang).when) == "1900-03-13 julian=1900-02-29"


def test_import_option_old_style_and_document_date(tmp_path: Path) -> None:
    """An events file entry takes calendar = "old-style" and a document_date for its phrase."""
    path = tmp_path / "events.toml"
    path.write_text(
        '[[event]]\nid = "a"\nwhen = "25 октября 1917 г."\nlang = "ru"\n'
        'calendar = "old-style"\ntitle = "A"\n\n'
        '[[event]]\nid = "b"\nwhen = "去年6月"\nlang = "zh"\n'
        'document_date = "2020-05-14"\ntitle = "B"\n',
        encoding="utf-8",
    )
    events = {event.id: event for event in read_events(path).events}
    assert format_edtf(events["a"].when) == "1917-11-07 julian=1917-10-25"
    assert format_edtf(events["b"].when) == "2019-06"


def test_a_slash_after_1918_is_not_read_as_two_styles() -> None:
    """ "the night of 16/17 June 1941" names two days, not an Old and a New Style date."""
    with pytest.raises(UnparsableDate):
        parse_date("16/17 June 1941")


def test_an_unmarked_bracket_after_1918_is_not_read_as_two_styles() -> None:
    """1950年10月25日(11月7日) is no Old Style date: after 1918 it is not read as one."""
    with pytest.raises(UnparsableDate):
        parse_date("1950年10月25日(11月7日)", "zh")
