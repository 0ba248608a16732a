#!/usr/bin/env python3
"""Print the rows of ``timeline/dates/data/eras_zh.tsv`` for the eras before the Ming.

Usage: docs/gen_eras_zh_from_sanmiao.py SANMIAO_DATA > rows.tsv

SANMIAO_DATA is the ``sanmiao/data`` folder of the sanmiao package (0.2.12;
``pip download --no-deps sanmiao==0.2.12`` and unzip it): Daniel Patrick
Morgan's era table of the Chinese, Japanese and Korean calendars (MIT licence).
The rows kept are the Chinese regimes from the 西汉 to the 元, with 北元 and
the 南明; the Ming and Qing rows of ``eras_zh.tsv`` are ours (after 方诗铭)
and stay as they are. An era's first lunar month is that of the day sanmiao
gives for its start, read with :mod:`timeline.dates._lunar`; its last is the
month before its successor's first, when the successor begins in the era's
last year. Simplified names are made with OpenCC (``t2s``, 乾 kept: 乾德 is no
干德); needs ``pip install opencc-python-reimplemented``.
"""

from __future__ import annotations

import csv
import sys
from collections import defaultdict
from pathlib import Path

from opencc import OpenCC

from timeline.dates import _lunar
from timeline.errors import InvalidDate

#: sanmiao dynasty id -> the dynasty as written in eras_zh.tsv, then its other names.
DYNASTIES: dict[int, tuple[str, ...]] = {
    43: ("西汉", "汉", "前汉"),
    44: ("新",),
    45: ("更始", "汉"),
    46: ("东汉", "汉", "后汉"),
    48: ("曹魏", "魏", "三国魏"),
    51: ("晋",),  # split by year below: 西晋 until 316, then 东晋
    49: ("蜀汉", "蜀", "汉"),
    50: ("孙吴", "吴", "东吴"),
    52: ("西晋", "晋"),
    53: ("东晋", "晋"),
    54: ("汉赵", "前赵", "北汉"),
    55: ("前赵", "汉赵", "赵"),
    56: ("成汉", "成", "汉"),
    57: ("后赵", "赵"),
    58: ("前凉", "凉"),
    59: ("前燕", "燕"),
    60: ("冉魏", "魏"),
    62: ("前秦", "秦"),
    63: ("后燕", "燕"),
    64: ("后秦", "秦"),
    65: ("西秦", "秦"),
    66: ("后凉", "凉"),
    67: ("南凉", "凉"),
    68: ("北凉", "凉"),
    69: ("南燕", "燕"),
    70: ("西凉", "凉"),
    71: ("胡夏", "夏"),
    72: ("北燕", "燕"),
    73: ("西燕", "燕"),
    74: ("后仇池", "仇池"),
    75: ("西蜀", "蜀"),
    77: ("桓楚", "楚"),
    80: ("侯汉", "汉"),
    83: ("刘宋", "宋"),
    84: ("南齐", "齐"),
    85: ("南梁", "梁"),
    86: ("东梁", "梁"),
    87: ("西梁", "梁", "后梁"),
    88: ("陈",),
    89: ("北魏", "魏", "后魏"),
    90: ("武兴",),
    91: ("阴平",),
    92: ("东魏", "魏"),
    93: ("西魏", "魏"),
    94: ("北齐", "齐"),
    95: ("北周", "周", "后周"),
    96: ("隋",),
    97: ("唐",),
    98: ("郑", "王世充"),
    99: ("武周", "周"),
    100: ("前蜀", "蜀"),
    101: ("杨吴", "吴"),
    102: ("杨吴", "吴"),
    104: ("吴越",),
    105: ("后梁", "梁"),
    106: ("马楚", "楚"),
    107: ("闽",),
    108: ("南汉", "汉"),
    109: ("后唐", "唐"),
    110: ("南平", "荆南"),
    111: ("后蜀", "蜀"),
    112: ("闽",),
    113: ("后晋", "晋"),
    114: ("南唐", "唐"),
    115: ("辽", "契丹"),
    116: ("后汉", "汉"),
    117: ("后周", "周"),
    118: ("北汉", "汉"),
    119: ("宋",),
    120: ("西夏", "夏"),
    121: ("金",),
    122: ("伪齐", "齐"),
    123: ("西辽",),
    124: ("元", "蒙古"),
    126: ("北元", "元"),
    128: ("南明", "明"),
}
#: The first year of the Southern Song (建炎, 1127) and of the Eastern Jin (建武, 317).
SOUTHERN_SONG = 1127
EASTERN_JIN = 317


