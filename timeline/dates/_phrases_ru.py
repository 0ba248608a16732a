"""Dates as Russian writes them: "2 марта 1969 г.", "в начале июня 2019", "16 (28) мая 1858 г."."""

from __future__ import annotations

import re

from timeline.dates._model import When
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
from timeline.errors import AmbiguousDate

_RU_STEMS = ("янв", "фев", "мар", "апр", "ма", "июн", "июл", "авг", "сен", "окт", "ноя", "дек")
_RU_MONTH = r"(янв[а-я]*|фев[а-я]*|мар[а-я]*|апр[а-я]*|ма[йяе]|июн[а-я]*|июл[а-я]*|авг[а-я]*|сен[а-я]*|окт[а-я]*|ноя[а-я]*|дек[а-я]*)"  # noqa: E501
_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}
_RU_SEASONS = {"весн": 21, "лет": 22, "осен": 23, "зим": 24}


def _ru_month(word: str) -> int:
    return next(i for i, stem in enumerate(_RU_STEMS, start=1) if word.startswith(stem))


def _roman(word: str) -> int:
    total = 0
    values = [_ROMAN[ch] for ch in word.lower()]
    for i, v in enumerate(values):
        total += -v if i + 1 < len(values) and values[i + 1] > v else v
    return total


def _refuse_decade_without_century(s: str) -> None:
    """60-х (гг.): the 1960s or the 1860s? Refused like 90年代, never guessed."""
    m = re.fullmatch(r"(\d0)-[хе](?:\s*(?:гг\.?|годы|годов|годах))?", s)
    if m:
        raise AmbiguousDate(f"{s!r}: the century is not given; write 19{m[1]}-е or 18{m[1]}-е")


