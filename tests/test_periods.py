"""Named periods as sourced records: definitions with sources, rivals, revisions, retractions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from citations import Contributor, Reference
from timeline import (
    DuplicatePeriod,
    ImportFailed,
    InvalidChange,
    Period,
    Timeline,
    UnknownPeriod,
    UnknownReference,
    UnparsableDate,
)
from timeline.dates import format_edtf, parse_date

GADDIS = Reference(
    "gaddis2005",
    "book",
    {"title": "The Cold War: A New History", "date": "2005"},
    [Contributor(family="Gaddis", given="John Lewis")],
    language="en",
)
WESTAD = Reference(
    "westad2017",
    "book",
    {"title": "The Cold War: A World History", "date": "2017"},
    [Contributor(family="Westad", given="Odd Arne")],
    language="en",
)


@pytest.fixture
def tl() -> Timeline:
    timeline = Timeline.open(":memory:", author="ana")
    timeline.add_reference(GADDIS)
    timeline.add_reference(WESTAD)
    return timeline


def test_a_definition_keeps_its_source_locator_and_dates(tl: Timeline) -> None:
    """define_period records labels, dates read from text, the source and its locator."""
    period = tl.define_period(
        label={"en": "Cold War", "zh": "冷战", "ru": "холодная война"},
        start="1947",
        end="26 December 1991",
        source="gaddis2005",
        locator="p. 5",
        region="worldwide",
        reason="Gaddis's span",
    )
    assert period.id == "cold-war-gaddis2005"
    assert format_edtf(period.end) == "1991-12-26"  # type: ignore[arg-type]
    assert period.end_text == "26 December 1991"
    assert tl.period(period.id) == period
    assert tl.periods(label="冷战") == [period]
    assert tl.periods(label="COLD WAR") == [period]


def test_rival_definitions_of_one_label_are_both_kept(tl: Timeline) -> None:
    """Two sources defining "Cold War" differently are two periods, each with its source."""
    first = tl.define_period(label="Cold War", start="1947", end="1991", source="gaddis2005")
    second = tl.define_period(label="Cold War", start="1945", end="1989", source="westad2017")
    assert [p.source for p in tl.periods(label="Cold War")] == ["gaddis2005", "westad2017"]
    assert first.id != second.id
    assert first.bounds != second.bounds


def test_uncertain_ends_and_an_open_end(tl: Timeline) -> None:
    """A start given as a range of years, and an end the source does not give."""
    period = tl.define_period(
        id="reiwa", label={"ja": "令和"}, start="2019-05-01", end_text="present"
    )
    warring = tl.define_period(
        id="warring-states",
        label={"en": "Warring States", "zh": "战国"},
        start="-0480/-0474",
        end="-0220",
    )
    assert period.end is None and period.bounds[1] == 2**53
    assert format_edtf(warring.start) == "-0480/-0474"  # type: ignore[arg-type]
    assert warring.bounds[0] == warring.start.bounds[0]  # type: ignore[union-attr]


def test_revise_and_retract_with_author_and_reason(tl: Timeline) -> None:
    """A revision replaces the parts given; a retraction hides the definition but keeps it."""
    period = tl.define_period(id="cold-war", label="Cold War", start="1947", end="1991")
    revised = tl.revise_period("cold-war", end="1989", reason="ends with the Wall", author="bo")
    assert format_edtf(revised.end) == "1989"  # type: ignore[arg-type]
    assert revised.start == period.start
    tl.retract_period("cold-war", reason="superseded")
    assert tl.periods() == []
    assert tl.periods(include_retracted=True) == [revised]
    assert tl.period("cold-war") == revised
    fresh = tl.as_of(tl.head().seq)  # folds the stream anew; the timeline kept its own
    assert fresh.periods(include_retracted=True) == tl.periods(include_retracted=True)
    records = [r for r in tl.journal.read_stream("periods")]
    assert [(r.kind, r.payload["author"], r.payload["reason"]) for r in records] == [
        ("period.defined", "ana", ""),
        ("period.revised", "bo", "ends with the Wall"),
        ("period.retracted", "ana", "superseded"),
    ]


def test_as_of_shows_the_definition_then(tl: Timeline) -> None:
    """An as-of view reads the periods stream up to its seq."""
    tl.define_period(id="cold-war", label="Cold War", start="1947", end="1991")
    seq = tl.head().seq
    tl.revise_period("cold-war", end="1989", reason="r")
    assert format_edtf(tl.as_of(seq).period("cold-war").end) == "1991"  # type: ignore[arg-type]
    assert format_edtf(tl.period("cold-war").end) == "1989"  # type: ignore[arg-type]


def test_bad_commands_raise_typed_errors_and_write_nothing(tl: Timeline) -> None:
    """A taken id, an unknown source, an unknown period, a part periods lack, no reason."""
    tl.define_period(id="cold-war", label="Cold War", start="1947", end="1991")
    head = tl.head().seq
    with pytest.raises(DuplicatePeriod, match="'cold-war' already exists"):
        tl.define_period(id="cold-war", label="Cold War")
    with pytest.raises(UnknownReference, match="no reference with key 'nobody2000'"):
        tl.define_period(label="Cold War", source="nobody2000")
    with pytest.raises(UnknownPeriod, match="no period with id 'thaw'"):
        tl.revise_period("thaw", end="1964", reason="r")
    with pytest.raises(InvalidChange, match="'colour' is not a part of a period"):
        tl.revise_period("cold-war", colour="red", reason="r")
    with pytest.raises(InvalidChange, match="needs a reason"):
        tl.retract_period("cold-war", reason=" ")
    with pytest.raises(InvalidChange, match="ends before it starts"):
        tl.define_period(label="Thaw", start="1964", end="1953")
    assert tl.head().seq == head


def test_periods_survive_reopening_and_verify(tmp_path: Path) -> None:
    """Definitions are journal records: a reopened file has them, and verify passes."""
    path = tmp_path / "t.db"
    with Timeline.open(path, author="ana") as tl:
        tl.define_period(id="cold-war", label="Cold War", start="1947", end="1991")
        tl.add_event(id="berlin", when="1961-08-13", title="Berlin Wall")
    with Timeline.open(path) as tl:
        assert [p.id for p in tl.periods()] == ["cold-war"]
        assert tl.verify().ok
        assert isinstance(tl.period("cold-war"), Period)


def test_the_period_commands(tmp_path: Path) -> None:
    """define-period, revise-period, retract-period, period and periods over one journal."""
    from click.testing import CliRunner

    from timeline.cli import cli

    journal = tmp_path / "t.db"

    def ok(*args: str) -> str:
        result = CliRunner().invoke(cli, ["--journal", str(journal), *args])
        assert result.exit_code == 0, (result.stdout, result.stderr)
        return result.stdout

    ok("init")
    assert ok("define-period", "Cold War", "--label", "zh=冷战", "--start", "1947", "--end", "1991")
    assert ok("define-period", "Cold War", "--start", "1945", "--end", "1989") == "cold-war-2\n"
    rows = ok("periods", "--label", "cold war").splitlines()
    assert [row.split("\t")[0] for row in rows] == ["id", "cold-war", "cold-war-2"]
    ok("revise-period", "cold-war-2", "--end", "1990", "--reason", "the treaty")
    data = json.loads(ok("period", "cold-war-2", "--json"))
    assert (data["end"], data["to"]) == ("1990", "1990-12-31")
    ok("retract-period", "cold-war-2", "--reason", "superseded")
    assert [p["id"] for p in json.loads(ok("periods", "--json"))] == ["cold-war"]
    result = CliRunner().invoke(cli, ["--journal", str(journal), "period", "thaw"])
    assert (result.exit_code, result.stderr) == (1, "error: no period with id 'thaw'\n")
    assert ok("add-event", "-", "Arms race", "--during", "冷战", "--id", "arms") == "arms\n"
    ok("add-event", "1961-08-13", "Berlin Wall", "--id", "wall")
    ok("add-event", "1945-07-17", "Potsdam", "--id", "potsdam")
    found = json.loads(ok("events", "--during", "cold-war", "--json"))
    assert [(e["id"], e.get("during")) for e in found] == [("arms", "cold-war"), ("wall", None)]
    assert "during:     cold-war  (no date of its own: the period's span)" in ok("event", "arms")
    data = json.loads(ok("event", "arms", "--json"))
    assert (data["when"], data["when_from_period"], data["lower"]) == (
        "1947/1991",
        True,
        "1947-01-01",
    )
    ok("revise-period", "cold-war", "--start", "1946", "--reason", "Churchill's speech")
    listed = [(e["id"], e["when"]) for e in json.loads(ok("events", "--json"))]
    assert listed == [("potsdam", "1945-07-17"), ("arms", "1946/1991"), ("wall", "1961-08-13")]


def test_an_event_dated_during_a_period_takes_its_span_and_label(tl: Timeline) -> None:
    """add_event(during=) without when: the definition's span, its label as the phrase."""
    tl.define_period(
        id="plan-14", label={"zh": "十四五", "en": "14th five-year plan"}, start="2021", end="2025"
    )
    event = tl.add_event(title={"zh": "某项目"}, during="十四五", lang="zh")
    assert (format_edtf(event.when), event.when_text, event.during) == (
        "2021/2025",
        "十四五",
        "plan-14",
    )
    assert tl.event(event.id).during == "plan-14"


