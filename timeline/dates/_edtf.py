"""EDTF text to date values and back: :func:`parse_edtf`, :func:`format_edtf`.

A small hand-written reader (faster and stricter than the ``edtf`` package):
level 0 and 1 in full, and from level 2 sets and sub-year groupings 25–41.
A Julian-calendar value is written as plain EDTF for its Gregorian span,
then `` julian=`` and the value as written in the Julian calendar::

    1917-11-07 julian=1917-10-25
    1917-10-14/1917-11-13 julian=1917-10
    1917-11-07/1918-03 julian=1917-10-25/
"""

from __future__ import annotations

import functools
import re

import attrs

from timeline.dates._calendars import jdn_to_gregorian
from timeline.dates._model import (
    Boundless,
    DateInterval,
    DateSet,
    HistoricalDate,
    When,
    date_edtf,
)
from timeline.errors import InvalidDate, UnparsableDate

__all__ = ["format_edtf", "parse_edtf"]

_DAY = re.compile(r"(\d{4})-(\d\d)-(\d\d)")
_DATE = re.compile(
    r"""
    (?P<year>Y-?\d+|-?\d{4}|-?\d{3}X|-?\d\dXX|-?\dXXX)
    (?:-(?P<month>\d\d|XX|[01]X)
      (?:-(?P<day>\d\d|XX|[0-3]X)
        (?:T(?P<hour>\d\d):(?P<minute>\d\d):(?P<second>\d\d)
           (?P<tz>Z|[+-]\d\d(?::?\d\d)?)?
        )?
      )?
    )?
    (?P<qualifier>[?~%]*)
    """,
    re.VERBOSE,
)
_JULIAN = " julian="
# More digits than any year within MIN_BOUND..MAX_BOUND; int() of more may refuse.
_MAX_YEAR_DIGITS = 20


@functools.lru_cache(maxsize=65536)
def parse_edtf(text: str, calendar: str = "gregorian") -> When:
    """Read EDTF text; raises :class:`UnparsableDate` or :class:`InvalidDate`.

    ``calendar="julian"`` reads a plain date or interval as written in the
    Julian calendar (``1900-02-29`` is then a Julian leap day, 13 March 1900).
    """
    if not isinstance(text, str):
        raise UnparsableDate(f"{text!r}: EDTF must be a string")
    if calendar not in ("gregorian", "julian"):
        raise InvalidDate(f"unknown calendar {calendar!r}; use 'gregorian' or 'julian'")
    match = _DAY.fullmatch(text)
    if match:
        year, month, day = match.groups()
        return HistoricalDate(int(year), _num(text, month), _num(text, day), calendar=calendar)
    stripped = text.strip()
    if not stripped:
        raise UnparsableDate(f"{text!r}: empty text is not a date")
    try:
        if _JULIAN in stripped:
            return _parse_julian(stripped)
        if stripped[0] in "[{":
            if calendar == "julian":
                raise InvalidDate(f"{stripped}: a set cannot be given in the Julian calendar")
            return _parse_set(stripped)
        if "/" in stripped:
            return _parse_interval(stripped, calendar)
        return _parse_date(stripped, calendar)
    except InvalidDate as exc:
        message = str(exc)
        if not message.startswith(stripped):
            message = f"{stripped}: {message}"
        raise InvalidDate(message) from None


def _num(text: str, digits: str) -> int:
    value = int(digits)
    if value == 0:
        raise InvalidDate(f"{text}: month and day numbers start at 01, not 00")
    return value


