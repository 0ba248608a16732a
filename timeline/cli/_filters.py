"""The event filters shared by ``events``, ``search`` and ``chronology``."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from timeline.application import Timeline


def filter_options(command: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(
        (
            click.option("--between", help="Keep events overlapping an EDTF date or interval."),
            click.option("--actor", "actors", multiple=True, help="Keep events with this actor."),
            click.option(
                "--category", "categories", multiple=True, help="Keep events in this category."
            ),
            click.option("--tag", "tags", multiple=True, help="Keep events with this tag."),
            click.option(
                "--importance", type=click.IntRange(1, 3), help="Keep events this important."
            ),
            click.option("--include-retracted", is_flag=True, help="Keep retracted events too."),
        )
    ):
        command = option(command)
    return command


def read_filters(**options: Any) -> dict[str, Any]:
    filters: dict[str, Any] = {
        "between": options.get("between"),
        "actors": options.get("actors") or None,
        "categories": options.get("categories") or None,
        "tags": options.get("tags") or None,
        "importance": options.get("importance"),
        "include_retracted": bool(options.get("include_retracted")),
    }
    return filters


def warn_unknown_values(timeline: Timeline, filters: dict[str, Any]) -> None:
    """Warn on stderr about each --category, --actor and --tag value that no event has.

    Called when the filters matched nothing, so a typo does not pass for an
    empty result; suggests close values that events do have.
    """
    from difflib import get_close_matches

    from timeline.domain import EVENT_CATEGORIES

    every = timeline.events(include_retracted=True)
    known = {
        "category": {e.category for e in every} | set(EVENT_CATEGORIES),
        "actor": {a.code for e in every for a in e.actors},
        "tag": {t for e in every for t in e.tags},
    }
    asked = {
        "category": [v.strip().lower() for v in filters["categories"] or ()],
        "actor": [v.strip().upper() for v in filters["actors"] or ()],
        "tag": [v.strip().lower() for v in filters["tags"] or ()],
    }
    for option, values in asked.items():
        for value in values:
            if value in known[option]:
                continue
            code = value.partition(":")[0]
            close = (
                [code]
                if option == "actor" and code in known[option]
                else get_close_matches(value, sorted(known[option]), n=3)
            )
            hint = f"; did you mean {' or '.join(map(repr, close))}?" if close else ""
            click.echo(f"warning: --{option} {value!r}: no event has this {option}{hint}", err=True)
