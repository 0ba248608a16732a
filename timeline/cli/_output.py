"""What commands print: tables, JSON, events, and progress on stderr."""

from __future__ import annotations

import contextlib
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from timeline.application import Timeline
    from timeline.domain import Event

# -- progress -----------------------------------------------------------------


class _Bar:
    """A rich progress bar on stderr, started at the first report (so quick work shows none)."""

    def __init__(self, description: str, total: int | None) -> None:
        self.description = description
        self.total = total
        self.bar: Any = None
        self.task: Any = None

    def __call__(self, done: int) -> None:
        if self.bar is None:
            from rich.console import Console
            from rich.progress import Progress

            self.bar = Progress(console=Console(stderr=True), transient=True)
            self.bar.start()
            self.task = self.bar.add_task(self.description, total=self.total)
        self.bar.update(self.task, completed=done)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


@contextlib.contextmanager
def progress_bar(description: str, total: int | None) -> Iterator[Callable[[int], None] | None]:
    """A progress callback drawing on stderr when it is a terminal; ``None`` (quiet) otherwise."""
    if not sys.stderr.isatty():
        yield None
        return
    bar = _Bar(description, total)
    try:
        yield bar
    finally:
        bar.close()


def spinner(message: str) -> contextlib.AbstractContextManager[Any]:
    """A spinner on stderr for work without a count, when stderr is a terminal."""
    if not sys.stderr.isatty():
        return contextlib.nullcontext()
    from rich.console import Console

    return Console(stderr=True).status(message)


# -- output helpers -----------------------------------------------------------


#: Characters a terminal acts on instead of showing: C0 and C1 controls (ESC starts
#: escape sequences), DEL, and the bidirectional overrides, embeddings and isolates
#: that reorder what follows them (U+202E shows "exe.txt" for "txt.exe").
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
#: The ones JSON text may carry unescaped (it escapes C0 controls itself).
_RAW_IN_JSON = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def visible(text: str) -> str:
    """``text`` with each control character shown as an escape (``\\x1b``, ``\\u202e``).

    Tabs and line breaks become spaces, so one value stays on one table row.
    """
    text = text.replace("\t", " ").replace("\r\n", " ").replace("\n", " ")
    return _CONTROLS.sub(lambda m: ascii(m[0])[1:-1], text)


def echo_json(data: Any) -> None:
    """``data`` as JSON; controls that JSON may leave raw (DEL, C1, bidi) are \\u escapes."""
    import json

    text = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    click.echo(_RAW_IN_JSON.sub(lambda m: f"\\u{ord(m[0]):04x}", text))


def print_table(headers: Sequence[str], rows: Iterable[Sequence[str]], title: str = "") -> None:
    """A rich table on a terminal; tab-separated lines with a header when piped.

    Cells are data, never markup (``[/b]`` in a title prints as written), and
    control characters are shown escaped.
    """
    rows = [[visible(cell) for cell in row] for row in rows]
    if sys.stdout.isatty():
        from rich.console import Console
        from rich.table import Table
        from rich.text import Text

        table = Table(title=Text(title) if title else None)
        for number, header in enumerate(headers):
            last = number == len(headers) - 1
            table.add_column(Text(header), no_wrap=number == 0, min_width=24 if last else None)
        for row in rows:
            table.add_row(*(Text(cell) for cell in row))
        Console().print(table)
        return
    click.echo("\t".join(headers))
    for row in rows:
        click.echo("\t".join(row))


def event_json(timeline: Timeline, event: Event) -> dict[str, Any]:
    from timeline.dates import format_edtf
    from timeline.domain import encode_claim, encode_event

    data = {
        ("category" if key == "kind" else key): value for key, value in encode_event(event).items()
    }
    data["when"] = format_edtf(event.when)
    if event.when_from_period:
        data["when_from_period"] = True  # `when` is the span of the period `during` names
    data["lower"], data["upper"] = (_iso_day(day) for day in event.when.bounds)
    data["retracted"] = timeline.is_retracted(event.id)
    data["citations"] = [
        {"key": c.key, "locator": c.locator, "quote": c.quote, "supports": list(c.supports)}
        for c in timeline.citations_of(event.id)
    ]
    data["claims"] = [encode_claim(claim) for claim in timeline.claims_of(event.id)]
    return data


def _iso_day(day: int) -> str | None:
    """A bound (JDN) as an ISO 8601 day (``-0220-01-01`` before year 1); None if open."""
    from timeline.dates import MAX_BOUND, MIN_BOUND, jdn_to_iso

    return None if day in (MIN_BOUND, MAX_BOUND) else jdn_to_iso(day)


def _event_rows(events: Iterable[Event], lang: str) -> Iterator[tuple[str, ...]]:
    from timeline.dates import format_edtf

    for event in events:
        yield (
            event.id,
            format_edtf(event.when),
            event.category,
            str(event.importance),
            event.title.get(lang, ("en", event.title.original)),
        )


def print_events(timeline: Timeline, events: list[Event], as_json: bool, lang: str) -> None:
    if as_json:
        echo_json([event_json(timeline, e) for e in events])
    else:
        print_table(("id", "when", "category", "imp.", "title"), _event_rows(events, lang))


def diff_value(value: Any, name: str) -> Any:
    """A field's value before or after a change as JSON (EDTF for ``when``; None if unset)."""
    from timeline.dates import format_edtf
    from timeline.domain import EVENT_FIELDS, encode_event_field

    if value is None or value == "":
        return None
    if name == "when":
        return format_edtf(value)
    return encode_event_field(name, value) if name in EVENT_FIELDS else value
