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


#: The title of the seed chronology written by ``timeline seed``.
SEED_TITLE = "China–Russia relations: a chronology"


#: Byte-order marks and the encoding family each one starts (UTF-32 before UTF-16:
#: a UTF-32-LE mark begins with the UTF-16-LE one).
_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


def _check_encoding(path: Path, encoding: str) -> None:
    """Refuse a file whose bytes are not in ``encoding``: a byte-order mark of another
    encoding, bytes that do not decode, NUL characters, or UTF-8 read as UTF-16/32."""
    import codecs

    from timeline.errors import ImportFailed

    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        raise ImportFailed(f"{path}: --encoding {encoding!r} is not an encoding") from None
    family = next((f for f in ("utf-32", "utf-16", "utf-8") if name.startswith(f)), name)
    data = path.read_bytes()
    mark = next((f for bom, f in _BOMS if data.startswith(bom)), None)
    if mark is not None and mark != family:
        raise ImportFailed(
            f"{path}: starts with a {mark.upper()} byte-order mark, but --encoding is {encoding}"
        )
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise ImportFailed(
            f"{path}: not {encoding}: byte {exc.start} ({data[exc.start]:#04x}) does not "
            "decode; give its encoding with --encoding"
        ) from None
    if "\x00" in text:
        raise ImportFailed(
            f"{path}: read as {encoding} it holds NUL characters: is it UTF-16? "
            "give its encoding with --encoding"
        )
    if family in ("utf-16", "utf-32") and mark is None and b"\x00" not in data:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return
        raise ImportFailed(f"{path}: looks like UTF-8 (no NUL bytes), not {encoding}")


def import_files(
    timeline_path: Path,
    files: Sequence[Path],
    *,
    author: str | None = None,
    strict: bool = True,
    encoding: str = "utf-8",
) -> tuple[int, int, int, int]:
    """Import reference and event files into one journal, all or nothing.

    Every file is read before anything is written; a new journal is built
    aside and appears only when the import succeeded. Returns the counts of
    references, events, citations and revisions recorded.
    """
    from timeline.importing import REFERENCE_FORMATS, read_import

    for path in files:
        if REFERENCE_FORMATS.get(path.suffix.lower()) == "bibtex":
            _check_encoding(path, encoding)
    plan = read_import(files, strict=strict, encoding=encoding)
    for problem in plan.problems:
        line = f":{problem.line}" if problem.line is not None else ""
        click.echo(f"warning: {problem.source}{line}: {problem.message}", err=True)
    total = len(plan.references) + len(plan.events) + len(plan.citations) + len(plan.revisions)
    if not timeline_path.exists():
        from timeline.application import Timeline
        from timeline.errors import JournalExists

        timeline_path.parent.mkdir(parents=True, exist_ok=True)
        settings = current_settings()
        try:
            with (
                Timeline.creating(
                    timeline_path, author=settings.author, busy_timeout=settings.busy_timeout
                ) as timeline,
                progress_bar("importing", total) as bar,
            ):
                summary = timeline.import_plan(plan, author=author, progress=bar)
            return summary.references, summary.events, summary.citations, summary.revisions
        except JournalExists:
            pass  # another process made it meanwhile: import into it as into any journal
    with (
        open_timeline(path=timeline_path) as timeline,
        progress_bar("importing", total) as bar,
    ):
        summary = timeline.import_plan(plan, author=author, progress=bar)
    return summary.references, summary.events, summary.citations, summary.revisions


@cli.command("import", cls=Writes)
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--tolerant",
    is_flag=True,
    help="Skip BibTeX entries that cannot be read (each is reported) instead of failing.",
)
@click.option("--encoding", default="utf-8", show_default=True, help="Encoding of .bib files.")
def import_(files: tuple[str, ...], tolerant: bool, encoding: str) -> None:
    """Import references and events from FILES, all or nothing.

    References: .bib (BibTeX or biblatex), .json (CSL-JSON), .ris. Events:
    .toml, .yaml/.yml, .jsonl, .csv. References are added first, then events,
    their citations and revisions. If anything fails, nothing is written.
    """
    from pathlib import Path

    settings = current_settings()
    counts = import_files(
        settings.journal,
        [Path(name) for name in files],
        author=settings.author,
        strict=not tolerant,
        encoding=encoding,
    )
    click.echo(
        "imported {} references, {} events, {} citations, {} revisions into {}".format(
            *counts, settings.journal
        )
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
    counts = import_files(journal, files, author=current_settings().author)
    with open_timeline(path=journal) as timeline:
        for fmt, name in (("md", "chronology.md"), ("html", "chronology.html")):
            write_chronology(timeline, fmt, str(out / name), title=SEED_TITLE, made_at=stamp)
        bib = write_bibliography(timeline.references(), "biblatex")
    (out / "references.bib").write_text(bib, encoding="utf-8")
    click.echo(
        f"imported {counts[0]} references and {counts[1]} events; wrote "
        f"{out / 'chronology.md'}, {out / 'chronology.html'}, {out / 'references.bib'}"
    )
