"""Import is a sync: the same files again write nothing; a changed entry writes what changed."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import attrs
import pytest
from click.testing import CliRunner, Result

from tests.test_mapping import acled_row, write_csv
from tests.zotero_db import Creator, Item, build
from timeline import Timeline
from timeline.cli import cli
from timeline.importing import read_import

BIB = """\
@book{lukin2018,
  author = {Lukin, Alexander},
  title = {China and Russia},
  date = {2018},
}

@online{mfa2001,
  title = {Treaty of Good-Neighbourliness},
  date = {2001-07-16},
}
"""

EVENTS_TOML = """\
[[event]]
id = "1969-zhenbao"
when = "1969-03-02"
title = "Zhenbao Island clash"
tags = ["border"]

[[event]]
id = "2001-treaty"
when = "2001-07-16"
title = "Treaty signed"
[[event.citations]]
key = "mfa2001"
locator = "art. 1"
claims = { when = "2001-07-16" }

[[revision]]
event = "1969-zhenbao"
reason = "the clash mattered"
[revision.set]
importance = 3
"""


def _zotero(path: Path, title: str = "China and Russia", key: str = "lukin2018") -> None:
    path.unlink(missing_ok=True)
    build(
        path,
        [
            Item(
                "book",
                {"title": title, "citationKey": key},
                [Creator("Lukin", "Alexander")],
            ),
            Item("book", {"title": "Another", "citationKey": "other2020"}, []),
        ],
    )


def _acled(path: Path, notes: str = "Forces clashed.") -> None:
    write_csv(path, [acled_row(), acled_row(event_id_cnty="UKR2", notes=notes)])


#: format -> (file name, write the first version, write it with one entry changed, the
#: kind and stream of the one change, the fields it changes, its reason's place)
FORMATS: dict[str, tuple[str, Callable[[Path], None], Callable[[Path], None], str, str, str]] = {
    "bibtex": (
        "refs.bib",
        lambda p: p.write_text(BIB, "utf-8"),
        lambda p: p.write_text(BIB.replace("{China and Russia}", "{China, Russia}"), "utf-8"),
        "reference.amended",
        "reference:lukin2018",
        ":1",
    ),
    "csl-json": (
        "refs.json",
        lambda p: p.write_text(json.dumps(_CSL), "utf-8"),
        lambda p: p.write_text(json.dumps([_CSL[0], {**_CSL[1], "title": "B2"}]), "utf-8"),
        "reference.amended",
        "reference:c2",
        ", record #2",
    ),
    "ris": (
        "refs.ris",
        lambda p: p.write_text(_RIS, "utf-8"),
        lambda p: p.write_text(_RIS.replace("TI  - B", "TI  - B2"), "utf-8"),
        "reference.amended",
        "reference:r2",
        ", record #2",
    ),
    "zotero": (
        "zotero.sqlite",
        _zotero,
        lambda p: _zotero(p, title="China and Russia: a pivot"),
        "reference.amended",
        "reference:lukin2018",
        ", library 1, item K0000001",
    ),
    "toml": (
        "events.toml",
        lambda p: p.write_text(EVENTS_TOML, "utf-8"),
        lambda p: p.write_text(EVENTS_TOML.replace('"Treaty signed"', '"Treaty"'), "utf-8"),
        "event.revised",
        "event:2001-treaty",
        ":7",
    ),
    "yaml": (
        "events.yaml",
        lambda p: p.write_text(_YAML, "utf-8"),
        lambda p: p.write_text(_YAML.replace("title: B", "title: B2"), "utf-8"),
        "event.revised",
        "event:b",
        ":5",
    ),
    "jsonl": (
        "events.jsonl",
        lambda p: p.write_text(_JSONL, "utf-8"),
        lambda p: p.write_text(_JSONL.replace('"D"', '"D2"'), "utf-8"),
        "event.revised",
        "event:d",
        ":2",
    ),
    "csv": (
        "events.csv",
        lambda p: p.write_text("id,when,title\ne,1973,E\nf,1974,F\n", "utf-8"),
        lambda p: p.write_text("id,when,title\ne,1973,E\nf,1974,F2\n", "utf-8"),
        "event.revised",
        "event:f",
        ":3",
    ),
    "acled": (
        "acled.csv",
        _acled,
        lambda p: _acled(p, notes="Forces clashed near Donetsk."),
        "event.revised",
        "event:acled-ukr2",
        ", line 3, timestamp 1716200000",
    ),
}
_CSL = [{"id": "c1", "type": "book", "title": "A"}, {"id": "c2", "type": "book", "title": "B"}]
_RIS = "TY  - BOOK\nID  - r1\nTI  - A\nER  - \n\nTY  - BOOK\nID  - r2\nTI  - B\nER  - \n"
_YAML = (
    "event:\n  - id: a\n    when: '1969'\n    title: A\n  - id: b\n    when: '1970'\n    title: B\n"
)
_JSONL = '{"id": "c", "when": "1971", "title": "C"}\n{"id": "d", "when": "1972", "title": "D"}\n'


def _paths(tmp_path: Path, name: str) -> list[Path]:
    """The files an import of ``name`` reads: events files cite the BibTeX references."""
    path = tmp_path / name
    if name == "events.toml":
        (tmp_path / "refs.bib").write_text(BIB, "utf-8")
        return [tmp_path / "refs.bib", path]
    return [path]


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_the_same_file_again_writes_nothing_and_a_change_writes_only_it(
    tmp_path: Path, fmt: str
) -> None:
    """Every reader: a second import writes 0 records; an edited entry becomes one
    amendment or revision of what changed, its reason naming the file and the entry."""
    name, first, edited, kind, stream, place = FORMATS[fmt]
    paths = _paths(tmp_path, name)
    first(tmp_path / name)
    with Timeline.open(tmp_path / "j.timeline", author="me") as tl:
        added = tl.import_plan(read_import(paths))
        head = tl.head()
        again = tl.import_plan(read_import(paths))
        assert (again.records, again.added, again.changed) == (0, 0, 0)
        assert again.unchanged == added.added > 0
        assert tl.head() == head
        edited(tmp_path / name)
        summary = tl.import_plan(read_import(paths))
        (record,) = [r for r in tl.records() if r.seq > head.seq]
        assert (record.kind, record.stream) == (kind, stream)
        assert record.payload["reason"] == f"imported from {tmp_path / name}{place}"
        assert (summary.changed, summary.unchanged, summary.records) == (1, added.added - 1, 1)
        if kind == "event.revised":
            assert list(record.payload["fields"]) == [
                diff.field for diff in summary.entries[0].diffs
            ]
            assert len(record.payload["fields"]) == 1
        assert tl.import_plan(read_import(paths)).records == 0


def test_revisions_in_the_file_are_not_undone_by_its_entry(tmp_path: Path) -> None:
    """An entry revised by the file's own [[revision]] stays revised on every import."""
    paths = _paths(tmp_path, "events.toml")
    FORMATS["toml"][1](paths[1])
    with Timeline.open(":memory:") as tl:
        tl.import_plan(read_import(paths))
        assert tl.event("1969-zhenbao").importance == 3
        head = tl.head()
        tl.import_plan(read_import(paths))
        assert tl.head() == head


