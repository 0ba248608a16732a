"""What several document formats share: text in the chosen language, date labels,
grouping under headings, lanes, footnote numbering, the accounts of disputed
fields, provenance and escaping.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

import attrs

from citations import Reference, is_cjk
from timeline.chronology import Chronology, ChronologyEntry
from timeline.dates import MAX_BOUND, MIN_BOUND, When, format_date, jdn_to_gregorian, phrase_lang
from timeline.documents.options import DocumentOptions
from timeline.documents.period_headings import PeriodHeadings
from timeline.domain import Citation, Event, Evidence, Period, field_label, is_user_field

__all__ = [
    "Account",
    "Claimed",
    "Footnote",
    "Group",
    "date_label",
    "account_text",
    "accounts",
    "as_written",
    "computed_label",
    "date_lang",
    "escape_html",
    "escape_latex",
    "escape_markdown",
    "footnotes",
    "group_entries",
    "grouped",
    "lane_of",
    "made_at_text",
    "named_sources",
    "provenance",
    "source_name",
    "start_day",
    "summary_of",
    "title_of",
    "year_label",
]

_DATE_LANGS = ("en", "zh", "ru")

_WORDS = {
    "en": {
        "retracted": "retracted",
        "sources": "Sources",
        "references": "References",
        "made": "Made {made} from journal seq {seq} (hash {hash}).",
        "undated": "Undated",
        "other": "Other",
        "none": "(none)",
        "events": "{n} events",
        "disputed": "disputed",
        "not": "not {value}",
        "field.when": "date",
        "field.place": "place",
        "field.actors": "actors",
        "field.title": "title",
    },
    "zh": {
        "retracted": "已撤回",
        "sources": "来源",
        "references": "参考文献",
        "made": "生成于 {made}，日志序号 {seq}（哈希 {hash}）。",
        "undated": "无日期",
        "other": "其他",
        "none": "（无）",
        "events": "{n} 个事件",
        "disputed": "有争议",
        "not": "非{value}",
        "field.when": "日期",
        "field.place": "地点",
        "field.actors": "行为体",
        "field.title": "标题",
    },
    "ru": {
        "retracted": "отозвано",
        "sources": "Источники",
        "references": "Литература",
        "made": "Создано {made} по журналу seq {seq} (хеш {hash}).",
        "undated": "Без даты",
        "other": "Прочее",
        "none": "(нет)",
        "events": "событий: {n}",
        "disputed": "спорно",
        "not": "не {value}",
        "field.when": "дата",
        "field.place": "место",
        "field.actors": "участники",
        "field.title": "название",
    },
}


def date_lang(options: DocumentOptions) -> str:
    """The language dates and fixed words are written in: ``lang`` or a fallback, else 'en'."""
    return _date_lang(options.lang, options.fallbacks)


@functools.lru_cache(maxsize=256)  # asked for each date and word of every render
def _date_lang(lang: str, fallbacks: tuple[str, ...]) -> str:
    for tag in (lang, *fallbacks):
        primary = tag.split("-")[0].lower()
        if primary in _DATE_LANGS:
            return primary
    return "en"


def word(options: DocumentOptions, name: str, **values: object) -> str:
    """A fixed word of the documents ("retracted", "Sources") in the document's language."""
    return _WORDS[date_lang(options)][name].format(**values)


def title_of(event: Event, options: DocumentOptions) -> str:
    """The event's title in ``options.lang``, else the first fallback that has one."""
    return event.title.get(options.lang, options.fallbacks)


def summary_of(event: Event, options: DocumentOptions) -> str:
    """The event's summary in ``options.lang`` or a fallback; '' when it has none."""
    return event.summary.get(options.lang, options.fallbacks) if event.summary else ""


def date_label(event: Event, options: DocumentOptions) -> str:
    """The event's date as the document prints it, as ``options.dates`` asks.

    ``"as-written"``: the source's phrase ("early June 2019") when it is in
    the document's language, else the label of the date ("2 March 1969",
    "c. June 2019?"); ``"computed"``: always that label; ``"both"``: the
    phrase with the label after it, "early June 2019 (1–10 June 2019)". An event
    dated only by a period shows its label with the span, "十四五 (2021—2025年)",
    unless ``"computed"``.
    """
    computed = computed_label(event, options)
    phrase = as_written(event, options)
    if not phrase or options.dates == "computed" or phrase == computed:
        return computed
    if options.dates == "both" or event.when_from_period:
        return f"{phrase} ({computed})"
    return phrase


