"""Peer libraries measured on the same data as our benchmarks, in the same run.

Usage: ``python bench/peers.py [N]`` (default 100000) prints one ``name value``
line per figure:

- the ``eventsourcing`` library's SQLite event store (``SQLiteApplicationRecorder``,
  the recorder behind an eventsourcing application: per-stream versions plus a
  global notification order, as our journal has): batch append of N records in
  batches of 1000 over 50 streams, and a replay of every record in global order
  with its JSON state decoded, the same payloads as ``bench/journal.py``;
- ``bibtexparser`` (1.x): reading and writing the 10,000-entry corpus of
  ``bench/bibtex.py``.

Each figure runs in a spawned child process of its own, as ours do. The peers
come from the ``bench`` extra: ``pip install -e '.[bench]'``.
"""

from __future__ import annotations

import importlib.util
import json
import multiprocessing
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from workload import payload, peak_rss_mb

BATCH = 1000
STREAMS = 50


def _recorder(path: str) -> Any:
    from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteDatastore

    datastore = SQLiteDatastore(path, originator_id_type="text")
    recorder = SQLiteApplicationRecorder(datastore)
    recorder.create_table()
    return recorder


def eventsourcing_append(path: str, n: int) -> dict[str, float]:
    """Batch append through eventsourcing's SQLite recorder: one transaction per batch."""
    from eventsourcing.persistence import StoredEvent

    recorder = _recorder(path)
    versions = [0] * STREAMS
    start = time.perf_counter()
    for offset in range(0, n, BATCH):
        stream = offset // BATCH % STREAMS
        version = versions[stream]
        batch = [
            StoredEvent(
                originator_id=f"stream-{stream}",
                originator_version=version + i + 1,
                topic="event.recorded",
                state=json.dumps(payload(offset + i)).encode(),
            )
            for i in range(min(BATCH, n - offset))
        ]
        recorder.insert_events(batch)
        versions[stream] = version + len(batch)
    elapsed = time.perf_counter() - start
    recorder.datastore.close()
    return {"eventsourcing_batch_append_records_per_s": n / elapsed}


def eventsourcing_replay(path: str) -> dict[str, float]:
    """Every stored event in global order, a page of 1000 at a time, JSON state decoded."""
    recorder = _recorder(path)
    start = time.perf_counter()
    count = 0
    position = 1
    while True:
        page = recorder.select_notifications(position, BATCH)
        if not page:
            break
        for notification in page:
            json.loads(notification.state)["title"]
            count += 1
        position = page[-1].id + 1
    elapsed = time.perf_counter() - start
    recorder.datastore.close()
    return {
        "eventsourcing_replay_records_per_s": count / elapsed,
        "eventsourcing_replay_peak_rss_mb": peak_rss_mb(),
    }


def _event_store(path: str) -> Any:
    """eventsourcing's EventStore: its JSON mapper over the same SQLite recorder."""
    from eventsourcing.persistence import (
        DatetimeAsISO,
        EventStore,
        JSONTranscoder,
        Mapper,
        UUIDAsHex,
    )
    from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteDatastore

    transcoder = JSONTranscoder()
    transcoder.register(UUIDAsHex())
    transcoder.register(DatetimeAsISO())
    recorder = SQLiteApplicationRecorder(SQLiteDatastore(path))
    recorder.create_table()
    return EventStore(Mapper(transcoder=transcoder), recorder)


def _domain_event_type() -> Any:
    from dataclasses import dataclass

    from eventsourcing.domain import DomainEvent
    from eventsourcing.utils import get_topic, register_topic

    @dataclass(frozen=True)
    class Recorded(DomainEvent):
        payload: dict[str, Any]

    register_topic(get_topic(Recorded), Recorded)  # a local class: let the mapper find it
    return Recorded


