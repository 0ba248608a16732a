"""Every document shows what the sources claim where it differs from the conclusion:
each value with its sources, disputes marked, in every format."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from citations import Contributor, Reference
from timeline import Timeline
from timeline.chronology import Chronology
from timeline.dates import parse_edtf
from timeline.documents import CLAIM_COLUMNS, DocumentOptions, render, render_svg
from timeline.documents.common import accounts

MADE_AT = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def _timeline() -> Timeline:
    tl = Timeline.open(":memory:", author="test")
    for key, name in (("smith", "Smith"), ("ivanov", "Ivanov")):
        tl.add_reference(
            Reference(key, "book", {"title": f"Account {key}", "date": "1970"}, [Contributor(name)])
        )
    tl.add_reference(
        Reference("li", "book", {"title": "珍宝岛", "date": "1970"}, [Contributor(literal="李丹")])
    )
    tl.add_event(id="zb", when="1969-03-02", title="Zhenbao Island clash", actors=["CHN", "SUN"])
    tl.add_event(id="quiet", when="1970-01", title="A quiet month")
    tl.cite("zb", "smith", locator="p. 3", claims={"when": "2 March 1969", "_soviet_dead": 31})
    tl.cite("zb", "li", claims={"when": "2 March 1969", "_soviet_dead": 58})
    tl.cite("zb", "ivanov", claims={"when": "15 March 1969"})
    tl.cite("quiet", "smith", claims={"when": "1970-01"})
    return tl


@pytest.fixture
def chronology() -> Iterator[Chronology]:
    with _timeline() as tl:
        yield tl.chronology(made_at=MADE_AT)


def test_an_entry_carries_its_evidence_and_disputed_fields(chronology: Chronology) -> None:
    """The chronology holds each event's claims grouped by value and its disputed fields."""
    zb, quiet = chronology.entries
    assert zb.disputed == ("_soviet_dead", "when")
    assert [(e.field, e.keys) for e in zb.evidence if e.field == "when"] == [
        ("when", ("smith", "li")),
        ("when", ("ivanov",)),
    ]
    assert quiet.disputed == () and [e.concluded for e in quiet.evidence] == [True]


def test_accounts_give_the_conclusion_first_and_skip_agreeing_claims(
    chronology: Chronology,
) -> None:
    """Only fields whose claims differ from the conclusion get an account, date first."""
    zb, quiet = chronology.entries
    when, dead = accounts(zb, DocumentOptions())
    assert (when.label, when.disputed) == ("date", True)
    assert [(v.text, v.concluded) for v in when.values] == [
        ("2 March 1969", True),
        ("15 March 1969", False),
    ]
    assert [v.text for v in dead.values] == ["31", "58"]
    assert accounts(quiet, DocumentOptions()) == ()


def test_an_unclaimed_conclusion_is_shown_before_the_claims() -> None:
    """A conclusion no source gives still comes first, with no sources; denials come last."""
    with _timeline() as tl:
        tl.add_event(id="visit", when="2019-06", title="Visit")
        tl.cite("visit", "smith", claims={"when": "2019-06-05"})
        tl.cite("visit", "ivanov", claims={"when": "2019-06-05"}, stance="contradicts")
        (entry,) = tl.chronology(between="2019").entries
    (when,) = accounts(entry, DocumentOptions())
    assert [(v.text, len(v.citations), v.denied) for v in when.values] == [
        ("June 2019", 0, False),
        ("5 June 2019", 1, False),
        ("not 5 June 2019", 1, True),
    ]


def test_markdown_names_the_sources_of_each_claim(chronology: Chronology) -> None:
    """Footnote Markdown: "2 March 1969 (Smith; 李丹) — 15 March 1969 (Ivanov)"."""
    text = render(chronology, "markdown", DocumentOptions(flavour="footnotes"))
    assert "  date (disputed): 2 March 1969 (Smith; 李丹) — 15 March 1969 (Ivanov)\n" in text
    assert "  soviet dead (disputed): 31 (Smith) — 58 (李丹)\n" in text
    assert text.count("(disputed)") == 2, "the quiet month's agreeing claim adds nothing"


def test_pandoc_markdown_cites_each_claims_source_at_its_claim(chronology: Chronology) -> None:
    """Pandoc Markdown cites the sources of each value where the value is written."""
    text = render(chronology, "markdown", DocumentOptions(flavour="pandoc"))
    assert "2 March 1969 [@smith, p. 3; @li] — 15 March 1969 [@ivanov]" in text