def computed_label(event: Event, options: DocumentOptions) -> str:
    """The label of the event's date value, whatever the source wrote: "1–10 June 2019"."""
    return _label(event.when, date_lang(options), options.date_style)


def as_written(event: Event, options: DocumentOptions) -> str:
    """The event's date as its source wrote it, if in the document's language; else ''."""
    phrase, lang = _phrase(event.when_text)
    return phrase if lang in ("", date_lang(options)) else ""


# Labels are asked for once per language and drawing on every render (HTML: three times
# an event); a date value and a phrase give the same label each time.
@functools.lru_cache(maxsize=1 << 16)
def _label(when: When, lang: str, style: str) -> str:
    return format_date(when, lang, style)


@functools.lru_cache(maxsize=1 << 16)
def _phrase(when_text: str) -> tuple[str, str]:
    phrase = " ".join(when_text.split())
    return phrase, phrase_lang(phrase)


def start_day(when: When) -> int:
    """The first day (JDN) an event may fall on; the last day for '..x' intervals."""
    lower, upper = when.bounds
    return upper if lower == MIN_BOUND else lower


def end_day(when: When) -> int:
    """The last day (JDN) an event may fall on; the first day for 'x..' intervals."""
    lower, upper = when.bounds
    return lower if upper == MAX_BOUND else upper


def year_of(day: int) -> int:
    """The astronomical proleptic-Gregorian year of a Julian Day Number."""
    return jdn_to_gregorian(day)[0]


def year_label(year: int, lang: str) -> str:
    """An astronomical year as a heading: "1969", "221 BCE", "1969年", "221 г. до н. э."."""
    if year <= 0:
        bce = 1 - year
        return {"en": f"{bce} BCE", "zh": f"公元前{bce}年", "ru": f"{bce} г. до н. э."}[lang]
    return {"en": str(year), "zh": f"{year}年", "ru": f"{year} г."}[lang]


def decade_label(year: int, lang: str) -> str:
    """The decade of an astronomical year: "1960s", "220s BCE", "1960年代", "1960-е гг."."""
    if year <= 0:
        decade = (1 - year) // 10 * 10
        return {
            "en": f"{decade}s BCE",
            "zh": f"公元前{decade}年代",
            "ru": f"{decade}-е гг. до н. э.",
        }[lang]
    decade = year // 10 * 10
    return {"en": f"{decade}s", "zh": f"{decade}年代", "ru": f"{decade}-е гг."}[lang]


