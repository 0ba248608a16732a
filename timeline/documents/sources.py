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
from collections.abc import Callable

import attrs

from citations import CSLStyle, FormatError, Reference, format_entries, load_style
from citations.formatting import STYLES as PYBTEX_STYLES
from citations.styles import render_marked, style_citation
from timeline.chronology import Chronology
from timeline.documents.common import escape_html, escape_latex, escape_markdown
from timeline.documents.options import DocumentOptions
from timeline.domain import Citation
from timeline.errors import DocumentError

__all__ = ["Sources", "formatted_sources"]

#: Notes kept by :meth:`Sources.note` for the citations of one work and locator that recur.
_NOTES = 4096

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
    #: The reference of a citation key (None for one the chronology lacks).
    lookup: Callable[[str], Reference | None]
    #: The parsed CSL style (None for a pybtex style).
    csl: CSLStyle | None
    #: Notes made so far: (key, locator, first) -> text.
    _notes: dict[tuple[str, str, bool], str] = attrs.field(factory=dict, eq=False)

    def reference(self, citation: Citation) -> Reference:
        """The reference a citation points to; :class:`DocumentError` when missing."""
        found = self.lookup(citation.key)
        if found is None:
            raise DocumentError(
                f"event {citation.event_id!r} cites {citation.key!r}, "
                "which is not among the chronology's references"
            )
        return found

    def note(self, citation: Citation, *, first: bool = True) -> str:
        """The citation as a note, with its locator, ending with a period.

        ``first``: the work's first citation in the document (the full
        reference); later ones take the style's short form.
        """
        memo = (citation.key, citation.locator, first)
        found = self._notes.get(memo)
        if found is not None:
            return found
        ref = self.reference(citation)
        csl = self.csl
        # (a style may leave a work out of its bibliography: its citation stands for it)
        if csl is not None and (csl.is_note or not first or citation.key not in self.bodies):
            marked = style_citation(ref, csl, locator=citation.locator, subsequent=not first)
            text = render_marked(marked, self.output).strip()
            wrapped = _WRAPPED.match(text)
            text = wrapped.group(1) if wrapped and not csl.is_note else text
        else:
            text = self.bodies[citation.key].rstrip()
            if citation.locator:
                text = _trim(text) + ", " + _escape(citation.locator, self.output)
        if len(self._notes) >= _NOTES:  # bounded: a document may cite a million locators
            self._notes.clear()
        self._notes[memo] = text = _trim(text) + "."
        return text

    def short(self, citation: Citation) -> str:
        """The style's short form of the citation (the full entry for a pybtex style)."""
        return self.note(citation, first=self.csl is None)


def _trim(text: str) -> str:
    return text.removesuffix("\\.").removesuffix(".")


def formatted_sources(chronology: Chronology, options: DocumentOptions, output: str) -> Sources:
    """The chronology's references formatted in ``options.citation_style`` for ``output``."""
    style = options.citation_style
    try:
        entries = format_entries((ref for _key, ref in chronology.references), style, output)
        csl = None if style in PYBTEX_STYLES else load_style(style)
    except FormatError as exc:
        raise DocumentError(f"citation style: {exc}") from exc
    return Sources(
        style=style,
        output=output,
        entries=tuple((key, entry) for key, entry, _body in entries),
        bodies={key: body for key, _entry, body in entries},
        lookup=chronology.lookup(),
        csl=csl,
    )
