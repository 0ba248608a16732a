"""Derived event ids are readable in every script; an event like another is kept with a warning."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from timeline import PossibleDuplicateEvent, Timeline, TimelineWarning
from timeline.cli import cli
from timeline.importing import parse_events


@pytest.fixture
def tl() -> Iterator[Timeline]:
    timeline = Timeline.open(":memory:", author="tester")
    yield timeline
    timeline.close()


@pytest.mark.parametrize(
    ("title", "lang", "expected"),
    [
        ("珍宝岛事件", "zh", "1969-03-02-zhen-bao-dao-shi-jian"),
        ("Бои на острове Даманский", "ru", "1969-03-02-boi-na-ostrove-damanskiy"),
        (
            {"zh": "珍宝岛事件", "en": "Zhenbao Island clash"},
            "zh",
            "1969-03-02-zhenbao-island-clash",
        ),
        ("Ёж и ель", "ru", "1969-03-02-yezh-i-yel"),
    ],
)
def test_ids_from_chinese_and_russian_titles_are_readable(
    tl: Timeline, title: str | dict[str, str], lang: str, expected: str
) -> None:
    """Chinese titles give pinyin, Russian BGN/PCGN; an English title is preferred."""
    assert tl.add_event(when="1969-03-02", title=title, lang=lang).id == expected


def test_a_long_title_is_cut_at_a_word(tl: Timeline) -> None:
    """The words part stops at a whole word within 48 characters."""
    event = tl.add_event(when="1950-02-14", title="中苏友好同盟互助条约有效期", lang="zh")
    assert event.id == "1950-02-14-zhong-su-you-hao-tong-meng-hu-zhu-tiao-yue-you"


def test_same_date_and_title_warns_and_keeps_both(tl: Timeline) -> None:
    """A second event with the date and title of the first is recorded, with a warning naming it."""
    first = tl.add_event(when="1969-03-02", title="珍宝岛事件", lang="zh")
    with pytest.warns(PossibleDuplicateEvent, match=f"title of '{first.id}'"):
        second = tl.add_event(when="1969-03-02", title=" 珍宝岛事件 ", lang="zh")
    assert second.id == first.id + "-2"
    assert [e.id for e in tl.events()] == [first.id, second.id]


def test_titles_match_in_the_languages_both_have(tl: Timeline) -> None:
    """Titles match when they agree in every language both have, ignoring case."""
    tl.add_event(id="a", when="1969-03-02", title={"en": "Zhenbao clash", "zh": "珍宝岛事件"})
    with pytest.warns(PossibleDuplicateEvent):
        tl.add_event(id="b", when="1969-03-02", title={"en": "zhenbao CLASH"})
    with warnings.catch_warnings():
        warnings.simplefilter("error", TimelineWarning)
        tl.add_event(id="c", when="1969-03-02", title={"en": "Another clash", "zh": "珍宝岛事件"})


def test_a_retracted_match_is_named_as_retracted(tl: Timeline) -> None:
    """The warning says when the matching event is retracted (restore it instead?)."""
    tl.add_event(id="a", when="1969-03-02", title="Clash")
    tl.retract("a", reason="mistake")
    with pytest.warns(PossibleDuplicateEvent, match=r"'a' \(retracted\)"):
        tl.add_event(id="b", when="1969-03-02", title="Clash")


@pytest.mark.parametrize(
    ("when", "title"),
    [("1969-03-03", "Clash"), ("1969-03", "Clash"), ("1969-03-02", "Another clash")],
)
def test_another_date_or_title_does_not_warn(tl: Timeline, when: str, title: str) -> None:
    """Only the same date (not just overlapping) and the same title warn."""
    tl.add_event(id="a", when="1969-03-02", title="Clash")
    with warnings.catch_warnings():
        warnings.simplefilter("error", TimelineWarning)
        tl.add_event(id="b", when=when, title=title)


def test_a_taken_id_raises_without_a_warning(tl: Timeline) -> None:
    """A duplicate id is refused; no warning about the date and title comes first."""
    tl.add_event(id="a", when="1969-03-02", title="Clash")
    with warnings.catch_warnings():
        warnings.simplefilter("error", TimelineWarning)
        with pytest.raises(Exception, match="already exists"):
            tl.add_event(id="a", when="1969-03-02", title="Clash")


def test_import_warns_naming_the_file_and_line(tl: Timeline) -> None:
    """An imported event like another warns with its file and line."""
    text = (
        '{"id": "a", "when": "1969-03-02", "title": "Clash"}\n'
        '{"id": "b", "when": "1969-03-02", "title": "Clash"}\n'
    )
    with pytest.warns(PossibleDuplicateEvent, match=r"^e\.jsonl:2: event 'b' .* of 'a'"):
        tl.import_plan(parse_events(text, "jsonl", source="e.jsonl"))
    assert [e.id for e in tl.events()] == ["a", "b"]


def test_cli_add_prints_the_warning_on_stderr(tmp_path: Path) -> None:
    """`timeline add` of a look-alike exits 0 and prints one `warning:` line."""
    journal = str(tmp_path / "j.timeline")
    runner = CliRunner()
    assert runner.invoke(cli, ["--journal", journal, "init"]).exit_code == 0
    first = runner.invoke(cli, ["--journal", journal, "add-event", "1969-03-02", "Clash"])
    second = runner.invoke(cli, ["--journal", journal, "add-event", "1969-03-02", "Clash"])
    assert first.exit_code == 0 and "warning" not in first.stderr
    assert second.exit_code == 0
    assert second.stdout.strip() == "1969-03-02-clash-2"
    assert second.stderr.startswith("warning: event '1969-03-02-clash-2' has the date 1969-03-02")
    assert second.stderr.count("\n") == 1
