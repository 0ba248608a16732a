"""A chronology as one standalone HTML page that works offline.

The page holds the visual timeline (the app's viewer, :mod:`timeline.viewer`:
its script, controls and styles inline, the events embedded as JSON), the
chronology list with numbered source notes, and the bibliography; nothing is
fetched. Where titles exist in several
languages every language is in the page and buttons switch between them (CSS
does the hiding, so the page reads without script too); ``#lang=zh`` in the
address opens the page in that language. Under an entry whose sources claim
other values than its own, or disagree, a line per field gives each value with
its sources (marked where disputed); where the date is disputed, the timeline draws each
other claimed date under the
event. Every piece of user
text is escaped. Script errors are written into ``#page-errors`` so a headless
browser can check that the page ran cleanly.
"""

from __future__ import annotations

import contextlib
import io
import shutil
import tempfile
from collections.abc import Callable, Sequence
from typing import Any, TextIO

import attrs

from timeline.chronology import Chronology, ChronologyEntry
from timeline.documents.common import (
    Footnote,
    account_text,
    accounts,
    date_label,
    escape_html,
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
from timeline.viewer import actor_name, asset, compact, embedded_data, viewer_item

__all__ = ["page_languages", "render_html", "write_html"]

#: Characters of a page's part (the list, the notes, a column of the viewer's data)
#: held in memory before it spills to a temporary file.
_SPOOLED = 1 << 20
#: Events packed into the viewer's columns at a time.
_RUN = 100

_LANGUAGE_NAMES = {"en": "English", "zh": "中文", "ru": "Русский"}

_CSS = """
body{font-family:system-ui,sans-serif;margin:1.5rem auto;max-width:70rem;padding:0 1rem;
color:#222;line-height:1.45}
header p.provenance,footer{color:#666;font-size:.85rem}
nav.languages button{margin-right:.3rem}
nav.languages button[aria-pressed=true]{font-weight:bold}
figure.visual{margin:1rem 0;overflow-x:auto}
ol.chronology{list-style:none;padding-left:0}
ol.chronology li{margin:.4rem 0}
.date{font-weight:bold;margin-right:.5rem}
.retracted .title{text-decoration:line-through}
.mark{color:#a00;font-size:.85rem}
.summary{margin:.2rem 0 0 1.5rem;color:#444}
.account{margin:.2rem 0 0 1.5rem;font-size:.9rem;color:#444}
.account.disputed{border-left:3px solid #c00;padding-left:.4rem}
sup a{text-decoration:none}
#page-errors:empty{display:none}
#page-errors{color:#a00}
"""

_HEAD_SCRIPT = """
window.pageErrors=[];
window.addEventListener('error',function(e){window.pageErrors.push(String(e.message));});
"""

_BODY_SCRIPT = """
(function(){
var root=document.documentElement;
function show(lang){
root.setAttribute('data-lang',lang);root.setAttribute('lang',lang);
if(window.timelineViewer){window.timelineViewer.language(lang);}
var buttons=document.querySelectorAll('[data-set-lang]');
for(var i=0;i<buttons.length;i++){
buttons[i].setAttribute('aria-pressed',String(buttons[i].getAttribute('data-set-lang')===lang));}
}
var buttons=document.querySelectorAll('[data-set-lang]');
for(var i=0;i<buttons.length;i++){
buttons[i].addEventListener('click',function(e){show(e.currentTarget.getAttribute('data-set-lang'));});}
var wanted=/^#lang=([A-Za-z0-9-]+)$/.exec(window.location.hash);
if(wanted&&document.querySelector('[data-set-lang="'+wanted[1]+'"]')){show(wanted[1]);}
function report(){
var list=document.getElementById('page-errors');
for(var j=0;j<window.pageErrors.length;j++){
var item=document.createElement('li');item.textContent=window.pageErrors[j];list.appendChild(item);}
root.setAttribute('data-ready','yes');
}
if(document.readyState==='complete'){report();}else{window.addEventListener('load',report);}
})();
"""


def page_languages(chronology: Chronology, options: DocumentOptions) -> tuple[str, ...]:
    """The languages a reader can switch between: ``lang`` first, then the others
    titles exist in; empty when every title is in one language."""
    present = chronology.tally().languages
    if len(present) < 2:
        return ()
    return tuple(dict.fromkeys((options.lang, *present)))


#: The page's languages, each as the opening tag of its span and the options that show it.
_Variants = Sequence[tuple[str, DocumentOptions]]


def _variants(options: DocumentOptions, languages: Sequence[str]) -> _Variants:
    return [
        (
            f'<span class="t" data-l="{escape_html(lang)}" lang="{escape_html(lang)}">',
            attrs.evolve(options, lang=lang),
        )
        for lang in languages
    ]


def _multi(
    options: DocumentOptions,
    languages: _Variants,
    text: Callable[[DocumentOptions], str],
) -> str:
    if not languages:
        return escape_html(text(options))
    return "".join(
        [f"{opening}{escape_html(text(variant))}</span>" for opening, variant in languages]
    )


def _entry(
    entry: ChronologyEntry,
    options: DocumentOptions,
    languages: _Variants,
    notes: tuple[Footnote, ...],
    named: Callable[[tuple[Citation, ...]], str],
) -> str:
    event = entry.event
    classes = "entry retracted" if entry.retracted else "entry"
    if entry.disputed:
        classes += " disputed"
    if languages:  # (the two asked of every entry, without _multi's calls)
        date = "".join([f"{tag}{escape_html(date_label(event, o))}</span>" for tag, o in languages])
        title = "".join([f"{tag}{escape_html(title_of(event, o))}</span>" for tag, o in languages])
    else:
        date, title = escape_html(date_label(event, options)), escape_html(title_of(event, options))
    parts = [
        f'<li id="event-{escape_html(event.id)}" class="{classes}" '
        f'data-event="{escape_html(event.id)}">',
        f'<span class="date">{date}</span>',
        f'<span class="title">{title}</span>',
    ]
    if entry.retracted:
        mark = _multi(options, languages, lambda o: f"({word(o, 'retracted')})")
        parts.append(f' <span class="mark">{mark}</span>')
    if options.show_sources and notes:
        links = ",".join(
            f'<a href="#note-{note.number}" id="cite-{note.number}">{note.number}</a>'
            for note in notes
        )
        parts.append(f"<sup>{links}</sup>")
    if options.show_summaries and event.summary:
        summary = _multi(options, languages, lambda o: summary_of(event, o))
        parts.append(f'<p class="summary">{summary}</p>')
    for n, account in enumerate(accounts(entry, options)):
        told = _multi(options, languages, _account(entry, n, named))
        kind = "account disputed" if account.disputed else "account"
        parts.append(f'<p class="{kind}" data-field="{escape_html(account.field)}">{told}</p>')
    parts.append("</li>")
    return "".join(parts)


def _account(
    entry: ChronologyEntry, n: int, named: Callable[[tuple[Citation, ...]], str]
) -> Callable[[DocumentOptions], str]:
    """The ``n``-th account of an entry as text, in the language ``options`` asks."""

    def text(options: DocumentOptions) -> str:
        return account_text(accounts(entry, options)[n], options, str, named)

    return text


def _note(note: Footnote, sources: Sources, first: bool) -> str:
    citation = note.citation
    text = sources.note(citation, first=first)
    if citation.quote:
        text += f" <q>{escape_html(citation.quote)}</q>"
    return (
        f'<li id="note-{note.number}" value="{note.number}">{text} '
        f'<a href="#cite-{note.number}" aria-label="back">↩</a></li>'
    )


class _Spool:
    """Text written in pieces and read back once: in memory up to 1 MB, then in a
    temporary file (so that a long document's parts do not grow the process)."""

    def __init__(self, stack: contextlib.ExitStack) -> None:
        self._file = stack.enter_context(
            tempfile.SpooledTemporaryFile(  # noqa: SIM115 (closed with the stack)
                _SPOOLED, mode="w+", encoding="utf-8", newline=""
            )
        )

    def write(self, text: str) -> None:
        self._file.write(text)

    def copy_to(self, out: TextIO) -> None:
        self._file.seek(0)
        shutil.copyfileobj(self._file, out)


class _Array(_Spool):
    """A JSON array (embedded-data escaped) written a run of values at a time."""

    started = False

    def extend(self, values: list[Any]) -> None:
        if values:
            self.write(("," if self.started else "") + embedded_data(values)[1:-1])
            self.started = True

    def copy_to(self, out: TextIO) -> None:
        out.write("[")
        super().copy_to(out)
        out.write("]")


class _ViewerData:
    """The events as the viewer draws them, with titles and actor names in each language,
    packed :data:`_RUN` events at a time (:func:`~timeline.viewer.compact`)."""

    def __init__(
        self, stack: contextlib.ExitStack, options: DocumentOptions, languages: Sequence[str]
    ) -> None:
        self._stack = stack
        self._options = options
        self._shown = tuple(languages or (options.lang,))
        self._titles = {lang: _Array(stack) for lang in self._shown}
        self._columns: dict[str, _Array] = {}
        self._words: dict[str, dict[str, int]] = {}
        self._run: list[ChronologyEntry] = []
        self._count = 0

    def add(self, entry: ChronologyEntry) -> None:
        self._run.append(entry)
        if len(self._run) == _RUN:
            self._pack()

    def _pack(self) -> None:
        run, self._run = self._run, []
        fallbacks = self._options.fallbacks
        titles = {lang: [e.event.title.get(lang, fallbacks) for e in run] for lang in self._shown}
        items = [
            viewer_item(entry.event, title, entry.disputed, entry.retracted, entry.evidence)
            for entry, title in zip(run, titles[self._options.lang], strict=True)
        ]
        for lang, values in titles.items():
            self._titles[lang].extend(values)
        columns = compact(items, words=self._words, start=self._count)
        for key, values in columns.items():
            if key not in self._words:
                if key not in self._columns:
                    self._columns[key] = _Array(self._stack)
                self._columns[key].extend(values)
        self._count += len(run)

    def write_to(self, out: TextIO) -> None:
        """Write the data as the body of its script element (the JSON object)."""
        self._pack()
        lang = self._options.lang
        codes = sorted(self._words["codes"])
        names = {each: {code: actor_name(code, each) for code in codes} for each in self._shown}
        out.write(f'{{"lang":{embedded_data(lang)},"actors":{embedded_data(names[lang])},')
        out.write(f'"names":{embedded_data(names)},"titles":{{')
        for n, (each, titles) in enumerate(self._titles.items()):
            out.write(f"{',' if n else ''}{embedded_data(each)}:")
            titles.copy_to(out)
        out.write("}")
        for key, column in self._columns.items():
            out.write(f',"{key}":')
            column.copy_to(out)
        for table, found in self._words.items():
            out.write(f',"{table}":{embedded_data(list(found))}')
        out.write("}")


def _viewer(data: _ViewerData, options: DocumentOptions, out: TextIO) -> None:
    """The viewer's controls, canvas, data and script (the same files the app serves)."""
    out.write(
        '<figure class="visual">'
        + asset("controls.html")
        + '<canvas id="viewer" tabindex="0" aria-label="timeline of the events below" '
        f'data-embedded="viewer-data" data-lanes="{escape_html(options.lanes)}" '
        'data-event-link="#event-__ID__"></canvas>'
        '<p id="viewer-tip" role="status" hidden></p>'
        "</figure>"
        '<script type="application/json" id="viewer-data">'
    )
    data.write_to(out)
    out.write(f"</script><script>{asset('viewer.js')}</script>")


def _language_css(languages: Sequence[str]) -> str:
    return "".join(
        f'html[data-lang="{lang}"] .t:not([data-l="{lang}"]){{display:none}}\n'
        for lang in languages
    )


def write_html(chronology: Chronology, out: TextIO, options: DocumentOptions | None = None) -> int:
    """Write :func:`render_html`'s page to ``out``; returns the number of entries.

    The entries are read once, one at a time (the languages of their titles are
    :meth:`~timeline.chronology.Chronology.tally`'s): the list, the notes and the
    viewer's data wait in spooled files, so with a chronology made with ``stream=True``
    the memory it takes does not grow with the number of events or the references they
    cite (a bibliography of more than 4,096 in a CSL style is spooled too).
    """
    options = options or DocumentOptions()
    languages = page_languages(chronology, options)
    title = escape_html(chronology.title)
    state = chronology.state
    head = [
        "<!DOCTYPE html>",
        f'<html lang="{escape_html(options.lang)}" data-lang="{escape_html(options.lang)}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="generator" content="timeline-citations">',
        f'<meta name="journal-seq" content="{state.seq}">',
        f'<meta name="journal-hash" content="{escape_html(state.hash)}">',
        f'<meta name="made-at" content="{made_at_text(chronology)}">',
        f"<title>{title}</title>",
        f"<style>{_CSS}{asset('viewer.css')}{_language_css(languages)}</style>",
        f"<script>{_HEAD_SCRIPT}</script>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{title}</h1>",
        f'<p class="provenance">{escape_html(provenance(chronology, options))}</p>',
    ]
    if languages:
        buttons = "".join(
            f'<button type="button" data-set-lang="{escape_html(lang)}" '
            f'aria-pressed="{str(lang == options.lang).lower()}">'
            f"{escape_html(_LANGUAGE_NAMES.get(lang, lang))}</button>"
            for lang in languages
        )
        head.append(f'<nav class="languages">{buttons}</nav>')
    head.append("</header>")
    sources = formatted_sources(chronology, options, "html") if options.show_sources else None
    variants = _variants(options, languages)
    named = named_sources(chronology, str)
    count = number = 0
    cited: set[str] = set()
    with contextlib.ExitStack() as stack:
        data = _ViewerData(stack, options, languages)
        listed, noted = _Spool(stack), _Spool(stack)
        for label, run in grouped(chronology.entries, options, chronology.periods):
            # (each group's list items and notes written at once: fewer, longer writes)
            items = ['<section class="group">']
            if label:
                items.append(f"<h2>{escape_html(label)}</h2>")
            items.append('<ol class="chronology">')
            written = []
            for entry in run:
                count += 1
                data.add(entry)
                notes = []
                for citation in entry.citations:
                    number += 1
                    note = Footnote(number, citation)
                    notes.append(note)
                    if sources is not None:
                        written.append(_note(note, sources, citation.key not in cited))
                        cited.add(citation.key)
                items.append(_entry(entry, options, variants, tuple(notes), named))
            items += ["</ol>", "</section>", ""]
            listed.write("\n".join(items))
            if written:
                noted.write("\n".join(written) + "\n")
        out.write("\n".join(head) + "\n")
        _viewer(data, options, out)
        out.write("\n<main>\n")
        listed.copy_to(out)
        if sources is not None and number:
            out.write(
                f'<section class="notes">\n<h2>{escape_html(word(options, "sources"))}</h2>\n<ol>\n'
            )
            noted.copy_to(out)
            out.write("</ol>\n</section>\n")
    if sources is not None and chronology.references:
        out.write(
            '<section class="bibliography">\n'
            f"<h2>{escape_html(word(options, 'references'))}</h2>\n<ul>\n"
        )
        for key, entry_text in sources.entries():
            out.write(f'<li id="ref-{escape_html(key)}">{entry_text}</li>\n')
        out.write("</ul>\n</section>\n")
    if sources is not None:
        sources.close()
    tail = [
        "</main>",
        f"<footer><p>{escape_html(provenance(chronology, options))}</p></footer>",
        '<ul id="page-errors"></ul>',
        f"<script>{_BODY_SCRIPT}</script>",
        "</body>",
        "</html>",
    ]
    out.write("\n".join(tail) + "\n")
    return count


def render_html(chronology: Chronology, options: DocumentOptions | None = None) -> str:
    """The chronology as a standalone HTML page (visual timeline, list, sources)."""
    out = io.StringIO()
    write_html(chronology, out, options)
    return out.getvalue()