def _parse_date(text: str, calendar: str = "gregorian") -> HistoricalDate:
    match = _DATE.fullmatch(text)
    if match is None:
        raise UnparsableDate(_why_not(text))
    g = match.groupdict()
    qualifier = g["qualifier"]
    if len(qualifier) > 1:
        raise UnparsableDate(
            f"{text}: malformed qualifier {qualifier!r}: use one of '?' (uncertain), "
            "'~' (approximate) or '%' (both)"
        )
    raw_year = g["year"]
    year_x = raw_year.count("X")
    if raw_year.startswith("Y"):
        raw_year = raw_year[1:]
        if len(raw_year.lstrip("-")) > _MAX_YEAR_DIGITS:
            raise InvalidDate(
                f"{text[:40]}...: a year of {len(raw_year.lstrip('-'))} digits is beyond "
                "the dates this library can hold"
            )
    year = int(raw_year.replace("X", "0"))
    month = day = 0
    month_x = day_x = 0
    if g["month"] == "XX":
        month_x = 2
    elif g["month"] and g["month"].endswith("X"):  # 1984-1X: October to December
        month_x, month = 1, int(g["month"][0]) * 10
    elif g["month"]:
        month = _num(text, g["month"])
    if g["day"] == "XX":
        day_x = 2
    elif g["day"] and g["day"].endswith("X"):  # 2019-06-1X: the 10th to the 19th
        day_x, day = 1, int(g["day"][0]) * 10
    elif g["day"]:
        day = _num(text, g["day"])
    time = None
    offset = None
    if g["hour"]:
        time = (int(g["hour"]), int(g["minute"]), int(g["second"]))
        tz = g["tz"]
        if tz == "Z":
            offset = 0
        elif tz:
            sign = -1 if tz[0] == "-" else 1
            digits = tz[1:].replace(":", "")
            hours, minutes = int(digits[:2]), int(digits[2:] or 0)
            if minutes > 59:
                raise InvalidDate(f"{text}: UTC offset {tz} has {minutes} minutes")
            offset = sign * (hours * 60 + minutes)
    return HistoricalDate(
        year,
        month,
        day,
        year_x=year_x,
        month_x=month_x,
        day_x=day_x,
        time=time,
        offset=offset,
        qualifier=qualifier,
        calendar=calendar,
    )


def _why_not(text: str) -> str:
    head = re.match(r"-?\d{4}(-\d\d){0,2}", text)
    if head and re.fullmatch(r"[?~%!*#^ ]+", text[head.end() :]):
        return (
            f"{text}: malformed qualifier {text[head.end() :]!r}: use one of '?' "
            "(uncertain), '~' (approximate) or '%' (both)"
        )
    if re.fullmatch(r"-?\d{1,3}", text):
        return f"{text}: EDTF years have four digits (write {int(text):04d})"
    return f"{text}: not an EDTF date (expected YYYY, YYYY-MM, YYYY-MM-DD, an interval or a set)"


def _end(text: str, calendar: str = "gregorian") -> HistoricalDate | Boundless:
    if text == "..":
        return Boundless.OPEN
    if text == "":
        return Boundless.UNKNOWN
    return _parse_date(text, calendar)


def _parse_interval(text: str, calendar: str = "gregorian") -> DateInterval:
    parts = text.split("/")
    if len(parts) != 2:
        raise UnparsableDate(f"{text}: an interval has exactly one '/'")
    return DateInterval(_end(parts[0], calendar), _end(parts[1], calendar))


def _parse_set(text: str) -> DateSet:
    close = "]" if text[0] == "[" else "}"
    if text[-1] != close:
        raise UnparsableDate(f"{text}: a set opened with {text[0]!r} must close with {close!r}")
    body = text[1:-1]
    items = [item.strip() for item in body.split(",")]
    if not body.strip() or any(not item for item in items):
        raise UnparsableDate(f"{text}: empty member in a set")
    members: list[HistoricalDate | DateInterval] = []
    for item in items:
        if ".." in item:
            start, _, end = item.partition("..")
            if ".." in end or (not start and not end):
                raise UnparsableDate(f"{text}: malformed range {item!r} in a set")
            members.append(
                DateInterval(
                    _parse_date(start) if start else Boundless.OPEN,
                    _parse_date(end) if end else Boundless.OPEN,
                )
            )
        else:
            members.append(_parse_date(item))
    return DateSet(tuple(members), all_of=close == "}")