def test_citations_and_claims_that_change_are_recorded_and_those_gone_reported(
    tmp_path: Path,
) -> None:
    """A new citation is added, a changed claim revised; a citation gone from the entry is
    reported as missing, and dropped only with retract_missing."""
    paths = _paths(tmp_path, "events.toml")
    paths[1].write_text(EVENTS_TOML, "utf-8")
    with Timeline.open(":memory:") as tl:
        tl.import_plan(read_import(paths))
        head = tl.head().seq
        paths[1].write_text(
            EVENTS_TOML.replace('claims = { when = "2001-07-16" }', 'claims = { when = "2001-07" }')
            + '[[event.citations]]\nkey = "lukin2018"\nlocator = "p. 9"\n',
            "utf-8",
        )
        tl.import_plan(read_import(paths))
        assert [r.kind for r in tl.records() if r.seq > head] == ["citation.added", "claim.revised"]
        paths[1].write_text(EVENTS_TOML, "utf-8")
        kept = tl.import_plan(read_import(paths))
        assert [(e.status, e.kind) for e in kept.entries] == [
            ("changed", "event"),
            ("missing", "citation"),
        ]
        assert len(tl.citations_of("2001-treaty")) == 2
        dropped = tl.import_plan(read_import(paths), retract_missing=True)
        assert [(e.status, e.kind) for e in dropped.entries] == [
            ("changed", "event"),
            ("retracted", "citation"),
        ]
        assert [c.key for c in tl.citations_of("2001-treaty")] == ["mfa2001"]
        last = list(tl.records())[-1]
        assert last.kind == "citation.removed"
        assert last.payload["reason"] == f"not in {paths[1]}:7 any more"


