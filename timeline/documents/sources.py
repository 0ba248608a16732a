"""A chronology's references as every document prints them: one formatter for all.

:func:`formatted_sources` formats the references once in the document's
citation style (:attr:`DocumentOptions.citation_style`) for one output; its
:meth:`Sources.note` gives a citation's note: the full reference (or a note
style's full note) the first time a work is cited, the style's short form
after that, each with the citation's locator. The internal ``note`` and
``annotation`` fields of a reference are never printed. Formatting is cached
per reference value inside :mod:`citations`, so a second render formats nothing.
"""

from __future__ import annotations

import re

import attrs

from citations import FormatError, Reference, format_citation, format_entries, load_style
from citations.formatting import STYLES as PYBTEX_STYLES
from timeline.chronology import Chronology
from timeline.documents.common import escape_html, escape_latex, escape_markdown
from timeline.documents.options import DocumentOptions
from timeline.errors import DocumentError
from timeline.model import Citation

__all__ = ["Sources", "formatted_sources"]

_WRAPPED = re.compile(r"^[(\[（](.*)[)\]）]$")


def _escape(text: str, output: str) -> str:
    if output == "html":
        return escape_html(text)
    if output == "markdown":
        return escape_markdown(text)
    if output == "latex":
        return escape_latex(text)
    return text


@attrs.frozen
class Sources:
    """A chronology's references formatted in one style for one output."""

    style: str
    output: str
    #: (key, entry as the bibliography prints it) in the style's order.
    entries: tuple[tuple[str, str], ...]
    #: key -> the entry without a numeric style's label.
    bodies: dict[str, str]
    references: dict[str, Reference]
    #: Whether the style is a CSL note style (its notes are its own, not the entry).
    note_style: bool

    def reference(self, citation: Citation) -> Reference:
        """The reference a citation points to; :class:`DocumentError` when missing."""
        try:
            return self.references[citation.key]
        except KeyError:
            raise DocumentError(
                f"event {citation.event_id!r} cites {citation.key!r}, "
                "which is not among the chronology's references"
            ) from None

    def note(self, citation: Citation, *, first: bool = True) -> str:
        """The citation as a note, with its locator, ending with a period.

        ``first``: the work's first citation in the document (the full
        reference); later ones take the style's short form.
        """
        ref = self.reference(citation)
        if self.style not in PYBTEX_STYLES and (self.note_style or not first):
            text = format_citation(
                ref, self.style, self.output, locator=citation.locator, subsequent=not first
            ).strip()
            wrapped = _WRAPPED.match(text)
            text = wrapped.group(1) if wrapped and not self.note_style else text
        else:
            text = self.bodies[citation.key].rstrip()
            if citation.locator:
                text = _trim(text) + ", " + _escape(citation.locator, self.output)
        return _trim(text) + "."

    def short(self, citation: Citation) -> str:
        """The style's short form of the citation (the full entry for a pybtex style)."""
        return self.note(citation, first=self.style in PYBTEX_STYLES)


def _trim(text: str) -> str:
    return text.removesuffix("\\.").removesuffix(".")


def formatted_sources(chronology: Chronology, options: DocumentOptions, output: str) -> Sources:
    """The chronology's references formatted in ``options.citation_style`` for ``output``."""
    style = options.citation_style
    references = dict(chronology.references)
    try:
        entries = format_entries(references.values(), style, output)
        note_style = style not in PYBTEX_STYLES and load_style(style).is_note
    except FormatError as exc:
        raise DocumentError(f"citation style: {exc}") from exc
    return Sources(
        style=style,
        output=output,
        entries=tuple((key, entry) for key, entry, _body in entries),
        bodies={key: body for key, _entry, body in entries},
        references=references,
        note_style=note_style,
    )
