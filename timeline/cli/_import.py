"""Commands bringing data in: import, and seed (the main job on the seed data set)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import click

from timeline.cli._app import Failure, Writes, cli, current_settings, open_timeline, parse_made_at
from timeline.cli._documents import write_chronology
from timeline.cli._output import progress_bar

if TYPE_CHECKING:
    from pathlib import Path

    from timeline.application import ImportSummary


#: The title of the seed chronology written by ``timeline seed``.
SEED_TITLE = "China–Russia relations: a chronology"


def import_files(
    journal: Path,
    files: Sequence[Path],
    *,
    strict: bool = True,
    encoding: str = "utf-8",
    collection: str | None = None,
    library: int | None = None,
    mapping: str | None = None,
) -> ImportSummary:
    """Read ``files`` (warning about what a tolerant read skipped), then import them."""
    from timeline.importing import import_into, read_import

    plan = read_import(
        files,
        strict=strict,
        encoding=encoding,
        collection=collection,
        library=library,
        mapping=mapping,
    )
    for problem in plan.problems:
        click.echo(f"warning: {problem}", err=True)
    skipped = sum(problem.skipped for problem in plan.problems)
    if skipped:
        entries = "entry" if skipped == 1 else "entries"
        click.echo(f"warning: skipped {skipped} {entries} that could not be read", err=True)
    settings = current_settings()
    with progress_bar("importing", plan.size) as bar:
        return import_into(
            journal,
            plan,
            author=settings.author,
            busy_timeout=settings.busy_timeout,
            progress=bar,
        )


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
def import_(
    files: tuple[str, ...],
    tolerant: bool,
    encoding: str,
    collection: str | None,
    library: int | None,
    mapping: str | None,
) -> None:
    """Import references and events from FILES, all or nothing.

    References: .bib (BibTeX or biblatex), .json (CSL-JSON), .ris, and Zotero's
    own zotero.sqlite (read-only, also while Zotero runs). Events: .toml,
    .yaml/.yml, .jsonl, .csv; event data sets (ACLED, ICEWS, GDELT, a
    spreadsheet) as .csv/.tsv/.tab with --mapping. References are added first,
    then events, their citations (with what their sources claim) and
    revisions. An import is a sync: entries the journal holds are compared,
    and only what changed is recorded (the same files again write nothing).
    If anything fails, nothing is written.
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
    )
    click.echo(
        f"imported {summary.references} references, {summary.events} events, "
        f"{summary.citations} citations, "
        + (f"{summary.claims} claims, " if summary.claims else "")
        + f"{summary.revisions} revisions into {settings.journal} "
        f"({summary.added} added, {summary.changed} changed, {summary.unchanged} unchanged, "
        f"{summary.missing} missing, {summary.moved} moved)"
    )


# -- the main job -------------------------------------------------------------------


@cli.command(cls=Writes)
@click.argument("outdir", type=click.Path(file_okay=False))
@click.option(
    "--seeds",
    "seeds_dir",
    type=click.Path(exists=True, file_okay=False),
    default="seeds",
    show_default=True,
    help="The folder holding references.bib and events.toml.",
)
@click.option("--made-at", metavar="INSTANT", help="The made-at time printed in the documents.")
def seed(outdir: str, seeds_dir: str, made_at: str | None) -> None:
    """Import the seed data set into OUTDIR/seed.timeline and write its documents to OUTDIR.

    Writes chronology.md, chronology.html and references.bib: the same as
    `import`, then `chronology --format md`, `--format html` and `bibliography`.
    """
    from pathlib import Path

    from timeline.documents import write_bibliography

    out, seeds = Path(outdir), Path(seeds_dir)
    journal = out / "seed.timeline"
    if journal.exists():
        raise Failure(f"{journal} already exists; use an empty OUTDIR")
    stamp = parse_made_at(made_at)
    files = [seeds / "references.bib", seeds / "events.toml"]
    summary = import_files(journal, files)
    with open_timeline(path=journal) as timeline:
        for fmt, name in (("md", "chronology.md"), ("html", "chronology.html")):
            write_chronology(timeline, fmt, str(out / name), title=SEED_TITLE, made_at=stamp)
        bib = write_bibliography(timeline.references(), "biblatex")
    (out / "references.bib").write_text(bib, encoding="utf-8")
    click.echo(
        f"imported {summary.references} references and {summary.events} events; wrote "
        f"{out / 'chronology.md'}, {out / 'chronology.html'}, {out / 'references.bib'}"
    )
