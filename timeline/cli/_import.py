"""Commands bringing data in and out: import, export-events, and seed (the main job on the
seed data set)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import click

from timeline.cli._app import (
    Failure,
    Writes,
    cli,
    current_settings,
    open_timeline,
    output_stream,
    parse_made_at,
    shown_journal,
)
from timeline.cli._documents import write_chronology
from timeline.cli._filters import filter_options, read_filters
from timeline.cli._output import diff_value, echo_json, progress_bar

if TYPE_CHECKING:
    from pathlib import Path

    from timeline.application import ImportedEntry, ImportSummary


#: The title of the seed chronology written by ``timeline seed``.
SEED_TITLE = "China–Russia relations: a chronology"


def import_files(
    journal: Path | str,
    files: Sequence[Path],
    *,
    strict: bool = True,
    encoding: str = "utf-8",
    collection: str | None = None,
    library: int | None = None,
    mapping: str | None = None,
    dry_run: bool = False,
    retract_missing: bool = False,
    listed: int | None = None,
) -> ImportSummary:
    """Import ``files``, read part by part as the import goes (then warn about what a
    tolerant read skipped)."""
    from timeline.importing import import_into, stream_import

    stream = stream_import(
        files,
        strict=strict,
        encoding=encoding,
        collection=collection,
        library=library,
        mapping=mapping,
    )
    settings = current_settings()
    with progress_bar("importing", None) as bar:
        summary = import_into(
            journal,
            stream,
            author=settings.author,
            busy_timeout=settings.busy_timeout,
            progress=bar,
            dry_run=dry_run,
            retract_missing=retract_missing,
            listed=listed,
        )
    for problem in summary.problems:
        click.echo(f"warning: {problem}", err=True)
    skipped = sum(problem.skipped for problem in summary.problems)
    if skipped:
        entries = "entry" if skipped == 1 else "entries"
        click.echo(f"warning: skipped {skipped} {entries} that could not be read", err=True)
    return summary


@cli.command("import", cls=Writes)
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--tolerant",
    is_flag=True,
    help="Skip BibTeX entries that cannot be read (each is reported) instead of failing.",
)
@click.option("--encoding", default="utf-8", show_default=True, help="Encoding of .bib files.")
@click.option(
    "--collection",
    metavar="NAME",
    help="Zotero database: only the items in this collection (name or Parent/Child path) "
    "and its subcollections.",
)
@click.option(
    "--library",
    metavar="ID",
    type=int,
    help="Zotero database: only the items of this library (1 is My Library).",
)
@click.option(
    "--mapping",
    metavar="FILE",
    help="Read .csv/.tsv/.tab data tables through this mapping file (column -> field), or "
    "a built-in one by name: acled (chosen unasked for a header with ACLED's columns).",
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="Print what the import would record (added, changed with field diffs, missing, "
    "moved) and write nothing.",
)
@click.option(
    "--retract-missing",
    is_flag=True,
    help="Retract the events an earlier import of these files recorded that they lack "
    "now, and drop such citations and claims of their events (each reason names the file).",
)
@click.option(
    "--list",
    "listed",
    type=click.IntRange(min=0),
    metavar="N",
    help="List at most N entries that are not unchanged (default 1000); the counts cover them all.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def import_(
    files: tuple[str, ...],
    tolerant: bool,
    encoding: str,
    collection: str | None,
    library: int | None,
    mapping: str | None,
    dry_run: bool,
    retract_missing: bool,
    listed: int | None,
    as_json: bool,
) -> None:
    """References: .bib (BibTeX or biblatex), .json (CSL-JSON), .ris, and Zotero's
    own zotero.sqlite (read-only, also while Zotero runs). Events: .toml,
    .yaml/.yml, .jsonl, .csv; event data sets (ACLED, ICEWS, GDELT, a
    spreadsheet) as .csv/.tsv/.tab with --mapping. References are added first,
    then events, their citations (with what their sources claim) and
    revisions.

    An import is a sync: an entry the journal holds already is compared, and
    only what changed is recorded (a reference amended, an event revised in the
    fields that changed), so the same files again write nothing. Entries an
    earlier import of a file recorded and the file lacks now are listed as
    missing (retracted with --retract-missing); a reference whose citation key
    changed (the same Zotero item, or an entry with the content or DOI of one
    gone from the file) is listed as moved and kept under its old key. If
    anything fails, nothing is written.
    """
    from pathlib import Path

    paths = [Path(name) for name in files]
    if (collection is not None or library is not None) and not any(
        path.suffix.lower() == ".sqlite" for path in paths
    ):
        raise Failure("--collection and --library select from a Zotero database (.sqlite)")
    settings = current_settings()
    summary = import_files(
        settings.journal,
        paths,
        strict=not tolerant,
        encoding=encoding,
        collection=collection,
        library=library,
        mapping=mapping,
        dry_run=dry_run,
        retract_missing=retract_missing,
        listed=listed,
    )
    if as_json:
        echo_json(summary_json(summary))
        return
    for entry in summary.entries:
        if dry_run or entry.status in ("missing", "moved"):
            click.echo(entry_text(entry), err=not dry_run)
    if dry_run and summary.unlisted:
        click.echo(f"... and {summary.unlisted} more (--list N lists more)")
    if dry_run:
        click.echo(
            f"would write {summary.records} records to {shown_journal()} ({_counts(summary)}); "
            "nothing was written"
        )
        return
    click.echo(
        f"imported {summary.references} references, {summary.events} events, "
        f"{summary.citations} citations, "
        + (f"{summary.claims} claims, " if summary.claims else "")
        + f"{summary.revisions} revisions into {shown_journal()} ({_counts(summary)})"
    )
    if summary.missing > summary.retracted:
        click.echo(
            "note: missing entries are kept; --retract-missing retracts missing events "
            "(references stay)",
            err=True,
        )


def _counts(summary: ImportSummary) -> str:
    return (
        f"{summary.added} added, {summary.changed} changed, {summary.unchanged} unchanged, "
        f"{summary.missing} missing, {summary.moved} moved"
    )


def entry_text(entry: ImportedEntry) -> str:
    """One line per entry (``changed event e1 (events.toml:7): title: A -> B``)."""
    line = f"{entry.status} {entry.kind} {entry.id} ({entry.origin})"
    if entry.note:
        line += f": {entry.note}"
    if entry.diffs:
        line += ": " + "; ".join(
            f"{d.field}: {_text(_value(entry, d.old, d.field))} -> "
            f"{_text(_value(entry, d.new, d.field))}"
            for d in entry.diffs
        )
    return line


def _value(entry: ImportedEntry, value: Any, field: str) -> Any:
    """A diff's value as JSON: an event field as its codec writes it, a reference's
    contributors as their names, anything else as it is."""
    if entry.kind == "event":
        return diff_value(value, field)
    if field == "contributors" and value is not None:
        return [contributor.display_name() for contributor in value]
    return value


def _text(value: Any) -> str:
    """A diff's JSON value as text: a title or summary as its texts, None as (none)."""
    if value is None:
        return "(none)"
    if isinstance(value, dict) and set(value) == {"text", "original"}:
        return " / ".join(value["text"].values()) or "(none)"
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def summary_json(summary: ImportSummary) -> dict[str, Any]:
    """The summary as JSON: counts, then each entry listed with its field diffs (old, new),
    and how many were left unlisted."""
    counts = ("added", "changed", "unchanged", "missing", "moved", "retracted", "records")
    recorded = ("references", "events", "citations", "revisions", "claims")
    return {
        "dry_run": summary.dry_run,
        **{name: getattr(summary, name) for name in counts},
        "recorded": {name: getattr(summary, name) for name in recorded},
        "unlisted": summary.unlisted,
        "entries": [
            {
                "status": entry.status,
                "kind": entry.kind,
                "id": entry.id,
                "origin": entry.origin,
                **({"note": entry.note} if entry.note else {}),
                "changes": {
                    d.field: {
                        "old": _value(entry, d.old, d.field),
                        "new": _value(entry, d.new, d.field),
                    }
                    for d in entry.diffs
                },
            }
            for entry in summary.entries
        ],
    }


