"""Chinese calendars: reign eras, the Republic, lunar dates and festivals."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from timeline import (
    AmbiguousDate,
    ContradictoryDate,
    DateError,
    InvalidDate,
    UnknownEra,
    UnparsableDate,
)
from timeline.dates import (
    HistoricalDate,
    _lunar,
    format_date,
    gregorian_to_jdn,
    jdn_to_gregorian,
    julian_to_jdn,
    parse_date,
    parse_edtf,
)

CORPUS = Path(__file__).parent / "data" / "dates_zh_calendars.tsv"


def _corpus() -> list[dict[str, str]]:
    lines = [line for line in CORPUS.read_text("utf-8").splitlines() if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def _jdn(text: str, calendar: str) -> int:
    year, month, day = (int(part) for part in text.rsplit("-", 2))
    return (julian_to_jdn if calendar == "julian" else gregorian_to_jdn)(year, month, day)


def test_corpus_is_large_enough() -> None:
    """The corpus holds at least 60 phrases, each with its source."""
    rows = _corpus()
    assert len(rows) >= 60
    assert all(row["source"] for row in rows)


@pytest.mark.parametrize("row", _corpus(), ids=lambda row: row["phrase"])
def test_corpus_phrase_spans_the_published_days(row: dict[str, str]) -> None:
    """Each phrase covers exactly the days the second source gives."""
    when = parse_date(row["phrase"], row["lang"]).when
    first = _jdn(row["first"], row["first_calendar"])
    last = _jdn(row["last"], row["last_calendar"])
    assert when.bounds == (first, last)


def test_days_before_1582_are_julian() -> None:
    """A day before the Gregorian reform is given in the Julian calendar, as tables give it."""
    when = parse_date("洪武元年正月初四", "zh").when
    assert when.calendar == "julian"
    assert parse_date("康熙元年正月初一", "zh").when.calendar == "gregorian"


@pytest.mark.parametrize(
    ("phrase", "error", "words"),
    [
        ("红旗二年", UnknownEra, "红旗 is not a reign era"),
        ("天顺元年", AmbiguousDate, "天顺 was an era of several dynasties (元, 明)"),
        ("后元二年", AmbiguousDate, "西汉 had 3 eras named 后元 (begun 163 BCE, 143 BCE, 88 BCE)"),
        ("西晋太康元年三月", InvalidDate, "太康 began in lunar month 4 of 280"),
        ("西汉建元三年", InvalidDate, "lunar years 102 BCE to 2200 are covered, not 138 BCE"),
        ("唐康熙三年", InvalidDate, "康熙 is an era of 清, not of 唐"),
        ("康熙六十二年", InvalidDate, "康熙 has 61 years (1662-1722), not 62"),
        ("泰昌元年七月", InvalidDate, "泰昌 began in lunar month 8 of 1620"),
        ("万历四十八年八月", InvalidDate, "万历 ended in lunar month 7 of 1620"),
        ("乾隆二十年闰四月初三", InvalidDate, "the lunar year 1755 has no 闰4月: it has no leap"),
        ("乾隆十九年闰五月", InvalidDate, "its leap month is 闰4月"),
        ("光绪二十六年辛丑", ContradictoryDate, "a 庚子 year, not 辛丑"),
        ("康熙壬寅", AmbiguousDate, "康熙1年 or 康熙61年"),
        ("明康熙元年", InvalidDate, "康熙 is an era of 清, not of 明"),
        ("乾隆二十年四月三十一", InvalidDate, "has 30 days, not 31"),
        ("农历正月初一", InvalidDate, "a lunar date needs its year"),
        ("中秋节", InvalidDate, "a lunar date needs its year"),
        ("民国0年", InvalidDate, "民国 years start at 元年"),
        ("农历2300年正月初一", InvalidDate, "lunar years 102 BCE to 2200 are covered"),
        ("1969年闰正月", InvalidDate, "the lunar year 1969 has no 闰1月"),
    ],
)
def test_bad_calendar_phrases_are_refused_by_name(
    phrase: str, error: type[Exception], words: str
) -> None:
    """Each bad era, Republic or lunar phrase raises its typed error naming the phrase and why."""
    with pytest.raises(error) as caught:
        parse_date(phrase, "zh")
    assert str(caught.value).startswith(repr(phrase))
    assert words in str(caught.value)


@pytest.mark.parametrize(
    ("phrase", "same_as"),
    [
        ("东汉建安十八年", "建安十八年"),  # 建安 is the 东汉's only: the dynasty may be left out
        ("東漢建安十八年", "建安十八年"),  # traditional script, dynasty and era alike
        ("大宋太平兴国二年", "宋太平兴国二年"),
        ("至元十七年", "元至元十七年"),  # the later 至元 had 6 years: only the first had a 17th
        ("唐天宝十四载", "唐天宝十四年"),  # 天宝 counted 载 from its third year
        ("明天顺元年", "明天順元年"),  # 明天 here is the 明's 天顺, not "tomorrow"
    ],
)
def test_eras_before_the_ming_read_with_or_without_their_dynasty(phrase: str, same_as: str) -> None:
    """A dynasty in front picks among eras of one name; one that needs none may have it."""
    assert parse_date(phrase, "zh").when == parse_date(same_as, "zh").when


def test_unknown_era_is_an_unparsable_date() -> None:
    """Callers catching UnparsableDate also catch an unknown era."""
    assert issubclass(UnknownEra, UnparsableDate)
    assert issubclass(ContradictoryDate, InvalidDate)


def test_era_ranges_and_qualifiers_use_the_phrase_rules() -> None:
    """Era phrases work inside ranges and with 约 like any Chinese date."""
    span = parse_date("康熙元年至康熙十年", "zh").when
    assert span.bounds[0] == parse_date("康熙元年", "zh").when.bounds[0]
    assert span.bounds[1] == parse_date("康熙十年", "zh").when.bounds[1]
    assert parse_date("约光绪二十六年", "zh").when.is_approximate


def _regular(jdn: int) -> bool:
    try:
        _lunar.from_jdn(jdn)
    except InvalidDate:
        return False
    return True


lunar_days = st.integers(
    _lunar.year_span(_lunar.FIRST_YEAR)[0], _lunar.year_span(_lunar.LAST_YEAR)[1]
).filter(_regular)


def test_years_with_months_counted_otherwise_are_refused() -> None:
    """武周's 建子 years (689-700) do not read back through sxtwl, so they are refused."""
    with pytest.raises(InvalidDate, match="武周 counted months from 建子"):
        parse_date("农历696年正月初一", "zh")


