"""Named periods (the five-year plans, 十四五): a name read as the span it stands for."""

from __future__ import annotations

import re

from timeline.dates._edtf import parse_edtf
from timeline.dates._model import DateInterval, HistoricalDate, When
from timeline.errors import InvalidDate

__all__ = ["NAMED_PERIODS", "named_period"]

_QUOTES = "\"'“”‘’「」『』《》«»"


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


def named_period(text: str) -> When | None:
    """The period a name gives ("十四五", "the 1st five-year plan (1953-1957)"), or ``None``.

    A name may be quoted, carry 期间/时期/"period", and state its years, which
    must then be the period's own.
    """
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
        stated = DateInterval(HistoricalDate(int(years[1])), HistoricalDate(int(years[2])))
        if stated != value:
            raise InvalidDate(
                f"{text!r}: {key!r} is {NAMED_PERIODS[key]}, not {years[1]}-{years[2]}"
            )
    return value
