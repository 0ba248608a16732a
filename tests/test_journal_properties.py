"""Property tests: the journal against an in-memory model, and dump/load round trips."""

from __future__ import annotations

import io
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from timeline.errors import VersionConflict
from timeline.journal import ANY, NO_STREAM, Draft, Journal

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**53), 2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)
payloads = st.dictionaries(st.text(max_size=6), json_values, max_size=4)
kinds = st.sampled_from(["note.added", "note.removed", "event.recorded"])
drafts = st.builds(Draft, kinds, payloads)
streams = st.sampled_from(["a", "b", "c", "事件:1"])


class JournalMachine(RuleBasedStateMachine):
    """Random interleaved appends with right and wrong expectations, checked against a model."""

    def __init__(self) -> None:
        super().__init__()
        self.journal = Journal.open(":memory:")
        self.model: list[tuple[str, int, str, Any]] = []  # stream, version, kind, payload

    def version(self, stream: str) -> int:
        return sum(1 for row in self.model if row[0] == stream)

    @rule(stream=streams, batch=st.lists(drafts, min_size=1, max_size=4), how=st.integers(0, 3))
    def append(self, stream: str, batch: list[Draft], how: int) -> None:
        actual = self.version(stream)
        expected: Any = [ANY, actual, NO_STREAM, actual + 1][how]
        fits = how in (0, 1) or (how == 2 and actual == 0)
        try:
            stored = self.journal.append(stream, batch, expected_version=expected)
        except VersionConflict as exc:
            assert not fits and exc.actual == actual and exc.stream == stream
            return
        assert fits
        first_seq = len(self.model) + 1
        for offset, (record, item) in enumerate(zip(stored, batch, strict=True), start=1):
            self.model.append((stream, actual + offset, item.kind, item.payload))
            assert record.seq == first_seq + offset - 1
            assert record.version == actual + offset

    @precondition(lambda self: self.model)
    @rule(data=st.data())
    def retry_is_idempotent(self, data: st.DataObject) -> None:
        record = data.draw(st.sampled_from(list(self.journal.read())))
        again = self.journal.append(
            record.stream, [Draft(record.kind, record.payload, record.record_id)]
        )
        assert again == (record,)

    @invariant()
    def matches_model(self) -> None:
        records = list(self.journal.read())
        assert [(r.stream, r.version, r.kind, r.payload) for r in records] == self.model
        assert self.journal.head().seq == len(self.model)

    @invariant()
    def verifies(self) -> None:
        assert self.journal.verify().ok

    def teardown(self) -> None:
        self.journal.close()


TestJournalMachine = JournalMachine.TestCase
TestJournalMachine.settings = settings(
    max_examples=40, stateful_step_count=10, deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)  # fmt: skip


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(streams, st.lists(drafts, min_size=1, max_size=3)), max_size=8))
def test_load_of_dump_is_identical(batches: list[tuple[str, list[Draft]]]) -> None:
    """load(dump(j)) holds the same records, hash for hash, and dumps to the same text."""
    with Journal.open() as journal, Journal.open() as copy:
        for stream, batch in batches:
            journal.append(stream, batch)
        text = io.StringIO()
        count = journal.dump(text)
        assert count == journal.head().seq
        text.seek(0)
        assert Journal.load(text, into=copy) == count
        assert list(copy.read()) == list(journal.read())
        assert copy.head() == journal.head()
        again = io.StringIO()
        copy.dump(again)
        assert again.getvalue() == text.getvalue()
