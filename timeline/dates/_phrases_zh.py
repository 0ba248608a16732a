"""Dates as Chinese writes them: 1969年3月2日, 2019年6月初, 上世纪60年代末, and (through
:mod:`timeline.dates._phrases_zh_calendars`) reign eras, 民国 and lunar dates."""

from __future__ import annotations

import re

from timeline.dates._edtf import format_edtf
from timeline.dates._model import HistoricalDate, When
from timeline.dates._phrases_zh_calendars import check_lunar, read_chinese_calendar
from timeline.dates._reading import (
    Reader,
    bounded,
    century,
    century_part,
    decade_part,
    dual_date,
    month_part,
    plain_year,
    qualify,
    year_part,
)
from timeline.errors import AmbiguousDate, ContradictoryDate, InvalidDate

_CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_CN_DIGITS.update({"六": 6, "七": 7, "八": 8, "九": 9})
_CN_NUMBER = re.compile(r"[〇零一二两三四五六七八九十百]+(?=[年载載月日号世])")


def _cn_number(word: str) -> str:
    hundreds, hundred, rest = word.partition("百")
    if hundred:  # 一百一十四 (民國114年)
        if len(hundreds) != 1 or "百" in rest or hundreds not in _CN_DIGITS:
            return word
        tail = _cn_number(rest.removeprefix("零") or "〇")
        if not tail.isdigit() or (rest.startswith("零") and len(tail) > 1):
            return word
        if rest and not rest.startswith("零") and "十" not in rest:
            return word  # 一百五: colloquial 150, not read
        return str(_CN_DIGITS[hundreds] * 100 + int(tail))
    if "十" not in word:
        return "".join(str(_CN_DIGITS[ch]) for ch in word)
    tens, _, ones = word.partition("十")
    if len(tens) > 1 or len(ones) > 1 or "十" in ones:
        return word  # not a numeral (十十, 一二十): left for the parser to refuse
    value = (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)
    return str(value)


#: 20世纪初, 19世纪下半叶: a part of a century (longest first, for the pattern).
_ZH_CENTURY_PARTS = {
    "上半叶": "first half",
    "前半叶": "first half",
    "下半叶": "second half",
    "后半叶": "second half",
    "初期": "early",
    "初叶": "early",
    "中期": "mid",
    "中叶": "mid",
    "末期": "late",
    "末叶": "late",
    "后期": "late",
    "初": "early",
    "中": "mid",
    "末": "late",
}
_ZH_SEASONS = {"春": 21, "夏": 22, "秋": 23, "冬": 24}


