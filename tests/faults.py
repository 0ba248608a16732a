"""Shared helpers of the fault tests: a seeded timeline file and the consistency check."""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path
from typing import Any

from citations import Contributor, Reference
from timeline import readmodels
from timeline.application import Timeline

KEYS = ("lukin2018", "lo2008", "wishnick2001")
EVENTS = ("1969-zhenbao", "2001-treaty", "2014-gas-deal")


def context() -> Any:
    """A forkserver context whose server has the timeline package imported already."""
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["timeline.application"])
    return ctx


def reference(key: str) -> Reference:
    """A small book reference under ``key``."""
    return Reference(
        key,
        "book",
        {"title": f"A book called {key}", "date": "2008", "publisher": "Polity"},
        (Contributor(family="Author", given=key),),
    )


def seed(path: str | Path) -> int:
    """Create a timeline at ``path`` with three references, three events and a citation."""
    with Timeline.open(path, author="seed") as tl:
        for key in KEYS:
            tl.add_reference(reference(key), reason="seed")
        for n, event_id in enumerate(EVENTS):
            tl.record(
                id=event_id,
                when=f"{1969 + 16 * n}-03-02",
                title={"en": f"Seed event {n}", "zh": f"事件{n}"},
                summary={"en": "A summary to index"},
                actors=["CHN:party", "RUS:party"],
                tags=["seed"],
                reason="seed",
            )
        tl.cite(EVENTS[0], KEYS[0], locator="p. 1", reason="seed")
        return tl.head().seq


def snapshot(conn: sqlite3.Connection) -> list[tuple[str, list[tuple[Any, ...]]]]:
    """Every read-model table's rows, in a stable order."""
    return list(readmodels.snapshot(conn))


def check_consistent(path: str | Path) -> tuple[int, list[str]]:
    """Reopen ``path`` and check it: the chain verifies, the read models are at the head
    and equal a fresh replay of the journal. Returns the head seq and every record's reason.
    """
    with Timeline.open(path) as tl:
        report = tl.verify()
        assert report.ok, report
        head = tl.head().seq
        conn = tl.journal.connection
        assert readmodels.checkpoint(conn) == (readmodels.READ_MODEL_SCHEMA, head)
        fresh = sqlite3.connect(":memory:")
        readmodels.create(fresh)
        readmodels.apply_records(fresh, tl.journal.read())
        assert snapshot(conn) == snapshot(fresh)
        fresh.close()
        reasons = [str(record.payload.get("reason", "")) for record in tl.records()]
    return head, reasons