def test_latex_cites_or_names_the_sources_of_each_claim(chronology: Chronology) -> None:
    """LaTeX: ``\\cite`` keys at each value with biber, the sources' names with text."""
    biber = render(chronology, "latex")
    assert r"2 March 1969~\cite[p. 3]{smith}; \cite{li} — 15 March 1969~\cite{ivanov}" in biber
    for layout in ("description", "longtable"):
        options = DocumentOptions(latex_backend="text", latex_layout=layout)
        text = render(chronology, "latex", options)
        assert "{\\small date (disputed): 2 March 1969 (Smith; 李丹) — 15 March 1969 (Ivanov)}" in (
            text
        )


def test_claimed_text_is_escaped_in_every_output() -> None:
    """A claimed text with markup characters prints as written in Markdown and LaTeX."""
    hostile = "100% & #1 _ {x} <b>*"
    with _timeline() as tl:
        tl.cite("quiet", "ivanov", claims={"_note": hostile})
        chronology = tl.chronology(between="1970")
    latex = render(chronology, "latex", DocumentOptions(latex_backend="text"))
    assert r"note: 100\% \& \#1 \_ \{x\} <b>* (Ivanov)" in latex
    markdown = render(chronology, "markdown", DocumentOptions(flavour="footnotes"))
    assert r"note: 100% \& \#1 \_ \{x\} \<b\>\* (Ivanov)" in markdown
    for name in ("html", "svg", "timelinejs"):
        text = render(chronology, name)
        assert "<b>" not in text and "&lt;b&gt;" in text, name


def test_html_gives_each_account_under_its_entry_and_marks_disputes(
    chronology: Chronology,
) -> None:
    """The HTML list has one line per account, the disputed ones marked, in each language."""
    page = render(chronology, "html")
    assert '<li id="event-zb" class="entry disputed"' in page
    assert (
        '<p class="account disputed" data-field="when">date (disputed): 2 March 1969 '
        "(Smith; 李丹) — 15 March 1969 (Ivanov)</p>"
    ) in page
    assert 'id="event-quiet" class="entry"' in page and page.count('class="account') == 2


def test_svg_draws_each_claimed_date_on_the_events_row(chronology: Chronology) -> None:
    """Each date a source claims besides the event's own is a bar on the event's row at
    that date; a disputed event is marked; the axis takes in the claimed dates."""
    svg = render_svg(chronology)
    zb = re.search(r'<g class="event disputed" data-event="zb"[^>]*>.*?</g>', svg)
    assert zb is not None and 'data-disputed="_soviet_dead when"' in zb.group(0)
    point = float(re.search(r'<circle class="point" cx="([\d.]+)" cy="([\d.]+)"', zb.group(0))[1])
    (bar,) = re.findall(r'<rect class="claim" x="([\d.]+)" y="([\d.]+)"[^>]*fill="#c00"', zb[0])
    assert float(bar[0]) > point, "15 March is drawn after 2 March"
    assert '<tspan class="dispute"' in zb.group(0)
    assert "15 March 1969 (Ivanov)" in zb.group(0), "the tooltip gives the accounts"
    quiet = re.search(r'<g class="event" data-event="quiet">.*?</g>', svg)
    assert quiet is not None and 'class="claim"' not in quiet.group(0)
    with _timeline() as tl:
        tl.cite("quiet", "ivanov", claims={"when": "1980"})
        far = render_svg(tl.chronology(between="1970"))
    assert 'data-unit="year"' in far, "a claim ten years on widens the axis to years"


def test_timelinejs_slides_give_the_accounts(chronology: Chronology) -> None:
    """A slide's text names each value's sources; disputed accounts are bold."""
    slides = json.loads(render(chronology, "timelinejs"))["events"]
    text = {slide["unique_id"]: slide["text"]["text"] for slide in slides}
    assert (
        "<p><strong>date (disputed): 2 March 1969 (Smith; 李丹) — 15 March 1969 (Ivanov)"
        "</strong></p>"
    ) in text["zb"]
    assert "disputed" not in text["quiet"]


