"""Shared hypothesis strategies (each part of the project appends its own)."""

from __future__ import annotations

from hypothesis import strategies as st

from timeline.calendars import days_in_month
from timeline.dates import Boundless, DateInterval, DateSet, HistoricalDate, When

# -- dates ---------------------------------------------------------------------

qualifiers = st.sampled_from(["", "?", "~", "%"])
years = st.one_of(st.integers(-9999, 9999), st.integers(-(10**8), 10**8))


@st.composite
def historical_dates(draw: st.DrawFn, calendar: str | None = None) -> HistoricalDate:
    """Any valid HistoricalDate: year to second precision, X digits, groupings, qualifiers."""
    shape = draw(
        st.sampled_from(["year", "month", "day", "decade", "century", "x", "group", "time"])
    )
    year = draw(years)
    q = draw(qualifiers)
    cal = calendar or draw(st.sampled_from(["gregorian", "gregorian", "julian"]))
    if shape in ("decade", "century", "x", "group", "time"):
        cal = "gregorian"
    if shape == "year":
        return HistoricalDate(year, qualifier=q, calendar=cal)
    month = draw(st.integers(1, 12))
    if shape == "month":
        return HistoricalDate(year, month, qualifier=q, calendar=cal)
    day = draw(st.integers(1, days_in_month(year, month, cal)))
    if shape == "day":
        return HistoricalDate(year, month, day, qualifier=q, calendar=cal)
    if shape in ("decade", "century"):
        digits = 1 if shape == "decade" else 2
        small = draw(st.integers(-9999, 9999))
        base = small - small % 10**digits if small >= 0 else -((-small) - (-small) % 10**digits)
        return HistoricalDate(base, year_x=digits, qualifier=q)
    if shape == "x":
        which = draw(st.sampled_from(["month", "day", "both"]))
        if which == "month":
            return HistoricalDate(year, month_x=True, qualifier=q)
        if which == "both":
            return HistoricalDate(year, month_x=True, day_x=True, qualifier=q)
        return HistoricalDate(year, month, day_x=True, qualifier=q)
    if shape == "group":
        return HistoricalDate(min(year, 10**8 - 1), draw(st.integers(21, 41)), qualifier=q)
    time = (draw(st.integers(0, 23)), draw(st.integers(0, 59)), draw(st.integers(0, 59)))
    offset = draw(st.one_of(st.none(), st.integers(-18 * 60, 18 * 60)))
    return HistoricalDate(year, month, day, time=time, offset=offset)


@st.composite
def date_intervals(draw: st.DrawFn) -> DateInterval:
    """Intervals with ordered date ends, or one open/unknown end."""
    a = draw(historical_dates())
    kind = draw(st.sampled_from(["both", "open-start", "open-end", "unknown-start"]))
    if kind == "open-start":
        return DateInterval(Boundless.OPEN, a)
    if kind == "open-end":
        return DateInterval(a, Boundless.OPEN)
    if kind == "unknown-start":
        return DateInterval(Boundless.UNKNOWN, a)
    b = draw(historical_dates())
    if a.bounds[0] > b.bounds[1]:
        a, b = b, a
    return DateInterval(a, b)


@st.composite
def date_sets(draw: st.DrawFn) -> DateSet:
    """One-of or all-of sets of Gregorian dates and ranges, possibly open at either end."""
    dates = draw(st.lists(historical_dates(calendar="gregorian"), min_size=1, max_size=4))
    members: list[HistoricalDate | DateInterval] = list(dates)
    if draw(st.booleans()):
        members[0] = DateInterval(Boundless.OPEN, dates[0])
    if len(members) > 1 and draw(st.booleans()):
        members[-1] = DateInterval(dates[-1], Boundless.OPEN)
    return DateSet(tuple(members), all_of=draw(st.booleans()))


def whens() -> st.SearchStrategy[When]:
    """Any date value."""
    return st.one_of(historical_dates(), date_intervals(), date_sets())
