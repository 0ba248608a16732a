"""Dates as people write them, in English, Chinese and Russian, read into EDTF values.

:func:`parse_date` returns a :class:`ParsedDate` that keeps the text as written.
Every convention (``early`` = first four years of a decade, 上旬 = days 1-10,
...) is listed in ``docs/dates.md``. Nothing is guessed: an ambiguous text such
as ``2/4/2022`` raises :class:`AmbiguousDate` (or, on request, becomes an EDTF
set of its readings).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Any

import attrs

from timeline.calendars import days_in_month, jdn_to_gregorian
from timeline.dates import (
    Boundless,
    DateInterval,
    DateSet,
    HistoricalDate,
    When,
    format_edtf,
    parse_edtf,
)
from timeline.dates._model import MONTH_NAMES
from timeline.dates._phrases_zh import check_lunar, read_chinese_calendar
from timeline.dates._relative import anchor
from timeline.errors import (
    AmbiguousDate,
    ContradictoryDate,
    DateError,
    InvalidDate,
    UnparsableDate,
)

__all__ = ["LANGS", "NAMED_PERIODS", "ParsedDate", "parse_date", "phrase_lang"]

LANGS = ("en", "zh", "ru")


@attrs.frozen
class ParsedDate:
    """A date read from text: the value, the text as written and its language."""

    when: When
    text: str
    lang: str


def _plans() -> dict[str, str]:
    spans = (
        (1953, 1957),
        (1958, 1962),
        (1966, 1970),
        (1971, 1975),
        (1976, 1980),
        (1981, 1985),
        (1986, 1990),
        (1991, 1995),
        (1996, 2000),
        (2001, 2005),
        (2006, 2010),
        (2011, 2015),
        (2016, 2020),
        (2021, 2025),
        (2026, 2030),
    )
    numerals = [
        "一",
        "二",
        "三",
        "四",
        "五",
        "六",
        "七",
        "八",
        "九",
        "十",
        "十一",
        "十二",
        "十三",
        "十四",
        "十五",
    ]
    table: dict[str, str] = {}
    for n, (first, last) in enumerate(spans, start=1):
        edtf = f"{first}/{last}"
        short = "十五" if n == 10 else f"{numerals[n - 1]}五"
        table[short] = edtf
        table[f"第{numerals[n - 1]}个五年计划"] = edtf
        table[f"第{numerals[n - 1]}个五年规划"] = edtf
        suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
        table[f"{n}{suffix} five-year plan"] = edtf
    return table


#: Named periods: a name (as normalised by :func:`parse_date`: lower case,
#: no quotes, no 期间/时期/period suffix) -> EDTF. Add entries to extend it.
NAMED_PERIODS: dict[str, str] = _plans()


def parse_date(
    text: str,
    lang: str = "en",
    *,
    ambiguous: str = "error",
    document_date: When | str | None = None,
    old_style: bool = False,
) -> ParsedDate:
    """Read a date phrase (``"2 March 1969"``, ``"2019年6月初"``, ``"в начале июня 2019"``).

    ``lang`` is ``"en"``, ``"zh"`` or ``"ru"``. EDTF text is accepted in every
    language. ``ambiguous="set"`` returns an ambiguous numeric date as an EDTF
    one-of set of its readings instead of raising :class:`AmbiguousDate`.
    ``document_date`` (a date or EDTF text) anchors relative dates ("last June",
    去年6月, "в прошлом году"); without it they raise :class:`MissingDocumentDate`.
    ``old_style=True`` is the policy for a source that writes Russian dates in the
    Old Style: an English or Russian date with no style marker that falls before
    14 February 1918 (N.S.) is read in the Julian calendar.
    """
    if lang not in LANGS:
        raise UnparsableDate(f"{text!r}: language {lang!r} is not one of {', '.join(LANGS)}")
    if ambiguous not in ("error", "set"):
        raise DateError(f"{text!r}: ambiguous must be 'error' or 'set', not {ambiguous!r}")
    base = _normalise(text, "")
    clean = anchor(_normalise(text, lang), lang, _document(document_date, text), text)
    if not clean:
        raise UnparsableDate(f"{text!r}: empty text is not a date")
    edtf_error: DateError | None = None
    try:
        try:
            return ParsedDate(parse_edtf(clean), text, lang)
        except DateError as exc:
            edtf_error = exc
        policy = old_style and lang in _OLD_STYLE_LANGS and not _STYLE_MARKER.search(clean)
        reader = _Reader(lang, ambiguous == "set", "julian" if policy else "gregorian")
        when = reader.read(clean, base)
        if when is None:
            specific = isinstance(edtf_error, InvalidDate) or "qualifier" in str(edtf_error)
            if specific and edtf_error is not None:
                raise edtf_error
            raise UnparsableDate(f"not a date phrase this library reads in {lang!r}")
        if policy:
            when = _old_style(when)
    except DateError as exc:
        message = str(exc)
        if not message.startswith((repr(text), text.strip() or repr(text))):
            message = f"{text!r}: {message}"
        raise type(exc)(message) from None
    return ParsedDate(when, text, lang)


def phrase_lang(text: str) -> str:
    """The language a date phrase is written in, told by its script.

    ``"zh"`` for Chinese characters, ``"ru"`` for Cyrillic, ``"en"`` for other
    letters and ``""`` for text without letters ("1969-03-02", "1969?").
    """
    if any(unicodedata.name(ch, "").startswith("CJK ") for ch in text):
        return "zh"
    if any("\u0400" <= ch <= "\u04ff" for ch in text):
        return "ru"
    return "en" if any(ch.isalpha() for ch in text) else ""


#: Languages the Old Style policy applies to (Chinese dates mark 俄历 themselves).
_OLD_STYLE_LANGS = ("en", "ru")
_STYLE_MARKER = re.compile(
    r"o\.\s?s\.|n\.\s?s\.|old style|new style|\((?:os|ns)\)|ст\.\s?ст\.|н\.\s?ст\."
    r"|по (?:старому|новому) стилю|\(\d{1,2}\)|\d \w+ \(\d",
    re.IGNORECASE,
)
#: The first Gregorian day in Soviet Russia: 14 February 1918 (N.S.) followed 31 January (O.S.).
_SWITCH = HistoricalDate(1918, 2, 14).bounds[0]


def _old_style(w: When) -> When:
    """Under the Old Style policy: Julian before the switch, Gregorian from it."""
    if isinstance(w, DateInterval):
        return DateInterval(_old_style_end(w.start), _old_style_end(w.end))
    if isinstance(w, DateSet):
        return w
    end = _old_style_end(w)
    assert isinstance(end, HistoricalDate)
    return end


def _old_style_end(end: HistoricalDate | Boundless) -> HistoricalDate | Boundless:
    if not isinstance(end, HistoricalDate) or end.year_x or end.month > 12 or end.month_x:
        return end
    julian = attrs.evolve(end, calendar="julian")
    if julian.bounds[1] < _SWITCH:
        return julian
    if end.day and (end.year, end.month) == (1918, 2) and end.day < 14:
        raise InvalidDate(
            f"{end.day} February 1918 did not exist in Russia: the day after 31 January "
            "(Old Style) was 14 February (New Style)"
        )
    return attrs.evolve(end, calendar="gregorian")


def _document(value: When | str | None, text: str) -> HistoricalDate | None:
    """The document date as one date; an interval or set cannot anchor a relative date."""
    if value is None:
        return None
    when = parse_edtf(value) if isinstance(value, str) else value
    if not isinstance(when, HistoricalDate):
        raise DateError(
            f"{text!r}: the document date {format_edtf(when)} must be one date, "
            "not an interval or set"
        )
    return when


# -- normalisation -------------------------------------------------------------

_CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_CN_DIGITS.update({"六": 6, "七": 7, "八": 8, "九": 9})
_CN_NUMBER = re.compile(r"[〇零一二两三四五六七八九十百]+(?=[年月日号世])")
_QUOTES = "\"'“”‘’「」『』《》«»"


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


def _normalise(text: str, lang: str) -> str:
    clean = unicodedata.normalize("NFKC", text).strip()
    clean = re.sub(r"\s+", " ", clean)
    if lang == "zh":
        clean = _CN_NUMBER.sub(lambda m: _cn_number(m.group()), clean)
        clean = clean.replace(" ", "")
    return clean


# -- building values -----------------------------------------------------------


def _interval(start: When, end: When) -> When:
    if not isinstance(start, HistoricalDate):
        start = _first(start)
    if not isinstance(end, HistoricalDate):
        end = _last(end)
    return DateInterval(start, end)


def _first(w: When) -> HistoricalDate:
    if isinstance(w, HistoricalDate):
        return w
    if isinstance(w, DateInterval) and isinstance(w.start, HistoricalDate):
        return w.start
    return _day(w.bounds[0])


def _last(w: When) -> HistoricalDate:
    if isinstance(w, HistoricalDate):
        return w
    if isinstance(w, DateInterval) and isinstance(w.end, HistoricalDate):
        return w.end
    return _day(w.bounds[1])


def _day(jdn: int) -> HistoricalDate:
    return HistoricalDate(*jdn_to_gregorian(jdn))


def _qualify(w: When, qualifier: str) -> When:
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
        value = _qualify(end, qualifier)
        assert isinstance(value, HistoricalDate)
        return value
    return end


def _julian_end(end: HistoricalDate | Boundless) -> HistoricalDate | Boundless:
    return attrs.evolve(end, calendar="julian") if isinstance(end, HistoricalDate) else end


def _julian(w: When) -> When:
    if isinstance(w, HistoricalDate):
        return attrs.evolve(w, calendar="julian")
    if isinstance(w, DateInterval):
        return DateInterval(_julian_end(w.start), _julian_end(w.end))
    raise InvalidDate(f"{format_edtf(w)}: a set cannot be in the Julian calendar")


def _step(w: When, direction: int) -> HistoricalDate:
    """The unit before (-1) or after (+1) a year, month or day; else the day outside."""
    if isinstance(w, HistoricalDate) and not w.qualifier:
        p = w.precision
        if p == "year" and not w.month_x:
            return HistoricalDate(w.year + direction)
        if p == "month" and not w.day_x:
            index = w.year * 12 + w.month - 1 + direction
            return HistoricalDate(index // 12, index % 12 + 1)
        if p == "day":
            return _day(w.bounds[0] + direction)
    return _day(w.bounds[0] - 1 if direction < 0 else w.bounds[1] + 1)


def _month_part(year: int, month: int, part: str) -> When:
    last = days_in_month(year, month)
    first_day, last_day = {"early": (1, 10), "mid": (11, 20), "late": (21, last)}[part]
    return DateInterval(
        HistoricalDate(year, month, first_day), HistoricalDate(year, month, last_day)
    )


def _year_part(year: int, part: str) -> When:
    first, last = {"early": (1, 4), "mid": (5, 8), "late": (9, 12)}[part]
    return DateInterval(HistoricalDate(year, first), HistoricalDate(year, last))


def _decade_part(decade: int, part: str | None) -> When:
    if part is None:
        return HistoricalDate(decade, year_x=1)
    first, last = {"early": (0, 3), "mid": (4, 6), "late": (7, 9)}[part]
    return DateInterval(HistoricalDate(decade + first), HistoricalDate(decade + last))


def _period_part(
    rest: str,
    part: str,
    decade: str,
    month: str,
    month_number: Callable[[str], int],
) -> When | None:
    """Early, mid or late part of a decade (``decade`` pattern), a year, or a month and year."""
    m = re.fullmatch(decade, rest)
    if m:
        return _decade_part(int(m[1]), part)
    m = re.fullmatch(r"(\d{1,4})", rest)
    if m:
        return _year_part(int(m[1]), part)
    m = re.fullmatch(rf"{month}\s+(\d{{1,4}})", rest)
    if m:
        return _month_part(int(m[2]), month_number(m[1]), part)
    return None


def _century(n: int, bce: bool = False) -> When:
    """The n-th century as its hundreds (19th century = 18XX, 1800-1899)."""
    if n < 1:
        raise InvalidDate(f"century {n} does not exist")
    if bce:
        return DateInterval(HistoricalDate(1 - n * 100), HistoricalDate(1 - (n - 1) * 100 - 1))
    if n == 1:
        return DateInterval(HistoricalDate(1), HistoricalDate(99))
    return HistoricalDate((n - 1) * 100, year_x=2)


def _plain_year(digits: str, bce: bool = False) -> int:
    value = int(digits)
    if bce:
        if value == 0:
            raise InvalidDate(
                f"year {digits} BCE: there is no year 0 BCE (1 BCE is followed by 1 CE)"
            )
        return 1 - value
    return value


# -- the reader ----------------------------------------------------------------

_EN_MONTHS = {name.lower(): i for i, name in enumerate(MONTH_NAMES, start=1)}
_EN_MONTH = (
    r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_RU_STEMS = ("янв", "фев", "мар", "апр", "ма", "июн", "июл", "авг", "сен", "окт", "ноя", "дек")
_RU_MONTH = r"(янв[а-я]*|фев[а-я]*|мар[а-я]*|апр[а-я]*|ма[йяе]|июн[а-я]*|июл[а-я]*|авг[а-я]*|сен[а-я]*|окт[а-я]*|ноя[а-я]*|дек[а-я]*)"  # noqa: E501
_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}
_EN_SEASONS = {"spring": 21, "summer": 22, "autumn": 23, "fall": 23, "winter": 24}
_ZH_SEASONS = {"春": 21, "夏": 22, "秋": 23, "冬": 24}
_RU_SEASONS = {"весн": 21, "лет": 22, "осен": 23, "зим": 24}
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3}
_ORDINALS["4th"] = 4


def _en_month(word: str) -> int:
    return _EN_MONTHS[next(name for name in _EN_MONTHS if name.startswith(word.lower()[:3]))]


def _ru_month(word: str) -> int:
    return next(i for i, stem in enumerate(_RU_STEMS, start=1) if word.startswith(stem))


def _roman(word: str) -> int:
    total = 0
    values = [_ROMAN[ch] for ch in word.lower()]
    for i, v in enumerate(values):
        total += -v if i + 1 < len(values) and values[i + 1] > v else v
    return total


class _Reader:
    """Reads one language's phrases; ``read`` returns ``None`` for text it does not know."""

    def __init__(self, lang: str, ambiguous_as_set: bool, calendar: str = "gregorian") -> None:
        self.lang = lang
        self.ambiguous_as_set = ambiguous_as_set
        # The calendar dates are written in: "julian" inside an O.S. / 俄历 / ст. ст. phrase
        # or under the Old Style policy, so 29 February 1900 O.S. is read as written.
        self.calendar = calendar
        self.point: Callable[[str], When | None] = {
            "en": self._en_point,
            "zh": self._zh_point,
            "ru": self._ru_point,
        }[lang]

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
        return None if inner is None else _julian(inner)

    # entry -------------------------------------------------------------------

    def read(self, text: str, base: str) -> When | None:
        """``text`` normalised for ``lang``; ``base`` only NFKC (for named periods)."""
        named = self._named(base)
        if named is not None:
            return named
        return {"en": self._en, "zh": self._zh, "ru": self._ru}[self.lang](text)

    def _named(self, text: str) -> When | None:
        key = text.lower().strip(_QUOTES + " ")
        key = re.sub(r"^the\s+", "", key)
        years = re.search(r"\s*[(（](\d{4})\s*[-–—]\s*(\d{4})[)）]$", key)
        if years:
            key = key[: years.start()]
        key = re.sub(r"(期间|时期|规划期|计划期|\s+period)$", "", key).strip(_QUOTES + " ")
        if key not in NAMED_PERIODS:
            return None
        value = parse_edtf(NAMED_PERIODS[key])
        if years:
            stated = DateInterval(self._date(int(years[1])), self._date(int(years[2])))
            if stated != value:
                raise InvalidDate(
                    f"{text!r}: {key!r} is {NAMED_PERIODS[key]}, not {years[1]}-{years[2]}"
                )
        return value

    def _range(self, left: str, right: str) -> When | None:
        """A range from two phrases; the left may borrow the right's tail ("2-5 March 1969")."""
        pair = self._pair(left, right)
        return None if pair is None else _interval(*pair)

    def _one_of(self, left: str, right: str) -> When | None:
        """``1969 or 1970``, ``March or April 1969``, 1969年或1970年: an EDTF one-of set."""
        if self.lang == "zh" and re.fullmatch(r"\d+", left) and right.endswith("年"):
            left += "年"
        pair = self._pair(left, right)
        if pair is None:
            return None
        members = []
        for value in pair:
            if isinstance(value, DateSet):
                raise InvalidDate(f"{format_edtf(value)}: a set cannot be one choice of another")
            members.append(value)
        return DateSet(tuple(sorted(set(members))))

    def _pair(self, left: str, right: str) -> tuple[When, When] | None:
        """Two phrases read alike; the left may borrow the right's tail."""
        end = self.point(right)
        if end is None and self.lang == "zh":
            head = re.match(r"((?:公元前)?\d+年)(\d+月)?", left)
            for prefix in (head.group(), head[1]) if head else ():
                end = self.point(prefix + right)
                if end is not None:
                    break
        if end is None:
            return None
        # a bare day number borrows the right's month and year ("2-5 March 1969")
        start = None if re.fullmatch(r"\d{1,2}", left) else self.point(left)
        if start is None:
            sep = "" if self.lang == "zh" else " "
            tokens = right.split(" ") if sep else list(right)
            for k in range(1, len(tokens)):
                start = self.point(left + sep + sep.join(tokens[k:]))
                if start is not None:
                    break
        if start is None:
            return None
        return start, end

    # English -------------------------------------------------------------------

    def _en(self, text: str) -> When | None:
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
                return self._in_julian(self._en, s[: found.start()])
            return self._en(s[: found.start()])
        dual = _dual_phrase(low, _EN_MONTH, _en_month, "")
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
            (r"(\d{3,4})-(\d{2,4})", self._en_year_range),
        ):
            m = re.fullmatch(pattern, s, flags=re.I)
            if m:
                value = maker(m[1], m[2])
                if value is not None:
                    return value
        m = re.fullmatch(r"(before|after|since|until|till|by)\s+(.+)", s, flags=re.I)
        if m:
            inner = self._en_point(m[2])
            if inner is None:
                return None
            return _relative(m[1].lower(), inner)
        return self._en_point(s)

    def _en_year_range(self, left: str, right: str) -> When | None:
        if len(right) == 2:  # 1969-72
            right = left[: len(left) - 2] + right
        return _interval(self._date(int(left)), self._date(int(right)))

    def _en_point(self, text: str) -> When | None:
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
        value = self._en_core(s)
        if value is None:
            return None
        return _qualify(value, "%" if len(set(qualifier)) == 2 else qualifier[:1])

    def _en_core(self, s: str) -> When | None:
        low = s.lower().replace(",", "")
        low = re.sub(r"^the\s+", "", low)
        era = r"(?:\s*(bce?|b\.c\.(?:e\.)?|ad|a\.d\.|ce|c\.e\.))?"
        m = re.fullmatch(r"(?:(?:ad|a\.d\.)\s+)?(\d{1,9})" + era, low)
        if m:
            return self._date(_plain_year(m[1], bool(m[2] and m[2].startswith("b"))))
        m = re.fullmatch(
            rf"(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_EN_MONTH}\s+(\d{{1,4}})" + era, low
        )
        if m is None:
            m2 = re.fullmatch(
                rf"{_EN_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?\s+(\d{{1,4}})" + era, low
            )
            if m2:
                day, month, year, bce = m2[2], m2[1], m2[3], m2[4]
                return self._date(_plain_year(year, _bce(bce)), _en_month(month), int(day))
        else:
            bce = m[4]
            return self._date(_plain_year(m[3], _bce(bce)), _en_month(m[2]), int(m[1]))
        m = re.fullmatch(rf"{_EN_MONTH}\s+(\d{{1,4}})" + era, low)
        if m:
            return self._date(_plain_year(m[2], _bce(m[3])), _en_month(m[1]))
        m = re.fullmatch(r"(\d{3})0s", low)
        if m:
            if m[1].endswith("0"):
                raise AmbiguousDate(
                    f"{s!r}: could be the decade {m[1]}0-{m[1]}9 or the century "
                    f"{m[1][:-1]}00-{m[1][:-1]}99; write '{m[1]}0-{m[1]}9' or the century"
                )
            return _decade_part(int(m[1]) * 10, None)
        m = re.fullmatch(r"(early|mid|late)[\s-]+(.+)", low)
        if m:
            return self._en_part(m[1], m[2])
        m = re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th) century" + era, low)
        if m:
            return _century(int(m[1]), _bce(m[2]))
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

    def _en_part(self, part: str, rest: str) -> When | None:
        part = {"early": "early", "mid": "mid", "late": "late"}[part]
        return _period_part(rest, part, r"(\d{3}0)s", _EN_MONTH, _en_month)

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

    # Chinese -------------------------------------------------------------------

    def _zh(self, text: str) -> When | None:
        s = text.strip("。,，")
        dual = _zh_dual(s)
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
        m = re.fullmatch(r"(.+?)(以前|之前|前|以后|之后|后|以来|至今)", s)
        if m and not m[1].endswith("公元"):
            inner = self._zh_point(m[1])
            if inner is not None:
                word = {"以前": "before", "之前": "before", "前": "before", "以后": "after"}
                word.update({"之后": "after", "后": "after", "以来": "since", "至今": "since"})
                return _relative(word[m[2]], inner)
        return self._zh_point(s)

    def _zh_point(self, text: str) -> When | None:
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
        value = self._in_julian(self._zh_core, s) if julian else self._zh_core(s)
        if value is None:
            return None
        return _qualify(value, "%" if len(set(qualifier)) == 2 else qualifier[:1])

    def _zh_core(self, s: str) -> When | None:
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
            return self._date(_plain_year(m[1], bce), int(m[2]), int(m[3]))
        m = re.fullmatch(r"(\d+)年(\d+)月(份)?(初|上旬|中旬|下旬|底|末|中)?", s)
        if m:
            year, month = _plain_year(m[1], bce), int(m[2])
            if m[4]:
                return _month_part(year, month, parts[m[4]])
            return self._date(year, month)
        m = re.fullmatch(r"(\d+)年(度)?", s)
        if m:
            return self._date(_plain_year(m[1], bce))
        m = re.fullmatch(r"(\d+)(年初|年中|年底|年末)", s)
        if m:
            return _year_part(_plain_year(m[1], bce), parts[m[2]])
        m = re.fullmatch(r"(\d+)年(上|下)半年", s)
        if m:
            return self._date(_plain_year(m[1], bce), 40 if m[2] == "上" else 41)
        m = re.fullmatch(r"(\d+)年(春|夏|秋|冬)(季|天)?", s)
        if m:
            return self._date(_plain_year(m[1], bce), _ZH_SEASONS[m[2]])
        m = re.fullmatch(r"(\d+)年第([1-4一二三四])季度", s)
        if m:
            quarter = int(_cn_number(m[2])) if not m[2].isdigit() else int(m[2])
            return self._date(_plain_year(m[1], bce), 32 + quarter)
        m = re.fullmatch(r"(\d+)世纪(\d+)年代(初|初期|中|中期|末|末期|后期)?", s)
        if m:
            century, tens = int(m[1]), int(m[2])
            if tens % 10 or tens >= 100:
                raise InvalidDate(f"{s!r}: {tens}年代 is not a decade")
            return _decade_part((century - 1) * 100 + tens, parts.get(m[3] or ""))
        m = re.fullmatch(r"(\d+)年代(初|初期|中|中期|末|末期|后期)?", s)
        if m:
            if len(m[1]) <= 2:
                raise AmbiguousDate(
                    f"{s!r}: the century is not given; write 20世纪{m[1]}年代 or 19{m[1]}年代"
                )
            decade = int(m[1])
            if decade % 10:
                raise InvalidDate(f"{s!r}: {m[1]}年代 is not a decade")
            return _decade_part(decade, parts.get(m[2] or ""))
        m = re.fullmatch(r"(\d+)世纪", s)
        if m:
            return _century(int(m[1]), bce)
        m = re.fullmatch(r"(\d{4})[./-](\d{1,2})[./-](\d{1,2})", s)
        if m:
            return self._date(int(m[1]), int(m[2]), int(m[3]))
        return None

    # Russian -------------------------------------------------------------------

    def _ru(self, text: str) -> When | None:
        s = text.lower().strip(" .,;")
        julian = re.search(r"\s*(\(ст\.\s?ст\.\)|ст\.\s?ст\.?|\(?по старому стилю\)?)$", s)
        gregorian = re.search(r"\s*(\(н\.\s?ст\.\)|н\.\s?ст\.?|\(?по новому стилю\)?)$", s)
        if julian or gregorian:
            found = julian or gregorian
            assert found is not None
            if julian:
                return self._in_julian(self._ru, s[: found.start()])
            return self._ru(s[: found.start()])
        dual = _dual_phrase(s, _RU_MONTH, _ru_month, r" г\.?| года?")
        if dual is not None:
            return dual
        s = re.sub(r"^(в|во)\s+", "", s)
        m = re.fullmatch(r"(?:либо\s+)?(.+?)\s+(?:или|либо)\s+(.+)", s)
        if m:
            value = self._one_of(m[1], m[2])
            if value is not None:
                return value
        m = re.fullmatch(r"(?:между|с)\s+(.+?)\s+(?:и|по|до)\s+(.+)", s)
        if m:
            value = self._range(m[1], m[2])
            if value is not None:
                return value
        m = re.fullmatch(r"(\d{3,4})\s*[–—-]\s*(\d{3,4})(?:\s*(?:гг\.?|годы|годах|годов))?", s)
        if m:
            return _interval(self._date(int(m[1])), self._date(int(m[2])))
        m = re.fullmatch(r"(.+?)\s*[–—]\s*(.+)", s)
        if m:
            value = self._range(m[1], m[2])
            if value is not None:
                return value
        if "до н" not in s:
            m = re.fullmatch(r"(до|после|с|начиная с|по)\s+(.+)", s)
            if m:
                inner = self._ru_point(m[2])
                if inner is not None:
                    word = {"до": "before", "после": "after", "с": "since", "по": "until"}
                    word["начиная с"] = "since"
                    return _relative(word[m[1]], inner)
        return self._ru_point(s)

    def _ru_point(self, text: str) -> When | None:
        s = text.lower().strip(" .,")
        s = re.sub(r"^(в|во)\s+", "", s)
        qualifier = ""
        m = re.match(r"(около|ок\.|примерно|приблизительно|приблиз\.)\s*", s)
        if m:
            qualifier, s = "~", s[m.end() :]
        m = re.match(r"(возможно|вероятно),?\s+", s)
        if m:
            qualifier, s = qualifier + "?", s[m.end() :]
        if s.endswith("?"):
            qualifier, s = qualifier + "?", s[:-1].strip(" (")
            s = s.rstrip(" (")
        value = self._ru_core(s)
        if value is None:
            return None
        return _qualify(value, "%" if len(set(qualifier)) == 2 else qualifier[:1])

    def _ru_core(self, text: str) -> When | None:
        s = text.strip(" .,")
        bce = bool(re.search(r"до\s?н\.\s?э\.?$", s))
        s = re.sub(r"\s*до\s?н\.\s?э\.?$", "", s)
        s = re.sub(r"\s*(н\.\s?э\.?)$", "", s)
        s = re.sub(r"\s*(гг\.?|г\.?|года|году|год|годы|годах|годов|годами)$", "", s).strip()
        m = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", s)
        if m:
            return self._date(int(m[3]), int(m[2]), int(m[1]))
        m = re.fullmatch(r"(\d{1,2})\.(\d{4})", s)
        if m:
            return self._date(int(m[2]), int(m[1]))
        m = re.fullmatch(r"(\d{1,9})", s)
        if m:
            return self._date(_plain_year(m[1], bce))
        m = re.fullmatch(rf"(\d{{1,2}})\s+{_RU_MONTH}\s+(\d{{1,4}})", s)
        if m:
            return self._date(_plain_year(m[3], bce), _ru_month(m[2]), int(m[1]))
        m = re.fullmatch(rf"{_RU_MONTH}\s+(\d{{1,4}})", s)
        if m:
            return self._date(_plain_year(m[2], bce), _ru_month(m[1]))
        m = re.fullmatch(r"(начал[еоа]|середин[еуа]|конц[еа]|конец)\s+(.+)", s)
        if m:
            part = {"нач": "early", "сер": "mid", "кон": "late"}[m[1][:3]]
            rest = re.sub(r"\s*(гг\.?|г\.?|года|годов|годах)$", "", m[2])
            return _period_part(rest, part, r"(\d{3}0)-[хе]", _RU_MONTH, _ru_month)
        m = re.fullmatch(r"(\d{3}0)-[хе]", s)
        if m:
            return _decade_part(int(m[1]), None)
        m = re.fullmatch(r"([ivxlc]+)\s+(век|века|веке)", s)
        if m:
            return _century(_roman(m[1]), bce)
        m = re.fullmatch(r"(весн|лет|осен|зим)[а-я]*\s+(\d{1,4})", s)
        if m:
            return self._date(int(m[2]), _RU_SEASONS[m[1]])
        m = re.fullmatch(r"(i{1,3}|iv|[1-4])(?:-м)?\s+квартал[а-я]*\s+(\d{1,4})", s)
        if m:
            quarter = int(m[1]) if m[1].isdigit() else _roman(m[1])
            return self._date(int(m[2]), 32 + quarter)
        m = re.fullmatch(r"(перв|втор)[а-я]*\s+(половин|полугоди)[а-я]*\s+(\d{1,4})", s)
        if m:
            return self._date(int(m[3]), 40 if m[1] == "перв" else 41)
        return None


