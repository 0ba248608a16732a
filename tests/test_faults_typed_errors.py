"""Every failure of the journal's file is a typed one-line error, never a traceback."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from faults import EVENTS, check_consistent, seed
from tools import require_tool

from timeline.application import Timeline
from timeline.cli import cli
from timeline.errors import JournalBusy

pytestmark = pytest.mark.slow

ROOT = Path(__file__).parents[1]


def _timeline(*args: str, env: dict[str, str] | None = None, pre: str = "") -> tuple[int, str]:
    """Run the command line in a fresh process (after ``pre``, Python run first there).

    The program goes in on standard input, not the argument list: a 60 KB argument
    can pass the kernel's limit on arguments and environment together (E2BIG).
    """
    code = f"{pre}\nfrom timeline.cli import main\nmain({list(args)!r})"
    # a child under a file-size limit could not write its coverage data: not measured
    inherited = {k: v for k, v in os.environ.items() if not (pre and k.startswith("COVERAGE_"))}
    done = subprocess.run(
        [sys.executable, "-"],
        input=code,
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env={**inherited, **(env or {})},
    )
    return done.returncode, done.stderr


def _one_line_error(code: int, stderr: str, *words: str) -> None:
    assert code == 1, stderr
    assert stderr.startswith("error: ") and stderr.count("\n") == 1, stderr
    assert "Traceback" not in stderr
    for word in words:
        assert word in stderr, stderr


def _clean(path: Path) -> None:
    """Fold the write-ahead log in and close, so no -wal or -shm file is left."""
    with Timeline.open(path) as tl:
        tl.journal.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert not Path(f"{path}-wal").exists() and not Path(f"{path}-shm").exists()


def test_a_held_lock_is_journal_busy_after_the_wait_asked_for(tmp_path: Path) -> None:
    """Another process holds the write lock: JournalBusy after busy_timeout (API, option
    and environment variable), one line, nothing written."""
    path = tmp_path / "busy.timeline"
    head = seed(path)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with (
            Timeline.open(path, busy_timeout=0.05) as tl,
            pytest.raises(JournalBusy, match=r"busy\.timeline is busy.*0\.05 s"),
        ):
            tl.add_event(id="late", when="1970", title="Late")
        assert isinstance(JournalBusy("x"), TimeoutError)
        args = ["--journal", str(path), "add-event", "1970", "Late"]
        _one_line_error(*_timeline("--busy-timeout", "0.05", *args), "is busy", "--busy-timeout")
        _one_line_error(*_timeline(*args, env={"TIMELINE_BUSY_TIMEOUT": "0.05"}), "is busy")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert check_consistent(path)[0] == head


_FILE_LIMIT = """
import resource, signal, os
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))
"""


def test_a_write_over_the_file_size_limit_is_a_typed_error(tmp_path: Path) -> None:
    """EFBIG (RLIMIT_FSIZE) on a write: one-line error, nothing of the command written."""
    path = tmp_path / "limit.timeline"
    head = seed(path)
    _clean(path)
    limit = 40_000  # room for the 32 KiB -shm, not for the -wal of a 60 KB title
    args = ["--journal", str(path), "add-event", "1970", "x" * 60_000, "--id", "too-big"]
    _one_line_error(*_timeline(*args, pre=_FILE_LIMIT.format(limit=limit)), "limit.timeline")
    assert check_consistent(path)[0] == head


def test_reads_on_a_disk_with_no_room_for_the_shm_file_are_a_typed_error(tmp_path: Path) -> None:
    """No room to create the -shm file SQLite reads a WAL journal through: one line."""
    path = tmp_path / "full.timeline"
    seed(path)
    _clean(path)
    code, stderr = _timeline("--journal", str(path), "events", pre=_FILE_LIMIT.format(limit=0))
    _one_line_error(code, stderr, "full.timeline")


# Root reads and writes any file: as root the child keeps its user (so it finds the same
# Python and packages, wherever they were installed) but loses every capability, so the
# permission bits decide.
_WITHOUT_CAPABILITIES = ("--inh-caps=-all", "--bounding-set=-all")


def _unprivileged(*args: str) -> tuple[int, str, str]:
    """Run the command line without the privilege to override file permissions."""
    command = [sys.executable, "-m", "timeline", *args]
    if os.geteuid() == 0:
        command = [require_tool("setpriv"), *_WITHOUT_CAPABILITIES, *command]
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    return done.returncode, done.stdout, done.stderr


def test_a_journal_on_read_only_media_answers_queries(tmp_path: Path) -> None:
    """A WAL journal in a folder nobody may write (no -wal, no -shm beside it): queries and
    `file:...?mode=ro` work, a write is a one-line JournalReadOnly, nothing is created."""
    path = tmp_path / "media.timeline"
    seed(path)
    _clean(path)
    path.chmod(0o444)
    tmp_path.chmod(0o555)
    try:
        before = sorted(os.listdir(tmp_path)), path.read_bytes()
        code, out, err = _unprivileged("--journal", str(path), "events")
        assert code == 0, err
        assert all(event_id in out for event_id in EVENTS)
        code, out, err = _unprivileged("--journal", f"file:{path}?mode=ro", "event", EVENTS[0])
        assert code == 0 and EVENTS[0] in out, err
        code, out, err = _unprivileged("--journal", str(path), "verify")
        assert code == 0 and out.startswith("ok: "), err
        retract = ("retract", EVENTS[0], "--reason", "x")
        code, _out, err = _unprivileged("--journal", str(path), *retract)
        _one_line_error(code, err, "read-only")
        assert (sorted(os.listdir(tmp_path)), path.read_bytes()) == before
    finally:
        tmp_path.chmod(0o755)
        path.chmod(0o644)


def test_an_unreadable_journal_path_is_a_one_line_error(tmp_path: Path) -> None:
    """A journal nobody may read, and a folder given as the journal: one line each."""
    path = tmp_path / "private.timeline"
    seed(path)
    path.chmod(0o000)
    code, _out, err = _unprivileged("--journal", str(path), "events")
    _one_line_error(code, err, "private.timeline")
    folder = tmp_path / "folder.timeline"
    folder.mkdir()
    done = CliRunner().invoke(cli, ["--journal", f"file:{folder}", "events"])
    assert done.exit_code == 1 and done.output.startswith("error: "), done.output
    assert done.output.count("\n") == 1


def test_a_lowered_read_model_checkpoint_is_rebuilt_on_opening(tmp_path: Path) -> None:
    """A checkpoint set back (the records after it would apply twice): opening rebuilds the
    read models instead of crashing, and the file is consistent again."""
    path = tmp_path / "lowered.timeline"
    head = seed(path)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("UPDATE readmodel_checkpoint SET value = 2 WHERE name = 'seq'")
    conn.close()
    with Timeline.open(path) as tl:
        assert [e.id for e in tl.events()] == list(EVENTS)
        assert tl.verify().ok
    assert check_consistent(path)[0] == head


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (b'{"bad": "\xff\xfe"}\n', "line 2: not UTF-8"),
        (b"[" * 100_000 + b"]" * 100_000 + b"\n", "line 2: JSON nested too deeply"),
    ],
    # Short ids: pytest puts the test id in PYTEST_CURRENT_TEST, which the child inherits,
    # and an environment string of 128 KiB or more makes exec fail with E2BIG.
    ids=["not-utf8", "nested-too-deeply"],
)
def test_load_of_bytes_that_are_no_dump_names_the_line(
    tmp_path: Path, line: bytes, message: str
) -> None:
    """`timeline load` of non-UTF-8 bytes or deeply nested JSON: DumpFormatError naming the
    line, and no journal is made."""
    dump = tmp_path / "bad.jsonl"
    dump.write_bytes(b'{"format":"timeline-journal-dump","version":1}\n' + line)
    target = tmp_path / "loaded.timeline"
    code, stderr = _timeline("--journal", str(target), "load", str(dump))
    _one_line_error(code, stderr, message)
    assert not target.exists()
