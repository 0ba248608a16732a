"""Commands on the journal itself: init, verify, dump, load, rebuild, stats."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any, TextIO

import click

from timeline.cli._app import (
    Failure,
    Writes,
    cli,
    current_settings,
    open_timeline,
    output_stream,
    shown_journal,
)
from timeline.cli._output import echo_json, print_table, progress_bar

if TYPE_CHECKING:
    pass


@cli.command(cls=Writes)
def init() -> None:
    _refuse_existing("choose another --journal")
    with open_timeline(create=True) as timeline:
        head = timeline.head()
    click.echo(f"created journal {shown_journal()} (head seq {head.seq})")


def _refuse_existing(advice: str) -> None:
    """Fail when a journal is at --journal already (a file, or a schema's tables)."""
    from timeline._storage import storage_exists

    if storage_exists(current_settings().journal):
        raise Failure(f"{shown_journal()} already exists; {advice}")


@cli.command(cls=Writes)
@click.argument("source", metavar="SOURCE")
@click.argument("target", metavar="TARGET")
def copy(source: str, target: str) -> None:
    """SOURCE and TARGET are each a journal file or a PostgreSQL URL
    (postgresql://USER@HOST/DB#SCHEMA); --journal is not used. The records are copied as
    stored (the same hashes, the same head hash) from one snapshot of SOURCE, TARGET's
    read models are built, and the copy is verified before it is kept: all or nothing.
    A TARGET that holds a journal already is refused."""
    import contextlib

    from timeline._storage import open_storage, shown
    from timeline.application import Timeline

    with contextlib.closing(open_storage(source, read_only=True).journal) as journal:
        total = journal.head().seq
    with progress_bar("copying", total) as bar:
        head = Timeline.copy(
            source, target, progress=bar, busy_timeout=current_settings().busy_timeout
        )
    click.echo(
        f"copied {head.seq} records from {shown(source)} to {shown(target)}, verified "
        f"(head seq {head.seq} hash {head.hash})"
    )


# -- maintenance --------------------------------------------------------------


@cli.command()
def verify() -> None:
    """Opens the journal read-only: verifying never writes to the file."""
    with open_timeline(read_only=True) as timeline:
        report = timeline.verify()
        head = timeline.head()
    if report.ok:
        click.echo(f"ok: {report.checked} records verified, head seq {head.seq} hash {head.hash}")
        return
    if report.first_bad_seq is not None:
        message = f"the journal fails verification at seq {report.first_bad_seq}: {report.reason}"
    else:
        message = f"{report.checked} records verify, but {report.reason}"
    click.echo(f"error: {message}", err=True)
    raise SystemExit(1)


@cli.command()
@click.option("-o", "--output", metavar="FILE", help="Write to FILE instead of stdout.")
def dump(output: str | None) -> None:
    with open_timeline() as timeline, output_stream(output) as stream:
        count = timeline.dump(stream)
    if output and output != "-":
        click.echo(f"dumped {count} records to {output}", err=True)


@cli.command(cls=Writes)
@click.argument(
    "dump_file",
    metavar="FILE",
    type=click.File("r", encoding="utf-8", errors="surrogateescape"),
)
def load(dump_file: TextIO) -> None:
    from timeline.application import Timeline

    settings = current_settings()
    path = settings.journal
    _refuse_existing("load into a new --journal")
    if not isinstance(path, str):
        path.parent.mkdir(parents=True, exist_ok=True)
    with (
        progress_bar("loading", None) as progress,
        Timeline.load(dump_file, path, author=settings.author, progress=progress) as loaded,
    ):
        head = loaded.head()
    click.echo(f"loaded {head.seq} records into {shown_journal()}")


@cli.command(cls=Writes)
def rebuild() -> None:
    with open_timeline() as timeline:
        total = timeline.head().seq
        with progress_bar("rebuilding", total) as bar:
            count = timeline.rebuild(progress=bar)
    click.echo(f"rebuilt the read models from {count} records")


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def stats(as_json: bool) -> None:
    from timeline.dates import format_edtf

    with open_timeline() as timeline:
        events = timeline.events()
        every = timeline.events(include_retracted=True)
        references = timeline.references(include_merged=True)
        head = timeline.head()
        counts: dict[str, Any] = {
            "records": head.seq,
            "events": len(events),
            "retracted": len(every) - len(events),
            "unsourced": len(timeline.unsourced()),
            "citations": sum(len(timeline.citations_of(e.id)) for e in every),
            "references": sum(1 for _ in timeline.references()),
            "merged_references": len(references) - len(timeline.references()),
            "first": format_edtf(events[0].when) if events else None,
            "last": format_edtf(events[-1].when) if events else None,
            "head_hash": head.hash,
            "categories": dict(sorted(Counter(e.category for e in events).items())),
        }
    if as_json:
        echo_json(counts)
        return
    rows = [(name, str(value)) for name, value in counts.items() if name != "categories"]
    rows += [(f"category {name}", str(n)) for name, n in counts["categories"].items()]
    print_table(("what", "count"), rows)
