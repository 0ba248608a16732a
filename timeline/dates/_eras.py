"""Chinese reign eras (年号): the table in ``data/eras_zh.tsv`` and what an era year is.

An era's years are lunar years (:mod:`timeline.dates._lunar`): 康熙元年 is the
lunar year 1662. An era may begin or end in mid-year (泰昌 covers months 8-12 of
1620); a month outside it is refused, naming the era in use then.
"""

from __future__ import annotations

import functools
import re
from importlib import resources

import attrs

from timeline.dates import _lunar
from timeline.errors import InvalidDate

__all__ = ["Era", "dynasty_names", "era_names", "eras_in_use", "eras_named"]


@attrs.frozen
class Era:
    """One reign era: its names, dynasties, and first and last (lunar year, month)."""

    name: str
    names: tuple[str, ...]
    dynasties: tuple[str, ...]
    first: tuple[int, int]
    last: tuple[int, int]

    @property
    def years(self) -> int:
        """How many era years it has (元年 included)."""
        return self.last[0] - self.first[0] + 1

    def lunar_year(self, number: int) -> int:
        """The lunar year of era year ``number``; refuses years the era did not reach."""
        if number < 1:
            raise InvalidDate("era years start at 元年 (1)")
        if number > self.years:
            raise InvalidDate(
                f"{self.name} has {self.years} years "
                f"({self.label(self.first[0])}-{self.label(self.last[0])}), not {number}"
            )
        return self.first[0] + number - 1

    def check_month(self, year: int, month: int) -> None:
        """Refuse a lunar month of ``year`` that lies before the era began or after it ended."""
        if (year, month) < self.first:
            raise InvalidDate(
                f"{self.name} began in lunar month {self.first[1]} of {self.label(self.first[0])}"
            )
        if (year, month) > self.last:
            raise InvalidDate(
                f"{self.name} ended in lunar month {self.last[1]} of {self.label(self.last[0])}"
            )

    def year_span(self, year: int) -> tuple[int, int]:
        """First and last day (JDN) of the era's part of a lunar year."""
        first, last = _lunar.year_span(year)
        if (year, 1) < self.first:
            first = _lunar.month_span(year, self.first[1])[0]
        if (year, 12) > self.last:
            last = self._month_end(year, self.last[1])
        return first, last

    @staticmethod
    def _month_end(year: int, month: int) -> int:
        """The last day of a month, including its 闰 month if it has one."""
        leap = _lunar.leap_month(year) == month
        return _lunar.month_span(year, month, leap)[1]

    @staticmethod
    def label(year: int) -> str:
        """An astronomical year as people write it: ``140 BCE`` for -139."""
        return f"{1 - year} BCE" if year <= 0 else str(year)


def _year_month(text: str, default_month: int) -> tuple[int, int]:
    """``"1620-08"`` -> (1620, 8); ``"1620"`` -> (1620, default_month)."""
    match = re.fullmatch(r"(-?\d+)(?:-(\d\d))?", text)
    if match is None:
        raise ValueError(f"eras_zh.tsv: {text!r} is not a year or year-month")
    return int(match[1]), int(match[2]) if match[2] else default_month


@functools.cache
def _table() -> dict[str, tuple[Era, ...]]:
    text = resources.files("timeline.dates").joinpath("data/eras_zh.tsv").read_text("utf-8")
    table: dict[str, list[Era]] = {}
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    for line in lines[1:]:
        name, variants, dynasties, first, last, *_ = (*line.split("\t"), "")
        era = Era(
            name,
            (name, *filter(None, variants.split(","))),
            tuple(dynasties.split(",")),
            _year_month(first, 1),
            _year_month(last, 12),
        )
        for spelling in era.names:
            table.setdefault(spelling, []).append(era)
    return {name: tuple(eras) for name, eras in table.items()}


def eras_named(name: str) -> tuple[Era, ...]:
    """Every era spelled ``name`` (several dynasties reused names); empty if none."""
    return _table().get(name, ())


@functools.cache
def era_names() -> frozenset[str]:
    """Every spelling in the table."""
    return frozenset(_table())


@functools.cache
def _by_year() -> dict[int, tuple[Era, ...]]:
    """Lunar year -> the eras in use in some month of it, by their first month."""
    eras = {id(era): era for spellings in _table().values() for era in spellings}
    years: dict[int, list[Era]] = {}
    for era in sorted(eras.values(), key=lambda e: (e.first, e.name)):
        for year in range(era.first[0], era.last[0] + 1):
            years.setdefault(year, []).append(era)
    return {year: tuple(found) for year, found in years.items()}


def eras_in_use(year: int, month: int) -> tuple[Era, ...]:
    """The eras that counted lunar ``month`` of ``year`` (several where regimes ruled side by
    side, or where one era ended in that month and the next began)."""
    return tuple(e for e in _by_year().get(year, ()) if e.first <= (year, month) <= e.last)


@functools.cache
def dynasty_names() -> tuple[str, ...]:
    """Every dynasty spelling in the table, longest first (东汉 before 汉)."""
    names = {name for eras in _table().values() for era in eras for name in era.dynasties}
    return tuple(sorted(names, key=lambda name: (-len(name), name)))