def _bce(era: str | None) -> bool:
    return bool(era) and era is not None and era.startswith("b")


def _relative(word: str, inner: When) -> When:
    """before/after X as EDTF sets; since/until X as open intervals."""
    if word == "before":
        return DateSet((DateInterval(Boundless.OPEN, _step(inner, -1)),))
    if word == "after":
        return DateSet((DateInterval(_step(inner, +1), Boundless.OPEN),))
    if word == "since":
        return DateInterval(_first(inner), Boundless.OPEN)
    return DateInterval(Boundless.OPEN, _last(inner))


def _dual_phrase(s: str, month: str, number: Callable[[str], int], year_word: str) -> When | None:
    """A dual date: ``25 October (7 November) 1917``, ``16 (28) мая 1858``,
    ``31 December 1917 (13 January 1918)``, ``7 November [O.S. 25 October] 1917``."""
    year = rf"(\d{{3,4}})(?:{year_word})?"
    m = re.fullmatch(rf"(\d{{1,2}}) {month} \((\d{{1,2}}) {month}\),? {year}", s)
    if m:
        return _dual((int(m[5]), number(m[2]), int(m[1])), (None, number(m[4]), int(m[3])))
    m = re.fullmatch(rf"(\d{{1,2}}) \((\d{{1,2}})\) {month},? {year}", s)
    if m:
        return _dual((int(m[4]), number(m[3]), int(m[1])), (None, number(m[3]), int(m[2])))
    m = re.fullmatch(rf"(\d{{1,2}}) {month},? {year} \((\d{{1,2}}) {month},? {year}\)", s)
    if m:
        return _dual((int(m[3]), number(m[2]), int(m[1])), (int(m[6]), number(m[5]), int(m[4])))
    old_style = r"(?:o\.\s?s\.?|ст\.\s?ст\.)"
    m = re.fullmatch(
        rf"(\d{{1,2}}) {month} [\[(]{old_style},? (\d{{1,2}}) {month}[\])],? {year}", s
    )
    if m:
        return _dual((int(m[5]), number(m[4]), int(m[3])), (None, number(m[2]), int(m[1])))
    return None


