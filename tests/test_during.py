"""Events dated only by a period: no date of their own in the journal; the timeline shows,
sorts and filters them by the period definition's span as it stands (or stood, as of a seq)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from timeline import AmbiguousPeriod, InvalidChange, Timeline
from timeline.dates import format_edtf
from timeline.documents import DocumentOptions, render
from timeline.importing import parse_events


def _define(tl: Timeline) -> None:
    tl.define_period(
        id="plan-14", label={"zh": "十四五", "en": "14th five-year plan"}, start="2021", end="2025"
    )


@pytest.fixture(params=["memory", "file"])
def tl(request: pytest.FixtureRequest, tmp_path: Path) -> Timeline:
    """A timeline with the 14th plan, a dated event either side and one dated by the plan
    only, in memory and in a file (the SQLite views)."""
    path = ":memory:" if request.param == "memory" else str(tmp_path / "t.timeline")
    timeline = Timeline.open(path, author="ana")
    _define(timeline)
    timeline.add_event(id="before", when="2020-06", title="Before")
    timeline.add_event(id="plan", title={"zh": "规划纲要"}, during="十四五", lang="zh")
    timeline.add_event(id="dam", when="2022-05", title="Dam")
    return timeline


def _dates(tl: Timeline, **filters: str) -> list[tuple[str, str]]:
    return [(e.id, format_edtf(e.when)) for e in tl.events(**filters)]


def test_the_journal_holds_no_date_and_the_timeline_shows_the_span(tl: Timeline) -> None:
    """The recorded payload has no `when`; the event shows the span, its label as the
    phrase, sorted among dated events by the span's first day."""
    (record,) = tl.journal.read_stream("event:plan")
    assert "when" not in record.payload["event"]
    assert record.payload["event"]["during"] == "plan-14"
    event = tl.event("plan")
    assert (format_edtf(event.when), event.when_text, event.when_from_period) == (
        "2021/2025",
        "十四五",
        True,
    )
    assert _dates(tl) == [("before", "2020-06"), ("plan", "2021/2025"), ("dam", "2022-05")]


def test_revising_the_period_moves_the_event_and_as_of_shows_the_span_then(
    tl: Timeline,
) -> None:
    """A revised span moves the event (order and date filters); as_of a seq before the
    revision answers with the span as it was; retracting the period keeps its last span."""
    before = tl.head().seq
    tl.revise_period("plan-14", start="2023", reason="the plan was adopted late")
    assert _dates(tl) == [("before", "2020-06"), ("dam", "2022-05"), ("plan", "2023/2025")]
    assert _dates(tl, between="2021/2022") == [("dam", "2022-05")]
    then = tl.as_of(before)
    assert _dates(then) == [("before", "2020-06"), ("plan", "2021/2025"), ("dam", "2022-05")]
    assert [e.id for e in then.events(between="2021/2022")] == ["plan", "dam"]
    assert format_edtf(then.event("plan").when) == "2021/2025"
    assert [e.id for e in tl.events(between=(None, "2020"))] == ["before"]
    assert [e.id for e in tl.events(during="十四五")] == ["plan"]  # the dam is 2022 now
    tl.retract_period("plan-14", reason="superseded")
    assert format_edtf(tl.event("plan").when) == "2023/2025"


def test_event_fields_and_a_limit_answer_as_events_does(tl: Timeline) -> None:
    """event_fields gives, for the same filters and seq, the events of `events` in its
    order (those dated by a period at its span then), each as the fields asked for;
    `limit` keeps the first events of `events` only."""
    tl.add_event(id="late", when="2024", title={"en": "Late", "ru": "Поздно"}, tags=["x"])
    before = tl.head().seq
    tl.revise_period("plan-14", start="2023", reason="the plan was adopted late")
    tl.retract("dam", reason="a test")
    filters: list[dict[str, Any]] = [
        {},
        {"include_retracted": True},
        {"between": "2021/2022"},
        {"between": (None, "2023")},
        {"during": "十四五", "include_retracted": True},
        {"tags": ["x"]},
        {"text": "Late"},
    ]
    names = ("when", "title", "when_from_period", "id", "when")
    for timeline in (tl, tl.as_of(before)):
        for asked in filters:
            events = timeline.events(**asked)
            fields = timeline.event_fields(names, **asked)
            assert [(row.id, row.values) for row in fields] == [
                (e.id, (e.when, e.title, e.when_from_period, e.id, e.when)) for e in events
            ]
            assert [row.retracted for row in fields] == [
                timeline.is_retracted(e.id) for e in events
            ]
            for limit in (0, 1, 2, 10):
                assert timeline.events(**asked, limit=limit) == events[:limit]
    with pytest.raises(InvalidChange, match="'colour' is no field of an event"):
        tl.event_fields(["title", "colour"])
    with pytest.raises(InvalidChange, match="limit is 0 or more, not -1"):
        tl.events(limit=-1)


