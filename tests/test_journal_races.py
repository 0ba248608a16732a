"""Processes racing to create one new journal: nothing a command acknowledged is lost.

Each round starts its processes together on a barrier (a signal, not a sleep).
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path
from typing import Any

import pytest
from faults import EVENTS, context, seed

from timeline.application import Timeline
from timeline.errors import TimelineError

pytestmark = pytest.mark.slow

ROUNDS = 12

GOOD_EVENTS = """
[[event]]
id = "2001-treaty"
when = "2001-07-16"
title = "Treaty of Good-Neighbourliness"
"""

BAD_EVENTS = """
[[event]]
id = "1969-zhenbao"
when = "1969-03-02"
title = "Zhenbao Island clash"
citations = [{ key = "nosuchkey" }]
"""


def _run_cli(barrier: Any, args: list[str]) -> None:
    """Wait on the barrier, then run the command line; the exit code is the process's."""
    from timeline.cli import cli

    sys.stderr = io.StringIO()
    barrier.wait(30)
    cli.main(args=args, prog_name="timeline")


def _race(args: list[list[str]]) -> list[int | None]:
    ctx = context()
    barrier = ctx.Barrier(len(args))
    processes = [ctx.Process(target=_run_cli, args=(barrier, a)) for a in args]
    for process in processes:
        process.start()
    for process in processes:
        process.join(120)
    return [process.exitcode for process in processes]


def _leftovers(folder: Path) -> list[str]:
    return sorted(name for name in os.listdir(folder) if name.endswith(".new"))


def test_a_failed_import_never_removes_a_journal_another_import_created(
    tmp_path: Path,
) -> None:
    """A good and a bad import race on a new journal: the good one's events are always there
    when it said so, the bad one wrote nothing, and no scratch file is left."""
    good, bad = tmp_path / "good.toml", tmp_path / "bad.toml"
    good.write_text(GOOD_EVENTS, encoding="utf-8")
    bad.write_text(BAD_EVENTS, encoding="utf-8")
    for n in range(ROUNDS):
        path = tmp_path / f"race-{n}.timeline"
        codes = _race(
            [
                ["--journal", str(path), "import", str(good)],
                ["--journal", str(path), "import", str(bad)],
            ]
        )
        assert codes == [0, 1], n
        with Timeline.open(path) as tl:
            assert [e.id for e in tl.events()] == ["2001-treaty"], n
            assert tl.verify().ok
    assert _leftovers(tmp_path) == []


def test_two_loads_of_a_new_journal_leave_the_winners(tmp_path: Path) -> None:
    """Two loads race on one new path: exactly one succeeds and its records stay."""
    source = tmp_path / "source.timeline"
    head = seed(source)
    dump = tmp_path / "source.jsonl"
    with Timeline.open(source) as tl, dump.open("w", encoding="utf-8") as out:
        tl.dump(out)
    for n in range(ROUNDS):
        path = tmp_path / f"load-{n}.timeline"
        codes = _race([["--journal", str(path), "load", str(dump)]] * 2)
        assert sorted(codes) == [0, 1], n
        with Timeline.open(path) as tl:
            assert tl.head().seq == head and tl.verify().ok, n
            assert [e.id for e in tl.events()] == list(EVENTS)
    assert _leftovers(tmp_path) == []


def _open_new(barrier: Any, path: str, queue: Any) -> None:
    barrier.wait(30)
    try:
        Timeline.open(path).close()
        queue.put("ok")
    except TimelineError as exc:
        queue.put(f"{type(exc).__name__}: {exc}")


def test_processes_opening_one_new_journal_all_succeed(tmp_path: Path) -> None:
    """Four processes open the same new file at once: none sees a half-made journal."""
    ctx = context()
    outcomes = []
    for n in range(ROUNDS * 3):
        path = str(tmp_path / f"new-{n}.timeline")
        barrier, queue = ctx.Barrier(4), ctx.Queue()
        processes = [ctx.Process(target=_open_new, args=(barrier, path, queue)) for _ in range(4)]
        for process in processes:
            process.start()
        outcomes.extend(queue.get(timeout=120) for _ in processes)
        for process in processes:
            process.join(60)
    assert set(outcomes) == {"ok"}