def test_events_during_a_period_and_the_rivals_it_asks_about(tl: Timeline) -> None:
    """events(during=) keeps events dated by it or within its span; a label with rival
    definitions is refused naming each, and an id chooses one."""
    from timeline import AmbiguousPeriod

    tl.define_period(label="Cold War", start="1947", end="1991", source="gaddis2005")
    tl.define_period(label="Cold War", start="1945", end="1989", source="westad2017")
    tl.add_event(id="potsdam", when="1945-07-17", title="Potsdam Conference")
    tl.add_event(id="wall", when="1961-08-13", title="Berlin Wall")
    tl.add_event(id="ussr-ends", when="1991-12-26", title="The USSR dissolved")
    tl.add_event(id="arms-race", title="Arms race", during="cold-war-gaddis2005")
    with pytest.raises(AmbiguousPeriod, match="'cold war' has 2 definitions") as raised:
        tl.events(during="cold war")
    assert raised.value.definitions == ("cold-war-gaddis2005", "cold-war-westad2017")
    assert "cold-war-gaddis2005 (gaddis2005: 1947–1991)" in str(raised.value)
    gaddis = [e.id for e in tl.events(during="cold-war-gaddis2005")]
    westad = [e.id for e in tl.events(during="cold-war-westad2017")]
    assert gaddis == ["arms-race", "wall", "ussr-ends"]
    assert westad == ["potsdam", "wall"]
    between = tl.events(during="cold-war-gaddis2005", between="1960/1970")
    assert [e.id for e in between] == ["arms-race", "wall"]  # both overlap the 1960s