@given(lunar_days)
def test_lunar_gregorian_round_trip(jdn: int) -> None:
    """Every day of the covered range reads back from its lunar date."""
    assert _lunar.to_jdn(_lunar.from_jdn(jdn)) == jdn


@given(lunar_days, lunar_days)
def test_lunar_dates_order_as_their_days(a: int, b: int) -> None:
    """The lunar calendar's order (year, month, leap after its month, day) is the days' order."""
    la, lb = _lunar.from_jdn(a), _lunar.from_jdn(b)
    key_a = (la.year, la.month, la.leap, la.day)
    key_b = (lb.year, lb.month, lb.leap, lb.day)
    assert (key_a < key_b) == (a < b)


@given(st.integers(1662, 1722), st.integers(1662, 1722))
def test_era_years_sort_in_time(a: int, b: int) -> None:
    """Era years read as values sort like the years they name (total order of When)."""
    when_a = parse_date(f"康熙{a - 1661}年", "zh").when
    when_b = parse_date(f"康熙{b - 1661}年", "zh").when
    assert (when_a < when_b) == (a < b)
    assert (when_a == when_b) == (a == b)


@pytest.mark.parametrize(
    ("phrase", "era", "both_en"),
    [
        ("康熙五十年三月", "康熙五十年三月", "康熙五十年三月 (18 April – 16 May 1711)"),
        ("乾隆十九年闰四月初三", "乾隆十九年闰四月初三", "乾隆十九年闰四月初三 (24 May 1754)"),
        ("康熙二十八年", "康熙二十八年", "康熙二十八年 (21 January 1689 – 8 February 1690)"),
        ("宣统三年十二月廿五", "宣统三年十二月廿五", "宣统三年十二月廿五 (12 February 1912)"),
        ("明天顺元年", "明天顺元年", None),  # the 元 had a 天顺 too
        ("明天启六年三月", "后金天命十一年三月、明天启六年三月", None),  # two regimes
        ("唐贞观三年三月十五日", "唐贞观三年三月十五", None),  # 西夏 had a 贞观 too
    ],
)
def test_format_date_shows_the_era_reading(phrase: str, era: str, both_en: str | None) -> None:
    """reading="era" writes a lunar day, month or era year as the sources do; it reads back."""
    when = parse_date(phrase, "zh").when
    assert format_date(when, "zh", reading="era") == era
    for part in era.split("、"):
        assert parse_date(part, "zh").when == when
    zh = format_date(when, "zh", reading="both")
    assert zh == f"{era}（{format_date(when, 'zh')}）"
    if both_en is not None:
        assert format_date(when, "en", reading="both") == both_en
    assert format_date(when, "ru", reading="era") == era


@pytest.mark.parametrize(
    "edtf",
    ["1711-04-18/1711-05-17", "1711-04", "1969-03-02~", "1711-04-18/..", "-0300-01-01", "1600?"],
)
def test_format_date_without_an_era_reading_shows_the_calendar_date(edtf: str) -> None:
    """A span that is no lunar day, month or era year, or lies outside the table, is shown as is."""
    when = parse_edtf(edtf)
    assert format_date(when, "zh", reading="era") == format_date(when, "zh")
    assert format_date(when, "en", reading="both") == format_date(when, "en")


def test_format_date_refuses_an_unknown_reading() -> None:
    """reading is one of gregorian, era, both."""
    with pytest.raises(DateError, match="reading 'lunar' is not one of gregorian, era, both"):
        format_date(parse_edtf("1969"), reading="lunar")


def test_days_before_the_lunar_range_are_refused_not_crashed_on() -> None:
    """sxtwl crashes on some days before 102 BCE: they are refused before it is asked."""
    for day in range(1, 32):
        with pytest.raises(InvalidDate, match="lunar years 102 BCE to 2200 are covered"):
            _lunar.from_jdn(julian_to_jdn(-198, 10, day))


@settings(max_examples=300, deadline=None)
@given(st.integers(gregorian_to_jdn(1368, 2, 1), gregorian_to_jdn(1911, 12, 31)))
def test_era_reading_of_a_day_reads_back(jdn: int) -> None:
    """Every day of the Ming and Qing, written as its era day, reads back to itself."""
    y, m, d = jdn_to_gregorian(jdn)
    day = HistoricalDate(y, m, d)
    era = format_date(day, "zh", reading="era")
    for part in era.split("、"):
        assert parse_date(part, "zh").when.bounds == day.bounds
