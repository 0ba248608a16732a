"""Events files in JSON Lines: one event (or ``{"revision": {...}}``) per line, read whole
(:func:`jsonl_plan`) or line by line from the file (:func:`jsonl_parts`)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from timeline.errors import ImportFailed
from timeline.importing._entries import (
    TOO_DEEP,
    Where,
    entries_parts,
    entries_plan,
    revisions_plan,
)
from timeline.importing._plan import ImportPlan


def jsonl_plan(text: str, source: str) -> ImportPlan:
    revisions: list[tuple[Any, Where]] = []
    return entries_plan(_events(text, source, revisions), revisions, source)


def _events(
    text: str, source: str, revisions: list[tuple[Any, Where]]
) -> Iterator[tuple[Any, Where]]:
    """Each line's event, parsed as it is asked for (the plan holds no line's raw value
    past its event), and each revision put into ``revisions`` on the way."""
    # Lines end at \n (and \r\n) only: str.splitlines would also split inside
    # strings at U+2028, U+0085 and other characters JSON allows unescaped.
    lines = enumerate(io.StringIO(text, newline="\n"), 1)
    return _parsed(lines, source, revisions)


def _parsed(
    lines: Iterable[tuple[int, str]], source: str, revisions: list[tuple[Any, Where]] | None
) -> Iterator[tuple[Any, Where]]:
    """Each numbered line's event; each revision put into ``revisions`` (None: skipped)."""
    for number, line in lines:
        if not line.strip():
            continue
        where = Where(source, line=number)
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise where.fail(f"not JSON: {exc.msg} at column {exc.colno}") from exc
        except RecursionError as exc:
            raise where.fail(f"not readable JSON: {TOO_DEEP}") from exc
        if isinstance(data, Mapping) and set(data) == {"revision"}:
            if revisions is not None:
                revisions.append((data["revision"], where))
        else:
            yield data, where


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    """Each line of the file at ``path`` with its number, read as it is asked for; lines end
    at \\n only, and bytes that are not UTF-8 are refused naming their offset."""
    offset = 0
    try:
        with path.open("rb") as stream:
            for number, raw in enumerate(stream, 1):
                try:
                    yield number, raw.decode("utf-8")
                except UnicodeDecodeError as exc:
                    raise ImportFailed(
                        f"{path}: not UTF-8 text (byte {offset + exc.start})"
                    ) from exc
                offset += len(raw)
    except OSError as exc:
        raise ImportFailed(f"{path}: cannot read: {exc.strerror}") from exc


def jsonl_parts(path: Path) -> Iterator[ImportPlan]:
    """The events of a JSON Lines file, part by part, each line parsed as it is read;
    revision lines are left to :func:`jsonl_revisions`."""
    source = str(path)
    return entries_parts(_parsed(_lines(path), source, None), source)


def jsonl_revisions(path: Path) -> ImportPlan:
    """The revisions of a JSON Lines file: only lines that can spell the key ``revision``
    are parsed (any other line's fault is the events' reader's to name)."""
    source = str(path)
    found: list[tuple[Any, Where]] = []
    for number, line in _lines(path):
        if '"revision"' not in line and "\\u" not in line:
            continue
        try:
            data = json.loads(line)
        except (json.JSONDecodeError, RecursionError):
            continue
        if isinstance(data, Mapping) and set(data) == {"revision"}:
            found.append((data["revision"], Where(source, line=number)))
    return revisions_plan(found, source)
