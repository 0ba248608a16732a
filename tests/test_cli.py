"""The ``timeline`` command line, run in-process with click's runner on real journals."""

from __future__ import annotations

import hashlib
import json
import os
import pty
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

import click
import pytest
from click.testing import CliRunner, Result

from citations import read_bibtex
from timeline.cli import (
    BIBLIOGRAPHY_FORMATS,
    CHRONOLOGY_DATES,
    CHRONOLOGY_FORMATS,
    CHRONOLOGY_GROUPINGS,
    WRITE_COMMANDS,
    cli,
)

BIB = """\
@article{ouyang2021feilianmeng,
  author = {欧阳, 向英},
  title = {非联盟国家深度合作可行性探究},
  journaltitle = {俄罗斯学刊},
  date = {2021},
  langid = {chinese},
}
@online{mfa2001treaty,
  author = {{中华人民共和国外交部}},
  title = {中俄睦邻友好合作条约},
  url = {https://www.mfa.gov.cn/},
  urldate = {2021-05-01},
  date = {2001-07-16},
}
"""

EVENTS = """\
[[event]]
id = "1969-03-02-zhenbao"
when = "1969-03-02"
category = "conflict"
importance = 3
actors = ["CHN", "SUN"]
tags = ["border"]
title = { en = "Zhenbao Island clash", zh = "珍宝岛事件" }
[[event.citations]]
key = "ouyang2021feilianmeng"
locator = "fn. 12"
claims = { when = "1969-03-15", _casualties = 31 }

[[event]]
id = "2001-07-16-treaty"
when = "2001-07-16"
category = "treaty"
importance = 3
actors = ["CHN:signatory", "RUS:signatory"]
tags = ["treaty"]
title = { en = "Treaty of Good-Neighbourliness signed", zh = "中俄睦邻友好合作条约签署" }
[[event.citations]]
key = "ouyang2021feilianmeng"
locator = "§2"
[[event.citations]]
key = "mfa2001treaty"

[[event]]
id = "2019-06-visit"
when = "2019-06"
when_text = "early June 2019"
category = "visit"
title = { en = "Xi Jinping visits Moscow" }
[[event.citations]]
key = "ouyang2021feilianmeng"
locator = "§3"

[[revision]]
event = "2019-06-visit"
reason = "the state visit was 5-7 June 2019"
[revision.set]
when = "2019-06-05/2019-06-07"
"""

MADE_AT = "2024-01-02T03:04:05Z"


def run(journal: Path, *args: str) -> Result:
    """Invoke the CLI on ``journal`` with stdout and stderr kept apart."""
    return CliRunner().invoke(cli, ["--journal", str(journal), *args], catch_exceptions=False)


def ok(journal: Path, *args: str) -> Result:
    """Invoke the CLI and require exit code 0."""
    result = run(journal, *args)
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result


@pytest.fixture
def sources(tmp_path: Path) -> tuple[Path, Path]:
    """A small .bib and events.toml written to disk."""
    bib, events = tmp_path / "refs.bib", tmp_path / "events.toml"
    bib.write_text(BIB, encoding="utf-8")
    events.write_text(EVENTS, encoding="utf-8")
    return bib, events


@pytest.fixture
def journal(tmp_path: Path, sources: tuple[Path, Path]) -> Path:
    """A journal holding the small data set."""
    path = tmp_path / "j.timeline"
    ok(path, "import", *map(str, sources))
    return path


def test_import_reports_counts_and_stays_quiet_when_piped(
    tmp_path: Path, sources: tuple[Path, Path]
) -> None:
    """`import` records references, events, citations and revisions; no progress bar in a pipe."""
    result = ok(tmp_path / "new.timeline", "import", *map(str, sources))
    assert "2 references, 3 events, 4 citations, 2 claims, 1 revisions" in result.stdout
    assert result.stderr == ""


def test_list_json_is_in_historical_order(journal: Path) -> None:
    """`list --json` prints the events oldest first with their citations."""
    events = json.loads(ok(journal, "events", "--json").stdout)
    assert [e["id"] for e in events] == ["1969-03-02-zhenbao", "2001-07-16-treaty", "2019-06-visit"]
    assert events[1]["citations"][1]["key"] == "mfa2001treaty"
    assert events[2]["when"] == "2019-06-05/2019-06-07"


def test_list_piped_is_tab_separated(journal: Path) -> None:
    """Without a terminal, `events` prints a header and one tab-separated line per event."""
    lines = ok(journal, "events", "--category", "treaty").stdout.splitlines()
    assert lines[0].split("\t") == ["id", "when", "category", "imp.", "title"]
    assert lines[1].split("\t")[:3] == ["2001-07-16-treaty", "2001-07-16", "treaty"]
    assert len(lines) == 2


def test_list_filters_and_search(journal: Path) -> None:
    """Filters narrow `events`; `search` finds words in titles, in any language."""
    between = json.loads(ok(journal, "events", "--between", "2000/2010", "--json").stdout)
    assert [e["id"] for e in between] == ["2001-07-16-treaty"]
    actor = json.loads(ok(journal, "events", "--actor", "SUN", "--json").stdout)
    assert [e["id"] for e in actor] == ["1969-03-02-zhenbao"]
    found = json.loads(ok(journal, "search", "珍宝岛", "--json").stdout)
    assert [e["id"] for e in found] == ["1969-03-02-zhenbao"]


@pytest.mark.parametrize(
    ("args", "warning"),
    [
        (
            ("--category", "treatyy"),
            "warning: --category 'treatyy': no event has this category; did you mean 'treaty'?",
        ),
        (
            ("--actor", "CHN:host"),
            "warning: --actor 'CHN:HOST': no event has this actor; did you mean 'CHN'?",
        ),
        (("--tag", "no-such-tag"), "warning: --tag 'no-such-tag': no event has this tag"),
    ],
)
@pytest.mark.parametrize("command", [("events",), ("search", "a"), ("chronology",)])
def test_unknown_filter_values_are_named_on_stderr(
    journal: Path, command: tuple[str, ...], args: tuple[str, ...], warning: str
) -> None:
    """A --category, --actor or --tag value no event has is named on stderr; exit 0, no events."""
    result = ok(journal, *command, *args, "--between", "1960/1970")
    assert result.stderr.splitlines() == [warning]
    assert "Zhenbao" not in result.stdout


