"""The ``timeline`` command line: one kebab-case command per :class:`~timeline.Timeline` operation.

This is the only module that imports click (and rich, for tables and progress
bars). Every command opens the journal named by ``--journal`` (default
``$TIMELINE_JOURNAL``, else ``./timeline.db``), calls the Python API and
prints the result: a table on a terminal, JSON with ``--json``, plain
tab-separated lines when piped. Errors from :mod:`timeline` and
:mod:`citations` are printed to stderr as ``error: <message>`` with exit code 1.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import IO, TYPE_CHECKING, Any, NamedTuple, TextIO

import click

from citations.errors import CitationsError
from timeline.errors import ReadOnlyTimeline, TimelineError, TimelineWarning

if TYPE_CHECKING:
    from pathlib import Path

    from timeline.application import HistoryEntry, Timeline
    from timeline.documents import DocumentOptions
    from timeline.model import Event

__all__ = ["CHRONOLOGY_FORMATS", "WRITE_COMMANDS", "cli", "main"]

#: ``chronology --format`` choices: the document format and Markdown flavour each stands for.
CHRONOLOGY_FORMATS: dict[str, tuple[str, str]] = {
    "md": ("markdown", "footnotes"),
    "pandoc": ("markdown", "pandoc"),
    "html": ("html", "pandoc"),
    "svg": ("svg", "pandoc"),
    "timelinejs": ("timelinejs", "pandoc"),
    "csv": ("csv", "pandoc"),
    "latex": ("latex", "pandoc"),
}

#: ``bibliography --format`` choices (timeline.documents.options.BIBLIOGRAPHY_FORMATS,
#: repeated here so that ``--help`` need not import the document writers).
BIBLIOGRAPHY_FORMATS = ("bibtex", "biblatex", "csl-json", "text", "html", "markdown")

#: ``chronology --group-by`` choices: the document groupings but ``period``.
CHRONOLOGY_GROUPINGS = ("none", "year", "decade")

#: ``chronology --dates`` choices (timeline.documents.options.DATES).
CHRONOLOGY_DATES = ("as-written", "computed", "both")

DEFAULT_JOURNAL = "timeline.db"

#: The title of the seed chronology written by ``timeline seed``.
SEED_TITLE = "China–Russia relations: a chronology"


# -- settings shared by every command -----------------------------------------


class _Settings(NamedTuple):
    journal: Path
    as_of: int | datetime | None
    author: str | None
    tz: str | None = None
    busy_timeout: float = 30.0


def _parse_as_of(value: str | None, tz: str | None) -> int | datetime | None:
    """``seq:N``, or an ISO 8601 instant or date (without an offset: local to ``tz``)."""
    if value is None:
        return None
    if value.startswith("seq:"):
        number = value[4:]
        if not number.isdigit():
            raise click.BadParameter(
                f"{value!r}: after 'seq:' give a record number, e.g. seq:42", param_hint="'--as-of'"
            )
        return int(number)
    from timeline.instants import read_instant

    try:
        return read_instant(value, tz)
    except TimelineError as exc:
        raise click.BadParameter(
            f"{_sentence(exc)} (give an ISO instant such as 2022-03-01T00:00:00+08:00, "
            "a date, or seq:N)",
            param_hint="'--as-of'",
        ) from None


def _parse_made_at(value: str | None) -> datetime | None:
    """``--made-at`` (ISO instant), else ``$SOURCE_DATE_EPOCH``, else None (now)."""
    if value:
        try:
            instant = datetime.fromisoformat(value)
        except ValueError:
            raise click.BadParameter(f"{value!r} is not an ISO instant") from None
        return instant if instant.tzinfo else instant.replace(tzinfo=UTC)
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        if not epoch.isdigit():
            raise click.BadParameter(f"SOURCE_DATE_EPOCH={epoch!r} is not a number of seconds")
        return datetime.fromtimestamp(int(epoch), UTC)
    return None


def _settings() -> _Settings:
    return click.get_current_context().find_object(_Settings)  # type: ignore[return-value]


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
def _progress(description: str, total: int | None) -> Iterator[Callable[[int], None] | None]:
    """A progress callback drawing on stderr when it is a terminal; ``None`` (quiet) otherwise."""
    if not sys.stderr.isatty():
        yield None
        return
    bar = _Bar(description, total)
    try:
        yield bar
    finally:
        bar.close()


def _status(message: str) -> contextlib.AbstractContextManager[Any]:
    """A spinner on stderr for work without a count, when stderr is a terminal."""
    if not sys.stderr.isatty():
        return contextlib.nullcontext()
    from rich.console import Console

    return Console(stderr=True).status(message)


# -- opening the journal --------------------------------------------------------


class _Failure(click.ClickException):
    """A refusal by the command line itself: ``error: <message>`` on stderr, exit code 1."""

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


@contextlib.contextmanager
def _open(
    *, path: Path | None = None, create: bool = False, read_only: bool = False
) -> Iterator[Timeline]:
    """The timeline at ``path`` or ``--journal``, read-only as of ``--as-of`` when given.

    A command that only reads runs in one snapshot of the file; ``read_only``
    opens the file without writing anything to it. SQLite errors come out typed.
    """
    from timeline.application import Timeline

    settings = _settings()
    path = path or settings.journal
    uri = str(path).startswith("file:")
    if not create and not uri and str(path) != ":memory:" and not path.exists():
        raise _Failure(
            f"no journal at {path}; create one with `timeline init` or `timeline import`"
        )
    if create and not uri:
        path.parent.mkdir(parents=True, exist_ok=True)
    writes = isinstance(click.get_current_context().command, _Writes)
    with (
        _progress("catching up", None) as progress,
        Timeline.open(
            str(path) if uri else path,
            author=settings.author,
            progress=progress,
            busy_timeout=settings.busy_timeout,
            read_only=read_only,
        ) as timeline,
        timeline.journal.typed_errors(),
        contextlib.nullcontext() if writes else timeline.read_transaction(),
    ):
        if settings.as_of is not None:
            yield timeline.as_of(settings.as_of)
        else:
            yield timeline


def _out(path: str | None) -> contextlib.AbstractContextManager[TextIO]:
    """A text stream for ``-o PATH`` (parents created), or stdout for ``-`` / no path."""
    if path is None or path == "-":
        return contextlib.nullcontext(sys.stdout)
    from pathlib import Path

    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    return target.open("w", encoding="utf-8", newline="")


# -- output helpers -----------------------------------------------------------


#: Characters a terminal acts on instead of showing: C0 and C1 controls (ESC starts
#: escape sequences), DEL, and the bidirectional overrides, embeddings and isolates
#: that reorder what follows them (U+202E shows "exe.txt" for "txt.exe").
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
#: The ones JSON text may carry unescaped (it escapes C0 controls itself).
_RAW_IN_JSON = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _visible(text: str) -> str:
    """``text`` with each control character shown as an escape (``\\x1b``, ``\\u202e``).

    Tabs and line breaks become spaces, so one value stays on one table row.
    """
    text = text.replace("\t", " ").replace("\r\n", " ").replace("\n", " ")
    return _CONTROLS.sub(lambda m: ascii(m[0])[1:-1], text)


def _echo_json(data: Any) -> None:
    """``data`` as JSON; controls that JSON may leave raw (DEL, C1, bidi) are \\u escapes."""
    import json

    text = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    click.echo(_RAW_IN_JSON.sub(lambda m: f"\\u{ord(m[0]):04x}", text))


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]], title: str = "") -> None:
    """A rich table on a terminal; tab-separated lines with a header when piped.

    Cells are data, never markup (``[/b]`` in a title prints as written), and
    control characters are shown escaped.
    """
    rows = [[_visible(cell) for cell in row] for row in rows]
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


def _event_json(timeline: Timeline, event: Event) -> dict[str, Any]:
    from timeline.codec import encode_event
    from timeline.dates import format_edtf

    data = dict(encode_event(event))
    data["when"] = format_edtf(event.when)
    data["lower"], data["upper"] = (_iso_day(day) for day in event.when.bounds)
    data["retracted"] = timeline.is_retracted(event.id)
    data["citations"] = [
        {"key": c.key, "locator": c.locator, "quote": c.quote, "supports": list(c.supports)}
        for c in timeline.citations_of(event.id)
    ]
    return data


def _iso_day(day: int) -> str | None:
    """A bound (JDN) as an ISO 8601 day (``-0220-01-01`` before year 1); None if open."""
    from timeline.calendars import jdn_to_iso
    from timeline.dates import MAX_BOUND, MIN_BOUND

    return None if day in (MIN_BOUND, MAX_BOUND) else jdn_to_iso(day)


def _event_rows(events: Iterable[Event], lang: str) -> Iterator[tuple[str, ...]]:
    from timeline.dates import format_edtf

    for event in events:
        yield (
            event.id,
            format_edtf(event.when),
            event.kind,
            str(event.importance),
            event.title.get(lang, ("en", event.title.original)),
        )


def _print_events(timeline: Timeline, events: list[Event], as_json: bool, lang: str) -> None:
    if as_json:
        _echo_json([_event_json(timeline, e) for e in events])
    else:
        _table(("id", "when", "kind", "imp.", "title"), _event_rows(events, lang))


# -- the group --------------------------------------------------------------------


class _Group(click.Group):
    """A click group that turns library errors into one line on stderr and exit code 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("always", TimelineWarning)
                warnings.showwarning = _show_warning
                return super().invoke(ctx)
        except (TimelineError, CitationsError) as exc:
            click.echo(f"error: {_sentence(exc)}", err=True)
            ctx.exit(1)
        except BrokenPipeError:
            _quiet_stdout()
            ctx.exit(0)
        except OSError as exc:
            where = f"{exc.filename}: " if exc.filename else ""
            click.echo(f"error: {where}{exc.strerror or exc}", err=True)
            ctx.exit(1)