def test_a_date_outside_the_period_or_an_unknown_period_is_refused(tl: Timeline) -> None:
    """An event's date must lie in the span of the period it is dated by."""
    tl.define_period(id="thaw", label="Khrushchev Thaw", start="1953", end="1964")
    head = tl.head().seq
    with pytest.raises(InvalidChange, match=r"1968 is not within period thaw \(1953–1964\)"):
        tl.add_event(id="prague", when="1968", title="Prague Spring", during="thaw")
    with pytest.raises(
        UnknownPeriod, match="no period definition has the id or label 'Stagnation'"
    ):
        tl.add_event(title="Brezhnev", during="Stagnation")
    with pytest.raises(UnknownPeriod):
        tl.events(during="Stagnation")
    assert tl.head().seq == head
    tl.add_event(id="secret-speech", when="1956-02-25", title="Secret Speech")
    revised = tl.revise("secret-speech", during="Khrushchev Thaw", reason="the source's frame")
    assert revised.during == "thaw"


# -- PeriodO ------------------------------------------------------------------

PERIODO = Path(__file__).parent / "data" / "periodo-sample.jsonld"


def test_periodo_is_read_into_references_and_periods(tl: Timeline) -> None:
    """Each authority is a reference, each period a definition citing it with its locator,
    labels by language, coverage, ranges of years and an open stop."""
    counts = tl.import_periodo(PERIODO)
    assert counts == {"references": 2, "defined": 4, "revised": 0, "unchanged": 0}
    warring = tl.period("p0tst01ws1")
    assert (warring.source, warring.locator) == ("periodo-p0tst01", "p. 587, table 8.1")
    assert format_edtf(warring.start) == "-0480/-0474"  # type: ignore[arg-type]
    assert warring.start_text == "481 or 475 B.C."
    assert warring.label.get("zh") == "战国"
    assert warring.coverage[0].label == "China"
    assert tl.period("p0tst01sp1").locator == "p. 587"  # the authority's locator
    assert tl.period("p0tst02rw1").end is None
    assert dict(tl.reference("periodo-p0tst01").fields)["title"].startswith("The Cambridge")
    # "Warring States" names a Chinese and a Japanese period: the label asks which
    assert [p.id for p in tl.periods(label="Warring States")] == ["p0tst01ws1", "p0tst02sg1"]
    fresh = tl.as_of(tl.head().seq)
    assert fresh.periods() == tl.periods()
    assert tl.import_periodo(PERIODO) == {
        "references": 0,
        "defined": 0,
        "revised": 0,
        "unchanged": 4,
    }