def test_known_filter_values_matching_nothing_warn_nothing(journal: Path) -> None:
    """Known values combined so that nothing matches give an empty list and no warning."""
    result = ok(
        journal, "events", "--category", "treaty", "--tag", "border", "--actor", "CHN", "--json"
    )
    assert json.loads(result.stdout) == []
    assert result.stderr == ""


def test_add_cite_show_and_history(journal: Path) -> None:
    """`add-event` prints the new id; `cite`, `revise` and `history` follow the event's changes."""
    new_id = ok(
        journal,
        "add-event",
        "2022-02-04",
        "Joint statement on a new era",
        "--category",
        "statement",
    ).stdout.strip()
    assert new_id == "2022-02-04-joint-statement-on-a-new-era"
    ok(journal, "cite", new_id, "ouyang2021feilianmeng", "--locator", "p. 7")
    ok(journal, "revise", new_id, "--importance", "3", "--reason", "a landmark")
    shown = json.loads(ok(journal, "event", new_id, "--json").stdout)
    assert shown["importance"] == 3
    assert shown["citations"][0]["locator"] == "p. 7"
    text = ok(journal, "event", new_id).stdout
    assert "ouyang2021feilianmeng, p. 7" in text
    changes = json.loads(ok(journal, "history", new_id, "--json").stdout)
    assert [c["kind"] for c in changes] == ["event.recorded", "citation.added", "event.revised"]
    assert changes[2]["reason"] == "a landmark"
    assert changes[2]["changes"]["importance"] == {"old": 2, "new": 3}


def test_revise_title_in_one_language_keeps_the_others(journal: Path) -> None:
    """`revise --title --lang zh` replaces only the Chinese title."""
    ok(
        journal,
        "revise",
        "2019-06-visit",
        "--title",
        "习近平访问莫斯科",
        "--lang",
        "zh",
        "--reason",
        "zh",
    )
    title = json.loads(ok(journal, "event", "2019-06-visit", "--json").stdout)["title"]
    assert title["text"] == {"en": "Xi Jinping visits Moscow", "zh": "习近平访问莫斯科"}
    assert title["original"] == ""


def test_retract_and_restore(journal: Path) -> None:
    """A retracted event leaves `events`, stays with --include-retracted; `restore` undoes it."""
    ok(journal, "retract", "1969-03-02-zhenbao", "--reason", "test")
    ids = [e["id"] for e in json.loads(ok(journal, "events", "--json").stdout)]
    assert "1969-03-02-zhenbao" not in ids
    every = json.loads(ok(journal, "events", "--include-retracted", "--json").stdout)
    assert every[0]["retracted"] is True
    ok(journal, "restore", "1969-03-02-zhenbao", "--reason", "back")
    assert len(json.loads(ok(journal, "events", "--json").stdout)) == 3


def test_as_of_shows_the_past(journal: Path) -> None:
    """--as-of seq:N and --as-of INSTANT show the timeline as it stood then."""
    head = json.loads(ok(journal, "stats", "--json").stdout)["records"]
    past = json.loads(
        ok(journal, "--as-of", f"seq:{head - 1}", "event", "2019-06-visit", "--json").stdout
    )
    assert past["when"] == "2019-06"
    assert past["when_text"] == "early June 2019"
    at_start = json.loads(ok(journal, "--as-of", "seq:0", "events", "--json").stdout)
    assert at_start == []
    early = json.loads(ok(journal, "--as-of", "2000-01-01T00:00:00Z", "events", "--json").stdout)
    assert early == []


#: Arguments that make each command succeed on the `journal` fixture (after
#: ``--journal J --as-of seq:N``); ``{tmp}`` is the test's folder. Every command
#: of the CLI must be here, so a new one cannot miss the --as-of check.
AS_OF_ARGS: dict[str, tuple[str, ...]] = {
    "init": ("--journal", "{tmp}/new.timeline", "init"),
    "import": ("import", "{tmp}/more.bib"),
    "add-event": ("add-event", "2022-02-04", "Joint statement"),
    "revise": ("revise", "2019-06-visit", "--importance", "3", "--reason", "r"),
    "retract": ("retract", "1969-03-02-zhenbao", "--reason", "r"),
    "restore": ("restore", "2019-06-visit", "--reason", "r"),
    "cite": ("cite", "2019-06-visit", "mfa2001treaty"),
    "uncite": ("uncite", "2001-07-16-treaty", "mfa2001treaty", "--reason", "r"),
    "load": ("--journal", "{tmp}/loaded.timeline", "load", "{tmp}/dump.jsonl"),
    "copy": ("copy", "{tmp}/j.timeline", "{tmp}/copied.timeline"),
    "rebuild": ("rebuild",),
    "seed": ("seed", "{tmp}/seed-out", "--seeds", "{tmp}/seeds"),
    "event": ("event", "2019-06-visit"),
    "events": ("events",),
    "diff": ("diff", "--since", "seq:1"),
    "export-events": ("export-events", "--format", "jsonl"),
    "search": ("search", "Zhenbao"),
    "history": ("history", "2019-06-visit"),
    "chronology": ("chronology", "--made-at", MADE_AT),
    "bibliography": ("bibliography",),
    "duplicates": ("duplicates",),
    "verify": ("verify",),
    "dump": ("dump",),
    "stats": ("stats",),
    "references": ("references", "--include-merged"),
    "reference": ("reference", "mfa2001treaty"),
    "amend-reference": ("amend-reference", "mfa2001treaty", "--set", "note=N", "--reason", "r"),
    "merge-references": (
        "merge-references",
        "mfa2001treaty",
        "ouyang2021feilianmeng",
        "--reason",
        "r",
    ),
    "events-citing": ("events-citing", "mfa2001treaty"),
    "unsourced": ("unsourced",),
    "claim": ("claim", "2001-07-16-treaty", "mfa2001treaty", "when=2001-07-16"),
    "revise-claim": (
        "revise-claim",
        "1969-03-02-zhenbao",
        "ouyang2021feilianmeng",
        "when",
        "--locator",
        "fn. 12",
        "--rank",
        "doubted",
        "--reason",
        "r",
    ),
    "withdraw-claim": (
        "withdraw-claim",
        "1969-03-02-zhenbao",
        "ouyang2021feilianmeng",
        "_casualties",
        "--locator",
        "fn. 12",
        "--reason",
        "r",
    ),
    "follow": (
        "follow",
        "1969-03-02-zhenbao",
        "ouyang2021feilianmeng",
        "when",
        "--locator",
        "fn. 12",
        "--reason",
        "r",
    ),
    "claims-of": ("claims-of", "1969-03-02-zhenbao"),
    "evidence": ("evidence", "1969-03-02-zhenbao", "when"),
    "disputes": ("disputes",),
    "define-period": ("define-period", "Thaw", "--start", "1953", "--end", "1964"),
    "revise-period": ("revise-period", "cold-war", "--end", "1989", "--reason", "r"),
    "retract-period": ("retract-period", "cold-war", "--reason", "r"),
    "period": ("period", "cold-war"),
    "periods": ("periods", "--label", "Cold War"),
    "import-periodo": (
        "import-periodo",
        str(Path(__file__).parent / "data" / "periodo-sample.jsonld"),
    ),
    "export-periodo": ("export-periodo",),
}


