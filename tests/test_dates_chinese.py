"""Chinese calendars: reign eras, the Republic, lunar dates and festivals."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from timeline import AmbiguousDate, ContradictoryDate, InvalidDate, UnknownEra, UnparsableDate
from timeline.dates import _lunar, gregorian_to_jdn, julian_to_jdn, parse_date

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
