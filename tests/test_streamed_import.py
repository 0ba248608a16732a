"""A streamed import (issue 20): files read and written part by part in the one transaction,
with only hashes of what it has seen kept between parts, and a summary that counts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from timeline import Timeline
from timeline._seen import Seen
from timeline.errors import DuplicateEvent, ImportFailed, UnknownReference
from timeline.importing import ImportStream, import_into, read_import, stream_import

REFS = [{"id": "k1", "type": "book", "title": "One"}, {"id": "k2", "type": "book", "title": "Two"}]


@pytest.fixture(autouse=True)
def small_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Parts of 3 entries, so that a few lines make several parts."""
    monkeypatch.setattr("timeline.importing._entries.PART", 3)
    monkeypatch.setattr("timeline.importing._mapping.PART", 3)


def _files(tmp_path: Path, rows: list[dict[str, object]]) -> list[Path]:
    refs = tmp_path / "refs.json"
    refs.write_text(json.dumps(REFS), encoding="utf-8")
    events = tmp_path / "events.jsonl"
    events.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return [refs, events]


def _event(i: int, **more: object) -> dict[str, object]:
    return {"id": f"e{i}", "when": f"19{10 + i}-01-02", "title": f"Event {i}", **more}


@given(st.lists(st.text(max_size=4), max_size=300), st.booleans())
def test_seen_holds_what_was_added_and_nothing_else(values: list[str], small: bool) -> None:
    seen = Seen(small=small)
    added = [seen.add(value) for value in values]
    assert added == [value not in values[:n] for n, value in enumerate(values)]
    assert len(seen) == len(set(values))
    assert all(value in seen for value in values)
    assert sum(1 for _ in seen.hashes()) == len(set(values))


@pytest.mark.parametrize("small", [False, True])
def test_seen_grows_and_misses_nothing_it_holds(small: bool) -> None:
    values = [f"event-{n}" for n in range(100_000)]
    seen = Seen(small=small)
    for value in values:
        seen.add(value)
    assert all(value in seen for value in values)
    # 64-bit hashes of 100,000 strings do not collide; 32-bit ones about once
    assert len(seen) == len(values) if not small else len(seen) >= len(values) - 10
    assert sum(f"other-{n}" in seen for n in range(100_000)) <= (0 if not small else 10)


def test_a_stream_of_many_parts_records_what_the_whole_plan_records(tmp_path: Path) -> None:
    rows = [_event(i, citations=[f"k{1 + i % 2}@p. {i}"]) for i in range(10)]
    rows.insert(4, {"revision": {"event": "e8", "reason": "fix", "set": {"importance": 3}}})
    files = _files(tmp_path, rows)
    streamed = import_into(tmp_path / "streamed.timeline", stream_import(files))
    whole = import_into(tmp_path / "whole.timeline", read_import(files))
    assert streamed == whole
    assert (streamed.events, streamed.citations, streamed.revisions) == (10, 10, 1)
    with (
        Timeline.open(tmp_path / "streamed.timeline") as a,
        Timeline.open(tmp_path / "whole.timeline") as b,
    ):
        # each part writes its events then their citations: the order differs, not the records
        assert sorted((r.stream, r.kind) for r in a.records()) == sorted(
            (r.stream, r.kind) for r in b.records()
        )
        assert a.events() == b.events()
        assert a.event("e8").importance == 3
        assert a.verify().ok
    again = import_into(tmp_path / "streamed.timeline", stream_import(files))
    assert (again.records, again.unchanged, again.added) == (0, 12, 0)


def test_a_repeated_id_in_a_later_part_names_both_lines_and_writes_nothing(
    tmp_path: Path,
) -> None:
    rows = [_event(i) for i in range(8)] + [_event(1)]
    files = _files(tmp_path, rows)
    journal = tmp_path / "j.timeline"
    twice = r"events.jsonl:9: event id 'e1' is given twice in this import"
    with pytest.raises(DuplicateEvent, match=twice + r" \(first at .*events.jsonl:2\); nothing"):
        import_into(journal, stream_import(files))
    assert not journal.exists()


