"""Events written as an events file import back to the same events, citations and claims."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citations import Reference
from tests.strategies import event_states
from timeline import DocumentError, Timeline
from timeline.cli import cli
from timeline.domain import EventState
from timeline.importing import EXPORT_FORMATS, parse_events, read_import, write_events

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def _states(draw_ids: list[str]) -> st.SearchStrategy[list[Any]]:
    return st.tuples(*(event_states(event_id) for event_id in draw_ids)).map(list)


def _imported(text: str, fmt: str, states: list[EventState]) -> Timeline:
    timeline = Timeline.open(":memory:", author="t")
    keys = {citation.key for state in states for citation in state.citations}
    references = [Reference(key, "book", {"title": key}) for key in sorted(keys)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # drawn events may share a date and a title
        timeline.import_plan(parse_events(text, fmt, source=f"x.{fmt}"), references)
    return timeline


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.from_regex(r"[a-z][a-z0-9-]{0,8}", fullmatch=True), max_size=4, unique=True
    ).flatmap(_states),
    st.sampled_from(EXPORT_FORMATS),
)
def test_written_events_import_back_to_the_same_state(states: list[Any], fmt: str) -> None:
    """Any event, its citations and claims, written in any format and imported into an
    empty journal, come back equal; TOML and JSON Lines hold every event, CSV refuses
    (naming the event) what it cannot hold rather than losing it. Imported again into
    that journal, the file writes nothing."""
    try:
        text = write_events(states, fmt)
    except DocumentError as exc:
        assert fmt == "csv", exc
        assert "cannot be written as csv" in str(exc)
        return
    with _imported(text, fmt, states) as timeline:
        for state in states:
            assert timeline.event(state.event.id) == state.event
            assert timeline.citations_of(state.event.id) == list(state.citations)
            assert sorted(timeline.claims_of(state.event.id), key=lambda c: c.id) == sorted(
                state.claims, key=lambda c: c.id
            )
        head = timeline.head()
        timeline.import_plan(parse_events(text, fmt, source=f"x.{fmt}"))
        assert timeline.head() == head


def _run(journal: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--journal", str(journal), *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_editing_an_exported_file_records_only_the_edit(tmp_path: Path) -> None:
    """`export-events`, change one title in the file, `import` it: one event.revised of that
    title whose reason names the file's line; everything else unchanged."""
    journal = tmp_path / "j.timeline"
    _run(journal, "import-periodo", str(SEEDS / "prc-five-year-plans.jsonld"))
    _run(journal, "import", str(SEEDS / "references.bib"), str(SEEDS / "events.toml"))
    exported = tmp_path / "edit.toml"
    _run(journal, "export-events", "-o", str(exported))
    text = exported.read_text("utf-8")
    assert "Lord Palmerston" in text
    exported.write_text(text.replace("Lord Palmerston:", "Viscount Palmerston:", 1), "utf-8")
    with Timeline.open(journal) as timeline:
        head = timeline.head().seq
        summary = timeline.import_plan(read_import([exported]))
        (record,) = [r for r in timeline.records() if r.seq > head]
        total = len(timeline.events())
    assert (summary.changed, summary.unchanged, summary.added) == (1, total - 1, 0)
    assert record.kind == "event.revised" and list(record.payload["fields"]) == ["title"]
    assert record.payload["reason"] == f"imported from {exported}:1"


def test_csv_refuses_an_event_it_cannot_hold(tmp_path: Path) -> None:
    """The seed events have coordinates and claims: CSV names the first such event."""
    with Timeline.open(":memory:") as timeline:
        timeline.import_periodo(SEEDS / "prc-five-year-plans.jsonld")
        timeline.import_plan(read_import([SEEDS / "references.bib", SEEDS / "events.toml"]))
        with pytest.raises(DocumentError, match=r"cannot be written as csv.*use toml or jsonl"):
            timeline.export_events("csv")
        plain = timeline.export_events("csv", categories=["visit"], tags=["russia"])
    assert plain.startswith("id,when,when_text,original,")