def _zh_dual(s: str) -> When | None:
    """``1917年11月7日（俄历10月25日）``, ``1917年10月25日（公历11月7日）`` or a Gregorian day
    with its lunar date, ``1900年1月31日（农历正月初一）``."""
    m = re.fullmatch(
        r"(\d+)年(\d+)月(\d+)[日号]\((俄历|儒略历|公历|新历|格里历)(?:(\d+)年)?(\d+)月(\d+)[日号]\)",
        s,
    )
    if m is None:
        lunar = re.fullmatch(r"(\d+)年(\d+)月(\d+)[日号]\((?:农历|阴历|旧历|農曆|陰曆)(.+)\)", s)
        if lunar is None:
            return None
        day = HistoricalDate(int(lunar[1]), int(lunar[2]), int(lunar[3]))
        check_lunar(day, lunar[4])
        return day
    outer = (int(m[1]), int(m[2]), int(m[3]))
    inner_year = int(m[5]) if m[5] else None
    if m[4] in ("公历", "新历", "格里历"):
        return _dual(outer, (inner_year, int(m[6]), int(m[7])))
    year = inner_year
    if year is None:  # 1918年1月13日（俄历12月31日）: the Julian day is in the year before
        year = outer[0] - 1 if int(m[6]) > outer[1] else outer[0]
    return _dual((year, int(m[6]), int(m[7])), outer)


def _dual(old: tuple[int, int, int], new: tuple[int | None, int, int]) -> When:
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