class RussianReader(Reader):
    """Russian phrases; every convention is listed in ``docs/dates.md``."""

    def read(self, text: str) -> When | None:
        s = text.lower().strip(" .,;")
        julian = re.search(r"\s*(\(ст\.\s?ст\.\)|(по )?ст\.\s?ст\.?|\(?по старому стилю\)?)$", s)
        gregorian = re.search(r"\s*(\(н\.\s?ст\.\)|(по )?н\.\s?ст\.?|\(?по новому стилю\)?)$", s)
        if julian or gregorian:
            found = julian or gregorian
            assert found is not None
            if julian:
                return self._in_julian(self.read, s[: found.start()])
            return self.read(s[: found.start()])
        s = re.sub(r"(\d)\((\d)", r"\1 (\2", s)  # 16(28) мая 1858 г.
        dual = dual_phrase(s, _RU_MONTH, _ru_month, r" г\.?| года?")
        if dual is not None:
            return dual
        s = re.sub(r"^(в|во)\s+", "", s)
        m = re.fullmatch(r"(?:либо\s+)?(.+?)\s+(?:или|либо)\s+(.+)", s)
        if m:
            value = self._one_of(m[1], m[2])
            if value is not None:
                return value
        m = re.fullmatch(r"(?:между|с|со)\s+(.+?)\s+(?:и|по|до)\s+(.+)", s)
        if m:
            value = self._range(m[1], m[2])
            if value is not None:
                return value
        m = re.fullmatch(r"(\d{3,4})\s*[–—-]\s*(\d{3,4})(?:\s*(?:гг\.?|годы|годах|годов))?", s)
        if m:
            return interval(self._date(int(m[1])), self._date(int(m[2])))
        m = re.fullmatch(r"(.+?)\s*[–—]\s*(.+)", s)
        if m:
            value = self._range(m[1], m[2])
            if value is not None:
                return value
        if "до н" not in s:
            m = re.fullmatch(r"(до|после|с|начиная с|по)\s+(.+)", s)
            if m:
                inner = self.point(m[2])
                if inner is not None:
                    word = {"до": "before", "после": "after", "с": "since", "по": "until"}
                    word["начиная с"] = "since"
                    return bounded(word[m[1]], inner)
        return self._point_or_both(s, r"(?<=\S)\s+и")

    def point(self, text: str) -> When | None:
        s = text.lower().strip(" .,")
        s = re.sub(r"^(в|во)\s+", "", s)
        qualifier = ""
        m = re.match(r"(около|ок\.|примерно|приблизительно|приблиз\.)\s*", s)
        if m:
            qualifier, s = "~", re.sub(r"^(в|во)\s+", "", s[m.end() :])
        m = re.match(r"(возможно|вероятно),?\s+", s)
        if m:
            qualifier, s = qualifier + "?", s[m.end() :]
        if s.endswith("?"):
            qualifier, s = qualifier + "?", s[:-1].strip(" (")
            s = s.rstrip(" (")
        value = self._core(s)
        if value is None:
            return None
        return qualify(value, "%" if len(set(qualifier)) == 2 else qualifier[:1])

    def _core(self, text: str) -> When | None:
        s = text.strip(" .,")
        bce = bool(re.search(r"до\s?н\.\s?э\.?$", s))
        s = re.sub(r"\s*до\s?н\.\s?э\.?$", "", s)
        s = re.sub(r"\s*(н\.\s?э\.?)$", "", s)
        s = re.sub(r"\s*(гг\.?|г\.?|года|году|год|годы|годах|годов|годами)$", "", s).strip()
        s = re.sub(r"(\d)-(?:м|й|го|му)$", r"\1", s)  # 1858-м (году), an ordinal year
        m = re.fullmatch(rf"{_RU_MONTH}\s+(\d{{1,2}})(?:-?го)?\s+(?:дня|числа)\s+(\d{{1,4}})", s)
        if m:  # мая 16 дня 1858 года, as treaties and chronicles write a day
            return self._date(plain_year(m[3], bce), _ru_month(m[1]), int(m[2]))
        m = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", s)
        if m:
            return self._date(int(m[3]), int(m[2]), int(m[1]))
        m = re.fullmatch(r"(\d{1,2})\.(\d{4})", s)
        if m:
            return self._date(int(m[2]), int(m[1]))
        m = re.fullmatch(r"(\d{1,9})", s)
        if m:
            return self._date(plain_year(m[1], bce))
        m = re.fullmatch(rf"(\d{{1,2}})\s+{_RU_MONTH}\s+(\d{{1,4}})", s)
        if m:
            return self._date(plain_year(m[3], bce), _ru_month(m[2]), int(m[1]))
        m = re.fullmatch(rf"{_RU_MONTH}\s+(\d{{1,4}})", s)
        if m:
            return self._date(plain_year(m[2], bce), _ru_month(m[1]))
        m = re.fullmatch(r"(начал[еоа]|середин[еуа]|конц[еа]|конец)\s+(.+)", s)
        if m:
            part = {"нач": "early", "сер": "mid", "кон": "late"}[m[1][:3]]
            rest = re.sub(r"\s*(гг\.?|г\.?|года|годов|годах)$", "", m[2])
            _refuse_decade_without_century(rest)
            ages = re.fullmatch(r"([ivxlc]+)\s+век[а-я]*", rest)
            if ages:
                return century_part(_roman(ages[1]), part, bce)
            return period_part(rest, part, r"(\d{3}0)-[хе]", _RU_MONTH, _ru_month)
        m = re.fullmatch(r"(\d{3}0)-[хе]", s)
        if m:
            return decade_part(int(m[1]), None)
        _refuse_decade_without_century(s)
        m = re.fullmatch(r"([ivxlc]+)\s+(век|века|веке)", s)
        if m:
            return century(_roman(m[1]), bce)
        m = re.fullmatch(r"(весн|лет|осен|зим)[а-я]*\s+(\d{1,4})", s)
        if m:
            return self._date(int(m[2]), _RU_SEASONS[m[1]])
        m = re.fullmatch(r"(i{1,3}|iv|[1-4])(?:-м)?\s+квартал[а-я]*\s+(\d{1,4})", s)
        if m:
            quarter = int(m[1]) if m[1].isdigit() else _roman(m[1])
            return self._date(int(m[2]), 32 + quarter)
        m = re.fullmatch(r"(перв|втор)[а-я]*\s+половин[а-я]*\s+([ivxlc]+)\s+век[а-я]*", s)
        if m:
            half = "first half" if m[1] == "перв" else "second half"
            return century_part(_roman(m[2]), half, bce)
        m = re.fullmatch(r"(перв|втор)[а-я]*\s+(половин|полугоди)[а-я]*\s+(\d{1,4})", s)
        if m:
            return self._date(int(m[3]), 40 if m[1] == "перв" else 41)
        return None
