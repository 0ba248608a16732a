"""What ``verify`` cannot catch (a journal cut short), and the sharing steps that catch it:
a dump holds every record, and only the head hash kept elsewhere detects a shorter file."""

from __future__ import annotations

import re
import shutil
import sqlite3
from pathlib import Path

from click.testing import CliRunner
from faults import seed

from timeline.application import Timeline
from timeline.cli import cli

_OK = re.compile(r"^ok: (\d+) records verified, head seq (\d+) hash ([0-9a-f]{64})$")


def _timeline(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def _verify(path: Path) -> tuple[int, str]:
    """``timeline verify`` on ``path``: it says ok; the head seq and hash it prints."""
    match = _OK.match(_timeline("--journal", str(path), "verify").strip())
    assert match, "verify did not say ok"
    return int(match[2]), match[3]


def test_a_copy_without_its_wal_verifies_as_a_shorter_journal(tmp_path: Path) -> None:
    """The file copied while a program has it open lacks the records in its -wal: verify says
    ok with a smaller head; a dump made at the same moment holds every record."""
    sender = tmp_path / "share.timeline"
    seeded = seed(sender)
    with Timeline.open(sender, author="me") as tl:
        for n in range(3):
            tl.add_event(id=f"late-{n}", when="2020", title=f"Late {n}")
        head = tl.head()
        assert Path(f"{sender}-wal").stat().st_size > 0
        copy = tmp_path / "copy.timeline"
        shutil.copy(sender, copy)
        _timeline("--journal", str(sender), "dump", "-o", str(tmp_path / "share.jsonl"))
    assert _verify(copy)[0] == seeded != head.seq  # ok, and shorter: only the head tells
    assert _verify(copy)[1] != head.hash
    loaded = tmp_path / "loaded.timeline"
    _timeline("--journal", str(loaded), "load", str(tmp_path / "share.jsonl"))
    assert _verify(loaded) == (head.seq, head.hash)


def test_deleting_the_last_records_verifies_as_a_shorter_journal(tmp_path: Path) -> None:
    """Last records deleted (past the append-only triggers) and read models rebuilt: verify
    says ok at an earlier head; only the head hash kept elsewhere shows the loss."""
    path = tmp_path / "share.timeline"
    seed(path)
    before = _verify(path)
    conn = sqlite3.connect(path, isolation_level=None)
    triggers = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'records'"
    ).fetchall()
    conn.execute("BEGIN")
    for name, _sql in triggers:
        conn.execute(f"DROP TRIGGER {name}")
    conn.execute("DELETE FROM records WHERE seq > ?", (before[0] - 2,))
    for _name, sql in triggers:
        conn.execute(sql)
    conn.execute("COMMIT")
    conn.close()
    _timeline("--journal", str(path), "rebuild")
    seq, digest = _verify(path)
    assert seq == before[0] - 2 and digest != before[1]
