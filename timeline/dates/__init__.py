"""Historical dates: values, EDTF text, bounds for sorting, and display.

``When`` is a :class:`HistoricalDate` (an instant known to some precision), a
:class:`DateInterval` or a :class:`DateSet`. Each has ``bounds`` (inclusive
proleptic-Gregorian Julian Day Numbers) and a total order through ``sort_key``.
"""

from timeline.calendars import jdn_to_gregorian
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

__all__ = [
    "MAX_BOUND",
    "MIN_BOUND",
    "Boundless",
    "DateInterval",
    "DateSet",
    "HistoricalDate",
    "When",
    "format_date",
    "format_edtf",
    "jdn_to_gregorian",
    "parse_edtf",
    "plain_edtf",
    "to_gregorian",
]
