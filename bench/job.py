"""The whole job beside what a user would pick instead (issue 20), in CPU time.

Usage: ``python bench/job.py [--rounds R] [N]`` (default 3 rounds, N = 5000).

The job: read N events with 1-3 citations each (JSON Lines) and N references
(CSL-JSON), revise 10 % of the events (a new date and title, with a reason),
query the events of one actor in a date range, and render the chronology as
Markdown with its references. Four implementations do it on the same files:

- ``ours``: what ``timeline import`` does (``stream_import`` + ``import_into``), then
  ``Timeline.revise``, ``Timeline.events(actors=..., between=...)`` and
  ``render(chronology, "markdown")``;
- ``eventsourcing``: the eventsourcing library, an aggregate per event and per
  reference (SQLite persistence, saved 500 aggregates at a time), plus a
  projection of its notification log into SQLite tables that the query and the
  rendering read;
- ``sqlite_utils``: sqlite-utils tables (events, citations, references) with an
  audit trigger keeping every version of an event row, revised with
  ``Table.update``;
- ``pandas``: DataFrames, the revised rows' old versions kept in a history frame.

Each implementation runs in a fresh interpreter, in interleaved rounds (ours,
then each peer, then again): its CPU time (user + system, interpreter start
included) is read from ``getrusage`` of the finished child, and each keeps its
best round. Prints ``job_cpu_s_NAME`` lines and ``job_NAME_vs_ours``: the
peer's CPU time over ours (≥ 1 when ours is at least as fast), and the CPU
time of each phase of ours' best round, ``job_ours_phase_cpu_s_PHASE``
(``start``: the interpreter before the job and its exit; ``imports``: the
library's modules; ``import``, ``revise``, ``query``, ``markdown``). Every
implementation must find the same events in the query (checked). Peers come
from the ``bench`` extra: ``pip install -e '.[bench]'``. Our packages are byte-compiled
first, as pip compiles the peers when it installs them: an editable checkout run with
``PYTHONDONTWRITEBYTECODE`` set (or read-only) compiled every module of ours from source
in every fresh interpreter.
"""

from __future__ import annotations

import compileall
import importlib
import importlib.util
import itertools
import json
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import workload

ACTOR = "RUS"
RANGE = ("1950-01-01", "1960-12-31")
IMPLEMENTATIONS = ("ours", "eventsourcing", "sqlite_utils", "pandas")


def revisions(n: int) -> Iterator[tuple[str, dict[str, Any]]]:
    """10 % of the events: a new day and English title."""
    for i in range(0, n, 10):
        when = f"{1900 + (i + 7) % 120}-{1 + (i + 3) % 12:02d}-{1 + i % 28:02d}"
        yield f"e{i}", {"when": when, "title": {"en": f"Event {i}, revised"}}


