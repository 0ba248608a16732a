"""Chinese dates in Chinese calendars: reign eras, the Republic (民国), lunar dates, festivals.

:func:`read_chinese_calendar` takes a phrase already normalised by
:mod:`timeline.dates._phrases` (NFKC, no spaces, Chinese numerals before 年/月/日 turned
into digits: 康熙28年, 乾隆20年闰4月初三) and returns ``None`` for text that
is not in these forms. A day before 15 October 1582 is given in the Julian
calendar, as conversion tables do; later days are Gregorian.
"""

from __future__ import annotations

import re

from timeline.dates import _lunar
from timeline.dates._calendars import gregorian_to_jdn, jdn_to_gregorian, jdn_to_julian
from timeline.dates._eras import Era, dynasty_names, era_names, eras_named
from timeline.dates._model import DateInterval, HistoricalDate, When
from timeline.errors import AmbiguousDate, ContradictoryDate, InvalidDate, UnknownEra

__all__ = ["FESTIVALS", "check_lunar", "read_chinese_calendar"]

_GREGORIAN_START = gregorian_to_jdn(1582, 10, 15)
_DIGITS = "〇一二三四五六七八九"
_STEMS = "甲乙丙丁戊己庚辛壬癸"
_BRANCHES = "子丑寅卯辰巳午未申酉戌亥"
_GANZHI = f"[{_STEMS}][{_BRANCHES}]"
_LUNAR = r"(?:农历|阴历|農曆|陰曆|夏历|夏曆)"
_LEAP = r"(?P<leap>闰|閏)"
_MONTH = r"(?P<month>正|冬|腊|臘|1[0-2]|[1-9]|十[一二]?|[一二三四五六七八九])月"
_DAY = (
    r"(?P<day>初[一二三四五六七八九十]|3[01]|[12]?\d|[一二]?十[一二三四五六七八九]?|三十一?"
    r"|廿[一二三四五六七八九]|卅)[日号]?"
)
_REPUBLIC = r"(?:中华民国|中華民國|民国|民國)"

#: Lunar festivals: name -> (lunar month, day); day 0 is the last day of the month (除夕).
FESTIVALS: dict[str, tuple[int, int]] = {
    "春节": (1, 1),
    "春節": (1, 1),
    "元宵节": (1, 15),
    "元宵節": (1, 15),
    "元宵": (1, 15),
    "端午节": (5, 5),
    "端午節": (5, 5),
    "端午": (5, 5),
    "七夕": (7, 7),
    "中元节": (7, 15),
    "中元節": (7, 15),
    "中秋节": (8, 15),
    "中秋節": (8, 15),
    "中秋": (8, 15),
    "重阳节": (9, 9),
    "重陽節": (9, 9),
    "重阳": (9, 9),
    "重陽": (9, 9),
    "腊八": (12, 8),
    "臘八": (12, 8),
    "除夕": (12, 0),
}
_FESTIVAL = "(?P<festival>" + "|".join(sorted(FESTIVALS, key=len, reverse=True)) + ")"


def _small_number(word: str) -> int:
    """一 .. 三十, 廿一, 卅, or digits."""
    if word.isdigit():
        return int(word)
    word = word.replace("廿", "二十").replace("卅", "三十")
    if "十" not in word:
        return _DIGITS.index(word)
    tens, _, ones = word.partition("十")
    return (_DIGITS.index(tens) if tens else 1) * 10 + (_DIGITS.index(ones) if ones else 0)


def _month(word: str) -> int:
    named = {"正": 1, "冬": 11, "腊": 12, "臘": 12}
    return named[word] if word in named else _small_number(word)


def _day(word: str) -> int:
    return _small_number(word[1:] if word.startswith("初") else word)


def _dated(jdn: int) -> HistoricalDate:
    if jdn < _GREGORIAN_START:
        return HistoricalDate(*jdn_to_julian(jdn), calendar="julian")
    return HistoricalDate(*jdn_to_gregorian(jdn))


def _span(first: int, last: int) -> When:
    return _dated(first) if first == last else DateInterval(_dated(first), _dated(last))


def _lunar_value(year: int, leap: str | None, month: str | None, day: str | None) -> When:
    """A lunar year, month or day of an already known lunar year."""
    if month is None:
        return _span(*_lunar.year_span(year))
    number = _month(month)
    if day is None:
        return _span(*_lunar.month_span(year, number, bool(leap)))
    return _dated(_lunar.to_jdn(_lunar.LunarDate(year, number, _day(day), bool(leap))))


