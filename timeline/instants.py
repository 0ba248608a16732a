"""Instants as people type and read them, in a time zone (the only pendulum import).

The journal stores UTC. The command line reads ``--as-of`` with
:func:`read_instant` (ISO 8601; without an offset, local to the zone) and shows
``recorded_at`` with :func:`local_text`. The zone is an IANA name, else
``$TZ``, else the system's zone.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

import pendulum
from pendulum.tz.local_timezone import get_local_timezone

from timeline.errors import InvalidDate, UnparsableDate

__all__ = ["local_text", "read_instant"]


def _zone(name: str | None) -> pendulum.Timezone | pendulum.FixedTimezone:
    """The IANA zone ``name``, else ``$TZ`` (a leading ``:`` dropped), else the system's."""
    where = "time zone"
    if name is None and os.environ.get("TZ"):
        name, where = os.environ["TZ"].removeprefix(":"), "$TZ"
    if not name:
        return get_local_timezone()
    try:
        return pendulum.timezone(name)
    except Exception as exc:  # pendulum raises its own InvalidTimezone
        raise InvalidDate(
            f"{where} {name!r} is not an IANA time zone (such as Asia/Shanghai or UTC)"
        ) from exc


def read_instant(text: str, tz: str | None = None) -> datetime:
    """The aware UTC instant that ISO 8601 ``text`` names.

    Text with an offset (``2022-03-01T00:00:00+08:00``, ``...Z``) is that
    instant; a date and time without one is local time in ``tz`` (see
    :func:`_zone`), and a date alone is its first instant there (00:00).
    """
    zone = _zone(tz)
    try:
        parsed = pendulum.parse(text, tz=zone)
    except (ValueError, pendulum.parsing.exceptions.ParserError) as exc:
        raise UnparsableDate(f"{text!r} is not an ISO 8601 date or instant") from exc
    if not isinstance(parsed, datetime):
        raise UnparsableDate(f"{text!r} is not a date or an instant (a duration or a time?)")
    try:
        utc = parsed.in_timezone("UTC")
    except (OverflowError, ValueError) as exc:
        raise InvalidDate(f"{text!r} falls outside the years 1 to 9999 in UTC") from exc
    return datetime(*utc.timetuple()[:6], utc.microsecond, tzinfo=UTC)


def local_text(instant: datetime, tz: str | None = None) -> str:
    """``instant`` as local time in ``tz`` with its offset: ``2024-01-02 11:04:05 +08:00``."""
    return pendulum.instance(instant).in_timezone(_zone(tz)).format("YYYY-MM-DD HH:mm:ss Z")
