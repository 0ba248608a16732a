"""Properties of the timeline over random command sequences (hypothesis)."""

from __future__ import annotations

import io
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citations import Contributor, Reference
from timeline.application import Timeline
from timeline.errors import DomainError
from timeline.journal import GENESIS_HASH, canonical_json
from timeline.testing.views import answers
from timeline.views import SQLiteViews

EVENT_IDS = ["a", "b", "c", "d"]
KEYS = ["k1", "k2", "k3"]
WHENS = ["1969", "1969-03-02", "2001-07-16", "2019-06~", "2021/2025", "-0220", "2022-02-24/.."]

commands = st.one_of(
    st.tuples(st.just("record"), st.sampled_from(EVENT_IDS), st.sampled_from(WHENS)),
    st.tuples(
        st.just("revise"),
        st.sampled_from(EVENT_IDS),
        st.sampled_from(WHENS),
        st.integers(1, 3),
    ),
    st.tuples(st.just("retract"), st.sampled_from(EVENT_IDS)),
    st.tuples(st.just("restore"), st.sampled_from(EVENT_IDS)),
    st.tuples(st.just("add_reference"), st.sampled_from(KEYS), st.sampled_from(["A", "B"])),
    st.tuples(st.just("amend_reference"), st.sampled_from(KEYS), st.sampled_from(["A", "C"])),
    st.tuples(st.just("merge"), st.sampled_from(KEYS), st.sampled_from(KEYS)),
    st.tuples(
        st.just("cite"),
        st.sampled_from(EVENT_IDS),
        st.sampled_from(KEYS),
        st.sampled_from(["", "p. 1", "fn. 2"]),
    ),
    st.tuples(
        st.just("uncite"),
        st.sampled_from(EVENT_IDS),
        st.sampled_from(KEYS),
        st.sampled_from(["", "p. 1"]),
    ),
)


def _reference(key: str, title: str) -> Reference:
    return Reference(key, "book", {"title": title, "date": "2001"}, [Contributor(literal="作者")])


def _run(tl: Timeline, command: tuple[Any, ...]) -> None:
    name, *args = command
    if name == "record":
        tl.add_event(id=args[0], when=args[1], title={"en": f"Event {args[0]}", "zh": "事件"})
    elif name == "revise":
        tl.revise(args[0], when=args[1], importance=args[2], reason="fix")
    elif name == "retract":
        tl.retract(args[0], reason="wrong")
    elif name == "restore":
        tl.restore(args[0], reason="right")
    elif name == "add_reference":
        tl.add_reference(_reference(args[0], args[1]))
    elif name == "amend_reference":
        tl.amend_reference(_reference(args[0], args[1]), reason="typo")
    elif name == "merge":
        tl.merge_references(args[0], args[1], reason="duplicate")
    elif name == "cite":
        tl.cite(args[0], args[1], locator=args[2])
    elif name == "uncite":
        tl.uncite(args[0], args[1], locator=args[2], reason="not there")


def _snapshot(views: Timeline | SQLiteViews) -> list[tuple[str, list[tuple[object, ...]]]]:
    if isinstance(views, Timeline):
        views = SQLiteViews(views.journal.connection)
    return list(views.snapshot())


def _fresh(records: list[Any]) -> SQLiteViews:
    return SQLiteViews.in_memory(records)


def _shown(tl: Timeline) -> tuple[Any, ...]:
    """What a timeline's queries show (events with flags and citations, references)."""
    every = tl.events(include_retracted=True)
    return (
        tl.head(),
        every,
        [(tl.is_retracted(event.id), tl.citations_of(event.id)) for event in every],
        tl.references(include_merged=True),
        tl.unsourced(),
        tl.chronology().entries,
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(commands, max_size=25), st.data())
def test_random_commands_keep_every_view_consistent(
    script: list[tuple[Any, ...]], data: st.DataObject
) -> None:
    """Refusals change nothing; incremental = rebuild = prefix+rest; as_of(k) = first k records."""
    tl = Timeline.open(":memory:", author="prop")
    try:
        for command in script:
            before = (tl.head(), _snapshot(tl))
            try:
                _run(tl, command)
            except DomainError:
                assert (tl.head(), _snapshot(tl)) == before
        records = list(tl.records())
        incremental = _snapshot(tl)
        assert _snapshot(_fresh(records)) == incremental

        split = data.draw(st.integers(0, len(records)))
        stepwise = _fresh(records[:split])
        assert stepwise.catch_up(records[split:])
        assert _snapshot(stepwise) == incremental

        past = tl.as_of(split)
        views = SQLiteViews(tl.journal.connection)
        assert answers(views, as_of=split) == answers(_fresh(records[:split]))

        dump = io.StringIO()
        tl.dump(dump)
        header, *lines = dump.getvalue().splitlines(keepends=True)
        head = records[split - 1].hash if split else GENESIS_HASH
        closing = canonical_json({"end": {"head": head, "records": split}}) + "\n"
        prefix = io.StringIO(header + "".join(lines[:split]) + closing)
        with Timeline.load(prefix, ":memory:") as fresh:
            assert _snapshot(fresh) == _snapshot(_fresh(records[:split]))
            assert _shown(fresh) == _shown(past)

        tl.rebuild()
        assert _snapshot(tl) == incremental
    finally:
        tl.close()
