"""Historical date values: EDTF reading and writing, bounds, order, calendars, display."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import date_intervals, historical_dates, whens

from timeline import DateError, InvalidDate, UnparsableDate
from timeline.dates import (
    MAX_BOUND,
    MIN_BOUND,
    Boundless,
    DateInterval,
    DateSet,
    HistoricalDate,
    When,
    format_date,
    format_edtf,
    gregorian_to_jdn,
    jdn_to_gregorian,
    julian_to_jdn,
    parse_edtf,
    plain_edtf,
    to_gregorian,
)


def g(y: int, m: int, d: int) -> int:
    return gregorian_to_jdn(y, m, d)


# -- reading and writing EDTF ----------------------------------------------------

BOUNDS = [
    ("1969", g(1969, 1, 1), g(1969, 12, 31), "year"),
    ("1969-03", g(1969, 3, 1), g(1969, 3, 31), "month"),
    ("1969-03-02", g(1969, 3, 2), g(1969, 3, 2), "day"),
    ("2020-02", g(2020, 2, 1), g(2020, 2, 29), "month"),
    ("199X", g(1990, 1, 1), g(1999, 12, 31), "decade"),
    ("19XX", g(1900, 1, 1), g(1999, 12, 31), "century"),
    ("-199X", g(-1999, 1, 1), g(-1990, 12, 31), "decade"),
    ("2019-06-XX", g(2019, 6, 1), g(2019, 6, 30), "month"),
    ("2019-06-0X", g(2019, 6, 1), g(2019, 6, 9), "month"),
    ("2019-06-1X", g(2019, 6, 10), g(2019, 6, 19), "month"),
    ("2019-02-2X", g(2019, 2, 20), g(2019, 2, 28), "month"),
    ("2019-07-3X", g(2019, 7, 30), g(2019, 7, 31), "month"),
    ("2019-XX", g(2019, 1, 1), g(2019, 12, 31), "year"),
    ("1984-0X", g(1984, 1, 1), g(1984, 9, 30), "year"),
    ("1984-1X", g(1984, 10, 1), g(1984, 12, 31), "year"),
    ("1984-1X-XX", g(1984, 10, 1), g(1984, 12, 31), "year"),
    ("2019-XX-XX", g(2019, 1, 1), g(2019, 12, 31), "year"),
    ("2019-21", g(2019, 3, 1), g(2019, 5, 31), "season"),
    ("2019-24", g(2019, 12, 1), g(2020, 2, 29), "season"),
    ("2019-30", g(2019, 12, 1), g(2020, 2, 29), "season"),
    ("2019-33", g(2019, 1, 1), g(2019, 3, 31), "quarter"),
    ("2019-36", g(2019, 10, 1), g(2019, 12, 31), "quarter"),
    ("2019-38", g(2019, 5, 1), g(2019, 8, 31), "quadrimester"),
    ("2020-40", g(2020, 1, 1), g(2020, 6, 30), "half"),
    ("2020-41", g(2020, 7, 1), g(2020, 12, 31), "half"),
    ("-0220", g(-220, 1, 1), g(-220, 12, 31), "year"),
    ("0000", g(0, 1, 1), g(0, 12, 31), "year"),
    ("Y170000002", g(170000002, 1, 1), g(170000002, 12, 31), "year"),
    ("Y-170000002", g(-170000002, 1, 1), g(-170000002, 12, 31), "year"),
    ("2004-01-01T10:10:10+05:00", g(2004, 1, 1), g(2004, 1, 1), "second"),
    ("2004-06~/2004-08?", g(2004, 6, 1), g(2004, 8, 31), "month"),
    ("../2006", MIN_BOUND, g(2006, 12, 31), "year"),
    ("2004/", g(2004, 1, 1), MAX_BOUND, "year"),
    ("/2004-06-01", MIN_BOUND, g(2004, 6, 1), "day"),
    ("2004-06-01/..", g(2004, 6, 1), MAX_BOUND, "day"),
    ("[..1760-12-03]", MIN_BOUND, g(1760, 12, 3), "day"),
    ("[1760-12..]", g(1760, 12, 1), MAX_BOUND, "month"),
    ("[1667,1668,1670..1672]", g(1667, 1, 1), g(1672, 12, 31), "year"),
    ("{1960,1961-12}", g(1960, 1, 1), g(1961, 12, 31), "year"),
]


@pytest.mark.parametrize(("text", "lower", "upper", "precision"), BOUNDS)
def test_edtf_bounds_and_precision(text: str, lower: int, upper: int, precision: str) -> None:
    """Each EDTF form has the expected inclusive JDN bounds and precision, and round-trips."""
    when = parse_edtf(text)
    assert when.bounds == (lower, upper)
    assert when.precision == precision
    assert format_edtf(when) == text


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("2019-02-3X", "February 2019 has 28 days, none from 30"),
        ("2019-XX-1X", "a day with an unspecified digit needs a month 01-12"),
        ("2019-06-1XT10:00:00", "a time of day needs a full date"),
    ],
)
def test_a_day_with_an_unspecified_digit_is_refused_where_it_has_no_days(
    text: str, words: str
) -> None:
    """A tens digit the month does not reach, no month, or a time: InvalidDate naming why."""
    with pytest.raises(InvalidDate, match=words):
        parse_edtf(text)


def test_a_day_with_an_unspecified_digit_is_built_and_shown() -> None:
    """day_x=1 keeps the tens in day; True still means XX; shown as the days it covers."""
    assert HistoricalDate(2019, 6, 10, day_x=1) == parse_edtf("2019-06-1X")
    assert HistoricalDate(2019, 6, day_x=True) == HistoricalDate(2019, 6, day_x=2)
    assert format_edtf(HistoricalDate(2019, 6, day_x=True)) == "2019-06-XX"
    assert format_date(parse_edtf("2019-06-0X")) == "1–9 June 2019"
    assert format_date(parse_edtf("2019-06-1X"), "zh") == "2019年6月10日—19日"
    assert format_date(parse_edtf("2019-06-2X"), "ru") == "20–29 июня 2019 г."
    assert format_date(parse_edtf("2019-06-3X")) == "30 June 2019"
    with pytest.raises(InvalidDate, match="the day is its tens"):
        HistoricalDate(2019, 6, 15, day_x=1)


def test_a_month_with_an_unspecified_digit_is_read_ordered_and_shown() -> None:
    """1984-0X is January-September, 1984-1X October-December: ordered after the year
    and around October 1984, shown as the months they cover; other tens are refused."""
    assert HistoricalDate(1984, 10, month_x=1) == parse_edtf("1984-1X")
    assert HistoricalDate(1984, month_x=True) == parse_edtf("1984-XX")
    texts = ["1984-10", "1985", "1984-1X", "1984", "1984-0X", "1984-09"]
    ordered = sorted(texts, key=lambda text: parse_edtf(text).sort_key)
    assert ordered == ["1984", "1984-0X", "1984-09", "1984-1X", "1984-10", "1985"]
    assert format_date(parse_edtf("1984-1X")) == "October–December 1984"
    assert format_date(parse_edtf("1984-0X"), "zh") == "1984年1—9月"
    for text, words in [
        ("1984-2X", "not an EDTF date"),
        ("1984-1X-05", "takes no day but XX"),
        ("1984-1X-1X", "a day with an unspecified digit needs a month 01-12"),
    ]:
        with pytest.raises(DateError, match=words):
            parse_edtf(text)
    with pytest.raises(InvalidDate, match="the month is its tens"):
        HistoricalDate(1984, 5, month_x=1)
    with pytest.raises(InvalidDate, match="0, 1 or 2"):
        HistoricalDate(1984, month_x=3)


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("2004-01-01T10:10:10+00:00", "2004-01-01T10:10:10Z"),
        ("2004-01-01T10:10:10+0530", "2004-01-01T10:10:10+05:30"),
        ("Y2019", "2019"),
        ("[1667, 1668]", "[1667,1668]"),
    ],
)
def test_equivalent_spellings_share_a_canonical_form(text: str, canonical: str) -> None:
    """Spellings of the same value compare equal and write one canonical EDTF."""
    assert parse_edtf(text) == parse_edtf(canonical)
    assert format_edtf(parse_edtf(text)) == canonical


@pytest.mark.parametrize(
    ("text", "qualifier", "approximate", "uncertain"),
    [("1969", "", False, False), ("1969?", "?", False, True), ("1969~", "~", True, False),
     ("1969-03-02%", "%", True, True)],
)  # fmt: skip
def test_qualifiers(text: str, qualifier: str, approximate: bool, uncertain: bool) -> None:
    """?, ~ and % set is_uncertain / is_approximate."""
    when = parse_edtf(text)
    assert isinstance(when, HistoricalDate)
    assert (when.qualifier, when.is_approximate, when.is_uncertain) == (
        qualifier,
        approximate,
        uncertain,
    )


@pytest.mark.parametrize(
    ("text", "error", "message"),
    [
        ("2019-02-29", InvalidDate, "2019-02-29: 2019 is not a leap year, February has 28 days"),
        ("1969-04-31", InvalidDate, "1969-04-31: April has 30 days"),
        ("2019-13", InvalidDate, "month 13 does not exist"),
        ("2019-13-01", InvalidDate, "month 13 does not exist"),
        ("2019-00", InvalidDate, "start at 01"),
        ("2019-42", InvalidDate, "month 42 does not exist"),
        ("2019-21-01", InvalidDate, "a day needs a month 01-12"),
        ("2019?~", UnparsableDate, "malformed qualifier '?~'"),
        ("2019-03-02??", UnparsableDate, "malformed qualifier '??'"),
        ("2019-03!", UnparsableDate, "malformed qualifier '!'"),
        ("2001-02-03T25:00:00", InvalidDate, "is not a time"),
        ("2001-02-03T10:00:00?", InvalidDate, "cannot be qualified"),
        ("2001-02-03T10:00:00+19:00", InvalidDate, "UTC offset"),
        ("2020/2019", InvalidDate, "2020/2019: the interval starts after it ends"),
        ("../..", InvalidDate, "needs a date at one end"),
        ("2019/2020/2021", UnparsableDate, "exactly one '/'"),
        ("[1760,]", UnparsableDate, "empty member"),
        ("[1760..1761..1762]", UnparsableDate, "malformed range"),
        ("[1760,..1761]", InvalidDate, "only the first member"),
        ("[1760", UnparsableDate, "must close with"),
        ("969", UnparsableDate, "four digits"),
        ("March 1969", UnparsableDate, "March 1969: not an EDTF date"),
        ("", UnparsableDate, "empty"),
        ("1917-11-08 julian=1917-10-25", InvalidDate, "does not match"),
        ("1900-03-14 julian=1900-02-30", InvalidDate, "February has 29 days"),
    ],
)
def test_invalid_edtf_is_refused_with_a_reason(
    text: str, error: type[Exception], message: str
) -> None:
    """Impossible or malformed EDTF raises the typed error, quoting the input and the reason."""
    with pytest.raises(error) as caught:
        parse_edtf(text)
    assert message in str(caught.value)


def test_constructor_validates_too() -> None:
    """Building a value directly runs the same checks as parsing."""
    with pytest.raises(InvalidDate, match="February has 28 days"):
        HistoricalDate(2019, 2, 29)
    with pytest.raises(InvalidDate, match="qualifier"):
        HistoricalDate(2019, qualifier="!")
    with pytest.raises(InvalidDate, match="year 1995 with year_x=1"):
        HistoricalDate(1995, year_x=1)
    with pytest.raises(InvalidDate, match="gregorian"):
        HistoricalDate(2019, calendar="french")


def test_values_are_frozen_and_hashable() -> None:
    """Values cannot be changed in place and work as dict keys."""
    when = parse_edtf("1969-03-02")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        when.year = 1970  # type: ignore[misc]
    assert {when: 1}[HistoricalDate(1969, 3, 2)] == 1
    assert hash(parse_edtf("1969/1970")) == hash(parse_edtf("1969/1970"))


def test_non_string_is_refused() -> None:
    """parse_edtf refuses what is not text."""
    with pytest.raises(UnparsableDate):
        parse_edtf(1969)  # type: ignore[arg-type]


# -- properties ---------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(whens())
def test_edtf_round_trip(when: When) -> None:
    """parse_edtf(format_edtf(w)) == w for every value."""
    assert parse_edtf(format_edtf(when)) == when


@settings(max_examples=100, deadline=None)
@given(whens(), whens(), whens())
def test_order_is_total_transitive_and_follows_bounds(a: When, b: When, c: When) -> None:
    """Exactly one of <, ==, > holds; < is transitive; a lower bound sorts first."""
    for x, y in ((a, b), (b, c), (a, c)):
        assert [x < y, x == y, x > y].count(True) == 1
        assert (x <= y) == (x < y or x == y)
        if x.bounds[0] < y.bounds[0]:
            assert x < y
        if x.bounds[0] == y.bounds[0] and x.bounds[1] > y.bounds[1]:
            assert x < y
    if a < b and b < c:
        assert a < c
    ordered = sorted([a, b, c])
    assert [w.bounds[0] for w in ordered] == sorted(w.bounds[0] for w in ordered)


@settings(max_examples=150, deadline=None)
@given(date_intervals())
def test_interval_bounds_contain_both_ends(interval: DateInterval) -> None:
    """An interval's bounds contain the bounds of each end; open ends are MIN/MAX_BOUND."""
    lower, upper = interval.bounds
    for end, side in ((interval.start, 0), (interval.end, 1)):
        if isinstance(end, HistoricalDate):
            assert lower <= end.bounds[0] <= end.bounds[1] <= upper
        else:
            assert (lower, upper)[side] == (MIN_BOUND, MAX_BOUND)[side]
    assert MIN_BOUND <= lower <= upper <= MAX_BOUND


