"""Commands on events: add-event, revise, retract, restore, event, events, search, history."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

import click

from timeline.cli._app import Writes, cli, current_settings, open_timeline
from timeline.cli._filters import filter_options, read_filters, warn_unknown_values
from timeline.cli._output import (
    diff_value,
    echo_json,
    event_json,
    print_events,
    print_table,
    visible,
)
from timeline.errors import MissingDocumentDate

if TYPE_CHECKING:
    from timeline.application import Difference, HistoryEntry

# -- commands on events -------------------------------------------------------


@contextlib.contextmanager
def _document_date_flag() -> Iterator[None]:
    """A relative date without a document date names ``--document-date``, not the keyword."""
    try:
        yield
    except MissingDocumentDate as exc:
        raise exc.given_by_flag("--document-date EDTF") from None


@cli.command("add-event", cls=Writes)
@click.argument("when")
@click.argument("title")
@click.option("--id", "event_id", help="The event id (a lowercase slug); derived if omitted.")
@click.option("--lang", default="en", show_default=True, help="Language of TITLE and WHEN.")
@click.option("--category", default="other", show_default=True, help="treaty, visit, conflict, ...")
@click.option(
    "--importance",
    type=click.IntRange(1, 3),
    default=2,
    show_default=True,
    help="1 (minor) to 3 (major).",
)
@click.option("--summary", default="", help="A sentence or two about the event.")
@click.option("--actor", "actors", multiple=True, help="An actor code, e.g. CHN or RUS:host.")
@click.option("--tag", "tags", multiple=True, help="A lowercase tag; repeat for more.")
@click.option("--cite", "cites", multiple=True, metavar="KEY[@LOCATOR]", help="Cite a reference.")
@click.option(
    "--old-style",
    is_flag=True,
    help="Read WHEN before 14 February 1918 with no O.S./N.S. mark as Julian.",
)
@click.option(
    "--document-date",
    metavar="EDTF",
    help="The date of the source, for relative phrases (last June, 去年6月).",
)
@click.option(
    "--during",
    metavar="PERIOD",
    help="Date it by a period definition (its id, or a label one definition has); "
    "WHEN - gives it no date of its own: it shows the period's span as it stands.",
)
@click.option("--reason", default="", help="Why the event is recorded.")
def add_event(
    when: str,
    title: str,
    event_id: str | None,
    lang: str,
    category: str,
    importance: int,
    summary: str,
    actors: tuple[str, ...],
    tags: tuple[str, ...],
    cites: tuple[str, ...],
    old_style: bool,
    document_date: str | None,
    during: str | None,
    reason: str,
) -> None:
    """Prints the new event's id."""
    fields: dict[str, Any] = {"category": category, "importance": importance}
    if summary:
        fields["summary"] = summary
    if actors:
        fields["actors"] = list(actors)
    if tags:
        fields["tags"] = list(tags)
    from timeline.domain import read_citation

    with open_timeline() as timeline, timeline.transaction(), _document_date_flag():
        event = timeline.add_event(
            id=event_id,
            when=None if when == "-" and during else when,
            title=title,
            lang=lang,
            reason=reason,
            old_style=old_style,
            document_date=document_date,
            during=during,
            **fields,
        )
        for cite in cites:
            citation = read_citation(event.id, cite)
            timeline.cite(event.id, citation.key, locator=citation.locator, reason=reason)
    click.echo(event.id)


