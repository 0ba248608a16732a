"""Dates as the source wrote them: revisions replace the phrase, documents print it."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from timeline import Timeline
from timeline.cli import cli
from timeline.dates import phrase_lang
from timeline.documents import DocumentOptions, render
from timeline.errors import DocumentError


@pytest.fixture
def tl() -> Iterator[Timeline]:
    timeline = Timeline.open(":memory:", author="tester")
    timeline.add_event(id="visit", when="early June 2019", title="Xi Jinping visits Moscow")
    timeline.add_event(
        id="ussr", when="1991年底", lang="zh", title={"zh": "苏联解体", "en": "The USSR ends"}
    )
    yield timeline
    timeline.close()


def test_revising_when_to_edtf_clears_the_phrase(tl: Timeline) -> None:
    """An EDTF `when` clears the phrase that described the old date."""
    assert tl.event("visit").when_text == "early June 2019"
    revised = tl.revise("visit", when="2019-06-05/2019-06-07", reason="exact days")
    assert revised.when_text == "" and tl.event("visit").when_text == ""
    assert [d.field for d in tl.history("visit")[-1].diffs] == ["when", "when_text"]


def test_revising_when_to_a_phrase_replaces_the_phrase(tl: Timeline) -> None:
    """A phrase as the new `when` becomes the new text as written."""
    tl.revise("visit", when="mid-June 2019", reason="later reading")
    assert tl.event("visit").when_text == "mid-June 2019"


def test_revising_when_with_when_text_keeps_the_given_text(tl: Timeline) -> None:
    """`when_text` given with `when` is what is stored."""
    tl.revise("visit", when="2019-06-05", when_text="5 June 2019", reason="the first day")
    assert tl.event("visit").when_text == "5 June 2019"


def test_cli_revise_when_clears_the_phrase(tmp_path: Path) -> None:
    """`timeline revise --when EDTF` leaves no stale "as written" beside the new date."""
    journal = str(tmp_path / "j.timeline")
    runner = CliRunner()
    for args in (
        ["init"],
        ["add-event", "early June 2019", "Xi Jinping visits Moscow", "--id", "visit"],
        ["revise", "visit", "--when", "2019-06-05/2019-06-07", "--reason", "exact days"],
    ):
        result = runner.invoke(cli, ["--journal", journal, *args])
        assert result.exit_code == 0, result.output
    shown = runner.invoke(cli, ["--journal", journal, "event", "visit"])
    assert "2019-06-05/2019-06-07" in shown.output and "as written" not in shown.output
    as_json = json.loads(
        runner.invoke(cli, ["--journal", journal, "event", "visit", "--json"]).output
    )
    assert as_json["when_text"] in ("", None)


def _markdown(tl: Timeline, **options: object) -> str:
    return render(tl.chronology(), "markdown", DocumentOptions(**options))  # type: ignore[arg-type]


def test_documents_print_the_phrase_not_a_more_precise_span(tl: Timeline) -> None:
    """Markdown, HTML and LaTeX print "early June 2019", never "1–10 June 2019"."""
    for fmt in ("markdown", "html", "latex"):
        text = render(tl.chronology(), fmt)
        assert "early June 2019" in text, fmt
        assert "1–10 June 2019" not in text and "1--10 June 2019" not in text, fmt


def test_computed_and_both_show_the_span_when_asked(tl: Timeline) -> None:
    """dates="computed" prints the span; dates="both" prints the phrase then the span."""
    assert "**1–10 June 2019**" in _markdown(tl, dates="computed")
    assert "early June 2019" not in _markdown(tl, dates="computed")
    assert "**early June 2019 (1–10 June 2019)**" in _markdown(tl, dates="both")


def test_a_phrase_shows_only_in_a_document_of_its_language(tl: Timeline) -> None:
    """A Chinese phrase shows in a Chinese document; an English one gets the computed label."""
    english = _markdown(tl)
    chinese = _markdown(tl, lang="zh")
    assert "**September–December 1991**" in english and "1991年底" not in english
    assert "**1991年底**" in chinese and "early June" not in chinese
    assert "**2019年6月1日—10日**" in chinese


def test_csv_keeps_machine_dates_beside_the_phrase(tl: Timeline) -> None:
    """CSV `date` is the printed label; `when`, `when_text`, `lower`, `upper` stay machine dates."""
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(render(tl.chronology(), "csv")))}
    visit = rows["visit"]
    assert visit["date"] == "early June 2019"
    assert (visit["when"], visit["when_text"]) == ("2019-06-01/2019-06-10", "early June 2019")
    assert (visit["lower"], visit["upper"]) == ("2019-06-01", "2019-06-10")
    computed = render(tl.chronology(), "csv", DocumentOptions(dates="computed"))
    assert (
        next(r for r in csv.DictReader(io.StringIO(computed)) if r["id"] == "visit")["date"]
        == "1–10 June 2019"
    )


def test_timelinejs_displays_the_phrase_and_keeps_exact_dates(tl: Timeline) -> None:
    """TimelineJS gets display_date "early June 2019" and the exact start and end fields."""
    document = json.loads(render(tl.chronology(), "timelinejs"))
    visit = next(e for e in document["events"] if e["unique_id"] == "visit")
    assert visit["display_date"] == "early June 2019"
    assert visit["start_date"] == {"year": 2019, "month": 6, "day": 1}
    assert visit["end_date"] == {"year": 2019, "month": 6, "day": 10}
    computed = json.loads(render(tl.chronology(), "timelinejs", DocumentOptions(dates="computed")))
    assert "display_date" not in next(e for e in computed["events"] if e["unique_id"] == "visit")


def test_cli_chronology_dates_option(tmp_path: Path) -> None:
    """`chronology --dates computed` prints the span; the default prints the phrase."""
    journal = str(tmp_path / "j.timeline")
    runner = CliRunner()
    runner.invoke(cli, ["--journal", journal, "init"])
    added = runner.invoke(
        cli, ["--journal", journal, "add-event", "early June 2019", "V", "--id", "v"]
    )
    assert added.exit_code == 0, added.output
    default = runner.invoke(cli, ["--journal", journal, "chronology"])
    computed = runner.invoke(cli, ["--journal", journal, "chronology", "--dates", "computed"])
    assert "**early June 2019**" in default.output
    assert "**1–10 June 2019**" in computed.output


def test_unknown_dates_option_is_refused() -> None:
    """DocumentOptions(dates=...) takes only as-written, computed or both."""
    with pytest.raises(DocumentError, match="dates='bounds'"):
        DocumentOptions(dates="bounds")


@pytest.mark.parametrize(
    ("text", "lang"),
    [("early June 2019", "en"), ("2019年6月初", "zh"), ("в начале июня 2019", "ru"), ("1969?", "")],
)
def test_phrase_lang_tells_the_script(text: str, lang: str) -> None:
    """phrase_lang: Chinese characters, Cyrillic, Latin letters, or none."""
    assert phrase_lang(text) == lang