@settings(max_examples=150, deadline=None)
@given(historical_dates())
def test_bounds_are_ordered_ints(date: HistoricalDate) -> None:
    """Bounds are plain ints, lower <= upper, well inside the SQLite INTEGER range."""
    lower, upper = date.bounds
    assert type(lower) is int and type(upper) is int
    assert MIN_BOUND < lower <= upper < MAX_BOUND


def test_a_year_heads_its_days() -> None:
    """'1969' sorts before '1969-03-02', which sorts before '1969-03-03'; BCE before CE."""
    texts = ["1969-03-03", "2022", "1969-03-02", "-2999", "1969", "1969-03", "../1900", "0000"]
    ordered = [format_edtf(w) for w in sorted(parse_edtf(t) for t in texts)]
    assert ordered == ["../1900", "-2999", "0000", "1969", "1969-03", "1969-03-02",
                       "1969-03-03", "2022"]  # fmt: skip


def test_times_sort_by_utc_instant_within_a_day() -> None:
    """Two instants on one local date sort by their UTC moment."""
    early = parse_edtf("2022-02-24T05:00:00+03:00")  # 02:00 UTC
    late = parse_edtf("2022-02-24T03:00:00Z")
    assert early < late


# -- calendars -----------------------------------------------------------------------

JULIAN = [
    # (Julian y, m, d) -> proleptic Gregorian (y, m, d)
    ((1582, 10, 4), (1582, 10, 14)),
    ((1582, 10, 5), (1582, 10, 15)),
    ((1700, 2, 18), (1700, 2, 28)),
    ((1700, 2, 29), (1700, 3, 11)),
    ((1700, 3, 1), (1700, 3, 12)),
    ((1900, 2, 29), (1900, 3, 13)),
    ((1900, 3, 1), (1900, 3, 14)),
    ((1917, 10, 25), (1917, 11, 7)),
    ((1918, 1, 31), (1918, 2, 13)),
    ((1918, 2, 1), (1918, 2, 14)),
]


