"""Importing files: every record names the file and line it came from; refusals say where."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from citations import RISParseError
from timeline import Timeline
from timeline.cli import cli
from timeline.errors import DuplicateEvent, DuplicateReference
from timeline.importing import Origin, read_import

BIB = """\
@book{lukin2018pivot,
  author = {Lukin, Alexander},
  title = {China and Russia},
  date = {2018},
}

@online{mfa2001treaty,
  title = {中俄睦邻友好合作条约},
  date = {2001-07-16},
}
"""

EVENTS = """\
# two events, the second cited
[[event]]
id = "1969-zhenbao"
when = "1969-03-02"
title = "Zhenbao Island clash"

[[event]]
id = "2001-treaty"
when = "2001-07-16"
title = "Treaty signed"
[[event.citations]]
key = "mfa2001treaty"
locator = "art. 1"

[[revision]]
event = "1969-zhenbao"
reason = "the clash began on 2 March"
author = "editor"
[revision.set]
importance = 3
"""

CSL = """[{"id": "c1", "type": "book", "title": "A"},
 {"id": "c1", "type": "book", "title": "B"}]"""

RIS_ONE = "TY  - BOOK\nID  - r1\nTI  - A\nER  - \n"


def _files(tmp_path: Path, **texts: str) -> dict[str, Path]:
    paths = {}
    for name, text in texts.items():
        path = tmp_path / name.replace("_", ".")
        path.write_text(text, encoding="utf-8")
        paths[name] = path
    return paths


def _reasons(tl: Timeline) -> list[tuple[str, str, str]]:
    return [
        (record.kind, record.payload["author"], record.payload["reason"]) for record in tl.records()
    ]


def test_each_record_names_its_own_file_and_entry_line(tmp_path: Path) -> None:
    """References, events, citations and revisions each name their own file:line; authors kept."""
    files = _files(tmp_path, refs_bib=BIB, events_toml=EVENTS)
    plan = read_import([files["refs_bib"], files["events_toml"]])
    with Timeline.open(":memory:", author="importer") as tl:
        tl.import_plan(plan)
        bib, toml = files["refs_bib"], files["events_toml"]
        assert _reasons(tl) == [
            ("reference.added", "importer", f"imported from {bib}:1"),
            ("reference.added", "importer", f"imported from {bib}:7"),
            ("event.recorded", "importer", f"imported from {toml}:2"),
            ("event.recorded", "importer", f"imported from {toml}:7"),
            ("citation.added", "importer", f"imported from {toml}:7"),
            (
                "event.revised",
                "editor",
                f"the clash began on 2 March (imported from {toml}:15)",
            ),
        ]


def test_references_imported_alone_name_their_file_not_a_placeholder(tmp_path: Path) -> None:
    """A .bib alone is recorded as imported from that .bib, never "<no events>"."""
    files = _files(tmp_path, refs_bib=BIB)
    result = CliRunner().invoke(
        cli, ["--journal", str(tmp_path / "j.timeline"), "import", str(files["refs_bib"])]
    )
    assert result.exit_code == 0, result.output
    with Timeline.open(tmp_path / "j.timeline") as tl:
        reasons = [reason for _, _, reason in _reasons(tl)]
    assert reasons == [f"imported from {files['refs_bib']}:{n}" for n in (1, 7)]


def test_yaml_jsonl_and_csv_events_name_their_lines(tmp_path: Path) -> None:
    """Events from YAML, JSON Lines and CSV carry the line their entry starts on."""
    files = _files(
        tmp_path,
        e_yaml="event:\n  - id: a\n    when: '1969'\n    title: A\n\n  - id: b\n"
        "    when: '1970'\n    title: B\n",
        e_jsonl='{"id": "c", "when": "1971", "title": "C"}\n\n'
        '{"id": "d", "when": "1972", "title": "D"}\n',
        e_csv="id,when,title\ne,1973,E\nf,1974,F\n",
    )
    plan = read_import(files.values())
    origins = [plan.origin("events", n) for n in range(len(plan.events))]
    assert origins == [
        Origin(str(files["e_yaml"]), 2, "event #1"),
        Origin(str(files["e_yaml"]), 6, "event #2"),
        Origin(str(files["e_jsonl"]), 1),
        Origin(str(files["e_jsonl"]), 3),
        Origin(str(files["e_csv"]), 2),
        Origin(str(files["e_csv"]), 3),
    ]


def test_a_key_already_in_the_journal_is_compared_not_refused(tmp_path: Path) -> None:
    """Importing a key the journal has writes nothing when its entry is the same, and a
    reference.amended naming the other file's line when it differs."""
    changed = BIB.split("\n\n")[1].replace("中俄", "中华人民共和国和俄罗斯联邦")
    files = _files(tmp_path, refs_bib=BIB, same_bib=BIB.split("\n\n")[1], again_bib=changed)
    with Timeline.open(":memory:") as tl:
        tl.import_plan(read_import([files["refs_bib"]]))
        head = tl.head()
        summary = tl.import_plan(read_import([files["same_bib"]]))
        assert (summary.records, summary.unchanged, tl.head()) == (0, 1, head)
        summary = tl.import_plan(read_import([files["again_bib"]]))
        (record,) = [r for r in tl.records() if r.seq > head.seq]
        assert (record.kind, record.stream) == ("reference.amended", "reference:mfa2001treaty")
        assert record.payload["reason"] == f"imported from {files['again_bib']}:1"
        assert summary.changed == 1 and summary.entries[0].diffs[0].field == "title"