def _read(folder: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    events = [
        json.loads(line) for line in (folder / "events.jsonl").read_text("utf-8").splitlines()
    ]
    refs: list[dict[str, Any]] = json.loads((folder / "references.json").read_text("utf-8"))
    return events, refs


def _citations(event: dict[str, Any]) -> list[tuple[str, str]]:
    return [tuple(text.split("@", 1)) for text in event["citations"]]  # type: ignore[misc]


def _markdown(
    events: list[tuple[str, str, str]],
    cited: dict[str, list[tuple[str, str]]],
    titles: dict[str, str],
) -> str:
    """The peers' Markdown: events by date with their sources, then the references."""
    lines = ["# Chronology", ""]
    used: set[str] = set()
    for event_id, when, title in sorted(events, key=lambda e: (e[1], e[0])):
        lines += [f"## {when}: {title}", ""]
        for key, locator in cited.get(event_id, ()):
            used.add(key)
            lines.append(f"- {titles[key]}, {locator} [{key}]")
        lines.append("")
    lines += ["## References", ""]
    lines += [f"- [{key}] {titles[key]}" for key in sorted(used)]
    return "\n".join(lines) + "\n"


# -- ours -------------------------------------------------------------------


class Phases:
    """The CPU time of each phase of a run, printed as ``phase NAME SECONDS`` lines."""

    def __init__(self) -> None:
        self._marks = [("start", time.process_time())]

    def __call__(self, phase: str) -> None:
        """End ``phase`` now."""
        self._marks.append((phase, time.process_time()))

    def print(self) -> None:
        for (_, before), (phase, after) in itertools.pairwise(self._marks):
            print(f"phase {phase} {after - before:.4f}")


def ours(folder: Path, n: int) -> int:
    mark = Phases()
    from timeline import Timeline
    from timeline.documents import render
    from timeline.importing import import_into, stream_import

    mark("imports")
    path = folder / "ours.timeline"
    import_into(path, stream_import([folder / "references.json", folder / "events.jsonl"]))
    mark("import")
    with Timeline.open(path, author="bench") as tl:
        for event_id, fields in revisions(n):
            tl.revise(event_id, reason="bench revision", **fields)
        mark("revise")
        found = tl.events(actors=[ACTOR], between=f"{RANGE[0]}/{RANGE[1]}")
        mark("query")
        (folder / "ours.md").write_text(render(tl.chronology(), "markdown"), encoding="utf-8")
        mark("markdown")
    mark.print()
    return len(found)


# -- eventsourcing ----------------------------------------------------------


def eventsourcing(folder: Path, n: int) -> int:
    mark = Phases()
    from uuid import NAMESPACE_URL, UUID, uuid5

    from eventsourcing.application import Application
    from eventsourcing.domain import Aggregate, event

    importlib.import_module("eventsourcing.sqlite")  # loaded by Application: an import

    mark("imports")

    class HistoricalEvent(Aggregate):
        @event("Recorded")
        def __init__(self, event_id: str, fields: dict[str, Any]) -> None:
            self.event_id = event_id
            self.fields = fields
            self.citations: list[tuple[str, str]] = []

        @staticmethod
        def create_id(event_id: str, fields: dict[str, Any]) -> UUID:
            return uuid5(NAMESPACE_URL, f"event/{event_id}")

        @event("Cited")
        def cite(self, key: str, locator: str) -> None:
            self.citations.append((key, locator))

        @event("Revised")
        def revise(self, changes: dict[str, Any], reason: str) -> None:
            self.fields = {**self.fields, **changes}

    class Source(Aggregate):
        @event("Added")
        def __init__(self, key: str, csl: dict[str, Any]) -> None:
            self.key = key
            self.csl = csl

        @staticmethod
        def create_id(key: str, csl: dict[str, Any]) -> UUID:
            return uuid5(NAMESPACE_URL, f"ref/{key}")

    app = Application(
        env={"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(folder / "es.db")}
    )
    events, refs = _read(folder)
    pending: list[Aggregate] = []
    for ref in refs:
        pending.append(Source(ref["id"], ref))
    for row in events:
        fields = {k: v for k, v in row.items() if k not in ("id", "citations")}
        aggregate = HistoricalEvent(row["id"], fields)
        for key, locator in _citations(row):
            aggregate.cite(key, locator)
        pending.append(aggregate)
    for start in range(0, len(pending), 500):
        app.save(*pending[start : start + 500])
    view = sqlite3.connect(folder / "es-view.db")
    view.executescript(
        "CREATE TABLE events (id TEXT PRIMARY KEY, uuid TEXT, day TEXT, title TEXT, actors TEXT);"
        "CREATE TABLE citations (event_id TEXT, key TEXT, locator TEXT);"
        "CREATE TABLE refs (key TEXT PRIMARY KEY, title TEXT);"
    )
    ids: dict[str, str] = {}

    def project(position: int) -> int:
        """Apply the notifications after ``position`` to the view; the last position."""
        while True:
            page = app.recorder.select_notifications(position + 1, 1000)
            if not page:
                return position
            with view:
                for notification in page:
                    change = app.mapper.to_domain_event(notification)
                    name = type(change).__name__
                    if name == "Recorded":
                        f = change.fields  # type: ignore[attr-defined]
                        ids[str(change.originator_id)] = change.event_id  # type: ignore[attr-defined]
                        view.execute(
                            "INSERT INTO events VALUES (?, ?, ?, ?, ?)",
                            (
                                change.event_id,  # type: ignore[attr-defined]
                                str(change.originator_id),
                                f["when"],
                                f["title"]["en"],
                                json.dumps(f["actors"]),
                            ),
                        )
                    elif name == "Cited":
                        view.execute(
                            "INSERT INTO citations VALUES (?, ?, ?)",
                            (ids[str(change.originator_id)], change.key, change.locator),  # type: ignore[attr-defined]
                        )
                    elif name == "Revised":
                        c = change.changes  # type: ignore[attr-defined]
                        view.execute(
                            "UPDATE events SET day = ?, title = ? WHERE uuid = ?",
                            (c["when"], c["title"]["en"], str(change.originator_id)),
                        )
                    elif name == "Added":
                        view.execute(
                            "INSERT INTO refs VALUES (?, ?)",
                            (change.key, change.csl["title"]),  # type: ignore[attr-defined]
                        )
            position = page[-1].id

    position = project(0)
    mark("import")
    for event_id, changes in revisions(n):
        aggregate = app.repository.get(uuid5(NAMESPACE_URL, f"event/{event_id}"))
        aggregate.revise(changes, "bench revision")
        app.save(aggregate)
    project(position)
    mark("revise")
    found = view.execute(
        "SELECT e.id FROM events e, json_each(e.actors) a WHERE a.value = ? "
        "AND e.day BETWEEN ? AND ?",
        (ACTOR, *RANGE),
    ).fetchall()
    mark("query")
    (folder / "es.md").write_text(_render_sql(view), encoding="utf-8")
    mark("markdown")
    mark.print()
    return len(found)


def _render_sql(conn: Any) -> str:
    """Markdown from events(id, day, title), citations and refs tables."""
    cited: dict[str, list[tuple[str, str]]] = {}
    for event_id, key, locator in conn.execute("SELECT event_id, key, locator FROM citations"):
        cited.setdefault(event_id, []).append((key, locator))
    titles = dict(conn.execute("SELECT key, title FROM refs"))
    events = conn.execute("SELECT id, day, title FROM events").fetchall()
    return _markdown(events, cited, titles)


# -- sqlite-utils -----------------------------------------------------------


_NEW = ", ".join(
    f"NEW.{c}" for c in ("id", "day", "title", "title_zh", "kind", "actors", "tags", "importance")
)


def sqlite_utils(folder: Path, n: int) -> int:
    from sqlite_utils import Database

    db = Database(folder / "su.db")
    db.executescript(
        "CREATE TABLE events (id TEXT PRIMARY KEY, day TEXT, title TEXT, title_zh TEXT, "
        "kind TEXT, actors TEXT, tags TEXT, importance INTEGER);"
        "CREATE TABLE events_audit (id TEXT, day TEXT, title TEXT, title_zh TEXT, kind TEXT, "
        "actors TEXT, tags TEXT, importance INTEGER, changed_at TEXT);"
        + "".join(
            f"CREATE TRIGGER events_{when} AFTER {when} ON events BEGIN INSERT INTO events_audit "
            f"VALUES ({_NEW}, strftime('%Y-%m-%dT%H:%M:%f', 'now')); END;"
            for when in ("insert", "update")
        )
    )
    events, refs = _read(folder)
    db["refs"].insert_all(
        ({"key": r["id"], "title": r["title"], "csl": json.dumps(r)} for r in refs), pk="key"
    )
    db["events"].insert_all(
        {
            "id": e["id"],
            "day": e["when"],
            "title": e["title"]["en"],
            "title_zh": e["title"]["zh"],
            "kind": e["kind"],
            "actors": e["actors"],
            "tags": e["tags"],
            "importance": e["importance"],
        }
        for e in events
    )
    db["citations"].insert_all(
        {"event_id": e["id"], "key": key, "locator": locator}
        for e in events
        for key, locator in _citations(e)
    )
    for event_id, changes in revisions(n):
        db["events"].update(event_id, {"day": changes["when"], "title": changes["title"]["en"]})
    found = list(
        db.query(
            "SELECT e.id FROM events e, json_each(e.actors) a WHERE a.value = ? "
            "AND e.day BETWEEN ? AND ?",
            (ACTOR, *RANGE),
        )
    )
    (folder / "su.md").write_text(_render_sql(db.conn), encoding="utf-8")
    return len(found)


# -- pandas -----------------------------------------------------------------


def pandas(folder: Path, n: int) -> int:
    import pandas as pd

    events_rows, refs = _read(folder)
    events = pd.DataFrame(
        {
            "id": [e["id"] for e in events_rows],
            "day": [e["when"] for e in events_rows],
            "title": [e["title"]["en"] for e in events_rows],
            "title_zh": [e["title"]["zh"] for e in events_rows],
            "kind": [e["kind"] for e in events_rows],
            "actors": [e["actors"] for e in events_rows],
            "importance": [e["importance"] for e in events_rows],
        }
    ).set_index("id", drop=False)
    citations = pd.DataFrame(
        [(e["id"], key, loc) for e in events_rows for key, loc in _citations(e)],
        columns=["event_id", "key", "locator"],
    )
    references = pd.DataFrame({"key": [r["id"] for r in refs], "title": [r["title"] for r in refs]})
    changes = dict(revisions(n))
    revised = list(changes)
    history = events.loc[revised].assign(replaced_at=pd.Timestamp.now(tz="UTC"))
    events.loc[revised, "day"] = [changes[i]["when"] for i in revised]
    events.loc[revised, "title"] = [changes[i]["title"]["en"] for i in revised]
    assert len(history) == len(revised)
    mask = events["actors"].map(lambda actors: ACTOR in actors) & events["day"].between(*RANGE)
    found = events[mask]
    cited: dict[str, list[tuple[str, str]]] = {}
    for event_id, key, locator in citations.itertuples(index=False):
        cited.setdefault(event_id, []).append((key, locator))
    titles = dict(zip(references["key"], references["title"], strict=True))
    rows = list(events[["id", "day", "title"]].itertuples(index=False, name=None))
    (folder / "pd.md").write_text(_markdown(rows, cited, titles), encoding="utf-8")
    return len(found)


RUNNERS: dict[str, Callable[[Path, int], int]] = {
    "ours": ours,
    "eventsourcing": eventsourcing,
    "sqlite_utils": sqlite_utils,
    "pandas": pandas,
}


#: The CPU seconds of each phase of an implementation's last run (those it prints).
phases: dict[str, dict[str, float]] = {}


def byte_compile(packages: tuple[str, ...] = ("timeline", "citations")) -> None:
    """Write the bytecode of ``packages`` where they are imported from (``__pycache__``)."""
    for package in packages:
        spec = importlib.util.find_spec(package)
        assert spec is not None and spec.submodule_search_locations is not None, package
        for location in spec.submodule_search_locations:
            compileall.compile_dir(location, quiet=1)


def run_one(name: str, folder: Path, n: int) -> tuple[float, int]:
    """Run implementation ``name`` in a fresh interpreter: its CPU seconds and query count
    (and its phases, if it prints them, in :data:`phases`)."""
    with tempfile.TemporaryDirectory(dir=folder) as work:
        for file in ("events.jsonl", "references.json"):
            os.link(folder / file, Path(work) / file)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        done = subprocess.run(
            [sys.executable, __file__, "--one", name, work, str(n)],
            capture_output=True,
            text=True,
            check=False,
        )
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{name} failed:\n{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    lines = done.stdout.split("\n")
    phases[name] = {
        words[1]: float(words[2]) for words in map(str.split, lines) if words[:1] == ["phase"]
    }
    return cpu, int(done.stdout.split()[-1])


def main() -> None:
    args = sys.argv[1:]
    if args[:1] == ["--one"]:
        print(RUNNERS[args[1]](Path(args[2]), int(args[3])))
        return
    rounds = 3
    if args[:1] == ["--rounds"]:
        rounds, args = int(args[1]), args[2:]
    n = int(args[0]) if args else 5000
    byte_compile()
    best: dict[str, float] = {}
    found: dict[str, int] = {}
    best_phases: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        workload.write_files(n, folder, references=n)
        for _ in range(rounds):
            for name in IMPLEMENTATIONS:
                cpu, found[name] = run_one(name, folder, n)
                if cpu < best.get(name, float("inf")):
                    best[name] = cpu
                    best_phases[name] = phases.get(name, {})
    if len(set(found.values())) != 1:
        raise SystemExit(f"the implementations found different events: {found}")
    print(f"job_events {n}")
    print(f"job_query_events {found['ours']}")
    for name in IMPLEMENTATIONS:
        print(f"job_cpu_s_{name} {best[name]:.4g}")
    # the best round by phase of those that mark them; "start" is the interpreter's
    # start before the first mark and its exit
    for name in IMPLEMENTATIONS:
        marked = best_phases.get(name)
        if marked:
            marked["start"] = best[name] - sum(marked.values())
            for phase, seconds in marked.items():
                print(f"job_{name}_phase_cpu_s_{phase} {seconds:.4g}")
    for name in IMPLEMENTATIONS[1:]:
        print(f"job_{name}_vs_ours {best[name] / best['ours']:.4g}")


if __name__ == "__main__":
    main()
