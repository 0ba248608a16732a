"""Property: every selected event appears exactly once in every chronology format."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citations import Reference
from timeline.chronology import Chronology, ChronologyEntry, JournalState
from timeline.dates import When, format_edtf, parse_edtf
from timeline.documents import DocumentOptions, render
from timeline.domain import Citation, Event

_KEYS = ("alpha2020", "beta1999")
_REFERENCES = {
    key: Reference(key, "book", {"title": f"Book {key}", "date": "2000"}) for key in _KEYS
}


@st.composite
def whens(draw: st.DrawFn) -> When:
    """Years from 3000 BCE to 2100 at year, month or day precision, qualified or not,
    alone or as (possibly open) intervals."""

    def one() -> str:
        year = draw(st.integers(-2999, 2100))
        text = f"-{-year:04d}" if year < 0 else f"{year:04d}"
        precision = draw(st.sampled_from(("year", "month", "day")))
        if precision != "year":
            text += f"-{draw(st.integers(1, 12)):02d}"
        if precision == "day":
            text += f"-{draw(st.integers(1, 28)):02d}"
        return text + draw(st.sampled_from(("", "", "~", "?", "%")))

    shape = draw(st.sampled_from(("instant", "interval", "open")))
    if shape == "instant":
        return parse_edtf(one())
    start, end = sorted((parse_edtf(one()), parse_edtf(one())), key=lambda w: w.bounds)
    if shape == "open":
        return parse_edtf(f"{format_edtf(start)}/..")
    return parse_edtf(f"{format_edtf(start)}/{format_edtf(end)}")


_TEXT = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=0, max_size=20
)


@st.composite
def chronologies(draw: st.DrawFn) -> Chronology:
    """Up to 12 events with marker titles plus arbitrary text, random citations and retractions."""
    count = draw(st.integers(0, 12))
    entries = []
    for index in range(count):
        marker = f"Mk{index:03d}q"
        tail = draw(_TEXT.filter(lambda text: "Mk" not in text))
        titles = {"en": f"{marker} {tail}"}
        if draw(st.booleans()):
            titles["zh"] = f"{marker} 标题"
        event = Event(f"event-{index:03d}", draw(whens()), titles)
        cites = tuple(
            Citation(event.id, key, draw(st.sampled_from(("", "p. 4", "pp. 1-2"))))
            for key in draw(st.lists(st.sampled_from(_KEYS), max_size=2, unique=True))
        )
        entries.append(ChronologyEntry(event, cites, draw(st.booleans())))
    entries.sort(key=lambda entry: entry.event.when.sort_key)
    return Chronology(
        tuple(entries),
        _REFERENCES,
        JournalState(count, "ab" * 32),
        datetime(2026, 1, 1, tzinfo=UTC),
        "Property",
    )


_OPTIONS = st.builds(
    DocumentOptions,
    lang=st.sampled_from(("en", "zh", "ru")),
    group_by=st.sampled_from(("none", "year", "decade")),
    flavour=st.sampled_from(("pandoc", "footnotes")),
    lanes=st.sampled_from(("actor", "tag", "category", "none")),
    latex_layout=st.sampled_from(("description", "longtable")),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(chronologies(), _OPTIONS)
def test_every_event_appears_exactly_once(chronology: Chronology, options: DocumentOptions) -> None:
    """Markdown, LaTeX, HTML, SVG, TimelineJS and CSV each show every event exactly once."""
    english = DocumentOptions(
        **{**{k: getattr(options, k) for k in ("group_by", "flavour", "lanes")}, "lang": "en"}
    )
    markdown = render(chronology, "markdown", english)
    latex = render(chronology, "latex", english)
    page = render(chronology, "html", options)
    svg = render(chronology, "svg", options)
    timelinejs = json.loads(render(chronology, "timelinejs", options))
    rows = list(csv.DictReader(io.StringIO(render(chronology, "csv", options))))
    ids = [entry.event.id for entry in chronology]
    assert [item["unique_id"] for item in timelinejs["events"]] == ids
    assert [row["id"] for row in rows] == ids
    for entry in chronology:
        marker = f"Mk{entry.event.id[-3:]}q"
        assert markdown.count(marker) == 1
        assert latex.count(marker) == 1
        assert len(re.findall(f'<li id="event-{entry.event.id}"', page)) == 1
        assert svg.count(f'data-event="{entry.event.id}"') == 1


@given(
    st.lists(
        st.tuples(st.integers(0, 2000), st.integers(0, 300)).map(lambda t: (t[0], t[0] + t[1])),
        max_size=300,
    )
)
def test_svg_rows_are_the_first_free_row(marks: list[tuple[int, int]]) -> None:
    """The SVG's row tree puts each mark in the first row whose last occupant ends more
    than 4 before it (else a new row), as scanning every row does."""
    from timeline.documents.svg import _Rows

    rows, ends = _Rows(), []
    for left, right in marks:
        expected = next((row for row, end in enumerate(ends) if end + 4 < left), len(ends))
        if expected == len(ends):
            ends.append(right)
        else:
            ends[expected] = right
        assert rows.place(left, right) == expected
    assert rows.count == len(ends)