@pytest.mark.parametrize(
    ("files", "where"),
    [
        ({"a_bib": BIB, "b_bib": BIB}, "b.bib:1: reference key 'lukin2018pivot' is given twice"),
        ({"d_json": CSL}, "d.json, record #2: reference key 'c1' is given twice"),
        (
            {"a_ris": RIS_ONE, "b_ris": RIS_ONE},
            "b.ris, record #1: reference key 'r1' is given twice",
        ),
    ],
)
def test_a_key_twice_in_one_import_names_both_places(
    tmp_path: Path, files: dict[str, str], where: str
) -> None:
    """A key given twice (in one file or two) is refused naming where, and nothing is written."""
    plan = read_import(_files(tmp_path, **files).values())
    with Timeline.open(":memory:") as tl:
        with pytest.raises(DuplicateReference) as caught:
            tl.import_plan(plan)
        assert f"{tmp_path}/{where} in this import (first at {tmp_path}/" in str(caught.value)
        assert tl.head().seq == 0


def test_a_key_twice_in_one_ris_file_names_file_line_and_key(tmp_path: Path) -> None:
    """An ID given twice in one RIS file is refused when read, naming the file, line and key."""
    files = _files(tmp_path, d_ris=RIS_ONE + RIS_ONE.replace("TI  - A", "TI  - B"))
    with pytest.raises(RISParseError, match=r"d\.ris:5: ID 'r1': duplicate citation key"):
        read_import(files.values())


def test_a_key_twice_in_one_bib_file_names_file_line_and_key(tmp_path: Path) -> None:
    """The CLI's error for a key given twice in one .bib names the file, the line and the key."""
    files = _files(tmp_path, dup_bib=BIB + "\n@book{lukin2018pivot, title = {Again}}\n")
    journal = tmp_path / "j.timeline"
    result = CliRunner().invoke(cli, ["--journal", str(journal), "import", str(files["dup_bib"])])
    assert result.exit_code == 1
    assert f"{files['dup_bib']}:12: entry 'lukin2018pivot': duplicate citation key" in (
        result.output
    )
    assert not journal.exists()


def test_an_event_id_twice_in_one_import_names_both_lines(tmp_path: Path) -> None:
    """Two events with one id across files are refused naming both file:line places."""
    line = json.dumps({"id": "x", "when": "1969", "title": "X"})
    files = _files(tmp_path, a_jsonl=line + "\n", b_jsonl="\n" + line + "\n")
    with Timeline.open(":memory:") as tl, pytest.raises(DuplicateEvent) as caught:
        tl.import_plan(read_import(files.values()))
    assert str(caught.value) == (
        f"{files['b_jsonl']}:2: event id 'x' is given twice in this import "
        f"(first at {files['a_jsonl']}:1); nothing was imported"
    )