def eventsourcing_store_append(path: str, n: int) -> dict[str, float]:
    """Batch append of domain events through ``EventStore.put`` (mapper, JSON, recorder).

    The same input as our journal's append: objects carrying the payload dicts,
    built before the clock starts, turned into stored rows by the store.
    """
    import uuid
    from datetime import UTC, datetime

    store = _event_store(path)
    recorded = _domain_event_type()
    ids = [uuid.UUID(int=stream + 1) for stream in range(STREAMS)]
    versions = [0] * STREAMS
    batches = []
    for offset in range(0, n, BATCH):
        stream = offset // BATCH % STREAMS
        size = min(BATCH, n - offset)
        batches.append(
            [
                recorded(
                    originator_id=ids[stream],
                    originator_version=versions[stream] + i + 1,
                    timestamp=datetime.now(UTC),
                    payload=payload(offset + i),
                )
                for i in range(size)
            ]
        )
        versions[stream] += size
    start = time.perf_counter()
    for batch in batches:
        store.put(batch)
    elapsed = time.perf_counter() - start
    store.recorder.datastore.close()
    return {"eventsourcing_store_batch_append_records_per_s": n / elapsed}


def eventsourcing_store_replay(path: str) -> dict[str, float]:
    """Every stored event in global order, mapped back to a domain event (JSON decoded)."""
    store = _event_store(path)
    _domain_event_type()
    start = time.perf_counter()
    count = 0
    position = 1
    while True:
        page = store.recorder.select_notifications(position, BATCH)
        if not page:
            break
        for notification in page:
            store.mapper.to_domain_event(notification).payload["title"]
            count += 1
        position = page[-1].id + 1
    elapsed = time.perf_counter() - start
    store.recorder.datastore.close()
    return {"eventsourcing_store_replay_records_per_s": count / elapsed}


def _bibtex_corpus() -> str:
    spec = importlib.util.spec_from_file_location(
        "bench_bibtex", Path(__file__).with_name("bibtex.py")
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    corpus: str = module._corpus()
    return corpus


def bibtexparser_figures(sample: int = 1000) -> dict[str, float]:
    """bibtexparser 1.x reading the first ``sample`` entries of the corpus (it reads about
    a hundred entries a second), and writing all 10,000 (the sample's entries repeated
    under fresh keys, as the corpus itself is built)."""
    import copy

    import bibtexparser
    from bibtexparser.bibdatabase import BibDatabase

    text = _bibtex_corpus()
    head = text.split("@Article{")
    part = "@Article{".join(head[: sample + 1])
    start = time.perf_counter()
    parsed = bibtexparser.loads(part)
    read = time.perf_counter() - start
    count = len(head) - 1
    database = BibDatabase()
    database.strings = parsed.strings
    for index in range(count):
        entry = copy.copy(parsed.entries[index % len(parsed.entries)])
        entry["ID"] = f"{entry['ID']}-copy{index}"
        database.entries.append(entry)
    start = time.perf_counter()
    bibtexparser.dumps(database)
    write = time.perf_counter() - start
    return {
        "bibtexparser_read_entries_per_s": len(parsed.entries) / read,
        "bibtexparser_write_entries_per_s": count / write,
    }


def _run(queue: Any, target: Any, *args: Any) -> None:
    queue.put(target(*args))


def child(target: Any, *args: Any) -> dict[str, float]:
    """Run ``target(*args)`` in a spawned process and return the figures it gives back."""
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    process = ctx.Process(target=_run, args=(queue, target, *args))
    process.start()
    result: dict[str, float] = queue.get()
    process.join()
    if process.exitcode != 0:
        raise SystemExit(f"{target.__name__} failed with exit code {process.exitcode}")
    return result


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    figures: dict[str, float] = {"records": n}
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "eventsourcing.sqlite")
        figures |= child(eventsourcing_append, path, n)
        figures |= child(eventsourcing_replay, path)
        store_path = str(Path(tmp) / "eventsourcing-store.sqlite")
        figures |= child(eventsourcing_store_append, store_path, n)
        figures |= child(eventsourcing_store_replay, store_path)
    figures |= child(bibtexparser_figures)
    for name, value in figures.items():
        print(f"{name} {value:.4g}" if isinstance(value, float) else f"{name} {value}")


if __name__ == "__main__":
    main()
