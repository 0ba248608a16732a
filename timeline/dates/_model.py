"""The date values: :class:`HistoricalDate`, :class:`DateInterval`, :class:`DateSet`.

Every value knows its inclusive ``bounds`` as proleptic-Gregorian Julian Day
Numbers (open or unknown ends are :data:`MIN_BOUND` / :data:`MAX_BOUND`) and a
``sort_key`` giving one total order: by lower bound, then wider first, then by
time of day (UTC) and canonical EDTF.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Any

import attrs

from timeline.dates._calendars import days_in_month, gregorian_to_jdn, julian_to_jdn
from timeline.errors import InvalidDate

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = [
    "MAX_BOUND",
    "MIN_BOUND",
    "MONTH_NAMES",
    "Boundless",
    "DateInterval",
    "DateSet",
    "HistoricalDate",
    "When",
]

#: The lower bound of an open or unknown start (fits in a SQLite INTEGER).
MIN_BOUND = -(2**53)
#: The upper bound of an open or unknown end.
MAX_BOUND = 2**53

#: Largest absolute astronomical year accepted (keeps every bound far inside ±2**53).
MAX_YEAR = 999_999_999

MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

#: Sub-year groupings 21–41: (first month, last month); a last month above 12
#: runs into the next year (winter: December to February).
GROUPINGS: dict[int, tuple[int, int]] = {
    21: (3, 5),  # spring
    22: (6, 8),  # summer
    23: (9, 11),  # autumn
    24: (12, 14),  # winter
    25: (3, 5),  # spring, northern hemisphere
    26: (6, 8),
    27: (9, 11),
    28: (12, 14),
    29: (9, 11),  # spring, southern hemisphere
    30: (12, 14),
    31: (3, 5),
    32: (6, 8),
    33: (1, 3),  # quarters
    34: (4, 6),
    35: (7, 9),
    36: (10, 12),
    37: (1, 4),  # quadrimesters
    38: (5, 8),
    39: (9, 12),
    40: (1, 6),  # semesters (halves)
    41: (7, 12),
}

_QUALIFIERS = ("", "?", "~", "%")
_CALENDARS = ("gregorian", "julian")
_PRECISION_RANK = {
    "second": 0,
    "day": 1,
    "month": 2,
    "quadrimester": 3,
    "season": 3,
    "quarter": 3,
    "half": 4,
    "year": 5,
    "decade": 6,
    "century": 7,
    "millennium": 8,
}


class Boundless(enum.Enum):
    """An interval end that is not a date: open (``..``) or unknown (empty)."""

    OPEN = ".."
    UNKNOWN = ""


class _Ordered:
    """``<`` and friends through ``sort_key``, across all date value types."""

    __slots__ = ()

    sort_key: Any

    def _cmp(self, other: object, op: Callable[[Any, Any], bool]) -> bool:
        if not isinstance(other, HistoricalDate | DateInterval | DateSet):
            return NotImplemented  # type: ignore[no-any-return]
        return bool(op(self.sort_key, other.sort_key))

    def __lt__(self, other: object) -> bool:
        return self._cmp(other, lambda a, b: a < b)

    def __le__(self, other: object) -> bool:
        return self._cmp(other, lambda a, b: a <= b)

    def __gt__(self, other: object) -> bool:
        return self._cmp(other, lambda a, b: a > b)

    def __ge__(self, other: object) -> bool:
        return self._cmp(other, lambda a, b: a >= b)


def date_edtf(d: HistoricalDate) -> str:
    """The EDTF text of one date's fields, as written in its own calendar."""
    text = _year_text(d)
    if d.year_x and not text.startswith("Y"):
        text = text[: -d.year_x] + "X" * d.year_x
    if d.month_x == 2:
        text += "-XX"
    elif d.month_x:
        text += f"-{d.month // 10}X"
    elif d.month:
        text += f"-{d.month:02d}"
    if d.day_x == 2:
        text += "-XX"
    elif d.day_x:
        text += f"-{d.day // 10}X"
    elif d.day:
        text += f"-{d.day:02d}"
    if d.time is not None:
        text += "T{:02d}:{:02d}:{:02d}".format(*d.time)
        if d.offset is not None:
            if d.offset == 0:
                text += "Z"
            else:
                sign = "-" if d.offset < 0 else "+"
                text += f"{sign}{abs(d.offset) // 60:02d}:{abs(d.offset) % 60:02d}"
    return text + d.qualifier


