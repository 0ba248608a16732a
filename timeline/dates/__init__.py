"""Historical dates: values, EDTF text, phrases, calendars, bounds for sorting, and display.

``When`` is a :class:`HistoricalDate` (an instant known to some precision), a
:class:`DateInterval` or a :class:`DateSet`. Each has ``bounds`` (inclusive
proleptic-Gregorian Julian Day Numbers) and a total order through ``sort_key``.
:func:`parse_date` reads dates as people write them (English, Chinese and
Russian phrases, reign eras, 民国, lunar dates); :func:`format_date` shows them.
Days are Julian Day Numbers; the ``*_to_jdn`` and ``jdn_to_*`` functions convert
them to and from the proleptic Gregorian and Julian calendars.
"""

from timeline.dates._calendars import (
    days_in_month,
    gregorian_to_jdn,
    is_leap_year,
    jdn_to_gregorian,
    jdn_to_iso,
    jdn_to_julian,
    julian_to_jdn,
)
from timeline.dates._display import format_date
from timeline.dates._edtf import format_edtf, parse_edtf, plain_edtf, to_gregorian
from timeline.dates._model import (
    MAX_BOUND,
    MIN_BOUND,
    Boundless,
    DateInterval,
    DateSet,
    HistoricalDate,
    When,
)
from timeline.dates._phrases import LANGS, ParsedDate, parse_date, phrase_lang

__all__ = [
    "LANGS",
    "MAX_BOUND",
    "MIN_BOUND",
    "Boundless",
    "DateInterval",
    "DateSet",
    "HistoricalDate",
    "ParsedDate",
    "When",
    "days_in_month",
    "format_date",
    "format_edtf",
    "gregorian_to_jdn",
    "is_leap_year",
    "jdn_to_gregorian",
    "jdn_to_iso",
    "jdn_to_julian",
    "julian_to_jdn",
    "parse_date",
    "parse_edtf",
    "phrase_lang",
    "plain_edtf",
    "to_gregorian",
]
