"""``Timeline.diff`` and ``timeline diff``: what changed between two states of the journal."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from citations import Reference
from timeline import Timeline
from timeline.cli import cli


def _timeline(path: Path | str = ":memory:") -> Timeline:
    tl = Timeline.open(path, author="me")
    tl.add_reference(Reference("lukin2018", "book", {"title": "China and Russia"}))
    tl.add_reference(Reference("dup2018", "book", {"title": "China & Russia"}))
    tl.add_event(id="a", when="1969-03-02", title="Clash")
    tl.add_event(id="b", when="2001", title="Treaty")
    return tl


def _changes(tl: Timeline) -> None:
    tl.revise("a", importance=3, reason="it mattered")
    tl.cite("a", "lukin2018", locator="p. 1", claims={"_casualties": 31})
    tl.retract("b", reason="a duplicate")
    tl.add_event(id="c", when="2019", title="Visit")
    tl.amend_reference(
        Reference("lukin2018", "book", {"title": "China and Russia", "date": "2018"}), reason="r"
    )
    tl.merge_references("dup2018", "lukin2018", reason="the same book")


def test_diff_lists_each_event_and_reference_that_changed_with_its_fields() -> None:
    """Revised (fields, citations, claims), retracted, added events; amended and merged
    references; one entry each, in the order first changed; nothing before ``since``."""
    with _timeline() as tl:
        since = tl.head().seq
        _changes(tl)
        found = {(d.kind, d.id): d for d in tl.diff(since)}
        assert [(d.status, d.kind, d.id) for d in tl.diff(since)] == [
            ("changed", "event", "a"),
            ("retracted", "event", "b"),
            ("added", "event", "c"),
            ("changed", "reference", "lukin2018"),
            ("merged", "reference", "dup2018"),
        ]
        fields = [d.field for d in found["event", "a"].diffs]
        assert fields == ["importance", "citations", "claim a/lukin2018@p. 1#_casualties"]
        assert [(d.old, d.new) for d in found["reference", "lukin2018"].diffs] == [(None, "2018")]
        assert found["reference", "dup2018"].diffs[-1].new == "lukin2018"
        middle = since + 2
        assert [d.id for d in tl.diff(since, middle)] == ["a"]
        assert tl.diff(tl.head().seq) == []


def test_the_command_prints_text_json_and_markdown(tmp_path: Path) -> None:
    """`timeline diff --since seq:N` prints a line per change, `--format json` data and
    `--format md` a "what changed since" page; `--until` bounds it."""
    journal = tmp_path / "j.timeline"
    with _timeline(journal) as tl:
        since = tl.head().seq
        _changes(tl)
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(cli, ["--journal", str(journal), "diff", *args])
        assert result.exit_code == 0, result.output
        return result.stdout

    text = run("--since", f"seq:{since}").splitlines()
    assert text[0] == "changed event a: importance: 2 → 3; citations: — → a/lukin2018@p. 1; " + (
        "claim a/lukin2018@p. 1#_casualties: — → 31 (supports, normal)"
    )
    assert text[1] == "retracted event b: retracted: false → true"
    rows = json.loads(
        run("--since", f"seq:{since}", "--until", f"seq:{since + 1}", "--format", "json")
    )
    assert rows == [
        {"status": "changed", "kind": "event", "id": "a",
         "changes": {"importance": {"old": 2, "new": 3}}}
    ]  # fmt: skip
    page = run("--since", f"seq:{since}", "--format", "md").splitlines()
    assert page[0] == f"# What changed since seq:{since}"
    assert page[2].startswith("- changed event a: importance: 2 → 3")