def _decade_key(year: int) -> int:
    return -((1 - year) // 10 * 10) if year <= 0 else year // 10 * 10


@attrs.frozen
class Group:
    """Consecutive entries shown under one heading (``label`` is '' for no heading)."""

    label: str
    entries: tuple[ChronologyEntry, ...]


def _group_key(
    entry: ChronologyEntry, options: DocumentOptions, recorded: PeriodHeadings
) -> tuple[int, str]:
    lang = date_lang(options)
    day = start_day(entry.event.when)
    if options.group_by == "none":
        return 0, ""
    if options.group_by == "period" and not options.periods:
        return 0, recorded.heading(entry.event, day) or word(options, "other")
    if options.group_by == "period":
        for index, period in enumerate(options.periods):
            if period.contains(day):
                return index, period.name
        return len(options.periods), word(options, "other")
    year = year_of(day)
    if options.group_by == "decade":
        return _decade_key(year), decade_label(year, lang)
    return year, year_label(year, lang)


def grouped(
    entries: Iterable[ChronologyEntry], options: DocumentOptions, periods: Sequence[Period] = ()
) -> Iterator[tuple[str, Iterator[ChronologyEntry]]]:
    """The runs of ``entries`` that share a year, decade or named period, as they come:
    each run's label and its entries (read one run at a time). The named periods are
    ``options.periods``, else the recorded ``periods`` (:class:`PeriodHeadings`)."""
    recorded = PeriodHeadings(periods, options, date_lang(options))
    for (_, label), run in itertools.groupby(
        entries, lambda entry: _group_key(entry, options, recorded)
    ):
        yield label, run


def group_entries(chronology: Chronology, options: DocumentOptions) -> tuple[Group, ...]:
    """The entries in order, split into runs that share a year, decade or named period."""
    runs = grouped(chronology.entries, options, chronology.periods)
    return tuple(Group(label, tuple(run)) for label, run in runs)


def lane_of(event: Event, options: DocumentOptions) -> str:
    """The lane an event is drawn in: its first actor, first tag or category; '' for none."""
    if options.lanes == "actor":
        return event.actors[0].code if event.actors else ""
    if options.lanes == "tag":
        return event.tags[0] if event.tags else ""
    if options.lanes == "category":
        return event.category
    return ""


class Counted:
    """The chronology's entries, counting those read (a writer returns the count)."""

    def __init__(self, entries: Iterable[ChronologyEntry]) -> None:
        self._entries = entries
        self.count = 0

    def __iter__(self) -> Iterator[ChronologyEntry]:
        for entry in self._entries:
            self.count += 1
            yield entry


@attrs.frozen
class Footnote:
    """A numbered source note: the citation of an entry and its number in the document."""

    number: int
    citation: Citation


def footnotes(entries: Iterable[ChronologyEntry]) -> dict[str, tuple[Footnote, ...]]:
    """Number every citation in document order; keyed by event id."""
    numbered: dict[str, tuple[Footnote, ...]] = {}
    number = 0
    for entry in entries:
        notes = []
        for citation in entry.citations:
            number += 1
            notes.append(Footnote(number, citation))
        numbered[entry.event.id] = tuple(notes)
    return numbered


def made_at_text(chronology: Chronology) -> str:
    """``made_at`` in UTC as ISO 8601 with a ``Z`` (``2026-01-02T03:04:05Z``)."""
    made = chronology.made_at
    if made.tzinfo is not None:
        made = made.astimezone(UTC)
    return datetime.strftime(made, "%Y-%m-%dT%H:%M:%SZ")


def provenance(chronology: Chronology, options: DocumentOptions) -> str:
    """One sentence naming the journal state and the time the document was made."""
    return word(
        options,
        "made",
        made=made_at_text(chronology),
        seq=chronology.state.seq,
        hash=chronology.state.hash,
    )


def escape_html(text: str) -> str:
    """Text safe inside HTML or SVG elements and quoted attributes."""
    # (five replaces, "&" first: 2-5 times faster than str.translate on titles and dates)
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#39;")
    )


_LATEX = str.maketrans(
    {
        "\\": r"\textbackslash{}",
        "{": r"\{",
        "}": r"\}",
        "%": r"\%",
        "&": r"\&",
        "#": r"\#",
        "_": r"\_",
        "$": r"\$",
        "~": r"\textasciitilde{}",
        "^": r"\textasciicircum{}",
        # control characters: TeX ignores, rejects or ends the line at some of them
        **{chr(code): " " for code in [*range(0x20), *range(0x7F, 0xA0)]},
    }
)


#: A hyphen or en dash joining a word ("Good-Neighbourliness", "China–Kyrgyzstan"): TeX
#: breaks a line after a hyphen only, and hyphenates only a word that follows a space, so
#: such a compound could run past the margin; zero glue after the dash allows both.
_DASH_IN_WORDS = re.compile(r"(?<=\w)-(?=[^\W\d_])|–(?=[^\W\d_])")


def escape_latex(text: str) -> str:
    """Text that LaTeX prints as written (``\\``, braces, ``%&#_$~^`` escaped), with a line
    break allowed after a dash that joins words."""
    return _DASH_IN_WORDS.sub(r"\g<0>\\hspace{0pt}", text.translate(_LATEX))


#: Markdown's special characters; not quotes and apostrophes, which Pandoc's smart
#: punctuation turns into “ ” and ’ (escaped, they would print straight).
_MARKDOWN_SPECIAL = re.compile(r"[\\`*_{}\[\]<>#|~^$@&!]|^[+\-.:=%]")


def _backslashed(found: re.Match[str]) -> str:
    return "\\" + found.group()


def escape_markdown(text: str) -> str:
    """Text that Pandoc and CommonMark show as written, never as markup or raw HTML."""
    text = " ".join(text.split())
    # most texts have nothing to escape; a function replaces faster than a template
    return _MARKDOWN_SPECIAL.sub(_backslashed, text) if _MARKDOWN_SPECIAL.search(text) else text


@attrs.frozen
class Claimed:
    """One value the sources give for a field, as a document prints it.

    ``text`` is the value in the document's language ("15 March 1969", "not
    31" for a denial); ``citations`` the citations whose sources give it (none
    for the event's own value that no source gives); ``concluded`` whether it
    is the editor's conclusion (the event's value, or the claim followed).
    """

    text: str
    citations: tuple[Citation, ...] = ()
    concluded: bool = False
    denied: bool = False