def _festival(year: int, name: str) -> When:
    month, day = FESTIVALS[name]
    if day == 0:
        return _dated(_lunar.year_span(year)[1])
    return _dated(_lunar.to_jdn(_lunar.LunarDate(year, month, day)))


# -- eras ------------------------------------------------------------------------

_ERA_PHRASE = re.compile(
    rf"(?P<head>[\u4e00-\u9fff]{{2,10}}?)"
    rf"(?:(?P<number>元|\d{{1,3}})[年载載](?P<gz>{_GANZHI})?(?:年|岁|歲)?|(?P<gz_only>{_GANZHI})年?)"
    rf"(?P<rest>.*)"
)
_REST = re.compile(rf"{_LUNAR}?(?:{_FESTIVAL}|{_LEAP}?{_MONTH}(?:{_DAY})?)?")


def _split(head: str) -> tuple[str | None, str]:
    """``head`` as (dynasty, era name): 东汉建安 -> (东汉, 建安), 大清光绪 -> (清, 光绪).

    A head that is an era name has no dynasty; one that is no era name with or
    without a dynasty in front comes back whole, as the era name.
    """
    names = era_names()
    if head in names:
        return None, head
    for dynasty in dynasty_names():
        for prefix in (dynasty, "大" + dynasty):
            if head.startswith(prefix) and head[len(prefix) :] in names:
                return dynasty, head[len(prefix) :]
    return None, head


def _era(dynasty: str | None, name: str, number: int | None = None) -> Era:
    """The era ``name`` of ``dynasty``; of several, the only one that had a year ``number``."""
    eras = eras_named(name)
    if dynasty:
        eras = tuple(e for e in eras if dynasty in e.dynasties)
    if number is not None and len(eras) > 1:
        eras = tuple(e for e in eras if number <= e.years) or eras
    if not eras:
        known = eras_named(name)
        if known:
            of = ", ".join(dict.fromkeys(e.dynasties[0] for e in known))
            raise InvalidDate(f"{name} is an era of {of}, not of {dynasty}")
        raise UnknownEra(
            f"{name} is not a reign era this library knows "
            "(its table covers the eras of the 西汉 to the 清, and 民国)"
        )
    if len(eras) > 1:
        dynasties = list(dict.fromkeys(e.dynasties[0] for e in eras))
        if len(dynasties) == 1:
            began = ", ".join(e.label(e.first[0]) for e in eras)
            raise AmbiguousDate(
                f"{dynasties[0]} had {len(eras)} eras named {name} (begun {began}); "
                "give the date in another form"
            )
        raise AmbiguousDate(
            f"{name} was an era of several dynasties ({', '.join(dynasties)}); "
            "put the dynasty first"
        )
    return eras[0]


def _era_year_of(era: Era, gz: str) -> int:
    """The era year named only by its stem-branch (嘉庆辛酉)."""
    years = [y for y in range(era.first[0], era.last[0] + 1) if _lunar.sexagenary(y) == gz]
    if not years:
        raise InvalidDate(f"no year of {era.name} was a {gz} year")
    if len(years) > 1:
        numbers = " or ".join(f"{era.name}{y - era.first[0] + 1}年" for y in years)
        raise AmbiguousDate(f"{era.name} had two {gz} years: {numbers}")
    return years[0]


def _read_era(s: str) -> When | None:
    match = _ERA_PHRASE.fullmatch(s)
    if match is None:
        return None
    dynasty, name = _split(match["head"])
    rest = _REST.fullmatch(match["rest"])
    if rest is None or re.search(r"[第个個]|\d", name):
        return None
    if name not in era_names() and match["gz_only"]:
        return None  # 甲午战争年: not an era phrase
    if match["gz_only"]:
        era = _era(dynasty, name)
        year = _era_year_of(era, match["gz_only"])
    else:
        number = 1 if match["number"] == "元" else int(match["number"])
        era = _era(dynasty, name, number)
        year = era.lunar_year(number)
        stated = match["gz"]
        if stated and stated != _lunar.sexagenary(year):
            raise ContradictoryDate(
                f"{era.name}{number}年 is the lunar year {year}, a "
                f"{_lunar.sexagenary(year)} year, not {stated}"
            )
    if rest["festival"]:
        month, _ = FESTIVALS[rest["festival"]]
        era.check_month(year, month)
        return _festival(year, rest["festival"])
    if rest["month"] is None:
        return _span(*era.year_span(year))
    era.check_month(year, _month(rest["month"]))
    return _lunar_value(year, rest["leap"], rest["month"], rest["day"])


