"""What the phrase readers of every language share: building values, and the reader's frame.

A phrase reader (:mod:`timeline.dates._phrases_en`, ``_zh``, ``_ru``) is a
:class:`Reader`; the functions here build the values its patterns describe
(the early part of a month, a century, a qualified date, a dual date checked
against itself).
"""

from __future__ import annotations

import abc
import re
from collections.abc import Callable
from typing import Any

import attrs

from timeline.dates._calendars import days_in_month, jdn_to_gregorian
from timeline.dates._edtf import format_edtf
from timeline.dates._model import Boundless, DateInterval, DateSet, HistoricalDate, When
from timeline.errors import ContradictoryDate, InvalidDate

__all__ = [
    "CENTURY_PARTS",
    "Reader",
    "as_julian",
    "bounded",
    "century",
    "century_part",
    "day_at",
    "decade_part",
    "dual_date",
    "dual_phrase",
    "end_of",
    "interval",
    "month_part",
    "period_part",
    "plain_year",
    "qualify",
    "start_of",
    "step_past",
    "year_part",
]


def interval(start: When, end: When) -> When:
    if not isinstance(start, HistoricalDate):
        start = start_of(start)
    if not isinstance(end, HistoricalDate):
        end = end_of(end)
    return DateInterval(start, end)


def start_of(w: When) -> HistoricalDate:
    if isinstance(w, HistoricalDate):
        return w
    if isinstance(w, DateInterval) and isinstance(w.start, HistoricalDate):
        return w.start
    return day_at(w.bounds[0])


def end_of(w: When) -> HistoricalDate:
    if isinstance(w, HistoricalDate):
        return w
    if isinstance(w, DateInterval) and isinstance(w.end, HistoricalDate):
        return w.end
    return day_at(w.bounds[1])


def day_at(jdn: int) -> HistoricalDate:
    return HistoricalDate(*jdn_to_gregorian(jdn))


def qualify(w: When, qualifier: str) -> When:
    if not qualifier:
        return w
    if isinstance(w, HistoricalDate):
        merged = set(w.qualifier.replace("%", "?~")) | set(qualifier.replace("%", "?~"))
        q = "%" if merged == {"?", "~"} else merged.pop()
        return attrs.evolve(w, qualifier=q)
    if isinstance(w, DateInterval):
        return DateInterval(_qualify_end(w.start, qualifier), _qualify_end(w.end, qualifier))
    raise InvalidDate(f"{format_edtf(w)}: a set cannot be qualified as a whole")


def _qualify_end(end: HistoricalDate | Boundless, qualifier: str) -> HistoricalDate | Boundless:
    if isinstance(end, HistoricalDate):
        value = qualify(end, qualifier)
        assert isinstance(value, HistoricalDate)
        return value
    return end


def _julian_end(end: HistoricalDate | Boundless) -> HistoricalDate | Boundless:
    return attrs.evolve(end, calendar="julian") if isinstance(end, HistoricalDate) else end


def as_julian(w: When) -> When:
    if isinstance(w, HistoricalDate):
        return attrs.evolve(w, calendar="julian")
    if isinstance(w, DateInterval):
        return DateInterval(_julian_end(w.start), _julian_end(w.end))
    raise InvalidDate(f"{format_edtf(w)}: a set cannot be in the Julian calendar")


