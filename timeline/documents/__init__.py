"""Documents made from a :class:`~timeline.chronology.Chronology`: one module per format.

Every renderer is a pure function ``render_x(chronology, options) -> str``;
:func:`render` picks one by name from :data:`FORMATS`. Which events a document
holds is decided when the chronology is built (filters, ``as_of``, retracted
events); :class:`DocumentOptions` decides how they are shown.
"""

from __future__ import annotations

from collections.abc import Callable

import attrs

from timeline.chronology import Chronology
from timeline.documents.bibliography import render_bibliography, write_bibliography
from timeline.documents.html import render_html, write_html
from timeline.documents.latex import render_latex, write_latex
from timeline.documents.markdown import render_markdown, write_markdown
from timeline.documents.options import DocumentOptions, Period
from timeline.documents.svg import render_svg
from timeline.documents.table import CLAIM_COLUMNS, render_csv
from timeline.documents.timelinejs import render_timelinejs
from timeline.documents.wikidata import render_wikidata
from timeline.errors import DocumentError

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


@attrs.frozen
class DocumentFormat:
    """An output format: its name, usual file suffix, media type and renderer."""

    name: str
    suffix: str
    media_type: str
    render: Callable[[Chronology, DocumentOptions | None], str]


def _bibliography(format: str) -> Callable[[Chronology, DocumentOptions | None], str]:
    def rendered(chronology: Chronology, options: DocumentOptions | None = None) -> str:
        chosen = attrs.evolve(options or DocumentOptions(), bibliography_format=format)
        return render_bibliography(chronology, chosen)

    return rendered


#: Every format by name.
FORMATS: dict[str, DocumentFormat] = {
    f.name: f
    for f in (
        DocumentFormat("markdown", ".md", "text/markdown", render_markdown),
        DocumentFormat("html", ".html", "text/html", render_html),
        DocumentFormat("svg", ".svg", "image/svg+xml", render_svg),
        DocumentFormat("timelinejs", ".json", "application/json", render_timelinejs),
        DocumentFormat("csv", ".csv", "text/csv", render_csv),
        DocumentFormat("latex", ".tex", "application/x-tex", render_latex),
        DocumentFormat("wikidata", ".json", "application/json", render_wikidata),
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