def test_csv_has_one_row_per_claim_after_its_event(chronology: Chronology) -> None:
    """CSV: each claim is a row with its event's id, field, value, source and stance."""
    rows = list(csv.DictReader(io.StringIO(render(chronology, "csv"))))
    assert [row["id"] for row in rows] == ["zb"] * 6 + ["quiet"] * 2
    claims = [row for row in rows if row["claim.field"]]
    assert [(r["claim.field"], r["claim.value"], r["claim.source"]) for r in claims] == [
        ("_soviet_dead", "31", "smith"),
        ("_soviet_dead", "58", "li"),
        ("when", "1969-03-02", "smith"),
        ("when", "1969-03-02", "li"),
        ("when", "1969-03-15", "ivanov"),
        ("when", "1970-01", "smith"),
    ]
    assert [r["claim.disputed"] for r in claims] == ["true"] * 5 + ["false"]
    concluded = [r["claim.concluded"] for r in claims]
    assert concluded == ["false", "false", "true", "true", "false", "true"]
    assert claims[0]["claim.locator"] == "p. 3" and claims[0]["title"] == ""
    assert all(row["journal_seq"] for row in rows)
    header = next(csv.reader(io.StringIO(render(chronology, "csv"))))
    assert tuple(header[-len(CLAIM_COLUMNS) :]) == CLAIM_COLUMNS


def test_the_seed_records_the_disagreements_of_its_sources() -> None:
    """The seed data set's disputes: an article against the record or the document it cites,
    and who fired first at Zhenbao; the events keep their concluded dates."""
    from pathlib import Path

    from timeline.importing import read_import

    seeds = Path(__file__).resolve().parent.parent / "seeds"
    with Timeline.open(":memory:") as tl:
        tl.import_periodo(seeds / "prc-five-year-plans.jsonld")
        tl.import_plan(read_import([seeds / "references.bib", seeds / "events.toml"]))
        found = {(d.event.id, d.field): [e.keys for e in d.evidence] for d in tl.disputes()}
        chronology = tl.chronology(between=("2020-10", "2020-11"))
        concluded = tl.event("2020-11-03-us-presidential-election").when
    assert concluded == parse_edtf("2020-11-03")
    assert found == {
        ("1969-03-02-zhenbao-island-clash", "_fired_first"): [
            ("robinson1972sino", "goldstein2001return"),
            ("maxwell1973chinese",),
        ],
        ("2019-04-29-skinner-clash-remarks", "when"): [
            ("duanchuanmei2022beijing",),
            ("skinner2019remarks",),
        ],
        ("2020-10-29-14th-five-year-plan-proposal", "when"): [
            ("ouyang2021feilianmeng",),
            ("zhonggongzhongyang2020zhiding",),
        ],
        ("2020-11-03-us-presidential-election", "when"): [
            ("duanchuanmei2022beijing",),
            ("fec2022federal",),
        ],
    }
    text = render(chronology, "markdown", DocumentOptions(flavour="footnotes"))
    assert "date (disputed): 3 November 2020 (Federal Election Commission) — 2021 (端传媒)" in text


# -- Wikidata-style export -------------------------------------------------------


def _statements(tl: Timeline, event_id: str) -> dict[str, list[dict[str, Any]]]:
    from timeline.documents import render_wikidata

    document = json.loads(render_wikidata(tl.chronology()))
    assert set(document) == {"entities", "journal", "made_at"}
    claims: dict[str, list[dict[str, Any]]] = document["entities"][event_id]["claims"]
    return claims


def _value(snak: dict[str, Any]) -> Any:
    return snak["datavalue"]["value"]


def test_wikidata_gives_one_statement_per_claim_with_its_reference_and_rank() -> None:
    """Each claim is a statement: its value, rank (doubted and denied: deprecated) and a
    reference with the work's title, authors and the citation's locator as page(s)."""
    with _timeline() as tl:
        tl.cite("zb", "smith", locator="p. 9", claims={"_soviet_dead": 31}, rank="doubted")
        tl.cite("zb", "li", locator="p. 2", claims={"_soviet_dead": 58}, stance="contradicts")
        claims = _statements(tl, "zb")
        assert "quiet" in json.loads(render(tl.chronology(), "wikidata"))["entities"]
        tl.add_event(id="plain", when="1971", title="No claims")
        assert "plain" not in json.loads(render(tl.chronology(), "wikidata"))["entities"]
    assert len(claims["P585"]) == 3 and len(claims["_soviet_dead"]) == 4
    by_page = {
        _value(s["references"][0]["snaks"].get("P304", [{"datavalue": {"value": ""}}])[0]): s
        for s in claims["_soviet_dead"]
    }
    first, doubted, denied = by_page["p. 3"], by_page["p. 9"], by_page["p. 2"]
    assert _value(first["mainsnak"]) == {"amount": "+31", "unit": "1"}
    assert (first["rank"], doubted["rank"], denied["rank"]) == (
        "normal",
        "deprecated",
        "deprecated",
    )
    assert denied["stance"] == "contradicts" and "stance" not in first
    (reference,) = doubted["references"]
    assert reference["citation"] == "smith"
    snaks = reference["snaks"]
    assert snaks["P248"][0]["snaktype"] == "somevalue"
    assert _value(snaks["P304"][0]) == "p. 9"
    assert _value(snaks["P2093"][0]) == "Smith"
    assert _value(snaks["P1476"][0]) == {"language": "und", "text": "Account smith"}
    assert _value(snaks["P577"][0])["precision"] == 9