class _Writes(click.Command):
    """A command that writes a journal: refused under ``--as-of``, which only reads the past."""

    def invoke(self, ctx: click.Context) -> Any:
        if _settings().as_of is not None:
            raise ReadOnlyTimeline(
                f"--as-of shows the timeline as it stood then and never writes; "
                f"run `timeline {self.name}` without --as-of"
            )
        return super().invoke(ctx)


def _quiet_stdout() -> None:
    """Point stdout at /dev/null: its reader is gone (``timeline list | head -1``).

    What is still buffered is then flushed there at exit instead of raising
    BrokenPipeError again (as the Python docs on SIGPIPE recommend).
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def _show_warning(message: Warning | str, category: type[Warning], *_args: Any, **_kw: Any) -> None:
    """A warning from the library as one ``warning: ...`` line on stderr."""
    click.echo(f"warning: {_sentence(Exception(message))}", err=True)


def _sentence(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return " ".join(text.split())


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="timeline-citations", prog_name="timeline")
@click.option(
    "--journal",
    metavar="PATH",
    envvar="TIMELINE_JOURNAL",
    default=DEFAULT_JOURNAL,
    show_default=True,
    help="The journal file (default: $TIMELINE_JOURNAL, else ./timeline.db).",
)
@click.option(
    "--as-of",
    "as_of",
    metavar="MOMENT",
    help=(
        "Show the timeline as it stood at seq:N or an ISO instant (2022-03-01T00:00:00+08:00; "
        "a date or a time without offset is in --tz); commands that write refuse."
    ),
)
@click.option(
    "--tz",
    metavar="ZONE",
    help=(
        "IANA time zone for --as-of without an offset and for the times shown "
        "(default: $TZ, else the system's zone)."
    ),
)
@click.option(
    "--author",
    metavar="NAME",
    help="Who makes the changes (default: $TIMELINE_AUTHOR, else the login name).",
)
@click.option(
    "--busy-timeout",
    "busy_timeout",
    metavar="SECONDS",
    type=click.FloatRange(min=0),
    envvar="TIMELINE_BUSY_TIMEOUT",
    default=30.0,
    show_default=True,
    help="How long to wait for another process's lock on the journal ($TIMELINE_BUSY_TIMEOUT).",
)
@click.pass_context
def cli(
    ctx: click.Context,
    journal: str,
    as_of: str | None,
    tz: str | None,
    author: str | None,
    busy_timeout: float,
) -> None:
    """Keep dated historical events and their sources in one append-only journal.

    Record, correct and cite events, then publish chronologies (Markdown,
    HTML, LaTeX, ...) and bibliographies (BibTeX, biblatex, CSL-JSON).
    """
    from pathlib import Path

    ctx.obj = _Settings(
        journal=Path(journal),
        as_of=_parse_as_of(as_of, tz),
        author=author,
        tz=tz,
        busy_timeout=busy_timeout,
    )


# -- creating and importing ---------------------------------------------------------


@cli.command(cls=_Writes)
def init() -> None:
    """Create a new, empty journal at --journal."""
    path = _settings().journal
    if path.exists():
        raise _Failure(f"{path} already exists; choose another --journal")
    with _open(create=True) as timeline:
        head = timeline.head()
    click.echo(f"created journal {path} (head seq {head.seq})")


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
        settings = _settings()
        try:
            with (
                Timeline.creating(
                    timeline_path, author=settings.author, busy_timeout=settings.busy_timeout
                ) as timeline,
                _progress("importing", total) as bar,
            ):
                summary = timeline.import_plan(plan, author=author, progress=bar)
            return summary.references, summary.events, summary.citations, summary.revisions
        except JournalExists:
            pass  # another process made it meanwhile: import into it as into any journal
    with (
        _open(path=timeline_path) as timeline,
        _progress("importing", total) as bar,
    ):
        summary = timeline.import_plan(plan, author=author, progress=bar)
    return summary.references, summary.events, summary.citations, summary.revisions


@cli.command("import", cls=_Writes)
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

    settings = _settings()
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


# -- commands on events -------------------------------------------------------


def _citation_option(value: str) -> tuple[str, str]:
    key, _, locator = value.partition("@")
    return key.strip(), locator.strip()


@cli.command(cls=_Writes)
@click.argument("when")
@click.argument("title")
@click.option("--id", "event_id", help="The event id (a lowercase slug); derived if omitted.")
@click.option("--lang", default="en", show_default=True, help="Language of TITLE and WHEN.")
@click.option("--kind", default="other", show_default=True, help="treaty, visit, war, ...")
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
@click.option("--reason", default="", help="Why the event is recorded.")
def add(
    when: str,
    title: str,
    event_id: str | None,
    lang: str,
    kind: str,
    importance: int,
    summary: str,
    actors: tuple[str, ...],
    tags: tuple[str, ...],
    cites: tuple[str, ...],
    reason: str,
) -> None:
    """Record a new event: WHEN (EDTF or a phrase such as "early June 2019") and TITLE.

    Prints the new event's id.
    """
    fields: dict[str, Any] = {"kind": kind, "importance": importance}
    if summary:
        fields["summary"] = summary
    if actors:
        fields["actors"] = list(actors)
    if tags:
        fields["tags"] = list(tags)
    with _open() as timeline, timeline.transaction():
        event = timeline.record(
            id=event_id, when=when, title=title, lang=lang, reason=reason, **fields
        )
        for cite in cites:
            key, locator = _citation_option(cite)
            timeline.cite(event.id, key, locator=locator, reason=reason)
    click.echo(event.id)


@cli.command(cls=_Writes)
@click.argument("event_id", metavar="ID")
@click.option("--reason", required=True, help="Why the event changes (kept in its history).")
@click.option("--when", help="The corrected date (EDTF or a phrase in --lang).")
@click.option("--title", help="The corrected title in --lang.")
@click.option("--summary", help="The corrected summary in --lang.")
@click.option("--lang", default="en", show_default=True, help="Language of --when/--title.")
@click.option("--kind", help="The corrected kind.")
@click.option("--importance", type=click.IntRange(1, 3), help="1 (minor) to 3 (major).")
@click.option("--actor", "actors", multiple=True, help="Replace the actors (repeat).")
@click.option("--tag", "tags", multiple=True, help="Replace the tags (repeat).")
def revise(
    event_id: str,
    reason: str,
    when: str | None,
    title: str | None,
    summary: str | None,
    lang: str,
    kind: str | None,
    importance: int | None,
    actors: tuple[str, ...],
    tags: tuple[str, ...],
) -> None:
    """Correct some fields of event ID; only what changes is recorded."""
    from timeline.model import LocalizedText

    fields: dict[str, Any] = {}
    if when is not None:
        fields["when"] = when
    if kind is not None:
        fields["kind"] = kind
    if importance is not None:
        fields["importance"] = importance
    if actors:
        fields["actors"] = list(actors)
    if tags:
        fields["tags"] = list(tags)
    with _open() as timeline:
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
        timeline.revise(event_id, reason=reason, lang=lang, **fields)
        changed = timeline.head().seq != before
    click.echo(f"revised {event_id}" if changed else f"{event_id} unchanged")


@cli.command(cls=_Writes)
@click.argument("event_id", metavar="ID")
@click.option("--reason", required=True, help="Why the event is withdrawn.")
def retract(event_id: str, reason: str) -> None:
    """Withdraw event ID from the timeline (it stays in the journal and its history)."""
    with _open() as timeline:
        timeline.retract(event_id, reason=reason)
    click.echo(f"retracted {event_id}")


@cli.command(cls=_Writes)
@click.argument("event_id", metavar="ID")
@click.option("--reason", required=True, help="Why the event comes back.")
def restore(event_id: str, reason: str) -> None:
    """Put retracted event ID back on the timeline."""
    with _open() as timeline:
        timeline.restore(event_id, reason=reason)
    click.echo(f"restored {event_id}")


@cli.command(cls=_Writes)
@click.argument("event_id", metavar="ID")
@click.argument("key")
@click.option("--locator", default="", help='Where in the work: "p. 104", "fn. 12", "§2".')
@click.option("--quote", default="", help="A short quote in the original language.")
@click.option("--supports", multiple=True, help="An event field the source supports (repeat).")
@click.option("--reason", default="", help="Why the citation is added.")
def cite(
    event_id: str,
    key: str,
    locator: str,
    quote: str,
    supports: tuple[str, ...],
    reason: str,
) -> None:
    """Cite reference KEY from event ID, with an optional locator."""
    with _open() as timeline:
        citation = timeline.cite(
            event_id, key, locator=locator, quote=quote, supports=supports, reason=reason
        )
    where = f" at {citation.locator}" if citation.locator else ""
    click.echo(f"{event_id} cites {key}{where}")


@cli.command(cls=_Writes)
@click.argument("event_id", metavar="ID")
@click.argument("key")
@click.option("--locator", default="", help="The locator of the citation to remove.")
@click.option("--reason", required=True, help="Why the citation is removed.")
def uncite(event_id: str, key: str, locator: str, reason: str) -> None:
    """Remove the citation of KEY (at --locator) from event ID."""
    with _open() as timeline:
        timeline.uncite(event_id, key, locator=locator, reason=reason)
    click.echo(f"{event_id} no longer cites {key}")


# -- queries --------------------------------------------------------------------


@cli.command()
@click.argument("event_id", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--lang", default="en", show_default=True, help="Language of dates and titles.")
def show(event_id: str, as_json: bool, lang: str) -> None:
    """Show one event with its citations."""
    from timeline.dates import format_date, format_edtf

    with _open() as timeline:
        event = timeline.event(event_id)
        data = _event_json(timeline, event)
        if as_json:
            _echo_json(data)
            return
        lines = [
            f"{event.id}{'  (retracted)' if data['retracted'] else ''}",
            f"  when:       {format_date(event.when, lang)}  [{format_edtf(event.when)}]",
        ]
        if event.when_text:
            lines.append(f"  as written: {event.when_text}")
        for language, text in event.title.values:
            lines.append(f"  title.{language}:{' ' * max(1, 6 - len(language))}{text}")
        for language, text in event.summary.values:
            lines.append(f"  summary.{language}: {text}")
        lines.append(f"  kind:       {event.kind}   importance: {event.importance}")
        if event.actors:
            lines.append(f"  actors:     {', '.join(str(a) for a in event.actors)}")
        if event.tags:
            lines.append(f"  tags:       {', '.join(event.tags)}")
        for relation in event.relations:
            lines.append(f"  {relation.type}: {relation.target}")
        for citation in data["citations"]:
            where = f", {citation['locator']}" if citation["locator"] else ""
            lines.append(f"  cites:      {citation['key']}{where}")
        click.echo("\n".join(_visible(line) for line in lines))


def _filter_options(command: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(
        (
            click.option("--between", help="Keep events overlapping an EDTF date or interval."),
            click.option("--actor", "actors", multiple=True, help="Keep events with this actor."),
            click.option("--kind", "kinds", multiple=True, help="Keep events of this kind."),
            click.option("--tag", "tags", multiple=True, help="Keep events with this tag."),
            click.option(
                "--importance", type=click.IntRange(1, 3), help="Keep events this important."
            ),
            click.option("--include-retracted", is_flag=True, help="Keep retracted events too."),
        )
    ):
        command = option(command)
    return command


def _filters(**options: Any) -> dict[str, Any]:
    filters: dict[str, Any] = {
        "between": options.get("between"),
        "actors": options.get("actors") or None,
        "kinds": options.get("kinds") or None,
        "tags": options.get("tags") or None,
        "importance": options.get("importance"),
        "include_retracted": bool(options.get("include_retracted")),
    }
    return filters


def _warn_unknown_values(timeline: Timeline, filters: dict[str, Any]) -> None:
    """Warn on stderr about each --kind, --actor and --tag value that no event has.

    Called when the filters matched nothing, so a typo does not pass for an
    empty result; suggests close values that events do have.
    """
    from difflib import get_close_matches

    from timeline.model import EVENT_KINDS

    every = timeline.events(include_retracted=True)
    known = {
        "kind": {e.kind for e in every} | set(EVENT_KINDS),
        "actor": {a.code for e in every for a in e.actors},
        "tag": {t for e in every for t in e.tags},
    }
    asked = {
        "kind": [v.strip().lower() for v in filters["kinds"] or ()],
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


@cli.command("list")
@_filter_options
@click.option("--lang", default="en", show_default=True, help="Language of the titles.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def list_(lang: str, as_json: bool, **options: Any) -> None:
    """List events in historical order (a table on a terminal, JSON with --json)."""
    filters = _filters(**options)
    with _open() as timeline:
        events = timeline.events(**filters)
        if not events:
            _warn_unknown_values(timeline, filters)
        _print_events(timeline, events, as_json, lang)


@cli.command()
@click.argument("text")
@_filter_options
@click.option("--lang", help="Search titles and summaries in this language only.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def search(text: str, lang: str | None, as_json: bool, **options: Any) -> None:
    """Find events whose title or summary contains TEXT."""
    filters = _filters(**options)
    with _open() as timeline:
        events = timeline.events(text=text, lang=lang, **filters)
        if not events:
            _warn_unknown_values(timeline, filters)
        _print_events(timeline, events, as_json, lang or "en")


def _diff_value(value: Any, name: str) -> Any:
    """A field's value before or after a change as JSON (EDTF for ``when``; None if unset)."""
    from timeline.changes import EVENT_FIELDS
    from timeline.codec import encode_event_field
    from timeline.dates import format_edtf

    if value is None or value == "":
        return None
    if name == "when":
        return format_edtf(value)
    return encode_event_field(name, value) if name in EVENT_FIELDS else value


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
            d.field: {"old": _diff_value(d.old, d.field), "new": _diff_value(d.new, d.field)}
            for d in entry.diffs
        },
    }