def test_events_gone_from_the_file_are_missing_and_retracted_only_when_asked(
    tmp_path: Path,
) -> None:
    """An event an earlier import of the file recorded and the file lacks now is reported;
    retract_missing retracts it with a reason naming the file. Events of other files are
    not missing from this one."""
    path = tmp_path / "events.csv"
    path.write_text("id,when,title\ne,1973,E\nf,1974,F\n", "utf-8")
    other = tmp_path / "other.csv"
    other.write_text("id,when,title\ng,1975,G\n", "utf-8")
    with Timeline.open(":memory:") as tl:
        tl.import_plan(read_import([path, other]))
        path.write_text("id,when,title\ne,1973,E\n", "utf-8")
        head = tl.head()
        summary = tl.import_plan(read_import([path]))
        assert (summary.missing, summary.records, tl.head()) == (1, 0, head)
        assert [(e.status, e.id, e.origin) for e in summary.entries] == [
            ("missing", "f", str(path))
        ]
        summary = tl.import_plan(read_import([path]), retract_missing=True)
        assert (summary.missing, summary.retracted, summary.records) == (1, 1, 1)
        assert tl.is_retracted("f") and not tl.is_retracted("g")
        (retraction,) = [r for r in tl.records() if r.seq > head.seq]
        assert retraction.payload["reason"] == f"not in {path} any more"
        assert tl.import_plan(read_import([path]), retract_missing=True).records == 0


def test_an_item_whose_citation_key_moved_is_reported_not_duplicated(tmp_path: Path) -> None:
    """A Zotero item keeps its identity when its citation key changes: the reference is
    not added again under the new key, the move is reported, the old key stays."""
    path = tmp_path / "zotero.sqlite"
    _zotero(path)
    with Timeline.open(":memory:") as tl:
        tl.import_plan(read_import([path]))
        head = tl.head()
        _zotero(path, key="lukin2018china")
        summary = tl.import_plan(read_import([path]))
        assert (summary.moved, summary.added, summary.missing, summary.records) == (1, 0, 0, 0)
        (moved,) = summary.entries
        assert (moved.status, moved.id, moved.note) == (
            "moved",
            "lukin2018",
            "its key is now lukin2018china",
        )
        assert sorted(r.key for r in tl.references()) == ["lukin2018", "other2020"]
        assert tl.head() == head
        _zotero(path, key="lukin2018china", title="China and Russia: a pivot")
        summary = tl.import_plan(read_import([path]))
        assert tl.reference("lukin2018").title == "China and Russia: a pivot"
        assert (summary.moved, summary.changed, summary.records) == (1, 1, 1)