def test_periodo_round_trips(tl: Timeline, tmp_path: Path) -> None:
    """Export, then import into a new timeline: the same periods and sources; the exported
    JSON keeps the file's labels, years, coverage and locators."""
    tl.import_periodo(PERIODO)
    exported = tl.export_periodo()
    original = json.loads(PERIODO.read_text(encoding="utf-8"))
    for authority_id, authority in original["authorities"].items():
        out = exported["authorities"][authority_id]
        assert out["source"]["creators"] == authority["source"]["creators"]
        for period_id, period in authority["periods"].items():
            written = out["periods"][period_id]
            for name in ("label", "languageTag", "start", "stop", "spatialCoverage"):
                assert written[name] == period[name], (period_id, name)
            assert {k: sorted(v) for k, v in written["localizedLabels"].items()} == {
                k: sorted(v) for k, v in period["localizedLabels"].items()
            }
    path = tmp_path / "out.jsonld"
    path.write_text(json.dumps(exported, ensure_ascii=False), encoding="utf-8")
    again = Timeline.open(":memory:", author="bo")
    again.import_periodo(path)
    assert again.periods() == tl.periods()
    keys = ["periodo-p0tst01", "periodo-p0tst02"]
    assert [again.reference(key) for key in keys] == [tl.reference(key) for key in keys]


def test_a_bad_periodo_file_names_where_and_writes_nothing(tl: Timeline, tmp_path: Path) -> None:
    """A year that is not one, a missing label, not JSON: ImportFailed naming the period."""
    from timeline import ImportFailed

    data = json.loads(PERIODO.read_text(encoding="utf-8"))
    data["authorities"]["p0tst02"]["periods"]["p0tst02sg1"]["start"]["in"]["year"] = "c. 1467"
    bad = tmp_path / "bad.jsonld"
    bad.write_text(json.dumps(data), encoding="utf-8")
    head = tl.head().seq
    with pytest.raises(
        ImportFailed, match=r"authority p0tst02, period p0tst02sg1\.start\.in\.year"
    ):
        tl.import_periodo(bad)
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(ImportFailed, match="not a PeriodO JSON-LD file"):
        tl.import_periodo(bad)
    assert tl.head().seq == head


_DATED = """
[[event]]
id = "dam"
when = "2022"
during = "plan-14"
original = "zh"
title = "某水坝开工"

[[event]]
id = "plan"
when = "2021/2025"
when_text = "十四五"
during = "plan-14"
original = "zh"
title = "十四五规划"
"""