@cli.command()
@click.argument("event_id", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def history(event_id: str, as_json: bool) -> None:
    """Every change to event ID, oldest first: who, when, why and what changed.

    The table shows when each change was recorded in --tz (default $TZ, else
    the system's zone); --json gives UTC.
    """
    with _open() as timeline:
        entries = [_history_json(e) for e in timeline.history(event_id)]
    if as_json:
        _echo_json(entries)
        return
    from timeline.instants import local_text

    rows = []
    for entry in entries:
        changed = "; ".join(
            f"{name}: {_diff_text(d['old'])} → {_diff_text(d['new'])}"
            for name, d in entry["changes"].items()
        )
        if entry["kind"] == "event.recorded":
            changed = f"when: {entry['changes'].get('when', {}).get('new', '')}"
        rows.append(
            (
                str(entry["seq"]),
                local_text(datetime.fromisoformat(entry["recorded_at"]), _settings().tz),
                entry["kind"],
                entry["author"] or "",
                entry["reason"] or "",
                changed,
            )
        )
    _table(("seq", "recorded at", "change", "author", "reason", "what changed"), rows)


# -- documents ------------------------------------------------------------------


def _document_options(
    fmt: str, lang: str, group_by: str, dates: str, style: str = ""
) -> DocumentOptions:
    from timeline.documents import DocumentOptions

    _, flavour = CHRONOLOGY_FORMATS[fmt]
    fallbacks = tuple(dict.fromkeys((lang, "en", "zh", "ru")))
    return DocumentOptions(
        lang=lang,
        fallbacks=fallbacks,
        group_by=group_by,
        flavour=flavour,
        dates=dates,
        style=style,
    )


_STYLE_HELP = (
    "Citation style: chicago-author-date, chicago-notes, apa, gb-t-7714-2015-author-date, "
    "gb-t-7714-2015-numeric, gb-t-7714-2015-note, gost-r-7.0.5-2008, another CSL style "
    "name, a .csl file, or a pybtex style (plain)."
)


def write_chronology(
    timeline: Timeline,
    fmt: str,
    output: str | None,
    *,
    title: str = "Chronology",
    lang: str = "en",
    group_by: str = "year",
    dates: str = "as-written",
    made_at: datetime | None = None,
    style: str = "",
    **filters: Any,
) -> int:
    """Render the timeline's chronology as ``fmt`` (a key of :data:`CHRONOLOGY_FORMATS`).

    Writes to ``output`` (stdout for ``None`` or ``-``); returns the number of events.
    """
    from timeline.documents import render

    chronology = timeline.chronology(title=title, made_at=made_at, **filters)
    with _status(f"rendering {len(chronology)} events as {fmt}"):
        text = render(
            chronology,
            CHRONOLOGY_FORMATS[fmt][0],
            _document_options(fmt, lang, group_by, dates, style),
        )
    with _out(output) as stream:
        stream.write(text)
    return len(chronology)


@cli.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(CHRONOLOGY_FORMATS)),
    default="md",
    show_default=True,
    help="md: self-contained Markdown with footnotes; pandoc: Markdown with [@key] citations.",
)
@click.option("-o", "--output", metavar="FILE", help="Write to FILE instead of stdout.")
@click.option("--title", default="Chronology", show_default=True, help="The document title.")
@click.option("--lang", default="en", show_default=True, help="Language of titles and dates.")
@click.option(
    "--group-by",
    type=click.Choice(CHRONOLOGY_GROUPINGS),
    default="year",
    show_default=True,
    help="Headings by year, by decade, or none.",
)
@click.option(
    "--dates",
    type=click.Choice(CHRONOLOGY_DATES),
    default="as-written",
    show_default=True,
    help="Dates as the source wrote them (early June 2019), computed from the date "
    "(1-10 June 2019), or both.",
)
@click.option(
    "--made-at",
    metavar="INSTANT",
    help="The made-at time printed in the document (default $SOURCE_DATE_EPOCH, else now).",
)
@click.option(
    "--style",
    metavar="NAME|FILE.csl",
    default="",
    help=_STYLE_HELP + " Default by --lang: en Chicago author-date, zh GB/T 7714 author-date, "
    "ru ГОСТ Р 7.0.5.",
)
@_filter_options
def chronology(
    fmt: str,
    output: str | None,
    title: str,
    lang: str,
    group_by: str,
    dates: str,
    made_at: str | None,
    style: str,
    **options: Any,
) -> None:
    """Write the chronology as Markdown, Pandoc Markdown, HTML, SVG, TimelineJS, CSV or LaTeX."""
    filters = _filters(**options)
    with _open() as timeline:
        count = write_chronology(
            timeline,
            fmt,
            output,
            title=title,
            lang=lang,
            group_by=group_by,
            dates=dates,
            made_at=_parse_made_at(made_at),
            style=style,
            **filters,
        )
        if not count:
            _warn_unknown_values(timeline, filters)
    if output and output != "-":
        click.echo(f"wrote {count} events to {output}", err=True)