# -- the Republic ------------------------------------------------------------------

_REPUBLIC_PHRASE = re.compile(
    rf"{_REPUBLIC}(?P<number>元|\d{{1,3}})年(?P<rest>.*)|民前(?P<before>元|\d{{1,2}})年"
)


def _read_republic(s: str) -> When | None:
    match = _REPUBLIC_PHRASE.fullmatch(s)
    if match is None:
        return None
    if match["before"]:
        number = 1 if match["before"] == "元" else int(match["before"])
        if number < 1:
            raise InvalidDate("民前 counts from 民前一年 (1911)")
        return HistoricalDate(1912 - number)
    number = 1 if match["number"] == "元" else int(match["number"])
    if number < 1:
        raise InvalidDate("民国 years start at 元年 (1912)")
    year, rest = 1911 + number, match["rest"]
    lunar = re.fullmatch(rf"{_LUNAR}(?:{_FESTIVAL}|{_LEAP}?{_MONTH}(?:{_DAY})?)", rest)
    if lunar:
        if lunar["festival"]:
            return _festival(year, lunar["festival"])
        return _lunar_value(year, lunar["leap"], lunar["month"], lunar["day"])
    if not rest:
        return HistoricalDate(year)
    solar = re.fullmatch(r"(\d{1,2})月(?:(\d{1,2})[日号])?", rest)
    if solar is None:
        return None
    return HistoricalDate(year, int(solar[1]), int(solar[2]) if solar[2] else 0)


# -- lunar dates and festivals in a Gregorian-numbered year ------------------------

_LUNAR_PHRASE = re.compile(
    rf"(?:{_LUNAR}(?P<year1>\d{{1,4}})年|(?P<year2>\d{{1,4}})年{_LUNAR})"
    rf"(?:{_FESTIVAL}|{_LEAP}?{_MONTH}(?:{_DAY})?)?"
)
#: A leap month is lunar without 农历: 2020年闰四月.
_LEAP_PHRASE = re.compile(rf"(?P<year>\d{{1,4}})年{_LEAP}{_MONTH}(?:{_DAY})?")
_FESTIVAL_PHRASE = re.compile(rf"(?P<year>\d{{1,4}})年(?:{_LUNAR})?{_FESTIVAL}")


def _read_lunar(s: str) -> When | None:
    match = _LUNAR_PHRASE.fullmatch(s)
    if match:
        year = int(match["year1"] or match["year2"])
        if match["festival"]:
            return _festival(year, match["festival"])
        return _lunar_value(year, match["leap"], match["month"], match["day"])
    match = _LEAP_PHRASE.fullmatch(s)
    if match:
        return _lunar_value(int(match["year"]), match["leap"], match["month"], match["day"])
    match = _FESTIVAL_PHRASE.fullmatch(s)
    if match:
        year, name = int(match["year"]), match["festival"]
        # the festival that falls in the Gregorian year: 除夕 ends the lunar year before
        return _festival(year - 1 if FESTIVALS[name][1] == 0 else year, name)
    if re.fullmatch(rf"{_LUNAR}(?:{_LEAP}?{_MONTH}(?:{_DAY})?|{_FESTIVAL})", s) or s in FESTIVALS:
        raise InvalidDate("a lunar date needs its year (农历1969年正月初一)")
    return None


def check_lunar(day: HistoricalDate, stated: str) -> None:
    """Refuse a stated lunar month and day (闰4月初三) that is not the lunar date of ``day``."""
    match = re.fullmatch(rf"{_LEAP}?{_MONTH}{_DAY}", stated)
    if match is None:
        raise InvalidDate(f"{stated!r} is not a lunar month and day (八月十五, 闰4月初三)")
    found = _lunar.from_jdn(day.bounds[0])
    month, number = _month(match["month"]), _day(match["day"])
    if (found.month, found.day, found.leap) != (month, number, bool(match["leap"])):
        leap = "闰" if found.leap else ""
        raise ContradictoryDate(
            f"the day is {leap}{found.month}月{found.day}日 of the lunar year {found.year}, "
            f"not {stated}"
        )


def read_chinese_calendar(s: str) -> When | None:
    """An era, Republic or lunar-calendar phrase; ``None`` if ``s`` is none of these."""
    for reader in (_read_republic, _read_lunar, _read_era):
        value = reader(s)
        if value is not None:
            return value
    return None