def _label(d: HistoricalDate) -> str:
    text = date_edtf(d)
    return f"{text} (Julian calendar)" if d.calendar == "julian" else text


def _day_digits(value: int) -> int:
    """``day_x`` or ``month_x`` as a count of digits: ``True`` (the whole field, XX) is 2."""
    return 2 if value is True else int(value)


@attrs.frozen(order=False)
class HistoricalDate(_Ordered):
    """An instant known to some precision: a year, month, day or second.

    ``year`` is astronomical (0 is 1 BCE). ``month`` is 0 (not given), 1–12, or
    a sub-year grouping 21–41 (seasons, quarters, quadrimesters, halves).
    ``year_x`` counts unspecified trailing year digits (``199X`` is 1990 with
    ``year_x=1``); ``month_x`` and ``day_x`` count the month's and the day's
    unspecified digits: 2 (or ``True``) for ``XX``, 1 for one digit with the
    field holding the tens (``1984-1X`` is month 10, ``month_x=1``: October to
    December; ``1984-0X`` is month 0: January to September; ``2019-06-1X`` is
    day 10, ``day_x=1``). ``time`` is
    ``(hour, minute, second)`` local to ``offset`` (minutes east of UTC, or
    ``None`` when not given). ``qualifier`` is ``""``, ``"?"``, ``"~"`` or
    ``"%"``. ``calendar`` is the calendar the fields are written in.
    """

    year: int
    month: int = 0
    day: int = 0
    year_x: int = 0
    month_x: int = attrs.field(default=0, converter=_day_digits)
    day_x: int = attrs.field(default=0, converter=_day_digits)
    time: tuple[int, int, int] | None = None
    offset: int | None = None
    qualifier: str = ""
    calendar: str = "gregorian"
    _lower: int = attrs.field(init=False, eq=False, repr=False, hash=False, default=0)
    _upper: int = attrs.field(init=False, eq=False, repr=False, hash=False, default=0)

    def __attrs_post_init__(self) -> None:
        lower, upper = _check_and_bound(self)
        object.__setattr__(self, "_lower", lower)
        object.__setattr__(self, "_upper", upper)

    @property
    def bounds(self) -> tuple[int, int]:
        """Inclusive (first day, last day) as proleptic-Gregorian JDN."""
        return self._lower, self._upper

    @property
    def sort_key(self) -> tuple[int, int, int, str]:
        """Lower bound, then wider first, then UTC time of day, then EDTF."""
        from timeline.dates._edtf import format_edtf

        return (self._lower, -self._upper, self._seconds(), format_edtf(self))

    def _seconds(self) -> int:
        if self.time is None:
            return -(10**6)
        hour, minute, second = self.time
        return hour * 3600 + minute * 60 + second - (self.offset or 0) * 60

    @property
    def is_approximate(self) -> bool:
        """Marked ``~`` or ``%`` (circa)."""
        return self.qualifier in ("~", "%")

    @property
    def is_uncertain(self) -> bool:
        """Marked ``?`` or ``%``."""
        return self.qualifier in ("?", "%")

    @property
    def precision(self) -> str:
        """The finest unit the date is known to: ``"year"``, ``"month"``, ``"day"``, ..."""
        if self.time is not None:
            return "second"
        if self.year_x:
            return ("decade", "century", "millennium")[self.year_x - 1]
        if self.month == 0 or self.month_x:
            return "year"
        if self.month > 12:
            if self.month <= 32:
                return "season"
            if self.month <= 36:
                return "quarter"
            return "quadrimester" if self.month <= 39 else "half"
        if self.day == 0 or self.day_x:
            return "month"
        return "day"

    @property
    def is_bce(self) -> bool:
        """Whether the date lies before 1 CE (astronomical year 0 or less)."""
        return self.year <= 0