@pytest.mark.parametrize(
    ("claimed", "calendar", "prop", "time", "precision", "model"),
    [
        ("1969-03-02", "gregorian", "P585", "+1969-03-02T00:00:00Z", 11, "Q1985727"),
        ("1969-03", "gregorian", "P585", "+1969-03-00T00:00:00Z", 10, "Q1985727"),
        ("1917-10-25", "julian", "P585", "+1917-10-25T00:00:00Z", 11, "Q1985786"),
        ("-0220", "gregorian", "P585", "-0221-00-00T00:00:00Z", 9, "Q1985727"),
        ("196X", "gregorian", "P585", "+1965-00-00T00:00:00Z", 8, "Q1985727"),
        ("1969-03-02/1969-03-15", "gregorian", "P580", "+1969-03-02T00:00:00Z", 11, "Q1985727"),
    ],
)
def test_wikidata_dates_keep_their_precision_and_calendar(
    claimed: str, calendar: str, prop: str, time: str, precision: int, model: str
) -> None:
    """Dates are Wikidata time values at their precision, Julian ones in the Julian model
    with their own day (not relabelled), BCE years without a year 0."""
    with _timeline() as tl:
        tl.add_event(id="x", when="1900", title="X")
        tl.cite("x", "smith", claims={"when": claimed}, calendar=calendar)
        (statement,) = _statements(tl, "x")[prop]
    value = _value(statement["mainsnak"])
    assert isinstance(value, dict)
    assert (value["time"], value["precision"]) == (time, precision)
    assert value["calendarmodel"] == f"http://www.wikidata.org/entity/{model}"
    if prop == "P580":
        (end,) = statement["qualifiers"]["P582"]
        assert _value(end)["time"] == "+1969-03-15T00:00:00Z"


def test_wikidata_marks_approximate_dates_sets_places_and_actors() -> None:
    """circa for an approximate date, earliest and latest days for a set or a season, a
    place named as its names with coordinates, actors named as their codes."""
    with _timeline() as tl:
        tl.add_event(id="x", when="1900", title="X")
        tl.cite("x", "smith", claims={"when": "1969-03~", "actors": "SUN:initiator, CHN"})
        place = {"name": {"en": "Zhenbao", "ru": "Даманский"}, "lat": 46.49, "lon": 133.84}
        tl.cite("x", "li", claims={"when": "[1969-03-02,1969-03-15]", "place": place})
        tl.cite("x", "ivanov", claims={"when": "1969-21"})
        claims = _statements(tl, "x")
    circa, one_of, spring = claims["P585"]
    assert _value(circa["qualifiers"]["P1480"][0])["id"] == "Q5727902"
    assert one_of["mainsnak"]["snaktype"] == "somevalue"
    earliest = one_of["qualifiers"]["P1319"][0]
    latest = one_of["qualifiers"]["P1326"][0]
    assert (_value(earliest)["time"], _value(latest)["time"]) == (
        "+1969-03-02T00:00:00Z",
        "+1969-03-15T00:00:00Z",
    )
    assert _value(spring["mainsnak"])["precision"] == 9
    assert "P1319" in spring["qualifiers"]
    (where,) = claims["P276"]
    named = [_value(s) for s in where["qualifiers"]["P1932"]]
    assert named == ["Zhenbao", "Даманский"]
    coordinates = _value(where["qualifiers"]["P625"][0])
    assert (coordinates["latitude"], coordinates["longitude"]) == (46.49, 133.84)
    (who,) = claims["P710"]
    assert [_value(s) for s in who["qualifiers"]["P1932"]] == ["SUN:initiator", "CHN"]


def test_a_chronology_as_of_a_past_seq_shows_the_claims_of_that_day() -> None:
    """as_of(k)'s documents show the accounts recorded by seq k, not those after."""
    with _timeline() as tl:
        before = tl.head().seq
        tl.cite("quiet", "ivanov", claims={"when": "1971-05"})
        after = tl.head().seq
        past = tl.as_of(before).chronology(between="1970")
        now = tl.as_of(after).chronology(between="1970")
    options = DocumentOptions(flavour="footnotes")
    assert "(disputed)" not in render(past, "markdown", options)
    assert "date (disputed): January 1970 (Smith) — May 1971 (Ivanov)" in render(
        now, "markdown", options
    )
