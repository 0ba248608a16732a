"""Bad input to the event readers is a one-line ImportFailed naming file, line and field;
valid input they refused before is read; nothing is written for a refused file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from timeline.cli import cli
from timeline.dates import HistoricalDate, format_edtf, parse_date, parse_edtf
from timeline.errors import ImportFailed, InvalidDate
from timeline.importing import parse_events

BAD = {
    "yaml unquoted invalid date": (
        "yaml",
        "event:\n- id: a\n  when: 2019-02-30\n  title: x\n",
        "line 2, event #1 (id 'a'), field 'when': 2019-02-30",
    ),
    "yaml unquoted invalid timestamp": (
        "yaml",
        "event:\n- id: a\n  when: 1969-03-02T25:00:00\n  title: x\n",
        "line 2, event #1 (id 'a'), field 'when': 1969-03-02T25:00:00",
    ),
    "yaml integer over 4,300 digits": (
        "yaml",
        "event:\n- id: a\n  when: '1969'\n  title: x\n  importance: " + "9" * 5000 + "\n",
        "line 2, event #1 (id 'a'), field 'importance': expected 1, 2 or 3",
    ),
    "toml impossible EDTF month": (
        "toml",
        '[[event]]\nid = "a"\nwhen = \'1969-99\'\ntitle = "x"\n',
        "line 1, event #1 (id 'a'), field 'when': 1969-99: month 99 does not exist",
    ),
    "csv quote never closed": (
        "csv",
        'id,when,title\na,1969,B\nb,1969,"Clash\nc,1970,C\nd,1971,D\n',
        "line 3: not valid CSV: a quote opened in the row starting here is never closed",
    ),
    "csv quote closed rows later": (
        "csv",
        'id,when,title\nb,1969,"Clash\nc,1970,C"\nd,1971,D\n',
        "line 2, field 'title': holds a line break (a quote left open?)",
    ),
    "csv stray quote": (
        "csv",
        'id,when,title\nb,1969,"Clash"es\n',
        "line 2: not valid CSV: ',' expected after '\"'",
    ),
    "csv cells beyond the header": (
        "csv",
        "id,when,title\nb,1969,Clash,extra,more\n",
        "line 2: 2 cell(s) beyond the 3 columns of the header",
    ),
    "csv NUL byte": (
        "csv",
        "id,when,title\nb,1969,Cl\x00ash\n",
        "line 2, field 'title': holds a NUL character",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_is_one_located_line(case: str) -> None:
    """Each bad input raises ImportFailed with one line naming the file, line and field."""
    fmt, text, where = BAD[case]
    with pytest.raises(ImportFailed) as caught:
        parse_events(text, fmt, source=f"events.{fmt}")
    message = str(caught.value)
    assert message.startswith(f"events.{fmt}: {where}"), message
    assert "\n" not in message


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_writes_nothing_from_the_cli(tmp_path: Path, case: str) -> None:
    """`timeline import` of a bad file exits 1 with one error line and creates no journal."""
    fmt, text, where = BAD[case]
    path = tmp_path / f"events.{fmt}"
    path.write_text(text, encoding="utf-8", newline="")
    journal = tmp_path / "j.timeline"
    result = CliRunner().invoke(cli, ["--journal", str(journal), "import", str(path)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {path}: {where}"), result.stderr
    assert result.stderr.count("\n") == 1
    assert not journal.exists()


@pytest.mark.parametrize("char", ["\u2028", "\u2029", "\u0085", "\x1c", "\x1d", "\x1e"])
def test_jsonl_reads_line_separators_inside_strings(char: str) -> None:
    """U+2028, U+0085 and the like are allowed unescaped in JSON strings; lines end at \\n."""
    text = json.dumps({"id": "a", "when": "1969", "title": f"A{char}B"}, ensure_ascii=False)
    text += "\r\n" + json.dumps({"id": "b", "when": "1970", "title": "C"}) + "\n"
    plan = parse_events(text, "jsonl", source="e.jsonl")
    assert [e.title.get("und") for e in plan.events] == [f"A{char}B", "C"]
    assert [str(plan.origin("events", n)) for n in range(2)] == ["e.jsonl:1", "e.jsonl:2"]


def test_yaml_unquoted_valid_dates_are_read_as_edtf() -> None:
    """An unquoted YAML date (1969-03-02) is the EDTF text it looks like."""
    plan = parse_events("event:\n- id: a\n  when: 1969-03-02\n  title: x\n", "yaml")
    assert plan.events[0].when == HistoricalDate(1969, 3, 2)


@pytest.mark.parametrize("year", [1800, 1900])
def test_julian_leap_days_from_files(year: int) -> None:
    """29 February 1800 and 1900 are Julian leap days: TOML, YAML and revisions read them."""
    toml = f'[[event]]\nid = "a"\nwhen = "{year}-02-29"\ncalendar = "julian"\ntitle = "x"\n'
    yaml = f"event:\n- id: a\n  when: {year}-02-29\n  calendar: julian\n  title: x\n"
    revision = (
        '[[event]]\nid = "a"\nwhen = "1900"\ntitle = "x"\n[[revision]]\nevent = "a"\n'
        f'reason = "r"\n[revision.set]\nwhen = "{year}-02-29"\ncalendar = "julian"\n'
    )
    expected = HistoricalDate(year, 2, 29, calendar="julian")
    assert parse_events(toml, "toml").events[0].when == expected
    assert parse_events(yaml, "yaml").events[0].when == expected
    assert dict(parse_events(revision, "toml").revisions[0].fields)["when"] == expected
    assert parse_edtf(f"{year}-02-29", calendar="julian") == expected


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("29 February 1900 O.S.", "en"),
        ("29 February 1900 (Old Style)", "en"),
        ("29 февраля 1900 г. по старому стилю", "ru"),
        ("1900年2月29日（俄历）", "zh"),
        ("俄历1900年2月29日", "zh"),
    ],
)
def test_julian_leap_days_from_phrases(text: str, lang: str) -> None:
    """A phrase marked Old Style reads its day in the Julian calendar (29 Feb 1900 = 13 March)."""
    assert format_edtf(parse_date(text, lang).when) == "1900-03-13 julian=1900-02-29"


def test_gregorian_29_february_1900_is_still_refused() -> None:
    """Without a Julian marker 1900 is not a leap year."""
    with pytest.raises(InvalidDate, match="1900 is not a leap year"):
        parse_date("29 February 1900")
    with pytest.raises(ImportFailed, match="1900 is not a leap year"):
        parse_events('[[event]]\nid = "a"\nwhen = "1900-02-29"\ntitle = "x"\n', "toml")
