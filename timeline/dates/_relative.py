"""Relative dates (去年6月, "last June", "в прошлом году") anchored to a document date.

:func:`anchor` rewrites the relative words of a normalised phrase into the
absolute words the phrase readers know: with a document dated 2020-05-01,
"去年6月" becomes "2019年6月" and "last June" "June 2019", so every phrase form
(parts of years, ranges, qualifiers) works with them. Without a document date a
relative phrase raises :class:`MissingDocumentDate`: the clock is never read.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from timeline.dates._calendars import jdn_to_gregorian
from timeline.dates._model import MONTH_NAMES, HistoricalDate
from timeline.errors import InvalidDate, MissingDocumentDate

__all__ = ["anchor"]

_RU_MONTHS = (
    *("январь", "февраль", "март", "апрель", "май", "июнь"),
    *("июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь"),
)
_ROMAN = ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))


class _Document:
    """The document date's fields, each asked for only by a phrase that needs it."""

    def __init__(self, when: HistoricalDate, phrase: str) -> None:
        self.when, self.phrase = when, phrase
        if when.calendar == "julian" and when.day:
            year, month, day = jdn_to_gregorian(when.bounds[0])
        else:
            year, month, day = when.year, when.month, when.day
        self.year, self._month, self._day = year, month, day

    def _need(self, unit: str) -> None:
        raise InvalidDate(
            f"{self.phrase!r}: the document date {self.when.year} is not given to the {unit}, "
            "which this relative date needs"
        )

    def month(self) -> int:
        if not 1 <= self._month <= 12:
            self._need("month")
        return self._month

    def day(self) -> tuple[int, int, int]:
        if not self._day:
            self._need("day")
        return self.year, self._month, self._day

    def shifted_month(self, step: int) -> tuple[int, int]:
        index = self.year * 12 + self.month() - 1 + step
        return index // 12, index % 12 + 1

    def shifted_day(self, step: int) -> tuple[int, int, int]:
        return jdn_to_gregorian(HistoricalDate(*self.day()).bounds[0] + step)

    def century(self, step: int) -> int:
        """The popular century number (2020 is in the 21st, 1900-1999 the 20th)."""
        return self.year // 100 + 1 + step


def _roman(n: int) -> str:
    out = ""
    for value, letters in _ROMAN:
        while n >= value:
            out, n = out + letters, n - value
    return out


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


_Rule = tuple[str, Callable[[_Document, re.Match[str]], str]]

_ZH_YEARS = {"大前年": -3, "前年": -2, "去年": -1, "今年": 0, "本年": 0, "当年": 0}
_ZH_YEARS.update({"明年": 1, "来年": 1, "后年": 2, "大后年": 3})
_ZH_MONTHS = {"上个月": -1, "上月": -1, "本月": 0, "这个月": 0, "当月": 0, "下个月": 1, "下月": 1}
_ZH_DAYS = {"前天": -2, "昨天": -1, "昨日": -1, "今天": 0, "今日": 0, "明天": 1, "后天": 2}
_ZH_CENTURIES = {"上个世纪": -1, "上世纪": -1, "本世纪": 0, "这个世纪": 0}


def _alternatives(table: dict[str, int]) -> str:
    return "|".join(sorted(table, key=len, reverse=True))


_ZH: list[_Rule] = [
    (
        _alternatives(_ZH_CENTURIES),
        lambda d, m: f"{d.century(_ZH_CENTURIES[m[0]])}世纪",
    ),
    (
        # 明天顺元年, 明天启三年: the Ming's eras 天顺 and 天启, not "tomorrow"
        rf"(?:{_alternatives(_ZH_DAYS)})(?![顺順启啟啓])",
        lambda d, m: "{}年{}月{}日".format(*d.shifted_day(_ZH_DAYS[m[0]])),
    ),
    (_alternatives(_ZH_MONTHS), lambda d, m: "{}年{}月".format(*d.shifted_month(_ZH_MONTHS[m[0]]))),
    (_alternatives(_ZH_YEARS), lambda d, m: f"{d.year + _ZH_YEARS[m[0]]}年"),
]

_EN_STEPS = {"last": -1, "this": 0, "next": 1}
_EN_DAYS = {"yesterday": -1, "today": 0, "tomorrow": 1}
_EN_MONTH_WORDS = "|".join(name.lower() for name in MONTH_NAMES)


