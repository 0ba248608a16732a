"""A chronology as a LaTeX document for ``xelatex``: a ``description`` list or a
``longtable``, with ``\\cite`` keys resolved against the exported ``.bib`` file,
or with the references formatted here.

The preamble loads ``fontspec`` and ``xeCJK`` (Chinese, Russian and Latin text
in one document), and by ``latex_backend``: ``biblatex`` with ``biber`` or
``natbib`` with BibTeX (write the bibliography with
:func:`timeline.documents.render_bibliography` under ``bibliography_file``, then
run ``xelatex``, ``biber`` or ``bibtex``, ``xelatex`` twice), or nothing for
``text``: each citation is a ``\\footnote`` with the reference formatted in the
document's citation style (the formatter of every other document: the full
reference the first time a work is cited, the style's short form after), and
the references follow in the style's order; ``xelatex`` alone builds it.
Where sources claim other values than the event's (or disagree), a small line
per field follows the entry: each value with its sources (``\\cite`` keys, or
the sources' names with the ``text`` backend).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator
from typing import TextIO

import attrs

from citations import writable_key
from timeline.chronology import Chronology, ChronologyEntry
from timeline.documents.common import (
    Counted,
    account_text,
    accounts,
    date_label,
    escape_latex,
    grouped,
    made_at_text,
    named_sources,
    provenance,
    summary_of,
    title_of,
    word,
)
from timeline.documents.options import DocumentOptions
from timeline.documents.sources import Sources, formatted_sources
from timeline.domain import Citation

__all__ = ["render_latex", "write_latex"]

_PAR = " \\par "
_NEWLINE = " \\newline "


@attrs.define
class _Notes:
    """The ``text`` backend's footnotes, in document order."""

    sources: Sources
    cited: set[str] = attrs.field(factory=set)

    def __call__(self, citation: Citation) -> str:
        first = citation.key not in self.cited
        self.cited.add(citation.key)
        text = self.sources.note(citation, first=first)
        if citation.quote:
            text += " “" + escape_latex(citation.quote) + "”"
        return f"\\footnote{{{text}}}"


def _cites(entry: ChronologyEntry, options: DocumentOptions, notes: _Notes | None) -> str:
    if not options.show_sources:
        return ""
    if notes is not None:
        return "".join(notes(citation) for citation in entry.citations)
    return _cite_keys(entry.citations)


def _cite_keys(citations: tuple[Citation, ...]) -> str:
    parts = []
    for citation in citations:
        parts.append(f"\\cite{_optional(citation.locator)}{{{writable_key(citation.key)}}}")
    return "~" + "; ".join(parts) if parts else ""


def _optional(locator: str) -> str:
    """The locator as ``\\cite``'s optional argument (nothing when there is none).

    A ``]`` in it ("fn. 12 [bis]") would end the argument: it is braced, twice,
    because natbib passes the argument on to a second ``[...]`` without one pair.
    """
    if not locator:
        return ""
    text = escape_latex(locator)
    return f"[{{{{{text}}}}}]" if "[" in text or "]" in text else f"[{text}]"


def _body(
    entry: ChronologyEntry,
    options: DocumentOptions,
    newline: str,
    notes: _Notes | None,
    cite: Callable[[tuple[Citation, ...]], str],
) -> str:
    event = entry.event
    title = escape_latex(title_of(event, options))
    if entry.retracted:
        title = f"\\sout{{{title}}} \\emph{{({escape_latex(word(options, 'retracted'))})}}"
    text = title + _cites(entry, options, notes)
    summary = summary_of(event, options) if options.show_summaries else ""
    if summary:
        text += f"{newline}{{\\small {escape_latex(summary)}}}"
    for account in accounts(entry, options):
        text += f"{newline}{{\\small {account_text(account, options, escape_latex, cite)}}}"
    return text


def _cite_for(
    chronology: Chronology, options: DocumentOptions, notes: _Notes | None
) -> Callable[[tuple[Citation, ...]], str]:
    """How a claimed value's sources are written: ``\\cite`` keys for biber and BibTeX,
    else their names ("(Smith; Li)")."""
    if _cited(chronology, options) and notes is None:
        return _cite_keys
    return named_sources(chronology, escape_latex)


def _breakable(text: str) -> str:
    """``text`` (a hash) that may break between groups of eight characters, never hyphenated."""
    return r"\allowbreak{}".join(f"\\mbox{{{text[i : i + 8]}}}" for i in range(0, len(text), 8))


def _cited(chronology: Chronology, options: DocumentOptions) -> bool:
    return options.show_sources and bool(chronology.references)


