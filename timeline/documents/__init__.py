"""Documents made from a :class:`~timeline.chronology.Chronology`: one module per format.

Every renderer is a pure function ``render_x(chronology, options) -> str``;
:func:`render` picks one by name from :data:`FORMATS`. Which events a document
holds is decided when the chronology is built (filters, ``as_of``, retracted
events); :class:`DocumentOptions` decides how they are shown.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

import attrs

from timeline._lazy import on_first_use
from timeline.chronology import Chronology
from timeline.documents.bibliography import render_bibliography, write_bibliography
from timeline.documents.options import DocumentOptions, Period
from timeline.errors import DocumentError

if TYPE_CHECKING:
    from timeline.documents.html import render_html, write_html
    from timeline.documents.latex import render_latex, write_latex
    from timeline.documents.markdown import render_markdown, write_markdown
    from timeline.documents.svg import render_svg
    from timeline.documents.table import CLAIM_COLUMNS, render_csv
    from timeline.documents.timelinejs import render_timelinejs
    from timeline.documents.wikidata import render_wikidata

__all__ = [
    "CLAIM_COLUMNS",
    "FORMATS",
    "DocumentFormat",
    "DocumentOptions",
    "Period",
    "render",
    "render_bibliography",
    "render_csv",
    "render_html",
    "render_latex",
    "render_markdown",
    "render_svg",
    "render_timelinejs",
    "render_wikidata",
    "write_bibliography",
    "write_html",
    "write_latex",
    "write_markdown",
]


#: The module of each format's names, imported on first use (PEP 562): a Markdown
#: chronology loads neither the HTML viewer nor the SVG layout nor the LaTeX writer.
__getattr__, __dir__ = on_first_use(
    __name__,
    {
        "html": ("render_html", "write_html"),
        "latex": ("render_latex", "write_latex"),
        "markdown": ("render_markdown", "write_markdown"),
        "svg": ("render_svg",),
        "table": ("CLAIM_COLUMNS", "render_csv"),
        "timelinejs": ("render_timelinejs",),
        "wikidata": ("render_wikidata",),
    },
)


_Renderer = Callable[[Chronology, DocumentOptions | None], str]


@attrs.frozen
class DocumentFormat:
    """An output format: its name, usual file suffix, media type and renderer."""

    name: str
    suffix: str
    media_type: str
    render: Callable[[Chronology, DocumentOptions | None], str]


def _renderer(name: str) -> _Renderer:
    """The renderer ``name``, its module imported when first called."""

    def rendered(chronology: Chronology, options: DocumentOptions | None = None) -> str:
        renderer: _Renderer = getattr(sys.modules[__name__], name)
        return renderer(chronology, options)

    rendered.__name__ = rendered.__qualname__ = name
    return rendered


def _bibliography(format: str) -> _Renderer:
    def rendered(chronology: Chronology, options: DocumentOptions | None = None) -> str:
        chosen = attrs.evolve(options or DocumentOptions(), bibliography_format=format)
        return render_bibliography(chronology, chosen)

    return rendered


#: Every format by name.
FORMATS: dict[str, DocumentFormat] = {
    f.name: f
    for f in (
        DocumentFormat("markdown", ".md", "text/markdown", _renderer("render_markdown")),
        DocumentFormat("html", ".html", "text/html", _renderer("render_html")),
        DocumentFormat("svg", ".svg", "image/svg+xml", _renderer("render_svg")),
        DocumentFormat("timelinejs", ".json", "application/json", _renderer("render_timelinejs")),
        DocumentFormat("csv", ".csv", "text/csv", _renderer("render_csv")),
        DocumentFormat("latex", ".tex", "application/x-tex", _renderer("render_latex")),
        DocumentFormat("wikidata", ".json", "application/json", _renderer("render_wikidata")),
        DocumentFormat(
            "bibtex",
            ".bib",
            "application/x-bibtex",
            _bibliography("bibtex"),
        ),
        DocumentFormat(
            "biblatex",
            ".bib",
            "application/x-bibtex",
            _bibliography("biblatex"),
        ),
        DocumentFormat(
            "csl-json",
            ".json",
            "application/vnd.citationstyles.csl+json",
            _bibliography("csl-json"),
        ),
    )
}


def render(chronology: Chronology, format: str, options: DocumentOptions | None = None) -> str:
    """The chronology as ``format`` (a key of :data:`FORMATS`), e.g. ``"markdown"``."""
    try:
        chosen = FORMATS[format]
    except KeyError:
        raise DocumentError(
            f"document format {format!r}: use one of {', '.join(sorted(FORMATS))}"
        ) from None
    return chosen.render(chronology, options)