def _en_named_month(d: _Document, m: re.Match[str]) -> str:
    """last June: the latest June before the document's month; next June: the first after."""
    month = [name.lower() for name in MONTH_NAMES].index(m[2].lower()) + 1
    current = d.month()
    year = {
        "last": d.year if month < current else d.year - 1,
        "this": d.year,
        "next": d.year if month > current else d.year + 1,
    }[m[1].lower()]
    return _en_month_of(year, month)


def _en_month(d: _Document, m: re.Match[str]) -> str:
    year, month = d.shifted_month(_EN_STEPS[m[1].lower()])
    return _en_month_of(year, month)


def _en_month_of(year: int, month: int) -> str:
    """ "June 2019"; a year below 100 marked AD, as "June 30" would be a day."""
    return f"{MONTH_NAMES[month - 1]} {year}" + (" AD" if 0 < year < 100 else "")


def _en_day(d: _Document, m: re.Match[str]) -> str:
    year, month, day = d.shifted_day(_EN_DAYS[m[1].lower()])
    return f"{day} {MONTH_NAMES[month - 1]} {year}"


def _en_years_ago(d: _Document, m: re.Match[str]) -> str:
    return str(d.year - (int(m[1]) if m[1].isdigit() else 1))


_EN: list[_Rule] = [
    (r"\bthe year before last\b", lambda d, m: str(d.year - 2)),
    (r"\b(?:of\s+)?(last|this|next) year\b", lambda d, m: str(d.year + _EN_STEPS[m[1].lower()])),
    (r"\b(\d{1,3}|a|one) years? ago\b", _en_years_ago),
    (r"\b(last|this|next) month\b", _en_month),
    (rf"\b(last|this|next) ({_EN_MONTH_WORDS})\b", _en_named_month),
    (r"\b(yesterday|today|tomorrow)\b", _en_day),
    (
        r"\b(?:the\s+)?(last|this) century\b",
        lambda d, m: f"{_ordinal(d.century(_EN_STEPS[m[1].lower()]))} century",
    ),
]

_RU_YEARS = {"позапрошл": -2, "прошл": -1, "эт": 0, "текущ": 0, "нынешн": 0, "следующ": 1}
_RU_YEARS["будущ"] = 1
_RU_YEAR_STEM = "(" + "|".join(sorted(_RU_YEARS, key=len, reverse=True)) + ")"
_RU_DAYS = {"позавчера": -2, "вчера": -1, "сегодня": 0, "завтра": 1, "послезавтра": 2}


def _ru_month(d: _Document, m: re.Match[str]) -> str:
    year, month = d.shifted_month(_RU_YEARS[m[1]])
    return f"{_RU_MONTHS[month - 1]} {year} г."


_RU: list[_Rule] = [
    (rf"\bв {_RU_YEAR_STEM}[а-я]* году\b", lambda d, m: f"в {d.year + _RU_YEARS[m[1]]} году"),
    (rf"\b{_RU_YEAR_STEM}[а-я]* года\b", lambda d, m: f"{d.year + _RU_YEARS[m[1]]} года"),
    (rf"\bв {_RU_YEAR_STEM}[а-я]* месяце\b", _ru_month),
    (
        r"\b(?:(\d{1,3}) (?:лет|года?)|год) назад\b",
        lambda d, m: f"{d.year - (int(m[1]) if m[1] else 1)} г.",
    ),
    (
        "|".join(sorted(_RU_DAYS, key=len, reverse=True)),
        lambda d, m: "{2:02d}.{1:02d}.{0}".format(*d.shifted_day(_RU_DAYS[m[0]])),
    ),
    (
        rf"\bв {_RU_YEAR_STEM}[а-я]* веке\b",
        lambda d, m: f"{_roman(d.century(_RU_YEARS[m[1]]))} век",
    ),
]

_RULES = {"zh": _ZH, "en": _EN, "ru": _RU}


def anchor(text: str, lang: str, document: HistoricalDate | None, phrase: str) -> str:
    """``text`` with its relative words made absolute against ``document``."""
    rules = _RULES[lang]
    flags = re.IGNORECASE
    if not any(re.search(pattern, text, flags) for pattern, _ in rules):
        return text
    if document is None:
        raise MissingDocumentDate(phrase)
    anchored = _Document(document, phrase)
    for pattern, absolute in rules:
        text = re.sub(pattern, functools.partial(absolute, anchored), text, flags=flags)
    return text.replace("年年", "年")