def _files(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (journals with their -wal) and the hash of its bytes.

    ``-shm`` files are left out: SQLite rewrites that shared-memory index on reads
    and removes it on close. So is an empty ``-wal``: a read-only opening (``verify``)
    creates one and may not remove it; it holds nothing.
    """
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
        and not path.name.endswith("-shm")
        and not (path.name.endswith("-wal") and path.stat().st_size == 0)
    }


def test_as_of_table_names_every_command() -> None:
    """The --as-of test below runs every command the CLI has, and nothing else (but serve,
    which runs until stopped: tests/test_web_pages.py checks that --as-of refuses it)."""
    commands = cli.list_commands(click.Context(cli))
    assert set(AS_OF_ARGS) | {"serve"} == set(commands)
    assert WRITE_COMMANDS.issubset(commands)


@pytest.mark.parametrize("command", sorted(AS_OF_ARGS))
def test_as_of_never_writes(
    journal: Path, tmp_path: Path, sources: tuple[Path, Path], command: str
) -> None:
    """Under --as-of every write command exits 1 naming --as-of; no command changes a byte."""
    bib, events = sources
    (tmp_path / "more.bib").write_text("@book{other2020x, title = {T}, date = {2020}}\n")
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "references.bib").write_bytes(bib.read_bytes())
    (tmp_path / "seeds" / "events.toml").write_bytes(events.read_bytes())
    ok(journal, "dump", "-o", str(tmp_path / "dump.jsonl"))
    ok(journal, "retract", "2019-06-visit", "--reason", "so that restore has work")
    ok(journal, "define-period", "Cold War", "--id", "cold-war", "--start", "1947")
    head = json.loads(ok(journal, "stats", "--json").stdout)["records"]
    args = [a.replace("{tmp}", str(tmp_path)) for a in AS_OF_ARGS[command]]
    before = _files(tmp_path)
    result = run(journal, "--as-of", f"seq:{head}", *args)
    assert _files(tmp_path) == before
    if command in WRITE_COMMANDS:
        assert result.exit_code == 1, (result.stdout, result.stderr)
        assert result.stderr.startswith("error: ")
        assert "--as-of" in result.stderr
        assert len(result.stderr.splitlines()) == 1
        assert result.stdout == ""
    else:
        assert result.exit_code == 0, (result.stdout, result.stderr)
    without = run(journal, *args)
    assert without.exit_code == 0, (without.stdout, without.stderr)
    assert (_files(tmp_path) != before) == (command in WRITE_COMMANDS)


@pytest.mark.parametrize(
    ("moment", "says"),
    [
        ("yesterday", "not an ISO 8601 date or instant"),
        ("seq:x", "record number"),
        ("2022-13-01", "not an ISO 8601 date or instant"),
        ("P1D", "not a date or an instant"),
        ("0001-01-01T00:00:00+05:00", "outside the years 1 to 9999 in UTC"),
        ("9999-12-31T23:00:00-05:00", "outside the years 1 to 9999 in UTC"),
    ],
)
def test_bad_as_of_is_a_usage_error(journal: Path, moment: str, says: str) -> None:
    """An --as-of that is neither seq:N nor an ISO instant in range exits 2, no traceback."""
    result = run(journal, "--as-of", moment, "events")
    assert result.exit_code == 2
    assert "--as-of" in result.stderr
    assert says in result.stderr


def test_as_of_reads_instants_in_any_zone(journal: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An offset names the instant; without one the time is local to --tz, else to $TZ."""
    last = json.loads(ok(journal, "history", "2019-06-visit", "--json").stdout)[-1]
    recorded = datetime.fromisoformat(last["recorded_at"])
    shanghai = recorded.astimezone(ZoneInfo("Asia/Shanghai"))
    every = ok(journal, "events", "--json").stdout

    def listed(*args: str) -> str:
        return ok(journal, *args, "events", "--json").stdout

    assert listed("--as-of", shanghai.isoformat()) == every
    assert listed("--as-of", recorded.isoformat().replace("+00:00", "Z")) == every
    a_minute_before = (shanghai - timedelta(minutes=1)).replace(tzinfo=None).isoformat()
    assert json.loads(listed("--tz", "Asia/Shanghai", "--as-of", a_minute_before)) == []
    assert listed("--tz", "America/New_York", "--as-of", a_minute_before) == every  # 13 h later
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    assert json.loads(listed("--as-of", a_minute_before)) == []
    assert json.loads(listed("--as-of", "0001-01-01T00:00:00-05:00")) == []
    assert listed("--as-of", "9999-12-31") == every
    unknown = run(journal, "--tz", "Mars/Olympus", "--as-of", "2022-01-01", "events")
    assert unknown.exit_code == 2
    assert "'Mars/Olympus' is not an IANA time zone" in unknown.stderr


def test_history_shows_recorded_at_in_the_users_zone(journal: Path) -> None:
    """The history table shows recorded_at in --tz with its offset; --json keeps UTC."""
    entries = json.loads(ok(journal, "history", "2019-06-visit", "--json").stdout)
    recorded = datetime.fromisoformat(entries[0]["recorded_at"])
    assert recorded.utcoffset() == timedelta(0)
    table = ok(journal, "--tz", "Asia/Shanghai", "history", "2019-06-visit").stdout
    local = recorded.astimezone(ZoneInfo("Asia/Shanghai"))
    assert table.splitlines()[1].split("\t")[1] == f"{local:%Y-%m-%d %H:%M:%S} +08:00"


def test_import_refuses_an_encoding_the_file_is_not_in(
    tmp_path: Path, sources: tuple[Path, Path]
) -> None:
    """--encoding utf-16 on a UTF-8 .bib (and utf-8 on a UTF-16 one) is refused, naming the file."""
    bib, _events = sources
    path = tmp_path / "refused.timeline"
    result = run(path, "import", "--encoding", "utf-16", str(bib))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {bib}: ")
    assert "UTF-8" in result.stderr
    assert not path.exists()
    wide = tmp_path / "wide.bib"
    wide.write_bytes(BIB.encode("utf-16"))
    result = run(path, "import", str(wide))
    assert result.exit_code == 1
    assert f"{wide}: " in result.stderr
    assert not path.exists()
    no_bom = tmp_path / "wide-le.bib"
    no_bom.write_bytes(BIB.encode("utf-16-le"))
    result = run(path, "import", "--encoding", "utf-8", str(no_bom))
    assert (result.exit_code, f"{no_bom}: " in result.stderr) == (1, True)
    assert "imported 2 references" in ok(path, "import", "--encoding", "utf-16", str(wide)).stdout
    assert run(tmp_path / "x.timeline", "import", "--encoding", "nonsense", str(bib)).exit_code == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("event", "nope"), "error: no event with id 'nope'"),
        (("cite", "2019-06-visit", "missing2020key"), "error: no reference with key"),
        (("retract", "2019-06-visit", "--reason", " "), "needs a reason"),
        (("add-event", "2019-02-29", "Impossible day"), "error: "),
        (("init",), "already exists"),
    ],
)
def test_errors_are_one_line_on_stderr(journal: Path, args: tuple[str, ...], message: str) -> None:
    """Refused commands print one `error:` line to stderr, no traceback, and exit with 1."""
    result = run(journal, *args)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert message in result.stderr
    assert result.stderr.startswith("error: ")
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_missing_journal_is_an_error_and_is_not_created(tmp_path: Path) -> None:
    """Queries on a journal that does not exist fail without creating the file."""
    path = tmp_path / "absent.timeline"
    result = run(path, "events")
    assert result.exit_code == 1
    assert "timeline init" in result.stderr
    assert not path.exists()