@cli.command("export-events")
@filter_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["toml", "jsonl", "csv"]),
    default="toml",
    show_default=True,
    help="The events file format.",
)
@click.option("-o", "--output", metavar="FILE", help="Write to FILE instead of stdout.")
def export_events(fmt: str, output: str | None, **options: Any) -> None:
    """Edit the file and `timeline import` it: what you changed is recorded as
    revisions (with the file's line as the reason), nothing else. CSV holds no
    claims, quotes or place coordinates: an event with them is refused, naming it.
    """
    filters = read_filters(**options)
    if filters.pop("include_retracted"):
        raise Failure("an events file holds no retractions; export without --include-retracted")
    with open_timeline() as timeline:
        text = timeline.export_events(fmt, **filters)
    with output_stream(output) as stream:
        stream.write(text)


# -- the main job -------------------------------------------------------------------


@cli.command(cls=Writes)
@click.argument("outdir", type=click.Path(file_okay=False))
@click.option(
    "--seeds",
    "seeds_dir",
    type=click.Path(exists=True, file_okay=False),
    default="seeds",
    show_default=True,
    help="The folder holding references.bib, events.toml and the PeriodO files (.jsonld) "
    "of the periods its events are dated by.",
)
@click.option("--made-at", metavar="INSTANT", help="The made-at time printed in the documents.")
def seed(outdir: str, seeds_dir: str, made_at: str | None) -> None:
    """Writes chronology.md, chronology.html and references.bib: the same as
    `import-periodo` of the folder's .jsonld files (the periods, such as the
    five-year plans, some events are dated by), `import`,
    then `chronology --format md`, `--format html` and `bibliography`.
    """
    from pathlib import Path

    from timeline.documents import write_bibliography

    out, seeds = Path(outdir), Path(seeds_dir)
    journal = out / "seed.timeline"
    if journal.exists():
        raise Failure(f"{journal} already exists; use an empty OUTDIR")
    stamp = parse_made_at(made_at)
    with open_timeline(path=journal, create=True) as timeline:
        periods = sum(  # the periods (PeriodO files) some events are dated by
            timeline.import_periodo(path)["defined"] for path in sorted(seeds.glob("*.jsonld"))
        )
    files = [seeds / "references.bib", seeds / "events.toml"]
    summary = import_files(journal, files)
    with open_timeline(path=journal) as timeline:
        for fmt, name in (("md", "chronology.md"), ("html", "chronology.html")):
            write_chronology(timeline, fmt, str(out / name), title=SEED_TITLE, made_at=stamp)
        bib = write_bibliography(timeline.references(), "biblatex")
    (out / "references.bib").write_text(bib, encoding="utf-8")
    click.echo(
        f"imported {periods} periods, {summary.references} references and "
        f"{summary.events} events; wrote "
        f"{out / 'chronology.md'}, {out / 'chronology.html'}, {out / 'references.bib'}"
    )