@cli.command(cls=Writes)
@click.argument("event_id", metavar="ID")
@click.option("--reason", required=True, help="Why the event changes (kept in its history).")
@click.option("--when", help="The corrected date (EDTF or a phrase in --lang).")
@click.option("--title", help="The corrected title in --lang.")
@click.option("--summary", help="The corrected summary in --lang.")
@click.option("--lang", default="en", show_default=True, help="Language of --when/--title.")
@click.option("--category", help="The corrected category.")
@click.option("--importance", type=click.IntRange(1, 3), help="1 (minor) to 3 (major).")
@click.option("--actor", "actors", multiple=True, help="Replace the actors (repeat).")
@click.option(
    "--old-style",
    is_flag=True,
    help="Read --when before 14 February 1918 with no O.S./N.S. mark as Julian.",
)
@click.option(
    "--document-date",
    metavar="EDTF",
    help="The date of the source, for relative phrases (last June, 去年6月).",
)
@click.option("--tag", "tags", multiple=True, help="Replace the tags (repeat).")
def revise(
    event_id: str,
    reason: str,
    when: str | None,
    title: str | None,
    summary: str | None,
    lang: str,
    category: str | None,
    importance: int | None,
    actors: tuple[str, ...],
    tags: tuple[str, ...],
    old_style: bool,
    document_date: str | None,
) -> None:
    from timeline.domain import LocalizedText

    fields: dict[str, Any] = {}
    if when is not None:
        fields["when"] = when
    if category is not None:
        fields["category"] = category
    if importance is not None:
        fields["importance"] = importance
    if actors:
        fields["actors"] = list(actors)
    if tags:
        fields["tags"] = list(tags)
    with open_timeline() as timeline:
        current = timeline.event(event_id)
        for name, text in (("title", title), ("summary", summary)):
            if text is not None:
                before = getattr(current, name)
                fields[name] = LocalizedText(
                    {**before.as_dict(), lang: text}, original=before.original
                )
        if not fields:
            raise click.UsageError("say what to change, e.g. --when 2019-06-05")
        before = timeline.head().seq
        with _document_date_flag():
            timeline.revise(
                event_id,
                reason=reason,
                lang=lang,
                old_style=old_style,
                document_date=document_date,
                **fields,
            )
        changed = timeline.head().seq != before
    click.echo(f"revised {event_id}" if changed else f"{event_id} unchanged")


@cli.command(cls=Writes)
@click.argument("event_id", metavar="ID")
@click.option("--reason", required=True, help="Why the event is withdrawn.")
def retract(event_id: str, reason: str) -> None:
    with open_timeline() as timeline:
        timeline.retract(event_id, reason=reason)
    click.echo(f"retracted {event_id}")


@cli.command(cls=Writes)
@click.argument("event_id", metavar="ID")
@click.option("--reason", required=True, help="Why the event comes back.")
def restore(event_id: str, reason: str) -> None:
    with open_timeline() as timeline:
        timeline.restore(event_id, reason=reason)
    click.echo(f"restored {event_id}")


# -- queries --------------------------------------------------------------------


