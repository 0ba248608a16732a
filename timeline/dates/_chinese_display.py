"""A date as Chinese sources write it: the reign era and the lunar month and day.

:func:`era_reading` gives 康熙五十年三月 for the days of that lunar month, the
reading :mod:`timeline.dates._phrases_zh_calendars` reads back. A value that is
not a whole lunar day, month or era year, or that falls outside the era table
or the lunar calendar's range, has none.
"""

from __future__ import annotations

from timeline.dates import _lunar
from timeline.dates._eras import Era, eras_in_use, eras_named
from timeline.dates._model import DateInterval, HistoricalDate, When
from timeline.errors import InvalidDate

__all__ = ["era_reading"]

_DIGITS = "〇一二三四五六七八九"


def _number(n: int) -> str:
    """1-99 in Chinese numerals: 三, 十五, 二十, 六十一."""
    tens, ones = divmod(n, 10)
    if not tens:
        return _DIGITS[ones]
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")


def _year(era: Era, year: int) -> str:
    """The era year: 元年, 五十年."""
    number = year - era.first[0] + 1
    return f"{'元' if number == 1 else _number(number)}年"


def _month(month: int, leap: bool) -> str:
    return ("闰" if leap else "") + ("正" if month == 1 else _number(month)) + "月"


def _day(day: int) -> str:
    if day <= 10:
        return "初" + _number(day)
    if 20 < day < 30:
        return "廿" + _DIGITS[day - 20]
    return _number(day)


def _span(when: When) -> tuple[int, int] | None:
    if isinstance(when, HistoricalDate) and not when.qualifier:
        return when.bounds
    if isinstance(when, DateInterval) and not when.is_approximate and not when.is_uncertain:
        ends = when.dates
        if len(ends) == 2:
            return when.bounds
    return None


def era_reading(when: When) -> str | None:
    """康熙五十年三月 for the days of that lunar month; ``None`` when there is none.

    A day gives its lunar day (乾隆十九年闰四月初三), a lunar month's days the
    month, and an era's part of a lunar year the era year (康熙二十八年). When
    several regimes had eras in use (明 and 后金 from 1616), each is given with
    its dynasty, joined by 、; so is an era whose name others used (明天顺元年).
    """
    span = _span(when)
    if span is None:
        return None
    first, last = span
    try:
        day = _lunar.from_jdn(first)
        month_days = _lunar.month_span(day.year, day.month, day.leap)
    except InvalidDate:
        return None
    eras = eras_in_use(day.year, day.month)
    if not eras:
        return None
    if first == last:
        tail = _month(day.month, day.leap) + _day(day.day)
    elif (first, last) == month_days:
        tail = _month(day.month, day.leap)
    else:  # an era year: the eras whose part of the lunar year these days are
        eras = tuple(era for era in eras if era.year_span(day.year) == (first, last))
        if not eras:
            return None
        tail = ""
    readings: dict[tuple[str, int], Era] = {}
    for era in eras:  # 吴越 counted the 宋's 太平兴国: one reading
        readings.setdefault((era.name, era.first[0]), era)
    several = len(readings) > 1
    return "、".join(
        _named(era, several) + _year(era, day.year) + tail for era in readings.values()
    )


def _named(era: Era, several: bool) -> str:
    """The era's name, after its dynasty where the name alone would not tell which era."""
    return era.dynasties[0] + era.name if several or len(eras_named(era.name)) > 1 else era.name