@pytest.mark.parametrize(
    ("bad", "error", "message"),
    [
        ('{"id": "e9", "when": "1969-13-40", "title": "x"}', ImportFailed, r"line 10 .*'when'"),
        (
            '{"id": "e9", "when": "1969", "title": "x", "citations": ["nokey@p. 1"]}',
            UnknownReference,
            r"events.jsonl:10: no reference with key 'nokey'",
        ),
    ],
)
def test_a_bad_row_in_the_last_part_rolls_back_every_part(
    tmp_path: Path, bad: str, error: type[Exception], message: str
) -> None:
    journal = tmp_path / "j.timeline"
    with Timeline.open(journal, author="me") as tl:
        tl.add_event(id="held", when="1900", title="Held before")
        head = tl.head().seq
    files = _files(tmp_path, [_event(i) for i in range(9)])
    with files[1].open("a", encoding="utf-8") as out:
        out.write(bad + "\n")
    with pytest.raises(error, match=message):
        import_into(journal, stream_import(files))
    with Timeline.open(journal) as tl:
        assert tl.head().seq == head
        assert [e.id for e in tl.events()] == ["held"]


def test_the_summary_lists_the_first_entries_and_counts_them_all(tmp_path: Path) -> None:
    files = _files(tmp_path, [_event(i) for i in range(10)])
    summary = import_into(tmp_path / "j.timeline", stream_import(files), listed=4)
    assert [entry.id for entry in summary.entries] == ["k1", "k2", "e0", "e1"]
    assert (summary.added, summary.unlisted) == (12, 8)


def test_events_gone_from_a_streamed_file_are_found_after_every_part(tmp_path: Path) -> None:
    journal = tmp_path / "j.timeline"
    files = _files(tmp_path, [_event(i) for i in range(10)])
    import_into(journal, stream_import(files))
    _files(tmp_path, [_event(i) for i in range(10) if i not in (2, 7)])
    summary = import_into(journal, stream_import(files), retract_missing=True)
    assert [(e.status, e.id) for e in summary.entries] == [("retracted", "e2"), ("retracted", "e7")]
    assert (summary.unchanged, summary.records) == (10, 2)


def test_a_whole_plan_is_a_stream_of_one_part_each() -> None:
    plan = read_import([])
    stream = ImportStream.of(plan)
    assert stream.collect() == plan


def test_csl_json_read_in_batches_equals_it_read_whole(tmp_path: Path) -> None:
    """Keys, keys given to records without one (a Zotero URI id), order and values agree."""
    from citations import read_bibtex
    from citations.csl import iter_csl_json, read_csl_json, write_csl_json

    refs = read_bibtex(Path("seeds/references.bib")).references
    records = json.loads(write_csl_json(refs))
    for n in range(0, len(records), 3):
        records[n]["id"] = f"http://zotero.org/users/1/items/ITEM{n}"
    path = tmp_path / "refs.json"
    path.write_text(json.dumps(records, indent=1), encoding="utf-8")
    batches = list(iter_csl_json(path, size=7))
    assert {len(batch) for batch in batches[:-1]} == {7}
    assert tuple(ref for batch in batches for ref in batch) == read_csl_json(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[{"id": "a", "type": "book"},\n{"id": "b" "type": "book"}]', r"bad.json:2: .*delimiter"),
        ('[{"id": "a", "type": "book"}\n {"id": "b"}]', r"bad.json:2: malformed JSON: expecting"),
        ('[{"id": "a", "type": "book"}]\n[]', r"bad.json:2: malformed JSON: text after the array"),
        ('[{"id": "a", "type": "book"}, 3]', r"record 2: expected an object"),
        ('[{"id": "a", "type": "book"},', r"bad.json:1: malformed JSON"),
    ],
)
def test_a_csl_json_fault_met_in_a_batch_names_its_line_or_record(
    tmp_path: Path, text: str, message: str
) -> None:
    from citations.csl import iter_csl_json

    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(Exception, match=message) as caught:
        list(iter_csl_json(path))
    assert type(caught.value).__name__ == "CSLJSONParseError"


def test_the_command_lists_n_entries_and_says_how_many_more(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from timeline.cli import cli

    files = [str(path) for path in _files(tmp_path, [_event(i) for i in range(5)])]
    journal = ["--journal", str(tmp_path / "j.timeline")]
    runner = CliRunner()
    planned = runner.invoke(cli, [*journal, "import", "--dry-run", "--list", "2", *files])
    assert planned.exit_code == 0, planned.output
    lines = planned.output.splitlines()
    assert [line.split(" (")[0] for line in lines[:2]] == [
        "added reference k1",
        "added reference k2",
    ]
    assert lines[2] == "... and 5 more (--list N lists more)"
    shown = runner.invoke(cli, [*journal, "import", "--json", "--list", "0", *files])
    report = json.loads(shown.output)
    assert (report["entries"], report["unlisted"], report["added"]) == ([], 7, 7)