@cli.command("event")
@click.argument("event_id", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--lang", default="en", show_default=True, help="Language of dates and titles.")
def show_event(event_id: str, as_json: bool, lang: str) -> None:
    from timeline.dates import format_date, format_edtf

    with open_timeline() as timeline:
        event = timeline.event(event_id)
        data = event_json(timeline, event)
        if as_json:
            echo_json(data)
            return
        lines = [
            f"{event.id}{'  (retracted)' if data['retracted'] else ''}",
            f"  when:       {format_date(event.when, lang)}  [{format_edtf(event.when)}]",
        ]
        if event.when_text:
            lines.append(f"  as written: {event.when_text}")
        if event.during:
            own = "  (no date of its own: the period's span)" if event.when_from_period else ""
            lines.append(f"  during:     {event.during}{own}")
        for language, text in event.title.values:
            lines.append(f"  title.{language}:{' ' * max(1, 6 - len(language))}{text}")
        for language, text in event.summary.values:
            lines.append(f"  summary.{language}: {text}")
        lines.append(f"  category:   {event.category}   importance: {event.importance}")
        if event.actors:
            lines.append(f"  actors:     {', '.join(str(a) for a in event.actors)}")
        if event.tags:
            lines.append(f"  tags:       {', '.join(event.tags)}")
        for relation in event.relations:
            lines.append(f"  {relation.type}: {relation.target}")
        for citation in data["citations"]:
            where = f", {citation['locator']}" if citation["locator"] else ""
            lines.append(f"  cites:      {citation['key']}{where}")
        click.echo("\n".join(visible(line) for line in lines))


@cli.command("events")
@filter_options
@click.option(
    "--during",
    metavar="PERIOD",
    help="Keep events dated by a period definition (its id, or a label one definition has) "
    "or within its span.",
)
@click.option("--lang", default="en", show_default=True, help="Language of the titles.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def list_events(lang: str, as_json: bool, during: str | None, **options: Any) -> None:
    filters = read_filters(**options)
    with open_timeline() as timeline:
        events = timeline.events(during=during, **filters)
        if not events:
            warn_unknown_values(timeline, filters)
        print_events(timeline, events, as_json, lang)


@cli.command()
@click.argument("text")
@filter_options
@click.option("--lang", help="Search titles and summaries in this language only.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def search(text: str, lang: str | None, as_json: bool, **options: Any) -> None:
    filters = read_filters(**options)
    with open_timeline() as timeline:
        events = timeline.events(text=text, lang=lang, **filters)
        if not events:
            warn_unknown_values(timeline, filters)
        print_events(timeline, events, as_json, lang or "en")


def _diff_text(value: Any) -> str:
    """A JSON field value as a table cell ("—" for None)."""
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    import json

    return json.dumps(value, ensure_ascii=False)


def _history_json(entry: HistoryEntry) -> dict[str, Any]:
    return {
        "seq": entry.seq,
        "recorded_at": entry.recorded_at.isoformat(),
        "kind": entry.kind,
        "author": entry.author or None,
        "reason": entry.reason or None,
        "changes": {
            d.field: {"old": diff_value(d.old, d.field), "new": diff_value(d.new, d.field)}
            for d in entry.diffs
        },
    }


@cli.command()
@click.argument("event_id", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def history(event_id: str, as_json: bool) -> None:
    """The table shows when each change was recorded in --tz (default $TZ, else
    the system's zone); --json gives UTC.
    """
    with open_timeline() as timeline:
        entries = [_history_json(e) for e in timeline.history(event_id)]
    if as_json:
        echo_json(entries)
        return
    from timeline.domain import EventRecorded
    from timeline.instants import local_text

    rows = []
    for entry in entries:
        changed = "; ".join(
            f"{name}: {_diff_text(d['old'])} → {_diff_text(d['new'])}"
            for name, d in entry["changes"].items()
        )
        if entry["kind"] == EventRecorded.KIND:
            changed = f"when: {entry['changes'].get('when', {}).get('new', '')}"
        rows.append(
            (
                str(entry["seq"]),
                local_text(datetime.fromisoformat(entry["recorded_at"]), current_settings().tz),
                entry["kind"],
                entry["author"] or "",
                entry["reason"] or "",
                changed,
            )
        )
    print_table(("seq", "recorded at", "change", "author", "reason", "what changed"), rows)


@cli.command("diff")
@click.option(
    "--since", required=True, metavar="MOMENT", help="The earlier state: seq:N or an instant."
)
@click.option(
    "--until",
    metavar="MOMENT",
    help="The later state: seq:N or an instant (default: the head, or --as-of).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "md"]),
    default="text",
    show_default=True,
    help="Lines of text, JSON, or a Markdown page.",
)
def diff(since: str, until: str | None, fmt: str) -> None:
    """One line per event or reference that changed, with the fields that differ
    (old -> new): events added, revised, retracted or restored; references added,
    amended or merged. `--format md` writes a "what changed since" page, for a
    draft you submitted at seq:N.
    """
    from timeline.cli._app import parse_moment

    settings = current_settings()
    start = parse_moment(since, settings.tz, "--since")
    end = parse_moment(until, settings.tz, "--until")
    with open_timeline() as timeline:
        found = timeline.diff(start if start is not None else 0, end)
    rows = [_difference_json(d) for d in found]
    if fmt == "json":
        echo_json(rows)
        return
    if fmt == "md":
        click.echo(f"# What changed since {since}\n")
        if not rows:
            click.echo("Nothing changed.")
    for row in rows:
        changes = "; ".join(
            f"{name}: {_diff_text(d['old'])} → {_diff_text(d['new'])}"
            for name, d in row["changes"].items()
        )
        line = f"{row['status']} {row['kind']} {row['id']}"
        if row["status"] != "added" and changes:
            line += f": {changes}"
        click.echo(f"- {line}" if fmt == "md" else visible(line))


def _difference_json(difference: Difference) -> dict[str, Any]:
    def value(raw: Any, name: str) -> Any:
        if difference.kind == "event":
            return diff_value(raw, name)
        if name == "contributors" and raw is not None:
            return [contributor.display_name() for contributor in raw]
        return raw

    return {
        "status": difference.status,
        "kind": difference.kind,
        "id": difference.id,
        "changes": {
            d.field: {"old": value(d.old, d.field), "new": value(d.new, d.field)}
            for d in difference.diffs
        },
    }