@pytest.mark.parametrize(("julian", "gregorian"), JULIAN)
def test_julian_dates_convert_for_sorting(
    julian: tuple[int, int, int], gregorian: tuple[int, int, int]
) -> None:
    """A Julian date's bounds are its Gregorian day; the original is kept and round-trips."""
    from convertdate import julian as cd_julian

    date = HistoricalDate(*julian, calendar="julian")
    assert jdn_to_gregorian(date.bounds[0]) == gregorian
    assert date.bounds[0] == round(cd_julian.to_jd(*julian) + 0.5)
    assert (date.year, date.month, date.day, date.calendar) == (*julian, "julian")
    text = format_edtf(date)
    assert text == f"{gregorian[0]:04d}-{gregorian[1]:02d}-{gregorian[2]:02d} julian=" + (
        f"{julian[0]:04d}-{julian[1]:02d}-{julian[2]:02d}"
    )
    assert parse_edtf(text) == date
    assert to_gregorian(date) == HistoricalDate(*gregorian)
    assert date != HistoricalDate(*gregorian)


def test_julian_month_and_interval_serialisation() -> None:
    """A Julian month writes its Gregorian span; a mixed interval notes which end is Julian."""
    month = HistoricalDate(1917, 10, calendar="julian")
    assert format_edtf(month) == "1917-10-14/1917-11-13 julian=1917-10"
    assert plain_edtf(month) == "1917-10-14/1917-11-13"
    mixed = DateInterval(HistoricalDate(1917, 10, 25, calendar="julian"), HistoricalDate(1918, 3))
    assert format_edtf(mixed) == "1917-11-07/1918-03 julian=1917-10-25/"
    assert parse_edtf(format_edtf(mixed)) == mixed
    assert mixed.calendar == "julian"
    assert mixed.bounds == (g(1917, 11, 7), g(1918, 3, 31))


