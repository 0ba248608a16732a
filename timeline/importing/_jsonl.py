"""Events files in JSON Lines: one event (or ``{"revision": {...}}``) per line."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator, Mapping
from typing import Any

from timeline.importing._entries import TOO_DEEP, Where, entries_plan
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
    for number, line in enumerate(io.StringIO(text, newline="\n"), 1):
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
            revisions.append((data["revision"], where))
        else:
            yield data, where
