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
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import attrs

from citations import Reference
from timeline.chronology import Chronology
from timeline.documents.common import escape_html, escape_latex, escape_markdown
from timeline.documents.options import DocumentOptions
from timeline.domain import Citation
from timeline.errors import DocumentError

if TYPE_CHECKING:
    from citations import CSLStyle
    from citations.spooled import SpooledBibliography

__all__ = ["Sources", "formatted_sources"]

#: References formatted at once, in memory; a bibliography of more is spooled.
_HELD = 4096
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
    #: The entries as the bibliography prints them, and without a numeric style's label.
    bibliography: _Held | SpooledBibliography
    #: The reference of a citation key (None for one the chronology lacks).
    lookup: Callable[[str], Reference | None]
    #: The parsed CSL style (None for a pybtex style).
    csl: CSLStyle | None
    #: Notes made so far: (key, locator, first) -> text.
    _notes: dict[tuple[str, str, bool], str] = attrs.field(factory=dict, eq=False)

    def entries(self) -> Iterator[tuple[str, str]]:
        """(key, entry as the bibliography prints it) in the style's order."""
        return self.bibliography.entries()

    def close(self) -> None:
        """Let go of the entries (a spooled bibliography's temporary file)."""
        if not isinstance(self.bibliography, _Held):
            self.bibliography.close()

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
        body = (
            None
            if csl is not None and (csl.is_note or not first)
            else self.bibliography.body(citation.key)
        )
        if csl is not None and body is None:
            from citations.styles import render_marked, style_citation

            marked = style_citation(ref, csl, locator=citation.locator, subsequent=not first)
            text = render_marked(marked, self.output).strip()
            wrapped = _WRAPPED.match(text)
            text = wrapped.group(1) if wrapped and not csl.is_note else text
        else:
            text = (body or "").rstrip()
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


@attrs.frozen
class _Held:
    """A bibliography formatted at once, in memory."""

    ordered: tuple[tuple[str, str], ...]
    bodies: dict[str, str]

    def entries(self) -> Iterator[tuple[str, str]]:
        return iter(self.ordered)

    def body(self, key: str) -> str | None:
        return self.bodies.get(key)


def formatted_sources(chronology: Chronology, options: DocumentOptions, output: str) -> Sources:
    """The chronology's references formatted in ``options.citation_style`` for ``output``:
    at once, or (a CSL style, more than :data:`_HELD` references) spooled to a temporary
    file (:class:`~citations.spooled.SpooledBibliography`). Close it when done.
    The style machinery (pybtex, or citeproc-py and lxml) is loaded here, on first use."""
    from citations import FormatError, format_entries, load_style
    from citations.formatting import STYLES as PYBTEX_STYLES
    from citations.spooled import SpooledBibliography

    style = options.citation_style
    references = chronology.references
    bibliography: _Held | SpooledBibliography
    try:
        csl = None if style in PYBTEX_STYLES else load_style(style)
        if csl is not None and len(references) > _HELD:
            bibliography = SpooledBibliography(
                lambda: (ref for _key, ref in references), csl, output
            )
        else:
            entries = format_entries((ref for _key, ref in references), style, output)
            bibliography = _Held(
                tuple((key, entry) for key, entry, _body in entries),
                {key: body for key, _entry, body in entries},
            )
    except FormatError as exc:
        raise DocumentError(f"citation style: {exc}") from exc
    return Sources(
        style=style,
        output=output,
        bibliography=bibliography,
        lookup=chronology.lookup(),
        csl=csl,
    )