def _simplified(converter: OpenCC, name: str) -> str:
    simple = converter.convert(name)
    return "".join("乾" if t == "乾" else s for t, s in zip(name, simple, strict=True))


def _with_traditional(converter: OpenCC, names: tuple[str, ...]) -> tuple[str, ...]:
    """``names`` and their traditional spellings (东汉 -> 東漢), each once."""
    spelled = [*names, *(converter.convert(name).replace("后", "後") for name in names)]
    return tuple(dict.fromkeys(spelled))


def _month(jdn: int, year: int) -> tuple[int, bool]:
    """The lunar month of day ``jdn`` if it lies in lunar ``year`` (else 1), and whether
    the day is the month's first."""
    if year < _lunar.FIRST_YEAR:
        return 1, True
    try:
        day = _lunar.from_jdn(jdn)
    except InvalidDate:
        return 1, True
    if day.year != year:
        return 1, True
    return day.month, day.day == 1


def rows(data: Path) -> list[list[str]]:
    """The table's rows, in the order the eras began."""
    converter, traditional = OpenCC("t2s"), OpenCC("s2t")
    with (data / "era_table.csv").open(encoding="utf-8") as f:
        table = [r for r in csv.DictReader(f) if int(r["dyn_id"]) in DYNASTIES]
    by_dynasty: dict[int, list[dict[str, str]]] = defaultdict(list)
    for r in table:
        by_dynasty[int(r["dyn_id"])].append(r)
    out: list[tuple[int, list[str]]] = []
    for dyn_id, eras in by_dynasty.items():
        eras.sort(key=lambda r: float(r["era_start_jdn"]))
        for i, r in enumerate(eras):
            first_year = int(r["era_start_year"])
            last_year = first_year + int(float(r["max_year"])) - 1
            start = int(float(r["era_start_jdn"]) + 0.5)
            first_month, _ = _month(start, first_year)
            last = str(last_year)
            following = eras[i + 1] if i + 1 < len(eras) else None
            if following and int(following["era_start_year"]) == last_year:
                month, on_first_day = _month(
                    int(float(following["era_start_jdn"]) + 0.5), last_year
                )
                month = month - 1 if on_first_day else month
                if 1 <= month < 12 and (last_year, month) >= (first_year, first_month):
                    last = f"{last_year}-{month:02d}"
            first = str(first_year) if first_month == 1 else f"{first_year}-{first_month:02d}"
            names = DYNASTIES[dyn_id]
            if dyn_id == 119:
                names = ("宋", "北宋" if first_year < SOUTHERN_SONG else "南宋")
            if dyn_id == 51:
                names = ("西晋" if first_year < EASTERN_JIN else "东晋", "晋")
            names = _with_traditional(traditional, names)
            name = r["era_name"]
            if not name:
                continue  # a reign counted without an era name (高帝 ...)
            simple = _simplified(converter, name)
            spellings = [s for s in (name,) if s != simple]
            row = [simple, spellings, names, first, last]
            twin = next((o for _, o in out if o[2:] == row[2:]), None)
            if twin is not None:  # one era under two names (神爵/神雀, 建武中元/中元)
                twin[1].extend(s for s in (simple, *spellings) if s not in (twin[0], *twin[1]))
                continue
            out.append((start, row))
    return [
        [simple, ",".join(spellings), ",".join(names), first, last, ""]
        for _, (simple, spellings, names, first, last) in sorted(out, key=lambda item: item[0])
    ]


def main() -> None:
    writer = csv.writer(sys.stdout, delimiter="\t", lineterminator="\n")
    for row in rows(Path(sys.argv[1])):
        writer.writerow(row)


if __name__ == "__main__":
    main()
