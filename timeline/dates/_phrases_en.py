"""Dates as English writes them: "2 March 1969", "early June 2019", "1917-10-25 (O.S.)"."""

from __future__ import annotations

import re

from timeline.dates._edtf import format_edtf
from timeline.dates._model import (
    MONTH_NAMES,
    DateSet,
    HistoricalDate,
    When,
)
from timeline.dates._reading import (
    Reader,
    bounded,
    century,
    century_part,
    decade_part,
    dual_phrase,
    interval,
    period_part,
    plain_year,
    qualify,
)
from timeline.errors import AmbiguousDate, InvalidDate

_EN_MONTHS = {name.lower(): i for i, name in enumerate(MONTH_NAMES, start=1)}
_EN_MONTH = (
    r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_EN_SEASONS = {"spring": 21, "summer": 22, "autumn": 23, "fall": 23, "winter": 24}
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3}
_ORDINALS["4th"] = 4


def _en_month(word: str) -> int:
    return _EN_MONTHS[next(name for name in _EN_MONTHS if name.startswith(word.lower()[:3]))]


#: An optional era after a year: BC, BCE, AD, CE (with or without dots).
_ERA = r"(?:\s*(bce?|b\.c\.(?:e\.)?|ad|a\.d\.|ce|c\.e\.))?"


def _bce(era: str | None) -> bool:
    return bool(era) and era is not None and era.startswith("b")