@attrs.frozen(order=False)
class DateInterval(_Ordered):
    """From ``start`` to ``end``; either end may be :class:`Boundless`."""

    start: HistoricalDate | Boundless
    end: HistoricalDate | Boundless
    _lower: int = attrs.field(init=False, eq=False, repr=False, hash=False, default=0)
    _upper: int = attrs.field(init=False, eq=False, repr=False, hash=False, default=0)

    def __attrs_post_init__(self) -> None:
        start, end = self.start, self.end
        if not isinstance(start, HistoricalDate) and not isinstance(end, HistoricalDate):
            raise InvalidDate(
                f"{start.value}/{end.value}: an interval needs a date at one end at least"
            )
        if isinstance(start, HistoricalDate) and isinstance(end, HistoricalDate):
            if start.bounds[0] > end.bounds[1]:
                raise InvalidDate(
                    f"{_label(start)}/{_label(end)}: the interval starts after it ends"
                )
            lower = min(start.bounds[0], end.bounds[0])
            upper = max(start.bounds[1], end.bounds[1])
        elif isinstance(start, HistoricalDate):
            lower, upper = start.bounds[0], MAX_BOUND
        else:
            assert isinstance(end, HistoricalDate)
            lower, upper = MIN_BOUND, end.bounds[1]
        object.__setattr__(self, "_lower", lower)
        object.__setattr__(self, "_upper", upper)

    @property
    def dates(self) -> tuple[HistoricalDate, ...]:
        """The ends that are dates."""
        return tuple(e for e in (self.start, self.end) if isinstance(e, HistoricalDate))

    @property
    def bounds(self) -> tuple[int, int]:
        """Inclusive (lower, upper) JDN; open or unknown ends give MIN/MAX_BOUND."""
        return self._lower, self._upper

    @property
    def sort_key(self) -> tuple[int, int, int, str]:
        """Lower bound, then wider first, then canonical EDTF."""
        from timeline.dates._edtf import format_edtf

        first = self.dates[0]._seconds() if isinstance(self.start, HistoricalDate) else -(10**6)
        return (self._lower, -self._upper, first, format_edtf(self))

    @property
    def is_approximate(self) -> bool:
        """Either end is approximate."""
        return any(d.is_approximate for d in self.dates)

    @property
    def is_uncertain(self) -> bool:
        """Either end is uncertain."""
        return any(d.is_uncertain for d in self.dates)

    @property
    def precision(self) -> str:
        """The coarser precision of the two ends."""
        return _coarsest(self.dates)

    @property
    def calendar(self) -> str:
        """``"julian"`` if either end was written in the Julian calendar."""
        return "julian" if any(d.calendar == "julian" for d in self.dates) else "gregorian"


