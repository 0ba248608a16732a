"""Journal files from someone else: SQL objects timeline did not create, and forged read models."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from faults import EVENTS, KEYS, seed

from timeline.application import Timeline
from timeline.cli import cli
from timeline.errors import TimelineError, UntrustedJournal
from timeline.journal import Draft, SQLiteJournal


def _tamper(path: Path, *statements: str) -> bytes:
    """Run ``statements`` on the file behind the library's back; return the file's bytes."""
    conn = sqlite3.connect(path, isolation_level=None)
    for statement in statements:
        conn.execute(statement)
    conn.close()
    return path.read_bytes()


HOSTILE = {
    "trigger rewriting titles": (
        "CREATE TRIGGER rewrite AFTER INSERT ON events BEGIN "
        "UPDATE events SET data = replace(data, 'Seed', 'Forged'); END",
        "rewrite",
    ),
    "trigger wiping citations": (
        "CREATE TRIGGER wipe AFTER INSERT ON records BEGIN DELETE FROM citations; END",
        "wipe",
    ),
    "view hanging queries": (
        "CREATE VIEW slow AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "
        "SELECT i FROM n",
        "slow",
    ),
    "index on the records": ("CREATE INDEX records_by_kind ON records (kind)", "records_by_kind"),
    "extra table": ("CREATE TABLE notes (text TEXT)", "notes"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_file_with_foreign_objects_is_refused_by_name(tmp_path: Path, name: str) -> None:
    """A trigger, view, index or table timeline did not create: UntrustedJournal names it,
    before anything runs or is written; `timeline verify` says so in one line, exit 1."""
    path = tmp_path / "sent.timeline"
    seed(path)
    statement, object_name = HOSTILE[name]
    before = _tamper(path, statement)
    with pytest.raises(UntrustedJournal, match=rf"sent\.timeline.*{object_name!r}.*dump"):
        Timeline.open(path)
    for command in (["verify"], ["events"], ["rebuild"]):
        done = CliRunner().invoke(cli, ["--journal", str(path), *command])
        assert done.exit_code == 1, done.output
        assert done.output.startswith("error: ") and object_name in done.output
        assert done.output.count("\n") == 1
    assert path.read_bytes() == before


def test_a_view_in_place_of_a_read_model_table_is_refused(tmp_path: Path) -> None:
    """`events` replaced by a view that never ends: refused on opening, not hung listing."""
    path = tmp_path / "view.timeline"
    seed(path)
    _tamper(
        path,
        "DROP TABLE events",
        "CREATE VIEW events AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "
        "SELECT i AS id, '' AS data FROM n",
    )
    with pytest.raises(UntrustedJournal, match="view 'events'"):
        Timeline.open(path)


@pytest.mark.parametrize(
    ("statements", "name"),
    [
        (
            [
                "ALTER TABLE events RENAME TO old_events",
                "CREATE TABLE events (id TEXT PRIMARY KEY, version INTEGER, when_edtf TEXT, "
                "lower INTEGER, upper INTEGER, sort_seconds INTEGER, kind TEXT, "
                "importance INTEGER, retracted INTEGER DEFAULT 1, recorded_seq INTEGER, "
                "updated_seq INTEGER, data TEXT)",
                "DROP TABLE old_events",
            ],
            "events",
        ),
        (["DROP TRIGGER records_append_only_update"], "records_append_only_update"),
    ],
)
def test_an_altered_table_or_removed_guard_is_refused(
    tmp_path: Path, statements: list[str], name: str
) -> None:
    """A read-model table of another shape, or the journal without its append-only trigger."""
    path = tmp_path / "altered.timeline"
    seed(path)
    _tamper(path, *statements)
    with pytest.raises(UntrustedJournal, match=name):
        Timeline.open(path)


def test_the_raw_journal_keeps_other_tables_but_no_triggers(tmp_path: Path) -> None:
    """SQLiteJournal.open (raw) accepts tables beside the journal; a trigger is still refused."""
    path = tmp_path / "raw.timeline"
    with SQLiteJournal.open(path) as journal:
        journal.append("s", [Draft("note.added", {"n": 1})])
        journal.connection.execute("CREATE TABLE note_count (n INTEGER)")
    SQLiteJournal.open(path).close()
    _tamper(path, "CREATE TRIGGER t AFTER INSERT ON note_count BEGIN SELECT 1; END")
    with pytest.raises(UntrustedJournal, match="trigger 't'"):
        SQLiteJournal.open(path)


def test_the_schema_runs_no_untrusted_functions(tmp_path: Path) -> None:
    """trusted_schema is off: the file's own SQL cannot call functions with side effects."""
    with SQLiteJournal.open(tmp_path / "j.timeline") as journal:
        (trusted,) = journal.connection.execute("PRAGMA trusted_schema").fetchone()
    assert trusted == 0