@cli.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(BIBLIOGRAPHY_FORMATS),
    default="biblatex",
    show_default=True,
    help="The bibliography format: data (bibtex, biblatex, csl-json) or formatted references.",
)
@click.option("-o", "--output", metavar="FILE", help="Write to FILE instead of stdout.")
@click.option("--cited", is_flag=True, help="Only references cited by events on the timeline.")
@click.option(
    "--keep-private-fields",
    is_flag=True,
    help="Keep fields about your own copy (file, annotation, owner, timestamp, ...).",
)
@click.option(
    "--style",
    metavar="NAME|FILE.csl",
    default="chicago-author-date",
    show_default=True,
    help=_STYLE_HELP + " For --format text, html and markdown.",
)
def bibliography(
    fmt: str, output: str | None, cited: bool, keep_private_fields: bool, style: str
) -> None:
    """Write the references as BibTeX, biblatex or CSL-JSON sorted by key, or formatted
    in a citation style as text, HTML or Markdown."""
    from timeline.documents import write_bibliography

    with _open() as timeline:
        if cited:
            references = [ref for _key, ref in timeline.chronology().references]
        else:
            references = timeline.references()
        text = write_bibliography(
            references, fmt, keep_private_fields=keep_private_fields, style=style
        )
    with _out(output) as stream:
        stream.write(text)
    if output and output != "-":
        click.echo(f"wrote {len(references)} references to {output}", err=True)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def duplicates(as_json: bool) -> None:
    """List pairs of references that look like the same work, with the reasons."""
    from citations.duplicates import find_duplicates

    with _open() as timeline:
        matches = find_duplicates(timeline.references())
    if as_json:
        _echo_json([{"a": m.a.key, "b": m.b.key, "reasons": list(m.reasons)} for m in matches])
        return
    _table(
        ("key", "looks like", "because"),
        ((m.a.key, m.b.key, "; ".join(m.reasons)) for m in matches),
    )


