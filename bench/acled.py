"""Issue 14's living-data figures: an ACLED-style CSV read and imported, memory and rate.

Usage: ``python bench/acled.py [N ...] [--import-up-to M]`` (default N: 100000
1000000; imports up to 100000 rows). Writes an ACLED-style CSV of N rows (all
31 codebook columns, dates at the three precisions, two to four actors a row),
then, each phase in a spawned child of its own (its peak RSS is its own), one
``name value`` line per figure:

- ``stream_rows_per_s_N`` and ``stream_rss_mb_N``: every row read through the
  built-in ACLED mapping into events and citations (``mapped_rows``), nothing
  kept; ``stream_rss_ratio``: peak RSS at the largest N over the smallest
  (flat: close to 1);
- ``import_changes_per_s_N`` and ``import_rss_mb_N`` (N up to ``--import-up-to``):
  ``stream_import`` then ``import_into`` a new journal, as ``timeline import``
  does; ``batch_append_records_per_s_N``: the journal's own ``append_batch`` of
  the same records (batches of 1000, into a fresh journal); and
  ``import_vs_batch_append_N``, the ratio of the two rates.
"""

from __future__ import annotations

import csv
import random
import sys
import tempfile
import time
from pathlib import Path

import workload
from views import batch_append_phase

from timeline.importing import import_into, load_mapping, stream_import
from timeline.importing._mapping import mapped_rows

COLUMNS = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2",
    "admin3", "location", "latitude", "longitude", "geo_precision", "source", "source_scale",
    "notes", "fatalities", "tags", "timestamp",
]  # fmt: skip
_TYPES = [
    ("Battles", "Armed clash", "Political violence"),
    ("Protests", "Peaceful protest", "Demonstrations"),
    ("Explosions/Remote violence", "Shelling/artillery/missile attack", "Political violence"),
]
_ACTORS = [
    "Military Forces of Russia (2000-)",
    "Military Forces of Ukraine (2019-)",
    "Protesters (Ukraine)",
    "Wagner Group",
    "Civilians (Ukraine)",
]
_PLACES = [("Donetsk", "48.0159", "37.8029"), ("Kharkiv", "49.9935", "36.2304")]


def write_csv(path: Path, n: int) -> None:
    rng = random.Random(14)
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(COLUMNS)
        for i in range(n):
            event_type, sub_type, disorder = _TYPES[i % len(_TYPES)]
            place, lat, lon = _PLACES[i % len(_PLACES)]
            day = f"{2018 + i % 7}-{1 + i % 12:02d}-{1 + i % 28:02d}"
            row = dict.fromkeys(COLUMNS, "")
            row |= {
                "event_id_cnty": f"UKR{i}",
                "event_date": day,
                "year": day[:4],
                "time_precision": str(1 + (i % 10 == 0) + (i % 50 == 0)),
                "disorder_type": disorder,
                "event_type": event_type,
                "sub_event_type": sub_type,
                "actor1": rng.choice(_ACTORS),
                "assoc_actor_1": rng.choice(_ACTORS) if i % 3 == 0 else "",
                "actor2": rng.choice(_ACTORS),
                "country": "Ukraine",
                "admin1": place,
                "location": place,
                "latitude": lat,
                "longitude": lon,
                "source": "Ukrainska Pravda",
                "notes": f"On {day}, an event numbered {i} took place near {place}.",
                "fatalities": str(i % 5),
                "timestamp": str(1_700_000_000 + i),
            }
            writer.writerow(row.values())


def stream_phase(path: str) -> dict[str, float]:
    mapping = load_mapping("acled")
    start = time.perf_counter()
    count = 0
    with open(path, encoding="utf-8", newline="") as stream:
        for _event, _citation, _origin in mapped_rows(stream, mapping, path):
            count += 1
    elapsed = time.perf_counter() - start
    return {"rows_per_s": count / elapsed, "rss_mb": workload.peak_rss_mb()}


def import_phase(path: str, journal: str) -> dict[str, float]:
    start = time.perf_counter()
    summary = import_into(journal, stream_import([path]))
    elapsed = time.perf_counter() - start
    changes = summary.references + summary.events + summary.citations
    return {"changes_per_s": changes / elapsed, "rss_mb": workload.peak_rss_mb()}


def main() -> None:
    args = sys.argv[1:]
    import_up_to = 100_000
    if "--import-up-to" in args:
        at = args.index("--import-up-to")
        import_up_to = int(args[at + 1])
        del args[at : at + 2]
    sizes = [int(a) for a in args] or [100_000, 1_000_000]
    rss: dict[int, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            data = Path(tmp) / f"acled-{n}.csv"
            write_csv(data, n)
            figures = workload.child(stream_phase, str(data))
            rss[n] = figures["rss_mb"]
            print(f"stream_rows_per_s_{n} {figures['rows_per_s']:.0f}")
            print(f"stream_rss_mb_{n} {figures['rss_mb']:.0f}")
            if n <= import_up_to:
                journal = Path(tmp) / f"acled-{n}.timeline"
                imported = workload.child(import_phase, str(data), str(journal))
                appended = workload.child(
                    batch_append_phase, str(journal), str(Path(tmp) / f"append-{n}.timeline")
                )
                rate = appended["batch_append_records_per_s"]
                print(f"import_changes_per_s_{n} {imported['changes_per_s']:.0f}")
                print(f"import_rss_mb_{n} {imported['rss_mb']:.0f}")
                print(f"batch_append_records_per_s_{n} {rate:.0f}")
                print(f"import_vs_batch_append_{n} {imported['changes_per_s'] / rate:.3f}")
            data.unlink()
    if len(rss) > 1:
        print(f"stream_rss_ratio {rss[max(rss)] / rss[min(rss)]:.2f}")


if __name__ == "__main__":
    main()