@attrs.frozen(order=False)
class DateSet(_Ordered):
    """EDTF level 2 set: one of (``[...]``) or all of (``{...}``) its members.

    A member is a date or a range (a :class:`DateInterval`, written ``a..b``);
    the first member may be open at its start (``..x``: x or earlier), the last
    open at its end (``x..``: x or later).
    """

    members: tuple[HistoricalDate | DateInterval, ...]
    all_of: bool = False
    _lower: int = attrs.field(init=False, eq=False, repr=False, hash=False, default=0)
    _upper: int = attrs.field(init=False, eq=False, repr=False, hash=False, default=0)

    def __attrs_post_init__(self) -> None:
        if not self.members:
            raise InvalidDate("[]: a set needs at least one member")
        last = len(self.members) - 1
        for i, member in enumerate(self.members):
            dates = member.dates if isinstance(member, DateInterval) else (member,)
            if any(d.calendar != "gregorian" for d in dates):
                raise InvalidDate(
                    f"set member {i + 1}: sets hold Gregorian dates only; "
                    "convert Julian-calendar members first"
                )
            if isinstance(member, DateInterval):
                if member.start is Boundless.UNKNOWN or member.end is Boundless.UNKNOWN:
                    raise InvalidDate(f"set member {i + 1}: a range in a set cannot be unknown")
                if member.start is Boundless.OPEN and i != 0:
                    raise InvalidDate(f"set member {i + 1}: only the first member may be '..x'")
                if member.end is Boundless.OPEN and i != last:
                    raise InvalidDate(f"set member {i + 1}: only the last member may be 'x..'")
        object.__setattr__(self, "_lower", min(m.bounds[0] for m in self.members))
        object.__setattr__(self, "_upper", max(m.bounds[1] for m in self.members))

    @property
    def dates(self) -> tuple[HistoricalDate, ...]:
        """Every date written in the set, in order."""
        out: list[HistoricalDate] = []
        for m in self.members:
            out.extend(m.dates if isinstance(m, DateInterval) else (m,))
        return tuple(out)

    @property
    def bounds(self) -> tuple[int, int]:
        """Inclusive (lower, upper) JDN spanning every member."""
        return self._lower, self._upper

    @property
    def sort_key(self) -> tuple[int, int, int, str]:
        """Lower bound, then wider first, then canonical EDTF."""
        from timeline.dates._edtf import format_edtf

        return (self._lower, -self._upper, -(10**6), format_edtf(self))

    @property
    def is_approximate(self) -> bool:
        """Any member is approximate."""
        return any(d.is_approximate for d in self.dates)

    @property
    def is_uncertain(self) -> bool:
        """A one-of set is uncertain by nature; an all-of set if a member is."""
        return not self.all_of or any(d.is_uncertain for d in self.dates)

    @property
    def precision(self) -> str:
        """The coarsest precision among the members."""
        return _coarsest(self.dates)

    @property
    def calendar(self) -> str:
        """Always ``"gregorian"``: sets hold Gregorian dates only."""
        return "gregorian"


#: A historical date of any form.
When = HistoricalDate | DateInterval | DateSet


def _coarsest(dates: tuple[HistoricalDate, ...]) -> str:
    return max((d.precision for d in dates), key=_PRECISION_RANK.__getitem__)