def _parse_julian(text: str) -> When:
    gregorian_text, _, julian_text = text.partition(_JULIAN)
    gregorian = parse_edtf(gregorian_text)
    value: When
    if "/" in julian_text:
        start_text, _, end_text = julian_text.partition("/")
        if not isinstance(gregorian, DateInterval):
            raise UnparsableDate(f"{text}: a Julian interval needs a Gregorian interval before it")
        start = _parse_date(start_text, "julian") if start_text else gregorian.start
        end = _parse_date(end_text, "julian") if end_text else gregorian.end
        value = DateInterval(start, end)
    else:
        value = _parse_date(julian_text, "julian")
    expected = format_edtf(value)
    if expected != text:
        raise InvalidDate(
            f"{text}: the Gregorian part does not match the Julian date (expected {expected})"
        )
    return value


def format_edtf(when: When) -> str:
    """Canonical EDTF text; ``parse_edtf(format_edtf(w)) == w``."""
    if isinstance(when, HistoricalDate):
        if when.calendar == "julian":
            return f"{_gregorian_span(when)}{_JULIAN}{date_edtf(when)}"
        return date_edtf(when)
    if isinstance(when, DateInterval):
        if when.calendar == "julian":
            return f"{_interval_text(when, gregorian=True)}{_JULIAN}{_julian_ends(when)}"
        return _interval_text(when, gregorian=False)
    open_, close = ("{", "}") if when.all_of else ("[", "]")
    parts = []
    for member in when.members:
        if isinstance(member, DateInterval):
            start = "" if member.start is Boundless.OPEN else _plain(member.start)
            end = "" if member.end is Boundless.OPEN else _plain(member.end)
            parts.append(f"{start}..{end}")
        else:
            parts.append(date_edtf(member))
    return open_ + ",".join(parts) + close


def _plain(end: HistoricalDate | Boundless) -> str:
    return date_edtf(end) if isinstance(end, HistoricalDate) else end.value


def _day_text(jdn: int, qualifier: str) -> str:
    year, month, day = jdn_to_gregorian(jdn)
    return date_edtf(HistoricalDate(year, month, day, qualifier=qualifier))


def _gregorian_span(d: HistoricalDate) -> str:
    lower, upper = d.bounds
    if lower == upper:
        return _day_text(lower, d.qualifier)
    return f"{_day_text(lower, d.qualifier)}/{_day_text(upper, d.qualifier)}"


def _gregorian_end(end: HistoricalDate | Boundless, first: bool) -> str:
    if not isinstance(end, HistoricalDate):
        return end.value
    if end.calendar != "julian":
        return date_edtf(end)
    return _day_text(end.bounds[0] if first else end.bounds[1], end.qualifier)


def _interval_text(i: DateInterval, gregorian: bool) -> str:
    if gregorian:
        return f"{_gregorian_end(i.start, True)}/{_gregorian_end(i.end, False)}"
    return f"{_plain(i.start)}/{_plain(i.end)}"


def _julian_ends(i: DateInterval) -> str:
    def one(end: HistoricalDate | Boundless) -> str:
        return (
            date_edtf(end) if isinstance(end, HistoricalDate) and end.calendar == "julian" else ""
        )

    return f"{one(i.start)}/{one(i.end)}"


def plain_edtf(when: When) -> str:
    """Plain EDTF without the Julian note: a Julian value becomes its Gregorian span."""
    text = format_edtf(when)
    return text.partition(_JULIAN)[0]


def to_gregorian(d: HistoricalDate) -> HistoricalDate:
    """A Julian-calendar day as the same day in the Gregorian calendar."""
    if d.calendar == "gregorian":
        return d
    if d.precision != "day":
        raise InvalidDate(f"{format_edtf(d)}: only a day converts to one Gregorian date")
    year, month, day = jdn_to_gregorian(d.bounds[0])
    return attrs.evolve(d, year=year, month=month, day=day, calendar="gregorian")
