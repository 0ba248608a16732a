"""Day arithmetic in the proleptic Gregorian and Julian calendars.

Days are Julian Day Numbers (JDN, whole numbers; JDN 2440588 is 1970-01-01
Gregorian). Years are astronomical: year 0 is 1 BCE, year -1 is 2 BCE. The
formulas are integer-only and work for any year, so 3000 BCE is as easy as
2022. ``convertdate`` computes the same numbers; the tests check one against the
other.
"""

from __future__ import annotations

__all__ = [
    "days_in_month",
    "gregorian_to_jdn",
    "is_leap_year",
    "jdn_to_gregorian",
    "jdn_to_iso",
    "jdn_to_julian",
    "julian_to_jdn",
]

_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def is_leap_year(year: int, calendar: str = "gregorian") -> bool:
    """Whether an astronomical ``year`` has 29 February in ``calendar``."""
    if calendar == "julian":
        return year % 4 == 0
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def days_in_month(year: int, month: int, calendar: str = "gregorian") -> int:
    """How many days ``month`` (1–12) of astronomical ``year`` has in ``calendar``."""
    if month == 2 and is_leap_year(year, calendar):
        return 29
    return _MONTH_DAYS[month - 1]


def gregorian_to_jdn(year: int, month: int, day: int) -> int:
    """The Julian Day Number of a proleptic Gregorian date."""
    a = (14 - month) // 12
    y = year + 4800 - a
    m = month + 12 * a - 3
    return day + (153 * m + 2) // 5 + 365 * y + y // 4 - y // 100 + y // 400 - 32045


def julian_to_jdn(year: int, month: int, day: int) -> int:
    """The Julian Day Number of a (proleptic) Julian-calendar date."""
    a = (14 - month) // 12
    y = year + 4800 - a
    m = month + 12 * a - 3
    return day + (153 * m + 2) // 5 + 365 * y + y // 4 - 32083


def jdn_to_gregorian(jdn: int) -> tuple[int, int, int]:
    """The proleptic Gregorian ``(astronomical year, month, day)`` of a JDN."""
    a = jdn + 32044
    b = (4 * a + 3) // 146097
    c = a - 146097 * b // 4
    d = (4 * c + 3) // 1461
    e = c - 1461 * d // 4
    m = (5 * e + 2) // 153
    day = e - (153 * m + 2) // 5 + 1
    month = m + 3 - 12 * (m // 10)
    year = 100 * b + d - 4800 + m // 10
    return year, month, day


def jdn_to_julian(jdn: int) -> tuple[int, int, int]:
    """The Julian-calendar ``(astronomical year, month, day)`` of a JDN."""
    c = jdn + 32082
    d = (4 * c + 3) // 1461
    e = c - 1461 * d // 4
    m = (5 * e + 2) // 153
    day = e - (153 * m + 2) // 5 + 1
    month = m + 3 - 12 * (m // 10)
    year = d - 4800 + m // 10
    return year, month, day


def jdn_to_iso(jdn: int) -> str:
    """A JDN as an ISO 8601 Gregorian day, astronomical years (``-0220-01-01``)."""
    year, month, day = jdn_to_gregorian(jdn)
    sign = "-" if year < 0 else ""
    return f"{sign}{abs(year):04d}-{month:02d}-{day:02d}"
