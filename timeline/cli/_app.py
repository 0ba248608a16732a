"""The ``timeline`` group: global options, opening the journal, errors as one line.

``timeline --help`` imports this module and :mod:`timeline.cli._commands` only,
so what the commands need (the library, its errors, progress bars) is imported
where it is used.
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import os
import sys
import warnings
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import IO, TYPE_CHECKING, Any, NamedTuple, TextIO

import click

from timeline.cli._commands import COMMANDS

if TYPE_CHECKING:
    from pathlib import Path

    from timeline.application import Timeline

DEFAULT_JOURNAL = "timeline.db"


# -- settings shared by every command -----------------------------------------


class Settings(NamedTuple):
    journal: Path | str  # a file, or a postgresql:// URL (str)
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
    from timeline.errors import TimelineError
    from timeline.instants import read_instant

    try:
        return read_instant(value, tz)
    except TimelineError as exc:
        raise click.BadParameter(
            f"{sentence(exc)} (give an ISO instant such as 2022-03-01T00:00:00+08:00, "
            "a date, or seq:N)",
            param_hint="'--as-of'",
        ) from None


def parse_moment(value: str | None, tz: str | None, option: str) -> int | datetime | None:
    """``seq:N`` or an instant given to ``option`` (as ``--as-of`` reads it)."""
    try:
        return _parse_as_of(value, tz)
    except click.BadParameter as exc:
        raise click.BadParameter(exc.message, param_hint=f"'{option}'") from exc


def parse_made_at(value: str | None) -> datetime | None:
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


def shown_journal() -> str:
    """The journal as messages show it (a URL without its password)."""
    from timeline._storage import shown

    return shown(current_settings().journal)


def current_settings() -> Settings:
    return click.get_current_context().find_object(Settings)  # type: ignore[return-value]


# -- opening the journal --------------------------------------------------------


class Failure(click.ClickException):
    """A refusal by the command line itself: ``error: <message>`` on stderr, exit code 1."""

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


def require_journal(target: Path | str) -> None:
    """Fail unless a journal is at ``target`` (a file, or a PostgreSQL schema's tables), so
    a mistyped path or schema is an error rather than a new, empty journal. ``:memory:``
    and ``file:`` URIs are left to SQLite."""
    from timeline._storage import shown, storage_exists

    text = str(target)
    if text == ":memory:" or text.startswith("file:") or storage_exists(target):
        return
    raise Failure(
        f"no journal at {shown(text)}; create one with `timeline init` or `timeline import`"
    )


@contextlib.contextmanager
def open_timeline(
    *, path: Path | None = None, create: bool = False, read_only: bool = False
) -> Iterator[Timeline]:
    """The timeline at ``path`` or ``--journal``, read-only as of ``--as-of`` when given.

    A command that only reads runs in one snapshot of the file; ``read_only``
    opens the file without writing anything to it. SQLite errors come out typed.
    """
    from pathlib import Path

    from timeline.application import Timeline
    from timeline.cli._output import progress_bar

    settings = current_settings()
    target = path or settings.journal
    if not create:
        require_journal(target)
    if isinstance(target, Path):
        uri = str(target).startswith("file:")
        if create and not uri:
            target.parent.mkdir(parents=True, exist_ok=True)
    writes = isinstance(click.get_current_context().command, Writes)
    with (
        progress_bar("catching up", None) as progress,
        Timeline.open(
            target if isinstance(target, Path) and not uri else str(target),
            author=settings.author,
            progress=progress,
            busy_timeout=settings.busy_timeout,
            read_only=read_only,
        ) as timeline,
        timeline.typed_errors(),
        contextlib.nullcontext() if writes else timeline.read_transaction(),
    ):
        if settings.as_of is not None:
            yield timeline.as_of(settings.as_of)
        else:
            yield timeline


def reference_cache() -> contextlib.AbstractContextManager[object]:
    """The formatted-reference cache beside the journal file (``JOURNAL-formatted``):
    a command that formats references reads what earlier ones formatted.

    None for ``:memory:``, ``file:`` URIs (they may name no folder to write in) and
    ``postgresql://`` URLs;
    read, never written, under ``--as-of`` (which writes nothing).
    """
    settings = current_settings()
    path = settings.journal
    if isinstance(path, str) or str(path).startswith("file:") or str(path) == ":memory:":
        return contextlib.nullcontext()
    from citations import formatted_cache

    cache = path.with_name(path.name + "-formatted")
    return formatted_cache(cache, read_only=settings.as_of is not None)


def output_stream(path: str | None) -> contextlib.AbstractContextManager[TextIO]:
    """A text stream for ``-o PATH`` (parents created), or stdout for ``-`` / no path.

    A file is written beside PATH and moved onto it when the stream closes without an
    error, so that a failure part way (a document written as it is made) leaves PATH
    as it was.
    """
    if path is None or path == "-":
        return contextlib.nullcontext(sys.stdout)
    return _replacing(path)


@contextlib.contextmanager
def _replacing(path: str) -> Iterator[TextIO]:
    from pathlib import Path

    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_name(f".{target.name}.part")
    try:
        with part.open("w", encoding="utf-8", newline="") as stream:
            yield stream
        os.replace(part, target)
    finally:
        part.unlink(missing_ok=True)


# -- the group --------------------------------------------------------------------


class _Group(click.Group):
    """The commands of :data:`COMMANDS`, each module imported when its command is needed.

    ``timeline --help`` lists them with their summaries from the table alone
    (click's lazy group pattern); a command's module adds it to the group when
    imported, and its summary heads its help. Library errors come out as one
    line on stderr and exit code 1.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = COMMANDS.get(cmd_name)
        if entry is not None and cmd_name not in self.commands:
            importlib.import_module(f"timeline.cli.{entry.module}")
        return self.commands.get(cmd_name)

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        name = name or cmd.name
        entry = COMMANDS.get(name or "")
        if entry is None:
            raise LookupError(f"command {name!r} has no entry in timeline.cli._commands.COMMANDS")
        details = inspect.cleandoc(cmd.help or "")
        cmd.help = f"{entry.summary}\n\n{details}" if details else entry.summary
        super().add_command(cmd, name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The commands and their summaries, shortened as click does, without importing any."""
        import textwrap

        limit = formatter.width - 6 - max(map(len, COMMANDS))
        rows = [
            (name, textwrap.shorten(summary, limit, placeholder="...", break_on_hyphens=False))
            for name, (_module, summary) in sorted(COMMANDS.items())
        ]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> Any:
        from citations.errors import CitationsError
        from timeline.errors import TimelineError, TimelineWarning

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("always", TimelineWarning)
                warnings.showwarning = _show_warning
                return super().invoke(ctx)
        except (TimelineError, CitationsError) as exc:
            click.echo(f"error: {sentence(exc)}", err=True)
            ctx.exit(1)
        except BrokenPipeError:
            quiet_stdout()
            ctx.exit(0)
        except OSError as exc:
            where = f"{exc.filename}: " if exc.filename else ""
            click.echo(f"error: {where}{exc.strerror or exc}", err=True)
            ctx.exit(1)


class Writes(click.Command):
    """A command that writes a journal: refused under ``--as-of``, which only reads the past."""

    def invoke(self, ctx: click.Context) -> Any:
        if current_settings().as_of is not None:
            from timeline.errors import ReadOnlyTimeline

            raise ReadOnlyTimeline(
                f"--as-of shows the timeline as it stood then and never writes; "
                f"run `timeline {self.name}` without --as-of"
            )
        return super().invoke(ctx)


def quiet_stdout() -> None:
    """Point stdout at /dev/null: its reader is gone (``timeline events | head -1``).

    What is still buffered is then flushed there at exit instead of raising
    BrokenPipeError again (as the Python docs on SIGPIPE recommend).
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def _show_warning(message: Warning | str, category: type[Warning], *_args: Any, **_kw: Any) -> None:
    """A warning from the library as one ``warning: ...`` line on stderr."""
    click.echo(f"warning: {sentence(Exception(message))}", err=True)


def sentence(exc: BaseException) -> str:
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
    help=(
        "The journal file, or a PostgreSQL URL postgresql://USER@HOST/DB#SCHEMA "
        "(default: $TIMELINE_JOURNAL, else ./timeline.db)."
    ),
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

    from timeline.journal import is_postgres_target

    ctx.obj = Settings(
        journal=journal if is_postgres_target(journal) else Path(journal),
        as_of=_parse_as_of(as_of, tz),
        author=author,
        tz=tz,
        busy_timeout=busy_timeout,
    )


def main(argv: Sequence[str] | None = None) -> None:
    """Run the ``timeline`` command line (the console script and ``python -m timeline``)."""
    try:
        try:
            cli.main(args=list(argv) if argv is not None else None, prog_name="timeline")
        finally:
            sys.stdout.flush()
    except BrokenPipeError:
        quiet_stdout()
        raise SystemExit(0) from None