# -- maintenance --------------------------------------------------------------


@cli.command()
def verify() -> None:
    """Check the hash chain and the read models against it; exit code 1 if anything differs.

    Opens the journal read-only: verifying never writes to the file.
    """
    with _open(read_only=True) as timeline:
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
    """Write the whole journal as JSON Lines (one record per line)."""
    with _open() as timeline, _out(output) as stream:
        count = timeline.dump(stream)
    if output and output != "-":
        click.echo(f"dumped {count} records to {output}", err=True)


@cli.command(cls=_Writes)
@click.argument(
    "dump_file",
    metavar="FILE",
    type=click.File("r", encoding="utf-8", errors="surrogateescape"),
)
def load(dump_file: TextIO) -> None:
    """Create the journal at --journal from a JSON Lines dump (which must verify)."""
    from timeline.application import Timeline

    settings = _settings()
    path = settings.journal
    if path.exists():
        raise _Failure(f"{path} already exists; load into a new --journal")
    path.parent.mkdir(parents=True, exist_ok=True)
    with (
        _progress("loading", None) as progress,
        Timeline.load(dump_file, path, author=settings.author, progress=progress) as loaded,
    ):
        head = loaded.head()
    click.echo(f"loaded {head.seq} records into {path}")


@cli.command(cls=_Writes)
def rebuild() -> None:
    """Drop and rebuild the read models from the journal."""
    with _open() as timeline:
        total = timeline.head().seq
        with _progress("rebuilding", total) as bar:
            count = timeline.rebuild(progress=bar)
    click.echo(f"rebuilt the read models from {count} records")


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def stats(as_json: bool) -> None:
    """Count events, references, citations and journal records."""
    from timeline.dates import format_edtf

    with _open() as timeline:
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
            "kinds": dict(sorted(Counter(e.kind for e in events).items())),
        }
    if as_json:
        _echo_json(counts)
        return
    rows = [(name, str(value)) for name, value in counts.items() if name != "kinds"]
    rows += [(f"kind {kind}", str(n)) for kind, n in counts["kinds"].items()]
    _table(("what", "count"), rows)


