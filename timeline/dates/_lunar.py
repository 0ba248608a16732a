"""The Chinese lunisolar calendar (农历), through ``sxtwl`` (the only module importing it).

sxtwl ports 许剑伟's 寿星天文历: new moons and solar terms computed
astronomically, with the historical corrections for the calendars actually in
use before 1645. Days here are Julian Day Numbers like everywhere in
:mod:`timeline.dates._calendars`; a lunar year is numbered by the Gregorian (before
1582: Julian) year in which its 正月 mostly falls. Covered: lunar years
:data:`FIRST_YEAR` to :data:`LAST_YEAR` (before 103 BCE the months were not
numbered from 正月, so sxtwl's numbering would mislead).
"""

from __future__ import annotations

import attrs
import sxtwl

from timeline.dates._calendars import (
    gregorian_to_jdn,
    jdn_to_gregorian,
    jdn_to_julian,
    julian_to_jdn,
)
from timeline.errors import InvalidDate

__all__ = [
    "FIRST_YEAR",
    "IRREGULAR",
    "LAST_YEAR",
    "LunarDate",
    "from_jdn",
    "leap_month",
    "month_span",
    "sexagenary",
    "to_jdn",
    "year_span",
]

#: First and last lunar years read (astronomical: -101 is 102 BCE).
FIRST_YEAR = -101
LAST_YEAR = 2200

_STEMS = "甲乙丙丁戊己庚辛壬癸"
_BRANCHES = "子丑寅卯辰巳午未申酉戌亥"
#: First day the Gregorian calendar was in use (15 October 1582).
_GREGORIAN_START = gregorian_to_jdn(1582, 10, 15)


@attrs.frozen
class LunarDate:
    """A day of the lunar calendar: year, month 1-12, day 1-30, and whether the month is 闰."""

    year: int
    month: int
    day: int
    leap: bool = False


def sexagenary(year: int) -> str:
    """The stem-branch (干支) name of a lunar year: 1900 is 庚子."""
    return _STEMS[(year - 4) % 10] + _BRANCHES[(year - 4) % 12]


#: Lunar years whose months were counted from another month than 寅 (建丑, 建子):
#: sxtwl names their months in a way that does not read back, so they are refused.
IRREGULAR = (
    (9, 23, "王莽's 新 counted months from 建丑"),
    (237, 239, "魏明帝's 景初 calendar counted months from 建丑"),
    (689, 700, "武周 counted months from 建子"),
    (762, 762, "唐肃宗 counted months from 建子"),
)


def _check_year(year: int, what: str) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InvalidDate(
            f"{what}: lunar years {_year_label(FIRST_YEAR)} to {LAST_YEAR} are covered, "
            f"not {_year_label(year)}"
        )
    for first, last, why in IRREGULAR:
        if first <= year <= last:
            raise InvalidDate(f"{what}: not read, because {why} in {first}-{last}")


def _year_label(year: int) -> str:
    return f"{1 - year} BCE" if year <= 0 else str(year)


def leap_month(year: int) -> int:
    """The month a lunar year repeats as 闰月, or 0 when it has none."""
    _check_year(year, f"lunar year {_year_label(year)}")
    return int(sxtwl.getRunMonth(year))


def _day_jdn(day: sxtwl.Day) -> int:
    fields = (day.getSolarYear(), day.getSolarMonth(), day.getSolarDay())
    jdn = gregorian_to_jdn(*fields)
    return jdn if jdn >= _GREGORIAN_START else julian_to_jdn(*fields)


def to_jdn(date: LunarDate) -> int:
    """The day a lunar date falls on; raises :class:`InvalidDate` if it does not exist."""
    year = _year_label(date.year)
    _check_year(date.year, f"lunar year {year}")
    if not 1 <= date.month <= 12:
        raise InvalidDate(f"lunar month {date.month}: months are 1-12 (正月 to 腊月)")
    found = leap_month(date.year)
    if date.leap and found != date.month:
        has = f"its leap month is 闰{found}月" if found else "it has no leap month"
        raise InvalidDate(f"the lunar year {year} has no 闰{date.month}月: {has}")
    length = int(sxtwl.getLunarMonthNum(date.year, date.month, date.leap))
    if not 1 <= date.day <= length:
        name = f"{'闰' if date.leap else ''}{date.month}月"
        raise InvalidDate(f"{name} of the lunar year {year} has {length} days, not {date.day}")
    return _day_jdn(sxtwl.fromLunar(date.year, date.month, date.day, date.leap))


def from_jdn(jdn: int) -> LunarDate:
    """The lunar date of a day (a Julian Day Number)."""
    y, m, d = jdn_to_gregorian(jdn) if jdn >= _GREGORIAN_START else jdn_to_julian(jdn)
    if not FIRST_YEAR <= y <= LAST_YEAR + 1:  # sxtwl crashes on some days before 102 BCE
        _check_year(y, f"day {y}-{m:02d}-{d:02d}")
    day = sxtwl.fromSolar(y, m, d)
    found = LunarDate(
        day.getLunarYear(), day.getLunarMonth(), day.getLunarDay(), bool(day.isLunarLeap())
    )
    _check_year(found.year, f"day {y}-{m:02d}-{d:02d}")
    return found


def month_span(year: int, month: int, leap: bool = False) -> tuple[int, int]:
    """First and last day (JDN) of a lunar month."""
    first = to_jdn(LunarDate(year, month, 1, leap))
    return first, first + int(sxtwl.getLunarMonthNum(year, month, leap)) - 1


def year_span(year: int) -> tuple[int, int]:
    """First day (正月初一) and last day (除夕) of a lunar year, as JDN."""
    first = to_jdn(LunarDate(year, 1, 1))
    return first, _day_jdn(sxtwl.fromLunar(year + 1, 1, 1, False)) - 1
