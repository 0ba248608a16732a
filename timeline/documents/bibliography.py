"""Bibliographies, of all references or of those cited: BibTeX, biblatex or
CSL-JSON data sorted by citation key (the same references give the same bytes
every time), or text, HTML or Markdown formatted in a citation style and in its
order. Written through :mod:`citations`.
"""

from __future__ import annotations

from collections.abc import Iterable

from citations import Reference
from timeline.chronology import Chronology
from timeline.documents.options import BIBLIOGRAPHY_FORMATS, DEFAULT_STYLES, DocumentOptions
from timeline.errors import DocumentError

__all__ = ["render_bibliography", "write_bibliography"]


def write_bibliography(
    references: Iterable[Reference],
    format: str = "bibtex",
    *,
    keep_private_fields: bool = False,
    style: str = "",
) -> str:
    """``references`` as ``"bibtex"``, ``"biblatex"`` or ``"csl-json"`` text, sorted by key,
    or as ``"text"``, ``"html"`` or ``"markdown"`` formatted in ``style`` and in its order.

    ``style`` is a CSL style name or ``.csl`` path, or a pybtex style (see
    :class:`DocumentOptions`); by default Chicago author-date. Pass every
    reference of a timeline to export them all, or a chronology's references
    (see :func:`render_bibliography`) for only those it cites.
    Fields about the user's own copy (``file``, ``annotation``, ...) are left
    out unless ``keep_private_fields=True``.
    """
    refs = sorted(references, key=lambda ref: ref.key)
    seen: set[str] = set()
    for ref in refs:
        if ref.key in seen:
            raise DocumentError(f"bibliography: citation key {ref.key!r} appears twice")
        seen.add(ref.key)
    # each writer is loaded when used: pybtex for BibTeX, citeproc-py and lxml for a style
    if format in ("bibtex", "biblatex"):
        from citations import write_bibtex

        return write_bibtex(
            refs,
            dialect="bibtex" if format == "bibtex" else "biblatex",
            keep_private_fields=keep_private_fields,
        )
    if format == "csl-json":
        from citations.csl import write_csl_json

        return write_csl_json(refs)
    if format in ("text", "html", "markdown"):
        from citations import FormatError, format_bibliography

        try:
            return format_bibliography(refs, style or DEFAULT_STYLES["en"], format)
        except FormatError as exc:
            raise DocumentError(f"bibliography style: {exc}") from exc
    raise DocumentError(
        f"bibliography format {format!r}: use one of {', '.join(BIBLIOGRAPHY_FORMATS)}"
    )


def render_bibliography(chronology: Chronology, options: DocumentOptions | None = None) -> str:
    """The references the chronology cites, in ``options.bibliography_format``
    (formatted ones in ``options.citation_style``).

    For LaTeX, the default ``latex_backend="biber"`` reads biblatex; BibTeX
    reads the ``"bibtex"`` dialect; Pandoc reads either.
    """
    options = options or DocumentOptions()
    return write_bibliography(
        (ref for _key, ref in chronology.references),
        options.bibliography_format,
        style=options.citation_style,
    )
