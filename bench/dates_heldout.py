"""The share of held-out date phrases from real text that the readers read right (issue 16).

Usage: python bench/dates_heldout.py [--part A|B|C] [--show]

Reads bench/dates_heldout.tsv (its header says where each phrase comes from and how its
expected value was made), reads each phrase with :func:`timeline.dates.parse_date` in its
language (with its document date and the Old Style policy where the row gives them) and
compares the EDTF with the expected value, or the error raised with the one expected.
Prints the share read right overall, by language, and for the rows not seen while the
readers were written; ``--show`` lists every miss with what was read or raised.
"""

from __future__ import annotations

import argparse
import csv
from collections import Counter
from pathlib import Path

from timeline.dates import format_edtf, parse_date
from timeline.errors import DateError

SET = Path(__file__).with_name("dates_heldout.tsv")


def _rows(part: str | None) -> list[dict[str, str]]:
    lines = [line for line in SET.read_text("utf-8").splitlines() if not line.startswith("#")]
    rows = list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [row for row in rows if part is None or row["part"] == part]


def _read(row: dict[str, str]) -> str:
    try:
        when = parse_date(
            row["phrase"],
            row["lang"],
            document_date=row["document_date"] or None,
            old_style=row["old_style"] == "yes",
        )
    except DateError as exc:
        return f"{type(exc).__name__}: {exc}"
    return format_edtf(when.when)


def _right(row: dict[str, str], got: str) -> bool:
    """Read right: the expected EDTF, or the expected error (``AmbiguousDate``) raised."""
    expected = row["expected"]
    return got == expected or (expected.isalpha() and got.startswith(f"{expected}: "))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=("A", "B", "C"))
    parser.add_argument("--show", action="store_true")
    args = parser.parse_args()
    total: Counter[str] = Counter()
    right: Counter[str] = Counter()
    misses = []
    for row in _rows(args.part):
        got = _read(row)
        ok = _right(row, got)
        for group in ("all", row["lang"], "unseen" if row["seen"] == "no" else "seen"):
            total[group] += 1
            right[group] += ok
        if not ok:
            misses.append((row, got))
    part = f"part {args.part}" if args.part else "all parts"
    for group in ("all", "zh", "en", "ru", "seen", "unseen"):
        if total[group]:
            share = 100 * right[group] / total[group]
            print(f"{part} {group:7} {right[group]}/{total[group]} read right ({share:.1f} %)")
    if args.show:
        for row, got in misses:
            where = f"{row['part']} {row['lang']} {row['phrase']!r}"
            print(f"miss {where}: expected {row['expected']}, got {got}")


if __name__ == "__main__":
    main()