def test_julian_leap_day_that_gregorian_lacks() -> None:
    """29 February 1900 exists in the Julian calendar only."""
    assert HistoricalDate(1900, 2, 29, calendar="julian").bounds[0] == g(1900, 3, 13)
    with pytest.raises(InvalidDate, match="1900 is not a leap year"):
        HistoricalDate(1900, 2, 29)


def test_sets_refuse_julian_members() -> None:
    """Sets hold Gregorian dates only."""
    with pytest.raises(InvalidDate, match="Gregorian dates only"):
        DateSet((HistoricalDate(1917, 10, 25, calendar="julian"),))


@settings(max_examples=200, deadline=None)
@given(st.integers(-2_000_000, 4_000_000))
def test_jdn_conversion_agrees_with_convertdate(jdn: int) -> None:
    """Our integer formulas match convertdate in both calendars and invert each other."""
    from convertdate import gregorian, julian

    from timeline.dates import jdn_to_julian

    y, m, d = jdn_to_gregorian(jdn)
    assert gregorian_to_jdn(y, m, d) == jdn == round(gregorian.to_jd(y, m, d) + 0.5)
    y, m, d = jdn_to_julian(jdn)
    assert julian_to_jdn(y, m, d) == jdn == round(julian.to_jd(y, m, d) + 0.5)