def test_read_import_refuses_a_bib_file_not_in_its_encoding(tmp_path: Path) -> None:
    """The Python API checks a .bib file's bytes against ``encoding`` as the CLI does."""
    from timeline.errors import ImportFailed

    wide = tmp_path / "wide.bib"
    wide.write_text(BIB, encoding="utf-16")
    with pytest.raises(ImportFailed, match=r"wide\.bib: .*UTF-16 byte-order mark.*utf-8"):
        read_import([wide])
    narrow = tmp_path / "narrow.bib"
    narrow.write_text(BIB, encoding="utf-8")
    with pytest.raises(ImportFailed, match=r"narrow\.bib: not utf-16-le: byte \d+ .* encoding"):
        read_import([narrow], encoding="utf-16-le")
    assert len(read_import([wide], encoding="utf-16").references) == 2


def test_import_into_builds_a_new_journal_whole_or_not_at_all(tmp_path: Path) -> None:
    """A refused plan leaves no journal behind; a good one appears with every change."""
    from timeline.importing import import_into

    files = _files(tmp_path, refs_bib=BIB, events_toml=EVENTS)
    target = tmp_path / "new" / "folder" / "t.timeline"
    twice = read_import([files["refs_bib"], files["refs_bib"]])
    with pytest.raises(DuplicateReference):
        import_into(target, twice)
    assert not target.exists()
    plan = read_import([files["refs_bib"], files["events_toml"]])
    assert plan.size == 2 + 2 + 1 + 1
    seen: list[int] = []
    summary = import_into(target, plan, author="importer", progress=seen.append)
    counts = (summary.references, summary.events, summary.citations, summary.revisions)
    assert counts == (2, 2, 1, 1)
    assert seen[-1] == plan.size
    with Timeline.open(target) as tl:
        assert [e.id for e in tl.events()] == ["1969-zhenbao", "2001-treaty"]
        assert tl.verify().ok


def test_import_into_an_existing_journal_adds_to_it_all_or_nothing(tmp_path: Path) -> None:
    """An existing journal gets the plan in one transaction; a refusal leaves it as it was."""
    from timeline.errors import UnknownReference
    from timeline.importing import import_into

    bad = EVENTS.replace('key = "mfa2001treaty"', 'key = "nobody1999"')
    files = _files(tmp_path, refs_bib=BIB, events_toml=EVENTS, bad_toml=bad)
    target = tmp_path / "t.timeline"
    import_into(target, read_import([files["refs_bib"]]))
    with Timeline.open(target) as tl:
        head = tl.head()
    with pytest.raises(UnknownReference):
        import_into(target, read_import([files["refs_bib"], files["bad_toml"]]))
    with Timeline.open(target) as tl:
        assert tl.head() == head
    import_into(target, read_import([files["refs_bib"], files["events_toml"]]))
    with Timeline.open(target) as tl:
        assert len(tl.events()) == 2
        assert tl.head().seq == head.seq + 4


def test_an_events_file_names_the_category_or_its_older_name_kind(tmp_path: Path) -> None:
    """`category` is read, so is `kind` (files written before the rename); both at once refused."""
    from timeline.errors import ImportFailed
    from timeline.importing import parse_events

    new = parse_events(
        '[[event]]\nid = "a"\nwhen = "1969"\ntitle = "A"\ncategory = "treaty"\n', "toml"
    )
    old = parse_events('[[event]]\nid = "a"\nwhen = "1969"\ntitle = "A"\nkind = "treaty"\n', "toml")
    assert new.events[0].category == old.events[0].category == "treaty"
    revised = parse_events(
        '[[revision]]\nevent = "a"\nreason = "r"\n[revision.set]\nkind = "visit"\n', "toml"
    )
    assert dict(revised.revisions[0].fields) == {"category": "visit"}
    both = '[[event]]\nid = "a"\nwhen = "1969"\ntitle = "A"\nkind = "x"\ncategory = "y"\n'
    with pytest.raises(ImportFailed, match=r"line 1, event #1 \(id 'a'\), field 'category'"):
        parse_events(both, "toml", source="e.toml")
