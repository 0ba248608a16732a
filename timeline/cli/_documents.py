"""Commands writing documents: chronology and bibliography."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import click

from timeline.cli._app import cli, open_timeline, output_stream, parse_made_at, reference_cache
from timeline.cli._filters import filter_options, read_filters, warn_unknown_values
from timeline.cli._output import spinner

if TYPE_CHECKING:
    from timeline.application import Timeline
    from timeline.documents import DocumentOptions

#: ``chronology --format`` choices: the document format and Markdown flavour each stands for.
CHRONOLOGY_FORMATS: dict[str, tuple[str, str]] = {
    "md": ("markdown", "footnotes"),
    "pandoc": ("markdown", "pandoc"),
    "html": ("html", "pandoc"),
    "svg": ("svg", "pandoc"),
    "timelinejs": ("timelinejs", "pandoc"),
    "csv": ("csv", "pandoc"),
    "latex": ("latex", "pandoc"),
    "wikidata": ("wikidata", "pandoc"),
}

#: ``bibliography --format`` choices (timeline.documents.options.BIBLIOGRAPHY_FORMATS,
#: repeated here so that ``--help`` need not import the document writers).
BIBLIOGRAPHY_FORMATS = ("bibtex", "biblatex", "csl-json", "text", "html", "markdown")

#: ``chronology --group-by`` choices (``period``: the recorded period definitions).
CHRONOLOGY_GROUPINGS = ("none", "year", "decade", "period")

#: ``chronology --dates`` choices (timeline.documents.options.DATES).
CHRONOLOGY_DATES = ("as-written", "computed", "both")


# -- documents ------------------------------------------------------------------


#: ``chronology --latex-layout`` and ``--latex-backend`` choices
#: (timeline.documents.options.LATEX_LAYOUTS and LATEX_BACKENDS).
LATEX_LAYOUTS = ("description", "longtable")
LATEX_BACKENDS = ("biber", "bibtex", "text")


def _document_options(
    fmt: str, lang: str, group_by: str, dates: str, style: str = "", **latex: str
) -> DocumentOptions:
    from timeline.documents import DocumentOptions

    _, flavour = CHRONOLOGY_FORMATS[fmt]
    fallbacks = tuple(dict.fromkeys((lang, "en", "zh", "ru")))
    chosen: dict[str, Any] = {name: value for name, value in latex.items() if value}
    return DocumentOptions(
        lang=lang,
        fallbacks=fallbacks,
        group_by=group_by,
        flavour=flavour,
        dates=dates,
        style=style,
        **chosen,
    )


_STYLE_HELP = (
    "Citation style: chicago-author-date, chicago-notes, apa, gb-t-7714-2015-author-date, "
    "gb-t-7714-2015-numeric, gb-t-7714-2015-note, gost-r-7.0.5-2008, another CSL style "
    "name, a .csl file, or a pybtex style (plain)."
)


def write_chronology(
    timeline: Timeline,
    fmt: str,
    output: str | None,
    *,
    title: str = "Chronology",
    lang: str = "en",
    group_by: str = "year",
    dates: str = "as-written",
    made_at: datetime | None = None,
    style: str = "",
    latex: dict[str, str] | None = None,
    **filters: Any,
) -> int:
    """Render the timeline's chronology as ``fmt`` (a key of :data:`CHRONOLOGY_FORMATS`).

    ``latex`` holds LaTeX document options (``latex_layout``, ``latex_backend``,
    ``latex_style``, ``main_font``, ``cjk_font``); empty values keep the defaults.
    Writes to ``output`` (stdout for ``None`` or ``-``); returns the number of events.
    """
    from timeline import documents  # each format's writer is imported when it is used

    options = _document_options(fmt, lang, group_by, dates, style, **(latex or {}))
    kind = CHRONOLOGY_FORMATS[fmt][0]
    if kind in ("markdown", "html", "latex"):  # written as it is read, in bounded memory
        writer = getattr(documents, f"write_{kind}")
        chronology = timeline.chronology(title=title, made_at=made_at, stream=True, **filters)
        with spinner(f"writing the events as {fmt}"), output_stream(output) as stream:
            written: int = writer(chronology, stream, options)
            return written
    chronology = timeline.chronology(title=title, made_at=made_at, **filters)
    with spinner(f"rendering {len(chronology)} events as {fmt}"):
        text = documents.render(chronology, kind, options)
    with output_stream(output) as stream:
        stream.write(text)
    return len(chronology)


@cli.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(CHRONOLOGY_FORMATS)),
    default="md",
    show_default=True,
    help="md: self-contained Markdown with footnotes; pandoc: Markdown with [@key] citations; "
    "wikidata: the claims as Wikidata-style statements (JSON).",
)
@click.option("-o", "--output", metavar="FILE", help="Write to FILE instead of stdout.")
@click.option("--title", default="Chronology", show_default=True, help="The document title.")
@click.option("--lang", default="en", show_default=True, help="Language of titles and dates.")
@click.option(
    "--group-by",
    type=click.Choice(CHRONOLOGY_GROUPINGS),
    default="year",
    show_default=True,
    help="Headings by year, by decade, or none.",
)
@click.option(
    "--dates",
    type=click.Choice(CHRONOLOGY_DATES),
    default="as-written",
    show_default=True,
    help="Dates as the source wrote them (early June 2019), computed from the date "
    "(1-10 June 2019), or both.",
)
@click.option(
    "--made-at",
    metavar="INSTANT",
    help="The made-at time printed in the document (default $SOURCE_DATE_EPOCH, else now).",
)
@click.option(
    "--style",
    metavar="NAME|FILE.csl",
    default="",
    help=_STYLE_HELP + " Default by --lang: en Chicago author-date, zh GB/T 7714 author-date, "
    "ru ГОСТ Р 7.0.5.",
)
@click.option(
    "--latex-layout",
    type=click.Choice(LATEX_LAYOUTS),
    default="description",
    show_default=True,
    help="LaTeX: a description list or a two-column longtable.",
)
@click.option(
    "--latex-backend",
    "--backend",
    type=click.Choice(LATEX_BACKENDS),
    default="biber",
    show_default=True,
    help="LaTeX: biblatex with biber (write --format biblatex), natbib with BibTeX "
    "(write --format bibtex), or text: the references formatted in --style as footnotes "
    "and a list (xelatex alone builds it).",
)
@click.option(
    "--latex-style",
    metavar="NAME",
    default="",
    help="LaTeX: the biblatex style (default numeric; authoryear, gb7714-2015, ...) or "
    "the BibTeX style (default plainnat; unsrtnat, abbrvnat, ...).",
)
@click.option(
    "--main-font",
    metavar="FAMILY",
    default="",
    help="LaTeX: the font for Latin and Cyrillic text (default DejaVu Serif).",
)
@click.option(
    "--cjk-font",
    metavar="FAMILY",
    default="",
    help="LaTeX: the font for Chinese text (default Noto Serif CJK SC).",
)
@filter_options
def chronology(
    fmt: str,
    output: str | None,
    title: str,
    lang: str,
    group_by: str,
    dates: str,
    made_at: str | None,
    style: str,
    latex_layout: str,
    latex_backend: str,
    latex_style: str,
    main_font: str,
    cjk_font: str,
    **options: Any,
) -> None:
    filters = read_filters(**options)
    latex = {
        "latex_layout": latex_layout,
        "latex_backend": latex_backend,
        "latex_style": latex_style,
        "main_font": main_font,
        "cjk_font": cjk_font,
    }
    with open_timeline() as timeline, reference_cache():
        count = write_chronology(
            timeline,
            fmt,
            output,
            title=title,
            lang=lang,
            group_by=group_by,
            dates=dates,
            made_at=parse_made_at(made_at),
            style=style,
            latex=latex,
            **filters,
        )
        if not count:
            warn_unknown_values(timeline, filters)
    if output and output != "-":
        click.echo(f"wrote {count} events to {output}", err=True)


@cli.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(BIBLIOGRAPHY_FORMATS),
    default="biblatex",
    show_default=True,
    help="The bibliography format: data (bibtex, biblatex, csl-json) or formatted references.",
)
@click.option("-o", "--output", metavar="FILE", help="Write to FILE instead of stdout.")
@click.option("--cited", is_flag=True, help="Only references cited by events on the timeline.")
@click.option(
    "--keep-private-fields",
    is_flag=True,
    help="Keep fields about your own copy (file, annotation, owner, timestamp, ...).",
)
@click.option(
    "--style",
    metavar="NAME|FILE.csl",
    default="chicago-author-date",
    show_default=True,
    help=_STYLE_HELP + " For --format text, html and markdown.",
)
def bibliography(
    fmt: str, output: str | None, cited: bool, keep_private_fields: bool, style: str
) -> None:
    from timeline.documents import write_bibliography

    with open_timeline() as timeline, reference_cache():
        if cited:
            references = [ref for _key, ref in timeline.chronology().references]
        else:
            references = timeline.references()
        text = write_bibliography(
            references, fmt, keep_private_fields=keep_private_fields, style=style
        )
    with output_stream(output) as stream:
        stream.write(text)
    if output and output != "-":
        click.echo(f"wrote {len(references)} references to {output}", err=True)