@attrs.frozen
class Account:
    """A field of an entry whose sources give values other than the conclusion.

    ``label`` names the field in the document's language ("date",
    "casualties"); ``values`` come conclusion first, then the other values
    as first claimed, denials last; ``disputed`` when the claims disagree.
    """

    field: str
    label: str
    values: tuple[Claimed, ...]
    disputed: bool = False


def _claimed_text(field: str, value: Any, options: DocumentOptions) -> str:
    if field == "when":
        return _label(value, date_lang(options), options.date_style)
    if field == "place":
        return str(value.name.get(options.lang, options.fallbacks))
    if field == "actors":
        return ", ".join(str(actor) for actor in value)
    if field == "title":
        return str(value.get(options.lang, options.fallbacks))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _own_text(event: Event, field: str, options: DocumentOptions) -> str:
    """The event's own value of ``field`` as printed; '' when it has none."""
    if field == "when":
        return date_label(event, options)
    if field == "place":
        return "; ".join(p.name.get(options.lang, options.fallbacks) for p in event.places)
    if field == "actors":
        return ", ".join(str(actor) for actor in event.actors)
    if field == "title":
        return title_of(event, options) if event.title else ""
    return ""


def _value(item: Evidence, options: DocumentOptions) -> Claimed:
    text = _claimed_text(item.field, item.value, options)
    denied = not item.claims[0].asserts
    if denied:
        text = word(options, "not", value=text)
    citations = tuple(dict.fromkeys(citation for _, citation in item.sources))
    return Claimed(text, citations, concluded=item.concluded or item.followed, denied=denied)


def accounts(entry: ChronologyEntry, options: DocumentOptions) -> tuple[Account, ...]:
    """The fields of an entry whose sources claim values other than its conclusion, or
    disagree: the date, title, place and actors, then user fields in the order first
    claimed (a user field, ``_casualties``, always: the event has no value for it)."""
    if not entry.evidence:  # most entries
        return ()
    by_field: dict[str, list[Evidence]] = {}
    for item in entry.evidence:
        by_field.setdefault(item.field, []).append(item)
    found = []
    for field, items in by_field.items():
        disputed = field in entry.disputed
        if not disputed and not is_user_field(field) and all(i.concluded for i in items):
            continue
        values = [_value(item, options) for item in items]
        own = _own_text(entry.event, field, options)
        if own and not any(item.concluded for item in items):
            values.insert(0, Claimed(own, concluded=True))
        values.sort(key=lambda value: (not value.concluded, value.denied))
        label = field_label(field) if is_user_field(field) else word(options, f"field.{field}")
        found.append(Account(field, label, tuple(values), disputed))
    return tuple(sorted(found, key=lambda account: _FIELD_ORDER.get(account.field, 4)))


#: The event's own fields first, in the order an entry shows them; user fields after.
_FIELD_ORDER = {"when": 0, "title": 1, "place": 2, "actors": 3}


def source_name(reference: Reference | None, citation: Citation) -> str:
    """A short name for a citation's source: its first contributor's family name (a CJK
    or undivided name whole), else the reference's title, else its key."""
    if reference is not None:
        for contributor in reference.contributors:
            if contributor.literal or is_cjk(contributor.family):
                return contributor.display_name
            return contributor.family
        title = dict(reference.fields).get("title", "")
        if title:
            return title
    return citation.key


def account_text(
    account: Account,
    options: DocumentOptions,
    escape: Callable[[str], str],
    cite: Callable[[tuple[Citation, ...]], str],
) -> str:
    """An account as one line of a document: "date (disputed): 2 March 1969 (Smith; Li) —
    15 March 1969 (Ivanov)"; ``cite`` writes a value's sources, already escaped, with
    their own leading space (or '' for none), ``escape`` the rest."""
    head = account.label
    if account.disputed:
        head += f" ({word(options, 'disputed')})"
    values = " — ".join(escape(value.text) + cite(value.citations) for value in account.values)
    return f"{escape(head)}: {values}"


def named_sources(
    chronology: Chronology, escape: Callable[[str], str]
) -> Callable[[tuple[Citation, ...]], str]:
    """A ``cite`` for :func:`account_text` naming each source: " (Smith; Li)"."""
    reference = chronology.lookup()

    def cite(citations: tuple[Citation, ...]) -> str:
        names = dict.fromkeys(source_name(reference(c.key), c) for c in citations)
        return f" ({escape('; '.join(names))})" if names else ""

    return cite