@pytest.mark.parametrize("fmt", ["toml", "jsonl", "csv"])
def test_during_in_an_events_file_round_trips_through_export(tl: Timeline, fmt: str) -> None:
    """An events file's `during` names a definition by id; the events come back from
    export-events in every format with it, and importing the export writes nothing."""
    from timeline.importing import parse_events

    tl.define_period(id="plan-14", label={"zh": "十四五"}, start="2021", end="2025")
    tl.import_plan(parse_events(_DATED, "toml", source="dated.toml"))
    assert [e.id for e in tl.events(during="十四五")] == ["plan", "dam"]
    text = tl.export_events(fmt)
    assert "plan-14" in text
    head = tl.head()
    tl.import_plan(parse_events(text, fmt, source=f"again.{fmt}"))
    assert tl.head() == head
    with Timeline.open(":memory:", author="bo") as other:
        other.define_period(id="plan-14", label={"zh": "十四五"}, start="2021", end="2025")
        other.import_plan(parse_events(text, fmt, source=f"x.{fmt}"))
        assert [other.event(i) for i in ("dam", "plan")] == [tl.event(i) for i in ("dam", "plan")]


def test_during_in_an_events_file_refuses_an_unknown_period_or_a_date_outside_it(
    tl: Timeline,
) -> None:
    """An unknown period, or a `when` outside the definition's span, refuses the whole file
    naming it and its line; nothing is written."""
    from timeline.importing import parse_events

    head = tl.head()
    with pytest.raises(UnknownPeriod, match=r"dated\.toml:2: .*'plan-14'.*nothing was imported"):
        tl.import_plan(parse_events(_DATED, "toml", source="dated.toml"))
    tl.define_period(id="plan-14", label={"zh": "十四五"}, start="2021", end="2025")
    head = tl.head()
    outside = _DATED.replace('when = "2022"', 'when = "2019"')
    with pytest.raises(InvalidChange, match=r"dated\.toml:2: event 'dam': 2019 is not within"):
        tl.import_plan(parse_events(outside, "toml", source="dated.toml"))
    assert tl.head() == head
    not_an_id = r"field 'during': '十四五' is not a period definition's id"
    with pytest.raises(ImportFailed, match=not_an_id):
        parse_events(_DATED.replace('"plan-14"', '"十四五"', 1), "toml", source="dated.toml")


def test_a_revision_in_an_events_file_dates_an_event_by_a_period_label(tl: Timeline) -> None:
    """A revision's `during` may be a label only one definition has: the id is recorded,
    so importing the file again writes nothing."""
    from timeline.importing import parse_events

    tl.define_period(id="plan-14", label={"zh": "十四五"}, start="2021", end="2025")
    text = _DATED.split("[[event]]")[1].replace('during = "plan-14"\n', "")
    revision = '[[revision]]\nevent = "dam"\nreason = "r"\nset = { during = "十四五" }\n'
    text = f"[[event]]{text}{revision}"
    tl.import_plan(parse_events(text, "toml", source="dated.toml"))
    assert tl.event("dam").during == "plan-14"
    head = tl.head()
    tl.import_plan(parse_events(text, "toml", source="dated.toml"))
    assert tl.head() == head


def test_the_five_year_plans_are_recorded_periods_with_their_source() -> None:
    """seeds/prc-five-year-plans.jsonld defines the PRC's plans 1-15 as periods citing their
    source; events(during="十四五") finds the events of the 14th through the journal, and
    parse_date no longer reads a plan's name as a date of its own."""
    plans = Path(__file__).resolve().parent.parent / "seeds" / "prc-five-year-plans.jsonld"
    with Timeline.open(":memory:", author="ana") as tl:
        assert tl.import_periodo(plans)["defined"] == 15
        spans = {p.id: format_edtf(tl_span(p)) for p in tl.periods()}
        assert spans["prc-fyp-01"] == "1953/1957" and spans["prc-fyp-03"] == "1966/1970"
        assert [p.id for p in tl.periods(label="十五")] == ["prc-fyp-10"]  # not 十五五
        assert [p.id for p in tl.periods(label="14th five-year plan")] == ["prc-fyp-14"]
        fourteenth = tl.period("prc-fyp-14")
        assert (fourteenth.source, fourteenth.region) == (
            "periodo-prc-five-year-plans",
            "People's Republic of China",
        )
        source = dict(tl.reference(fourteenth.source).fields)
        assert source["url"] == "https://en.wikipedia.org/wiki/Five-year_plans_of_China"
        tl.add_event(id="plan", title={"zh": "规划纲要"}, during="十四五", lang="zh")
        tl.add_event(id="dam", when="2023-05", title="Dam", during="prc-fyp-14")
        tl.add_event(id="before", when="2019", title="Earlier")
        assert [e.id for e in tl.events(during="十四五")] == ["plan", "dam"]
        assert tl.event("plan").when_text == "第十四个五年规划"
    with pytest.raises(UnparsableDate):
        parse_date("十四五", lang="zh")