class EnglishReader(Reader):
    """English phrases; every convention is listed in ``docs/dates.md``."""

    def read(self, text: str) -> When | None:
        s = text.strip().rstrip(".,;").strip()
        s = re.sub(r"^(in|on|during|the)\s+", "", s, flags=re.I)
        low = s.lower()
        julian = (
            re.search(r"\s*(\((old style|o\.\s?s\.?|os)\)|\bo\.\s?s\.?|\bold style)$", low) or None
        )
        gregorian = re.search(r"\s*(\((new style|n\.\s?s\.?|ns)\)|\bn\.\s?s\.?|\bnew style)$", low)
        if julian or gregorian:
            found = julian or gregorian
            assert found is not None
            if julian:
                return self._in_julian(self.read, s[: found.start()])
            return self.read(s[: found.start()])
        dual = dual_phrase(low, _EN_MONTH, _en_month, "")
        if dual is not None:
            return dual
        m = re.fullmatch(r"(?:either\s+)?(.+?)\s+or\s+(.+)", s, flags=re.I)
        if m:
            value = self._one_of(m[1], m[2])
            if value is not None:
                return value
        for pattern, maker in (
            (r"(?:between|from)\s+(.+?)\s+(?:and|to|until|till|through)\s+(.+)", self._range),
            (r"(.+?)\s+(?:to|until|till|through)\s+(.+)", self._range),
            (r"(.+?)\s*[–—]\s*(.+)", self._range),
            (r"(.+?)\s+-\s+(.+)", self._range),
            (r"(\d{3,4})-(\d{2,4})", self._year_range),
        ):
            m = re.fullmatch(pattern, s, flags=re.I)
            if m:
                value = maker(m[1], m[2])
                if value is not None:
                    return value
        m = re.fullmatch(r"(before|after|since|until|till|by)\s+(.+)", s, flags=re.I)
        if m:
            inner = self.point(m[2])
            if inner is None:
                return None
            return bounded(m[1].lower(), inner)
        return self._point_or_both(s, r"(?<=\S)\s+and")

    def _end(self, left: str, right: str) -> When | None:
        """The right side may borrow the left's month ("January 11–12, 1982")."""
        end = self.point(right)
        month = re.match(rf"{_EN_MONTH}\s+\d", left.lower())
        if end is None and month and re.fullmatch(r"\d{1,2},?\s+\d{3,4}", right.strip()):
            end = self.point(f"{month[1]} {right}")
        return end

    def _year_range(self, left: str, right: str) -> When | None:
        if len(right) == 2:  # 1969-72
            right = left[: len(left) - 2] + right
        return interval(self._date(int(left)), self._date(int(right)))

    def point(self, text: str) -> When | None:
        s = text.strip().rstrip(",.").strip()
        s = re.sub(r"^(the|in|on)\s+", "", s, flags=re.I)
        qualifier = ""
        m = re.match(
            r"(c\.|ca\.|circa|about|around|approximately|approx\.|roughly)\s*", s, flags=re.I
        )
        if m:
            qualifier, s = "~", s[m.end() :]
        m = re.match(r"(possibly|probably|perhaps)\s+", s, flags=re.I)
        if m:
            qualifier, s = qualifier + "?", s[m.end() :]
        if s.endswith("?"):
            qualifier, s = qualifier + "?", s[:-1].strip()
        if not s:
            return None
        value = self._core(s)
        if value is None:
            return None
        return qualify(value, "%" if len(set(qualifier)) == 2 else qualifier[:1])

    def _core(self, s: str) -> When | None:
        low = s.lower().replace(",", "")
        low = re.sub(r"^the\s+", "", low)
        era = _ERA
        m = re.fullmatch(r"(?:(?:ad|a\.d\.)\s+)?(\d{1,9})" + era, low)
        if m:
            return self._date(plain_year(m[1], bool(m[2] and m[2].startswith("b"))))
        m = re.fullmatch(
            rf"(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_EN_MONTH}\s+(\d{{1,4}})" + era, low
        )
        if m is None:
            m2 = re.fullmatch(
                rf"{_EN_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?\s+(\d{{1,4}})" + era, low
            )
            if m2:
                day, month, year, bce = m2[2], m2[1], m2[3], m2[4]
                return self._date(plain_year(year, _bce(bce)), _en_month(month), int(day))
        else:
            bce = m[4]
            return self._date(plain_year(m[3], _bce(bce)), _en_month(m[2]), int(m[1]))
        m = re.fullmatch(rf"{_EN_MONTH}\s+(\d{{1,4}})" + era, low)
        if m and (len(m[2]) > 2 or m[3]):  # "August 30" is a day without its year
            return self._date(plain_year(m[2], _bce(m[3])), _en_month(m[1]))
        m = re.fullmatch(r"(\d{3})0s", low)
        if m:
            if m[1].endswith("0"):
                raise AmbiguousDate(
                    f"{s!r}: could be the decade {m[1]}0-{m[1]}9 or the century "
                    f"{m[1][:-1]}00-{m[1][:-1]}99; write '{m[1]}0-{m[1]}9' or the century"
                )
            return decade_part(int(m[1]) * 10, None)
        m = re.fullmatch(r"(early|mid|late)[\s-]+(.+)", low)
        if m:
            return self._part(m[1], m[2])
        m = re.fullmatch(
            r"(first|second) half of (?:the )?(\d{1,2})(?:st|nd|rd|th) century" + era, low
        )
        if m:
            return century_part(int(m[2]), f"{m[1]} half", _bce(m[3]))
        m = re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th) century" + era, low)
        if m:
            return century(int(m[1]), _bce(m[2]))
        m = re.fullmatch(r"(spring|summer|autumn|fall|winter)(?:\s+of)?\s+(\d{1,4})", low)
        if m:
            return self._date(int(m[2]), _EN_SEASONS[m[1]])
        m = re.fullmatch(r"(?:q([1-4])|([1-4])q)\s+(\d{1,4})", low) or re.fullmatch(
            r"(first|second|third|fourth|1st|2nd|3rd|4th) quarter(?: of)?\s+(\d{1,4})", low
        )
        if m:
            if m.re.pattern.startswith("(first"):
                return self._date(int(m[2]), 32 + _ORDINALS[m[1]])
            return self._date(int(m[3]), 32 + int(m[1] or m[2]))
        m = re.fullmatch(r"(?:(first|second|1st|2nd) half(?: of)?|h([12]))\s+(\d{1,4})", low)
        if m:
            half = _ORDINALS[m[1]] if m[1] else int(m[2])
            return self._date(int(m[3]), 39 + half)
        m = re.fullmatch(r"(\d{1,4})([./])(\d{1,2})\2(\d{1,2})", low)
        if m:
            return self._date(int(m[1]), int(m[3]), int(m[4]))
        m = re.fullmatch(r"(\d{1,2})([./-])(\d{1,2})\2(\d{4})", low)
        if m:
            return self._numeric(s, int(m[1]), int(m[3]), int(m[4]))
        return None

    def _part(self, part: str, rest: str) -> When | None:
        part = {"early": "early", "mid": "mid", "late": "late"}[part]
        m = re.fullmatch(r"(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)[\s-]century" + _ERA, rest)
        if m:
            return century_part(int(m[1]), part, _bce(m[2]))
        return period_part(rest, part, r"(\d{3}0)s", _EN_MONTH, _en_month)

    def _numeric(self, text: str, a: int, b: int, year: int) -> When:
        readings: list[HistoricalDate] = []
        for month, day in ((a, b), (b, a)):
            try:
                reading = self._date(year, month, day)
            except InvalidDate:
                continue
            if reading not in readings:
                readings.append(reading)
        if not readings:
            raise InvalidDate(f"{text!r}: neither day/month nor month/day gives a real date")
        if len(readings) == 1:
            return readings[0]
        if self.ambiguous_as_set:
            return DateSet(tuple(sorted(readings)))
        shown = " or ".join(format_edtf(r) for r in readings)
        raise AmbiguousDate(
            f"{text!r}: could be {shown}; write the month as a word or use YYYY-MM-DD"
        )