def step_past(w: When, direction: int) -> HistoricalDate:
    """The unit before (-1) or after (+1) a year, month or day; else the day outside."""
    if isinstance(w, HistoricalDate) and not w.qualifier:
        p = w.precision
        if p == "year" and not w.month_x:
            return HistoricalDate(w.year + direction)
        if p == "month" and not w.day_x:
            index = w.year * 12 + w.month - 1 + direction
            return HistoricalDate(index // 12, index % 12 + 1)
        if p == "day":
            return day_at(w.bounds[0] + direction)
    return day_at(w.bounds[0] - 1 if direction < 0 else w.bounds[1] + 1)


def month_part(year: int, month: int, part: str) -> When:
    last = days_in_month(year, month)
    first_day, last_day = {"early": (1, 10), "mid": (11, 20), "late": (21, last)}[part]
    return DateInterval(
        HistoricalDate(year, month, first_day), HistoricalDate(year, month, last_day)
    )


def year_part(year: int, part: str) -> When:
    first, last = {"early": (1, 4), "mid": (5, 8), "late": (9, 12)}[part]
    return DateInterval(HistoricalDate(year, first), HistoricalDate(year, last))


def decade_part(decade: int, part: str | None) -> When:
    if part is None:
        return HistoricalDate(decade, year_x=1)
    first, last = {"early": (0, 3), "mid": (4, 6), "late": (7, 9)}[part]
    return DateInterval(HistoricalDate(decade + first), HistoricalDate(decade + last))


def period_part(
    rest: str,
    part: str,
    decade: str,
    month: str,
    month_number: Callable[[str], int],
) -> When | None:
    """Early, mid or late part of a decade (``decade`` pattern), a year, or a month and year."""
    m = re.fullmatch(decade, rest)
    if m:
        return decade_part(int(m[1]), part)
    m = re.fullmatch(r"(\d{1,4})", rest)
    if m:
        return year_part(int(m[1]), part)
    m = re.fullmatch(rf"{month}\s+(\d{{1,4}})", rest)
    if m:
        return month_part(int(m[2]), month_number(m[1]), part)
    return None


def century(n: int, bce: bool = False) -> When:
    """The n-th century as its hundreds (19th century = 18XX, 1800-1899)."""
    if n < 1:
        raise InvalidDate(f"century {n} does not exist")
    if bce:
        return DateInterval(HistoricalDate(1 - n * 100), HistoricalDate(1 - (n - 1) * 100 - 1))
    if n == 1:
        return DateInterval(HistoricalDate(1), HistoricalDate(99))
    return HistoricalDate((n - 1) * 100, year_x=2)


#: Parts of a century, as years from its first: early, mid and late split it by
#: decades as a decade's parts split it by years (0-3, 4-6, 7-9); halves are 50 years.
CENTURY_PARTS = {
    "early": (0, 39),
    "mid": (40, 69),
    "late": (70, 99),
    "first half": (0, 49),
    "second half": (50, 99),
}


def century_part(n: int, part: str, bce: bool = False) -> When:
    """A part of the n-th century (:data:`CENTURY_PARTS`): early 20th century is 1900/1939."""
    if n < 1:
        raise InvalidDate(f"century {n} does not exist")
    start = 1 - n * 100 if bce else (n - 1) * 100
    first, last = CENTURY_PARTS[part]
    low = start + first if bce else max(start + first, 1)  # the 1st century starts at 1
    return DateInterval(HistoricalDate(low), HistoricalDate(start + last))


def plain_year(digits: str, bce: bool = False) -> int:
    value = int(digits)
    if bce:
        if value == 0:
            raise InvalidDate(
                f"year {digits} BCE: there is no year 0 BCE (1 BCE is followed by 1 CE)"
            )
        return 1 - value
    return value


def bounded(word: str, inner: When) -> When:
    """before/after X as EDTF sets; since/until X as open intervals."""
    if word == "before":
        return DateSet((DateInterval(Boundless.OPEN, step_past(inner, -1)),))
    if word == "after":
        return DateSet((DateInterval(step_past(inner, +1), Boundless.OPEN),))
    if word == "since":
        return DateInterval(start_of(inner), Boundless.OPEN)
    return DateInterval(Boundless.OPEN, end_of(inner))


def dual_phrase(s: str, month: str, number: Callable[[str], int], year_word: str) -> When | None:
    """A dual date: ``25 October (7 November) 1917``, ``16 (28) мая 1858``,
    ``31 December 1917 (13 January 1918)``, ``25 October 1917 (7 November)``,
    ``7 November [O.S. 25 October] 1917``, and
    with a slash, before 1919: ``16/28 мая 1858``, ``25 октября/7 ноября 1917``."""
    year = rf"(\d{{3,4}})(?:{year_word})?"
    m = re.fullmatch(rf"(\d{{1,2}}) {month} \((\d{{1,2}}) {month}\),? {year}", s)
    m = m or _slashed(rf"(\d{{1,2}}) {month} ?/ ?(\d{{1,2}}) {month},? {year}", s, 5)
    if m:
        return dual_date((int(m[5]), number(m[2]), int(m[1])), (None, number(m[4]), int(m[3])))
    m = re.fullmatch(rf"(\d{{1,2}}) \((\d{{1,2}})\) {month},? {year}", s)
    m = m or _slashed(rf"(\d{{1,2}}) ?/ ?(\d{{1,2}}) {month},? {year}", s, 4)
    if m:
        return dual_date((int(m[4]), number(m[3]), int(m[1])), (None, number(m[3]), int(m[2])))
    m = re.fullmatch(rf"(\d{{1,2}}) {month},? {year} \((\d{{1,2}}) {month},? {year}\)", s)
    if m:
        return dual_date((int(m[3]), number(m[2]), int(m[1])), (int(m[6]), number(m[5]), int(m[4])))
    m = re.fullmatch(rf"(\d{{1,2}}) {month},? {year} \((\d{{1,2}}) {month}\)", s)
    if m:  # 25 октября 1917 г. (7 ноября): the bracket's year is the same, or the next
        return dual_date((int(m[3]), number(m[2]), int(m[1])), (None, number(m[5]), int(m[4])))
    old_style = r"(?:o\.\s?s\.?|ст\.\s?ст\.)"
    m = re.fullmatch(
        rf"(\d{{1,2}}) {month} [\[(]{old_style},? (\d{{1,2}}) {month}[\])],? {year}", s
    )
    if m:
        return dual_date((int(m[5]), number(m[4]), int(m[3])), (None, number(m[2]), int(m[1])))
    return None


def _slashed(pattern: str, s: str, year_group: int) -> re.Match[str] | None:
    """A dual date with a slash; after 1918 "16/17 June 1941" is a night, not two styles."""
    m = re.fullmatch(pattern, s)
    return m if m and int(m[year_group]) <= 1918 else None


def dual_date(old: tuple[int, int, int], new: tuple[int | None, int, int]) -> When:
    """The Julian date ``old`` (year, month, day), checked against the Gregorian ``new``.

    ``new``'s year may be ``None`` (not written); then only its month and day are checked.
    """
    julian = HistoricalDate(*old, calendar="julian")
    gregorian = jdn_to_gregorian(julian.bounds[0])
    stated = (gregorian[0] if new[0] is None else new[0], new[1], new[2])
    if gregorian != stated:
        shown = ".".join(str(part) for part in (stated[2], f"{stated[1]:02d}", stated[0]))
        y, mo, d = gregorian
        raise ContradictoryDate(
            f"Julian {old[2]}.{old[1]:02d}.{old[0]} is {d}.{mo:02d}.{y} "
            f"in the Gregorian calendar, not {shown}"
        )
    return julian


class Reader(abc.ABC):
    """Reads one language's phrases; ``read`` returns ``None`` for text it does not know."""

    #: What separates words: a range's left side borrows the right's words ("2-5 March 1969").
    separator = " "

    def __init__(self, ambiguous_as_set: bool, calendar: str = "gregorian") -> None:
        self.ambiguous_as_set = ambiguous_as_set
        # The calendar dates are written in: "julian" inside an O.S. / 俄历 / ст. ст. phrase
        # or under the Old Style policy, so 29 February 1900 O.S. is read as written.
        self.calendar = calendar

    @staticmethod
    def normalise(text: str) -> str:
        """``text`` (NFKC, single spaces) as this language's reader expects it."""
        return text

    @abc.abstractmethod
    def read(self, text: str) -> When | None:
        """The date a whole phrase gives (ranges, sets, points), or ``None``."""

    @abc.abstractmethod
    def point(self, text: str) -> When | None:
        """The date one side of a range or set gives, or ``None``."""

    def _end(self, left: str, right: str) -> When | None:
        """The right side of a range or set whose left side is ``left``."""
        return self.point(right)

    def _date(self, year: int, month: int = 0, day: int = 0, **more: Any) -> HistoricalDate:
        """A date with these fields in the calendar being read (see ``calendar``)."""
        calendar = self.calendar if 1 <= month <= 12 and not more else "gregorian"
        return HistoricalDate(year, month, day, calendar=calendar, **more)

    def _in_julian(self, read: Callable[[str], When | None], text: str) -> When | None:
        """``read(text)`` with its dates written in the Julian calendar."""
        saved, self.calendar = self.calendar, "julian"
        try:
            inner = read(text)
        finally:
            self.calendar = saved
        return None if inner is None else as_julian(inner)

    def _range(self, left: str, right: str) -> When | None:
        """A range from two phrases; the left may borrow the right's tail ("2-5 March 1969")."""
        pair = self._pair(left, right)
        return None if pair is None else interval(*pair)

    def _one_of(self, left: str, right: str, all_of: bool = False) -> When | None:
        """``1969 or 1970``, ``March or April 1969``, 1969年或1970年: an EDTF one-of set;
        ``all_of``: "2 and 15 March 1969", an all-of set."""
        pair = self._pair(left, right)
        if pair is None:
            return None
        members = []
        for value in pair:
            if isinstance(value, DateSet):
                raise InvalidDate(f"{format_edtf(value)}: a set cannot be one member of another")
            members.append(value)
        return DateSet(tuple(sorted(set(members))), all_of=all_of)

    def _point_or_both(self, s: str, conjunction: str) -> When | None:
        """``s`` as one date, else as two joined by ``conjunction`` (all of them)."""
        value = self.point(s)
        m = None if value is not None else re.fullmatch(rf"(.+?)\s*(?:{conjunction})\s*(.+)", s)
        return self._one_of(m[1], m[2], all_of=True) if m else value

    def _pair(self, left: str, right: str) -> tuple[When, When] | None:
        """Two phrases read alike; the left may borrow the right's tail."""
        end = self._end(left, right)
        if end is None:
            return None
        # a bare day number borrows the right's month and year ("2-5 March 1969")
        start = None if re.fullmatch(r"\d{1,2}", left) else self.point(left)
        if start is None:
            sep = self.separator
            tokens = right.split(" ") if sep else list(right)
            for k in range(1, len(tokens)):
                start = self.point(left + sep + sep.join(tokens[k:]))
                if start is not None:
                    break
        if start is None:
            return None
        return start, end