def tl_span(period: Period) -> object:
    """A definition's start and end as one interval."""
    from timeline.dates import DateInterval, HistoricalDate

    assert isinstance(period.start, HistoricalDate) and isinstance(period.end, HistoricalDate)
    return DateInterval(period.start, period.end)


def test_a_revised_date_must_stay_within_the_period_it_is_dated_by(tl: Timeline) -> None:
    """revise(when=) of an event dated by a period, by hand or in a file's revision, is
    refused outside the period's span."""
    from timeline.importing import parse_events

    tl.define_period(id="plan-14", label={"zh": "十四五"}, start="2021", end="2025")
    tl.add_event(id="dam", when="2022", title="Dam", during="plan-14")
    head = tl.head()
    with pytest.raises(InvalidChange, match=r"event 'dam': 2030 is not within period plan-14"):
        tl.revise("dam", when="2030", reason="a later start")
    revision = '[[revision]]\nevent = "dam"\nreason = "r"\nset = { when = "2030" }\n'
    with pytest.raises(InvalidChange, match=r"fix\.toml:1: event 'dam': 2030 is not within"):
        tl.import_plan(parse_events(revision, "toml", source="fix.toml"))
    assert tl.head() == head
    assert tl.revise("dam", when="2024", reason="the source's year").when_text == ""


def test_documents_grouped_by_the_recorded_periods(tl: Timeline) -> None:
    """group_by="period" with no document periods heads each event by the definition it is
    dated by, else the narrowest that holds it, in the document's language; a label with
    rival definitions shows each one's span; an event no period holds goes under "Other"."""
    from timeline.documents import DocumentOptions, render

    tl.define_period(label={"en": "Cold War", "zh": "冷战"}, start="1947", end="1991",
                     source="gaddis2005")  # fmt: skip
    tl.define_period(label={"en": "Cold War", "zh": "冷战"}, start="1945", end="1989",
                     source="westad2017")  # fmt: skip
    tl.define_period(id="thaw", label={"en": "Khrushchev Thaw", "zh": "赫鲁晓夫解冻"},
                     start="1953", end="1964")  # fmt: skip
    tl.add_event(id="arms", title="Arms race", during="cold-war-westad2017")
    tl.add_event(id="potsdam", when="1945-07-17", title="Potsdam Conference")
    tl.add_event(id="treaty", when="1950-02-14", title="Sino-Soviet treaty")
    tl.add_event(id="speech", when="1956-02-25", title="Secret Speech")
    tl.add_event(id="wto", when="2001-12-11", title="China joins the WTO")
    chronology = tl.chronology()

    def headings(lang: str) -> list[str]:
        text = render(chronology, "markdown", DocumentOptions(lang=lang, group_by="period"))
        return [line[3:] for line in text.splitlines() if line.startswith("## ")]

    assert headings("en") == [
        "Cold War (1945–1989)",  # arms race (dated by it) and Potsdam (only in its span)
        "Cold War (1947–1991)",  # 1950: both hold it, as wide; the first defined
        "Khrushchev Thaw",  # the narrowest that holds 1956
        "Other",
    ]
    assert headings("zh")[:3] == ["冷战 (1945—1989年)", "冷战 (1947—1991年)", "赫鲁晓夫解冻"]
    tl.retract_period("thaw", reason="not a period of this chronology")
    assert "Khrushchev Thaw" not in render(
        tl.chronology(), "markdown", DocumentOptions(group_by="period")
    )