def test_a_dry_run_plans_the_same_and_writes_nothing(tmp_path: Path) -> None:
    """dry_run=True returns the summary the import would and leaves the file's bytes as they
    were."""
    paths = _paths(tmp_path, "events.toml")
    paths[1].write_text(EVENTS_TOML, "utf-8")
    journal = tmp_path / "j.timeline"
    with Timeline.open(journal) as tl:
        tl.import_plan(read_import([paths[0]]))
    before = journal.read_bytes()
    with Timeline.open(journal) as tl:
        planned = tl.import_plan(read_import(paths), dry_run=True)
    assert journal.read_bytes() == before
    with Timeline.open(journal) as tl:
        done = tl.import_plan(read_import(paths))
    assert planned == attrs.evolve(done, dry_run=True)
    assert (planned.added, planned.unchanged, planned.records) == (2, 2, 5)


def _cli(journal: Path, *args: str) -> Result:
    result = CliRunner().invoke(cli, ["--journal", str(journal), "import", *args])
    assert result.exit_code == 0, result.output
    return result


def test_the_command_plans_with_dry_run_and_reports_as_json(tmp_path: Path) -> None:
    """`import --dry-run` prints each entry it would add, change (with the field's old and
    new value) or find missing, and leaves the journal's bytes as they were (and makes no
    journal where there was none); `--json` gives the same as data."""
    events, journal = tmp_path / "events.csv", tmp_path / "j.timeline"
    events.write_text("id,when,title\ne,1973,E\nf,1974,F\n", "utf-8")
    planned = _cli(journal, "--dry-run", str(events))
    assert planned.stdout.splitlines()[:2] == [
        f"added event e ({events}:2)",
        f"added event f ({events}:3)",
    ]
    assert not journal.exists()
    _cli(journal, str(events))
    events.write_text("id,when,title\ne,1973,E2\n", "utf-8")
    before = journal.read_bytes()
    planned = _cli(journal, "--dry-run", str(events))
    assert journal.read_bytes() == before
    assert planned.stdout.splitlines() == [
        f"changed event e ({events}:2): title: E -> E2",
        f"missing event f ({events})",
        f"would write 1 records to {journal} (0 added, 1 changed, 0 unchanged, 1 missing, "
        "0 moved); nothing was written",
    ]
    report = json.loads(_cli(journal, "--json", "--retract-missing", str(events)).stdout)
    assert (report["changed"], report["retracted"], report["records"]) == (1, 1, 2)
    assert report["entries"][0]["changes"]["title"]["new"]["text"] == {"und": "E2"}
    assert [(e["status"], e["id"]) for e in report["entries"]] == [
        ("changed", "e"),
        ("retracted", "f"),
    ]
    again = _cli(journal, str(events))
    assert "(0 added, 0 changed, 1 unchanged, 0 missing, 0 moved)" in again.stdout


def test_a_bibtex_key_that_changed_is_reported_as_moved_by_content_or_doi(
    tmp_path: Path,
) -> None:
    """A .bib has no item ids: a new key whose entry is the old one's (same content, or the
    same DOI) is reported as moved and kept under the old key, not added beside it."""
    path = tmp_path / "refs.bib"
    entry = "@book{%s,\n  title = {China and Russia},\n  doi = {10.1/X},\n  date = {%s},\n}\n"
    path.write_text(entry % ("lukin2018", "2018"), "utf-8")
    with Timeline.open(":memory:") as tl:
        tl.import_plan(read_import([path]))
        path.write_text(entry % ("lukin2018a", "2018"), "utf-8")
        same = tl.import_plan(read_import([path]))
        assert (same.moved, same.added, same.missing, same.records) == (1, 0, 0, 0)
        path.write_text((entry % ("lukin2019", "2019")).replace("10.1/X", "10.1/x"), "utf-8")
        redated = tl.import_plan(read_import([path]))
        assert (redated.moved, redated.changed, redated.records) == (1, 1, 1)
        assert [r.key for r in tl.references()] == ["lukin2018"]
        assert tl.reference("lukin2018").get("date") == "2019"