def test_the_span_survives_reopening(tmp_path: Path) -> None:
    """Reopened, and with views rebuilt from the journal, the event shows the span the
    period has now."""
    path = tmp_path / "t.timeline"
    with Timeline.open(path, author="ana") as tl:
        _define(tl)
        tl.add_event(id="plan", title="Outline", during="plan-14")
        tl.revise_period("plan-14", end="2026", reason="extended")
        report = tl.verify()  # the views hold what a replay of the records gives
        assert (report.ok, report.differences) == (True, ())
    with Timeline.open(path) as tl:
        assert format_edtf(tl.event("plan").when) == "2021/2026"
        tl.rebuild()
        assert format_edtf(tl.event("plan").when) == "2021/2026"


def test_rival_definitions_must_be_named_by_id() -> None:
    """A label with rival definitions is refused naming them; nothing is written; an id
    chooses one and its span is the event's."""
    with Timeline.open(":memory:", author="ana") as tl:
        tl.define_period(id="cw-gaddis", label="Cold War", start="1947", end="1991")
        tl.define_period(id="cw-westad", label="Cold War", start="1945", end="1989")
        head = tl.head()
        with pytest.raises(AmbiguousPeriod, match="'Cold War' has 2 definitions") as raised:
            tl.add_event(title="Arms race", during="Cold War")
        assert raised.value.definitions == ("cw-gaddis", "cw-westad")
        assert tl.head() == head
        event = tl.add_event(id="arms", title="Arms race", during="cw-westad")
        assert format_edtf(event.when) == "1945/1989"


def test_a_period_with_no_dates_cannot_date_an_event_alone() -> None:
    """An event dated only by a definition that gives no dates is refused (it would have
    no place on the timeline); with a date of its own it is recorded."""
    with Timeline.open(":memory:", author="ana") as tl:
        tl.define_period(id="long-ago", label="Long ago")
        with pytest.raises(InvalidChange, match="period 'long-ago' gives no dates"):
            tl.add_event(title="Something", during="long-ago")
        assert tl.add_event(when="1900", title="Something", during="long-ago").during


def test_revising_gives_it_a_date_of_its_own_and_back(tl: Timeline) -> None:
    """revise(when=) gives the event a date of its own (checked against the span);
    when=None makes it dated by its period only again; history shows no invented date."""
    with pytest.raises(InvalidChange, match="2030 is not within period plan-14"):
        tl.revise("plan", when="2030", reason="a later year")
    revised = tl.revise("plan", when="2021-03", reason="adopted in March 2021")
    assert (revised.when_from_period, format_edtf(revised.when)) == (False, "2021-03")
    again = tl.revise("plan", when=None, reason="the source gives the plan only")
    assert (again.when_from_period, format_edtf(again.when)) == (True, "2021/2025")
    history = tl.history("plan")
    whens = [[(d.old, d.new) for d in entry.diffs if d.field == "when"] for entry in history]
    march = revised.when
    assert whens == [[], [(None, march)], [(march, None)]]  # None: no date of its own
    assert [d.new for d in history[0].diffs if d.field == "during"] == ["plan-14"]


def test_documents_show_the_label_and_the_span(tl: Timeline) -> None:
    """Markdown, HTML, TimelineJS and CSV show the event at the period's span, with its
    label as written."""
    tl.revise_period("plan-14", end="2026", reason="extended")
    chronology = tl.chronology()

    zh = DocumentOptions(lang="zh")
    assert "- **十四五 (2021—2026年)** — 规划纲要" in render(chronology, "markdown", zh)
    assert "- **2021–2026** — 规划纲要" in render(chronology, "markdown")  # no English label
    html = render(chronology, "html", zh)
    assert '<span class="t" data-l="zh" lang="zh">十四五 (2021—2026年)</span>' in html
    slides = json.loads(render(chronology, "timelinejs"))
    (slide,) = [s for s in slides["events"] if s["unique_id"] == "plan"]
    assert (slide["start_date"]["year"], slide["end_date"]["year"]) == (2021, 2026)
    rows = render(chronology, "csv").splitlines()
    (row,) = [r for r in rows if r.startswith("plan,")]
    assert row.startswith("plan,2021/2026,2021–2026,十四五,2021-01-01,2026-12-31,")


@pytest.mark.parametrize("fmt", ["toml", "jsonl", "csv"])
def test_an_events_file_entry_with_during_and_no_when(tl: Timeline, fmt: str) -> None:
    """An entry with `during` and no `when` is an event dated by its period only; the
    export writes no date for it and imports back writing nothing, into another journal
    as the same event."""
    text = tl.export_events(fmt)
    head = tl.head()
    tl.import_plan(parse_events(text, fmt, source=f"again.{fmt}"))
    assert tl.head() == head
    with Timeline.open(":memory:", author="bo") as other:
        other.define_period(id="plan-14", label="14th plan", start="2019", end="2025")
        other.import_plan(parse_events(text, fmt, source=f"x.{fmt}"))
        assert other.event("plan").when_from_period
        assert format_edtf(other.event("plan").when) == "2019/2025"
        (record,) = other.journal.read_stream("event:plan")
        assert "when" not in record.payload["event"]