class ChineseReader(Reader):
    """Chinese phrases; every convention is listed in ``docs/dates.md``."""

    separator = ""

    @staticmethod
    def normalise(text: str) -> str:
        """No spaces; Chinese numerals before 年/月/日/号/世 as digits (二〇一九年 -> 2019年)."""
        return _CN_NUMBER.sub(lambda m: _cn_number(m.group()), text).replace(" ", "")

    def _end(self, left: str, right: str) -> When | None:
        """The right side may borrow the left's year and month (1969年3月2日至5日)."""
        end = self.point(right)
        if end is None:
            head = re.match(r"((?:公元前)?\d+年)(\d+月)?", left)
            for prefix in (head.group(), head[1]) if head else ():
                end = self.point(prefix + right)
                if end is not None:
                    break
        return end

    def _one_of(self, left: str, right: str, all_of: bool = False) -> When | None:
        """1969年或1970年, and 1969或1970年 (the left borrows 年)."""
        if re.fullmatch(r"\d+", left) and right.endswith("年"):
            left += "年"
        return super()._one_of(left, right, all_of)

    def read(self, text: str) -> When | None:
        s = text.strip("。,，")
        dual = _zh_dual(s)
        if dual is None:
            dual = self._glossed(s)
        if dual is not None:
            return dual
        m = re.fullmatch(r"(.+?)(?:或者|或是|或)(.+)", s)
        if m:
            value = self._one_of(m[1], m[2])
            if value is not None:
                return value
        s = re.sub(r"^(在|于|从|自)", "", s)
        s = re.sub(r"(期间|之间|间|时期)$", "", s)
        m = re.fullmatch(r"(.+?)(至|到|—|–|-|~)(.+?)(年)?", s)
        if m:
            right = m[3] + (m[4] or "")
            left = m[1]
            if m[4] and re.fullmatch(r"(公元前)?\d+", left):
                left += "年"
            value = self._range(left, right)
            if value is not None:
                return value
        m = re.fullmatch(r"(?:至|直到|直至)(.+)", s)  # 至2024年: until 2024
        if m:
            inner = self.point(m[1])
            if inner is not None:
                return bounded("until", inner)
        m = re.fullmatch(r"(.+?)(以前|之前|前|以后|之后|后|以来|至今)", s)
        if m and not m[1].endswith("公元"):
            inner = self.point(m[1])
            if inner is not None:
                word = {"以前": "before", "之前": "before", "前": "before", "以后": "after"}
                word.update({"之后": "after", "后": "after", "以来": "since", "至今": "since"})
                return bounded(word[m[2]], inner)
        return self._point_or_both(s, "和|与|及")

    def _glossed(self, s: str) -> When | None:
        """A date in a Chinese calendar beside its Gregorian reading, either way round:
        ``康熙五十年三月（1711年4月）``, ``1911年10月10日（宣统三年八月十九日）``.

        The Gregorian reading must hold the other's first day (a table gives the
        month a lunar month begins in), or lie within it; the value is the outer one.
        """
        m = re.fullmatch(r"([^()]+)\(([^()]+)\)", s)
        if m is None:
            return None
        for chinese_text, gregorian_text in ((m[1], m[2]), (m[2], m[1])):
            chinese = read_chinese_calendar(chinese_text)
            if re.fullmatch(r"\d{3,4}", gregorian_text):  # a year field: 1705(康熙四十四年)
                gregorian_text += "年"
            gregorian = None if chinese is None else self._core(gregorian_text)
            if chinese is None or gregorian is None:
                continue
            (low, high), (first, last) = gregorian.bounds, chinese.bounds
            if not (low <= first <= high or first <= low <= high <= last):
                raise ContradictoryDate(
                    f"{chinese_text} is {format_edtf(chinese)}, "
                    f"which {gregorian_text} ({format_edtf(gregorian)}) does not hold"
                )
            return chinese if chinese_text == m[1] else gregorian
        return None

    def point(self, text: str) -> When | None:
        s = text
        qualifier = ""
        m = re.match(r"(约|大约|大概|约在)", s)
        if m:
            qualifier, s = "~", s[m.end() :]
        m = re.search(r"(左右|前后)$", s)
        if m:
            qualifier, s = "~", s[: m.start()]
        m = re.match(r"(可能|或许)(是|在)?", s)
        if m:
            qualifier, s = qualifier + "?", s[m.end() :]
        if s.endswith("?"):
            qualifier, s = qualifier + "?", s[:-1]
        julian = False
        m = re.search(r"[(]?(俄历|儒略历|旧历)[)]?$", s) or re.match(r"(俄历|儒略历)", s)
        if m:
            julian, s = True, s[: m.start()] + s[m.end() :]
        value = self._in_julian(self._core, s) if julian else self._core(s)
        if value is None:
            return None
        return qualify(value, "%" if len(set(qualifier)) == 2 else qualifier[:1])

    def _core(self, s: str) -> When | None:
        bce = s.startswith("公元前")
        s = re.sub(r"^公元(前)?", "", s)
        calendar_value = None if bce else read_chinese_calendar(s)
        if calendar_value is not None:
            return calendar_value
        parts = {"初": "early", "上旬": "early", "中旬": "mid", "中": "mid", "下旬": "late"}
        parts.update({"底": "late", "末": "late", "初期": "early", "中期": "mid", "末期": "late"})
        parts.update({"后期": "late", "年初": "early", "年中": "mid", "年底": "late"})
        parts.update({"年末": "late"})
        m = re.fullmatch(r"(\d+)年(\d+)月(\d+)[日号]", s)
        if m:
            return self._date(plain_year(m[1], bce), int(m[2]), int(m[3]))
        m = re.fullmatch(r"(\d+)年(\d+)月(份)?(初|上旬|中旬|下旬|底|末|中)?", s)
        if m:
            year, month = plain_year(m[1], bce), int(m[2])
            if m[4]:
                return month_part(year, month, parts[m[4]])
            return self._date(year, month)
        m = re.fullmatch(r"(\d+)年(度)?", s)
        if m:
            return self._date(plain_year(m[1], bce))
        m = re.fullmatch(r"(\d+)年?(年初|年中|年底|年末)", s)  # 2020年底, 2020年年底
        if m:
            return year_part(plain_year(m[1], bce), parts[m[2]])
        m = re.fullmatch(r"(\d+)年(上|下)半年", s)
        if m:
            return self._date(plain_year(m[1], bce), 40 if m[2] == "上" else 41)
        m = re.fullmatch(r"(\d+)年(春|夏|秋|冬)(季|天)?", s)
        if m:
            return self._date(plain_year(m[1], bce), _ZH_SEASONS[m[2]])
        m = re.fullmatch(r"(\d+)年第([1-4一二三四])季度", s)
        if m:
            quarter = int(_cn_number(m[2])) if not m[2].isdigit() else int(m[2])
            return self._date(plain_year(m[1], bce), 32 + quarter)
        m = re.fullmatch(r"(\d+)世纪(\d+)年代(初|初期|中|中期|末|末期|后期)?", s)
        if m:
            number, tens = int(m[1]), int(m[2])
            if tens % 10 or tens >= 100:
                raise InvalidDate(f"{s!r}: {tens}年代 is not a decade")
            return decade_part((number - 1) * 100 + tens, parts.get(m[3] or ""))
        m = re.fullmatch(r"(\d+)年代(初|初期|中|中期|末|末期|后期)?", s)
        if m:
            if len(m[1]) <= 2:
                raise AmbiguousDate(
                    f"{s!r}: the century is not given; write 20世纪{m[1]}年代 or 19{m[1]}年代"
                )
            decade = int(m[1])
            if decade % 10:
                raise InvalidDate(f"{s!r}: {m[1]}年代 is not a decade")
            return decade_part(decade, parts.get(m[2] or ""))
        m = re.fullmatch(r"(\d+)世纪", s)
        if m:
            return century(int(m[1]), bce)
        m = re.fullmatch(rf"(\d+)世纪({'|'.join(_ZH_CENTURY_PARTS)})", s)
        if m:
            return century_part(int(m[1]), _ZH_CENTURY_PARTS[m[2]], bce)
        m = re.fullmatch(r"(\d{4})[./-](\d{1,2})[./-](\d{1,2})", s)
        if m:
            return self._date(int(m[1]), int(m[2]), int(m[3]))
        return None


