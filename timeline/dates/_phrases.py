"""Dates as people write them, in English, Chinese and Russian, read into EDTF values.

:func:`parse_date` returns a :class:`ParsedDate` that keeps the text as written.
Every convention (``early`` = first four years of a decade, 上旬 = days 1-10,
...) is listed in ``docs/dates.md``. Nothing is guessed: an ambiguous text such
as ``2/4/2022`` raises :class:`AmbiguousDate` (or, on request, becomes an EDTF
set of its readings). Each language has its reader (``_phrases_en``, ``_zh``,
``_ru``); this module picks it, and applies what holds for all of them: EDTF
text, relative dates, the Old Style policy.
"""

from __future__ import annotations

import functools
import importlib
import re
import unicodedata
from typing import TYPE_CHECKING

import attrs

from timeline.dates._edtf import format_edtf, parse_edtf
from timeline.dates._model import Boundless, DateInterval, DateSet, HistoricalDate, When
from timeline.errors import DateError, InvalidDate, UnparsableDate

if TYPE_CHECKING:
    from timeline.dates._reading import Reader

__all__ = ["LANGS", "ParsedDate", "parse_date", "phrase_lang"]

LANGS = ("en", "zh", "ru")
#: Each language's reader (module, class), imported when a phrase in it is first read:
#: an EDTF date needs none, and the Chinese one loads the era and lunar calendar tables.
_READERS = {
    "en": ("timeline.dates._phrases_en", "EnglishReader"),
    "zh": ("timeline.dates._phrases_zh", "ChineseReader"),
    "ru": ("timeline.dates._phrases_ru", "RussianReader"),
}


@functools.cache
def _reader(lang: str) -> type[Reader]:
    module, name = _READERS[lang]
    reader: type[Reader] = getattr(importlib.import_module(module), name)
    return reader


@attrs.frozen
class ParsedDate:
    """A date read from text: the value, the text as written and its language."""

    when: When
    text: str
    lang: str


def parse_date(
    text: str,
    lang: str = "en",
    *,
    ambiguous: str = "error",
    document_date: When | str | None = None,
    old_style: bool = False,
) -> ParsedDate:
    """Read a date phrase (``"2 March 1969"``, ``"2019年6月初"``, ``"в начале июня 2019"``).

    ``lang`` is ``"en"``, ``"zh"`` or ``"ru"``. EDTF text is accepted in every
    language. ``ambiguous="set"`` returns an ambiguous numeric date as an EDTF
    one-of set of its readings instead of raising :class:`AmbiguousDate`.
    ``document_date`` (a date or EDTF text) anchors relative dates ("last June",
    去年6月, "в прошлом году"); without it they raise :class:`MissingDocumentDate`.
    ``old_style=True`` is the policy for a source that writes Russian dates in the
    Old Style: an English or Russian date with no style marker that falls before
    14 February 1918 (N.S.) is read in the Julian calendar.
    """
    if lang not in LANGS:
        raise UnparsableDate(f"{text!r}: language {lang!r} is not one of {', '.join(LANGS)}")
    if ambiguous not in ("error", "set"):
        raise DateError(f"{text!r}: ambiguous must be 'error' or 'set', not {ambiguous!r}")
    from timeline.dates._relative import anchor

    base = _normalise(text)
    reader_class = _reader(lang)
    clean = anchor(reader_class.normalise(base), lang, _document(document_date, text), text)
    if not clean:
        raise UnparsableDate(f"{text!r}: empty text is not a date")
    edtf_error: DateError | None = None
    try:
        try:
            return ParsedDate(parse_edtf(clean), text, lang)
        except DateError as exc:
            edtf_error = exc
        policy = old_style and lang in _OLD_STYLE_LANGS and not _STYLE_MARKER.search(clean)
        reader = reader_class(ambiguous == "set", "julian" if policy else "gregorian")
        when = reader.read(clean)
        if when is None:
            specific = isinstance(edtf_error, InvalidDate) or "qualifier" in str(edtf_error)
            if specific and edtf_error is not None:
                raise edtf_error
            raise UnparsableDate(f"not a date phrase this library reads in {lang!r}")
        if policy:
            when = _old_style(when)
    except DateError as exc:
        message = str(exc)
        if not message.startswith((repr(text), text.strip() or repr(text))):
            message = f"{text!r}: {message}"
        raise type(exc)(message) from None
    return ParsedDate(when, text, lang)


def phrase_lang(text: str) -> str:
    """The language a date phrase is written in, told by its script.

    ``"zh"`` for Chinese characters, ``"ru"`` for Cyrillic, ``"en"`` for other
    letters and ``""`` for text without letters ("1969-03-02", "1969?").
    """
    if any(unicodedata.name(ch, "").startswith("CJK ") for ch in text):
        return "zh"
    if any("\u0400" <= ch <= "\u04ff" for ch in text):
        return "ru"
    return "en" if any(ch.isalpha() for ch in text) else ""


#: Languages the Old Style policy applies to (Chinese dates mark 俄历 themselves).
_OLD_STYLE_LANGS = ("en", "ru")
_STYLE_MARKER = re.compile(
    r"o\.\s?s\.|n\.\s?s\.|old style|new style|\((?:os|ns)\)|ст\.\s?ст\.|н\.\s?ст\."
    r"|по (?:старому|новому) стилю|\(\d{1,2}\)|\d \w+ \(\d",
    re.IGNORECASE,
)
#: The first Gregorian day in Soviet Russia: 14 February 1918 (N.S.) followed 31 January (O.S.).
_SWITCH = HistoricalDate(1918, 2, 14).bounds[0]


def _old_style(w: When) -> When:
    """Under the Old Style policy: Julian before the switch, Gregorian from it."""
    if isinstance(w, DateInterval):
        return DateInterval(_old_style_end(w.start), _old_style_end(w.end))
    if isinstance(w, DateSet):
        return w
    end = _old_style_end(w)
    assert isinstance(end, HistoricalDate)
    return end


def _old_style_end(end: HistoricalDate | Boundless) -> HistoricalDate | Boundless:
    if not isinstance(end, HistoricalDate) or end.year_x or end.month > 12 or end.month_x:
        return end
    julian = attrs.evolve(end, calendar="julian")
    if julian.bounds[1] < _SWITCH:
        return julian
    if end.day and (end.year, end.month) == (1918, 2) and end.day < 14:
        raise InvalidDate(
            f"{end.day} February 1918 did not exist in Russia: the day after 31 January "
            "(Old Style) was 14 February (New Style)"
        )
    return attrs.evolve(end, calendar="gregorian")


def _document(value: When | str | None, text: str) -> HistoricalDate | None:
    """The document date as one date; an interval or set cannot anchor a relative date."""
    if value is None:
        return None
    when = parse_edtf(value) if isinstance(value, str) else value
    if not isinstance(when, HistoricalDate):
        raise DateError(
            f"{text!r}: the document date {format_edtf(when)} must be one date, "
            "not an interval or set"
        )
    return when


def _normalise(text: str) -> str:
    """NFKC, trimmed, runs of white space as one space, TeX's dashes (``--``, ``---``) as
    the dashes they stand for."""
    text = unicodedata.normalize("NFKC", text).strip().replace("---", "—").replace("--", "–")
    return re.sub(r"\s+", " ", text)
