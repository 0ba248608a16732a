"""A chronology as Markdown: Pandoc citations or self-contained numbered footnotes.

The ``"pandoc"`` flavour writes ``[@key, p. 104]`` so that
``pandoc --citeproc --bibliography references.bib`` formats the sources; the
``"footnotes"`` flavour numbers every citation and writes the formatted
reference in the footnote (the style's short form when the work was cited
before), with the bibliography at the end in the style's order. Where sources
claim other values than the event's (or disagree), a line per field under the
entry gives each value with its sources: "date (disputed): 2 March 1969
(Smith; Li) — 15 March 1969 (Ivanov)", Pandoc citing each claim's source at it.
"""

from __future__ import annotations

import functools
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator
from typing import IO, TYPE_CHECKING, TextIO

from timeline.chronology import Chronology, ChronologyEntry, cites_any
from timeline.documents.common import (
    Counted,
    Footnote,
    account_text,
    accounts,
    date_label,
    escape_markdown,
    grouped,
    made_at_text,
    named_sources,
    provenance,
    summary_of,
    title_of,
    word,
)
from timeline.documents.options import DocumentOptions
from timeline.domain import Citation

if TYPE_CHECKING:
    from timeline.documents.sources import Sources

__all__ = ["pandoc_key", "render_markdown", "write_markdown"]

#: Bytes of footnote definitions held in memory before they spill to a temporary file.
_SPOOLED = 1 << 20

_PLAIN_KEY = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_:.#$%&+?<>~/-]*[A-Za-z0-9_])?$")


def pandoc_key(key: str) -> str:
    """``@key`` as Pandoc reads it (``@{key}`` for keys with unusual characters)."""
    return f"@{key}" if _PLAIN_KEY.match(key) else f"@{{{key}}}"


# Locators and date labels repeat through a document ("p. 12", "1969"): escaped once each.
@functools.lru_cache(maxsize=1 << 12)
def _locator(text: str) -> str:
    return escape_markdown(text).replace(";", "\\;")


_label = functools.lru_cache(maxsize=1 << 12)(escape_markdown)


def _pandoc_citations(citations: tuple[Citation, ...]) -> str:
    parts = []
    for citation in citations:
        part = pandoc_key(citation.key)
        if citation.locator:
            part += ", " + _locator(citation.locator)
        parts.append(part)
    return " [" + "; ".join(parts) + "]" if parts else ""


def _note_text(note: Footnote, sources: Sources, first: bool) -> str:
    citation = note.citation
    text = sources.note(citation, first=first)
    if citation.quote:
        text += " “" + escape_markdown(citation.quote) + "”"
    return text


def _entry_line(
    entry: ChronologyEntry,
    options: DocumentOptions,
    sources: str,
    summary_indent: str,
    cite: Callable[[tuple[Citation, ...]], str],
) -> list[str]:
    event = entry.event
    head = f"**{_label(date_label(event, options))}** — "
    head += escape_markdown(title_of(event, options))
    if entry.retracted:
        head = f"~~{head}~~ *({word(options, 'retracted')})*"
    lines = [f"- {head}{sources}"]
    summary = summary_of(event, options) if options.show_summaries else ""
    if summary:
        lines += ["", summary_indent + escape_markdown(summary)]
    for account in accounts(entry, options):
        lines += ["", summary_indent + account_text(account, options, escape_markdown, cite)]
    return lines


def _provenance(chronology: Chronology, options: DocumentOptions) -> str:
    """The provenance sentence with the journal hash in groups of eight characters, so that
    the line wraps (one 64-character word ran past the margin of Pandoc's PDF)."""
    full = chronology.state.hash
    grouped = " ".join(full[i : i + 8] for i in range(0, len(full), 8))
    return escape_markdown(provenance(chronology, options)).replace(full, grouped)


def _sources(chronology: Chronology, options: DocumentOptions) -> Sources:
    """The footnotes' formatted sources (their module is imported by the flavour that
    writes them, as the spool of their definitions is: Pandoc's writes neither)."""
    from timeline.documents.sources import formatted_sources

    return formatted_sources(chronology, options, "markdown")


def _spooled() -> IO[bytes]:
    import tempfile

    return tempfile.SpooledTemporaryFile(_SPOOLED)


def _lines(
    chronology: Chronology, entries: Iterable[ChronologyEntry], options: DocumentOptions
) -> Iterator[str]:
    """The document's lines, an entry of ``entries`` at a time (the footnotes' definitions
    wait in a spooled file for the end, so that memory stays bounded however many)."""
    pandoc = options.flavour == "pandoc"
    if pandoc:
        yield from [
            "---",
            f"title: {json.dumps(escape_markdown(chronology.title), ensure_ascii=False)}",
            f"lang: {json.dumps(options.lang)}",
            f"journal-seq: {chronology.state.seq}",
            f"journal-hash: {json.dumps(chronology.state.hash)}",
            f"made-at: {json.dumps(made_at_text(chronology))}",
            "---",
            "",
        ]
    else:
        yield from [f"# {escape_markdown(chronology.title)}", ""]
    yield from [f"*{_provenance(chronology, options)}*", ""]
    sources = None if pandoc or not options.show_sources else _sources(chronology, options)
    cite = _pandoc_citations if pandoc else named_sources(chronology, escape_markdown)
    cited: set[str] = set()
    number = 0
    heading = "##"
    with io.BytesIO() if sources is None else _spooled() as definitions:
        for label, run in grouped(entries, options, chronology.periods):
            if label:
                yield from [f"{heading} {escape_markdown(label)}", ""]
            for entry in run:
                marks = ""
                if options.show_sources and pandoc:
                    marks = _pandoc_citations(entry.citations)
                elif sources is not None:
                    for citation in entry.citations:
                        number += 1
                        note = Footnote(number, citation)
                        marks += f"[^{number}]"
                        first = citation.key not in cited
                        cited.add(citation.key)
                        text = _note_text(note, sources, first)
                        definitions.write(f"[^{number}]: {text}\n".encode())
                yield from _entry_line(entry, options, marks, "  ", cite)
                yield ""
        if number:
            definitions.seek(0)
            yield from (line[:-1].decode() for line in definitions)
            yield ""
    if options.show_sources and cites_any(chronology):
        yield from [f"{heading} {word(options, 'references')}", ""]
        if sources is None:
            yield from ["::: {#refs}", ":::", ""]
        else:
            yield from (f"- {entry}" for _key, entry in sources.entries())
    if sources is not None:
        sources.close()


def write_markdown(
    chronology: Chronology, out: TextIO, options: DocumentOptions | None = None
) -> int:
    """Write :func:`render_markdown`'s text to ``out`` as it is made, an entry at a time;
    returns the number of entries. With a chronology made with ``stream=True`` the
    memory it takes does not grow with the number of events, nor with the references
    they cite but for their keys (the footnotes flavour notes which it has cited)."""
    entries = Counted(chronology.entries)
    held = ""  # the newlines at the end so far: the document ends with exactly one
    for index, line in enumerate(_lines(chronology, entries, options or DocumentOptions())):
        piece = line if index == 0 else "\n" + line
        text = piece.rstrip("\n")
        if text:
            out.write(held + text)
            held = piece[len(text) :]
        else:
            held += piece
    out.write("\n")
    return entries.count


def render_markdown(chronology: Chronology, options: DocumentOptions | None = None) -> str:
    """The chronology as Markdown in ``options.flavour`` (``"pandoc"`` or ``"footnotes"``)."""
    out = io.StringIO()
    write_markdown(chronology, out, options)
    return out.getvalue()