# -- instants in a time zone -------------------------------------------------------


# -- display -------------------------------------------------------------------------

DISPLAY = [
    ("1969-03-02", "2 March 1969", "1969年3月2日", "2 марта 1969 г."),
    ("1969-03", "March 1969", "1969年3月", "март 1969 г."),
    ("1969", "1969", "1969年", "1969 г."),
    ("2019-06~", "c. June 2019", "约2019年6月", "прибл. июнь 2019 г."),
    ("1500~", "c. 1500", "约1500年", "ок. 1500 г."),
    ("1969?", "1969?", "1969年（存疑）", "1969 г. (?)"),
    ("2021/2025", "2021–2025", "2021—2025年", "2021–2025 гг."),
    ("-0220", "221 BCE", "公元前221年", "221 г. до н. э."),
    ("199X", "1990s", "20世纪90年代", "1990-е гг."),
    ("2020-41", "second half of 2020", "2020年下半年", "второе полугодие 2020 г."),
    ("2019-21", "Spring 2019", "2019年春", "весна 2019 г."),
    ("1969-03-02/1969-03-05", "2–5 March 1969", "1969年3月2日—5日", "2–5 марта 1969 г."),
    ("2001/..", "since 2001", "2001年以来", "с 2001 г."),
    ("[..2000]", "2000 or earlier", "2000年或更早", "2000 г. или ранее"),
    ("[1917-05..]", "May 1917 or later", "1917年5月或更晚", "май 1917 г. или позже"),
    (
        "1917-11-07 julian=1917-10-25",
        "25 October 1917 O.S. / 7 November 1917",
        "1917年11月7日（儒略历1917年10月25日）",
        "25 октября (7 ноября) 1917 г.",
    ),
]


@pytest.mark.parametrize(("text", "en", "zh", "ru"), DISPLAY)
def test_format_date(text: str, en: str, zh: str, ru: str) -> None:
    """format_date renders as published chronologies do, in each language."""
    when = parse_edtf(text)
    assert format_date(when) == en
    assert format_date(when, "zh") == zh
    assert format_date(when, "ru") == ru


def test_format_date_short_and_bad_options() -> None:
    """The short style abbreviates; unknown languages and styles are refused."""
    from timeline import DateError

    when = parse_edtf("1969-03-02")
    assert format_date(when, style="short") == "2 Mar 1969"
    assert format_date(when, "ru", style="short") == "02.03.1969"
    with pytest.raises(DateError, match="'fr'"):
        format_date(when, "fr")
    with pytest.raises(DateError, match="'tiny'"):
        format_date(when, style="tiny")


def test_open_ends_are_enum_members() -> None:
    """Open and unknown interval ends are Boundless members, not floats."""
    interval = parse_edtf("../2006")
    assert isinstance(interval, DateInterval)
    assert interval.start is Boundless.OPEN
    assert parse_edtf("/2006").start is Boundless.UNKNOWN  # type: ignore[union-attr]