# -- the main job -------------------------------------------------------------------


@cli.command(cls=_Writes)
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
        raise _Failure(f"{journal} already exists; use an empty OUTDIR")
    stamp = _parse_made_at(made_at)
    files = [seeds / "references.bib", seeds / "events.toml"]
    counts = import_files(journal, files, author=_settings().author)
    with _open(path=journal) as timeline:
        for fmt, name in (("md", "chronology.md"), ("html", "chronology.html")):
            write_chronology(timeline, fmt, str(out / name), title=SEED_TITLE, made_at=stamp)
        bib = write_bibliography(timeline.references(), "biblatex")
    (out / "references.bib").write_text(bib, encoding="utf-8")
    click.echo(
        f"imported {counts[0]} references and {counts[1]} events; wrote "
        f"{out / 'chronology.md'}, {out / 'chronology.html'}, {out / 'references.bib'}"
    )


#: The commands that write a journal (or create one); ``--as-of`` refuses them.
WRITE_COMMANDS = frozenset(name for name, c in cli.commands.items() if isinstance(c, _Writes))


def main(argv: Sequence[str] | None = None) -> None:
    """Run the ``timeline`` command line (the console script and ``python -m timeline``)."""
    try:
        try:
            cli.main(args=list(argv) if argv is not None else None, prog_name="timeline")
        finally:
            sys.stdout.flush()
    except BrokenPipeError:
        _quiet_stdout()
        raise SystemExit(0) from None
