"""Dates as published chronologies print them, in English, Chinese and Russian."""

from __future__ import annotations

from timeline.dates._calendars import jdn_to_gregorian
from timeline.dates._model import (
    MONTH_NAMES,
    Boundless,
    DateInterval,
    DateSet,
    HistoricalDate,
    When,
)
from timeline.errors import DateError

__all__ = ["format_date"]

LANGS = ("en", "zh", "ru")
STYLES = ("long", "short")
READINGS = ("gregorian", "era", "both")

_RU_GENITIVE = (
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
)
_RU_NOMINATIVE = (
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
)
_SEASON = {
    "en": ("spring", "summer", "autumn", "winter"),
    "zh": ("春", "夏", "秋", "冬"),
    "ru": ("весна", "лето", "осень", "зима"),
}
_ORDINAL: dict[str, tuple[str, ...] | str] = {
    "en": ("first", "second", "third", "fourth"),
    "zh": "一二三四",
    "ru": ("I", "II", "III", "IV"),
}


def format_date(
    when: When, lang: str = "en", style: str = "long", reading: str = "gregorian"
) -> str:
    """Render ``when`` for people: ``"2 March 1969"``, ``"1969年3月2日"``, ``"2 марта 1969 г."``.

    ``style`` is ``"long"`` (month names) or ``"short"`` (abbreviated or numeric).
    ``reading="era"`` shows a whole lunar day, month or era year as Chinese
    sources write it (康熙五十年三月, in every language), ``reading="both"``
    adds the calendar date (``康熙五十年三月 (18 April – 16 May 1711)``); a value
    with no era reading is shown as with ``"gregorian"``.
    """
    if lang not in LANGS:
        raise DateError(f"format_date: language {lang!r} is not one of {', '.join(LANGS)}")
    if style not in STYLES:
        raise DateError(f"format_date: style {style!r} is not one of {', '.join(STYLES)}")
    if reading not in READINGS:
        raise DateError(f"format_date: reading {reading!r} is not one of {', '.join(READINGS)}")
    text = _gregorian(when, lang, style)
    era = None
    if reading != "gregorian":
        from timeline.dates._chinese_display import era_reading  # its era tables: on first use

        era = era_reading(when)
    if era is None:
        return text
    if reading == "era":
        return era
    return f"{era}（{text}）" if lang == "zh" else f"{era} ({text})"


def _gregorian(when: When, lang: str, style: str) -> str:
    if isinstance(when, HistoricalDate):
        return _date(when, lang, style)
    if isinstance(when, DateInterval):
        return _interval(when, lang, style)
    return _set(when, lang, style)


def _year(year: int, lang: str, suffix: bool = True) -> str:
    if year <= 0:
        bce = 1 - year
        return {"en": f"{bce} BCE", "zh": f"公元前{bce}年", "ru": f"{bce} г. до н. э."}[lang]
    if not suffix:
        return str(year)
    return {"en": str(year), "zh": f"{year}年", "ru": f"{year} г."}[lang]


def _core(d: HistoricalDate, lang: str, style: str) -> str:
    """The date without qualifier marks."""
    y = d.year
    if d.year_x:
        return _years_x(d, lang)
    month, day = d.month, d.day
    if d.month_x == 1:  # 1984-1X: the months it stands for, October to December 1984
        a, b = HistoricalDate(y, max(month, 1)), HistoricalDate(y, min(month + 9, 12))
        compact = _compact(a, b, lang, style) if y > 0 else None
        return compact or _range(_core(a, lang, style), _core(b, lang, style), lang)
    if month == 0 or d.month_x:
        return _year(y, lang)
    if month > 12:
        return _grouping(d, lang)
    if d.day_x == 1:  # 2019-06-1X: the days it stands for, 10-19 June 2019
        first, last = (jdn_to_gregorian(bound)[2] for bound in d.bounds)
        a, b = HistoricalDate(y, month, first), HistoricalDate(y, month, last)
        if first == last:  # 2019-06-3X in a month of 30 days
            return _core(a, lang, style)
        compact = _compact(a, b, lang, style) if y > 0 else None
        return compact or _range(_core(a, lang, style), _core(b, lang, style), lang)
    day = 0 if d.day_x else day
    bce = y <= 0
    if lang == "zh":
        head = _year(y, "zh")
        text = f"{head}{month}月" + (f"{day}日" if day else "")
    elif lang == "ru":
        if style == "short" and day and not bce:
            text = f"{day:02d}.{month:02d}.{y}"
        elif day:
            text = f"{day} {_RU_GENITIVE[month - 1]} {_year(y, 'ru')}"
        else:
            text = f"{_RU_NOMINATIVE[month - 1]} {_year(y, 'ru')}"
    else:
        name = MONTH_NAMES[month - 1]
        if style == "short":
            name = name[:3]
        text = f"{day} {name} {_year(y, 'en')}" if day else f"{name} {_year(y, 'en')}"
    if d.time is not None:
        text += " {:02d}:{:02d}".format(*d.time[:2])
        if d.time[2]:
            text += f":{d.time[2]:02d}"
        if d.offset is not None:
            sign = "-" if d.offset < 0 else "+"
            text += f" (UTC{sign}{abs(d.offset) // 60:02d}:{abs(d.offset) % 60:02d})"
    return text