def test_failed_import_writes_nothing(tmp_path: Path, sources: tuple[Path, Path]) -> None:
    """An import citing an unknown reference fails and leaves no journal (or an unchanged one)."""
    bib, _events = sources
    bad = tmp_path / "bad.toml"
    bad.write_text(EVENTS.replace('key = "mfa2001treaty"', 'key = "nobody1999x"'), "utf-8")
    fresh = tmp_path / "fresh.timeline"
    result = run(fresh, "import", str(bib), str(bad))
    assert result.exit_code == 1
    assert "nobody1999x" in result.stderr
    assert "nothing was imported" in result.stderr
    assert not fresh.exists()

    existing = tmp_path / "existing.timeline"
    ok(existing, "import", str(bib))
    before = ok(existing, "stats", "--json").stdout
    assert run(existing, "import", str(bad)).exit_code == 1
    assert ok(existing, "stats", "--json").stdout == before


def test_import_rejects_unknown_suffix_and_bad_toml(tmp_path: Path) -> None:
    """Files the importer cannot read are refused with the file named."""
    odd = tmp_path / "events.txt"
    odd.write_text("x", "utf-8")
    result = run(tmp_path / "j.timeline", "import", str(odd))
    assert result.exit_code == 1
    assert "events.txt" in result.stderr
    broken = tmp_path / "broken.toml"
    broken.write_text("[[event]\n", "utf-8")
    result = run(tmp_path / "j.timeline", "import", str(broken))
    assert result.exit_code == 1
    assert "broken.toml" in result.stderr
    assert not (tmp_path / "j.timeline").exists()


@pytest.mark.parametrize("fmt", sorted(CHRONOLOGY_FORMATS))
def test_chronology_formats_are_reproducible(journal: Path, tmp_path: Path, fmt: str) -> None:
    """Every --format writes a file; with a fixed --made-at two runs give the same bytes."""
    first, second = tmp_path / f"a.{fmt}", tmp_path / f"b.{fmt}"
    ok(journal, "chronology", "--format", fmt, "--made-at", MADE_AT, "-o", str(first))
    ok(journal, "chronology", "--format", fmt, "--made-at", MADE_AT, "-o", str(second))
    assert first.read_bytes() == second.read_bytes()
    text = first.read_text(encoding="utf-8")
    assert "Zhenbao" in text or "zhenbao" in text


def test_chronology_md_is_self_contained_and_pandoc_cites(journal: Path) -> None:
    """`md` writes footnotes with formatted references; `pandoc` writes [@key] citations."""
    md = ok(journal, "chronology", "--format", "md", "--made-at", MADE_AT).stdout
    pandoc = ok(journal, "chronology", "--format", "pandoc", "--made-at", MADE_AT).stdout
    assert "[@ouyang2021feilianmeng" in pandoc
    assert "[@ouyang2021feilianmeng" not in md
    assert "[^" in md


def test_chronology_reads_the_references_an_earlier_process_formatted(journal: Path) -> None:
    """`chronology` keeps formatted references in JOURNAL-formatted; a new process reads them
    (the stored texts are altered here to show it formats nothing) and `bibliography` too."""
    command = [sys.executable, "-m", "timeline", "--journal", str(journal)]
    chronology = [*command, "chronology", "--format", "md", "--made-at", MADE_AT]
    first = subprocess.run(chronology, capture_output=True, text=True, check=True).stdout
    cache = journal.with_name(journal.name + "-formatted")
    with sqlite3.connect(cache) as conn:
        conn.execute("UPDATE formatted SET text = 'Stored ' || substr(key, 1, 1)")
    again = subprocess.run(chronology, capture_output=True, text=True, check=True).stdout
    assert "Ouyang" in first or "欧阳" in first
    notes = [line for line in again.splitlines() if line.startswith(("[^", "- "))]
    assert "Stored c" in again and notes and not [line for line in notes if "欧阳" in line]
    listing = [*command, "bibliography", "--format", "text"]
    bibliography = subprocess.run(listing, capture_output=True, text=True, check=True).stdout
    assert bibliography == "Stored e\n" * 2


