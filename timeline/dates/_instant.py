"""Precise instants in an IANA time zone (the only pendulum import)."""

from __future__ import annotations

from datetime import datetime

import pendulum

from timeline.dates._model import HistoricalDate
from timeline.errors import InvalidDate, UnparsableDate

__all__ = ["from_instant"]


def from_instant(moment: str | datetime, tz: str) -> HistoricalDate:
    """A date of record for an instant in zone ``tz``: the local date and time there.

    ``moment`` is ISO 8601 text read as local time in ``tz`` (unless it carries
    an offset) or a ``datetime`` (naive: local to ``tz``). The result keeps the
    local time and its UTC offset, so 2022-02-24T05:30 in ``Europe/Moscow`` is
    ``2022-02-24T05:30:00+03:00``.
    """
    try:
        zone = pendulum.timezone(tz)
    except Exception as exc:  # pendulum raises its own InvalidTimezone
        raise InvalidDate(f"{moment!s} in {tz!r}: unknown IANA time zone") from exc
    try:
        if isinstance(moment, str):
            parsed = pendulum.parse(moment, tz=zone)
            if not isinstance(parsed, datetime):
                raise UnparsableDate(f"{moment!r}: not a date and time of day")
            local = parsed.in_timezone(zone)
        elif moment.tzinfo is None:
            local = pendulum.instance(moment, tz=zone)
        else:
            local = pendulum.instance(moment).in_timezone(zone)
    except (ValueError, pendulum.parsing.exceptions.ParserError) as exc:
        if isinstance(exc, UnparsableDate):
            raise
        raise UnparsableDate(f"{moment!r}: not an ISO 8601 date and time ({exc})") from exc
    offset = local.utcoffset()
    minutes = int(offset.total_seconds()) // 60 if offset is not None else 0
    return HistoricalDate(
        local.year,
        local.month,
        local.day,
        time=(local.hour, local.minute, local.second),
        offset=minutes,
    )
