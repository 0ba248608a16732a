"""Why timeline reads EDTF itself: what the ``edtf`` package gets wrong, and where it agrees."""

from __future__ import annotations

import math
import warnings

import pytest

from timeline import AmbiguousDate, InvalidDate
from timeline.dates import MIN_BOUND, gregorian_to_jdn, parse_date, parse_edtf

edtf = pytest.importorskip("edtf")


def _edtf_parse(text: str) -> object:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return edtf.parse_edtf(text)


def test_edtf_package_accepts_an_impossible_day_we_refuse() -> None:
    """edtf reads 2019-02-29 without complaint; parse_edtf refuses it."""
    assert str(_edtf_parse("2019-02-29")) == "2019-02-29"
    with pytest.raises(InvalidDate, match="not a leap year"):
        parse_edtf("2019-02-29")


def test_edtf_package_fails_on_a_day_with_an_unspecified_digit() -> None:
    """edtf reads 2019-06-1X (level 2) but raises ValueError computing its bounds; ours are days."""
    with pytest.raises(ValueError, match="1X"):
        _edtf_parse("2019-06-1X").lower_strict()  # type: ignore[attr-defined]
    assert parse_edtf("2019-06-1X").bounds == (
        gregorian_to_jdn(2019, 6, 10),
        gregorian_to_jdn(2019, 6, 19),
    )


def test_edtf_package_gives_float_infinity_for_open_ends() -> None:
    """edtf's open start is a float -inf; ours is the integer MIN_BOUND."""
    lower = _edtf_parse("../2006").lower_strict()  # type: ignore[attr-defined]
    assert isinstance(lower, float) and math.isinf(lower)
    assert parse_edtf("../2006").bounds[0] == MIN_BOUND


def test_edtf_package_free_text_guesses() -> None:
    """edtf's text_to_edtf silently picks a reading or drops words; parse_date does not."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert edtf.text_to_edtf("2/4/2022") == "2022-02-04"
        assert edtf.text_to_edtf("early 1990s") == "199X"
    with pytest.raises(AmbiguousDate):
        parse_date("2/4/2022")
    assert parse_date("early 1990s").when == parse_edtf("1990/1993")


@pytest.mark.parametrize(
    "text", ["1969", "1969-03", "2020-02", "1969-03-02", "2019-21", "2019-22", "0100-12"]
)
def test_bounds_agree_with_edtf_package_on_valid_dates(text: str) -> None:
    """On valid dates both libraries find the same first and last day."""
    theirs = _edtf_parse(text)
    low, high = theirs.lower_strict(), theirs.upper_strict()  # type: ignore[attr-defined]
    expected = (
        gregorian_to_jdn(low.tm_year, low.tm_mon, low.tm_mday),
        gregorian_to_jdn(high.tm_year, high.tm_mon, high.tm_mday),
    )
    assert parse_edtf(text).bounds == expected
