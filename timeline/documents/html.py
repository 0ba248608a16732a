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

from collections.abc import Callable, Sequence

import attrs

from timeline.chronology import Chronology, ChronologyEntry
from timeline.documents.common import (
    Footnote,
    account_text,
    accounts,
    date_label,
    escape_html,
    footnotes,
    group_entries,
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

__all__ = ["page_languages", "render_html"]

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
    present = sorted({lang for entry in chronology for lang in entry.event.title.languages})
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
        f"{opening}{escape_html(text(variant))}</span>" for opening, variant in languages
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
    date = _multi(options, languages, lambda o: date_label(event, o))
    title = _multi(options, languages, lambda o: title_of(event, o))
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


def _viewer_data(
    chronology: Chronology, options: DocumentOptions, languages: Sequence[str]
) -> dict[str, object]:
    """The events as the viewer draws them, with titles and actor names in each language."""
    shown = languages or (options.lang,)
    codes = sorted({actor.code for entry in chronology for actor in entry.event.actors})
    names = {lang: {code: actor_name(code, lang) for code in codes} for lang in shown}
    titles = {
        lang: [entry.event.title.get(lang, options.fallbacks) for entry in chronology]
        for lang in shown
    }
    items = [
        viewer_item(entry.event, title, entry.disputed, entry.retracted, entry.evidence)
        for entry, title in zip(chronology, titles[options.lang], strict=True)
    ]
    return {
        "lang": options.lang,
        "actors": names[options.lang],
        "names": names,
        "titles": titles,
        **compact(items),
    }


def _viewer(chronology: Chronology, options: DocumentOptions, languages: Sequence[str]) -> str:
    """The viewer's controls, canvas, data and script (the same files the app serves)."""
    data = embedded_data(_viewer_data(chronology, options, languages))
    return "".join(
        [
            '<figure class="visual">',
            asset("controls.html"),
            '<canvas id="viewer" tabindex="0" aria-label="timeline of the events below" '
            f'data-embedded="viewer-data" data-lanes="{escape_html(options.lanes)}" '
            'data-event-link="#event-__ID__"></canvas>',
            '<p id="viewer-tip" role="status" hidden></p>',
            "</figure>",
            f'<script type="application/json" id="viewer-data">{data}</script>',
            f"<script>{asset('viewer.js')}</script>",
        ]
    )


def _language_css(languages: Sequence[str]) -> str:
    return "".join(
        f'html[data-lang="{lang}"] .t:not([data-l="{lang}"]){{display:none}}\n'
        for lang in languages
    )


def render_html(chronology: Chronology, options: DocumentOptions | None = None) -> str:
    """The chronology as a standalone HTML page (visual timeline, list, sources)."""
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
    body = [_viewer(chronology, options, languages), "<main>"]
    notes = footnotes(chronology.entries)
    sources = formatted_sources(chronology, options, "html") if options.show_sources else None
    variants = _variants(options, languages)
    named = named_sources(chronology, str)
    for group in group_entries(chronology, options):
        body.append('<section class="group">')
        if group.label:
            body.append(f"<h2>{escape_html(group.label)}</h2>")
        body.append('<ol class="chronology">')
        body.extend(
            _entry(entry, options, variants, notes[entry.event.id], named)
            for entry in group.entries
        )
        body += ["</ol>", "</section>"]
    if sources is not None:
        all_notes = [note for entry in chronology for note in notes[entry.event.id]]
        if all_notes:
            cited: set[str] = set()
            items = []
            for note in all_notes:
                items.append(_note(note, sources, note.citation.key not in cited))
                cited.add(note.citation.key)
            body += [
                '<section class="notes">',
                f"<h2>{escape_html(word(options, 'sources'))}</h2>",
                "<ol>",
                *items,
                "</ol>",
                "</section>",
            ]
        if chronology.references:
            body += [
                '<section class="bibliography">',
                f"<h2>{escape_html(word(options, 'references'))}</h2>",
                "<ul>",
                *(
                    f'<li id="ref-{escape_html(key)}">{entry}</li>'
                    for key, entry in sources.entries
                ),
                "</ul>",
                "</section>",
            ]
    body += [
        "</main>",
        f"<footer><p>{escape_html(provenance(chronology, options))}</p></footer>",
        '<ul id="page-errors"></ul>',
        f"<script>{_BODY_SCRIPT}</script>",
        "</body>",
        "</html>",
        "",
    ]
    return "\n".join(head + body)