def _years_x(d: HistoricalDate, lang: str) -> str:
    y = d.year
    if d.year_x == 1 and y > 0:
        if lang == "zh":
            century, decade = divmod(y // 10, 10)
            return f"{century + 1}世纪{decade}0年代" if decade else f"{y}年代"
        return {"en": f"{y}s", "ru": f"{y}-е гг."}[lang]
    if d.year_x == 2 and y > 0:
        return {"en": f"{y}s", "zh": f"{y}年代", "ru": f"{y}-е гг."}[lang]
    lo, hi = (y, y + 10**d.year_x - 1) if y >= 0 else (y - 10**d.year_x + 1, y)
    return _range(_year(lo, lang, suffix=False), _year(hi, lang), lang)


def _grouping(d: HistoricalDate, lang: str) -> str:
    m, y = d.month, d.year
    if m <= 32:
        season = _SEASON[lang][(m - 21) % 4]
        hemisphere = ""
        if m >= 25:
            north = m <= 28
            hemisphere = {
                "en": " (northern hemisphere)" if north else " (southern hemisphere)",
                "zh": "（北半球）" if north else "（南半球）",
                "ru": " (северное полушарие)" if north else " (южное полушарие)",
            }[lang]
        if lang == "zh":
            return f"{_year(y, 'zh')}{season}{hemisphere}"
        if lang == "ru":
            return f"{season} {_year(y, 'ru')}{hemisphere}"
        return f"{season.capitalize()} {_year(y, 'en')}{hemisphere}"
    if m <= 36:
        n = m - 33
        return {
            "en": f"{_ORDINAL['en'][n]} quarter of {_year(y, 'en')}",
            "zh": f"{_year(y, 'zh')}第{_ORDINAL['zh'][n]}季度",
            "ru": f"{_ORDINAL['ru'][n]} квартал {_year(y, 'ru')}",
        }[lang]
    if m <= 39:
        n = m - 37
        return {
            "en": f"{_ORDINAL['en'][n]} four months of {_year(y, 'en')}",
            "zh": f"{_year(y, 'zh')}第{_ORDINAL['zh'][n]}个四个月",
            "ru": f"{_ORDINAL['ru'][n]} треть {_year(y, 'ru')}",
        }[lang]
    first = m == 40
    return {
        "en": f"{'first' if first else 'second'} half of {_year(y, 'en')}",
        "zh": f"{_year(y, 'zh')}{'上' if first else '下'}半年",
        "ru": f"{'первое' if first else 'второе'} полугодие {_year(y, 'ru')}",
    }[lang]


def _qualified(d: HistoricalDate, text: str, lang: str) -> str:
    if d.is_approximate:
        # "ок." (около) takes the genitive, which a year or a day's date hides
        # ("ок. 1500 г.", "ок. 5 мая"); a month, season or decade gets "прибл."
        hidden = not d.year_x and (d.month == 0 or d.month_x or d.day != 0)
        about = "ок." if hidden else "прибл."
        text = {"en": f"c. {text}", "zh": f"约{text}", "ru": f"{about} {text}"}[lang]
    if d.is_uncertain:
        text = {"en": f"{text}?", "zh": f"{text}（存疑）", "ru": f"{text} (?)"}[lang]
    return text


def _date(d: HistoricalDate, lang: str, style: str) -> str:
    text = _qualified(d, _core(d, lang, style), lang)
    if d.calendar == "julian":
        text = _julian(d, text, lang, style)
    return text


def _julian(d: HistoricalDate, text: str, lang: str, style: str) -> str:
    if d.precision != "day":
        note = {"en": " O.S.", "zh": "（儒略历）", "ru": " (ст. ст.)"}[lang]
        return text + note
    year, month, day = jdn_to_gregorian(d.bounds[0])
    new = HistoricalDate(year, month, day, qualifier=d.qualifier)
    new_text = _date(new, lang, style)
    if lang == "en":
        return f"{text} O.S. / {new_text}"
    if lang == "ru":
        if year == d.year and style == "long":
            return (
                f"{d.day} {_RU_GENITIVE[d.month - 1]} ({day} {_RU_GENITIVE[month - 1]}) "
                f"{_year(year, 'ru')}"
            )
        return f"{text} ({new_text})"
    return f"{new_text}（儒略历{text}）"


def _same_unit(a: HistoricalDate, b: HistoricalDate) -> bool:
    plain = not (a.qualifier or b.qualifier or a.calendar == "julian" or b.calendar == "julian")
    return plain and a.year > 0 and b.year > 0 and not (a.time or b.time)


def _range(a: str, b: str, lang: str) -> str:
    dash = "—" if lang == "zh" else "–"
    spaced = " " in a or " " in b
    return f"{a} {dash} {b}" if spaced and lang != "zh" else f"{a}{dash}{b}"


def _interval(i: DateInterval, lang: str, style: str) -> str:
    start, end = i.start, i.end
    if isinstance(start, HistoricalDate) and isinstance(end, HistoricalDate):
        if _same_unit(start, end):
            compact = _compact(start, end, lang, style)
            if compact:
                return compact
        return _range(_date(start, lang, style), _date(end, lang, style), lang)
    if isinstance(start, HistoricalDate):
        text = _date(start, lang, style)
        if end is Boundless.OPEN:
            return {"en": f"since {text}", "zh": f"{text}以来", "ru": f"с {text}"}[lang]
        return {"en": f"{text} – ?", "zh": f"{text}—？", "ru": f"{text} – ?"}[lang]
    assert isinstance(end, HistoricalDate)
    text = _date(end, lang, style)
    if start is Boundless.OPEN:
        return {"en": f"until {text}", "zh": f"至{text}", "ru": f"до {text} включительно"}[lang]
    return {"en": f"? – {text}", "zh": f"？—{text}", "ru": f"? – {text}"}[lang]


def _compact(a: HistoricalDate, b: HistoricalDate, lang: str, style: str) -> str | None:
    pa, pb = a.precision, b.precision
    if pa == pb == "year":
        if lang == "zh":
            return f"{a.year}—{b.year}年"
        if lang == "ru":
            return f"{a.year}–{b.year} гг."
        return f"{a.year}–{b.year}"
    if pa == pb == "day" and a.year == b.year and style == "long":
        if a.month == b.month:
            if lang == "zh":
                return f"{a.year}年{a.month}月{a.day}日—{b.day}日"
            month = _RU_GENITIVE[a.month - 1] if lang == "ru" else MONTH_NAMES[a.month - 1]
            tail = _year(a.year, lang)
            return f"{a.day}–{b.day} {month} {tail}"
        if lang == "en":
            return f"{a.day} {MONTH_NAMES[a.month - 1]} – {_date(b, lang, style)}"
    if pa == pb == "month" and a.year == b.year and style == "long":
        if lang == "zh":
            return f"{a.year}年{a.month}—{b.month}月"
        if lang == "en":
            return f"{MONTH_NAMES[a.month - 1]}–{MONTH_NAMES[b.month - 1]} {a.year}"
    return None


def _set(s: DateSet, lang: str, style: str) -> str:
    parts: list[str] = []
    for member in s.members:
        if isinstance(member, HistoricalDate):
            parts.append(_date(member, lang, style))
            continue
        start, end = member.start, member.end
        # Russian "{text} или ранее" keeps the date in the nominative ("май 1917 г."),
        # where "не позднее" would need each precision's genitive
        if start is Boundless.OPEN and isinstance(end, HistoricalDate):
            text = _date(end, lang, style)
            parts.append(
                {"en": f"{text} or earlier", "zh": f"{text}或更早", "ru": f"{text} или ранее"}[lang]
            )
        elif end is Boundless.OPEN and isinstance(start, HistoricalDate):
            text = _date(start, lang, style)
            parts.append(
                {"en": f"{text} or later", "zh": f"{text}或更晚", "ru": f"{text} или позже"}[lang]
            )
        else:
            parts.append(_interval(member, lang, style))
    if len(parts) == 1:
        return parts[0]
    joiner = {"en": (" or ", " and "), "zh": ("或", "和"), "ru": (" или ", " и ")}[lang][s.all_of]
    sep = "、" if lang == "zh" else ", "
    return sep.join(parts[:-1]) + joiner + parts[-1]
