"""The PostgreSQL views: the views contract against a real server, and what only they have."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from postgres import fresh_target

from timeline.testing.views import Story, ViewsContract, answers
from timeline.views import Views


class TestPostgresViews(ViewsContract):
    """The contract, each set of views in a schema of its own."""

    @pytest.fixture(autouse=True)
    def _server(self, postgres_url: str) -> Iterator[None]:
        self.url = postgres_url
        self.journals: list[Any] = []
        yield
        for journal in self.journals:
            journal.close()

    def make_views(self) -> Views:
        from timeline.domain import REGISTRY
        from timeline.journal import PostgresJournal
        from timeline.views import PostgresViews

        journal = PostgresJournal.open(fresh_target(self.url), registry=REGISTRY)
        self.journals.append(journal)
        views = PostgresViews(journal)
        views.open()
        return views


def test_hostile_text_is_stored_and_read_back_whole(postgres_target: str) -> None:
    """Quotes, backslashes, %, _, NUL and U+FFFF in titles, tags, keys and locators come
    back as they went in, and are found by search and filters."""
    from timeline.domain import REGISTRY
    from timeline.journal import PostgresJournal
    from timeline.views import EventQuery, PostgresViews, SQLiteViews

    key = "k:1_x"
    hostile = "a'b\"c\\d\x00e%f_g\uffff0h;--"
    with PostgresJournal.open(postgres_target, registry=REGISTRY) as journal:
        views = PostgresViews(journal)
        views.open()
        story = Story(views)
        story.record("e", title={"en": f"T {hostile}"}, summary={"ru": "ДОГОВОР"}, tags=("x_y.",))
        story.add(key, hostile)
        story.cite("e", key, hostile)
        view = views.event("e")
        assert view is not None and view.event.title.get("en") == f"T {hostile}"
        assert [(c.key, c.locator) for c in view.citations] == [(key, hostile)]
        for found in (hostile[1:], "%f_", "договор", "T A'B"):
            assert [v.event.id for v in views.events(EventQuery(text=found))] == ["e"], found
        assert views.events(EventQuery(text="x%")) == []
        assert [v.event.id for v in views.events(EventQuery(tags=["x_y."]))] == ["e"]
        assert views.events(EventQuery(citing=[key])) == [view]
        assert answers(views) == answers(SQLiteViews.in_memory(story.records))
        assert views.differences(story.records) == ()


def _pair(target: str, *, read_only: bool = False) -> tuple[Any, Any]:
    from timeline.domain import REGISTRY
    from timeline.journal import PostgresJournal
    from timeline.views import PostgresViews

    journal = PostgresJournal.open(target, registry=REGISTRY, read_only=read_only)
    views = PostgresViews(journal)
    views.open()
    return journal, views


def _record(journal: Any, views: Any, event_id: str, fail: bool = False) -> None:
    from timeline.dates import parse_edtf
    from timeline.domain import Event, EventRecorded, decode, encode

    change = EventRecorded(
        event=Event(id=event_id, when=parse_edtf("1969"), title={"en": "T"}),
        author="a",
        reason="r",
    )

    def then(records: Any) -> None:
        views.apply([(record, decode(record)) for record in records])
        if fail:
            raise RuntimeError("the command fails after its views were written")

    journal.append(change.stream, [encode(change)], then=then)


def test_views_are_written_in_the_records_transaction(postgres_target: str) -> None:
    """A command failing after its records and view rows were written leaves neither."""
    journal, views = _pair(postgres_target)
    with journal:
        _record(journal, views, "a")
        with pytest.raises(RuntimeError):
            _record(journal, views, "b", fail=True)
        assert journal.head().seq == views.checkpoint() == 1
        assert views.event("b") is None and views.event("a") is not None


def test_a_reader_sees_another_writers_events_without_reopening(postgres_target: str) -> None:
    """A second connection's (read-only) views answer with a commit made through the first."""
    from timeline.views import EventQuery

    writer, views = _pair(postgres_target)
    reader, seen = _pair(postgres_target, read_only=True)
    with writer, reader:
        assert seen.events(EventQuery()) == []
        _record(writer, views, "a")
        assert [v.event.id for v in seen.events(EventQuery())] == ["a"]
        assert seen.checkpoint() == reader.head().seq == 1