def _zh_dual(s: str) -> When | None:
    """``1917年11月7日（俄历10月25日）``, ``1917年10月25日（公历11月7日）`` or a Gregorian day
    with its lunar date, ``1900年1月31日（农历正月初一）``."""
    m = re.fullmatch(
        r"(\d+)年(\d+)月(\d+)[日号]\((俄历|儒略历|公历|新历|格里历)(?:(\d+)年)?(\d+)月(\d+)[日号]\)",
        s,
    )
    if m is None:
        unmarked = _zh_unmarked_dual(s)
        if unmarked is not None:
            return unmarked
        lunar = re.fullmatch(r"(\d+)年(\d+)月(\d+)[日号]\((?:农历|阴历|旧历|農曆|陰曆)(.+)\)", s)
        if lunar is None:
            return None
        day = HistoricalDate(int(lunar[1]), int(lunar[2]), int(lunar[3]))
        check_lunar(day, lunar[4])
        return day
    outer = (int(m[1]), int(m[2]), int(m[3]))
    inner_year = int(m[5]) if m[5] else None
    if m[4] in ("公历", "新历", "格里历"):
        return dual_date(outer, (inner_year, int(m[6]), int(m[7])))
    year = inner_year
    if year is None:  # 1918年1月13日（俄历12月31日）: the Julian day is in the year before
        year = outer[0] - 1 if int(m[6]) > outer[1] else outer[0]
    return dual_date((year, int(m[6]), int(m[7])), outer)


def _zh_unmarked_dual(s: str) -> When | None:
    """``1917年10月25日(11月7日)``: a bracket without 俄历 or 公历, before 1919, is the other
    style of the outer day, whichever way round holds (else the Julian outer one is refused)."""
    m = re.fullmatch(r"(\d{3,4})年(\d+)月(\d+)[日号]\((?:(\d{3,4})年)?(\d+)月(\d+)[日号]\)", s)
    if m is None or int(m[1]) > 1918:
        return None
    outer = (int(m[1]), int(m[2]), int(m[3]))
    inner = (int(m[4]) if m[4] else None, int(m[5]), int(m[6]))
    year = inner[0] or (outer[0] - 1 if inner[1] > outer[1] else outer[0])
    try:
        return dual_date((year, inner[1], inner[2]), outer)  # 1917年11月7日(10月25日)
    except (ContradictoryDate, InvalidDate):
        return dual_date(outer, inner)