# -- verify covers the read models -------------------------------------------------


def test_verify_finds_a_forged_read_model_row_and_rebuild_repairs_it(tmp_path: Path) -> None:
    """An UPDATE on a read-model table: verify names the table and row, the CLI exits 1,
    the file is not written by verify, and `rebuild` makes it verify again."""
    path = tmp_path / "forged.timeline"
    seed(path)
    before = _tamper(
        path,
        "UPDATE event_contents SET data = replace(data, 'Seed', 'Forged') "
        f"WHERE id = '{EVENTS[1]}'",
    )
    with Timeline.open(path, read_only=True) as tl:
        report = tl.verify()
    assert not report.ok and report.first_bad_seq is None
    assert report.differences == (
        f"event_contents row id={EVENTS[1]!r}, content=2 differs from the journal",
    )
    done = CliRunner().invoke(cli, ["--journal", str(path), "verify"])
    assert done.exit_code == 1
    assert "read models differ" in done.output and EVENTS[1] in done.output
    assert "timeline rebuild" in done.output
    assert path.read_bytes() == before
    assert CliRunner().invoke(cli, ["--journal", str(path), "rebuild"]).exit_code == 0
    done = CliRunner().invoke(cli, ["--journal", str(path), "verify"])
    assert done.exit_code == 0, done.output
    with Timeline.open(path) as tl:
        assert "Forged" not in tl.event(EVENTS[1]).title.get("en")


@pytest.mark.parametrize(
    ("statement", "named"),
    [
        (f"DELETE FROM citations WHERE key = '{KEYS[0]}'", "citations row id="),
        (
            "INSERT INTO bib_references VALUES ('ghost', 1, 'book', NULL, 1, 1, '{}')",
            "bib_references row key='ghost', valid_from=1 is not in the journal",
        ),
        ("UPDATE events SET retracted = 1", "events row id="),
        ("UPDATE event_text SET title = 'Forged' WHERE rowid = 64", "event_text row rowid=64"),
        ("UPDATE readmodel_checkpoint SET value = 2 WHERE name = 'seq'", "row"),
    ],
)
def test_verify_finds_each_kind_of_read_model_forgery(
    tmp_path: Path, statement: str, named: str
) -> None:
    """Rows deleted, added or changed in any read-model table (or the checkpoint set back)."""
    path = tmp_path / "forged.timeline"
    seed(path)
    _tamper(path, statement)
    with Timeline.open(path, read_only=True) as tl:
        report = tl.verify()
    assert not report.ok
    assert any(named in difference for difference in report.differences), report


def test_verify_of_a_sound_file_is_ok_and_never_writes(tmp_path: Path) -> None:
    """A sound file verifies (chain and read models) and verify leaves its bytes alone."""
    path = tmp_path / "sound.timeline"
    seed(path)
    before = path.read_bytes()
    done = CliRunner().invoke(cli, ["--journal", str(path), "verify"])
    assert done.exit_code == 0 and done.output.startswith("ok: ")
    assert path.read_bytes() == before


def test_verify_or_outputs_catch_every_bit_flip(tmp_path: Path) -> None:
    """Flip one bit anywhere in the file: opening or verify fails with a typed error, or
    every output (chronology, list, search) is the same as before."""
    path = tmp_path / "bits.timeline"
    seed(path)
    with Timeline.open(path) as tl:
        tl.journal.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def outputs(target: Path) -> tuple[object, ...]:
        with Timeline.open(target, read_only=True) as tl:
            chronology = tl.chronology(made_at=None)
            return (
                [(e.event, e.citations, e.retracted) for e in chronology.entries],
                chronology.references,
                chronology.state,
                [e.id for e in tl.events(text="summary")],
                [e.id for e in tl.events(text="Seed event 1")],
                [e.id for e in tl.events(actors=["CHN"], tags=["seed"])],
            )

    original = path.read_bytes()
    expected = outputs(path)
    rng = random.Random(19)
    silent = []
    for trial in range(120):
        flipped = bytearray(original)
        at = rng.randrange(100, len(flipped))  # past the SQLite header's own checks
        flipped[at] ^= 1 << rng.randrange(8)
        target = tmp_path / f"flip-{trial}.timeline"
        target.write_bytes(bytes(flipped))
        try:
            with Timeline.open(target, read_only=True) as tl:
                report = tl.verify()
            if report.ok and outputs(target) != expected:
                silent.append(at)
        except TimelineError:
            continue
    assert silent == []
