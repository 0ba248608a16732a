"""The visual timeline as SVG, drawn by the library (no script, no external files).

Instants are points, spans are bars. What is not known exactly is drawn as a
faded range between the loose bounds: the whole month of "June 2019", and for
an approximate or uncertain date ("c. June 2019") that span widened by its own
length on each side. Open-ended intervals run to the edge with an arrow.
Events sit in lanes (by actor, tag or category); the axis picks its ticks from
millennia down to days to suit the span shown. Each date a source claims other
than the event's own is a thin bar under the event's mark on its row (red where
the sources dispute the date); a disputed event's label ends with a red "!" and
its tooltip gives every account with its sources.
"""

from __future__ import annotations

import functools
import itertools
import math
import unicodedata
from collections.abc import Callable, Sequence

import attrs

from timeline.chronology import Chronology, ChronologyEntry
from timeline.dates import (
    MAX_BOUND,
    MIN_BOUND,
    DateInterval,
    HistoricalDate,
    When,
    gregorian_to_jdn,
    jdn_to_gregorian,
)
from timeline.documents.common import (
    account_text,
    accounts,
    date_label,
    date_lang,
    decade_label,
    escape_html,
    lane_of,
    named_sources,
    provenance,
    title_of,
    word,
    year_label,
)
from timeline.documents.options import DocumentOptions
from timeline.documents.sources import Sources, formatted_sources

__all__ = ["Mark", "claimed_dates", "claimed_spans", "loose_bounds", "mark_of", "render_svg"]

_LEFT = 120
_RIGHT = 16
_TOP = 44
_ROW = 24
_LANE_GAP = 8
_FONT = 11
_PALETTE = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#9467bd",
    "#ff7f0e",
    "#17becf",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
)
_DISPUTED = "#c00"
_CLAIMED = "#777"
_DISPUTE_MARK = " !"
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@attrs.frozen
class Mark:
    """How one event is drawn, in days (JDN): solid part, faded loose range, open ends."""

    solid: tuple[int, int] | None
    loose: tuple[int, int]
    point: bool
    open_start: bool
    open_end: bool
    hollow: bool


def _qualified(when: When) -> bool:
    return when.is_approximate or when.is_uncertain


def loose_bounds(when: When) -> tuple[int, int]:
    """The widest days the event may cover; approximate or uncertain dates are widened
    by their own span (at least 15 days) on each side. Open ends stay open."""
    lower, upper = when.bounds
    if not _qualified(when):
        return lower, upper
    known = [b for b in (lower, upper) if b not in (MIN_BOUND, MAX_BOUND)]
    if isinstance(when, DateInterval):
        spans = [d.bounds[1] - d.bounds[0] + 1 for d in when.dates]
        pad = max(15, *spans)
    else:
        pad = max(15, max(known) - min(known) + 1)
    return (
        lower if lower == MIN_BOUND else lower - pad,
        upper if upper == MAX_BOUND else upper + pad,
    )


@functools.lru_cache(maxsize=1 << 16)  # every event's date on every render
def mark_of(when: When) -> Mark:
    """The :class:`Mark` of a date: a point for an instant, a bar for an interval."""
    lower, upper = when.bounds
    loose = loose_bounds(when)
    open_start, open_end = lower == MIN_BOUND, upper == MAX_BOUND
    if isinstance(when, DateInterval):
        inner_lo = when.start.bounds[1] if isinstance(when.start, HistoricalDate) else lower
        inner_hi = when.end.bounds[0] if isinstance(when.end, HistoricalDate) else upper
        solid = (inner_lo, inner_hi) if inner_lo <= inner_hi else None
        return Mark(solid, loose, False, open_start, open_end, _qualified(when))
    middle = (lower + upper) // 2
    return Mark((middle, middle), loose, True, False, False, _qualified(when) or lower != upper)


@functools.lru_cache(maxsize=1 << 16)  # each label is measured several times a render
def _text_width(text: str) -> float:
    return sum(
        _FONT * 1.05 if unicodedata.east_asian_width(c) in "WF" else _FONT * 0.58 for c in text
    )