def _check_and_bound(d: HistoricalDate) -> tuple[int, int]:
    """Validate ``d`` and return its (lower, upper) JDN; raises :class:`InvalidDate`."""
    year, month, day = d.year, d.month, d.day
    if d.qualifier not in _QUALIFIERS:
        raise InvalidDate(f"{d!r}: qualifier must be one of '?', '~', '%', not {d.qualifier!r}")
    if d.calendar not in _CALENDARS:
        raise InvalidDate(f"{d!r}: calendar must be 'gregorian' or 'julian', not {d.calendar!r}")
    if not -MAX_YEAR <= year <= MAX_YEAR:
        raise InvalidDate(f"year {year}: years beyond ±{MAX_YEAR} are not supported")
    if not (month == 0 or 1 <= month <= 12 or 21 <= month <= 41):
        raise InvalidDate(
            f"{_year_text(d)}-{month:02d}: month {month} does not exist "
            "(months are 01-12; 21-41 are seasons, quarters and halves)"
        )
    label: Callable[[], str] = lambda: _label(d)  # noqa: E731
    if d.year_x:
        if d.year_x not in (1, 2, 3) or abs(year) > 9999 or abs(year) % 10**d.year_x:
            raise InvalidDate(
                f"year {year} with year_x={d.year_x}: up to 3 of a four-digit year's last "
                "digits can be unspecified (X), and their value must be 0"
            )
        if month or day or d.month_x or d.day_x or d.time is not None:
            raise InvalidDate(f"{label()}: a year with X digits takes no month or day")
    if d.month_x not in (0, 1, 2):
        raise InvalidDate(f"{label()}: month_x counts a month's unspecified digits: 0, 1 or 2")
    if d.month_x == 1 and month not in (0, 10):
        raise InvalidDate(f"{label()}: with month_x=1 the month is its tens (0 or 10)")
    if d.month_x == 2 and month:
        raise InvalidDate(f"{label()}: an unspecified month (XX) takes no month value")
    if d.month_x and day and not d.day_x:
        raise InvalidDate(f"{label()}: a month with X digits takes no day but XX")
    if d.day_x not in (0, 1, 2):
        raise InvalidDate(f"{label()}: day_x counts a day's unspecified digits: 0, 1 or 2")
    if d.day_x == 2 and (day or not (1 <= month <= 12 or d.month_x)):
        raise InvalidDate(f"{label()}: an unspecified day (XX) needs a month and no day value")
    if d.day_x == 1:
        _check_day_tens(d, label)
    if day and not 1 <= month <= 12:
        raise InvalidDate(f"{label()}: a day needs a month 01-12")
    if d.calendar == "julian" and (d.year_x or d.month_x or d.day_x or month > 12 or d.time):
        raise InvalidDate(
            f"{label()}: Julian-calendar dates are supported at year, month or day precision only"
        )
    if day and not d.day_x:
        limit = days_in_month(year, month, d.calendar)
        if not 1 <= day <= limit:
            raise InvalidDate(_day_message(d, limit))
    if d.time is not None:
        if not day or d.day_x:
            raise InvalidDate(f"{label()}: a time of day needs a full date")
        hour, minute, second = d.time
        if not (0 <= hour <= 23 and 0 <= minute <= 59 and 0 <= second <= 59):
            raise InvalidDate(f"{label()}: {hour:02d}:{minute:02d}:{second:02d} is not a time")
        if d.qualifier:
            raise InvalidDate(f"{label()}: a date with a time cannot be qualified")
    if d.offset is not None and (d.time is None or not -1080 <= d.offset <= 1080):
        raise InvalidDate(f"{label()}: a UTC offset needs a time and must lie within ±18:00")
    to_jdn = julian_to_jdn if d.calendar == "julian" else gregorian_to_jdn
    if d.month_x == 1:  # 1984-0X: January to September; 1984-1X: October to December
        first, last = max(month, 1), min(month + 9, 12)
        return to_jdn(year, first, 1), to_jdn(year, last, days_in_month(year, last))
    if d.day_x == 1:  # 2019-06-1X: days 10-19
        last = min(day + 9, days_in_month(year, month))
        return to_jdn(year, month, max(day, 1)), to_jdn(year, month, last)
    if day:
        jdn = to_jdn(year, month, day)
        return jdn, jdn
    if 1 <= month <= 12:
        return to_jdn(year, month, 1), to_jdn(year, month, days_in_month(year, month, d.calendar))
    if month:
        first, last = GROUPINGS[month]
        end_year = year + (last - 1) // 12
        last = (last - 1) % 12 + 1
        return to_jdn(year, first, 1), to_jdn(end_year, last, days_in_month(end_year, last))
    if d.year_x:
        span = 10**d.year_x - 1
        lo, hi = (year, year + span) if year >= 0 else (year - span, year)
        return to_jdn(lo, 1, 1), to_jdn(hi, 12, 31)
    return to_jdn(year, 1, 1), to_jdn(year, 12, 31)


def _check_day_tens(d: HistoricalDate, label: Callable[[], str]) -> None:
    """A day with its last digit unspecified (``1X``): a month 01-12 and a tens digit it has."""
    if not 1 <= d.month <= 12 or d.month_x:
        raise InvalidDate(f"{label()}: a day with an unspecified digit needs a month 01-12")
    if d.day % 10 or not 0 <= d.day <= 30:
        raise InvalidDate(f"{label()}: with day_x=1 the day is its tens (0, 10, 20 or 30)")
    limit = days_in_month(d.year, d.month, d.calendar)
    if d.day > limit:
        raise InvalidDate(
            f"{label()}: {MONTH_NAMES[d.month - 1]} {d.year} has {limit} days, none from {d.day}"
        )


def _year_text(d: HistoricalDate) -> str:
    year = d.year
    if -9999 <= year <= 9999:
        return f"-{-year:04d}" if year < 0 else f"{year:04d}"
    return f"Y{year}"


def _day_message(d: HistoricalDate, limit: int) -> str:
    text = f"{_year_text(d)}-{d.month:02d}-{d.day:02d}"
    if d.calendar == "julian":
        text += " (Julian calendar)"
    name = MONTH_NAMES[d.month - 1]
    if d.month == 2 and d.day == 29:
        return f"{text}: {d.year} is not a leap year, February has 28 days"
    return f"{text}: {name} has {limit} days"
