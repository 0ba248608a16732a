"""Events files in CSV: one event per row, with flattened columns."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from timeline.errors import ImportFailed
from timeline.importing._entries import Where, entries_parts, entries_plan
from timeline.importing._plan import ImportPlan


def _csv_row(row: Mapping[str | None, Any], where: Where) -> dict[str, Any]:
    if None in row:
        extra = len(row[None])
        raise where.fail(
            f"{extra} cell(s) beyond the {len(row) - 1} columns of the header "
            "(a comma too many, or a quote left open?)"
        )
    data: dict[str, Any] = {}
    for column, value in row.items():
        if column is None or value is None or value == "":
            continue
        if "\x00" in value:
            raise where.fail("holds a NUL character", column)
        name, _, lang = column.partition(".")
        if name != "summary" and ("\n" in value or "\r" in value):
            raise where.fail("holds a line break (a quote left open?)", column)
        if lang and name in ("title", "summary"):
            texts = data.setdefault(name, {})
            if not isinstance(texts, dict):
                raise where.fail(f"both column {name!r} and column {column!r} give it", name)
            texts[lang] = value
        elif name in ("title", "summary") and name in data:
            raise where.fail(f"both column {name!r} and a {name}.<lang> column give it", name)
        else:
            data[name] = value
    return data


def csv_plan(text: str, source: str) -> ImportPlan:
    """Rows of a CSV file read strictly: a quote left open or a stray one is an error."""
    lines = io.StringIO(text.lstrip("\ufeff"), newline="")
    return entries_plan(_rows(lines, source), (), source)


def csv_parts(path: Path) -> Iterator[ImportPlan]:
    """The rows of a CSV file as events, part by part, read from the file as they are
    asked for."""
    source = str(path)
    try:
        stream = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise ImportFailed(f"{source}: cannot read: {exc.strerror}") from exc
    with stream:
        yield from entries_parts(_rows(stream, source), source)


def _rows(lines: Iterable[str], source: str) -> Iterator[tuple[dict[str, Any], Where]]:
    """Each row's fields, read as the plan asks for them (none is held past its event)."""
    reader = csv.DictReader(lines, strict=True)
    start = 1
    try:
        if reader.fieldnames is not None and "\x00" in "".join(reader.fieldnames):
            raise ImportFailed(f"{source}: line 1: the header holds a NUL character")
        start = reader.line_num + 1
        for row in reader:
            where = Where(source, line=start)
            yield _csv_row(row, where), where
            start = reader.line_num + 1
    except csv.Error as exc:
        why = str(exc)
        if why == "unexpected end of data":
            why = "a quote opened in the row starting here is never closed"
        raise ImportFailed(f"{source}: line {start}: not valid CSV: {why}") from exc
    except UnicodeDecodeError as exc:
        raise ImportFailed(f"{source}: line {start} or after: not UTF-8 text") from exc
