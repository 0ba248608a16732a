"""The options every document format shares: :class:`DocumentOptions` and :class:`Period`.

Which events a document holds (filters, ``as_of``, retracted or not) is decided
when the :class:`~timeline.chronology.Chronology` is built; these options decide
only how the chosen events are shown.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import attrs

from timeline.dates import When, format_edtf, parse_edtf
from timeline.errors import DateError, DocumentError

__all__ = [
    "BIBLIOGRAPHY_FORMATS",
    "DATES",
    "DATE_STYLES",
    "DEFAULT_STYLES",
    "FLAVOURS",
    "GROUPINGS",
    "LANES",
    "LATEX_BACKENDS",
    "LATEX_LAYOUTS",
    "DocumentOptions",
    "Period",
]

#: How entries are grouped under headings.
GROUPINGS = ("none", "year", "decade", "period")
#: Markdown flavours: Pandoc citations or self-contained numbered footnotes.
FLAVOURS = ("pandoc", "footnotes")
#: What the lanes of the visual timeline follow.
LANES = ("actor", "tag", "category", "none")
#: LaTeX chronology layouts.
LATEX_LAYOUTS = ("description", "longtable")
#: LaTeX bibliography processors (biblatex with biber, or natbib with BibTeX), or ``text``:
#: references formatted by the library in footnotes and a list, with no processor.
LATEX_BACKENDS = ("biber", "bibtex", "text")
#: Bibliography formats: data for other tools, or references formatted in a style.
BIBLIOGRAPHY_FORMATS = ("bibtex", "biblatex", "csl-json", "text", "html", "markdown")
#: The citation style of a document whose ``style`` is not set, by its language.
DEFAULT_STYLES = {
    "en": "chicago-author-date",
    "zh": "gb-t-7714-2015-author-date",
    "ru": "gost-r-7.0.5-2008",
}
#: Date label styles passed to :func:`timeline.dates.format_date`.
DATE_STYLES = ("long", "short")
#: Which date an event shows: the source's phrase, the label computed from its value, or both.
DATES = ("as-written", "computed", "both")

_LANG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


def _when(value: When | str) -> When:
    if isinstance(value, str):
        try:
            return parse_edtf(value)
        except DateError as exc:
            raise DocumentError(f"period dates: {exc}") from exc
    return value


@attrs.frozen
class Period:
    """A named stretch of history used as a heading (``group_by="period"``).

    ``when`` is a date or an EDTF string (``"1949-10-01/1976-09-09"``); an
    entry belongs to the first period whose span contains the entry's start.
    """

    name: str
    when: When = attrs.field(converter=_when)

    def __attrs_post_init__(self) -> None:
        if not self.name.strip():
            raise DocumentError(f"period {format_edtf(self.when)!r} needs a name")

    def contains(self, day: int) -> bool:
        """Whether the Julian Day Number ``day`` lies within the period."""
        lower, upper = self.when.bounds
        return lower <= day <= upper


def _choice(allowed: tuple[str, ...]) -> Callable[[Any, attrs.Attribute[str], str], None]:
    def check(_instance: object, attribute: attrs.Attribute[str], value: str) -> None:
        if value not in allowed:
            raise DocumentError(
                f"DocumentOptions.{attribute.name}={value!r}: use one of {', '.join(allowed)}"
            )

    return check


def _lang(_instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not _LANG.match(value):
        raise DocumentError(
            f"DocumentOptions.{attribute.name}={value!r}: not a BCP 47 language tag ('en', 'zh')"
        )


def _fallbacks(value: tuple[str, ...] | list[str] | str) -> tuple[str, ...]:
    items = (value,) if isinstance(value, str) else tuple(value)
    for item in items:
        if not isinstance(item, str) or not _LANG.match(item):
            raise DocumentError(
                f"DocumentOptions.fallbacks: {item!r} is not a BCP 47 language tag ('en', 'zh')"
            )
    return items


def _periods(value: tuple[Period, ...] | list[Period]) -> tuple[Period, ...]:
    items = tuple(value)
    for item in items:
        if not isinstance(item, Period):
            raise DocumentError(f"DocumentOptions.periods: {item!r} is not a Period")
    return items


def _style(_instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not value:
        return
    # the style machinery (pybtex, citeproc-py, lxml) loads only for a style that is set
    from citations import FormatError, load_style
    from citations.formatting import STYLES as PYBTEX_STYLES

    if value in PYBTEX_STYLES:
        return
    try:
        load_style(value)
    except FormatError as exc:
        raise DocumentError(f"DocumentOptions.{attribute.name}={value!r}: {exc}") from exc


_TEX_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.-]*$")


def _tex_name(_instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if value and not _TEX_NAME.match(value):
        raise DocumentError(
            f"DocumentOptions.{attribute.name}={value!r}: a style name is letters, digits, "
            "'.' and '-' ('authoryear', 'unsrtnat')"
        )


def _font(_instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not value.strip() or any(c in "\\{}%#$&^~[]" or ord(c) < 0x20 for c in value):
        raise DocumentError(
            f"DocumentOptions.{attribute.name}={value!r}: a font family name as fontconfig "
            "lists it (fc-list : family), without TeX's special characters"
        )


def _positive(_instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if not isinstance(value, int) or value < 200:
        raise DocumentError(f"DocumentOptions.{attribute.name}={value!r}: use 200 or more pixels")


@attrs.frozen
class DocumentOptions:
    """How a chronology is shown, shared by every format (each uses what applies to it).

    - ``lang`` and ``fallbacks``: the language of titles and summaries, then
      the languages tried in turn when an event has no text in ``lang``.
    - ``group_by``: ``"none"``, ``"year"``, ``"decade"`` or ``"period"``
      (by ``periods``, else by the chronology's recorded period definitions);
      headings in Markdown, HTML and LaTeX, eras in TimelineJS.
    - ``show_sources``: citations, footnotes and the bibliography, or none.
    - ``show_summaries``: each event's summary under its title.
    - ``dates``: ``"as-written"`` (the source's phrase, "early June 2019",
      where the event has one in the document's language; else the label
      computed from the date), ``"computed"`` (always that label, "1–10 June
      2019") or ``"both"`` ("early June 2019 (1–10 June 2019)"). CSV and
      TimelineJS keep the machine dates (EDTF, ISO bounds) beside it.
    - ``date_style``: ``"long"`` ("2 March 1969") or ``"short"``, for computed labels.
    - ``flavour`` (Markdown): ``"pandoc"`` (``[@key, p. 104]``) or
      ``"footnotes"`` (numbered footnotes with the formatted reference).
    - ``bom`` (CSV): start with a UTF-8 byte order mark for spreadsheets.
    - ``lanes`` (SVG, HTML): lanes by ``"actor"``, ``"tag"``, ``"category"`` or ``"none"``
      (in HTML the lanes the viewer opens with; its reader can switch).
    - ``width`` (SVG): the drawing's width in pixels (the HTML viewer fills the page).
    - ``latex_layout``, ``latex_backend``, ``latex_style``, ``bibliography_file``,
      ``main_font``, ``cjk_font`` (LaTeX): ``description`` or ``longtable``;
      ``biber`` (biblatex), ``bibtex`` (natbib) or ``text`` (the references
      formatted in ``style`` as footnotes and a list, built by ``xelatex``
      alone); the biblatex style
      (default ``numeric``) or BibTeX style (default ``plainnat``); the ``.bib``
      file name; the fonts for ``xelatex`` (Latin and Cyrillic, and Chinese).
    - ``bibliography_format``: ``"bibtex"``, ``"biblatex"`` or ``"csl-json"``
      data, or ``"text"``, ``"html"`` or ``"markdown"`` references in ``style``.
    - ``style``: how references are formatted everywhere they are printed: a
      CSL style name (``"apa"``, ``"gb-t-7714-2015-numeric"``...), a ``.csl``
      file path, or a pybtex style (``"plain"``); by default the one
      :data:`DEFAULT_STYLES` gives the document's language (Chicago author-date
      for English and others, GB/T 7714-2015 author-date for Chinese, ГОСТ Р
      7.0.5-2008 for Russian).
    """

    lang: str = attrs.field(default="en", validator=_lang)
    fallbacks: tuple[str, ...] = attrs.field(default=("en",), converter=_fallbacks)
    group_by: str = attrs.field(default="year", validator=_choice(GROUPINGS))
    periods: tuple[Period, ...] = attrs.field(default=(), converter=_periods)
    show_sources: bool = True
    show_summaries: bool = True
    dates: str = attrs.field(default="as-written", validator=_choice(DATES))
    date_style: str = attrs.field(default="long", validator=_choice(DATE_STYLES))
    flavour: str = attrs.field(default="pandoc", validator=_choice(FLAVOURS))
    bom: bool = False
    lanes: str = attrs.field(default="actor", validator=_choice(LANES))
    width: int = attrs.field(default=960, validator=_positive)
    latex_layout: str = attrs.field(default="description", validator=_choice(LATEX_LAYOUTS))
    latex_backend: str = attrs.field(default="biber", validator=_choice(LATEX_BACKENDS))
    bibliography_file: str = "references.bib"
    latex_style: str = attrs.field(default="", validator=_tex_name)
    main_font: str = attrs.field(default="DejaVu Serif", validator=_font)
    cjk_font: str = attrs.field(default="Noto Serif CJK SC", validator=_font)
    bibliography_format: str = attrs.field(
        default="bibtex", validator=_choice(BIBLIOGRAPHY_FORMATS)
    )
    style: str = attrs.field(default="", validator=_style)

    def __attrs_post_init__(self) -> None:
        if not self.bibliography_file.endswith(".bib") or any(
            c in self.bibliography_file for c in "{}%#\\ "
        ):
            raise DocumentError(
                f"DocumentOptions.bibliography_file={self.bibliography_file!r}: "
                "use a .bib file name without spaces, braces, '%', '#' or backslashes"
            )

    @property
    def citation_style(self) -> str:
        """``style``, else the default style of the first of :attr:`languages` that has one."""
        if self.style:
            return self.style
        for tag in self.languages:
            chosen = DEFAULT_STYLES.get(tag.split("-")[0].lower())
            if chosen:
                return chosen
        return DEFAULT_STYLES["en"]

    @property
    def languages(self) -> tuple[str, ...]:
        """``lang`` then the fallbacks, without repeats."""
        return tuple(dict.fromkeys((self.lang, *self.fallbacks)))
