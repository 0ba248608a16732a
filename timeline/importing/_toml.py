"""Events files in TOML: lists ``[[event]]`` and ``[[revision]]``."""

from __future__ import annotations

import re
import tomllib

from timeline.errors import ImportFailed
from timeline.importing._entries import TOO_DEEP, document_plan
from timeline.importing._plan import ImportPlan

_TOML_ENTRY = re.compile(r"^[ \t]*\[\[[ \t]*(event|revision)[ \t]*\]\][ \t]*(?:#.*)?$", re.M)


def _toml_lines(text: str) -> dict[str, list[int]]:
    """The line of each ``[[event]]`` and ``[[revision]]`` header (checked against the lists)."""
    lines: dict[str, list[int]] = {"event": [], "revision": []}
    for match in _TOML_ENTRY.finditer(text):
        lines[match.group(1)].append(text.count("\n", 0, match.start()) + 1)
    return lines


def toml_plan(text: str, source: str) -> ImportPlan:
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ImportFailed(f"{source}: not valid TOML: {exc}") from exc
    except RecursionError as exc:
        raise ImportFailed(f"{source}: not readable TOML: {TOO_DEEP}") from exc
    return document_plan(document, source, _toml_lines(text))
