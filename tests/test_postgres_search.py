"""PostgreSQL text search through event_grams: the same answers as the substring scan."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from postgres import fresh_target

from timeline.testing.views import Story

#: Latin, Cyrillic (Ё and ё too) and Chinese letters, both cases, and a space.
_LETTERS = "aAbBsSßЁёДдОоГгВвРрЯя年月日交恶条约 "
#: (not only spaces: an event's title needs a text in one language at least)
_TEXT = st.text(st.sampled_from(_LETTERS), min_size=1, max_size=12).filter(str.strip)
_TEXTS = st.fixed_dictionaries({}, optional={lang: _TEXT for lang in ("en", "ru", "zh")})


def _swapped(text: str, flips: list[bool]) -> str:
    return "".join(
        c.swapcase() if flip else c for c, flip in zip(text, flips * len(text), strict=False)
    )


@pytest.fixture
def pg(postgres_url: str) -> Iterator[Any]:
    """A function opening new views in a schema of their own (closed at the end)."""
    from timeline.domain import REGISTRY
    from timeline.journal import PostgresJournal
    from timeline.views import PostgresViews

    journals: list[Any] = []

    def views(target: str | None = None) -> Any:
        journal = PostgresJournal.open(target or fresh_target(postgres_url), registry=REGISTRY)
        journals.append(journal)
        found = PostgresViews(journal)
        found.open()
        return found

    yield views
    for journal in journals:
        journal.close()


def _ids(views: Any, text: str, as_of: int | None) -> list[str]:
    from timeline.views import EventQuery

    return [view.event.id for view in views.events(EventQuery(text=text), as_of=as_of)]


def _scanned(views: Any, text: str, as_of: int | None) -> list[str]:
    """What the search answers with event_grams marked behind (so it scans every row)."""
    conn = views._journal.connection
    with conn.transaction(force_rollback=True):
        conn.execute(
            f'UPDATE "{views._journal.target.schema}".readmodel_checkpoint '
            "SET value = -1 WHERE name = 'grams'"
        )
        return _ids(views, text, as_of)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    events=st.lists(st.tuples(_TEXTS, _TEXTS), min_size=1, max_size=4),
    revised=st.lists(st.tuples(st.integers(0, 3), _TEXTS), max_size=3),
    picks=st.lists(
        st.tuples(
            st.integers(0, 3),
            st.integers(0, 11),
            st.integers(1, 12),
            st.lists(st.booleans(), min_size=1, max_size=3),
        ),
        min_size=1,
        max_size=6,
    ),
)
def test_the_indexed_search_answers_as_the_scan(
    pg: Any,
    events: list[tuple[dict[str, str], dict[str, str]]],
    revised: list[tuple[int, dict[str, str]]],
    picks: list[tuple[int, int, int, list[bool]]],
) -> None:
    """Substrings of the titles and summaries (1, 2 and more characters, case swapped),
    searched at the head and as of before the revisions, find what the scan finds."""
    views = pg()
    try:
        _search_as_the_scan(views, events, revised, picks)
    finally:
        views._journal.close()


def _search_as_the_scan(
    views: Any,
    events: list[tuple[dict[str, str], dict[str, str]]],
    revised: list[tuple[int, dict[str, str]]],
    picks: list[tuple[int, int, int, list[bool]]],
) -> None:
    from timeline.domain import EventRevised, LocalizedText

    story = Story(views)
    for n, (title, summary) in enumerate(events):
        events[n] = (title or {"en": "x"}, summary)
        story.record(f"e{n}", title=events[n][0], summary=summary)
    first = story.records[-1].seq
    for n, title in revised:
        if n < len(events) and title:
            story(
                EventRevised(
                    event_id=f"e{n}",
                    fields={"title": LocalizedText.of(title)},
                    author="a",
                    reason="r",
                )
            )
    texts = [t for title, summary in events for t in (*title.values(), *summary.values())]
    texts += [t for _, title in revised for t in title.values()]
    queries = {"ёд", "ss", "条约", "Ё"}
    for which, start, size, flips in picks:
        text = texts[which % len(texts)]
        queries.add(_swapped(text[start : start + size], flips))
    for text in sorted(queries):
        for as_of in (None, first):
            assert _ids(views, text, as_of) == _scanned(views, text, as_of), (text, as_of)
    assert views.differences(story.records) == ()


def test_the_search_reads_event_grams(pg: Any) -> None:
    """An event whose bigram rows are gone is not found (the index is used), and
    differences() names its slot; a scan still finds it."""
    views = pg()
    story = Story(views)
    story.record("a", title={"ru": "Договор о ненападении"}, summary={"zh": "中苏条约"})
    story.record("b", title={"en": "Treaty"})
    assert _ids(views, "ДОГОВОР", None) == ["a"] == _ids(views, "苏条", None)
    schema = views._journal.target.schema
    conn = views._journal.connection
    (slot,) = conn.execute(
        f'SELECT slot FROM "{schema}".event_text WHERE lang = %s', ("ru",)
    ).fetchone()
    conn.execute(f'DELETE FROM "{schema}".event_grams WHERE slot = %s AND gram = %s', (slot, "го"))
    assert _ids(views, "договор", None) == []
    assert _ids(views, "ненапад", None) == ["a"]
    assert _scanned(views, "договор", None) == ["a"]
    assert views.differences(story.records) == (
        f"event_grams rows of slot={slot!r} are not the bigrams of its event_text row",
    )


def test_a_schema_without_event_grams_gets_it_on_a_writable_open(
    pg: Any, postgres_url: str
) -> None:
    """Views made before event_grams (no table, no 'grams' row) are searched by a scan
    when opened read-only, and indexed by the next writable open."""
    from timeline.domain import REGISTRY
    from timeline.journal import PostgresJournal
    from timeline.views import PostgresViews

    target = fresh_target(postgres_url)
    views = pg(target)
    story = Story(views)
    story.record("a", title={"ru": "Ёлка"}, summary={"en": "Winter"})
    story.record("b", title={"zh": "交恶"})
    schema = views._journal.target.schema
    conn = views._journal.connection
    conn.execute(f'DROP TABLE "{schema}".event_grams')
    conn.execute(f"""DELETE FROM "{schema}".readmodel_checkpoint WHERE name = 'grams'""")
    with PostgresJournal.open(target, registry=REGISTRY, read_only=True) as journal:
        reader = PostgresViews(journal)
        reader.open()
        assert _ids(reader, "ёЛ", None) == ["a"]
    assert conn.execute("SELECT to_regclass(%s)", (f"{schema}.event_grams",)).fetchone() == (None,)
    opened = pg(target)
    assert _ids(opened, "ёЛ", None) == ["a"] == _ids(opened, "WINT", None)
    rows = conn.execute(f'SELECT count(*) FROM "{schema}".event_grams').fetchone()
    assert rows == (len({"ёл", "лк", "ка"}) + len({"wi", "in", "nt", "te", "er"}) + 1,)
    assert opened.differences(story.records) == ()


def test_a_write_by_a_version_without_event_grams_makes_searches_scan(
    pg: Any, postgres_url: str
) -> None:
    """Rows written without their bigrams (the 'grams' checkpoint left behind) are found
    by the scan searches fall back to, and the next writable open fills the index again."""
    target = fresh_target(postgres_url)
    views = pg(target)
    story = Story(views)
    story.record("a", title={"en": "Alpha"})
    schema = views._journal.target.schema
    conn = views._journal.connection
    story.record("b", title={"en": "Beta"})
    (slot,) = conn.execute(
        f'SELECT slot FROM "{schema}".event_text WHERE event_id = %s', ("b",)
    ).fetchone()
    conn.execute(f'DELETE FROM "{schema}".event_grams WHERE slot = %s', (slot,))
    conn.execute(
        f"""UPDATE "{schema}".readmodel_checkpoint SET value = value - 1 WHERE name = 'grams'"""
    )
    story.record("c", title={"en": "Gamma"})
    assert _ids(views, "bet", None) == ["b"]
    assert views.differences(story.records) == ()
    reopened = pg(target)
    marks = f"""SELECT value FROM "{schema}".readmodel_checkpoint WHERE name = %s"""
    assert conn.execute(marks, ("grams",)).fetchone() == conn.execute(marks, ("seq",)).fetchone()
    assert _ids(reopened, "bet", None) == ["b"]
    assert reopened.differences(story.records) == ()