@attrs.frozen
class _Tick:
    day: int
    label: str


def _tick_label(year: int, month: int, day: int, unit: str, lang: str) -> str:
    if unit == "day":
        return f"{month}月{day}日" if lang == "zh" else f"{day} {_MONTHS[month - 1]}"
    if unit == "month":
        if lang == "zh":
            return f"{year_label(year, lang)}{month}月"
        return f"{_MONTHS[month - 1]} {year_label(year, 'en')}"
    if unit == "decade":
        return decade_label(year, lang)
    return year_label(year, lang)


def _ticks(lo: int, hi: int, width: float, lang: str) -> tuple[str, tuple[_Tick, ...]]:
    """The coarsest unit in the list that still gives a readable number of ticks."""
    most = max(2, int(width // 90))
    span = hi - lo
    year0, month0, _ = jdn_to_gregorian(lo)
    for unit, step in (("day", 1), ("day", 2), ("day", 7), ("day", 14)):
        if span / step <= most:
            ticks = [
                _Tick(d, _tick_label(*jdn_to_gregorian(d), unit, lang))
                for d in range(lo - lo % step + step if lo % step else lo, hi + 1, step)
            ]
            return unit, tuple(ticks)
    for step in (1, 2, 3, 6):
        if span / (30.44 * step) <= most:
            out = []
            year, month = year0, month0
            while True:
                day = gregorian_to_jdn(year, month, 1)
                if day > hi:
                    break
                if day >= lo and (month - 1) % step == 0:
                    out.append(_Tick(day, _tick_label(year, month, 1, "month", lang)))
                year, month = (year + 1, 1) if month == 12 else (year, month + 1)
            return "month", tuple(out)
    years = span / 365.2425
    for step in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 100000):
        if years / step <= most:
            unit = "decade" if step in (10, 20) else "year"
            first = -(-year0 // step) * step
            out = []
            year = first
            while (day := gregorian_to_jdn(year or 1, 1, 1)) <= hi:
                if day >= lo:  # there is no year 0: its tick is 1 CE
                    out.append(_Tick(day, _tick_label(year or 1, 1, 1, unit, lang)))
                year += step
            return unit, tuple(out)
    return "year", ()


def claimed_dates(entry: ChronologyEntry) -> tuple[When, ...]:
    """Each date a source asserts for the entry other than its own."""
    return tuple(
        item.value
        for item in entry.evidence
        if item.field == "when" and item.claims[0].asserts and not item.concluded
    )


def claimed_spans(entry: ChronologyEntry) -> tuple[tuple[int, int], ...]:
    """The days (JDN bounds) of each date a source asserts for the entry other than its own."""
    return tuple(date.bounds for date in claimed_dates(entry))


def _extent(marks: Sequence[Mark], claimed: Sequence[tuple[int, int]]) -> tuple[int, int]:
    days = [
        d for m in marks for d in (*m.loose, *(m.solid or ())) if d not in (MIN_BOUND, MAX_BOUND)
    ]
    days += [d for span in claimed for d in span if d not in (MIN_BOUND, MAX_BOUND)]
    if not days:
        return gregorian_to_jdn(2000, 1, 1), gregorian_to_jdn(2000, 12, 31)
    lo, hi = min(days), max(days)
    pad = max(15, (hi - lo) // 25)
    return lo - pad, hi + pad


@attrs.frozen
class _Layout:
    """Where one event goes across its row, in x: the mark, its label (at most ``room``
    wide), and what both cover."""

    lo_x: float
    hi_x: float
    end_x: float
    text_x: float
    anchor: str
    room: float
    left: float
    right: float


def _layout(mark: Mark, widest: float, x: Callable[[int], float]) -> _Layout:
    """The mark's x range, and its label after it, or before it where it would run off the
    right edge; a label too wide for either side is cut to the wider one. ``left`` and
    ``right`` take in mark and label, so that rows can be packed on them."""
    lo_x = x(mark.loose[0]) if not mark.open_start else x(MIN_BOUND)
    hi_x = x(mark.loose[1]) if not mark.open_end else x(MAX_BOUND)
    end_x = x(mark.solid[0]) + 5 if mark.point and mark.solid else hi_x
    after_x = round(min(end_x + 6, x(MAX_BOUND) - 4), 2)
    before_x = round(max(x(MIN_BOUND), lo_x - 6), 2)
    room_after = x(MAX_BOUND) + _RIGHT - 2 - after_x
    room_before = before_x - 4
    if widest <= room_after or room_after >= room_before:
        room = min(widest, room_after)
        return _Layout(
            lo_x, hi_x, end_x, after_x, "start", room, lo_x - 6, max(hi_x, after_x + room)
        )
    room = min(widest, room_before)
    return _Layout(lo_x, hi_x, end_x, before_x, "end", room, before_x - room, max(hi_x, end_x) + 2)


def _fit(text: str, room: float) -> str:
    """``text``, cut with an ellipsis where it is wider than ``room``."""
    if _text_width(text) <= room:
        return text
    widths = itertools.accumulate(_text_width(char) for char in text)
    end = next(end for end, width in enumerate(widths) if width > room - _text_width("…"))
    return text[:end].rstrip() + "…"


class _Rows:
    """The rows of one lane, each with where its last occupant ends (its occupants only
    move right, so the last one ends furthest).

    :meth:`place` puts a mark in the first row free before it: a tree of the rows'
    minimum ends finds that row in O(log rows), where scanning every row took most
    of a large chronology's drawing (some 280 rows a lane at 10,000 events).
    """

    def __init__(self) -> None:
        self.count = 0
        self._leaves = 1
        self._ends = [math.inf, math.inf]  # node i: the least end below it; leaves at 1 + i

    def place(self, left: float, right: float) -> int:
        """The first row whose occupant ends more than 4 before ``left``, else a new
        row; either way its occupant now ends at ``right``."""
        ends = self._ends
        if ends[1] + 4 < left:
            node = 1
            while node < self._leaves:
                node = 2 * node if ends[2 * node] + 4 < left else 2 * node + 1
            row = node - self._leaves
        else:
            row = self.count
            self.count += 1
            if row == self._leaves:
                ends = self._grow()
        node = row + self._leaves
        ends[node] = right
        while node > 1:
            node //= 2
            ends[node] = min(ends[2 * node], ends[2 * node + 1])
        return row

    def _grow(self) -> list[float]:
        """Twice the leaves (the new ones empty); returns the new tree."""
        leaves = self._ends[self._leaves :]
        self._leaves *= 2
        ends = self._ends = [math.inf] * (2 * self._leaves)
        ends[self._leaves : self._leaves + len(leaves)] = leaves
        for node in range(self._leaves - 1, 0, -1):
            ends[node] = min(ends[2 * node], ends[2 * node + 1])
        return ends


@attrs.frozen
class _Placed:
    entry: ChronologyEntry
    mark: Mark
    lane: str
    row: int
    layout: _Layout
    claimed: tuple[tuple[float, float], ...] = ()
    #: (language, title) per label language, as :func:`_labels` gives them.
    labels: list[tuple[str, str]] = attrs.field(factory=list, eq=False)


def _labels(
    entry: ChronologyEntry, options: DocumentOptions, languages: Sequence[str]
) -> list[tuple[str, str]]:
    if not languages:
        return [("", title_of(entry.event, options))]
    return [(lang, entry.event.title.get(lang, options.fallbacks)) for lang in languages]


def render_svg(
    chronology: Chronology,
    options: DocumentOptions | None = None,
    languages: Sequence[str] = (),
) -> str:
    """The chronology drawn as one ``<svg>`` element (standalone, or inline in HTML).

    With ``languages``, every label holds one ``<tspan data-l="...">`` per
    language so that a page can show one of them (see :func:`render_html`).
    """
    options = options or DocumentOptions()
    lang = date_lang(options)
    width = options.width
    plot = width - _LEFT - _RIGHT
    entries = chronology.entries
    marks = [mark_of(entry.event.when) for entry in entries]
    claimed = [claimed_spans(entry) for entry in entries]
    lo, hi = _extent(marks, [span for spans in claimed for span in spans])
    scale = plot / max(1, hi - lo)

    def x(day: int) -> float:
        day = min(max(day, lo), hi)
        return round(_LEFT + (day - lo) * scale, 2)

    lane_names: dict[str, _Rows] = {}
    placed: list[_Placed] = []
    for entry, mark, spans in zip(entries, marks, claimed, strict=True):
        lane = lane_of(entry.event, options)
        rows = lane_names.setdefault(lane, _Rows())
        labels = _labels(entry, options, languages)
        widest = max(_text_width(t) for _, t in labels)
        widest += _text_width(_DISPUTE_MARK) if entry.disputed else 0
        layout = _layout(mark, widest, x)
        bars = tuple((x(lower), x(upper)) for lower, upper in spans)
        left = min([layout.left, *(a - 2 for a, _ in bars)])
        right = max([layout.right, *(b + 2 for _, b in bars)])
        row = rows.place(left, right)
        placed.append(_Placed(entry, mark, lane, row, layout, bars, labels))

    lane_top: dict[str, float] = {}
    y = float(_TOP)
    for lane, rows in lane_names.items():
        lane_top[lane] = y
        y += rows.count * _ROW + _LANE_GAP
    height = int(y + 8)
    unit, ticks = _ticks(lo, hi, plot, lang)
    title = escape_html(chronology.title)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{title}" font-family="sans-serif" font-size="{_FONT}" '
        f'data-unit="{unit}">',
        f"<title>{title}</title>",
        f"<desc>{escape_html(provenance(chronology, options))}</desc>",
        '<defs><marker id="tl-arrow" viewBox="0 0 10 10" refX="9" refY="5" '
        'markerWidth="6" markerHeight="6" orient="auto-start-reverse">'
        '<path d="M0,0L10,5L0,10z" fill="#555"/></marker></defs>',
        f'<g class="axis" stroke="#999"><line x1="{_LEFT}" y1="{_TOP - 14}" '
        f'x2="{width - _RIGHT}" y2="{_TOP - 14}"/>',
    ]
    for tick in ticks:
        tx = x(tick.day)
        out.append(
            f'<line x1="{tx}" y1="{_TOP - 18}" x2="{tx}" y2="{height - 4}" stroke="#eee"/>'
            f'<text x="{tx}" y="{_TOP - 22}" text-anchor="middle" stroke="none" '
            f'fill="#444">{escape_html(tick.label)}</text>'
        )
    out.append("</g>")
    for index, (lane, top) in enumerate(lane_top.items()):
        name = lane or word(options, "none")
        out.append(
            f'<text class="lane" x="{_LEFT - 8}" y="{top + _ROW / 2 + 4}" text-anchor="end" '
            f'font-weight="bold" fill="{_PALETTE[index % len(_PALETTE)]}">'
            f"{escape_html(name)}</text>"
        )
    colours = {lane: _PALETTE[i % len(_PALETTE)] for i, lane in enumerate(lane_top)}
    sources = formatted_sources(chronology, options, "text") if options.show_sources else None
    named = named_sources(chronology, str)
    for item in placed:
        cites = _cites(item.entry, sources)
        told = [
            account_text(account, options, str, named) for account in accounts(item.entry, options)
        ]
        if told:
            cites = " — ".join(filter(None, [cites, *told]))
        out.append(
            _event(item, options, languages, x, lane_top[item.lane], colours[item.lane], cites)
        )
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _cites(entry: ChronologyEntry, sources: Sources | None) -> str:
    """The tooltip's sources: each citation in the style's short form."""
    if sources is None:
        return ""
    return " ".join(sources.short(citation) for citation in entry.citations)


def _event(
    item: _Placed,
    options: DocumentOptions,
    languages: Sequence[str],
    x: Callable[[int], float],
    lane_top: float,
    colour: str,
    cites: str,
) -> str:
    entry, mark = item.entry, item.mark
    event = entry.event
    cy = lane_top + item.row * _ROW + _ROW / 2
    classes = "event retracted" if entry.retracted else "event"
    if entry.disputed:
        classes += " disputed"
    label = title_of(event, options)
    tooltip = f"{date_label(event, options)} — {label}"
    if entry.retracted:
        tooltip += f" ({word(options, 'retracted')})"
    if cites:
        tooltip += f" — {word(options, 'sources')}: {cites}"
    parts = [
        f'<g class="{classes}" data-event="{escape_html(event.id)}"'
        + (' opacity="0.45"' if entry.retracted else "")
        + (f' data-disputed="{escape_html(" ".join(entry.disputed))}"' if entry.disputed else "")
        + ">",
        f"<title>{escape_html(tooltip)}</title>",
    ]
    layout = item.layout
    lo_x, hi_x, end_x = layout.lo_x, layout.hi_x, layout.end_x
    if hi_x - lo_x >= 1:
        parts.append(
            f'<rect class="loose" x="{lo_x}" y="{cy - 6}" width="{round(hi_x - lo_x, 2)}" '
            f'height="12" rx="3" fill="{colour}" fill-opacity="0.18"/>'
        )
    if mark.point and mark.solid:
        px = x(mark.solid[0])
        fill = "white" if mark.hollow else colour
        parts.append(
            f'<circle class="point" cx="{px}" cy="{cy}" r="5" fill="{fill}" '
            f'stroke="{colour}" stroke-width="2"/>'
        )
        end_x = px + 5
    else:
        end_x = hi_x
        if mark.solid:
            sx, ex = x(mark.solid[0]), x(mark.solid[1])
            parts.append(
                f'<rect class="span" x="{sx}" y="{cy - 4}" width="{max(2.0, round(ex - sx, 2))}" '
                f'height="8" rx="2" fill="{colour}"/>'
            )
        for is_open, at, direction in ((mark.open_start, lo_x, -1), (mark.open_end, hi_x, 1)):
            if is_open:
                parts.append(
                    f'<line class="open" x1="{at - direction * 14}" y1="{cy}" x2="{at}" '
                    f'y2="{cy}" stroke="#555" stroke-width="1.5" marker-end="url(#tl-arrow)"/>'
                )
    claim_colour = _DISPUTED if "when" in entry.disputed else _CLAIMED
    for claim_lo, claim_hi in item.claimed:
        parts.append(
            f'<rect class="claim" x="{claim_lo}" y="{cy + 7}" '
            f'width="{max(2.0, round(claim_hi - claim_lo, 2))}" height="3" '
            f'fill="{claim_colour}"/>'
        )
    if entry.retracted:
        parts.append(
            f'<line class="strike" x1="{lo_x - 2}" y1="{cy}" x2="{end_x + 2}" y2="{cy}" '
            'stroke="#000" stroke-width="1"/>'
        )
    room = layout.room - (_text_width(_DISPUTE_MARK) if entry.disputed else 0)
    labels = [(lang, _fit(text, room)) for lang, text in item.labels]
    spans = "".join(
        f'<tspan class="t" data-l="{escape_html(lang)}">{escape_html(text)}</tspan>'
        if lang
        else escape_html(text)
        for lang, text in labels
    )
    if entry.disputed:
        spans += f'<tspan class="dispute" fill="{_DISPUTED}">{_DISPUTE_MARK}</tspan>'
    parts.append(
        f'<text x="{layout.text_x}" y="{cy + 4}" text-anchor="{layout.anchor}" '
        f'fill="#222">{spans}</text>'
    )
    parts.append("</g>")
    return "".join(parts)