def _preamble(chronology: Chronology, options: DocumentOptions) -> list[str]:
    state = chronology.state
    made = escape_latex(provenance(chronology, options))
    lines = [
        f"% {provenance(chronology, options)}",
        f"% journal-seq: {state.seq}",
        f"% journal-hash: {escape_latex(state.hash)}",
        f"% made-at: {made_at_text(chronology)}",
        r"\documentclass[11pt,a4paper]{article}",
        r"\usepackage{fontspec}",
        r"\usepackage{xeCJK}",
        f"\\setmainfont{{{options.main_font}}}",
        # Chinese has no italics: an italic (a biblatex title) stays upright.
        f"\\setCJKmainfont{{{options.cjk_font}}}[ItalicFont=*]",
        f"\\setCJKmonofont{{{options.cjk_font}}}",  # CJK in a URL
        # Quotation marks, apostrophes and en dashes in the main font: xeCJK would set them
        # full-width from the CJK font, with its spacing ("Palmerston:“no", "German –Austro").
        r'\xeCJKDeclareCharClass{Default}{"2013, "2018, "2019, "201C, "201D}',
        # Room to stretch a line rather than run past the margin (long names, URLs, CJK).
        r"\setlength{\emergencystretch}{3em}",
    ]
    if chronology.tally().retracted:
        lines.append(r"\usepackage[normalem]{ulem}")
    if options.latex_layout == "longtable":
        lines.append(r"\usepackage{longtable,array}")
    if _cited(chronology, options) and options.latex_backend == "biber":
        lines += [
            f"\\usepackage[backend=biber,style={options.latex_style or 'numeric'}]{{biblatex}}",
            f"\\addbibresource{{{options.bibliography_file}}}",
            # A DOI's own https://doi.org/ link is not printed again as the URL.
            r"\DeclareSourcemap{\maps[datatype=bibtex]{\map{\step[fieldsource=doi,final]"
            r"\step[fieldsource=url,match=\regexp{doi\.org/},final]\step[fieldset=url,null]}}}",
            # Ragged right: justified lines would space URLs out letter by letter.
            r"\appto{\bibsetup}{\raggedright}",
        ]
    elif _cited(chronology, options) and options.latex_backend == "text":
        from citations.formatting import STYLES as PYBTEX_STYLES

        if options.citation_style in PYBTEX_STYLES:
            lines.append(r"\usepackage[hyphens]{url}")  # pybtex's LaTeX writes \url{...}
    elif _cited(chronology, options):
        # url: BibTeX styles write \url{...} and \doi{...}, read verbatim only with it;
        # hyphens: a URL may break after a hyphen, not only at "/" (or it runs off the page)
        lines += [
            r"\usepackage[numbers]{natbib}",
            r"\usepackage[hyphens]{url}",
            r"\renewcommand{\bibfont}{\raggedright}",
        ]
    lines += [
        f"\\title{{{escape_latex(chronology.title)}}}",
        r"\author{}",
        f"\\date{{{made.replace(state.hash, _breakable(state.hash))}}}",
        r"\begin{document}",
        r"\maketitle",
        "",
    ]
    return lines


def _description(
    chronology: Chronology,
    entries: Iterable[ChronologyEntry],
    options: DocumentOptions,
    notes: _Notes | None,
) -> Iterator[str]:
    cite = _cite_for(chronology, options, notes)
    for label, run in grouped(entries, options, chronology.periods):
        if label:
            yield f"\\section*{{{escape_latex(label)}}}"
        yield r"\begin{description}"
        for entry in run:
            date = escape_latex(date_label(entry.event, options))
            yield f"  \\item[{{{date}}}] {_body(entry, options, _PAR, notes, cite)}"
        yield from [r"\end{description}", ""]


def _longtable(
    chronology: Chronology,
    entries: Iterable[ChronologyEntry],
    options: DocumentOptions,
    notes: _Notes | None,
) -> Iterator[str]:
    yield (
        r"\begin{longtable}{@{}>{\raggedright\arraybackslash}p{0.27\linewidth}"
        r">{\raggedright\arraybackslash}p{0.69\linewidth}@{}}"
    )
    cite = _cite_for(chronology, options, notes)
    for label, run in grouped(entries, options, chronology.periods):
        if label:
            heading = escape_latex(label)
            yield f"  \\multicolumn{{2}}{{@{{}}l}}{{\\textbf{{{heading}}}}} \\\\"
        for entry in run:
            date = escape_latex(date_label(entry.event, options))
            yield f"  {date} & {_body(entry, options, _NEWLINE, notes, cite)} \\\\"
    yield from [r"\end{longtable}", ""]


def _references(sources: Sources, options: DocumentOptions) -> Iterator[str]:
    """The formatted references in the style's order, each with a hanging indent."""
    yield from [
        f"\\section*{{{escape_latex(word(options, 'references'))}}}",
        r"\begin{list}{}{\setlength{\leftmargin}{1.5em}\setlength{\itemindent}{-1.5em}}",
        r"\raggedright",
    ]
    # \item{}: an entry starting "[1]" would be read as \item's optional label
    yield from (f"  \\item{{}} {entry}" for _key, entry in sources.entries())
    yield from [r"\end{list}", ""]
    sources.close()


def _lines(
    chronology: Chronology, entries: Iterable[ChronologyEntry], options: DocumentOptions
) -> Iterator[str]:
    yield from _preamble(chronology, options)
    notes = None
    if _cited(chronology, options) and options.latex_backend == "text":
        notes = _Notes(formatted_sources(chronology, options, "latex"))
    layout = _longtable if options.latex_layout == "longtable" else _description
    yield from layout(chronology, entries, options, notes)
    if notes is not None:
        yield from _references(notes.sources, options)
    elif _cited(chronology, options):
        if options.latex_backend == "biber":
            yield r"\printbibliography"
        else:
            stem = options.bibliography_file.removesuffix(".bib")
            bst = options.latex_style or "plainnat"
            yield from [f"\\bibliographystyle{{{bst}}}", f"\\bibliography{{{stem}}}"]
    yield r"\end{document}"


def write_latex(chronology: Chronology, out: TextIO, options: DocumentOptions | None = None) -> int:
    """Write :func:`render_latex`'s document to ``out`` a line at a time; returns the
    number of entries. The entries are read once (whether any is retracted, which the
    preamble needs, is :meth:`~timeline.chronology.Chronology.tally`'s): with a chronology
    made with ``stream=True`` the memory it takes does not grow with the number of events
    or the references they cite."""
    entries = Counted(chronology.entries)
    for line in _lines(chronology, entries, options or DocumentOptions()):
        out.write(line + "\n")
    return entries.count


def render_latex(chronology: Chronology, options: DocumentOptions | None = None) -> str:
    """The chronology as a complete LaTeX document (compile with ``xelatex``)."""
    out = io.StringIO()
    write_latex(chronology, out, options)
    return out.getvalue()
