"""``timeline serve``: the web app (the ``web`` extra) over the journal."""

from __future__ import annotations

import contextlib

import click

from timeline.cli._app import Failure, Writes, cli, current_settings, require_journal

#: The libraries of the ``web`` extra; without them ``serve`` says how to install them.
_WEB_LIBRARIES = frozenset({"starlette", "uvicorn", "jinja2", "anyio", "h11"})


@cli.command(cls=Writes)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="The address to listen on; one that is not loopback needs --token.",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="The port to listen on (0: any free port, printed).",
)
@click.option(
    "--token",
    envvar="TIMELINE_TOKEN",
    help="An access token every request must carry, once as ?token=... ($TIMELINE_TOKEN).",
)
@click.option(
    "--read-only",
    "read_only",
    is_flag=True,
    help="Serve no forms, and open the journal without writing to it.",
)
def serve(host: str, port: int, token: str | None, read_only: bool) -> None:
    """Prints the address once it listens; Ctrl-C stops. Each edit is one journal
    record with its author and reason, as the other commands make; the pages'
    "As of" control shows the past (so --as-of is refused here).
    """
    settings = current_settings()
    try:
        from timeline import web
    except ModuleNotFoundError as exc:
        if (exc.name or "").partition(".")[0] not in _WEB_LIBRARIES:
            raise
        raise Failure(
            f"`timeline serve` needs the web extra ({exc.name} is missing): "
            "pip install 'timeline-citations[web]'"
        ) from None
    if not web.is_loopback(host) and not token:
        raise click.UsageError(
            f"--host {host} is not a loopback address: give an access token with --token"
        )
    path = settings.journal
    require_journal(path)
    from timeline.application import Timeline

    with (
        Timeline.open(
            path, author=settings.author, busy_timeout=settings.busy_timeout, read_only=read_only
        ) as timeline,
        timeline.typed_errors(),
        contextlib.suppress(KeyboardInterrupt),  # Ctrl-C, re-raised by uvicorn once it stopped
    ):
        web.serve(
            timeline,
            host=host,
            port=port,
            token=token,
            read_only=read_only,
            ready=lambda url: click.echo(f"serving {url} (Ctrl-C stops)"),
        )