def test_an_events_file_takes_the_date_away_and_gives_it_back(tl: Timeline) -> None:
    """Importing an entry whose `when` was removed records a revision leaving the event
    dated by its period only; giving a `when` again gives it a date of its own."""
    tl.add_event(id="outline", when="2021-03", title="Outline", during="plan-14")
    text = tl.export_events("toml")
    undated = text.replace('when = "2021-03"\n', "")
    tl.import_plan(parse_events(undated, "toml", source="undated.toml"))
    assert tl.event("outline").when_from_period
    tl.import_plan(parse_events(text, "toml", source="dated.toml"))
    assert format_edtf(tl.event("outline").when) == "2021-03"


def test_a_streamed_chronology_places_it_and_leaves_out_its_sources_when_filtered(
    tl: Timeline,
) -> None:
    """chronology(stream=True) gives the entries chronology() gives; filtered by dates
    its span misses, the event and the reference only it cites are left out."""
    from citations import Reference

    tl.add_reference(Reference("outline2021", "book", {"title": "Outline", "date": "2021"}))
    tl.cite("plan", "outline2021", locator="p. 1")
    tl.revise_period("plan-14", start="2023", reason="late")
    for filters in ({}, {"between": "2022"}, {"between": "2024"}):
        whole, streamed = tl.chronology(**filters), tl.chronology(stream=True, **filters)
        assert [e.event for e in streamed.entries] == [e.event for e in whole.entries]
        assert set(streamed.references) == set(whole.references)
    assert [e.event.id for e in tl.chronology(stream=True).entries] == ["before", "dam", "plan"]
    assert dict(tl.chronology(stream=True, between="2022").references) == {}
    assert list(dict(tl.chronology(stream=True, between="2024").references)) == ["outline2021"]


def test_the_seed_dates_its_five_year_plan_events_by_the_plans() -> None:
    """The seed's events the articles date only by a plan ("十四五"期间, 在第一个五年计划期间)
    carry `during` and no date of their own; they show the plans' spans."""
    from timeline.importing import read_import

    seeds = Path(__file__).resolve().parent.parent / "seeds"
    with Timeline.open(":memory:", author="ana") as tl:
        tl.import_periodo(seeds / "prc-five-year-plans.jsonld")
        tl.import_plan(read_import([seeds / "references.bib", seeds / "events.toml"]))
        dated = {e.id: (e.during, format_edtf(e.when)) for e in tl.events() if e.when_from_period}
        assert dated == {
            "1953-1957-first-five-year-plan": ("prc-fyp-01", "1953/1957"),
            "2021-2025-14th-five-year-plan": ("prc-fyp-14", "2021/2025"),
            "2021-2025-trade-roadmap-to-2024": ("prc-fyp-14", "2021/2025"),
        }
        assert tl.event("2021-2025-14th-five-year-plan").when_text == "“十四五”期间"


def test_the_same_title_dated_by_the_same_period_warns_of_a_duplicate(tl: Timeline) -> None:
    """A second event with the title and period of one dated by its period only is
    recorded with a PossibleDuplicateEvent warning naming the first."""
    from timeline import PossibleDuplicateEvent

    with pytest.warns(PossibleDuplicateEvent, match="'plan'"):
        tl.add_event(id="plan-again", title={"zh": "规划纲要"}, during="plan-14", lang="zh")
    tl.add_event(id="other", title={"zh": "别的"}, during="plan-14", lang="zh")  # no warning


def test_a_streamed_page_has_no_language_or_retraction_of_an_event_it_leaves_out(
    tl: Timeline,
) -> None:
    """A streamed chronology's tally (counted by the views) leaves out the title language
    and the retraction of the event dated by a period whose span misses the dates asked,
    as the chronology leaves out the event: its pages are the whole chronology's."""
    from datetime import UTC, datetime

    tl.revise_period("plan-14", start="2023", reason="late")
    tl.retract("plan", reason="outline only")
    made = datetime(2026, 1, 2, tzinfo=UTC)
    for filters in ({}, {"between": "2022"}, {"between": "2024"}):
        whole = tl.chronology(include_retracted=True, made_at=made, **filters)
        streamed = tl.chronology(include_retracted=True, made_at=made, stream=True, **filters)
        assert streamed.tally() == whole.tally()
        for fmt in ("html", "latex"):
            assert render(streamed, fmt) == render(whole, fmt)
    shown = {between: tl.chronology(include_retracted=True, stream=True, between=between)
             for between in ("2022", "2024")}  # fmt: skip
    assert shown["2022"].tally() == (("en",), False)
    assert shown["2024"].tally() == (("zh",), True)