def test_source_date_epoch_sets_made_at(journal: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """$SOURCE_DATE_EPOCH stands in for --made-at."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1704164645")  # 2024-01-02T03:04:05Z
    from_env = ok(journal, "chronology", "--format", "html").stdout
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    explicit = ok(journal, "chronology", "--format", "html", "--made-at", MADE_AT).stdout
    assert from_env == explicit


@pytest.mark.parametrize("fmt", ["bibtex", "biblatex"])
def test_bibliography_reads_back(journal: Path, tmp_path: Path, fmt: str) -> None:
    """`bibliography` writes every reference, which the BibTeX reader reads back."""
    out = tmp_path / "out.bib"
    ok(journal, "bibliography", "--format", fmt, "-o", str(out))
    keys = sorted(ref.key for ref in read_bibtex(out).references)
    assert keys == ["mfa2001treaty", "ouyang2021feilianmeng"]


def test_bibliography_cited_only(journal: Path, tmp_path: Path) -> None:
    """`bibliography --cited` leaves out references no event cites."""
    ok(journal, "uncite", "2001-07-16-treaty", "mfa2001treaty", "--reason", "test")
    text = ok(journal, "bibliography", "--cited").stdout
    assert "ouyang2021feilianmeng" in text
    assert "mfa2001treaty" not in text


def test_dump_load_verify_rebuild(journal: Path, tmp_path: Path) -> None:
    """A dump loads into an identical journal that verifies; rebuild keeps the same state."""
    dump = tmp_path / "dump.jsonl"
    ok(journal, "dump", "-o", str(dump))
    copy = tmp_path / "copy.timeline"
    ok(copy, "load", str(dump))
    assert ok(copy, "stats", "--json").stdout == ok(journal, "stats", "--json").stdout
    assert ok(copy, "verify").stdout.startswith("ok: ")
    before = ok(copy, "events", "--json").stdout
    assert "rebuilt" in ok(copy, "rebuild").stdout
    assert ok(copy, "events", "--json").stdout == before
    assert run(copy, "load", str(dump)).exit_code == 1  # never over an existing journal


def test_load_of_an_edited_dump_fails_and_leaves_nothing(journal: Path, tmp_path: Path) -> None:
    """A dump whose records were edited is refused, and no journal is left behind."""
    dump = tmp_path / "dump.jsonl"
    ok(journal, "dump", "-o", str(dump))
    text = dump.read_text("utf-8")
    dump.write_text(text.replace("Zhenbao Island clash", "Zhenbao Island incident"), "utf-8")
    target = tmp_path / "edited.timeline"
    result = run(target, "load", str(dump))
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ")
    assert not target.exists()


def test_stats_counts(journal: Path) -> None:
    """`stats --json` counts events, citations, references and records."""
    stats = json.loads(ok(journal, "stats", "--json").stdout)
    assert stats["events"] == 3
    assert stats["citations"] == 4
    assert stats["references"] == 2
    assert stats["unsourced"] == 0
    assert stats["categories"] == {"conflict": 1, "treaty": 1, "visit": 1}
    assert stats["first"] == "1969-03-02"


def test_journal_from_environment(journal: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """$TIMELINE_JOURNAL names the journal when --journal is not given."""
    monkeypatch.setenv("TIMELINE_JOURNAL", str(journal))
    result = CliRunner().invoke(cli, ["events", "--json"])
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)) == 3


def test_seed_writes_the_three_outputs(tmp_path: Path, sources: tuple[Path, Path]) -> None:
    """`seed OUTDIR --seeds DIR` imports and writes chronology.md, .html and references.bib."""
    bib, events = sources
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "references.bib").write_text(bib.read_text("utf-8"), "utf-8")
    (seeds / "events.toml").write_text(events.read_text("utf-8"), "utf-8")
    out = tmp_path / "out"
    ok(tmp_path / "unused", "seed", str(out), "--seeds", str(seeds), "--made-at", MADE_AT)
    assert sorted(p.name for p in out.iterdir()) == [
        "chronology.html",
        "chronology.md",
        "references.bib",
        "seed.timeline",
    ]
    assert len(read_bibtex(out / "references.bib").references) == 2
    assert "Zhenbao" in (out / "chronology.md").read_text("utf-8")


def test_python_dash_m_runs_the_cli(tmp_path: Path) -> None:
    """`python -m timeline` is the same command line."""
    done = subprocess.run(
        [sys.executable, "-m", "timeline", "--journal", str(tmp_path / "x.timeline"), "init"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "x.timeline").exists()


def test_duplicates_lists_pairs_with_reasons(journal: Path, tmp_path: Path) -> None:
    """`duplicates --json` reports two keys for one work with the reasons."""
    twin = tmp_path / "twin.bib"
    twin.write_text(BIB.split("@online")[0].replace("ouyang2021feilianmeng", "ouyang2021twin"))
    ok(journal, "import", str(twin))
    pairs = json.loads(ok(journal, "duplicates", "--json").stdout)
    assert [sorted((p["a"], p["b"])) for p in pairs] == [
        ["ouyang2021feilianmeng", "ouyang2021twin"]
    ]
    assert pairs[0]["reasons"]
    assert json.loads(ok(journal, "duplicates", "--json").stdout) == pairs


#: Modules that take long to import: pypinyin's dictionaries, pybtex, rich, YAML,
#: pendulum, and sqlite-utils (which imports pandas and numpy whenever they are installed).
HEAVY = ("pypinyin", "pybtex", "rich", "pandas", "numpy", "sqlite_utils", "yaml", "pendulum")


def _imported_by(*args: str) -> set[str]:
    """The top-level modules a fresh interpreter has imported after running the CLI."""
    code = (
        "import sys\nfrom timeline.cli import main\n"
        f"try:\n    main({list(args)!r})\nexcept SystemExit:\n    pass\n"
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(done.stdout.splitlines()[-1].split())


def test_help_imports_no_heavy_module() -> None:
    """`timeline --help` imports click and the CLI, none of the heavy libraries."""
    imported = _imported_by("--help")
    assert "click" in imported
    assert imported.isdisjoint(HEAVY), imported.intersection(HEAVY)


def test_list_imports_no_bibliography_or_terminal_module(journal: Path) -> None:
    """A small query (`events`, piped) imports no pypinyin, pybtex, rich, YAML or pendulum."""
    imported = _imported_by("--journal", str(journal), "events")
    assert "sqlite3" in imported
    light = {"pypinyin", "pybtex", "rich", "yaml", "pendulum"}
    assert imported.isdisjoint(light), imported.intersection(light)


def test_choices_repeated_for_a_fast_start_match_the_documents() -> None:
    """The --format, --group-by and --dates choices the CLI spells out equal the library's."""
    from timeline.documents import options

    assert BIBLIOGRAPHY_FORMATS == options.BIBLIOGRAPHY_FORMATS
    assert options.GROUPINGS == CHRONOLOGY_GROUPINGS
    assert CHRONOLOGY_DATES == options.DATES


def test_history_json_holds_json_values_and_null(journal: Path) -> None:
    """`history --json` gives each old and new value as JSON (lists, numbers), null if unset."""
    ok(journal, "revise", "2019-06-visit", "--tag", "visit", "--tag", "moscow", "--reason", "t")
    changes = json.loads(ok(journal, "history", "2019-06-visit", "--json").stdout)
    recorded, _cited, revised_when, retagged = changes
    assert recorded["changes"]["when"] == {"old": None, "new": "2019-06"}
    assert recorded["changes"]["title"]["old"] is None
    assert recorded["changes"]["title"]["new"]["text"] == {"en": "Xi Jinping visits Moscow"}
    assert recorded["changes"]["importance"] == {"old": None, "new": 2}
    assert revised_when["changes"]["when"] == {"old": "2019-06", "new": "2019-06-05/2019-06-07"}
    assert revised_when["changes"]["when_text"] == {"old": "early June 2019", "new": None}
    assert retagged["changes"]["tags"] == {"old": [], "new": ["moscow", "visit"]}
    table = ok(journal, "history", "2019-06-visit").stdout
    assert 'tags: [] → ["moscow", "visit"]' in table


def test_list_and_show_json_carry_iso_bounds(journal: Path, tmp_path: Path) -> None:
    """`events`/`event --json` give ISO `lower`/`upper` days beside the EDTF, null if open."""
    events = {e["id"]: e for e in json.loads(ok(journal, "events", "--json").stdout)}
    visit = events["2019-06-visit"]
    assert (visit["when"], visit["lower"], visit["upper"]) == (
        "2019-06-05/2019-06-07",
        "2019-06-05",
        "2019-06-07",
    )
    ok(journal, "add-event", "../-0220", "Before Qin", "--id", "before-qin")
    shown = json.loads(ok(journal, "event", "before-qin", "--json").stdout)
    assert (shown["lower"], shown["upper"]) == (None, "-0220-12-31")


HOSTILE_TITLE = "[/b] [bold]x \x1b[31mred\x1b[0m \x9b31m \u202eexe.txt \x07"


def _on_a_terminal(*args: str) -> tuple[int, str]:
    """Run the CLI with stdout on a pseudo-terminal; its exit code and what it printed."""
    leader, follower = pty.openpty()
    env = {**os.environ, "COLUMNS": "200", "TERM": "xterm"}
    process = subprocess.Popen(
        [sys.executable, "-m", "timeline", *args],
        stdout=follower,
        stderr=subprocess.PIPE,
        env=env,
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    stderr = process.communicate()[1].decode()
    code = process.returncode
    assert "Traceback" not in stderr, stderr
    return code, b"".join(chunks).decode("utf-8", "replace")


def test_data_is_printed_as_data_on_a_terminal(journal: Path) -> None:
    """Markup and control characters in a title are shown, never acted on, on a terminal."""
    ok(journal, "add-event", "2020-01-01", HOSTILE_TITLE, "--id", "hostile")
    code, shown = _on_a_terminal("--journal", str(journal), "events")
    assert code == 0
    assert "[/b] [bold]x" in shown
    assert "\\x1b[31mred\\x1b[0m" in shown
    assert "\x1b[31mred" not in shown
    assert "\\x9b31m" in shown and "\x9b" not in shown
    assert "\\u202eexe.txt" in shown and "\u202e" not in shown
    assert "\x07" not in shown


@pytest.mark.parametrize("command", [("events",), ("event", "hostile"), ("history", "hostile")])
def test_data_is_printed_as_data_when_piped(journal: Path, command: tuple[str, ...]) -> None:
    """Piped text output escapes control characters too; JSON keeps them as \\u escapes."""
    ok(journal, "add-event", "2020-01-01", HOSTILE_TITLE, "--id", "hostile")
    text = ok(journal, *command).stdout
    assert "\\x1b[31mred" in text or command[0] == "history"
    for raw in ("\x1b", "\x9b", "\u202e", "\x07"):
        assert raw not in text
    data = ok(journal, *command, "--json").stdout
    for raw in ("\x1b", "\x9b", "\u202e", "\x07"):
        assert raw not in data
    assert json.dumps(HOSTILE_TITLE)[1:-1] in json.dumps(json.loads(data))  # the value is kept


def _many_events(tmp_path: Path, count: int) -> Path:
    """A journal of ``count`` events: `events` prints far more than a pipe holds."""
    events = tmp_path / "many.toml"
    events.write_text(
        "".join(
            f'[[event]]\nid = "e{n:05d}"\nwhen = "1900"\ntitle = {{ en = "Event {n}" }}\n'
            for n in range(count)
        ),
        "utf-8",
    )
    path = tmp_path / "many.timeline"
    ok(path, "import", str(events))
    return path


def test_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    """`timeline events | head -1`: the reader leaves after one line; exit 0, nothing on stderr."""
    path = _many_events(tmp_path, 3000)
    process = subprocess.Popen(
        [sys.executable, "-m", "timeline", "--journal", str(path), "events"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.readline() == b"id\twhen\tcategory\timp.\ttitle\n"
    process.stdout.close()  # what head does after its line
    with process.stderr:
        stderr = process.stderr.read()
    assert process.wait() == 0
    assert stderr == b""


@pytest.mark.parametrize(
    ("fmt", "writer"), [("md", "write_markdown"), ("html", "write_html"), ("latex", "write_latex")]
)
def test_a_chronology_failing_part_way_leaves_the_output_file_as_it_was(
    journal: Path, monkeypatch: pytest.MonkeyPatch, fmt: str, writer: str
) -> None:
    """Markdown, HTML and LaTeX are written as they are made: the file is replaced only
    once it is complete."""
    import timeline.documents
    from timeline.errors import DocumentError

    def failing(chronology: object, out: TextIO, options: object = None) -> int:
        out.write("# half a document")
        raise DocumentError("failed part way")

    monkeypatch.setattr(timeline.documents, writer, failing)
    target = journal.parent / f"out.{fmt}"
    target.write_text("the earlier document", encoding="utf-8")
    result = run(journal, "chronology", "--format", fmt, "-o", str(target))
    assert result.exit_code == 1 and "failed part way" in result.stderr
    assert target.read_text(encoding="utf-8") == "the earlier document"
    assert not [p for p in journal.parent.iterdir() if p.name.endswith(".part")]


def test_a_pipe_closed_before_any_output_ends_quietly(journal: Path) -> None:
    """A reader gone before the first write (`timeline events | true`): exit 0, no stderr."""
    reader, writer = os.pipe()
    os.close(reader)
    done = subprocess.run(
        [sys.executable, "-m", "timeline", "--journal", str(journal), "events"],
        stdout=writer,
        stderr=subprocess.PIPE,
        check=False,
    )
    os.close(writer)
    assert (done.returncode, done.stderr) == (0, b"")


def test_seed_writes_what_the_readme_steps_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`timeline seed out` and the README's step-by-step commands write the same three files.

    Only the journal's head hash differs (each journal has its own recorded_at
    times); the made-at time is pinned with $SOURCE_DATE_EPOCH.
    """
    import shlex

    readme = (Path(__file__).parent.parent / "README.md").read_text("utf-8")
    steps = next(
        line
        for line in readme.splitlines()
        if line.startswith("timeline --journal steps/seed.timeline import")
    )
    root = Path(__file__).parent.parent
    monkeypatch.chdir(tmp_path)
    (tmp_path / "seeds").mkdir()
    for name in ("prc-five-year-plans.jsonld", "references.bib", "events.toml"):
        (tmp_path / "seeds" / name).write_bytes((root / "seeds" / name).read_bytes())
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1704164645")
    runner = CliRunner()
    for command in steps.split(" && "):
        words = shlex.split(command)
        assert words[0] == "timeline"
        result = runner.invoke(cli, words[1:], catch_exceptions=False)
        assert result.exit_code == 0, (command, result.stderr)
    result = runner.invoke(cli, ["seed", "out"], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr

    def head(journal: str) -> str:
        stats = runner.invoke(cli, ["--journal", journal, "stats", "--json"]).stdout
        return str(json.loads(stats)["head_hash"])

    def masked(path: Path, hash_: str) -> str:  # Markdown prints it in groups of eight
        grouped = " ".join(hash_[i : i + 8] for i in range(0, len(hash_), 8))
        return path.read_text("utf-8").replace(hash_, "HEAD").replace(grouped, "HEAD")

    step_head, seed_head = head("steps/seed.timeline"), head("out/seed.timeline")
    for name in ("chronology.md", "chronology.html", "references.bib"):
        by_steps = masked(tmp_path / "steps" / name, step_head)
        by_seed = masked(tmp_path / "out" / name, seed_head)
        assert by_steps == by_seed, name


def test_add_loads_pypinyin_only_for_a_chinese_title(journal: Path) -> None:
    """pypinyin's dictionaries load when an id is made from Chinese text, not before."""
    latin = _imported_by("--journal", str(journal), "add-event", "1969-03-02", "Zhenbao clash")
    assert "citations" in latin
    assert "pypinyin" not in latin
    chinese = _imported_by("--journal", str(journal), "add-event", "1969-03-02", "珍宝岛事件")
    assert "pypinyin" in chinese


def test_add_and_revise_read_old_style_phrases_when_asked(journal: Path) -> None:
    """--old-style reads an unmarked date before 14 February 1918 as Julian (29 February 1900
    existed in Russia); without it the day is refused, Gregorian 1900 having no 29 February."""
    refused = run(journal, "add-event", "29 February 1900", "Leap day in Moscow")
    assert (refused.exit_code, "February" in refused.stderr) == (1, True)
    new_id = ok(
        journal, "add-event", "29 February 1900", "Leap day in Moscow", "--old-style"
    ).stdout
    shown = json.loads(ok(journal, "event", new_id.strip(), "--json").stdout)
    assert shown["when"] == "1900-03-13 julian=1900-02-29"
    ok(journal, "revise", new_id.strip(), "--when", "1 March 1900", "--old-style", "--reason", "r")
    revised = json.loads(ok(journal, "event", new_id.strip(), "--json").stdout)
    assert revised["when"] == "1900-03-14 julian=1900-03-01"


def test_add_and_revise_read_relative_phrases_against_the_document_date(journal: Path) -> None:
    """--document-date anchors "last June" and 去年6月; without it they are refused by name."""
    refused = run(journal, "add-event", "last June", "A visit")
    assert refused.exit_code == 1
    assert "'last June'" in refused.stderr and "date of the document" in refused.stderr
    assert "--document-date EDTF" in refused.stderr and "document_date=" not in refused.stderr
    ok(journal, "add-event", "1969", "A visit", "--id", "v")
    refused = run(journal, "revise", "v", "--when", "去年", "--lang", "zh", "--reason", "r")
    assert refused.exit_code == 1 and "(--document-date EDTF)" in refused.stderr
    new_id = ok(
        journal, "add-event", "last June", "A visit", "--document-date", "2020-05-01"
    ).stdout
    assert json.loads(ok(journal, "event", new_id.strip(), "--json").stdout)["when"] == "2019-06"
    ok(
        journal,
        "revise",
        new_id.strip(),
        "--when",
        "去年6月",
        "--lang",
        "zh",
        "--reason",
        "r",
        "--document-date",
        "2021-03-01",
    )
    assert json.loads(ok(journal, "event", new_id.strip(), "--json").stdout)["when"] == "2020-06"


#: Timeline methods without a command of their own name, and where the CLI has them.
NO_COMMAND = {
    "open": "the global --journal option",
    "close": "every command closes the journal it opened",
    "journal": "the storage port, not a user operation",
    "read_only": "the storage port, not a user operation",
    "typed_errors": "the storage's error translation, used around every command",
    "transaction": "each command is one transaction",
    "read_transaction": "each command that reads runs in one snapshot",
    "as_of": "the global --as-of option",
    "creating": "init and import build new journals aside",
    "import_plan": "import reads files into a plan and imports it",
    "add_reference": "import adds references from .bib, CSL-JSON and RIS files",
    "is_retracted": "event and events print it (--json: retracted)",
    "event_fields": "events prints whole events; this is the quick read of some fields",
    "citations_of": "event and events print them (--json: citations)",
    "head": "stats and verify print it",
    "merged_into": "reference prints it: (merged into KEY)",
    "records": "dump writes every record",
}
#: Commands that are not one Timeline method, and what they do.
NO_METHOD = {
    "init": "creates an empty journal",
    "import": "reads files, then Timeline.import_plan",
    "search": "Timeline.events(text=...)",
    "stats": "counts over several queries",
    "duplicates": "citations.find_duplicates over Timeline.references()",
    "bibliography": "Timeline.references() written as a document",
    "seed": "the main job: import, chronology and bibliography",
    "serve": "timeline.web.serve: pages over the queries, forms calling the commands",
}


def test_the_command_line_mirrors_the_api_name_for_name() -> None:
    """Each command is a Timeline method's kebab-case name, and each user method has its command."""
    from timeline import Timeline

    methods = {name for name in dir(Timeline) if not name.startswith("_")}
    commands = {name.replace("-", "_") for name in cli.list_commands(click.Context(cli))}
    assert methods - commands == set(NO_COMMAND)
    assert commands - methods == set(NO_METHOD)


def test_references_and_reference_show_what_the_journal_holds(journal: Path) -> None:
    """`references` lists every reference by key; `reference KEY` shows one with its fields."""
    rows = ok(journal, "references").stdout.splitlines()
    assert rows[0].split("\t") == ["key", "type", "contributors", "title"]
    assert [row.split("\t")[0] for row in rows[1:]] == ["mfa2001treaty", "ouyang2021feilianmeng"]
    data = json.loads(ok(journal, "reference", "ouyang2021feilianmeng", "--json").stdout)
    assert data["fields"]["journaltitle"] == "俄罗斯学刊"
    assert data["contributors"] == [{"family": "欧阳", "given": "向英", "role": "author"}]
    assert data["merged"] is False
    text = ok(journal, "reference", "mfa2001treaty").stdout
    assert "url:" in text and "https://www.mfa.gov.cn/" in text
    assert run(journal, "reference", "nope").stderr == "error: no reference with key 'nope'\n"


def test_amend_reference_sets_and_unsets_fields_with_a_reason(journal: Path) -> None:
    """`amend-reference` changes only what it is told; unchanged content writes nothing."""
    said = ok(
        journal,
        "amend-reference",
        "mfa2001treaty",
        "--set",
        "title=Treaty of Good-Neighbourliness",
        "--unset",
        "urldate",
        "--reason",
        "English title",
    )
    assert said.stdout == "amended mfa2001treaty\n"
    fields = json.loads(ok(journal, "reference", "mfa2001treaty", "--json").stdout)["fields"]
    assert fields["title"] == "Treaty of Good-Neighbourliness"
    assert "urldate" not in fields and fields["url"] == "https://www.mfa.gov.cn/"
    head = json.loads(ok(journal, "stats", "--json").stdout)["records"]
    again = ok(
        journal,
        "amend-reference",
        "mfa2001treaty",
        "--set",
        "title=Treaty of Good-Neighbourliness",
        "--reason",
        "same",
    )
    assert again.stdout == "mfa2001treaty unchanged\n"
    assert json.loads(ok(journal, "stats", "--json").stdout)["records"] == head
    missing = run(journal, "amend-reference", "mfa2001treaty", "--unset", "isbn", "--reason", "r")
    assert missing.exit_code == 2 and "has no field 'isbn'" in missing.stderr
    nothing = run(journal, "amend-reference", "mfa2001treaty", "--reason", "r")
    assert nothing.exit_code == 2 and "say what to change" in nothing.stderr


def test_amend_reference_from_a_file_replaces_the_content(journal: Path, tmp_path: Path) -> None:
    """`amend-reference KEY --from FILE` takes the entry with that key from a reference file."""
    corrected = tmp_path / "corrected.bib"
    corrected.write_text(
        "@book{mfa2001treaty, title = {Treaty}, publisher = {MFA}, date = {2001}}\n"
    )
    ok(journal, "amend-reference", "mfa2001treaty", "--from", str(corrected), "--reason", "book")
    data = json.loads(ok(journal, "reference", "mfa2001treaty", "--json").stdout)
    assert (data["entry_type"], data["fields"]) == (
        "book",
        {"date": "2001", "publisher": "MFA", "title": "Treaty"},
    )
    other = run(
        journal,
        "amend-reference",
        "ouyang2021feilianmeng",
        "--from",
        str(corrected),
        "--reason",
        "r",
    )
    assert other.exit_code == 1
    assert other.stderr == f"error: {corrected}: no entry with key 'ouyang2021feilianmeng'\n"


def test_merge_references_moves_citations_to_the_survivor(journal: Path) -> None:
    """After `merge-references A B`, `events-citing B` includes A's events; A is marked merged
    (`reference A` says into which)."""
    before = [
        e["id"]
        for e in json.loads(ok(journal, "events-citing", "ouyang2021feilianmeng", "--json").stdout)
    ]
    assert before == ["1969-03-02-zhenbao", "2001-07-16-treaty", "2019-06-visit"]
    assert [
        e["id"] for e in json.loads(ok(journal, "events-citing", "mfa2001treaty", "--json").stdout)
    ] == ["2001-07-16-treaty"]
    said = ok(
        journal,
        "merge-references",
        "mfa2001treaty",
        "ouyang2021feilianmeng",
        "--reason",
        "same work",
    )
    assert said.stdout == "merged mfa2001treaty into ouyang2021feilianmeng\n"
    keys = [r["key"] for r in json.loads(ok(journal, "references", "--json").stdout)]
    assert keys == ["ouyang2021feilianmeng"]
    every = json.loads(ok(journal, "references", "--include-merged", "--json").stdout)
    assert {r["key"]: r["merged"] for r in every} == {
        "mfa2001treaty": True,
        "ouyang2021feilianmeng": False,
    }
    shown = ok(journal, "reference", "mfa2001treaty").stdout.splitlines()[0]
    assert shown == "mfa2001treaty  (merged into ouyang2021feilianmeng)"
    again = run(
        journal, "merge-references", "mfa2001treaty", "ouyang2021feilianmeng", "--reason", "r"
    )
    assert again.exit_code == 1 and "already merged" in again.stderr


def test_unsourced_lists_the_events_that_cite_nothing(journal: Path) -> None:
    """`unsourced` lists events without citations; citing one takes it off the list."""
    assert ok(journal, "unsourced").stdout.splitlines() == ["id\twhen\tcategory\timp.\ttitle"]
    ok(journal, "add-event", "2022-02-04", "Joint statement", "--id", "2022-statement")
    listed = json.loads(ok(journal, "unsourced", "--json").stdout)
    assert [e["id"] for e in listed] == ["2022-statement"]
    ok(journal, "cite", "2022-statement", "mfa2001treaty")
    assert json.loads(ok(journal, "unsourced", "--json").stdout) == []
